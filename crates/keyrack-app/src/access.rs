//! The access actions of SPEC §3 carried out: each one locks the person, asks
//! [`keyrack_core::access::decide`], applies the effects, records the audit event and queues
//! the mail, all in one transaction.

use keyrack_core::access::{AccessState, Action, Effect, decide};
use keyrack_core::password::{PasswordContext, check, generate};
use keyrack_core::types::{PersonKind, Username};
use keyrack_core::{FieldError, FieldErrors};
use keyrack_store::records::{LinkPurpose, LinkRecord, LoginRecord, OutboxRecord, PersonRecord, search_text};
use keyrack_store::{Conn, repo};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::audit::{Event, append};
use crate::rights::ACCESS_MANAGE;
use crate::secrets::{digest, new_token};
use crate::tenants::Tenant;
use crate::transaction;
use crate::views::PersonView;
use crate::{Actor, App, AppError, AppResult, Origin, Target, new_id};

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantInput {
    /// Defaults to the person's e-mail address.
    pub username: Option<String>,
    /// A role name; defaults to `staff` for staff and to none for other kinds.
    pub role: Option<String>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteInput {
    /// `false` answers the link instead of e-mailing it, for the application's own mail.
    #[serde(default = "yes")]
    pub send_email: bool,
}

impl Default for InviteInput {
    fn default() -> Self {
        Self { send_email: true }
    }
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordInput {
    /// The new password (must pass the tenant's policy).
    pub password: Option<String>,
    /// Generate one instead; it is answered once.
    #[serde(default)]
    pub generate: bool,
    /// Whether the person must choose their own at the next login (default true).
    pub must_change_password: Option<bool>,
}

/// The new username of an existing login.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UsernameInput {
    /// No spaces or control characters, at most 254 characters; unique in the tenant whatever
    /// the case. A change of case only is stored as typed.
    pub username: String,
}

/// The extra inputs an action may carry.
#[derive(Debug, Clone, Default)]
pub enum ActionInput {
    #[default]
    None,
    Grant(GrantInput),
    Invite(InviteInput),
    /// An already checked and hashed password, and the plain one when it was generated.
    Password {
        hash: String,
        generated: Option<String>,
        must_change: bool,
    },
}

/// What the transaction hands back besides the new state.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    pub(crate) link: Option<String>,
    pub(crate) password: Option<String>,
}

impl App {
    /// Runs one access action (`grant`, `invite`, `block`, `unblock`, `remove`, `reset`) on a person.
    pub async fn act(
        &self,
        actor: &Actor,
        origin: &Origin,
        slug: &str,
        person_id: &str,
        action: Action,
        input: ActionInput,
    ) -> AppResult<PersonView> {
        let tenant = self.tenant(actor, slug).await?;
        self.require_write(actor, tenant.id(), Target::Person(person_id)).await?;
        let mut conn = self.store.read().await?;
        self.require_person(&mut conn, actor, &tenant, person_id, ACCESS_MANAGE).await?;
        drop(conn);
        let outcome = self.act_in_tenant(actor, origin, &tenant, person_id, action, input).await?;
        let mut view = self.person_in(&tenant, person_id).await?;
        view.link = outcome.link;
        view.password = outcome.password;
        Ok(view)
    }

