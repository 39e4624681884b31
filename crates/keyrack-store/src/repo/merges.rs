//! Merged people and the shared e-mail addresses that usually lead to a merge: who was merged
//! into whom (so that a person's history includes the events of the people merged into them),
//! moving a login's sessions, links and sign-ins to the surviving person, and the groups of
//! people who share one address.

use super::{Arg, Sql};
use crate::{Conn, Result};

/// Records that `merged_id` was merged into `survivor_id`, together with everyone merged into
/// `merged_id` before, so that one lookup by survivor finds them all.
pub async fn record(conn: &mut Conn, tenant_id: &str, survivor_id: &str, merged_id: &str, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO person_merges (tenant_id, survivor_id, merged_id, merged_at) \
         SELECT tenant_id, $1, merged_id, $2 FROM person_merges WHERE tenant_id = $3 AND survivor_id = $4",
    )
    .bind(survivor_id)
    .bind(now)
    .bind(tenant_id)
    .bind(merged_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("INSERT INTO person_merges (tenant_id, survivor_id, merged_id, merged_at) VALUES ($1, $2, $3, $4)")
        .bind(tenant_id)
        .bind(survivor_id)
        .bind(merged_id)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// Everyone merged into this person, directly or through earlier merges.
pub async fn merged_into(conn: &mut Conn, tenant_id: &str, survivor_id: &str) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar("SELECT merged_id FROM person_merges WHERE tenant_id = $1 AND survivor_id = $2 ORDER BY merged_id")
        .bind(tenant_id)
        .bind(survivor_id)
        .fetch_all(conn)
        .await?)
}

/// Hands a login's sessions, links and OpenID Connect sign-ins from one person to another, so
/// that a login moved by a merge stays signed in and its outstanding link keeps working.
pub async fn move_login_ties(conn: &mut Conn, tenant_id: &str, from: &str, to: &str) -> Result<()> {
    for table in ["sessions", "links", "oidc_grants", "oidc_codes"] {
        sqlx::query(sqlx::AssertSqlSafe(format!("UPDATE {table} SET person_id = $1 WHERE tenant_id = $2 AND person_id = $3")))
            .bind(to)
            .bind(tenant_id)
            .bind(from)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The addresses (folded to lower case) that more than one person of the tenant has, in
/// alphabetical order after `after`, at most `limit`.
pub async fn shared_emails(conn: &mut Conn, tenant_id: &str, after: Option<&str>, limit: i64) -> Result<Vec<String>> {
    let mut sql = Sql::new("SELECT email_folded FROM people WHERE tenant_id = ");
    sql.bind(Arg::Text(tenant_id.to_owned())).push(" AND email_folded IS NOT NULL");
    if let Some(a) = after {
        sql.push(" AND email_folded > ").bind(Arg::Text(a.to_owned()));
    }
    sql.push(" GROUP BY email_folded HAVING COUNT(*) > 1 ORDER BY email_folded LIMIT ").bind(Arg::Int(limit));
    let rows = sql.query().fetch_all(conn).await?;
    rows.iter().map(|r| crate::records::text(r, "email_folded")).collect()
}
