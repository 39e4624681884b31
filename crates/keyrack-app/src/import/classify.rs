//! Checking each row of an uploaded sheet against the tenant's people: match it, parse its
//! cells with the domain's parse functions, find the access actions it needs, check the
//! importing actor's rights and the password policy, and classify it (rules: [`super`]).
//!
//! Everything here works on a [`Snapshot`] in memory and performs no I/O, so a large file is
//! checked on a blocking thread without a query per row.

use std::collections::{BTreeSet, HashMap, VecDeque};

use keyrack_core::FieldError;
use keyrack_core::access::{AccessState, Action, Effect, decide};
use keyrack_core::authz::{ADMINISTRATOR, BranchScope};
use keyrack_core::password::{PasswordContext, check};
use keyrack_core::types::{Email, Locale, PersonKind, Username, parse_name, parse_phone};
use keyrack_sheet::{Column, HeaderMap, join_list, split_list};
use keyrack_store::records::{LoginRecord, PersonRecord};
use serde::{Deserialize, Serialize};

use super::rights::{NEEDS_ACCESS_MANAGE, NEEDS_PEOPLE_MANAGE, Rights, forbidden};
use super::snapshot::{Catalogue, Snapshot};
use super::{FieldChange, HIDDEN_PASSWORD, PreviewRow, Progress, RowClass, RowError};
use crate::App;
use crate::tenants::Tenant;

/// A person's fields as a row leaves them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct PersonPlan {
    pub(crate) kind: PersonKind,
    pub(crate) salutation: String,
    pub(crate) first_name: String,
    pub(crate) last_name: String,
    pub(crate) email: Option<String>,
    pub(crate) phones: Vec<String>,
    pub(crate) language: Locale,
    pub(crate) notifications: Vec<String>,
}

impl PersonPlan {
    /// The person record these fields make, under the given identity and timestamps.
    pub(crate) fn record(&self, id: String, tenant_id: String, created_at: i64, updated_at: i64, version: i64) -> PersonRecord {
        PersonRecord {
            id,
            tenant_id,
            kind: self.kind,
            salutation: self.salutation.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            email: self.email.clone(),
            phones: self.phones.clone(),
            language: self.language,
            notifications: self.notifications.clone(),
            created_at,
            updated_at,
            version,
        }
    }

    fn of(p: &PersonRecord) -> Self {
        Self {
            kind: p.kind,
            salutation: p.salutation.clone(),
            first_name: p.first_name.clone(),
            last_name: p.last_name.clone(),
            email: p.email.clone(),
            phones: p.phones.clone(),
            language: p.language,
            notifications: p.notifications.clone(),
        }
    }

    /// The cells of the person columns, in the form the export writes them.
    fn cells(&self) -> [(Column, String); 8] {
        [
            (Column::Kind, self.kind.as_str().to_owned()),
            (Column::Salutation, self.salutation.clone()),
            (Column::FirstName, self.first_name.clone()),
            (Column::LastName, self.last_name.clone()),
            (Column::Email, self.email.clone().unwrap_or_default()),
            (Column::Phone, join_list(&self.phones)),
            (Column::Language, self.language.as_str().to_owned()),
            (Column::Notifications, join_list(&self.notifications)),
        ]
    }
}

/// A login's settings as a row leaves them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct LoginPlan {
    pub(crate) username: String,
    pub(crate) role_id: Option<String>,
    pub(crate) role_name: Option<String>,
    pub(crate) permissions: Vec<String>,
    /// `None`: every branch.
    pub(crate) branches: Option<Vec<String>>,
}

/// What the preview saw of a matched person; apply refuses the row if it changed since.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Seen {
    pub(crate) person_id: String,
    /// See [`fingerprint`].
    pub(crate) fingerprint: String,
    pub(crate) username: Option<String>,
}

/// A digest of everything about a person that a row reads or writes: the person's fields and
/// the login's username, state, role, permissions, branches and whether it has a password.
///
/// Not the row `version`: logging in moves that too, and a person who logs in between preview
/// and apply has not changed anything the admin saw.
pub(crate) fn fingerprint(person: &PersonRecord, login: Option<&LoginRecord>) -> String {
    let login = login.map(|l| {
        serde_json::json!([
            l.username,
            l.state.as_str(),
            l.state_before_block.map(AccessState::as_str),
            l.role_id,
            l.permissions,
            l.branches,
            l.password_hash.is_some(),
        ])
    });
    let value = serde_json::json!([PersonPlan::of(person), login]);
    crate::secrets::digest(&value.to_string())
}

