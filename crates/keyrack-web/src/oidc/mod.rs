//! The OpenID Connect provider over HTTP, one issuer per tenant (`{public_url}/t/{tenant}`):
//!
//! | path under `/t/{tenant}` | what |
//! |---|---|
//! | `/.well-known/openid-configuration` | discovery |
//! | `/oauth/jwks` | the public signing keys |
//! | `/oauth/authorize` | the authorization code flow (signs in through the login page) |
//! | `/oauth/token` | codes and refresh tokens for tokens |
//! | `/oauth/userinfo` | the claims for an access token |
//! | `/oauth/logout` | RP-initiated logout |
//!
//! OAuth has its own error format (`{"error", "error_description"}`, or an error sent back to the
//! client's redirect URI), so these routes answer in it rather than in problem documents; only
//! an unknown tenant is a plain 404.

mod authorize;
mod token;

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum_extra::extract::CookieJar;
use keyrack_app::oidc::{CLAIMS, SCOPES, issuer};
use keyrack_app::{App, AppError};
use tower_http::set_header::SetResponseHeaderLayer;

pub fn router() -> Router<App> {
    // Discovery and keys are public documents that browser-based clients fetch too.
    let public = Router::new()
        .route("/t/{tenant}/.well-known/openid-configuration", get(discovery))
        .route("/t/{tenant}/oauth/jwks", get(jwks))
        .layer(SetResponseHeaderLayer::overriding(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*")))
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300")));
    let flow = Router::new()
        .route("/t/{tenant}/oauth/authorize", get(authorize::get).post(authorize::post))
        .route("/t/{tenant}/oauth/logout", get(authorize::logout_get).post(authorize::logout_post))
        .route("/t/{tenant}/oauth/token", axum::routing::post(token::token))
        .route("/t/{tenant}/oauth/userinfo", get(token::userinfo).post(token::userinfo))
        // Codes and tokens travel in these answers: no cache keeps them, no referrer carries the
        // URL onwards, no page frames them.
        .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .layer(SetResponseHeaderLayer::overriding(header::PRAGMA, HeaderValue::from_static("no-cache")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'"),
        ));
    public.merge(flow)
}

/// `GET /t/{tenant}/.well-known/openid-configuration` (OpenID Connect Discovery 1.0).
async fn discovery(State(app): State<App>, Path(tenant): Path<String>) -> Response {
    if let Err(e) = app.tenant_by_slug(&tenant).await {
        return crate::error::problem(e).into_response();
    }
    let iss = issuer(app.config().base_url(), &tenant);
    axum::Json(serde_json::json!({
        "issuer": iss,
        "authorization_endpoint": format!("{iss}/oauth/authorize"),
        "token_endpoint": format!("{iss}/oauth/token"),
        "userinfo_endpoint": format!("{iss}/oauth/userinfo"),
        "jwks_uri": format!("{iss}/oauth/jwks"),
        "end_session_endpoint": format!("{iss}/oauth/logout"),
        "scopes_supported": SCOPES,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "none"],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": CLAIMS,
        "claims_parameter_supported": false,
        "request_parameter_supported": false,
        "request_uri_parameter_supported": false,
        "authorization_response_iss_parameter_supported": true,
    }))
    .into_response()
}

/// `GET /t/{tenant}/oauth/jwks`: the active key and recently retired ones.
async fn jwks(State(app): State<App>, Path(tenant): Path<String>) -> Response {
    if let Err(e) = app.tenant_by_slug(&tenant).await {
        return crate::error::problem(e).into_response();
    }
    match app.jwks().await {
        Ok(set) => axum::Json(set).into_response(),
        Err(e) => crate::error::problem(e).into_response(),
    }
}

/// A page for a person whose browser cannot be sent back to the application.
#[derive(Template)]
#[template(
    source = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
{% if let Some(to) = refresh %}<meta http-equiv="refresh" content="0;url={{ to }}">{% endif %}
<title>{{ title }}</title><link rel="stylesheet" href="/static/keyrack.css"></head>
<body><main><h1>{{ title }}</h1><p>{{ message }}</p>
{% if let Some(link) = link %}<p><a href="{{ link }}">{{ link_text }}</a></p>{% endif %}
</main></body></html>"#,
    ext = "html"
)]
struct MessagePage<'a> {
    /// Where the browser goes on by itself.
    refresh: Option<&'a str>,
    title: &'a str,
    message: &'a str,
    link: Option<&'a str>,
    link_text: &'a str,
}

fn message_page(status: StatusCode, title: &str, message: &str, link: Option<(&str, &str)>) -> Response {
    render(&MessagePage { refresh: None, title, message, link: link.map(|l| l.0), link_text: link.map_or("", |l| l.1) }, status)
}

/// A page that sends the browser on to `to` by itself (and offers the link, should it not).
fn continue_page(to: &str, name: &str) -> Response {
    let title = format!("Back to {name}");
    render(
        &MessagePage { refresh: Some(to), title: &title, message: "You are signed in.", link: Some(to), link_text: "Continue" },
        StatusCode::OK,
    )
}

fn render(page: &MessagePage<'_>, status: StatusCode) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

/// An application error on an OAuth route: a missing tenant is 404, the rest as usual.
fn app_failure(e: AppError) -> Response {
    crate::error::problem(e).into_response()
}

/// The tenant's session cookie, named as the pages name it (`keyrack_{slug}`, with the
/// `__Host-` prefix over HTTPS: see `pages::context::cookie_name`).
fn session_cookie_name(app: &App, slug: &str) -> String {
    let base = format!("keyrack_{slug}");
    if app.config().is_https() { format!("__Host-{base}") } else { base }
}

fn session_cookie(app: &App, slug: &str, headers: &HeaderMap) -> Option<String> {
    CookieJar::from_headers(headers).get(&session_cookie_name(app, slug)).map(|c| c.value().to_owned())
}
