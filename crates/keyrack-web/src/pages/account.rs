//! A person's own account: profile, password, e-mail categories, sessions.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use keyrack_app::AppError;
use keyrack_app::selfservice::{ProfileUpdate, Session};
use serde::Deserialize;

use super::Tr;
use super::context::{Page, PageRequest, render};

/// One row of the sessions list.
pub struct SessionRow {
    pub since: String,
    pub last_seen: String,
    pub device: String,
    pub address: String,
    pub current: bool,
}

/// One e-mail category with its checkbox.
pub struct Category {
    pub name: String,
    pub label: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    page: Page,
    tr: Tr,
    name: String,
    username: String,
    salutation: String,
    first_name: String,
    last_name: String,
    phone: String,
    language: String,
    must_change_password: bool,
    categories: Vec<Category>,
    sessions: Vec<SessionRow>,
    rules: String,
}

fn minutes(ms: i64) -> String {
    keyrack_app::clock::rfc3339(ms).replace('T', " ").chars().take(16).collect()
}

async fn account_page(r: &PageRequest, session: &Session, page: Page, status: StatusCode) -> Response {
    let sessions = match r.app.own_sessions(session).await {
        Ok(s) => s,
        Err(e) => return crate::error::problem(e).into_response(),
    };
    let tr = page.tr;
    let p = &session.person;
    let categories = r
        .app
        .config()
        .email_categories
        .iter()
        .map(|c| Category {
            name: c.clone(),
            label: {
                let key = format!("category-{c}");
                let text = tr.t(&key);
                if text == key { c.clone() } else { text }
            },
            checked: p.notifications.contains(c),
        })
        .collect();
    let policy = &r.tenant.settings.password;
    let rules = keyrack_i18n::t_args(tr.0, "password-rule-length", &[("min", (policy.min_length as f64).into())]);
    let view = AccountPage {
        page,
        tr,
        name: p.display_name(),
        username: session.login.username.clone(),
        salutation: p.salutation.clone(),
        first_name: p.first_name.clone(),
        last_name: p.last_name.clone(),
        phone: p.phones.first().cloned().unwrap_or_default(),
        language: p.language.as_str().to_owned(),
        must_change_password: session.login.must_change_password,
        categories,
        sessions: sessions
            .into_iter()
            .map(|(s, current)| SessionRow {
                since: minutes(s.created_at),
                last_seen: minutes(s.last_seen_at),
                device: s.user_agent.chars().take(80).collect(),
                address: s.address,
                current,
            })
            .collect(),
        rules,
    };
    render(r.jar.clone(), status, &view)
}

/// The signed-in session, or the way to the login page (boxed: a response is large).
fn signed_in(r: &PageRequest) -> Result<Session, Box<Response>> {
    r.session.clone().ok_or_else(|| Box::new(Redirect::to(&r.url("login")).into_response()))
}

pub async fn page(r: PageRequest) -> Response {
    let session = match signed_in(&r) {
        Ok(s) => s,
        Err(to_login) => return *to_login,
    };
    account_page(&r, &session, r.page.clone(), StatusCode::OK).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ProfileForm {
    csrf: String,
    salutation: String,
    first_name: String,
    last_name: String,
    phone: String,
    language: String,
}

pub async fn profile(r: PageRequest, Form(f): Form<ProfileForm>) -> Response {
    let session = match signed_in(&r) {
        Ok(s) => s,
        Err(to_login) => return *to_login,
    };
    if let Err(refused) = r.check_csrf(&f.csrf) {
        return *refused;
    }
    let input = ProfileUpdate {
        salutation: f.salutation,
        first_name: f.first_name,
        last_name: f.last_name,
        phone: f.phone,
        language: f.language,
    };
    match r.app.update_own_profile(&session, r.origin(), input).await {
        Ok(()) => {
            let to = r.url("account");
            r.redirect_with_flash(&to, "flash-profile-saved")
        }
        Err(e @ AppError::Validation(_)) => {
            let page = r.page.clone().with_app_error(&e);
            account_page(&r, &session, page, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => crate::error::problem(e).into_response(),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PasswordForm {
    csrf: String,
    current_password: String,
    new_password: String,
    new_password_again: String,
}

pub async fn password(r: PageRequest, Form(f): Form<PasswordForm>) -> Response {
    let session = match signed_in(&r) {
        Ok(s) => s,
        Err(to_login) => return *to_login,
    };
    if let Err(refused) = r.check_csrf(&f.csrf) {
        return *refused;
    }
    match r.app.change_password(&session, r.origin(), &f.current_password, &f.new_password, &f.new_password_again).await {
        Ok(()) => {
            let to = r.url("account");
            r.redirect_with_flash(&to, "flash-password-changed")
        }
        Err(e @ AppError::Validation(_)) => {
            let page = r.page.clone().with_app_error(&e);
            account_page(&r, &session, page, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => crate::error::problem(e).into_response(),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NotificationsForm {
    csrf: String,
    category: Vec<String>,
}

pub async fn notifications(r: PageRequest, Form(f): Form<NotificationsForm>) -> Response {
    let session = match signed_in(&r) {
        Ok(s) => s,
        Err(to_login) => return *to_login,
    };
    if let Err(refused) = r.check_csrf(&f.csrf) {
        return *refused;
    }
    match r.app.set_own_notifications(&session, r.origin(), f.category).await {
        Ok(()) => {
            let to = r.url("account");
            r.redirect_with_flash(&to, "flash-notifications-saved")
        }
        Err(e @ AppError::Validation(_)) => {
            let page = r.page.clone().with_app_error(&e);
            account_page(&r, &session, page, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => crate::error::problem(e).into_response(),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn end_other_sessions(r: PageRequest, Form(f): Form<CsrfForm>) -> Response {
    let session = match signed_in(&r) {
        Ok(s) => s,
        Err(to_login) => return *to_login,
    };
    if let Err(refused) = r.check_csrf(&f.csrf) {
        return *refused;
    }
    match r.app.end_other_sessions(&session, r.origin()).await {
        Ok(_) => {
            let to = r.url("account");
            r.redirect_with_flash(&to, "flash-sessions-ended")
        }
        Err(e) => crate::error::problem(e).into_response(),
    }
}
