//! Audit events: built by the use cases, appended in their transaction, listed for the API.

use keyrack_store::records::AuditRecord;
use keyrack_store::{Conn, repo};

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

impl App {
    /// The tenant's events, newest first, optionally about one person.
    pub async fn audit(
        &self,
        actor: &Actor,
        slug: &str,
        person_id: Option<&str>,
        cursor: Option<&str>,
        limit: i64,
    ) -> AppResult<Page<AuditEventView>> {
        let tenant = self.tenant(actor, slug).await?;
        let mut conn = self.store.read().await?;
        if let Some(pid) = person_id {
            // A person of another tenant is "not found", even though events could be empty.
            repo::people::get(&mut conn, tenant.id(), pid).await?.ok_or(crate::AppError::NotFound)?;
            self.require_person(&mut conn, actor, &tenant, pid, crate::rights::AUDIT_VIEW).await?;
        } else {
            let rights = self.rights(&mut conn, &tenant, actor).await?;
            rights.require(crate::rights::AUDIT_VIEW)?;
            // The whole log names people of every branch.
            if rights.branch_limit().is_some() {
                return Err(crate::AppError::Forbidden {
                    code: "branch_limited",
                    message: "the tenant's whole audit log needs access to every branch; open a person's history instead".into(),
                });
            }
        }
        let limit = limit.clamp(1, 500);
        let mut rows = repo::audit::list(&mut conn, tenant.id(), person_id, cursor, limit + 1).await?;
        let more = rows.len() > usize::try_from(limit).unwrap_or(usize::MAX);
        rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        let next_cursor = if more { rows.last().map(|r| r.id.clone()) } else { None };
        Ok(Page { items: rows.into_iter().map(view).collect(), next_cursor })
    }
}
