//! People: create, read, change, delete, list; their role, permissions and branch scope;
//! the e-mail categories they receive; and the diagnosis of why they can or cannot log in.

use std::collections::BTreeMap;

use keyrack_core::access::AccessState;
use keyrack_core::authz::ADMINISTRATOR;
use keyrack_core::diagnosis::{LoginFacts, diagnose};
use keyrack_core::throttle::{ThrottlePolicy, is_locked, locked_until};
use keyrack_core::types::{Email, Locale, PersonKind, parse_name, parse_phone};
use keyrack_core::{FieldError, FieldErrors};
use keyrack_store::records::{LinkPurpose, LoginRecord, PersonRecord, search_text};
use keyrack_store::repo::people::{PeopleFilter, Reach};
use keyrack_store::{Conn, repo};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::audit::{Event, append};
use crate::rights::{ACCESS_MANAGE, PEOPLE_MANAGE, PEOPLE_VIEW, Rights};
use crate::tenants::Tenant;
use crate::transaction;
use crate::views::{AccessView, DiagnosisView, Page, PersonView, ReasonView, opt_time};
use crate::{Actor, App, AppError, AppResult, Origin, Target, new_id};

/// A new person (SPEC §5: the person fields without `id` and `access`).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPerson {
    /// `staff`, `owner`, `guest` or `contact`.
    #[schema(pattern = "^(staff|owner|guest|contact)$")]
    pub kind: String,
    #[serde(default)]
    pub salutation: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phones: Option<Vec<String>>,
    /// Defaults to the tenant's language.
    #[serde(default)]
    pub language: Option<String>,
    /// E-mail categories; none unless given.
    #[serde(default)]
    pub notifications: Option<Vec<String>>,
}

/// Changes to a person; absent fields stay as they are, an empty `email` removes the address.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonPatch {
    #[schema(pattern = "^(staff|owner|guest|contact)$")]
    pub kind: Option<String>,
    pub salutation: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub phones: Option<Vec<String>>,
    pub language: Option<String>,
    pub notifications: Option<Vec<String>>,
}

/// Role, extra permissions and branch scope of a login.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleAssignment {
    /// The role's name, or null for none.
    pub role: Option<String>,
    #[serde(default)]
    pub permissions: Vec<String>,
    /// `"all"` or a list of branch ids.
    #[schema(schema_with = crate::views::branch_scope_schema)]
    #[serde(default = "all_branches")]
    pub branches: serde_json::Value,
}

fn all_branches() -> serde_json::Value {
    serde_json::Value::String("all".into())
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Notifications {
    pub notifications: Vec<String>,
}

/// Query of the people list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PeopleQuery {
    /// Words to find in names, e-mail, username and phone numbers.
    pub q: Option<String>,
    /// An access state.
    #[param(pattern = "^(none|granted|invited|active|reset_pending|reset_requested|blocked)$")]
    pub state: Option<String>,
    /// A person kind.
    #[param(pattern = "^(staff|owner|guest|contact)$")]
    pub kind: Option<String>,
    /// A role name.
    pub role: Option<String>,
    /// A branch id.
    pub branch: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1 to 200 (default 50); a number outside is brought within.
    pub limit: Option<i64>,
}

/// Parsed person fields, shared by create, change and (later) import.
struct PersonFields {
    kind: PersonKind,
    salutation: String,
    first_name: String,
    last_name: String,
    email: Option<String>,
    phones: Vec<String>,
    language: Locale,
    notifications: Vec<String>,
}

impl App {
    fn parse_notifications(&self, raw: &[String]) -> Result<Vec<String>, FieldError> {
        let mut out: Vec<String> = Vec::new();
        for c in raw {
            let c = c.trim();
            if !self.config.email_categories.iter().any(|k| k == c) {
                return Err(FieldError::new("notifications", "unknown_category", format!("'{c}' is not an e-mail category"))
                    .with_param("allowed", self.config.email_categories.join(", ")));
            }
            if !out.iter().any(|o| o == c) {
                out.push(c.to_owned());
            }
        }
        out.sort();
        Ok(out)
    }

