//! Shared e-mail addresses and merging the people behind them (SPEC rule 4, §5 `duplicates`
//! and `merge`): the groups, a merge with per-field choices and one surviving login, history
//! that follows the survivor, refusals that change nothing, and another tenant's ids.

use keyrack_app::auth::Credentials;
use keyrack_app::selfservice::Client;
use keyrack_testkit::{Tenant, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};

const PASSWORD: &str = "lantern orchard velvet 42 tide";
const OTHER_PASSWORD: &str = "copper meadow lantern 97 brook";

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

async fn merge(app: &TestApp, t: &Tenant, survivor: &str, body: Value) -> (StatusCode, Value) {
    app.post(&format!("/api/v1/tenants/{}/people/{survivor}/merge", t.slug), &t.write_key, body).await
}

/// Everything a refused merge must leave as it was.
async fn state_of(app: &TestApp) -> (i64, i64, i64, i64, i64, i64) {
    (
        app.count("people").await,
        app.count("logins").await,
        app.count("sessions").await,
        app.count("links WHERE used_at IS NULL").await,
        app.count("audit_events").await,
        app.count("person_merges").await,
    )
}

/// Opens a session for the login, as the login page does.
async fn sign_in(app: &TestApp, t: &Tenant, username: &str, password: &str) {
    let credentials = Credentials { username: username.into(), password: password.into() };
    app.app.sign_in(&Client::default(), &t.slug, credentials).await.unwrap();
}

