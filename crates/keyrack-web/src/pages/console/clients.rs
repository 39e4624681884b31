//! The applications that sign people in through Keyrack: OpenID Connect clients
//! (`settings.manage`, the permission the API's client routes need). The list with the issuer
//! and discovery URLs to paste into an application, registering one, changing its name and
//! redirect URIs, a new secret and deleting it after a confirmation.
//!
//! A secret is shown once, on the page that answers the post that made it (no redirect, so it
//! never travels in a flash cookie; every console page is `Cache-Control: no-store`). Only its
//! hash is stored. Redirect URIs are entered one per line; the use case checks them by the API's
//! rules and each refusal names the line and the rule.

use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use keyrack_app::AppError;
use keyrack_app::oidc::clients::{ClientCreated, ClientUpdate, NewClient};
use keyrack_app::rights::SETTINGS_MANAGE;
use serde::Deserialize;

use super::gate::require;
use super::roles::{ConfirmPage, CsrfForm};
use super::shell::{Admin, Console, Shell};
use super::view::moment;
use crate::pages::Tr;
use crate::pages::context::{Done, Page, PageRequest, error_page, render, submit};

/// Where an application finds everything else about the tenant's issuer.
struct Endpoints {
    issuer: String,
    discovery: String,
}

fn endpoints(r: &PageRequest) -> Endpoints {
    let issuer = keyrack_app::oidc::issuer(r.app.config().base_url(), r.tenant.slug());
    Endpoints { discovery: format!("{issuer}/.well-known/openid-configuration"), issuer }
}

pub struct ClientRow {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub redirect_uris: Vec<String>,
    pub created: String,
    pub last_used: String,
}

#[derive(Template)]
#[template(path = "console/clients.html")]
struct ClientsPage {
    page: Page,
    tr: Tr,
    shell: Shell,
    endpoints: Endpoints,
    clients: Vec<ClientRow>,
    f: RegisterForm,
}

#[derive(Template)]
#[template(path = "console/client.html")]
struct ClientPage {
    page: Page,
    tr: Tr,
    shell: Shell,
    endpoints: Endpoints,
    client: ClientRow,
    public: bool,
    f: EditForm,
}

/// The answer to registering a client or making it a new secret: the secret, this once.
#[derive(Template)]
#[template(path = "console/client_secret.html")]
struct SecretPage {
    page: Page,
    tr: Tr,
    shell: Shell,
    endpoints: Endpoints,
    name: String,
    client_id: String,
    secret: Option<String>,
}

/// The redirect URIs of a textarea, one per line, and the line each came from (blank lines are
/// skipped but still counted, so that an error names the line the admin sees).
fn uri_lines(raw: &str) -> (Vec<String>, Vec<usize>) {
    raw.lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let uri = line.trim();
            (!uri.is_empty()).then(|| (uri.to_owned(), i + 1))
        })
        .unzip()
}

