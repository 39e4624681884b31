//! How many SQL statements an API call costs, counted from sqlx's own statement events (target
//! `sqlx::query`) and those of the store's direct SQLite reads (`keyrack_store::direct`): `POST
//! /check` with an API key is one read, whatever the answer. A test binary of its own, because
//! the counting subscriber is global to the process. It also shows that the one read sees a
//! revoked key and a blocked login at once (nothing is cached).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use keyrack_testkit::{OPERATOR_KEY, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::{Layer, Registry};

/// Counts the statements sqlx runs while it is switched on.
#[derive(Clone, Default)]
struct Statements {
    on: Arc<std::sync::atomic::AtomicBool>,
    count: Arc<AtomicUsize>,
}

impl<S: tracing::Subscriber> Layer<S> for Statements {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        let target = event.metadata().target();
        if matches!(target, "sqlx::query" | "keyrack_store::direct") && self.on.load(Ordering::SeqCst) {
            self.count.fetch_add(1, Ordering::SeqCst);
        }
    }
}

impl Statements {
    /// The statements run by `call`.
    async fn during<T>(&self, call: impl Future<Output = T>) -> (T, usize) {
        self.count.store(0, Ordering::SeqCst);
        self.on.store(true, Ordering::SeqCst);
        let out = call.await;
        self.on.store(false, Ordering::SeqCst);
        (out, self.count.load(Ordering::SeqCst))
    }
}

#[tokio::test]
async fn a_check_with_an_api_key_is_one_read_and_sees_revocations_and_blocks_at_once() {
    let statements = Statements::default();
    tracing::subscriber::set_global_default(Registry::default().with(statements.clone())).unwrap();
    let app = TestApp::spawn().await;
    let t = app.tenant("count").await;
    let other = app.tenant("other").await;
    let (_, north) = app.post("/api/v1/tenants/count/branches", &t.write_key, json!({"name": "North"})).await;
    let north = north["id"].as_str().unwrap().to_owned();
    let person = app.active_person(&t, "anna@example.com", "lantern orchard velvet 42 tide").await;
    let id = person["id"].as_str().unwrap().to_owned();
    let (s, _) = app
        .call(
            Method::PUT,
            &format!("/api/v1/tenants/count/people/{id}/role"),
            Some(&t.write_key),
            Some(json!({"role": "staff", "permissions": ["clients"], "branches": [north]})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let check = |key: String, slug: &'static str, body: serde_json::Value| {
        let app = &app;
        async move { app.call(Method::POST, &format!("/api/v1/tenants/{slug}/check"), Some(&key), Some(body)).await }
    };

    let body = json!({"person": id, "permission": "people.view", "branch": north});
    let ((s, answer), n) = statements.during(check(t.read_key.clone(), "count", body.clone())).await;
    assert_eq!((s, answer["code"].as_str()), (StatusCode::OK, Some("permission_missing")), "{answer}");
    assert_eq!(n, 1, "an allowed or refused check is one statement");
    let ((s, answer), n) =
        statements.during(check(t.read_key.clone(), "count", json!({"person": id, "permission": "clients"}))).await;
    assert_eq!((s, answer["allowed"].as_bool()), (StatusCode::OK, Some(true)), "{answer}");
    assert_eq!(n, 1);
    for (key, slug, body, status) in [
        (t.read_key.clone(), "count", json!({"person": "nobody", "permission": "clients"}), StatusCode::NOT_FOUND),
        (t.read_key.clone(), "count", json!({"person": id, "permission": "clients", "branch": "nowhere"}), StatusCode::NOT_FOUND),
        (other.read_key.clone(), "count", json!({"person": id, "permission": "clients"}), StatusCode::NOT_FOUND),
        (t.read_key.clone(), "other", json!({"person": id, "permission": "clients"}), StatusCode::NOT_FOUND),
        ("kr_not-a-key".to_owned(), "count", json!({"person": id, "permission": "clients"}), StatusCode::UNAUTHORIZED),
    ] {
        let ((s, answer), n) = statements.during(check(key, slug, body.clone())).await;
        assert_eq!(s, status, "{body}: {answer}");
        assert_eq!(n, 1, "{body}: a refusal is one statement too");
    }

    // Blocked: the next check says so; the key revoked: the next check is refused.
    let body = json!({"person": id, "permission": "clients"});
    assert_eq!(app.action(&t, &id, "block", json!({})).await.0, StatusCode::OK);
    let (_, answer) = check(t.read_key.clone(), "count", body.clone()).await;
    assert_eq!((answer["allowed"].as_bool(), answer["code"].as_str()), (Some(false), Some("no_access")), "{answer}");
    let (_, keys) = app.post("/api/v1/tenants/count/api-keys", OPERATOR_KEY, json!({"scope": "read"})).await;
    let fresh = keys["key"].as_str().unwrap().to_owned();
    assert_eq!(check(fresh.clone(), "count", body.clone()).await.0, StatusCode::OK);
    let (s, _) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/tenants/count/api-keys/{}", keys["id"].as_str().unwrap()),
            Some(OPERATOR_KEY),
            None,
        )
        .await;
    assert!(s.is_success(), "{s}");
    assert_eq!(check(fresh, "count", body).await.0, StatusCode::UNAUTHORIZED);
}