async fn history(app: &TestApp, t: &Tenant, person: &str) -> Vec<Value> {
    let (s, page) = app.get(&format!("/api/v1/tenants/{}/people/{person}/audit?limit=500", t.slug), &t.read_key).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    page["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn two_people_who_share_an_address_become_one_with_the_chosen_values_and_login() {
    let app = TestApp::spawn().await;
    let t = app.tenant("park").await;
    // Els twice: once as a guest who set a password, once (upper-case address) with a phone and
    // a login of her own that was only granted.
    let els = app.active_person(&t, "els@example.com", PASSWORD).await;
    let els_id = id(&els);
    let twin = app
        .person(
            &t,
            json!({"kind": "guest", "first_name": "Elsje", "last_name": "Janssen", "email": "ELS@example.com",
                   "phones": ["+32 470 12 34 56"], "notifications": ["newsletter"]}),
        )
        .await;
    let twin_id = id(&twin);
    assert_eq!(app.action(&t, &twin_id, "grant", json!({"username": "elsje"})).await.0, StatusCode::OK);
    let (s, _) = app.action(&t, &twin_id, "invite", json!({"send_email": false})).await;
    assert_eq!(s, StatusCode::OK);
    // A third record of her, merged into the twin first: its history must follow twice.
    let third = app.person(&t, json!({"kind": "guest", "last_name": "Janssen", "email": "els@example.com"})).await;
    let third_id = id(&third);
    let other = app.person(&t, json!({"kind": "guest", "first_name": "Tom", "email": "tom@example.com"})).await;
    sign_in(&app, &t, "els@example.com", PASSWORD).await;

    // The shared address, grouped, case-insensitively.
    let (s, groups) = app.get(&format!("/api/v1/tenants/{}/duplicates", t.slug), &t.read_key).await;
    assert_eq!(s, StatusCode::OK, "{groups}");
    let items = groups["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{groups}");
    assert_eq!(items[0]["email"], "els@example.com");
    let in_group: Vec<String> = items[0]["people"].as_array().unwrap().iter().map(id).collect();
    assert_eq!(in_group, vec![els_id.clone(), twin_id.clone(), third_id.clone()]);
    assert!(items[0]["people"][0]["access"]["flags"].as_array().unwrap().contains(&json!("email_shared")));
    assert!(!in_group.contains(&id(&other)));

    let (s, _) = merge(&app, &t, &twin_id, json!({"other": third_id})).await;
    assert_eq!(s, StatusCode::OK);
    let third_events = app.count(&format!("audit_events WHERE subject_id = '{third_id}'")).await;
    let twin_events = app.count(&format!("audit_events WHERE subject_id = '{twin_id}'")).await;

    // Both have a login: the admin must choose. Refused, nothing changes.
    let before = state_of(&app).await;
    let (s, p) = merge(&app, &t, &els_id, json!({"other": twin_id})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(p["errors"][0]["field"], "login");
    assert_eq!(p["errors"][0]["code"], "required");
    assert_eq!(state_of(&app).await, before);

    // Keep Els's names, the twin's phones, categories and login.
    let (s, merged) = merge(
        &app,
        &t,
        &els_id,
        json!({"other": twin_id, "fields": {"phones": "other", "notifications": "other"}, "login": "other"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{merged}");
    assert_eq!(merged["id"], els_id.as_str());
    assert_eq!(merged["first_name"], "Test");
    assert_eq!(merged["email"], "els@example.com");
    assert_eq!(merged["phones"], json!(["+32 470 12 34 56"]));
    assert_eq!(merged["notifications"], json!(["newsletter"]));
    assert_eq!(merged["access"]["username"], "elsje");
    assert_eq!(merged["access"]["state"], "invited");
    assert!(!merged["access"]["flags"].as_array().unwrap().contains(&json!("email_shared")));
    let (s, _) = app.get(&format!("/api/v1/tenants/{}/people/{twin_id}", t.slug), &t.read_key).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "the merged person is gone");

    // Els's own login ended with its session; her old password opens nothing.
    assert_eq!(app.count("logins").await, 1);
    assert_eq!(app.count(&format!("sessions WHERE person_id = '{els_id}'")).await, 0);
    let (s, _) = app
        .post(
            &format!("/api/v1/tenants/{}/authenticate", t.slug),
            &t.read_key,
            json!({"username": "els@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // The twin's invitation still works, now for Els.
    assert_eq!(app.count(&format!("links WHERE person_id = '{els_id}' AND used_at IS NULL")).await, 1);
    let (s, active) = app.action(&t, &els_id, "password", json!({"password": OTHER_PASSWORD})).await;
    assert_eq!(s, StatusCode::OK, "{active}");
    let (s, who) = app
        .post(
            &format!("/api/v1/tenants/{}/authenticate", t.slug),
            &t.read_key,
            json!({"username": "elsje", "password": OTHER_PASSWORD}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{who}");
    assert_eq!(who["id"], els_id.as_str());

    // No shared address is left; the history of everyone merged follows Els, untouched.
    let (_, groups) = app.get(&format!("/api/v1/tenants/{}/duplicates", t.slug), &t.read_key).await;
    assert_eq!(groups["items"], json!([]));
    assert_eq!(app.count(&format!("audit_events WHERE subject_id = '{third_id}'")).await, third_events);
    assert_eq!(app.count(&format!("audit_events WHERE subject_id = '{twin_id}'")).await, twin_events);
    let events = history(&app, &t, &els_id).await;
    let about: Vec<&str> = events.iter().map(|e| e["subject_id"].as_str().unwrap()).collect();
    assert!(about.contains(&twin_id.as_str()) && about.contains(&third_id.as_str()), "{about:?}");
    let last = events.iter().find(|e| e["action"] == "person.merged").unwrap();
    assert_eq!(last["subject_id"], els_id.as_str());
    assert_eq!(last["before"]["other"]["person"]["id"], twin_id.as_str());
    assert_eq!(last["after"]["login"]["username"], "elsje");
    assert_eq!(app.count(&format!("person_merges WHERE survivor_id = '{els_id}'")).await, 2);
}

#[tokio::test]
async fn refused_merges_change_nothing() {
    let app = TestApp::spawn().await;
    let t = app.tenant("park").await;
    let admin = app.active_person(&t, "admin@example.com", PASSWORD).await;
    let admin_id = id(&admin);
    let (s, _) = app
        .call(
            reqwest::Method::PUT,
            &format!("/api/v1/tenants/{}/people/{admin_id}/role", t.slug),
            Some(&t.write_key),
            Some(json!({"role": "administrator"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let twin = app.person(&t, json!({"kind": "staff", "first_name": "Ann", "email": "ADMIN@example.com"})).await;
    let twin_id = id(&twin);
    assert_eq!(app.action(&t, &twin_id, "grant", json!({"username": "ann"})).await.0, StatusCode::OK);
    let contact = app.person(&t, json!({"kind": "contact", "first_name": "Ann", "email": "admin@example.com"})).await;
    let before = state_of(&app).await;

    // Keeping the twin's login would end the tenant's last administrator.
    let (s, p) = merge(&app, &t, &twin_id, json!({"other": admin_id, "login": "survivor"})).await;
    assert_eq!((s, p["code"].as_str()), (StatusCode::CONFLICT, Some("last_administrator")), "{p}");
    // A contact cannot keep a login.
    let (s, p) = merge(&app, &t, &id(&contact), json!({"other": admin_id, "login": "other"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(p["errors"][0]["field"], "fields.kind");
    // Choosing a login that is not there, merging someone with themselves, an unknown person,
    // an unknown field, a read key.
    let (s, p) = merge(&app, &t, &id(&contact), json!({"other": twin_id, "login": "survivor"})).await;
    assert_eq!((s, p["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("login")), "{p}");
    let (s, p) = merge(&app, &t, &admin_id, json!({"other": admin_id})).await;
    assert_eq!((s, p["errors"][0]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("same_person")), "{p}");
    let (s, _) = merge(&app, &t, &admin_id, json!({"other": "0190aaaa-0000-7000-8000-000000000000", "login": "survivor"})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, p) = merge(&app, &t, &admin_id, json!({"other": twin_id, "fields": {"password_hash": "other"}})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    let (s, _) = app
        .post(
            &format!("/api/v1/tenants/{}/people/{admin_id}/merge", t.slug),
            &t.read_key,
            json!({"other": twin_id, "login": "survivor"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(state_of(&app).await, before);

    // Keeping the administrator's own login is allowed.
    let (s, p) = merge(&app, &t, &admin_id, json!({"other": twin_id, "login": "survivor"})).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["access"]["role"], "administrator");
}

#[tokio::test]
async fn another_tenants_people_are_not_found() {
    let app = TestApp::spawn().await;
    let a = app.tenant("tenant-a").await;
    let b = app.tenant("tenant-b").await;
    let a_person = app.person(&a, json!({"kind": "guest", "first_name": "Ann", "email": "same@example.com"})).await;
    let b_person = app.person(&b, json!({"kind": "guest", "first_name": "Bea", "email": "same@example.com"})).await;
    let b_twin = app.person(&b, json!({"kind": "guest", "first_name": "Bea", "email": "SAME@example.com"})).await;
    let before = state_of(&app).await;

    // A's key merging B's people, in B or in A, either way round: not found.
    for (slug, survivor, other) in [
        ("tenant-b", id(&b_person), id(&b_twin)),
        ("tenant-a", id(&a_person), id(&b_person)),
        ("tenant-a", id(&b_person), id(&a_person)),
    ] {
        let (s, p) =
            app.post(&format!("/api/v1/tenants/{slug}/people/{survivor}/merge"), &a.write_key, json!({"other": other})).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{slug} {p}");
    }
    assert_eq!(state_of(&app).await, before);

    // A's shared addresses hold none of B's people (one address, two tenants, is not shared).
    let (_, groups) = app.get("/api/v1/tenants/tenant-a/duplicates", &a.read_key).await;
    assert_eq!(groups["items"], json!([]));
    let (s, _) = app.get("/api/v1/tenants/tenant-b/duplicates", &a.read_key).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, groups) = app.get("/api/v1/tenants/tenant-b/duplicates", &b.read_key).await;
    assert_eq!(groups["items"][0]["people"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn the_audit_log_filters_by_actor_action_person_and_day() {
    let app = TestApp::spawn().await;
    let t = app.tenant("park").await;
    let ann = app.person(&t, json!({"kind": "staff", "first_name": "Ann", "email": "ann@example.com"})).await;
    let ann_id = id(&ann);
    app.action(&t, &ann_id, "grant", json!({})).await;
    app.clock.advance_ms(3 * 86_400_000);
    app.action(&t, &ann_id, "block", json!({})).await;
    app.person(&t, json!({"kind": "guest", "first_name": "Bob"})).await;
    let get = |q: &str| {
        let path = format!("/api/v1/tenants/{}/audit?{q}", t.slug);
        let key = t.read_key.clone();
        let app = &app;
        async move { app.get(&path, &key).await }
    };
    let actions = |page: &Value| {
        page["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
    };

    let (_, page) = get("action=access.").await;
    assert_eq!(actions(&page), ["access.block", "access.grant"]);
    let (_, page) = get("action=person.created").await;
    assert_eq!(actions(&page), ["person.created", "person.created"]);
    let (_, page) = get(&format!("person={ann_id}")).await;
    assert_eq!(actions(&page), ["access.block", "access.grant", "person.created"]);
    let (_, page) = get("from=2026-03-01&to=2026-03-01&action=access.").await;
    assert_eq!(actions(&page), ["access.grant"]);
    let (_, page) = get("from=2026-03-04").await;
    assert_eq!(actions(&page), ["person.created", "access.block"]);
    let (_, page) = get("actor=api%20KEY").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 4);
    let (_, page) = get("actor=operator").await;
    assert_eq!(actions(&page), ["api_key.created", "api_key.created", "tenant.created"]);

    // Pages follow each other without gaps or repeats.
    let (_, first) = get("limit=2").await;
    let cursor = first["next_cursor"].as_str().unwrap();
    let (_, second) = get(&format!("limit=100&cursor={cursor}")).await;
    let (_, all) = get("limit=100").await;
    let mut joined = actions(&first);
    joined.extend(actions(&second));
    assert_eq!(joined, actions(&all));
    assert_eq!(second["next_cursor"], Value::Null);

    let (s, p) = get("from=March").await;
    assert_eq!((s, p["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("from")), "{p}");
    let (s, p) = get("from=2026-03-05&to=2026-03-01").await;
    assert_eq!((s, p["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("to")), "{p}");
    let (s, _) = get("who=x").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
}
