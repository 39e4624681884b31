//! The guest lifecycle of the Tommy article, step by step, with one audit event per step and
//! nothing changed by a refused step.

use keyrack_testkit::{Tenant, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn audit_count(app: &TestApp, t: &Tenant, id: &str) -> usize {
    let (s, page) = app.get(&format!("/api/v1/tenants/{}/people/{id}/audit", t.slug), &t.read_key).await;
    assert_eq!(s, StatusCode::OK);
    page["items"].as_array().unwrap().len()
}

async fn authenticate(app: &TestApp, t: &Tenant, username: &str, password: &str) -> (StatusCode, Value) {
    app.call(
        Method::POST,
        &format!("/api/v1/tenants/{}/authenticate", t.slug),
        None,
        Some(json!({"username": username, "password": password})),
    )
    .await
}

/// Runs an action that must be refused, and checks that nothing at all changed.
async fn refused(app: &TestApp, t: &Tenant, id: &str, action: &str, code: &str, state: &str) {
    let before = app.get(&format!("/api/v1/tenants/{}/people/{id}", t.slug), &t.read_key).await.1;
    let events = audit_count(app, t, id).await;
    let outbox = app.count("outbox").await;
    let (s, problem) = app.action(t, id, action, json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{action}: {problem}");
    assert_eq!(problem["code"], code, "{problem}");
    assert_eq!(problem["state"], state, "the refusal names the current state");
    let after = app.get(&format!("/api/v1/tenants/{}/people/{id}", t.slug), &t.read_key).await.1;
    assert_eq!(before, after, "a refused {action} changed the person");
    assert_eq!(audit_count(app, t, id).await, events, "a refused {action} wrote an audit event");
    assert_eq!(app.count("outbox").await, outbox, "a refused {action} queued mail");
}

#[tokio::test]
async fn tommy_guest_lifecycle() {
    let app = TestApp::spawn().await;
    let t = app.tenant("zeven-heuvels").await;
    let email = "Guest.Janssen@Example.com";

    // Create a person: no access yet.
    let p = app.person(&t, json!({"kind": "guest", "first_name": "Els", "last_name": "Janssen", "email": email})).await;
    let id = p["id"].as_str().unwrap().to_owned();
    assert_eq!(p["access"]["state"], "none");
    assert_eq!(p["access"]["label"], "No access");
    assert_eq!(audit_count(&app, &t, &id).await, 1);
    refused(&app, &t, &id, "invite", "access_not_granted", "none").await;
    refused(&app, &t, &id, "block", "access_not_granted", "none").await;

    // Grant: the username is the e-mail.
    let (s, p) = app.action(&t, &id, "grant", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["access"]["state"], "granted");
    assert_eq!(p["access"]["username"], "Guest.Janssen@example.com");
    assert_eq!(audit_count(&app, &t, &id).await, 2);
    refused(&app, &t, &id, "grant", "invalid_transition", "granted").await;
    refused(&app, &t, &id, "reset", "invalid_transition", "granted").await;

    // Invite without e-mail: the link comes back, built from the public URL.
    let (s, p) = app.action(&t, &id, "invite", json!({"send_email": false})).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["access"]["state"], "invited");
    let link = p["link"].as_str().unwrap();
    assert!(link.starts_with("https://id.example.test/t/zeven-heuvels/invite/"), "{link}");
    assert_eq!(app.count("outbox").await, 0, "send_email=false queues no mail");
    assert_eq!(audit_count(&app, &t, &id).await, 3);
    let token = link.rsplit('/').next().unwrap();

    // Accept the link with a good password: active.
    let password = "correct horse battery staple";
    let (s, p) = app
        .call(
            Method::POST,
            "/api/v1/tenants/zeven-heuvels/links/accept",
            None,
            Some(json!({"token": token, "password": password})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["access"]["state"], "active");
    assert_eq!(audit_count(&app, &t, &id).await, 4);

    // Authenticate succeeds, with any case of the username.
    let (s, p) = authenticate(&app, &t, "guest.janssen@EXAMPLE.com", password).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["id"], id.as_str());
    assert!(p["access"]["last_login_at"].is_string());
    assert_eq!(audit_count(&app, &t, &id).await, 5);

    // Block: authenticate answers invalid_credentials, the diagnosis says blocked.
    let (s, p) = app.action(&t, &id, "block", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["access"]["state"], "blocked");
    assert_eq!(audit_count(&app, &t, &id).await, 6);
    let (s, problem) = authenticate(&app, &t, email, password).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(problem["code"], "invalid_credentials");
    let (_, d) = app.get(&format!("/api/v1/tenants/{}/people/{id}/diagnosis", t.slug), &t.read_key).await;
    assert_eq!(d["can_log_in"], false);
    assert!(d["reasons"].as_array().unwrap().iter().any(|r| r["code"] == "blocked"), "{d}");
    refused(&app, &t, &id, "invite", "person_blocked", "blocked").await;
    refused(&app, &t, &id, "reset", "person_blocked", "blocked").await;

    // Grant again: back to active, the old password works again.
    let (s, p) = app.action(&t, &id, "grant", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["access"]["state"], "active");
    assert_eq!(audit_count(&app, &t, &id).await, 7);
    assert_eq!(authenticate(&app, &t, email, password).await.0, StatusCode::OK);
    assert_eq!(audit_count(&app, &t, &id).await, 8);

    // Admin reset: reset_pending, the old password is refused, a reset mail is queued.
    let (s, p) = app.action(&t, &id, "reset", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["access"]["state"], "reset_pending");
    assert_eq!(audit_count(&app, &t, &id).await, 9);
    assert_eq!(authenticate(&app, &t, email, password).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(app.count("outbox WHERE template = 'reset'").await, 1);
    assert_eq!(app.count("links WHERE purpose = 'reset' AND used_at IS NULL").await, 1);

    // Remove: none, and the username is free for someone else.
    let (s, p) = app.action(&t, &id, "remove", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["access"]["state"], "none");
    assert!(p["access"]["username"].is_null());
    assert_eq!(audit_count(&app, &t, &id).await, 10);
    assert_eq!(app.count("links").await, 0, "remove deletes the person's links");
    let other = app.person(&t, json!({"kind": "guest", "first_name": "Other", "email": "someone.else@example.com"})).await;
    let (s, p) = app.action(&t, other["id"].as_str().unwrap(), "grant", json!({"username": "guest.janssen@example.com"})).await;
    assert_eq!(s, StatusCode::OK, "the removed username is free again: {p}");
}

#[tokio::test]
async fn grant_refuses_a_taken_username_and_a_module_that_is_off() {
    let app = TestApp::spawn().await;
    let t = app.tenant("salon").await;
    let a = app.person(&t, json!({"kind": "staff", "first_name": "A", "email": "same@example.com"})).await;
    let b = app.person(&t, json!({"kind": "staff", "first_name": "B", "email": "SAME@example.com"})).await;
    assert_eq!(app.action(&t, a["id"].as_str().unwrap(), "grant", json!({})).await.0, StatusCode::OK);
    let (s, problem) = app.action(&t, b["id"].as_str().unwrap(), "grant", json!({})).await;
    assert_eq!((s, problem["code"].as_str()), (StatusCode::CONFLICT, Some("username_taken")), "{problem}");
    let (_, b_after) = app.get(&format!("/api/v1/tenants/salon/people/{}", b["id"].as_str().unwrap()), &t.read_key).await;
    assert_eq!(b_after["access"]["state"], "none");
    assert!(b_after["access"]["flags"].as_array().unwrap().contains(&json!("email_shared")), "{b_after}");

    // Switch the guests module off: a guest cannot get access.
    let (s, body) = app
        .call(
            Method::PATCH,
            "/api/v1/tenants/salon",
            Some(&t.write_key),
            Some(json!({"settings": {"modules": ["staff", "owners"]}})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let g = app.person(&t, json!({"kind": "guest", "first_name": "G", "email": "g@example.com"})).await;
    let (s, problem) = app.action(&t, g["id"].as_str().unwrap(), "grant", json!({})).await;
    assert_eq!((s, problem["code"].as_str()), (StatusCode::CONFLICT, Some("module_off")), "{problem}");
}

#[tokio::test]
async fn admin_sets_or_generates_a_password_that_must_be_changed() {
    let app = TestApp::spawn().await;
    let t = app.tenant("park").await;
    let p =
        app.person(&t, json!({"kind": "staff", "first_name": "Piet", "last_name": "Bakker", "email": "piet@example.com"})).await;
    let id = p["id"].as_str().unwrap();
    app.action(&t, id, "grant", json!({})).await;

    // Every broken rule is named.
    let (s, problem) = app.action(&t, id, "password", json!({"password": "piet"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let codes: Vec<&str> = problem["errors"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"too_short") && codes.contains(&"contains_email"), "{problem}");
    assert_eq!(app.get(&format!("/api/v1/tenants/park/people/{id}"), &t.read_key).await.1["access"]["state"], "granted");

    let (s, p) = app.action(&t, id, "password", json!({"generate": true})).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    let generated = p["password"].as_str().unwrap().to_owned();
    assert_eq!(p["access"]["state"], "active");
    assert_eq!(p["access"]["must_change_password"], true);
    let (s, _) = app
        .call(
            Method::POST,
            "/api/v1/tenants/park/authenticate",
            None,
            Some(json!({"username": "piet@example.com", "password": generated})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    // The generated password appears in no audit row and no outbox row.
    assert_eq!(
        app.count(&format!("audit_events WHERE after_json LIKE '%{generated}%' OR before_json LIKE '%{generated}%'")).await,
        0
    );
    // Only argon2id hashes at OWASP parameters or stronger are stored.
    let hashes = app.strings("SELECT password_hash FROM logins WHERE password_hash IS NOT NULL").await;
    assert!(!hashes.is_empty());
    for h in hashes {
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
    }
}
