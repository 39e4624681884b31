//! Login timing (SECURITY-TESTS A.1): whether the time of a failed `POST /authenticate` tells an
//! unknown username from a wrong password, a blocked login, a login with no password yet
//! (`granted`) or an invited one. Every case is tried the same number of times, one request at
//! a time, in interleaved order; the figure is the largest difference between the cases' median
//! times as a share of one bare argon2id verification (target below 0.10).
//!
//! The injected clock moves a day between attempts, so no attempt meets a throttle: each one
//! takes the full failure path (verify, then count the failure), the slowest and most telling.

use std::time::Instant;

use keyrack_app::config::Argon2Params;
use keyrack_app::secrets::{hash_blocking, verify_blocking};
use keyrack_testkit::TestApp;
use reqwest::StatusCode;
use serde_json::json;

use crate::report::{Row, percentiles};

const PASSWORD: &str = "lantern orchard velvet 42 tide";
const DAY_MS: i64 = 24 * 3_600_000;

#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// Attempts per case.
    #[arg(long, default_value_t = 200)]
    pub tries: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self { tries: 200 }
    }
}

pub async fn run(o: &Options) -> anyhow::Result<Vec<Row>> {
    let app = TestApp::spawn().await;
    let t = app.tenant("timing").await;
    app.active_person(&t, "active@example.com", PASSWORD).await;
    let blocked = app.active_person(&t, "blocked@example.com", PASSWORD).await;
    app.action(&t, id(&blocked), "block", json!({})).await;
    let granted =
        app.person(&t, json!({"kind": "staff", "first_name": "G", "last_name": "Ranted", "email": "granted@example.com"})).await;
    app.action(&t, id(&granted), "grant", json!({})).await;
    let invited =
        app.person(&t, json!({"kind": "staff", "first_name": "In", "last_name": "Vited", "email": "invited@example.com"})).await;
    app.action(&t, id(&invited), "grant", json!({})).await;
    app.action(&t, id(&invited), "invite", json!({"send_email": false})).await;

    let cases = [
        ("unknown user", "nobody@example.com", PASSWORD),
        ("wrong password", "active@example.com", "wrong horse battery staple"),
        ("blocked", "blocked@example.com", PASSWORD),
        ("granted, no password", "granted@example.com", PASSWORD),
        ("invited", "invited@example.com", PASSWORD),
    ];
    let client = reqwest::Client::new();
    let url = format!("{}/api/v1/tenants/timing/authenticate", app.base);
    let mut times: Vec<Vec<f64>> = vec![Vec::with_capacity(o.tries); cases.len()];
    let mut first_body: Option<(StatusCode, String)> = None;
    for round in 0..o.tries {
        for step in 0..cases.len() {
            // Rotate the order each round so that no case always follows the same one.
            let i = (step + round) % cases.len();
            let (_, username, password) = cases[i];
            app.clock.advance_ms(DAY_MS);
            let sent = Instant::now();
            let res = client.post(&url).json(&json!({"username": username, "password": password})).send().await?;
            let answer = (res.status(), res.text().await?);
            times[i].push(sent.elapsed().as_secs_f64() * 1000.0);
            match &first_body {
                None => first_body = Some(answer),
                Some(first) => anyhow::ensure!(*first == answer, "{} answered differently: {answer:?}", cases[i].0),
            }
        }
    }

    let argon2 = bare_verification_ms(o.tries)?;
    let medians: Vec<f64> = times.into_iter().map(|t| percentiles(t).0).collect();
    let spread = medians.iter().copied().fold(f64::MIN, f64::max) - medians.iter().copied().fold(f64::MAX, f64::min);
    let row =
        |metric: String, value: f64, unit: &'static str, note: String| Row { scenario: "timing", metric, value, unit, note };
    let mut rows: Vec<Row> = cases
        .iter()
        .zip(&medians)
        .map(|((name, ..), p50)| row(format!("p50 failed login: {name}"), *p50, "ms", String::new()))
        .collect();
    rows.push(row("p50 bare argon2id verification".into(), argon2, "ms", "one thread, same parameters".into()));
    rows.push(row(
        "largest p50 difference / argon2id".into(),
        spread / argon2,
        "",
        format!("{} tries per case, identical answers; target < 0.10", o.tries),
    ));
    Ok(rows)
}

fn id(person: &serde_json::Value) -> &str {
    person["id"].as_str().unwrap_or_default()
}

/// The median time of one verification on one thread.
fn bare_verification_ms(tries: usize) -> anyhow::Result<f64> {
    let stored = hash_blocking(&Argon2Params::default(), PASSWORD).map_err(|e| anyhow::anyhow!("{e}"))?;
    let times = (0..tries.max(1))
        .map(|_| {
            let started = Instant::now();
            verify_blocking("wrong horse battery staple", &stored);
            started.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    Ok(percentiles(times).0)
}
