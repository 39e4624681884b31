//! Audit events: built by the use cases, appended in their transaction, listed for the API.

use keyrack_core::{FieldError, FieldErrors};
use keyrack_store::records::AuditRecord;
use keyrack_store::repo::audit::AuditFilter;
use keyrack_store::{Conn, repo};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::clock::rfc3339;
use crate::views::{AuditActorView, AuditEventView, Page};
use crate::{Actor, App, AppResult, Origin, new_id};

/// One event being recorded.
#[derive(Debug, Clone)]
pub struct Event {
    record: AuditRecord,
}

impl Event {
    pub fn new(
        tenant_id: &str,
        actor: &Actor,
        origin: &Origin,
        now: i64,
        action: &str,
        subject_id: Option<&str>,
        subject_label: &str,
    ) -> Self {
        Self {
            record: AuditRecord {
                id: new_id(),
                tenant_id: tenant_id.to_owned(),
                at: now,
                actor_kind: actor.kind().to_owned(),
                actor_id: actor.id().map(str::to_owned),
                actor_label: actor.label(),
                action: action.to_owned(),
                subject_id: subject_id.map(str::to_owned),
                subject_label: subject_label.to_owned(),
                address: origin.address.clone(),
                before_json: None,
                after_json: None,
            },
        }
    }

    #[must_use]
    pub fn before(mut self, v: serde_json::Value) -> Self {
        self.record.before_json = Some(v.to_string());
        self
    }

    #[must_use]
    pub fn after(mut self, v: serde_json::Value) -> Self {
        self.record.after_json = Some(v.to_string());
        self
    }
}

/// Appends the event inside the caller's transaction.
pub async fn append(conn: &mut Conn, event: Event) -> AppResult<()> {
    repo::audit::insert(conn, &event.record).await?;
    Ok(())
}

fn view(r: AuditRecord) -> AuditEventView {
    let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
    AuditEventView {
        id: r.id,
        at: rfc3339(r.at),
        actor: AuditActorView { kind: r.actor_kind, id: r.actor_id, label: r.actor_label },
        action: r.action,
        subject_id: r.subject_id,
        subject: r.subject_label,
        address: r.address,
        before: parse(r.before_json),
        after: parse(r.after_json),
    }
}

/// Filters of the audit log (`GET /tenants/{t}/audit` and the console's history page).
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Words in the name of who acted (a person's name, `API key …`, `operator`, `Keyrack`).
    pub actor: Option<String>,
    /// An action (`access.block`), or every action under a prefix ending in `.` (`access.`).
    pub action: Option<String>,
    /// A person's id: the events about them and about the people merged into them.
    pub person: Option<String>,
    /// The first day, `YYYY-MM-DD` (UTC), inclusive.
    pub from: Option<String>,
    /// The last day, `YYYY-MM-DD` (UTC), inclusive.
    pub to: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1 to 500 (default 100).
    pub limit: Option<i64>,
}

const DAY_MS: i64 = 86_400_000;

/// The start of a UTC day in unix milliseconds.
fn day_start(field: &str, raw: &str) -> Result<i64, FieldError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(raw.trim(), &format)
        .map(|d| d.midnight().assume_utc().unix_timestamp() * 1000)
        .map_err(|_| FieldError::new(field, "invalid_date", "must be a date written YYYY-MM-DD"))
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

impl App {
    /// The tenant's events, newest first, optionally about one person (and the people merged
    /// into them).
    pub async fn audit(
        &self,
        actor: &Actor,
        slug: &str,
        person_id: Option<&str>,
        cursor: Option<&str>,
        limit: i64,
    ) -> AppResult<Page<AuditEventView>> {
        let query = AuditQuery {
            person: person_id.map(str::to_owned),
            cursor: cursor.map(str::to_owned),
            limit: Some(limit),
            ..AuditQuery::default()
        };
        self.audit_log(actor, slug, query).await
    }

    /// The tenant's events, newest first, filtered by who acted, the action, the person and
    /// the days; keyset pagination, so a page deep in a long log costs what the first does.
    pub async fn audit_log(&self, actor: &Actor, slug: &str, query: AuditQuery) -> AppResult<Page<AuditEventView>> {
        let tenant = self.tenant(actor, slug).await?;
        let mut errors = FieldErrors::default();
        let from = non_empty(query.from).and_then(|d| errors.take(day_start("from", &d)));
        let until = non_empty(query.to).and_then(|d| errors.take(day_start("to", &d))).map(|d| d + DAY_MS);
        if let (Some(f), Some(u)) = (from, until)
            && u <= f
        {
            errors.push(FieldError::new("to", "before_from", "must be the same day as 'from' or later"));
        }
        let mut conn = self.store.read().await?;
        let subjects = match non_empty(query.person) {
            Some(pid) => {
                // A person of another tenant is "not found", even though events could be empty.
                repo::people::get(&mut conn, tenant.id(), &pid).await?.ok_or(crate::AppError::NotFound)?;
                self.require_person(&mut conn, actor, &tenant, &pid, crate::rights::AUDIT_VIEW).await?;
                let mut ids = repo::merges::merged_into(&mut conn, tenant.id(), &pid).await?;
                ids.push(pid);
                Some(ids)
            }
            None => {
                let rights = self.rights(&mut conn, &tenant, actor).await?;
                rights.require(crate::rights::AUDIT_VIEW)?;
                // The whole log names people of every branch.
                if rights.branch_limit().is_some() {
                    return Err(crate::AppError::Forbidden {
                        code: "branch_limited",
                        message: "the tenant's whole audit log needs access to every branch; open a person's history instead"
                            .into(),
                    });
                }
                None
            }
        };
        errors.into_result()?;
        let filter = AuditFilter {
            subjects,
            actor_id: None,
            actor_label: non_empty(query.actor),
            action: non_empty(query.action),
            from,
            until,
            before: non_empty(query.cursor),
        };
        let limit = query.limit.unwrap_or(100).clamp(1, 500);
        let mut rows = repo::audit::search(&mut conn, tenant.id(), &filter, limit + 1).await?;
        let more = rows.len() > usize::try_from(limit).unwrap_or(usize::MAX);
        rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        let next_cursor = if more { rows.last().map(|r| r.id.clone()) } else { None };
        Ok(Page { items: rows.into_iter().map(view).collect(), next_cursor })
    }
}
