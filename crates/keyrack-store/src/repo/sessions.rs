//! Server-side sessions of the self-service pages and console.

use crate::{Conn, Result};

/// Ends every session of the person (block, remove, reset, password set by an admin).
pub async fn delete_for_person(conn: &mut Conn, person_id: &str) -> Result<u64> {
    let r = sqlx::query("DELETE FROM sessions WHERE person_id = $1").bind(person_id).execute(conn).await?;
    Ok(r.rows_affected())
}
