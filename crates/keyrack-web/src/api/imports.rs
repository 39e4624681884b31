//! Spreadsheet export and import (SPEC §5 and §6): download every person, upload a sheet for a
//! preview, read a stored preview, apply the chosen rows.

use std::sync::Arc;

use axum::Json;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use keyrack_app::import::{ApplyInput, ApplyResult, ExportFile, ExportFormat, ImportPreview, NoProgress};
use keyrack_app::{App, AppError};
use keyrack_core::FieldError;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::UtoipaMethodRouter;
use utoipa_axum::routes;

use crate::error::{ApiResult, Problem, problem};
use crate::extract::{ApiJson, ApiQuery, Caller, ClientOrigin};

/// Query of the export.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `xlsx` (default) or `csv`.
    #[param(pattern = "^(xlsx|csv)$")]
    pub format: Option<String>,
    /// For CSV: `,` (default), `;` or `tab`.
    #[param(pattern = "^(,|;|tab)$")]
    pub delimiter: Option<String>,
}

pub(crate) fn export_format(q: &ExportQuery) -> Result<ExportFormat, AppError> {
    let delimiter = match q.delimiter.as_deref().map(str::trim) {
        None | Some("" | ",") => b',',
        Some(";") => b';',
        Some("tab" | "\t") => b'\t',
        Some(_) => return Err(FieldError::new("delimiter", "invalid_choice", "must be one of: ',', ';', tab").into()),
    };
    match q.format.as_deref().map(str::trim).map(str::to_ascii_lowercase).as_deref() {
        None | Some("xlsx") if q.delimiter.is_none() => Ok(ExportFormat::Xlsx),
        None | Some("xlsx") => {
            Err(FieldError::new("delimiter", "not_applicable", "a delimiter is for format=csv; XLSX has none").into())
        }
        Some("csv") => Ok(ExportFormat::Csv { delimiter }),
        Some(_) => Err(FieldError::new("format", "invalid_choice", "must be one of: xlsx, csv").into()),
    }
}

/// Every person of the tenant as XLSX or CSV (UTF-8 with BOM), with the columns of SPEC §6;
/// `password` is always empty. Re-importing the file changes nothing.
#[utoipa::path(get, path = "/tenants/{t}/export", tag = "people",
    params(("t" = String, Path, description = "Tenant slug"), ExportQuery),
    responses(
        (status = 200, description = "The spreadsheet, as an attachment",
            content((inline(FileBytes) = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                (inline(FileBytes) = "text/csv"))),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn export(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(t): Path<String>,
    ApiQuery(query): ApiQuery<ExportQuery>,
) -> ApiResult<Response> {
    let format = export_format(&query)?;
    Ok(attachment(app.export(&actor, &t, format).await?))
}

/// An exported spreadsheet as a download (the API's and the console's).
pub(crate) fn attachment(file: ExportFile) -> Response {
    let disposition = format!("attachment; filename=\"{}\"", file.filename.replace(['"', '\\'], "_"));
    let mut response = file.bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(file.content_type));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The file's bytes (only describes the body in the OpenAPI document).
#[derive(Debug, ToSchema)]
#[schema(value_type = String, format = Binary)]
#[expect(dead_code, reason = "describes a binary body to the OpenAPI document; handlers send and read plain bytes")]
pub struct FileBytes(Vec<u8>);

/// The upload form of `POST /imports`.
#[derive(Debug, ToSchema)]
#[expect(dead_code, reason = "describes the multipart body to the OpenAPI document; the handler reads it as a stream")]
pub struct ImportUpload {
    /// The spreadsheet: XLSX, ODS or CSV (`,` `;` or TAB; UTF-8, UTF-16 or Windows-1252).
    #[schema(value_type = String, format = Binary, content_media_type = "application/octet-stream")]
    file: Vec<u8>,
}

fn multipart_problem(status: StatusCode, detail: String) -> Problem {
    let code = if status == StatusCode::PAYLOAD_TOO_LARGE { "body_too_large" } else { "invalid_upload" };
    Problem::new(status, code, detail)
}

/// Uploads a spreadsheet and answers the preview of what importing it would change: every
/// row `new`, `changed`, `unchanged`, `invalid` or `conflict`, with each change and each bad
/// cell. Nothing is written but the stored preview, which can be applied for 24 hours.
#[utoipa::path(post, path = "/tenants/{t}/imports", tag = "people",
    params(("t" = String, Path, description = "Tenant slug")),
    request_body(content = inline(ImportUpload), content_type = "multipart/form-data"),
    responses((status = 201, body = ImportPreview), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem)))]
