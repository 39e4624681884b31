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
