//! Signing in and out, forgotten passwords, self-registration.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use keyrack_app::AppError;
use keyrack_app::auth::Credentials;
use keyrack_app::selfservice::Registration;
use serde::Deserialize;

use super::Tr;
use super::context::{Page, PageRequest, flash, render};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    page: Page,
    tr: Tr,
    username: String,
    can_register: bool,
    /// Where to go after signing in (the OpenID Connect authorization request, the console).
    next: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LoginForm {
    csrf: String,
    username: String,
    password: String,
    next: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NextQuery {
    next: String,
}

/// Only a path within this tenant may follow a sign-in: never another site (an open redirect
/// would lend Keyrack's address to phishing).
fn safe_next(r: &PageRequest, next: &str) -> Option<String> {
    let prefix = format!("/t/{}/", r.tenant.slug());
    (next.starts_with(&prefix) && !next.contains("//") && !next.contains('\\') && !next.chars().any(char::is_control))
        .then(|| next.to_owned())
}

fn can_register(r: &PageRequest) -> bool {
    let s = &r.tenant.settings.self_registration;
    s.staff || s.owner || s.guest
}

/// Where a signed-in person lands without a return path: the console for those who may view
/// people, their own account for everyone else (the console links to the account page).
async fn landing(r: &PageRequest, person_id: &str) -> String {
    let actor =
        keyrack_app::Actor::Person { id: person_id.to_owned(), tenant_id: r.tenant.id().to_owned(), label: String::new() };
    match r.app.rights_in(&actor, r.tenant.slug()).await {
        Ok(rights) if rights.holds(keyrack_app::rights::PEOPLE_VIEW) => r.url("console"),
        _ => r.url("account"),
    }
}

pub async fn form(r: PageRequest, axum::extract::Query(q): axum::extract::Query<NextQuery>) -> Response {
    let next = safe_next(&r, &q.next);
    if let Some(session) = &r.session {
        let to = match next {
            Some(next) => next,
            None => landing(&r, &session.person.id).await,
        };
        return Redirect::to(&to).into_response();
    }
    let page = LoginPage {
        tr: r.page.tr,
        can_register: can_register(&r),
        page: r.page.clone(),
        username: String::new(),
        next: next.unwrap_or_default(),
    };
    render(r.jar, StatusCode::OK, &page)
}

/// Every failure shows the same page with the same words and status, whatever the reason.
pub async fn submit(r: PageRequest, Form(f): Form<LoginForm>) -> Response {
    if let Err(refused) = r.check_csrf(&f.csrf) {
        return *refused;
    }
    let credentials = Credentials { username: f.username.clone(), password: f.password };
    match r.app.sign_in(&r.client, r.tenant.slug(), credentials).await {
        Ok(signed_in) => {
            let (to, key) = match safe_next(&r, &f.next) {
                _ if signed_in.must_change_password => (r.url("account#password"), "flash-must-change-password"),
                Some(next) => (next, "flash-signed-in"),
                None => (landing(&r, &signed_in.person_id).await, "flash-signed-in"),
            };
            let app = r.app.clone();
            let jar = flash(&app, r.sign_in_cookies(signed_in.token), key);
            (jar, Redirect::to(&to)).into_response()
        }
        Err(AppError::InvalidCredentials) => {
            let page = LoginPage {
                tr: r.page.tr,
                can_register: can_register(&r),
                page: r.page.clone().with_error("username", "login-failed"),
                next: safe_next(&r, &f.next).unwrap_or_default(),
                username: f.username,
            };
            render(r.jar, StatusCode::UNAUTHORIZED, &page)
        }
        Err(e) => crate::error::problem(e).into_response(),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CsrfOnly {
    csrf: String,
}

pub async fn logout(r: PageRequest, Form(f): Form<CsrfOnly>) -> Response {
    if let Err(refused) = r.check_csrf(&f.csrf) {
        return *refused;
    }
    if let Some(token) = &r.session_token
        && let Err(e) = r.app.sign_out(r.tenant.slug(), token).await
    {
        return crate::error::problem(e).into_response();
    }
    let to = r.url("login");
    let app = r.app.clone();
    let jar = flash(&app, r.sign_out_cookies(), "flash-signed-out");
    (jar, Redirect::to(&to)).into_response()
}

#[derive(Template)]
#[template(path = "forgot.html")]
struct ForgotPage {
    page: Page,
    tr: Tr,
    sent: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ForgotForm {
    csrf: String,
    address: String,
}

pub async fn forgot_form(r: PageRequest) -> Response {
    render(r.jar, StatusCode::OK, &ForgotPage { tr: r.page.tr, page: r.page, sent: false })
}

/// The same page, status and words whether or not the address is known (SPEC rule 4).
pub async fn forgot_submit(r: PageRequest, Form(f): Form<ForgotForm>) -> Response {
    if let Err(refused) = r.check_csrf(&f.csrf) {
        return *refused;
    }
    if let Err(e) = r.app.forgot(r.origin(), r.tenant.slug(), &f.address).await {
        return crate::error::problem(e).into_response();
    }
    render(r.jar, StatusCode::OK, &ForgotPage { tr: r.page.tr, page: r.page, sent: true })
}

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    page: Page,
    tr: Tr,
    kinds: Vec<(&'static str, String)>,
    form: RegisterForm,
    sent: bool,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct RegisterForm {
    csrf: String,
    kind: String,
    first_name: String,
    last_name: String,
    email: String,
}

fn open_kinds(r: &PageRequest) -> Vec<(&'static str, String)> {
    let s = &r.tenant.settings.self_registration;
    [("staff", s.staff), ("owner", s.owner), ("guest", s.guest)]
        .into_iter()
        .filter(|(_, on)| *on)
        .map(|(k, _)| (k, r.page.tr.t(&format!("kind-{k}"))))
        .collect()
}

pub async fn register_form(r: PageRequest) -> Response {
    let kinds = open_kinds(&r);
    if kinds.is_empty() {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    let form = RegisterForm { kind: kinds[0].0.to_owned(), ..RegisterForm::default() };
    render(r.jar, StatusCode::OK, &RegisterPage { tr: r.page.tr, page: r.page, kinds, form, sent: false })
}

/// The same answer for a new, a known and a blocked address: "check your e-mail".
pub async fn register_submit(r: PageRequest, Form(f): Form<RegisterForm>) -> Response {
    if let Err(refused) = r.check_csrf(&f.csrf) {
        return *refused;
    }
    let kinds = open_kinds(&r);
    if kinds.is_empty() {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    let input = Registration {
        kind: f.kind.clone(),
        first_name: f.first_name.clone(),
        last_name: f.last_name.clone(),
        email: f.email.clone(),
    };
    match r.app.register(r.origin(), r.tenant.slug(), input).await {
        Ok(()) => render(
            r.jar,
            StatusCode::OK,
            &RegisterPage { tr: r.page.tr, page: r.page, kinds, form: RegisterForm::default(), sent: true },
        ),
        Err(e @ AppError::Validation(_)) => {
            let page = r.page.clone().with_app_error(&e);
            render(r.jar, StatusCode::UNPROCESSABLE_ENTITY, &RegisterPage { tr: r.page.tr, page, kinds, form: f, sent: false })
        }
        Err(AppError::NotFound) => (StatusCode::NOT_FOUND, "not found").into_response(),
        Err(e) => crate::error::problem(e).into_response(),
    }
}
