//! Two records of one person, usually found because they share an e-mail address (SPEC rule 4:
//! "the console flags the shared address and offers to merge the people or change an
//! address"): the groups of people who share an address, and the merge itself.
//!
//! A merge keeps one person (the survivor, whose id stays) and deletes the other. Per field the
//! admin chooses whose value the survivor keeps. At most one login survives: when both people
//! have one, the admin chooses which; the other login ends with its sessions, links and
//! OpenID Connect sign-ins. A login that moves from the merged person to the survivor keeps
//! its sessions and outstanding link. The merged person's audit events are never rewritten:
//! `person_merges` records the merge, and the survivor's history includes the merged person's
//! events from then on. Everything happens in one transaction with one `person.merged` event;
//! a refused merge changes nothing.
//!
//! The alternative to a merge, changing one person's address, is an ordinary change of the
//! person ([`App::update_person`]).

use keyrack_core::access::AccessState;
use keyrack_core::types::PersonKind;
use keyrack_core::{FieldError, FieldErrors};
use keyrack_store::records::{LoginRecord, PersonRecord, search_text};
use keyrack_store::{Conn, repo};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::audit::{Event, append};
use crate::rights::{ACCESS_MANAGE, PEOPLE_MANAGE, PEOPLE_VIEW};
use crate::tenants::Tenant;
use crate::transaction;
use crate::views::{Page, PersonView};
use crate::{Actor, App, AppError, AppResult, Origin, Target};

/// Whose value, or whose login, the surviving person keeps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The person in the path, who stays.
    #[default]
    Survivor,
    /// The person merged into them, who goes.
    Other,
}

/// Per field, whose value the survivor keeps; an absent field keeps the survivor's.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeFields {
    pub kind: Option<Side>,
    pub salutation: Option<Side>,
    pub first_name: Option<Side>,
    pub last_name: Option<Side>,
    pub email: Option<Side>,
    pub phones: Option<Side>,
    pub language: Option<Side>,
    pub notifications: Option<Side>,
}

/// `POST /tenants/{t}/people/{id}/merge`: merges `other` into the person `{id}`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeInput {
    /// The id of the person merged into this one; they no longer exist afterwards.
    pub other: String,
    #[serde(default)]
    pub fields: MergeFields,
    /// Whose login survives. Required when both people have one; otherwise the one login there
    /// is survives (and giving the side without a login is refused).
    #[serde(default)]
    pub login: Option<Side>,
}

/// People who share one e-mail address (compared case-insensitively).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SharedEmailView {
    /// The address in lower case.
    pub email: String,
    /// In creation order.
    pub people: Vec<PersonView>,
}

/// Query of `GET /duplicates`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SharedEmailsQuery {
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Addresses per page, 1 to 200 (default 50).
    pub limit: Option<i64>,
}

fn pick<T: Clone>(side: Option<Side>, survivor: &T, other: &T) -> T {
    match side.unwrap_or_default() {
        Side::Survivor => survivor.clone(),
        Side::Other => other.clone(),
    }
}

/// The survivor's fields after the merge.
fn merged_person(survivor: &PersonRecord, other: &PersonRecord, f: &MergeFields, now: i64) -> PersonRecord {
    PersonRecord {
        kind: pick(f.kind, &survivor.kind, &other.kind),
        salutation: pick(f.salutation, &survivor.salutation, &other.salutation),
        first_name: pick(f.first_name, &survivor.first_name, &other.first_name),
        last_name: pick(f.last_name, &survivor.last_name, &other.last_name),
        email: pick(f.email, &survivor.email, &other.email),
        phones: pick(f.phones, &survivor.phones, &other.phones),
        language: pick(f.language, &survivor.language, &other.language),
        notifications: pick(f.notifications, &survivor.notifications, &other.notifications),
        updated_at: now,
        ..survivor.clone()
    }
}

/// Which login survives, or why the choice is refused.
fn surviving_side(survivor: Option<&LoginRecord>, other: Option<&LoginRecord>, chosen: Option<Side>) -> AppResult<Option<Side>> {
    let refuse = |message: &str| Err(AppError::from(FieldError::new("login", "invalid_choice", message)));
    match (survivor.is_some(), other.is_some(), chosen) {
        (false, false, None) => Ok(None),
        (false, false, Some(_)) => refuse("neither person has a login"),
        (true, true, None) => {
            Err(FieldError::new("login", "required", "both people have a login; choose whose login stays").into())
        }
        (true, true, Some(side)) => Ok(Some(side)),
        (true, false, None | Some(Side::Survivor)) => Ok(Some(Side::Survivor)),
        (false, true, None | Some(Side::Other)) => Ok(Some(Side::Other)),
        (true, false, Some(Side::Other)) => refuse("the other person has no login; only the surviving person's can stay"),
        (false, true, Some(Side::Survivor)) => refuse("the surviving person has no login; only the other person's can stay"),
    }
}