    fn parse_person(&self, base: PersonFields, patch: PersonPatch) -> Result<PersonFields, FieldErrors> {
        let mut errors = FieldErrors::default();
        let mut f = base;
        if let Some(k) = patch.kind {
            f.kind = errors.take(PersonKind::parse(&k)).unwrap_or(f.kind);
        }
        if let Some(s) = patch.salutation {
            f.salutation = errors.take(parse_name("salutation", &s)).unwrap_or_default();
        }
        if let Some(s) = patch.first_name {
            f.first_name = errors.take(parse_name("first_name", &s)).unwrap_or_default();
        }
        if let Some(s) = patch.last_name {
            f.last_name = errors.take(parse_name("last_name", &s)).unwrap_or_default();
        }
        if let Some(e) = patch.email {
            f.email = if e.trim().is_empty() { None } else { errors.take(Email::parse(&e)).map(|e| e.as_str().to_owned()) };
        }
        if let Some(phones) = patch.phones {
            f.phones = phones
                .iter()
                .enumerate()
                .filter(|(_, p)| !p.trim().is_empty())
                .filter_map(|(i, p)| errors.take(parse_phone(p).map_err(|e| e.at(format!("phones[{i}]")))))
                .collect();
        }
        if let Some(l) = patch.language {
            f.language = errors.take(Locale::parse(&l)).unwrap_or(f.language);
        }
        if let Some(n) = patch.notifications {
            f.notifications = errors.take(self.parse_notifications(&n)).unwrap_or_default();
        }
        if f.first_name.is_empty() && f.last_name.is_empty() && f.email.is_none() {
            errors.push(FieldError::new("last_name", "name_required", "give a first name, a last name or an e-mail address"));
        }
        errors.into_result().map(|()| f)
    }

    pub async fn create_person(&self, actor: &Actor, origin: &Origin, slug: &str, input: NewPerson) -> AppResult<PersonView> {
        let tenant = self.tenant(actor, slug).await?;
        self.require_permission(actor, &tenant, PEOPLE_MANAGE, true).await?;
        let mut errors = FieldErrors::default();
        let kind = errors.take(PersonKind::parse(&input.kind));
        let base = PersonFields {
            kind: kind.unwrap_or(PersonKind::Contact),
            salutation: String::new(),
            first_name: String::new(),
            last_name: String::new(),
            email: None,
            phones: Vec::new(),
            language: tenant.record.language,
            notifications: Vec::new(),
        };
        let patch = PersonPatch {
            kind: None,
            salutation: input.salutation,
            first_name: input.first_name,
            last_name: input.last_name,
            email: input.email,
            phones: input.phones,
            language: input.language,
            notifications: input.notifications,
        };
        let parsed = self.parse_person(base, patch);
        if let Err(e) = &parsed {
            errors.0.extend(e.0.iter().cloned());
        }
        errors.into_result()?;
        let f = parsed?;
        let now = self.now();
        let person = PersonRecord {
            id: new_id(),
            tenant_id: tenant.id().to_owned(),
            kind: f.kind,
            salutation: f.salutation,
            first_name: f.first_name,
            last_name: f.last_name,
            email: f.email,
            phones: f.phones,
            language: f.language,
            notifications: f.notifications,
            created_at: now,
            updated_at: now,
            version: 0,
        };
        transaction!(self, |tx| {
            repo::people::insert(tx, &person, &search_text(&person, None)).await?;
            let event = Event::new(tenant.id(), actor, origin, now, "person.created", Some(&person.id), &person.display_name());
            append(tx, event.after(person_json(&person))).await?;
            Ok(())
        })?;
        self.person_in(&tenant, &person.id).await
    }

    /// A person, for someone with `people.view` who reaches them.
    pub async fn person(&self, actor: &Actor, slug: &str, id: &str) -> AppResult<PersonView> {
        let tenant = self.tenant(actor, slug).await?;
        let mut conn = self.store.read().await?;
        self.require_person(&mut conn, actor, &tenant, id, PEOPLE_VIEW).await?;
        drop(conn);
        self.person_in(&tenant, id).await
    }

