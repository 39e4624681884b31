//! The first-run setup link: one row at most, holding the hash of the newest link.

use crate::{Conn, Result};

/// The one row's id.
const ID: &str = "first";

/// Stores a new link, replacing (and so ending) any earlier one.
pub async fn replace(conn: &mut Conn, token_hash: &str, now: i64, expires_at: i64) -> Result<()> {
    sqlx::query("DELETE FROM setup_link WHERE id = $1").bind(ID).execute(&mut *conn).await?;
    sqlx::query("INSERT INTO setup_link (id, token_hash, created_at, expires_at, used_at) VALUES ($1, $2, $3, $4, NULL)")
        .bind(ID)
        .bind(token_hash)
        .bind(now)
        .bind(expires_at)
        .execute(conn)
        .await?;
    Ok(())
}

/// Whether a link with this hash exists and can still be used (for showing the page).
pub async fn usable(conn: &mut Conn, token_hash: &str, now: i64) -> Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM setup_link WHERE id = $1 AND token_hash = $2 AND used_at IS NULL AND expires_at > $3",
    )
    .bind(ID)
    .bind(token_hash)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(n == 1)
}

/// Marks the link used if it is the current one and still usable. Exactly one of any number of
/// concurrent callers gets `true`: the condition is checked by the statement that writes, on the
/// one row every caller must write.
pub async fn consume(conn: &mut Conn, token_hash: &str, now: i64) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE setup_link SET used_at = $1 WHERE id = $2 AND token_hash = $3 AND used_at IS NULL AND expires_at > $1",
    )
    .bind(now)
    .bind(ID)
    .bind(token_hash)
    .execute(conn)
    .await?;
    Ok(r.rows_affected() == 1)
}
