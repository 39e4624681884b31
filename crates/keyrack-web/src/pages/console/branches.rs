//! Branches (`settings.manage`): add, rename, and delete after a confirmation that says how
//! many people have the branch in their scope.

use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use axum_extra::extract::Form;
use keyrack_app::rights::SETTINGS_MANAGE;
use keyrack_app::structure::BranchInput;
use serde::Deserialize;

use super::gate::require;
use super::roles::{ConfirmPage, CsrfForm};
use super::shell::{Admin, Console, Shell};
use crate::pages::Tr;
use crate::pages::context::{Done, Page, PageRequest, error_page, render, submit};

pub struct BranchRow {
    pub id: String,
    pub name: String,
    pub in_scope: String,
}

#[derive(Template)]
#[template(path = "console/branches.html")]
struct BranchesPage {
    page: Page,
    tr: Tr,
    shell: Shell,
    branches: Vec<BranchRow>,
    new_name: String,
}

async fn branches_page(r: &PageRequest, admin: &Admin, new_name: String, page: Page) -> Response {
    let tr = page.tr;
    let found = match r.app.branches_with_people(&admin.actor(), r.tenant.slug()).await {
        Ok(f) => f,
        Err(e) => return error_page(r, e),
    };
    let branches = found
        .into_iter()
        .map(|(b, n)| BranchRow {
            in_scope: keyrack_i18n::t_args(tr.0, "admin-branch-in-scope", &[("count", n.into())]),
            id: b.id,
            name: b.name,
        })
        .collect();
    render(r.jar.clone(), axum::http::StatusCode::OK, &BranchesPage { page, tr, shell: admin.shell.clone(), branches, new_name })
}

pub async fn list(Console { r, admin }: Console) -> Response {
    if let Err(refused) = require(&r, &admin, SETTINGS_MANAGE) {
        return *refused;
    }
    let page = r.page.clone();
    branches_page(&r, &admin, String::new(), page).await
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct BranchForm {
    csrf: String,
    name: String,
}

pub async fn create(Console { r, admin }: Console, Form(f): Form<BranchForm>) -> Response {
    let back = admin.url("/branches");
    let csrf = f.csrf.clone();
    submit(
        r,
        (admin, f),
        &csrf,
        back.clone(),
        async |r, (admin, f)| {
            r.app.create_branch(&admin.actor(), r.origin(), r.tenant.slug(), BranchInput { name: f.name.clone() }).await?;
            Ok(Done::to(back.clone(), "flash-branch-created"))
        },
        async |r, (admin, f), page| branches_page(r, admin, f.name.clone(), page).await,
    )
    .await
}

pub async fn rename(Console { r, admin }: Console, Path((_, id)): Path<(String, String)>, Form(f): Form<BranchForm>) -> Response {
    let back = admin.url("/branches");
    let csrf = f.csrf.clone();
    submit(
        r,
        (admin, f, id),
        &csrf,
        back.clone(),
        async |r, (admin, f, id)| {
            r.app.rename_branch(&admin.actor(), r.origin(), r.tenant.slug(), id, BranchInput { name: f.name.clone() }).await?;
            Ok(Done::to(back.clone(), "flash-branch-renamed"))
        },
        async |r, (admin, _, _), page| branches_page(r, admin, String::new(), page).await,
    )
    .await
}

pub async fn confirm_delete(Console { r, admin }: Console, Path((_, id)): Path<(String, String)>) -> Response {
    if let Err(refused) = require(&r, &admin, SETTINGS_MANAGE) {
        return *refused;
    }
    let tr = r.page.tr;
    let found = match r.app.branches_with_people(&admin.actor(), r.tenant.slug()).await {
        Ok(all) => all.into_iter().find(|(b, _)| b.id == id),
        Err(e) => return error_page(&r, e),
    };
    let Some((branch, n)) = found else { return error_page(&r, keyrack_app::AppError::NotFound) };
    let view = ConfirmPage {
        page: r.page.clone(),
        tr,
        shell: admin.shell.clone(),
        title: tr.t("admin-branch-delete"),
        question: keyrack_i18n::t_args(tr.0, "admin-branch-delete-confirm", &[("name", branch.name.into()), ("count", n.into())]),
        action: admin.url(&format!("/branches/{id}/delete")),
        back: admin.url("/branches"),
    };
    render(r.jar.clone(), axum::http::StatusCode::OK, &view)
}

pub async fn delete(Console { r, admin }: Console, Path((_, id)): Path<(String, String)>, Form(f): Form<CsrfForm>) -> Response {
    let back = admin.url("/branches");
    submit(
        r,
        (admin, id),
        f.csrf(),
        back.clone(),
        async |r, (admin, id)| {
            r.app.delete_branch(&admin.actor(), r.origin(), r.tenant.slug(), id).await?;
            Ok(Done::to(back.clone(), "flash-branch-deleted"))
        },
        async |r, (admin, _), page| branches_page(r, admin, String::new(), page).await,
    )
    .await
}
