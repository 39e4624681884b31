//! The first-run page `/setup/{token}`: creates the first tenant and its administrator, signs
//! the administrator in and sends them to the tenant's console. There is no tenant yet, so the
//! page has its own small request context (language, CSRF cookie) instead of a tenant's.

use askama::Template;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::SameSite;
use axum_extra::extract::{CookieJar, Form};
use keyrack_app::selfservice::Client;
use keyrack_app::setup::SetupInput;
use keyrack_app::{App, AppError};
use keyrack_core::types::Locale;
use serde::Deserialize;

use super::Tr;
use super::context::{
    LANGUAGES, LanguageChoice, Page, check_csrf, cookie_name, csrf_token, flash, new_cookie, render, signed_in_cookies,
};
use crate::extract::ClientOrigin;

/// The language, CSRF token and client of a request to the setup page.
pub struct SetupRequest {
    app: App,
    jar: CookieJar,
    page: Page,
    client: Client,
    headers: HeaderMap,
}

impl FromRequestParts<App> for SetupRequest {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let mut jar = CookieJar::from_headers(&parts.headers);
        let ClientOrigin(origin) = ClientOrigin::from_request_parts(parts, app).await.unwrap_or_default();
        let user_agent = parts.headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        // An explicit choice (?lang= or the switch's cookie), then the browser's, then English.
        let lang_cookie = cookie_name(app, "keyrack_lang");
        let chosen = parts
            .uri
            .query()
            .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("lang=")))
            .and_then(|l| Locale::parse(l).ok());
        if let Some(l) = chosen {
            jar = jar.add(new_cookie(app, lang_cookie.clone(), l.as_str().to_owned(), SameSite::Lax));
        }
        let locale = chosen
            .or_else(|| jar.get(&lang_cookie).and_then(|c| Locale::parse(c.value()).ok()))
            .or_else(|| {
                let accept = parts.headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
                keyrack_i18n::negotiate(accept, Locale::ALL)
            })
            .unwrap_or(Locale::En);
        let csrf;
        (jar, csrf) = csrf_token(app, jar);
        let page = Page {
            tr: Tr(locale),
            tenant_slug: String::new(),
            tenant_name: "Keyrack".into(),
            csrf,
            flash: None,
            flash_bad: false,
            languages: LANGUAGES
                .iter()
                .map(|(l, name)| LanguageChoice { code: l.as_str(), name, current: *l == locale })
                .collect(),
            signed_in: false,
            errors: Vec::new(),
        };
        Ok(Self { app: app.clone(), jar, page, client: Client { origin, user_agent }, headers: parts.headers.clone() })
    }
}

/// A language of the tenant's default-language choice.
pub struct LanguageOption {
    pub code: &'static str,
    pub name: &'static str,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage {
    page: Page,
    tr: Tr,
    form: SetupForm,
    languages: Vec<LanguageOption>,
    rules: String,
}

#[derive(Template)]
#[template(path = "setup_invalid.html")]
struct SetupInvalidPage {
    page: Page,
    tr: Tr,
    /// Whether a tenant exists (setup is done) rather than the link being wrong or stale.
    done: bool,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct SetupForm {
    csrf: String,
    name: String,
    slug: String,
    language: String,
    first_name: String,
    last_name: String,
    email: String,
    username: String,
    password: String,
    password_again: String,
}

impl SetupRequest {
    fn form_page(&self, form: SetupForm, page: Page) -> SetupPage {
        let chosen = Locale::parse(&form.language).unwrap_or(self.page.tr.0);
        let languages =
            LANGUAGES.iter().map(|(l, name)| LanguageOption { code: l.as_str(), name, selected: *l == chosen }).collect();
        let policy = keyrack_core::password::PasswordPolicy::default();
        let tr = self.page.tr;
        let rules = [
            keyrack_i18n::t_args(tr.0, "password-rule-length", &[("min", (policy.min_length as f64).into())]),
            tr.t("password-rule-guessable"),
        ]
        .join(" ");
        // Passwords are never sent back into the page.
        let form = SetupForm { password: String::new(), password_again: String::new(), csrf: String::new(), ..form };
        SetupPage { tr, page, form, languages, rules }
    }

    /// 410 once a tenant exists (setup is done), 404 for a link that is wrong, replaced or expired.
    async fn invalid(self) -> Response {
        let done = match self.app.tenants(&keyrack_app::Actor::System).await {
            Ok(t) => !t.is_empty(),
            Err(e) => return crate::error::problem(e).into_response(),
        };
        let status = if done { StatusCode::GONE } else { StatusCode::NOT_FOUND };
        render(self.jar, status, &SetupInvalidPage { tr: self.page.tr, page: self.page, done })
    }
}

pub async fn form(Path(token): Path<String>, r: SetupRequest) -> Response {
    match r.app.setup_link_usable(&token).await {
        Ok(true) => {
            let page = r.form_page(SetupForm::default(), r.page.clone());
            render(r.jar, StatusCode::OK, &page)
        }
        Ok(false) => r.invalid().await,
        Err(e) => crate::error::problem(e).into_response(),
    }
}

pub async fn submit(Path(token): Path<String>, r: SetupRequest, Form(f): Form<SetupForm>) -> Response {
    if let Err(refused) = check_csrf(&r.app, &r.headers, &r.jar, r.page.tr, &f.csrf) {
        return *refused;
    }
    let input = SetupInput {
        name: f.name.clone(),
        slug: f.slug.clone(),
        language: f.language.clone(),
        first_name: f.first_name.clone(),
        last_name: f.last_name.clone(),
        email: f.email.clone(),
        username: f.username.clone(),
        password: f.password.clone(),
        password_again: f.password_again.clone(),
    };
    match r.app.complete_setup(&r.client, &token, input).await {
        Ok(done) => {
            let jar = signed_in_cookies(&r.app, r.jar, &done.slug, done.signed_in.token);
            let jar = flash(&r.app, jar, "flash-setup-done");
            (jar, Redirect::to(&format!("/t/{}/console", done.slug))).into_response()
        }
        Err(e @ AppError::Validation(_)) => {
            let page = r.page.clone().with_app_error(&e);
            let template = r.form_page(f, page);
            render(r.jar, StatusCode::UNPROCESSABLE_ENTITY, &template)
        }
        Err(AppError::LinkInvalid) => r.invalid().await,
        Err(e) => crate::error::problem(e).into_response(),
    }
}
