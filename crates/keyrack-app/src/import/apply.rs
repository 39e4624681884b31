//! Applying a preview: the selected rows in ONE transaction, each through the same code paths
//! as the API (person fields, the access state machine with its links, mails and sessions, the
//! role assignment), with an audit event per change. Every row is checked against the current
//! data first; a row whose person changed since the preview refuses the whole apply.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use keyrack_core::FieldError;
use keyrack_core::access::Action;
use keyrack_store::records::search_text;
use keyrack_store::repo::imports::{ImportRecord, RowFilter};
use keyrack_store::{Conn, repo};
use serde::Deserialize;
use utoipa::ToSchema;

use super::classify::{LoginPlan, PlannedRow, fingerprint};
use super::preview::parse;
use super::snapshot::Catalogue;
use super::{ApplyResult, ImportSummary, PreviewRow, Progress, RowClass, RowError, Stage};
use crate::access::{ActionInput, GrantInput, InviteInput};
use crate::audit::{self, Event, append};
use crate::people::{diff, person_json};
use crate::tenants::Tenant;
use crate::transaction;
use crate::{Actor, App, AppError, AppResult, Origin, new_id};

/// An import that applies at least this many rows refreshes the database's planner statistics
/// afterwards ([`keyrack_store::Store::refresh_statistics`]): enough new people to change the
/// plans of the people list.
const STATISTICS_AFTER_ROWS: usize = 1_000;

/// Which rows to apply: `"all"` (every `new` and `changed` row) or a list of row numbers.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RowsRepr")]
pub enum ApplyRows {
    All,
    List(Vec<u32>),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RowsRepr {
    Word(String),
    List(Vec<u32>),
}

impl TryFrom<RowsRepr> for ApplyRows {
    type Error = String;

    fn try_from(r: RowsRepr) -> Result<Self, String> {
        match r {
            RowsRepr::Word(w) if w == "all" => Ok(ApplyRows::All),
            RowsRepr::Word(w) => Err(format!("rows must be \"all\" or a list of row numbers, not \"{w}\"")),
            RowsRepr::List(list) => Ok(ApplyRows::List(list)),
        }
    }
}

/// `"all"`, or a list of row numbers.
fn rows_schema() -> utoipa::openapi::schema::Schema {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema, Type};
    let all = ObjectBuilder::new().schema_type(Type::String).enum_values(Some(["all"]));
    let numbers = ArrayBuilder::new().items(ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(0)));
    Schema::OneOf(OneOfBuilder::new().item(all).item(numbers).build())
}

/// What to apply (`POST /imports/{id}/apply`).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyInput {
    /// `"all"` (every new and changed row) or a list of row numbers from the preview.
    #[schema(schema_with = rows_schema, example = json!("all"))]
    pub rows: ApplyRows,
    /// Whether people whose password the file sets must choose their own at the next login
    /// (default true: a password set by an admin is changed at the next login, SPEC §4).
    #[serde(default)]
    pub must_change_password: Option<bool>,
}

