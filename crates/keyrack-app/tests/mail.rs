//! Mail delivered over real SMTP: the access actions queue it through the API, the delivery
//! code sends it with lettre to an SMTP server on a loopback port (the test kit's), and what
//! that server received is read back as a mail program would. Time is the test kit's clock.

#![expect(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use std::sync::Arc;

use keyrack_app::auth::AcceptLink;
use keyrack_app::mail::{DeliveryReport, MailSettings, OutboxView, SmtpSender, deliver_due, spawn_worker};
use keyrack_app::{Actor, App, AppConfig, AppError, Origin};
use keyrack_store::Store;
use keyrack_testkit::smtp::{Fault, Received, SmtpServer};
use keyrack_testkit::{Tenant, TestApp};
use mail_parser::{Message, MessageParser};
use serde_json::{Value, json};

const FROM: &str = "Keyrack <keyrack@example.test>";
const SECOND: i64 = 1_000;
const MINUTE: i64 = 60 * SECOND;
const HOUR: i64 = 60 * MINUTE;

struct World {
    app: TestApp,
    tenant: Tenant,
    smtp: SmtpServer,
    sender: SmtpSender,
}

async fn world() -> World {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("zeven-heuvels").await;
    let smtp = SmtpServer::start().await.unwrap();
    let sender = MailSettings::new(&smtp.url(), FROM).unwrap().sender().unwrap();
    World { app, tenant, smtp, sender }
}

impl World {
    /// A person with access, invited by e-mail through the API: one invitation in the outbox.
    async fn invited(&self, first: &str, email: &str, language: &str) -> String {
        let p = self
            .app
            .person(
                &self.tenant,
                json!({"kind": "guest", "first_name": first, "last_name": "Janssen", "email": email, "language": language}),
            )
            .await;
        let id = p["id"].as_str().unwrap().to_owned();
        assert_eq!(self.app.action(&self.tenant, &id, "grant", json!({})).await.0, 200);
        assert_eq!(self.app.action(&self.tenant, &id, "invite", json!({})).await.0, 200);
        id
    }

    async fn deliver(&self) -> DeliveryReport {
        deliver_due(&self.app.app, &self.sender, self.app.app.now()).await.unwrap()
    }

    async fn outbox(&self, pending_only: bool) -> Vec<OutboxView> {
        self.app.app.outbox(&Actor::Operator, &self.tenant.slug, pending_only).await.unwrap()
    }

    /// The one row of the outbox.
    async fn row(&self) -> OutboxView {
        let mut rows = self.outbox(false).await;
        assert_eq!(rows.len(), 1, "{rows:?}");
        rows.remove(0)
    }
}

fn parse(received: &Received) -> Message<'_> {
    MessageParser::default().parse(received.data.as_bytes()).unwrap()
}

/// The link on its own line in a plain-text body.
fn link_in(text: &str, prefix: &str) -> String {
    let line = text.lines().find(|l| l.starts_with(prefix));
    assert!(line.is_some(), "no {prefix}… in\n{text}");
    line.unwrap().to_owned()
}

fn sent(n: usize) -> DeliveryReport {
    DeliveryReport { sent: n, ..DeliveryReport::default() }
}

fn failed(n: usize) -> DeliveryReport {
    DeliveryReport { failed: n, ..DeliveryReport::default() }
}

