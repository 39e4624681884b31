//! The spreadsheet round trip through the API (SPEC §6, SECURITY-TESTS G.31, G.33, G.34): the
//! OneBase workflow of the seeds (export, change names and passwords, upload, preview, apply,
//! log in), the preview writing nothing, apply being all or nothing, formula cells, rights,
//! another tenant's ids, and the file formats and encodings real spreadsheets write.

use keyrack_sheet::{Column, Limits, Table, read_table};
use keyrack_testkit::{Tenant, TestApp};
use reqwest::header::CONTENT_TYPE;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

pub(crate) const BOUNDARY: &str = "keyrack-test-boundary-7MA4YWxkTrZu0gW";
const PASSWORD: &str = "lantern orchard velvet 42 tide";

/// A `multipart/form-data` body with one field `file`: its content type and bytes.
pub(crate) fn multipart(filename: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={BOUNDARY}"), body)
}

/// Uploads a file for a preview and answers status and body.
pub(crate) async fn upload(app: &TestApp, slug: &str, key: &str, filename: &str, bytes: &[u8]) -> (StatusCode, Value) {
    let (content_type, body) = multipart(filename, bytes);
    let res = app
        .client
        .post(format!("{}/api/v1/tenants/{slug}/imports", app.base))
        .bearer_auth(key)
        .header(CONTENT_TYPE, content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// A preview that must succeed.
async fn preview(app: &TestApp, t: &Tenant, filename: &str, bytes: &[u8]) -> Value {
    let (s, p) = upload(app, &t.slug, &t.write_key, filename, bytes).await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    p
}

async fn apply(app: &TestApp, t: &Tenant, key: &str, import: &Value, rows: Value) -> (StatusCode, Value) {
    let id = import["id"].as_str().unwrap();
    app.post(&format!("/api/v1/tenants/{}/imports/{id}/apply", t.slug), key, json!({"rows": rows})).await
}

/// Downloads an export: status, content type, content disposition and bytes.
async fn download(app: &TestApp, t: &Tenant, key: &str, query: &str) -> (StatusCode, String, String, Vec<u8>) {
    let res =
        app.client.get(format!("{}/api/v1/tenants/{}/export{query}", app.base, t.slug)).bearer_auth(key).send().await.unwrap();
    let header = |name: &str| res.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let (status, content_type, disposition) = (res.status(), header("content-type"), header("content-disposition"));
    (status, content_type, disposition, res.bytes().await.unwrap().to_vec())
}

async fn export(app: &TestApp, t: &Tenant, query: &str) -> Vec<u8> {
    let (s, _, _, bytes) = download(app, t, &t.read_key, query).await;
    assert_eq!(s, StatusCode::OK);
    bytes
}

pub(crate) fn table(bytes: &[u8], name: &str) -> Table {
    read_table(bytes, Some(name), &Limits::default()).unwrap()
}

pub(crate) fn col(table: &Table, column: Column) -> usize {
    table.headers.iter().position(|h| h == column.name()).unwrap()
}

/// The sheet as an admin saves it from Excel: every cell a string.
pub(crate) fn xlsx(headers: &[String], rows: &[Vec<String>]) -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(0, u16::try_from(c).unwrap(), h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                sheet.write_string(u32::try_from(r + 1).unwrap(), u16::try_from(c).unwrap(), v).unwrap();
            }
        }
    }
    workbook.save_to_buffer().unwrap()
}

fn summary(p: &Value) -> [u64; 5] {
    let s = &p["summary"];
    ["new", "changed", "unchanged", "invalid", "conflict"].map(|k| s[k].as_u64().unwrap())
}

fn rows_of<'a>(p: &'a Value, class: &str) -> Vec<&'a Value> {
    p["rows"].as_array().unwrap().iter().filter(|r| r["class"] == class).collect()
}

fn changed_fields(row: &Value) -> Vec<&str> {
    row["changes"].as_array().unwrap().iter().map(|c| c["field"].as_str().unwrap()).collect()
}

