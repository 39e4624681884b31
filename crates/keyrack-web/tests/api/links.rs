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

/// C.13: three reset links outstanding at once (forgot, forgot, forgot); using one kills the
/// other two (Keycloak #40631).
#[tokio::test]
async fn using_one_of_three_reset_links_kills_the_other_two() {
    let app = TestApp::spawn().await;
    let t = app.tenant("three").await;
    app.active_person(&t, "three@example.com", GOOD).await;
    for _ in 0..3 {
        app.app.forgot(&keyrack_app::Origin::default(), "three", "three@example.com").await.unwrap();
    }
    let tokens: Vec<String> = app
        .strings("SELECT payload FROM outbox WHERE template = 'reset' ORDER BY created_at, id")
        .await
        .iter()
        .map(|p| {
            serde_json::from_str::<serde_json::Value>(p).unwrap()["link"].as_str().unwrap().rsplit('/').next().unwrap().to_owned()
        })
        .collect();
    assert_eq!(tokens.len(), 3, "three reset mails, each with its own link");
    assert_eq!(accept(&app, "three", &tokens[1]).await.0, StatusCode::OK);
    for token in [&tokens[0], &tokens[2]] {
        let (s, body) = accept(&app, "three", token).await;
        assert_eq!((s, body["code"].as_str()), (StatusCode::GONE, Some("link_invalid")), "{body}");
    }
}

/// C.16: 10,000 random tokens against the reset and invitation pages and the API answer alike.
/// Guessing counts against the client address like wrong passwords: once it is locked, a real
/// link answers exactly like a guessed one until the lock ends.
#[tokio::test]
async fn guessed_tokens_answer_alike_and_lock_the_guessing_address() {
    let app = TestApp::spawn().await;
    let t = app.tenant("guess").await;
    let (_, real) = invited(&app, &t, "real@example.com").await;
    let page = |path: String| {
        let app = &app;
        async move { app.call(Method::GET, &path, None, None).await }
    };
    let (first_status, first_page) = page(format!("/t/guess/reset/{}", random_token())).await;
    assert_eq!(first_status, StatusCode::GONE);
    for i in 0..10_000 {
        let kind = if i % 2 == 0 { "reset" } else { "invite" };
        let (s, body) = page(format!("/t/guess/{kind}/{}", random_token())).await;
        assert_eq!((s, &body), (StatusCode::GONE, &first_page), "guess {i} answered differently");
    }
    // Locked now: the real link looks like every guess, on the page and in the API.
    assert_eq!(page(format!("/t/guess/invite/{real}")).await, (StatusCode::GONE, first_page.clone()));
    let (s, body) = accept(&app, "guess", &real).await;
    assert_eq!((s, body["code"].as_str()), (StatusCode::GONE, Some("link_invalid")));
    // The lock ends (15 minutes at most); the real link was never spent.
    app.clock.advance_ms(15 * 60_000 + 1_000);
    assert_eq!(page(format!("/t/guess/invite/{real}")).await.0, StatusCode::OK);
    assert_eq!(accept(&app, "guess", &real).await.0, StatusCode::OK);
}

/// A token of the shape Keyrack issues: 256 bits, base64url.
fn random_token() -> String {
    use base64::Engine;
    let bytes: [u8; 32] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}
