//! Audit integrity (SECURITY-TESTS H.40): each tenant's events form a hash chain that
//! `verify_audit` checks. Rows are tampered with, removed and reordered straight in the
//! database, as someone with access to it would; verify must name the first event affected.
//! Runs on SQLite or PostgreSQL (`KEYRACK_TEST_DATABASE_URL`).

#![expect(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use keyrack_app::audit::{ChainReport, REDACTED};
use keyrack_testkit::{Tenant, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn exec(app: &TestApp, sql: &str) {
    let mut conn = app.app.store().read().await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(sql.to_owned())).execute(&mut *conn).await.unwrap();
}

async fn verify(app: &TestApp, slug: &str) -> ChainReport {
    let mut reports = app.app.verify_audit(Some(slug)).await.unwrap();
    assert_eq!(reports.len(), 1);
    reports.remove(0)
}

/// A tenant with some history: three people, each granted access and invited.
async fn history(app: &TestApp, slug: &str) -> (Tenant, Vec<String>) {
    let t = app.tenant(slug).await;
    let mut ids = Vec::new();
    for (first, email) in [("Anna", "anna@example.test"), ("Bram", "bram@example.test"), ("Cees", "cees@example.test")] {
        let p = app.person(&t, json!({"kind": "staff", "first_name": first, "last_name": "Tester", "email": email})).await;
        let id = p["id"].as_str().unwrap().to_owned();
        assert_eq!(app.action(&t, &id, "grant", json!({})).await.0, StatusCode::OK);
        assert_eq!(app.action(&t, &id, "invite", json!({"send_email": false})).await.0, StatusCode::OK);
        ids.push(id);
    }
    (t, ids)
}

async fn tenant_id(app: &TestApp, slug: &str) -> String {
    app.strings(&format!("SELECT id FROM tenants WHERE slug = '{slug}'")).await.remove(0)
}

async fn event_at(app: &TestApp, tenant_id: &str, seq: i64) -> String {
    app.strings(&format!("SELECT id FROM audit_events WHERE tenant_id = '{tenant_id}' AND seq = {seq}")).await.remove(0)
}

#[tokio::test]
async fn an_untouched_chain_verifies_and_counts_every_event() {
    let app = TestApp::spawn().await;
    let (t, _) = history(&app, "clean").await;
    let _other = history(&app, "other").await;
    let report = verify(&app, &t.slug).await;
    assert_eq!(report.problem, None);
    let tid = tenant_id(&app, &t.slug).await;
    let total = app.count(&format!("audit_events WHERE tenant_id = '{tid}'")).await;
    assert!(total >= 9, "{total}");
    assert_eq!(report.events, total);
    assert_eq!(report.head_seq, total);
    // Every tenant has its own chain, numbered from 1 without gaps.
    let all = app.app.verify_audit(None).await.unwrap();
    assert_eq!(all.len(), 2);
    assert!(all.iter().all(|r| r.problem.is_none() && r.events == r.head_seq));
}

#[tokio::test]
async fn a_changed_row_is_named() {
    let app = TestApp::spawn().await;
    let (t, _) = history(&app, "tamper").await;
    let tid = tenant_id(&app, &t.slug).await;
    let victim = event_at(&app, &tid, 4).await;
    exec(&app, &format!("UPDATE audit_events SET action = 'access.block' WHERE id = '{victim}'")).await;
    let problem = verify(&app, &t.slug).await.problem.unwrap();
    assert_eq!(problem.event_id.as_deref(), Some(victim.as_str()));
    assert_eq!(problem.seq, 4);

    // A personal field, outside the hash but inside its digest, is caught as well.
    let app = TestApp::spawn().await;
    let (t, _) = history(&app, "tamper-name").await;
    let tid = tenant_id(&app, &t.slug).await;
    let victim = event_at(&app, &tid, 5).await;
    exec(&app, &format!("UPDATE audit_events SET subject_label = 'Someone Else' WHERE id = '{victim}'")).await;
    let problem = verify(&app, &t.slug).await.problem.unwrap();
    assert_eq!(problem.event_id.as_deref(), Some(victim.as_str()));
    assert!(problem.reason.contains("subject"), "{}", problem.reason);

    // Rewriting the row and its own hash still breaks the link to the next event.
    let victim = event_at(&app, &tid, 2).await;
    let next = event_at(&app, &tid, 3).await;
    exec(&app, &format!("UPDATE audit_events SET hash = 'forged' WHERE id = '{victim}'")).await;
    let problem = verify(&app, &t.slug).await.problem.unwrap();
    assert!(problem.event_id == Some(victim) || problem.event_id == Some(next), "{problem:?}");
}

