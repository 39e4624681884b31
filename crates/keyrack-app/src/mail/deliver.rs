//! Delivery of the outbox over SMTP, after the action that queued a mail has committed.
//!
//! A round ([`deliver_due`]) takes the rows that are due, and for each one: claims it (one
//! conditional UPDATE, so that two Keyrack nodes never send one row twice), renders it, sends it,
//! then either marks it sent — replacing its links by "(sent)" so that no usable token stays in
//! the database — or records the failure and when to try again. Every failure is retried: a
//! temporary one (4xx, no answer) after 30 s, doubling up to an hour; a permanent one (5xx) every
//! hour, and logged as an error, because a refused invitation is something the operator must see
//! (`App::outbox` shows `attempts` and `last_error`), never something to drop.
//!
//! Delivery is at least once: a mail whose send timed out after the server had taken it is sent
//! again. That is the nature of SMTP; the claim only rules out two workers sending at once.

use std::future::Future;
use std::time::Duration;

use keyrack_store::records::OutboxRecord;
use keyrack_store::repo;
use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::task::JoinHandle;

use super::render::{RenderedMail, render};
use crate::{App, AppResult};

/// How many rows one round takes on; a full round is followed by another at once.
const BATCH: i64 = 20;
/// How long a claim holds a row. Longer than [`SEND_LIMIT`], so a claim never lapses while its
/// worker is still sending.
const CLAIM_MS: i64 = 60_000;
/// The most one message may take, from connecting to the server's answer after the data.
const SEND_LIMIT: Duration = Duration::from_secs(40);
/// lettre's limit for each SMTP command.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(20);
/// The first retry comes after this long; each further one after twice the previous delay.
const FIRST_RETRY_MS: i64 = 30_000;
/// No retry comes later than this, and a permanent refusal is retried at this pace.
const MAX_RETRY_MS: i64 = 3_600_000;
/// How often the worker looks for due mail.
const POLL: Duration = Duration::from_secs(1);

/// Where mail goes, and as whom.
#[derive(Clone)]
pub struct MailSettings {
    smtp_url: String,
    from: String,
}

#[derive(Debug, thiserror::Error)]
pub enum MailConfigError {
    #[error("smtp_url: {0}")]
    Url(String),
    #[error("smtp_from '{0}' is not an e-mail address (write `name@example.com` or `Name <name@example.com>`)")]
    From(String),
}

impl std::fmt::Debug for MailSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailSettings").field("smtp_url", &redacted(&self.smtp_url)).field("from", &self.from).finish()
    }
}

impl MailSettings {
    /// Checks `KEYRACK_SMTP_URL` and `KEYRACK_SMTP_FROM`:
    /// - `smtp://host:port`: plain SMTP, for a relay on the same machine or network, and tests;
    /// - `smtp://user:pass@host:port?tls=starttls` (or lettre's own `tls=required`): STARTTLS, required;
    /// - `smtps://user:pass@host:port`: TLS from the first byte (port 465 by default).
    ///
    /// A user and password are refused without TLS: they would cross the network readable by anyone
    /// on the way. `tls=opportunistic` counts as without TLS for that reason.
    pub fn new(smtp_url: &str, from: &str) -> Result<Self, MailConfigError> {
        let settings = Self { smtp_url: lettre_url(smtp_url)?, from: from.trim().to_owned() };
        settings.parsed_from()?;
        // Parsing only: building the transport starts its connection pool, which needs the runtime.
        settings.builder()?;
        Ok(settings)
    }

    fn parsed_from(&self) -> Result<Mailbox, MailConfigError> {
        self.from.parse().map_err(|_| MailConfigError::From(self.from.clone()))
    }

    fn builder(&self) -> Result<lettre::transport::smtp::AsyncSmtpTransportBuilder, MailConfigError> {
        AsyncSmtpTransport::<Tokio1Executor>::from_url(&self.smtp_url)
            .map_err(|e| MailConfigError::Url(format!("{}: {e}", redacted(&self.smtp_url))))
    }