    /// Sets a given or generated password (admin), checked against the policy and hashed
    /// before the transaction opens.
    pub async fn set_password(
        &self,
        actor: &Actor,
        origin: &Origin,
        slug: &str,
        person_id: &str,
        input: PasswordInput,
    ) -> AppResult<PersonView> {
        let tenant = self.tenant(actor, slug).await?;
        self.require_write(actor, tenant.id(), Target::Person(person_id)).await?;
        let mut conn = self.store.read().await?;
        // Refused before the password is checked and hashed.
        self.require_person(&mut conn, actor, &tenant, person_id, ACCESS_MANAGE).await?;
        let person = repo::people::get(&mut conn, tenant.id(), person_id).await?.ok_or(AppError::NotFound)?;
        let login = repo::logins::get(&mut conn, tenant.id(), person_id).await?;
        drop(conn);
        let username = login.as_ref().map(|l| l.username.clone());
        let (plain, generated) = match (input.password, input.generate) {
            (Some(_), true) => {
                return Err(FieldError::new("password", "ambiguous", "give a password or ask to generate one, not both").into());
            }
            (Some(p), false) => {
                let ctx_words = [tenant.record.name.as_str(), person.first_name.as_str(), person.last_name.as_str()];
                let ctx = PasswordContext { username: username.as_deref(), email: person.email.as_deref(), words: &ctx_words };
                let normalized = check(&tenant.settings.password, &p, &ctx).map_err(|e| AppError::Validation(FieldErrors(e)))?;
                (normalized, None)
            }
            (None, true) => {
                let p = generate(&tenant.settings.password, &mut rand::rng());
                (p.clone(), Some(p))
            }
            (None, false) => {
                return Err(FieldError::new("password", "required", "give a password or set generate to true").into());
            }
        };
        let hash = self.hasher.hash(plain).await?;
        let input = ActionInput::Password { hash, generated, must_change: input.must_change_password.unwrap_or(true) };
        self.act(actor, origin, slug, person_id, Action::SetPassword, input).await
    }

    /// Changes the username of a person's login (SPEC §1: "defaults to the e-mail,
    /// changeable"; the Swiss portal's "Kontoname ändern"). The gate is `grant`'s:
    /// `access.manage` on a person within the actor's branches (404 outside them, like another
    /// tenant's person), and only an administrator renames an administrator.
    ///
    /// - The person must have a login: without one there is no username to change, and the
    ///   answer is 409 `access_not_granted` (grant access with the wanted username instead).
    /// - The name is checked by [`Username::parse`] (422 naming `username`) and must not be
    ///   another login's of the tenant in any spelling that [`Username::fold`] makes equal (409
    ///   `username_taken`). The login's own name in another case is a change and is stored as
    ///   typed; exactly the current name changes nothing and records nothing.
    /// - Sessions, links and the password stay: the person stays signed in and signs in with
    ///   the new name from now on. OpenID Connect tokens name the person by id (`sub`), not by
    ///   username, so tokens issued before stay as they are. Pages, answers and mails read the
    ///   username when they are made; a mail queued before the change names the old one.
    /// - The existing password is not checked against the new name, although the policy
    ///   forbids a password that contains the username: only its hash is stored, so it cannot
    ///   be checked, and refusing the rename for it would leave the admin nothing to do. The
    ///   rule applies again the next time a password is set.
    ///
    /// One transaction: the login, the person's search text and terms (the people list finds
    /// the new name, not the old one) and the audit event `access.username` with the old and
    /// the new name.
    pub async fn change_username(
        &self,
        actor: &Actor,
        origin: &Origin,
        slug: &str,
        person_id: &str,
        input: UsernameInput,
    ) -> AppResult<PersonView> {
        let tenant = self.tenant(actor, slug).await?;
        self.require_write(actor, tenant.id(), Target::Person(person_id)).await?;
        let mut conn = self.store.read().await?;
        self.require_person(&mut conn, actor, &tenant, person_id, ACCESS_MANAGE).await?;
        drop(conn);
        let now = self.now();
        transaction!(self, |tx| self.change_username_in(tx, actor, origin, &tenant, person_id, &input.username, now).await)?;
        self.person_in(&tenant, person_id).await
    }

