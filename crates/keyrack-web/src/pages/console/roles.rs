//! Roles (`roles.manage`): the list with how many people hold each, a new role, the permission
//! set of each editable role as checkboxes over Keyrack's and the operator's permissions, and
//! deleting a custom role after a confirmation. The administrator role is shown, never edited.

use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use axum_extra::extract::Form;
use keyrack_app::rights::ROLES_MANAGE;
use keyrack_app::structure::{RoleInput, RolePermissions};
use keyrack_core::authz::KEYRACK_PERMISSIONS;
use serde::Deserialize;

use super::gate::require;
use super::shell::{Admin, Console, Shell};
use crate::pages::Tr;
use crate::pages::context::{Done, Page, PageRequest, error_page, render, submit};

/// A permission with its checkbox.
pub struct Perm {
    pub name: String,
    pub label: String,
    pub checked: bool,
    /// The admin may only hand out what they hold themselves.
    pub enabled: bool,
}

pub struct RoleRow {
    pub id: String,
    pub name: String,
    pub holders: String,
    pub builtin: bool,
    pub editable: bool,
    pub deletable: bool,
    pub keyrack: Vec<Perm>,
    pub catalogue: Vec<Perm>,
}

#[derive(Template)]
#[template(path = "console/roles.html")]
struct RolesPage {
    page: Page,
    tr: Tr,
    shell: Shell,
    roles: Vec<RoleRow>,
    new_name: String,
    new_keyrack: Vec<Perm>,
    new_catalogue: Vec<Perm>,
}

pub fn permission_label(tr: Tr, name: &str) -> String {
    let key = format!("permission-{}", name.replace(['.', '_'], "-"));
    if keyrack_i18n::has(&key) { tr.t(&key) } else { name.to_owned() }
}

/// The permissions as two groups of checkboxes: Keyrack's own, then the operator's catalogue.
fn ticks(r: &PageRequest, admin: &Admin, tr: Tr, held: &[String]) -> (Vec<Perm>, Vec<Perm>) {
    let (mut keyrack, mut catalogue) = (Vec::new(), Vec::new());
    for name in r.app.config().all_permissions() {
        let checked = held.contains(&name);
        let perm = Perm { label: permission_label(tr, &name), enabled: checked || admin.may(&name), checked, name };
        if KEYRACK_PERMISSIONS.contains(&perm.name.as_str()) { keyrack.push(perm) } else { catalogue.push(perm) }
    }
    (keyrack, catalogue)
}

async fn roles_page(r: &PageRequest, admin: &Admin, new_name: String, new_perms: &[String], page: Page) -> Response {
    let tr = page.tr;
    let found = match r.app.roles_with_holders(&admin.actor(), r.tenant.slug()).await {
        Ok(f) => f,
        Err(e) => return error_page(r, e),
    };
    let roles = found
        .into_iter()
        .map(|(role, holders)| {
            let (keyrack, catalogue) = ticks(r, admin, tr, &role.permissions);
            RoleRow {
                holders: keyrack_i18n::t_args(tr.0, "admin-role-holders", &[("count", holders.into())]),
                deletable: !role.builtin,
                editable: role.editable,
                builtin: role.builtin,
                id: role.id,
                name: role.name,
                keyrack,
                catalogue,
            }
        })
        .collect();
    let (new_keyrack, new_catalogue) = ticks(r, admin, tr, new_perms);
    render(
        r.jar.clone(),
        axum::http::StatusCode::OK,
        &RolesPage { page, tr, shell: admin.shell.clone(), roles, new_name, new_keyrack, new_catalogue },
    )
}

pub async fn list(Console { r, admin }: Console) -> Response {
    if let Err(refused) = require(&r, &admin, ROLES_MANAGE) {
        return *refused;
    }
    let page = r.page.clone();
    roles_page(&r, &admin, String::new(), &[], page).await
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct RoleForm {
    csrf: String,
    name: String,
    permission: Vec<String>,
}

pub async fn create(Console { r, admin }: Console, Form(f): Form<RoleForm>) -> Response {
    let back = admin.url("/roles");
    let csrf = f.csrf.clone();
    submit(
        r,
        (admin, f),
        &csrf,
        back.clone(),
        async |r, (admin, f)| {
            let input = RoleInput { name: f.name.clone(), permissions: f.permission.clone() };
            r.app.create_role(&admin.actor(), r.origin(), r.tenant.slug(), input).await?;
            Ok(Done::to(back.clone(), "flash-role-created"))
        },
        async |r, (admin, f), page| roles_page(r, admin, f.name.clone(), &f.permission, page).await,
    )
    .await
}

pub async fn save(Console { r, admin }: Console, Path((_, id)): Path<(String, String)>, Form(f): Form<RoleForm>) -> Response {
    let back = admin.url("/roles");
    let csrf = f.csrf.clone();
    submit(
        r,
        (admin, f, id),
        &csrf,
        back.clone(),
        async |r, (admin, f, id)| {
            let input = RolePermissions { permissions: f.permission.clone() };
            r.app.update_role(&admin.actor(), r.origin(), r.tenant.slug(), id, input).await?;
            Ok(Done::to(back.clone(), "flash-role-saved"))
        },
        async |r, (admin, _, _), page| roles_page(r, admin, String::new(), &[], page).await,
    )
    .await
}

#[derive(Template)]
#[template(path = "console/admin_confirm.html")]
pub struct ConfirmPage {
    pub page: Page,
    pub tr: Tr,
    pub shell: Shell,
    pub title: String,
    pub question: String,
    pub action: String,
    pub back: String,
}

pub async fn confirm_delete(Console { r, admin }: Console, Path((_, id)): Path<(String, String)>) -> Response {
    if let Err(refused) = require(&r, &admin, ROLES_MANAGE) {
        return *refused;
    }
    let tr = r.page.tr;
    let role = match r.app.roles_with_holders(&admin.actor(), r.tenant.slug()).await {
        Ok(all) => all.into_iter().find(|(role, _)| role.id == id),
        Err(e) => return error_page(&r, e),
    };
    let Some((role, holders)) = role else { return error_page(&r, keyrack_app::AppError::NotFound) };
    let mut question = keyrack_i18n::t_args(tr.0, "admin-role-delete-confirm", &[("name", role.name.clone().into())]);
    if holders > 0 {
        question = format!("{question} {}", tr.t("admin-role-delete-in-use"));
    }
    let view = ConfirmPage {
        page: r.page.clone(),
        tr,
        shell: admin.shell.clone(),
        title: tr.t("admin-role-delete"),
        question,
        action: admin.url(&format!("/roles/{id}/delete")),
        back: admin.url("/roles"),
    };
    render(r.jar.clone(), axum::http::StatusCode::OK, &view)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CsrfForm {
    csrf: String,
}

impl CsrfForm {
    pub fn csrf(&self) -> &str {
        &self.csrf
    }
}

pub async fn delete(Console { r, admin }: Console, Path((_, id)): Path<(String, String)>, Form(f): Form<CsrfForm>) -> Response {
    let back = admin.url("/roles");
    submit(
        r,
        (admin, id),
        &f.csrf,
        back.clone(),
        async |r, (admin, id)| {
            r.app.delete_role(&admin.actor(), r.origin(), r.tenant.slug(), id).await?;
            Ok(Done::to(back.clone(), "flash-role-deleted"))
        },
        async |r, (admin, _), page| roles_page(r, admin, String::new(), &[], page).await,
    )
    .await
}
