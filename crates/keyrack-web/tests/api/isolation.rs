//! Tenant isolation (SECURITY-TESTS E.25): every route of the OpenAPI document, called with
//! tenant A's credentials on tenant B's resources, answers 404 — never 403, never data — and
//! leaves B exactly as it was.

use keyrack_testkit::{OPERATOR_KEY, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A body that the route accepts, so that the answer is about the resource, not the input.
fn sample_body(method: &str, path: &str) -> Option<Value> {
    let body = match (method, path.rsplit('/').next().unwrap_or_default()) {
        ("patch", "{t}") => json!({"name": "Renamed"}),
        ("post", "api-keys") => json!({"scope": "read"}),
        ("post", "clients") => json!({"name": "Portal", "redirect_uris": ["https://app.example.test/cb"]}),
        ("post", "branches") => json!({"name": "North"}),
        ("patch", "{id}") if path.contains("/branches/") => json!({"name": "South"}),
        ("patch", "{id}") if path.contains("/clients/") => json!({"name": "Mine"}),
        ("post", "roles") => json!({"name": "cleaner", "permissions": []}),
        ("put", "{id}") if path.contains("/roles/") => json!({"permissions": []}),
        ("post", "people") => json!({"kind": "staff", "first_name": "Intruder"}),
        ("patch", "{id}") if path.contains("/people/") => json!({"first_name": "Changed"}),
        ("put", "role") => json!({"role": null, "permissions": [], "branches": "all"}),
        ("put", "notifications") => json!({"notifications": []}),
        ("post", "grant") => json!({}),
        ("post", "invite") => json!({"send_email": false}),
        ("post", "password") => json!({"generate": true}),
        ("post", "username") => json!({"username": "taken-over"}),
        ("post", "authenticate") => json!({"username": "b-admin@example.com", "password": "lantern orchard velvet 42 tide"}),
        ("post", "accept") => json!({"token": "x", "password": "lantern orchard velvet 42 tide"}),
        ("post", "apply") => json!({"rows": "all"}),
        ("post", "merge") => json!({"other": "x", "login": "survivor"}),
        _ => return None,
    };
    Some(body)
}

fn method(m: &str) -> Method {
    Method::from_bytes(m.to_uppercase().as_bytes()).unwrap()
}

#[tokio::test]
async fn every_route_answers_404_for_another_tenants_resources() {
    let app = TestApp::spawn().await;
    let a = app.tenant("tenant-a").await;
    let b = app.tenant("tenant-b").await;

    // Tenant B's resources.
    let b_person = app.active_person(&b, "b-admin@example.com", "lantern orchard velvet 42 tide").await;
    let b_person_id = b_person["id"].as_str().unwrap().to_owned();
    let (_, b_branch) = app.post("/api/v1/tenants/tenant-b/branches", &b.write_key, json!({"name": "Beach"})).await;
    let (_, b_role) =
        app.post("/api/v1/tenants/tenant-b/roles", &b.write_key, json!({"name": "lifeguard", "permissions": ["clients"]})).await;
    let (_, b_key) = app.post("/api/v1/tenants/tenant-b/api-keys", &b.write_key, json!({"scope": "read"})).await;
    let (_, b_client) = app
        .post(
            "/api/v1/tenants/tenant-b/clients",
            &b.write_key,
            json!({"name": "Portal", "redirect_uris": ["https://b.example.test/cb"]}),
        )
        .await;
    let (_, b_import) = crate::imports::upload(&app, "tenant-b", &b.write_key, "b.csv", b"email\r\nnew@example.com\r\n").await;
    let b_ids = [
        ("/people/", b_person_id.clone()),
        ("/branches/", b_branch["id"].as_str().unwrap().to_owned()),
        ("/roles/", b_role["id"].as_str().unwrap().to_owned()),
        ("/api-keys/", b_key["id"].as_str().unwrap().to_owned()),
        ("/imports/", b_import["id"].as_str().unwrap().to_owned()),
        ("/clients/", b_client["client_id"].as_str().unwrap().to_owned()),
    ];
    let b_events_before = app.count("audit_events e JOIN tenants t ON t.id = e.tenant_id WHERE t.slug = 'tenant-b'").await;
    let b_person_before = app.get(&format!("/api/v1/tenants/tenant-b/people/{b_person_id}"), &b.read_key).await.1;

    let (s, doc) = app.get("/api/v1/openapi.json", &a.read_key).await;
    assert_eq!(s, StatusCode::OK);
    let mut tried = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (m, op) in item.as_object().unwrap() {
            let public =
                op["security"].as_array().is_some_and(|s| s.iter().any(|r| r.as_object().is_some_and(serde_json::Map::is_empty)));
            let id_for_path = b_ids.iter().find(|(seg, _)| path.contains(seg)).map(|(_, id)| id.clone());
            let body = sample_body(m, path);

            if path == "/tenants" {
                continue; // checked below: no tenant in the path
            }
            if public {
                continue; // no credential to cross with; checked below with A's person on B
            }
            // A's keys on B's tenant, and A's keys on A's tenant with B's ids.
            let on_b = path.replace("{t}", "tenant-b").replace("{id}", id_for_path.as_deref().unwrap_or("x"));
            let on_a = id_for_path.as_ref().map(|id| path.replace("{t}", "tenant-a").replace("{id}", id));
            for key in [&a.write_key, &a.read_key] {
                for target in std::iter::once(&on_b).chain(on_a.iter()) {
                    let (s, res) = if path.ends_with("/imports") {
                        // The upload is multipart: send a real file, so the answer is about the tenant.
                        crate::imports::upload(&app, "tenant-b", key, "a.csv", b"email\r\nintruder@example.com\r\n").await
                    } else {
                        app.call(method(m), &format!("/api/v1{target}"), Some(key), body.clone()).await
                    };
                    assert_eq!(s, StatusCode::NOT_FOUND, "{m} {target}: {res}");
                    assert_eq!(res["code"], "not_found", "{m} {target}: {res}");
                    tried += 1;
                }
            }
        }
    }
    assert!(tried >= 60, "only {tried} calls: is the route walk broken?");

    // Listing tenants shows only one's own; creating one needs the operator key.
    let (s, list) = app.get("/api/v1/tenants", &a.write_key).await;
    assert_eq!(s, StatusCode::OK);
    let slugs: Vec<&str> = list.as_array().unwrap().iter().map(|t| t["slug"].as_str().unwrap()).collect();
    assert_eq!(slugs, vec!["tenant-a"]);
    let (s, _) = app.post("/api/v1/tenants", &a.write_key, json!({"slug": "tenant-c", "name": "C"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, all) = app.get("/api/v1/tenants", OPERATOR_KEY).await;
    assert_eq!(all.as_array().unwrap().len(), 2);

    // B's person cannot authenticate through A.
    let (s, res) = app
        .call(Method::POST, "/api/v1/tenants/tenant-a/authenticate", None, sample_body("post", "/tenants/{t}/authenticate"))
        .await;
    assert_eq!((s, res["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_credentials")));

    // Nothing of B changed.
    let b_events_after = app.count("audit_events e JOIN tenants t ON t.id = e.tenant_id WHERE t.slug = 'tenant-b'").await;
    assert_eq!(b_events_before, b_events_after, "tenant B got audit events from A's calls");
    let b_person_after = app.get(&format!("/api/v1/tenants/tenant-b/people/{b_person_id}"), &b.read_key).await.1;
    assert_eq!(b_person_before, b_person_after);
    assert_eq!(app.get("/api/v1/tenants/tenant-b/branches", &b.read_key).await.1.as_array().unwrap().len(), 1);
}