impl App {
    /// Applies the chosen rows of a stored preview in one transaction and answers the counts.
    ///
    /// Refusals: another tenant's or an unknown import is "not found" (before anything else,
    /// even for a read key); an applied one is 409 `import_applied`, an expired one 409
    /// `import_expired`; a row number that is not applicable is 422 on `rows[i]`; rows whose
    /// person, role, branch or username changed since the preview make it 409 `import_stale`
    /// (those rows become conflicts in the stored preview) and nothing is written.
    pub async fn apply_import(
        &self,
        actor: &Actor,
        origin: &Origin,
        slug: &str,
        id: &str,
        input: ApplyInput,
        progress: Arc<dyn Progress>,
    ) -> AppResult<ApplyResult> {
        let tenant = self.tenant(actor, slug).await?;
        let mut conn = self.store.read().await?;
        let record = repo::imports::get(&mut conn, tenant.id(), id).await?.ok_or(AppError::NotFound)?;
        actor.may_write(tenant.id())?;
        let rights = self.import_rights(&mut conn, &tenant, actor).await?;
        rights.require_import_export()?;
        let own = record.actor_kind == actor.kind() && record.actor_id.as_deref() == actor.id();
        if !own && !rights.is_administrator() {
            return Err(AppError::Forbidden {
                code: "not_your_import",
                message: "only the person who made this preview, or an administrator, can apply it".into(),
            });
        }
        if own && record.rights != rights.fingerprint() {
            return Err(AppError::conflict(
                "rights_changed",
                "your role or permissions changed since this preview was made; make a new preview",
            ));
        }
        if record.applied_at.is_some() {
            return Err(AppError::conflict("import_applied", "this import was applied already"));
        }
        if record.expires_at <= self.now() {
            return Err(AppError::conflict("import_expired", "this preview expired; upload the file again"));
        }
        let (selected, rows_in_file) = selected_plans(&mut conn, tenant.id(), id, &input.rows).await?;
        drop(conn);
        let must_change = input.must_change_password.unwrap_or(true);
        let result = ApplyResult {
            skipped: u32::try_from(rows_in_file.saturating_sub(selected.len())).unwrap_or(u32::MAX),
            ..ApplyResult::default()
        };

        let now = self.now();
        // Rows that changed since the preview: nothing is applied, and they become conflicts.
        let mut stale = Vec::new();
        let applied = transaction!(self, |tx| {
            let mut result = result;
            if !repo::imports::claim(tx, tenant.id(), id, now).await? {
                return Err(AppError::conflict("import_applied", "this import was applied already, or has expired"));
            }
            let cat = Catalogue::load(tx, tenant.id()).await?;
            stale.clear();
            for row in &selected {
                if let Some(reason) = self.stale_reason(tx, &tenant, &cat, row).await? {
                    stale.push((row.row, reason));
                }
            }
            if !stale.is_empty() {
                // Rolls back: the claim and the row locks go with it.
                return Err(AppError::conflict("import_stale", "rows changed since the preview"));
            }
            progress.start(Stage::Writing, u64::try_from(selected.len()).unwrap_or(u64::MAX));
            // Thousands of events: the chain head is written once, at the end.
            let result = audit::batch(tx, async |tx| {
                for row in &selected {
                    self.apply_row(tx, actor, origin, &tenant, row, must_change, now, &mut result).await?;
                    progress.advance(1);
                }
                let event = Event::new(tenant.id(), actor, origin, now, "import.applied", Some(id), &record.filename);
                append(tx, event.after(serde_json::json!(result))).await?;
                Ok(result)
            })
            .await?;
            let result_json = serde_json::to_string(&result).map_err(|e| AppError::Internal(e.to_string()))?;
            repo::imports::finish(tx, tenant.id(), id, &result_json).await?;
            Ok(result)
        });
        if !stale.is_empty() {
            self.mark_stale(&record, &stale).await?;
            let list: Vec<String> = stale.iter().map(|(row, reason)| format!("row {row}: {reason}")).collect();
            return Err(AppError::conflict(
                "import_stale",
                format!(
                    "nothing was applied, because {} changed since the preview ({}); those rows are now conflicts: \
                     make a new preview, or apply the other rows",
                    if stale.len() == 1 { "a row" } else { "rows" },
                    list.join("; ")
                ),
            ));
        }
        let result = applied?;
        progress.finish();
        if selected.len() >= STATISTICS_AFTER_ROWS
            && let Err(e) = self.store.refresh_statistics().await
        {
            // The import is applied; stale statistics only make lists slower until autovacuum.
            tracing::warn!(error = %e, "could not refresh the planner's statistics after an import");
        }
        Ok(result)
    }