    /// A person of the tenant, once the caller has checked the actor may see them (the answer
    /// of a change shows the result even when it took the person out of the actor's reach).
    pub(crate) async fn person_in(&self, tenant: &Tenant, id: &str) -> AppResult<PersonView> {
        let mut conn = self.store.read().await?;
        let person = repo::people::get(&mut conn, tenant.id(), id).await?.ok_or(AppError::NotFound)?;
        let login = repo::logins::get(&mut conn, tenant.id(), id).await?;
        self.person_view(&mut conn, tenant, person, login).await
    }

    /// Changes a person's details (`people.manage`).
    pub async fn update_person(
        &self,
        actor: &Actor,
        origin: &Origin,
        slug: &str,
        id: &str,
        patch: PersonPatch,
    ) -> AppResult<PersonView> {
        let tenant = self.tenant(actor, slug).await?;
        self.require_write(actor, tenant.id(), Target::Person(id)).await?;
        let mut conn = self.store.read().await?;
        self.require_person(&mut conn, actor, &tenant, id, PEOPLE_MANAGE).await?;
        drop(conn);
        self.change_person(actor, origin, &tenant, id, patch).await
    }

    /// Changes a person's details without asking for permissions: the caller decided (a
    /// gated use case, or a person changing their own profile).
    pub(crate) async fn change_person(
        &self,
        actor: &Actor,
        origin: &Origin,
        tenant: &Tenant,
        id: &str,
        patch: PersonPatch,
    ) -> AppResult<PersonView> {
        transaction!(self, |tx| self.change_person_in(tx, actor, origin, tenant, id, patch.clone()).await)?;
        self.person_in(tenant, id).await
    }

    /// The body of [`Self::change_person`]'s transaction.
    async fn change_person_in(
        &self,
        tx: &mut Conn,
        actor: &Actor,
        origin: &Origin,
        tenant: &Tenant,
        id: &str,
        patch: PersonPatch,
    ) -> AppResult<()> {
        if !repo::people::lock(tx, tenant.id(), id).await? {
            return Err(AppError::NotFound);
        }
        let before = repo::people::get(tx, tenant.id(), id).await?.ok_or(AppError::NotFound)?;
        let login = repo::logins::get(tx, tenant.id(), id).await?;
        let base = PersonFields {
            kind: before.kind,
            salutation: before.salutation.clone(),
            first_name: before.first_name.clone(),
            last_name: before.last_name.clone(),
            email: before.email.clone(),
            phones: before.phones.clone(),
            language: before.language,
            notifications: before.notifications.clone(),
        };
        let f = self.parse_person(base, patch)?;
        if f.kind != before.kind && login.as_ref().is_some_and(|l| l.state.has_login()) && !tenant.settings.module_enabled(f.kind)
        {
            return Err(AppError::conflict(
                "module_off",
                format!("people of kind '{}' cannot have access in this tenant; remove access first", f.kind),
            ));
        }
        let now = self.now();
        let after = PersonRecord {
            kind: f.kind,
            salutation: f.salutation,
            first_name: f.first_name,
            last_name: f.last_name,
            email: f.email,
            phones: f.phones,
            language: f.language,
            notifications: f.notifications,
            updated_at: now,
            ..before.clone()
        };
        let (b, a) = diff(&person_json(&before), &person_json(&after));
        if !a.is_empty() {
            repo::people::update(tx, &after, &search_text(&after, login.as_ref().map(|l| l.username.as_str()))).await?;
            append(
                tx,
                Event::new(tenant.id(), actor, origin, now, "person.updated", Some(id), &after.display_name())
                    .before(serde_json::Value::Object(b))
                    .after(serde_json::Value::Object(a)),
            )
            .await?;
        }
        Ok(())
    }

