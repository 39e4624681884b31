//! First run over HTTP: the setup link's page creates the first tenant and its administrator,
//! once; wrong, used and replaced links get a calm page; concurrent uses make one tenant.

use keyrack_testkit::TestApp;
use reqwest::StatusCode;
use reqwest::header::LOCATION;

use crate::pages::Visitor;

const PASSWORD: &str = "lantern orchard velvet 42 tide";

fn path_of(link: &str) -> String {
    let at = link.find("/setup/").unwrap();
    link[at..].to_owned()
}

fn form<'a>(slug: &'a str, password: &'a str, again: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", "Camping De Linde"),
        ("slug", slug),
        ("language", "nl"),
        ("first_name", "Marieke"),
        ("last_name", "Hendriks"),
        ("email", "marieke@delinde.example"),
        ("username", ""),
        ("password", password),
        ("password_again", again),
    ]
}

#[tokio::test]
async fn the_setup_link_creates_the_first_tenant_and_administrator_once() {
    let app = TestApp::spawn().await;
    let link = app.app.issue_setup_link().await.unwrap().unwrap();
    assert!(link.starts_with("https://id.example.test/setup/"), "built from the public URL: {link}");
    let token = link.rsplit('/').next().unwrap();
    assert_eq!(token.len(), 43, "256 bits, URL-safe base64");
    let stored = app.strings("SELECT token_hash FROM setup_link").await;
    assert_eq!(stored.len(), 1);
    assert!(stored[0].len() == 64 && stored[0] != token, "only the hash is stored");
    let path = path_of(&link);

    // A wrong token: the calm 404 page, in the browser's language.
    let mut browser = Visitor::new(&app);
    browser.extra.push(("accept-language", "de-DE,de;q=0.9".into()));
    let wrong = browser.get("/setup/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);
    assert!(wrong.body.contains("Dieser Einrichtungslink funktioniert nicht"), "{}", wrong.body);

    let page = browser.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Keyrack einrichten") && page.body.contains("name=\"csrf\""), "{}", page.body);

    // Without the CSRF token nothing happens.
    let mut no_csrf = form("de-linde", PASSWORD, PASSWORD);
    no_csrf.push(("csrf", "forged"));
    let refused = browser.send(reqwest::Method::POST, &path, Some(&no_csrf)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // Every broken rule is named, in the reader's language, and nothing is created.
    let weak = browser.post(&path, &form("De Linde!", "marieke", "marieke2")).await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    for expected in ["id=\"slug-error\"", "id=\"password-error\"", "id=\"password_again-error\""] {
        assert!(weak.body.contains(expected), "{expected} in {}", weak.body);
    }
    let at = weak.body.find("id=\"password-error\"").unwrap();
    let password_errors = &weak.body[at..at + weak.body[at..].find("</ul>").unwrap()];
    assert!(password_errors.matches("<li>").count() >= 2, "each broken rule: {password_errors}");
    assert!(password_errors.contains("15"), "the minimum length is named: {password_errors}");
    assert!(!weak.body.contains("marieke2"), "passwords are never sent back");
    assert_eq!(app.count("tenants").await, 0);
    assert_eq!(app.count("audit_events").await, 0);

    let done = browser.post(&path, &form("de-linde", PASSWORD, PASSWORD)).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.headers[LOCATION], "/t/de-linde/console");
    assert!(browser.session("de-linde").is_some(), "the administrator is signed in");

    // The tenant, its administrator with an active login and the administrator role, and the
    // audit events of every step.
    let tenant = app.app.tenant_by_slug("de-linde").await.unwrap();
    assert_eq!(tenant.record.name, "Camping De Linde");
    assert_eq!(tenant.record.language.as_str(), "nl");
    assert_eq!(
        app.strings("SELECT state FROM logins WHERE username = 'marieke@delinde.example'").await,
        vec!["active".to_owned()]
    );
    assert_eq!(
        app.strings("SELECT r.name FROM logins l JOIN roles r ON r.id = l.role_id").await,
        vec!["administrator".to_owned()]
    );
    let mut actions = app.strings("SELECT action FROM audit_events ORDER BY action").await;
    actions.sort();
    assert_eq!(actions, ["access.grant", "access.set_password", "person.created", "setup.completed", "tenant.created"]);
    let account = browser.get("/t/de-linde/account").await;
    assert_eq!(account.status, StatusCode::OK, "the session works: {}", account.body);
    assert!(account.body.contains("Marieke"));

    // The link is spent: 410 "already set up"; no new link while a tenant exists.
    let mut other = Visitor::new(&app);
    let again = other.get(&path).await;
    assert_eq!(again.status, StatusCode::GONE);
    assert!(again.body.contains("Keyrack is already set up"), "{}", again.body);
    let _ = other.get(&path).await;
    let replay = other.post(&path, &form("second", PASSWORD, PASSWORD)).await;
    assert_eq!(replay.status, StatusCode::GONE);
    assert_eq!(app.count("tenants").await, 1);
    assert_eq!(app.app.issue_setup_link().await.unwrap(), None);
}

