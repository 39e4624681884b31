//! The import wizard (`import_export`, SPEC §6): upload a spreadsheet, see what each row would
//! change, apply the chosen rows, download the error report.
//!
//! - `GET  /console/import`: the upload form (the operator's size limit applies; see
//!   [`crate::upload_limit`]).
//! - `POST /console/import`: multipart with `csrf` and `file`; a refused file shows the form
//!   again naming the rule, a good one makes a preview and redirects to its page.
//! - `GET  /console/import/{id}?class=changed&page=2`: the counts per class as filter links and
//!   one page of rows ([`PAGE_SIZE`]), so a file of 100,000 rows renders no more than a page. A
//!   checkbox per applicable row; `check=changed` re-renders with the changed rows ticked (the
//!   "select all changed" link, no JavaScript). Applied previews show the result instead,
//!   expired ones say so.
//! - `POST /console/import/{id}/apply`: `select=rows` applies the ticked `row`s; `changed`, `new`
//!   and `all` apply every row of that class, chosen on the server from the stored preview, so
//!   selecting by class never lists the rows in the page.
//! - `GET  /console/import/{id}/report`: the uploaded rows back in their format with a column of
//!   each row's errors in the admin's language ([`keyrack_app::App::import_report_file`]).
//!
//! Upload and apply run within the server's 30-second request timeout, like the API's: a
//! 100,000-row file without passwords previews in time, but applying tens of thousands of new
//! people at once belongs to `keyrack import --apply`, which has no such limit. A cut-off apply
//! rolls back wholly, so the preview can be applied again.
//!
//! An import belongs to its tenant; the console shows it to the admin who uploaded it and to the
//! tenant's administrators, and answers "not found" to anyone else, as for another tenant's id
//! (the reasons are in `keyrack_app::import::report`).

use askama::Template;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, get};
use axum_extra::extract::Form;
use keyrack_app::import::{ApplyInput, ApplyRows, ImportPreview, NoProgress, PreviewRow, RowClass, RowError};
use keyrack_app::rights::IMPORT_EXPORT;
use keyrack_app::{App, AppError};
use keyrack_core::FieldError;
use keyrack_i18n::t_args;
use serde::Deserialize;
use std::sync::Arc;

use super::gate::require;
use super::shell::{Admin, Console, Shell};
use crate::api::imports::attachment;
use crate::pages::Tr;
use crate::pages::context::{Done, Flash, Page, PageRequest, error_page, render, submit};

/// Rows per page of the preview table.
pub const PAGE_SIZE: usize = 50;

const CLASSES: [RowClass; 5] = [RowClass::New, RowClass::Changed, RowClass::Unchanged, RowClass::Invalid, RowClass::Conflict];

fn class_word(class: RowClass) -> &'static str {
    match class {
        RowClass::New => "new",
        RowClass::Changed => "changed",
        RowClass::Unchanged => "unchanged",
        RowClass::Invalid => "invalid",
        RowClass::Conflict => "conflict",
    }
}

fn applicable(class: RowClass) -> bool {
    matches!(class, RowClass::New | RowClass::Changed)
}

/// A row error in the reader's language, naming its column.
pub fn describe(tr: Tr, e: &RowError) -> String {
    let text = keyrack_i18n::field_error(tr.0, &e.to_field_error());
    if e.field == "row" || e.field == "file" { text } else { format!("{}: {text}", e.field) }
}

#[derive(Template)]
#[template(path = "console/import_upload.html")]
struct UploadPage {
    page: Page,
    tr: Tr,
    shell: Shell,
    hint: String,
}

fn upload_page(r: &PageRequest, admin: &Admin, page: Page) -> Response {
    let max = r.app.config().import_limits.max_bytes;
    let size_mb = format!("{:.0}", max as f64 / (1024.0 * 1024.0)).replace(".0", "");
    let status = if page.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let hint = t_args(page.tr.0, "import-file-hint", &[("size", size_mb.into())]);
    render(r.jar.clone(), status, &UploadPage { tr: page.tr, page, shell: admin.shell.clone(), hint })
}