    /// Deletes the person and their login; their audit events stay with the name redacted.
    pub async fn delete_person(&self, actor: &Actor, origin: &Origin, slug: &str, id: &str) -> AppResult<()> {
        let tenant = self.tenant(actor, slug).await?;
        self.require_write(actor, tenant.id(), Target::Person(id)).await?;
        let mut conn = self.store.read().await?;
        let rights = self.require_person(&mut conn, actor, &tenant, id, PEOPLE_MANAGE).await?;
        drop(conn);
        transaction!(self, |tx| {
            if !repo::people::lock(tx, tenant.id(), id).await? {
                return Err(AppError::NotFound);
            }
            if let Some(login) = repo::logins::get(tx, tenant.id(), id).await? {
                // Deleting a person with a login also takes their access away.
                rights.require(ACCESS_MANAGE)?;
                self.refuse_if_last_administrator(tx, &tenant, &login).await?;
            }
            repo::people::delete(tx, tenant.id(), id).await?;
            repo::audit::redact_subject(tx, tenant.id(), id, crate::audit::REDACTED).await?;
            // The people merged into this one are part of their history (see `merge`).
            for merged in repo::merges::merged_into(tx, tenant.id(), id).await? {
                repo::audit::redact_subject(tx, tenant.id(), &merged, crate::audit::REDACTED).await?;
            }
            append(tx, Event::new(tenant.id(), actor, origin, self.now(), "person.deleted", Some(id), crate::audit::REDACTED))
                .await?;
            Ok(())
        })
    }

    /// A page of the people the actor reaches (`people.view`), filtered.
    pub async fn people(&self, actor: &Actor, slug: &str, query: PeopleQuery) -> AppResult<Page<PersonView>> {
        let tenant = self.tenant(actor, slug).await?;
        let rights = self.require_permission(actor, &tenant, PEOPLE_VIEW, false).await?;
        let mut errors = FieldErrors::default();
        let mut conn = self.store.read().await?;
        let reach = self.reach_filter(&mut conn, &tenant, &rights).await?;
        let role_id = match &query.role {
            Some(name) => match repo::roles::by_name(&mut conn, tenant.id(), name).await? {
                Some(r) => Some(r.id),
                None => {
                    errors.push(FieldError::new("role", "unknown_role", format!("'{name}' is not a role of this tenant")));
                    None
                }
            },
            None => None,
        };
        let filter = PeopleFilter {
            q: query.q.filter(|q| !q.trim().is_empty()),
            state: query.state.as_deref().and_then(|s| errors.take(AccessState::parse(s))),
            kind: query.kind.as_deref().and_then(|k| errors.take(PersonKind::parse(k))),
            role_id,
            branch_id: query.branch,
            after: query.cursor,
            reach,
            ..PeopleFilter::default()
        };
        errors.into_result()?;
        let limit = query.limit.unwrap_or(50).clamp(1, 200);
        let mut rows = repo::people::list(&mut conn, tenant.id(), &filter, limit + 1).await?;
        let more = rows.len() > usize::try_from(limit).unwrap_or(usize::MAX);
        rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        let next_cursor = if more { rows.last().map(|p| p.id.clone()) } else { None };
        let ids: Vec<String> = rows.iter().map(|p| p.id.clone()).collect();
        let mut logins: BTreeMap<String, LoginRecord> =
            repo::logins::for_people(&mut conn, tenant.id(), &ids).await?.into_iter().map(|l| (l.person_id.clone(), l)).collect();
        let people = rows
            .into_iter()
            .map(|p| {
                let login = logins.remove(&p.id);
                (p, login)
            })
            .collect();
        let items = self.person_views(&mut conn, &tenant, people).await?;
        Ok(Page { items, next_cursor })
    }

    pub async fn set_notifications(
        &self,
        actor: &Actor,
        origin: &Origin,
        slug: &str,
        id: &str,
        input: Notifications,
    ) -> AppResult<PersonView> {
        let patch = PersonPatch { notifications: Some(input.notifications), ..PersonPatch::default() };
        self.update_person(actor, origin, slug, id, patch).await
    }

