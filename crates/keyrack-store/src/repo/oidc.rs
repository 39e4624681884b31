//! The OpenID Connect provider's tables: signing keys, clients, authorization codes, grants
//! (one sign-in at one client) and their rotating refresh tokens. Codes, client secrets and
//! refresh tokens arrive here as SHA-256 hashes; nothing stored can be presented as one.

use sqlx::any::AnyRow;

use crate::records::{int, json_list, opt_int, opt_text, text, to_json_list};
use crate::{Conn, Result};

/// A key that signs tokens for every tenant's issuer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningKeyRecord {
    /// RFC 7638 thumbprint of the public key.
    pub kid: String,
    /// `RS256`.
    pub algorithm: String,
    /// PKCS#8 PEM, sealed by the application (older rows: in the clear until the next start).
    pub private_key: String,
    /// The public key as a JWK (JSON), as published.
    pub public_jwk: String,
    pub created_at: i64,
    pub retired_at: Option<i64>,
}

impl SigningKeyRecord {
    fn from_row(row: &AnyRow) -> Result<Self> {
        Ok(Self {
            kid: text(row, "kid")?,
            algorithm: text(row, "algorithm")?,
            private_key: text(row, "private_key")?,
            public_jwk: text(row, "public_jwk")?,
            created_at: int(row, "created_at")?,
            retired_at: opt_int(row, "retired_at")?,
        })
    }
}

/// A relying party registered in a tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientRecord {
    /// The `client_id`.
    pub id: String,
    pub tenant_id: String,
    pub name: String,
    /// `None` for a public client.
    pub secret_hash: Option<String>,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub created_at: i64,
}

impl ClientRecord {
    /// A client without a secret, held to PKCE alone.
    pub fn is_public(&self) -> bool {
        self.secret_hash.is_none()
    }

    fn from_row(row: &AnyRow) -> Result<Self> {
        Ok(Self {
            id: text(row, "id")?,
            tenant_id: text(row, "tenant_id")?,
            name: text(row, "name")?,
            secret_hash: opt_text(row, "secret_hash")?,
            redirect_uris: json_list(row, "redirect_uris")?,
            post_logout_redirect_uris: json_list(row, "post_logout_redirect_uris")?,
            created_at: int(row, "created_at")?,
        })
    }
}

/// An authorization code, by its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeRecord {
    pub code_hash: String,
    pub tenant_id: String,
    pub client_id: String,
    pub person_id: String,
    pub session_hash: String,
    pub redirect_uri: String,
    pub scope: String,
    pub nonce: Option<String>,
    /// The S256 challenge (base64url of the SHA-256 of the verifier).
    pub code_challenge: String,
    pub auth_time: i64,
    pub created_at: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
    /// The grant the exchange produced, once the code was used.
    pub grant_id: Option<String>,
}

impl CodeRecord {
    fn from_row(row: &AnyRow) -> Result<Self> {
        Ok(Self {
            code_hash: text(row, "code_hash")?,
            tenant_id: text(row, "tenant_id")?,
            client_id: text(row, "client_id")?,
            person_id: text(row, "person_id")?,
            session_hash: text(row, "session_hash")?,
            redirect_uri: text(row, "redirect_uri")?,
            scope: text(row, "scope")?,
            nonce: opt_text(row, "nonce")?,
            code_challenge: text(row, "code_challenge")?,
            auth_time: int(row, "auth_time")?,
            created_at: int(row, "created_at")?,
            expires_at: int(row, "expires_at")?,
            used_at: opt_int(row, "used_at")?,
            grant_id: opt_text(row, "grant_id")?,
        })
    }
}

/// One sign-in of a person at a client: the family of its refresh tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantRecord {
    pub id: String,
    pub tenant_id: String,
    pub client_id: String,
    pub person_id: String,
    /// The Keyrack session it belongs to (ends with it).
    pub session_hash: String,
    pub scope: String,
    pub auth_time: i64,
    pub created_at: i64,
}

