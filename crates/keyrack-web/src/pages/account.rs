//! A person's own account: profile, password, e-mail categories, sessions.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::Form;
use keyrack_app::selfservice::{ProfileUpdate, Session};
use serde::Deserialize;

use super::Tr;
use super::context::{Done, Page, PageRequest, SignedIn, render, submit};

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

pub async fn page(a: SignedIn) -> Response {
    account_page(&a.r, &a.session, a.r.page.clone(), StatusCode::OK).await
}

/// Shows the account page again with the refused fields (the `again` of [`submit`]).
async fn again(r: &PageRequest, session: &Session, page: Page) -> Response {
    account_page(r, session, page, StatusCode::UNPROCESSABLE_ENTITY).await
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

pub async fn profile(a: SignedIn, Form(f): Form<ProfileForm>) -> Response {
    let back = a.r.url("account");
    let input = ProfileUpdate {
        salutation: f.salutation,
        first_name: f.first_name,
        last_name: f.last_name,
        phone: f.phone,
        language: f.language,
    };
    let call = async |r: &PageRequest, s: &Session| {
        r.app.update_own_profile(s, r.origin(), input).await?;
        Ok(Done::to(r.url("account"), "flash-profile-saved"))
    };
    submit(a.r, a.session, &f.csrf, back, call, again).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PasswordForm {
    csrf: String,
    current_password: String,
    new_password: String,
    new_password_again: String,
}

pub async fn password(a: SignedIn, Form(f): Form<PasswordForm>) -> Response {
    let back = a.r.url("account");
    let call = async |r: &PageRequest, s: &Session| {
        r.app.change_password(s, r.origin(), &f.current_password, &f.new_password, &f.new_password_again).await?;
        Ok(Done::to(r.url("account"), "flash-password-changed"))
    };
    submit(a.r, a.session, &f.csrf, back, call, again).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NotificationsForm {
    csrf: String,
    category: Vec<String>,
}

pub async fn notifications(a: SignedIn, Form(f): Form<NotificationsForm>) -> Response {
    let back = a.r.url("account");
    let call = async |r: &PageRequest, s: &Session| {
        r.app.set_own_notifications(s, r.origin(), f.category).await?;
        Ok(Done::to(r.url("account"), "flash-notifications-saved"))
    };
    submit(a.r, a.session, &f.csrf, back, call, again).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn end_other_sessions(a: SignedIn, Form(f): Form<CsrfForm>) -> Response {
    let back = a.r.url("account");
    let call = async |r: &PageRequest, s: &Session| {
        r.app.end_other_sessions(s, r.origin()).await?;
        Ok(Done::to(r.url("account"), "flash-sessions-ended"))
    };
    submit(a.r, a.session, &f.csrf, back, call, again).await
}
