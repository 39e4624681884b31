//! Logins: a person's username, password hash, access state, role and branch scope.

use std::collections::HashMap;

use keyrack_core::types::Username;

use crate::records::{LoginRecord, to_json_list};
use crate::{Conn, Result};

async fn with_branches(conn: &mut Conn, mut login: LoginRecord) -> Result<LoginRecord> {
    if login.branches.is_some() {
        let ids: Vec<String> = sqlx::query_scalar("SELECT branch_id FROM login_branches WHERE person_id = $1 ORDER BY branch_id")
            .bind(&login.person_id)
            .fetch_all(&mut *conn)
            .await?;
        login.branches = Some(ids);
    }
    Ok(login)
}

pub async fn get(conn: &mut Conn, tenant_id: &str, person_id: &str) -> Result<Option<LoginRecord>> {
    let row = sqlx::query("SELECT * FROM logins WHERE tenant_id = $1 AND person_id = $2")
        .bind(tenant_id)
        .bind(person_id)
        .fetch_optional(&mut *conn)
        .await?;
    match row.as_ref().map(LoginRecord::from_row).transpose()? {
        Some(l) => Ok(Some(with_branches(conn, l).await?)),
        None => Ok(None),
    }
}

/// Finds a login by any spelling of its username (see [`Username::fold`]).
pub async fn by_username(conn: &mut Conn, tenant_id: &str, typed: &str) -> Result<Option<LoginRecord>> {
    let row = sqlx::query("SELECT * FROM logins WHERE tenant_id = $1 AND username_folded = $2")
        .bind(tenant_id)
        .bind(Username::fold(typed))
        .fetch_optional(&mut *conn)
        .await?;
    match row.as_ref().map(LoginRecord::from_row).transpose()? {
        Some(l) => Ok(Some(with_branches(conn, l).await?)),
        None => Ok(None),
    }
}

/// The logins of these people (one query for a page of the people list).
pub async fn for_people(conn: &mut Conn, tenant_id: &str, person_ids: &[String]) -> Result<Vec<LoginRecord>> {
    if person_ids.is_empty() {
        return Ok(Vec::new());
    }
    // By primary key only: with `tenant_id = ?` beside a long IN list, SQLite (without
    // statistics) prefers the (tenant_id, state) index and reads every login of the tenant,
    // 70 ms for a page of 200 at 100,000 people. The tenant is checked on the rows instead.
    let mut sql = super::Sql::new("SELECT * FROM logins WHERE person_id");
    sql.in_list(person_ids);
    let rows = sql.query().fetch_all(&mut *conn).await?;
    let mut logins = rows.iter().map(LoginRecord::from_row).collect::<Result<Vec<_>>>()?;
    logins.retain(|l| l.tenant_id == tenant_id);
    // The branches of every limited login in one more query, not one per login.
    let limited: Vec<String> = logins.iter().filter(|l| l.branches.is_some()).map(|l| l.person_id.clone()).collect();
    let mut branches: HashMap<String, Vec<String>> = HashMap::new();
    for (person_id, branch_id) in super::people::branches_of(conn, &limited).await? {
        branches.entry(person_id).or_default().push(branch_id);
    }
    for login in &mut logins {
        if login.branches.is_some() {
            login.branches = Some(branches.remove(&login.person_id).unwrap_or_default());
        }
    }
    Ok(logins)
}

pub async fn insert(conn: &mut Conn, l: &LoginRecord) -> Result<()> {
    sqlx::query(
        "INSERT INTO logins (person_id, tenant_id, username, username_folded, state, state_before_block, password_hash, \
         role_id, permissions, branch_scope, must_change_password, last_login_at, failed_logins, last_failed_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
    )
    .bind(&l.person_id)
    .bind(&l.tenant_id)
    .bind(&l.username)
    .bind(Username::fold(&l.username))
    .bind(l.state.as_str())
    .bind(l.state_before_block.map(|s| s.as_str().to_owned()))
    .bind(l.password_hash.clone())
    .bind(l.role_id.clone())
    .bind(to_json_list(&l.permissions))
    .bind(if l.branches.is_some() { "some" } else { "all" })
    .bind(i64::from(l.must_change_password))
    .bind(l.last_login_at)
    .bind(l.failed_logins)
    .bind(l.last_failed_at)
    .bind(l.created_at)
    .bind(l.updated_at)
    .execute(&mut *conn)
    .await?;
    write_branches(conn, l).await
}

/// Writes every column of the login and its branch list.
pub async fn update(conn: &mut Conn, l: &LoginRecord) -> Result<()> {
    sqlx::query(
        "UPDATE logins SET username = $1, username_folded = $2, state = $3, state_before_block = $4, password_hash = $5, \
         role_id = $6, permissions = $7, branch_scope = $8, must_change_password = $9, last_login_at = $10, \
         failed_logins = $11, last_failed_at = $12, updated_at = $13 WHERE tenant_id = $14 AND person_id = $15",
    )
    .bind(&l.username)
    .bind(Username::fold(&l.username))
    .bind(l.state.as_str())
    .bind(l.state_before_block.map(|s| s.as_str().to_owned()))
    .bind(l.password_hash.clone())
    .bind(l.role_id.clone())
    .bind(to_json_list(&l.permissions))
    .bind(if l.branches.is_some() { "some" } else { "all" })
    .bind(i64::from(l.must_change_password))
    .bind(l.last_login_at)
    .bind(l.failed_logins)
    .bind(l.last_failed_at)
    .bind(l.updated_at)
    .bind(&l.tenant_id)
    .bind(&l.person_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM login_branches WHERE person_id = $1").bind(&l.person_id).execute(&mut *conn).await?;
    write_branches(conn, l).await
}

async fn write_branches(conn: &mut Conn, l: &LoginRecord) -> Result<()> {
    for b in l.branches.iter().flatten() {
        sqlx::query("INSERT INTO login_branches (person_id, branch_id) VALUES ($1, $2)")
            .bind(&l.person_id)
            .bind(b)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub async fn delete(conn: &mut Conn, tenant_id: &str, person_id: &str) -> Result<()> {
    sqlx::query("DELETE FROM logins WHERE tenant_id = $1 AND person_id = $2")
        .bind(tenant_id)
        .bind(person_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Records a successful login in one statement: the new state, the time, the failure counter
/// back to zero, and the password hash (changed when it was upgraded to stronger parameters).
pub async fn record_login(conn: &mut Conn, l: &LoginRecord) -> Result<()> {
    sqlx::query(
        "UPDATE logins SET state = $1, last_login_at = $2, failed_logins = 0, last_failed_at = NULL, password_hash = $3, \
         updated_at = $4 WHERE tenant_id = $5 AND person_id = $6",
    )
    .bind(l.state.as_str())
    .bind(l.last_login_at)
    .bind(l.password_hash.clone())
    .bind(l.updated_at)
    .bind(&l.tenant_id)
    .bind(&l.person_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// How many logins in the tenant can still act as administrator (neither blocked nor removed).
pub async fn count_administrators(conn: &mut Conn, tenant_id: &str, administrator_role_id: &str) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM logins WHERE tenant_id = $1 AND role_id = $2 AND state <> 'blocked'")
        .bind(tenant_id)
        .bind(administrator_role_id)
        .fetch_one(conn)
        .await?)
}