    /// Sets role, extra permissions and branch scope of a login.
    pub async fn assign_role(
        &self,
        actor: &Actor,
        origin: &Origin,
        slug: &str,
        id: &str,
        input: RoleAssignment,
    ) -> AppResult<PersonView> {
        let tenant = self.tenant(actor, slug).await?;
        self.require_write(actor, tenant.id(), Target::Person(id)).await?;
        let mut conn = self.store.read().await?;
        let rights = self.require_person(&mut conn, actor, &tenant, id, ACCESS_MANAGE).await?;
        drop(conn);
        let mut errors = FieldErrors::default();
        let permissions = errors.take(self.known_permissions("permissions", &input.permissions));
        transaction!(self, |tx| {
            // Each attempt starts from the errors found before the transaction.
            let mut errors = errors.clone();
            let permissions = permissions.clone();
            if !repo::people::lock(tx, tenant.id(), id).await? {
                return Err(AppError::NotFound);
            }
            let branches = match &input.branches {
                serde_json::Value::String(s) if s == "all" => Some(None),
                serde_json::Value::Array(items) => {
                    let mut ids = Vec::new();
                    for (i, item) in items.iter().enumerate() {
                        let found = match item.as_str() {
                            Some(b) => repo::branches::get(tx, tenant.id(), b).await?,
                            None => None,
                        };
                        match found {
                            Some(b) if !ids.contains(&b.id) => ids.push(b.id),
                            Some(_) => {}
                            None => errors.push(FieldError::new(
                                format!("branches[{i}]"),
                                "unknown_branch",
                                "is not a branch of this tenant",
                            )),
                        }
                    }
                    ids.sort();
                    Some(Some(ids))
                }
                _ => {
                    errors.push(FieldError::new("branches", "invalid_branches", "must be \"all\" or a list of branch ids"));
                    None
                }
            };
            let role = match &input.role {
                Some(name) => match repo::roles::by_name(tx, tenant.id(), name).await? {
                    Some(r) => Some(r),
                    None => {
                        errors.push(FieldError::new("role", "unknown_role", format!("'{name}' is not a role of this tenant")));
                        None
                    }
                },
                None => None,
            };
            errors.into_result()?;
            let (Some(permissions), Some(branches)) = (permissions, branches) else {
                return Err(AppError::Internal("unreachable".into()));
            };
            let mut login = repo::logins::get(tx, tenant.id(), id).await?.ok_or(keyrack_core::access::Refusal {
                code: keyrack_core::access::RefusalCode::AccessNotGranted,
                action: keyrack_core::access::Action::Grant,
                state: AccessState::None,
            })?;
            let before = self.login_json(tx, &login).await?;
            check_assignment(&rights, &login, role.as_ref(), &permissions, &branches)?;
            let keeps_admin = role.as_ref().is_some_and(|r| r.name == ADMINISTRATOR);
            if !keeps_admin {
                self.refuse_if_last_administrator(tx, &tenant, &login).await?;
            }
            login.role_id = role.map(|r| r.id);
            login.permissions = permissions;
            login.branches = branches;
            let now = self.now();
            login.updated_at = now;
            repo::logins::update(tx, &login).await?;
            let after = self.login_json(tx, &login).await?;
            let person = repo::people::get(tx, tenant.id(), id).await?.ok_or(AppError::NotFound)?;
            append(
                tx,
                Event::new(tenant.id(), actor, origin, now, "access.role", Some(id), &person.display_name())
                    .before(before)
                    .after(after),
            )
            .await?;
            Ok(())
        })?;
        self.person_in(&tenant, id).await
    }

    pub async fn diagnosis(&self, actor: &Actor, slug: &str, id: &str) -> AppResult<DiagnosisView> {
        let tenant = self.tenant(actor, slug).await?;
        let mut conn = self.store.read().await?;
        self.require_person(&mut conn, actor, &tenant, id, PEOPLE_VIEW).await?;
        let person = repo::people::get(&mut conn, tenant.id(), id).await?.ok_or(AppError::NotFound)?;
        let login = repo::logins::get(&mut conn, tenant.id(), id).await?;
        let facts = self.login_facts(&mut conn, &tenant, &person, login.as_ref()).await?;
        let d = diagnose(&facts, self.now());
        Ok(DiagnosisView {
            can_log_in: d.can_log_in,
            reasons: d
                .reasons
                .into_iter()
                .map(|r| ReasonView { code: r.code.to_owned(), message: r.message, params: r.params.into_iter().collect() })
                .collect(),
        })
    }

