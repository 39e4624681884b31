//! An authenticated request against a bare axum handler, both over HTTP on loopback in this
//! process: `POST /api/v1/tenants/{t}/check` with an API key (key lookup, tenant, person, login
//! and role reads, the permission check), and a signed-in page as the console serves it (the
//! session cookie looked up and touched, the page rendered). The baseline is an axum route that
//! parses the same JSON body and answers a small JSON document with no database at all, so the
//! ratio says how much of the HTTP stack's throughput a real request keeps.

use std::time::Duration;

use axum::routing::post;
use axum::{Json, Router};
use keyrack_testkit::TestApp;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, SET_COOKIE};
use serde_json::{Value, json};

use crate::login::{answered_ok, load, median};
use crate::report::{Row, percentiles};

const PASSWORD: &str = "lantern orchard velvet 42 tide";

#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// Seconds each measurement runs.
    #[arg(long, default_value_t = 4)]
    pub seconds: u64,
    /// Concurrent HTTP clients.
    #[arg(long, default_value_t = 16)]
    pub clients: usize,
    /// Rounds of (bare, check, session page), interleaved; the figures are medians.
    #[arg(long, default_value_t = 3)]
    pub rounds: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self { seconds: 4, clients: 16, rounds: 3 }
    }
}

/// The baseline: a bare axum server on a loopback port, with one JSON route.
async fn bare_server() -> anyhow::Result<String> {
    async fn echo(Json(body): Json<Value>) -> Json<Value> {
        Json(json!({"allowed": true, "code": "bare", "person": body["person"], "permission": body["permission"]}))
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        let _ = axum::serve(listener, Router::new().route("/check", post(echo))).await;
    });
    Ok(base)
}

/// Signs in through the form once and answers the session cookie (`name=value`).
async fn session_cookie(base: &str, slug: &str, username: &str) -> anyhow::Result<String> {
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    let page = client.get(format!("{base}/t/{slug}/login")).send().await?;
    let csrf = page
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("keyrack_csrf="))
        .and_then(|c| c.split(';').next())
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("the login page set no CSRF cookie"))?;
    let res = client
        .post(format!("{base}/t/{slug}/login"))
        .header(COOKIE, format!("keyrack_csrf={csrf}"))
        .form(&[("csrf", csrf.as_str()), ("username", username), ("password", PASSWORD)])
        .send()
        .await?;
    anyhow::ensure!(res.status() == StatusCode::SEE_OTHER, "sign-in answered {}", res.status());
    let prefix = format!("keyrack_{slug}=");
    res.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(&prefix))
        .and_then(|c| c.split(';').next())
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("sign-in set no session cookie"))
}

pub async fn run(o: &Options) -> anyhow::Result<Vec<Row>> {
    let window = Duration::from_secs(o.seconds);
    // The public URL is plain HTTP on loopback, so cookies carry no `__Host-` prefix.
    let app = TestApp::spawn_reachable(|_| {}).await;
    let t = app.tenant("bench").await;
    let person = app.active_person(&t, "bench@example.com", PASSWORD).await;
    let person_id = person["person_id"].as_str().or_else(|| person["id"].as_str()).unwrap_or_default().to_owned();
    let bare = bare_server().await?;
    let cookie = session_cookie(&app.base, &t.slug, "bench@example.com").await?;

    let check_body = json!({"person": person_id, "permission": "people.view"});
    let check_url = format!("{}/api/v1/tenants/{}/check", app.base, t.slug);
    let key = t.read_key.clone();
    // Each request must answer 200 to count, so a refused key or a broken page shows as failures.
    let (probe, body) = app.post(&format!("/api/v1/tenants/{}/check", t.slug), &key, check_body.clone()).await;
    anyhow::ensure!(probe == StatusCode::OK, "check answered {probe}: {body}");

    let (mut bare_rates, mut check_rates, mut page_rates) = (Vec::new(), Vec::new(), Vec::new());
    let (mut check_ratios, mut page_ratios) = (Vec::new(), Vec::new());
    let (mut bare_lat, mut check_lat, mut page_lat) = (Vec::new(), Vec::new(), Vec::new());
    let mut failures = [0u64; 3];
    for _ in 0..o.rounds.max(1) {
        let body = check_body.clone();
        let (rate, lat, f) = load(&bare, o.clients, window, move |client, base| {
            let body = body.clone();
            async move {
                let res = client.post(format!("{base}/check")).json(&body).send().await;
                answered_ok(res).await
            }
        })
        .await?;
        bare_rates.push(rate);
        bare_lat.extend(lat);
        failures[0] += f;

        let (body, url, key) = (check_body.clone(), check_url.clone(), key.clone());
        let (check, lat, f) = load(&app.base, o.clients, window, move |client, _| {
            let (body, url, key) = (body.clone(), url.clone(), key.clone());
            async move {
                let res = client.post(url).bearer_auth(key).json(&body).send().await;
                answered_ok(res).await
            }
        })
        .await?;
        check_rates.push(check);
        check_ratios.push(check / rate);
        check_lat.extend(lat);
        failures[1] += f;

        let (cookie, slug) = (cookie.clone(), t.slug.clone());
        let (page, lat, f) = load(&app.base, o.clients, window, move |client, base| {
            let (cookie, slug) = (cookie.clone(), slug.clone());
            async move {
                let res = client.get(format!("{base}/t/{slug}/account")).header(COOKIE, cookie).send().await;
                answered_ok(res).await
            }
        })
        .await?;
        page_rates.push(page);
        page_ratios.push(page / rate);
        page_lat.extend(lat);
        failures[2] += f;
    }
    let database = if app.db.is_postgres() { "PostgreSQL" } else { "SQLite" };
    let note = |f: u64| format!("{} clients, {f} failures, {database}, loopback", o.clients);
    let mut rows = Vec::new();
    let mut row = |metric: &str, value: f64, unit: &'static str, note: String| {
        rows.push(Row { scenario: "api", metric: metric.into(), value, unit, note });
    };
    let (bare_p50, bare_p95) = percentiles(bare_lat);
    let (check_p50, check_p95) = percentiles(check_lat);
    let (page_p50, page_p95) = percentiles(page_lat);
    row("bare axum JSON handler/s", median(bare_rates), "1/s", note(failures[0]));
    row("bare axum p50 / p95", bare_p50, "ms", format!("p95 {bare_p95:.2} ms"));
    row("POST /check with API key/s", median(check_rates), "1/s", note(failures[1]));
    row("POST /check p50 / p95", check_p50, "ms", format!("p95 {check_p95:.2} ms"));
    row("ratio check/bare", median(check_ratios), "", format!("median of {} rounds; target >= 0.5", o.rounds));
    row("GET account page with session/s", median(page_rates), "1/s", note(failures[2]));
    row("session page p50 / p95", page_p50, "ms", format!("p95 {page_p95:.2} ms"));
    row("ratio session page/bare", median(page_ratios), "", format!("median of {} rounds; target >= 0.5", o.rounds));
    Ok(rows)
}
