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
