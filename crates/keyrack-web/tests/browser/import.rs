//! The seeds' OneBase workflow ("Optie 2: meerdere gebruikers tegelijk") in real headless
//! Chromium: an administrator signs in to the console, downloads the people (the export URL
//! fetched with the browser's session cookie), changes five passwords and two names in
//! LibreOffice, uploads the workbook through the file input, sees exactly those seven changes
//! and every rule an extra row's weak password breaks, ticks all changed rows, applies them, and
//! one of the people signs in on the tenant's login page with the new password.
//!
//! "In LibreOffice" is a real headless LibreOffice Calc round trip (`soffice`, from Debian's
//! `libreoffice-calc-nogui`, which `.ci/run` installs): Calc opens the exported workbook and
//! saves it as CSV, the cells are changed in that text, and Calc reads it back (every column as
//! text, as an admin keeps phone numbers) and saves the workbook that is uploaded.

use std::path::{Path, PathBuf};
use std::process::Command;

use keyrack_sheet::{Column, Limits, Table, read_table, write_table_csv};
use keyrack_testkit::TestApp;
use keyrack_testkit::browser::Browser;
use keyrack_testkit::browser::thirtyfour::By;
use reqwest::header::COOKIE;
use reqwest::{Method, StatusCode};
use serde_json::json;

use super::journey::{screenshots, see};

const ADMIN_PASSWORD: &str = "harbour lantern copper 1931 meadow";
const NEW_PASSWORDS: [&str; 5] =
    ["Zomer#Tulp7Dijk", "Gracht!Fiets42Kaas", "Molen&Wind9Polder", "Haring%Ui3Broodje", "Klomp$Kaas8Water"];

/// Runs headless LibreOffice to convert `input` into `outdir` with its own profile under
/// `profile`; answers the written file.
fn soffice(profile: &Path, args: &[&str], input: &Path, outdir: &Path, extension: &str) -> PathBuf {
    let out = Command::new("soffice")
        .arg(format!("-env:UserInstallation=file://{}", profile.display()))
        .arg("--headless")
        .args(args)
        .arg("--outdir")
        .arg(outdir)
        .arg(input)
        .output()
        .unwrap_or_else(|e| panic!("run soffice (apt-get install libreoffice-calc-nogui): {e}"));
    let written = outdir.join(input.with_extension(extension).file_name().unwrap());
    assert!(written.exists(), "soffice wrote nothing: {}", String::from_utf8_lossy(&out.stderr));
    written
}

fn row_of(sheet: &Table, email: &str) -> usize {
    let e = sheet.headers.iter().position(|h| h == Column::Email.name()).unwrap();
    sheet.rows.iter().position(|r| r[e] == email).unwrap()
}

/// The OneBase edits, made between two LibreOffice conversions; answers the edited workbook.
fn edit_in_libreoffice(dir: &Path, export: &[u8]) -> PathBuf {
    let profile = dir.join("libreoffice-profile");
    let original = dir.join("Gebruikers bulk.xlsx");
    std::fs::write(&original, export).unwrap();
    let text = dir.join("text");
    std::fs::create_dir_all(&text).unwrap();
    // 59 = `;`, 34 = `"`, 76 = UTF-8.
    let csv = soffice(&profile, &["--convert-to", "csv:Text - txt - csv (StarCalc):59,34,76"], &original, &text, "csv");
    let mut sheet = read_table(&std::fs::read(&csv).unwrap(), Some("people.csv"), &Limits::default()).unwrap();
    let at = |c: Column| sheet.headers.iter().position(|h| h == c.name()).unwrap();
    let (pw, first) = (at(Column::Password), at(Column::FirstName));
    for (i, p) in NEW_PASSWORDS.iter().enumerate() {
        let r = row_of(&sheet, &format!("user{i}@bedrijf.example"));
        sheet.rows[r][pw] = (*p).into();
    }
    for (i, name) in [(5, "Annemieke"), (6, "Bartholomeus")] {
        let r = row_of(&sheet, &format!("user{i}@bedrijf.example"));
        sheet.rows[r][first] = name.into();
    }
    let weak = row_of(&sheet, "user7@bedrijf.example");
    sheet.rows[weak][pw] = "welkom".into();
    std::fs::write(&csv, write_table_csv(&sheet.headers, &sheet.rows, b';')).unwrap();
    // Every column as text (format 2), as Calc's text import dialog offers it.
    let columns: Vec<String> = (1..=sheet.headers.len()).map(|c| format!("{c}/2")).collect();
    let filter = format!("CSV:59,34,76,1,{}", columns.join("/"));
    let saved = dir.join("saved");
    std::fs::create_dir_all(&saved).unwrap();
    soffice(&profile, &[&format!("--infilter={filter}"), "--convert-to", "xlsx"], &csv, &saved, "xlsx")
}

