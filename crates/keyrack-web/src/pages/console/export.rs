//! Export from the console (`import_export`): every person the admin may see, as a download in
//! the columns the import reads — XLSX by default, `?format=csv` (UTF-8 with BOM) and
//! `&delimiter=;` for European Excel, as the API's export takes them.

use axum::extract::Query;
use axum::response::Response;
use keyrack_app::rights::IMPORT_EXPORT;

use super::gate::require;
use super::shell::Console;
use crate::api::imports::{ExportQuery, attachment, export_format};
use crate::pages::context::error_page;

pub async fn download(Console { r, admin }: Console, Query(q): Query<ExportQuery>) -> Response {
    if let Err(refused) = require(&r, &admin, IMPORT_EXPORT) {
        return *refused;
    }
    let file = match export_format(&q) {
        Ok(format) => r.app.export(&admin.actor(), r.tenant.slug(), format).await,
        Err(e) => Err(e),
    };
    match file {
        Ok(file) => attachment(file),
        Err(e) => error_page(&r, e),
    }
}
