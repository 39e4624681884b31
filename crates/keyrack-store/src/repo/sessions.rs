//! Server-side sessions of the self-service pages and console. Only the SHA-256 of the
//! session cookie is stored, so a database dump opens no session.

use crate::records::text;
use crate::{Conn, Result};

/// One signed-in browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub id_hash: String,
    pub tenant_id: String,
    pub person_id: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub user_agent: String,
    pub address: String,
}

impl SessionRecord {
    fn from_row(row: &sqlx::any::AnyRow) -> Result<Self> {
        use crate::records::int;
        Ok(Self {
            id_hash: text(row, "id_hash")?,
            tenant_id: text(row, "tenant_id")?,
            person_id: text(row, "person_id")?,
            created_at: int(row, "created_at")?,
            last_seen_at: int(row, "last_seen_at")?,
            expires_at: int(row, "expires_at")?,
            user_agent: text(row, "user_agent")?,
            address: text(row, "address")?,
        })
    }
}

pub async fn insert(conn: &mut Conn, s: &SessionRecord) -> Result<()> {
    sqlx::query(
        "INSERT INTO sessions (id_hash, tenant_id, person_id, created_at, last_seen_at, expires_at, user_agent, address) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&s.id_hash)
    .bind(&s.tenant_id)
    .bind(&s.person_id)
    .bind(s.created_at)
    .bind(s.last_seen_at)
    .bind(s.expires_at)
    .bind(&s.user_agent)
    .bind(&s.address)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn get(conn: &mut Conn, tenant_id: &str, id_hash: &str) -> Result<Option<SessionRecord>> {
    let row = sqlx::query("SELECT * FROM sessions WHERE tenant_id = $1 AND id_hash = $2")
        .bind(tenant_id)
        .bind(id_hash)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(SessionRecord::from_row).transpose()
}

pub async fn for_person(conn: &mut Conn, person_id: &str) -> Result<Vec<SessionRecord>> {
    let rows = sqlx::query("SELECT * FROM sessions WHERE person_id = $1 ORDER BY last_seen_at DESC, id_hash")
        .bind(person_id)
        .fetch_all(conn)
        .await?;
    rows.iter().map(SessionRecord::from_row).collect()
}

pub async fn touch(conn: &mut Conn, id_hash: &str, now: i64) -> Result<()> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2").bind(now).bind(id_hash).execute(conn).await?;
    Ok(())
}

pub async fn delete(conn: &mut Conn, id_hash: &str) -> Result<u64> {
    let r = sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash).execute(conn).await?;
    Ok(r.rows_affected())
}

/// Ends every session of the person (block, remove, reset, password set by an admin).
pub async fn delete_for_person(conn: &mut Conn, person_id: &str) -> Result<u64> {
    let r = sqlx::query("DELETE FROM sessions WHERE person_id = $1").bind(person_id).execute(conn).await?;
    Ok(r.rows_affected())
}

/// Ends the person's sessions except one (a password change signs out the other browsers).
pub async fn delete_others(conn: &mut Conn, person_id: &str, keep_hash: &str) -> Result<u64> {
    let r = sqlx::query("DELETE FROM sessions WHERE person_id = $1 AND id_hash <> $2")
        .bind(person_id)
        .bind(keep_hash)
        .execute(conn)
        .await?;
    Ok(r.rows_affected())
}
