//! Failed logins per client address. Each failure is one statement, so concurrent failures all
//! count; a failure long after the previous one starts the count again.

use crate::{Conn, Result};

/// The failure count and time of the last failure of an address, if any.
pub async fn address(conn: &mut Conn, tenant_id: &str, address: &str) -> Result<Option<(i64, i64)>> {
    let row: Option<(i64, i64)> =
        sqlx::query_as("SELECT failures, last_failure_at FROM address_failures WHERE tenant_id = $1 AND address = $2")
            .bind(tenant_id)
            .bind(address)
            .fetch_optional(conn)
            .await?;
    Ok(row)
}

/// Counts one failure; failures before `forget_before` are forgotten first.
pub async fn record_address_failure(conn: &mut Conn, tenant_id: &str, address: &str, now: i64, forget_before: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO address_failures (tenant_id, address, failures, last_failure_at) VALUES ($1, $2, 1, $3) \
         ON CONFLICT (tenant_id, address) DO UPDATE SET \
         failures = CASE WHEN address_failures.last_failure_at < $4 THEN 1 ELSE address_failures.failures + 1 END, \
         last_failure_at = $3",
    )
    .bind(tenant_id)
    .bind(address)
    .bind(now)
    .bind(forget_before)
    .execute(conn)
    .await?;
    Ok(())
}

/// Counts one failure of a login; failures before `forget_before` are forgotten first.
pub async fn record_login_failure(conn: &mut Conn, person_id: &str, now: i64, forget_before: i64) -> Result<()> {
    sqlx::query(
        "UPDATE logins SET failed_logins = CASE WHEN last_failed_at IS NULL OR last_failed_at < $2 THEN 1 ELSE failed_logins + 1 END, \
         last_failed_at = $1 WHERE person_id = $3",
    )
    .bind(now)
    .bind(forget_before)
    .bind(person_id)
    .execute(conn)
    .await?;
    Ok(())
}