/// What apply writes for one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct PlannedRow {
    pub(crate) row: u32,
    /// `None` for a new person.
    pub(crate) existing: Option<Seen>,
    pub(crate) person: PersonPlan,
    pub(crate) person_changed: bool,
    /// The access actions, in order.
    pub(crate) actions: Vec<Action>,
    /// The login after the row; `None` when the row leaves (or makes) the person without access.
    pub(crate) login: Option<LoginPlan>,
    /// The argon2id hash of the row's new password, filled in after classification.
    pub(crate) password_hash: Option<String>,
}

/// One row, checked.
#[derive(Debug)]
pub(crate) struct Classified {
    pub(crate) preview: PreviewRow,
    /// For a `new` or `changed` row: what apply writes.
    pub(crate) plan: Option<PlannedRow>,
    /// For a row with a plan and a password: the normalised password, to hash.
    pub(crate) password: Option<String>,
    /// The snapshot index of the matched person, to find rows that share one.
    target: Option<usize>,
    /// The folded username a row gives a login it creates or renames, to find rows that share one.
    new_username: Option<String>,
}

/// What classification needs besides the rows.
pub(crate) struct Context<'a> {
    pub(crate) app: &'a App,
    pub(crate) tenant: &'a Tenant,
    pub(crate) snapshot: &'a Snapshot,
    pub(crate) rights: &'a Rights,
}

/// Checks every row of the table, then marks rows that share a person or a username.
pub(crate) fn classify(
    ctx: &Context<'_>,
    headers: &HeaderMap,
    rows: Vec<Vec<String>>,
    row_numbers: &[u32],
    progress: &dyn Progress,
) -> Vec<Classified> {
    let administrators = ctx.snapshot.administrators();
    let total = rows.len();
    let mut out = Vec::with_capacity(total);
    // Each row's cells are dropped once it is checked, so the file and its checked rows are
    // not both in memory at full size.
    for (i, (cells, &number)) in rows.into_iter().zip(row_numbers).enumerate() {
        out.push(classify_row(ctx, headers, &cells, number, administrators));
        if i % 1_000 == 999 {
            progress.advance(1_000);
        }
    }
    progress.advance(u64::try_from(total % 1_000).unwrap_or(0));
    mark_shared(ctx.snapshot, &mut out);
    out
}

/// Marks every row that targets the same person as another row, or would give a login the
/// same username as another row does: which of them is right is for the admin to say.
fn mark_shared(snapshot: &Snapshot, rows: &mut [Classified]) {
    let mut by_person: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut by_username: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        if let Some(t) = r.target {
            by_person.entry(t).or_default().push(i);
        }
        if let Some(u) = r.new_username.as_deref() {
            by_username.entry(u).or_default().push(i);
        }
    }
    let mut marks: Vec<(usize, RowError)> = Vec::new();
    for (t, group) in by_person.iter().filter(|(_, g)| g.len() > 1) {
        let numbers = row_list(rows, group);
        let name = snapshot.entries[*t].person.display_name();
        for &i in group {
            marks.push((
                i,
                RowError::new("row", "duplicate_person", format!("rows {numbers} all change {name}; keep one of them")),
            ));
        }
    }
    for (u, group) in by_username.iter().filter(|(_, g)| g.len() > 1) {
        let numbers = row_list(rows, group);
        for &i in group {
            marks.push((
                i,
                RowError::new("username", "duplicate_username", format!("rows {numbers} would all get the username '{u}'")),
            ));
        }
    }
    for (i, mark) in marks {
        let row = &mut rows[i];
        row.preview.class = RowClass::Conflict;
        row.preview.errors.insert(0, mark);
        row.plan = None;
        row.password = None;
    }
}

fn row_list(rows: &[Classified], group: &[usize]) -> String {
    let numbers: Vec<String> = group.iter().map(|&i| rows[i].preview.row.to_string()).collect();
    numbers.join(", ")
}