    /// The SMTP client for these settings. It keeps a small pool of connections, run by a task
    /// on the tokio runtime, so call this inside the runtime.
    pub fn sender(&self) -> Result<SmtpSender, MailConfigError> {
        let transport = self.builder()?.timeout(Some(COMMAND_TIMEOUT)).build();
        Ok(SmtpSender { transport, from: self.parsed_from()? })
    }
}

/// The URL in the form lettre reads: `tls=starttls` is lettre's `tls=required`. Also refuses
/// credentials without TLS (see [`MailSettings::new`]).
fn lettre_url(raw: &str) -> Result<String, MailConfigError> {
    let url = raw.trim();
    let (scheme, rest) =
        url.split_once("://").ok_or_else(|| MailConfigError::Url("write smtp://host:port or smtps://host:port".into()))?;
    if scheme != "smtp" && scheme != "smtps" {
        return Err(MailConfigError::Url(format!("the scheme must be smtp or smtps, not '{scheme}'")));
    }
    let (authority, query) = match rest.split_once('?') {
        Some((a, q)) => (a, Some(q)),
        None => (rest, None),
    };
    let tls = query.and_then(|q| q.split('&').find_map(|pair| pair.strip_prefix("tls=")));
    let query = match tls {
        Some("starttls") => query.map(|q| q.replace("tls=starttls", "tls=required")),
        Some("required" | "opportunistic") | None => query.map(str::to_owned),
        Some(other) => {
            return Err(MailConfigError::Url(format!("tls={other} is not known; use tls=starttls, or smtps:// for TLS")));
        }
    };
    let encrypted = scheme == "smtps" || matches!(tls, Some("starttls" | "required"));
    let has_credentials = authority.split('/').next().is_some_and(|host_part| host_part.contains('@'));
    if has_credentials && !encrypted {
        return Err(MailConfigError::Url("a user and password need TLS: use smtps://…, or add ?tls=starttls to smtp://…".into()));
    }
    Ok(match query {
        Some(q) => format!("{scheme}://{authority}?{q}"),
        None => format!("{scheme}://{authority}"),
    })
}

/// `scheme://user:***@host…`, for logs and errors.
fn redacted(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let user = url[s + 3..at].split(':').next().unwrap_or_default();
            format!("{}://{user}:***@{}", &url[..s], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

/// Something that hands a finished message to the next mail server.
pub trait Sender: Send + Sync {
    /// The `From:` of every message.
    fn sender_address(&self) -> &Mailbox;
    fn send(&self, message: Message) -> impl Future<Output = Result<(), SendError>> + Send;
}

/// Why a message was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SendError {
    /// The server refused for good (a 5xx answer), as opposed to "not now".
    pub permanent: bool,
    pub message: String,
}

/// lettre's SMTP transport with the configured sender address.
#[derive(Clone)]
pub struct SmtpSender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for SmtpSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSender").field("from", &self.from).finish_non_exhaustive()
    }
}

impl Sender for SmtpSender {
    fn sender_address(&self) -> &Mailbox {
        &self.from
    }

    async fn send(&self, message: Message) -> Result<(), SendError> {
        match tokio::time::timeout(SEND_LIMIT, self.transport.send(message)).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(SendError { permanent: e.is_permanent(), message: e.to_string() }),
            Err(_) => Err(SendError { permanent: false, message: format!("no answer within {} s", SEND_LIMIT.as_secs()) }),
        }
    }
}

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    pub sent: usize,
    pub failed: usize,
    /// Rows another worker claimed first.
    pub skipped: usize,
}

impl DeliveryReport {
    fn rows(&self) -> usize {
        self.sent + self.failed + self.skipped
    }
}

