//! The console's admin pages checked against the admin's permissions: someone without
//! `roles.manage`, `settings.manage` or `audit.view` is refused those pages (403) and their
//! posts change nothing; another tenant's ids answer 404; a signed-in administrator gets
//! each page, and the forms work end to end (POST → redirect → GET with a flash message).

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::pages::{Visitor, location};
use keyrack_testkit::{Tenant, TestApp};

const PASSWORD: &str = "lantern orchard velvet 42 tide";

async fn with_role(app: &TestApp, t: &Tenant, email: &str, role: &str) -> String {
    let p = app.active_person(t, email, PASSWORD).await;
    let id = p["id"].as_str().unwrap().to_owned();
    let (s, body) = app
        .call(
            Method::PUT,
            &format!("/api/v1/tenants/{}/people/{id}/role", t.slug),
            Some(&t.write_key),
            Some(json!({"role": role})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    id
}

async fn settings(app: &TestApp, t: &Tenant) -> Value {
    app.get(&format!("/api/v1/tenants/{}", t.slug), &t.read_key).await.1["settings"].clone()
}

#[tokio::test]
async fn an_admin_without_the_permissions_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let t = app.tenant("park").await;
    let (s, _) = app
        .post(
            "/api/v1/tenants/park/roles",
            &t.write_key,
            json!({"name": "desk", "permissions": ["people.view", "people.manage"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, branch) = app.post("/api/v1/tenants/park/branches", &t.write_key, json!({"name": "Beach"})).await;
    let branch_id = branch["id"].as_str().unwrap();
    let (_, roles) = app.get("/api/v1/tenants/park/roles", &t.read_key).await;
    let staff_id = roles.as_array().unwrap().iter().find(|r| r["name"] == "staff").unwrap()["id"].as_str().unwrap().to_owned();
    with_role(&app, &t, "desk@example.com", "desk").await;

    let mut desk = Visitor::new(&app);
    desk.login("park", "desk@example.com", PASSWORD).await;
    assert_eq!(desk.get("/t/park/console").await.status, StatusCode::OK, "people.view opens the console");
    for page in
        ["roles", "branches", "settings", "audit", &format!("roles/{staff_id}/delete"), &format!("branches/{branch_id}/delete")]
    {
        assert_eq!(desk.get(&format!("/t/park/console/{page}")).await.status, StatusCode::FORBIDDEN, "{page}");
    }

    let before =
        (settings(&app, &t).await, app.count("roles").await, app.count("branches").await, app.count("audit_events").await);
    let posts: [(String, Vec<(&str, &str)>); 5] = [
        ("/t/park/console/roles".into(), vec![("name", "sneaky"), ("permission", "roles.manage")]),
        (format!("/t/park/console/roles/{staff_id}"), vec![("permission", "clients")]),
        (format!("/t/park/console/roles/{staff_id}/delete"), vec![]),
        ("/t/park/console/branches".into(), vec![("name", "North")]),
        (
            "/t/park/console/settings".into(),
            vec![
                ("name", "Mine"),
                ("language", "en"),
                ("preset", "classic"),
                ("min_length", "8"),
                ("min_score", "3"),
                ("invitation_ttl_hours", "1"),
                ("reset_ttl_minutes", "5"),
            ],
        ),
    ];
    for (path, fields) in &posts {
        let answer = desk.post(path, fields).await;
        assert!(answer.status == StatusCode::FORBIDDEN || answer.status == StatusCode::SEE_OTHER, "{path}: {}", answer.status);
    }
    let after =
        (settings(&app, &t).await, app.count("roles").await, app.count("branches").await, app.count("audit_events").await);
    assert_eq!(after, before, "refused posts changed something");
}

#[tokio::test]
async fn another_tenants_ids_answer_404_and_the_forms_work() {
    let app = TestApp::spawn().await;
    let t = app.tenant("park").await;
    let other = app.tenant("other").await;
    with_role(&app, &t, "admin@example.com", "administrator").await;
    let (_, b_branch) = app.post("/api/v1/tenants/other/branches", &other.write_key, json!({"name": "Dune"})).await;
    let (_, b_role) = app.post("/api/v1/tenants/other/roles", &other.write_key, json!({"name": "cook", "permissions": []})).await;
    let b_person = app.person(&other, json!({"kind": "guest", "first_name": "Bea", "email": "bea@example.com"})).await;
    let b_twin = app.person(&other, json!({"kind": "guest", "first_name": "Bea", "email": "bea@example.com"})).await;
    let (b_branch, b_role) = (b_branch["id"].as_str().unwrap(), b_role["id"].as_str().unwrap());
    let (b_person, b_twin) = (b_person["id"].as_str().unwrap(), b_twin["id"].as_str().unwrap());

    let mut admin = Visitor::new(&app);
    admin.login("park", "admin@example.com", PASSWORD).await;
    for page in ["roles", "branches", "settings", "audit", "duplicates"] {
        let answer = admin.get(&format!("/t/park/console/{page}")).await;
        assert_eq!(answer.status, StatusCode::OK, "{page}: {}", answer.body);
    }
    let before = app.count("audit_events").await;
    for page in [
        format!("roles/{b_role}/delete"),
        format!("branches/{b_branch}/delete"),
        format!("duplicates/merge?keep={b_person}&other={b_twin}"),
        format!("audit?person={b_person}"),
    ] {
        assert_eq!(admin.get(&format!("/t/park/console/{page}")).await.status, StatusCode::NOT_FOUND, "{page}");
    }
    for (path, fields) in [
        (format!("/t/park/console/roles/{b_role}/delete"), vec![]),
        (format!("/t/park/console/roles/{b_role}"), vec![("permission", "clients")]),
        (format!("/t/park/console/branches/{b_branch}"), vec![("name", "Mine")]),
        (format!("/t/park/console/branches/{b_branch}/delete"), vec![]),
        ("/t/park/console/duplicates/merge".to_owned(), vec![("keep", b_person), ("other", b_twin), ("confirmed", "true")]),
        ("/t/park/console/duplicates/address".to_owned(), vec![("person", b_person), ("email", "x@example.com")]),
    ] {
        assert_eq!(admin.post(&path, &fields).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(app.count("audit_events").await, before);
    assert_eq!(app.count("people").await, 3);

    // The forms themselves: a role, a branch, a refused and an accepted setting.
    let answer =
        admin.post("/t/park/console/roles", &[("name", "desk"), ("permission", "people.view"), ("permission", "clients")]).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(location(&answer), "/t/park/console/roles");
    let page = admin.get("/t/park/console/roles").await;
    assert!(page.body.contains(&keyrack_i18n::t(keyrack_core::types::Locale::En, "flash-role-created")));
    let answer = admin.post("/t/park/console/branches", &[("name", "Beach")]).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    let page = admin.get("/t/park/console/branches").await;
    assert!(page.body.contains("Beach") && page.body.contains("nobody has it in scope"), "{}", page.body);
    let base = [
        ("name", "Park"),
        ("language", "nl"),
        ("preset", "default"),
        ("min_score", "3"),
        ("invitation_ttl_hours", "48"),
        ("reset_ttl_minutes", "30"),
    ];
    let mut refused = base.to_vec();
    refused.push(("min_length", "3"));
    let answer = admin.post("/t/park/console/settings", &refused).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.body.contains("id=\"settings.password.min_length\""), "the refused field is named");
    let mut accepted = base.to_vec();
    accepted.push(("min_length", "16"));
    let answer = admin.post("/t/park/console/settings", &accepted).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let s = settings(&app, &t).await;
    assert_eq!((s["password"]["min_length"].as_u64(), s["invitation_ttl_hours"].as_u64()), (Some(16), Some(48)));
    let page = admin.get("/t/park/console/audit?action=tenant.updated").await;
    assert!(page.body.contains("password.min_length: 15 → 16"), "{}", page.body);
}

#[tokio::test]
async fn the_default_language_is_chosen_in_the_settings_audited_and_given_to_new_people() {
    let app = TestApp::spawn().await;
    let t = app.tenant("park").await;
    with_role(&app, &t, "admin@example.com", "administrator").await;
    let mut admin = Visitor::new(&app);
    admin.login("park", "admin@example.com", PASSWORD).await;
    for lang in keyrack_core::types::Locale::ALL {
        let page = admin.get(&format!("/t/park/console/settings?lang={}", lang.as_str())).await;
        let hint = keyrack_i18n::t(*lang, "admin-settings-language-hint");
        assert!(page.body.contains(&hint.replace('\'', "&#x27;")), "{lang:?}: the hint is missing");
    }
    let form = |language: &'static str| {
        vec![
            ("name", "Park"),
            ("language", language),
            ("preset", "default"),
            ("min_length", "15"),
            ("min_score", "3"),
            ("invitation_ttl_hours", "168"),
            ("reset_ttl_minutes", "60"),
        ]
    };
    let language = async || app.get("/api/v1/tenants/park", &t.read_key).await.1["language"].clone();
    let before = (language().await, app.count("audit_events").await);

    let answer = admin.post("/t/park/console/settings?lang=en", &form("xx")).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        answer.body.contains("aria-describedby=\"language-hint\" aria-invalid=\"true\""),
        "the field is marked: {}",
        answer.body
    );
    assert_eq!((language().await, app.count("audit_events").await), before, "a refused language changes nothing");

    let answer = admin.post("/t/park/console/settings", &form("de")).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(language().await, "de");
    let page = admin.get("/t/park/console/audit?action=tenant.updated&lang=en").await;
    assert!(page.body.contains("language: en → de"), "{}", page.body);
    let page = admin.get("/t/park/console/settings").await;
    assert!(page.body.contains("<option value=\"de\" selected>"), "the page shows the stored choice");
    let person = app.person(&t, json!({"kind": "guest", "first_name": "Lena", "email": "lena@example.com"})).await;
    assert_eq!(person["language"], "de", "a new person gets the tenant's language");
}
