//! A tenant's roles: named permission sets.

use crate::records::{RoleRecord, to_json_list};
use crate::{Conn, Result};

pub async fn insert(conn: &mut Conn, r: &RoleRecord) -> Result<()> {
    sqlx::query(
        "INSERT INTO roles (id, tenant_id, name, permissions, builtin, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&r.id)
    .bind(&r.tenant_id)
    .bind(&r.name)
    .bind(to_json_list(&r.permissions))
    .bind(i64::from(r.builtin))
    .bind(r.created_at)
    .bind(r.updated_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn list(conn: &mut Conn, tenant_id: &str) -> Result<Vec<RoleRecord>> {
    let rows = sqlx::query("SELECT * FROM roles WHERE tenant_id = $1 ORDER BY builtin DESC, name")
        .bind(tenant_id)
        .fetch_all(conn)
        .await?;
    rows.iter().map(RoleRecord::from_row).collect()
}

pub async fn get(conn: &mut Conn, tenant_id: &str, id: &str) -> Result<Option<RoleRecord>> {
    let row =
        sqlx::query("SELECT * FROM roles WHERE tenant_id = $1 AND id = $2").bind(tenant_id).bind(id).fetch_optional(conn).await?;
    row.as_ref().map(RoleRecord::from_row).transpose()
}

pub async fn by_name(conn: &mut Conn, tenant_id: &str, name: &str) -> Result<Option<RoleRecord>> {
    let row = sqlx::query("SELECT * FROM roles WHERE tenant_id = $1 AND name = $2")
        .bind(tenant_id)
        .bind(name)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(RoleRecord::from_row).transpose()
}

pub async fn update_permissions(conn: &mut Conn, tenant_id: &str, id: &str, permissions: &[String], now: i64) -> Result<bool> {
    let r = sqlx::query("UPDATE roles SET permissions = $1, updated_at = $2 WHERE tenant_id = $3 AND id = $4")
        .bind(to_json_list(permissions))
        .bind(now)
        .bind(tenant_id)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn delete(conn: &mut Conn, tenant_id: &str, id: &str) -> Result<bool> {
    let r = sqlx::query("DELETE FROM roles WHERE tenant_id = $1 AND id = $2 AND builtin = 0")
        .bind(tenant_id)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// How many logins hold the role (a role in use cannot be deleted).
pub async fn holders(conn: &mut Conn, role_id: &str) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM logins WHERE role_id = $1").bind(role_id).fetch_one(conn).await?)
}
