//! Logging in and accepting links: the two ways a person proves who they are.
//!
//! Every failure of `authenticate` looks the same from outside — unknown user, wrong password,
//! blocked, no password yet, throttled — and costs one argon2 verification, against a dummy
//! hash when there is no usable one, so that neither the answer nor its timing tells them apart.
//!
//! Guessing link tokens counts against the client address like wrong passwords (SECURITY-TESTS
//! C.16): a token that does not open a usable link is a failure, and while the address is locked
//! every link answers "invalid", real ones included, so a locked guesser learns nothing. Someone
//! behind that address sees the calm "link no longer valid" page and can try again later.

use keyrack_core::FieldErrors;
use keyrack_core::access::{Action, Effect, decide};
use keyrack_core::password::{MAX_LENGTH, PasswordContext, check, normalize};
use keyrack_core::throttle::{ThrottlePolicy, is_locked};
use keyrack_store::records::LinkPurpose;
use keyrack_store::repo;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::audit::{Event, append};
use crate::secrets::digest;
use crate::transaction;
use crate::views::PersonView;
use crate::{Actor, App, AppError, AppResult, Origin};

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptLink {
    pub token: String,
    pub password: String,
}

impl App {
    /// Checks a username and password; answers the person, or `InvalidCredentials` whatever
    /// the reason.
    ///
    /// Throttling (SPEC rule 5): failures count per login and per client address; while either
    /// is locked, attempts are neither evaluated nor counted, and every answer is the same. The
    /// lock is read again after the attempt got its hashing slot, so requests that queued in
    /// parallel are held to the same count as sequential ones (at most one per core in flight).
    pub async fn authenticate(&self, origin: &Origin, slug: &str, input: Credentials) -> AppResult<PersonView> {
        let (tenant, person, login) = self.check_credentials(origin, slug, input).await?;
        let mut conn = self.store.read().await?;
        self.person_view(&mut conn, &tenant, person, Some(login)).await
    }

    /// [`Self::authenticate`] without building the answer: the sign-in page needs only who it is.
    pub(crate) async fn check_credentials(
        &self,
        origin: &Origin,
        slug: &str,
        input: Credentials,
    ) -> AppResult<(crate::tenants::Tenant, keyrack_store::records::PersonRecord, keyrack_store::records::LoginRecord)> {
        let tenant = self.tenant_by_slug(slug).await?;
        // Far longer than any acceptable password: refuse before spending a hash on it.
        if input.password.len() > MAX_LENGTH * 4 || input.username.len() > 1024 {
            return Err(AppError::InvalidCredentials);
        }
        let password = normalize(&input.password);
        let account_policy = ThrottlePolicy::per_account();

        let slot = self.hasher.slot().await?;
        let now = self.now();
        let mut conn = self.store.read().await?;
        let login = repo::logins::by_username(&mut conn, tenant.id(), &input.username).await?;
        let address_locked = address_locked(&mut conn, tenant.id(), origin, now).await?;
        drop(conn);
        let account_locked = login.as_ref().is_some_and(|l| {
            let failures = u32::try_from(l.failed_logins).unwrap_or(u32::MAX);
            l.last_failed_at.is_some_and(|at| is_locked(&account_policy, failures, at, now))
        });
        let locked = address_locked || account_locked;
        let usable = login.as_ref().filter(|l| l.state.can_log_in() && !locked);
        let stored = usable.and_then(|l| l.password_hash.clone());
        let verified = self.hasher.verify_in_slot(password.clone(), stored.clone()).await?;
        drop(slot);
        if !verified {
            metrics::counter!("keyrack_logins_total", "outcome" => if locked { "throttled" } else { "failure" }).increment(1);
            if !locked {
                let mut conn = self.store.read().await?;
                count_address_failure(&mut conn, tenant.id(), origin, now).await?;
                if let Some(l) = &login {
                    repo::throttle::record_login_failure(&mut conn, &l.person_id, now, now - account_policy.forget_after_ms)
                        .await?;
                }
            }
            return Err(AppError::InvalidCredentials);
        }
        let Some(login) = login else { return Err(AppError::InvalidCredentials) };
        let rehash = match &stored {
            Some(h) if self.hasher.needs_rehash(h) => Some(self.hasher.hash(password).await?),
            _ => None,
        };

        let (person, current) = transaction!(self, |tx| {
            repo::people::lock(tx, tenant.id(), &login.person_id).await?;
            let person = repo::people::get(tx, tenant.id(), &login.person_id).await?.ok_or(AppError::InvalidCredentials)?;
            let mut current = repo::logins::get(tx, tenant.id(), &login.person_id).await?.ok_or(AppError::InvalidCredentials)?;
            // The login may have changed while the hash was checked (blocked, password changed).
            if current.password_hash != stored {
                return Err(AppError::InvalidCredentials);
            }
            let transition =
                decide(current.state, current.state_before_block, Action::LogIn).map_err(|_| AppError::InvalidCredentials)?;
            if transition.effects.contains(&Effect::RevokeResetLinks) {
                repo::links::revoke(tx, &current.person_id, Some(LinkPurpose::Reset), now).await?;
            }
            let from = current.state;
            current.state = transition.to;
            current.last_login_at = Some(now);
            current.failed_logins = 0;
            current.last_failed_at = None;
            if let Some(h) = rehash.clone() {
                current.password_hash = Some(h);
            }
            current.updated_at = now;
            repo::logins::record_login(tx, &current).await?;
            let actor = Actor::Person { id: person.id.clone(), tenant_id: tenant.id().to_owned(), label: person.display_name() };
            let mut event = Event::new(tenant.id(), &actor, origin, now, "login", Some(&person.id), &person.display_name());
            if from != transition.to {
                event = event
                    .before(serde_json::json!({"state": from.as_str()}))
                    .after(serde_json::json!({"state": transition.to.as_str()}));
            }
            append(tx, event).await?;
            Ok((person, current))
        })?;
        metrics::counter!("keyrack_logins_total", "outcome" => "success").increment(1);
        Ok((tenant, person, current))
    }

