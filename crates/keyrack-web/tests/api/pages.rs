//! The self-service pages over HTTP, as a browser without JavaScript uses them: cookies,
//! CSRF, uniform failures, sessions ending when they must (SECURITY-TESTS A, C, D).

use std::collections::BTreeMap;

use keyrack_testkit::{Tenant, TestApp};
use reqwest::header::{COOKIE, HeaderMap, LOCATION, SET_COOKIE};
use reqwest::{Method, StatusCode};
use serde_json::json;

const GOOD: &str = "lantern orchard velvet 42 tide";

/// A cookie-keeping client that does not follow redirects, so each step can be checked.
pub(crate) struct Visitor<'a> {
    app: &'a TestApp,
    client: reqwest::Client,
    pub(crate) cookies: BTreeMap<String, String>,
    pub(crate) extra: Vec<(&'static str, String)>,
}

pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: String,
}

impl<'a> Visitor<'a> {
    pub(crate) fn new(app: &'a TestApp) -> Self {
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Self { app, client, cookies: BTreeMap::new(), extra: Vec::new() }
    }

    pub(crate) async fn send(&mut self, method: Method, path: &str, form: Option<&[(&str, &str)]>) -> Answer {
        self.send_body(method, path, form, None).await
    }

    /// Posts a body of this content type (a multipart upload), with the cookies.
    pub(crate) async fn post_body(&mut self, path: &str, content_type: &str, body: Vec<u8>) -> Answer {
        self.send_body(Method::POST, path, None, Some((content_type, body))).await
    }

    /// A GET that keeps the body as bytes (a downloaded spreadsheet); the status and bytes.
    pub(crate) async fn download(&mut self, path: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
        let header: Vec<String> = self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let res = self.client.get(format!("{}{path}", self.app.base)).header(COOKIE, header.join("; ")).send().await.unwrap();
        (res.status(), res.headers().clone(), res.bytes().await.unwrap().to_vec())
    }

