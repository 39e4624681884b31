//! The OpenAPI document is served from the same registration as the routes and snapshotted,
//! so a change to the API shows up in review.

use keyrack_testkit::TestApp;
use reqwest::StatusCode;

#[tokio::test]
async fn the_served_document_matches_the_snapshot() {
    let app = TestApp::spawn().await;
    let t = app.tenant("docs").await;
    let (s, doc) = app.get("/api/v1/openapi.json", &t.read_key).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(doc, serde_json::to_value(keyrack_web::api::openapi()).unwrap());
    for path in [
        "/tenants/{t}/people",
        "/tenants/{t}/people/{id}/access/grant",
        "/tenants/{t}/people/{id}/access/password",
        "/tenants/{t}/people/{id}/diagnosis",
        "/tenants/{t}/links/accept",
        "/tenants/{t}/authenticate",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} is not documented");
    }
    // Sorted keys: whether serde_json keeps insertion order depends on which other crates are
    // built with it, and the snapshot must not.
    insta::with_settings!({ sort_maps => true }, {
        insta::assert_json_snapshot!("openapi", doc);
    });
}

/// Every refusal a route really gives is in the document, as a problem document: each operation
/// is called without a key, with a read key, with an unknown id, with a body that is not JSON,
/// not an object, of the wrong content type, or with an unknown field, and with a body over the
/// limit; each answer's status must be documented for that operation, and each refusal must be
/// `application/problem+json`. (schemathesis checks the same and more from outside, see
/// `scripts/schemathesis`; this keeps the suite honest without Python.)
/// Why, with which key, and with which body (content type and text).
type Attempt<'a> = (&'static str, Option<&'a str>, Option<(&'static str, String)>);

#[tokio::test]
async fn every_refusal_a_route_gives_is_documented() {
    let app = TestApp::spawn().await;
    let t = app.tenant("docs").await;
    let doc = serde_json::to_value(keyrack_web::api::openapi()).unwrap();
    let too_large = format!("{{\"name\": \"{}\"}}", "x".repeat(keyrack_web::BODY_LIMIT));
    let mut calls = 0;
    for (template, item) in doc["paths"].as_object().unwrap() {
        let path = format!("/api/v1{}", template.replace("{t}", &t.slug).replace("{id}", "01a0000000-unknown"));
        for (method, operation) in item.as_object().unwrap() {
            let Ok(method) = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()) else { continue };
            let documented: Vec<&str> = operation["responses"].as_object().unwrap().keys().map(String::as_str).collect();
            let json_body = operation["requestBody"]["content"].get("application/json").is_some();
            let mut attempts: Vec<Attempt> = vec![("no key", None, None), ("read key", Some(&t.read_key), None)];
            if json_body {
                for (why, content_type, body) in [
                    ("malformed JSON", "application/json", "{".to_owned()),
                    ("an array", "application/json", "[null, null]".to_owned()),
                    ("an unknown field", "application/json", "{\"no_such_field\": 1}".to_owned()),
                    ("not JSON", "text/plain", "{}".to_owned()),
                    ("too large", "application/json", too_large.clone()),
                ] {
                    attempts.push((why, Some(&t.write_key), Some((content_type, body))));
                }
            } else {
                attempts.push(("write key", Some(&t.write_key), None));
            }
            for (why, key, body) in attempts {
                let mut request = app.client.request(method.clone(), format!("{}{path}", app.base));
                if let Some(key) = key {
                    request = request.bearer_auth(key);
                }
                if let Some((content_type, body)) = body {
                    request = request.header("content-type", content_type).body(body);
                }
                let response = request.send().await.unwrap();
                let status = response.status();
                let content_type =
                    response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
                calls += 1;
                assert!(
                    documented.contains(&status.as_str()),
                    "{method} {template} ({why}) answered {status}, which its documentation ({documented:?}) does not list"
                );
                if status.is_client_error() || status.is_server_error() {
                    assert_eq!(content_type, "application/problem+json", "{method} {template} ({why}) answered {status}");
                    let declared = &operation["responses"][status.as_str()]["content"];
                    assert!(declared.get("application/problem+json").is_some(), "{method} {template}: {status} is not a problem");
                }
            }
        }
    }
    assert!(calls > 150, "only {calls} calls: the document lost its operations");
}
