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
use serde::ser::{SerializeSeq, SerializeTuple};
use serde::{Deserialize, Serialize, Serializer};

use super::preview::{parse, stored_view};
use super::{ExportFile, ImportPreview, RowError};
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

/// The cells of one row with the password column emptied, serialised without copying them.
struct Cells<'a> {
    cells: &'a [String],
    hidden: Option<usize>,
}

impl Serialize for Cells<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.cells.len()))?;
        for (i, cell) in self.cells.iter().enumerate() {
            seq.serialize_element(if Some(i) == self.hidden { "" } else { cell.as_str() })?;
        }
        seq.end()
    }
}

struct Row<'a>(u32, Cells<'a>);

impl Serialize for Row<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut t = s.serialize_tuple(2)?;
        t.serialize_element(&self.0)?;
        t.serialize_element(&self.1)?;
        t.end()
    }
}

#[derive(Serialize)]
struct SourceRef<'a> {
    format: SourceFormat,
    headers: &'a [String],
    rows: Vec<Row<'a>>,
}

/// The `source` column for a table: its rows as JSON, with the password column emptied.
pub(crate) fn source_json(table: &Table, headers: &HeaderMap) -> AppResult<String> {
    let hidden = headers.index_of(Column::Password);
    let format = match table.format {
        Format::Xlsx | Format::Ods => SourceFormat::Xlsx,
        Format::Csv { delimiter, .. } => SourceFormat::Csv { delimiter },
    };
    let rows = table.row_numbers.iter().zip(&table.rows).map(|(&n, cells)| Row(n, Cells { cells, hidden })).collect();
    serde_json::to_string(&SourceRef { format, headers: &table.headers, rows })
        .map_err(|e| AppError::Internal(format!("import source json: {e}")))
}

impl App {
    /// A stored preview as the console shows it: only to the admin who made it or to an
    /// administrator of the tenant (see the module docs); anyone else gets "not found".
    pub async fn own_import(&self, actor: &Actor, slug: &str, id: &str) -> AppResult<ImportPreview> {
        let (tenant, rights) = self.import_access(actor, slug, false).await?;
        let mut conn = self.store.read().await?;
        let record = repo::imports::get(&mut conn, tenant.id(), id).await?.ok_or(AppError::NotFound)?;
        let own = record.actor_kind == actor.kind() && record.actor_id.as_deref() == actor.id();
        if !own && !rights.is_administrator() {
            return Err(AppError::NotFound);
        }
        stored_view(record)
    }

    /// A preview with its uploaded rows (passwords emptied), for the error report; seen by the
    /// same people as [`App::own_import`].
    pub async fn import_report(&self, actor: &Actor, slug: &str, id: &str) -> AppResult<ImportReport> {
        let preview = self.own_import(actor, slug, id).await?;
        let tenant = self.tenant(actor, slug).await?;
        let mut conn = self.store.read().await?;
        let source = match repo::imports::source(&mut conn, tenant.id(), id).await? {
            Some(raw) => tokio::task::spawn_blocking(move || parse::<ImportSource>("source", &raw))
                .await
                .map_err(|e| AppError::Internal(e.to_string()))??,
            None => ImportSource::default(),
        };
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
        let json = source_json(&table, &headers).unwrap();
        assert!(!json.contains("secret-horse-battery"));
        let source: ImportSource = serde_json::from_str(&json).unwrap();
        assert_eq!(source.format, Some(SourceFormat::Csv { delimiter: b';' }));
        assert_eq!(source.rows, vec![(2, vec!["ann".to_owned(), String::new(), "Ann".to_owned()])]);
    }
}
