//! Spreadsheet import previews, kept between the upload and the apply (see migration 0003).
//!
//! The `plan` and `source` columns can be tens of megabytes for a large file, so they are read
//! only by [`plan`] and [`source`], never with the preview.

use sqlx::any::AnyRow;

use crate::records::{int, opt_int, opt_text, text};
use crate::{Conn, Result};

/// One stored preview, without its plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRecord {
    pub id: String,
    pub tenant_id: String,
    pub actor_kind: String,
    pub actor_id: Option<String>,
    /// What the importing actor held at preview time (JSON), compared again at apply.
    pub rights: String,
    pub filename: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub applied_at: Option<i64>,
    /// The counts per class (JSON).
    pub summary: String,
    /// The rows as the API shows them (JSON).
    pub preview: String,
    /// What apply answered (JSON), once applied.
    pub result: Option<String>,
}

impl ImportRecord {
    fn from_row(row: &AnyRow) -> Result<Self> {
        Ok(Self {
            id: text(row, "id")?,
            tenant_id: text(row, "tenant_id")?,
            actor_kind: text(row, "actor_kind")?,
            actor_id: opt_text(row, "actor_id")?,
            rights: text(row, "rights")?,
            filename: text(row, "filename")?,
            created_at: int(row, "created_at")?,
            expires_at: int(row, "expires_at")?,
            applied_at: opt_int(row, "applied_at")?,
            summary: text(row, "summary")?,
            preview: text(row, "preview")?,
            result: opt_text(row, "result")?,
        })
    }
}

/// Stores a new preview with its plan and the uploaded rows without passwords (`source`). Takes
/// them by value: for a large file the JSON texts are tens of megabytes each, and binding them
/// as they are spares a copy of each.
pub async fn insert(conn: &mut Conn, r: ImportRecord, plan: String, source: String) -> Result<()> {
    sqlx::query(
        "INSERT INTO imports (id, tenant_id, actor_kind, actor_id, rights, filename, created_at, expires_at, applied_at, \
         summary, preview, plan, result, source) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(r.id)
    .bind(r.tenant_id)
    .bind(r.actor_kind)
    .bind(r.actor_id)
    .bind(r.rights)
    .bind(r.filename)
    .bind(r.created_at)
    .bind(r.expires_at)
    .bind(r.applied_at)
    .bind(r.summary)
    .bind(r.preview)
    .bind(plan)
    .bind(r.result)
    .bind(source)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn get(conn: &mut Conn, tenant_id: &str, id: &str) -> Result<Option<ImportRecord>> {
    let row = sqlx::query(
        "SELECT id, tenant_id, actor_kind, actor_id, rights, filename, created_at, expires_at, applied_at, summary, preview, \
         result FROM imports WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(ImportRecord::from_row).transpose()
}

/// The plan of a preview that is not applied yet (`None` once applied, or for another tenant).
pub async fn plan(conn: &mut Conn, tenant_id: &str, id: &str) -> Result<Option<String>> {
    Ok(sqlx::query_scalar("SELECT plan FROM imports WHERE tenant_id = $1 AND id = $2 AND applied_at IS NULL")
        .bind(tenant_id)
        .bind(id)
        .fetch_optional(conn)
        .await?
        .flatten())
}

/// The uploaded rows of a preview, applied or not (`None` for another tenant's, or a preview
/// stored before the rows were kept).
pub async fn source(conn: &mut Conn, tenant_id: &str, id: &str) -> Result<Option<String>> {
    Ok(sqlx::query_scalar("SELECT source FROM imports WHERE tenant_id = $1 AND id = $2")
        .bind(tenant_id)
        .bind(id)
        .fetch_optional(conn)
        .await?
        .flatten())
}

/// Marks the preview applied if it is neither applied nor expired. Exactly one of several
/// concurrent applies gets `true`: the condition is checked by the statement that writes, and
/// the caller's transaction keeps the claim only if everything else commits with it.
pub async fn claim(conn: &mut Conn, tenant_id: &str, id: &str, now: i64) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE imports SET applied_at = $1 WHERE tenant_id = $2 AND id = $3 AND applied_at IS NULL AND expires_at > $1",
    )
    .bind(now)
    .bind(tenant_id)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Records what apply did and drops the plan: the password hashes in it are not kept.
pub async fn finish(conn: &mut Conn, tenant_id: &str, id: &str, result: &str) -> Result<()> {
    sqlx::query("UPDATE imports SET result = $1, plan = NULL WHERE tenant_id = $2 AND id = $3")
        .bind(result)
        .bind(tenant_id)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Replaces the shown rows and counts (rows found changed at apply time become conflicts).
pub async fn update_preview(conn: &mut Conn, tenant_id: &str, id: &str, summary: &str, preview: &str) -> Result<()> {
    sqlx::query("UPDATE imports SET summary = $1, preview = $2 WHERE tenant_id = $3 AND id = $4 AND applied_at IS NULL")
        .bind(summary)
        .bind(preview)
        .bind(tenant_id)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Deletes the tenant's previews that expired before `now`, applied or not.
pub async fn delete_expired(conn: &mut Conn, tenant_id: &str, now: i64) -> Result<u64> {
    let r = sqlx::query("DELETE FROM imports WHERE tenant_id = $1 AND expires_at <= $2")
        .bind(tenant_id)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(r.rows_affected())
}
