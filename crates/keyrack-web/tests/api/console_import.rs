//! The console's import wizard over HTTP, as a browser without JavaScript uses it: the OneBase
//! workflow of the seeds (export, five passwords and two names changed, upload, exactly those
//! seven changes and every broken password rule, apply, log in), nothing written before apply,
//! the error report, and the refusals (permission, another tenant's or another admin's import,
//! CSRF, too large, damaged, applied twice, expired).

use keyrack_sheet::{Column, Table, write_table_csv};
use keyrack_testkit::{Tenant, TestApp};
use reqwest::StatusCode;
use serde_json::json;

use super::console::{GOOD, login_with};
use super::imports::{authenticate, checksum, classic_policy, col, table};
use super::pages::{Answer, Visitor, location};

const BOUNDARY: &str = "console-import-boundary-q9X2";

/// The form the upload page sends: the CSRF field first, then the file.
fn form(csrf: &str, filename: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={BOUNDARY}"), body)
}

async fn upload(v: &mut Visitor<'_>, slug: &str, csrf: &str, filename: &str, bytes: &[u8]) -> Answer {
    let (content_type, body) = form(csrf, filename, bytes);
    v.post_body(&format!("/t/{slug}/console/import"), &content_type, body).await
}

/// The import id of the redirect after a good upload.
fn import_id(answer: &Answer) -> String {
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    location(answer).rsplit('/').next().unwrap().to_owned()
}

/// How many table rows of each class the page shows.
fn shown(page: &str, class: &str) -> usize {
    page.matches(&format!("data-class=\"{class}\"")).count()
}

fn row_of(sheet: &Table, email: &str) -> usize {
    let e = col(sheet, Column::Email);
    sheet.rows.iter().position(|r| r[e] == email).unwrap()
}

const NEW_PASSWORDS: [&str; 5] =
    ["Zomer#Tulp7Dijk", "Gracht!Fiets42Kaas", "Molen&Wind9Polder", "Haring%Ui3Broodje", "Klomp$Kaas8Water"];

/// A tenant with an administrator signed in to the console and eight active people; the
/// OneBase password rules.
async fn onebase<'a>(app: &'a TestApp, slug: &str) -> (Tenant, Visitor<'a>) {
    let t = app.tenant(slug).await;
    let admin = staffed(app, &t).await;
    (t, admin)
}

/// [`onebase`] for a tenant that exists.
async fn staffed<'a>(app: &'a TestApp, t: &Tenant) -> Visitor<'a> {
    let (t, slug) = (t, t.slug.as_str());
    login_with(app, t, "beheer@bedrijf.example", Some("administrator"), &[], json!("all")).await;
    for i in 0..8 {
        app.active_person(t, &format!("user{i}@bedrijf.example"), GOOD).await;
    }
    classic_policy(app, t).await;
    let mut admin = Visitor::new(app);
    admin.login(slug, "beheer@bedrijf.example", GOOD).await;
    admin
}

/// The export with five passwords, two first names and one weak password filled in.
fn edited(export: &[u8], delimiter: u8) -> (Vec<u8>, Vec<u32>) {
    let mut sheet = table(export, "export.csv");
    let (pw, first) = (col(&sheet, Column::Password), col(&sheet, Column::FirstName));
    let mut changed = Vec::new();
    for (i, p) in NEW_PASSWORDS.iter().enumerate() {
        let r = row_of(&sheet, &format!("user{i}@bedrijf.example"));
        sheet.rows[r][pw] = (*p).into();
        changed.push(sheet.row_numbers[r]);
    }
    for (i, name) in [(5, "Annemieke"), (6, "Bartholomeus")] {
        let r = row_of(&sheet, &format!("user{i}@bedrijf.example"));
        sheet.rows[r][first] = name.into();
        changed.push(sheet.row_numbers[r]);
    }
    let weak = row_of(&sheet, "user7@bedrijf.example");
    sheet.rows[weak][pw] = "welkom".into();
    changed.sort_unstable();
    (write_table_csv(&sheet.headers, &sheet.rows, delimiter), changed)
}