    /// Sets a password through an invitation or reset link. An unknown, used or expired token
    /// answers `LinkInvalid`, whichever it was; a password that breaks the policy answers the
    /// broken rules and leaves the link usable.
    pub async fn accept_link(&self, origin: &Origin, slug: &str, input: AcceptLink) -> AppResult<PersonView> {
        let tenant = self.tenant_by_slug(slug).await.map_err(|_| AppError::LinkInvalid)?;
        let now = self.now();
        let mut conn = self.store.read().await?;
        let link = usable_link(&mut conn, tenant.id(), origin, &input.token, now).await?.ok_or(AppError::LinkInvalid)?;
        let person = repo::people::get(&mut conn, tenant.id(), &link.person_id).await?.ok_or(AppError::LinkInvalid)?;
        let login = repo::logins::get(&mut conn, tenant.id(), &link.person_id).await?.ok_or(AppError::LinkInvalid)?;
        drop(conn);
        let words = [tenant.record.name.as_str(), person.first_name.as_str(), person.last_name.as_str()];
        let ctx = PasswordContext { username: Some(&login.username), email: person.email.as_deref(), words: &words };
        let normalized =
            check(&tenant.settings.password, &input.password, &ctx).map_err(|e| AppError::Validation(FieldErrors(e)))?;
        let password_hash = self.hasher.hash(normalized).await?;

        let current = transaction!(self, |tx| {
            repo::people::lock(tx, tenant.id(), &link.person_id).await?;
            // The one statement that decides which of several concurrent uses wins.
            if !repo::links::consume(tx, &link.id, now).await? {
                return Err(AppError::LinkInvalid);
            }
            let mut current = repo::logins::get(tx, tenant.id(), &link.person_id).await?.ok_or(AppError::LinkInvalid)?;
            let transition =
                decide(current.state, current.state_before_block, Action::AcceptLink).map_err(|_| AppError::LinkInvalid)?;
            let before = self.login_json(tx, &current).await?;
            for effect in &transition.effects {
                match effect {
                    Effect::StorePassword => {
                        current.password_hash = Some(password_hash.clone());
                        current.must_change_password = false;
                        current.failed_logins = 0;
                        current.last_failed_at = None;
                    }
                    Effect::RevokeLinks => {
                        repo::links::revoke(tx, &current.person_id, None, now).await?;
                    }
                    Effect::RevokeSessions => {
                        repo::sessions::delete_for_person(tx, &current.person_id).await?;
                    }
                    _ => {}
                }
            }
            current.state = transition.to;
            current.updated_at = now;
            repo::logins::update(tx, &current).await?;
            let after = self.login_json(tx, &current).await?;
            let actor = Actor::Person { id: person.id.clone(), tenant_id: tenant.id().to_owned(), label: person.display_name() };
            let action = match link.purpose {
                LinkPurpose::Invitation => "access.accept_invitation",
                LinkPurpose::Reset => "access.accept_reset",
            };
            append(
                tx,
                Event::new(tenant.id(), &actor, origin, now, action, Some(&person.id), &person.display_name())
                    .before(before)
                    .after(after),
            )
            .await?;
            Ok(current)
        })?;
        let mut conn = self.store.read().await?;
        self.person_view(&mut conn, &tenant, person, Some(current)).await
    }
}

/// The link a token opens if it is unused, unexpired and the address is not locked; a token that
/// opens nothing counts as a failure of the address.
pub(crate) async fn usable_link(
    conn: &mut keyrack_store::Conn,
    tenant_id: &str,
    origin: &Origin,
    token: &str,
    now: i64,
) -> AppResult<Option<keyrack_store::records::LinkRecord>> {
    if address_locked(conn, tenant_id, origin, now).await? {
        return Ok(None);
    }
    let link =
        repo::links::by_hash(conn, tenant_id, &digest(token.trim())).await?.filter(|l| l.used_at.is_none() && l.expires_at > now);
    if link.is_none() {
        count_address_failure(conn, tenant_id, origin, now).await?;
    }
    Ok(link)
}

/// The key failures of an unknown client are counted under.
fn address_key(origin: &Origin) -> &str {
    origin.address.as_deref().unwrap_or("unknown")
}

/// Whether the client address has failed often enough to wait (SPEC rule 5).
async fn address_locked(conn: &mut keyrack_store::Conn, tenant_id: &str, origin: &Origin, now: i64) -> AppResult<bool> {
    let policy = ThrottlePolicy::per_address();
    Ok(repo::throttle::address(conn, tenant_id, address_key(origin))
        .await?
        .is_some_and(|(failures, at)| is_locked(&policy, u32::try_from(failures).unwrap_or(u32::MAX), at, now)))
}

async fn count_address_failure(conn: &mut keyrack_store::Conn, tenant_id: &str, origin: &Origin, now: i64) -> AppResult<()> {
    let forget_before = now - ThrottlePolicy::per_address().forget_after_ms;
    Ok(repo::throttle::record_address_failure(conn, tenant_id, address_key(origin), now, forget_before).await?)
}
