//! What every page needs: the tenant, the reader's language, the signed-in session, the CSRF
//! token, the flash message; and how cookies are named and set.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use base64::Engine;
use keyrack_app::selfservice::{Client, Session};
use keyrack_app::tenants::Tenant;
use keyrack_app::{App, AppError, Origin};
use keyrack_core::types::Locale;
use rand::RngCore;
use subtle::ConstantTimeEq;

use crate::extract::ClientOrigin;

/// Translations for one page: `{{ tr.t("login-title") }}` in templates.
#[derive(Debug, Clone, Copy)]
pub struct Tr(pub Locale);

impl Tr {
    pub fn t(&self, key: &str) -> String {
        keyrack_i18n::t(self.0, key)
    }

    pub fn lang(&self) -> &'static str {
        self.0.as_str()
    }
}

/// A language the reader can switch to, for the switch on every page.
#[derive(Debug, Clone)]
pub struct LanguageChoice {
    pub code: &'static str,
    pub name: &'static str,
    pub current: bool,
}

/// An input that was refused, with the id of its field so the summary can link to it.
#[derive(Debug, Clone)]
pub struct FieldMessage {
    pub field: String,
    pub message: String,
}

/// The data every page template shares.
#[derive(Debug, Clone)]
pub struct Page {
    pub tr: Tr,
    pub tenant_slug: String,
    pub tenant_name: String,
    pub csrf: String,
    pub flash: Option<String>,
    pub languages: Vec<LanguageChoice>,
    pub signed_in: bool,
    pub errors: Vec<FieldMessage>,
}

impl Page {
    /// The messages for one field, for showing beside it.
    pub fn errors_for(&self, field: &str) -> Vec<String> {
        self.errors.iter().filter(|e| e.field == field).map(|e| e.message.clone()).collect()
    }

    pub fn has_error(&self, field: &str) -> bool {
        self.errors.iter().any(|e| e.field == field)
    }

    /// Adds the refused fields of an application error, in the reader's language.
    pub fn with_app_error(mut self, error: &AppError) -> Self {
        if let AppError::Validation(errors) = error {
            for e in &errors.0 {
                self.errors.push(FieldMessage { field: e.field.clone(), message: keyrack_i18n::field_error(self.tr.0, e) });
            }
        }
        self
    }

    pub fn with_error(mut self, field: &str, key: &str) -> Self {
        self.errors.push(FieldMessage { field: field.to_owned(), message: self.tr.t(key) });
        self
    }
}

pub(super) const LANGUAGES: [(Locale, &str); 5] = [
    (Locale::En, "English"),
    (Locale::Nl, "Nederlands"),
    (Locale::De, "Deutsch"),
    (Locale::Fr, "Français"),
    (Locale::Ro, "Română"),
];

/// Cookie names: with an HTTPS public URL the `__Host-` prefix (Secure, Path=/, no Domain)
/// binds them to exactly this host.
pub fn cookie_name(app: &App, base: &str) -> String {
    if app.config().is_https() { format!("__Host-{base}") } else { base.to_owned() }
}

fn session_cookie(app: &App, slug: &str) -> String {
    cookie_name(app, &format!("keyrack_{slug}"))
}

pub fn new_cookie(app: &App, name: String, value: String, same_site: SameSite) -> Cookie<'static> {
    let mut c = Cookie::new(name, value);
    c.set_path("/");
    c.set_http_only(true);
    c.set_same_site(same_site);
    c.set_secure(app.config().is_https());
    c
}

pub(super) fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Everything a page handler starts from.
pub struct PageRequest {
    pub app: App,
    pub tenant: Tenant,
    pub session: Option<Session>,
    pub session_token: Option<String>,
    pub jar: CookieJar,
    pub page: Page,
    pub client: Client,
    headers: HeaderMap,
}

impl FromRequestParts<App> for PageRequest {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let Path(params) =
            Path::<HashMap<String, String>>::from_request_parts(parts, app).await.map_err(IntoResponse::into_response)?;
        let slug = params.get("tenant").cloned().unwrap_or_default();
        let tenant = match app.tenant_by_slug(&slug).await {
            Ok(t) => t,
            Err(AppError::NotFound) => return Err((StatusCode::NOT_FOUND, "not found").into_response()),
            Err(e) => return Err(crate::error::problem(e).into_response()),
        };
        let mut jar = CookieJar::from_headers(&parts.headers);
        let ClientOrigin(origin) = ClientOrigin::from_request_parts(parts, app).await.unwrap_or_default();
        let user_agent = parts.headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();

        let session_token = jar.get(&session_cookie(app, &slug)).map(|c| c.value().to_owned());
        let session = match &session_token {
            Some(t) => app.session(&slug, t).await.map_err(|e| crate::error::problem(e).into_response())?,
            None => None,
        };

        // The language: an explicit choice (?lang= or the switch's cookie), then the person's,
        // then the browser's, then the tenant's.
        let query: HashMap<String, String> = parts.uri.query().map(|q| url_pairs(q).into_iter().collect()).unwrap_or_default();
        let lang_cookie = cookie_name(app, "keyrack_lang");
        let chosen = query.get("lang").and_then(|l| Locale::parse(l).ok());
        if let Some(l) = chosen {
            jar = jar.add(new_cookie(app, lang_cookie.clone(), l.as_str().to_owned(), SameSite::Lax));
        }
        let locale = chosen
            .or_else(|| jar.get(&lang_cookie).and_then(|c| Locale::parse(c.value()).ok()))
            .or_else(|| session.as_ref().map(|s| s.person.language))
            .or_else(|| {
                let accept = parts.headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
                keyrack_i18n::negotiate(accept, Locale::ALL)
            })
            .unwrap_or(tenant.record.language);

