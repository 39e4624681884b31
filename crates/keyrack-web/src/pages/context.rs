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
use keyrack_app::{App, AppError, AppResult, Origin};
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
    /// The flash message reports a refusal rather than a success.
    pub flash_bad: bool,
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

fn random_token() -> String {
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

        let csrf;
        (jar, csrf) = csrf_token(app, jar);
        let flash_name = cookie_name(app, "keyrack_flash");
        let flash_cookie = jar.get(&flash_name).map(|c| Flash::decode(c.value()));
        let flash_bad = flash_cookie.as_ref().is_some_and(|f| f.bad);
        let flash = flash_cookie.map(|f| f.text(locale));
        if flash.is_some() {
            jar = jar.remove(Cookie::build(flash_name).path("/"));
        }
        let page = Page {
            tr: Tr(locale),
            tenant_slug: slug,
            tenant_name: tenant.record.name.clone(),
            csrf,
            flash,
            flash_bad,
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
/// The browser's CSRF token: the one its cookie holds, or a new one set in the cookie now.
pub fn csrf_token(app: &App, jar: CookieJar) -> (CookieJar, String) {
    let name = cookie_name(app, "keyrack_csrf");
    match jar.get(&name).map(|c| c.value().to_owned()) {
        Some(token) => (jar, token),
        None => {
            let token = random_token();
            (jar.add(new_cookie(app, name, token.clone(), SameSite::Strict)), token)
        }
    }
}

pub fn flash(app: &App, jar: CookieJar, key: &str) -> CookieJar {
    flash_message(app, jar, &Flash::new(key))
}

/// Adds a one-time message with its values for the next page.
pub fn flash_message(app: &App, jar: CookieJar, message: &Flash) -> CookieJar {
    jar.add(new_cookie(app, cookie_name(app, "keyrack_flash"), message.encode(), SameSite::Lax))
}

/// A one-time message for the next page: a catalogue key, its values, and whether it reports
/// a refusal. It travels in a cookie as a form-encoded string (the key, never the sentence, so
/// the next page says it in the reader's language).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Flash {
    pub key: String,
    pub args: Vec<(String, String)>,
    pub bad: bool,
}

impl Flash {
    pub fn new(key: &str) -> Self {
        Self { key: key.to_owned(), ..Self::default() }
    }

    pub fn refusal(key: &str) -> Self {
        Self { key: key.to_owned(), bad: true, ..Self::default() }
    }

    pub fn arg(mut self, name: &str, value: impl Into<String>) -> Self {
        self.args.push((name.to_owned(), value.into()));
        self
    }

    fn encode(&self) -> String {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        out.append_pair("k", &self.key);
        if self.bad {
            out.append_pair("bad", "1");
        }
        for (name, value) in &self.args {
            out.append_pair(&format!("a.{name}"), value);
        }
        out.finish()
    }

    fn decode(raw: &str) -> Self {
        let mut f = Self::default();
        for (name, value) in url::form_urlencoded::parse(raw.as_bytes()) {
            match name.as_ref() {
                "k" => f.key = value.into_owned(),
                "bad" => f.bad = true,
                other => {
                    if let Some(arg) = other.strip_prefix("a.") {
                        f.args.push((arg.to_owned(), value.into_owned()));
                    }
                }
            }
        }
        // Only catalogue keys are shown: a cookie planted by someone else cannot put words on
        // the page.
        if !keyrack_i18n::has(&f.key) {
            f.key = "flash-done".to_owned();
        }
        f
    }

    fn text(&self, locale: Locale) -> String {
        let args: Vec<(&str, keyrack_i18n::FluentValue<'_>)> =
            self.args.iter().map(|(n, v)| (n.as_str(), keyrack_i18n::FluentValue::try_number(v.as_str()))).collect();
        keyrack_i18n::t_args(locale, &self.key, &args)
    }
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

/// A signed-in person's request; without a live session, the way to the login page, which
/// brings them back here afterwards.
pub struct SignedIn {
    pub r: PageRequest,
    pub session: Session,
}

impl FromRequestParts<App> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let back = parts.uri.path_and_query().map_or_else(|| parts.uri.path().to_owned(), |pq| pq.as_str().to_owned());
        let is_get = parts.method == axum::http::Method::GET;
        let r = PageRequest::from_request_parts(parts, app).await?;
        match r.session.clone() {
            Some(session) => Ok(Self { r, session }),
            None => {
                // Only a page can be returned to; a form post starts again from its page.
                let next = if is_get { back } else { String::new() };
                let mut to = r.url("login");
                if !next.is_empty() {
                    to.push_str("?next=");
                    to.extend(url::form_urlencoded::byte_serialize(next.as_bytes()));
                }
                Err((r.jar, Redirect::to(&to)).into_response())
            }
        }
    }
}

/// How a successful form post ends.
pub enum Done {
    /// POST → redirect → GET, with a one-time message.
    Redirect { to: String, flash: Flash },
    /// A page shown once instead of a redirect, for what must not be kept anywhere (a
    /// generated password) or a report of many results.
    Page(Response),
}

impl Done {
    pub fn to(to: String, key: &str) -> Self {
        Done::Redirect { to, flash: Flash::new(key) }
    }
}

/// The one shape of every form post: the CSRF check, the use case, then POST → redirect → GET
/// with a one-time message. A refused input shows the form again (`again`) with each refused
/// field named; a refused action (409, 403) goes back to `back` with the reason as a message; a
/// missing or out-of-reach record is the calm "not found" page.
pub async fn submit<S>(
    r: PageRequest,
    state: S,
    csrf: &str,
    back: String,
    call: impl AsyncFnOnce(&PageRequest, &S) -> AppResult<Done>,
    again: impl AsyncFnOnce(&PageRequest, &S, Page) -> Response,
) -> Response {
    if let Err(refused) = r.check_csrf(csrf) {
        return *refused;
    }
    match call(&r, &state).await {
        Ok(Done::Redirect { to, flash }) => {
            let jar = flash_message(&r.app, r.jar, &flash);
            (jar, Redirect::to(&to)).into_response()
        }
        Ok(Done::Page(response)) => response,
        Err(e @ AppError::Validation(_)) => {
            let page = r.page.clone().with_app_error(&e);
            let mut response = again(&r, &state, page).await;
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            response
        }
        Err(e) => match refusal(&e) {
            Some(flash) => {
                let jar = flash_message(&r.app, r.jar, &flash);
                (jar, Redirect::to(&back)).into_response()
            }
            None => error_page(&r, e),
        },
    }
}

/// A refused action as a message for the page it came from; `None` for errors that are not
/// the reader's to fix.
pub fn refusal(e: &AppError) -> Option<Flash> {
    let (key, state) = match e {
        AppError::Refused(r) => (format!("refused-{}", r.code.as_str()), Some(r.state)),
        AppError::Conflict { code, .. } | AppError::Forbidden { code, .. } => (format!("refused-{code}"), None),
        _ => return None,
    };
    let mut flash = Flash::refusal(if keyrack_i18n::has(&key) { &key } else { "refused-other" });
    if let Some(state) = state {
        flash = flash.arg("state", state.as_str());
    }
    Some(flash)
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    page: Page,
    tr: Tr,
    title: String,
    body: String,
    link: String,
    link_text: String,
}

/// A calm page saying what happened and where to go from here.
pub fn message_page(r: &PageRequest, status: StatusCode, title_key: &str, body_key: &str, link: String) -> Response {
    let tr = r.page.tr;
    let view = MessagePage {
        page: r.page.clone(),
        tr,
        title: tr.t(title_key),
        body: tr.t(body_key),
        link,
        link_text: tr.t("message-continue"),
    };
    render(r.jar.clone(), status, &view)
}

/// An error that no form can fix, as a page: "not found" for missing and out-of-reach records
/// (the same words as another tenant's), "not allowed", or the error page.
pub fn error_page(r: &PageRequest, e: AppError) -> Response {
    match e {
        AppError::NotFound => {
            message_page(r, StatusCode::NOT_FOUND, "message-not-found-title", "message-not-found-body", r.url(""))
        }
        AppError::Forbidden { .. } => {
            message_page(r, StatusCode::FORBIDDEN, "message-forbidden-title", "message-forbidden-body", r.url("account"))
        }
        other => crate::error::problem(other).into_response(),
    }
}