    async fn send_body(
        &mut self,
        method: Method,
        path: &str,
        form: Option<&[(&str, &str)]>,
        body: Option<(&str, Vec<u8>)>,
    ) -> Answer {
        let mut req = self.client.request(method, format!("{}{path}", self.app.base));
        if let Some((content_type, bytes)) = body {
            req = req.header(reqwest::header::CONTENT_TYPE, content_type).body(bytes);
        }
        if !self.cookies.is_empty() {
            let header: Vec<String> = self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
            req = req.header(COOKIE, header.join("; "));
        }
        for (name, value) in &self.extra {
            req = req.header(*name, value);
        }
        if let Some(f) = form {
            req = req.form(f);
        }
        let res = req.send().await.unwrap();
        let headers = res.headers().clone();
        for set in headers.get_all(SET_COOKIE) {
            let set = set.to_str().unwrap();
            let (pair, attributes) = set.split_once(';').unwrap_or((set, ""));
            let (name, value) = pair.split_once('=').unwrap();
            if attributes.contains("Max-Age=0") || value.is_empty() {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        Answer { status: res.status(), headers, body: res.text().await.unwrap() }
    }

    pub(crate) async fn get(&mut self, path: &str) -> Answer {
        self.send(Method::GET, path, None).await
    }

    /// Posts a form with this browser's CSRF token.
    pub(crate) async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let csrf = self.csrf();
        let mut all: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.send(Method::POST, path, Some(&all)).await
    }

    pub(crate) fn csrf(&self) -> String {
        self.cookies.iter().find(|(k, _)| k.ends_with("keyrack_csrf")).map(|(_, v)| v.clone()).unwrap_or_default()
    }

    pub(crate) fn session(&self, slug: &str) -> Option<String> {
        self.cookies.iter().find(|(k, _)| k.ends_with(&format!("keyrack_{slug}"))).map(|(_, v)| v.clone())
    }

    pub(crate) async fn login(&mut self, slug: &str, username: &str, password: &str) -> Answer {
        self.get(&format!("/t/{slug}/login")).await;
        self.post(&format!("/t/{slug}/login"), &[("username", username), ("password", password)]).await
    }
}

pub(crate) fn location(a: &Answer) -> &str {
    a.headers.get(LOCATION).map_or("", |v| v.to_str().unwrap())
}

#[tokio::test]
async fn pages_speak_the_browsers_language_and_switch_on_request() {
    let app = TestApp::spawn().await;
    app.tenant("taal").await;
    let mut v = Visitor::new(&app);
    v.extra.push(("accept-language", "nl-BE,nl;q=0.9,en;q=0.5".into()));
    let page = v.get("/t/taal/login").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<html lang=\"nl\">") && page.body.contains("Wachtwoord vergeten?"), "{}", page.body);
    let page = v.get("/t/taal/login?lang=de").await;
    assert!(page.body.contains("Passwort vergessen?"));
    let page = v.get("/t/taal/forgot").await;
    assert!(page.body.contains("lang=\"de\""), "the choice sticks");
    assert_eq!(page.headers["referrer-policy"], "no-referrer");
    assert_eq!(v.get("/t/nope/login").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn login_failures_look_the_same_whatever_the_reason() {
    let app = TestApp::spawn().await;
    let t = app.tenant("uniform").await;
    app.active_person(&t, "active@example.com", GOOD).await;
    let blocked = app.active_person(&t, "blocked@example.com", GOOD).await;
    app.action(&t, blocked["id"].as_str().unwrap(), "block", json!({})).await;
    let granted = app.person(&t, json!({"kind": "staff", "first_name": "G", "email": "granted@example.com"})).await;
    app.action(&t, granted["id"].as_str().unwrap(), "grant", json!({})).await;

    let mut answers = Vec::new();
    for (user, pw) in [
        ("nobody@example.com", GOOD),
        ("active@example.com", "wrong password entirely"),
        ("blocked@example.com", GOOD),
        ("granted@example.com", GOOD),
    ] {
        let mut v = Visitor::new(&app);
        v.get("/t/uniform/login").await;
        let csrf = v.csrf();
        let a = v.post("/t/uniform/login", &[("username", "same-typed-name"), ("password", pw)]).await;
        let _ = user;
        // Every visitor has its own CSRF token in the page; compare with it taken out.
        answers.push((a.status, a.body.replace(&csrf, "CSRF")));
    }
    assert!(answers.iter().all(|a| a.0 == StatusCode::UNAUTHORIZED));
    assert!(answers.windows(2).all(|w| w[0] == w[1]));
    // And with the real usernames: the same again.
    let mut bodies = Vec::new();
    for (user, pw) in [
        ("nobody@example.com", GOOD),
        ("active@example.com", "wrong"),
        ("blocked@example.com", GOOD),
        ("granted@example.com", GOOD),
    ] {
        let mut v = Visitor::new(&app);
        let a = v.login("uniform", user, pw).await;
        bodies.push((a.status, a.body.replace(&v.csrf(), "CSRF").replace(user, "USER")));
    }
    assert!(bodies.windows(2).all(|w| w[0] == w[1]), "{bodies:?}");
}

#[tokio::test]
async fn forms_refuse_cross_site_posts() {
    let app = TestApp::spawn().await;
    let t = app.tenant("cross-site").await;
    app.active_person(&t, "c@example.com", GOOD).await;
    let mut v = Visitor::new(&app);
    v.get("/t/cross-site/login").await;
    let form = [("username", "c@example.com"), ("password", GOOD)];
    // No token.
    let a = v.send(Method::POST, "/t/cross-site/login", Some(&form)).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    // A token from another browser.
    let mut other = Visitor::new(&app);
    other.get("/t/cross-site/login").await;
    let foreign = other.csrf();
    let a = v.send(Method::POST, "/t/cross-site/login", Some(&[("csrf", foreign.as_str()), form[0], form[1]])).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    // The right token, but the browser says the post came from another site.
    v.extra = vec![("origin", "https://evil.test".into())];
    assert_eq!(v.post("/t/cross-site/login", &form).await.status, StatusCode::FORBIDDEN);
    v.extra = vec![("sec-fetch-site", "cross-site".into())];
    assert_eq!(v.post("/t/cross-site/login", &form).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("sessions").await, 0, "no refused post signed anyone in");
    v.extra.clear();
    let a = v.post("/t/cross-site/login", &form).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    assert_eq!(app.count("sessions").await, 1);
}

#[tokio::test]
async fn cookies_are_host_only_secure_and_renewed_at_sign_in() {
    let app = TestApp::spawn().await; // public URL is https://id.example.test
    let t = app.tenant("cookies").await;
    app.active_person(&t, "k@example.com", GOOD).await;
    let mut v = Visitor::new(&app);
    v.cookies.insert("__Host-keyrack_cookies".into(), "planted-by-an-attacker".into());
    let before_csrf = {
        v.get("/t/cookies/login").await;
        v.csrf()
    };
    let a = v.post("/t/cookies/login", &[("username", "K@example.com"), ("password", GOOD)]).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&a), "/t/cookies/account");
    let set: Vec<&str> = a.headers.get_all(SET_COOKIE).iter().map(|h| h.to_str().unwrap()).collect();
    let session = set.iter().find(|c| c.starts_with("__Host-keyrack_cookies=")).expect("a session cookie");
    for flag in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(session.contains(flag), "{flag} missing: {session}");
    }
    assert!(!session.to_lowercase().contains("domain="), "{session}");
    assert_ne!(v.session("cookies").unwrap(), "planted-by-an-attacker", "a new session id is issued");
    assert_ne!(v.csrf(), before_csrf, "the CSRF token is renewed at sign-in");
    let account = v.get("/t/cookies/account").await;
    assert_eq!(account.status, StatusCode::OK);
    assert!(account.body.contains("k@example.com"));
}

