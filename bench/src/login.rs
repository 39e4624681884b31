//! Logins: `POST /tenants/{t}/authenticate` over HTTP on loopback, with enough concurrent
//! clients to keep every core busy, against bare argon2id verifications on all cores at the
//! same parameters. The ratio says how much of the hashing throughput a real login keeps.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use keyrack_app::config::Argon2Params;
use keyrack_app::secrets::{hash_blocking, verify_blocking};
use keyrack_testkit::TestApp;
use reqwest::Method;
use serde_json::json;

use crate::report::{Row, percentiles};

const PASSWORD: &str = "lantern orchard velvet 42 tide";

#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// Seconds each half of the measurement runs.
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
    /// Concurrent HTTP clients.
    #[arg(long, default_value_t = 8)]
    pub clients: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self { seconds: 10, clients: 8 }
    }
}

pub async fn run(o: &Options) -> anyhow::Result<Vec<Row>> {
    let params = Argon2Params::default();
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    let window = Duration::from_secs(o.seconds);

    // Baseline: bare verifications, one thread per core, for the same time.
    let stored = hash_blocking(&params, PASSWORD).map_err(|e| anyhow::anyhow!("{e}"))?;
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
    let bare = count.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64();

    // Keyrack: a real server on loopback with an active person.
    let app = TestApp::spawn().await;
    let t = app.tenant("bench").await;
    app.active_person(&t, "bench@example.com", PASSWORD).await;
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let clients: Vec<_> = (0..o.clients)
        .map(|_| {
            let (client, base, stop) = (app.client.clone(), app.base.clone(), stop.clone());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut failures = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    let sent = Instant::now();
                    let res = client
                        .request(Method::POST, format!("{base}/api/v1/tenants/bench/authenticate"))
                        .json(&json!({"username": "bench@example.com", "password": PASSWORD}))
                        .send()
                        .await;
                    match res {
                        Ok(r) if r.status().is_success() => latencies.push(sent.elapsed().as_secs_f64() * 1000.0),
                        _ => failures += 1,
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
    for c in clients {
        let (l, f) = c.await?;
        latencies.extend(l);
        failures += f;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let logins = latencies.len() as f64 / elapsed;
    let (p50, p95) = percentiles(latencies);
    let note = format!("argon2id m={} KiB t={} p={}, {cores} cores", params.memory_kib, params.iterations, params.parallelism);
    Ok(vec![
        Row { scenario: "login", metric: "bare argon2id verifications/s".into(), value: bare, unit: "1/s", note: note.clone() },
        Row {
            scenario: "login",
            metric: "authenticate over HTTP/s".into(),
            value: logins,
            unit: "1/s",
            note: format!("{} clients, {} failures, SQLite", o.clients, failures),
        },
        Row { scenario: "login", metric: "authenticate p50".into(), value: p50, unit: "ms", note: String::new() },
        Row { scenario: "login", metric: "authenticate p95".into(), value: p95, unit: "ms", note: String::new() },
        Row {
            scenario: "login",
            metric: "ratio authenticate/bare".into(),
            value: logins / bare,
            unit: "",
            note: "target >= 0.85".into(),
        },
    ])
}
