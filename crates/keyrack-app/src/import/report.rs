//! What the console shows of a preview and gives back as the error report: the uploaded rows
//! as read, with every password cell emptied, kept beside the preview until it expires.
//!
//! # Who sees an import in the console
//!
//! An import belongs to its tenant, but its preview lists people with their current values,
//! including people outside an admin's branches. So the console shows an import only to the
//! person who made it and to the tenant's administrators (who may apply anyone's preview, see
//! [`super`]); any other admin, even one holding `import_export`, gets "not found", exactly as
//! for another tenant's import.

use std::collections::HashMap;

use keyrack_sheet::{Column, Format, HeaderMap, Table, write_table_csv, write_table_xlsx};
use keyrack_store::repo;
use keyrack_store::repo::imports::ImportRecord;
use serde::{Deserialize, Serialize};

use super::preview::{all_rows, page_rows, parse, stored_view};
use super::{ExportFile, ImportPreview, RowClass, RowError};
use crate::tenants::Tenant;
use crate::{Actor, App, AppError, AppResult};

/// The format the error report is written in: the uploaded one (ODS comes back as XLSX, which
/// every spreadsheet program opens).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "format", rename_all = "snake_case")]
pub enum SourceFormat {
    Xlsx,
    Csv { delimiter: u8 },
}

/// The uploaded rows without passwords.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ImportSource {
    pub format: Option<SourceFormat>,
    pub headers: Vec<String>,
    /// Each row's number as the spreadsheet shows it, and its cells.
    pub rows: Vec<(u32, Vec<String>)>,
}

/// A preview with its uploaded rows, for the error report.
#[derive(Debug, Clone)]
pub struct ImportReport {
    pub preview: ImportPreview,
    pub source: ImportSource,
}

/// The `source` column: the file's format and header row.
#[derive(Serialize, Deserialize)]
struct SourceMeta {
    format: SourceFormat,
    headers: Vec<String>,
}

/// The `source` column for a table.
pub(crate) fn source_json(table: &Table) -> AppResult<String> {
    let format = match table.format {
        Format::Xlsx | Format::Ods => SourceFormat::Xlsx,
        Format::Csv { delimiter, .. } => SourceFormat::Csv { delimiter },
    };
    serde_json::to_string(&SourceMeta { format, headers: table.headers.clone() })
        .map_err(|e| AppError::Internal(format!("import source json: {e}")))
}

/// A row's `cells`: every cell as read, with the password column emptied.
pub(crate) fn cells_json(cells: &[String], headers: &HeaderMap) -> AppResult<String> {
    let hidden = headers.index_of(Column::Password);
    let shown: Vec<&str> = cells.iter().enumerate().map(|(i, c)| if Some(i) == hidden { "" } else { c.as_str() }).collect();
    serde_json::to_string(&shown).map_err(|e| AppError::Internal(format!("import cells json: {e}")))
}

/// Uploaded rows read per query for the report.
const CELLS_PER_READ: i64 = 5_000;

impl App {
    /// A stored preview as the console shows it: only to the admin who made it or to an
    /// administrator of the tenant (see the module docs); anyone else gets "not found".
    pub async fn own_import(&self, actor: &Actor, slug: &str, id: &str) -> AppResult<ImportPreview> {
        let (tenant, record) = self.visible_import(actor, slug, id).await?;
        let mut conn = self.store.read().await?;
        let rows = all_rows(&mut conn, tenant.id(), id).await?;
        stored_view(record, rows)
    }

    /// The stored preview's record, with its tenant, when the actor may see it: its uploader or
    /// an administrator ("not found" for anyone else).
    async fn visible_import(&self, actor: &Actor, slug: &str, id: &str) -> AppResult<(Tenant, ImportRecord)> {
        let (tenant, rights) = self.import_access(actor, slug, false).await?;
        let mut conn = self.store.read().await?;
        let record = repo::imports::get(&mut conn, tenant.id(), id).await?.ok_or(AppError::NotFound)?;
        let own = record.actor_kind == actor.kind() && record.actor_id.as_deref() == actor.id();
        if !own && !rights.is_administrator() {
            return Err(AppError::NotFound);
        }
        Ok((tenant, record))
    }

