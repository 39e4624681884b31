//! The application's error type: every refusal with a stable code. The web layer maps it to
//! HTTP in exactly one place.

use keyrack_core::FieldErrors;
use keyrack_core::access::Refusal;
use keyrack_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Missing, or belonging to another tenant: the two are indistinguishable on purpose.
    #[error("not found")]
    NotFound,
    #[error("invalid input: {0}")]
    Validation(FieldErrors),
    /// The access state machine refused the action.
    #[error("{0}")]
    Refused(Refusal),
    /// Any other rule that makes the request conflict with the current data.
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("authentication required")]
    Unauthorized,
    #[error("{message}")]
    Forbidden { code: &'static str, message: String },
    /// Wrong username or password, whatever the actual reason.
    #[error("the username or password is not correct")]
    InvalidCredentials,
    /// An unknown, used or expired link, whichever it was.
    #[error("this link is not valid (any more)")]
    LinkInvalid,
    #[error("the database is not available")]
    Unavailable,
    /// The database rolled the transaction back for a concurrent one (serialization failure or
    /// deadlock). [`crate::App::transaction`] runs the action again; this reaches a client only
    /// when every attempt lost.
    #[error("the change collided with concurrent changes: {0}")]
    Contention(String),
    #[error("internal error: {0}")]
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        if e.is_transient_conflict() {
            tracing::info!(error = %e, "transaction rolled back by a concurrent one");
            AppError::Contention(e.to_string())
        } else if e.is_unavailable() {
            tracing::warn!(error = %e, "database unavailable");
            AppError::Unavailable
        } else {
            tracing::error!(error = %e, "store error");
            AppError::Internal(e.to_string())
        }
    }
}

impl From<FieldErrors> for AppError {
    fn from(e: FieldErrors) -> Self {
        AppError::Validation(e)
    }
}

impl From<keyrack_core::FieldError> for AppError {
    fn from(e: keyrack_core::FieldError) -> Self {
        AppError::Validation(e.into())
    }
}

impl From<Refusal> for AppError {
    fn from(r: Refusal) -> Self {
        AppError::Refused(r)
    }
}

impl AppError {
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        AppError::Conflict { code, message: message.into() }
    }
}
