//! Audit events: appended in the transaction of the change they record, never updated by the
//! application except to redact a deleted person's name, and chained per tenant by hash (the
//! hashing itself lives in the application crate; this module only stores the links).

use super::{Arg, Sql};
use crate::records::{AuditLink, AuditRecord};
use crate::{Conn, Result};

pub async fn insert(conn: &mut Conn, e: &AuditRecord) -> Result<()> {
    let link = e.link.as_ref();
    sqlx::query(
        "INSERT INTO audit_events (id, tenant_id, at, actor_kind, actor_id, actor_label, action, subject_id, subject_label, \
         address, before_json, after_json, seq, prev_hash, hash, actor_salt, actor_digest, subject_salt, subject_digest) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
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
    .bind(link.map(|l| l.seq))
    .bind(link.map(|l| l.prev_hash.clone()))
    .bind(link.map(|l| l.hash.clone()))
    .bind(link.and_then(|l| l.actor_salt.clone()))
    .bind(link.map(|l| l.actor_digest.clone()))
    .bind(link.and_then(|l| l.subject_salt.clone()))
    .bind(link.map(|l| l.subject_digest.clone()))
    .execute(conn)
    .await?;
    Ok(())
}

/// Takes the next sequence number of the tenant's chain and returns it with the hash of the
/// link before it. The UPDATE locks the head row until the transaction ends, so concurrent
/// appends of one tenant take turns on PostgreSQL; SQLite's write transactions already do.
/// `None` when the tenant has no chain head yet (see [`create_head`]).
pub async fn advance_head(conn: &mut Conn, tenant_id: &str) -> Result<Option<(i64, String)>> {
    let row: Option<(i64, String)> =
        sqlx::query_as("UPDATE audit_chain_heads SET seq = seq + 1 WHERE tenant_id = $1 RETURNING seq, hash")
            .bind(tenant_id)
            .fetch_optional(conn)
            .await?;
    Ok(row)
}

/// Creates the tenant's chain head at `seq` and `hash` (the link of the last event chained so
/// far, or 0 and the empty hash). Answers false when another transaction created it first;
/// on PostgreSQL this waits for that transaction, so the caller then advances the head.
pub async fn create_head(conn: &mut Conn, tenant_id: &str, seq: i64, hash: &str) -> Result<bool> {
    let r = sqlx::query(
        "INSERT INTO audit_chain_heads (tenant_id, seq, hash) VALUES ($1, $2, $3) ON CONFLICT (tenant_id) DO NOTHING",
    )
    .bind(tenant_id)
    .bind(seq)
    .bind(hash)
    .execute(conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Moves the head to the link of a batch's last event (see keyrack-app `audit::batch`).
pub async fn set_head(conn: &mut Conn, tenant_id: &str, seq: i64, hash: &str) -> Result<()> {
    sqlx::query("UPDATE audit_chain_heads SET seq = $1, hash = $2 WHERE tenant_id = $3")
        .bind(seq)
        .bind(hash)
        .bind(tenant_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Records the hash of the link just appended.
pub async fn set_head_hash(conn: &mut Conn, tenant_id: &str, hash: &str) -> Result<()> {
    sqlx::query("UPDATE audit_chain_heads SET hash = $1 WHERE tenant_id = $2").bind(hash).bind(tenant_id).execute(conn).await?;
    Ok(())
}

/// The tenant's chain head (last sequence number and hash), if the chain was started.
pub async fn head(conn: &mut Conn, tenant_id: &str) -> Result<Option<(i64, String)>> {
    Ok(sqlx::query_as("SELECT seq, hash FROM audit_chain_heads WHERE tenant_id = $1")
        .bind(tenant_id)
        .fetch_optional(conn)
        .await?)
}

/// Events not yet chained (written before migration 0005), oldest first.
pub async fn unchained(conn: &mut Conn, tenant_id: &str) -> Result<Vec<AuditRecord>> {
    let rows = sqlx::query("SELECT * FROM audit_events WHERE tenant_id = $1 AND seq IS NULL ORDER BY at, id")
        .bind(tenant_id)
        .fetch_all(conn)
        .await?;
    rows.iter().map(AuditRecord::from_row).collect()
}

/// Stores the link of an event that was written before the chain existed.
pub async fn set_link(conn: &mut Conn, id: &str, link: &AuditLink) -> Result<()> {
    sqlx::query(
        "UPDATE audit_events SET seq = $1, prev_hash = $2, hash = $3, actor_salt = $4, actor_digest = $5, subject_salt = $6, \
         subject_digest = $7 WHERE id = $8 AND seq IS NULL",
    )
    .bind(link.seq)
    .bind(&link.prev_hash)
    .bind(&link.hash)
    .bind(link.actor_salt.clone())
    .bind(&link.actor_digest)
    .bind(link.subject_salt.clone())
    .bind(&link.subject_digest)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// The tenant's chained events in chain order, `limit` at a time after `after_seq`.
pub async fn chain_page(conn: &mut Conn, tenant_id: &str, after_seq: i64, limit: i64) -> Result<Vec<AuditRecord>> {
    let rows = sqlx::query("SELECT * FROM audit_events WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT $3")
        .bind(tenant_id)
        .bind(after_seq)
        .bind(limit)
        .fetch_all(conn)
        .await?;
    rows.iter().map(AuditRecord::from_row).collect()
}

/// How many of the tenant's events have no link (0 once the chain is complete).
pub async fn count_unchained(conn: &mut Conn, tenant_id: &str) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE tenant_id = $1 AND seq IS NULL")
        .bind(tenant_id)
        .fetch_one(conn)
        .await?)
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
        sql.push(" AND subject_id").in_list(subjects);
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

/// Replaces a deleted person's name in the events about them and in the events they did
/// (SPEC rule 8). The salts go with the names, so the digests that the chain covers can no
/// longer be checked against a guessed name; the digests stay, so the chain still verifies.
pub async fn redact_subject(conn: &mut Conn, tenant_id: &str, subject_id: &str, label: &str) -> Result<()> {
    sqlx::query(
        "UPDATE audit_events SET subject_label = $1, before_json = NULL, after_json = NULL, subject_salt = NULL \
         WHERE tenant_id = $2 AND subject_id = $3",
    )
    .bind(label)
    .bind(tenant_id)
    .bind(subject_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE audit_events SET actor_label = $1, actor_salt = NULL WHERE tenant_id = $2 AND actor_kind = 'person' AND actor_id = $3")
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