/// The use case reports a refused URI as `redirect_uris[i]` with its position in the list; the
/// form has one field, so the error goes to it with the line of the textarea.
fn on_lines(e: AppError, lines: &[usize]) -> AppError {
    let AppError::Validation(mut errors) = e else { return e };
    for error in &mut errors.0 {
        let Some(index) = error.field.strip_prefix("redirect_uris[").and_then(|rest| rest.strip_suffix(']')) else { continue };
        if let Some(line) = index.parse::<usize>().ok().and_then(|i| lines.get(i)) {
            for (name, value) in &mut error.params {
                if name == "line" {
                    *value = line.to_string();
                }
            }
        }
        error.field = "redirect_uris".to_owned();
    }
    AppError::Validation(errors)
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct RegisterForm {
    csrf: String,
    name: String,
    redirect_uris: String,
    /// `confidential` (a server that keeps a secret) or `public`.
    kind: String,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct EditForm {
    csrf: String,
    name: String,
    redirect_uris: String,
}

fn kind_label(tr: Tr, public: bool) -> String {
    tr.t(if public { "clients-kind-public" } else { "clients-kind-confidential" })
}

async fn clients_page(r: &PageRequest, admin: &Admin, f: RegisterForm, page: Page) -> Response {
    let tr = page.tr;
    let found = match r.app.client_summaries(&admin.actor(), r.tenant.slug()).await {
        Ok(found) => found,
        Err(e) => return error_page(r, e),
    };
    let clients = found
        .into_iter()
        .map(|s| ClientRow {
            kind: kind_label(tr, s.client.public),
            created: moment(tr, Some(s.created_at)),
            last_used: s.last_used_at.map_or_else(|| tr.t("clients-last-used-unknown"), |at| moment(tr, Some(at))),
            id: s.client.client_id,
            name: s.client.name,
            redirect_uris: s.client.redirect_uris,
        })
        .collect();
    let view = ClientsPage { page, tr, shell: admin.shell.clone(), endpoints: endpoints(r), clients, f };
    render(r.jar.clone(), StatusCode::OK, &view)
}

pub async fn list(Console { r, admin }: Console) -> Response {
    if let Err(refused) = require(&r, &admin, SETTINGS_MANAGE) {
        return *refused;
    }
    let page = r.page.clone();
    let f = RegisterForm { kind: "confidential".to_owned(), ..RegisterForm::default() };
    clients_page(&r, &admin, f, page).await
}

fn secret_page(r: &PageRequest, admin: &Admin, created: ClientCreated, flash_key: &str) -> Response {
    let mut page = r.page.clone();
    page.flash = Some(page.tr.t(flash_key));
    page.flash_bad = false;
    let tr = page.tr;
    let view = SecretPage {
        page,
        tr,
        shell: admin.shell.clone(),
        endpoints: endpoints(r),
        name: created.client.name,
        client_id: created.client.client_id,
        secret: created.client_secret,
    };
    render(r.jar.clone(), StatusCode::OK, &view)
}

pub async fn create(Console { r, admin }: Console, Form(f): Form<RegisterForm>) -> Response {
    let back = admin.url("/clients");
    let csrf = f.csrf.clone();
    submit(
        r,
        (admin, f),
        &csrf,
        back,
        async |r, (admin, f)| {
            let (redirect_uris, lines) = uri_lines(&f.redirect_uris);
            let input = NewClient {
                name: f.name.clone(),
                redirect_uris,
                public: f.kind == "public",
                post_logout_redirect_uris: Vec::new(),
            };
            let created =
                r.app.create_client(&admin.actor(), r.origin(), r.tenant.slug(), input).await.map_err(|e| on_lines(e, &lines))?;
            Ok(Done::Page(secret_page(r, admin, created, "flash-client-created")))
        },
        async |r, (admin, f), page| clients_page(r, admin, f.clone(), page).await,
    )
    .await
}

async fn client_page(r: &PageRequest, admin: &Admin, id: &str, f: Option<EditForm>, page: Page) -> Response {
    let tr = page.tr;
    let found = match r.app.client_summaries(&admin.actor(), r.tenant.slug()).await {
        Ok(all) => all.into_iter().find(|s| s.client.client_id == id),
        Err(e) => return error_page(r, e),
    };
    let Some(s) = found else { return error_page(r, AppError::NotFound) };
    let f = f.unwrap_or_else(|| EditForm {
        csrf: String::new(),
        name: s.client.name.clone(),
        redirect_uris: s.client.redirect_uris.join("\n"),
    });
    let client = ClientRow {
        kind: kind_label(tr, s.client.public),
        created: moment(tr, Some(s.created_at)),
        last_used: s.last_used_at.map_or_else(|| tr.t("clients-last-used-unknown"), |at| moment(tr, Some(at))),
        id: s.client.client_id,
        name: s.client.name,
        redirect_uris: s.client.redirect_uris,
    };
    let view = ClientPage { page, tr, shell: admin.shell.clone(), endpoints: endpoints(r), client, public: s.client.public, f };
    render(r.jar.clone(), StatusCode::OK, &view)
}

pub async fn edit(Console { r, admin }: Console, Path((_, id)): Path<(String, String)>) -> Response {
    if let Err(refused) = require(&r, &admin, SETTINGS_MANAGE) {
        return *refused;
    }
    let page = r.page.clone();
    client_page(&r, &admin, &id, None, page).await
}

pub async fn save(Console { r, admin }: Console, Path((_, id)): Path<(String, String)>, Form(f): Form<EditForm>) -> Response {
    let back = admin.url(&format!("/clients/{id}"));
    let csrf = f.csrf.clone();
    submit(
        r,
        (admin, f, id),
        &csrf,
        back.clone(),
        async |r, (admin, f, id)| {
            let (redirect_uris, lines) = uri_lines(&f.redirect_uris);
            let input =
                ClientUpdate { name: Some(f.name.clone()), redirect_uris: Some(redirect_uris), post_logout_redirect_uris: None };
            r.app.update_client(&admin.actor(), r.origin(), r.tenant.slug(), id, input).await.map_err(|e| on_lines(e, &lines))?;
            Ok(Done::to(back.clone(), "flash-client-saved"))
        },
        async |r, (admin, f, id), page| client_page(r, admin, id, Some(f.clone()), page).await,
    )
    .await
}

/// The confirmation before a new secret or a deletion, with the client's name in the question.
async fn confirm(r: &PageRequest, admin: &Admin, id: &str, what: &str) -> Response {
    if let Err(refused) = require(r, admin, SETTINGS_MANAGE) {
        return *refused;
    }
    let tr = r.page.tr;
    let client = match r.app.client(&admin.actor(), r.tenant.slug(), id).await {
        Ok(c) => c,
        Err(e) => return error_page(r, e),
    };
    let view = ConfirmPage {
        page: r.page.clone(),
        tr,
        shell: admin.shell.clone(),
        title: tr.t(&format!("clients-{what}")),
        question: keyrack_i18n::t_args(tr.0, &format!("clients-{what}-confirm"), &[("name", client.name.into())]),
        action: admin.url(&format!("/clients/{id}/{what}")),
        back: admin.url(&format!("/clients/{id}")),
    };
    render(r.jar.clone(), StatusCode::OK, &view)
}

pub async fn confirm_rotate(Console { r, admin }: Console, Path((_, id)): Path<(String, String)>) -> Response {
    confirm(&r, &admin, &id, "secret").await
}

pub async fn confirm_delete(Console { r, admin }: Console, Path((_, id)): Path<(String, String)>) -> Response {
    confirm(&r, &admin, &id, "delete").await
}

pub async fn rotate(Console { r, admin }: Console, Path((_, id)): Path<(String, String)>, Form(f): Form<CsrfForm>) -> Response {
    let back = admin.url(&format!("/clients/{id}"));
    submit(
        r,
        (admin, id),
        f.csrf(),
        back,
        async |r, (admin, id)| {
            let created = r.app.rotate_client_secret(&admin.actor(), r.origin(), r.tenant.slug(), id).await?;
            Ok(Done::Page(secret_page(r, admin, created, "flash-client-secret-rotated")))
        },
        async |r, (admin, id), page| client_page(r, admin, id, None, page).await,
    )
    .await
}

pub async fn delete(Console { r, admin }: Console, Path((_, id)): Path<(String, String)>, Form(f): Form<CsrfForm>) -> Response {
    let back = admin.url("/clients");
    submit(
        r,
        (admin, id),
        f.csrf(),
        back.clone(),
        async |r, (admin, id)| {
            r.app.delete_client(&admin.actor(), r.origin(), r.tenant.slug(), id).await?;
            Ok(Done::to(back.clone(), "flash-client-deleted"))
        },
        async |r, (admin, _), page| clients_page(r, admin, RegisterForm::default(), page).await,
    )
    .await
}

#[cfg(test)]
mod tests {
    use keyrack_core::{FieldError, FieldErrors};

    use super::*;

    #[test]
    fn blank_lines_are_skipped_but_counted() {
        let (uris, lines) = uri_lines("https://a.example/cb\r\n\n  https://b.example/cb  \n");
        assert_eq!(uris, ["https://a.example/cb", "https://b.example/cb"]);
        assert_eq!(lines, [1, 3]);
        let refused = FieldErrors(vec![
            FieldError::new("redirect_uris[1]", "invalid_uri", "x").with_param("line", 2).with_param("rule", "fragment"),
        ]);
        let mapped = match on_lines(AppError::Validation(refused), &lines) {
            AppError::Validation(errors) => errors.0.into_iter().map(|e| (e.field, e.params)).collect(),
            _ => Vec::new(),
        };
        let params = vec![("line".to_owned(), "3".to_owned()), ("rule".to_owned(), "fragment".to_owned())];
        assert_eq!(mapped, [("redirect_uris".to_owned(), params)]);
    }
}
