//! The console's applications page (OpenID Connect clients) over HTTP: rights, CSRF, another
//! tenant's ids, redirect URIs refused line by line with nothing changed, the secret shown once
//! (no-store, never again on any page), edit, a new secret and delete with their audit events.

use keyrack_core::types::Locale;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::pages::{Answer, Visitor, location};
use keyrack_testkit::{Tenant, TestApp};

const PASSWORD: &str = "lantern orchard velvet 42 tide";

fn en(key: &str) -> String {
    keyrack_i18n::t(Locale::En, key)
}

async fn with_role(app: &TestApp, t: &Tenant, email: &str, role: &str) {
    let p = app.active_person(t, email, PASSWORD).await;
    let id = p["id"].as_str().unwrap();
    let path = format!("/api/v1/tenants/{}/people/{id}/role", t.slug);
    let (s, body) = app.call(Method::PUT, &path, Some(&t.write_key), Some(json!({"role": role}))).await;
    assert_eq!(s, StatusCode::OK, "{body}");
}

/// The secret in a page that shows one (`<code class="secret">…</code>`).
fn shown_secret(page: &Answer) -> Option<String> {
    let start = page.body.find("<code class=\"secret\">")? + "<code class=\"secret\">".len();
    let end = page.body[start..].find("</code>")?;
    Some(page.body[start..start + end].to_owned())
}

fn sha256_hex(secret: &str) -> String {
    keyrack_app::secrets::digest(secret)
}

