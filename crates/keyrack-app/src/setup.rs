//! First run: on a database without tenants, `keyrack serve` prints a one-time setup link; its
//! page creates the first tenant and that tenant's administrator in one transaction, and signs
//! the administrator in.
//!
//! The link is a 256-bit token of which only the hash is stored, in a table of one row: each
//! start on an empty database replaces the row (older links stop working), the link expires
//! after [`SETUP_LINK_TTL_MS`], and the statement that marks it used decides which of several
//! concurrent uses wins. Once any tenant exists no link is issued, and an outstanding one is
//! refused, whoever created that tenant.

use keyrack_core::FieldErrors;
use keyrack_core::access::Action;
use keyrack_core::authz::ADMINISTRATOR;
use keyrack_core::password::{PasswordContext, check};
use keyrack_core::types::{Email, PersonKind, Username, parse_name};
use keyrack_core::{FieldError, password::PasswordPolicy};
use keyrack_store::records::{PersonRecord, search_text};
use keyrack_store::{StoreError, repo};

use crate::access::{ActionInput, GrantInput};
use crate::audit::{Event, append};
use crate::secrets::{digest, new_token};
use crate::selfservice::{Client, SignedIn};
use crate::tenants::{NewTenant, validate_new_tenant};
use crate::{Actor, App, AppError, AppResult, new_id};

/// How long a setup link works: long enough to open it after reading the start-up log, short
/// enough that a link copied into a ticket or a chat is soon worthless. Restarting the server
/// prints a new one.
pub const SETUP_LINK_TTL_MS: i64 = 24 * 3_600_000;

/// What the setup page asks for.
#[derive(Debug, Clone, Default)]
pub struct SetupInput {
    /// The tenant's name, URL name and default language.
    pub name: String,
    pub slug: String,
    pub language: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    /// Defaults to the e-mail address when empty.
    pub username: String,
    pub password: String,
    pub password_again: String,
}

/// The result of a completed setup: where the administrator goes, and their new session.
#[derive(Debug, Clone)]
pub struct SetupDone {
    pub slug: String,
    pub signed_in: SignedIn,
}

