//! What people do for themselves: sign in and out, set a password through a link, ask for a
//! reset, register (where the tenant allows it), and look after their own account.

use keyrack_core::FieldError;
use keyrack_core::FieldErrors;
use keyrack_core::access::{AccessState, Action, Effect, decide};
use keyrack_core::password::{PasswordContext, check};
use keyrack_core::types::{Email, Locale, PersonKind, Username};
use keyrack_store::records::{LinkPurpose, LoginRecord, OutboxRecord, PersonRecord};
use keyrack_store::repo;
use keyrack_store::repo::sessions::SessionRecord;
use serde::Deserialize;

use crate::audit::{Event, append};
use crate::auth::{AcceptLink, Credentials};
use crate::secrets::{digest, new_token};
use crate::tenants::Tenant;
use crate::transaction;
use crate::{Actor, App, AppError, AppResult, Origin, new_id};

/// A signed-in person, as every page after sign-in sees them.
#[derive(Debug, Clone)]
pub struct Session {
    pub tenant: Tenant,
    pub person: PersonRecord,
    pub login: LoginRecord,
    /// The hash of the cookie, which identifies this session among the person's others.
    pub id_hash: String,
}

impl Session {
    pub fn actor(&self) -> Actor {
        Actor::Person { id: self.person.id.clone(), tenant_id: self.tenant.id().to_owned(), label: self.person.display_name() }
    }
}

/// The browser that signs in.
#[derive(Debug, Clone, Default)]
pub struct Client {
    pub origin: Origin,
    pub user_agent: String,
}

