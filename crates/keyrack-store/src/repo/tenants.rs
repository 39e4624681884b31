//! Tenants: the operator's customers.

use crate::records::TenantRecord;
use crate::{Conn, Result};

pub async fn insert(conn: &mut Conn, t: &TenantRecord) -> Result<()> {
    sqlx::query(
        "INSERT INTO tenants (id, slug, name, language, settings, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&t.id)
    .bind(&t.slug)
    .bind(&t.name)
    .bind(t.language.as_str())
    .bind(&t.settings)
    .bind(t.created_at)
    .bind(t.updated_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn by_slug(conn: &mut Conn, slug: &str) -> Result<Option<TenantRecord>> {
    let row = sqlx::query("SELECT * FROM tenants WHERE slug = $1").bind(slug).fetch_optional(conn).await?;
    row.as_ref().map(TenantRecord::from_row).transpose()
}

pub async fn list(conn: &mut Conn) -> Result<Vec<TenantRecord>> {
    let rows = sqlx::query("SELECT * FROM tenants ORDER BY slug").fetch_all(conn).await?;
    rows.iter().map(TenantRecord::from_row).collect()
}

pub async fn update(conn: &mut Conn, t: &TenantRecord) -> Result<()> {
    sqlx::query("UPDATE tenants SET name = $1, language = $2, settings = $3, updated_at = $4 WHERE id = $5")
        .bind(&t.name)
        .bind(t.language.as_str())
        .bind(&t.settings)
        .bind(t.updated_at)
        .bind(&t.id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn count(conn: &mut Conn) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM tenants").fetch_one(conn).await?)
}