/// Delivers the mail due at `now`, at most one batch. Claims, `sent_at` and retry times read
/// `app.now()` at the moment each row's turn comes, so a slow round never works on an expired
/// claim.
pub async fn deliver_due(app: &App, sender: &impl Sender, now: i64) -> AppResult<DeliveryReport> {
    let due = repo::outbox::due(&mut *app.store.read().await?, now, BATCH).await?;
    let mut report = DeliveryReport::default();
    for id in due {
        let claimed_at = app.now();
        if !repo::outbox::claim(&mut *app.store.read().await?, &id, claimed_at, claimed_at + CLAIM_MS).await? {
            report.skipped += 1;
            continue;
        }
        let Some(row) = repo::outbox::get(&mut *app.store.read().await?, &id).await? else {
            continue;
        };
        let outcome = match render(&row) {
            Ok(mail) => match message(sender.sender_address(), &row, &mail, app.now()) {
                Ok(m) => sender.send(m).await,
                Err(e) => Err(e),
            },
            // A row Keyrack cannot render will not get better by itself: say so at the slow pace.
            Err(e) => Err(SendError { permanent: true, message: e.to_string() }),
        };
        let done_at = app.now();
        let mut conn = app.store.read().await?;
        match outcome {
            Ok(()) => {
                repo::outbox::mark_sent(&mut conn, &id, done_at, &without_links(&row.payload)).await?;
                tracing::info!(outbox_id = %id, template = %row.template, attempts = row.attempts + 1, "mail sent");
                report.sent += 1;
            }
            Err(e) => {
                let next = done_at + retry_delay_ms(row.attempts, e.permanent);
                repo::outbox::mark_failed(&mut conn, &id, &e.message, next).await?;
                if e.permanent {
                    tracing::error!(outbox_id = %id, template = %row.template, attempts = row.attempts + 1, error = %e,
                        "mail refused; retrying every hour until the operator acts (see the outbox)");
                } else {
                    tracing::warn!(outbox_id = %id, template = %row.template, attempts = row.attempts + 1, error = %e,
                        retry_in_s = (next - done_at) / 1000, "mail not delivered yet");
                }
                report.failed += 1;
            }
        }
    }
    Ok(report)
}

/// The wait before the next attempt of a mail that has failed `failures_before` times already
/// (and now once more): 30 s, 1 min, 2 min, … up to an hour; an hour at once for a permanent refusal.
pub fn retry_delay_ms(failures_before: i64, permanent: bool) -> i64 {
    if permanent {
        return MAX_RETRY_MS;
    }
    // 30 s × 2^7 is past the hour already; larger shifts would only overflow.
    let doublings = u32::try_from(failures_before.clamp(0, 7)).unwrap_or(7);
    (FIRST_RETRY_MS << doublings).min(MAX_RETRY_MS)
}

/// The payload with every link replaced by "(sent)": names and usernames stay for the record, the
/// tokens go. A payload that is not JSON cannot hold a link anyone could still find, so it becomes `{}`.
pub(crate) fn without_links(payload: &str) -> String {
    let Ok(mut value) = serde_json::from_str::<serde_json::Value>(payload) else {
        return "{}".into();
    };
    blank(&mut value);
    value.to_string()
}

fn blank(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if key == "link" {
                    *v = serde_json::Value::String("(sent)".into());
                } else {
                    blank(v);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(blank),
        _ => {}
    }
}

/// RFC 3834: the message is automatic, so out-of-office replies should not answer it.
#[derive(Debug, Clone)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".into())
    }
}

/// The message for a rendered row: text and HTML as alternatives, dated by Keyrack's clock.
fn message(from: &Mailbox, row: &OutboxRecord, mail: &RenderedMail, now: i64) -> Result<Message, SendError> {
    // The address was checked when the person was saved; a row that still fails is refused for good.
    let address: Address = row
        .recipient
        .parse()
        .map_err(|e| SendError { permanent: true, message: format!("recipient is not an e-mail address: {e}") })?;
    let millis = u64::try_from(now).unwrap_or_default();
    Message::builder()
        .from(from.clone())
        .to(Mailbox::new(mail.recipient_name.clone(), address))
        .subject(mail.subject.as_str())
        .date(std::time::UNIX_EPOCH + Duration::from_millis(millis))
        .header(AutoSubmitted)
        .multipart(MultiPart::alternative_plain_html(mail.text.clone(), mail.html.clone()))
        .map_err(|e| SendError { permanent: true, message: format!("cannot build the message: {e}") })
}