    /// The body of [`Self::change_username`]'s transaction. The refusals come in this order: a
    /// person who is not there (404, whatever the name), no login (409), the name (422), taken (409).
    #[expect(clippy::too_many_arguments, reason = "the use case's inputs plus the caller's transaction and time")]
    async fn change_username_in(
        &self,
        tx: &mut Conn,
        actor: &Actor,
        origin: &Origin,
        tenant: &Tenant,
        person_id: &str,
        typed: &str,
        now: i64,
    ) -> AppResult<()> {
        if !repo::people::lock(tx, tenant.id(), person_id).await? {
            return Err(AppError::NotFound);
        }
        let person = repo::people::get(tx, tenant.id(), person_id).await?.ok_or(AppError::NotFound)?;
        let mut login = repo::logins::get(tx, tenant.id(), person_id).await?.ok_or_else(|| {
            AppError::conflict(
                "access_not_granted",
                "the person has no login, so there is no username to change; grant access with the username instead",
            )
        })?;
        let username = Username::parse(typed)?;
        if login.username == username.as_str() {
            return Ok(());
        }
        let taken = || AppError::conflict("username_taken", format!("the username '{username}' is already taken"));
        if repo::logins::by_username(tx, tenant.id(), username.as_str())
            .await?
            .is_some_and(|holder| holder.person_id != person_id)
        {
            return Err(taken());
        }
        let old = std::mem::replace(&mut login.username, username.as_str().to_owned());
        login.updated_at = now;
        match repo::logins::update(tx, &login).await {
            // Another transaction took the name after the look-up above.
            Err(e) if e.is_unique_violation() => return Err(taken()),
            r => r?,
        }
        repo::people::set_search_text(tx, person_id, &search_text(&person, Some(&login.username))).await?;
        append(
            tx,
            Event::new(tenant.id(), actor, origin, now, "access.username", Some(person_id), &person.display_name())
                .before(serde_json::json!({"username": old}))
                .after(serde_json::json!({"username": login.username})),
        )
        .await
    }

    async fn act_in_tenant(
        &self,
        actor: &Actor,
        origin: &Origin,
        tenant: &Tenant,
        person_id: &str,
        action: Action,
        input: ActionInput,
    ) -> AppResult<Outcome> {
        let now = self.now();
        transaction!(self, |tx| self.act_in_tx(tx, actor, origin, tenant, person_id, action, input.clone(), now).await)
    }