#[tokio::test]
async fn an_invitation_arrives_in_the_persons_language_with_a_working_link() {
    let w = world().await;
    let person_id = w.invited("Els", "els@example.com", "nl").await;
    let queued = w.row().await;
    let queued_link = link_in(queued.text.as_deref().unwrap(), "https://");

    assert_eq!(w.deliver().await, sent(1));

    let received = w.smtp.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].from, "keyrack@example.test", "envelope sender");
    assert_eq!(received[0].to, vec!["els@example.com".to_owned()], "envelope recipient");
    let m = parse(&received[0]);
    assert_eq!(m.subject(), Some("Uw toegang tot Tenant zeven-heuvels"));
    let to = m.to().and_then(|a| a.first()).unwrap();
    assert_eq!((to.name(), to.address()), (Some("Els Janssen"), Some("els@example.com")));
    assert_eq!(m.from().and_then(|a| a.first()).and_then(|a| a.address()), Some("keyrack@example.test"));
    assert_eq!(m.date().map(|d| d.to_timestamp() * SECOND), Some(w.app.app.now()), "dated by Keyrack's clock");
    assert_eq!(m.header_raw("Auto-Submitted").map(str::trim), Some("auto-generated"));

    let text = m.body_text(0).unwrap();
    let html = m.body_html(0).unwrap();
    assert!(text.starts_with("Beste Els Janssen,"), "{text}");
    assert!(text.contains("Uw gebruikersnaam: els@example.com"), "{text}");
    assert!(text.contains("De link werkt één keer en is 7 dagen geldig."), "{text}");
    let link = link_in(&text, "https://");
    assert!(link.starts_with("https://id.example.test/t/zeven-heuvels/invite/"), "built from the public URL: {link}");
    assert_eq!(link, queued_link, "the mail carries the link the operator saw queued");
    assert!(html.contains("<html lang=\"nl\">"));
    assert!(html.contains(&format!("href=\"{link}\"")), "the button");
    assert!(html.contains(&format!(">{link}</a>")), "the link as plain text");
    assert!(html.contains("Wachtwoord kiezen"));

    // The link works: the person sets a password with it.
    let token = link.rsplit('/').next().unwrap().to_owned();
    let accepted = w
        .app
        .app
        .accept_link(
            &Origin::default(),
            "zeven-heuvels",
            AcceptLink { token: token.clone(), password: "correct-horse-battery-staple-42".into() },
        )
        .await
        .unwrap();
    assert_eq!((accepted.id.as_str(), accepted.access.state.as_str()), (person_id.as_str(), "active"));

    // Once sent, the token is gone from the database; the names stay.
    let payloads = w.app.strings("SELECT payload FROM outbox").await;
    assert_eq!(payloads.len(), 1);
    assert!(!payloads[0].contains(&token), "{}", payloads[0]);
    let payload: Value = serde_json::from_str(&payloads[0]).unwrap();
    assert_eq!((payload["link"].as_str(), payload["person_name"].as_str()), (Some("(sent)"), Some("Els Janssen")));
    let row = w.row().await;
    assert_eq!((row.attempts, row.sent_at.is_some(), row.next_attempt_at), (1, true, None));

    // Nothing is sent twice.
    w.app.clock.advance_ms(2 * HOUR);
    assert_eq!(w.deliver().await, DeliveryReport::default());
    assert_eq!(w.smtp.received().len(), 1);
}

#[tokio::test]
async fn without_smtp_the_operator_reads_pending_mail_and_tenants_cannot() {
    let w = world().await;
    w.invited("Els", "els@example.com", "de").await;

    let pending = w.outbox(true).await;
    assert_eq!(pending.len(), 1);
    let mail = &pending[0];
    assert_eq!(
        (mail.template.as_str(), mail.recipient.as_str(), mail.language.as_str()),
        ("invitation", "els@example.com", "de")
    );
    assert_eq!(mail.subject.as_deref(), Some("Ihr Zugang zu Tenant zeven-heuvels"));
    assert!(link_in(mail.text.as_deref().unwrap(), "https://").contains("/t/zeven-heuvels/invite/"));
    assert_eq!((mail.attempts, mail.sent_at.as_deref(), mail.render_error.as_deref()), (0, None, None));

    // A tenant's own API key must not read live links; another tenant's key does not even see it.
    let tenant_id = w.app.app.tenant(&Actor::System, "zeven-heuvels").await.unwrap().id().to_owned();
    let own = Actor::ApiKey { id: "k".into(), tenant_id, write: true };
    let refused = w.app.app.outbox(&own, "zeven-heuvels", true).await.unwrap_err();
    assert!(matches!(refused, AppError::Forbidden { code: "operator_only", .. }), "{refused:?}");
    let other = w.app.tenant("other-park").await;
    let other_id = w.app.app.tenant(&Actor::System, &other.slug).await.unwrap().id().to_owned();
    let foreign = Actor::ApiKey { id: "k".into(), tenant_id: other_id, write: true };
    assert!(matches!(w.app.app.outbox(&foreign, "zeven-heuvels", false).await, Err(AppError::NotFound)));

    // Delivered mail leaves the pending list and shows "(sent)" where the link was.
    assert_eq!(w.deliver().await, sent(1));
    assert!(w.outbox(true).await.is_empty());
    let all = w.outbox(false).await;
    assert!(all[0].text.as_deref().unwrap().contains("(sent)") && !all[0].text.as_deref().unwrap().contains("/invite/"));
}