fn person_json(p: &PersonRecord) -> serde_json::Value {
    serde_json::json!({
        "id": p.id,
        "kind": p.kind.as_str(),
        "salutation": p.salutation,
        "first_name": p.first_name,
        "last_name": p.last_name,
        "email": p.email,
        "phones": p.phones,
        "language": p.language.as_str(),
        "notifications": p.notifications,
    })
}

impl App {
    /// Merges the person `input.other` into `survivor_id` (rules: [module docs](self)).
    pub async fn merge_people(
        &self,
        actor: &Actor,
        origin: &Origin,
        slug: &str,
        survivor_id: &str,
        input: MergeInput,
    ) -> AppResult<PersonView> {
        let tenant = self.tenant(actor, slug).await?;
        self.require_write(actor, tenant.id(), Target::Person(survivor_id)).await?;
        self.require_write(actor, tenant.id(), Target::Person(&input.other)).await?;
        {
            // Both people must be within the admin's reach; a merge changes details and logins.
            let mut conn = self.store.read().await?;
            for id in [survivor_id, input.other.as_str()] {
                self.require_person(&mut conn, actor, &tenant, id, PEOPLE_MANAGE).await?;
                self.require_person(&mut conn, actor, &tenant, id, ACCESS_MANAGE).await?;
            }
        }
        if input.other == survivor_id {
            return Err(FieldError::new("other", "same_person", "a person cannot be merged with themselves").into());
        }
        let now = self.now();
        // Both rows locked in id order, so two merges of the same pair cannot deadlock.
        let (first, second) = if survivor_id < input.other.as_str() {
            (survivor_id, input.other.as_str())
        } else {
            (input.other.as_str(), survivor_id)
        };
        transaction!(self, |tx| {
            for id in [first, second] {
                if !repo::people::lock(tx, tenant.id(), id).await? {
                    return Err(AppError::NotFound);
                }
            }
            self.merge_in_tx(tx, actor, origin, &tenant, survivor_id, &input, now).await
        })?;
        self.person(actor, slug, survivor_id).await
    }

    #[expect(clippy::too_many_arguments, reason = "the merge's inputs plus the caller's transaction and time")]
    async fn merge_in_tx(
        &self,
        tx: &mut Conn,
        actor: &Actor,
        origin: &Origin,
        tenant: &Tenant,
        survivor_id: &str,
        input: &MergeInput,
        now: i64,
    ) -> AppResult<()> {
        let tid = tenant.id();
        let survivor = repo::people::get(tx, tid, survivor_id).await?.ok_or(AppError::NotFound)?;
        let other = repo::people::get(tx, tid, &input.other).await?.ok_or(AppError::NotFound)?;
        let survivor_login = repo::logins::get(tx, tid, survivor_id).await?;
        let other_login = repo::logins::get(tx, tid, &input.other).await?;
        let side = surviving_side(survivor_login.as_ref(), other_login.as_ref(), input.login)?;
        let person = merged_person(&survivor, &other, &input.fields, now);
        let (kept, ended) = match side {
            Some(Side::Survivor) => (survivor_login.clone(), other_login.clone()),
            Some(Side::Other) => (other_login.clone(), survivor_login.clone()),
            None => (None, None),
        };
        if person.first_name.is_empty() && person.last_name.is_empty() && person.email.is_none() {
            return Err(FieldError::new("fields", "name_required", "keep a first name, a last name or an e-mail address").into());
        }
        if let Some(l) = &ended {
            self.refuse_if_last_administrator(tx, tenant, l).await?;
        }
        if kept.is_some() && !tenant.settings.module_enabled(person.kind) {
            return Err(FieldErrors(vec![FieldError::new(
                "fields.kind",
                "module_off",
                if person.kind == PersonKind::Contact {
                    "a contact cannot keep a login; keep the other kind, or merge without a login".to_owned()
                } else {
                    format!("the module for '{}' is off in this tenant, so the merged person cannot keep a login", person.kind)
                },
            )])
            .into());
        }

        let before = serde_json::json!({
            "survivor": {"person": person_json(&survivor), "login": self.optional_login_json(tx, survivor_login.as_ref()).await?},
            "other": {"person": person_json(&other), "login": self.optional_login_json(tx, other_login.as_ref()).await?},
        });

        // The login that ends goes with everything that lets it in; so does the merged person's
        // row, after the login that stays (if it was theirs) has moved to the survivor.
        if let Some(l) = &ended {
            repo::links::delete_for_person(tx, &l.person_id).await?;
            repo::sessions::delete_for_person(tx, &l.person_id).await?;
            repo::logins::delete(tx, tid, &l.person_id).await?;
        }
        if side == Some(Side::Other)
            && let Some(mut login) = kept.clone()
        {
            repo::logins::delete(tx, tid, &other.id).await?;
            login.person_id = survivor.id.clone();
            login.updated_at = now;
            repo::logins::insert(tx, &login).await?;
            repo::merges::move_login_ties(tx, tid, &other.id, &survivor.id).await?;
        }
        repo::people::delete(tx, tid, &other.id).await?;
        repo::people::update(tx, &person, &search_text(&person, kept.as_ref().map(|l| l.username.as_str()))).await?;
        repo::merges::record(tx, tid, &survivor.id, &other.id, now).await?;

        let login_after = repo::logins::get(tx, tid, &survivor.id).await?;
        let after = serde_json::json!({
            "person": person_json(&person),
            "login": self.optional_login_json(tx, login_after.as_ref()).await?,
            "merged": other.id,
        });
        append(
            tx,
            Event::new(tid, actor, origin, now, "person.merged", Some(&survivor.id), &person.display_name())
                .before(before)
                .after(after),
        )
        .await?;
        Ok(())
    }

