//! Tenant API keys, stored as SHA-256 hashes.

use crate::records::ApiKeyRecord;
use crate::{Conn, Result};

pub async fn insert(conn: &mut Conn, k: &ApiKeyRecord, key_hash: &str) -> Result<()> {
    sqlx::query("INSERT INTO api_keys (id, tenant_id, key_hash, scope, label, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(&k.id)
        .bind(&k.tenant_id)
        .bind(key_hash)
        .bind(&k.scope)
        .bind(&k.label)
        .bind(k.created_at)
        .bind(k.revoked_at)
        .execute(conn)
        .await?;
    Ok(())
}

/// The live (not revoked) key with this hash.
pub async fn by_hash(conn: &mut Conn, key_hash: &str) -> Result<Option<ApiKeyRecord>> {
    let row = sqlx::query("SELECT * FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL")
        .bind(key_hash)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(ApiKeyRecord::from_row).transpose()
}

pub async fn get(conn: &mut Conn, tenant_id: &str, id: &str) -> Result<Option<ApiKeyRecord>> {
    let row = sqlx::query("SELECT * FROM api_keys WHERE tenant_id = $1 AND id = $2")
        .bind(tenant_id)
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(ApiKeyRecord::from_row).transpose()
}

pub async fn list(conn: &mut Conn, tenant_id: &str) -> Result<Vec<ApiKeyRecord>> {
    let rows = sqlx::query("SELECT * FROM api_keys WHERE tenant_id = $1 ORDER BY created_at, id")
        .bind(tenant_id)
        .fetch_all(conn)
        .await?;
    rows.iter().map(ApiKeyRecord::from_row).collect()
}

pub async fn revoke(conn: &mut Conn, tenant_id: &str, id: &str, now: i64) -> Result<bool> {
    let r = sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE tenant_id = $2 AND id = $3 AND revoked_at IS NULL")
        .bind(now)
        .bind(tenant_id)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(r.rows_affected() == 1)
}