#[tokio::test]
async fn while_the_server_is_down_the_mail_waits_and_retries_with_growing_delays() {
    let w = world().await;
    w.smtp.stop().await;
    w.invited("Els", "els@example.com", "en").await;
    let start = w.app.app.now();

    assert_eq!(w.deliver().await, failed(1));
    let row = w.row().await;
    assert_eq!((row.attempts, row.sent_at.as_deref()), (1, None));
    assert!(row.last_error.as_deref().is_some_and(|e| !e.is_empty()), "{row:?}");
    assert_eq!(row.next_attempt_at.as_deref(), Some(keyrack_app::clock::rfc3339(start + 30 * SECOND).as_str()));

    // Not due yet: no attempt at all.
    w.app.clock.advance_ms(30 * SECOND - 1);
    assert_eq!(w.deliver().await, DeliveryReport::default());
    assert_eq!(w.row().await.attempts, 1);

    // Due: the second failure doubles the wait.
    w.app.clock.advance_ms(1);
    assert_eq!(w.deliver().await, failed(1));
    let row = w.row().await;
    assert_eq!(row.attempts, 2);
    assert_eq!(row.next_attempt_at.as_deref(), Some(keyrack_app::clock::rfc3339(start + 90 * SECOND).as_str()));
    w.app.clock.advance_ms(59 * SECOND);
    assert_eq!(w.deliver().await, DeliveryReport::default());

    // Back up: the mail goes out on its next turn, once.
    w.smtp.restart().await.unwrap();
    w.app.clock.advance_ms(SECOND);
    assert_eq!(w.deliver().await, sent(1));
    let row = w.row().await;
    assert_eq!((row.attempts, row.sent_at.is_some()), (3, true));
    assert_eq!(w.smtp.received().len(), 1);
    assert_eq!(w.smtp.transactions(), 1, "no attempt reached the server while it was down");
}

#[tokio::test]
async fn temporary_then_permanent_refusals_then_a_healthy_server_deliver_exactly_once() {
    let w = world().await;
    // Long and unguessable, and without "anna": the policy refuses the e-mail's local part.
    let password = "staple-orbit-lantern-glacier-91";
    let person = w.app.active_person(&w.tenant, "anna@example.com", password).await;
    let person_id = person["id"].as_str().unwrap();
    let (status, _) = w.app.action(&w.tenant, person_id, "reset", json!({})).await;
    assert_eq!(status, 200);
    w.smtp.fail_next([Fault::Unavailable421, Fault::Deferred451, Fault::Rejected550]);

    // 421: temporary, retried after 30 s.
    assert_eq!(w.deliver().await, failed(1));
    let row = w.row().await;
    assert!(row.last_error.as_deref().unwrap().contains("421"), "{row:?}");
    w.app.clock.advance_ms(30 * SECOND);

    // 451: temporary, retried after 60 s.
    assert_eq!(w.deliver().await, failed(1));
    assert!(w.row().await.last_error.as_deref().unwrap().contains("451"));
    w.app.clock.advance_ms(60 * SECOND);

    // 550: permanent. Not dropped: retried hourly, and the operator sees why.
    assert_eq!(w.deliver().await, failed(1));
    let row = w.row().await;
    assert_eq!((row.attempts, row.sent_at.as_deref()), (3, None));
    assert!(row.last_error.as_deref().unwrap().contains("550"), "{row:?}");
    assert_eq!(w.outbox(true).await.len(), 1, "still pending for the operator");
    w.app.clock.advance_ms(HOUR - 1);
    assert_eq!(w.deliver().await, DeliveryReport::default());
    w.app.clock.advance_ms(1);

    // Healthy: delivered, once.
    assert_eq!(w.deliver().await, sent(1));
    w.app.clock.advance_ms(24 * HOUR);
    assert_eq!(w.deliver().await, DeliveryReport::default());
    let received = w.smtp.received();
    assert_eq!(received.len(), 1);
    assert_eq!(w.smtp.transactions(), 4);
    let m = parse(&received[0]);
    assert_eq!(m.subject(), Some("Choose a new password for Tenant zeven-heuvels"));
    let text = m.body_text(0).unwrap();
    assert!(text.contains("https://id.example.test/t/zeven-heuvels/reset/"), "{text}");
    assert!(text.contains("valid for one hour"), "{text}");
    // SPEC rule 3: the password the person had is in no part of the message.
    assert!(!received[0].data.contains(password));
}