/// Parses one cell into `errors`, answering the value when it parsed.
fn take<T>(errors: &mut Vec<RowError>, r: Result<T, FieldError>) -> Option<T> {
    r.map_err(|e| errors.push(e.into())).ok()
}

/// One error on one cell.
fn error(field: &str, code: &str, message: impl Into<String>) -> RowError {
    RowError::new(field, code, message)
}

fn classify_row(ctx: &Context<'_>, h: &HeaderMap, cells: &[String], number: u32, administrators: usize) -> Classified {
    let snap = ctx.snapshot;
    let cat = &snap.catalogue;
    let cell = |c: Column| h.get(cells, c);
    let filled = |c: Column| cell(c).map(str::trim).filter(|s| !s.is_empty());
    let mut errors: Vec<RowError> = Vec::new();
    let mut conflicts: Vec<RowError> = Vec::new();

    // Matching: id, else username, else an e-mail address exactly one person has.
    let mut unknown_id = false;
    let by_id = match filled(Column::Id) {
        Some(id) => match snap.by_id.get(id) {
            Some(&i) => Some(i),
            None => {
                unknown_id = true;
                errors.push(error(
                    "id",
                    "unknown_id",
                    "no person of this tenant has this id; leave the id empty to add a new person",
                ));
                None
            }
        },
        None => None,
    };
    let typed_username = filled(Column::Username);
    let by_username = typed_username.and_then(|u| snap.by_username.get(&Username::fold(u)).copied());
    if let (Some(a), Some(b), Some(u)) = (by_id, by_username, typed_username)
        && a != b
    {
        conflicts.push(error(
            "username",
            "conflict",
            format!(
                "the id is {}'s, but the username '{u}' belongs to {}",
                snap.entries[a].person.display_name(),
                snap.entries[b].person.display_name()
            ),
        ));
    }
    let by_email = || {
        let email = Email::parse(filled(Column::Email)?).ok()?;
        match snap.by_email.get(&email.folded()).map(Vec::as_slice) {
            Some([only]) => Some(*only),
            _ => None,
        }
    };
    let target = if unknown_id { None } else { by_id.or(by_username).or_else(by_email) };
    let entry = target.map(|i| &snap.entries[i]);
    let current_person = entry.map(|e| &e.person);
    let current_login = entry.and_then(|e| e.login.as_ref());
    let current_state = current_login.map_or(AccessState::None, |l| l.state);

    // The person's fields.
    let mut person = match current_person {
        Some(p) => PersonPlan::of(p),
        None => PersonPlan {
            kind: PersonKind::Contact,
            salutation: String::new(),
            first_name: String::new(),
            last_name: String::new(),
            email: None,
            phones: Vec::new(),
            language: ctx.tenant.record.language,
            notifications: Vec::new(),
        },
    };
    match filled(Column::Kind) {
        Some(k) => person.kind = take(&mut errors, PersonKind::parse(k)).unwrap_or(person.kind),
        None if current_person.is_none() => {
            errors.push(error("kind", "required", "a new person needs a kind: staff, owner, guest or contact"));
        }
        None => {}
    }
    for (column, slot) in [
        (Column::Salutation, &mut person.salutation),
        (Column::FirstName, &mut person.first_name),
        (Column::LastName, &mut person.last_name),
    ] {
        if let Some(raw) = cell(column)
            && let Some(v) = take(&mut errors, parse_name(column.name(), raw))
        {
            *slot = v;
        }
    }
    if let Some(raw) = cell(Column::Email) {
        person.email = if raw.trim().is_empty() {
            None
        } else {
            take(&mut errors, Email::parse(raw)).map(|e| e.as_str().to_owned()).or(person.email)
        };
    }
    if let Some(raw) = cell(Column::Phone) {
        let phones: Vec<String> =
            split_list(raw).iter().filter_map(|p| take(&mut errors, parse_phone(p).map_err(|e| e.at("phone")))).collect();
        person.phones = phones;
    }
    if let Some(raw) = filled(Column::Language) {
        person.language = take(&mut errors, Locale::parse(raw)).unwrap_or(person.language);
    }
    if let Some(raw) = cell(Column::Notifications) {
        let categories = &ctx.app.config().email_categories;
        let mut chosen = BTreeSet::new();
        for c in split_list(raw) {
            if categories.contains(&c) {
                chosen.insert(c);
            } else {
                errors.push(
                    FieldError::new("notifications", "unknown_category", format!("'{c}' is not an e-mail category"))
                        .with_param("allowed", categories.join(", "))
                        .into(),
                );
            }
        }
        person.notifications = chosen.into_iter().collect();
    }
    if person.first_name.is_empty() && person.last_name.is_empty() && person.email.is_none() {
        errors.push(error("last_name", "name_required", "give a first name, a last name or an e-mail address"));
    }

    // The access state to reach. An empty password cell changes nothing; a filled one is
    // taken as typed (spaces count), and makes `active` the target when `access` is empty.
    let password = cell(Column::Password).filter(|p| !p.is_empty());
    let mut target_state = current_state;
    match filled(Column::Access) {
        Some(raw) => match AccessState::parse(raw) {
            Ok(s @ (AccessState::ResetPending | AccessState::ResetRequested)) if s != current_state => errors.push(error(
                "access",
                "not_settable",
                format!("'{s}' cannot be set by an import; use the console's reset action"),
            )),
            Ok(s) => target_state = s,
            Err(_) => errors.push(error("access", "invalid_choice", "must be one of: none, granted, invited, active, blocked")),
        },
        None if password.is_some() => target_state = AccessState::Active,
        None => {}
    }
    let has_password = password.is_some();
    if has_password && target_state != AccessState::Active {
        errors.push(error(
            "password",
            "needs_active",
            "a password makes access active: set access to active, or leave the password empty",
        ));
    }
    let gives_access = target_state != AccessState::None;
    if gives_access && !ctx.tenant.settings.module_enabled(person.kind) {
        let field = if current_person.is_some_and(|p| p.kind != person.kind) { "kind" } else { "access" };
        let message = match person.kind.module() {
            Some(m) => format!("the '{m}' module is off in this tenant, so people of kind '{}' cannot have access", person.kind),
            None => "contacts cannot have access; change the kind, or set access to none".to_owned(),
        };
        errors.push(error(field, "module_off", message));
    }
    let actions = match access_path(
        current_state,
        current_login.and_then(|l| l.state_before_block),
        target_state,
        has_password && target_state == AccessState::Active,
    ) {
        Some(a) => a,
        None => {
            errors.push(transition_error(current_state, target_state, has_password));
            Vec::new()
        }
    };

    // The login's settings after the row.
    let creating = current_login.is_none() && gives_access;
    let login = if gives_access {
        Some(login_plan(ctx, cat, &person, current_login, creating, typed_username, cell, &mut errors))
    } else {
        if current_login.is_none() {
            for column in [Column::Username, Column::Role, Column::Permissions, Column::Branches] {
                if filled(column).is_some() {
                    errors.push(error(
                        column.name(),
                        "access_required",
                        format!("a {} needs access: set access to granted, invited or active", column.name()),
                    ));
                }
            }
        }
        None
    };
    let login = login.flatten();

    // A username the row gives a login must not be someone else's already.
    let renamed = login.as_ref().filter(|l| current_login.is_none_or(|c| c.username != l.username));
    let new_username = renamed.map(|l| Username::fold(&l.username));
    if let Some(key) = &new_username
        && let Some(&holder) = snap.by_username.get(key)
        && Some(holder) != target
        && conflicts.is_empty()
    {
        errors.push(error(
            "username",
            "username_taken",
            format!(
                "the username '{}' is {}'s; give this person another username",
                renamed.map_or("", |l| l.username.as_str()),
                snap.entries[holder].person.display_name()
            ),
        ));
    }
    if actions.contains(&Action::Invite) && person.email.is_none() {
        errors.push(error("email", "required", "an invitation is sent by e-mail: give an e-mail address"));
    }

    // The password, checked against the tenant's policy with what an attacker would try first.
    let mut normalized = None;
    if let Some(raw) = password {
        let words = [ctx.tenant.record.name.as_str(), person.first_name.as_str(), person.last_name.as_str()];
        let pctx = PasswordContext {
            username: login.as_ref().map(|l| l.username.as_str()),
            email: person.email.as_deref(),
            words: &words,
        };
        match check(&ctx.tenant.settings.password, raw, &pctx) {
            Ok(p) => normalized = Some(p),
            Err(broken) => errors.extend(broken.into_iter().map(RowError::from)),
        }
    }

    // What changes, cell by cell, in the export's form.
    let mut changes = Vec::new();
    let before_cells = current_person.map(|p| PersonPlan::of(p).cells());
    for (i, (column, new)) in person.cells().into_iter().enumerate() {
        let old = before_cells.as_ref().map_or(String::new(), |b| b[i].1.clone());
        if old != new && !(current_person.is_none() && new.is_empty()) {
            changes.push(FieldChange { field: column.name().into(), old, new });
        }
    }
    let person_changed = current_person.is_none() || !changes.is_empty();
    let old_login =
        current_login.map(|l| login_cells(cat, l.username.clone(), l.role_id.as_deref(), &l.permissions, l.branches.as_ref()));
    let new_login =
        login.as_ref().map(|l| login_cells(cat, l.username.clone(), l.role_id.as_deref(), &l.permissions, l.branches.as_ref()));
    if current_state != target_state {
        changes.push(FieldChange {
            field: "access".into(),
            old: current_state.as_str().into(),
            new: target_state.as_str().into(),
        });
    }
    if old_login.is_some() || new_login.is_some() {
        for i in 0..4 {
            let old = old_login.as_ref().map_or(String::new(), |c| c[i].1.clone());
            let new = new_login.as_ref().map_or(String::new(), |c| c[i].1.clone());
            if old != new {
                let column = old_login.as_ref().or(new_login.as_ref()).map_or(Column::Username, |c| c[i].0);
                changes.push(FieldChange { field: column.name().into(), old, new });
            }
        }
    }
    let login_changed = old_login != new_login;
    if has_password {
        changes.push(FieldChange { field: "password".into(), old: String::new(), new: HIDDEN_PASSWORD.into() });
    }

    // Rights: the actor may only change what they hold the permission for (G.34).
    check_rights(
        ctx,
        RightsCheck {
            current_login,
            login: login.as_ref(),
            creating,
            person_changes: changes.iter().filter(|c| is_person_column(&c.field)).map(|c| column_name(&c.field)).collect(),
            access_changes: !actions.is_empty(),
            username_changed: old_login.as_ref().map(|c| &c[0].1) != new_login.as_ref().map(|c| &c[0].1) && !creating,
            password: has_password,
            login_changed,
            target_state,
            administrators,
        },
        &mut errors,
    );

    let class = if !conflicts.is_empty() {
        RowClass::Conflict
    } else if !errors.is_empty() {
        RowClass::Invalid
    } else if current_person.is_none() {
        RowClass::New
    } else if changes.is_empty() {
        RowClass::Unchanged
    } else {
        RowClass::Changed
    };
    let plan = matches!(class, RowClass::New | RowClass::Changed).then(|| PlannedRow {
        row: number,
        existing: entry.map(|e| Seen {
            person_id: e.person.id.clone(),
            fingerprint: fingerprint(&e.person, e.login.as_ref()),
            username: current_login.map(|l| l.username.clone()),
        }),
        person: person.clone(),
        person_changed,
        actions: actions.clone(),
        login: login.clone(),
        password_hash: None,
    });
    conflicts.extend(errors);
    Classified {
        password: plan.as_ref().and(normalized),
        preview: PreviewRow {
            row: number,
            class,
            person_id: entry.map(|e| e.person.id.clone()),
            changes,
            errors: conflicts,
            actions: actions.iter().map(|a| a.as_str().to_owned()).collect(),
        },
        plan,
        target,
        new_username,
    }
}

