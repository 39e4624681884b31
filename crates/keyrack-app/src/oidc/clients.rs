//! Registering relying parties: `POST /tenants/{t}/clients`, `keyrack client create`.
//!
//! A confidential client gets a secret (256 bits, answered once, stored as its SHA-256) and
//! authenticates with `client_secret_basic`; a public client (a single-page or native
//! application) has none and is held to PKCE alone, which Keyrack requires of every client.
//! Redirect URIs are compared exactly, so they are checked well here: absolute, no fragment,
//! HTTPS — or HTTP on a loopback host (RFC 8252 §7.3), or a private-use scheme for a public
//! native application (RFC 8252 §7.1).

use keyrack_core::{FieldError, FieldErrors};
use keyrack_store::repo::oidc::ClientRecord;
use keyrack_store::{StoreError, Tx, repo};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::audit::{Event, append};
use crate::clock::rfc3339;
use crate::secrets::{digest, new_token};
use crate::transaction;
use crate::{Actor, App, AppError, AppResult, Origin, Target, new_id};

/// At most this many redirect URIs per list: a client with more is misconfigured.
const MAX_URIS: usize = 10;
const MAX_URI_LEN: usize = 2000;

/// `POST /tenants/{t}/clients`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewClient {
    /// Shown to people in messages about the application; 1 to 100 characters.
    #[schema(pattern = "\\S", max_length = 100)]
    pub name: String,
    /// Where codes may be sent, compared exactly (1 to 10).
    #[schema(min_items = 1, max_items = 10)]
    pub redirect_uris: Vec<String>,
    /// `true` for an application that cannot keep a secret (single-page, native): it gets no
    /// secret and relies on PKCE alone.
    #[serde(default)]
    pub public: bool,
    /// Where the end-session endpoint may send people after signing out, compared exactly.
    #[serde(default)]
    pub post_logout_redirect_uris: Vec<String>,
}

/// A registered client, as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClientView {
    pub client_id: String,
    pub name: String,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub public: bool,
    /// The issuer to configure in the application (discovery is below it).
    pub issuer: String,
    pub created_at: String,
}

/// The answer to registering a client: the secret is in it this once.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClientCreated {
    /// `null` for a public client. Stored only as a hash: it cannot be shown again.
    pub client_secret: Option<String>,
    /// The client as listed (`client_id`, `name`, `redirect_uris`, ...).
    #[serde(flatten)]
    pub client: ClientView,
}

/// Whether the host of an `http:` redirect URI is this machine (RFC 8252 §7.3).
fn loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// A broken rule of a redirect URI: its stable name (the `rule` of the field error, which the
/// pages turn into a sentence) and the sentence for the API.
type Problem = (&'static str, &'static str);

