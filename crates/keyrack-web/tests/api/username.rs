//! Changing the username of an existing login (the Swiss portal's "Kontoname ändern"): through
//! the API and the console, the person signs in with the new name only, stays signed in and
//! keeps their links; the people list finds the new name; every refusal changes nothing.

use keyrack_testkit::{Tenant, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::console::{GOOD, branch, login_with};
use super::pages::{Visitor, location};

async fn rename(app: &TestApp, t: &Tenant, id: &str, body: Value) -> (StatusCode, Value) {
    app.action(t, id, "username", body).await
}

async fn authenticate(app: &TestApp, t: &Tenant, username: &str, password: &str) -> (StatusCode, Value) {
    app.call(
        Method::POST,
        &format!("/api/v1/tenants/{}/authenticate", t.slug),
        None,
        Some(json!({"username": username, "password": password})),
    )
    .await
}

/// The person's `access.username` events, newest first (sign-ins are events too).
async fn renames(app: &TestApp, t: &Tenant, id: &str) -> Vec<Value> {
    let (s, page) = app.get(&format!("/api/v1/tenants/{}/people/{id}/audit", t.slug), &t.read_key).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    page["items"].as_array().unwrap().iter().filter(|e| e["action"] == "access.username").cloned().collect()
}

/// The ids the people list answers for this search.
async fn found(app: &TestApp, t: &Tenant, q: &str) -> Vec<String> {
    let (s, page) = app.get(&format!("/api/v1/tenants/{}/people?q={q}", t.slug), &t.read_key).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    page["items"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().to_owned()).collect()
}

/// Everything a rename could touch, straight from the database: the login row, the person's
/// search text and terms, the audit log, sessions and links.
async fn stored(app: &TestApp, id: &str) -> Vec<String> {
    let mut out = app
        .strings(&format!(
            "SELECT username || '|' || username_folded || '|' || state || '|' || CAST(updated_at AS TEXT) FROM logins \
             WHERE person_id = '{id}'"
        ))
        .await;
    out.extend(app.strings(&format!("SELECT search_text FROM people WHERE id = '{id}'")).await);
    out.extend(app.strings(&format!("SELECT term FROM person_terms WHERE person_id = '{id}' ORDER BY term")).await);
    for table in ["audit_events", "sessions", "links", "outbox", "logins"] {
        out.push(format!("{table}: {}", app.count(table).await));
    }
    out
}

#[tokio::test]
async fn the_new_username_signs_in_and_the_old_one_is_refused_like_any_unknown_name() {
    let app = TestApp::spawn().await;
    let t = app.tenant("rename").await;
    let anna = app.active_person(&t, "anna@example.com", GOOD).await;
    let anna = anna["id"].as_str().unwrap().to_owned();
    // Anna is signed in to her account page while the name changes.
    let mut browser = Visitor::new(&app);
    assert_eq!(location(&browser.login("rename", "anna@example.com", GOOD).await), "/t/rename/account");
    let sessions = app.count(&format!("sessions WHERE person_id = '{anna}'")).await;
    assert!(renames(&app, &t, &anna).await.is_empty());

    let (s, p) = rename(&app, &t, &anna, json!({"username": "  Tresorier.Noord  "})).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["access"]["username"], "Tresorier.Noord", "trimmed, stored as typed");
    assert_eq!(p["access"]["state"], "active");

    // The new name in any case signs in; the old one gets exactly the answer of a name nobody has.
    let (s, signed) = authenticate(&app, &t, "tresorier.NOORD", GOOD).await;
    assert_eq!(s, StatusCode::OK, "{signed}");
    assert_eq!(signed["id"], anna.as_str());
    let (s, old) = authenticate(&app, &t, "anna@example.com", GOOD).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(old["code"], "invalid_credentials");
    assert_eq!(old, authenticate(&app, &t, "nobody@example.com", GOOD).await.1, "the same answer as for an unknown name");

    // She stays signed in: the same session still opens her account page.
    assert_eq!(app.count(&format!("sessions WHERE person_id = '{anna}'")).await, sessions);
    let account = browser.get("/t/rename/account").await;
    assert_eq!(account.status, StatusCode::OK, "the session outlived the rename");
    assert!(account.body.contains("Tresorier.Noord"), "the account page shows the new name");

    // One audit event with the old and the new name.
    let all = renames(&app, &t, &anna).await;
    assert_eq!(all.len(), 1, "{all:?}");
    let event = &all[0];
    assert_eq!(event["before"], json!({"username": "anna@example.com"}));
    assert_eq!(event["after"], json!({"username": "Tresorier.Noord"}));
    assert_eq!(event["actor"]["kind"], "api_key");

    // The people list finds the new name by the beginning of each part.
    assert_eq!(found(&app, &t, "tresor").await, vec![anna.clone()]);
    assert_eq!(found(&app, &t, "noord").await, vec![anna.clone()]);

    // A change of case only is a change: stored as typed, with its event.
    let (s, p) = rename(&app, &t, &anna, json!({"username": "TRESORIER.noord"})).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["access"]["username"], "TRESORIER.noord");
    assert_eq!(renames(&app, &t, &anna).await.len(), 2);
    // Exactly the current name: nothing to do, nothing recorded.
    let unchanged = stored(&app, &anna).await;
    let (s, p) = rename(&app, &t, &anna, json!({"username": "TRESORIER.noord"})).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(stored(&app, &anna).await, unchanged);

    // Another rename drops the previous name's search terms.
    assert_eq!(rename(&app, &t, &anna, json!({"username": "kassa-7"})).await.0, StatusCode::OK);
    assert!(found(&app, &t, "tresor").await.is_empty(), "the old name is not found any more");
    assert_eq!(found(&app, &t, "kassa-7").await, vec![anna.clone()]);
    assert_eq!(authenticate(&app, &t, "kassa-7", GOOD).await.0, StatusCode::OK);
    assert_eq!(authenticate(&app, &t, "tresorier.noord", GOOD).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_invitation_sent_before_the_rename_still_opens_and_the_new_name_signs_in() {
    let app = TestApp::spawn().await;
    let t = app.tenant("invited").await;
    let p = app.person(&t, json!({"kind": "owner", "first_name": "Joost", "email": "joost@example.com"})).await;
    let id = p["id"].as_str().unwrap().to_owned();
    assert_eq!(app.action(&t, &id, "grant", json!({})).await.0, StatusCode::OK);
    let (s, invited) = app.action(&t, &id, "invite", json!({"send_email": false})).await;
    assert_eq!(s, StatusCode::OK, "{invited}");
    let token = invited["link"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();

    let (s, p) = rename(&app, &t, &id, json!({"username": "joost-vh"})).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["access"]["state"], "invited", "the state stays");

    let (s, active) = app
        .call(Method::POST, "/api/v1/tenants/invited/links/accept", None, Some(json!({"token": token, "password": GOOD})))
        .await;
    assert_eq!(s, StatusCode::OK, "the link issued before the rename still works: {active}");
    assert_eq!(authenticate(&app, &t, "joost-vh", GOOD).await.0, StatusCode::OK);
    assert_eq!(authenticate(&app, &t, "joost@example.com", GOOD).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn every_refused_rename_changes_nothing() {
    let app = TestApp::spawn().await;
    let t = app.tenant("refused").await;
    let anna = app.active_person(&t, "anna@example.com", GOOD).await;
    let anna = anna["id"].as_str().unwrap().to_owned();
    let bob = app.active_person(&t, "bob@example.com", GOOD).await;
    let bob = bob["id"].as_str().unwrap().to_owned();
    let contact = app.person(&t, json!({"kind": "contact", "first_name": "Cor", "email": "cor@example.com"})).await;
    let contact = contact["id"].as_str().unwrap().to_owned();
    let elsewhere = app.tenant("elsewhere").await;
    let stranger = app.active_person(&elsewhere, "stranger@example.com", GOOD).await;
    let stranger = stranger["id"].as_str().unwrap().to_owned();

    let cases: Vec<(&str, &str, Value, StatusCode, &str)> = vec![
        ("taken", bob.as_str(), json!({"username": "anna@example.com"}), StatusCode::CONFLICT, "username_taken"),
        ("taken in other case", bob.as_str(), json!({"username": "ANNA@Example.COM"}), StatusCode::CONFLICT, "username_taken"),
        ("taken after trimming", bob.as_str(), json!({"username": " Anna@example.com "}), StatusCode::CONFLICT, "username_taken"),
        ("a space", bob.as_str(), json!({"username": "bob de bouwer"}), StatusCode::UNPROCESSABLE_ENTITY, "invalid_username"),
        ("empty", bob.as_str(), json!({"username": "   "}), StatusCode::UNPROCESSABLE_ENTITY, "required"),
        ("too long", bob.as_str(), json!({"username": "b".repeat(255)}), StatusCode::UNPROCESSABLE_ENTITY, "too_long"),
        (
            "a control character",
            bob.as_str(),
            json!({"username": "bob\u{7}"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_username",
        ),
        ("no login", contact.as_str(), json!({"username": "cor"}), StatusCode::CONFLICT, "access_not_granted"),
        ("another tenant's person", stranger.as_str(), json!({"username": "mine"}), StatusCode::NOT_FOUND, "not_found"),
        (
            "another tenant's person, a bad name",
            stranger.as_str(),
            json!({"username": "a b"}),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        ("no login, a bad name", contact.as_str(), json!({"username": "a b"}), StatusCode::CONFLICT, "access_not_granted"),
        ("nobody", "01a0000000-unknown", json!({"username": "ghost"}), StatusCode::NOT_FOUND, "not_found"),
    ];
    let people = [&anna, &bob, &contact];
    for (why, id, body, status, code) in cases {
        let before: Vec<Vec<String>> = stored_all(&app, &people, &stranger).await;
        let (s, problem) = rename(&app, &t, id, body).await;
        assert_eq!(s, status, "{why}: {problem}");
        if status == StatusCode::UNPROCESSABLE_ENTITY {
            assert_eq!(problem["errors"][0]["field"], "username", "{why}: {problem}");
            assert_eq!(problem["errors"][0]["code"], code, "{why}: {problem}");
        } else {
            assert_eq!(problem["code"], code, "{why}: {problem}");
        }
        assert_eq!(stored_all(&app, &people, &stranger).await, before, "{why} changed something");
    }
    // A body without the name, with another field, and a read-only key.
    let before = stored_all(&app, &people, &stranger).await;
    let (s, problem) = rename(&app, &t, bob.as_str(), json!({})).await;
    assert_eq!((s, problem["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("username")), "{problem}");
    let (s, _) = rename(&app, &t, bob.as_str(), json!({"username": "bobby", "role": "administrator"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, problem) =
        app.post(&format!("/api/v1/tenants/refused/people/{bob}/access/username"), &t.read_key, json!({"username": "b2"})).await;
    assert_eq!((s, problem["code"].as_str()), (StatusCode::FORBIDDEN, Some("read_only_key")));
    // Another tenant's key on this tenant's person.
    let (s, _) = app
        .post(&format!("/api/v1/tenants/refused/people/{bob}/access/username"), &elsewhere.write_key, json!({"username": "b3"}))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(stored_all(&app, &people, &stranger).await, before);
    // Bob still signs in with his name, and the name refused to him is still Anna's.
    assert_eq!(authenticate(&app, &t, "bob@example.com", GOOD).await.0, StatusCode::OK);
    assert_eq!(authenticate(&app, &t, "anna@example.com", GOOD).await.1["id"], anna.as_str());

    // A name that another tenant uses is free here: uniqueness is per tenant.
    let (s, p) = rename(&app, &t, bob.as_str(), json!({"username": "stranger@example.com"})).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    // After Anna's rename, her old name is free for Bob.
    assert_eq!(rename(&app, &t, &anna, json!({"username": "anna2"})).await.0, StatusCode::OK);
    assert_eq!(rename(&app, &t, bob.as_str(), json!({"username": "Anna@example.com"})).await.0, StatusCode::OK);
}

/// [`stored`] for each of these people and the stranger of the other tenant.
async fn stored_all(app: &TestApp, people: &[&String], stranger: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for id in people {
        out.push(stored(app, id).await);
    }
    out.push(stored(app, stranger).await);
    out
}

#[tokio::test]
async fn a_branch_manager_renames_people_of_their_branch_only_and_never_an_administrator() {
    let app = TestApp::spawn().await;
    let t = app.tenant("scope").await;
    let (a, b) = (branch(&app, &t, "Dunes").await, branch(&app, &t, "Forest").await);
    login_with(&app, &t, "manager-a@example.com", Some("manager"), &[], json!([a])).await;
    login_with(&app, &t, "manager@example.com", Some("manager"), &[], json!("all")).await;
    let in_a = login_with(&app, &t, "staff-a@example.com", Some("staff"), &[], json!([a])).await;
    let in_b = login_with(&app, &t, "staff-b@example.com", Some("staff"), &[], json!([b])).await;
    let admin = login_with(&app, &t, "admin@example.com", Some("administrator"), &[], json!("all")).await;

    let mut m = Visitor::new(&app);
    m.login("scope", "manager-a@example.com", GOOD).await;
    let before = stored(&app, &in_b).await;
    let refused = m.post(&format!("/t/scope/console/people/{in_b}/username"), &[("username", "taken-over")]).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "out of reach is not found, as for the other access actions");
    assert_eq!(stored(&app, &in_b).await, before, "and nothing changed");
    let done = m.post(&format!("/t/scope/console/people/{in_a}/username"), &[("username", "dunes-staff")]).await;
    assert_eq!(location(&done), format!("/t/scope/console/people/{in_a}"));
    assert_eq!(app.strings(&format!("SELECT username FROM logins WHERE person_id = '{in_a}'")).await, ["dunes-staff"]);

    // A manager of every branch may not rename an administrator: no form, and a post is refused.
    let mut all = Visitor::new(&app);
    all.login("scope", "manager@example.com", GOOD).await;
    let page = all.get(&format!("/t/scope/console/people/{admin}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("/username\""), "no username form for an administrator's login");
    assert!(all.get(&format!("/t/scope/console/people/{in_b}")).await.body.contains(&format!("/people/{in_b}/username\"")));
    let before = stored(&app, &admin).await;
    let refused = all.post(&format!("/t/scope/console/people/{admin}/username"), &[("username", "not-the-admin")]).await;
    assert_eq!(location(&refused), format!("/t/scope/console/people/{admin}"));
    let page = all.get(location(&refused)).await;
    assert!(page.body.contains("flash bad"), "the refusal is said on the page: {}", page.body);
    assert_eq!(stored(&app, &admin).await, before);
    assert_eq!(authenticate(&app, &t, "admin@example.com", GOOD).await.0, StatusCode::OK);
}

#[tokio::test]
async fn the_console_form_changes_the_username_and_says_why_it_refuses_in_the_admins_language() {
    let app = TestApp::spawn().await;
    let t = app.tenant("kontoname").await;
    let admin = login_with(&app, &t, "admin@example.com", Some("administrator"), &[], json!("all")).await;
    let (s, body) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/tenants/kontoname/people/{admin}"),
            Some(&t.write_key),
            Some(json!({"language": "de"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let target = app.active_person(&t, "mia@example.com", GOOD).await;
    let target = target["id"].as_str().unwrap().to_owned();
    app.active_person(&t, "lukas@example.com", GOOD).await;
    let contact = app.person(&t, json!({"kind": "contact", "first_name": "Ohne", "last_name": "Zugang"})).await;
    let contact = contact["id"].as_str().unwrap().to_owned();
    let path = format!("/t/kontoname/console/people/{target}/username");

    let mut v = Visitor::new(&app);
    v.login("kontoname", "admin@example.com", GOOD).await;
    let page = v.get(&format!("/t/kontoname/console/people/{target}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Kontoname ändern"), "the seed's words: {}", page.body);
    assert!(page.body.contains(&format!("action=\"{path}\"")) && page.body.contains("value=\"mia@example.com\""));
    // No login, no form.
    let page = v.get(&format!("/t/kontoname/console/people/{contact}")).await;
    assert!(!page.body.contains(&format!("/people/{contact}/username\"")), "no form without a login");

    // Without the CSRF token, or with another's: refused, nothing changed.
    let before = stored(&app, &target).await;
    let forged = v.send(Method::POST, &path, Some(&[("username", "forged")])).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let forged = v.send(Method::POST, &path, Some(&[("username", "forged"), ("csrf", "not-the-token")])).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(stored(&app, &target).await, before);

    // A malformed name: the form again, the message next to the field in German, the typed name kept.
    let refused = v.post(&path, &[("username", "mia von hier")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Ein Kontoname darf keine Leerzeichen enthalten."), "{}", refused.body);
    assert!(refused.body.contains("<li><a href=\"#username\">"), "the summary leads to the field: {}", refused.body);
    assert!(refused.body.contains("value=\"mia von hier\"") && refused.body.contains("aria-invalid=\"true\""));
    // A name someone else has, in another case: refused next to the field as well.
    let refused = v.post(&path, &[("username", "LUKAS@example.com")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let taken = keyrack_i18n::t(keyrack_core::types::Locale::De, "field-username_taken");
    assert!(refused.body.contains(&taken), "{taken}: {}", refused.body);
    assert_eq!(stored(&app, &target).await, before, "no refused post changed anything");

    // The change: POST, redirect, GET with the message; the history names it.
    let done = v.post(&path, &[("username", "Mia.Berger")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&done), format!("/t/kontoname/console/people/{target}"));
    let page = v.get(location(&done)).await;
    assert!(page.body.contains("Der Kontoname wurde geändert."), "{}", page.body);
    assert!(page.body.contains("<dd>Mia.Berger</dd>"), "{}", page.body);
    let event = keyrack_i18n::t(keyrack_core::types::Locale::De, "console-event-access-username");
    assert!(page.body.contains(&event), "the history shows the change: {}", page.body);
    assert!(!v.get(location(&done)).await.body.contains("Der Kontoname wurde geändert."), "the message is shown once");
    assert_eq!(authenticate(&app, &t, "mia.berger", GOOD).await.0, StatusCode::OK);
    let all = renames(&app, &t, &target).await;
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0]["actor"]["kind"], "person", "the admin is recorded as the actor");
    assert_eq!(all[0]["actor"]["id"], admin.as_str());
}