/// The columns that belong to the person rather than the login.
fn is_person_column(field: &str) -> bool {
    matches!(field, "kind" | "salutation" | "first_name" | "last_name" | "email" | "phone" | "language" | "notifications")
}

fn column_name(field: &str) -> &'static str {
    Column::ALL.iter().find(|c| c.name() == field).map_or("row", |c| c.name())
}

/// The `username`, `role`, `permissions` and `branches` cells of a login.
fn login_cells(
    cat: &Catalogue,
    username: String,
    role_id: Option<&str>,
    permissions: &[String],
    branches: Option<&Vec<String>>,
) -> [(Column, String); 4] {
    [
        (Column::Username, username),
        (Column::Role, role_id.and_then(|id| cat.role(id)).map(|r| r.name.clone()).unwrap_or_default()),
        (Column::Permissions, join_list(permissions)),
        (Column::Branches, cat.branches_cell(branches)),
    ]
}

/// The login's username, role, permissions and branches after the row. On a row that creates
/// the login, empty or missing cells mean what `grant` does by default; on an existing login,
/// a missing column keeps the value and an empty cell empties it.
#[expect(clippy::too_many_arguments, reason = "the row's parts that a login is made of")]
fn login_plan<'c>(
    ctx: &Context<'_>,
    cat: &Catalogue,
    person: &PersonPlan,
    current: Option<&LoginRecord>,
    creating: bool,
    typed_username: Option<&str>,
    cell: impl Fn(Column) -> Option<&'c str>,
    errors: &mut Vec<RowError>,
) -> Option<LoginPlan> {
    let username = match (typed_username, current) {
        (Some(u), _) => take(errors, Username::parse(u)).map(|u| u.as_str().to_owned()),
        (None, Some(l)) => Some(l.username.clone()),
        (None, None) => match &person.email {
            Some(e) => take(errors, Username::parse(e)).map(|u| u.as_str().to_owned()),
            None => {
                errors.push(error("username", "required", "the person has no e-mail address, so give a username"));
                None
            }
        },
    };
    let default_role = || (person.kind == PersonKind::Staff).then(|| cat.role_named("staff")).flatten();
    let role = match cell(Column::Role).map(str::trim) {
        Some(name) if !name.is_empty() => match cat.role_named(name) {
            Some(r) => Some(r),
            None => {
                errors.push(
                    FieldError::new("role", "unknown_role", format!("'{name}' is not a role of this tenant"))
                        .with_param("allowed", cat.roles.iter().map(|r| r.name.as_str()).collect::<Vec<_>>().join(", "))
                        .into(),
                );
                None
            }
        },
        Some(_) if creating => default_role(),
        Some(_) => None,
        None if creating => default_role(),
        None => current.and_then(|l| l.role_id.as_deref()).and_then(|id| cat.role(id)),
    };
    let permissions = match cell(Column::Permissions) {
        Some(raw) => take(errors, ctx.app.known_permissions("permissions", &split_list(raw))).unwrap_or_default(),
        None => current.map(|l| l.permissions.clone()).unwrap_or_default(),
    };
    let branches = match cell(Column::Branches).map(str::trim) {
        Some("") if creating => None,
        Some("") => Some(Vec::new()),
        Some(raw) if raw.eq_ignore_ascii_case("all") => None,
        Some(raw) => {
            let mut ids = BTreeSet::new();
            for item in split_list(raw) {
                match cat.branch(&item) {
                    Some(b) => {
                        ids.insert(b.id.clone());
                    }
                    None => errors.push(
                        FieldError::new("branches", "unknown_branch", format!("'{item}' is not a branch of this tenant"))
                            .with_param("branch", item)
                            .into(),
                    ),
                }
            }
            Some(ids.into_iter().collect())
        }
        None => current.and_then(|l| l.branches.clone()),
    };
    Some(LoginPlan {
        username: username?,
        role_id: role.map(|r| r.id.clone()),
        role_name: role.map(|r| r.name.clone()),
        permissions,
        branches,
    })
}