        let csrf_name = cookie_name(app, "keyrack_csrf");
        let csrf = match jar.get(&csrf_name) {
            Some(c) => c.value().to_owned(),
            None => {
                let token = random_token();
                jar = jar.add(new_cookie(app, csrf_name, token.clone(), SameSite::Strict));
                token
            }
        };
        let flash_name = cookie_name(app, "keyrack_flash");
        let flash = jar.get(&flash_name).map(|c| c.value().to_owned()).map(|key| keyrack_i18n::t(locale, &key));
        if flash.is_some() {
            jar = jar.remove(Cookie::build(flash_name).path("/"));
        }
        let page = Page {
            tr: Tr(locale),
            tenant_slug: slug,
            tenant_name: tenant.record.name.clone(),
            csrf,
            flash,
            languages: LANGUAGES
                .iter()
                .map(|(l, name)| LanguageChoice { code: l.as_str(), name, current: *l == locale })
                .collect(),
            signed_in: session.is_some(),
            errors: Vec::new(),
        };
        let client = Client { origin, user_agent };
        Ok(Self { app: app.clone(), tenant, session, session_token, jar, page, client, headers: parts.headers.clone() })
    }
}

/// The query string's pairs; only `lang` (a short word) is read from it, so no decoding.
fn url_pairs(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (k.to_owned(), v.to_owned())
        })
        .collect()
}

impl PageRequest {
    /// Refuses a form post from another site: the hidden token must equal this browser's CSRF
    /// cookie, and a browser's own signals (`Sec-Fetch-Site`, `Origin`) must not say the request
    /// came from elsewhere.
    pub fn check_csrf(&self, submitted: &str) -> Result<(), Box<Response>> {
        check_csrf(&self.app, &self.headers, &self.jar, self.page.tr, submitted)
    }

    /// The session cookie set for a new session, and a new CSRF token bound to it.
    pub fn sign_in_cookies(self, token: String) -> CookieJar {
        signed_in_cookies(&self.app, self.jar, self.tenant.slug(), token)
    }

    pub fn sign_out_cookies(self) -> CookieJar {
        let name = session_cookie(&self.app, self.tenant.slug());
        self.jar.remove(Cookie::build(name).path("/"))
    }

    /// Redirects with a one-time message (a catalogue key, translated on the next page).
    pub fn redirect_with_flash(self, to: &str, key: &str) -> Response {
        let jar = flash(&self.app, self.jar, key);
        (jar, Redirect::to(to)).into_response()
    }

    pub fn url(&self, path: &str) -> String {
        format!("/t/{}/{path}", self.tenant.slug())
    }

    pub fn origin(&self) -> &Origin {
        &self.client.origin
    }
}

/// Refuses a form post from another site: the hidden token must equal this browser's CSRF
/// cookie, and a browser's own signals (`Sec-Fetch-Site`, `Origin`) must not say the request
/// came from elsewhere.
pub fn check_csrf(app: &App, headers: &HeaderMap, jar: &CookieJar, tr: Tr, submitted: &str) -> Result<(), Box<Response>> {
    let cross_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()).is_some_and(|v| v == "cross-site");
    let public = app.config().base_url().to_owned();
    let foreign_origin = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|o| o != "null" && !public.starts_with(o) && !same_host(headers, o));
    let cookie = jar.get(&cookie_name(app, "keyrack_csrf")).map(|c| c.value().to_owned()).unwrap_or_default();
    let token_ok = !cookie.is_empty() && bool::from(cookie.as_bytes().ct_eq(submitted.as_bytes()));
    if cross_site || foreign_origin || !token_ok {
        tracing::warn!(cross_site, foreign_origin, token_ok, "refused a form post (CSRF)");
        return Err(Box::new((StatusCode::FORBIDDEN, Html(format!(
            "<!doctype html><html lang=\"{}\"><meta charset=\"utf-8\"><title>{}</title><p>{}</p><p><a href=\"\">{}</a></p></html>",
            tr.lang(),
            tr.t("csrf-title"),
            tr.t("csrf-body"),
            tr.t("csrf-again")
        )))
        .into_response()));
    }
    Ok(())
}

/// An `Origin` equal to the Host the request was sent to (a deployment reached by more than
/// one name still accepts its own forms).
fn same_host(headers: &HeaderMap, origin: &str) -> bool {
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    !host.is_empty() && (origin == format!("http://{host}") || origin == format!("https://{host}"))
}

/// The session cookie of a tenant for a new session, and a new CSRF token bound to it.
pub fn signed_in_cookies(app: &App, jar: CookieJar, slug: &str, token: String) -> CookieJar {
    let jar = jar.add(new_cookie(app, session_cookie(app, slug), token, SameSite::Lax));
    jar.add(new_cookie(app, cookie_name(app, "keyrack_csrf"), random_token(), SameSite::Strict))
}

/// Adds a one-time message (a catalogue key) for the next page.
pub fn flash(app: &App, jar: CookieJar, key: &str) -> CookieJar {
    jar.add(new_cookie(app, cookie_name(app, "keyrack_flash"), key.to_owned(), SameSite::Lax))
}

/// Renders a template with a status; a template error is a 500 with a request-safe message.
pub fn render(jar: CookieJar, status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, jar, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}
