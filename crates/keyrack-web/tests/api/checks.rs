//! `POST /check` and `GET /recipients` through the real API: each decision code with its
//! reason, refusals that name the field, other tenants' ids as 404, who receives which e-mail in
//! which branch, and a property test of every `/check` answer against a reference model written
//! here (SECURITY-TESTS E.26).

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};

use keyrack_testkit::{Tenant, TestApp};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn branch(app: &TestApp, t: &Tenant, name: &str) -> String {
    let (s, b) = app.post(&format!("/api/v1/tenants/{}/branches", t.slug), &t.write_key, json!({"name": name})).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    b["id"].as_str().unwrap().to_owned()
}

/// Sets role, extra permissions and branch scope of a login.
async fn assign(app: &TestApp, t: &Tenant, id: &str, body: Value) {
    let path = format!("/api/v1/tenants/{}/people/{id}/role", t.slug);
    let (s, p) = app.call(Method::PUT, &path, Some(&t.write_key), Some(body)).await;
    assert_eq!(s, StatusCode::OK, "{p}");
}

/// A staff member who can log in (granted, then given a generated password).
async fn staff_who_can_log_in(app: &TestApp, t: &Tenant, first_name: &str) -> String {
    let email = format!("{}@example.com", first_name.to_lowercase());
    let p = app.person(t, json!({"kind": "staff", "first_name": first_name, "last_name": "Test", "email": email})).await;
    let id = p["id"].as_str().unwrap().to_owned();
    let (s, p) = app.action(t, &id, "grant", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    let (s, p) = app.action(t, &id, "password", json!({"generate": true})).await;
    assert_eq!((s, p["access"]["state"].as_str()), (StatusCode::OK, Some("active")), "{p}");
    id
}

async fn check(app: &TestApp, t: &Tenant, key: &str, body: Value) -> (StatusCode, Value) {
    app.post(&format!("/api/v1/tenants/{}/check", t.slug), key, body).await
}

/// Asks with the read key and answers (allowed, code, reason), checking the echoed fields.
async fn decide(app: &TestApp, t: &Tenant, person: &str, permission: &str, branch: Option<&str>) -> (bool, String, String) {
    let (s, d) = check(app, t, &t.read_key, json!({"person": person, "permission": permission, "branch": branch})).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!((d["person"].as_str(), d["permission"].as_str(), d["branch"].as_str()), (Some(person), Some(permission), branch));
    (d["allowed"].as_bool().unwrap(), d["code"].as_str().unwrap().to_owned(), d["reason"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn each_decision_with_its_reason() {
    let app = TestApp::spawn().await;
    let t = app.tenant("checks").await;
    let north = branch(&app, &t, "North").await;
    let south = branch(&app, &t, "South").await;

    // Granting a staff member gives the `staff` role, which holds `appointments.own`.
    let anna = staff_who_can_log_in(&app, &t, "Anna").await;
    let (allowed, code, reason) = decide(&app, &t, &anna, "appointments.own", None).await;
    assert_eq!((allowed, code.as_str()), (true, "allowed_by_role"));
    assert_eq!(reason, "Allowed: the role 'staff' includes 'appointments.own'.");
    let (allowed, code, reason) = decide(&app, &t, &anna, "clients", None).await;
    assert_eq!((allowed, code.as_str()), (false, "permission_missing"));
    assert!(reason.starts_with("Not allowed:") && reason.contains("'clients'"), "{reason}");

    // An extra permission, and a branch scope of North only.
    assign(&app, &t, &anna, json!({"role": "staff", "permissions": ["clients"], "branches": [north]})).await;
    let (allowed, code, reason) = decide(&app, &t, &anna, "clients", Some(&north)).await;
    assert_eq!((allowed, code.as_str()), (true, "allowed_by_extra_permission"));
    assert_eq!(reason, format!("Allowed: 'clients' is an extra permission of this login in the branch '{north}'."));
    let (allowed, code, reason) = decide(&app, &t, &anna, "appointments.own", Some(&south)).await;
    assert_eq!((allowed, code.as_str()), (false, "branch_out_of_scope"));
    assert!(reason.contains(&south), "the reason names the branch: {reason}");
    assert_eq!(decide(&app, &t, &anna, "appointments.own", Some(&north)).await.1, "allowed_by_role");
    // Without a branch, scope is not considered.
    assert_eq!(decide(&app, &t, &anna, "appointments.own", None).await.1, "allowed_by_role");

    // No role: only the extra permissions count.
    assign(&app, &t, &anna, json!({"role": null, "permissions": ["clients"], "branches": "all"})).await;
    assert_eq!(decide(&app, &t, &anna, "appointments.own", None).await.1, "no_role");
    assert_eq!(decide(&app, &t, &anna, "clients", Some(&south)).await.1, "allowed_by_extra_permission");

    // The administrator holds everything everywhere, whatever scope is stored.
    let boss = staff_who_can_log_in(&app, &t, "Boss").await;
    assign(&app, &t, &boss, json!({"role": "administrator", "permissions": [], "branches": [north]})).await;
    for permission in ["roles.manage", "settings.manage", "portal.guest", "helpdesk"] {
        let (allowed, code, _) = decide(&app, &t, &boss, permission, Some(&south)).await;
        assert_eq!((allowed, code.as_str()), (true, "administrator"), "{permission}");
    }

    // Blocked: nothing, not even what the role holds; unblocked: back.
    assign(&app, &t, &anna, json!({"role": "staff", "permissions": [], "branches": "all"})).await;
    assert_eq!(app.action(&t, &anna, "block", json!({})).await.0, StatusCode::OK);
    let (allowed, code, reason) = decide(&app, &t, &anna, "appointments.own", None).await;
    assert_eq!((allowed, code.as_str()), (false, "no_access"));
    assert!(reason.contains("'appointments.own'"), "{reason}");
    assert_eq!(app.action(&t, &anna, "unblock", json!({})).await.0, StatusCode::OK);
    assert_eq!(decide(&app, &t, &anna, "appointments.own", None).await.1, "allowed_by_role");

    // Granted but without a password yet: cannot log in, so nothing either.
    let p = app.person(&t, json!({"kind": "staff", "first_name": "Nopass", "email": "nopass@example.com"})).await;
    let nopass = p["id"].as_str().unwrap();
    assert_eq!(app.action(&t, nopass, "grant", json!({})).await.0, StatusCode::OK);
    assert_eq!(decide(&app, &t, nopass, "appointments.own", None).await.1, "no_access");

    // A person without a login.
    let p = app.person(&t, json!({"kind": "contact", "first_name": "Carl", "email": "carl@example.com"})).await;
    let carl = p["id"].as_str().unwrap();
    let (allowed, code, reason) = decide(&app, &t, carl, "people.view", Some(&north)).await;
    assert_eq!((allowed, code.as_str()), (false, "no_access"));
    assert!(reason.contains("no login") && reason.contains("'people.view'"), "{reason}");

    // Asking changes nothing and writes no audit event.
    let events = app.count("audit_events").await;
    decide(&app, &t, &anna, "clients", None).await;
    assert_eq!(app.count("audit_events").await, events);
}

#[tokio::test]
async fn bad_questions_are_refused_and_other_tenants_ids_are_not_found() {
    let app = TestApp::spawn().await;
    let a = app.tenant("check-a").await;
    let b = app.tenant("check-b").await;
    let a_person = staff_who_can_log_in(&app, &a, "Alice").await;
    let a_branch = branch(&app, &a, "Harbour").await;
    let b_person = staff_who_can_log_in(&app, &b, "Bob").await;
    let b_branch = branch(&app, &b, "Dunes").await;

    // An unknown permission, or one that is not even a permission name: 422 on `permission`.
    for permission in ["appointments.everything", "APPOINTMENTS.OWN", ""] {
        let (s, problem) = check(&app, &a, &a.read_key, json!({"person": a_person, "permission": permission})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{permission}: {problem}");
        assert_eq!(problem["errors"][0]["field"], "permission", "{problem}");
    }
    // A catalogue entry the operator adds is a permission like any other.
    let (s, d) = check(&app, &a, &a.read_key, json!({"person": a_person, "permission": "online_booking"})).await;
    assert_eq!((s, d["code"].as_str()), (StatusCode::OK, Some("permission_missing")), "{d}");

    // Unknown fields and missing ones are named.
    let (s, problem) =
        check(&app, &a, &a.write_key, json!({"person": a_person, "permission": "clients", "role": "administrator"})).await;
    assert_eq!((s, problem["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("role")), "{problem}");
    let (s, problem) = check(&app, &a, &a.read_key, json!({"person": a_person})).await;
    assert_eq!((s, problem["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("permission")), "{problem}");

    // Unknown ids, and B's ids asked with A's keys: 404, never 403.
    for (key, body) in [
        (&a.read_key, json!({"person": "no-such-person", "permission": "clients"})),
        (&a.read_key, json!({"person": b_person, "permission": "clients"})),
        (&a.write_key, json!({"person": b_person, "permission": "clients", "branch": b_branch})),
        (&a.read_key, json!({"person": a_person, "permission": "clients", "branch": b_branch})),
        (&a.read_key, json!({"person": a_person, "permission": "clients", "branch": "no-such-branch"})),
    ] {
        let (s, problem) = check(&app, &a, key, body.clone()).await;
        assert_eq!((s, problem["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")), "{body}: {problem}");
    }
    // A's key on B's tenant: 404 even for a body it could not read.
    for body in [json!({"person": b_person, "permission": "clients"}), json!({"nonsense": true})] {
        let (s, problem) = check(&app, &b, &a.read_key, body).await;
        assert_eq!((s, problem["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")), "{problem}");
    }
    let (s, problem) = app.call(Method::POST, "/api/v1/tenants/check-b/check", Some(&a.write_key), None).await;
    assert_eq!((s, problem["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")), "{problem}");
    // Its own tenant without a body: the body is the problem.
    let (s, _) = app.call(Method::POST, "/api/v1/tenants/check-a/check", Some(&a.write_key), None).await;
    assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // Without a key: 401.
    let (s, _) = app
        .call(Method::POST, "/api/v1/tenants/check-a/check", None, Some(json!({"person": a_person, "permission": "clients"})))
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // A's own branch works.
    let (s, d) =
        check(&app, &a, &a.read_key, json!({"person": a_person, "permission": "appointments.own", "branch": a_branch})).await;
    assert_eq!((s, d["allowed"].as_bool()), (StatusCode::OK, Some(true)), "{d}");
}

/// The ids in a recipients answer, checking that every item has exactly the documented fields.
async fn recipients(app: &TestApp, t: &Tenant, query: &str) -> (StatusCode, Value, BTreeSet<String>) {
    let (s, body) = app.get(&format!("/api/v1/tenants/{}/recipients?{query}", t.slug), &t.read_key).await;
    let mut ids = BTreeSet::new();
    if s == StatusCode::OK {
        for item in body["items"].as_array().unwrap() {
            let mut fields: Vec<&str> = item.as_object().unwrap().keys().map(String::as_str).collect();
            fields.sort_unstable();
            assert_eq!(fields, ["email", "first_name", "id", "kind", "language", "last_name"], "{item}");
            ids.insert(item["id"].as_str().unwrap().to_owned());
        }
    }
    (s, body, ids)
}

fn ids(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

#[tokio::test]
async fn recipients_by_category_and_branch() {
    let app = TestApp::spawn().await;
    let t = app.tenant("mailing").await;
    let other = app.tenant("mailing-other").await;
    let north = branch(&app, &t, "North").await;
    let south = branch(&app, &t, "South").await;
    let other_branch = branch(&app, &other, "Elsewhere").await;

    let person = |first: &str, kind: &str, email: Option<&str>, categories: &[&str]| json!({"kind": kind, "first_name": first, "last_name": "Doe", "email": email, "language": "nl", "notifications": categories});
    // No login: receives mail, reaches no branch.
    let contact = app.person(&t, person("Contact", "contact", Some("contact@example.com"), &["invoices"])).await;
    let contact = contact["id"].as_str().unwrap();
    // A login in every branch.
    let all = app.person(&t, person("All", "staff", Some("all@example.com"), &["invoices", "newsletter"])).await;
    let all = all["id"].as_str().unwrap();
    assert_eq!(app.action(&t, all, "grant", json!({})).await.0, StatusCode::OK);
    // A login in North only.
    let northern = app.person(&t, person("Northern", "staff", Some("north@example.com"), &["invoices"])).await;
    let northern = northern["id"].as_str().unwrap();
    assert_eq!(app.action(&t, northern, "grant", json!({})).await.0, StatusCode::OK);
    assign(&app, &t, northern, json!({"role": "staff", "branches": [north]})).await;
    // An administrator whose stored scope is North: the role reaches every branch.
    let admin = app.person(&t, person("Admin", "staff", Some("admin@example.com"), &["invoices"])).await;
    let admin = admin["id"].as_str().unwrap();
    assert_eq!(app.action(&t, admin, "grant", json!({})).await.0, StatusCode::OK);
    assign(&app, &t, admin, json!({"role": "administrator", "branches": [north]})).await;
    // Blocked from logging in, still a recipient: e-mail categories are not about access.
    let blocked = app.person(&t, person("Blocked", "guest", Some("blocked@example.com"), &["invoices"])).await;
    let blocked = blocked["id"].as_str().unwrap();
    assert_eq!(app.action(&t, blocked, "grant", json!({})).await.0, StatusCode::OK);
    assert_eq!(app.action(&t, blocked, "block", json!({})).await.0, StatusCode::OK);
    // Opted in without an address, and with an address but not opted in: never recipients.
    app.person(&t, person("Noaddress", "contact", None, &["invoices", "newsletter"])).await;
    app.person(&t, person("Optedout", "contact", Some("out@example.com"), &["reminders"])).await;
    // Another tenant's person who opted in.
    app.person(&other, person("Other", "contact", Some("other@example.com"), &["invoices"])).await;

    let (s, body, got) = recipients(&app, &t, "category=invoices").await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["category"], "invoices");
    assert_eq!(got, ids(&[contact, all, northern, admin, blocked]));
    // In creation order, with the person's fields.
    let order: Vec<&str> = body["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(order, [contact, all, northern, admin, blocked]);
    assert_eq!(
        body["items"][0],
        json!({"id": contact, "first_name": "Contact", "last_name": "Doe", "email": "contact@example.com", "language": "nl", "kind": "contact"})
    );

    assert_eq!(recipients(&app, &t, &format!("category=invoices&branch={north}")).await.2, ids(&[all, northern, admin, blocked]));
    assert_eq!(recipients(&app, &t, &format!("category=invoices&branch={south}")).await.2, ids(&[all, admin, blocked]));
    assert_eq!(recipients(&app, &t, "category=newsletter").await.2, ids(&[all]));
    assert_eq!(recipients(&app, &t, &format!("category=newsletter&branch={south}")).await.2, ids(&[all]));
    assert!(recipients(&app, &t, "category=reservations").await.2.is_empty());
    // An empty branch is no branch.
    assert_eq!(recipients(&app, &t, "category=invoices&branch=").await.2, ids(&[contact, all, northern, admin, blocked]));

    // Opting out takes effect at once.
    let path = format!("/api/v1/tenants/mailing/people/{all}/notifications");
    let (s, _) = app.call(Method::PUT, &path, Some(&t.write_key), Some(json!({"notifications": ["invoices"]}))).await;
    assert_eq!(s, StatusCode::OK);
    assert!(recipients(&app, &t, "category=newsletter").await.2.is_empty());

    // An unknown or missing category: 422 on `category`; an unknown parameter is named too.
    for query in ["category=spam", "category=", "branch=x", "category=invoices&role=administrator"] {
        let (s, problem, _) = recipients(&app, &t, query).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {problem}");
        let expected = if query.contains("role=") { "role" } else { "category" };
        assert_eq!(problem["errors"][0]["field"], expected, "{query}: {problem}");
    }
    // An unknown branch and another tenant's: 404.
    for query in [format!("category=invoices&branch={other_branch}"), "category=invoices&branch=nowhere".to_owned()] {
        let (s, problem, _) = recipients(&app, &t, &query).await;
        assert_eq!((s, problem["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")), "{query}: {problem}");
    }
    // Another tenant's key on this tenant: 404, whatever the query.
    for query in ["category=invoices", "category=spam", ""] {
        let (s, problem) = app.get(&format!("/api/v1/tenants/mailing/recipients?{query}"), &other.read_key).await;
        assert_eq!((s, problem["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")), "{query}: {problem}");
    }
}

/// Categories that `LIKE` alone would confuse: case (SQLite's `LIKE` ignores ASCII case), `_`
/// (a wildcard unless escaped) and a name that is the start of another.
#[tokio::test]
async fn recipients_match_the_category_exactly() {
    let categories = ["news", "News", "newsletter", "last_minute", "lastXminute"];
    let app = TestApp::spawn_with(|c| c.email_categories = categories.iter().map(|s| (*s).to_owned()).collect()).await;
    let t = app.tenant("exact").await;
    let mut by_category: Vec<(&str, String)> = Vec::new();
    for (i, category) in categories.iter().enumerate() {
        let email = format!("p{i}@example.com");
        let p = app.person(&t, json!({"kind": "contact", "first_name": "P", "email": email, "notifications": [category]})).await;
        by_category.push((category, p["id"].as_str().unwrap().to_owned()));
    }
    for (category, id) in &by_category {
        let (s, body, got) = recipients(&app, &t, &format!("category={category}")).await;
        assert_eq!(s, StatusCode::OK, "{body}");
        assert_eq!(got, ids(&[id.as_str()]), "{category}");
    }
}

// ---- SECURITY-TESTS E.26: every /check answer equals a reference model. ----

/// Keyrack's own permissions and catalogue entries; `reports` is in no built-in role below.
const PERMISSIONS: &[&str] = &["people.view", "access.manage", "roles.manage", "appointments.own", "clients", "reports"];
/// What the built-in `staff` role holds in a new tenant (SPEC §2).
const STAFF_ROLE: &[&str] = &["appointments.own"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// No login at all.
    NoAccess,
    /// A login without a password.
    Granted,
    Active,
    Blocked,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Role {
    None,
    Administrator,
    Staff,
    Custom(Vec<&'static str>),
}

#[derive(Debug, Clone)]
struct Case {
    state: State,
    role: Role,
    extra: Vec<&'static str>,
    /// `None` for all branches, else indexes into the tenant's branches (0..3 of 4).
    scope: Option<Vec<usize>>,
}

fn case_strategy() -> impl Strategy<Value = Case> {
    let state =
        prop_oneof![1 => Just(State::NoAccess), 1 => Just(State::Granted), 3 => Just(State::Active), 1 => Just(State::Blocked)];
    let role = prop_oneof![
        1 => Just(Role::None),
        1 => Just(Role::Administrator),
        1 => Just(Role::Staff),
        3 => proptest::sample::subsequence(PERMISSIONS, 0..=PERMISSIONS.len()).prop_map(Role::Custom),
    ];
    let extra = proptest::sample::subsequence(PERMISSIONS, 0..=3);
    let scope = proptest::option::of(proptest::sample::subsequence(vec![0_usize, 1, 2], 0..=3));
    (state, role, extra, scope).prop_map(|(state, role, extra, scope)| Case { state, role, extra, scope })
}

/// The rules of SPEC §2 restated over plain values: (allowed, code).
fn model(c: &Case, permission: &str, branch: Option<usize>) -> (bool, &'static str) {
    if c.state != State::Active {
        return (false, "no_access");
    }
    let role_holds: &[&str] = match &c.role {
        Role::Administrator => return (true, "administrator"),
        Role::None => &[],
        Role::Staff => STAFF_ROLE,
        Role::Custom(list) => list,
    };
    let by_role = role_holds.contains(&permission);
    let by_extra = c.extra.contains(&permission);
    if !by_role && !by_extra {
        return if c.role == Role::None { (false, "no_role") } else { (false, "permission_missing") };
    }
    let in_scope = match (&c.scope, branch) {
        (None, _) | (_, None) => true,
        (Some(list), Some(b)) => list.contains(&b),
    };
    if !in_scope {
        (false, "branch_out_of_scope")
    } else if by_role {
        (true, "allowed_by_role")
    } else {
        (true, "allowed_by_extra_permission")
    }
}

struct World {
    app: TestApp,
    t: Tenant,
    branches: Vec<String>,
    cases: AtomicUsize,
}

impl World {
    /// Creates the person of one case through the API and answers their id.
    async fn person(&self, c: &Case) -> String {
        let n = self.cases.fetch_add(1, Ordering::Relaxed);
        let p = self
            .app
            .person(&self.t, json!({"kind": "staff", "first_name": format!("Case{n}"), "email": format!("case{n}@example.com")}))
            .await;
        let id = p["id"].as_str().unwrap().to_owned();
        if c.state == State::NoAccess {
            return id;
        }
        assert_eq!(self.app.action(&self.t, &id, "grant", json!({})).await.0, StatusCode::OK);
        let role = match &c.role {
            Role::None => Value::Null,
            Role::Administrator => json!("administrator"),
            Role::Staff => json!("staff"),
            Role::Custom(permissions) => {
                let name = format!("custom-{n}");
                let (s, r) = self
                    .app
                    .post(
                        &format!("/api/v1/tenants/{}/roles", self.t.slug),
                        &self.t.write_key,
                        json!({"name": name, "permissions": permissions}),
                    )
                    .await;
                assert_eq!(s, StatusCode::CREATED, "{r}");
                json!(name)
            }
        };
        let branches = match &c.scope {
            None => json!("all"),
            Some(list) => json!(list.iter().map(|i| &self.branches[*i]).collect::<Vec<_>>()),
        };
        assign(&self.app, &self.t, &id, json!({"role": role, "permissions": c.extra, "branches": branches})).await;
        if matches!(c.state, State::Active | State::Blocked) {
            assert_eq!(self.app.action(&self.t, &id, "password", json!({"generate": true})).await.0, StatusCode::OK);
        }
        if c.state == State::Blocked {
            let (s, p) = self.app.action(&self.t, &id, "block", json!({})).await;
            assert_eq!(s, StatusCode::OK, "{p}");
        }
        id
    }

    /// Asks every permission in no branch and in each of the four branches; the first answer
    /// that differs from the model is the failure.
    async fn compare(&self, c: &Case) -> Result<(), String> {
        let id = self.person(c).await;
        for permission in PERMISSIONS {
            for branch in std::iter::once(None).chain((0..self.branches.len()).map(Some)) {
                let body = json!({"person": id, "permission": permission, "branch": branch.map(|b| &self.branches[b])});
                let (s, d) = check(&self.app, &self.t, &self.t.read_key, body).await;
                if s != StatusCode::OK {
                    return Err(format!("{permission} in {branch:?}: {s} {d}"));
                }
                let got = (d["allowed"].as_bool().unwrap_or_default(), d["code"].as_str().unwrap_or_default());
                let expected = model(c, permission, branch);
                if got != expected {
                    return Err(format!("{permission} in branch {branch:?}: got {got:?}, the model says {expected:?} ({d})"));
                }
                let reason = d["reason"].as_str().unwrap_or_default();
                let opening = if expected.0 { "Allowed: " } else { "Not allowed: " };
                if !reason.starts_with(opening) || !reason.contains(&format!("'{permission}'")) {
                    return Err(format!("the reason does not say it and name the permission: {reason}"));
                }
            }
        }
        Ok(())
    }
}

#[test]
fn check_answers_equal_the_reference_model() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let world = rt.block_on(async {
        let app = TestApp::spawn().await;
        let t = app.tenant("branch-model").await;
        let mut branches = Vec::new();
        for name in ["B0", "B1", "B2", "B3"] {
            branches.push(branch(&app, &t, name).await);
        }
        // A standing administrator, so that a case may block its own administrator (the last
        // one cannot be blocked).
        let keeper = staff_who_can_log_in(&app, &t, "Keeper").await;
        assign(&app, &t, &keeper, json!({"role": "administrator", "permissions": [], "branches": "all"})).await;
        World { app, t, branches, cases: AtomicUsize::new(0) }
    });
    let mut runner = TestRunner::new(Config { cases: 30, failure_persistence: None, ..Config::default() });
    let result = runner.run(&case_strategy(), |c| rt.block_on(world.compare(&c)).map_err(TestCaseError::fail));
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// Recipients come a page at a time, like the people list: `limit` (1 to 200) per page,
/// `next_cursor` to pass as `cursor`, null on the last page. Every page is full even where the
/// rows that `LIKE` lets through but the exact check drops (here, on SQLite, `News` for `news`)
/// lie between the recipients.
#[tokio::test]
async fn recipients_are_paged_with_a_cursor_and_full_pages() {
    let app = TestApp::spawn_with(|c| c.email_categories = vec!["news".into(), "News".into()]).await;
    let t = app.tenant("paged").await;
    let mut expected = Vec::new();
    for i in 0..7 {
        for (category, first) in [("news", "Reader"), ("News", "Other"), ("News", "Other")] {
            let email = format!("{first}{i}@example.com");
            let p = app
                .person(&t, json!({"kind": "contact", "first_name": first, "email": email, "notifications": [category]}))
                .await;
            if category == "news" {
                expected.push(p["id"].as_str().unwrap().to_owned());
            }
        }
    }
    let mut seen = Vec::new();
    let mut cursor = String::new();
    let mut pages = 0;
    loop {
        let (s, body, _) = recipients(&app, &t, &format!("category=news&limit=3&cursor={cursor}")).await;
        assert_eq!(s, StatusCode::OK, "{body}");
        let items = body["items"].as_array().unwrap();
        pages += 1;
        seen.extend(items.iter().map(|i| i["id"].as_str().unwrap().to_owned()));
        match body["next_cursor"].as_str() {
            Some(next) => {
                assert_eq!(items.len(), 3, "a page before the last is full");
                assert_eq!(next, seen.last().unwrap(), "the cursor is the page's last id");
                cursor = next.to_owned();
            }
            None => break,
        }
    }
    assert_eq!((seen, pages), (expected.clone(), 3), "7 recipients in pages of 3, in creation order, none twice");
    let (_, body, _) = recipients(&app, &t, "category=news").await;
    assert_eq!((body["items"].as_array().unwrap().len(), body["next_cursor"].is_null()), (7, true), "50 by default");
    let (_, body, _) = recipients(&app, &t, "category=news&limit=1").await;
    assert_eq!(body["next_cursor"], expected[0]);
    let (s, problem, _) = recipients(&app, &t, "category=news&limit=many").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert!(problem["detail"].as_str().unwrap().contains("limit"), "the parameter is named: {problem}");
}
