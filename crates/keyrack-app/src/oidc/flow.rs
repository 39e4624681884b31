//! The authorization code flow, the token endpoint, userinfo and end-session.
//!
//! - An authorization request names a client of the tenant and one of its redirect URIs,
//!   exactly; otherwise nothing is sent anywhere (RFC 6749 §4.1.2.1). Every other fault goes
//!   back to the client as an error. PKCE with S256 is required of every client, confidential
//!   or public; `plain` is refused.
//! - A code is a 256-bit token stored as its hash, used once within [`CODE_TTL_MS`]. Presenting
//!   a used code again is taken as theft: the tokens issued from it are revoked (RFC 6749
//!   §4.1.2, OAuth 2.0 Security BCP §4.5).
//! - A refresh token is used once: each refresh answers a new one. Presenting a used one again
//!   ends the whole family (the grant), also for the legitimate holder.
//! - Tokens carry what is true when they are issued: a role change shows in the next token.
//!   Refresh and userinfo also check that the person can still log in and that the session the
//!   grant belongs to is alive.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use keyrack_store::records::{LoginRecord, PersonRecord};
use keyrack_store::repo;
use keyrack_store::repo::oidc::{ClientRecord, CodeRecord, GrantRecord, RefreshTokenRecord};
use keyrack_store::repo::sessions::SessionRecord;
use keyrack_store::{Conn, StoreError};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{CODE_TTL_MS, OidcError, OidcResult, SCOPES, TOKEN_TTL_MS, issuer};
use crate::audit::{Event, append};
use crate::secrets::{digest, new_token};
use crate::selfservice::Session;
use crate::{Actor, App, AppError, AppResult, Origin, new_id};

/// The longest `state` or `nonce` kept: they are echoed, not interpreted.
const MAX_ECHO_LEN: usize = 1000;

/// Parameters of a request as received, in order; a name may occur more than once (which
/// OAuth forbids and which is therefore detected, not silently resolved).
#[derive(Debug, Clone, Default)]
pub struct Params(pub Vec<(String, String)>);

