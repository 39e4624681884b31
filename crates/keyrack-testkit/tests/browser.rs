//! The browser harness against a form page this test serves itself on loopback: a real headless
//! Chromium loads it, types into it, submits it and takes a screenshot; and everything the
//! harness started is gone once a [`Browser`] is dropped, also by a panicking test.

#![expect(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use std::time::{Duration, Instant};

use axum::Form;
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse};
use axum::routing::{get, post};
use keyrack_testkit::browser::{Browser, WINDOW_HEIGHT, WINDOW_WIDTH};

#[derive(serde::Deserialize)]
struct Greeting {
    name: String,
}

/// The form, showing the `Accept-Language` the browser sent so the test can check the language
/// preference reached the server.
async fn form(headers: HeaderMap) -> Html<String> {
    let lang = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("(none)");
    Html(format!(
        r#"<!doctype html><html><head><meta charset="utf-8"><title>Form</title></head><body>
<p id="accept-language">{lang}</p>
<form method="post" action="/greet"><input id="name" name="name" value="placeholder"><button id="send" type="submit">Send</button></form>
</body></html>"#
    ))
}

/// Answers the submitted name and sets a cookie. The test types only letters, so the name is
/// echoed unescaped.
async fn greet(Form(greeting): Form<Greeting>) -> impl IntoResponse {
    (
        [(header::SET_COOKIE, "greeted=yes; Path=/; HttpOnly")],
        Html(format!(
            r#"<!doctype html><html><head><meta charset="utf-8"></head><body><h1 id="result">Hallo, {}!</h1></body></html>"#,
            greeting.name
        )),
    )
}

async fn serve() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = axum::Router::new().route("/", get(form)).route("/greet", post(greet));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

#[tokio::test]
async fn chromium_fills_and_submits_a_form_and_takes_a_screenshot() {
    let base = serve().await;
    let started = Instant::now();
    let browser = Browser::start("nl").await;
    // The start-up cost every page test pays; printed so it can be watched (`--no-capture`).
    eprintln!("Browser::start took {:?}", started.elapsed());

    browser.goto(&format!("{base}/")).await;
    assert_eq!(browser.text("#accept-language").await, "nl");
    let language = browser.driver().execute("return navigator.language", vec![]).await.unwrap();
    assert_eq!(language.json(), "nl");

    // `fill` replaces what the field held.
    browser.fill("#name", "Zoë").await;
    browser.click("#send").await;
    assert_eq!(browser.text("#result").await, "Hallo, Zoë!");
    assert_eq!(browser.current_url().await, format!("{base}/greet"));
    assert!(browser.page_source().await.contains(r#"<h1 id="result">Hallo, Zoë!</h1>"#));
    let cookies = browser.cookies().await;
    assert!(cookies.iter().any(|c| c.name == "greeted" && c.value == "yes" && c.http_only == Some(true)), "{cookies:?}");

    let dir = tempfile::tempdir().unwrap();
    let shot = dir.path().join("greeted.png");
    browser.screenshot(&shot).await;
    let png = std::fs::read(&shot).unwrap();
    assert_eq!(png.get(..8), Some(&b"\x89PNG\r\n\x1a\n"[..]), "not a PNG");
    // The IHDR chunk comes first: width and height as big-endian u32 at bytes 16..24.
    let dimension = |at: usize| i64::from(u32::from_be_bytes(png[at..at + 4].try_into().unwrap()));
    // The screenshot is the viewport, which headless Chromium makes smaller than the window.
    let viewport = browser.driver().execute("return [window.innerWidth, window.innerHeight]", vec![]).await.unwrap();
    let viewport: (i64, i64) = viewport.convert().unwrap();
    assert_eq!((dimension(16), dimension(20)), viewport, "the screenshot shows the viewport");
    let window = browser.driver().get_window_rect().await.unwrap();
    assert_eq!((window.width, window.height), (i64::from(WINDOW_WIDTH), i64::from(WINDOW_HEIGHT)));
    assert_eq!(viewport.0, i64::from(WINDOW_WIDTH));

    browser.quit().await;
}

#[tokio::test]
async fn a_panicking_test_leaves_no_chromedriver_chromium_or_profile_behind() {
    let browser = Browser::start("en").await;
    let driver_url = browser.driver().handle().server_url().to_string();
    let dir = browser.log_path().parent().unwrap().to_path_buf();
    assert!(processes_using(&dir.to_string_lossy()) >= 2, "chromedriver and Chromium run with the profile in {}", dir.display());

    let outcome = tokio::spawn(async move {
        let _browser = browser;
        panic!("a failing page test");
    })
    .await;
    assert!(outcome.unwrap_err().is_panic());

    let status = reqwest::Client::new().get(format!("{driver_url}status")).timeout(Duration::from_secs(2)).send().await;
    assert!(status.is_err(), "chromedriver still answers at {driver_url}: {status:?}");
    assert_eq!(processes_using(&dir.to_string_lossy()), 0, "a chromedriver or Chromium process outlived the Browser");
    assert!(!dir.exists(), "the profile directory {} was not removed", dir.display());
}

/// Counts the live processes whose command line mentions `needle`: chromedriver (its log path) and
/// every Chromium process (the browser, renderers and helpers all carry `--user-data-dir`).
fn processes_using(needle: &str) -> usize {
    let Ok(entries) = std::fs::read_dir("/proc") else { return 0 };
    entries
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().bytes().all(|b| b.is_ascii_digit()))
        .filter_map(|e| std::fs::read(e.path().join("cmdline")).ok())
        .filter(|cmdline| String::from_utf8_lossy(cmdline).contains(needle))
        .count()
}
