//! Invitation mail → set a password (first one that breaks the policy, each rule named in
//! Dutch) → signed in → change password → sign out → forgot password → reset mail → new
//! password → sign in.

use std::path::PathBuf;

use keyrack_app::mail::{MailSettings, spawn_worker};
use keyrack_core::types::Locale;
use keyrack_testkit::TestApp;
use keyrack_testkit::browser::Browser;
use keyrack_testkit::smtp::SmtpServer;
use mail_parser::MessageParser;
use serde_json::json;

const FIRST: &str = "tulpen molen fiets 1987 gracht";
const SECOND: &str = "kade stroopwafel regen 44 brug";
const THIRD: &str = "duinen zeewind kaas 2031 vuurtoren";

/// The link in the newest received mail's plain-text body.
fn newest_link(smtp: &SmtpServer, count: usize, path_part: &str) -> String {
    let received = smtp.received();
    assert_eq!(received.len(), count, "mails received");
    let mail = MessageParser::default().parse(received[count - 1].data.as_bytes()).unwrap();
    let text = mail.body_text(0).unwrap().into_owned();
    text.split_whitespace()
        .find(|w| w.contains(path_part))
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("no {path_part} link in\n{text}"))
}

fn screenshots() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn from_invitation_mail_to_a_new_password_after_forgetting_it() {
    let smtp = SmtpServer::start().await.unwrap();
    let app = TestApp::spawn_reachable(|_| {}).await;
    let _worker = spawn_worker(app.app.clone(), MailSettings::new(&smtp.url(), "Keyrack <keyrack@example.test>").unwrap());
    let t = app.tenant("de-zeven-heuvels").await;
    let p = app
        .person(
            &t,
            json!({"kind": "owner", "first_name": "Els", "last_name": "Janssen", "email": "els@example.com", "language": "nl"}),
        )
        .await;
    let id = p["id"].as_str().unwrap();
    app.action(&t, id, "grant", json!({})).await;
    let (status, _) = app.action(&t, id, "invite", json!({})).await;
    assert!(status.is_success());
    smtp.wait_for(1).await;
    let invitation = newest_link(&smtp, 1, "/invite/");
    assert!(invitation.starts_with(&app.base), "{invitation}");

    let browser = Browser::start("nl").await;
    browser.goto(&invitation).await;
    assert_eq!(browser.text("h1").await, "Kies uw wachtwoord");

    // A password that breaks the policy: every broken rule, in Dutch, linked from the summary.
    browser.fill("#password", "welkom12").await;
    browser.fill("#password_again", "welkom12").await;
    browser.click("button.primary").await;
    let summary = browser.text("#error-summary").await;
    let nl = |key: &str, args: &[(&str, keyrack_i18n::FluentValue<'_>)]| keyrack_i18n::t_args(Locale::Nl, key, args);
    assert!(summary.contains(&nl("page-errors-title", &[])), "{summary}");
    assert!(summary.contains(&nl("password-too_short", &[("min", 15.into())])), "{summary}");
    let too_guessable = nl("password-too_guessable", &[("score", 0.into()), ("min", 3.into())]);
    let first_words: String = too_guessable.split_whitespace().take(3).collect::<Vec<_>>().join(" ");
    assert!(summary.contains(&first_words), "{summary}\nexpected something like: {too_guessable}");
    browser.screenshot(&screenshots().join("set-password-refused-nl.png")).await;

    // A good one: signed in on the account page.
    browser.fill("#password", FIRST).await;
    browser.fill("#password_again", FIRST).await;
    browser.click("button.primary").await;
    assert_eq!(browser.text("h1").await, "Mijn account");
    assert_eq!(browser.text(".flash").await, nl("flash-password-set", &[]));
    browser.screenshot(&screenshots().join("account-nl.png")).await;

    // Change the password.
    browser.fill("#current_password", FIRST).await;
    browser.fill("#new_password", SECOND).await;
    browser.fill("#new_password_again", SECOND).await;
    browser.click("#password button.primary").await;
    assert_eq!(browser.text(".flash").await, nl("flash-password-changed", &[]));

    // Sign out.
    browser.click("form.logout button").await;
    assert_eq!(browser.text("h1").await, "Inloggen");
    assert_eq!(browser.text(".flash").await, nl("flash-signed-out", &[]));

    // Forgot the password: the same page whatever the address, and a reset mail.
    browser.click("a[href$='/forgot']").await;
    browser.fill("#address", "els@example.com").await;
    browser.click("button.primary").await;
    assert!(browser.text(".notice").await.starts_with("Als er een account bij dit adres hoort"));
    smtp.wait_for(2).await;
    let reset = newest_link(&smtp, 2, "/reset/");
    browser.goto(&reset).await;
    assert_eq!(browser.text("h1").await, "Kies een nieuw wachtwoord");
    browser.fill("#password", THIRD).await;
    browser.fill("#password_again", THIRD).await;
    browser.click("button.primary").await;
    assert_eq!(browser.text("h1").await, "Mijn account");

    // Sign out and in again with the newest password; the old one no longer works.
    browser.click("form.logout button").await;
    browser.fill("#username", "ELS@example.com").await;
    browser.fill("#password", SECOND).await;
    browser.click("button.primary").await;
    assert_eq!(browser.text("#error-summary a").await, nl("login-failed", &[]));
    browser.fill("#username", "els@example.com").await;
    browser.fill("#password", THIRD).await;
    browser.click("button.primary").await;
    assert_eq!(browser.text("h1").await, "Mijn account");
    browser.screenshot(&screenshots().join("signed-in-again-nl.png")).await;
    browser.quit().await;

    // The used reset link is dead now, shown as the calm page.
    let again = Browser::start("nl").await;
    again.goto(&reset).await;
    assert_eq!(again.text("h1").await, "Deze link werkt niet meer");
    again.quit().await;
}