    /// Why a row can no longer be applied as previewed, if it cannot. Takes the person's lock,
    /// which the transaction keeps until it ends.
    async fn stale_reason(&self, tx: &mut Conn, tenant: &Tenant, cat: &Catalogue, row: &PlannedRow) -> AppResult<Option<String>> {
        if let Some(seen) = &row.existing {
            if !repo::people::lock(tx, tenant.id(), &seen.person_id).await? {
                return Ok(Some("the person was deleted".into()));
            }
            let person = repo::people::get(tx, tenant.id(), &seen.person_id).await?.ok_or(AppError::NotFound)?;
            let login = repo::logins::get(tx, tenant.id(), &seen.person_id).await?;
            if fingerprint(&person, login.as_ref()) != seen.fingerprint {
                return Ok(Some(format!("{} was changed", person.display_name())));
            }
        }
        if let Some(login) = &row.login {
            if let Some(rid) = &login.role_id
                && cat.role(rid).is_none()
            {
                return Ok(Some(format!("the role '{}' was deleted", login.role_name.as_deref().unwrap_or(rid))));
            }
            if login.branches.iter().flatten().any(|b| !cat.branches.iter().any(|c| &c.id == b)) {
                return Ok(Some("a branch of the row was deleted".into()));
            }
            let renamed = row.existing.as_ref().and_then(|s| s.username.as_deref()) != Some(login.username.as_str());
            if renamed
                && let Some(holder) = repo::logins::by_username(tx, tenant.id(), &login.username).await?
                && row.existing.as_ref().is_none_or(|s| s.person_id != holder.person_id)
            {
                return Ok(Some(format!("the username '{}' was taken", login.username)));
            }
        }
        Ok(None)
    }

    /// Turns the stale rows into conflicts in the stored preview, so that the preview shows why
    /// and a later "apply all" leaves them out.
    async fn mark_stale(&self, record: &ImportRecord, stale: &[(u32, String)]) -> AppResult<()> {
        let reasons: HashMap<i64, &String> = stale.iter().map(|(row, reason)| (i64::from(*row), reason)).collect();
        let numbers: Vec<i64> = reasons.keys().copied().collect();
        transaction!(self, |tx| {
            for stored in repo::imports::rows_numbered(tx, &record.tenant_id, &record.id, &numbers).await? {
                let mut row: PreviewRow = parse("row", &stored.shown)?;
                let Some(reason) = reasons.get(&stored.row_number) else { continue };
                row.class = RowClass::Conflict;
                row.errors.insert(0, RowError::new("row", "changed_since_preview", format!("{reason} since the preview")));
                let shown = serde_json::to_string(&row).map_err(|e| AppError::Internal(e.to_string()))?;
                repo::imports::update_row(tx, &record.tenant_id, &record.id, stored.row_number, row.class.as_str(), &shown)
                    .await?;
            }
            let mut summary = ImportSummary::default();
            for (_, class) in repo::imports::classes(tx, &record.tenant_id, &record.id).await? {
                summary.count(row_class(&class)?);
            }
            let summary = serde_json::to_string(&summary).map_err(|e| AppError::Internal(e.to_string()))?;
            repo::imports::update_summary(tx, &record.tenant_id, &record.id, &summary).await?;
            Ok(())
        })
    }

    #[expect(clippy::too_many_arguments, reason = "the row, who applies it, and the transaction's counters")]
    async fn apply_row(
        &self,
        tx: &mut Conn,
        actor: &Actor,
        origin: &Origin,
        tenant: &Tenant,
        row: &PlannedRow,
        must_change: bool,
        now: i64,
        result: &mut ApplyResult,
    ) -> AppResult<()> {
        let person_id = match &row.existing {
            None => {
                let person = row.person.record(new_id(), tenant.id().to_owned(), now, now, 0);
                repo::people::insert(tx, &person, &search_text(&person, None)).await?;
                append(
                    tx,
                    Event::new(tenant.id(), actor, origin, now, "person.created", Some(&person.id), &person.display_name())
                        .after(person_json(&person)),
                )
                .await?;
                result.created += 1;
                person.id
            }
            Some(seen) => {
                if row.person_changed {
                    self.update_person_in_tx(tx, actor, origin, tenant, &seen.person_id, row, now).await?;
                }
                result.updated += 1;
                seen.person_id.clone()
            }
        };
        for &action in &row.actions {
            let input = match action {
                Action::Grant => ActionInput::Grant(GrantInput {
                    username: row.login.as_ref().map(|l| l.username.clone()),
                    role: row.login.as_ref().and_then(|l| l.role_name.clone()),
                }),
                Action::Invite => {
                    result.invitations_queued += 1;
                    ActionInput::Invite(InviteInput::default())
                }
                Action::SetPassword => {
                    let hash = row
                        .password_hash
                        .clone()
                        .ok_or_else(|| AppError::Internal(format!("row {} has no password hash", row.row)))?;
                    result.passwords_set += 1;
                    ActionInput::Password { hash, generated: None, must_change }
                }
                _ => ActionInput::None,
            };
            self.act_in_tx(tx, actor, origin, tenant, &person_id, action, input, now).await?;
        }
        if let Some(plan) = &row.login {
            self.set_login_in_tx(tx, actor, origin, tenant, &person_id, plan, now).await?;
        }
        Ok(())
    }

