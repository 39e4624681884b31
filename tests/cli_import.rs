//! The seeds' OneBase workflow on the command line, with the built `keyrack` binary against the
//! database of a running test server: `keyrack export`, five passwords, two names and one weak
//! password changed in the sheet, `keyrack import` prints exactly the seven changes and every
//! broken password rule and exits 2 without applying, `--apply --skip-invalid` applies the
//! seven, and the tenant's `authenticate` accepts a new password.
//!
//! On SQLite, or on PostgreSQL when `KEYRACK_TEST_DATABASE_URL` names it.

#![expect(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use std::path::Path;
use std::process::{Command, Output};

use keyrack_sheet::{Column, Limits, read_table, write_table_xlsx};
use keyrack_testkit::{Tenant, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;

const GOOD: &str = "lantern orchard velvet 42 tide";
const NEW_PASSWORDS: [&str; 5] =
    ["Zomer#Tulp7Dijk", "Gracht!Fiets42Kaas", "Molen&Wind9Polder", "Haring%Ui3Broodje", "Klomp$Kaas8Water"];

/// Runs `keyrack` on the test server's database.
fn keyrack(app: &TestApp, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_keyrack"))
        .args(args)
        .env("KEYRACK_DATABASE_URL", &app.db.url)
        .env("KEYRACK_LOG", "error")
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

async fn authenticate(app: &TestApp, t: &Tenant, username: &str, password: &str) -> StatusCode {
    let body = json!({"username": username, "password": password});
    app.call(Method::POST, &format!("/api/v1/tenants/{}/authenticate", t.slug), None, Some(body)).await.0
}

/// The export with the OneBase edits, written back as XLSX: answers the sheet row numbers of the
/// seven changes and of the weak password.
fn edit(export: &Path, edited: &Path) -> (Vec<u32>, u32) {
    let mut sheet = read_table(&std::fs::read(export).unwrap(), Some("export.xlsx"), &Limits::default()).unwrap();
    let at = |c: Column| sheet.headers.iter().position(|h| h == c.name()).unwrap();
    let (email, first, pw) = (at(Column::Email), at(Column::FirstName), at(Column::Password));
    let row = |sheet: &keyrack_sheet::Table, i: usize| {
        sheet.rows.iter().position(|r| r[email] == format!("user{i}@bedrijf.example")).unwrap()
    };
    let mut changed = Vec::new();
    for (i, p) in NEW_PASSWORDS.iter().enumerate() {
        let r = row(&sheet, i);
        sheet.rows[r][pw] = (*p).into();
        changed.push(sheet.row_numbers[r]);
    }
    for (i, name) in [(5, "Annemieke"), (6, "Bartholomeus")] {
        let r = row(&sheet, i);
        sheet.rows[r][first] = name.into();
        changed.push(sheet.row_numbers[r]);
    }
    let weak = row(&sheet, 7);
    sheet.rows[weak][pw] = "welkom".into();
    changed.sort_unstable();
    std::fs::write(edited, write_table_xlsx("People", &sheet.headers, &sheet.rows).unwrap()).unwrap();
    (changed, sheet.row_numbers[weak])
}

#[tokio::test]
async fn the_onebase_workflow_on_the_command_line() {
    let app = TestApp::spawn().await;
    let t = app.tenant("gj-dekker").await;
    for i in 0..8 {
        app.active_person(&t, &format!("user{i}@bedrijf.example"), GOOD).await;
    }
    // The OneBase rule: at least 8 characters with a digit, a special character, a capital and
    // a small letter.
    let policy = json!({"preset": "classic", "min_length": 8, "require_lower": true, "require_upper": true,
        "require_digit": true, "require_symbol": true, "min_score": 3});
    let body = json!({"settings": {"password": policy}});
    let (s, b) = app.call(Method::PATCH, "/api/v1/tenants/gj-dekker", Some(&t.write_key), Some(body)).await;
    assert_eq!(s, StatusCode::OK, "{b}");

    let dir = tempfile::tempdir().unwrap();
    let (export, edited) = (dir.path().join("people.xlsx"), dir.path().join("Gebruikers bulk.xlsx"));
    let out = keyrack(&app, &["export", "--tenant", "gj-dekker", "--output", export.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (changed, weak) = edit(&export, &edited);

    // The preview: the counts, exactly the seven changes, every broken rule; nothing applied.
    let out = keyrack(&app, &["import", edited.to_str().unwrap(), "--tenant", "gj-dekker"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(2), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.starts_with("Gebruikers bulk.xlsx: 0 new, 7 changed, 0 unchanged, 1 invalid, 0 conflicting\n"), "{text}");
    let mut rows: Vec<u32> = text
        .lines()
        .filter(|l| l.contains("\tchanged\t"))
        .map(|l| l.strip_prefix("row ").unwrap().split('\t').next().unwrap().parse().unwrap())
        .collect();
    rows.sort_unstable();
    assert_eq!(rows, changed, "{text}");
    assert_eq!(text.matches("\tchanged\tpassword:  -> ********").count(), 5, "{text}");
    assert!(
        text.contains("\tchanged\tfirst_name: Test -> Annemieke") && text.contains("\tchanged\tfirst_name: Test -> Bartholomeus")
    );
    let rules: Vec<&str> = text.lines().filter(|l| l.starts_with(&format!("row {weak}\tpassword\t"))).collect();
    assert_eq!(rules.len(), 5, "too short, no capital, no digit, no special character, guessable: {text}");
    assert!(NEW_PASSWORDS.iter().chain(&["welkom"]).all(|p| !text.contains(p)), "a password is printed");
    assert!(text.contains("nothing applied (preview only)"));
    assert_eq!(authenticate(&app, &t, "user0@bedrijf.example", GOOD).await, StatusCode::OK, "nothing applied");

    // `--apply` alone refuses while a row is invalid; with `--skip-invalid` the seven are applied.
    let out = keyrack(&app, &["import", edited.to_str().unwrap(), "--tenant", "gj-dekker", "--apply"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).contains("nothing applied: fix the rows above"));
    assert_eq!(authenticate(&app, &t, "user0@bedrijf.example", GOOD).await, StatusCode::OK);
    let out = keyrack(&app, &["import", edited.to_str().unwrap(), "--tenant", "gj-dekker", "--apply", "--skip-invalid"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(2), "rows were left out: {text}");
    assert!(text.contains("applied: 0 created, 7 updated, 0 invitations queued, 5 passwords set, 1 rows skipped"), "{text}");

    for (i, p) in NEW_PASSWORDS.iter().enumerate() {
        let user = format!("user{i}@bedrijf.example");
        assert_eq!(authenticate(&app, &t, &user, p).await, StatusCode::OK, "{user}");
        assert_eq!(authenticate(&app, &t, &user, GOOD).await, StatusCode::UNAUTHORIZED, "{user}");
    }
    assert_eq!(authenticate(&app, &t, "user7@bedrijf.example", GOOD).await, StatusCode::OK, "the weak row changed nothing");
    let (_, names) = app.get("/api/v1/tenants/gj-dekker/people?q=Annemieke", &t.read_key).await;
    assert_eq!(names["items"].as_array().map(Vec::len), Some(1), "{names}");
}