fn error_codes(row: &Value) -> Vec<&str> {
    row["errors"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect()
}

pub(crate) async fn authenticate(app: &TestApp, t: &Tenant, username: &str, password: &str) -> StatusCode {
    app.call(
        Method::POST,
        &format!("/api/v1/tenants/{}/authenticate", t.slug),
        None,
        Some(json!({"username": username, "password": password})),
    )
    .await
    .0
}

/// The OneBase rule of the seed: at least 8 characters with a digit, a special character, an
/// upper-case and a lower-case letter (the `classic` preset, plus the estimator).
pub(crate) async fn classic_policy(app: &TestApp, t: &Tenant) {
    let policy = json!({"preset": "classic", "min_length": 8, "require_lower": true, "require_upper": true,
        "require_digit": true, "require_symbol": true, "min_score": 3});
    let (s, body) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/tenants/{}", t.slug),
            Some(&t.write_key),
            Some(json!({"settings": {"password": policy}})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
}

/// Every row of every table an import may touch, as text: equal before and after means the
/// database did not change (G.33).
pub(crate) async fn checksum(app: &TestApp) -> Vec<Vec<String>> {
    let mut all = Vec::new();
    for sql in [
        "SELECT id || '|' || version || '|' || kind || '|' || first_name || '|' || last_name || '|' || COALESCE(email, '') \
         || '|' || phones || '|' || notifications || '|' || updated_at FROM people ORDER BY id",
        "SELECT person_id || '|' || username || '|' || state || '|' || COALESCE(password_hash, '') || '|' || COALESCE(role_id, '') \
         || '|' || permissions || '|' || branch_scope || '|' || updated_at FROM logins ORDER BY person_id",
        "SELECT person_id || '|' || branch_id FROM login_branches ORDER BY person_id, branch_id",
        "SELECT id || '|' || COALESCE(used_at, 0) FROM links ORDER BY id",
        "SELECT id_hash FROM sessions ORDER BY id_hash",
        "SELECT id FROM audit_events ORDER BY id",
        "SELECT id FROM outbox ORDER BY id",
    ] {
        all.push(app.strings(sql).await);
    }
    all
}

/// The seed's "Optie 2": export, fill in new passwords (and fix two names) in Excel, upload,
/// review exactly the changed users, apply, log in with the new password.
#[tokio::test]
async fn onebase_bulk_password_reset_through_the_sheet() {
    let app = TestApp::spawn().await;
    let t = app.tenant("gj-dekker").await;
    let mut people = Vec::new();
    for i in 0..6 {
        people.push(app.active_person(&t, &format!("user{i}@bedrijf.example"), PASSWORD).await);
    }
    app.person(&t, json!({"kind": "guest", "first_name": "Gast", "last_name": "Zonder Toegang"})).await;
    app.person(&t, json!({"kind": "contact", "first_name": "Leverancier", "email": "info@leverancier.example"})).await;
    classic_policy(&app, &t).await;

    let (s, content_type, disposition, bytes) = download(&app, &t, &t.write_key, "?format=xlsx").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(content_type, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert!(disposition.starts_with("attachment; filename=\"gj-dekker-people-2026-03-01.xlsx\""), "{disposition}");
    let mut sheet = table(&bytes, "export.xlsx");
    assert_eq!(sheet.rows.len(), 8);
    let (first, pw) = (col(&sheet, Column::FirstName), col(&sheet, Column::Password));
    assert!(sheet.rows.iter().all(|r| r[pw].is_empty()), "the export never holds a password");

    // Row i of the sheet is people[i] (export order is creation order).
    let new_passwords = ["Zomer#Tulp7Dijk", "Gracht!Fiets42Kaas", "Molen&Wind9Polder", "Haring%Ui3Broodje"];
    sheet.rows[0][first] = "Annemieke".into();
    sheet.rows[1][first] = "Bartholomeus".into();
    for (i, p) in new_passwords.iter().enumerate() {
        sheet.rows[2 + i][pw] = (*p).into();
    }
    sheet.rows[0][pw] = "welkom".into(); // breaks the policy four ways and is guessable
    let edited = xlsx(&sheet.headers, &sheet.rows);

    let p = preview(&app, &t, "Gebruikers bulk.xlsx", &edited).await;
    assert_eq!(p["filename"], "Gebruikers bulk.xlsx");
    assert_eq!(summary(&p), [0, 5, 2, 1, 0], "{p}");
    let text = p.to_string();
    for secret in new_passwords.iter().chain(&["welkom"]) {
        assert!(!text.contains(secret), "the preview echoes a password");
    }
    let invalid = rows_of(&p, "invalid");
    assert_eq!(invalid[0]["person_id"], people[0]["id"]);
    let mut codes = error_codes(invalid[0]);
    codes.sort_unstable();
    assert_eq!(codes, ["needs_digit", "needs_symbol", "needs_uppercase", "too_guessable", "too_short"], "{p}");
    assert!(invalid[0]["errors"].as_array().unwrap().iter().all(|e| e["field"] == "password"));
    let changed = rows_of(&p, "changed");
    assert_eq!(changed[0]["person_id"], people[1]["id"]);
    assert_eq!(changed[0]["changes"], json!([{"field": "first_name", "old": "Test", "new": "Bartholomeus"}]));
    for (row, person) in changed[1..].iter().zip(&people[2..6]) {
        assert_eq!(row["person_id"], person["id"]);
        assert_eq!(row["changes"], json!([{"field": "password", "old": "", "new": "********"}]));
        assert_eq!(row["actions"], json!(["set_password"]));
    }
    // The first row's name change is there too, but the row cannot be applied as a whole.
    assert_eq!(changed_fields(invalid[0]), ["first_name", "password"]);

    // Apply every applicable row: the bad row stays as it was.
    let events = app.count("audit_events").await;
    let (s, result) = apply(&app, &t, &t.write_key, &p, json!("all")).await;
    assert_eq!(s, StatusCode::OK, "{result}");
    assert_eq!(result, json!({"created": 0, "updated": 5, "invitations_queued": 0, "passwords_set": 4, "skipped": 3}));
    // One event per change (a name, four passwords) and one for the import.
    assert_eq!(app.count("audit_events").await, events + 6);
    let audit = app.strings("SELECT COALESCE(before_json, '') || COALESCE(after_json, '') FROM audit_events").await.concat();
    assert!(new_passwords.iter().all(|p| !audit.contains(p)), "a password reached the audit log");

    let username = |i: usize| people[i]["access"]["username"].as_str().unwrap().to_owned();
    assert_eq!(authenticate(&app, &t, &username(2), new_passwords[0]).await, StatusCode::OK);
    assert_eq!(authenticate(&app, &t, &username(2), PASSWORD).await, StatusCode::UNAUTHORIZED);
    assert_eq!(authenticate(&app, &t, &username(0), PASSWORD).await, StatusCode::OK, "the invalid row changed nothing");
    let (_, b) = app.get(&format!("/api/v1/tenants/{}/people/{}", t.slug, people[1]["id"].as_str().unwrap()), &t.read_key).await;
    assert_eq!(b["first_name"], "Bartholomeus");
    assert_eq!(b["access"]["must_change_password"], false, "a name change leaves the login alone");
    let (_, c) = app.get(&format!("/api/v1/tenants/{}/people/{}", t.slug, people[3]["id"].as_str().unwrap()), &t.read_key).await;
    assert_eq!(c["access"]["must_change_password"], true, "a password set by an admin is changed at the next login");
    let (_, a) = app.get(&format!("/api/v1/tenants/{}/people/{}", t.slug, people[0]["id"].as_str().unwrap()), &t.read_key).await;
    assert_eq!(a["first_name"], "Test");

    // Applied once only; the stored preview says what happened.
    let (s, again) = apply(&app, &t, &t.write_key, &p, json!("all")).await;
    assert_eq!((s, again["code"].as_str()), (StatusCode::CONFLICT, Some("import_applied")));
    let (s, stored) = app.get(&format!("/api/v1/tenants/{}/imports/{}", t.slug, p["id"].as_str().unwrap()), &t.read_key).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(stored["result"], result);
    assert!(stored["applied_at"].is_string());
    assert_eq!(stored["rows"], p["rows"]);
    // Nothing of the passwords is kept once applied.
    assert_eq!(app.count("import_rows WHERE plan IS NOT NULL").await, 0);
    assert!(app.count("import_rows").await > 0, "the rows stay, to be shown");
}

/// A tenant with people in every state, roles, scoped branches, extra permissions, several
/// phones and e-mail categories: what a re-import must leave exactly as it is.
async fn varied_tenant(app: &TestApp, slug: &str) -> Tenant {
    let t = app.tenant(slug).await;
    let (_, gent) = app.post(&format!("/api/v1/tenants/{slug}/branches"), &t.write_key, json!({"name": "Gent"})).await;
    app.post(&format!("/api/v1/tenants/{slug}/branches"), &t.write_key, json!({"name": "Brugge"})).await;
    // A branch named like the word for every branch: the export writes its id instead.
    let (_, odd) = app.post(&format!("/api/v1/tenants/{slug}/branches"), &t.write_key, json!({"name": "all"})).await;
    let active = app.active_person(&t, "active@example.test", PASSWORD).await;
    let id = active["id"].as_str().unwrap();
    let (s, body) = app
        .call(
            Method::PUT,
            &format!("/api/v1/tenants/{slug}/people/{id}/role"),
            Some(&t.write_key),
            Some(json!({"role": "manager", "permissions": ["sales", "helpdesk"], "branches": [gent["id"], odd["id"]]})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    for (i, (kind, steps)) in [
        ("guest", &[][..]),
        ("owner", &["grant"][..]),
        ("staff", &["grant", "invite"][..]),
        ("staff", &["grant", "block"][..]),
        ("guest", &["grant", "invite", "block"][..]),
    ]
    .iter()
    .enumerate()
    {
        let p = app
            .person(
                &t,
                json!({"kind": kind, "salutation": "Mevr.", "first_name": format!("Persoon {i}"), "last_name": "van Dijk",
                    "email": format!("p{i}@example.test"), "phones": ["+32 9 123 45 67", "0470 12 34 56"], "language": "nl",
                    "notifications": ["newsletter", "invoices"]}),
            )
            .await;
        for step in *steps {
            let body = if *step == "invite" { json!({"send_email": false}) } else { json!({}) };
            let (s, res) = app.action(&t, p["id"].as_str().unwrap(), step, body).await;
            assert_eq!(s, StatusCode::OK, "{res}");
        }
    }
    let reset = app.active_person(&t, "reset@example.test", PASSWORD).await;
    assert_eq!(app.action(&t, reset["id"].as_str().unwrap(), "reset", json!({})).await.0, StatusCode::OK);
    let no_role = app.active_person(&t, "norole@example.test", PASSWORD).await;
    let (s, _) = app
        .call(
            Method::PUT,
            &format!("/api/v1/tenants/{slug}/people/{}/role", no_role["id"].as_str().unwrap()),
            Some(&t.write_key),
            Some(json!({"role": null, "permissions": [], "branches": []})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    t
}

#[tokio::test]
async fn reimporting_an_export_changes_nothing_in_every_format_and_encoding() {
    let app = TestApp::spawn().await;
    let t = varied_tenant(&app, "roundtrip").await;
    let people = app.count("people").await;

    let before = checksum(&app).await;
    let xlsx = export(&app, &t, "").await;
    let csv_semicolon = export(&app, &t, "?format=csv&delimiter=;").await;
    let csv_tab = export(&app, &t, "?format=csv&delimiter=tab").await;
    assert!(csv_semicolon.starts_with(b"\xEF\xBB\xBFid;username;kind;"), "UTF-8 with BOM, `;`");
    // The same CSV as Excel's "Unicode text" would save it: UTF-16LE with BOM.
    let text = String::from_utf8(csv_semicolon.clone()).unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.trim_start_matches('\u{feff}').encode_utf16().flat_map(u16::to_le_bytes));

    for (name, bytes) in
        [("people.xlsx", &xlsx), ("people.csv", &csv_semicolon), ("people.tsv", &csv_tab), ("people-utf16.csv", &utf16)]
    {
        let p = preview(&app, &t, name, bytes).await;
        assert_eq!(summary(&p), [0, 0, u64::try_from(people).unwrap(), 0, 0], "{name}: {p}");
    }
    assert_eq!(checksum(&app).await, before, "previews wrote something");
}

#[tokio::test]
async fn previews_write_nothing_and_apply_is_all_or_nothing() {
    let app = TestApp::spawn().await;
    let t = varied_tenant(&app, "atomic").await;
    let sheet = table(&export(&app, &t, "?format=csv").await, "x.csv");
    let (first, id) = (col(&sheet, Column::FirstName), col(&sheet, Column::Id));
    let mut headers = sheet.headers.clone();
    let mut rows = sheet.rows.clone();
    rows[0][first] = "Renamed".into();
    // New people: one invited (a mail), one with access in a branch, one with a password.
    let blank = || vec![String::new(); headers.len()];
    let set = |row: &mut Vec<String>, column: Column, value: &str| row[col(&sheet, column)] = value.into();
    let mut invited = blank();
    set(&mut invited, Column::Kind, "staff");
    set(&mut invited, Column::FirstName, "Nieuw");
    set(&mut invited, Column::Email, "nieuw@example.test");
    set(&mut invited, Column::Access, "invited");
    let mut in_branch = blank();
    set(&mut in_branch, Column::Kind, "staff");
    set(&mut in_branch, Column::LastName, "Filiaal");
    set(&mut in_branch, Column::Email, "filiaal@example.test");
    set(&mut in_branch, Column::Access, "granted");
    set(&mut in_branch, Column::Branches, "Brugge");
    let mut with_password = blank();
    set(&mut with_password, Column::Kind, "owner");
    set(&mut with_password, Column::FirstName, "Eigenaar");
    set(&mut with_password, Column::Username, "eigenaar");
    set(&mut with_password, Column::Access, "active");
    set(&mut with_password, Column::Password, "quartz meadow lantern 77 river");
    rows.extend([invited, in_branch, with_password]);
    headers.push("Ignored column".into());
    for r in &mut rows {
        r.push("x".into());
    }
    let file = xlsx(&headers, &rows);

    let before = checksum(&app).await;
    let p = preview(&app, &t, "new.xlsx", &file).await;
    assert_eq!(checksum(&app).await, before, "a preview wrote a person, login, event, link or mail");
    assert_eq!(app.count("imports").await, 1, "only the preview itself is stored");
    assert_eq!(summary(&p)[0..2], [3, 1], "{p}");
    assert_eq!(p["warnings"][0]["code"], "unknown_column");
    let new = rows_of(&p, "new");
    assert_eq!(new[0]["actions"], json!(["grant", "invite"]));
    assert_eq!(new[2]["actions"], json!(["grant", "set_password"]));
    assert!(!p.to_string().contains("quartz meadow"), "the preview echoes a password");

    // The branch of one row disappears before apply: nothing at all is applied.
    let (_, branches) = app.get(&format!("/api/v1/tenants/{}/branches", t.slug), &t.read_key).await;
    let brugge = branches.as_array().unwrap().iter().find(|b| b["name"] == "Brugge").unwrap()["id"].as_str().unwrap().to_owned();
    let (s, _) =
        app.call(Method::DELETE, &format!("/api/v1/tenants/{}/branches/{brugge}", t.slug), Some(&t.write_key), None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let before = checksum(&app).await;
    let (s, refusal) = apply(&app, &t, &t.write_key, &p, json!("all")).await;
    assert_eq!((s, refusal["code"].as_str()), (StatusCode::CONFLICT, Some("import_stale")), "{refusal}");
    let stale_row = new[1]["row"].as_u64().unwrap();
    assert!(
        refusal["detail"].as_str().unwrap().contains(&format!("row {stale_row}: a branch of the row was deleted")),
        "{refusal}"
    );
    assert_eq!(checksum(&app).await, before, "a refused apply changed something");

    // The stale row is a conflict now; the others still apply, in one go.
    let (_, stored) = app.get(&format!("/api/v1/tenants/{}/imports/{}", t.slug, p["id"].as_str().unwrap()), &t.read_key).await;
    assert_eq!(summary(&stored)[0..2], [2, 1]);
    assert_eq!(rows_of(&stored, "conflict")[0]["errors"][0]["code"], "changed_since_preview");
    let (s, refused) = apply(&app, &t, &t.write_key, &p, json!([stale_row])).await;
    assert_eq!((s, refused["errors"][0]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("not_applicable")));
    let outbox = app.count("outbox").await;
    let (s, result) = apply(&app, &t, &t.write_key, &p, json!("all")).await;
    assert_eq!(s, StatusCode::OK, "{result}");
    assert_eq!((result["created"].as_u64(), result["updated"].as_u64()), (Some(2), Some(1)));
    assert_eq!((result["invitations_queued"].as_u64(), result["passwords_set"].as_u64()), (Some(1), Some(1)));
    assert_eq!(app.count("outbox").await, outbox + 1, "the invitation is queued in the outbox");
    assert_eq!(app.count("outbox WHERE template = 'invitation' AND recipient = 'nieuw@example.test'").await, 1);
    assert_eq!(authenticate(&app, &t, "eigenaar", "quartz meadow lantern 77 river").await, StatusCode::OK);
    assert_eq!(app.count("people WHERE first_name = 'Renamed'").await, 1);

    // A person changed between preview and apply: the row is named, nothing applied.
    let sheet = table(&export(&app, &t, "?format=csv").await, "x.csv");
    let mut rows = sheet.rows.clone();
    rows[1][first] = "Changed in the sheet".into();
    rows[2][first] = "Also changed".into();
    let p = preview(&app, &t, "again.xlsx", &xlsx(&sheet.headers, &rows)).await;
    let person = &rows[1][id];
    let (s, _) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/tenants/{}/people/{person}", t.slug),
            Some(&t.write_key),
            Some(json!({"last_name": "Changed meanwhile"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let before = checksum(&app).await;
    let (s, refusal) = apply(&app, &t, &t.write_key, &p, json!("all")).await;
    assert_eq!((s, refusal["code"].as_str()), (StatusCode::CONFLICT, Some("import_stale")), "{refusal}");
    assert!(refusal["detail"].as_str().unwrap().contains("row 3: "), "{refusal}");
    assert_eq!(checksum(&app).await, before);
}

#[tokio::test]
async fn formula_cells_are_neutralised_and_come_back_unchanged() {
    let app = TestApp::spawn().await;
    let t = app.tenant("formulas").await;
    for (first, last, email, phone) in [
        ("=HYPERLINK(\"http://evil.example\";\"klik\")", "+1+2", "=cmd@example.test", "+31 6 1234 5678"),
        ("@SUM(1+1)*cmd|' /C calc'!A0", "-2+3", "+plus@example.test", "-0470 12 34 56"),
        ("Jürgen \";=1+2", "'=already quoted", "-minus@example.test", "(09) 123 45 67"),
    ] {
        app.person(&t, json!({"kind": "guest", "first_name": first, "last_name": last, "email": email, "phones": [phone]})).await;
    }
    let csv = export(&app, &t, "?format=csv").await;
    let text = String::from_utf8(csv.clone()).unwrap();
    for neutralised in [
        "\"'=HYPERLINK(\"\"http://evil.example\"\";\"\"klik\"\")\"",
        ",'+1+2,",
        "'=cmd@example.test",
        "'@SUM",
        "'-2+3",
        "''=already quoted",
    ] {
        assert!(text.contains(neutralised), "{neutralised} not in {text}");
    }
    assert!(text.contains("\"Jürgen \"\";=1+2\""), "RFC 4180 quoting: {text}");
    let xlsx = export(&app, &t, "?format=xlsx").await;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx.clone())).unwrap();
    let mut sheet_xml = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("xl/worksheets/sheet1.xml").unwrap(), &mut sheet_xml).unwrap();
    assert!(!sheet_xml.contains("<f>"), "no formula cells in the XLSX");
    for (name, bytes) in [("f.csv", &csv), ("f.xlsx", &xlsx)] {
        let p = preview(&app, &t, name, bytes).await;
        assert_eq!(summary(&p), [0, 0, 3, 0, 0], "{name}: {p}");
    }
}

#[tokio::test]
async fn keys_without_write_scope_cannot_import_and_other_tenants_ids_never_match() {
    let app = TestApp::spawn().await;
    let a = app.tenant("tenant-a").await;
    let b = app.tenant("tenant-b").await;
    app.active_person(&a, "a1@example.test", PASSWORD).await;
    app.person(&a, json!({"kind": "guest", "first_name": "Alleen", "last_name": "In A", "email": "shared@example.test"})).await;
    let b_person = app.person(&b, json!({"kind": "guest", "first_name": "Only", "last_name": "In B"})).await;
    let a_export = export(&app, &a, "?format=csv").await;

    // A read key may export but not preview or apply (G.34).
    let (s, body) = upload(&app, &a.slug, &a.read_key, "a.csv", &a_export).await;
    assert_eq!((s, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("read_only_key")), "{body}");
    let p = preview(&app, &a, "a.csv", &a_export).await;
    let (s, body) = apply(&app, &a, &a.read_key, &p, json!("all")).await;
    assert_eq!((s, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("read_only_key")), "{body}");
    // Tenant B's key sees A's import as not there, and B's people are not matched by A's ids.
    let (s, _) = apply(&app, &a, &b.write_key, &p, json!("all")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app.get(&format!("/api/v1/tenants/{}/imports/{}", b.slug, p["id"].as_str().unwrap()), &b.write_key).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    let before = checksum(&app).await;
    let in_b = preview(&app, &b, "a.csv", &a_export).await;
    assert_eq!(summary(&in_b), [0, 0, 0, 2, 0], "{in_b}");
    for row in in_b["rows"].as_array().unwrap() {
        assert_eq!(row["person_id"], Value::Null);
        assert_eq!(row["errors"][0]["code"], "unknown_id", "{row}");
    }
    let (s, result) = apply(&app, &b, &b.write_key, &in_b, json!("all")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(result["created"], 0);
    assert_eq!(
        checksum(&app).await.iter().map(Vec::len).collect::<Vec<_>>()[..5],
        before.iter().map(Vec::len).collect::<Vec<_>>()[..5]
    );
    let (_, still) =
        app.get(&format!("/api/v1/tenants/{}/people/{}", b.slug, b_person["id"].as_str().unwrap()), &b.read_key).await;
    assert_eq!(still["first_name"], "Only");

    // The ODS that LibreOffice wrote holds ids of people that exist nowhere here: read, never matched.
    let ods = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../keyrack-sheet/tests/fixtures/people.ods")).unwrap();
    let p = preview(&app, &b, "people.ods", &ods).await;
    assert_eq!(summary(&p), [0, 0, 0, 4, 0], "{p}");
    assert!(p["rows"].as_array().unwrap().iter().all(|r| error_codes(r).contains(&"unknown_id")));
}

#[tokio::test]
async fn a_dutch_semicolon_sheet_adds_people_and_bad_files_are_refused_clearly() {
    let app = TestApp::spawn().await;
    let t = app.tenant("nl-import").await;
    app.person(&t, json!({"kind": "staff", "first_name": "Bestaand", "email": "bestaand@example.test"})).await;
    // Windows-1252, `;`, Dutch headers, as Excel saves "CSV (puntkomma)" on a Dutch Windows.
    let csv = "Soort;Voornaam;Achternaam;E-mailadres;Toegang;Telefoon\r\n\
               staff;Jos\u{e9};Peeters;jose@example.test;granted;+32 470 12 34 56\r\n\
               guest;Marie;Dubois;marie@example.test;;\r\n\
               staff;Bestaand;;bestaand@example.test;;\r\n\
               alien;Naam;;geen-adres;;12\r\n";
    let bytes: Vec<u8> = csv.chars().map(|c| u8::try_from(u32::from(c)).unwrap()).collect();
    let p = preview(&app, &t, "mensen.csv", &bytes).await;
    assert_eq!(summary(&p), [2, 0, 1, 1, 0], "{p}");
    let invalid = rows_of(&p, "invalid")[0];
    assert_eq!(invalid["row"], 5);
    let mut fields: Vec<&str> = invalid["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    fields.sort_unstable();
    assert_eq!(fields, ["email", "kind", "phone"], "{invalid}");
    assert_eq!(rows_of(&p, "new")[0]["changes"][1], json!({"field": "first_name", "old": "", "new": "José"}));
    let (s, result) = apply(&app, &t, &t.write_key, &p, json!([2, 3])).await;
    assert_eq!(s, StatusCode::OK, "{result}");
    assert_eq!(result["created"], 2);
    let (_, list) = app.get(&format!("/api/v1/tenants/{}/people?q=peeters", t.slug), &t.read_key).await;
    assert_eq!(list["items"][0]["access"]["state"], "granted");
    assert_eq!(list["items"][0]["access"]["role"], "staff", "grant's default role");
    assert_eq!(list["items"][0]["phones"], json!(["+32 470 12 34 56"]));

    for (name, bytes, code) in [
        ("empty.csv", &b""[..], "empty_file"),
        ("no-id.csv", &b"voornaam;achternaam\r\nJan;Jansen\r\n"[..], "missing_identity_column"),
        ("fake.xlsx", &b"id,username\r\n"[..], "malformed_file"),
        ("legacy.xls", &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0][..], "unsupported_format"),
    ] {
        let (s, body) = upload(&app, &t.slug, &t.write_key, name, bytes).await;
        assert_eq!((s, body["errors"][0]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some(code)), "{name}: {body}");
    }
    // The upload route takes bodies far over the JSON limit; the sheet reader's own size
    // limit (20 MiB by default) then answers clearly.
    let huge = vec![b'a'; 20 * 1024 * 1024 + 1];
    let (s, body) = upload(&app, &t.slug, &t.write_key, "huge.csv", &huge).await;
    assert_eq!((s, body["errors"][0]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("file_too_large")), "{body}");
    // JSON routes keep their small limit.
    let (s, _) =
        app.post(&format!("/api/v1/tenants/{}/people", t.slug), &t.write_key, json!({"kind": "x".repeat(100_000)})).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn the_operator_sets_the_size_and_row_limits() {
    let app = TestApp::spawn_with(|c| {
        c.import_limits.max_bytes = 1024 * 1024;
        c.import_limits.max_rows = 3;
    })
    .await;
    let t = app.tenant("limits").await;
    let rows = "first_name;last_name;kind\r\nA;B;guest\r\nC;D;guest\r\nE;F;guest\r\nG;H;guest\r\n";
    let (s, body) = upload(&app, &t.slug, &t.write_key, "four.csv", rows.as_bytes()).await;
    assert_eq!((s, body["errors"][0]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("too_many_rows")), "{body}");
    // Just over the size limit: the reader names the rule.
    let (s, body) = upload(&app, &t.slug, &t.write_key, "big.csv", &vec![b'a'; 1024 * 1024 + 1]).await;
    assert_eq!((s, body["errors"][0]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("file_too_large")), "{body}");
    // Far over it: refused before the body is read, and nothing was stored.
    let (s, _) = upload(&app, &t.slug, &t.write_key, "bigger.csv", &vec![b'a'; 2 * 1024 * 1024]).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(app.count("imports").await, 0);
}
