//! The one place where application errors become HTTP: `application/problem+json` (RFC 9457)
//! with a stable `code`, and for validation an `errors` list naming each field.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use keyrack_app::AppError;
use serde::Serialize;
use utoipa::ToSchema;

/// An RFC 9457 problem document.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// `about:blank`: the `code` carries the meaning.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: String,
    pub status: u16,
    /// Stable, machine-readable: `not_found`, `validation_failed`, `invalid_transition`, ...
    pub code: String,
    pub detail: String,
    /// The current access state, when an action was refused because of it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Each field and rule broken, for `validation_failed`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldProblem {
    pub field: String,
    pub code: String,
    pub message: String,
}

impl Problem {
    pub fn new(status: StatusCode, code: &str, detail: impl Into<String>) -> Self {
        Self {
            kind: "about:blank",
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            code: code.to_owned(),
            detail: detail.into(),
            state: None,
            errors: Vec::new(),
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, axum::Json(self)).into_response();
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        response
    }
}

/// An application error on its way out.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        Self(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        problem(self.0).into_response()
    }
}

pub fn problem(e: AppError) -> Problem {
    match e {
        AppError::NotFound => Problem::new(StatusCode::NOT_FOUND, "not_found", "there is nothing here"),
        AppError::Validation(errors) => {
            let mut p = Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", errors.to_string());
            p.errors = errors.0.into_iter().map(|e| FieldProblem { field: e.field, code: e.code, message: e.message }).collect();
            p
        }
        AppError::Refused(r) => {
            let mut p = Problem::new(StatusCode::CONFLICT, r.code.as_str(), r.to_string());
            p.state = Some(r.state.as_str().to_owned());
            p
        }
        AppError::Conflict { code, message } => Problem::new(StatusCode::CONFLICT, code, message),
        AppError::Unauthorized => Problem::new(StatusCode::UNAUTHORIZED, "unauthorized", "a valid API key is required"),
        AppError::Forbidden { code, message } => Problem::new(StatusCode::FORBIDDEN, code, message),
        AppError::InvalidCredentials => {
            Problem::new(StatusCode::UNAUTHORIZED, "invalid_credentials", "the username or password is not correct")
        }
        AppError::LinkInvalid => Problem::new(
            StatusCode::GONE,
            "link_invalid",
            "this link is not valid any more: it was used, it expired, or it never existed",
        ),
        AppError::Unavailable => {
            Problem::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "the database is not available; try again shortly")
        }
        AppError::Contention(detail) => {
            tracing::warn!(%detail, "transaction still rolled back after every attempt");
            Problem::new(StatusCode::SERVICE_UNAVAILABLE, "contention", "too many concurrent changes to the same data; try again")
        }
        AppError::Internal(detail) => {
            tracing::error!(%detail, "internal error");
            Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "something went wrong on our side")
        }
    }
}

pub(crate) fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "something went wrong on our side").into_response()
}

pub type ApiResult<T> = Result<T, ApiError>;