/// Checks one redirect URI; answers the rule it breaks.
fn redirect_problem(raw: &str, public: bool) -> Option<Problem> {
    if raw.len() > MAX_URI_LEN || raw.trim() != raw {
        return Some(("length_or_spaces", "must be a URL without surrounding spaces, at most 2000 characters"));
    }
    let Ok(url) = url::Url::parse(raw) else { return Some(("not_absolute", "must be an absolute URL")) };
    if url.fragment().is_some() {
        return Some(("fragment", "must not contain a fragment (#)"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Some(("credentials", "must not contain a user name or password"));
    }
    match url.scheme() {
        "https" if url.host().is_some() => None,
        "http" if loopback(&url) => None,
        "http" => Some(("http_not_loopback", "must use https (http only for localhost or a loopback address)")),
        // A private-use scheme is a reverse domain name (com.example.app:/callback).
        scheme if public && scheme.contains('.') => None,
        _ => Some((
            "scheme",
            "must use https, http on a loopback address, or (for a public native client) a reverse-domain scheme",
        )),
    }
}

/// Checks a list of redirect URIs. Each refusal names the list's position (`field[i]`, and the
/// 1-based `line` for a form that takes one URI per line) and the rule.
fn check_uris(errors: &mut FieldErrors, field: &str, uris: &[String], public: bool, required: bool) {
    if required && uris.is_empty() {
        errors.push(FieldError::new(field, "required", "at least one redirect URI is needed"));
    }
    if uris.len() > MAX_URIS {
        errors.push(FieldError::new(field, "too_many", format!("at most {MAX_URIS}")).with_param("max", MAX_URIS));
    }
    for (i, uri) in uris.iter().enumerate() {
        if let Some((rule, problem)) = redirect_problem(uri, public) {
            errors.push(
                FieldError::new(format!("{field}[{i}]"), "invalid_uri", problem)
                    .with_param("line", i + 1)
                    .with_param("rule", rule),
            );
        }
    }
}

fn check_name(errors: &mut FieldErrors, raw: &str) -> String {
    let name = raw.trim().to_owned();
    if name.is_empty() || name.chars().count() > 100 {
        errors.push(FieldError::new("name", "required", "must be 1 to 100 characters"));
    }
    name
}

/// `PATCH /tenants/{t}/clients/{id}`: what to change; a field left out stays as it is. Whether
/// a client is public cannot change: register a new client instead.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientUpdate {
    pub name: Option<String>,
    pub redirect_uris: Option<Vec<String>>,
    pub post_logout_redirect_uris: Option<Vec<String>>,
}

/// A client in the admin's list: as the API shows it, and when it was last used if that is
/// still known.
#[derive(Debug, Clone)]
pub struct ClientSummary {
    pub client: ClientView,
    /// Unix milliseconds.
    pub created_at: i64,
    /// Unix milliseconds of the newest code or refresh token issued to it.
    pub last_used_at: Option<i64>,
}

impl App {
    fn client_view(&self, slug: &str, c: &ClientRecord) -> ClientView {
        ClientView {
            client_id: c.id.clone(),
            name: c.name.clone(),
            redirect_uris: c.redirect_uris.clone(),
            post_logout_redirect_uris: c.post_logout_redirect_uris.clone(),
            public: c.is_public(),
            issuer: super::issuer(self.config.base_url(), slug),
            created_at: rfc3339(c.created_at),
        }
    }

    /// Registers a client (operator, a write key of the tenant, or the command line).
    pub async fn create_client(&self, actor: &Actor, origin: &Origin, slug: &str, input: NewClient) -> AppResult<ClientCreated> {
        let tenant = self.tenant(actor, slug).await?;
        self.require_write(actor, tenant.id(), Target::Tenant).await?;
        self.require_permission(actor, &tenant, crate::rights::SETTINGS_MANAGE, true).await?;
        let mut errors = FieldErrors::default();
        let name = check_name(&mut errors, &input.name);
        check_uris(&mut errors, "redirect_uris", &input.redirect_uris, input.public, true);
        check_uris(&mut errors, "post_logout_redirect_uris", &input.post_logout_redirect_uris, input.public, false);
        errors.into_result()?;

        let secret = (!input.public).then(new_token);
        let now = self.now();
        let record = ClientRecord {
            id: new_id(),
            tenant_id: tenant.id().to_owned(),
            name,
            secret_hash: secret.as_deref().map(digest),
            redirect_uris: dedup(input.redirect_uris),
            post_logout_redirect_uris: dedup(input.post_logout_redirect_uris),
            created_at: now,
        };
        transaction!(self, |tx| {
            repo::oidc::insert_client(tx, &record).await?;
            append(
                tx,
                Event::new(tenant.id(), actor, origin, now, "oidc_client.created", Some(&record.id), &record.name)
                    .after(serde_json::json!({"public": input.public, "redirect_uris": record.redirect_uris,
                        "post_logout_redirect_uris": record.post_logout_redirect_uris})),
            )
            .await
        })?;
        Ok(ClientCreated { client_secret: secret, client: self.client_view(tenant.slug(), &record) })
    }

    /// The tenant's clients (any key of the tenant may read them; secrets are never shown).
    pub async fn clients(&self, actor: &Actor, slug: &str) -> AppResult<Vec<ClientView>> {
        let tenant = self.tenant(actor, slug).await?;
        let mut conn = self.store.read().await?;
        Ok(repo::oidc::clients(&mut conn, tenant.id()).await?.iter().map(|c| self.client_view(tenant.slug(), c)).collect())
    }

    /// The tenant's clients for the console (`settings.manage`, like every change to them),
    /// each with when it was last used.
    pub async fn client_summaries(&self, actor: &Actor, slug: &str) -> AppResult<Vec<ClientSummary>> {
        let tenant = self.tenant(actor, slug).await?;
        self.require_permission(actor, &tenant, crate::rights::SETTINGS_MANAGE, false).await?;
        let mut conn = self.store.read().await?;
        let last_used: std::collections::HashMap<String, i64> =
            repo::oidc::clients_last_used(&mut conn, tenant.id()).await?.into_iter().collect();
        Ok(repo::oidc::clients(&mut conn, tenant.id())
            .await?
            .iter()
            .map(|c| ClientSummary {
                last_used_at: last_used.get(&c.id).copied(),
                created_at: c.created_at,
                client: self.client_view(tenant.slug(), c),
            })
            .collect())
    }

    /// One client of the tenant; another tenant's id is not found.
    pub async fn client(&self, actor: &Actor, slug: &str, id: &str) -> AppResult<ClientView> {
        let tenant = self.tenant(actor, slug).await?;
        let mut conn = self.store.read().await?;
        let record = repo::oidc::client(&mut conn, tenant.id(), id).await?.ok_or(AppError::NotFound)?;
        Ok(self.client_view(tenant.slug(), &record))
    }

    /// Renames a client or replaces its redirect URIs, checked by the rules of registration.
    pub async fn update_client(
        &self,
        actor: &Actor,
        origin: &Origin,
        slug: &str,
        id: &str,
        input: ClientUpdate,
    ) -> AppResult<ClientView> {
        let tenant = self.tenant(actor, slug).await?;
        self.require_write(actor, tenant.id(), Target::Client(id)).await?;
        self.require_permission(actor, &tenant, crate::rights::SETTINGS_MANAGE, true).await?;
        let mut tx: Tx = self.store.begin().await?;
        let before = repo::oidc::client(&mut tx, tenant.id(), id).await?.ok_or(AppError::NotFound)?;
        let public = before.is_public();
        let mut errors = FieldErrors::default();
        let name = input.name.as_deref().map(|n| check_name(&mut errors, n));
        if let Some(uris) = &input.redirect_uris {
            check_uris(&mut errors, "redirect_uris", uris, public, true);
        }
        if let Some(uris) = &input.post_logout_redirect_uris {
            check_uris(&mut errors, "post_logout_redirect_uris", uris, public, false);
        }
        errors.into_result()?;
        let after = ClientRecord {
            name: name.unwrap_or_else(|| before.name.clone()),
            redirect_uris: input.redirect_uris.map_or_else(|| before.redirect_uris.clone(), dedup),
            post_logout_redirect_uris: input
                .post_logout_redirect_uris
                .map_or_else(|| before.post_logout_redirect_uris.clone(), dedup),
            ..before.clone()
        };
        if after != before {
            repo::oidc::update_client(&mut tx, &after).await?;
            let shown = |c: &ClientRecord| {
                serde_json::json!({"name": c.name, "redirect_uris": c.redirect_uris,
                    "post_logout_redirect_uris": c.post_logout_redirect_uris})
            };
            append(
                &mut tx,
                Event::new(tenant.id(), actor, origin, self.now(), "oidc_client.updated", Some(id), &after.name)
                    .before(shown(&before))
                    .after(shown(&after)),
            )
            .await?;
        }
        tx.commit().await.map_err(StoreError::from)?;
        Ok(self.client_view(tenant.slug(), &after))
    }

    /// Gives a confidential client a new secret, answered this once; the old one stops working
    /// at once. Sign-ins already made keep their refresh tokens, which only the new secret can
    /// use. A public client has no secret: 409 `public_client`.
    pub async fn rotate_client_secret(&self, actor: &Actor, origin: &Origin, slug: &str, id: &str) -> AppResult<ClientCreated> {
        let tenant = self.tenant(actor, slug).await?;
        self.require_write(actor, tenant.id(), Target::Client(id)).await?;
        self.require_permission(actor, &tenant, crate::rights::SETTINGS_MANAGE, true).await?;
        let mut tx: Tx = self.store.begin().await?;
        let record = repo::oidc::client(&mut tx, tenant.id(), id).await?.ok_or(AppError::NotFound)?;
        if record.is_public() {
            return Err(AppError::Conflict { code: "public_client", message: "a public client has no secret".into() });
        }
        let secret = new_token();
        repo::oidc::set_client_secret(&mut tx, tenant.id(), id, &digest(&secret)).await?;
        append(&mut tx, Event::new(tenant.id(), actor, origin, self.now(), "oidc_client.secret_rotated", Some(id), &record.name))
            .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(ClientCreated { client_secret: Some(secret), client: self.client_view(tenant.slug(), &record) })
    }

    /// Deletes a client: its codes and every sign-in made through it (with their refresh tokens)
    /// end with it, and its access tokens stop opening userinfo.
    pub async fn delete_client(&self, actor: &Actor, origin: &Origin, slug: &str, id: &str) -> AppResult<()> {
        let tenant = self.tenant(actor, slug).await?;
        self.require_write(actor, tenant.id(), Target::Client(id)).await?;
        self.require_permission(actor, &tenant, crate::rights::SETTINGS_MANAGE, true).await?;
        let mut tx: Tx = self.store.begin().await?;
        let record = repo::oidc::client(&mut tx, tenant.id(), id).await?.ok_or(AppError::NotFound)?;
        let grants = repo::oidc::delete_client_grants(&mut tx, tenant.id(), id).await?;
        repo::oidc::delete_client(&mut tx, tenant.id(), id).await?;
        append(
            &mut tx,
            Event::new(tenant.id(), actor, origin, self.now(), "oidc_client.deleted", Some(id), &record.name)
                .before(serde_json::json!({"public": record.is_public(), "redirect_uris": record.redirect_uris}))
                .after(serde_json::json!({"grants_ended": grants})),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }
}

/// The URIs in the order given, each once.
fn dedup(uris: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(uris.len());
    for u in uris {
        if !out.contains(&u) {
            out.push(u);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::redirect_problem;

    #[test]
    fn redirect_uris_are_https_loopback_http_or_native_schemes() {
        for ok in [
            "https://app.example.com/callback",
            "https://app.example.com/cb?tenant=a",
            "http://localhost:8000/cb",
            "http://127.0.0.1/cb",
            "http://[::1]:9/cb",
        ] {
            assert_eq!(redirect_problem(ok, false), None, "{ok}");
        }
        assert_eq!(redirect_problem("com.example.app:/callback", true), None);
        for bad in [
            "http://app.example.com/cb",
            "https://app.example.com/cb#x",
            "/relative/cb",
            "https://user:pw@app.example.com/cb",
            " https://app.example.com/cb",
            "javascript:alert(1)",
            "com.example.app:/callback",
        ] {
            assert!(redirect_problem(bad, false).is_some(), "{bad} should be refused");
        }
        assert!(redirect_problem("data:text/html,x", true).is_some());
    }
}
