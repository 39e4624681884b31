//! The two questions applications ask (SPEC §5): may this person do X (in this branch), and
//! who receives this e-mail category. Both only read; a read key may ask them.

use keyrack_core::FieldError;
use keyrack_core::authz::{BranchScope, Decision, check};
use keyrack_core::types::Permission;
use keyrack_store::repo;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::rights::{grants, resolve_grants};
use crate::{Actor, App, AppError, AppResult};

/// The question of `POST /check`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckInput {
    /// The person's id.
    pub person: String,
    /// A permission name: one of Keyrack's own or of the operator's catalogue.
    pub permission: String,
    /// A branch id; without it the permission is checked regardless of branch scope.
    #[serde(default)]
    pub branch: Option<String>,
}

/// The answer of `POST /check`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CheckView {
    pub allowed: bool,
    /// Why, stable: `administrator`, `allowed_by_role`, `allowed_by_extra_permission`,
    /// `no_access`, `no_role`, `permission_missing` or `branch_out_of_scope`.
    pub code: String,
    /// Why, as an English sentence.
    pub reason: String,
    pub person: String,
    pub permission: String,
    pub branch: Option<String>,
}

/// Query of `GET /recipients`.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RecipientsQuery {
    /// An e-mail category of the operator's catalogue.
    pub category: String,
    /// A branch id: only people whose login reaches this branch. Empty is the same as absent.
    pub branch: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1 to 200 (default 50).
    pub limit: Option<i64>,
}

/// The answer of `GET /recipients`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RecipientsView {
    pub category: String,
    /// In creation order.
    pub items: Vec<RecipientView>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// A person who receives the category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RecipientView {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub language: String,
    /// `staff`, `owner`, `guest` or `contact`.
    pub kind: String,
}

impl CheckView {
    /// The answer to `input`: the decision, with the question as asked.
    fn of(decision: Decision, permission: &Permission, input: CheckInput) -> Self {
        Self {
            allowed: decision.allowed,
            code: decision.code.to_owned(),
            reason: decision.message,
            person: input.person,
            permission: permission.as_str().to_owned(),
            branch: input.branch,
        }
    }
}

/// The answer for a person without a login.
fn no_login(permission: &Permission) -> Decision {
    Decision {
        allowed: false,
        code: "no_access",
        message: format!(
            "Not allowed: this person has no access (no login), so they hold no permission, including '{permission}'."
        ),
    }
}

impl App {
    /// Decides whether the person may use the permission, in the branch if given, with the
    /// rules of [`keyrack_core::authz::check`] applied to what is stored for their login.
    ///
    /// An unknown permission is refused (422 on `permission`) before the person is looked up;
    /// an unknown person or branch, or one of another tenant, is "not found". A person without
    /// a login is not allowed anything (`no_access`).
    pub async fn check(&self, actor: &Actor, slug: &str, input: CheckInput) -> AppResult<CheckView> {
        let tenant = self.tenant(actor, slug).await?;
        let permission = self.permission_to_check(&input.permission)?;
        let mut conn = self.store.read().await?;
        if repo::people::get(&mut conn, tenant.id(), &input.person).await?.is_none() {
            return Err(AppError::NotFound);
        }
        self.require_person(&mut conn, actor, &tenant, &input.person, crate::rights::PEOPLE_VIEW).await?;
        if let Some(b) = &input.branch
            && repo::branches::get(&mut conn, tenant.id(), b).await?.is_none()
        {
            return Err(AppError::NotFound);
        }
        let decision = match repo::logins::get(&mut conn, tenant.id(), &input.person).await? {
            Some(login) => check(&grants(&mut conn, &tenant, &login).await?, &permission, input.branch.as_deref()),
            None => no_login(&permission),
        };
        Ok(CheckView::of(decision, &permission, input))
    }

    /// [`Self::check`] for a caller that presents an API key: the key, the tenant, the person,
    /// their login and role and the branch come from one read ([`Self::check_facts`]) on one
    /// connection, with the same answers and refusals in the same order (401 for a key that is
    /// not live, 404 for another tenant, 422 for an unknown permission, 404 for an unknown
    /// person or branch). Nothing is cached: a revoked key or a blocked login is seen by the
    /// next call on any node. The operator key takes the general path.
    pub async fn check_with_bearer(&self, presented: &str, slug: &str, input: CheckInput) -> AppResult<CheckView> {
        if !crate::apikeys::is_tenant_key(presented) || self.is_operator_key(presented) {
            let actor = self.actor_for_bearer(presented).await?;
            return self.check(&actor, slug, input).await;
        }
        let branch = input.branch.as_deref();
        let facts = self.check_facts(&crate::secrets::digest(presented), slug, &input.person, branch).await?;
        if !facts.tenant_matches {
            return Err(AppError::NotFound);
        }
        let permission = self.permission_to_check(&input.permission)?;
        if !facts.person_found || (branch.is_some() && !facts.branch_known) {
            return Err(AppError::NotFound);
        }
        let decision = match facts.login {
            Some(login) => {
                let role = match (&login.role_id, login.role) {
                    (None, _) => None,
                    (Some(_), Some(r)) => Some((r.name, r.builtin, r.permissions)),
                    (Some(_), None) => {
                        return Err(AppError::Internal(format!("login {} refers to a missing role", input.person)));
                    }
                };
                // Only the branch asked about matters to the check, so the scope is that branch
                // when the login lists it.
                let scope = if login.all_branches {
                    BranchScope::All
                } else {
                    BranchScope::Only(branch.filter(|_| facts.branch_listed).map(str::to_owned).into_iter().collect())
                };
                check(&resolve_grants(role, &login.permissions, scope, login.state)?, &permission, branch)
            }
            None => no_login(&permission),
        };
        Ok(CheckView::of(decision, &permission, input))
    }

