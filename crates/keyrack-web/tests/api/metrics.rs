//! `/metrics`: Prometheus text for a scraper holding the metrics token; routes are labelled by
//! template, so the tokens in link URLs never reach it (SECURITY-TESTS C.19).

use keyrack_testkit::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::json;

const SCRAPE: &str = "scrape-token-for-tests";
const GOOD: &str = "lantern orchard velvet 42 tide";

async fn scrape(app: &TestApp, token: Option<&str>) -> (StatusCode, String) {
    let mut req = app.client.get(format!("{}/metrics", app.base));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

/// The value of a sample line `name{labels} value` (or `name value`).
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(series) && l[series.len()..].starts_with(' '))
        .and_then(|l| l.rsplit(' ').next()?.parse().ok())
}

#[tokio::test]
async fn reset_tokens_never_appear_in_metrics_and_routes_are_templates() {
    let app = TestApp::spawn_with(|c| c.metrics_token = Some(SCRAPE.into())).await;
    let t = app.tenant("park").await;
    app.active_person(&t, "ann@example.test", GOOD).await;

    // A reset link, mailed through the outbox; the person opens it and tries a short password.
    let origin = keyrack_app::Origin::default();
    app.app.forgot(&origin, "park", "ann@example.test").await.unwrap();
    let payloads = app.strings("SELECT payload FROM outbox").await;
    let link = payloads
        .iter()
        .filter_map(|p| serde_json::from_str::<serde_json::Value>(p).ok())
        .filter_map(|p| p["link"].as_str().map(str::to_owned))
        .find(|l| l.contains("/reset/"))
        .unwrap();
    let token = link.rsplit('/').next().unwrap().to_owned();
    let page = app.client.get(format!("{}/t/park/reset/{token}", app.base)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let (status, _) = app
        .call(Method::POST, "/api/v1/tenants/park/links/accept", None, Some(json!({"token": token, "password": "short"})))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let guessed = app.client.get(format!("{}/t/park/invite/guessed-token-0123456789", app.base)).send().await.unwrap();
    assert_eq!(guessed.status(), StatusCode::GONE);
    let unrouted = app.client.get(format!("{}/nowhere/secret-path-0123456789", app.base)).send().await.unwrap();
    assert_eq!(unrouted.status(), StatusCode::NOT_FOUND);

    // Sign-in outcomes.
    let (s, _) = app
        .post("/api/v1/tenants/park/authenticate", &t.read_key, json!({"username": "ann@example.test", "password": GOOD}))
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = app
        .post("/api/v1/tenants/park/authenticate", &t.read_key, json!({"username": "ann@example.test", "password": "wrong"}))
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    assert_eq!(scrape(&app, None).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(scrape(&app, Some("not-the-token")).await.0, StatusCode::UNAUTHORIZED);
    let (status, text) = scrape(&app, Some(SCRAPE)).await;
    assert_eq!(status, StatusCode::OK);
    for secret in [token.as_str(), "guessed-token-0123456789", "secret-path-0123456789", "ann@example.test", SCRAPE] {
        assert!(!text.contains(secret), "{secret} appears in /metrics:\n{text}");
    }
    assert_eq!(
        sample(&text, r#"keyrack_http_requests_total{method="GET",route="/t/{tenant}/reset/{token}",status="200"}"#),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, r#"keyrack_http_requests_total{method="POST",route="/api/v1/tenants/{t}/links/accept",status="422"}"#),
        Some(1.0),
        "{text}"
    );
    assert!(text.contains(r#"keyrack_http_request_duration_seconds_bucket{method="GET",route="/t/{tenant}/invite/{token}",le="#));
    assert_eq!(sample(&text, r#"keyrack_logins_total{outcome="success"}"#), Some(1.0), "{text}");
    assert_eq!(sample(&text, r#"keyrack_logins_total{outcome="failure"}"#), Some(1.0), "{text}");
    let pending = app.count("outbox WHERE sent_at IS NULL").await;
    assert!(pending >= 1);
    assert_eq!(sample(&text, "keyrack_outbox_pending"), Some(pending as f64), "{text}");
}

#[tokio::test]
async fn metrics_are_off_without_a_configured_token() {
    let app = TestApp::spawn().await;
    assert_eq!(scrape(&app, None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(scrape(&app, Some("")).await.0, StatusCode::NOT_FOUND);
}
