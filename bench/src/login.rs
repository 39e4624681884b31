//! Logins: `POST /tenants/{t}/authenticate` over HTTP on loopback, and the login form as a
//! browser submits it (load the page for its CSRF cookie, post the form), each with enough
//! concurrent clients to keep every core busy, against bare argon2id verifications on all cores
//! at the same parameters. The ratios say how much of the hashing throughput a real login keeps.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use keyrack_app::config::Argon2Params;
use keyrack_app::secrets::{hash_blocking, verify_blocking};
use keyrack_testkit::TestApp;
use reqwest::header::{COOKIE, SET_COOKIE};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::report::{Row, percentiles};

const PASSWORD: &str = "lantern orchard velvet 42 tide";

#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// Seconds each measurement runs.
    #[arg(long, default_value_t = 5)]
    pub seconds: u64,
    /// Concurrent HTTP clients.
    #[arg(long, default_value_t = 8)]
    pub clients: usize,
    /// Rounds of (bare, API, form), interleaved so that a change in the machine's load hits all
    /// three alike; the figures are the medians over the rounds.
    #[arg(long, default_value_t = 3)]
    pub rounds: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self { seconds: 5, clients: 8, rounds: 3 }
    }
}

pub(crate) fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

pub async fn run(o: &Options) -> anyhow::Result<Vec<Row>> {
    let params = Argon2Params::default();
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    let window = Duration::from_secs(o.seconds);
    // Keyrack: a real server on loopback with an active person.
    let app = TestApp::spawn().await;
    let t = app.tenant("bench").await;
    app.active_person(&t, "bench@example.com", PASSWORD).await;

    let (mut bare_rates, mut api_rates, mut form_rates) = (Vec::new(), Vec::new(), Vec::new());
    let (mut api_ratios, mut form_ratios) = (Vec::new(), Vec::new());
    let (mut api_latencies, mut form_latencies) = (Vec::new(), Vec::new());
    let (mut api_failures, mut form_failures) = (0, 0);
    for _ in 0..o.rounds.max(1) {
        let bare = bare_verifications(&params, cores, window)?;
        let (api, latencies, failures) = load(&app.base, o.clients, window, api_login).await?;
        api_latencies.extend(latencies);
        api_failures += failures;
        let (form, latencies, failures) = load(&app.base, o.clients, window, form_login).await?;
        form_latencies.extend(latencies);
        form_failures += failures;
        api_ratios.push(api / bare);
        form_ratios.push(form / bare);
        bare_rates.push(bare);
        api_rates.push(api);
        form_rates.push(form);
    }
    let (bare, api_rate, form_rate) = (median(bare_rates), median(api_rates), median(form_rates));
    let (api_p50, api_p95) = percentiles(api_latencies);
    let (form_p50, form_p95) = percentiles(form_latencies);

    let database = if app.db.is_postgres() { "PostgreSQL" } else { "SQLite" };
    let clients = |failures: u64| format!("{} clients, {failures} failures, {database}", o.clients);
    let note = format!("argon2id m={} KiB t={} p={}, {cores} cores", params.memory_kib, params.iterations, params.parallelism);
    let row = |metric: &str, value: f64, unit: &'static str, note: String| Row {
        scenario: "login",
        metric: metric.into(),
        value,
        unit,
        note,
    };
    Ok(vec![
        row("bare argon2id verifications/s", bare, "1/s", note),
        row("POST /authenticate/s", api_rate, "1/s", clients(api_failures)),
        row("POST /authenticate p50", api_p50, "ms", String::new()),
        row("POST /authenticate p95", api_p95, "ms", String::new()),
        row("ratio authenticate/bare", median(api_ratios), "", format!("median of {} rounds; target >= 0.85", o.rounds)),
        row("login form (GET + CSRF POST)/s", form_rate, "1/s", clients(form_failures)),
        row("login form p50", form_p50, "ms", String::new()),
        row("login form p95", form_p95, "ms", String::new()),
        row("ratio login form/bare", median(form_ratios), "", format!("median of {} rounds; target >= 0.8", o.rounds)),
    ])
}

/// Bare verifications, one thread per core, for the same time as each load.
fn bare_verifications(params: &Argon2Params, cores: usize, window: Duration) -> anyhow::Result<f64> {
    let stored = hash_blocking(params, PASSWORD).map_err(|e| anyhow::anyhow!("{e}"))?;
    let count = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let threads: Vec<_> = (0..cores)
        .map(|_| {
            let (count, stored) = (count.clone(), stored.clone());
            std::thread::spawn(move || {
                while started.elapsed() < window {
                    if verify_blocking(PASSWORD, &stored) {
                        count.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().map_err(|_| anyhow::anyhow!("a hashing thread panicked"))?;
    }
    Ok(count.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64())
}

/// One API login; answers whether it succeeded.
async fn api_login(client: reqwest::Client, base: String) -> bool {
    let res = client
        .request(Method::POST, format!("{base}/api/v1/tenants/bench/authenticate"))
        .json(&json!({"username": "bench@example.com", "password": PASSWORD}))
        .send()
        .await;
    matches!(res, Ok(r) if r.status().is_success())
}

/// One sign-in as a browser does it: load the form (which sets the CSRF cookie), post it with
/// the token, and expect the redirect to the account page.
async fn form_login(client: reqwest::Client, base: String) -> bool {
    let Ok(page) = client.get(format!("{base}/t/bench/login")).send().await else { return false };
    let csrf = page
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("__Host-keyrack_csrf=").or_else(|| c.strip_prefix("keyrack_csrf=")))
        .and_then(|c| c.split(';').next())
        .map(str::to_owned);
    let Some(csrf) = csrf else { return false };
    let res = client
        .post(format!("{base}/t/bench/login"))
        .header(COOKIE, format!("__Host-keyrack_csrf={csrf}; keyrack_csrf={csrf}"))
        .form(&[("csrf", csrf.as_str()), ("username", "bench@example.com"), ("password", PASSWORD)])
        .send()
        .await;
    matches!(res, Ok(r) if r.status() == StatusCode::SEE_OTHER)
}

/// Runs `attempt` against `base` from `clients` concurrent clients for `window`; answers
/// successes per second, their latencies in ms, and the failures.
pub(crate) async fn load<F, Fut>(base: &str, clients: usize, window: Duration, attempt: F) -> anyhow::Result<(f64, Vec<f64>, u64)>
where
    F: Fn(reqwest::Client, String) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (client, base, stop, attempt) = (client.clone(), base.to_owned(), stop.clone(), attempt.clone());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut failures = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    let sent = Instant::now();
                    if attempt(client.clone(), base.clone()).await {
                        latencies.push(sent.elapsed().as_secs_f64() * 1000.0);
                    } else {
                        failures += 1;
                    }
                }
                (latencies, failures)
            })
        })
        .collect();
    tokio::time::sleep(window).await;
    stop.store(true, Ordering::Relaxed);
    let mut latencies = Vec::new();
    let mut failures = 0;
    for task in tasks {
        let (l, f) = task.await?;
        latencies.extend(l);
        failures += f;
    }
    Ok((latencies.len() as f64 / started.elapsed().as_secs_f64(), latencies, failures))
}

/// Whether the request answered 200 and its whole body arrived.
pub(crate) async fn answered_ok(res: reqwest::Result<reqwest::Response>) -> bool {
    match res {
        Ok(r) if r.status() == StatusCode::OK => r.bytes().await.is_ok(),
        _ => false,
    }
}