    /// The people-list filter equal to [`Rights::reaches`] for `people.view`.
    pub(crate) async fn reach_filter(&self, conn: &mut Conn, tenant: &Tenant, rights: &Rights) -> AppResult<Option<Reach>> {
        Ok(match rights.branch_limit() {
            None => None,
            Some(branches) => Some(Reach {
                branches: branches.into_iter().collect(),
                administrator_role_id: self.administrator_role_id(conn, tenant.id()).await?,
            }),
        })
    }

    /// Refuses to take the administrator role away from the tenant's last administrator:
    /// a tenant must never lock itself out (409 `last_administrator`).
    pub(crate) async fn refuse_if_last_administrator(
        &self,
        conn: &mut Conn,
        tenant: &Tenant,
        login: &LoginRecord,
    ) -> AppResult<()> {
        let admin_role = self.administrator_role_id(conn, tenant.id()).await?;
        if login.role_id.as_deref() == Some(admin_role.as_str())
            && login.state != AccessState::Blocked
            && repo::logins::count_administrators(conn, tenant.id(), &admin_role).await? <= 1
        {
            return Err(AppError::conflict(
                "last_administrator",
                "this is the tenant's last administrator; make someone else administrator first",
            ));
        }
        Ok(())
    }

    pub(crate) async fn login_facts(
        &self,
        conn: &mut Conn,
        tenant: &Tenant,
        person: &PersonRecord,
        login: Option<&LoginRecord>,
    ) -> AppResult<LoginFacts> {
        let invitation = match login {
            Some(l) => repo::links::newest_unused(conn, &l.person_id, LinkPurpose::Invitation).await?,
            None => None,
        };
        let reset = match login {
            Some(l) => repo::links::newest_unused(conn, &l.person_id, LinkPurpose::Reset).await?,
            None => None,
        };
        let shared = match &person.email {
            Some(e) => repo::people::with_email(conn, tenant.id(), e).await?.len().saturating_sub(1),
            None => 0,
        };
        let policy = ThrottlePolicy::per_account();
        Ok(LoginFacts {
            state: login.map_or(AccessState::None, |l| l.state),
            has_password: login.is_some_and(|l| l.password_hash.is_some()),
            module_enabled: tenant.settings.module_enabled(person.kind),
            invitation_expires_at: invitation.as_ref().map(|l| l.expires_at),
            invitation_sent_at: invitation.as_ref().map(|l| l.created_at),
            reset_expires_at: reset.as_ref().map(|l| l.expires_at),
            locked_until: login.and_then(|l| {
                let failures = u32::try_from(l.failed_logins).unwrap_or(u32::MAX);
                l.last_failed_at.and_then(|at| locked_until(&policy, failures, at))
            }),
            email_shared_with: u32::try_from(shared).unwrap_or(u32::MAX),
            must_change_password: login.is_some_and(|l| l.must_change_password),
            last_login_at: login.and_then(|l| l.last_login_at),
        })
    }

    pub(crate) async fn person_view(
        &self,
        conn: &mut Conn,
        tenant: &Tenant,
        person: PersonRecord,
        login: Option<LoginRecord>,
    ) -> AppResult<PersonView> {
        let mut views = self.person_views(conn, tenant, vec![(person, login)]).await?;
        views.pop().ok_or_else(|| AppError::Internal("no view of the person".into()))
    }