    /// Runs one access action inside the caller's transaction: lock the person, decide, carry
    /// out the effects, append the audit event. The import applies many of these in one
    /// transaction, through exactly the code path of a single action.
    #[expect(clippy::too_many_arguments, reason = "the action's inputs plus the caller's transaction and time")]
    pub(crate) async fn act_in_tx(
        &self,
        tx: &mut Conn,
        actor: &Actor,
        origin: &Origin,
        tenant: &Tenant,
        person_id: &str,
        action: Action,
        input: ActionInput,
        now: i64,
    ) -> AppResult<Outcome> {
        if !repo::people::lock(tx, tenant.id(), person_id).await? {
            return Err(AppError::NotFound);
        }
        let person = repo::people::get(tx, tenant.id(), person_id).await?.ok_or(AppError::NotFound)?;
        let login = repo::logins::get(tx, tenant.id(), person_id).await?;
        let state = login.as_ref().map_or(AccessState::None, |l| l.state);
        let transition = decide(state, login.as_ref().and_then(|l| l.state_before_block), action)?;
        let before = match &login {
            Some(l) => self.login_json(tx, l).await?,
            None => serde_json::json!({"state": "none"}),
        };

        if let (Action::Block | Action::Remove, Some(l)) = (action, &login) {
            self.refuse_if_last_administrator(tx, tenant, l).await?;
        }

        let mut outcome = Outcome::default();
        let mut login = match login {
            Some(l) => l,
            None => self.new_login(tx, actor, tenant, &person, &input, now).await?,
        };
        let send_email = !matches!(&input, ActionInput::Invite(InviteInput { send_email: false }));
        for effect in &transition.effects {
            match effect {
                Effect::CreateLogin => {} // built above, inserted below
                Effect::IssueInvitation => {
                    repo::links::revoke(tx, person_id, Some(LinkPurpose::Invitation), now).await?;
                    let ttl = i64::from(tenant.settings.invitation_ttl_hours) * 3_600_000;
                    let link = self.issue_link(tx, tenant, person_id, LinkPurpose::Invitation, now, ttl).await?;
                    if send_email {
                        self.queue_mail(tx, tenant, &person, &login, "invitation", &link, now + ttl, now).await?;
                    } else {
                        outcome.link = Some(link);
                    }
                }
                Effect::IssueReset => {
                    let ttl = i64::from(tenant.settings.reset_ttl_minutes) * 60_000;
                    let link = self.issue_link(tx, tenant, person_id, LinkPurpose::Reset, now, ttl).await?;
                    self.queue_mail(tx, tenant, &person, &login, "reset", &link, now + ttl, now).await?;
                }
                Effect::StorePassword => {
                    if let ActionInput::Password { hash, generated, must_change } = &input {
                        login.password_hash = Some(hash.clone());
                        login.must_change_password = *must_change;
                        login.failed_logins = 0;
                        login.last_failed_at = None;
                        outcome.password.clone_from(generated);
                    }
                }
                Effect::RevokePassword => login.password_hash = None,
                Effect::RevokeLinks => {
                    repo::links::revoke(tx, person_id, None, now).await?;
                }
                Effect::RevokeResetLinks => {
                    repo::links::revoke(tx, person_id, Some(LinkPurpose::Reset), now).await?;
                }
                Effect::RevokeSessions => {
                    repo::sessions::delete_for_person(tx, person_id).await?;
                }
                Effect::RememberStateBeforeBlock => login.state_before_block = Some(state),
                Effect::DeleteLogin => {}
            }
        }
        login.state = transition.to;
        if transition.to != AccessState::Blocked {
            login.state_before_block = None;
        }
        login.updated_at = now;

        let after = if transition.effects.contains(&Effect::DeleteLogin) {
            repo::logins::delete(tx, tenant.id(), person_id).await?;
            delete_links_and_sessions(tx, person_id).await?;
            repo::people::set_search_text(tx, person_id, &search_text(&person, None)).await?;
            serde_json::json!({"state": "none"})
        } else {
            if transition.effects.contains(&Effect::CreateLogin) {
                match repo::logins::insert(tx, &login).await {
                    Err(e) if e.is_unique_violation() => {
                        return Err(AppError::conflict(
                            "username_taken",
                            format!("the username '{}' is already taken", login.username),
                        ));
                    }
                    r => r?,
                }
                repo::people::set_search_text(tx, person_id, &search_text(&person, Some(&login.username))).await?;
            } else {
                repo::logins::update(tx, &login).await?;
            }
            self.login_json(tx, &login).await?
        };
        append(
            tx,
            Event::new(tenant.id(), actor, origin, now, &format!("access.{action}"), Some(person_id), &person.display_name())
                .before(before)
                .after(after),
        )
        .await?;
        Ok(outcome)
    }

    /// The login that `grant` creates: username (the e-mail unless given, refused if taken),
    /// role, module check.
    async fn new_login(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        tenant: &Tenant,
        person: &PersonRecord,
        input: &ActionInput,
        now: i64,
    ) -> AppResult<LoginRecord> {
        let grant = match input {
            ActionInput::Grant(g) => g.clone(),
            _ => GrantInput::default(),
        };
        if !tenant.settings.module_enabled(person.kind) {
            let message = match person.kind.module() {
                Some(m) => {
                    format!("the '{m}' module is off in this tenant, so people of kind '{}' cannot get access", person.kind)
                }
                None => "contacts cannot get access; change the person's kind first".to_owned(),
            };
            return Err(AppError::conflict("module_off", message));
        }
        let typed = grant.username.or_else(|| person.email.clone()).ok_or_else(|| {
            AppError::from(FieldError::new("username", "required", "the person has no e-mail address, so give a username"))
        })?;
        let username = Username::parse(&typed)?;
        if repo::logins::by_username(conn, tenant.id(), username.as_str()).await?.is_some() {
            return Err(AppError::conflict("username_taken", format!("the username '{username}' is already taken")));
        }
        let role_name = grant.role.or_else(|| (person.kind == PersonKind::Staff).then(|| "staff".to_owned()));
        let role = match role_name {
            Some(name) => Some(repo::roles::by_name(conn, tenant.id(), &name).await?.ok_or_else(|| {
                AppError::from(FieldError::new("role", "unknown_role", format!("'{name}' is not a role of this tenant")))
            })?),
            None => None,
        };
        // A person granting access gives no more than they hold, and a branch-limited one
        // gives their own branches: the new login stays within their reach.
        let rights = self.rights(conn, tenant, actor).await?;
        let mut branches = None;
        if let Some(grants) = rights.grants() {
            let role_permissions = crate::rights::permissions(role.iter().flat_map(|r| &r.permissions))?;
            let assigns_administrator = role.as_ref().is_some_and(|r| r.builtin && r.name == keyrack_core::authz::ADMINISTRATOR);
            let limit = keyrack_core::authz::branch_limit(grants);
            let scope = match &limit {
                None => keyrack_core::authz::BranchScope::All,
                Some(set) => keyrack_core::authz::BranchScope::Only(set.clone()),
            };
            keyrack_core::authz::check_assignment(grants, &role_permissions, assigns_administrator, &Default::default(), &scope)
                .map_err(|e| AppError::Validation(FieldErrors(e)))?;
            branches = limit.map(|set| set.into_iter().collect());
        }
        let role_id = role.map(|r| r.id);
        Ok(LoginRecord {
            person_id: person.id.clone(),
            tenant_id: tenant.id().to_owned(),
            username: username.as_str().to_owned(),
            state: AccessState::None,
            state_before_block: None,
            password_hash: None,
            role_id,
            permissions: Vec::new(),
            branches,
            must_change_password: false,
            last_login_at: None,
            failed_logins: 0,
            last_failed_at: None,
            created_at: now,
            updated_at: now,
        })
    }