/// H.35 in one run: six mails meet a server that is down, then one that refuses with 421, 451
/// and 550, then a healthy one. Every mail is delivered, none twice (lost 0, duplicates 0).
#[tokio::test]
async fn down_then_4xx_then_5xx_then_back_loses_no_mail_and_sends_none_twice() {
    let w = world().await;
    let recipients: Vec<String> = (0..6).map(|i| format!("guest{i}@example.com")).collect();
    for (i, email) in recipients.iter().enumerate() {
        w.invited(&format!("Guest{i}"), email, "en").await;
    }

    w.smtp.stop().await;
    assert_eq!(w.deliver().await, failed(6));
    w.smtp.restart().await.unwrap();
    w.smtp.fail_next([Fault::Unavailable421, Fault::Deferred451, Fault::Rejected550]);
    w.app.clock.advance_ms(30 * SECOND);
    let second = w.deliver().await;
    assert_eq!((second.sent, second.failed), (3, 3), "{second:?}");

    // The refused three come again on their own schedule (the 550 one after an hour).
    let mut rounds = 0;
    while !w.outbox(true).await.is_empty() {
        rounds += 1;
        assert!(rounds <= 10, "mail still pending: {:?}", w.outbox(true).await);
        w.app.clock.advance_ms(HOUR);
        w.deliver().await;
    }
    w.app.clock.advance_ms(24 * HOUR);
    assert_eq!(w.deliver().await, DeliveryReport::default());

    let mut delivered: Vec<String> = w.smtp.received().iter().flat_map(|r| r.to.clone()).collect();
    delivered.sort();
    let total = delivered.len();
    delivered.dedup();
    let (lost, duplicates) = (recipients.iter().filter(|r| !delivered.contains(r)).count(), total - delivered.len());
    eprintln!("SMTP down, 421, 451, 550, back: {} mails, lost {lost}, duplicates {duplicates}", recipients.len());
    assert_eq!((lost, duplicates), (0, 0));
    assert_eq!(w.smtp.transactions(), 6 + 3, "one transaction per refusal and per delivery, none while down");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_nodes_racing_over_one_outbox_send_each_mail_once() {
    let w = world().await;
    let people = 12;
    for i in 0..people {
        w.invited(&format!("Guest{i}"), &format!("guest{i}@example.com"), "en").await;
    }
    // A second Keyrack node: its own connection pool on the same database, its own SMTP client.
    let store = Store::connect(&w.app.db.url, 4).await.unwrap();
    let node2 = App::new(store, w.app.clock.clone(), AppConfig::default());
    let sender2 = MailSettings::new(&w.smtp.url(), FROM).unwrap().sender().unwrap();
    let node1 = Arc::new(w.app.app.clone());

    let now = node1.now();
    let (a, b) = tokio::join!(
        tokio::spawn({
            let (node, sender) = (node1.clone(), w.sender.clone());
            async move { deliver_due(&node, &sender, now).await.unwrap() }
        }),
        tokio::spawn({
            let sender = sender2.clone();
            async move { deliver_due(&node2, &sender, now).await.unwrap() }
        }),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.sent + b.sent, people, "{a:?} {b:?}");
    assert_eq!(a.failed + b.failed, 0);

    let received = w.smtp.received();
    let mut recipients: Vec<String> = received.iter().flat_map(|r| r.to.clone()).collect();
    recipients.sort();
    let mut expected: Vec<String> = (0..people).map(|i| format!("guest{i}@example.com")).collect();
    expected.sort();
    assert_eq!(recipients, expected, "each mail exactly once");
    assert_eq!(w.app.count("outbox WHERE sent_at IS NULL").await, 0);
}

#[tokio::test]
async fn the_worker_delivers_on_its_own() {
    let w = world().await;
    let worker = spawn_worker(w.app.app.clone(), MailSettings::new(&w.smtp.url(), FROM).unwrap());
    w.invited("Els", "els@example.com", "fr").await;
    let received = w.smtp.wait_for(1).await;
    worker.abort();
    assert_eq!(received.len(), 1);
    assert_eq!(parse(&received[0]).subject(), Some("Votre accès à Tenant zeven-heuvels"));
}
