//! The people list's search follows every change of the words a person is found by: creating,
//! editing, a username, a merge and a delete each rewrite the person's search terms in the
//! same transaction, and a search finds the beginning of each word or part of one.

use keyrack_testkit::{Tenant, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;

/// The ids the API's people list answers for this search, in list order.
async fn found(app: &TestApp, t: &Tenant, q: &str) -> Vec<String> {
    let (s, page) = app.get(&format!("/api/v1/tenants/{}/people?q={q}", t.slug), &t.read_key).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    page["items"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().to_owned()).collect()
}

async fn terms_of(app: &TestApp, id: &str) -> i64 {
    app.count(&format!("person_terms WHERE person_id = '{id}'")).await
}

#[tokio::test]
async fn a_search_finds_word_beginnings_and_follows_every_change() {
    let app = TestApp::spawn().await;
    let t = app.tenant("dunes").await;
    let els = app
        .person(
            &t,
            json!({"kind": "guest", "first_name": "Els", "last_name": "de Vries-Jansen", "email": "els@zonnedal.example",
                   "phones": ["+31 6 1234 5678"]}),
        )
        .await;
    let els = els["id"].as_str().unwrap().to_owned();
    let other = app.person(&t, json!({"kind": "guest", "first_name": "Tom", "last_name": "Bakker"})).await;
    let other = other["id"].as_str().unwrap().to_owned();

    for q in ["els", "JANS", "vries", "de%20vries-jansen", "zonnedal", "els@zonnedal.example", "%2B31", "1234", "-jansen"] {
        assert_eq!(found(&app, &t, q).await, vec![els.clone()], "q={q}");
    }
    // The beginning of a word or part, not its middle; every word must match.
    for q in ["ries", "onnedal", "els%20bakker", "tomas"] {
        assert!(found(&app, &t, q).await.is_empty(), "q={q}");
    }
    assert_eq!(found(&app, &t, "bak").await, vec![other.clone()]);

    // A new name replaces the old words.
    let (s, body) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/tenants/dunes/people/{els}"),
            Some(&t.write_key),
            Some(json!({"last_name": "Peeters"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert!(found(&app, &t, "jansen").await.is_empty());
    assert_eq!(found(&app, &t, "peet").await, vec![els.clone()]);

    // A username given at grant is searchable; removing the access takes it away again.
    assert_eq!(app.action(&t, &other, "grant", json!({"username": "tombakker77"})).await.0, StatusCode::OK);
    assert_eq!(found(&app, &t, "tombak").await, vec![other.clone()]);
    assert_eq!(app.action(&t, &other, "remove", json!({})).await.0, StatusCode::OK);
    assert!(found(&app, &t, "tombak").await.is_empty());

    // A merge keeps the survivor's terms and drops the merged person's; a delete drops all.
    let twin = app.person(&t, json!({"kind": "guest", "first_name": "Elsje", "email": "els@zonnedal.example"})).await;
    let twin = twin["id"].as_str().unwrap().to_owned();
    assert_eq!(found(&app, &t, "elsje").await, vec![twin.clone()]);
    let (s, body) = app
        .post(
            &format!("/api/v1/tenants/dunes/people/{els}/merge"),
            &t.write_key,
            json!({"other": twin, "fields": {"first_name": "other"}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(terms_of(&app, &twin).await, 0);
    assert_eq!(found(&app, &t, "elsje").await, vec![els.clone()], "the survivor now has the chosen first name");
    let (s, _) = app.call(Method::DELETE, &format!("/api/v1/tenants/dunes/people/{els}"), Some(&t.write_key), None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(terms_of(&app, &els).await, 0);
    assert!(found(&app, &t, "peet").await.is_empty());

    // Another tenant's people are never found.
    let elsewhere = app.tenant("elsewhere").await;
    app.person(&elsewhere, json!({"kind": "guest", "first_name": "Tom", "last_name": "Bakker"})).await;
    assert_eq!(found(&app, &t, "bakker").await, vec![other]);
}
