//! The applications' part: the token endpoint (RFC 6749 §3.2) and userinfo (OpenID Connect
//! Core §5.3), answering errors in OAuth's JSON format.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use keyrack_app::App;
use keyrack_app::oidc::OidcError;
use keyrack_app::oidc::flow::{Params, TokenRequest};

use super::app_failure;

/// An OAuth error answer: 401 with a `WWW-Authenticate` challenge for a client that failed to
/// authenticate, 400 for everything else (RFC 6749 §5.2).
fn oauth_error(code: &str, description: &str) -> Response {
    let status = if code == "invalid_client" { StatusCode::UNAUTHORIZED } else { StatusCode::BAD_REQUEST };
    let mut response = (status, Json(serde_json::json!({"error": code, "error_description": description}))).into_response();
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"keyrack\""));
    }
    response
}

/// One form-urlencoded value decoded (RFC 6749 §2.3.1 encodes the id and secret so before
/// joining them for HTTP Basic).
fn form_decoded(s: &str) -> String {
    url::form_urlencoded::parse(format!("v={s}").as_bytes()).map(|(_, v)| v.into_owned()).next().unwrap_or_default()
}

/// The `client_secret_basic` credentials, if the request carries any; `Err` when the header is
/// there but is not valid HTTP Basic.
fn basic_credentials(headers: &HeaderMap) -> Result<Option<(String, String)>, ()> {
    let Some(value) = headers.get(header::AUTHORIZATION) else { return Ok(None) };
    let value = value.to_str().map_err(|_| ())?;
    let (scheme, encoded) = value.split_once(' ').ok_or(())?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(());
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).map_err(|_| ())?).map_err(|_| ())?;
    let (id, secret) = decoded.split_once(':').ok_or(())?;
    Ok(Some((form_decoded(id), form_decoded(secret))))
}

/// `POST /t/{tenant}/oauth/token`.
pub async fn token(State(app): State<App>, Path(tenant): Path<String>, headers: HeaderMap, body: String) -> Response {
    let Ok(basic) = basic_credentials(&headers) else {
        return oauth_error("invalid_client", "the Authorization header is not valid HTTP Basic");
    };
    match app.token(&tenant, TokenRequest { form: Params::parse(&body), basic }).await {
        Ok(tokens) => Json(tokens).into_response(),
        Err(OidcError::OAuth { code, description }) => oauth_error(code, &description),
        Err(OidcError::App(e)) => app_failure(e),
    }
}

/// A refused bearer token (RFC 6750 §3): without credentials only the challenge, otherwise
/// `invalid_token` with the reason.
fn bearer_refusal(error: Option<(&str, &str)>) -> Response {
    let challenge = match error {
        Some((code, description)) => {
            format!("Bearer realm=\"keyrack\", error=\"{code}\", error_description=\"{}\"", description.replace('"', "'"))
        }
        None => "Bearer realm=\"keyrack\"".to_owned(),
    };
    let mut response = StatusCode::UNAUTHORIZED.into_response();
    if let Ok(v) = HeaderValue::from_str(&challenge) {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, v);
    }
    response
}

/// `GET` or `POST /t/{tenant}/oauth/userinfo` with `Authorization: Bearer <access token>`.
pub async fn userinfo(State(app): State<App>, Path(tenant): Path<String>, headers: HeaderMap) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim().to_owned())
        .filter(|t| !t.is_empty());
    let Some(token) = token else { return bearer_refusal(None) };
    match app.userinfo(&tenant, &token).await {
        Ok(claims) => Json(claims).into_response(),
        Err(OidcError::OAuth { code, description }) => bearer_refusal(Some((code, &description))),
        Err(OidcError::App(e)) => app_failure(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_are_form_decoded() {
        let mut headers = HeaderMap::new();
        assert_eq!(basic_credentials(&headers), Ok(None));
        let encoded = STANDARD.encode("my%3Aclient:s+cr%2Bt");
        headers.insert(header::AUTHORIZATION, HeaderValue::from_str(&format!("Basic {encoded}")).unwrap());
        assert_eq!(basic_credentials(&headers), Ok(Some(("my:client".to_owned(), "s cr+t".to_owned()))));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer abc"));
        assert_eq!(basic_credentials(&headers), Err(()));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic !!!"));
        assert_eq!(basic_credentials(&headers), Err(()));
    }
}