#[tokio::test]
async fn a_removed_row_is_named() {
    let app = TestApp::spawn().await;
    let (t, _) = history(&app, "gap").await;
    let tid = tenant_id(&app, &t.slug).await;
    let removed = event_at(&app, &tid, 3).await;
    let after = event_at(&app, &tid, 4).await;
    exec(&app, &format!("DELETE FROM audit_events WHERE id = '{removed}'")).await;
    let problem = verify(&app, &t.slug).await.problem.unwrap();
    assert_eq!(problem.event_id.as_deref(), Some(after.as_str()));
    assert!(problem.reason.contains("#3"), "{}", problem.reason);

    // Cutting the last events is seen through the chain head.
    let app = TestApp::spawn().await;
    let (t, _) = history(&app, "tail").await;
    let tid = tenant_id(&app, &t.slug).await;
    let head = verify(&app, &t.slug).await.head_seq;
    exec(&app, &format!("DELETE FROM audit_events WHERE tenant_id = '{tid}' AND seq = {head}")).await;
    let problem = verify(&app, &t.slug).await.problem.unwrap();
    assert_eq!(problem.seq, head);
    assert!(problem.reason.contains("missing"), "{}", problem.reason);
}

#[tokio::test]
async fn reordered_rows_are_named() {
    let app = TestApp::spawn().await;
    let (t, _) = history(&app, "order").await;
    let tid = tenant_id(&app, &t.slug).await;
    let (five, six) = (event_at(&app, &tid, 5).await, event_at(&app, &tid, 6).await);
    exec(&app, &format!("UPDATE audit_events SET seq = -6 WHERE id = '{six}'")).await;
    exec(&app, &format!("UPDATE audit_events SET seq = 6 WHERE id = '{five}'")).await;
    exec(&app, &format!("UPDATE audit_events SET seq = 5 WHERE id = '{six}'")).await;
    let problem = verify(&app, &t.slug).await.problem.unwrap();
    assert_eq!(problem.seq, 5);
    assert_eq!(problem.event_id.as_deref(), Some(six.as_str()));

    // Swapping the times instead changes both events' content.
    let app = TestApp::spawn().await;
    let (t, _) = history(&app, "times").await;
    let tid = tenant_id(&app, &t.slug).await;
    let (two, three) = (event_at(&app, &tid, 2).await, event_at(&app, &tid, 3).await);
    exec(&app, &format!("UPDATE audit_events SET at = at + 5000 WHERE id = '{two}'")).await;
    exec(&app, &format!("UPDATE audit_events SET at = at - 5000 WHERE id = '{three}'")).await;
    assert_eq!(verify(&app, &t.slug).await.problem.unwrap().event_id, Some(two));
}

