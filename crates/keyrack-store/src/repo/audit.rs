//! Audit events: appended in the transaction of the change they record, never updated by the
//! application except to redact a deleted person's name.

use super::{Arg, Sql};
use crate::records::AuditRecord;
use crate::{Conn, Result};

pub async fn insert(conn: &mut Conn, e: &AuditRecord) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_events (id, tenant_id, at, actor_kind, actor_id, actor_label, action, subject_id, subject_label, \
         address, before_json, after_json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(&e.id)
    .bind(&e.tenant_id)
    .bind(e.at)
    .bind(&e.actor_kind)
    .bind(e.actor_id.clone())
    .bind(&e.actor_label)
    .bind(&e.action)
    .bind(e.subject_id.clone())
    .bind(&e.subject_label)
    .bind(e.address.clone())
    .bind(e.before_json.clone())
    .bind(e.after_json.clone())
    .execute(conn)
    .await?;
    Ok(())
}

/// Newest first; `before` is the id of the last event of the previous page.
pub async fn list(
    conn: &mut Conn,
    tenant_id: &str,
    subject_id: Option<&str>,
    before: Option<&str>,
    limit: i64,
) -> Result<Vec<AuditRecord>> {
    let mut sql = Sql::new("SELECT * FROM audit_events WHERE tenant_id = ");
    sql.bind(Arg::Text(tenant_id.to_owned()));
    if let Some(s) = subject_id {
        sql.push(" AND subject_id = ").bind(Arg::Text(s.to_owned()));
    }
    if let Some(b) = before {
        sql.push(" AND id < ").bind(Arg::Text(b.to_owned()));
    }
    sql.push(" ORDER BY id DESC LIMIT ").bind(Arg::Int(limit));
    let rows = sql.query().fetch_all(conn).await?;
    rows.iter().map(AuditRecord::from_row).collect()
}

/// Replaces a deleted person's name in the events about them (SPEC rule 8).
pub async fn redact_subject(conn: &mut Conn, tenant_id: &str, subject_id: &str, label: &str) -> Result<()> {
    sqlx::query("UPDATE audit_events SET subject_label = $1, before_json = NULL, after_json = NULL WHERE tenant_id = $2 AND subject_id = $3")
        .bind(label)
        .bind(tenant_id)
        .bind(subject_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn count(conn: &mut Conn, tenant_id: &str) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE tenant_id = $1").bind(tenant_id).fetch_one(conn).await?)
}
