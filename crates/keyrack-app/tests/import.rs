//! The import at the use-case level, where the console's actor (a person with a role) exists:
//! rows that would raise rights the importer lacks are invalid (SECURITY-TESTS G.34), and a
//! failure on row 500 of 1,000 during apply leaves nothing behind (G.33). Runs on SQLite or on
//! PostgreSQL (`KEYRACK_TEST_DATABASE_URL`).

#![expect(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use std::sync::Arc;

use keyrack_app::import::{ApplyInput, ApplyRows, ExportFormat, ImportPreview, NoProgress, RowClass};
use keyrack_app::{Actor, AppError, Origin};
use keyrack_sheet::{Column, Limits, read_table};
use keyrack_testkit::{Tenant, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;

const PASSWORD: &str = "lantern orchard velvet 42 tide";

/// A person with an active login and the given role, acting as themselves.
async fn actor_with_role(app: &TestApp, t: &Tenant, email: &str, role: &str) -> Actor {
    let p = app.active_person(t, email, PASSWORD).await;
    let id = p["id"].as_str().unwrap();
    let (s, body) = app
        .call(
            Method::PUT,
            &format!("/api/v1/tenants/{}/people/{id}/role", t.slug),
            Some(&t.write_key),
            Some(json!({"role": role, "permissions": [], "branches": "all"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let tenant = app.app.tenant(&Actor::System, &t.slug).await.unwrap();
    Actor::Person { id: id.to_owned(), tenant_id: tenant.id().to_owned(), label: email.to_owned() }
}

/// The tenant's export as CSV rows, to edit.
async fn export(app: &TestApp, t: &Tenant) -> (Vec<String>, Vec<Vec<String>>) {
    let file = app.app.export(&Actor::System, &t.slug, ExportFormat::Csv { delimiter: b',' }).await.unwrap();
    let table = read_table(&file.bytes, Some("x.csv"), &Limits::default()).unwrap();
    (table.headers, table.rows)
}

fn csv(headers: &[String], rows: &[Vec<String>]) -> Vec<u8> {
    let quote = |v: &String| format!("\"{}\"", v.replace('"', "\"\""));
    let mut out = String::new();
    for line in std::iter::once(headers).chain(rows.iter().map(Vec::as_slice)) {
        out.push_str(&line.iter().map(quote).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

fn at(headers: &[String], column: Column) -> usize {
    headers.iter().position(|h| h == column.name()).unwrap()
}

fn row_of(rows: &[Vec<String>], headers: &[String], email: &str) -> usize {
    rows.iter().position(|r| r[at(headers, Column::Email)] == email).unwrap()
}

async fn preview(app: &TestApp, actor: &Actor, t: &Tenant, bytes: Vec<u8>) -> Result<ImportPreview, AppError> {
    app.app.preview_import(actor, &t.slug, bytes, "people.csv", Arc::new(NoProgress)).await
}

fn errors_of(p: &ImportPreview, row: u32) -> Vec<(String, String)> {
    let r = p.rows.iter().find(|r| r.row == row).unwrap();
    r.errors.iter().map(|e| (e.field.clone(), e.code.clone())).collect()
}

fn class_of(p: &ImportPreview, row: u32) -> RowClass {
    p.rows.iter().find(|r| r.row == row).unwrap().class
}

#[tokio::test]
async fn an_importer_cannot_hand_out_rights_they_do_not_hold() {
    let app = TestApp::spawn().await;
    let t = app.tenant("rights").await;
    let admin = actor_with_role(&app, &t, "admin@example.test", "administrator").await;
    let manager = actor_with_role(&app, &t, "manager@example.test", "manager").await;
    let (s, _) = app
        .post(
            &format!("/api/v1/tenants/{}/roles", t.slug),
            &t.write_key,
            json!({"name": "clerk", "permissions": ["people.view", "people.manage", "import_export"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let clerk = actor_with_role(&app, &t, "clerk@example.test", "clerk").await;
    let staff = actor_with_role(&app, &t, "staff@example.test", "staff").await;
    let granted = app
        .person(
            &t,
            json!({"kind": "staff", "first_name": "Nog", "last_name": "Geen Wachtwoord", "email": "granted@example.test"}),
        )
        .await;
    assert_eq!(app.action(&t, granted["id"].as_str().unwrap(), "grant", json!({})).await.0, StatusCode::OK);

    let (headers, rows) = export(&app, &t).await;
    let (role, permissions, first, password, access) = (
        at(&headers, Column::Role),
        at(&headers, Column::Permissions),
        at(&headers, Column::FirstName),
        at(&headers, Column::Password),
        at(&headers, Column::Access),
    );
    let line = |email: &str| u32::try_from(row_of(&rows, &headers, email)).unwrap() + 2;
    let mut edited = rows.clone();
    edited[row_of(&rows, &headers, "staff@example.test")][role] = "administrator".into();
    edited[row_of(&rows, &headers, "clerk@example.test")][permissions] = "settings.manage|clients".into();
    edited[row_of(&rows, &headers, "admin@example.test")][password] = "quartz meadow lantern 77 river".into();
    edited[row_of(&rows, &headers, "manager@example.test")][first] = "Renamed".into();
    let g = row_of(&rows, &headers, "granted@example.test");
    edited[g][access] = "active".into();
    edited[g][password] = "quartz meadow lantern 77 river".into();
    let file = csv(&headers, &edited);

    // A manager: names and passwords of non-administrators yes; the administrator role, a
    // permission they lack, or an administrator's password no.
    let p = preview(&app, &manager, &t, file.clone()).await.unwrap();
    let staff_errors = errors_of(&p, line("staff@example.test"));
    assert!(staff_errors.contains(&("role".into(), "cannot_grant".into())), "{staff_errors:?}");
    let clerk_errors = errors_of(&p, line("clerk@example.test"));
    assert_eq!(
        clerk_errors,
        [("permissions".to_owned(), "cannot_grant".to_owned())],
        "clients is the manager's, settings.manage is not"
    );
    let admin_errors = errors_of(&p, line("admin@example.test"));
    assert!(admin_errors.contains(&("access".into(), "cannot_grant".into())), "{admin_errors:?}");
    assert_eq!(class_of(&p, line("manager@example.test")), RowClass::Changed);
    assert_eq!(class_of(&p, line("granted@example.test")), RowClass::Changed);
    assert_eq!(p.summary.invalid, 3);

    // A clerk (people.manage without access.manage): names yes, access and passwords no.
    let p_clerk = preview(&app, &clerk, &t, file.clone()).await.unwrap();
    assert_eq!(class_of(&p_clerk, line("manager@example.test")), RowClass::Changed);
    let granted_errors = errors_of(&p_clerk, line("granted@example.test"));
    assert!(granted_errors.contains(&("access".into(), "forbidden".into())), "{granted_errors:?}");
    assert!(granted_errors.contains(&("password".into(), "forbidden".into())), "{granted_errors:?}");

    // Someone without import_export cannot preview at all; nobody applies someone else's
    // preview unless they act as administrator.
    match preview(&app, &staff, &t, file.clone()).await {
        Err(AppError::Forbidden { code: "permission_missing", .. }) => {}
        other => panic!("expected permission_missing, got {other:?}"),
    }
    let all = || ApplyInput { rows: ApplyRows::All, must_change_password: None };
    let origin = Origin::default();
    match app.app.apply_import(&manager, &origin, &t.slug, &p_clerk.id, all(), Arc::new(NoProgress)).await {
        Err(AppError::Forbidden { code: "not_your_import", .. }) => {}
        other => panic!("expected not_your_import, got {other:?}"),
    }

    // The manager's rights change after their preview: their apply is refused.
    let roles = app.app.roles(&Actor::System, &t.slug).await.unwrap();
    let manager_role = roles.iter().find(|r| r.name == "manager").unwrap();
    let mut fewer = manager_role.permissions.clone();
    fewer.retain(|p| p != "reports");
    let (s, _) = app
        .call(
            Method::PUT,
            &format!("/api/v1/tenants/{}/roles/{}", t.slug, manager_role.id),
            Some(&t.write_key),
            Some(json!({"permissions": fewer})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    match app.app.apply_import(&manager, &origin, &t.slug, &p.id, all(), Arc::new(NoProgress)).await {
        Err(AppError::Conflict { code: "rights_changed", .. }) => {}
        other => panic!("expected rights_changed, got {other:?}"),
    }

    // An administrator may apply the clerk's preview; only its valid rows are written.
    let result = app.app.apply_import(&admin, &origin, &t.slug, &p_clerk.id, all(), Arc::new(NoProgress)).await.unwrap();
    assert_eq!((result.updated, result.passwords_set), (1, 0));
    let people = app.app.people(&Actor::System, &t.slug, Default::default()).await.unwrap();
    let staff_person = people.items.iter().find(|p| p.email.as_deref() == Some("staff@example.test")).unwrap();
    assert_eq!(staff_person.access.role.as_deref(), Some("staff"), "the administrator role was not handed out");
    assert!(people.items.iter().any(|p| p.first_name == "Renamed"));
}

#[tokio::test]
async fn a_failure_on_row_500_of_1000_leaves_nothing_behind() {
    let app = TestApp::spawn().await;
    let t = app.tenant("failpoint").await;
    let mut file = String::from("kind,first_name,last_name,email,access\r\n");
    for i in 1..=1000 {
        let access = if i % 10 == 0 { "invited" } else { "none" };
        file.push_str(&format!("guest,Row,Row {i},row{i}@example.test,{access}\r\n"));
    }
    let p = preview(&app, &Actor::System, &t, file.into_bytes()).await.unwrap();
    assert_eq!(p.summary.new, 1000);

    // A failpoint in the database: inserting the person of row 500 fails.
    let postgres = app.db.is_postgres();
    let pool = app.app.store().pool();
    if postgres {
        sqlx::query(
            "CREATE FUNCTION failpoint() RETURNS trigger AS $$ BEGIN IF NEW.last_name = 'Row 500' THEN \
             RAISE EXCEPTION 'failpoint'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
        )
        .execute(pool)
        .await
        .unwrap();
        sqlx::query("CREATE TRIGGER failpoint BEFORE INSERT ON people FOR EACH ROW EXECUTE FUNCTION failpoint()")
            .execute(pool)
            .await
            .unwrap();
    } else {
        sqlx::query(
            "CREATE TRIGGER failpoint BEFORE INSERT ON people WHEN NEW.last_name = 'Row 500' \
             BEGIN SELECT RAISE(ABORT, 'failpoint'); END",
        )
        .execute(pool)
        .await
        .unwrap();
    }
    let (people, events, outbox, links) =
        (app.count("people").await, app.count("audit_events").await, app.count("outbox").await, app.count("links").await);
    let all = || ApplyInput { rows: ApplyRows::All, must_change_password: None };
    let failed = app.app.apply_import(&Actor::System, &Origin::default(), &t.slug, &p.id, all(), Arc::new(NoProgress)).await;
    assert!(matches!(failed, Err(AppError::Internal(_))), "{failed:?}");
    assert_eq!(app.count("people").await, people, "rows 1 to 499 were rolled back");
    assert_eq!(app.count("audit_events").await, events, "no audit event survives");
    assert_eq!((app.count("outbox").await, app.count("links").await), (outbox, links), "no mail, no link");
    assert_eq!(app.count("imports WHERE applied_at IS NULL").await, 1, "still appliable");
    assert_eq!(app.count("import_rows WHERE plan IS NOT NULL").await, 1_000, "with every plan");

    // Without the failpoint the same preview applies in full.
    let drop = if postgres { "DROP TRIGGER failpoint ON people" } else { "DROP TRIGGER failpoint" };
    sqlx::query(drop).execute(pool).await.unwrap();
    let result =
        app.app.apply_import(&Actor::System, &Origin::default(), &t.slug, &p.id, all(), Arc::new(NoProgress)).await.unwrap();
    assert_eq!((result.created, result.invitations_queued), (1000, 100));
    assert_eq!(app.count("people").await, people + 1000);
    assert_eq!(app.count("outbox").await, outbox + 100);
    // person.created ×1000, grant ×100, invite ×100, and the import itself.
    assert_eq!(app.count("audit_events").await, events + 1201);

    // The import's events are links of the tenant's chain, its head (written once, at the end
    // of the apply) names the last of them, and the next action continues the chain from there.
    let chain = || async { app.app.verify_audit(Some(&t.slug)).await.unwrap().remove(0) };
    let after_import = chain().await;
    assert!(after_import.problem.is_none(), "{after_import:?}");
    assert_eq!(after_import.events, after_import.head_seq);
    let person = app.person(&t, serde_json::json!({"kind": "guest", "first_name": "After", "last_name": "Import"})).await;
    assert!(person["id"].is_string(), "{person}");
    let next = chain().await;
    assert!(next.problem.is_none(), "{next:?}");
    assert_eq!(next.head_seq, after_import.head_seq + 1);
}

#[tokio::test]
async fn a_preview_expires_after_a_day() {
    let app = TestApp::spawn().await;
    let t = app.tenant("expiry").await;
    let p = preview(&app, &Actor::System, &t, b"kind,first_name\r\nguest,Laat\r\n".to_vec()).await;
    // No identity column: refused, naming the problem.
    match p {
        Err(AppError::Validation(e)) => assert_eq!(e.0[0].code, "missing_identity_column"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    let p =
        preview(&app, &Actor::System, &t, b"kind,first_name,email\r\nguest,Laat,laat@example.test\r\n".to_vec()).await.unwrap();
    app.clock.advance_ms(25 * 3_600_000);
    let all = ApplyInput { rows: ApplyRows::All, must_change_password: None };
    match app.app.apply_import(&Actor::System, &Origin::default(), &t.slug, &p.id, all, Arc::new(NoProgress)).await {
        Err(AppError::Conflict { code: "import_expired", .. }) => {}
        other => panic!("expected import_expired, got {other:?}"),
    }
    assert_eq!(app.count("people").await, 0);
    // The next preview clears expired ones away.
    preview(&app, &Actor::System, &t, b"email\r\nx@example.test\r\n".to_vec()).await.unwrap();
    assert_eq!(app.count("imports").await, 1);
}

/// A preview is read a page at a time, by class and by offset, in file order, and the whole
/// preview reads back exactly what making it answered; a chosen list applies only those rows.
#[tokio::test]
async fn a_preview_reads_back_a_page_at_a_time_and_applies_the_chosen_rows() {
    let app = TestApp::spawn().await;
    let t = app.tenant("pages").await;
    let headers: Vec<String> = ["first_name", "last_name", "email", "kind"].iter().map(|h| (*h).to_owned()).collect();
    // 12 rows: every third has a broken address, so the classes interleave.
    let rows: Vec<Vec<String>> = (0..12)
        .map(|i| {
            let email = if i % 3 == 2 { format!("not-an-address-{i}") } else { format!("p{i}@example.test") };
            vec![format!("P{i}"), "Paged".into(), email, "guest".into()]
        })
        .collect();
    let made = preview(&app, &Actor::System, &t, csv(&headers, &rows)).await.unwrap();
    assert_eq!((made.summary.new, made.summary.invalid), (8, 4));

    let whole = app.app.import_preview(&Actor::System, &t.slug, &made.id).await.unwrap();
    assert_eq!(whole.rows, made.rows, "the stored rows are the previewed ones, in file order");

    let page = |classes: Vec<RowClass>, offset: u32, limit: u32| {
        let (app, slug, id) = (&app.app, t.slug.clone(), made.id.clone());
        async move {
            let p = app.import_preview_page(&Actor::System, &slug, &id, &classes, offset, limit).await.unwrap();
            assert_eq!(p.summary, made.summary, "every page carries the counts");
            p.rows.iter().map(|r| r.row).collect::<Vec<u32>>()
        }
    };
    let all_numbers: Vec<u32> = made.rows.iter().map(|r| r.row).collect();
    assert_eq!(page(vec![], 0, 5).await, all_numbers[..5]);
    assert_eq!(page(vec![], 10, 5).await, all_numbers[10..]);
    let invalid: Vec<u32> = made.rows.iter().filter(|r| r.class == RowClass::Invalid).map(|r| r.row).collect();
    assert_eq!(page(vec![RowClass::Invalid], 1, 2).await, invalid[1..3]);
    assert_eq!(page(vec![RowClass::New, RowClass::Invalid], 0, 100).await, all_numbers);
    assert!(page(vec![RowClass::Conflict], 0, 10).await.is_empty());

    let other = app.tenant("other-pages").await;
    let foreign = app.app.import_preview_page(&Actor::System, &other.slug, &made.id, &[], 0, 10).await;
    assert!(matches!(foreign, Err(AppError::NotFound)), "another tenant's import is not found");

    let new: Vec<u32> = made.rows.iter().filter(|r| r.class == RowClass::New).map(|r| r.row).collect();
    let chosen = vec![new[0], new[3]];
    let input = ApplyInput { rows: ApplyRows::List(chosen), must_change_password: None };
    let result =
        app.app.apply_import(&Actor::System, &Origin::default(), &t.slug, &made.id, input, Arc::new(NoProgress)).await.unwrap();
    assert_eq!((result.created, result.skipped), (2, 10));
    assert_eq!(app.count("people WHERE last_name = 'Paged'").await, 2);
}
