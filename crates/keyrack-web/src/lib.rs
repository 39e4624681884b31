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

/// The spreadsheet upload's limit, and the hard cap on any request body. Every axum body
/// extractor (JSON, forms, multipart) holds to [`BODY_LIMIT`] unless its route raises it, which
/// only the upload does; a body over this cap is refused before any handler runs.
pub const IMPORT_BODY_LIMIT: usize = 25 * 1024 * 1024;

/// The whole application router.
pub fn router(app: App) -> Router {
    let (api, _) = api::router().split_for_parts();
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
        .layer(RequestBodyLimitLayer::new(IMPORT_BODY_LIMIT))
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