    /// The one read of [`Self::check_with_bearer`]; 401 when no live key has this hash. On a
    /// SQLite file it runs on this thread ([`repo::checks::facts_here`]: no hop to sqlx's
    /// connection thread); otherwise, or when SQLite could not answer at once, on a connection
    /// parked by the call before ([`keyrack_store::Store::point_read`]: no pool pings).
    async fn check_facts(
        &self,
        key_hash: &str,
        slug: &str,
        person: &str,
        branch: Option<&str>,
    ) -> AppResult<repo::checks::CheckFacts> {
        if let Some(found) = repo::checks::facts_here(&self.store, key_hash, slug, person, branch) {
            return found?.ok_or(AppError::Unauthorized);
        }
        let mut conn = self.store.point_read().await?;
        let found = match repo::checks::facts(&mut conn, key_hash, slug, person, branch).await {
            Ok(found) => {
                conn.finish();
                found
            }
            // A parked connection was not checked before this use: one that broke while parked
            // (the database restarted) is given back to the pool, which drops it, and the read
            // runs once more on a connection the pool checked.
            Err(e) if conn.was_parked() && e.is_unavailable() => {
                drop(conn);
                let mut conn = self.store.read().await?;
                repo::checks::facts(&mut conn, key_hash, slug, person, branch).await?
            }
            Err(e) => return Err(e.into()),
        };
        found.ok_or(AppError::Unauthorized)
    }

    /// The people of the tenant who opted into the e-mail category and have an e-mail address,
    /// a page at a time in creation order (keyset: `cursor` is the last id of the page before,
    /// as in the people list); with `branch`, only those whose login reaches that branch.
    pub async fn recipients(&self, actor: &Actor, slug: &str, query: RecipientsQuery) -> AppResult<RecipientsView> {
        let tenant = self.tenant(actor, slug).await?;
        self.require_permission(actor, &tenant, crate::rights::PEOPLE_VIEW, false).await?;
        let category = query.category.trim();
        if !self.config.email_categories.iter().any(|c| c == category) {
            return Err(FieldError::new("category", "unknown_category", format!("'{category}' is not an e-mail category"))
                .with_param("allowed", self.config.email_categories.join(", "))
                .into());
        }
        // An empty `branch=` is what a form sends for "any branch".
        let branch = query.branch.as_deref().map(str::trim).filter(|b| !b.is_empty());
        let mut conn = self.store.read().await?;
        if let Some(b) = branch
            && repo::branches::get(&mut conn, tenant.id(), b).await?.is_none()
        {
            return Err(AppError::NotFound);
        }
        let limit = usize::try_from(query.limit.unwrap_or(50).clamp(1, 200)).unwrap_or(50);
        let after = query.cursor.as_deref().filter(|c| !c.is_empty());
        let mut found = repo::recipients::list(&mut conn, tenant.id(), category, branch, after, limit + 1).await?;
        let more = found.len() > limit;
        found.truncate(limit);
        let next_cursor = if more { found.last().map(|r| r.id.clone()) } else { None };
        let items = found
            .into_iter()
            .map(|r| RecipientView {
                id: r.id,
                first_name: r.first_name,
                last_name: r.last_name,
                email: r.email,
                language: r.language.as_str().to_owned(),
                kind: r.kind.as_str().to_owned(),
            })
            .collect();
        Ok(RecipientsView { category: category.to_owned(), items, next_cursor })
    }

    /// A permission that exists (Keyrack's own or the catalogue's), else 422 on `permission`.
    fn permission_to_check(&self, raw: &str) -> AppResult<Permission> {
        // The same answer as `known_permissions` for one name, without copying the catalogue.
        let name = raw.trim();
        if !self.config.is_known_permission(name) {
            return Err(FieldError::new("permission", "unknown_permission", format!("'{name}' is not a known permission"))
                .with_param("permission", name)
                .into());
        }
        Ok(Permission::parse(name).map_err(|e| e.at("permission"))?)
    }
}
