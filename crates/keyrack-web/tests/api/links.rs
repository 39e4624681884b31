//! Invitation and reset links: single use under concurrency, expiry, revocation, storage.

use futures::future::join_all;
use keyrack_testkit::{Tenant, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;

const GOOD: &str = "lantern orchard velvet 42 tide";

async fn invited(app: &TestApp, t: &Tenant, email: &str) -> (String, String) {
    let p = app.person(t, json!({"kind": "staff", "first_name": "Link", "last_name": "Tester", "email": email})).await;
    let id = p["id"].as_str().unwrap().to_owned();
    app.action(t, &id, "grant", json!({})).await;
    let (_, p) = app.action(t, &id, "invite", json!({"send_email": false})).await;
    (id, p["link"].as_str().unwrap().rsplit('/').next().unwrap().to_owned())
}

async fn accept(app: &TestApp, slug: &str, token: &str) -> (StatusCode, serde_json::Value) {
    app.call(Method::POST, &format!("/api/v1/tenants/{slug}/links/accept"), None, Some(json!({"token": token, "password": GOOD})))
        .await
}

#[tokio::test]
async fn sixteen_concurrent_uses_of_one_link_exactly_one_wins() {
    let app = TestApp::spawn().await;
    let t = app.tenant("race").await;
    for trial in 0..5 {
        let (id, token) = invited(&app, &t, &format!("race{trial}@example.com")).await;
        let results = join_all((0..16).map(|_| accept(&app, "race", &token))).await;
        let wins = results.iter().filter(|(s, _)| *s == StatusCode::OK).count();
        assert_eq!(wins, 1, "trial {trial}: {results:?}");
        for (s, body) in results.iter().filter(|(s, _)| *s != StatusCode::OK) {
            assert_eq!((*s, body["code"].as_str()), (StatusCode::GONE, Some("link_invalid")));
        }
        let accepted =
            app.count(&format!("audit_events WHERE subject_id = '{id}' AND action = 'access.accept_invitation'")).await;
        assert_eq!(accepted, 1, "exactly one acceptance is recorded");
    }
}

#[tokio::test]
async fn unknown_used_expired_and_foreign_tokens_answer_alike() {
    let app = TestApp::spawn().await;
    let t = app.tenant("alpha").await;
    let other = app.tenant("beta").await;
    let (_, used) = invited(&app, &t, "used@example.com").await;
    assert_eq!(accept(&app, "alpha", &used).await.0, StatusCode::OK);
    let (_, expired) = invited(&app, &t, "expired@example.com").await;
    let (_, foreign) = invited(&app, &other, "foreign@example.com").await;

    // Invitations live 7 days: at TTL - 1 s a fresh link still works, at TTL + 1 s it does not.
    let (_, fresh) = invited(&app, &t, "fresh@example.com").await;
    app.clock.advance_ms(7 * 24 * 3_600_000 - 1_000);
    assert_eq!(accept(&app, "alpha", &fresh).await.0, StatusCode::OK);
    app.clock.advance_ms(2_000);

    let mut bodies = Vec::new();
    for token in [used.as_str(), expired.as_str(), foreign.as_str(), "not-a-token-at-all"] {
        let (s, body) = accept(&app, "alpha", token).await;
        assert_eq!(s, StatusCode::GONE, "{token}: {body}");
        bodies.push(body);
    }
    assert!(bodies.windows(2).all(|w| w[0] == w[1]), "the four answers differ: {bodies:?}");
}

#[tokio::test]
async fn resend_revokes_the_old_invitation_and_a_bad_password_keeps_the_link() {
    let app = TestApp::spawn().await;
    let t = app.tenant("resend").await;
    let (id, first) = invited(&app, &t, "resend@example.com").await;
    let (_, again) = app.action(&t, &id, "invite", json!({"send_email": false})).await;
    let second = again["link"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
    assert_eq!(accept(&app, "resend", &first).await.0, StatusCode::GONE, "a resend revokes the old link");

    let (s, problem) = app
        .call(Method::POST, "/api/v1/tenants/resend/links/accept", None, Some(json!({"token": second, "password": "short"})))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "password");
    assert_eq!(accept(&app, "resend", &second).await.0, StatusCode::OK, "a refused password does not use up the link");
}

#[tokio::test]
async fn only_hashes_of_tokens_and_keys_are_stored() {
    let app = TestApp::spawn().await;
    let t = app.tenant("hashes").await;
    let (_, token) = invited(&app, &t, "h@example.com").await;
    assert_eq!(token.len(), 43, "256-bit tokens, base64url");
    let dump = app.strings("SELECT token_hash FROM links").await.join(" ");
    assert!(!dump.contains(&token));
    let key_hashes = app.strings("SELECT key_hash FROM api_keys").await.join(" ");
    assert!(!key_hashes.contains(&t.write_key) && !key_hashes.contains(&t.read_key));
    assert!(!key_hashes.contains(t.write_key.trim_start_matches("kr_")));
    let audit = app.strings("SELECT COALESCE(after_json, '') FROM audit_events").await.join(" ");
    assert!(!audit.contains(&token) && !audit.contains(&t.write_key));
}

#[tokio::test]
async fn reset_links_expire_after_the_tenant_lifetime() {
    let app = TestApp::spawn().await;
    let t = app.tenant("expiry").await;
    let p = app.active_person(&t, "exp@example.com", GOOD).await;
    let id = p["id"].as_str().unwrap();
    // Shorten the reset lifetime to 15 minutes.
    let (s, body) = app
        .call(Method::PATCH, "/api/v1/tenants/expiry", Some(&t.write_key), Some(json!({"settings": {"reset_ttl_minutes": 15}})))
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    app.action(&t, id, "reset", json!({})).await;
    let payload = app.strings("SELECT payload FROM outbox WHERE template = 'reset'").await;
    let link: serde_json::Value = serde_json::from_str(&payload[0]).unwrap();
    let token = link["link"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
    app.clock.advance_ms(15 * 60_000 + 1_000);
    assert_eq!(accept(&app, "expiry", &token).await.0, StatusCode::GONE);
}