/// The shortest sequence of admin actions that [`decide`] allows from `from` to `to`, never
/// passing through `none` (that would delete the login and its history of links), and ending
/// with `password` when the row sets one. `None` when no sequence reaches it.
pub(crate) fn access_path(
    from: AccessState,
    before_block: Option<AccessState>,
    to: AccessState,
    password: bool,
) -> Option<Vec<Action>> {
    // Unblock before grant: from `blocked` both return to the remembered state, and the
    // audit log should say "unblock".
    const STEPS: [Action; 6] =
        [Action::Unblock, Action::Grant, Action::Invite, Action::SetPassword, Action::Block, Action::Remove];
    let done = |state: AccessState, path: &[Action]| state == to && (!password || path.last() == Some(&Action::SetPassword));
    if done(from, &[]) {
        return Some(Vec::new());
    }
    let mut queue = VecDeque::from([(from, before_block, Vec::new())]);
    while let Some((state, remembered, path)) = queue.pop_front() {
        // Every reachable state is at most three steps away; this bounds the search.
        if path.len() >= 4 {
            continue;
        }
        for action in STEPS {
            if (action == Action::SetPassword && !password) || (action == Action::Remove && to != AccessState::None) {
                continue;
            }
            let Ok(t) = decide(state, remembered, action) else { continue };
            // A step that stays in place (a resent invitation) gets nowhere, except the final
            // password of an already active login.
            if t.to == state && action != Action::SetPassword {
                continue;
            }
            let next_remembered = if t.effects.contains(&Effect::RememberStateBeforeBlock) { Some(state) } else { None };
            let mut next = path.clone();
            next.push(action);
            if done(t.to, &next) {
                return Some(next);
            }
            queue.push_back((t.to, next_remembered, next));
        }
    }
    None
}