    #[expect(clippy::too_many_arguments, reason = "the row, who applies it, and the transaction")]
    async fn update_person_in_tx(
        &self,
        tx: &mut Conn,
        actor: &Actor,
        origin: &Origin,
        tenant: &Tenant,
        person_id: &str,
        row: &PlannedRow,
        now: i64,
    ) -> AppResult<()> {
        let before = repo::people::get(tx, tenant.id(), person_id).await?.ok_or(AppError::NotFound)?;
        let login = repo::logins::get(tx, tenant.id(), person_id).await?;
        let after = row.person.record(before.id.clone(), before.tenant_id.clone(), before.created_at, now, before.version);
        let (b, a) = diff(&person_json(&before), &person_json(&after));
        if a.is_empty() {
            return Ok(());
        }
        repo::people::update(tx, &after, &search_text(&after, login.as_ref().map(|l| l.username.as_str()))).await?;
        append(
            tx,
            Event::new(tenant.id(), actor, origin, now, "person.updated", Some(person_id), &after.display_name())
                .before(serde_json::Value::Object(b))
                .after(serde_json::Value::Object(a)),
        )
        .await
    }

    /// Gives the login the row's username, role, permissions and branches, if they differ.
    #[expect(clippy::too_many_arguments, reason = "the row, who applies it, and the transaction")]
    async fn set_login_in_tx(
        &self,
        tx: &mut Conn,
        actor: &Actor,
        origin: &Origin,
        tenant: &Tenant,
        person_id: &str,
        plan: &LoginPlan,
        now: i64,
    ) -> AppResult<()> {
        let mut login = repo::logins::get(tx, tenant.id(), person_id)
            .await?
            .ok_or_else(|| AppError::Internal(format!("person {person_id} has no login after the import's actions")))?;
        let assignment_changed =
            login.role_id != plan.role_id || login.permissions != plan.permissions || login.branches != plan.branches;
        let renamed = login.username != plan.username;
        if !assignment_changed && !renamed {
            return Ok(());
        }
        let before = self.login_json(tx, &login).await?;
        if login.role_id != plan.role_id {
            let admin = self.administrator_role_id(tx, tenant.id()).await?;
            if plan.role_id.as_deref() != Some(admin.as_str()) {
                self.refuse_if_last_administrator(tx, tenant, &login).await?;
            }
        }
        login.username.clone_from(&plan.username);
        login.role_id.clone_from(&plan.role_id);
        login.permissions.clone_from(&plan.permissions);
        login.branches.clone_from(&plan.branches);
        login.updated_at = now;
        match repo::logins::update(tx, &login).await {
            Err(e) if e.is_unique_violation() => {
                return Err(AppError::conflict("username_taken", format!("the username '{}' is already taken", login.username)));
            }
            r => r?,
        }
        let person = repo::people::get(tx, tenant.id(), person_id).await?.ok_or(AppError::NotFound)?;
        if renamed {
            repo::people::set_search_text(tx, person_id, &search_text(&person, Some(&login.username))).await?;
        }
        let after = self.login_json(tx, &login).await?;
        let action = if assignment_changed { "access.role" } else { "access.username" };
        append(
            tx,
            Event::new(tenant.id(), actor, origin, now, action, Some(person_id), &person.display_name())
                .before(before)
                .after(after),
        )
        .await
    }
}

