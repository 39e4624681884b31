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

/// Filters of the tenant's audit log; every field narrows the result.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Events about any of these subjects (a person and the people merged into them).
    pub subjects: Option<Vec<String>>,
    /// Events by this actor (a person's or API key's id).
    pub actor_id: Option<String>,
    /// Words that must occur in the actor's label, case-insensitively.
    pub actor_label: Option<String>,
    /// The action, exactly (`access.block`), or every action under a prefix ending in `.`.
    pub action: Option<String>,
    /// `at` at or after this (unix milliseconds).
    pub from: Option<i64>,
    /// `at` before this.
    pub until: Option<i64>,
    /// Only events older than this id (the last event of the previous page).
    pub before: Option<String>,
}

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// Newest first, filtered; keyset pagination on the time-ordered id.
pub async fn search(conn: &mut Conn, tenant_id: &str, f: &AuditFilter, limit: i64) -> Result<Vec<AuditRecord>> {
    let mut sql = Sql::new("SELECT * FROM audit_events WHERE tenant_id = ");
    sql.bind(Arg::Text(tenant_id.to_owned()));
    if let Some(subjects) = &f.subjects {
        sql.push(" AND subject_id IN (");
        if subjects.is_empty() {
            sql.push("NULL");
        }
        for (i, s) in subjects.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind(Arg::Text(s.clone()));
        }
        sql.push(")");
    }
    if let Some(a) = &f.actor_id {
        sql.push(" AND actor_id = ").bind(Arg::Text(a.clone()));
    }
    if let Some(label) = &f.actor_label {
        for word in label.split_whitespace().take(8) {
            sql.push(" AND LOWER(actor_label) LIKE ")
                .bind(Arg::Text(format!("%{}%", escape_like(&word.to_lowercase()))))
                .push(" ESCAPE '\\'");
        }
    }
    match f.action.as_deref() {
        Some(prefix) if prefix.ends_with('.') => {
            sql.push(" AND action LIKE ").bind(Arg::Text(format!("{}%", escape_like(prefix)))).push(" ESCAPE '\\'");
        }
        Some(action) => {
            sql.push(" AND action = ").bind(Arg::Text(action.to_owned()));
        }
        None => {}
    }
    if let Some(from) = f.from {
        sql.push(" AND at >= ").bind(Arg::Int(from));
    }
    if let Some(until) = f.until {
        sql.push(" AND at < ").bind(Arg::Int(until));
    }
    if let Some(b) = &f.before {
        sql.push(" AND id < ").bind(Arg::Text(b.clone()));
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
