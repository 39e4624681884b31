//! The browser's part: the authorization endpoint, which signs people in through the tenant's
//! own login page, and RP-initiated logout.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::Cookie;
use keyrack_app::App;
use keyrack_app::oidc::OidcError;
use keyrack_app::oidc::flow::{Authorization, EndSession, Params};

use super::{app_failure, continue_page, message_page, session_cookie, session_cookie_name};

pub async fn get(State(app): State<App>, Path(tenant): Path<String>, headers: HeaderMap, uri: Uri) -> Response {
    authorize(&app, &tenant, &headers, Params::parse(uri.query().unwrap_or_default())).await
}

/// OpenID Connect Core §3.1.2.1: the request may also come as a form post.
pub async fn post(State(app): State<App>, Path(tenant): Path<String>, headers: HeaderMap, body: String) -> Response {
    authorize(&app, &tenant, &headers, Params::parse(&body)).await
}

/// Whether the browser says this request continues a navigation that started on one of
/// Keyrack's own pages (Fetch Metadata): after the login form's redirect it does.
fn from_own_page(headers: &HeaderMap) -> bool {
    headers.get("sec-fetch-site").is_some_and(|v| v.as_bytes() == b"same-origin")
}

fn percent_encoded(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn authorize(app: &App, tenant: &str, headers: &HeaderMap, params: Params) -> Response {
    let request = match app.authorization_request(tenant, &params).await {
        Ok(Authorization::Valid(request)) => request,
        Ok(Authorization::Error { redirect }) => return Redirect::to(&redirect).into_response(),
        Ok(Authorization::Refused { description }) => {
            return message_page(
                StatusCode::BAD_REQUEST,
                "This sign-in link is not valid",
                &format!("{description} Go back to the application and try again, or tell its provider."),
                None,
            );
        }
        Err(e) => return app_failure(e),
    };
    let session = match session_cookie(app, tenant, headers) {
        Some(token) => match app.session(tenant, &token).await {
            Ok(s) => s,
            Err(e) => return app_failure(e),
        },
        None => None,
    };
    match session {
        Some(session) => match app.issue_code(&session, &request).await {
            // Right after the login form the browser is still in the navigation that the form
            // started, and the login page's `form-action 'self'` forbids that navigation to end
            // at another site: Chromium then stops on a blank page. A page of Keyrack's own ends
            // it, and goes on to the application by itself.
            Ok(redirect) if from_own_page(headers) => continue_page(&redirect, &request.client.name),
            Ok(redirect) => Redirect::to(&redirect).into_response(),
            Err(e) => app_failure(e),
        },
        None if request.prompt_none => {
            Redirect::to(&request.error("login_required", "the person is not signed in")).into_response()
        }
        None => {
            // The login page returns to `next` (a path inside the tenant) after signing in; the
            // request's parameters come back encoded as they were received.
            let next = format!("/t/{tenant}/oauth/authorize?{}", params.encode());
            Redirect::to(&format!("/t/{tenant}/login?next={}", percent_encoded(&next))).into_response()
        }
    }
}

pub async fn logout_get(State(app): State<App>, Path(tenant): Path<String>, headers: HeaderMap, uri: Uri) -> Response {
    logout(&app, &tenant, &headers, &Params::parse(uri.query().unwrap_or_default())).await
}

pub async fn logout_post(State(app): State<App>, Path(tenant): Path<String>, headers: HeaderMap, body: String) -> Response {
    logout(&app, &tenant, &headers, &Params::parse(&body)).await
}

async fn logout(app: &App, tenant: &str, headers: &HeaderMap, params: &Params) -> Response {
    let one = |name: &str| params.0.iter().find(|(k, v)| k == name && !v.is_empty()).map(|(_, v)| v.clone());
    let input = EndSession {
        id_token_hint: one("id_token_hint"),
        post_logout_redirect_uri: one("post_logout_redirect_uri"),
        state: one("state"),
        client_id: one("client_id"),
    };
    let cookie = session_cookie(app, tenant, headers);
    match app.end_session(tenant, &input, cookie.as_deref()).await {
        Ok(redirect) => {
            let login = format!("/t/{tenant}/login");
            let to = redirect.unwrap_or(login);
            // The removal carries `Secure` over HTTPS: a browser ignores a `__Host-` cookie
            // without it, removal included.
            let removal =
                Cookie::build(session_cookie_name(app, tenant)).path("/").secure(app.config().is_https()).http_only(true);
            (CookieJar::from_headers(headers).remove(removal), Redirect::to(&to)).into_response()
        }
        Err(OidcError::OAuth { description, .. }) => message_page(
            StatusCode::BAD_REQUEST,
            "Signing out through this application did not work",
            &format!("{description}. You can sign out on your account page."),
            Some((&format!("/t/{tenant}/account"), "Your account")),
        ),
        Err(OidcError::App(e)) => app_failure(e),
    }
}