/// A session that was just created: the cookie value (shown once) and whose it is.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub token: String,
    pub person_id: String,
    pub must_change_password: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Registration {
    pub kind: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ProfileUpdate {
    pub salutation: String,
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub language: String,
}

impl App {
    pub(crate) async fn open_session(&self, tenant: &Tenant, person_id: &str, client: &Client) -> AppResult<String> {
        let token = new_token();
        let now = self.now();
        let mut conn = self.store.read().await?;
        repo::sessions::insert(
            &mut conn,
            &SessionRecord {
                id_hash: digest(&token),
                tenant_id: tenant.id().to_owned(),
                person_id: person_id.to_owned(),
                created_at: now,
                last_seen_at: now,
                expires_at: now + self.config.session_absolute_ms,
                user_agent: client.user_agent.chars().take(200).collect(),
                address: client.origin.address.clone().unwrap_or_default(),
            },
        )
        .await?;
        Ok(token)
    }

    /// Checks the password and opens a new session (a fresh id: a cookie set before sign-in
    /// never becomes a session).
    pub async fn sign_in(&self, client: &Client, slug: &str, credentials: Credentials) -> AppResult<SignedIn> {
        let (tenant, person, login) = self.check_credentials(&client.origin, slug, credentials).await?;
        let token = self.open_session(&tenant, &person.id, client).await?;
        Ok(SignedIn { token, person_id: person.id, must_change_password: login.must_change_password })
    }

    /// Sets the password through a link and signs the person in.
    pub async fn accept_link_and_sign_in(&self, client: &Client, slug: &str, input: AcceptLink) -> AppResult<SignedIn> {
        let person = self.accept_link(&client.origin, slug, input).await?;
        let tenant = self.tenant_by_slug(slug).await?;
        let token = self.open_session(&tenant, &person.id, client).await?;
        Ok(SignedIn { token, person_id: person.id, must_change_password: false })
    }

    /// Whether a link can still be used (for showing its page; nothing is consumed). Guesses
    /// count against the client address like wrong passwords (see [`crate::auth`]).
    pub async fn link_usable(&self, origin: &Origin, slug: &str, token: &str) -> AppResult<bool> {
        let Ok(tenant) = self.tenant_by_slug(slug).await else { return Ok(false) };
        let mut conn = self.store.read().await?;
        Ok(crate::auth::usable_link(&mut conn, tenant.id(), origin, token, self.now()).await?.is_some())
    }

    /// The session behind a cookie, if it is still alive: not expired (idle or absolute), and
    /// its person can still log in. A dead session is deleted.
    pub async fn session(&self, slug: &str, token: &str) -> AppResult<Option<Session>> {
        let Ok(tenant) = self.tenant_by_slug(slug).await else { return Ok(None) };
        let id_hash = digest(token);
        let now = self.now();
        let mut conn = self.store.read().await?;
        let Some(record) = repo::sessions::get(&mut conn, tenant.id(), &id_hash).await? else { return Ok(None) };
        let alive = record.last_seen_at + self.config.session_idle_ms > now
            && record.created_at + self.config.session_absolute_ms > now
            && record.expires_at > now;
        let login = repo::logins::get(&mut conn, tenant.id(), &record.person_id).await?;
        let person = repo::people::get(&mut conn, tenant.id(), &record.person_id).await?;
        match (alive, login, person) {
            (true, Some(login), Some(person)) if login.state.can_log_in() => {
                // Writing on every request would make reads into writes; a minute is precise enough.
                if now - record.last_seen_at > 60_000 {
                    repo::sessions::touch(&mut conn, &id_hash, now).await?;
                }
                Ok(Some(Session { tenant, person, login, id_hash }))
            }
            _ => {
                repo::sessions::delete(&mut conn, &id_hash).await?;
                Ok(None)
            }
        }
    }

    pub async fn sign_out(&self, slug: &str, token: &str) -> AppResult<()> {
        let Ok(tenant) = self.tenant_by_slug(slug).await else { return Ok(()) };
        let mut conn = self.store.read().await?;
        if let Some(s) = repo::sessions::get(&mut conn, tenant.id(), &digest(token)).await? {
            repo::sessions::delete(&mut conn, &s.id_hash).await?;
        }
        Ok(())
    }

    /// The person's own sessions, newest first, and which one is this.
    pub async fn own_sessions(&self, session: &Session) -> AppResult<Vec<(SessionRecord, bool)>> {
        let mut conn = self.store.read().await?;
        Ok(repo::sessions::for_person(&mut conn, &session.person.id)
            .await?
            .into_iter()
            .map(|s| {
                let current = s.id_hash == session.id_hash;
                (s, current)
            })
            .collect())
    }

    /// "Sign out everywhere else".
    pub async fn end_other_sessions(&self, session: &Session, origin: &Origin) -> AppResult<u64> {
        transaction!(self, |tx| {
            let ended = repo::sessions::delete_others(tx, &session.person.id, &session.id_hash).await?;
            append(
                tx,
                Event::new(
                    session.tenant.id(),
                    &session.actor(),
                    origin,
                    self.now(),
                    "session.ended_others",
                    Some(&session.person.id),
                    &session.person.display_name(),
                )
                .after(serde_json::json!({"ended": ended})),
            )
            .await?;
            Ok(ended)
        })
    }

    /// Changes one's own password: the current one, the new one twice. Other sessions end
    /// (SPEC rule 7); this one stays.
    pub async fn change_password(
        &self,
        session: &Session,
        origin: &Origin,
        current: &str,
        new: &str,
        again: &str,
    ) -> AppResult<()> {
        let mut errors = FieldErrors::default();
        let stored = session.login.password_hash.clone();
        if !self.hasher.verify(keyrack_core::password::normalize(current), stored).await? {
            errors.push(FieldError::new("current_password", "wrong_password", "is not your current password"));
        }
        if new != again {
            errors.push(FieldError::new("new_password_again", "mismatch", "does not match the new password"));
        }
        let words = [session.tenant.record.name.as_str(), session.person.first_name.as_str(), session.person.last_name.as_str()];
        let ctx =
            PasswordContext { username: Some(&session.login.username), email: session.person.email.as_deref(), words: &words };
        let normalized = match check(&session.tenant.settings.password, new, &ctx) {
            Ok(n) => Some(n),
            Err(e) => {
                errors.0.extend(e.into_iter().map(|e| e.at("new_password")));
                None
            }
        };
        errors.into_result()?;
        let Some(normalized) = normalized else { return Err(AppError::Internal("unreachable".into())) };
        let hash = self.hasher.hash(normalized).await?;
        let now = self.now();
        transaction!(self, |tx| {
            repo::people::lock(tx, session.tenant.id(), &session.person.id).await?;
            let mut login =
                repo::logins::get(tx, session.tenant.id(), &session.person.id).await?.ok_or(AppError::Unauthorized)?;
            login.password_hash = Some(hash.clone());
            login.must_change_password = false;
            login.updated_at = now;
            repo::logins::update(tx, &login).await?;
            let ended = repo::sessions::delete_others(tx, &session.person.id, &session.id_hash).await?;
            repo::links::revoke(tx, &session.person.id, Some(LinkPurpose::Reset), now).await?;
            append(
                tx,
                Event::new(
                    session.tenant.id(),
                    &session.actor(),
                    origin,
                    now,
                    "password.changed",
                    Some(&session.person.id),
                    &session.person.display_name(),
                )
                .after(serde_json::json!({"other_sessions_ended": ended})),
            )
            .await?;
            Ok(())
        })
    }

    pub async fn update_own_profile(&self, session: &Session, origin: &Origin, input: ProfileUpdate) -> AppResult<()> {
        let patch = crate::people::PersonPatch {
            salutation: Some(input.salutation),
            first_name: Some(input.first_name),
            last_name: Some(input.last_name),
            phones: Some(vec![input.phone]),
            language: Some(input.language),
            ..crate::people::PersonPatch::default()
        };
        self.change_person(&session.actor(), origin, &session.tenant, &session.person.id, patch).await.map(|_| ())
    }

    pub async fn set_own_notifications(&self, session: &Session, origin: &Origin, categories: Vec<String>) -> AppResult<()> {
        let patch = crate::people::PersonPatch { notifications: Some(categories), ..crate::people::PersonPatch::default() };
        self.change_person(&session.actor(), origin, &session.tenant, &session.person.id, patch).await.map(|_| ())
    }

    /// "Forgot password" (SPEC §3 and rule 4). Answers nothing about the address: the caller
    /// shows the same page whatever happened. People who can log in get a reset link (their
    /// password keeps working); people granted or invited get a set-password link; when several
    /// people of the tenant share the address, ONE mail lists each account with its own link.
    /// Blocked people and people without access get nothing, but the attempt is audited.
    pub async fn forgot(&self, origin: &Origin, slug: &str, typed: &str) -> AppResult<()> {
        let Ok(tenant) = self.tenant_by_slug(slug).await else { return Ok(()) };
        let typed = typed.trim();
        if typed.is_empty() || typed.len() > 254 {
            return Ok(());
        }
        let now = self.now();
        transaction!(self, |tx| {
            let mut people = match Email::parse(typed) {
                Ok(email) => repo::people::with_email(tx, tenant.id(), email.as_str()).await?,
                Err(_) => Vec::new(),
            };
            if let Some(login) = repo::logins::by_username(tx, tenant.id(), typed).await?
                && !people.iter().any(|p| p.id == login.person_id)
                && let Some(p) = repo::people::get(tx, tenant.id(), &login.person_id).await?
            {
                people.push(p);
            }
            let system = Actor::System;
            let mut accounts = Vec::new();
            for person in people {
                repo::people::lock(tx, tenant.id(), &person.id).await?;
                let login = repo::logins::get(tx, tenant.id(), &person.id).await?;
                let state = login.as_ref().map_or(AccessState::None, |l| l.state);
                let Some(mut login) = login.filter(|_| decide(state, None, Action::Forgot).is_ok()) else {
                    append(
                        tx,
                        Event::new(
                            tenant.id(),
                            &system,
                            origin,
                            now,
                            "access.forgot_refused",
                            Some(&person.id),
                            &person.display_name(),
                        )
                        .after(serde_json::json!({"state": state.as_str()})),
                    )
                    .await?;
                    continue;
                };
                let Some(recipient) = person.email.clone() else { continue };
                let transition = decide(state, None, Action::Forgot)?;
                let (purpose, ttl) = if transition.effects.contains(&Effect::IssueInvitation) {
                    repo::links::revoke(tx, &person.id, Some(LinkPurpose::Invitation), now).await?;
                    (LinkPurpose::Invitation, i64::from(tenant.settings.invitation_ttl_hours) * 3_600_000)
                } else {
                    (LinkPurpose::Reset, i64::from(tenant.settings.reset_ttl_minutes) * 60_000)
                };
                let link = self.issue_link(tx, &tenant, &person.id, purpose, now, ttl).await?;
                login.state = transition.to;
                login.updated_at = now;
                repo::logins::update(tx, &login).await?;
                append(
                    tx,
                    Event::new(tenant.id(), &system, origin, now, "access.forgot", Some(&person.id), &person.display_name())
                        .before(serde_json::json!({"state": state.as_str()}))
                        .after(serde_json::json!({"state": transition.to.as_str()})),
                )
                .await?;
                accounts.push((person, login, recipient, purpose, link, now + ttl));
            }
            match accounts.len() {
                0 => {}
                1 => {
                    let (person, login, _, purpose, link, expires) = &accounts[0];
                    let template = if *purpose == LinkPurpose::Invitation { "invitation" } else { "reset" };
                    self.queue_mail(tx, &tenant, person, login, template, link, *expires, now).await?;
                }
                _ => {
                    let (first, ..) = &accounts[0];
                    let list: Vec<serde_json::Value> = accounts
                        .iter()
                        .map(|(p, l, _, _, link, _)| serde_json::json!({"person_name": p.display_name(), "username": l.username, "link": link}))
                        .collect();
                    let expires = accounts.iter().map(|a| a.5).min().unwrap_or(now);
                    repo::outbox::insert(
                        tx,
                        &OutboxRecord {
                            id: new_id(),
                            tenant_id: tenant.id().to_owned(),
                            person_id: None,
                            template: "forgot_shared".into(),
                            recipient: accounts[0].2.clone(),
                            language: first.language.as_str().to_owned(),
                            payload: serde_json::json!({
                                "tenant_name": tenant.record.name,
                                "accounts": list,
                                "expires_at": crate::clock::rfc3339(expires),
                            })
                            .to_string(),
                            created_at: now,
                            attempts: 0,
                            next_attempt_at: now,
                            sent_at: None,
                            last_error: None,
                        },
                    )
                    .await?;
                }
            }
            Ok(())
        })
    }

    /// Self-registration (off unless the tenant enables it for the kind). Answers nothing about
    /// the address: a new address gets a person with access and an invitation to set a
    /// password; an address that already has access gets the "forgot password" mail; a blocked
    /// address gets nothing (SPEC rule 6), and the attempt is audited.
    pub async fn register(&self, origin: &Origin, slug: &str, input: Registration) -> AppResult<()> {
        let tenant = self.tenant_by_slug(slug).await?;
        let mut errors = FieldErrors::default();
        let kind = errors.take(PersonKind::parse(&input.kind));
        let email = errors.take(Email::parse(&input.email));
        let first = errors.take(keyrack_core::types::parse_name("first_name", &input.first_name));
        let last = errors.take(keyrack_core::types::parse_name("last_name", &input.last_name));
        errors.into_result()?;
        let (Some(kind), Some(email), Some(first_name), Some(last_name)) = (kind, email, first, last) else {
            return Err(AppError::Internal("unreachable".into()));
        };
        let allowed = match kind {
            PersonKind::Staff => tenant.settings.self_registration.staff,
            PersonKind::Owner => tenant.settings.self_registration.owner,
            PersonKind::Guest => tenant.settings.self_registration.guest,
            PersonKind::Contact => false,
        } && tenant.settings.module_enabled(kind);
        if !allowed {
            return Err(AppError::NotFound);
        }
        let mut conn = self.store.read().await?;
        let existing = repo::people::with_email(&mut conn, tenant.id(), email.as_str()).await?;
        let mut states = Vec::new();
        for p in &existing {
            states.push(repo::logins::get(&mut conn, tenant.id(), &p.id).await?.map_or(AccessState::None, |l| l.state));
        }
        drop(conn);
        if states.contains(&AccessState::Blocked) {
            transaction!(self, |tx| {
                append(
                    tx,
                    Event::new(
                        tenant.id(),
                        &Actor::System,
                        origin,
                        self.now(),
                        "register.refused_blocked",
                        existing.first().map(|p| p.id.as_str()),
                        email.as_str(),
                    ),
                )
                .await?;
                Ok(())
            })?;
            return Ok(());
        }
        if states.iter().any(|s| *s != AccessState::None) {
            return self.forgot(origin, slug, email.as_str()).await;
        }
        if Username::parse(email.as_str()).is_err() {
            return Ok(());
        }
        let person = self
            .create_person(
                &Actor::System,
                origin,
                slug,
                crate::people::NewPerson {
                    kind: kind.as_str().into(),
                    first_name: Some(first_name),
                    last_name: Some(last_name),
                    email: Some(email.as_str().into()),
                    language: Some(tenant.record.language.as_str().into()),
                    ..crate::people::NewPerson::default()
                },
            )
            .await?;
        match self.act(&Actor::System, origin, slug, &person.id, Action::Grant, crate::access::ActionInput::None).await {
            // Someone else already uses the address as a username: they get nothing new.
            Err(AppError::Conflict { code: "username_taken", .. }) => return Ok(()),
            r => r?,
        };
        self.act(&Actor::System, origin, slug, &person.id, Action::Invite, crate::access::ActionInput::None).await?;
        Ok(())
    }

    /// The language to speak to a signed-in person.
    pub fn language_of(session: &Session) -> Locale {
        session.person.language
    }
}
