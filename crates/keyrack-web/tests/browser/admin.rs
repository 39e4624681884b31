//! The console's admin pages in real headless Chromium: merging two people who share an
//! address through the wizard, and switching the password rules to the classic preset and
//! seeing them enforced on the next password.

use keyrack_core::types::Locale;
use keyrack_testkit::browser::Browser;
use keyrack_testkit::browser::thirtyfour::By;
use keyrack_testkit::{Tenant, TestApp};
use reqwest::Method;
use serde_json::json;

use super::journey::{screenshots, see};

const ADMIN_PASSWORD: &str = "lantern orchard velvet 42 tide";

fn en(key: &str) -> String {
    keyrack_i18n::t(Locale::En, key)
}

/// A tenant with an administrator, signed in in the browser.
async fn signed_in_admin(app: &TestApp) -> (Tenant, String, Browser) {
    let t = app.tenant("park").await;
    let admin = app.active_person(&t, "admin@example.com", ADMIN_PASSWORD).await;
    let admin_id = admin["id"].as_str().unwrap().to_owned();
    let (s, _) = app
        .call(
            Method::PUT,
            &format!("/api/v1/tenants/park/people/{admin_id}/role"),
            Some(&t.write_key),
            Some(json!({"role": "administrator"})),
        )
        .await;
    assert!(s.is_success());
    let browser = Browser::start("en").await;
    browser.goto(&format!("{}/t/park/login", app.base)).await;
    browser.fill("#username", "admin@example.com").await;
    browser.fill("#password", ADMIN_PASSWORD).await;
    browser.click("button.primary").await;
    see(&browser, "h1", |t| t == en("account-title") || !t.is_empty()).await;
    (t, admin_id, browser)
}

#[tokio::test]
async fn an_admin_merges_two_people_who_share_an_address() {
    let app = TestApp::spawn_reachable(|_| {}).await;
    let (t, _, browser) = signed_in_admin(&app).await;
    let els =
        app.person(&t, json!({"kind": "guest", "first_name": "Els", "last_name": "Janssen", "email": "els@example.com"})).await;
    let twin = app
        .person(&t, json!({"kind": "guest", "first_name": "E.", "last_name": "Janssen", "email": "Els@Example.com", "phones": ["+32 470 12 34 56"]}))
        .await;
    let (els_id, twin_id) = (els["id"].as_str().unwrap().to_owned(), twin["id"].as_str().unwrap().to_owned());
    assert!(app.action(&t, &twin_id, "grant", json!({"username": "els-j"})).await.0.is_success());

    browser.goto(&format!("{}/t/park/console/duplicates", app.base)).await;
    see(&browser, "h1", |h| h == en("admin-shared-title")).await;
    see(&browser, "section.group h2", |h| h.contains("els@example.com")).await;
    browser.screenshot(&screenshots().join("console-duplicates-en.png")).await;

    // Keep Els, with the twin's phone number and login.
    browser.goto(&format!("{}/t/park/console/duplicates/merge?keep={els_id}&other={twin_id}", app.base)).await;
    see(&browser, "h1", |h| h == en("admin-merge-title")).await;
    browser.click("input[name=phones][value=other]").await;
    browser.click("input[name=login][value=other]").await;
    // Without the confirmation nothing happens.
    browser.click("button.danger").await;
    see(&browser, "#error-summary", |s| s.contains(&keyrack_i18n::t(Locale::En, "field-confirm_required"))).await;
    assert_eq!(app.count("people").await, 3);
    browser.click("input[name=phones][value=other]").await;
    browser.click("input[name=login][value=other]").await;
    browser.click("#confirmed").await;
    browser.screenshot(&screenshots().join("console-merge-en.png")).await;
    browser.click("button.danger").await;
    see(&browser, ".flash", |f| f == en("flash-merged")).await;

    assert_eq!(app.count("people").await, 2);
    let (_, merged) = app.get(&format!("/api/v1/tenants/park/people/{els_id}"), &t.read_key).await;
    assert_eq!(merged["first_name"], "Els");
    assert_eq!(merged["phones"], json!(["+32 470 12 34 56"]));
    assert_eq!(merged["access"]["username"], "els-j");
    let (_, groups) = app.get("/api/v1/tenants/park/duplicates", &t.read_key).await;
    assert_eq!(groups["items"], json!([]));
    browser.quit().await;
}

#[tokio::test]
async fn switching_to_the_classic_password_rules_changes_what_a_new_password_needs() {
    let app = TestApp::spawn_reachable(|_| {}).await;
    let (_, _, browser) = signed_in_admin(&app).await;
    // Ten characters with every kind: too short for the recommended rules, right for classic.
    let classic_only = "Kx7#pLq2&v";

    browser.goto(&format!("{}/t/park/account", app.base)).await;
    browser.fill("#current_password", ADMIN_PASSWORD).await;
    browser.fill("#new_password", classic_only).await;
    browser.fill("#new_password_again", classic_only).await;
    browser.click("#password button.primary").await;
    let too_short = keyrack_i18n::t_args(Locale::En, "password-too_short", &[("min", 15.into())]);
    see(&browser, "#error-summary", |s| s.contains(&too_short)).await;

    browser.goto(&format!("{}/t/park/console/settings", app.base)).await;
    see(&browser, "h1", |h| h == en("admin-settings-title")).await;
    browser.click("input[name=preset][value=classic]").await;
    browser.click("form.settings button.primary").await;
    see(&browser, ".flash", |f| f == en("flash-settings-saved")).await;
    let min = browser.driver().find(By::Css("#settings\\.password\\.min_length")).await.unwrap().value().await.unwrap();
    assert_eq!(min.as_deref(), Some("8"));
    browser.screenshot(&screenshots().join("console-settings-en.png")).await;

    // Classic wants a capital letter: named; then the ten characters are accepted.
    browser.goto(&format!("{}/t/park/account", app.base)).await;
    browser.fill("#current_password", ADMIN_PASSWORD).await;
    browser.fill("#new_password", "kx7#plq2&vzz").await;
    browser.fill("#new_password_again", "kx7#plq2&vzz").await;
    browser.click("#password button.primary").await;
    see(&browser, "#error-summary", |s| s.contains(&en("password-needs_uppercase"))).await;
    browser.fill("#current_password", ADMIN_PASSWORD).await;
    browser.fill("#new_password", classic_only).await;
    browser.fill("#new_password_again", classic_only).await;
    browser.click("#password button.primary").await;
    see(&browser, ".flash", |f| f == en("flash-password-changed")).await;
    let (s, _) = app
        .call(
            Method::POST,
            "/api/v1/tenants/park/authenticate",
            None,
            Some(json!({"username": "admin@example.com", "password": classic_only})),
        )
        .await;
    assert!(s.is_success());
    browser.quit().await;
}
