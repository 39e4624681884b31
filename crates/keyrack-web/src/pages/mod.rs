//! The self-service pages under `/t/{tenant}/` and the admin console ([`console`]): server-rendered HTML that works without
//! JavaScript, in the reader's language, every form protected against cross-site requests.
//!
//! Conventions: a POST that succeeds redirects (POST → redirect → GET) with a one-time flash
//! message; a POST that fails re-renders its form with an error summary linked to the fields.

mod account;
pub mod console;
mod context;
mod links;
mod login;
mod setup;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use axum::routing::get;
use keyrack_app::App;
use tower_http::set_header::SetResponseHeaderLayer;

pub use context::{Page, Tr};

const STYLESHEET: &str = include_str!("../../static/keyrack.css");

pub fn router() -> Router<App> {
    let pages = Router::new()
        .route("/t/{tenant}/login", get(login::form).post(login::submit))
        .route("/t/{tenant}/logout", axum::routing::post(login::logout))
        .route("/t/{tenant}/forgot", get(login::forgot_form).post(login::forgot_submit))
        .route("/t/{tenant}/register", get(login::register_form).post(login::register_submit))
        .route("/t/{tenant}/invite/{token}", get(links::invite_form).post(links::invite_submit))
        .route("/t/{tenant}/reset/{token}", get(links::reset_form).post(links::reset_submit))
        .route("/t/{tenant}/account", get(account::page))
        .route("/t/{tenant}/account/profile", axum::routing::post(account::profile))
        .route("/t/{tenant}/account/password", axum::routing::post(account::password))
        .route("/t/{tenant}/account/notifications", axum::routing::post(account::notifications))
        .route("/t/{tenant}/account/sessions", axum::routing::post(account::end_other_sessions))
        .route("/setup/{token}", get(setup::form).post(setup::submit))
        .merge(console::router())
        // Pages carry links with tokens and personal data: no referrer leaves them, no one
        // frames them, no cache keeps them.
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
        ));
    pages.route("/static/keyrack.css", get(stylesheet))
}

async fn stylesheet() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], STYLESHEET)
}