pub async fn form(Console { r, admin }: Console) -> Response {
    if let Err(refused) = require(&r, &admin, IMPORT_EXPORT) {
        return *refused;
    }
    upload_page(&r, &admin, r.page.clone())
}

/// Reads the upload: the CSRF field must come before the file (as the form sends it), so that
/// a forged post is refused before a byte of the file is read.
async fn read_upload(r: &PageRequest, mut multipart: Multipart) -> Result<(String, Vec<u8>), Result<AppError, Box<Response>>> {
    let mut csrf_checked = false;
    let mut upload = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Err(Ok(upload_error(e.status()))),
        };
        match field.name().unwrap_or_default() {
            "csrf" => {
                let value = field.text().await.map_err(|e| Ok(upload_error(e.status())))?;
                r.check_csrf(&value).map_err(Err)?;
                csrf_checked = true;
            }
            "file" if csrf_checked => {
                let name = field.file_name().unwrap_or("upload").to_owned();
                let bytes = field.bytes().await.map_err(|e| Ok(upload_error(e.status())))?;
                upload = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    if !csrf_checked {
        r.check_csrf("").map_err(Err)?;
    }
    match upload {
        Some((name, bytes)) if !bytes.is_empty() || name != "upload" => Ok((name, bytes)),
        _ => Err(Ok(FieldError::new("file", "required", "choose a file").into())),
    }
}

/// A body the multipart reader refused: too large (named with the limit) or not a form.
fn upload_error(status: StatusCode) -> AppError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        FieldError::new("file", "file_too_large", "the file is too large").into()
    } else {
        FieldError::new("file", "malformed_file", "the upload could not be read").into()
    }
}

pub async fn upload(Console { r, admin }: Console, multipart: Result<Multipart, MultipartRejection>) -> Response {
    if let Err(refused) = require(&r, &admin, IMPORT_EXPORT) {
        return *refused;
    }
    let read = match multipart {
        Ok(m) => read_upload(&r, m).await,
        Err(rejection) => Err(Ok(upload_error(rejection.status()))),
    };
    let refused = match read {
        Ok((filename, bytes)) => {
            match r.app.preview_import(&admin.actor(), r.tenant.slug(), bytes, &filename, Arc::new(NoProgress)).await {
                Ok(preview) => return Redirect::to(&admin.url(&format!("/import/{}", preview.id))).into_response(),
                Err(e) => e,
            }
        }
        Err(Err(csrf_refusal)) => return *csrf_refusal,
        Err(Ok(e)) => e,
    };
    match refused {
        AppError::Validation(mut errors) => {
            let max = r.app.config().import_limits.max_bytes.to_string();
            for e in &mut errors.0 {
                // The messages name the file; the form's only field is `file`.
                e.field = "file".into();
                if e.code == "file_too_large" && !e.params.iter().any(|(n, _)| n == "max") {
                    e.params.push(("max".into(), max.clone()));
                }
            }
            let page = r.page.clone().with_app_error(&AppError::Validation(errors));
            upload_page(&r, &admin, page)
        }
        other => error_page(&r, other),
    }
}