/// The planned rows to apply, in file order. A listed row must be `new` or `changed`;
/// `unchanged` rows are left out silently (there is nothing to do), anything else is refused.
fn row_class(stored: &str) -> AppResult<RowClass> {
    serde_json::from_value(serde_json::Value::String(stored.to_owned()))
        .map_err(|e| AppError::Internal(format!("stored import row class {stored}: {e}")))
}

/// Plans read per query: the plans of a large file are read a page at a time, and only the
/// chosen ones are kept.
const PLANS_PER_READ: i64 = 2_000;

/// The plans of the chosen rows, in file order, and how many rows the file has. A chosen row
/// number that the file does not have, or whose row is invalid or a conflict, is refused with
/// a field error per entry; a chosen unchanged row is simply left out.
async fn selected_plans(conn: &mut Conn, tenant_id: &str, id: &str, rows: &ApplyRows) -> AppResult<(Vec<PlannedRow>, usize)> {
    let classes = repo::imports::classes(conn, tenant_id, id).await?;
    let rows_in_file = classes.len();
    let wanted: Option<HashSet<u32>> = match rows {
        ApplyRows::All => None,
        ApplyRows::List(list) => {
            let by_row: HashMap<i64, &str> = classes.iter().map(|(n, c)| (*n, c.as_str())).collect();
            let mut errors = Vec::new();
            let mut wanted = HashSet::new();
            for (i, n) in list.iter().enumerate() {
                match by_row.get(&i64::from(*n)).map(|c| row_class(c)).transpose()? {
                    None => {
                        errors.push(FieldError::new(format!("rows[{i}]"), "unknown_row", format!("the file has no row {n}")));
                    }
                    Some(class @ (RowClass::Invalid | RowClass::Conflict)) => errors.push(FieldError::new(
                        format!("rows[{i}]"),
                        "not_applicable",
                        format!(
                            "row {n} is {} and cannot be applied",
                            if class == RowClass::Invalid { "invalid" } else { "a conflict" }
                        ),
                    )),
                    Some(RowClass::Unchanged) => {}
                    Some(RowClass::New | RowClass::Changed) => {
                        wanted.insert(*n);
                    }
                }
            }
            if !errors.is_empty() {
                return Err(AppError::Validation(keyrack_core::FieldErrors(errors)));
            }
            Some(wanted)
        }
    };
    drop(classes);
    let mut filter = RowFilter {
        classes: vec![RowClass::New.as_str().to_owned(), RowClass::Changed.as_str().to_owned()],
        with_plan: true,
        ..RowFilter::default()
    };
    let mut selected = Vec::new();
    loop {
        let page = repo::imports::rows(conn, tenant_id, id, &filter, PLANS_PER_READ).await?;
        let Some(last) = page.last() else { break };
        filter.after = Some(last.position);
        for r in page {
            let chosen = wanted.as_ref().is_none_or(|w| u32::try_from(r.row_number).is_ok_and(|n| w.contains(&n)));
            if let (true, Some(plan)) = (chosen, r.plan.as_deref()) {
                selected.push(parse::<PlannedRow>("plan", plan)?);
            }
        }
    }
    Ok((selected, rows_in_file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_all_or_a_list_of_numbers() {
        let parse = |v: serde_json::Value| serde_json::from_value::<ApplyInput>(serde_json::json!({"rows": v})).map(|i| i.rows);
        assert_eq!(parse(serde_json::json!("all")).unwrap(), ApplyRows::All);
        assert_eq!(parse(serde_json::json!([2, 7])).unwrap(), ApplyRows::List(vec![2, 7]));
        assert!(parse(serde_json::json!("some")).unwrap_err().to_string().contains("\"all\" or a list"));
        assert!(parse(serde_json::json!([-1])).is_err());
        assert!(serde_json::from_value::<ApplyInput>(serde_json::json!({"rows": "all", "extra": 1})).is_err());
    }
}
