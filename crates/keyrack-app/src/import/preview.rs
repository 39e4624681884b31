//! Making a preview: read the file, check every row, hash the passwords of the rows that can
//! be applied, and store the preview with its plan. No person, login, audit event or mail is
//! written (SECURITY-TESTS G.33).

use std::sync::Arc;

use keyrack_core::{FieldError, FieldErrors};
use keyrack_sheet::{SheetError, map_headers, read_table};
use keyrack_store::StoreError;
use keyrack_store::repo;
use keyrack_store::repo::imports::{ImportRecord, ImportRowRecord, RowFilter};
use serde::{Deserialize, Serialize};
use tokio::task::JoinSet;

use super::classify::{Classified, Context, classify};
use super::report::{cells_json, source_json};
use super::{ImportPreview, ImportSummary, PREVIEW_TTL_MS, PreviewRow, Progress, RowClass, RowError, Stage};
use crate::clock::rfc3339;
use crate::{Actor, App, AppError, AppResult, new_id};

/// Passwords hashed at the same time: enough to keep every core busy while the hasher's own
/// limit (one hash per core) keeps memory bounded.
const HASHES_IN_FLIGHT: usize = 16;

fn sheet_error(e: &SheetError) -> AppError {
    let mut err = FieldError::new("file", e.code(), e.to_string());
    for (name, value) in e.params() {
        err = err.with_param(name, value);
    }
    AppError::Validation(err.into())
}

fn json<T: Serialize>(value: &T) -> AppResult<String> {
    serde_json::to_string(value).map_err(|e| AppError::Internal(format!("import json: {e}")))
}

/// The file's name without any path, as shown back; never used to open anything.
fn display_name(filename: &str) -> String {
    let base = filename.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    if clean.trim().is_empty() { "upload".to_owned() } else { clean.trim().to_owned() }
}

impl App {
    /// Checks that the actor may make an import preview in the tenant, without reading a file:
    /// the web layer asks this before it reads an upload, so another tenant's route answers
    /// "not found" and a read key "forbidden" whatever the body is.
    pub async fn may_import(&self, actor: &Actor, slug: &str) -> AppResult<()> {
        self.import_access(actor, slug, true).await.map(|_| ())
    }

    /// Reads an uploaded spreadsheet and previews what importing it would change (SPEC §6):
    /// each row `new`, `changed` (with every changed field), `unchanged`, `invalid` (with every
    /// bad cell) or `conflict`. The preview is stored for [`super::PREVIEW_TTL_MS`]; nothing
    /// else is written.
    pub async fn preview_import(
        &self,
        actor: &Actor,
        slug: &str,
        bytes: Vec<u8>,
        filename: &str,
        progress: Arc<dyn Progress>,
    ) -> AppResult<ImportPreview> {
        let (tenant, rights) = self.import_access(actor, slug, true).await?;
        let (hint, limits) = (filename.to_owned(), self.config.import_limits.clone());
        let table = tokio::task::spawn_blocking(move || read_table(&bytes, Some(&hint), &limits))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .map_err(|e| sheet_error(&e))?;
        let headers = map_headers(&table.headers).map_err(|problems| {
            AppError::Validation(FieldErrors(
                problems.iter().filter(|p| p.is_error()).map(|p| FieldError::new("file", p.code(), p.to_string())).collect(),
            ))
        })?;
        let warnings: Vec<RowError> = headers.warnings.iter().map(|p| RowError::new("file", p.code(), p.to_string())).collect();

        progress.start(Stage::Reading, u64::try_from(table.rows.len()).unwrap_or(u64::MAX));
        let snapshot = self.snapshot(&tenant).await?;
        let (app, tenant_c, rights_c, progress_c) = (self.clone(), tenant.clone(), rights.clone(), progress.clone());
        let (mut rows, source, mut cells) = tokio::task::spawn_blocking(move || {
            let source = source_json(&table)?;
            let cells = table.rows.iter().map(|row| cells_json(row, &headers)).collect::<AppResult<Vec<String>>>()?;
            let ctx = Context { app: &app, tenant: &tenant_c, snapshot: &snapshot, rights: &rights_c };
            Ok::<_, AppError>((classify(&ctx, &headers, table.rows, &table.row_numbers, progress_c.as_ref()), source, cells))
        })
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
        progress.finish();

        self.hash_passwords(&mut rows, progress.as_ref()).await?;

        let now = self.now();
        let summary = ImportSummary::of(rows.iter().map(|r| &r.preview));
        let record = ImportRecord {
            id: new_id(),
            tenant_id: tenant.id().to_owned(),
            actor_kind: actor.kind().to_owned(),
            actor_id: actor.id().map(str::to_owned),
            rights: rights.fingerprint(),
            filename: display_name(filename),
            created_at: now,
            expires_at: now + PREVIEW_TTL_MS,
            applied_at: None,
            summary: json(&summary)?,
            warnings: json(&warnings)?,
            result: None,
        };
        let mut tx = self.store.begin().await?;
        repo::imports::delete_expired(&mut tx, tenant.id(), now).await?;
        repo::imports::insert(&mut tx, record.clone(), source).await?;
        // A batch of rows at a time becomes JSON and goes to the database: each plan is dropped
        // as soon as it is written, and the file is never one text in memory.
        let mut shown = Vec::with_capacity(rows.len());
        let mut rows = rows.into_iter().enumerate().peekable();
        while rows.peek().is_some() {
            let mut batch = Vec::with_capacity(ROWS_PER_WRITE);
            for (position, r) in rows.by_ref().take(ROWS_PER_WRITE) {
                batch.push(ImportRowRecord {
                    position: i64::try_from(position).unwrap_or(i64::MAX),
                    row_number: i64::from(r.preview.row),
                    class: r.preview.class.as_str().to_owned(),
                    shown: json(&r.preview)?,
                    cells: cells.get_mut(position).map(std::mem::take).unwrap_or_default(),
                    plan: r.plan.as_ref().map(json).transpose()?,
                });
                shown.push(r.preview);
            }
            repo::imports::insert_rows(&mut tx, tenant.id(), &record.id, batch).await?;
        }
        tx.commit().await.map_err(StoreError::from)?;
        Ok(view(&record, summary, shown, warnings))
    }

