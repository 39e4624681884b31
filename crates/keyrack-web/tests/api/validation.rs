//! Bad input gets a clear problem document and changes nothing; keys are scoped; lists page.

use keyrack_testkit::{OPERATOR_KEY, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn unknown_fields_are_refused_naming_the_field() {
    let app = TestApp::spawn().await;
    let t = app.tenant("strict").await;
    let p = app.person(&t, json!({"kind": "staff", "first_name": "Mass", "email": "mass@example.com"})).await;
    let id = p["id"].as_str().unwrap();
    for field in ["state", "role", "permissions", "tenant_id", "password_hash", "must_change_password", "id", "access"] {
        let (s, problem) = app
            .call(Method::PATCH, &format!("/api/v1/tenants/strict/people/{id}"), Some(&t.write_key), Some(json!({field: "x"})))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {problem}");
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
    let res = app
        .client
        .post(format!("{}/api/v1/tenants/strict/people", app.base))
        .bearer_auth(&t.write_key)
        .json(&json!({"kind": "staff", "first_name": "X", "access": {"state": "active"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let (_, list) = app.get("/api/v1/tenants/strict/people", &t.read_key).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "nothing was created");
    let (_, after) = app.get(&format!("/api/v1/tenants/strict/people/{id}"), &t.read_key).await;
    assert_eq!(after["access"]["state"], "none");
}

#[tokio::test]
async fn every_broken_field_is_named() {
    let app = TestApp::spawn().await;
    let t = app.tenant("fields").await;
    let (s, problem) = app
        .post(
            "/api/v1/tenants/fields/people",
            &t.write_key,
            json!({"kind": "alien", "email": "not-an-address", "language": "xx", "phones": ["12", "+31 6 1234 5678"], "notifications": ["spam"]}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["code"], "validation_failed");
    let fields: Vec<&str> = problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    for f in ["kind", "email", "language", "phones[0]", "notifications"] {
        assert!(fields.contains(&f), "{f} missing in {problem}");
    }
    assert!(!fields.contains(&"phones[1]"));
}

#[tokio::test]
async fn keys_are_scoped_and_revocable() {
    let app = TestApp::spawn().await;
    let t = app.tenant("keys").await;
    assert_eq!(app.call(Method::GET, "/api/v1/tenants/keys/people", None, None).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(app.get("/api/v1/tenants/keys/people", "kr_guess").await.0, StatusCode::UNAUTHORIZED);
    let (s, problem) = app.post("/api/v1/tenants/keys/people", &t.read_key, json!({"kind": "staff", "first_name": "R"})).await;
    assert_eq!((s, problem["code"].as_str()), (StatusCode::FORBIDDEN, Some("read_only_key")));

    let (_, extra) =
        app.post("/api/v1/tenants/keys/api-keys", &t.write_key, json!({"scope": "read", "label": "reporting"})).await;
    let extra_key = extra["key"].as_str().unwrap();
    assert_eq!(app.get("/api/v1/tenants/keys/people", extra_key).await.0, StatusCode::OK);
    let (s, _) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/tenants/keys/api-keys/{}", extra["id"].as_str().unwrap()),
            Some(&t.write_key),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get("/api/v1/tenants/keys/people", extra_key).await.0,
        StatusCode::UNAUTHORIZED,
        "a revoked key stops at once"
    );
    assert_eq!(app.get("/api/v1/tenants/keys/people", OPERATOR_KEY).await.0, StatusCode::OK);
}

#[tokio::test]
async fn oversized_bodies_are_refused_before_hashing() {
    let app = TestApp::spawn().await;
    app.tenant("big").await;
    let huge = "x".repeat(1024 * 1024);
    let started = std::time::Instant::now();
    let (s, _) =
        app.call(Method::POST, "/api/v1/tenants/big/authenticate", None, Some(json!({"username": "a", "password": huge}))).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(started.elapsed().as_secs() < 5);
}

#[tokio::test]
async fn the_people_list_filters_and_pages() {
    let app = TestApp::spawn().await;
    let t = app.tenant("list").await;
    for i in 0..7 {
        let p = app.person(&t, json!({"kind": if i % 2 == 0 { "staff" } else { "guest" }, "first_name": format!("Person{i}"), "last_name": "Vermeulen", "email": format!("p{i}@example.com")})).await;
        if i < 3 {
            app.action(&t, p["id"].as_str().unwrap(), "grant", json!({})).await;
        }
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let q = cursor.as_ref().map_or(String::new(), |c| format!("&cursor={c}"));
        let (s, page) = app.get(&format!("/api/v1/tenants/list/people?limit=3{q}"), &t.read_key).await;
        assert_eq!(s, StatusCode::OK, "{page}");
        seen.extend(page["items"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 7);
    let mut dedup = seen.clone();
    dedup.dedup();
    assert_eq!(dedup, seen);

    let count = |q: &'static str| {
        let app = &app;
        let key = t.read_key.clone();
        async move { app.get(&format!("/api/v1/tenants/list/people?{q}"), &key).await.1["items"].as_array().unwrap().len() }
    };
    assert_eq!(count("state=granted").await, 3);
    assert_eq!(count("state=none").await, 4);
    assert_eq!(count("kind=guest").await, 3);
    assert_eq!(count("q=person3").await, 1);
    assert_eq!(count("q=vermeulen%20p4@").await, 1);
    assert_eq!(count("role=staff").await, 2, "granted staff get the staff role");
    let (s, problem) = app.get("/api/v1/tenants/list/people?state=sleeping", &t.read_key).await;
    assert_eq!((s, problem["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("state")));
    let (s, _) = app.get("/api/v1/tenants/list/people?colour=red", &t.read_key).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_last_administrator_cannot_be_blocked_removed_or_demoted() {
    let app = TestApp::spawn().await;
    let t = app.tenant("admins").await;
    let p = app.active_person(&t, "boss@example.com", "lantern orchard velvet 42 tide").await;
    let id = p["id"].as_str().unwrap();
    let path = format!("/api/v1/tenants/admins/people/{id}/role");
    let (s, body) = app.call(Method::PUT, &path, Some(&t.write_key), Some(json!({"role": "administrator"}))).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    for action in ["block", "remove"] {
        let (s, problem) = app.action(&t, id, action, json!({})).await;
        assert_eq!((s, problem["code"].as_str()), (StatusCode::CONFLICT, Some("last_administrator")), "{action}");
    }
    let (s, problem) = app.call(Method::PUT, &path, Some(&t.write_key), Some(json!({"role": "manager"}))).await;
    assert_eq!((s, problem["code"].as_str()), (StatusCode::CONFLICT, Some("last_administrator")));
    let (s, _) = app.call(Method::DELETE, &format!("/api/v1/tenants/admins/people/{id}"), Some(&t.write_key), None).await;
    assert_eq!(s, StatusCode::CONFLICT);

    // With a second administrator the first can be blocked.
    let q = app.active_person(&t, "deputy@example.com", "lantern orchard velvet 42 tide").await;
    let qpath = format!("/api/v1/tenants/admins/people/{}/role", q["id"].as_str().unwrap());
    app.call(Method::PUT, &qpath, Some(&t.write_key), Some(json!({"role": "administrator"}))).await;
    assert_eq!(app.action(&t, id, "block", json!({})).await.0, StatusCode::OK);
}

#[tokio::test]
async fn roles_and_branches_are_checked() {
    let app = TestApp::spawn().await;
    let t = app.tenant("scope").await;
    let p = app.active_person(&t, "scoped@example.com", "lantern orchard velvet 42 tide").await;
    let id = p["id"].as_str().unwrap();
    let (_, branch) = app.post("/api/v1/tenants/scope/branches", &t.write_key, json!({"name": "Noord"})).await;
    let (s, problem) = app.post("/api/v1/tenants/scope/branches", &t.write_key, json!({"name": "noord"})).await;
    assert_eq!((s, problem["errors"][0]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("taken")));
    let path = format!("/api/v1/tenants/scope/people/{id}/role");
    let (s, body) = app
        .call(
            Method::PUT,
            &path,
            Some(&t.write_key),
            Some(json!({"role": "manager", "permissions": ["sales"], "branches": [branch["id"]]})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["access"]["role"], "manager");
    assert_eq!(body["access"]["branches"], json!([branch["id"]]));
    let (s, problem) = app
        .call(
            Method::PUT,
            &path,
            Some(&t.write_key),
            Some(json!({"role": "chef", "permissions": ["fly"], "branches": ["nowhere"]})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, vec!["permissions", "branches[0]", "role"]);
    let (_, roles) = app.get("/api/v1/tenants/scope/roles", &t.read_key).await;
    let admin = roles.as_array().unwrap().iter().find(|r| r["name"] == "administrator").unwrap();
    let (s, problem) = app
        .call(
            Method::PUT,
            &format!("/api/v1/tenants/scope/roles/{}", admin["id"].as_str().unwrap()),
            Some(&t.write_key),
            Some(json!({"permissions": []})),
        )
        .await;
    assert_eq!((s, problem["code"].as_str()), (StatusCode::CONFLICT, Some("role_not_editable")));
    let (s, problem) = app.get(&format!("/api/v1/tenants/scope/branches/{}", branch["id"].as_str().unwrap()), &t.read_key).await;
    assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED, "{problem}");
}