#[tokio::test]
async fn each_start_replaces_the_link_and_the_sign_in_password_works() {
    let app = TestApp::spawn().await;
    let old = app.app.issue_setup_link().await.unwrap().unwrap();
    let new = app.app.issue_setup_link().await.unwrap().unwrap();
    assert_ne!(old, new);
    assert_eq!(app.count("setup_link").await, 1, "only the newest link is kept");
    let mut browser = Visitor::new(&app);
    let stale = browser.get(&path_of(&old)).await;
    assert_eq!(stale.status, StatusCode::NOT_FOUND, "a replaced link no longer works");
    assert_eq!(browser.get(&path_of(&new)).await.status, StatusCode::OK);
    let done = browser.post(&path_of(&new), &form("de-linde", PASSWORD, PASSWORD)).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);

    // The administrator signs in later with the password chosen on the page.
    let mut later = Visitor::new(&app);
    let signed_in = later.login("de-linde", "marieke@delinde.example", PASSWORD).await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER, "{}", signed_in.body);
}

#[tokio::test]
async fn an_expired_link_is_refused() {
    let app = TestApp::spawn().await;
    let link = app.app.issue_setup_link().await.unwrap().unwrap();
    app.clock.advance_ms(keyrack_app::setup::SETUP_LINK_TTL_MS + 1);
    let mut browser = Visitor::new(&app);
    assert_eq!(browser.get(&path_of(&link)).await.status, StatusCode::NOT_FOUND);
    let _ = browser.get("/setup/x").await;
    let refused = browser.post(&path_of(&link), &form("de-linde", PASSWORD, PASSWORD)).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("tenants").await, 0);
}

#[tokio::test]
async fn two_concurrent_uses_make_exactly_one_tenant() {
    for round in 0..3 {
        let app = TestApp::spawn().await;
        let link = app.app.issue_setup_link().await.unwrap().unwrap();
        let path = path_of(&link);
        let mut a = Visitor::new(&app);
        let mut b = Visitor::new(&app);
        a.get(&path).await;
        b.get(&path).await;
        let (slug_a, slug_b) = (format!("park-a-{round}"), format!("park-b-{round}"));
        let (form_a, form_b) = (form(&slug_a, PASSWORD, PASSWORD), form(&slug_b, PASSWORD, PASSWORD));
        let (ra, rb) = tokio::join!(a.post(&path, &form_a), b.post(&path, &form_b));
        let mut statuses = [ra.status, rb.status];
        statuses.sort();
        assert_eq!(statuses, [StatusCode::SEE_OTHER, StatusCode::GONE], "round {round}");
        assert_eq!(app.count("tenants").await, 1, "round {round}");
        assert_eq!(app.count("people").await, 1, "round {round}");
    }
}
