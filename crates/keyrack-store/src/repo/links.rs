//! Invitation and reset links: only the token's hash is stored; a link is used at most once.

use crate::records::{LinkPurpose, LinkRecord, int, text};
use crate::{Conn, Result};

pub async fn insert(conn: &mut Conn, l: &LinkRecord) -> Result<()> {
    sqlx::query(
        "INSERT INTO links (id, tenant_id, person_id, purpose, token_hash, created_at, expires_at, used_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&l.id)
    .bind(&l.tenant_id)
    .bind(&l.person_id)
    .bind(l.purpose.as_str())
    .bind(&l.token_hash)
    .bind(l.created_at)
    .bind(l.expires_at)
    .bind(l.used_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn by_hash(conn: &mut Conn, tenant_id: &str, token_hash: &str) -> Result<Option<LinkRecord>> {
    let row = sqlx::query("SELECT * FROM links WHERE tenant_id = $1 AND token_hash = $2")
        .bind(tenant_id)
        .bind(token_hash)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(LinkRecord::from_row).transpose()
}

/// Marks the link used if it still is usable. Exactly one of any number of concurrent callers
/// gets `true`: the condition is checked by the same statement that writes.
pub async fn consume(conn: &mut Conn, id: &str, now: i64) -> Result<bool> {
    let r = sqlx::query("UPDATE links SET used_at = $1 WHERE id = $2 AND used_at IS NULL AND expires_at > $1")
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Ends the person's outstanding links (of one purpose, or all).
pub async fn revoke(conn: &mut Conn, person_id: &str, purpose: Option<LinkPurpose>, now: i64) -> Result<u64> {
    let r = match purpose {
        Some(p) => {
            sqlx::query("UPDATE links SET used_at = $1 WHERE person_id = $2 AND purpose = $3 AND used_at IS NULL")
                .bind(now)
                .bind(person_id)
                .bind(p.as_str())
                .execute(conn)
                .await?
        }
        None => {
            sqlx::query("UPDATE links SET used_at = $1 WHERE person_id = $2 AND used_at IS NULL")
                .bind(now)
                .bind(person_id)
                .execute(conn)
                .await?
        }
    };
    Ok(r.rows_affected())
}

/// The newest unused link of a purpose (expired or not), for the diagnosis.
pub async fn newest_unused(conn: &mut Conn, person_id: &str, purpose: LinkPurpose) -> Result<Option<LinkRecord>> {
    let row = sqlx::query(
        "SELECT * FROM links WHERE person_id = $1 AND purpose = $2 AND used_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 1",
    )
    .bind(person_id)
    .bind(purpose.as_str())
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(LinkRecord::from_row).transpose()
}

/// For each of these people with an unused invitation, when the newest one (by creation, as
/// [`newest_unused`] picks it) expires: one query for a page of people.
pub async fn newest_invitation_expiry(conn: &mut Conn, person_ids: &[String]) -> Result<Vec<(String, i64)>> {
    if person_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql =
        super::Sql::new("SELECT person_id, expires_at FROM links WHERE purpose = 'invitation' AND used_at IS NULL AND person_id");
    sql.in_list(person_ids).push(" ORDER BY person_id, created_at DESC, id DESC");
    let rows = sql.query().fetch_all(conn).await?;
    let mut newest: Vec<(String, i64)> = Vec::new();
    for row in &rows {
        let person = text(row, "person_id")?;
        if newest.last().is_none_or(|(last, _)| *last != person) {
            newest.push((person, int(row, "expires_at")?));
        }
    }
    Ok(newest)
}

/// For each of these people with an unused invitation, when the newest one expires.
pub async fn invitation_expiry(conn: &mut Conn, person_ids: &[String]) -> Result<Vec<(String, i64)>> {
    if person_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = super::Sql::new(
        "SELECT person_id, MAX(expires_at) AS expires_at FROM links WHERE purpose = 'invitation' AND used_at IS NULL AND person_id",
    );
    sql.in_list(person_ids).push(" GROUP BY person_id");
    let rows = sql.query().fetch_all(conn).await?;
    rows.iter().map(|r| Ok((crate::records::text(r, "person_id")?, crate::records::int(r, "expires_at")?))).collect()
}

pub async fn delete_for_person(conn: &mut Conn, person_id: &str) -> Result<()> {
    sqlx::query("DELETE FROM links WHERE person_id = $1").bind(person_id).execute(conn).await?;
    Ok(())
}