    /// The views of a page of people in a fixed handful of queries whatever its length (the
    /// roles, the newest unused invitations, the address counts), not a few per person.
    pub(crate) async fn person_views(
        &self,
        conn: &mut Conn,
        tenant: &Tenant,
        people: Vec<(PersonRecord, Option<LoginRecord>)>,
    ) -> AppResult<Vec<PersonView>> {
        let now = self.now();
        let roles: BTreeMap<String, String> =
            repo::roles::list(conn, tenant.id()).await?.into_iter().map(|r| (r.id, r.name)).collect();
        let with_login: Vec<String> = people.iter().filter(|(_, l)| l.is_some()).map(|(p, _)| p.id.clone()).collect();
        let invitation_expiry: BTreeMap<String, i64> =
            repo::links::newest_invitation_expiry(conn, &with_login).await?.into_iter().collect();
        let mut emails: Vec<String> = people.iter().filter_map(|(p, _)| p.email.as_ref().map(|e| e.to_lowercase())).collect();
        emails.sort();
        emails.dedup();
        let email_counts: BTreeMap<String, i64> =
            repo::people::email_counts(conn, tenant.id(), &emails).await?.into_iter().collect();
        let policy = ThrottlePolicy::per_account();
        Ok(people
            .into_iter()
            .map(|(person, login)| {
                let state = login.as_ref().map_or(AccessState::None, |l| l.state);
                let mut flags = Vec::new();
                if state == AccessState::Invited && invitation_expiry.get(&person.id).is_some_and(|at| *at <= now) {
                    flags.push("invitation_expired".to_owned());
                }
                let shared_with =
                    person.email.as_ref().and_then(|e| email_counts.get(&e.to_lowercase())).map_or(0, |n| n.saturating_sub(1));
                if shared_with > 0 {
                    flags.push("email_shared".to_owned());
                }
                if let Some(l) = &login {
                    let failures = u32::try_from(l.failed_logins).unwrap_or(u32::MAX);
                    if l.last_failed_at.is_some_and(|at| is_locked(&policy, failures, at, now)) {
                        flags.push("locked".to_owned());
                    }
                    if l.must_change_password {
                        flags.push("must_change_password".to_owned());
                    }
                    if l.last_login_at.is_none() {
                        flags.push("never_logged_in".to_owned());
                    }
                }
                let role = login.as_ref().and_then(|l| l.role_id.as_ref()).and_then(|rid| roles.get(rid)).cloned();
                PersonView {
                    access: AccessView {
                        state: state.as_str().into(),
                        label: state.label_en().into(),
                        username: login.as_ref().map(|l| l.username.clone()),
                        role,
                        permissions: login.as_ref().map(|l| l.permissions.clone()).unwrap_or_default(),
                        branches: branches_json(login.as_ref().and_then(|l| l.branches.as_ref())),
                        must_change_password: login.as_ref().is_some_and(|l| l.must_change_password),
                        last_login_at: opt_time(login.as_ref().and_then(|l| l.last_login_at)),
                        flags,
                    },
                    id: person.id,
                    kind: person.kind.as_str().into(),
                    salutation: person.salutation,
                    first_name: person.first_name,
                    last_name: person.last_name,
                    email: person.email,
                    phones: person.phones,
                    language: person.language.as_str().into(),
                    notifications: person.notifications,
                    created_at: crate::clock::rfc3339(person.created_at),
                    updated_at: crate::clock::rfc3339(person.updated_at),
                    link: None,
                    password: None,
                }
            })
            .collect())
    }

    /// The login's access facts for audit events (never the password hash).
    pub(crate) async fn login_json(&self, conn: &mut Conn, login: &LoginRecord) -> AppResult<serde_json::Value> {
        let role = match &login.role_id {
            Some(rid) => repo::roles::get(conn, &login.tenant_id, rid).await?.map(|r| r.name),
            None => None,
        };
        Ok(serde_json::json!({
            "state": login.state.as_str(),
            "username": login.username,
            "role": role,
            "permissions": login.permissions,
            "branches": branches_json(login.branches.as_ref()),
        }))
    }
}

pub(crate) fn branches_json(branches: Option<&Vec<String>>) -> serde_json::Value {
    match branches {
        None => serde_json::Value::String("all".into()),
        Some(ids) => serde_json::Value::from(ids.clone()),
    }
}