/// Runs delivery rounds until the handle is aborted: one right away, then one a second after
/// each round that found less than a batch. A round that fails (the database is away) is
/// logged and the next one tries again.
pub fn spawn_worker(app: App, settings: MailSettings) -> JoinHandle<()> {
    tokio::spawn(async move {
        let sender = match settings.sender() {
            Ok(s) => s,
            Err(e) => {
                // `MailSettings::new` has parsed the same URL, so this is not expected to happen.
                tracing::error!(error = %e, "the mail worker cannot start; mail stays in the outbox");
                return;
            }
        };
        tracing::info!(settings = ?settings, "mail worker started");
        let mut tick = tokio::time::interval(POLL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let full = match deliver_due(&app, &sender, app.now()).await {
                Ok(report) => report.rows() >= usize::try_from(BATCH).unwrap_or(usize::MAX),
                Err(e) => {
                    tracing::warn!(error = %e, "mail round failed; trying again");
                    false
                }
            };
            if !full {
                tick.tick().await;
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls_of_the_three_kinds_are_accepted() {
        for url in [
            "smtp://127.0.0.1:2525",
            "smtp://user:secret@mail.example.com:587?tls=starttls",
            "smtps://user:secret@mail.example.com",
        ] {
            assert!(MailSettings::new(url, "Keyrack <keyrack@example.com>").is_ok(), "{url}");
        }
        assert_eq!(lettre_url("smtp://u:p@h:587?tls=starttls").unwrap(), "smtp://u:p@h:587?tls=required");
        assert_eq!(lettre_url(" smtp://h:25 ").unwrap(), "smtp://h:25");
    }

    #[test]
    fn credentials_without_tls_and_odd_urls_are_refused() {
        for url in [
            "smtp://user:secret@mail.example.com:25",
            "smtp://user:secret@mail.example.com:25?tls=opportunistic",
            "http://mail.example.com",
            "mail.example.com:25",
            "smtp://mail.example.com?tls=maybe",
        ] {
            let e = MailSettings::new(url, "keyrack@example.com").unwrap_err();
            assert!(matches!(e, MailConfigError::Url(_)), "{url}: {e}");
            assert!(!e.to_string().contains("secret"), "{e}");
        }
        assert!(matches!(MailSettings::new("smtp://h:25", "not an address"), Err(MailConfigError::From(_))));
    }

    #[test]
    fn settings_never_show_the_password() {
        let s = MailSettings::new("smtps://mailer:hunter2@mail.example.com:465", "keyrack@example.com").unwrap();
        let shown = format!("{s:?}");
        assert!(shown.contains("mailer:***@mail.example.com:465") && !shown.contains("hunter2"), "{shown}");
    }

    #[test]
    fn retries_double_from_thirty_seconds_up_to_an_hour() {
        let delays: Vec<i64> = (0..9).map(|n| retry_delay_ms(n, false) / 1000).collect();
        assert_eq!(delays, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(retry_delay_ms(i64::MAX, false), 3_600_000);
        assert_eq!(retry_delay_ms(0, true), 3_600_000, "a permanent refusal waits the longest");
    }

    #[test]
    fn sent_payloads_keep_names_and_lose_links() {
        let single = r#"{"link":"https://x/t/a/invite/TOKEN","person_name":"Els","username":"els"}"#;
        let blanked: serde_json::Value = serde_json::from_str(&without_links(single)).unwrap();
        assert_eq!(blanked, serde_json::json!({"link": "(sent)", "person_name": "Els", "username": "els"}));
        let shared =
            r#"{"accounts":[{"link":"https://x/1/TOKEN1","username":"a"},{"link":"https://x/2/TOKEN2","username":"b"}]}"#;
        let blanked = without_links(shared);
        assert!(!blanked.contains("TOKEN") && blanked.contains("\"username\":\"b\""), "{blanked}");
        assert_eq!(without_links("not json TOKEN"), "{}");
    }
}
