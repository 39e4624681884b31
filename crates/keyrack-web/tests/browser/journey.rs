//! Invitation mail → set a password (first one that breaks the policy, each rule named in
//! Dutch) → signed in → change password → sign out → forgot password → reset mail → new
//! password → sign in.

use std::path::PathBuf;

use keyrack_app::mail::{MailSettings, spawn_worker};
use keyrack_core::types::Locale;
use keyrack_testkit::TestApp;
use keyrack_testkit::browser::Browser;
use keyrack_testkit::browser::thirtyfour::By;
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

/// Waits until the element's text satisfies `ok` (a click that navigates replaces the page
/// under the old elements, so reading right after it could see the page that is going away).
pub(crate) async fn see(browser: &Browser, css: &str, ok: impl Fn(&str) -> bool) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    let mut last = String::new();
    loop {
        if let Ok(element) = browser.driver().find(By::Css(css)).await
            && let Ok(text) = element.text().await
        {
            if ok(&text) {
                return text;
            }
            last = text;
        }
        assert!(std::time::Instant::now() < deadline, "`{css}` never showed the expected text; last seen: {last:?}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

pub(crate) fn screenshots() -> PathBuf {
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
    see(&browser, "h1", |t| t == "Kies uw wachtwoord").await;

    // A password that breaks the policy: every broken rule, in Dutch, linked from the summary.
    browser.fill("#password", "welkom12").await;
    browser.fill("#password_again", "welkom12").await;
    browser.click("button.primary").await;
    let summary = see(&browser, "#error-summary", |t| !t.is_empty()).await;
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
    see(&browser, "h1", |t| t == "Mijn account").await;
    see(&browser, ".flash", |t| t == nl("flash-password-set", &[])).await;
    browser.screenshot(&screenshots().join("account-nl.png")).await;

    // Change the password.
    browser.fill("#current_password", FIRST).await;
    browser.fill("#new_password", SECOND).await;
    browser.fill("#new_password_again", SECOND).await;
    browser.click("#password button.primary").await;
    see(&browser, ".flash", |t| t == nl("flash-password-changed", &[])).await;

    // Sign out.
    browser.click("form.logout button").await;
    see(&browser, "h1", |t| t == "Inloggen").await;
    see(&browser, ".flash", |t| t == nl("flash-signed-out", &[])).await;

    // Forgot the password: the same page whatever the address, and a reset mail.
    browser.click("a[href$='/forgot']").await;
    browser.fill("#address", "els@example.com").await;
    browser.click("button.primary").await;
    see(&browser, ".notice", |t| t.starts_with("Als er een account bij dit adres hoort")).await;
    smtp.wait_for(2).await;
    let reset = newest_link(&smtp, 2, "/reset/");
    browser.goto(&reset).await;
    see(&browser, "h1", |t| t == "Kies een nieuw wachtwoord").await;
    browser.fill("#password", THIRD).await;
    browser.fill("#password_again", THIRD).await;
    browser.click("button.primary").await;
    see(&browser, "h1", |t| t == "Mijn account").await;

    // Sign out and in again with the newest password; the old one no longer works.
    browser.click("form.logout button").await;
    browser.fill("#username", "ELS@example.com").await;
    browser.fill("#password", SECOND).await;
    browser.click("button.primary").await;
    see(&browser, "#error-summary a", |t| t == nl("login-failed", &[])).await;
    browser.fill("#username", "els@example.com").await;
    browser.fill("#password", THIRD).await;
    browser.click("button.primary").await;
    see(&browser, "h1", |t| t == "Mijn account").await;
    browser.screenshot(&screenshots().join("signed-in-again-nl.png")).await;
    browser.quit().await;

    // The used reset link is dead now, shown as the calm page.
    let again = Browser::start("nl").await;
    again.goto(&reset).await;
    see(&again, "h1", |t| t == "Deze link werkt niet meer").await;
    again.quit().await;
}
