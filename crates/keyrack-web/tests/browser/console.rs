//! The console in real headless Chromium, as an administrator uses it: add a person, grant
//! access, send an invitation (which arrives over SMTP), block and unblock, and set role,
//! extra permissions and branches. Screenshots of each page, also at a phone's width.

use keyrack_app::mail::{MailSettings, spawn_worker};
use keyrack_testkit::TestApp;
use keyrack_testkit::browser::Browser;
use keyrack_testkit::smtp::SmtpServer;
use mail_parser::MessageParser;
use reqwest::{Method, StatusCode};
use serde_json::json;

use super::journey::{screenshots, see};

const PASSWORD: &str = "harbour lantern copper 1931 meadow";

#[tokio::test]
async fn an_administrator_adds_a_person_and_manages_their_access() {
    let smtp = SmtpServer::start().await.unwrap();
    let app = TestApp::spawn_reachable(|_| {}).await;
    let _worker = spawn_worker(app.app.clone(), MailSettings::new(&smtp.url(), "Keyrack <keyrack@example.test>").unwrap());
    let t = app.tenant("holiday-park").await;
    let (_, north) = app.post("/api/v1/tenants/holiday-park/branches", &t.write_key, json!({"name": "North"})).await;
    app.post("/api/v1/tenants/holiday-park/branches", &t.write_key, json!({"name": "South"})).await;
    let admin = app.active_person(&t, "admin@example.com", PASSWORD).await;
    let admin_id = admin["id"].as_str().unwrap();
    let (s, _) = app
        .call(
            Method::PUT,
            &format!("/api/v1/tenants/holiday-park/people/{admin_id}/role"),
            Some(&t.write_key),
            Some(json!({"role": "administrator"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);

    let browser = Browser::start("en").await;
    browser.goto(&format!("{}/t/holiday-park/login", app.base)).await;
    browser.fill("#username", "admin@example.com").await;
    browser.fill("#password", PASSWORD).await;
    browser.click("button.primary").await;
    see(&browser, "h1", |t| t == "People").await;
    browser.screenshot(&screenshots().join("console-people.png")).await;

    // Add a person.
    browser.click(".console-nav a[href$='/people/new']").await;
    see(&browser, "h1", |t| t == "Add person").await;
    browser.fill("#first_name", "Tommy").await;
    browser.fill("#last_name", "Peeters").await;
    browser.fill("#email", "tommy@example.com").await;
    browser.click("button.primary").await;
    see(&browser, ".flash", |t| t == "The person was added.").await;
    see(&browser, "h1", |t| t.starts_with("Tommy Peeters") && t.contains("No access")).await;
    let person_url = browser.current_url().await;
    let id = person_url.rsplit('/').next().unwrap().to_owned();

    // Grant access, then send the invitation: it arrives over SMTP.
    browser.click("button[value='grant']").await;
    see(&browser, ".flash", |t| t.starts_with("Access granted.")).await;
    see(&browser, "h1 .badge", |t| t == "Yes (no password)").await;
    browser.click("button[value='invite']").await;
    see(&browser, ".flash", |t| t == "The invitation was sent.").await;
    see(&browser, "h1 .badge", |t| t == "Yes (invited)").await;
    smtp.wait_for(1).await;
    let received = smtp.received();
    let mail = MessageParser::default().parse(received[0].data.as_bytes()).unwrap();
    assert_eq!(mail.to().unwrap().first().unwrap().address().unwrap(), "tommy@example.com");
    assert!(mail.body_text(0).unwrap().contains("/t/holiday-park/invite/"), "the mail carries the invitation link");
    browser.screenshot(&screenshots().join("console-person-invited.png")).await;

    // Block, through the confirmation step; then unblock: back to invited.
    browser.click("a.button.danger[href$='/access/block']").await;
    see(&browser, "h1", |t| t == "Block access").await;
    browser.screenshot(&screenshots().join("console-confirm-block.png")).await;
    browser.click("form.confirm button.danger").await;
    see(&browser, ".flash", |t| t == "Access blocked.").await;
    see(&browser, "h1 .badge", |t| t == "Yes (blocked)").await;
    browser.click("button[value='unblock']").await;
    see(&browser, ".flash", |t| t == "Access unblocked.").await;
    see(&browser, "h1 .badge", |t| t == "Yes (invited)").await;

    // Role, an extra permission and one branch, as plain checkboxes.
    browser.click("input[name='role'][value='manager']").await;
    browser.click("input[name='permission'][value='reports']").await;
    browser.click("input[name='scope'][value='some']").await;
    browser.click(&format!("input[name='branch'][value='{}']", north["id"].as_str().unwrap())).await;
    browser.click("#role-heading + form button.primary").await;
    see(&browser, ".flash", |t| t == "Role, permissions and branches saved.").await;
    let (_, p) = app.get(&format!("/api/v1/tenants/holiday-park/people/{id}"), &t.read_key).await;
    assert_eq!(p["access"]["role"], "manager");
    assert_eq!(p["access"]["permissions"], json!(["reports"]));
    assert_eq!(p["access"]["branches"], json!([north["id"]]));
    browser.screenshot(&screenshots().join("console-person.png")).await;

    // The list shows the state at a glance; at a phone's width too.
    browser.goto(&format!("{}/t/holiday-park/console?q=tommy", app.base)).await;
    see(&browser, "table.people .badge", |t| t == "Yes (invited)").await;
    browser.driver().set_window_rect(0, 0, 390, 844).await.unwrap();
    browser.goto(&format!("{}/t/holiday-park/console", app.base)).await;
    browser.screenshot(&screenshots().join("console-people-phone.png")).await;
    browser.goto(&person_url).await;
    browser.screenshot(&screenshots().join("console-person-phone.png")).await;
    browser.quit().await;
}