#[tokio::test]
async fn sessions_end_on_password_change_block_reset_and_timeouts() {
    let app = TestApp::spawn().await;
    let t = app.tenant("sessions").await;
    let p = app.active_person(&t, "s@example.com", GOOD).await;
    let id = p["id"].as_str().unwrap().to_owned();
    let mut browsers = Vec::new();
    for _ in 0..3 {
        let mut v = Visitor::new(&app);
        assert_eq!(v.login("sessions", "s@example.com", GOOD).await.status, StatusCode::SEE_OTHER);
        browsers.push(v);
    }
    // Changing the password from the first browser ends the other two.
    let new = "quartz meadow lantern 19 ferry";
    let a = browsers[0]
        .post("/t/sessions/account/password", &[("current_password", GOOD), ("new_password", new), ("new_password_again", new)])
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    assert_eq!(browsers[0].get("/t/sessions/account").await.status, StatusCode::OK);
    for b in &mut browsers[1..] {
        let a = b.get("/t/sessions/account").await;
        assert_eq!((a.status, location(&a)), (StatusCode::SEE_OTHER, "/t/sessions/login?next=%2Ft%2Fsessions%2Faccount"));
    }
    // Every broken rule of a bad new password is named, and nothing changes.
    let a = browsers[0]
        .post(
            "/t/sessions/account/password",
            &[("current_password", "nope"), ("new_password", "short"), ("new_password_again", "other")],
        )
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.body.contains("href=\"#current_password\"") && a.body.contains("href=\"#new_password\""), "{}", a.body);

    // Block: the very next request is signed out.
    app.action(&t, &id, "block", json!({})).await;
    let a = browsers[0].get("/t/sessions/account").await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    app.action(&t, &id, "unblock", json!({})).await;

    // Idle timeout: two hours without a request.
    let mut v = Visitor::new(&app);
    assert_eq!(v.login("sessions", "s@example.com", new).await.status, StatusCode::SEE_OTHER);
    app.clock.advance_ms(2 * 3_600_000 + 1_000);
    assert_eq!(v.get("/t/sessions/account").await.status, StatusCode::SEE_OTHER, "idle session ended");
    // Absolute lifetime: active all along, still ends after twelve hours.
    let mut v = Visitor::new(&app);
    assert_eq!(v.login("sessions", "s@example.com", new).await.status, StatusCode::SEE_OTHER);
    for _ in 0..13 {
        app.clock.advance_ms(3_600_000 - 1_000);
        v.get("/t/sessions/account").await;
    }
    assert_eq!(v.get("/t/sessions/account").await.status, StatusCode::SEE_OTHER, "absolute lifetime ended it");

    // Admin reset ends sessions too.
    let mut v = Visitor::new(&app);
    assert_eq!(v.login("sessions", "s@example.com", new).await.status, StatusCode::SEE_OTHER);
    app.action(&t, &id, "reset", json!({})).await;
    assert_eq!(v.get("/t/sessions/account").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn forgot_answers_alike_and_mails_one_list_for_a_shared_address() {
    let app = TestApp::spawn().await;
    let t = app.tenant("forgot").await;
    let active = app.active_person(&t, "solo@example.com", GOOD).await;
    let blocked = app.active_person(&t, "blocked@example.com", GOOD).await;
    app.action(&t, blocked["id"].as_str().unwrap(), "block", json!({})).await;
    app.person(&t, json!({"kind": "guest", "first_name": "No", "last_name": "Access", "email": "none@example.com"})).await;
    // Three people with access share one address.
    for (i, name) in ["Anna", "Bram", "Cor"].iter().enumerate() {
        let p = app.person(&t, json!({"kind": "owner", "first_name": name, "email": "family@example.com"})).await;
        app.action(&t, p["id"].as_str().unwrap(), "grant", json!({"username": format!("{}-{i}", name.to_lowercase())})).await;
    }
    let mut pages = Vec::new();
    for address in ["unknown@example.com", "none@example.com", "blocked@example.com", "solo@example.com", "family@example.com"] {
        let mut v = Visitor::new(&app);
        // The Host header is the attacker's; links must still use the public URL.
        v.extra = vec![("x-forwarded-host", "evil.test".into()), ("forwarded", "host=evil.test;proto=http".into())];
        v.get("/t/forgot/forgot").await;
        let csrf = v.csrf();
        let a = v.post("/t/forgot/forgot", &[("address", address)]).await;
        pages.push((a.status, a.body.replace(&csrf, "CSRF")));
    }
    assert!(pages.windows(2).all(|w| w[0] == w[1]), "forgot answers differ");
    assert_eq!(app.count("outbox WHERE recipient = 'solo@example.com' AND template = 'reset'").await, 1);
    assert_eq!(app.count("outbox WHERE recipient = 'family@example.com'").await, 1, "one mail for the shared address");
    let payload = app.strings("SELECT payload FROM outbox WHERE recipient = 'family@example.com'").await;
    let list: serde_json::Value = serde_json::from_str(&payload[0]).unwrap();
    assert_eq!(list["accounts"].as_array().unwrap().len(), 3, "{list}");
    assert_eq!(app.count("outbox WHERE recipient IN ('blocked@example.com', 'none@example.com')").await, 0);
    assert_eq!(app.count("audit_events WHERE action = 'access.forgot_refused'").await, 2, "blocked and none are audited");
    for p in app.strings("SELECT payload FROM outbox").await {
        assert!(!p.contains("evil.test") && p.contains("https://id.example.test/t/forgot/"), "{p}");
    }
    // The stranger's request changed nothing for the owner: the old password still works.
    let (_, me) = app.get(&format!("/api/v1/tenants/forgot/people/{}", active["id"].as_str().unwrap()), &t.read_key).await;
    assert_eq!(me["access"]["state"], "reset_requested");
    let mut v = Visitor::new(&app);
    assert_eq!(v.login("forgot", "solo@example.com", GOOD).await.status, StatusCode::SEE_OTHER);
    let (_, me) = app.get(&format!("/api/v1/tenants/forgot/people/{}", active["id"].as_str().unwrap()), &t.read_key).await;
    assert_eq!(me["access"]["state"], "active", "logging in while reset_requested returns to active");
    assert_eq!(app.count("links WHERE purpose = 'reset' AND used_at IS NULL").await, 0, "and revokes the reset link");
}

#[tokio::test]
async fn link_pages_are_calm_when_the_link_is_dead_and_sign_in_when_used() {
    let app = TestApp::spawn().await;
    let t = app.tenant("links").await;
    let p = app.person(&t, json!({"kind": "staff", "first_name": "Lia", "email": "lia@example.com", "language": "nl"})).await;
    let id = p["id"].as_str().unwrap();
    app.action(&t, id, "grant", json!({})).await;
    let (_, invited) = app.action(&t, id, "invite", json!({"send_email": false})).await;
    let path = invited["link"].as_str().unwrap().trim_start_matches("https://id.example.test").to_owned();

    let mut stranger = Visitor::new(&app);
    let dead = stranger.get("/t/links/invite/not-a-real-token").await;
    assert_eq!(dead.status, StatusCode::GONE);
    assert_eq!(dead.headers["referrer-policy"], "no-referrer");

    let mut v = Visitor::new(&app);
    v.extra.push(("accept-language", "nl".into()));
    let form = v.get(&path).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Kies uw wachtwoord"), "{}", form.body);
    let bad = v.post(&path, &[("password", "lia2026"), ("password_again", "lia2026")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("error-summary"));
    let ok = v.post(&path, &[("password", GOOD), ("password_again", GOOD)]).await;
    assert_eq!((ok.status, location(&ok)), (StatusCode::SEE_OTHER, "/t/links/account"));
    assert_eq!(v.get("/t/links/account").await.status, StatusCode::OK);
    let again = Visitor::new(&app).get(&path).await;
    assert_eq!(again.status, StatusCode::GONE, "a used link shows the same calm page");
    assert!(again.body.contains("This link can no longer be used") && dead.body.contains("This link can no longer be used"));
}

#[tokio::test]
async fn parallel_wrong_passwords_each_count_and_the_owner_still_gets_in() {
    let app = TestApp::spawn().await;
    let t = app.tenant("brute").await;
    let p = app.active_person(&t, "target@example.com", GOOD).await;
    let id = p["id"].as_str().unwrap().to_owned();
    let attempts = (0..64).map(|_| {
        app.call(
            Method::POST,
            "/api/v1/tenants/brute/authenticate",
            None,
            Some(json!({"username": "target@example.com", "password": "guess"})),
        )
    });
    let answers = futures::future::join_all(attempts).await;
    assert!(answers.iter().all(|(s, b)| *s == StatusCode::UNAUTHORIZED && b["code"] == "invalid_credentials"));
    let counted = app.strings(&format!("SELECT CAST(failed_logins AS TEXT) FROM logins WHERE person_id = '{id}'")).await;
    let counted: i64 = counted[0].parse().unwrap();
    // Attempts made while the account is locked are not evaluated and not counted; the ones
    // that were evaluated each counted exactly once.
    assert!((5..=64).contains(&counted), "{counted}");
    // Locked now: even the right password is refused, with the same answer.
    let (s, _) = app
        .call(
            Method::POST,
            "/api/v1/tenants/brute/authenticate",
            None,
            Some(json!({"username": "target@example.com", "password": GOOD})),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (_, d) = app.get(&format!("/api/v1/tenants/brute/people/{id}/diagnosis"), &t.read_key).await;
    assert!(d["reasons"].as_array().unwrap().iter().any(|r| r["code"] == "locked"), "{d}");
    // The lock is never permanent: later the owner gets in again.
    app.clock.advance_ms(16 * 60_000);
    let (s, _) = app
        .call(
            Method::POST,
            "/api/v1/tenants/brute/authenticate",
            None,
            Some(json!({"username": "target@example.com", "password": GOOD})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn self_registration_is_off_by_default_and_refuses_blocked_addresses() {
    let app = TestApp::spawn().await;
    let t: Tenant = app.tenant("reg").await;
    assert_eq!(Visitor::new(&app).get("/t/reg/register").await.status, StatusCode::NOT_FOUND);
    let (s, _) = app
        .call(
            Method::PATCH,
            "/api/v1/tenants/reg",
            Some(&t.write_key),
            Some(json!({"settings": {"self_registration": {"guest": true}}})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let blocked = app.active_person(&t, "banned@example.com", GOOD).await;
    app.action(&t, blocked["id"].as_str().unwrap(), "block", json!({})).await;
    let mut answers = Vec::new();
    for email in ["new@example.com", "banned@example.com"] {
        let mut v = Visitor::new(&app);
        v.get("/t/reg/register").await;
        let csrf = v.csrf();
        let a = v
            .post("/t/reg/register", &[("kind", "guest"), ("first_name", "Reg"), ("last_name", "Ister"), ("email", email)])
            .await;
        answers.push((a.status, a.body.replace(&csrf, "CSRF")));
    }
    assert_eq!(answers[0], answers[1], "the same answer for a new and a blocked address");
    assert_eq!(app.count("outbox WHERE recipient = 'new@example.com' AND template = 'invitation'").await, 1);
    assert_eq!(app.count("outbox WHERE recipient = 'banned@example.com'").await, 0);
    assert_eq!(app.count("people WHERE email = 'banned@example.com'").await, 1, "no second person for a blocked address");
    assert_eq!(app.count("audit_events WHERE action = 'register.refused_blocked'").await, 1);
}

#[tokio::test]
async fn spraying_from_one_address_is_throttled_whatever_x_forwarded_for_says() {
    let app = TestApp::spawn().await;
    let t = app.tenant("spray").await;
    app.active_person(&t, "real@example.com", GOOD).await;
    for i in 0..21 {
        let res = app
            .client
            .post(format!("{}/api/v1/tenants/spray/authenticate", app.base))
            .header("x-forwarded-for", format!("198.51.100.{i}"))
            .json(&json!({"username": format!("user{i}@example.com"), "password": "Summer2026!"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let counted = app.strings("SELECT address FROM address_failures").await;
    assert_eq!(counted, vec!["127.0.0.1".to_owned()], "failures are counted against the real peer, not the spoofed header");
    let login = || {
        app.call(
            Method::POST,
            "/api/v1/tenants/spray/authenticate",
            None,
            Some(json!({"username": "real@example.com", "password": GOOD})),
        )
    };
    assert_eq!(login().await.0, StatusCode::UNAUTHORIZED, "the address is throttled after 20 failures");
    app.clock.advance_ms(2_000);
    assert_eq!(login().await.0, StatusCode::OK, "and the delay is short at first, never permanent");
}