/// The person as audit events record it.
pub(crate) fn person_json(p: &PersonRecord) -> serde_json::Value {
    serde_json::json!({
        "kind": p.kind.as_str(),
        "salutation": p.salutation,
        "first_name": p.first_name,
        "last_name": p.last_name,
        "email": p.email,
        "phones": p.phones,
        "language": p.language.as_str(),
        "notifications": p.notifications,
    })
}

type JsonMap = serde_json::Map<String, serde_json::Value>;

/// The fields that differ, as (before, after).
pub(crate) fn diff(before: &serde_json::Value, after: &serde_json::Value) -> (JsonMap, JsonMap) {
    let (mut b, mut a) = (JsonMap::new(), JsonMap::new());
    if let (Some(bo), Some(ao)) = (before.as_object(), after.as_object()) {
        for (k, av) in ao {
            let bv = bo.get(k).cloned().unwrap_or(serde_json::Value::Null);
            if &bv != av {
                b.insert(k.clone(), bv);
                a.insert(k.clone(), av.clone());
            }
        }
    }
    (b, a)
}

/// Whether a person acting on others may give this login the role, extra permissions and
/// branches (SPEC §2: nobody grants what they do not hold). What the login already has is not
/// re-checked — only what the change adds; branches outside the actor's own scope that the login
/// already has cannot be taken away by this actor either (they cannot see them).
fn check_assignment(
    rights: &Rights,
    login: &LoginRecord,
    role: Option<&keyrack_store::records::RoleRecord>,
    permissions: &[String],
    branches: &Option<Vec<String>>,
) -> AppResult<()> {
    let Some(grants) = rights.grants() else { return Ok(()) };
    use keyrack_core::authz::BranchScope;
    use std::collections::BTreeSet;
    let set =
        |names: &[String]| names.iter().filter_map(|n| keyrack_core::types::Permission::parse(n).ok()).collect::<BTreeSet<_>>();
    let role_changes = role.map(|r| r.id.as_str()) != login.role_id.as_deref();
    let role_permissions = match role {
        Some(r) if role_changes => set(&r.permissions),
        _ => BTreeSet::new(),
    };
    let assigns_administrator = role_changes && role.is_some_and(|r| r.builtin && r.name == ADMINISTRATOR);
    let added: Vec<String> = permissions.iter().filter(|p| !login.permissions.contains(p)).cloned().collect();
    let to_scope = |b: &Option<Vec<String>>| match b {
        None => BranchScope::All,
        Some(ids) => BranchScope::Only(ids.iter().cloned().collect()),
    };
    let old = to_scope(&login.branches);
    let new = to_scope(branches);
    let added_scope = match (&old, &new) {
        (_, BranchScope::All) if old == BranchScope::All => BranchScope::Only(BTreeSet::new()),
        (_, BranchScope::All) => BranchScope::All,
        (BranchScope::All, BranchScope::Only(_)) => BranchScope::Only(BTreeSet::new()),
        (BranchScope::Only(o), BranchScope::Only(n)) => BranchScope::Only(n.difference(o).cloned().collect()),
    };
    let mut errors: Vec<FieldError> =
        match keyrack_core::authz::check_assignment(grants, &role_permissions, assigns_administrator, &set(&added), &added_scope)
        {
            Ok(()) => Vec::new(),
            Err(e) => e,
        };
    // Branches the actor cannot see stay as they are.
    if let (Some(limit), BranchScope::Only(o)) = (keyrack_core::authz::branch_limit(grants), &old) {
        let removed: Vec<&String> = o.iter().filter(|b| !limit.contains(*b) && !new.contains(b)).collect();
        if !removed.is_empty() {
            let list = removed.iter().map(|b| b.as_str()).collect::<Vec<_>>().join(", ");
            errors.push(
                FieldError::new(
                    "branches",
                    "cannot_revoke",
                    format!("you cannot take away branches outside your own scope: {list}"),
                )
                .with_param("branches", list),
            );
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(AppError::Validation(FieldErrors(errors))) }
}
