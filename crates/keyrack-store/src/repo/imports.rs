//! Spreadsheet import previews, kept between the upload and the apply (see migrations 0003 and
//! 0011): one `imports` row with the counts, and one `import_rows` row per row of the file, read
//! a page at a time so that no query holds a whole large file.

use sqlx::AssertSqlSafe;
use sqlx::any::AnyRow;

use super::{Arg, Sql};

use crate::records::{int, opt_int, opt_text, text};
use crate::{Conn, Result};

/// One stored preview, without its rows.
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
    /// Columns of the file that are ignored (JSON).
    pub warnings: String,
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
            warnings: text(row, "warnings")?,
            result: opt_text(row, "result")?,
        })
    }
}

/// Stores a new preview with the uploaded file's format and headers (`source`), without its
/// rows ([`insert_rows`] adds them).
pub async fn insert(conn: &mut Conn, r: ImportRecord, source: String) -> Result<()> {
    sqlx::query(
        "INSERT INTO imports (id, tenant_id, actor_kind, actor_id, rights, filename, created_at, expires_at, applied_at, \
         summary, warnings, result, source) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
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
    .bind(r.warnings)
    .bind(r.result)
    .bind(source)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn get(conn: &mut Conn, tenant_id: &str, id: &str) -> Result<Option<ImportRecord>> {
    let row = sqlx::query(
        "SELECT id, tenant_id, actor_kind, actor_id, rights, filename, created_at, expires_at, applied_at, summary, warnings, \
         result FROM imports WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(ImportRecord::from_row).transpose()
}

/// The uploaded file's format and headers (`None` for another tenant's preview).
pub async fn source(conn: &mut Conn, tenant_id: &str, id: &str) -> Result<Option<String>> {
    Ok(sqlx::query_scalar("SELECT source FROM imports WHERE tenant_id = $1 AND id = $2")
        .bind(tenant_id)
        .bind(id)
        .fetch_optional(conn)
        .await?
        .flatten())
}

/// A page of a preview's uploaded rows in file order: each row number with its cells (JSON).
pub async fn cells(conn: &mut Conn, tenant_id: &str, import_id: &str, after: i64, limit: i64) -> Result<Vec<(i64, i64, String)>> {
    let rows = sqlx::query(
        "SELECT position, row_number, cells FROM import_rows WHERE tenant_id = $1 AND import_id = $2 AND position > $3 \
         ORDER BY position LIMIT $4",
    )
    .bind(tenant_id)
    .bind(import_id)
    .bind(after)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| Ok((int(r, "position")?, int(r, "row_number")?, text(r, "cells")?))).collect()
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

/// Records what apply did and drops the plans: the password hashes in them are not kept.
pub async fn finish(conn: &mut Conn, tenant_id: &str, id: &str, result: &str) -> Result<()> {
    sqlx::query("UPDATE imports SET result = $1 WHERE tenant_id = $2 AND id = $3")
        .bind(result)
        .bind(tenant_id)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE import_rows SET plan = NULL WHERE tenant_id = $1 AND import_id = $2 AND plan IS NOT NULL")
        .bind(tenant_id)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Replaces the counts (rows found changed at apply time become conflicts).
pub async fn update_summary(conn: &mut Conn, tenant_id: &str, id: &str, summary: &str) -> Result<()> {
    sqlx::query("UPDATE imports SET summary = $1 WHERE tenant_id = $2 AND id = $3 AND applied_at IS NULL")
        .bind(summary)
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

/// One row of the file in a stored preview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRowRecord {
    /// The row's place in the file, from 0: the order apply follows.
    pub position: i64,
    /// The row number as the spreadsheet shows it.
    pub row_number: i64,
    pub class: String,
    /// What the API shows (JSON).
    pub shown: String,
    /// The row's cells as read, password emptied (JSON); empty when read back, since only the
    /// error report needs them ([`cells`]).
    pub cells: String,
    /// What apply writes (JSON), for a row that can be applied and until it is.
    pub plan: Option<String>,
}

impl ImportRowRecord {
    fn from_row(row: &AnyRow) -> Result<Self> {
        Ok(Self {
            position: int(row, "position")?,
            row_number: int(row, "row_number")?,
            class: text(row, "class")?,
            shown: text(row, "shown")?,
            cells: String::new(),
            plan: opt_text(row, "plan")?,
        })
    }
}

/// Rows per `INSERT` (8 values each). Not more: binding a value on SQLite looks its placeholder
/// up by walking the statement's list of parameters (`sqlite3_bind_parameter_name`), so a
/// statement's binding time grows with the square of its values. At 500 rows (4,000 values)
/// that lookup was 70 % of a 100,000-row preview; at 50 it is a few percent, and 2,000 round
/// trips cost PostgreSQL a fraction of a second.
const INSERT_BATCH: usize = 50;

/// Row numbers per `IN` list when reading chosen rows (one value each).
const READ_BATCH: usize = 500;

/// Stores rows of a preview, [`INSERT_BATCH`] per statement.
pub async fn insert_rows(conn: &mut Conn, tenant_id: &str, import_id: &str, rows: Vec<ImportRowRecord>) -> Result<()> {
    for batch in rows.chunks(INSERT_BATCH) {
        let values: Vec<String> = (0..batch.len())
            .map(|i| {
                let p = i * 8;
                let marks: Vec<String> = (1..=8).map(|k| format!("${}", p + k)).collect();
                format!("({})", marks.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO import_rows (tenant_id, import_id, position, row_number, class, shown, cells, plan) VALUES {}",
            values.join(", ")
        );
        // The text holds placeholders only; every value is bound.
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for r in batch {
            query = query
                .bind(tenant_id)
                .bind(import_id)
                .bind(r.position)
                .bind(r.row_number)
                .bind(r.class.as_str())
                .bind(r.shown.as_str())
                .bind(r.cells.as_str())
                .bind(r.plan.as_deref());
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Which rows of a preview to read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowFilter {
    /// Only rows of these classes (all when empty).
    pub classes: Vec<String>,
    /// Only rows after this position (the keyset of the previous page).
    pub after: Option<i64>,
    /// Rows of the selection to skip first (for a page by number; an index range still, since
    /// the index holds `class` and `position`).
    pub offset: i64,
    /// Only rows that still have a plan.
    pub with_plan: bool,
}

/// A page of a preview's rows in file order. The plan is read only when `filter.with_plan`:
/// the shown rows never carry the password hashes along.
pub async fn rows(
    conn: &mut Conn,
    tenant_id: &str,
    import_id: &str,
    filter: &RowFilter,
    limit: i64,
) -> Result<Vec<ImportRowRecord>> {
    let mut sql = Sql::new(if filter.with_plan {
        "SELECT position, row_number, class, shown, plan FROM import_rows WHERE plan IS NOT NULL AND tenant_id = "
    } else {
        "SELECT position, row_number, class, shown, NULL AS plan FROM import_rows WHERE tenant_id = "
    });
    sql.bind(Arg::Text(tenant_id.to_owned()))
        .push(" AND import_id = ")
        .bind(Arg::Text(import_id.to_owned()))
        .push(" AND position > ")
        .bind(Arg::Int(filter.after.unwrap_or(-1)));
    for (i, class) in filter.classes.iter().enumerate() {
        sql.push(if i == 0 { " AND class IN (" } else { ", " }).bind(Arg::Text(class.clone()));
    }
    if !filter.classes.is_empty() {
        sql.push(")");
    }
    sql.push(" ORDER BY position LIMIT ").bind(Arg::Int(limit)).push(" OFFSET ").bind(Arg::Int(filter.offset));
    sql.query().fetch_all(conn).await?.iter().map(ImportRowRecord::from_row).collect()
}

/// The class of each row number of a preview, in file order: to check a chosen list of rows
/// without reading what the rows hold.
pub async fn classes(conn: &mut Conn, tenant_id: &str, import_id: &str) -> Result<Vec<(i64, String)>> {
    let rows = sqlx::query("SELECT row_number, class FROM import_rows WHERE tenant_id = $1 AND import_id = $2 ORDER BY position")
        .bind(tenant_id)
        .bind(import_id)
        .fetch_all(conn)
        .await?;
    rows.iter().map(|r| Ok((int(r, "row_number")?, text(r, "class")?))).collect()
}

/// Rows of a preview by row number (shown only), for marking a few of them.
pub async fn rows_numbered(conn: &mut Conn, tenant_id: &str, import_id: &str, numbers: &[i64]) -> Result<Vec<ImportRowRecord>> {
    let mut found = Vec::with_capacity(numbers.len());
    for chunk in numbers.chunks(READ_BATCH) {
        let mut sql = Sql::new("SELECT position, row_number, class, shown, NULL AS plan FROM import_rows WHERE tenant_id = ");
        sql.bind(Arg::Text(tenant_id.to_owned())).push(" AND import_id = ").bind(Arg::Text(import_id.to_owned()));
        for (i, n) in chunk.iter().enumerate() {
            sql.push(if i == 0 { " AND row_number IN (" } else { ", " }).bind(Arg::Int(*n));
        }
        sql.push(") ORDER BY position");
        for r in sql.query().fetch_all(&mut *conn).await? {
            found.push(ImportRowRecord::from_row(&r)?);
        }
    }
    Ok(found)
}

/// Changes what a row shows and its class (a row found changed at apply becomes a conflict,
/// and loses its plan).
pub async fn update_row(
    conn: &mut Conn,
    tenant_id: &str,
    import_id: &str,
    row_number: i64,
    class: &str,
    shown: &str,
) -> Result<()> {
    sqlx::query(
        "UPDATE import_rows SET class = $1, shown = $2, plan = NULL WHERE tenant_id = $3 AND import_id = $4 AND row_number = $5",
    )
    .bind(class)
    .bind(shown)
    .bind(tenant_id)
    .bind(import_id)
    .bind(row_number)
    .execute(conn)
    .await?;
    Ok(())
}
