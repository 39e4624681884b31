//! The mail outbox: rows written with the action that causes them, delivered after commit.

use crate::records::OutboxRecord;
use crate::{Conn, Result};

pub async fn insert(conn: &mut Conn, m: &OutboxRecord) -> Result<()> {
    sqlx::query(
        "INSERT INTO outbox (id, tenant_id, person_id, template, recipient, language, payload, created_at, attempts, \
         next_attempt_at, claimed_until, sent_at, last_error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL, $11, $12)",
    )
    .bind(&m.id)
    .bind(&m.tenant_id)
    .bind(m.person_id.clone())
    .bind(&m.template)
    .bind(&m.recipient)
    .bind(&m.language)
    .bind(&m.payload)
    .bind(m.created_at)
    .bind(m.attempts)
    .bind(m.next_attempt_at)
    .bind(m.sent_at)
    .bind(m.last_error.clone())
    .execute(conn)
    .await?;
    Ok(())
}

/// Mail of a tenant, newest first; `pending_only` leaves out what was delivered.
pub async fn list(conn: &mut Conn, tenant_id: &str, pending_only: bool) -> Result<Vec<OutboxRecord>> {
    let sql = if pending_only {
        "SELECT * FROM outbox WHERE tenant_id = $1 AND sent_at IS NULL ORDER BY created_at DESC, id DESC"
    } else {
        "SELECT * FROM outbox WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC"
    };
    let rows = sqlx::query(sql).bind(tenant_id).fetch_all(conn).await?;
    rows.iter().map(OutboxRecord::from_row).collect()
}

/// How much mail of all tenants waits to be delivered.
pub async fn pending_count(conn: &mut Conn) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL").fetch_one(conn).await?)
}

// Delivery. Several Keyrack nodes may run a delivery worker against one database; a row is sent
// by the worker that claims it, and a claim is taken by a single conditional UPDATE, so two
// workers never both get it. A claim that outlives its worker (a crash mid-send) lapses at
// `claimed_until` and the row becomes due again.

/// Ids of unsent mail due at `now` and claimed by no worker, oldest due first.
pub async fn due(conn: &mut Conn, now: i64, limit: i64) -> Result<Vec<String>> {
    let ids = sqlx::query_scalar(
        "SELECT id FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= $1 \
         AND (claimed_until IS NULL OR claimed_until < $1) ORDER BY next_attempt_at, id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    Ok(ids)
}

/// Claims a due row until `until`. `false` when another worker holds it or it was sent since:
/// the condition is checked by the same statement that writes.
pub async fn claim(conn: &mut Conn, id: &str, now: i64, until: i64) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE outbox SET claimed_until = $3 WHERE id = $1 AND sent_at IS NULL AND next_attempt_at <= $2 \
         AND (claimed_until IS NULL OR claimed_until < $2)",
    )
    .bind(id)
    .bind(now)
    .bind(until)
    .execute(conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn get(conn: &mut Conn, id: &str) -> Result<Option<OutboxRecord>> {
    let row = sqlx::query("SELECT * FROM outbox WHERE id = $1").bind(id).fetch_optional(conn).await?;
    row.as_ref().map(OutboxRecord::from_row).transpose()
}

/// Records a delivery: `payload` is the row's payload with its links blanked, so that no usable
/// token stays in the database once the mail is out.
pub async fn mark_sent(conn: &mut Conn, id: &str, now: i64, payload: &str) -> Result<()> {
    sqlx::query("UPDATE outbox SET sent_at = $2, payload = $3, attempts = attempts + 1, claimed_until = NULL WHERE id = $1")
        .bind(id)
        .bind(now)
        .bind(payload)
        .execute(conn)
        .await?;
    Ok(())
}

/// Records a failed attempt and when to try again; a row delivered meanwhile stays as it is.
pub async fn mark_failed(conn: &mut Conn, id: &str, error: &str, next_attempt_at: i64) -> Result<()> {
    sqlx::query(
        "UPDATE outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3, claimed_until = NULL \
         WHERE id = $1 AND sent_at IS NULL",
    )
    .bind(id)
    .bind(error)
    .bind(next_attempt_at)
    .execute(conn)
    .await?;
    Ok(())
}
