//! Registering relying parties: `POST /tenants/{t}/clients`, `keyrack client create`.
//!
//! A confidential client gets a secret (256 bits, answered once, stored as its SHA-256) and
//! authenticates with `client_secret_basic`; a public client (a single-page or native
//! application) has none and is held to PKCE alone, which Keyrack requires of every client.
//! Redirect URIs are compared exactly, so they are checked well here: absolute, no fragment,
//! HTTPS — or HTTP on a loopback host (RFC 8252 §7.3), or a private-use scheme for a public
//! native application (RFC 8252 §7.1).

use keyrack_core::{FieldError, FieldErrors};
use keyrack_store::repo;
use keyrack_store::repo::oidc::ClientRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::audit::{Event, append};
use crate::clock::rfc3339;
use crate::secrets::{digest, new_token};
use crate::transaction;
use crate::{Actor, App, AppResult, Origin, Target, new_id};

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

/// Checks one redirect URI; answers the reason it is refused.
fn redirect_problem(raw: &str, public: bool) -> Option<&'static str> {
    if raw.len() > MAX_URI_LEN || raw.trim() != raw {
        return Some("must be a URL without surrounding spaces, at most 2000 characters");
    }
    let Ok(url) = url::Url::parse(raw) else { return Some("must be an absolute URL") };
    if url.fragment().is_some() {
        return Some("must not contain a fragment (#)");
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Some("must not contain a user name or password");
    }
    match url.scheme() {
        "https" if url.host().is_some() => None,
        "http" if loopback(&url) => None,
        "http" => Some("must use https (http only for localhost or a loopback address)"),
        // A private-use scheme is a reverse domain name (com.example.app:/callback).
        scheme if public && scheme.contains('.') => None,
        _ => Some("must use https, http on a loopback address, or (for a public native client) a reverse-domain scheme"),
    }
}

fn check_uris(errors: &mut FieldErrors, field: &str, uris: &[String], public: bool, required: bool) {
    if required && uris.is_empty() {
        errors.push(FieldError::new(field, "required", "at least one redirect URI is needed"));
    }
    if uris.len() > MAX_URIS {
        errors.push(FieldError::new(field, "too_many", format!("at most {MAX_URIS}")));
    }
    for (i, uri) in uris.iter().enumerate() {
        if let Some(problem) = redirect_problem(uri, public) {
            errors.push(FieldError::new(format!("{field}[{i}]"), "invalid_uri", problem));
        }
    }
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
        let name = input.name.trim().to_owned();
        if name.is_empty() || name.chars().count() > 100 {
            errors.push(FieldError::new("name", "required", "must be 1 to 100 characters"));
        }
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
