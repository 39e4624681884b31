//! The OpenID Connect provider: one issuer per tenant (`{public_url}/t/{tenant}`), the
//! authorization code flow with PKCE (S256, always), refresh tokens that rotate, userinfo and
//! RP-initiated logout. The web layer speaks HTTP; the decisions are here.
//!
//! - [`keys`]: the RS256 signing keys, created at first use, rotated from the CLI, published in
//!   the JWKS until the tokens they signed have expired.
//! - [`clients`]: registering relying parties (the secret is answered once, stored hashed).
//! - [`flow`]: authorization requests, codes, the token endpoint, userinfo and end-session.
//!
//! Lifetimes: a code lives [`CODE_TTL_MS`] and is used once; ID and access tokens live
//! [`TOKEN_TTL_MS`]; a refresh-token family (a *grant*) lives as long as the Keyrack session the
//! person signed in with, so whatever ends that session (sign-out, block, remove, reset, a
//! password set by an admin, the session's idle or absolute timeout) ends the grant too.

pub mod clients;
pub mod flow;
pub mod keys;

use keyrack_store::StoreError;

use crate::AppError;

/// An authorization code is exchanged within this time or never.
pub const CODE_TTL_MS: i64 = 60_000;
/// ID tokens and access tokens expire this long after they were issued.
pub const TOKEN_TTL_MS: i64 = 10 * 60_000;
/// A retired signing key stays in the JWKS this long: every token it signed has expired by
/// then, with room for relying parties whose clocks run a little behind.
pub const RETIRED_KEY_PUBLISHED_MS: i64 = TOKEN_TTL_MS + 15 * 60_000;
// A key must outlive the tokens it signed; checked when compiling.
const _: () = assert!(RETIRED_KEY_PUBLISHED_MS > TOKEN_TTL_MS);

/// The scopes Keyrack knows; others in a request are ignored, as OAuth asks.
pub const SCOPES: &[&str] = &["openid", "profile", "email"];

/// The claims Keyrack puts in ID tokens and userinfo answers.
pub const CLAIMS: &[&str] = &[
    "sub",
    "iss",
    "aud",
    "exp",
    "iat",
    "auth_time",
    "nonce",
    "sid",
    "name",
    "given_name",
    "family_name",
    "locale",
    "email",
    "kind",
    "role",
    "permissions",
    "branches",
];

/// A refusal in OAuth's terms (RFC 6749 §5.2, OpenID Connect Core §3.1.2.6), or a failure of
/// Keyrack itself.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// `code` is the registered error code (`invalid_request`, `invalid_client`,
    /// `invalid_grant`, `unsupported_grant_type`, `invalid_scope`, `invalid_token`, ...).
    #[error("{code}: {description}")]
    OAuth { code: &'static str, description: String },
    #[error(transparent)]
    App(#[from] AppError),
}

impl OidcError {
    pub fn new(code: &'static str, description: impl Into<String>) -> Self {
        Self::OAuth { code, description: description.into() }
    }

    pub(crate) fn invalid_grant(description: impl Into<String>) -> Self {
        Self::new("invalid_grant", description)
    }

    pub(crate) fn invalid_client(description: impl Into<String>) -> Self {
        Self::new("invalid_client", description)
    }

    pub(crate) fn invalid_token(description: impl Into<String>) -> Self {
        Self::new("invalid_token", description)
    }
}

impl From<StoreError> for OidcError {
    fn from(e: StoreError) -> Self {
        Self::App(AppError::from(e))
    }
}

pub type OidcResult<T> = Result<T, OidcError>;

/// The issuer of a tenant: `{public_url}/t/{slug}`.
pub fn issuer(base_url: &str, slug: &str) -> String {
    format!("{base_url}/t/{slug}")
}
