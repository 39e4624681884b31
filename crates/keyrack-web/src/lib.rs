//! Keyrack's HTTP surface on axum: the REST API `/api/v1` with its OpenAPI document (generated
//! from the same route registration, so the two cannot drift) and the operations endpoints.

pub mod api;
pub mod error;
pub mod extract;
pub mod metrics;
pub mod oidc;
pub mod ops;
pub mod pages;

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::header;
use keyrack_app::App;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Request bodies larger than this are refused before they are read (a password of a
/// megabyte never reaches the hasher). Imports get their own, larger limit.
pub const BODY_LIMIT: usize = 64 * 1024;

/// Room for the multipart framing around an uploaded spreadsheet.
const MULTIPART_OVERHEAD: usize = 64 * 1024;

/// The hard cap on any request body: the operator's import size limit plus the multipart
/// framing. Every axum body extractor (JSON, forms, multipart) holds to [`BODY_LIMIT`] unless its
/// route lifts it, which only the spreadsheet upload does; a body over this cap is refused before
/// any handler runs.
pub fn upload_limit(app: &App) -> usize {
    app.config().import_limits.max_bytes.saturating_add(MULTIPART_OVERHEAD)
}

/// The whole application router.
pub fn router(app: App) -> Router {
    let (api, _) = api::router().split_for_parts();
    let upload_limit = upload_limit(&app);
    metrics::handle();
    Router::new()
        .nest("/api/v1", api)
        .merge(ops::router())
        .merge(pages::router())
        .merge(oidc::router())
        // A route layer sees each request with its matched route template, which is the label.
        .route_layer(axum::middleware::from_fn(metrics::track))
        .with_state(app)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(RequestBodyLimitLayer::new(upload_limit))
        .layer(TimeoutLayer::with_status_code(axum::http::StatusCode::SERVICE_UNAVAILABLE, Duration::from_secs(30)))
        .layer(CatchPanicLayer::custom(error::panic_response))
        .layer(TraceLayer::new_for_http())
        .layer(SetSensitiveRequestHeadersLayer::new([header::AUTHORIZATION, header::COOKIE]))
}

/// Serves until the shutdown future resolves.
pub async fn serve(
    app: App,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(app).into_make_service_with_connect_info::<SocketAddr>()).with_graceful_shutdown(shutdown).await
}