#[tokio::test]
async fn the_onebase_workflow_in_the_console() {
    let app = TestApp::spawn_reachable(|_| {}).await;
    let t = app.tenant("gj-dekker").await;
    let admin = app.active_person(&t, "beheer@bedrijf.example", ADMIN_PASSWORD).await;
    let role = format!("/api/v1/tenants/gj-dekker/people/{}/role", admin["id"].as_str().unwrap());
    let (s, _) = app.call(Method::PUT, &role, Some(&t.write_key), Some(json!({"role": "administrator"}))).await;
    assert_eq!(s, StatusCode::OK);
    for i in 0..8 {
        app.active_person(&t, &format!("user{i}@bedrijf.example"), ADMIN_PASSWORD).await;
    }
    // The seed's rule: at least 8 characters with a digit, a special character, a capital and
    // a small letter.
    let policy = json!({"preset": "classic", "min_length": 8, "require_lower": true, "require_upper": true,
        "require_digit": true, "require_symbol": true, "min_score": 3});
    let body = json!({"settings": {"password": policy}});
    let (s, b) = app.call(Method::PATCH, "/api/v1/tenants/gj-dekker", Some(&t.write_key), Some(body)).await;
    assert_eq!(s, StatusCode::OK, "{b}");

    let browser = Browser::start("en").await;
    browser.goto(&format!("{}/t/gj-dekker/login", app.base)).await;
    browser.fill("#username", "beheer@bedrijf.example").await;
    browser.fill("#password", ADMIN_PASSWORD).await;
    browser.click("button.primary").await;
    see(&browser, "h1", |t| t == "People").await;
    browser.click(".console-nav a[href$='/console/import']").await;
    see(&browser, "h1", |t| t == "Import people").await;
    browser.screenshot(&screenshots().join("console-import-upload.png")).await;

    // Download the people with the browser's session.
    let cookies: Vec<String> = browser.cookies().await.iter().map(|c| format!("{}={}", c.name, c.value)).collect();
    let export = app
        .client
        .get(format!("{}/t/gj-dekker/console/export", app.base))
        .header(COOKIE, cookies.join("; "))
        .send()
        .await
        .unwrap();
    assert_eq!(export.status(), StatusCode::OK);
    let export = export.bytes().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let edited = edit_in_libreoffice(dir.path(), &export);

    // Upload through the file input.
    let input = browser.driver().find(By::Css("#file")).await.unwrap();
    input.send_keys(edited.to_str().unwrap()).await.unwrap();
    browser.click("form[enctype] button.primary").await;
    see(&browser, "h1", |t| t == "Changes in Gebruikers bulk.xlsx").await;
    for (class, n) in [("new", "0"), ("changed", "7"), ("unchanged", "1"), ("invalid", "1"), ("conflict", "0")] {
        see(&browser, &format!("[data-count='{class}']"), |t| t == n).await;
    }
    let changed = browser.driver().find_all(By::Css("tr[data-class='changed']")).await.unwrap();
    assert_eq!(changed.len(), 7);
    let names = browser.text("table.import-rows").await;
    assert!(names.contains("Test → Annemieke") && names.contains("Test → Bartholomeus"), "{names}");
    assert_eq!(names.matches("→ ********").count(), 6, "five passwords, and the weak one: {names}");
    let errors = browser.text("tr[data-class='invalid'] .row-errors").await;
    for rule in [
        "password: The password must be at least 8 characters long.",
        "password: The password must contain a capital letter.",
        "password: The password must contain a digit.",
        "password: The password must contain a special character",
        "password: This password is too easy to guess.",
    ] {
        assert!(errors.contains(rule), "{rule} in {errors}");
    }
    let source = browser.page_source().await;
    assert!(NEW_PASSWORDS.iter().chain(&["welkom"]).all(|p| !source.contains(p)), "the page shows a password");
    browser.screenshot(&screenshots().join("console-import-preview.png")).await;

    // Tick every changed row (a link, no script), apply the ticked rows.
    browser.click("#check-changed").await;
    see(&browser, "h1", |t| t == "Changes in Gebruikers bulk.xlsx").await;
    let ticked = browser.driver().find_all(By::Css("input[name='row']:checked")).await.unwrap();
    assert_eq!(ticked.len(), 7);
    browser.click("button[name='select'][value='rows']").await;
    see(&browser, ".flash", |t| t == "The import is applied.").await;
    let result = see(&browser, ".import-result", |t| t.contains("People changed: 7")).await;
    assert!(result.contains("Passwords set: 5") && result.contains("Rows not applied: 2"), "{result}");
    browser.screenshot(&screenshots().join("console-import-applied.png")).await;

    // One of the people signs in with the new password (and is asked to choose their own).
    browser.click("form.logout button").await;
    see(&browser, "h1", |t| t == "Sign in").await;
    browser.fill("#username", "user3@bedrijf.example").await;
    browser.fill("#password", NEW_PASSWORDS[3]).await;
    browser.click("button.primary").await;
    see(&browser, "h1", |t| t == "My account").await;
    see(&browser, ".flash", |t| t == "You are signed in. Please choose a new password first.").await;
    browser.quit().await;
}