impl GrantRecord {
    fn from_row(row: &AnyRow) -> Result<Self> {
        Ok(Self {
            id: text(row, "id")?,
            tenant_id: text(row, "tenant_id")?,
            client_id: text(row, "client_id")?,
            person_id: text(row, "person_id")?,
            session_hash: text(row, "session_hash")?,
            scope: text(row, "scope")?,
            auth_time: int(row, "auth_time")?,
            created_at: int(row, "created_at")?,
        })
    }
}

/// A refresh token, by its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshTokenRecord {
    pub token_hash: String,
    pub grant_id: String,
    pub created_at: i64,
    /// Set when it was exchanged for its successor.
    pub used_at: Option<i64>,
}

// --- signing keys -------------------------------------------------------------------------

/// Every key, newest first.
pub async fn signing_keys(conn: &mut Conn) -> Result<Vec<SigningKeyRecord>> {
    let rows = sqlx::query("SELECT * FROM signing_keys ORDER BY created_at DESC, kid DESC").fetch_all(conn).await?;
    rows.iter().map(SigningKeyRecord::from_row).collect()
}

/// The newest key that is not retired: the one that signs.
pub async fn active_signing_key(conn: &mut Conn) -> Result<Option<SigningKeyRecord>> {
    let row = sqlx::query("SELECT * FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC, kid DESC LIMIT 1")
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(SigningKeyRecord::from_row).transpose()
}

