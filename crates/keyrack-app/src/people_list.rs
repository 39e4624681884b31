//! The console's people list: one page of the people an admin reaches, each with what the list
//! shows at a glance (state, kind, username, role, branches, last login and the derived facts),
//! read in a fixed handful of queries whatever the page size, so the first page and a search stay
//! fast at 100 000 people.

use std::collections::{BTreeMap, HashMap};

use keyrack_core::access::AccessState;
use keyrack_core::throttle::{ThrottlePolicy, is_locked};
use keyrack_core::types::PersonKind;
use keyrack_core::{FieldError, FieldErrors};
use keyrack_store::repo;
use keyrack_store::repo::people::{ListedLogin, PeopleFilter};
use serde::Deserialize;

use crate::rights::PEOPLE_VIEW;
use crate::{Actor, App, AppResult};

/// The search and filters of the people list, as its GET form sends them (empty means "any").
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PeopleListQuery {
    pub q: String,
    pub state: String,
    pub kind: String,
    /// A role's name.
    pub role: String,
    /// A branch id.
    pub branch: String,
    pub email_shared: bool,
    pub invitation_expired: bool,
    pub never_logged_in: bool,
    /// The id of the last person on the page before.
    pub after: String,
}

/// One person in the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeopleListRow {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    pub kind: PersonKind,
    pub state: AccessState,
    pub username: Option<String>,
    pub role: Option<String>,
    /// Branch names; `None` for a login in every branch (or no login).
    pub branches: Option<Vec<String>>,
    pub last_login_at: Option<i64>,
    pub invitation_expired: bool,
    pub email_shared: bool,
    pub locked: bool,
    pub must_change_password: bool,
}

/// A page of the list and the cursor of the next one.
#[derive(Debug, Clone, Default)]
pub struct PeopleListPage {
    pub rows: Vec<PeopleListRow>,
    pub next: Option<String>,
}

impl App {
    /// One page of the people the actor reaches with `people.view` (see [`crate::rights`]),
    /// filtered, in creation order; `limit` is clamped to 1..=200.
    pub async fn people_list(&self, actor: &Actor, slug: &str, query: &PeopleListQuery, limit: i64) -> AppResult<PeopleListPage> {
        let tenant = self.tenant(actor, slug).await?;
        let rights = self.require_permission(actor, &tenant, PEOPLE_VIEW, false).await?;
        let now = self.now();
        let mut conn = self.store.read().await?;
        let mut errors = FieldErrors::default();
        let roles = repo::roles::list(&mut conn, tenant.id()).await?;
        let branches = repo::branches::list(&mut conn, tenant.id()).await?;
        let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let role_id = match some(&query.role) {
            Some(name) => match roles.iter().find(|r| r.name == name) {
                Some(r) => Some(r.id.clone()),
                None => {
                    errors.push(FieldError::new("role", "unknown_role", format!("'{name}' is not a role of this tenant")));
                    None
                }
            },
            None => None,
        };
        let branch_id = some(&query.branch);
        if let Some(b) = &branch_id
            && !branches.iter().any(|x| &x.id == b)
        {
            errors.push(FieldError::new("branch", "unknown_branch", "is not a branch of this tenant"));
        }
        let filter = PeopleFilter {
            q: some(&query.q),
            state: some(&query.state).and_then(|s| errors.take(AccessState::parse(&s).map_err(|e| e.at("state")))),
            kind: some(&query.kind).and_then(|k| errors.take(PersonKind::parse(&k).map_err(|e| e.at("kind")))),
            role_id,
            branch_id,
            after: some(&query.after),
            reach: self.reach_filter(&mut conn, &tenant, &rights).await?,
            email_shared: query.email_shared,
            invitation_expired_at: query.invitation_expired.then_some(now),
            never_logged_in: query.never_logged_in,
        };
        errors.into_result()?;
        let limit = limit.clamp(1, 200);
        let mut found = repo::people::list_with_logins(&mut conn, tenant.id(), &filter, limit + 1).await?;
        let more = found.len() > usize::try_from(limit).unwrap_or(usize::MAX);
        found.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        let next = if more { found.last().map(|(p, _)| p.id.clone()) } else { None };

        let ids: Vec<String> = found.iter().map(|(p, _)| p.id.clone()).collect();
        let mut branch_lists: HashMap<String, Vec<String>> = HashMap::new();
        let branch_names: HashMap<&str, &str> = branches.iter().map(|b| (b.id.as_str(), b.name.as_str())).collect();
        for (person, branch) in repo::people::branches_of(&mut conn, &ids).await? {
            let name = branch_names.get(branch.as_str()).map_or(branch.clone(), |n| (*n).to_owned());
            branch_lists.entry(person).or_default().push(name);
        }
        let mut emails: Vec<String> = found.iter().filter_map(|(p, _)| p.email.as_ref().map(|e| e.to_lowercase())).collect();
        emails.sort();
        emails.dedup();
        let shared: BTreeMap<String, i64> =
            repo::people::email_counts(&mut conn, tenant.id(), &emails).await?.into_iter().collect();
        let invited: Vec<String> = found
            .iter()
            .filter(|(_, l)| l.as_ref().is_some_and(|l| l.state == AccessState::Invited))
            .map(|(p, _)| p.id.clone())
            .collect();
        let expiry: HashMap<String, i64> = repo::links::invitation_expiry(&mut conn, &invited).await?.into_iter().collect();
        let role_names: HashMap<&str, &str> = roles.iter().map(|r| (r.id.as_str(), r.name.as_str())).collect();
        let policy = ThrottlePolicy::per_account();

        let rows = found
            .into_iter()
            .map(|(p, login)| {
                let state = login.as_ref().map_or(AccessState::None, |l| l.state);
                let locked = login.as_ref().is_some_and(|l| locked_now(&policy, l, now));
                let mut list = branch_lists.remove(&p.id);
                if let Some(l) = list.as_mut() {
                    l.sort();
                }
                PeopleListRow {
                    name: p.display_name(),
                    email_shared: p.email.as_ref().is_some_and(|e| shared.get(&e.to_lowercase()).is_some_and(|n| *n > 1)),
                    invitation_expired: state == AccessState::Invited && expiry.get(&p.id).is_none_or(|at| *at <= now),
                    role: login
                        .as_ref()
                        .and_then(|l| l.role_id.as_deref())
                        .and_then(|r| role_names.get(r))
                        .map(|r| (*r).to_owned()),
                    branches: match &login {
                        Some(l) if !l.all_branches => Some(list.unwrap_or_default()),
                        _ => None,
                    },
                    username: login.as_ref().map(|l| l.username.clone()),
                    last_login_at: login.as_ref().and_then(|l| l.last_login_at),
                    must_change_password: login.as_ref().is_some_and(|l| l.must_change_password),
                    locked,
                    state,
                    kind: p.kind,
                    email: p.email,
                    id: p.id,
                }
            })
            .collect();
        Ok(PeopleListPage { rows, next })
    }
}

fn locked_now(policy: &ThrottlePolicy, login: &ListedLogin, now: i64) -> bool {
    let failures = u32::try_from(login.failed_logins).unwrap_or(u32::MAX);
    login.last_failed_at.is_some_and(|at| is_locked(policy, failures, at, now))
}