    async fn optional_login_json(&self, conn: &mut Conn, login: Option<&LoginRecord>) -> AppResult<serde_json::Value> {
        match login {
            Some(l) => self.login_json(conn, l).await,
            None => Ok(serde_json::json!({"state": AccessState::None.as_str()})),
        }
    }

    /// The e-mail addresses that several people of the tenant share, each with its people,
    /// in alphabetical order of the address.
    pub async fn shared_emails(&self, actor: &Actor, slug: &str, query: SharedEmailsQuery) -> AppResult<Page<SharedEmailView>> {
        let tenant = self.tenant(actor, slug).await?;
        let rights = self.require_permission(actor, &tenant, PEOPLE_VIEW, false).await?;
        let limit = query.limit.unwrap_or(50).clamp(1, 200);
        let mut conn = self.store.read().await?;
        let mut emails = repo::merges::shared_emails(&mut conn, tenant.id(), query.cursor.as_deref(), limit + 1).await?;
        let more = emails.len() > usize::try_from(limit).unwrap_or(usize::MAX);
        emails.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        let next_cursor = if more { emails.last().cloned() } else { None };
        let mut items = Vec::with_capacity(emails.len());
        for email in emails {
            let mut people = Vec::new();
            for p in repo::people::with_email(&mut conn, tenant.id(), &email).await? {
                // A branch-limited admin sees only the people within their reach.
                if rights.branch_limit().is_some()
                    && self.require_person(&mut conn, actor, &tenant, &p.id, PEOPLE_VIEW).await.is_err()
                {
                    continue;
                }
                let login = repo::logins::get(&mut conn, tenant.id(), &p.id).await?;
                people.push(self.person_view(&mut conn, &tenant, p, login).await?);
            }
            if people.len() > 1 {
                items.push(SharedEmailView { email, people });
            }
        }
        Ok(Page { items, next_cursor })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn login(id: &str) -> LoginRecord {
        LoginRecord {
            person_id: id.into(),
            tenant_id: "t".into(),
            username: id.into(),
            state: AccessState::Active,
            state_before_block: None,
            password_hash: None,
            role_id: None,
            permissions: vec![],
            branches: None,
            must_change_password: false,
            last_login_at: None,
            failed_logins: 0,
            last_failed_at: None,
            created_at: 0,
            updated_at: 0,
        }
    }

    #[test]
    fn the_surviving_login_is_chosen_only_where_there_is_a_choice() {
        let (a, b) = (login("a"), login("b"));
        assert_eq!(surviving_side(None, None, None).unwrap(), None);
        assert!(surviving_side(None, None, Some(Side::Other)).is_err());
        assert!(surviving_side(Some(&a), Some(&b), None).is_err(), "both have a login: the admin must choose");
        assert_eq!(surviving_side(Some(&a), Some(&b), Some(Side::Other)).unwrap(), Some(Side::Other));
        assert_eq!(surviving_side(Some(&a), None, None).unwrap(), Some(Side::Survivor));
        assert_eq!(surviving_side(None, Some(&b), None).unwrap(), Some(Side::Other));
        assert!(surviving_side(Some(&a), None, Some(Side::Other)).is_err());
        assert!(surviving_side(None, Some(&b), Some(Side::Survivor)).is_err());
    }
}