    /// A page of a stored preview as the console shows it ([`App::import_preview_page`]), to the
    /// same people as [`App::own_import`].
    pub async fn own_import_page(
        &self,
        actor: &Actor,
        slug: &str,
        id: &str,
        classes: &[RowClass],
        offset: u32,
        limit: u32,
    ) -> AppResult<ImportPreview> {
        let (tenant, record) = self.visible_import(actor, slug, id).await?;
        let mut conn = self.store.read().await?;
        let rows = page_rows(&mut conn, tenant.id(), id, classes, offset, limit).await?;
        stored_view(record, rows)
    }

    /// A preview with its uploaded rows (passwords emptied), for the error report; seen by the
    /// same people as [`App::own_import`].
    pub async fn import_report(&self, actor: &Actor, slug: &str, id: &str) -> AppResult<ImportReport> {
        let preview = self.own_import(actor, slug, id).await?;
        let tenant = self.tenant(actor, slug).await?;
        let mut conn = self.store.read().await?;
        let Some(raw) = repo::imports::source(&mut conn, tenant.id(), id).await? else {
            return Ok(ImportReport { preview, source: ImportSource::default() });
        };
        let meta: SourceMeta = parse("source", &raw)?;
        let mut source = ImportSource { format: Some(meta.format), headers: meta.headers, rows: Vec::new() };
        let mut after = -1;
        loop {
            let page = repo::imports::cells(&mut conn, tenant.id(), id, after, CELLS_PER_READ).await?;
            let Some(&(last, _, _)) = page.last() else { break };
            after = last;
            for (_, number, cells) in page {
                source.rows.push((u32::try_from(number).unwrap_or(u32::MAX), parse("cells", &cells)?));
            }
        }
        Ok(ImportReport { preview, source })
    }
}

impl App {
    /// The error report: the uploaded rows back in their format (ODS as XLSX), passwords
    /// emptied, with one more column `errors_header` holding each row's errors as `describe`
    /// words them (a page passes its reader's language). Seen by the same people as
    /// [`App::own_import`]; a preview stored without its rows gives just the header.
    pub async fn import_report_file(
        &self,
        actor: &Actor,
        slug: &str,
        id: &str,
        errors_header: &str,
        describe: impl Fn(&RowError) -> String,
    ) -> AppResult<ExportFile> {
        let ImportReport { preview, source } = self.import_report(actor, slug, id).await?;
        let errors: HashMap<u32, String> = preview
            .rows
            .iter()
            .filter(|r| !r.errors.is_empty())
            .map(|r| (r.row, r.errors.iter().map(&describe).collect::<Vec<_>>().join("\n")))
            .collect();
        let mut headers = source.headers;
        headers.push(errors_header.to_owned());
        let rows: Vec<Vec<String>> = source
            .rows
            .into_iter()
            .map(|(n, mut cells)| {
                cells.resize(headers.len() - 1, String::new());
                cells.push(errors.get(&n).cloned().unwrap_or_default());
                cells
            })
            .collect();
        let format = source.format.unwrap_or(SourceFormat::Xlsx);
        let (bytes, extension, content_type) = tokio::task::spawn_blocking(move || match format {
            SourceFormat::Csv { delimiter } => {
                Ok((write_table_csv(&headers, &rows, delimiter), "csv", "text/csv; charset=utf-8"))
            }
            SourceFormat::Xlsx => write_table_xlsx("People", &headers, &rows)
                .map(|b| (b, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
                .map_err(|e| AppError::Internal(format!("error report: {e}"))),
        })
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
        let stem = preview.filename.rsplit_once('.').map_or(preview.filename.as_str(), |(stem, _)| stem);
        Ok(ExportFile { bytes, filename: format!("{stem}-errors.{extension}"), content_type, people: preview.rows.len() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_source_keeps_every_cell_but_the_password() {
        let table = Table {
            headers: vec!["username".into(), "password".into(), "first_name".into()],
            rows: vec![vec!["ann".into(), "secret-horse-battery".into(), "Ann".into()]],
            row_numbers: vec![2],
            header_row: 1,
            format: Format::Csv { delimiter: b';', encoding: "UTF-8" },
        };
        let headers = keyrack_sheet::map_headers(&table.headers).unwrap();
        let meta: SourceMeta = serde_json::from_str(&source_json(&table).unwrap()).unwrap();
        assert_eq!((meta.format, meta.headers), (SourceFormat::Csv { delimiter: b';' }, table.headers.clone()));
        let cells = cells_json(&table.rows[0], &headers).unwrap();
        assert!(!cells.contains("secret-horse-battery"));
        assert_eq!(serde_json::from_str::<Vec<String>>(&cells).unwrap(), vec!["ann".to_owned(), String::new(), "Ann".to_owned()]);
    }
}
