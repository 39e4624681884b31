//! Request extractors whose refusals are problem documents: JSON and query strings (unknown
//! fields are refused: no mass assignment), the bearer credential, and the client address.

use std::net::{IpAddr, SocketAddr};

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use keyrack_app::{Actor, App, AppError, Origin};
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{DeserializeOwned, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::error::{ApiError, FieldProblem, Problem};

/// JSON body; a malformed body or an unknown field answers 422 naming the field.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<JsonObject<T>>::from_request(req, state).await {
            Ok(axum::Json(JsonObject(v))) => Ok(Self(v)),
            Err(rejection) => Err(json_problem(&rejection)),
        }
    }
}

/// `T` read from a JSON object only. serde reads a struct from an array of its fields in order
/// too (`[null, null]` is a valid `GrantInput` to it), which no API body is and no document
/// describes.
struct JsonObject<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for JsonObject<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectVisitor<T> {
            type Value = T;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map))
            }
        }

        deserializer.deserialize_map(ObjectVisitor(PhantomData)).map(Self)
    }
}

/// JSON body that may be left out entirely (an action without options): an empty body is
/// the default value; anything else must be valid JSON for `T`.
#[derive(Debug, Clone, Copy, Default)]
pub struct OptionalJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Default> FromRequest<S> for OptionalJson<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let empty = req.headers().get(axum::http::header::CONTENT_LENGTH).is_some_and(|v| v == "0")
            || (req.headers().get(axum::http::header::CONTENT_TYPE).is_none()
                && req.headers().get(axum::http::header::TRANSFER_ENCODING).is_none()
                && req.headers().get(axum::http::header::CONTENT_LENGTH).is_none());
        if empty {
            return Ok(Self(T::default()));
        }
        let ApiJson(v) = ApiJson::<T>::from_request(req, state).await?;
        Ok(Self(v))
    }
}

fn json_problem(rejection: &JsonRejection) -> Problem {
    let (status, code) = match rejection {
        JsonRejection::MissingJsonContentType(_) => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
        JsonRejection::JsonSyntaxError(_) => (StatusCode::BAD_REQUEST, "invalid_json"),
        JsonRejection::BytesRejection(_) => (StatusCode::PAYLOAD_TOO_LARGE, "body_too_large"),
        _ => (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
    };
    let detail = rejection.body_text();
    let mut p = Problem::new(status, code, detail.clone());
    if status == StatusCode::UNPROCESSABLE_ENTITY {
        p.errors.push(FieldProblem { field: field_of(&detail), code: "invalid_field".into(), message: detail });
    }
    p
}

/// serde's messages name the path before a colon ("access.state: unknown field") or quote
/// an unknown field in backticks; the field is what a client needs to fix.
fn field_of(detail: &str) -> String {
    let inner = detail.split_once("target type: ").map_or(detail, |(_, rest)| rest);
    if let Some(rest) = inner.split_once("unknown field `") {
        return rest.1.split('`').next().unwrap_or("body").to_owned();
    }
    if let Some(rest) = inner.split_once("missing field `") {
        return rest.1.split('`').next().unwrap_or("body").to_owned();
    }
    match inner.split_once(": ") {
        Some((path, _)) if !path.contains(' ') => path.to_owned(),
        _ => "body".to_owned(),
    }
}

/// Query string; unknown parameters answer 422.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(Self(v)),
            Err(rejection) => Err(query_problem(&rejection)),
        }
    }
}

fn query_problem(rejection: &QueryRejection) -> Problem {
    let detail = rejection.body_text();
    let mut p = Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", detail.clone());
    p.errors.push(FieldProblem { field: field_of(&detail), code: "invalid_parameter".into(), message: detail });
    p
}

/// The authenticated caller of an API route: `Authorization: Bearer <key>`.
#[derive(Debug, Clone)]
pub struct Caller(pub Actor);

impl FromRequestParts<App> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let Bearer(token) = Bearer::from_request_parts(parts, app).await?;
        Ok(Self(app.actor_for_bearer(&token).await?))
    }
}

/// The credential of `Authorization: Bearer …`, not yet resolved: for a handler that resolves
/// it together with what it reads (`POST /check`, one database read per call). 401 without one.
pub struct Bearer(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Bearer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let header = parts.headers.get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok());
        header
            .and_then(|h| h.strip_prefix("Bearer ").or_else(|| h.strip_prefix("bearer ")))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| Self(t.to_owned()))
            .ok_or(ApiError(AppError::Unauthorized))
    }
}

/// Where the request came from: the peer address, or — when the peer is a configured trusted
/// proxy — the nearest address in `X-Forwarded-For` that is not itself a trusted proxy.
#[derive(Debug, Clone, Default)]
pub struct ClientOrigin(pub Origin);

impl FromRequestParts<App> for ClientOrigin {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(a)| a.ip());
        let trusted = &app.config().trusted_proxies;
        let forwarded =
            parts.headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>().join(",");
        Ok(Self(Origin { address: client_address(peer, &forwarded, trusted).map(|a| a.to_string()) }))
    }
}

/// The client's address as far as trusted proxies vouch for it, walking `X-Forwarded-For`
/// from the right (the entry the nearest proxy added) and stopping at the first untrusted hop.
pub fn client_address(peer: Option<IpAddr>, forwarded_for: &str, trusted: &[IpAddr]) -> Option<IpAddr> {
    let mut current = peer?;
    for hop in forwarded_for.rsplit(',').map(str::trim).filter(|h| !h.is_empty()) {
        if !trusted.contains(&current) {
            break;
        }
        match hop.parse::<IpAddr>() {
            Ok(ip) => current = ip,
            Err(_) => break,
        }
    }
    Some(current)
}

#[cfg(test)]
mod tests {
    use super::field_of;

    #[test]
    fn forwarded_addresses_count_only_through_trusted_proxies() {
        use super::client_address;
        let proxy: std::net::IpAddr = "10.0.0.5".parse().unwrap();
        let client: std::net::IpAddr = "203.0.113.7".parse().unwrap();
        let spoofed = "198.51.100.1, 203.0.113.7";
        // Directly connected: the header is ignored whatever it says.
        assert_eq!(client_address(Some(client), "198.51.100.1", &[proxy]), Some(client));
        // Through the trusted proxy: the proxy's entry (the rightmost) is the client.
        assert_eq!(client_address(Some(proxy), spoofed, &[proxy]), Some(client));
        // Without configured proxies the peer is the client.
        assert_eq!(client_address(Some(proxy), spoofed, &[]), Some(proxy));
        assert_eq!(client_address(Some(proxy), "not-an-ip", &[proxy]), Some(proxy));
    }

    #[test]
    fn field_names_are_found_in_serde_messages() {
        assert_eq!(
            field_of("Failed to deserialize the JSON body into the target type: unknown field `state`, expected one of `kind`"),
            "state"
        );
        assert_eq!(field_of("Failed to deserialize the JSON body into the target type: missing field `kind` at line 1"), "kind");
        assert_eq!(
            field_of(
                "Failed to deserialize the JSON body into the target type: phones: invalid type: string \"x\", expected a sequence"
            ),
            "phones"
        );
    }
}
