//! The admin console over HTTP as a browser without JavaScript uses it: the shell (sign-in
//! landing, return path, refusal without `people.view`, the menu by permission), the people
//! list and person page, and the console's authorization (SECURITY-TESTS D.22, E.27, E.29).

use keyrack_testkit::{Tenant, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::pages::{Visitor, location};

pub(crate) const GOOD: &str = "lantern orchard velvet 42 tide";

/// An active person with this role, extra permissions and branches; answers their id.
pub(crate) async fn login_with(
    app: &TestApp,
    t: &Tenant,
    email: &str,
    role: Option<&str>,
    permissions: &[&str],
    branches: Value,
) -> String {
    let p = app.active_person(t, email, GOOD).await;
    let id = p["id"].as_str().unwrap().to_owned();
    let (s, body) = app
        .call(
            reqwest::Method::PUT,
            &format!("/api/v1/tenants/{}/people/{id}/role", t.slug),
            Some(&t.write_key),
            Some(json!({"role": role, "permissions": permissions, "branches": branches})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    id
}

pub(crate) async fn branch(app: &TestApp, t: &Tenant, name: &str) -> String {
    let (s, b) = app.post(&format!("/api/v1/tenants/{}/branches", t.slug), &t.write_key, json!({"name": name})).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    b["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_shell_lands_admins_in_the_console_and_refuses_the_others_calmly() {
    let app = TestApp::spawn().await;
    let t = app.tenant("shell").await;
    login_with(&app, &t, "admin@example.com", Some("administrator"), &[], json!("all")).await;
    login_with(&app, &t, "manager@example.com", Some("manager"), &[], json!("all")).await;
    app.active_person(&t, "staff@example.com", GOOD).await;

    // No session: to the login page, which brings the admin back afterwards.
    let mut admin = Visitor::new(&app);
    let away = admin.get("/t/shell/console?state=active").await;
    assert_eq!(away.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&away), "/t/shell/login?next=%2Ft%2Fshell%2Fconsole%3Fstate%3Dactive");
    let page = admin.get(location(&away)).await;
    assert!(page.body.contains("value=\"/t/shell/console?state=active\""), "the return path is carried by the form");
    let back = admin
        .post(
            "/t/shell/login",
            &[("username", "admin@example.com"), ("password", GOOD), ("next", "/t/shell/console?state=active")],
        )
        .await;
    assert_eq!(location(&back), "/t/shell/console?state=active");
    // A return path elsewhere is never followed.
    let mut other = Visitor::new(&app);
    other.get("/t/shell/login").await;
    let signed = other
        .post("/t/shell/login", &[("username", "admin@example.com"), ("password", GOOD), ("next", "https://evil.test/")])
        .await;
    assert_eq!(location(&signed), "/t/shell/console", "without a usable return path an admin lands in the console");

    let list = admin.get("/t/shell/console").await;
    assert_eq!(list.status, StatusCode::OK);
    for menu in ["People", "Add person", "Roles", "Branches", "Settings", "Audit log", "Shared addresses", "Export"] {
        assert!(list.body.contains(&format!(">{menu}</a>")), "menu entry {menu}");
    }
    assert!(list.body.contains("badge state-active") && list.body.contains("manager@example.com"), "{}", list.body);
    assert!(admin.get("/t/shell/account").await.status == StatusCode::OK, "the account page stays reachable");

    // A manager sees only what they hold.
    let mut manager = Visitor::new(&app);
    assert_eq!(location(&manager.login("shell", "manager@example.com", GOOD).await), "/t/shell/console");
    let list = manager.get("/t/shell/console").await;
    assert!(list.body.contains(">People</a>") && list.body.contains(">Export</a>"));
    assert!(!list.body.contains(">Roles</a>") && !list.body.contains(">Settings</a>"), "no roles.manage, no settings.manage");

    // Export: the file the import reads, as XLSX or as CSV with `;` for European Excel.
    let xlsx = admin.get("/t/shell/console/export").await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert_eq!(xlsx.headers["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    let csv = admin.get("/t/shell/console/export?format=csv&delimiter=%3B").await;
    assert_eq!(csv.status, StatusCode::OK);
    let header = csv.body.lines().next().unwrap_or_default();
    assert!(header.starts_with('\u{feff}') && header.contains(';'), "a BOM and `;` between the columns: {header}");
    assert!(csv.body.contains("manager@example.com"), "{}", csv.body);
    // Someone who may look at people but not export them.
    login_with(&app, &t, "viewer@example.com", Some("staff"), &["people.view"], json!("all")).await;
    let mut viewer = Visitor::new(&app);
    viewer.login("shell", "viewer@example.com", GOOD).await;
    assert!(!viewer.get("/t/shell/console").await.body.contains(">Export</a>"));
    assert_eq!(viewer.get("/t/shell/console/export").await.status, StatusCode::FORBIDDEN);

    // Staff without people.view: their account, and a calm 403 at the console.
    let mut staff = Visitor::new(&app);
    assert_eq!(location(&staff.login("shell", "staff@example.com", GOOD).await), "/t/shell/account");
    let refused = staff.get("/t/shell/console").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.body.contains("This part is for administrators"), "{}", refused.body);
}

/// The ids in a console page's people table, in order.
fn listed(body: &str) -> Vec<String> {
    body.split("name=\"person\" value=\"").skip(1).filter_map(|s| s.split('"').next()).map(str::to_owned).collect()
}

#[tokio::test]
async fn a_branch_manager_sees_and_changes_only_people_of_their_branch() {
    let app = TestApp::spawn().await;
    let t = app.tenant("scope").await;
    let (a, b) = (branch(&app, &t, "Dunes").await, branch(&app, &t, "Forest").await);
    login_with(&app, &t, "manager-a@example.com", Some("manager"), &[], json!([a])).await;
    let in_a = login_with(&app, &t, "staff-a@example.com", Some("staff"), &[], json!([a])).await;
    let in_b = login_with(&app, &t, "staff-b@example.com", Some("staff"), &[], json!([b])).await;
    let everywhere = login_with(&app, &t, "staff-all@example.com", Some("staff"), &[], json!("all")).await;
    let admin = login_with(&app, &t, "admin@example.com", Some("administrator"), &[], json!("all")).await;
    let contact = app.person(&t, json!({"kind": "contact", "first_name": "No", "last_name": "Login"})).await;
    let contact = contact["id"].as_str().unwrap().to_owned();

    let mut m = Visitor::new(&app);
    m.login("scope", "manager-a@example.com", GOOD).await;
    let list = m.get("/t/scope/console").await;
    let ids = listed(&list.body);
    assert!(ids.contains(&in_a) && ids.contains(&contact), "branch A and people without a login: {ids:?}");
    for hidden in [&in_b, &everywhere, &admin] {
        assert!(!ids.contains(hidden), "{hidden} is out of the manager's reach");
        assert_eq!(m.get(&format!("/t/scope/console/people/{hidden}")).await.status, StatusCode::NOT_FOUND);
        let before = app.count(&format!("audit_events WHERE subject_id = '{hidden}'")).await;
        let refused = m.post(&format!("/t/scope/console/people/{hidden}/access/block"), &[("confirmed", "true")]).await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND, "out of reach is not found, like another tenant's id");
        assert_eq!(app.count(&format!("audit_events WHERE subject_id = '{hidden}'")).await, before, "and nothing changed");
    }
    assert_eq!(m.get(&format!("/t/scope/console/people/{in_a}")).await.status, StatusCode::OK);
    // Blocking someone of branch A works, through the confirmation step.
    let asked = m.get(&format!("/t/scope/console/people/{in_a}/access/block")).await;
    assert!(asked.body.contains("name=\"confirmed\""), "a confirmation form");
    let done = m.post(&format!("/t/scope/console/people/{in_a}/access/block"), &[("confirmed", "true")]).await;
    assert_eq!(location(&done), format!("/t/scope/console/people/{in_a}"));
    assert_eq!(app.strings(&format!("SELECT state FROM logins WHERE person_id = '{in_a}'")).await, ["blocked"]);

    // A person the manager grants access to gets the manager's own branches.
    let granted = m.post(&format!("/t/scope/console/people/{contact}/access/grant"), &[("username", "no-login")]).await;
    assert_eq!(granted.status, StatusCode::SEE_OTHER);
    let page = m.get(location(&granted)).await;
    assert!(page.body.contains("badge state-none"), "a contact cannot get access: {}", page.body);
    let guest = app.person(&t, json!({"kind": "guest", "first_name": "Gina", "email": "gina@example.com"})).await;
    let guest = guest["id"].as_str().unwrap().to_owned();
    m.post(&format!("/t/scope/console/people/{guest}/access/grant"), &[]).await;
    assert_eq!(app.strings(&format!("SELECT branch_id FROM login_branches WHERE person_id = '{guest}'")).await, [a.as_str()]);
    assert!(listed(&m.get("/t/scope/console").await.body).contains(&guest), "still within reach");
}

#[tokio::test]
async fn nobody_grants_what_they_do_not_hold() {
    let app = TestApp::spawn().await;
    let t = app.tenant("grant").await;
    let a = branch(&app, &t, "North").await;
    let b = branch(&app, &t, "South").await;
    login_with(&app, &t, "manager@example.com", Some("manager"), &[], json!([a])).await;
    let target = login_with(&app, &t, "staff@example.com", Some("staff"), &[], json!([a])).await;
    let mut m = Visitor::new(&app);
    m.login("grant", "manager@example.com", GOOD).await;
    let role_path = format!("/t/grant/console/people/{target}/role");
    let before = app.count("audit_events").await;
    for (fields, refused) in [
        (vec![("role", "administrator"), ("scope", "some"), ("branch", a.as_str())], "role"),
        (vec![("role", "staff"), ("permission", "roles.manage"), ("scope", "some"), ("branch", a.as_str())], "permissions"),
        (vec![("role", "staff"), ("permission", "settings"), ("scope", "some"), ("branch", a.as_str())], "permissions"),
        (vec![("role", "staff"), ("scope", "some"), ("branch", a.as_str()), ("branch", b.as_str())], "branches"),
        (vec![("role", "staff"), ("scope", "all")], "branches"),
    ] {
        let answer = m.post(&role_path, &fields).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        assert!(answer.body.contains("class=\"error-summary\""), "{fields:?}: {}", answer.body);
        assert!(answer.body.contains(&format!("<li><a href=\"#{refused}\">")), "the refusal names {refused}: {}", answer.body);
    }
    assert_eq!(app.count("audit_events").await, before, "no refused assignment changed anything");
    // What the manager holds, in their branch, is fine.
    let ok = m.post(&role_path, &[("role", "staff"), ("permission", "reports"), ("scope", "some"), ("branch", a.as_str())]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(app.strings(&format!("SELECT permissions FROM logins WHERE person_id = '{target}'")).await, ["[\"reports\"]"]);

    // The built-in administrator role is not editable, and roles need roles.manage (E.27).
    let roles = app.get("/api/v1/tenants/grant/roles", &t.read_key).await.1;
    let admin_role =
        roles.as_array().unwrap().iter().find(|r| r["name"] == "administrator").unwrap()["id"].as_str().unwrap().to_owned();
    let (s, body) = app
        .call(
            reqwest::Method::PUT,
            &format!("/api/v1/tenants/grant/roles/{admin_role}"),
            Some(&t.write_key),
            Some(json!({"permissions": []})),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["code"], "role_not_editable");
}

#[tokio::test]
async fn the_last_administrator_stays() {
    let app = TestApp::spawn().await;
    let t = app.tenant("last").await;
    let admin = login_with(&app, &t, "admin@example.com", Some("administrator"), &[], json!("all")).await;
    // Through the API (E.29): block, remove, demote and delete are refused with 409.
    for action in ["block", "remove"] {
        let (s, body) = app.action(&t, &admin, action, json!({})).await;
        assert_eq!((s, body["code"].as_str()), (StatusCode::CONFLICT, Some("last_administrator")), "{action}");
    }
    let (s, body) = app
        .call(
            reqwest::Method::PUT,
            &format!("/api/v1/tenants/last/people/{admin}/role"),
            Some(&t.write_key),
            Some(json!({"role": "manager"})),
        )
        .await;
    assert_eq!((s, body["code"].as_str()), (StatusCode::CONFLICT, Some("last_administrator")));
    let (s, body) =
        app.call(reqwest::Method::DELETE, &format!("/api/v1/tenants/last/people/{admin}"), Some(&t.write_key), None).await;
    assert_eq!((s, body["code"].as_str()), (StatusCode::CONFLICT, Some("last_administrator")));
    // Through the console: the refusal comes back as a message on the person's page.
    let mut v = Visitor::new(&app);
    v.login("last", "admin@example.com", GOOD).await;
    let refused = v.post(&format!("/t/last/console/people/{admin}/access/block"), &[("confirmed", "true")]).await;
    assert_eq!(location(&refused), format!("/t/last/console/people/{admin}"));
    let page = v.get(location(&refused)).await;
    assert!(page.body.contains("This is the last administrator"), "{}", page.body);
    assert_eq!(app.strings(&format!("SELECT state FROM logins WHERE person_id = '{admin}'")).await, ["active"]);
    // With a second administrator, the first can be blocked.
    login_with(&app, &t, "second@example.com", Some("administrator"), &[], json!("all")).await;
    let (s, _) = app.action(&t, &admin, "block", json!({})).await;
    assert_eq!(s, StatusCode::OK);
}

/// Every table's row count, to show that nothing changed.
async fn snapshot(app: &TestApp) -> Vec<(String, i64)> {
    let mut out = Vec::new();
    for table in ["people", "logins", "login_branches", "links", "outbox", "audit_events", "roles", "branches", "tenants"] {
        out.push((table.to_owned(), app.count(table).await));
    }
    out.push(("states".into(), app.count("logins WHERE state = 'active'").await));
    out
}

#[tokio::test]
async fn console_posts_from_elsewhere_change_nothing_and_no_page_changes_anything() {
    let app = TestApp::spawn().await;
    let t = app.tenant("forgery").await;
    login_with(&app, &t, "admin@example.com", Some("administrator"), &[], json!("all")).await;
    let target = login_with(&app, &t, "target@example.com", Some("staff"), &[], json!("all")).await;
    let mut v = Visitor::new(&app);
    v.login("forgery", "admin@example.com", GOOD).await;
    let mut other = Visitor::new(&app);
    other.login("forgery", "admin@example.com", GOOD).await;
    let foreign = other.csrf();
    assert_ne!(foreign, v.csrf());

    let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
        (format!("/t/forgery/console/people/{target}/access/block"), vec![("confirmed", "true")]),
        (format!("/t/forgery/console/people/{target}/access/remove"), vec![("confirmed", "true")]),
        (format!("/t/forgery/console/people/{target}/details"), vec![("kind", "guest"), ("first_name", "Evil")]),
        (format!("/t/forgery/console/people/{target}/role"), vec![("role", "administrator"), ("scope", "all")]),
        (format!("/t/forgery/console/people/{target}/password"), vec![("generate", "yes")]),
        (format!("/t/forgery/console/people/{target}/username"), vec![("username", "planted")]),
        (format!("/t/forgery/console/people/{target}/notifications"), vec![("category", "invoices")]),
        ("/t/forgery/console/people/new".to_owned(), vec![("kind", "staff"), ("first_name", "Planted")]),
        (
            "/t/forgery/console/people/bulk".to_owned(),
            vec![("action", "block"), ("confirmed", "true"), ("person", target.as_str())],
        ),
    ];
    let before = snapshot(&app).await;
    for (path, fields) in &posts {
        let own = v.csrf();
        for (token, header) in [
            (None, None),
            (Some(foreign.as_str()), None),
            (Some(own.as_str()), Some(("origin", "https://evil.test"))),
            (Some(own.as_str()), Some(("sec-fetch-site", "cross-site"))),
        ] {
            let mut all: Vec<(&str, &str)> = fields.clone();
            all.extend(token.map(|t| ("csrf", t)));
            v.extra = header.map(|(k, val)| vec![(k, val.to_owned())]).unwrap_or_default();
            let answer = v.send(Method::POST, path, Some(&all)).await;
            assert_eq!(answer.status, StatusCode::FORBIDDEN, "{path} with {token:?} {header:?}");
        }
        v.extra.clear();
    }
    assert_eq!(snapshot(&app).await, before, "no refused post changed anything");

    // Crawl every console page an administrator can reach from the list and the person page,
    // including the confirmation steps: nothing changes.
    let mut pages = vec![
        "/t/forgery/console".to_owned(),
        "/t/forgery/console?state=active&kind=staff&email_shared=true".to_owned(),
        "/t/forgery/console/people/new".to_owned(),
        format!("/t/forgery/console/people/{target}"),
    ];
    for action in ["grant", "invite", "block", "unblock", "remove", "reset"] {
        pages.push(format!("/t/forgery/console/people/{target}/access/{action}"));
    }
    let before = snapshot(&app).await;
    for page in &pages {
        let answer = v.get(page).await;
        assert!(answer.status == StatusCode::OK, "{page}: {}", answer.status);
        for href in answer.body.split("href=\"").skip(1).filter_map(|s| s.split('"').next()) {
            if href.starts_with("/t/forgery/console") && !href.contains("/static/") {
                let _ = v.get(&href.replace("&amp;", "&")).await;
            }
        }
    }
    assert_eq!(snapshot(&app).await, before, "no GET changed anything");
}

/// Tommy's article: a reset cannot go out by e-mail while the address is in the account more
/// than once, "voeg de personen dan samen of wijzig het e-mailadres". The person page says so
/// in those words and leads to the shared addresses, where both are done.
#[tokio::test]
async fn a_shared_address_on_the_person_page_says_why_and_leads_to_merging() {
    let app = TestApp::spawn().await;
    let t = app.tenant("dunes").await;
    login_with(&app, &t, "admin@example.com", Some("administrator"), &[], json!("all")).await;
    let twin = app.person(&t, json!({"kind": "owner", "first_name": "Els", "email": "els@example.com"})).await;
    app.person(&t, json!({"kind": "owner", "first_name": "Elsje", "email": "ELS@example.com"})).await;
    let alone = app.person(&t, json!({"kind": "owner", "first_name": "Tom", "email": "tom@example.com"})).await;
    let mut admin = Visitor::new(&app);
    admin.login("dunes", "admin@example.com", GOOD).await;
    let hint = keyrack_i18n::t(keyrack_core::types::Locale::Nl, "console-email-shared-hint");
    let page = admin.get(&format!("/t/dunes/console/people/{}?lang=nl", twin["id"].as_str().unwrap())).await;
    assert!(page.body.contains(&hint) && page.body.contains("href=\"/t/dunes/console/duplicates\""), "{}", page.body);
    let page = admin.get(&format!("/t/dunes/console/people/{}?lang=nl", alone["id"].as_str().unwrap())).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("id=\"email-shared\""), "no hint for an address of one person");
}