impl App {
    /// Issues a new setup link when the database has no tenant, replacing any earlier one, and
    /// answers its URL; answers `None` once a tenant exists.
    pub async fn issue_setup_link(&self) -> AppResult<Option<String>> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        if repo::tenants::count(&mut tx).await? > 0 {
            return Ok(None);
        }
        let token = new_token();
        repo::setup::replace(&mut tx, &digest(&token), now, now + SETUP_LINK_TTL_MS).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(Some(format!("{}/setup/{token}", self.config.base_url())))
    }

    /// Whether a setup token can still be used (for showing the page; nothing is consumed).
    pub async fn setup_link_usable(&self, token: &str) -> AppResult<bool> {
        let mut conn = self.store.read().await?;
        Ok(repo::tenants::count(&mut conn).await? == 0 && repo::setup::usable(&mut conn, &digest(token), self.now()).await?)
    }

    /// Creates the first tenant and its administrator through a setup link, and signs the
    /// administrator in. A used, replaced, expired or unknown token answers `LinkInvalid`;
    /// refused fields answer every broken rule and leave the link usable.
    pub async fn complete_setup(&self, client: &Client, token: &str, input: SetupInput) -> AppResult<SetupDone> {
        if !self.setup_link_usable(token).await? {
            return Err(AppError::LinkInvalid);
        }
        let mut errors = FieldErrors::default();
        let tenant_input =
            NewTenant { slug: input.slug.clone(), name: input.name.clone(), language: Some(input.language.clone()) };
        let checked = match validate_new_tenant(&tenant_input) {
            Ok(c) => Some(c),
            Err(e) => {
                errors.0.extend(e.0);
                None
            }
        };
        let first_name = errors.take(parse_name("first_name", &input.first_name)).unwrap_or_default();
        let last_name = errors.take(parse_name("last_name", &input.last_name)).unwrap_or_default();
        if first_name.is_empty() && last_name.is_empty() {
            errors.push(FieldError::new("last_name", "required", "give the administrator's name"));
        }
        let email = if input.email.trim().is_empty() {
            errors.push(FieldError::new("email", "required", "the administrator needs an e-mail address"));
            None
        } else {
            errors.take(Email::parse(&input.email))
        };
        let typed_username = if input.username.trim().is_empty() { input.email.trim() } else { input.username.trim() };
        let username = errors.take(Username::parse(typed_username).map_err(|e| e.at("username")));
        // The tenant starts with the default policy, so that is the one the password must pass.
        let policy = PasswordPolicy::default();
        let words = [input.name.trim(), first_name.as_str(), last_name.as_str()];
        let ctx = PasswordContext {
            username: username.as_ref().map(Username::as_str),
            email: email.as_ref().map(Email::as_str),
            words: &words,
        };
        let normalized = match check(&policy, &input.password, &ctx) {
            Ok(n) => Some(n),
            Err(e) => {
                errors.0.extend(e);
                None
            }
        };
        if input.password != input.password_again {
            errors.push(FieldError::new("password_again", "mismatch", "the two passwords are not the same"));
        }
        errors.into_result()?;
        let (Some(checked), Some(email), Some(username), Some(normalized)) = (checked, email, username, normalized) else {
            return Err(AppError::Internal("a checked setup field is missing".into()));
        };
        let password_hash = self.hasher.hash(normalized).await?;

        let (actor, origin) = (Actor::System, client.origin.clone());
        let now = self.now();
        let mut tx = self.store.begin().await?;
        // Every use writes the one setup row, so concurrent uses queue here and only the first
        // finds the link unused; a tenant made meanwhile by other means also ends the link.
        if !repo::setup::consume(&mut tx, &digest(token), now).await? || repo::tenants::count(&mut tx).await? > 0 {
            return Err(AppError::LinkInvalid);
        }
        let tenant = self.create_tenant_in_tx(&mut tx, &actor, &origin, checked).await?;
        let person = PersonRecord {
            id: new_id(),
            tenant_id: tenant.id().to_owned(),
            kind: PersonKind::Staff,
            salutation: String::new(),
            first_name,
            last_name,
            email: Some(email.as_str().to_owned()),
            phones: Vec::new(),
            language: tenant.record.language,
            notifications: Vec::new(),
            created_at: now,
            updated_at: now,
            version: 0,
        };
        repo::people::insert(&mut tx, &person, &search_text(&person, None)).await?;
        append(
            &mut tx,
            Event::new(tenant.id(), &actor, &origin, now, "person.created", Some(&person.id), &person.display_name()).after(
                serde_json::json!({"kind": "staff", "first_name": person.first_name, "last_name": person.last_name, "email": person.email}),
            ),
        )
        .await?;
        // The administrator's access goes through the same state machine as any other: grant,
        // then a password (which the administrator chose, so nothing to change at next login).
        let grant = GrantInput { username: Some(username.as_str().to_owned()), role: Some(ADMINISTRATOR.to_owned()) };
        self.act_in_tx(&mut tx, &actor, &origin, &tenant, &person.id, Action::Grant, ActionInput::Grant(grant), now).await?;
        let password = ActionInput::Password { hash: password_hash, generated: None, must_change: false };
        self.act_in_tx(&mut tx, &actor, &origin, &tenant, &person.id, Action::SetPassword, password, now).await?;
        append(
            &mut tx,
            Event::new(tenant.id(), &actor, &origin, now, "setup.completed", Some(&person.id), &person.display_name())
                .after(serde_json::json!({"tenant": tenant.slug(), "administrator": username.as_str()})),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        tracing::info!(tenant = %tenant.slug(), "first run: created the first tenant and its administrator");

        let token = self.open_session(&tenant, &person.id, client).await?;
        Ok(SetupDone {
            slug: tenant.slug().to_owned(),
            signed_in: SignedIn { token, person_id: person.id, must_change_password: false },
        })
    }
}