pub async fn insert_signing_key(conn: &mut Conn, k: &SigningKeyRecord) -> Result<()> {
    sqlx::query(
        "INSERT INTO signing_keys (kid, algorithm, private_key, public_jwk, created_at, retired_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&k.kid)
    .bind(&k.algorithm)
    .bind(&k.private_key)
    .bind(&k.public_jwk)
    .bind(k.created_at)
    .bind(k.retired_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Replaces a key's stored private part (sealing a key stored in the clear).
pub async fn set_signing_key_private(conn: &mut Conn, kid: &str, private_key: &str) -> Result<()> {
    sqlx::query("UPDATE signing_keys SET private_key = $1 WHERE kid = $2").bind(private_key).bind(kid).execute(conn).await?;
    Ok(())
}

/// Retires every key but `keep`; answers how many were retired now.
pub async fn retire_signing_keys_except(conn: &mut Conn, keep: &str, now: i64) -> Result<u64> {
    let r = sqlx::query("UPDATE signing_keys SET retired_at = $1 WHERE retired_at IS NULL AND kid <> $2")
        .bind(now)
        .bind(keep)
        .execute(conn)
        .await?;
    Ok(r.rows_affected())
}

/// Deletes keys retired before `cutoff` (no token they signed is still valid).
pub async fn delete_signing_keys_retired_before(conn: &mut Conn, cutoff: i64) -> Result<u64> {
    let r = sqlx::query("DELETE FROM signing_keys WHERE retired_at IS NOT NULL AND retired_at < $1")
        .bind(cutoff)
        .execute(conn)
        .await?;
    Ok(r.rows_affected())
}

// --- clients ------------------------------------------------------------------------------

pub async fn insert_client(conn: &mut Conn, c: &ClientRecord) -> Result<()> {
    sqlx::query(
        "INSERT INTO oidc_clients (id, tenant_id, name, secret_hash, redirect_uris, post_logout_redirect_uris, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&c.id)
    .bind(&c.tenant_id)
    .bind(&c.name)
    .bind(c.secret_hash.as_deref())
    .bind(to_json_list(&c.redirect_uris))
    .bind(to_json_list(&c.post_logout_redirect_uris))
    .bind(c.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn client(conn: &mut Conn, tenant_id: &str, id: &str) -> Result<Option<ClientRecord>> {
    let row = sqlx::query("SELECT * FROM oidc_clients WHERE tenant_id = $1 AND id = $2")
        .bind(tenant_id)
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(ClientRecord::from_row).transpose()
}

/// The tenant's clients in registration order.
pub async fn clients(conn: &mut Conn, tenant_id: &str) -> Result<Vec<ClientRecord>> {
    let rows = sqlx::query("SELECT * FROM oidc_clients WHERE tenant_id = $1 ORDER BY created_at, id")
        .bind(tenant_id)
        .fetch_all(conn)
        .await?;
    rows.iter().map(ClientRecord::from_row).collect()
}

/// When each of the tenant's clients was last used, as far as the database still knows: the
/// newest code issued to it or refresh token rotated for it. Codes and refresh tokens go when
/// the sign-in they belong to ends, so a client whose sign-ins have all ended answers none.
pub async fn clients_last_used(conn: &mut Conn, tenant_id: &str) -> Result<Vec<(String, i64)>> {
    let rows = sqlx::query(
        "SELECT c.id AS id, \
           (SELECT MAX(o.created_at) FROM oidc_codes o WHERE o.client_id = c.id) AS last_code, \
           (SELECT MAX(r.created_at) FROM oidc_refresh_tokens r JOIN oidc_grants g ON g.id = r.grant_id \
             WHERE g.client_id = c.id) AS last_refresh \
         FROM oidc_clients c WHERE c.tenant_id = $1",
    )
    .bind(tenant_id)
    .fetch_all(conn)
    .await?;
    let mut out = Vec::new();
    for row in &rows {
        let last = opt_int(row, "last_code")?.max(opt_int(row, "last_refresh")?);
        if let Some(at) = last {
            out.push((text(row, "id")?, at));
        }
    }
    Ok(out)
}

/// Replaces a client's name and redirect URIs.
pub async fn update_client(conn: &mut Conn, c: &ClientRecord) -> Result<()> {
    sqlx::query(
        "UPDATE oidc_clients SET name = $1, redirect_uris = $2, post_logout_redirect_uris = $3 WHERE tenant_id = $4 AND id = $5",
    )
    .bind(&c.name)
    .bind(to_json_list(&c.redirect_uris))
    .bind(to_json_list(&c.post_logout_redirect_uris))
    .bind(&c.tenant_id)
    .bind(&c.id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Replaces a confidential client's secret hash: the old secret stops working at once.
pub async fn set_client_secret(conn: &mut Conn, tenant_id: &str, id: &str, secret_hash: &str) -> Result<()> {
    sqlx::query("UPDATE oidc_clients SET secret_hash = $1 WHERE tenant_id = $2 AND id = $3")
        .bind(secret_hash)
        .bind(tenant_id)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Ends every grant of a client (their refresh tokens go with them); answers how many.
pub async fn delete_client_grants(conn: &mut Conn, tenant_id: &str, client_id: &str) -> Result<u64> {
    let r = sqlx::query("DELETE FROM oidc_grants WHERE tenant_id = $1 AND client_id = $2")
        .bind(tenant_id)
        .bind(client_id)
        .execute(conn)
        .await?;
    Ok(r.rows_affected())
}

/// Deletes a client; its codes go with it through the foreign key.
pub async fn delete_client(conn: &mut Conn, tenant_id: &str, id: &str) -> Result<bool> {
    sqlx::query("DELETE FROM oidc_codes WHERE tenant_id = $1 AND client_id = $2")
        .bind(tenant_id)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    let r =
        sqlx::query("DELETE FROM oidc_clients WHERE tenant_id = $1 AND id = $2").bind(tenant_id).bind(id).execute(conn).await?;
    Ok(r.rows_affected() == 1)
}

// --- authorization codes ------------------------------------------------------------------

pub async fn insert_code(conn: &mut Conn, c: &CodeRecord) -> Result<()> {
    sqlx::query(
        "INSERT INTO oidc_codes (code_hash, tenant_id, client_id, person_id, session_hash, redirect_uri, scope, nonce, \
         code_challenge, auth_time, created_at, expires_at, used_at, grant_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(&c.code_hash)
    .bind(&c.tenant_id)
    .bind(&c.client_id)
    .bind(&c.person_id)
    .bind(&c.session_hash)
    .bind(&c.redirect_uri)
    .bind(&c.scope)
    .bind(c.nonce.as_deref())
    .bind(&c.code_challenge)
    .bind(c.auth_time)
    .bind(c.created_at)
    .bind(c.expires_at)
    .bind(c.used_at)
    .bind(c.grant_id.as_deref())
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn code(conn: &mut Conn, tenant_id: &str, code_hash: &str) -> Result<Option<CodeRecord>> {
    let row = sqlx::query("SELECT * FROM oidc_codes WHERE tenant_id = $1 AND code_hash = $2")
        .bind(tenant_id)
        .bind(code_hash)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(CodeRecord::from_row).transpose()
}

/// Marks the code used by the exchange that will create `grant_id`. Answers false when it was
/// already used: of any number of concurrent exchanges exactly one gets true.
pub async fn use_code(conn: &mut Conn, tenant_id: &str, code_hash: &str, grant_id: &str, now: i64) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE oidc_codes SET used_at = $1, grant_id = $2 WHERE tenant_id = $3 AND code_hash = $4 AND used_at IS NULL",
    )
    .bind(now)
    .bind(grant_id)
    .bind(tenant_id)
    .bind(code_hash)
    .execute(conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

// --- grants and refresh tokens ------------------------------------------------------------

pub async fn insert_grant(conn: &mut Conn, g: &GrantRecord) -> Result<()> {
    sqlx::query(
        "INSERT INTO oidc_grants (id, tenant_id, client_id, person_id, session_hash, scope, auth_time, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&g.id)
    .bind(&g.tenant_id)
    .bind(&g.client_id)
    .bind(&g.person_id)
    .bind(&g.session_hash)
    .bind(&g.scope)
    .bind(g.auth_time)
    .bind(g.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn grant(conn: &mut Conn, tenant_id: &str, id: &str) -> Result<Option<GrantRecord>> {
    let row = sqlx::query("SELECT * FROM oidc_grants WHERE tenant_id = $1 AND id = $2")
        .bind(tenant_id)
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(GrantRecord::from_row).transpose()
}

/// Ends a grant and, through the foreign key, every refresh token of its family.
pub async fn delete_grant(conn: &mut Conn, tenant_id: &str, id: &str) -> Result<bool> {
    let r =
        sqlx::query("DELETE FROM oidc_grants WHERE tenant_id = $1 AND id = $2").bind(tenant_id).bind(id).execute(conn).await?;
    Ok(r.rows_affected() == 1)
}

pub async fn insert_refresh_token(conn: &mut Conn, t: &RefreshTokenRecord) -> Result<()> {
    sqlx::query("INSERT INTO oidc_refresh_tokens (token_hash, grant_id, created_at, used_at) VALUES ($1, $2, $3, $4)")
        .bind(&t.token_hash)
        .bind(&t.grant_id)
        .bind(t.created_at)
        .bind(t.used_at)
        .execute(conn)
        .await?;
    Ok(())
}

/// The refresh token with this hash, if its grant belongs to the tenant.
pub async fn refresh_token(conn: &mut Conn, tenant_id: &str, token_hash: &str) -> Result<Option<RefreshTokenRecord>> {
    let row = sqlx::query(
        "SELECT r.token_hash, r.grant_id, r.created_at, r.used_at FROM oidc_refresh_tokens r \
         JOIN oidc_grants g ON g.id = r.grant_id WHERE g.tenant_id = $1 AND r.token_hash = $2",
    )
    .bind(tenant_id)
    .bind(token_hash)
    .fetch_optional(conn)
    .await?;
    row.as_ref()
        .map(|row| {
            Ok(RefreshTokenRecord {
                token_hash: text(row, "token_hash")?,
                grant_id: text(row, "grant_id")?,
                created_at: int(row, "created_at")?,
                used_at: opt_int(row, "used_at")?,
            })
        })
        .transpose()
}

/// Marks a refresh token as exchanged. Answers false when it already was: of any number of
/// concurrent refreshes with one token exactly one gets true.
pub async fn use_refresh_token(conn: &mut Conn, token_hash: &str, now: i64) -> Result<bool> {
    let r = sqlx::query("UPDATE oidc_refresh_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL")
        .bind(now)
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(r.rows_affected() == 1)
}