    /// Hashes the password of every row that can be applied, on all cores, and forgets the
    /// plain text as soon as its hash is in the plan.
    async fn hash_passwords(&self, rows: &mut [Classified], progress: &dyn Progress) -> AppResult<()> {
        let pending: Vec<(usize, String)> =
            rows.iter_mut().enumerate().filter_map(|(i, r)| r.password.take().map(|p| (i, p))).collect();
        if pending.is_empty() {
            return Ok(());
        }
        progress.start(Stage::Hashing, u64::try_from(pending.len()).unwrap_or(u64::MAX));
        let mut running = JoinSet::new();
        let mut pending = pending.into_iter();
        loop {
            while running.len() < HASHES_IN_FLIGHT {
                let Some((i, password)) = pending.next() else { break };
                let hasher = self.hasher.clone();
                running.spawn(async move { (i, hasher.hash(password).await) });
            }
            let Some(done) = running.join_next().await else { break };
            let (i, hash) = done.map_err(|e| AppError::Internal(e.to_string()))?;
            if let Some(plan) = rows[i].plan.as_mut() {
                plan.password_hash = Some(hash?);
            }
            progress.advance(1);
        }
        progress.finish();
        Ok(())
    }

    /// A stored preview with all its rows (any actor of the tenant who may import).
    pub async fn import_preview(&self, actor: &Actor, slug: &str, id: &str) -> AppResult<ImportPreview> {
        let (tenant, _) = self.import_access(actor, slug, false).await?;
        let mut conn = self.store.read().await?;
        let record = repo::imports::get(&mut conn, tenant.id(), id).await?.ok_or(AppError::NotFound)?;
        let rows = all_rows(&mut conn, tenant.id(), id).await?;
        stored_view(record, rows)
    }

    /// A page of a stored preview: its rows of the given classes (all when none), `limit` of
    /// them after skipping `offset`, with the preview's counts. For the console, which shows a
    /// large file a page at a time without reading the rest.
    pub async fn import_preview_page(
        &self,
        actor: &Actor,
        slug: &str,
        id: &str,
        classes: &[RowClass],
        offset: u32,
        limit: u32,
    ) -> AppResult<ImportPreview> {
        let (tenant, _) = self.import_access(actor, slug, false).await?;
        let mut conn = self.store.read().await?;
        let record = repo::imports::get(&mut conn, tenant.id(), id).await?.ok_or(AppError::NotFound)?;
        let rows = page_rows(&mut conn, tenant.id(), id, classes, offset, limit).await?;
        stored_view(record, rows)
    }
}

/// The rows of a stored preview of the given classes (all when none), `limit` of them after
/// skipping `offset`, in file order.
pub(crate) async fn page_rows(
    conn: &mut keyrack_store::Conn,
    tenant_id: &str,
    id: &str,
    classes: &[RowClass],
    offset: u32,
    limit: u32,
) -> AppResult<Vec<PreviewRow>> {
    let filter = RowFilter {
        classes: classes.iter().map(|c| c.as_str().to_owned()).collect(),
        offset: i64::from(offset),
        ..RowFilter::default()
    };
    let page = repo::imports::rows(conn, tenant_id, id, &filter, i64::from(limit)).await?;
    page.iter().map(|r| parse::<PreviewRow>("row", &r.shown)).collect()
}

/// Rows written per statement at preview time.
const ROWS_PER_WRITE: usize = 500;
/// Rows read per query when a whole preview is read.
const ROWS_PER_READ: i64 = 5_000;

/// Every row of a stored preview, in file order, read [`ROWS_PER_READ`] at a time.
pub(crate) async fn all_rows(conn: &mut keyrack_store::Conn, tenant_id: &str, id: &str) -> AppResult<Vec<PreviewRow>> {
    let mut rows = Vec::new();
    let mut filter = RowFilter::default();
    loop {
        let page = repo::imports::rows(conn, tenant_id, id, &filter, ROWS_PER_READ).await?;
        let Some(last) = page.last() else { break };
        filter.after = Some(last.position);
        for r in &page {
            rows.push(parse::<PreviewRow>("row", &r.shown)?);
        }
    }
    Ok(rows)
}

pub(crate) fn parse<T: for<'de> Deserialize<'de>>(what: &str, raw: &str) -> AppResult<T> {
    serde_json::from_str(raw).map_err(|e| AppError::Internal(format!("stored import {what}: {e}")))
}

pub(crate) fn stored_view(record: ImportRecord, rows: Vec<PreviewRow>) -> AppResult<ImportPreview> {
    let summary = parse("summary", &record.summary)?;
    let warnings = parse("warnings", &record.warnings)?;
    let mut view = view(&record, summary, rows, warnings);
    view.result = record.result.as_deref().map(|r| parse("result", r)).transpose()?;
    Ok(view)
}

fn view(record: &ImportRecord, summary: ImportSummary, rows: Vec<PreviewRow>, warnings: Vec<RowError>) -> ImportPreview {
    ImportPreview {
        id: record.id.clone(),
        filename: record.filename.clone(),
        summary,
        rows,
        warnings,
        created_at: rfc3339(record.created_at),
        expires_at: rfc3339(record.expires_at),
        applied_at: record.applied_at.map(rfc3339),
        result: None,
    }
}
