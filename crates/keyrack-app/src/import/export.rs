//! The export: every person of the tenant as one row of SPEC §6's columns, `password` empty.
//!
//! People are read a page at a time and turned into text rows at once, so memory holds the
//! rows and one page of records, never every person with their login. The cells use exactly
//! the forms the import reads (see [`super`]), which is what makes re-importing an export
//! change nothing.

use keyrack_sheet::{ExportRow, join_list, write_csv, write_xlsx};

use super::rights::Rights;
use super::snapshot::{Catalogue, Entry};
use super::{ExportFile, ExportFormat};
use crate::{Actor, App, AppError, AppResult};

fn row(cat: &Catalogue, e: Entry) -> ExportRow {
    let Entry { person: p, login } = e;
    let (username, access, role, branches, permissions) = match &login {
        Some(l) => (
            l.username.clone(),
            l.state.as_str().to_owned(),
            l.role_id.as_deref().and_then(|id| cat.role(id)).map(|r| r.name.clone()).unwrap_or_default(),
            cat.branches_cell(l.branches.as_ref()),
            join_list(&l.permissions),
        ),
        None => (String::new(), "none".to_owned(), String::new(), String::new(), String::new()),
    };
    ExportRow {
        id: p.id,
        username,
        kind: p.kind.as_str().to_owned(),
        salutation: p.salutation,
        first_name: p.first_name,
        last_name: p.last_name,
        email: p.email.unwrap_or_default(),
        phone: join_list(&p.phones),
        language: p.language.as_str().to_owned(),
        access,
        role,
        branches,
        permissions,
        notifications: join_list(&p.notifications),
    }
}

impl App {
    /// Every person of the tenant as a spreadsheet. A read key may export (it can read every
    /// person anyway); a person needs `import_export`.
    pub async fn export(&self, actor: &Actor, slug: &str, format: ExportFormat) -> AppResult<ExportFile> {
        let (tenant, _rights): (_, Rights) = self.import_access(actor, slug, false).await?;
        let mut conn = self.store.read().await?;
        let cat = Catalogue::load(&mut conn, tenant.id()).await?;
        drop(conn);
        let mut rows = Vec::new();
        self.people_pages(&tenant, |page| {
            rows.extend(page.into_iter().map(|e| row(&cat, e)));
            Ok(())
        })
        .await?;
        let people = rows.len();
        let date = crate::clock::rfc3339(self.now());
        let date = date.get(..10).unwrap_or("export");
        let (bytes, extension, content_type) = tokio::task::spawn_blocking(move || match format {
            ExportFormat::Csv { delimiter } => Ok((write_csv(&rows, delimiter), "csv", "text/csv; charset=utf-8")),
            ExportFormat::Xlsx => write_xlsx(&rows)
                .map(|b| (b, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
                .map_err(|e| AppError::Internal(format!("export: {e}"))),
        })
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
        Ok(ExportFile { bytes, filename: format!("{}-people-{date}.{extension}", tenant.slug()), content_type, people })
    }
}