#[tokio::test]
async fn deleting_a_person_redacts_their_events_and_the_chain_still_verifies() {
    let app = TestApp::spawn().await;
    let (t, ids) = history(&app, "redact").await;
    let tid = tenant_id(&app, &t.slug).await;
    let before = app.count(&format!("audit_events WHERE tenant_id = '{tid}' AND subject_id = '{}'", ids[1])).await;
    let (s, _) =
        app.call(Method::DELETE, &format!("/api/v1/tenants/{}/people/{}", t.slug, ids[1]), Some(&t.write_key), None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    // The events stay (plus the deletion), without the name, the values or the salt.
    let cond = format!("audit_events WHERE tenant_id = '{tid}' AND subject_id = '{}'", ids[1]);
    assert_eq!(app.count(&cond).await, before + 1);
    assert_eq!(app.count(&format!("{cond} AND subject_label = '{REDACTED}'")).await, before + 1);
    assert_eq!(app.count("audit_events WHERE actor_label LIKE '%Bram%' OR subject_label LIKE '%Bram%'").await, 0);
    assert_eq!(app.count(&format!("{cond} AND (before_json IS NOT NULL OR after_json IS NOT NULL)")).await, 0);
    assert_eq!(app.count(&format!("{cond} AND action <> 'person.deleted' AND subject_salt IS NOT NULL")).await, 0);
    let report = verify(&app, &t.slug).await;
    assert_eq!(report.problem, None, "{report:?}");
    assert_eq!(report.events, app.count(&format!("audit_events WHERE tenant_id = '{tid}'")).await);

    // Blanking a living person's history the same way is reported.
    let victim = app
        .strings(&format!("SELECT id FROM audit_events WHERE tenant_id = '{tid}' AND subject_id = '{}' ORDER BY seq", ids[2]))
        .await
        .remove(0);
    exec(
        &app,
        &format!(
            "UPDATE audit_events SET subject_label = '{REDACTED}', before_json = NULL, after_json = NULL, subject_salt = NULL \
             WHERE id = '{victim}'"
        ),
    )
    .await;
    let problem = verify(&app, &t.slug).await.problem.unwrap();
    assert_eq!(problem.event_id, Some(victim));
}

#[tokio::test]
async fn concurrent_changes_in_one_tenant_make_one_unbroken_chain() {
    let app = TestApp::spawn().await;
    let t = app.tenant("busy").await;
    let mut tasks = Vec::new();
    for i in 0..24 {
        let (base, key, slug) = (app.base.clone(), t.write_key.clone(), t.slug.clone());
        let client = app.client.clone();
        tasks.push(tokio::spawn(async move {
            let body = json!({"kind": "guest", "first_name": format!("Guest{i}"), "last_name": "Parallel"});
            let res =
                client.post(format!("{base}/api/v1/tenants/{slug}/people")).bearer_auth(key).json(&body).send().await.unwrap();
            res.status()
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), StatusCode::CREATED);
    }
    let tid = tenant_id(&app, &t.slug).await;
    let report = verify(&app, &t.slug).await;
    assert_eq!(report.problem, None, "{report:?}");
    assert_eq!(report.events, app.count(&format!("audit_events WHERE tenant_id = '{tid}'")).await);
}

#[tokio::test]
async fn events_from_before_the_chain_are_chained_and_then_continued() {
    let app = TestApp::spawn().await;
    let (t, ids) = history(&app, "legacy").await;
    let tid = tenant_id(&app, &t.slug).await;
    let total = app.count(&format!("audit_events WHERE tenant_id = '{tid}'")).await;
    // As a database migrated from version 4 looks: no links and no head.
    exec(
        &app,
        &format!(
            "UPDATE audit_events SET seq = NULL, prev_hash = NULL, hash = NULL, actor_salt = NULL, actor_digest = NULL, \
             subject_salt = NULL, subject_digest = NULL WHERE tenant_id = '{tid}'"
        ),
    )
    .await;
    exec(&app, &format!("DELETE FROM audit_chain_heads WHERE tenant_id = '{tid}'")).await;
    // The next change chains the old events first, then itself.
    assert_eq!(app.action(&t, &ids[0], "block", json!({})).await.0, StatusCode::OK);
    let report = verify(&app, &t.slug).await;
    assert_eq!(report.problem, None, "{report:?}");
    assert_eq!(report.events, total + 1);

    // verify chains a tenant that has had no change since the upgrade.
    exec(&app, &format!("UPDATE audit_events SET seq = NULL WHERE tenant_id = '{tid}'")).await;
    exec(&app, &format!("DELETE FROM audit_chain_heads WHERE tenant_id = '{tid}'")).await;
    let report = verify(&app, &t.slug).await;
    assert_eq!(report.problem, None, "{report:?}");
    assert_eq!(report.events, total + 1);

    // An event slipped in without a link once the chain exists is reported.
    exec(
        &app,
        &format!(
            "INSERT INTO audit_events (id, tenant_id, at, actor_kind, actor_label, action, subject_label) \
             VALUES ('ffffffff-slipped', '{tid}', 0, 'operator', 'operator', 'person.created', 'Nobody')"
        ),
    )
    .await;
    assert!(verify(&app, &t.slug).await.problem.is_some());
}