fn transition_error(from: AccessState, to: AccessState, has_password: bool) -> RowError {
    if to == AccessState::Active && !has_password {
        return error(
            "access",
            "password_required",
            format!(
                "access '{from}' cannot become 'active' without a password: fill in the password column, or use 'invited' to send an invitation"
            ),
        );
    }
    let hint = if matches!(to, AccessState::Granted | AccessState::Invited) && from != AccessState::None {
        "; set access to 'none' first to remove it, then give it again"
    } else {
        ""
    };
    error("access", "invalid_transition", format!("access cannot go from '{from}' to '{to}' by import{hint}"))
}

/// What a row changes, for the rights check.
struct RightsCheck<'a> {
    current_login: Option<&'a LoginRecord>,
    login: Option<&'a LoginPlan>,
    creating: bool,
    person_changes: Vec<&'static str>,
    access_changes: bool,
    username_changed: bool,
    password: bool,
    login_changed: bool,
    target_state: AccessState,
    administrators: usize,
}

fn check_rights(ctx: &Context<'_>, c: RightsCheck<'_>, errors: &mut Vec<RowError>) {
    let rights = ctx.rights;
    let cat = &ctx.snapshot.catalogue;
    let may_people = rights.may_manage_people().unwrap_or(false);
    let may_access = rights.may_manage_access().unwrap_or(false);
    if !may_people {
        for field in &c.person_changes {
            errors.push(forbidden(field, NEEDS_PEOPLE_MANAGE, "changing people").into());
        }
    }
    if !may_access {
        if c.access_changes {
            errors.push(forbidden("access", NEEDS_ACCESS_MANAGE, "changing access").into());
        }
        if c.username_changed {
            errors.push(forbidden("username", NEEDS_ACCESS_MANAGE, "changing a username").into());
        }
        if c.password {
            errors.push(forbidden("password", NEEDS_ACCESS_MANAGE, "setting a password").into());
        }
        if c.login_changed && !c.access_changes {
            errors.push(forbidden("role", NEEDS_ACCESS_MANAGE, "changing a role, permissions or branches").into());
        }
    }
    let admin_role = cat.roles.iter().find(|r| r.builtin && r.name == ADMINISTRATOR).map(|r| r.id.as_str());
    let was_admin = c.current_login.is_some_and(|l| l.role_id.is_some() && l.role_id.as_deref() == admin_role);
    let touches_login = c.access_changes || c.login_changed || c.password;
    if was_admin && touches_login && !rights.is_administrator() {
        errors.push(error(
            "access",
            "cannot_grant",
            format!("only an administrator can change the access of an {ADMINISTRATOR}"),
        ));
    }
    let stays_admin = c.login.is_some_and(|l| l.role_id.is_some() && l.role_id.as_deref() == admin_role)
        && !matches!(c.target_state, AccessState::Blocked | AccessState::None);
    let counted = c.current_login.is_some_and(|l| l.state != AccessState::Blocked);
    if was_admin && counted && !stays_admin && c.administrators <= 1 {
        errors.push(error(
            if c.login.is_some() && c.target_state != AccessState::Blocked { "role" } else { "access" },
            "last_administrator",
            "this is the tenant's last administrator; make someone else administrator first",
        ));
    }
    if let Some(l) = c.login {
        let current_role = c.current_login.and_then(|cl| cl.role_id.as_deref());
        let role_changed = c.creating || l.role_id.as_deref() != current_role;
        let role = l.role_id.as_deref().and_then(|id| cat.role(id));
        let role_permissions: &[String] = match role {
            Some(r) if role_changed => &r.permissions,
            _ => &[],
        };
        let assigns_admin = role_changed && role.is_some_and(|r| r.builtin && r.name == ADMINISTRATOR);
        let held: Vec<String> = c.current_login.map(|cl| cl.permissions.clone()).unwrap_or_default();
        let added: Vec<String> = l.permissions.iter().filter(|p| !held.contains(p)).cloned().collect();
        let branches_changed = c.creating || c.current_login.is_some_and(|cl| cl.branches != l.branches);
        let scope = match &l.branches {
            None => BranchScope::All,
            Some(ids) => BranchScope::Only(ids.iter().cloned().collect()),
        };
        for e in rights.check_assignment(role_permissions, assigns_admin, &added, branches_changed.then_some(&scope)) {
            errors.push(e.into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AccessState as S;
    use Action as A;

    /// From, remembered state, to, password in the row, the expected actions.
    type Case = (S, Option<S>, S, bool, Option<Vec<A>>);

    #[test]
    fn access_paths_are_the_consoles_actions() {
        let cases: [Case; 16] = [
            (S::None, None, S::Granted, false, Some(vec![A::Grant])),
            (S::None, None, S::Invited, false, Some(vec![A::Grant, A::Invite])),
            (S::None, None, S::Active, true, Some(vec![A::Grant, A::SetPassword])),
            (S::None, None, S::Active, false, None),
            (S::None, None, S::Blocked, false, Some(vec![A::Grant, A::Block])),
            (S::Granted, None, S::Invited, false, Some(vec![A::Invite])),
            // Already invited: re-importing must not send the invitation again.
            (S::Invited, None, S::Invited, false, Some(vec![])),
            (S::Active, None, S::Active, true, Some(vec![A::SetPassword])),
            (S::Active, None, S::Active, false, Some(vec![])),
            (S::Active, None, S::Granted, false, None),
            (S::Active, None, S::Invited, false, None),
            (S::Blocked, Some(S::Active), S::Active, false, Some(vec![A::Unblock])),
            (S::Blocked, Some(S::Invited), S::Active, true, Some(vec![A::Unblock, A::SetPassword])),
            (S::ResetRequested, None, S::Active, false, None),
            (S::ResetPending, None, S::None, false, Some(vec![A::Remove])),
            (S::Invited, None, S::Blocked, false, Some(vec![A::Block])),
        ];
        for (from, before, to, password, expected) in cases {
            assert_eq!(access_path(from, before, to, password), expected, "{from} -> {to} (password: {password})");
        }
    }

    #[test]
    fn every_path_found_is_allowed_step_by_step() {
        let targets = [S::None, S::Granted, S::Invited, S::Active, S::Blocked];
        for from in AccessState::ALL {
            let remembered: &[Option<S>] = if from == S::Blocked { &[None, Some(S::Invited), Some(S::Active)] } else { &[None] };
            for &before in remembered {
                for to in targets {
                    for password in [false, true] {
                        let Some(path) = access_path(from, before, to, password) else { continue };
                        let (mut state, mut remembered) = (from, before);
                        for (i, &action) in path.iter().enumerate() {
                            let t = decide(state, remembered, action).unwrap();
                            assert!(
                                t.to != S::None || (to == S::None && i + 1 == path.len()),
                                "{from} -> {to} passes through none"
                            );
                            remembered = t.effects.contains(&Effect::RememberStateBeforeBlock).then_some(state);
                            state = t.to;
                        }
                        assert_eq!(state, to, "{from} -> {to}: {path:?}");
                        assert!(!password || path.last() == Some(&A::SetPassword), "{from} -> {to}: the password is set last");
                    }
                }
            }
        }
    }
}