impl Params {
    /// Parses `application/x-www-form-urlencoded` text (a query string or a form body).
    pub fn parse(encoded: &str) -> Self {
        Self(url::form_urlencoded::parse(encoded.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
    }

    fn all(&self, name: &str) -> impl Iterator<Item = &str> {
        self.0.iter().filter(move |(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    fn repeated(&self, name: &str) -> bool {
        self.all(name).nth(1).is_some()
    }

    /// The one value of `name`; an empty value counts as absent (RFC 6749 §3.1).
    fn get(&self, name: &str) -> Option<&str> {
        self.all(name).next().filter(|v| !v.is_empty())
    }

    /// The parameter names that occur more than once.
    fn duplicates(&self) -> Vec<&str> {
        let mut seen: Vec<&str> = Vec::new();
        let mut twice: Vec<&str> = Vec::new();
        for (k, _) in &self.0 {
            if seen.contains(&k.as_str()) {
                if !twice.contains(&k.as_str()) {
                    twice.push(k);
                }
            } else {
                seen.push(k);
            }
        }
        twice
    }

    /// Encodes the parameters again, for coming back to the same request after signing in.
    pub fn encode(&self) -> String {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &self.0 {
            s.append_pair(k, v);
        }
        s.finish()
    }
}

/// `uri` with the parameters appended to its query.
fn with_params(uri: &str, params: &[(&str, &str)]) -> String {
    match url::Url::parse(uri) {
        Ok(mut url) => {
            url.query_pairs_mut().extend_pairs(params);
            url.to_string()
        }
        // Registered URIs were parsed when they were registered; this is not reached.
        Err(_) => uri.to_owned(),
    }
}

/// What becomes of an authorization request.
#[derive(Debug, Clone)]
pub enum Authorization {
    /// The client or its redirect URI is not known: nothing may be sent to the URI given, so the
    /// person is shown why instead.
    Refused { description: String },
    /// A fault to report to the client: redirect the browser here.
    Error { redirect: String },
    /// A valid request that needs a signed-in person.
    Valid(Box<AuthorizationRequest>),
}

/// A checked authorization request.
#[derive(Debug, Clone)]
pub struct AuthorizationRequest {
    pub client: ClientRecord,
    pub redirect_uri: String,
    /// The known scopes asked for, space-separated, `openid` first.
    pub scope: String,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: String,
    /// `prompt=none`: answer `login_required` rather than show the login page.
    pub prompt_none: bool,
    issuer: String,
}

impl AuthorizationRequest {
    /// The redirect that reports an error to the client (with `state` and, per RFC 9207, `iss`).
    pub fn error(&self, code: &str, description: &str) -> String {
        error_redirect(&self.redirect_uri, &self.issuer, code, description, self.state.as_deref())
    }
}

fn error_redirect(redirect_uri: &str, issuer: &str, code: &str, description: &str, state: Option<&str>) -> String {
    let mut params = vec![("error", code), ("error_description", description)];
    if let Some(s) = state {
        params.push(("state", s));
    }
    params.push(("iss", issuer));
    with_params(redirect_uri, &params)
}

/// The scopes Keyrack knows, in its order, `openid` first; `None` without `openid`.
fn known_scopes(requested: &str) -> Option<String> {
    let asked: Vec<&str> = requested.split(' ').filter(|s| !s.is_empty()).collect();
    asked.contains(&"openid").then(|| SCOPES.iter().filter(|s| asked.contains(s)).copied().collect::<Vec<_>>().join(" "))
}

fn has_scope(scope: &str, wanted: &str) -> bool {
    scope.split(' ').any(|s| s == wanted)
}

/// An S256 challenge: the unpadded base64url of a SHA-256, 43 characters.
fn is_s256_challenge(c: &str) -> bool {
    c.len() == 43 && c.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// RFC 7636 §4.1 and §4.6: a verifier of 43 to 128 unreserved characters whose SHA-256 is the
/// challenge.
fn pkce_matches(verifier: &str, challenge: &str) -> bool {
    let well_formed =
        (43..=128).contains(&verifier.len()) && verifier.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
    let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    well_formed && bool::from(computed.as_bytes().ct_eq(challenge.as_bytes()))
}

/// The token endpoint's answer (RFC 6749 §5.1 with OpenID Connect's `id_token`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    /// `Bearer`.
    pub token_type: String,
    /// Seconds.
    pub expires_in: i64,
    pub refresh_token: String,
    pub id_token: String,
    pub scope: String,
}

/// What the person is, as tokens and userinfo state it.
struct Subject {
    person: PersonRecord,
    role: Option<String>,
    permissions: Vec<String>,
    /// `"all"` or the branch ids.
    branches: serde_json::Value,
}

/// The claims of an access token (RFC 9068).
#[derive(Debug, Serialize, Deserialize)]
struct AccessClaims {
    iss: String,
    sub: String,
    aud: String,
    client_id: String,
    exp: i64,
    iat: i64,
    jti: String,
    scope: String,
    /// The grant: the sign-in at this client, which must still be alive for the token to work.
    sid: String,
}

/// What an `id_token_hint` must say.
#[derive(Debug, Deserialize)]
struct HintClaims {
    sub: String,
    aud: String,
    #[serde(default)]
    sid: Option<String>,
}

/// `POST /oauth/token`'s input: the form, and the `client_secret_basic` credentials if sent.
#[derive(Debug, Clone, Default)]
pub struct TokenRequest {
    pub form: Params,
    pub basic: Option<(String, String)>,
}

/// `/oauth/logout`'s input (OpenID Connect RP-Initiated Logout 1.0).
#[derive(Debug, Clone, Default)]
pub struct EndSession {
    pub id_token_hint: Option<String>,
    pub post_logout_redirect_uri: Option<String>,
    pub state: Option<String>,
    pub client_id: Option<String>,
}

fn seconds(ms: i64) -> i64 {
    ms.div_euclid(1000)
}

impl App {
    fn issuer_of(&self, slug: &str) -> String {
        issuer(self.config.base_url(), slug)
    }

    fn session_alive(&self, s: &SessionRecord, now: i64) -> bool {
        s.last_seen_at + self.config.session_idle_ms > now
            && s.created_at + self.config.session_absolute_ms > now
            && s.expires_at > now
    }

    /// Checks an authorization request (`GET /t/{tenant}/oauth/authorize`).
    pub async fn authorization_request(&self, slug: &str, params: &Params) -> AppResult<Authorization> {
        let tenant = self.tenant_by_slug(slug).await?;
        let refuse = |d: &str| Ok(Authorization::Refused { description: d.to_owned() });
        if params.repeated("client_id") || params.repeated("redirect_uri") {
            return refuse("The request names more than one application or return address.");
        }
        let Some(client_id) = params.get("client_id") else { return refuse("The request names no application (client_id).") };
        let mut conn = self.store.read().await?;
        let Some(client) = repo::oidc::client(&mut conn, tenant.id(), client_id).await? else {
            return refuse("The application is not registered here.");
        };
        drop(conn);
        // OpenID Connect requires the redirect URI in the request; it must be registered as is.
        let Some(redirect_uri) = params.get("redirect_uri") else {
            return refuse("The request names no return address (redirect_uri).");
        };
        if !client.redirect_uris.iter().any(|r| r == redirect_uri) {
            return refuse("The return address (redirect_uri) is not registered for this application.");
        }
        let issuer = self.issuer_of(slug);
        let state = params.get("state").map(str::to_owned);
        let error = |code: &str, description: &str| {
            Ok(Authorization::Error {
                redirect: error_redirect(
                    redirect_uri,
                    &issuer,
                    code,
                    description,
                    state.as_deref().filter(|s| s.len() <= MAX_ECHO_LEN),
                ),
            })
        };
        let duplicates = params.duplicates();
        if !duplicates.is_empty() {
            return error("invalid_request", &format!("parameters given more than once: {}", duplicates.join(", ")));
        }
        if params.get("request").is_some() {
            return error("request_not_supported", "request objects are not supported");
        }
        if params.get("request_uri").is_some() {
            return error("request_uri_not_supported", "request_uri is not supported");
        }
        if params.get("response_type") != Some("code") {
            return error("unsupported_response_type", "only the authorization code flow (response_type=code) is supported");
        }
        if params.get("response_mode").is_some_and(|m| m != "query") {
            return error("invalid_request", "only response_mode=query is supported");
        }
        let Some(scope) = known_scopes(params.get("scope").unwrap_or_default()) else {
            return error("invalid_scope", "the scope must include openid");
        };
        let Some(code_challenge) = params.get("code_challenge") else {
            return error("invalid_request", "PKCE is required: send code_challenge with code_challenge_method=S256");
        };
        if params.get("code_challenge_method") != Some("S256") {
            return error("invalid_request", "code_challenge_method must be S256");
        }
        if !is_s256_challenge(code_challenge) {
            return error("invalid_request", "code_challenge is not an S256 challenge (43 base64url characters)");
        }
        let nonce = params.get("nonce").map(str::to_owned);
        if state.as_ref().is_some_and(|s| s.len() > MAX_ECHO_LEN) || nonce.as_ref().is_some_and(|n| n.len() > MAX_ECHO_LEN) {
            return error("invalid_request", "state and nonce may have at most 1000 characters");
        }
        let prompt_none = params.get("prompt").is_some_and(|p| p.split(' ').any(|v| v == "none"));
        Ok(Authorization::Valid(Box::new(AuthorizationRequest {
            redirect_uri: redirect_uri.to_owned(),
            client,
            scope,
            state,
            nonce,
            code_challenge: code_challenge.to_owned(),
            prompt_none,
            issuer,
        })))
    }

    /// Issues a code for the signed-in person and answers the redirect that carries it.
    pub async fn issue_code(&self, session: &Session, request: &AuthorizationRequest) -> AppResult<String> {
        if request.client.tenant_id != session.tenant.id() {
            return Err(AppError::NotFound);
        }
        let now = self.now();
        let mut conn = self.store.read().await?;
        let record =
            repo::sessions::get(&mut conn, session.tenant.id(), &session.id_hash).await?.ok_or(AppError::Unauthorized)?;
        let code = new_token();
        repo::oidc::insert_code(
            &mut conn,
            &CodeRecord {
                code_hash: digest(&code),
                tenant_id: session.tenant.id().to_owned(),
                client_id: request.client.id.clone(),
                person_id: session.person.id.clone(),
                session_hash: session.id_hash.clone(),
                redirect_uri: request.redirect_uri.clone(),
                scope: request.scope.clone(),
                nonce: request.nonce.clone(),
                code_challenge: request.code_challenge.clone(),
                auth_time: record.created_at,
                created_at: now,
                expires_at: now + CODE_TTL_MS,
                used_at: None,
                grant_id: None,
            },
        )
        .await?;
        let mut params = vec![("code", code.as_str())];
        if let Some(s) = &request.state {
            params.push(("state", s));
        }
        params.push(("iss", &request.issuer));
        Ok(with_params(&request.redirect_uri, &params))
    }

    /// `POST /oauth/token`: `authorization_code` and `refresh_token` grants.
    pub async fn token(&self, slug: &str, request: TokenRequest) -> OidcResult<TokenResponse> {
        let tenant = self.tenant_by_slug(slug).await?;
        let duplicates = request.form.duplicates();
        if !duplicates.is_empty() {
            return Err(OidcError::new("invalid_request", format!("parameters given more than once: {}", duplicates.join(", "))));
        }
        let client = self.authenticate_client(tenant.id(), &request).await?;
        match request.form.get("grant_type") {
            Some("authorization_code") => self.exchange_code(slug, tenant.id(), &client, &request.form).await,
            Some("refresh_token") => self.refresh(slug, tenant.id(), &client, &request.form).await,
            Some(_) => Err(OidcError::new("unsupported_grant_type", "the grant types are authorization_code and refresh_token")),
            None => Err(OidcError::new("invalid_request", "grant_type is missing")),
        }
    }

    /// `client_secret_basic` for a confidential client, the bare `client_id` for a public one.
    async fn authenticate_client(&self, tenant_id: &str, request: &TokenRequest) -> OidcResult<ClientRecord> {
        let form = &request.form;
        if form.get("client_secret").is_some() || form.get("client_assertion").is_some() {
            return Err(OidcError::invalid_client("clients authenticate with client_secret_basic (HTTP Basic) only"));
        }
        let body_id = form.get("client_id");
        let (id, secret) = match &request.basic {
            Some((id, secret)) => {
                if body_id.is_some_and(|b| b != id) {
                    return Err(OidcError::invalid_client("client_id differs from the authenticated client"));
                }
                (id.as_str(), Some(secret.as_str()))
            }
            None => (body_id.ok_or_else(|| OidcError::invalid_client("client authentication is required"))?, None),
        };
        let mut conn = self.store.read().await?;
        let unknown = || OidcError::invalid_client("unknown client or wrong secret");
        let client = repo::oidc::client(&mut conn, tenant_id, id).await?.ok_or_else(unknown)?;
        match (&client.secret_hash, secret) {
            (Some(hash), Some(secret)) if bool::from(digest(secret).as_bytes().ct_eq(hash.as_bytes())) => Ok(client),
            (Some(_), None) => Err(OidcError::invalid_client("this client must authenticate with client_secret_basic")),
            // Some libraries send a public client's id with an empty password in Basic.
            (None, None) => Ok(client),
            (None, Some("")) => Ok(client),
            _ => Err(unknown()),
        }
    }

    /// What the person is now, if they can still log in.
    async fn subject(&self, conn: &mut Conn, tenant_id: &str, person_id: &str) -> AppResult<Option<Subject>> {
        let Some(login) = repo::logins::get(conn, tenant_id, person_id).await? else { return Ok(None) };
        if !login.state.can_log_in() {
            return Ok(None);
        }
        let Some(person) = repo::people::get(conn, tenant_id, person_id).await? else { return Ok(None) };
        Ok(Some(self.subject_of(conn, tenant_id, person, &login).await?))
    }

    /// The role, effective permissions and branch scope, by the same rules as
    /// [`keyrack_core::authz::check`]: an administrator holds everything, everywhere.
    async fn subject_of(
        &self,
        conn: &mut Conn,
        tenant_id: &str,
        person: PersonRecord,
        login: &LoginRecord,
    ) -> AppResult<Subject> {
        let role = match &login.role_id {
            Some(id) => repo::roles::get(conn, tenant_id, id).await?,
            None => None,
        };
        let administrator = role.as_ref().is_some_and(|r| r.builtin && r.name == keyrack_core::authz::ADMINISTRATOR);
        let mut permissions: Vec<String> = if administrator {
            self.config.all_permissions()
        } else {
            role.iter().flat_map(|r| r.permissions.iter()).chain(login.permissions.iter()).cloned().collect()
        };
        permissions.sort();
        permissions.dedup();
        let branches = match (&login.branches, administrator) {
            (Some(ids), false) => serde_json::json!(ids),
            _ => serde_json::json!("all"),
        };
        Ok(Subject { person, role: role.map(|r| r.name), permissions, branches })
    }

    /// The claims about the person for these scopes: `sub`; `name`, `given_name`,
    /// `family_name` and `locale` with `profile`; `email` with `email`; and always Keyrack's
    /// `kind`, `role`, `permissions` and `branches`.
    fn identity(subject: &Subject, scope: &str) -> serde_json::Map<String, serde_json::Value> {
        let p = &subject.person;
        let mut claims = serde_json::Map::new();
        claims.insert("sub".into(), p.id.clone().into());
        if has_scope(scope, "profile") {
            let name = format!("{} {}", p.first_name, p.last_name).trim().to_owned();
            for (claim, value) in
                [("name", name.as_str()), ("given_name", p.first_name.as_str()), ("family_name", p.last_name.as_str())]
            {
                if !value.is_empty() {
                    claims.insert(claim.into(), value.into());
                }
            }
            claims.insert("locale".into(), p.language.as_str().into());
        }
        if has_scope(scope, "email")
            && let Some(email) = &p.email
        {
            claims.insert("email".into(), email.clone().into());
        }
        claims.insert("kind".into(), p.kind.as_str().into());
        claims.insert("role".into(), subject.role.clone().into());
        claims.insert("permissions".into(), subject.permissions.clone().into());
        claims.insert("branches".into(), subject.branches.clone());
        claims
    }

    /// Signs the ID token and the access token of a grant and assembles the answer.
    async fn tokens(
        &self,
        slug: &str,
        grant: &GrantRecord,
        subject: &Subject,
        nonce: Option<&str>,
        refresh_token: String,
        now: i64,
    ) -> OidcResult<TokenResponse> {
        let iss = self.issuer_of(slug);
        let (iat, exp) = (seconds(now), seconds(now + TOKEN_TTL_MS));
        let mut id = Self::identity(subject, &grant.scope);
        id.insert("iss".into(), iss.clone().into());
        id.insert("aud".into(), grant.client_id.clone().into());
        id.insert("iat".into(), iat.into());
        id.insert("exp".into(), exp.into());
        id.insert("auth_time".into(), seconds(grant.auth_time).into());
        id.insert("sid".into(), grant.id.clone().into());
        if let Some(n) = nonce {
            id.insert("nonce".into(), n.into());
        }
        let access = AccessClaims {
            iss,
            sub: grant.person_id.clone(),
            aud: grant.client_id.clone(),
            client_id: grant.client_id.clone(),
            exp,
            iat,
            jti: new_id(),
            scope: grant.scope.clone(),
            sid: grant.id.clone(),
        };
        Ok(TokenResponse {
            id_token: self.sign("JWT", &id).await?,
            access_token: self.sign("at+jwt", &access).await?,
            token_type: "Bearer".into(),
            expires_in: TOKEN_TTL_MS / 1000,
            refresh_token,
            scope: grant.scope.clone(),
        })
    }

    /// Records a replayed code or refresh token: a sign of theft worth an audit event.
    async fn audit_replay(&self, conn: &mut Conn, tenant_id: &str, action: &str, grant: Option<&str>, now: i64) -> AppResult<()> {
        append(
            conn,
            Event::new(tenant_id, &Actor::System, &Origin::default(), now, action, grant, "OpenID Connect grant")
                .after(serde_json::json!({"grant_revoked": grant.is_some()})),
        )
        .await
    }

    async fn exchange_code(
        &self,
        slug: &str,
        tenant_id: &str,
        client: &ClientRecord,
        form: &Params,
    ) -> OidcResult<TokenResponse> {
        let code = form.get("code").ok_or_else(|| OidcError::new("invalid_request", "code is missing"))?;
        let now = self.now();
        let grant_id = new_id();
        let mut tx = self.store.begin().await?;
        let Some(record) = repo::oidc::code(&mut tx, tenant_id, &digest(code)).await? else {
            return Err(OidcError::invalid_grant("the code is not valid"));
        };
        if !repo::oidc::use_code(&mut tx, tenant_id, &record.code_hash, &grant_id, now).await? {
            // Used before (or just now by a concurrent request, whose transaction went first):
            // whoever holds it, the tokens issued from it end.
            let used = repo::oidc::code(&mut tx, tenant_id, &record.code_hash).await?;
            let revoked = match used.and_then(|c| c.grant_id) {
                Some(g) => repo::oidc::delete_grant(&mut tx, tenant_id, &g).await?.then_some(g),
                None => None,
            };
            self.audit_replay(&mut tx, tenant_id, "oidc.code_replayed", revoked.as_deref(), now).await?;
            tx.commit().await.map_err(StoreError::from)?;
            return Err(OidcError::invalid_grant("the code was already used; the tokens issued from it are revoked"));
        }
        // From here the code is spent whatever the outcome: it is committed as used even when
        // the exchange is refused, so a stolen code cannot be retried with other guesses.
        let refusal = if record.client_id != client.id {
            Some("the code was issued to another client")
        } else if record.expires_at <= now {
            Some("the code has expired")
        } else if form.get("redirect_uri") != Some(record.redirect_uri.as_str()) {
            Some("redirect_uri differs from the authorization request's")
        } else if !form.get("code_verifier").is_some_and(|v| pkce_matches(v, &record.code_challenge)) {
            Some("code_verifier is missing or does not match the code_challenge")
        } else {
            None
        };
        let session = repo::sessions::get(&mut tx, tenant_id, &record.session_hash).await?;
        let alive = session.as_ref().is_some_and(|s| self.session_alive(s, now));
        let subject = if refusal.is_none() && alive { self.subject(&mut tx, tenant_id, &record.person_id).await? } else { None };
        let Some(subject) = subject else {
            tx.commit().await.map_err(StoreError::from)?;
            return Err(OidcError::invalid_grant(refusal.unwrap_or("the sign-in this code came from has ended")));
        };
        let grant = GrantRecord {
            id: grant_id,
            tenant_id: tenant_id.to_owned(),
            client_id: client.id.clone(),
            person_id: record.person_id.clone(),
            session_hash: record.session_hash.clone(),
            scope: record.scope.clone(),
            auth_time: record.auth_time,
            created_at: now,
        };
        repo::oidc::insert_grant(&mut tx, &grant).await?;
        let refresh_token = new_token();
        repo::oidc::insert_refresh_token(
            &mut tx,
            &RefreshTokenRecord {
                token_hash: digest(&refresh_token),
                grant_id: grant.id.clone(),
                created_at: now,
                used_at: None,
            },
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        // Signing after the commit keeps the write transaction short (a signature takes about
        // a millisecond); a failure here leaves a grant no one holds a token of.
        self.tokens(slug, &grant, &subject, record.nonce.as_deref(), refresh_token, now).await
    }

    async fn refresh(&self, slug: &str, tenant_id: &str, client: &ClientRecord, form: &Params) -> OidcResult<TokenResponse> {
        let presented = form.get("refresh_token").ok_or_else(|| OidcError::new("invalid_request", "refresh_token is missing"))?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let token = repo::oidc::refresh_token(&mut tx, tenant_id, &digest(presented)).await?;
        let grant = match &token {
            Some(t) => repo::oidc::grant(&mut tx, tenant_id, &t.grant_id).await?,
            None => None,
        };
        let (Some(token), Some(grant)) = (token, grant) else {
            return Err(OidcError::invalid_grant("the refresh token is not valid"));
        };
        if grant.client_id != client.id {
            return Err(OidcError::invalid_grant("the refresh token was issued to another client"));
        }
        if token.used_at.is_some() || !repo::oidc::use_refresh_token(&mut tx, &token.token_hash, now).await? {
            repo::oidc::delete_grant(&mut tx, tenant_id, &grant.id).await?;
            self.audit_replay(&mut tx, tenant_id, "oidc.refresh_token_replayed", Some(&grant.id), now).await?;
            tx.commit().await.map_err(StoreError::from)?;
            return Err(OidcError::invalid_grant("the refresh token was already used; every token of this sign-in is revoked"));
        }
        if let Some(requested) = form.get("scope")
            && !requested.split(' ').filter(|s| !s.is_empty()).all(|s| has_scope(&grant.scope, s))
        {
            return Err(OidcError::new("invalid_scope", "a refresh cannot widen the scope"));
        }
        let session = repo::sessions::get(&mut tx, tenant_id, &grant.session_hash).await?;
        let alive = session.as_ref().is_some_and(|s| self.session_alive(s, now));
        let subject = if alive { self.subject(&mut tx, tenant_id, &grant.person_id).await? } else { None };
        let Some(subject) = subject else {
            // Blocked, removed, reset, or the session timed out: the family ends here.
            repo::oidc::delete_grant(&mut tx, tenant_id, &grant.id).await?;
            tx.commit().await.map_err(StoreError::from)?;
            return Err(OidcError::invalid_grant("the person can no longer sign in, or their session has ended"));
        };
        let next = new_token();
        repo::oidc::insert_refresh_token(
            &mut tx,
            &RefreshTokenRecord { token_hash: digest(&next), grant_id: grant.id.clone(), created_at: now, used_at: None },
        )
        .await?;
        // An application refreshing is the person still at work: the session's idle timer
        // restarts (its absolute lifetime does not).
        repo::sessions::touch(&mut tx, &grant.session_hash, now).await?;
        tx.commit().await.map_err(StoreError::from)?;
        // OpenID Connect Core §12.2: no nonce in a refreshed ID token.
        self.tokens(slug, &grant, &subject, None, next, now).await
    }

    /// `GET /oauth/userinfo`: the claims for a live access token.
    pub async fn userinfo(&self, slug: &str, access_token: &str) -> OidcResult<serde_json::Map<String, serde_json::Value>> {
        let tenant = self.tenant_by_slug(slug).await?;
        let claims: AccessClaims = self.verify(access_token, &self.issuer_of(slug), "at+jwt").await?;
        let now = self.now();
        if claims.exp * 1000 <= now {
            return Err(OidcError::invalid_token("the access token has expired"));
        }
        let mut conn = self.store.read().await?;
        let ended = || OidcError::invalid_token("the sign-in this token came from has ended");
        let grant = repo::oidc::grant(&mut conn, tenant.id(), &claims.sid).await?.ok_or_else(ended)?;
        if grant.person_id != claims.sub {
            return Err(ended());
        }
        let session = repo::sessions::get(&mut conn, tenant.id(), &grant.session_hash).await?;
        if !session.is_some_and(|s| self.session_alive(&s, now)) {
            return Err(ended());
        }
        let subject = self.subject(&mut conn, tenant.id(), &grant.person_id).await?.ok_or_else(ended)?;
        Ok(Self::identity(&subject, &grant.scope))
    }

    /// RP-initiated logout: ends the sign-in at the client and the Keyrack session of the same
    /// person, and answers where to send the browser (the client's registered post-logout URI
    /// with `state`), if anywhere.
    ///
    /// `id_token_hint` is required: it proves which client asks and for whom, so that no other
    /// site can sign people out or use Keyrack as a redirector. It may have expired.
    pub async fn end_session(&self, slug: &str, input: &EndSession, session_cookie: Option<&str>) -> OidcResult<Option<String>> {
        let tenant = self.tenant_by_slug(slug).await?;
        let hint = input
            .id_token_hint
            .as_deref()
            .ok_or_else(|| OidcError::new("invalid_request", "id_token_hint is required to sign out through an application"))?;
        let claims: HintClaims = self
            .verify(hint, &self.issuer_of(slug), "JWT")
            .await
            .map_err(|_| OidcError::new("invalid_request", "id_token_hint is not an ID token of this issuer"))?;
        if input.client_id.as_deref().is_some_and(|c| c != claims.aud) {
            return Err(OidcError::new("invalid_request", "client_id differs from the ID token's audience"));
        }
        let mut tx = self.store.begin().await?;
        let client = repo::oidc::client(&mut tx, tenant.id(), &claims.aud)
            .await?
            .ok_or_else(|| OidcError::new("invalid_request", "the application is not registered here"))?;
        if let Some(uri) = &input.post_logout_redirect_uri
            && !client.post_logout_redirect_uris.iter().any(|r| r == uri)
        {
            return Err(OidcError::new("invalid_request", "post_logout_redirect_uri is not registered for this application"));
        }
        if let Some(sid) = &claims.sid
            && let Some(grant) = repo::oidc::grant(&mut tx, tenant.id(), sid).await?
            && grant.person_id == claims.sub
        {
            repo::oidc::delete_grant(&mut tx, tenant.id(), sid).await?;
        }
        if let Some(cookie) = session_cookie
            && let Some(s) = repo::sessions::get(&mut tx, tenant.id(), &digest(cookie)).await?
            && s.person_id == claims.sub
        {
            // Every grant of the session ends with it (foreign key).
            repo::sessions::delete(&mut tx, &s.id_hash).await?;
        }
        tx.commit().await.map_err(StoreError::from)?;
        Ok(input.post_logout_redirect_uri.as_ref().map(|uri| match &input.state {
            Some(state) => with_params(uri, &[("state", state)]),
            None => uri.clone(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_s256_matches_rfc_7636_appendix_b() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(is_s256_challenge(challenge));
        assert!(pkce_matches(verifier, challenge));
        assert!(!pkce_matches("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXj", challenge));
        // `plain` (the verifier itself as challenge) does not pass for S256.
        assert!(!pkce_matches(verifier, verifier));
        assert!(!pkce_matches("short", challenge));
    }

    #[test]
    fn scopes_need_openid_and_keep_only_known_ones() {
        assert_eq!(known_scopes("email openid offline_access profile").as_deref(), Some("openid profile email"));
        assert_eq!(known_scopes("openid").as_deref(), Some("openid"));
        assert_eq!(known_scopes("profile email"), None);
        assert_eq!(known_scopes(""), None);
    }

    #[test]
    fn parameters_given_twice_are_found_and_reencoding_round_trips() {
        let p = Params::parse("a=1&b=x%2Fy&a=2&c=");
        assert_eq!(p.duplicates(), vec!["a"]);
        assert_eq!(p.get("c"), None, "an empty value is absent");
        assert_eq!(p.get("b"), Some("x/y"));
        assert_eq!(Params::parse(&p.encode()).0, p.0);
    }

    #[test]
    fn redirects_keep_the_registered_query_and_add_parameters() {
        assert_eq!(
            with_params("https://app.example.com/cb?tenant=a", &[("code", "x y"), ("state", "s&t")]),
            "https://app.example.com/cb?tenant=a&code=x+y&state=s%26t"
        );
    }
}