#[tokio::test]
async fn the_onebase_workflow_through_the_console() {
    let app = TestApp::spawn().await;
    let (t, mut admin) = onebase(&app, "gj-dekker").await;
    let menu = admin.get("/t/gj-dekker/console").await;
    assert!(menu.body.contains(">Import</a>"), "the import is in the menu");
    let form_page = admin.get("/t/gj-dekker/console/import").await;
    assert_eq!(form_page.status, StatusCode::OK);
    assert!(form_page.body.contains("enctype=\"multipart/form-data\"") && form_page.body.contains("At most 20 MB"));

    // Download the people as European Excel writes CSV, change them, upload.
    let (s, _, export) = admin.download("/t/gj-dekker/console/export?format=csv&delimiter=%3B").await;
    assert_eq!(s, StatusCode::OK);
    let (file, changed_rows) = edited(&export, b';');
    let before = checksum(&app).await;
    let csrf = admin.csrf();
    let id = import_id(&upload(&mut admin, "gj-dekker", &csrf, "Gebruikers bulk.csv", &file).await);
    assert_eq!(checksum(&app).await, before, "a preview writes nothing but itself");

    let page = admin.get(&format!("/t/gj-dekker/console/import/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    assert!(body.contains("Changes in Gebruikers bulk.csv"), "{body}");
    for (class, n) in [("new", 0), ("changed", 7), ("unchanged", 1), ("invalid", 1), ("conflict", 0)] {
        assert!(body.contains(&format!("<span data-count=\"{class}\">{n}</span>")), "{class}: {n}");
        assert_eq!(shown(body, class), n, "rows of class {class} on the page");
    }
    for secret in NEW_PASSWORDS.iter().chain(&["welkom"]) {
        assert!(!body.contains(secret), "the page shows a password");
    }
    // Every broken rule of the weak password, in words.
    for rule in [
        "The password must be at least 8 characters long.",
        "The password must contain a capital letter.",
        "The password must contain a digit.",
        "The password must contain a special character",
        "This password is too easy to guess.",
    ] {
        assert!(body.contains(rule), "{rule}");
    }
    assert!(body.contains("<code>first_name</code>: <del>Test</del> → <ins>Annemieke</ins>"), "{body}");
    assert_eq!(body.matches("<ins>********</ins>").count(), 6, "five passwords, and the invalid row's");
    // The same in Dutch.
    let nl = admin.get(&format!("/t/gj-dekker/console/import/{id}?lang=nl")).await;
    assert!(nl.body.contains("Het wachtwoord moet minimaal één cijfer bevatten.") && nl.body.contains("Gewijzigd"));
    admin.get(&format!("/t/gj-dekker/console/import/{id}?lang=en")).await;

    // The filter per class, and "tick every changed row" without JavaScript.
    let changed = admin.get(&format!("/t/gj-dekker/console/import/{id}?class=changed")).await;
    assert_eq!((shown(&changed.body, "changed"), shown(&changed.body, "invalid")), (7, 0));
    assert_eq!(changed.body.matches(" checked aria-label=\"Apply row").count(), 0);
    let ticked = admin.get(&format!("/t/gj-dekker/console/import/{id}?class=changed&check=changed")).await;
    assert_eq!(ticked.body.matches(" checked aria-label=\"Apply row").count(), 7);
    let invalid = admin.get(&format!("/t/gj-dekker/console/import/{id}?class=invalid")).await;
    assert!(!invalid.body.contains("name=\"row\""), "an invalid row cannot be ticked");

    // Nothing ticked: told so, nothing applied. A forged post: refused.
    let none = admin.post(&format!("/t/gj-dekker/console/import/{id}/apply"), &[("select", "rows")]).await;
    assert_eq!(location(&none), format!("/t/gj-dekker/console/import/{id}"));
    assert!(admin.get(location(&none)).await.body.contains("Tick at least one row"));
    let forged = admin
        .send(
            reqwest::Method::POST,
            &format!("/t/gj-dekker/console/import/{id}/apply"),
            Some(&[("csrf", "forged"), ("select", "changed")]),
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(checksum(&app).await, before, "nothing changes before apply");

    // Apply the seven ticked rows.
    let numbers: Vec<String> = changed_rows.iter().map(ToString::to_string).collect();
    let mut fields = vec![("select", "rows"), ("must_change_shown", "1")];
    fields.extend(numbers.iter().map(|n| ("row", n.as_str())));
    let applied = admin.post(&format!("/t/gj-dekker/console/import/{id}/apply"), &fields).await;
    assert_eq!(location(&applied), format!("/t/gj-dekker/console/import/{id}"), "{}", applied.body);
    let result = admin.get(location(&applied)).await;
    for line in ["The import is applied.", "People changed: 7", "Passwords set: 5", "Rows not applied: 2"] {
        assert!(result.body.contains(line), "{line}: {}", result.body);
    }
    assert!(!result.body.contains("name=\"select\""), "an applied import offers no apply");
    let again = admin.post(&format!("/t/gj-dekker/console/import/{id}/apply"), &[("select", "changed")]).await;
    assert!(admin.get(location(&again)).await.body.contains("This import has already been applied."));

    // The error report: the uploaded file back (CSV with `;`), passwords left out, with the
    // errors of the weak row in a last column.
    let (s, headers, report) = admin.download(&format!("/t/gj-dekker/console/import/{id}/report")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(headers["content-disposition"].to_str().unwrap().contains("Gebruikers bulk-errors.csv"));
    let text = String::from_utf8(report.clone()).unwrap();
    assert!(text.lines().next().unwrap().ends_with(";errors"), "{text}");
    assert!(NEW_PASSWORDS.iter().chain(&["welkom"]).all(|p| !text.contains(p)), "the report holds a password");
    let back = table(&report, "report.csv");
    let errors = back.headers.len() - 1;
    let weak = row_of(&back, "user7@bedrijf.example");
    assert!(back.rows[weak][errors].contains("password: The password must contain a digit."), "{text}");
    assert_eq!(back.rows.iter().filter(|r| !r[errors].is_empty()).count(), 1);
    assert_eq!(back.rows.len(), 9);

    // The new password opens the tenant's login page; the weak row changed nothing.
    let mut person = Visitor::new(&app);
    let signed_in = person.login("gj-dekker", "user0@bedrijf.example", NEW_PASSWORDS[0]).await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER, "{}", signed_in.body);
    assert!(person.session("gj-dekker").is_some());
    assert_eq!(authenticate(&app, &t, "user0@bedrijf.example", GOOD).await, StatusCode::UNAUTHORIZED);
    assert_eq!(authenticate(&app, &t, "user7@bedrijf.example", GOOD).await, StatusCode::OK);
}

#[tokio::test]
async fn selecting_by_class_applies_every_row_of_it_across_pages() {
    let app = TestApp::spawn().await;
    let (_, mut admin) = onebase(&app, "paged").await;
    let (_, _, export) = admin.download("/t/paged/console/export?format=csv").await;
    let mut sheet = table(&export, "export.csv");
    let (first, email) = (col(&sheet, Column::FirstName), col(&sheet, Column::Email));
    // 120 new people: three pages of rows.
    let template = sheet.rows[0].clone();
    for i in 0..120 {
        let mut row = vec![String::new(); template.len()];
        row[first] = format!("Nieuw {i}");
        row[email] = format!("nieuw{i}@bedrijf.example");
        row[col(&sheet, Column::Kind)] = "guest".into();
        sheet.rows.push(row);
    }
    let file = write_table_csv(&sheet.headers, &sheet.rows, b',');
    let csrf = admin.csrf();
    let id = import_id(&upload(&mut admin, "paged", &csrf, "many.csv", &file).await);
    let first_page = admin.get(&format!("/t/paged/console/import/{id}?class=new")).await;
    assert_eq!(shown(&first_page.body, "new"), 50);
    assert!(first_page.body.contains("Page 1 of 3") && first_page.body.contains("Apply all new rows (120)"));
    let last = admin.get(&format!("/t/paged/console/import/{id}?class=new&page=3")).await;
    assert_eq!(shown(&last.body, "new"), 20);
    let people = app.count("people").await;
    let applied = admin.post(&format!("/t/paged/console/import/{id}/apply"), &[("select", "new")]).await;
    assert_eq!(location(&applied), format!("/t/paged/console/import/{id}"));
    assert_eq!(app.count("people").await, people + 120);
    assert!(admin.get(location(&applied)).await.body.contains("People added: 120"));
}

#[tokio::test]
async fn the_wizard_refuses_what_it_must_and_changes_nothing() {
    let app = TestApp::spawn_with(|c| c.import_limits.max_bytes = 64 * 1024).await;
    let t = app.tenant("park").await;
    login_with(&app, &t, "viewer@bedrijf.example", Some("staff"), &["people.view"], json!("all")).await;
    login_with(&app, &t, "manager@bedrijf.example", Some("manager"), &["import_export"], json!("all")).await;
    let mut admin = staffed(&app, &t).await;
    let (_, _, export) = admin.download("/t/park/console/export?format=csv").await;
    let (file, _) = edited(&export, b',');
    let csrf = admin.csrf();
    let id = import_id(&upload(&mut admin, "park", &csrf, "people.csv", &file).await);

    // Someone who may see people but not import: no menu entry, 403 on every route.
    let mut viewer = Visitor::new(&app);
    viewer.login("park", "viewer@bedrijf.example", GOOD).await;
    assert!(!viewer.get("/t/park/console").await.body.contains(">Import</a>"));
    for path in [
        "/t/park/console/import".to_owned(),
        format!("/t/park/console/import/{id}"),
        format!("/t/park/console/import/{id}/report"),
    ] {
        assert_eq!(viewer.get(&path).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    let csrf = viewer.csrf();
    assert_eq!(upload(&mut viewer, "park", &csrf, "people.csv", &file).await.status, StatusCode::FORBIDDEN);
    let refused = viewer.post(&format!("/t/park/console/import/{id}/apply"), &[("select", "changed")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // An admin of the tenant with import_export who is not an administrator: another admin's
    // import is not theirs to see.
    let mut manager = Visitor::new(&app);
    manager.login("park", "manager@bedrijf.example", GOOD).await;
    assert_eq!(manager.get("/t/park/console/import").await.status, StatusCode::OK);
    assert_eq!(manager.get(&format!("/t/park/console/import/{id}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(manager.get(&format!("/t/park/console/import/{id}/report")).await.status, StatusCode::NOT_FOUND);
    let refused = manager.post(&format!("/t/park/console/import/{id}/apply"), &[("select", "changed")]).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);

    // Another tenant's administrator: not found.
    let (_, mut stranger) = onebase(&app, "elders").await;
    for path in [format!("/t/elders/console/import/{id}"), format!("/t/elders/console/import/{id}/report")] {
        assert_eq!(stranger.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    let refused = stranger.post(&format!("/t/elders/console/import/{id}/apply"), &[("select", "changed")]).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);

    // A forged upload, a file just over the limit, a damaged workbook, no file at all.
    let before = checksum(&app).await;
    let imports = app.count("imports").await;
    assert_eq!(upload(&mut admin, "park", "forged", "people.csv", &file).await.status, StatusCode::FORBIDDEN);
    let csrf = admin.csrf();
    let big = upload(&mut admin, "park", &csrf, "big.csv", &vec![b'a'; 64 * 1024 + 1]).await;
    assert_eq!(big.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(big.body.contains("The file is too large: it can be at most 65536 bytes."), "{}", big.body);
    let damaged = upload(&mut admin, "park", &csrf, "people.xlsx", b"PK\x03\x04 not really a workbook").await;
    assert_eq!(damaged.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(damaged.body.contains("The file is damaged"), "{}", damaged.body);
    let empty = upload(&mut admin, "park", &csrf, "", b"").await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("imports").await, imports, "no refused upload is stored");
    assert_eq!(checksum(&app).await, before);

    // A preview is kept for 24 hours (the session does not last that long either).
    app.clock.advance_ms(24 * 3_600_000 + 1_000);
    admin.login("park", "beheer@bedrijf.example", GOOD).await;
    let before = checksum(&app).await;
    let page = admin.get(&format!("/t/park/console/import/{id}")).await;
    assert!(page.body.contains("This preview has expired") && !page.body.contains("name=\"select\""), "{}", page.body);
    let late = admin.post(&format!("/t/park/console/import/{id}/apply"), &[("select", "changed")]).await;
    assert!(admin.get(location(&late)).await.body.contains("This preview has expired. Upload the file again."));
    assert_eq!(checksum(&app).await, before);
}
