//! Prometheus metrics: request counts and latencies per route, sign-in outcomes, mail waiting in
//! the outbox. Served at `/metrics` to a scraper holding the metrics token (see the README).
//!
//! Requests are labelled by their route *template* (`/t/{tenant}/reset/{token}`), never by the
//! path that was asked for: a path carries tokens and personal data, and every distinct path
//! would be a new time series. Requests that match no route are not counted per path at all.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use keyrack_app::App;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use subtle::ConstantTimeEq;

const REQUESTS: &str = "keyrack_http_requests_total";
const DURATION: &str = "keyrack_http_request_duration_seconds";
const OUTBOX: &str = "keyrack_outbox_pending";

/// Latency buckets in seconds: sub-millisecond reads up to slow password hashing under load.
const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// The process's recorder, installed on first use. The `metrics` macros write to one global
/// recorder, so every server in the process (tests start many) shares it.
pub fn handle() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new();
        let builder = match builder.set_buckets_for_metric(Matcher::Full(DURATION.to_owned()), &BUCKETS) {
            Ok(b) => b,
            Err(e) => {
                tracing::warn!(error = %e, "latency buckets refused; latencies are reported as summaries");
                PrometheusBuilder::new()
            }
        };
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("another metrics recorder is installed; /metrics shows only what it is given");
        }
        describe();
        handle
    })
}

fn describe() {
    metrics::describe_counter!(REQUESTS, "HTTP requests answered, by method, route template and status");
    metrics::describe_histogram!(
        DURATION,
        metrics::Unit::Seconds,
        "Time to answer an HTTP request, by method and route template"
    );
    metrics::describe_gauge!(OUTBOX, "Mail waiting in the outbox to be delivered");
    metrics::describe_counter!("keyrack_logins_total", "Sign-in attempts (pages and the authenticate API), by outcome");
}

/// Drains histogram buffers now and then, as the exporter's own listener would.
pub fn spawn_upkeep() -> tokio::task::JoinHandle<()> {
    let handle = handle();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(5));
        loop {
            tick.tick().await;
            handle.run_upkeep();
        }
    })
}

/// A fixed set of method labels: an invented method must not become a new series.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Counts and times a request under its route template. Installed as a route layer, so it sees
/// only requests that matched a route, and always with their [`MatchedPath`].
pub async fn track(request: Request, next: Next) -> Response {
    let Some(route) = request.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned()) else {
        return next.run(request).await;
    };
    let method = method_label(request.method());
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::histogram!(DURATION, "method" => method, "route" => route.clone()).record(started.elapsed().as_secs_f64());
    metrics::counter!(REQUESTS, "method" => method, "route" => route, "status" => status).increment(1);
    response
}

/// `GET /metrics`: the Prometheus text, for a bearer of the configured metrics token. Without a
/// token configured the endpoint does not exist (404); a wrong or missing token is 401.
pub async fn endpoint(State(app): State<App>, headers: HeaderMap) -> Response {
    let Some(expected) = app.config().metrics_token.as_deref() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    if !bool::from(presented.as_bytes().ct_eq(expected.as_bytes())) {
        return (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, "Bearer")], "a valid metrics token is required")
            .into_response();
    }
    match app.outbox_pending().await {
        Ok(n) => metrics::gauge!(OUTBOX).set(n as f64),
        Err(e) => tracing::warn!(error = %e, "cannot count the outbox for /metrics"),
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], handle().render()).into_response()
}