pub async fn create_import(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(t): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<ImportPreview>), Problem> {
    // The tenant and the caller's rights first, so that another tenant's route answers 404
    // and a read key 403 whatever the body holds, and no upload is read for nothing.
    app.may_import(&actor, &t).await.map_err(problem)?;
    let mut multipart = multipart.map_err(|r| multipart_problem(r.status(), r.body_text()))?;
    let mut upload: Option<(String, Vec<u8>)> = None;
    loop {
        let field = multipart.next_field().await.map_err(|e| multipart_problem(e.status(), e.body_text()))?;
        let Some(field) = field else { break };
        let name = field.name().unwrap_or_default().to_owned();
        if name != "file" || upload.is_some() {
            let message = if name == "file" { "send one file".to_owned() } else { format!("unknown field '{name}'") };
            return Err(problem(FieldError::new(name, "invalid_field", message).into()));
        }
        let filename = field.file_name().unwrap_or("upload").to_owned();
        let bytes = field.bytes().await.map_err(|e| multipart_problem(e.status(), e.body_text()))?;
        upload = Some((filename, bytes.to_vec()));
    }
    let (filename, bytes) =
        upload.ok_or_else(|| problem(FieldError::new("file", "required", "send the spreadsheet as the field 'file'").into()))?;
    let preview = app.preview_import(&actor, &t, bytes, &filename, Arc::new(NoProgress)).await.map_err(problem)?;
    Ok((StatusCode::CREATED, Json(preview)))
}

/// The upload route, lifted out of the JSON body limit: the application-wide cap
/// ([`crate::upload_limit`], from the operator's import size) bounds it instead.
pub fn upload_route() -> UtoipaMethodRouter<App> {
    let (schemas, paths, router) = routes!(create_import);
    (schemas, paths, router.layer(DefaultBodyLimit::disable()))
}

/// A stored preview, with what apply did once applied.
#[utoipa::path(get, path = "/tenants/{t}/imports/{id}", tag = "people",
    params(("t" = String, Path, description = "Tenant slug"), ("id" = String, Path, description = "Import id")),
    responses((status = 200, body = ImportPreview), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_import(
    State(app): State<App>,
    Caller(actor): Caller,
    Path((t, id)): Path<(String, String)>,
) -> ApiResult<Json<ImportPreview>> {
    Ok(Json(app.import_preview(&actor, &t, &id).await?))
}

/// Applies the chosen rows (`{"rows": "all"}`: every new and changed row) in one transaction
/// and answers the counts. A person changed since the preview refuses the whole apply (409
/// `import_stale`, naming the rows); an import is applied at most once (409 `import_applied`).
#[utoipa::path(post, path = "/tenants/{t}/imports/{id}/apply", tag = "people",
    params(("t" = String, Path, description = "Tenant slug"), ("id" = String, Path, description = "Import id")),
    request_body = ApplyInput,
    responses((status = 200, body = ApplyResult), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn apply_import(
    State(app): State<App>,
    Caller(actor): Caller,
    ClientOrigin(origin): ClientOrigin,
    Path((t, id)): Path<(String, String)>,
    ApiJson(input): ApiJson<ApplyInput>,
) -> ApiResult<Json<ApplyResult>> {
    Ok(Json(app.apply_import(&actor, &origin, &t, &id, input, Arc::new(NoProgress)).await?))
}
