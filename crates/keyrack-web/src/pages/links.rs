//! Setting a password through an invitation or reset link. A used, expired or unknown link
//! shows one calm page that says what to do next; the token is spent only when a password that
//! passes the policy is set.

use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use keyrack_app::AppError;
use keyrack_app::auth::AcceptLink;
use serde::Deserialize;

use super::Tr;
use super::context::{Page, PageRequest, flash, render};

#[derive(Template)]
#[template(path = "set_password.html")]
struct SetPasswordPage {
    page: Page,
    tr: Tr,
    /// `invite` or `reset`: the title and the words differ.
    purpose: &'static str,
    rules: String,
}

#[derive(Template)]
#[template(path = "link_invalid.html")]
struct LinkInvalidPage {
    page: Page,
    tr: Tr,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SetPasswordForm {
    csrf: String,
    password: String,
    password_again: String,
}

/// A short description of the tenant's password rules, shown above the fields.
fn rules(r: &PageRequest) -> String {
    let p = &r.tenant.settings.password;
    let tr = r.page.tr;
    let mut parts = vec![keyrack_i18n::t_args(tr.0, "password-rule-length", &[("min", (p.min_length as f64).into())])];
    if p.require_lower || p.require_upper || p.require_digit || p.require_symbol {
        parts.push(tr.t("password-rule-classes"));
    }
    parts.push(tr.t("password-rule-guessable"));
    parts.join(" ")
}

async fn show(r: PageRequest, token: &str, purpose: &'static str) -> Response {
    match r.app.link_usable(r.origin(), r.tenant.slug(), token).await {
        Ok(true) => {
            let rules = rules(&r);
            render(r.jar, StatusCode::OK, &SetPasswordPage { tr: r.page.tr, page: r.page, purpose, rules })
        }
        Ok(false) => render(r.jar, StatusCode::GONE, &LinkInvalidPage { tr: r.page.tr, page: r.page }),
        Err(e) => crate::error::problem(e).into_response(),
    }
}

async fn submit(r: PageRequest, token: String, purpose: &'static str, f: SetPasswordForm) -> Response {
    if let Err(refused) = r.check_csrf(&f.csrf) {
        return *refused;
    }
    if f.password != f.password_again {
        let rules = rules(&r);
        let page = r.page.clone().with_error("password_again", "password-mismatch");
        return render(r.jar, StatusCode::UNPROCESSABLE_ENTITY, &SetPasswordPage { tr: r.page.tr, page, purpose, rules });
    }
    match r.app.accept_link_and_sign_in(&r.client, r.tenant.slug(), AcceptLink { token, password: f.password }).await {
        Ok(signed_in) => {
            let to = r.url("account");
            let app = r.app.clone();
            let jar = flash(&app, r.sign_in_cookies(signed_in.token), "flash-password-set");
            (jar, Redirect::to(&to)).into_response()
        }
        Err(e @ AppError::Validation(_)) => {
            let rules = rules(&r);
            let page = r.page.clone().with_app_error(&e);
            render(r.jar, StatusCode::UNPROCESSABLE_ENTITY, &SetPasswordPage { tr: r.page.tr, page, purpose, rules })
        }
        Err(AppError::LinkInvalid) => render(r.jar, StatusCode::GONE, &LinkInvalidPage { tr: r.page.tr, page: r.page }),
        Err(e) => crate::error::problem(e).into_response(),
    }
}

pub async fn invite_form(Path((_, token)): Path<(String, String)>, r: PageRequest) -> Response {
    show(r, &token, "invite").await
}

pub async fn invite_submit(Path((_, token)): Path<(String, String)>, r: PageRequest, Form(f): Form<SetPasswordForm>) -> Response {
    submit(r, token, "invite", f).await
}

pub async fn reset_form(Path((_, token)): Path<(String, String)>, r: PageRequest) -> Response {
    show(r, &token, "reset").await
}

pub async fn reset_submit(Path((_, token)): Path<(String, String)>, r: PageRequest, Form(f): Form<SetPasswordForm>) -> Response {
    submit(r, token, "reset", f).await
}