async fn client_id_named(app: &TestApp, t: &Tenant, name: &str) -> String {
    let (_, list) = app.get(&format!("/api/v1/tenants/{}/clients", t.slug), &t.read_key).await;
    list.as_array().unwrap().iter().find(|c| c["name"] == name).unwrap()["client_id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_secret_is_shown_once_and_every_change_is_audited() {
    let app = TestApp::spawn().await;
    let t = app.tenant("park").await;
    with_role(&app, &t, "admin@example.com", "administrator").await;
    let mut admin = Visitor::new(&app);
    admin.login("park", "admin@example.com", PASSWORD).await;

    let page = admin.get("/t/park/console/clients").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains(&format!("{}/t/park</code>", app.app.config().base_url())), "the issuer is shown");
    assert!(page.body.contains("/t/park/.well-known/openid-configuration</code>"), "the discovery URL is shown");
    assert!(page.body.contains(&en("clients-none")));

    // Register: the answer is the page with the secret, not a redirect, and no cache keeps it.
    let events = app.count("audit_events").await;
    let fields = [
        ("name", "Portal"),
        ("redirect_uris", "https://portal.example.test/cb\r\n\r\nhttp://127.0.0.1:5000/cb"),
        ("kind", "confidential"),
    ];
    let answer = admin.post("/t/park/console/clients", &fields).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.headers["cache-control"], "no-store");
    assert!(answer.headers.get("set-cookie").is_none_or(|c| !c.to_str().unwrap().contains("flash")), "no flash cookie");
    let secret = shown_secret(&answer).expect("the secret on the page");
    assert!(answer.body.contains("class=\"generated\""), "the secret's warning");
    let id = client_id_named(&app, &t, "Portal").await;
    assert!(answer.body.contains(&id));
    assert_eq!(app.count(&format!("oidc_clients WHERE id = '{id}' AND secret_hash = '{}'", sha256_hex(&secret))).await, 1);
    assert_eq!(app.count(&format!("oidc_clients WHERE secret_hash LIKE '%{secret}%'")).await, 0, "only the hash is stored");
    assert_eq!(app.count("audit_events WHERE action = 'oidc_client.created'").await, 1);
    assert_eq!(app.count("audit_events").await, events + 1);
    let (_, list) = app.get("/api/v1/tenants/park/clients", &t.read_key).await;
    assert_eq!(list[0]["redirect_uris"], json!(["https://portal.example.test/cb", "http://127.0.0.1:5000/cb"]));
    assert_eq!(list[0]["public"], false);

    // Never again: not on the list, not on the client's page.
    for path in ["/t/park/console/clients".to_owned(), format!("/t/park/console/clients/{id}")] {
        let page = admin.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(!page.body.contains(&secret) && shown_secret(&page).is_none(), "{path} shows the secret");
        assert!(page.body.contains("Portal") && page.body.contains(&id), "{path}");
    }
    let list = admin.get("/t/park/console/clients").await;
    assert!(list.body.contains(&en("clients-kind-confidential")) && list.body.contains(&en("clients-last-used-unknown")));

    // Edit the name and the redirect URIs.
    let answer = admin
        .post(
            &format!("/t/park/console/clients/{id}"),
            &[("name", "Guest portal"), ("redirect_uris", "https://guests.example.test/cb")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(location(&answer), format!("/t/park/console/clients/{id}"));
    let page = admin.get(&format!("/t/park/console/clients/{id}")).await;
    assert!(page.body.contains(&en("flash-client-saved")) && page.body.contains("Guest portal"));
    let (_, client) = app.get("/api/v1/tenants/park/clients", &t.read_key).await;
    assert_eq!(client[0]["redirect_uris"], json!(["https://guests.example.test/cb"]));
    assert_eq!(app.count("audit_events WHERE action = 'oidc_client.updated'").await, 1);

    // A new secret, after a confirmation: shown once, and the old one's hash is gone.
    let confirm = admin.get(&format!("/t/park/console/clients/{id}/secret")).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains(&keyrack_i18n::t_args(
        Locale::En,
        "clients-secret-confirm",
        &[("name", "Guest portal".into())]
    )));
    let answer = admin.post(&format!("/t/park/console/clients/{id}/secret"), &[]).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.headers["cache-control"], "no-store");
    let second = shown_secret(&answer).expect("the new secret");
    assert_ne!(second, secret);
    assert_eq!(app.count(&format!("oidc_clients WHERE secret_hash = '{}'", sha256_hex(&second))).await, 1);
    assert_eq!(app.count(&format!("oidc_clients WHERE secret_hash = '{}'", sha256_hex(&secret))).await, 0);
    assert_eq!(app.count("audit_events WHERE action = 'oidc_client.secret_rotated'").await, 1);
    assert!(!admin.get(&format!("/t/park/console/clients/{id}")).await.body.contains(&second));

    // A public client gets no secret and offers no new one; asking anyway is refused.
    let fields = [("name", "App"), ("redirect_uris", "com.example.app:/callback"), ("kind", "public")];
    let answer = admin.post("/t/park/console/clients", &fields).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert!(shown_secret(&answer).is_none() && answer.body.contains(&en("clients-public-no-secret")));
    let public_id = client_id_named(&app, &t, "App").await;
    assert!(!admin.get(&format!("/t/park/console/clients/{public_id}")).await.body.contains("/secret\""));
    let answer = admin.post(&format!("/t/park/console/clients/{public_id}/secret"), &[]).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert!(admin.get(location(&answer)).await.body.contains(&en("refused-public_client")));
    assert_eq!(app.count("audit_events WHERE action = 'oidc_client.secret_rotated'").await, 1);

    // Delete, after a confirmation.
    let confirm = admin.get(&format!("/t/park/console/clients/{id}/delete")).await;
    assert!(confirm.body.contains(&keyrack_i18n::t_args(
        Locale::En,
        "clients-delete-confirm",
        &[("name", "Guest portal".into())]
    )));
    let answer = admin.post(&format!("/t/park/console/clients/{id}/delete"), &[]).await;
    assert_eq!((answer.status, location(&answer)), (StatusCode::SEE_OTHER, "/t/park/console/clients"));
    assert!(admin.get("/t/park/console/clients").await.body.contains(&en("flash-client-deleted")));
    assert_eq!(app.count("oidc_clients").await, 1);
    assert_eq!(app.count("audit_events WHERE action = 'oidc_client.deleted'").await, 1);
    assert_eq!(admin.get(&format!("/t/park/console/clients/{id}")).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn refused_redirect_uris_keep_the_form_name_each_line_and_change_nothing() {
    let app = TestApp::spawn().await;
    let t = app.tenant("park").await;
    with_role(&app, &t, "admin@example.com", "administrator").await;
    let mut admin = Visitor::new(&app);
    admin.login("park", "admin@example.com", PASSWORD).await;
    let events = app.count("audit_events").await;

    let uris = "https://ok.example.test/cb\n\nhttp://portal.example.test/cb\nhttps://ok.example.test/cb#top\ncom.example.app:/cb";
    let answer =
        admin.post("/t/park/console/clients", &[("name", "Portal"), ("redirect_uris", uris), ("kind", "confidential")]).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", answer.body);
    let line = |n: i64, rule: &str| {
        let error =
            keyrack_core::FieldError::new("redirect_uris", "invalid_uri", "").with_param("line", n).with_param("rule", rule);
        keyrack_i18n::field_error(Locale::En, &error)
    };
    for expected in [line(3, "http_not_loopback"), line(4, "fragment"), line(5, "scheme")] {
        assert!(expected.starts_with("Line "), "{expected}");
        assert!(answer.body.contains(&expected), "missing {expected:?} in {}", answer.body);
    }
    assert!(!answer.body.contains(&line(1, "scheme")), "line 1 is fine");
    assert!(
        answer.body.contains("value=\"Portal\"") && answer.body.contains("http://portal.example.test/cb\n"),
        "the form keeps what was typed"
    );
    assert!(answer.body.contains("href=\"#redirect_uris\""), "the summary links to the field");
    // No name and no URI at all: both named.
    let answer = admin.post("/t/park/console/clients", &[("name", " "), ("redirect_uris", "\n"), ("kind", "public")]).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.body.contains("href=\"#name\"") && answer.body.contains("href=\"#redirect_uris\""), "{}", answer.body);
    assert_eq!(app.count("oidc_clients").await, 0);

    // Editing with a bad line changes nothing either.
    let (_, created) = app
        .post(
            "/api/v1/tenants/park/clients",
            &t.write_key,
            json!({"name": "Portal", "redirect_uris": ["https://a.example.test/cb"]}),
        )
        .await;
    let id = created["client_id"].as_str().unwrap();
    let before = app.get("/api/v1/tenants/park/clients", &t.read_key).await.1;
    let events_before_edit = app.count("audit_events").await;
    let answer = admin
        .post(
            &format!("/t/park/console/clients/{id}"),
            &[("name", "Renamed"), ("redirect_uris", "https://b.example.test/cb\nnot a url")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.body.contains(&line(2, "not_absolute")), "{}", answer.body);
    assert!(answer.body.contains("value=\"Renamed\""));
    assert_eq!(app.get("/api/v1/tenants/park/clients", &t.read_key).await.1, before);
    assert_eq!(app.count("audit_events").await, events_before_edit);
    assert_eq!(events_before_edit, events + 1, "only the API's registration was audited");
}

#[tokio::test]
async fn csrf_rights_and_another_tenants_ids_are_enforced() {
    let app = TestApp::spawn().await;
    let t = app.tenant("park").await;
    let other = app.tenant("other").await;
    with_role(&app, &t, "admin@example.com", "administrator").await;
    let (s, _) = app
        .post(
            "/api/v1/tenants/park/roles",
            &t.write_key,
            json!({"name": "desk", "permissions": ["people.view", "people.manage"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    with_role(&app, &t, "desk@example.com", "desk").await;
    let body = json!({"name": "Portal", "redirect_uris": ["https://a.example.test/cb"]});
    let (_, own) = app.post("/api/v1/tenants/park/clients", &t.write_key, body.clone()).await;
    let (_, foreign) = app.post("/api/v1/tenants/other/clients", &other.write_key, body).await;
    let (own, foreign) = (own["client_id"].as_str().unwrap(), foreign["client_id"].as_str().unwrap());
    let snapshot = async || {
        (
            app.get("/api/v1/tenants/park/clients", &t.read_key).await.1,
            app.get("/api/v1/tenants/other/clients", &other.read_key).await.1,
            app.count("oidc_clients").await,
            app.count("audit_events").await,
        )
    };
    let mut desk = Visitor::new(&app);
    desk.login("park", "desk@example.com", PASSWORD).await;
    let mut admin = Visitor::new(&app);
    admin.login("park", "admin@example.com", PASSWORD).await;
    let before = snapshot().await;
    let posts = |id: &str| {
        vec![
            ("/t/park/console/clients".to_owned(), vec![("name", "Sneaky"), ("redirect_uris", "https://x.example.test/cb")]),
            (format!("/t/park/console/clients/{id}"), vec![("name", "Mine"), ("redirect_uris", "https://x.example.test/cb")]),
            (format!("/t/park/console/clients/{id}/secret"), vec![]),
            (format!("/t/park/console/clients/{id}/delete"), vec![]),
        ]
    };

    // Someone with people.view but not settings.manage: no menu entry, 403 pages, refused posts.
    assert!(!desk.get("/t/park/console").await.body.contains("/console/clients\""), "no menu entry");
    for page in ["clients".to_owned(), format!("clients/{own}"), format!("clients/{own}/secret"), format!("clients/{own}/delete")]
    {
        assert_eq!(desk.get(&format!("/t/park/console/{page}")).await.status, StatusCode::FORBIDDEN, "{page}");
    }
    for (path, fields) in posts(own) {
        let answer = desk.post(&path, &fields).await;
        assert!(answer.status == StatusCode::FORBIDDEN || answer.status == StatusCode::SEE_OTHER, "{path}: {}", answer.status);
        assert!(shown_secret(&answer).is_none());
    }
    assert_eq!(snapshot().await, before, "refused posts changed something");

    // The administrator: a post without the CSRF token, or from another site, is refused.
    assert!(admin.get("/t/park/console").await.body.contains("/console/clients\""), "the menu entry");
    for (path, fields) in posts(own) {
        let answer = admin.send(Method::POST, &path, Some(&fields)).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{path} without a token");
        let mut all = vec![("csrf", "forged")];
        all.extend_from_slice(&fields);
        assert_eq!(admin.send(Method::POST, &path, Some(&all)).await.status, StatusCode::FORBIDDEN, "{path} forged");
    }
    admin.extra.push(("sec-fetch-site", "cross-site".into()));
    for (path, fields) in posts(own) {
        assert_eq!(admin.post(&path, &fields).await.status, StatusCode::FORBIDDEN, "{path} cross-site");
    }
    admin.extra.clear();
    assert_eq!(snapshot().await, before, "refused posts changed something");

    // Another tenant's client: every page and post answers 404.
    for page in [format!("clients/{foreign}"), format!("clients/{foreign}/secret"), format!("clients/{foreign}/delete")] {
        assert_eq!(admin.get(&format!("/t/park/console/{page}")).await.status, StatusCode::NOT_FOUND, "{page}");
    }
    for (path, fields) in posts(foreign).into_iter().skip(1) {
        let answer = admin.post(&path, &fields).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}: {}", answer.body);
    }
    assert_eq!(snapshot().await, before, "another tenant's client changed");
}