    /// Stores a new link's hash and answers the full URL, built from the configured public URL.
    pub(crate) async fn issue_link(
        &self,
        conn: &mut Conn,
        tenant: &Tenant,
        person_id: &str,
        purpose: LinkPurpose,
        now: i64,
        ttl_ms: i64,
    ) -> AppResult<String> {
        let token = new_token();
        repo::links::insert(
            conn,
            &LinkRecord {
                id: new_id(),
                tenant_id: tenant.id().to_owned(),
                person_id: person_id.to_owned(),
                purpose,
                token_hash: digest(&token),
                created_at: now,
                expires_at: now + ttl_ms,
                used_at: None,
            },
        )
        .await?;
        let path = match purpose {
            LinkPurpose::Invitation => "invite",
            LinkPurpose::Reset => "reset",
        };
        Ok(format!("{}/t/{}/{path}/{token}", self.config.base_url(), tenant.slug()))
    }

    /// Queues a mail in the action's transaction; the delivery worker sends it after commit.
    #[expect(clippy::too_many_arguments, reason = "one call site per template, each argument distinct")]
    pub(crate) async fn queue_mail(
        &self,
        conn: &mut Conn,
        tenant: &Tenant,
        person: &PersonRecord,
        login: &LoginRecord,
        template: &str,
        link: &str,
        expires_at: i64,
        now: i64,
    ) -> AppResult<()> {
        let recipient = person.email.clone().ok_or_else(|| {
            AppError::conflict("no_email", "the person has no e-mail address; add one, or ask for the link instead of an e-mail")
        })?;
        let payload = serde_json::json!({
            "link": link,
            "expires_at": crate::clock::rfc3339(expires_at),
            "tenant_name": tenant.record.name,
            "person_name": person.display_name(),
            "username": login.username,
        });
        repo::outbox::insert(
            conn,
            &OutboxRecord {
                id: new_id(),
                tenant_id: tenant.id().to_owned(),
                person_id: Some(person.id.clone()),
                template: template.to_owned(),
                recipient,
                language: person.language.as_str().to_owned(),
                payload: payload.to_string(),
                created_at: now,
                attempts: 0,
                next_attempt_at: now,
                sent_at: None,
                last_error: None,
            },
        )
        .await?;
        Ok(())
    }
}

/// `remove` deletes the person's links with the login (SPEC: "deletes username, password,
/// links, sessions, role").
async fn delete_links_and_sessions(conn: &mut Conn, person_id: &str) -> AppResult<()> {
    repo::links::delete_for_person(conn, person_id).await?;
    repo::sessions::delete_for_person(conn, person_id).await?;
    Ok(())
}
