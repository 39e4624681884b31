//! Clock steps (SECURITY-TESTS H.39): the test kit's clock is moved by -1 h, +1 h and +8 days
//! while sessions, login throttles and links are running. Expiries are honoured in clock time
//! (a step backwards extends nothing and ends nothing early), a throttle never unlocks early
//! after a backward step, and audit timestamps stay UTC milliseconds as the clock gave them.

use keyrack_app::clock::rfc3339;
use keyrack_testkit::{Tenant, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::pages::Visitor;

const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;
const GOOD: &str = "lantern orchard velvet 42 tide";
const WRONG: &str = "not the password at all 17";

async fn authenticate(app: &TestApp, t: &Tenant, username: &str, password: &str) -> StatusCode {
    let body = json!({"username": username, "password": password});
    app.call(Method::POST, &format!("/api/v1/tenants/{}/authenticate", t.slug), None, Some(body)).await.0
}

async fn invitation(app: &TestApp, t: &Tenant, email: &str) -> String {
    let p = app.person(t, json!({"kind": "staff", "first_name": "Clock", "last_name": "Step", "email": email})).await;
    let id = p["id"].as_str().unwrap();
    assert_eq!(app.action(t, id, "grant", json!({})).await.0, StatusCode::OK);
    let (_, p) = app.action(t, id, "invite", json!({"send_email": false})).await;
    p["link"].as_str().unwrap().rsplit('/').next().unwrap().to_owned()
}

async fn accept(app: &TestApp, t: &Tenant, token: &str) -> StatusCode {
    let body = json!({"token": token, "password": GOOD});
    app.call(Method::POST, &format!("/api/v1/tenants/{}/links/accept", t.slug), None, Some(body)).await.0
}

#[tokio::test]
async fn links_expire_in_clock_time_across_steps() {
    let app = TestApp::spawn().await;
    let t = app.tenant("clock-links").await;
    let behind = invitation(&app, &t, "behind@example.com").await;
    let ahead = invitation(&app, &t, "ahead@example.com").await;
    let edge = invitation(&app, &t, "edge@example.com").await;

    // One hour back: a link issued "in the future" is still a valid link.
    app.clock.advance_ms(-HOUR);
    assert_eq!(accept(&app, &t, &behind).await, StatusCode::OK);
    // One hour forward again, then to one second before the 7-day lifetime ends: valid.
    app.clock.advance_ms(HOUR);
    app.clock.advance_ms(7 * DAY - 1_000);
    assert_eq!(accept(&app, &t, &edge).await, StatusCode::OK);
    // A step of +8 days: expired, as any expired link.
    app.clock.advance_ms(8 * DAY);
    assert_eq!(accept(&app, &t, &ahead).await, StatusCode::GONE);
    // A step back below the expiry does not revive a link that was refused, nor a used one.
    app.clock.advance_ms(-8 * DAY - HOUR);
    assert_eq!(accept(&app, &t, &behind).await, StatusCode::GONE, "a used link stays used");
}

#[tokio::test]
async fn a_throttle_never_unlocks_early_after_the_clock_steps_back() {
    let app = TestApp::spawn().await;
    let t = app.tenant("clock-throttle").await;
    app.active_person(&t, "th@example.com", GOOD).await;
    // 5 free failures, then each further one doubles the wait: the 10th leaves 16 s.
    for _ in 0..10 {
        assert_eq!(authenticate(&app, &t, "th@example.com", WRONG).await, StatusCode::UNAUTHORIZED);
        app.clock.advance_ms(60_000);
    }
    // 60 s after the last failure the 16 s wait is over... but not one hour earlier.
    app.clock.advance_ms(-HOUR);
    assert_eq!(authenticate(&app, &t, "th@example.com", GOOD).await, StatusCode::UNAUTHORIZED, "locked after a step back");
    // +1 h is where we were, 60 s after the last failure: open again (the refused attempt in
    // between was not a failure, so it did not stretch the wait).
    app.clock.advance_ms(HOUR);
    assert_eq!(authenticate(&app, &t, "th@example.com", GOOD).await, StatusCode::OK);

    // Locked again, then +8 days: the failures are forgotten and the right password works.
    for _ in 0..8 {
        authenticate(&app, &t, "th@example.com", WRONG).await;
    }
    assert_eq!(authenticate(&app, &t, "th@example.com", GOOD).await, StatusCode::UNAUTHORIZED, "locked");
    app.clock.advance_ms(8 * DAY);
    assert_eq!(authenticate(&app, &t, "th@example.com", GOOD).await, StatusCode::OK);
}

#[tokio::test]
async fn sessions_end_in_clock_time_across_steps() {
    let app = TestApp::spawn().await;
    let t = app.tenant("clock-sessions").await;
    app.active_person(&t, "se@example.com", GOOD).await;
    let account = "/t/clock-sessions/account";

    // Signed in, then one hour back and one forward: still signed in.
    let mut v = Visitor::new(&app);
    assert_eq!(v.login("clock-sessions", "se@example.com", GOOD).await.status, StatusCode::SEE_OTHER);
    app.clock.advance_ms(-HOUR);
    assert_eq!(v.get(account).await.status, StatusCode::OK, "a step back ends no session");
    app.clock.advance_ms(HOUR);
    assert_eq!(v.get(account).await.status, StatusCode::OK);
    // The absolute lifetime (12 h) still counts from the sign-in: the step back gave no extra hour.
    for _ in 0..11 {
        app.clock.advance_ms(HOUR);
        assert_eq!(v.get(account).await.status, StatusCode::OK);
    }
    app.clock.advance_ms(HOUR - 1_000);
    assert_eq!(v.get(account).await.status, StatusCode::OK, "12 h less a second after the sign-in");
    app.clock.advance_ms(2_000);
    assert_eq!(v.get(account).await.status, StatusCode::SEE_OTHER, "absolute lifetime ended it");

    // A step of +8 days ends a fresh session (idle and absolute alike); stepping back does not
    // bring it back.
    let mut v = Visitor::new(&app);
    assert_eq!(v.login("clock-sessions", "se@example.com", GOOD).await.status, StatusCode::SEE_OTHER);
    app.clock.advance_ms(8 * DAY);
    assert_eq!(v.get(account).await.status, StatusCode::SEE_OTHER);
    app.clock.advance_ms(-8 * DAY);
    assert_eq!(v.get(account).await.status, StatusCode::SEE_OTHER, "an ended session stays ended");
}

#[tokio::test]
async fn audit_timestamps_are_the_clocks_utc_milliseconds_across_steps() {
    let app = TestApp::spawn().await;
    let t = app.tenant("clock-audit").await;
    let mut expected = Vec::new();
    for (i, step) in [0, -HOUR, HOUR + 123, 8 * DAY].into_iter().enumerate() {
        app.clock.advance_ms(step);
        app.person(&t, json!({"kind": "contact", "first_name": format!("Step{i}"), "last_name": "Audit"})).await;
        expected.push(rfc3339(app.app.now()));
    }
    let (s, page) = app.get(&format!("/api/v1/tenants/{}/audit?action=person.created", t.slug), &t.write_key).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    let mut at: Vec<String> = page["items"].as_array().unwrap().iter().map(|e| e["at"].as_str().unwrap().to_owned()).collect();
    at.sort();
    expected.sort();
    assert_eq!(at, expected);
    // UTC ("Z"), to the millisecond the clock gave.
    assert!(at.iter().all(|a| a.ends_with('Z')), "{at:?}");
    assert!(at.contains(&"2026-03-01T12:00:00.123Z".to_owned()), "{at:?}");
}