/// The upload route, lifted out of the small form limit like the API's: the application-wide
/// cap ([`crate::upload_limit`]) bounds it.
pub fn upload_route() -> MethodRouter<App> {
    get(form).post(upload).layer(DefaultBodyLimit::disable())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PreviewQuery {
    class: Option<String>,
    page: Option<usize>,
    /// `changed`: tick every changed row shown.
    check: Option<String>,
}

/// A filter link: a class with its count.
pub struct ClassLink {
    pub href: String,
    pub label: String,
    pub count: u32,
    pub current: bool,
    pub class: &'static str,
}

/// One row of the table.
pub struct RowView {
    pub row: u32,
    pub person: String,
    pub email: String,
    pub person_href: Option<String>,
    pub class: &'static str,
    pub class_label: String,
    /// (column, old, new).
    pub changes: Vec<(String, String, String)>,
    pub errors: Vec<String>,
    pub selectable: bool,
    pub checked: bool,
    pub select_label: String,
}

/// What apply did, as lines.
pub struct ResultView {
    pub applied_at: String,
    pub lines: Vec<String>,
}

#[derive(Template)]
#[template(path = "console/import_preview.html")]
struct PreviewPage {
    page: Page,
    tr: Tr,
    shell: Shell,
    id: String,
    title: String,
    expires: String,
    expired: bool,
    result: Option<ResultView>,
    classes: Vec<ClassLink>,
    all_href: String,
    all_current: bool,
    all_count: usize,
    rows: Vec<RowView>,
    warnings: Vec<String>,
    page_label: String,
    previous: Option<String>,
    next: Option<String>,
    check_changed_href: String,
    changed: u32,
    new: u32,
    apply_changed: String,
    apply_new: String,
    apply_all: String,
    has_errors: bool,
}

/// `2026-11-25T03:40:00Z` as `2026-11-25 03:40 UTC`.
fn when(rfc3339: &str) -> String {
    match (rfc3339.get(..10), rfc3339.get(11..16)) {
        (Some(day), Some(time)) => format!("{day} {time} UTC"),
        _ => rfc3339.to_owned(),
    }
}

fn is_past(rfc3339: &str, now_ms: i64) -> bool {
    time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
        .is_ok_and(|t| t.unix_timestamp_nanos() / 1_000_000 <= i128::from(now_ms))
}

/// The name and e-mail address shown for a row: the matched person's (as they are now), or
/// for a new row the ones it gives.
async fn person_name(r: &PageRequest, admin: &Admin, row: &PreviewRow) -> (String, String) {
    if let Some(id) = &row.person_id {
        return match r.app.person(&admin.actor(), r.tenant.slug(), id).await {
            Ok(p) => (format!("{} {}", p.first_name, p.last_name).trim().to_owned(), p.email.unwrap_or_default()),
            Err(_) => (id.clone(), String::new()),
        };
    }
    let new = |field: &str| row.changes.iter().find(|c| c.field == field).map(|c| c.new.clone()).unwrap_or_default();
    (format!("{} {}", new("first_name"), new("last_name")).trim().to_owned(), new("email"))
}

fn query_href(base: &str, class: Option<&str>, page: usize, check: bool) -> String {
    let mut pairs = Vec::new();
    if let Some(c) = class {
        pairs.push(format!("class={c}"));
    }
    if page > 1 {
        pairs.push(format!("page={page}"));
    }
    if check {
        pairs.push("check=changed".to_owned());
    }
    if pairs.is_empty() { base.to_owned() } else { format!("{base}?{}", pairs.join("&")) }
}

/// The class a query filters on, if any.
fn class_filter(q: &PreviewQuery) -> Option<RowClass> {
    q.class.as_deref().and_then(|c| CLASSES.iter().copied().find(|k| class_word(*k) == c))
}

/// How many rows a filter shows.
fn rows_in(s: &keyrack_app::import::ImportSummary, filter: Option<RowClass>) -> usize {
    let n = match filter {
        None => s.new + s.changed + s.unchanged + s.invalid + s.conflict,
        Some(RowClass::New) => s.new,
        Some(RowClass::Changed) => s.changed,
        Some(RowClass::Unchanged) => s.unchanged,
        Some(RowClass::Invalid) => s.invalid,
        Some(RowClass::Conflict) => s.conflict,
    };
    n as usize
}

/// The preview with only the asked page of rows (the last page when asked beyond it), read
/// from the database a page at a time, and that page's number.
async fn load_page(r: &PageRequest, admin: &Admin, id: &str, q: &PreviewQuery) -> Result<(ImportPreview, usize), AppError> {
    let (classes, actor): (Vec<RowClass>, _) = (class_filter(q).into_iter().collect(), admin.actor());
    let read = |page: usize| {
        let offset = u32::try_from((page - 1) * PAGE_SIZE).unwrap_or(u32::MAX);
        r.app.own_import_page(&actor, r.tenant.slug(), id, &classes, offset, PAGE_SIZE as u32)
    };
    let wanted = q.page.unwrap_or(1).max(1);
    let preview = read(wanted).await?;
    let pages = rows_in(&preview.summary, class_filter(q)).div_ceil(PAGE_SIZE).max(1);
    if wanted <= pages {
        return Ok((preview, wanted));
    }
    Ok((read(pages).await?, pages))
}

async fn preview_page(
    r: &PageRequest,
    admin: &Admin,
    (preview, current): (ImportPreview, usize),
    q: &PreviewQuery,
    page: Page,
) -> Response {
    let tr = page.tr;
    let base = admin.url(&format!("/import/{}", preview.id));
    let filter = class_filter(q);
    let s = preview.summary;
    let classes = CLASSES
        .iter()
        .map(|&c| ClassLink {
            href: query_href(&base, Some(class_word(c)), 1, false),
            label: tr.t(&format!("import-class-{}", class_word(c))),
            count: u32::try_from(rows_in(&s, Some(c))).unwrap_or(u32::MAX),
            current: filter == Some(c),
            class: class_word(c),
        })
        .collect();
    let pages = rows_in(&s, filter).div_ceil(PAGE_SIZE).max(1);
    let applied = preview.applied_at.is_some();
    let expired = !applied && is_past(&preview.expires_at, r.app.now());
    let check_changed = q.check.as_deref() == Some("changed");
    let mut rows = Vec::new();
    for row in &preview.rows {
        let empty = tr.t("import-empty-value");
        let or_empty = |v: &str| if v.is_empty() { empty.clone() } else { v.to_owned() };
        let (person, email) = person_name(r, admin, row).await;
        rows.push(RowView {
            row: row.row,
            person: if person.is_empty() { email.clone() } else { person },
            email,
            person_href: row.person_id.as_ref().map(|id| admin.url(&format!("/people/{id}"))),
            class: class_word(row.class),
            class_label: tr.t(&format!("import-class-{}", class_word(row.class))),
            changes: row.changes.iter().map(|c| (c.field.clone(), or_empty(&c.old), or_empty(&c.new))).collect(),
            errors: row.errors.iter().map(|e| describe(tr, e)).collect(),
            selectable: applicable(row.class) && !applied && !expired,
            checked: check_changed && row.class == RowClass::Changed,
            select_label: t_args(tr.0, "import-select-row", &[("row", row.row.into())]),
        });
    }
    let result = match (&preview.applied_at, preview.result) {
        (Some(at), Some(res)) => Some(ResultView {
            applied_at: t_args(tr.0, "import-applied-at", &[("when", when(at).into())]),
            lines: [
                ("import-result-created", res.created),
                ("import-result-updated", res.updated),
                ("import-result-invitations", res.invitations_queued),
                ("import-result-passwords", res.passwords_set),
                ("import-result-skipped", res.skipped),
            ]
            .iter()
            .map(|(key, n)| t_args(tr.0, key, &[("count", (*n).into())]))
            .collect(),
        }),
        _ => None,
    };
    let view = PreviewPage {
        id: preview.id.clone(),
        title: t_args(tr.0, "import-preview-title", &[("file", preview.filename.clone().into())]),
        expires: t_args(tr.0, "import-expires", &[("when", when(&preview.expires_at).into())]),
        expired,
        result,
        classes,
        all_href: base.clone(),
        all_current: filter.is_none(),
        all_count: rows_in(&s, None),
        rows,
        warnings: preview.warnings.iter().map(|w| describe(tr, w)).collect(),
        page_label: t_args(tr.0, "import-page", &[("page", current.into()), ("pages", pages.into())]),
        previous: (current > 1)
            .then(|| query_href(&base, q.class.as_deref().filter(|_| filter.is_some()), current - 1, check_changed)),
        next: (current < pages)
            .then(|| query_href(&base, q.class.as_deref().filter(|_| filter.is_some()), current + 1, check_changed)),
        check_changed_href: query_href(&base, q.class.as_deref().filter(|_| filter.is_some()), current, true),
        changed: s.changed,
        new: s.new,
        apply_changed: t_args(tr.0, "import-apply-changed", &[("count", s.changed.into())]),
        apply_new: t_args(tr.0, "import-apply-new", &[("count", s.new.into())]),
        apply_all: t_args(tr.0, "import-apply-all", &[("count", (s.changed + s.new).into())]),
        has_errors: s.invalid + s.conflict > 0,
        tr,
        shell: admin.shell.clone(),
        page,
    };
    let status = if view.page.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render(r.jar.clone(), status, &view)
}

pub async fn preview(
    Console { r, admin }: Console,
    Path((_, id)): Path<(String, String)>,
    Query(q): Query<PreviewQuery>,
) -> Response {
    if let Err(refused) = require(&r, &admin, IMPORT_EXPORT) {
        return *refused;
    }
    match load_page(&r, &admin, &id, &q).await {
        Ok(loaded) => preview_page(&r, &admin, loaded, &q, r.page.clone()).await,
        Err(e) => error_page(&r, e),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ApplyForm {
    csrf: String,
    /// `rows` (the ticked ones), `changed`, `new` or `all` (new and changed).
    select: String,
    row: Vec<u32>,
    /// Present when the box is ticked; `must_change_shown` says the form offered it.
    must_change: Option<String>,
    must_change_shown: Option<String>,
}

/// The rows a form selects; `None` when it selects none.
fn selection(preview: &ImportPreview, f: &ApplyForm) -> Option<ApplyRows> {
    let of_class = |class: RowClass| preview.rows.iter().filter(|r| r.class == class).map(|r| r.row).collect::<Vec<_>>();
    let rows = match f.select.as_str() {
        "all" => return (preview.summary.new + preview.summary.changed > 0).then_some(ApplyRows::All),
        "changed" => of_class(RowClass::Changed),
        "new" => of_class(RowClass::New),
        _ => f.row.clone(),
    };
    (!rows.is_empty()).then_some(ApplyRows::List(rows))
}

pub async fn apply(Console { r, admin }: Console, Path((_, id)): Path<(String, String)>, Form(f): Form<ApplyForm>) -> Response {
    if let Err(refused) = require(&r, &admin, IMPORT_EXPORT) {
        return *refused;
    }
    let back = admin.url(&format!("/import/{id}"));
    let csrf = f.csrf.clone();
    submit(
        r,
        (admin, f, id),
        &csrf,
        back.clone(),
        async |r, (admin, f, id)| {
            let preview = r.app.own_import(&admin.actor(), r.tenant.slug(), id).await?;
            let Some(rows) = selection(&preview, f) else {
                return Ok(Done::Redirect { to: back.clone(), flash: Flash::refusal("flash-import-choose") });
            };
            let must_change_password = if f.must_change_shown.is_some() { Some(f.must_change.is_some()) } else { None };
            let input = ApplyInput { rows, must_change_password };
            r.app.apply_import(&admin.actor(), r.origin(), r.tenant.slug(), id, input, Arc::new(NoProgress)).await?;
            Ok(Done::to(back.clone(), "flash-import-applied"))
        },
        async |r, (admin, _, id), page| {
            let q = PreviewQuery::default();
            match load_page(r, admin, id, &q).await {
                Ok(loaded) => preview_page(r, admin, loaded, &q, page).await,
                Err(e) => error_page(r, e),
            }
        },
    )
    .await
}

pub async fn report(Console { r, admin }: Console, Path((_, id)): Path<(String, String)>) -> Response {
    if let Err(refused) = require(&r, &admin, IMPORT_EXPORT) {
        return *refused;
    }
    let tr = r.page.tr;
    let header = tr.t("import-report-column");
    match r.app.import_report_file(&admin.actor(), r.tenant.slug(), &id, &header, |e| describe(tr, e)).await {
        Ok(file) => attachment(file),
        Err(e) => error_page(&r, e),
    }
}
