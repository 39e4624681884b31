//! A tenant's branches (locations).

use crate::records::BranchRecord;
use crate::{Conn, Result};

pub async fn insert(conn: &mut Conn, b: &BranchRecord) -> Result<()> {
    sqlx::query("INSERT INTO branches (id, tenant_id, name, name_folded, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&b.id)
        .bind(&b.tenant_id)
        .bind(&b.name)
        .bind(b.name.to_lowercase())
        .bind(b.created_at)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn list(conn: &mut Conn, tenant_id: &str) -> Result<Vec<BranchRecord>> {
    let rows = sqlx::query("SELECT * FROM branches WHERE tenant_id = $1 ORDER BY name_folded, id")
        .bind(tenant_id)
        .fetch_all(conn)
        .await?;
    rows.iter().map(BranchRecord::from_row).collect()
}

pub async fn get(conn: &mut Conn, tenant_id: &str, id: &str) -> Result<Option<BranchRecord>> {
    let row = sqlx::query("SELECT * FROM branches WHERE tenant_id = $1 AND id = $2")
        .bind(tenant_id)
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(BranchRecord::from_row).transpose()
}

pub async fn rename(conn: &mut Conn, tenant_id: &str, id: &str, name: &str) -> Result<bool> {
    let r = sqlx::query("UPDATE branches SET name = $1, name_folded = $2 WHERE tenant_id = $3 AND id = $4")
        .bind(name)
        .bind(name.to_lowercase())
        .bind(tenant_id)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn delete(conn: &mut Conn, tenant_id: &str, id: &str) -> Result<bool> {
    let r = sqlx::query("DELETE FROM branches WHERE tenant_id = $1 AND id = $2").bind(tenant_id).bind(id).execute(conn).await?;
    Ok(r.rows_affected() == 1)
}

/// For each branch of the tenant that someone's login names, how many logins name it.
pub async fn in_scope_counts(conn: &mut Conn, tenant_id: &str) -> Result<Vec<(String, i64)>> {
    let rows = sqlx::query(
        "SELECT lb.branch_id AS branch_id, COUNT(*) AS holders FROM login_branches lb \
         JOIN branches b ON b.id = lb.branch_id WHERE b.tenant_id = $1 GROUP BY lb.branch_id",
    )
    .bind(tenant_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| Ok((crate::records::text(r, "branch_id")?, crate::records::int(r, "holders")?))).collect()
}
