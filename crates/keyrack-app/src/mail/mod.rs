//! E-mail. The access actions queue mail in the `outbox` table inside their own transaction
//! (SPEC rule 1); this module turns a row into a message in the recipient's language
//! ([`render`]) and delivers it over SMTP after commit ([`deliver_due`], [`spawn_worker`]).
//!
//! Without SMTP configured nothing is sent and nothing is lost: the operator reads the pending
//! mail, links included, through [`App::outbox`].

mod deliver;
mod render;

pub use deliver::{
    DeliveryReport, MailConfigError, MailSettings, SendError, Sender, SmtpSender, deliver_due, retry_delay_ms, spawn_worker,
};
pub use render::{RenderError, RenderedMail, render};

use keyrack_store::repo;
use serde::Serialize;
use utoipa::ToSchema;

use crate::clock::rfc3339;
use crate::{Actor, App, AppError, AppResult};

/// A mail in the outbox as the operator reads it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OutboxView {
    pub id: String,
    /// `invitation`, `reset` or `forgot_shared`.
    pub template: String,
    pub recipient: String,
    pub language: String,
    pub created_at: String,
    /// Delivery attempts so far.
    pub attempts: i64,
    /// When the worker tries next; absent once sent.
    pub next_attempt_at: Option<String>,
    pub sent_at: Option<String>,
    /// Why the last failed attempt failed, e.g. "permanent error (550): mailbox unavailable".
    /// Kept after a later success, as the history of a mail that needed retries.
    pub last_error: Option<String>,
    pub subject: Option<String>,
    /// The plain-text body. While the mail is unsent it holds the live link; once sent, the link
    /// reads "(sent)".
    pub text: Option<String>,
    /// Why the mail cannot be rendered, if it cannot.
    pub render_error: Option<String>,
}

impl App {
    /// How much mail of all tenants waits to be delivered (a count only, for monitoring).
    pub async fn outbox_pending(&self) -> AppResult<i64> {
        Ok(repo::outbox::pending_count(&mut *self.store.read().await?).await?)
    }

    /// The mail of a tenant, newest first; `pending_only` leaves out what was delivered.
    ///
    /// Only the operator (or Keyrack itself) reads it: pending mail holds live invitation and
    /// reset links, with which a tenant API key could take over any account of its tenant.
    pub async fn outbox(&self, actor: &Actor, slug: &str, pending_only: bool) -> AppResult<Vec<OutboxView>> {
        let tenant = self.tenant(actor, slug).await?;
        if !matches!(actor, Actor::Operator | Actor::System) {
            return Err(AppError::Forbidden {
                code: "operator_only",
                message: "only the operator reads the outbox: unsent mail contains live links".into(),
            });
        }
        let rows = repo::outbox::list(&mut *self.store.read().await?, tenant.id(), pending_only).await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let rendered = render(&row);
                OutboxView {
                    next_attempt_at: row.sent_at.is_none().then(|| rfc3339(row.next_attempt_at)),
                    sent_at: row.sent_at.map(rfc3339),
                    created_at: rfc3339(row.created_at),
                    subject: rendered.as_ref().ok().map(|m| m.subject.clone()),
                    text: rendered.as_ref().ok().map(|m| m.text.clone()),
                    render_error: rendered.err().map(|e| e.to_string()),
                    id: row.id,
                    template: row.template,
                    recipient: row.recipient,
                    language: row.language,
                    attempts: row.attempts,
                    last_error: row.last_error,
                }
            })
            .collect())
    }
}
