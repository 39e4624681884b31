//! What an actor may do in a tenant: the one place where a person's stored role, extra
//! permissions and branch scope become decisions, shared by the console, the API and
//! `POST /check` (so the three cannot disagree; SECURITY-TESTS E.26).
//!
//! Rules enforced through here, for a person acting on others (self-service on one's own
//! account does not come through this module):
//! - reading people needs `people.view` and the person within reach
//!   ([`keyrack_core::authz::reaches`]: people without a login are within every admin's reach,
//!   people whose login spans every branch, or no branch, only within an all-branch admin's);
//!   a person out of reach answers "not found", exactly like another tenant's id;
//! - changing details needs `people.manage`; access actions and passwords `access.manage`;
//! - only an administrator changes an administrator's login;
//! - nobody grants a role, permission or branch they do not hold
//!   ([`keyrack_core::authz::check_assignment`]);
//! - roles need `roles.manage`, settings and branches `settings.manage`, the audit log
//!   `audit.view`, import and export `import_export`; API keys are an administrator's.
//!
//! Operator, system and API keys are not people: their limits are the key's scope
//! ([`crate::Actor::may_write`]).

use std::collections::BTreeSet;

use keyrack_core::authz::{ADMINISTRATOR, BranchScope, Decision, Grants, PersonScope, branch_limit, check, reaches};
use keyrack_core::types::Permission;
use keyrack_store::records::LoginRecord;
use keyrack_store::{Conn, repo};

use crate::tenants::Tenant;
use crate::{Actor, App, AppError, AppResult};

pub const PEOPLE_VIEW: &str = "people.view";
pub const PEOPLE_MANAGE: &str = "people.manage";
pub const ACCESS_MANAGE: &str = "access.manage";
pub const ROLES_MANAGE: &str = "roles.manage";
pub const SETTINGS_MANAGE: &str = "settings.manage";
pub const AUDIT_VIEW: &str = "audit.view";
pub const IMPORT_EXPORT: &str = "import_export";
/// The built-in role that holds everything, in every branch.
pub const ADMINISTRATOR_ROLE: &str = ADMINISTRATOR;

/// What an actor holds in one tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rights {
    /// Operator, system, or an API key (whose scope is checked separately): everything.
    Full,
    /// A person: what their login holds.
    Person(Box<Grants>),
}

/// Every name passed here is one of the constants above or a catalogue entry that was
/// already checked; one that does not parse is held by nobody.
fn permission(name: &str) -> Option<Permission> {
    Permission::parse(name).ok()
}

fn unknown(name: &str) -> Decision {
    Decision { allowed: false, code: "permission_missing", message: format!("Not allowed: '{name}' is not a permission.") }
}

impl Rights {
    /// The decision behind `POST /check` and every guard below.
    pub fn decide(&self, name: &str, branch: Option<&str>) -> Decision {
        match self {
            Rights::Full => Decision {
                allowed: true,
                code: "administrator",
                message: "Allowed: not a person, the key's own scope applies.".into(),
            },
            Rights::Person(g) => permission(name).map_or_else(|| unknown(name), |p| check(g, &p, branch)),
        }
    }

    /// Whether the actor holds the permission at all (tenant-wide actions).
    pub fn holds(&self, name: &str) -> bool {
        self.decide(name, None).allowed
    }

    /// Refuses with 403 `permission_missing` naming the permission.
    pub fn require(&self, name: &str) -> AppResult<()> {
        if self.holds(name) { Ok(()) } else { Err(missing(name)) }
    }

    pub fn is_administrator(&self) -> bool {
        match self {
            Rights::Full => true,
            Rights::Person(g) => g.can_log_in && g.is_administrator,
        }
    }

    /// Whether the actor may use the permission on a person standing where `scope` says.
    pub fn reaches(&self, name: &str, scope: &PersonScope) -> bool {
        match self {
            Rights::Full => true,
            Rights::Person(g) => permission(name).is_some_and(|p| reaches(g, &p, scope)),
        }
    }

    /// The branches the people list is limited to, `None` for every person.
    pub fn branch_limit(&self) -> Option<BTreeSet<String>> {
        match self {
            Rights::Full => None,
            Rights::Person(g) => branch_limit(g),
        }
    }

    pub fn grants(&self) -> Option<&Grants> {
        match self {
            Rights::Full => None,
            Rights::Person(g) => Some(g),
        }
    }
}

pub(crate) fn missing(name: &str) -> AppError {
    AppError::Forbidden { code: "permission_missing", message: format!("this needs the permission '{name}'") }
}

/// Where a person's login puts them, the administrator role counting as every branch.
pub(crate) fn person_scope(login: Option<&LoginRecord>, administrator_role: &str) -> PersonScope {
    match login {
        None => PersonScope::NoLogin,
        Some(l) if l.role_id.as_deref() == Some(administrator_role) => PersonScope::Login(BranchScope::All),
        Some(l) => PersonScope::Login(match &l.branches {
            None => BranchScope::All,
            Some(ids) => BranchScope::Only(ids.iter().cloned().collect()),
        }),
    }
}

impl App {
    /// What `actor` holds in the tenant. A person without a login holds nothing.
    pub(crate) async fn rights(&self, conn: &mut Conn, tenant: &Tenant, actor: &Actor) -> AppResult<Rights> {
        let Actor::Person { id, .. } = actor else { return Ok(Rights::Full) };
        Ok(Rights::Person(Box::new(match repo::logins::get(conn, tenant.id(), id).await? {
            Some(login) => grants(conn, tenant, &login).await?,
            None => Grants {
                role: None,
                role_permissions: BTreeSet::new(),
                is_administrator: false,
                extra: BTreeSet::new(),
                branches: BranchScope::Only(BTreeSet::new()),
                can_log_in: false,
            },
        })))
    }

    /// What `actor` holds in the tenant (for the console's menu and forms).
    pub async fn rights_in(&self, actor: &Actor, slug: &str) -> AppResult<Rights> {
        let tenant = self.tenant(actor, slug).await?;
        let mut conn = self.store.read().await?;
        self.rights(&mut conn, &tenant, actor).await
    }

    /// The gate of a tenant-wide action: the key's scope for a write, the permission for a
    /// person.
    pub(crate) async fn require_permission(&self, actor: &Actor, tenant: &Tenant, name: &str, write: bool) -> AppResult<Rights> {
        if write {
            actor.may_write(tenant.id())?;
        }
        let mut conn = self.store.read().await?;
        let rights = self.rights(&mut conn, tenant, actor).await?;
        rights.require(name)?;
        Ok(rights)
    }

    /// API keys act with the full power of their scope, so only an administrator makes them.
    pub(crate) async fn require_administrator(&self, actor: &Actor, tenant: &Tenant) -> AppResult<()> {
        let mut conn = self.store.read().await?;
        if self.rights(&mut conn, tenant, actor).await?.is_administrator() {
            Ok(())
        } else {
            Err(AppError::Forbidden { code: "administrator_only", message: format!("this needs the role '{ADMINISTRATOR}'") })
        }
    }

    /// The gate of an action on one person: 404 for a person who is not there or out of the
    /// actor's reach, 403 for one in reach without the permission, or an administrator whom a
    /// non-administrator tries to change.
    pub(crate) async fn require_person(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        tenant: &Tenant,
        person_id: &str,
        name: &str,
    ) -> AppResult<Rights> {
        let rights = self.rights(conn, tenant, actor).await?;
        if !matches!(actor, Actor::Person { .. }) {
            return Ok(rights);
        }
        if repo::people::get(conn, tenant.id(), person_id).await?.is_none() {
            return Err(AppError::NotFound);
        }
        let login = repo::logins::get(conn, tenant.id(), person_id).await?;
        let admin_role = self.administrator_role_id(conn, tenant.id()).await?;
        let scope = person_scope(login.as_ref(), &admin_role);
        if !rights.reaches(PEOPLE_VIEW, &scope) {
            return Err(AppError::NotFound);
        }
        if !rights.reaches(name, &scope) {
            return Err(missing(name));
        }
        let target_is_admin = login.as_ref().is_some_and(|l| l.role_id.as_deref() == Some(admin_role.as_str()));
        if name != PEOPLE_VIEW && target_is_admin && !rights.is_administrator() {
            return Err(AppError::Forbidden {
                code: "administrator_protected",
                message: format!("only an administrator can change a login with the role '{ADMINISTRATOR}'"),
            });
        }
        Ok(rights)
    }
}

/// What the login holds, resolved from the tenant's role table; the access state decides
/// whether it holds anything at all.
pub(crate) async fn grants(conn: &mut Conn, tenant: &Tenant, login: &LoginRecord) -> AppResult<Grants> {
    let role = match &login.role_id {
        Some(id) => Some(
            repo::roles::get(conn, tenant.id(), id)
                .await?
                .ok_or_else(|| AppError::Internal(format!("login {} refers to a missing role", login.person_id)))?,
        ),
        None => None,
    };
    let branches = match &login.branches {
        None => BranchScope::All,
        Some(ids) => BranchScope::Only(ids.iter().cloned().collect()),
    };
    resolve_grants(role.map(|r| (r.name, r.builtin, r.permissions)), &login.permissions, branches, login.state)
}

/// What a login holds from its role (name, built-in, permissions), its extra permissions, its
/// branch scope and its access state: the one place that says who is an administrator.
pub(crate) fn resolve_grants(
    role: Option<(String, bool, Vec<String>)>,
    extra: &[String],
    branches: BranchScope,
    state: keyrack_core::access::AccessState,
) -> AppResult<Grants> {
    Ok(Grants {
        is_administrator: role.as_ref().is_some_and(|(name, builtin, _)| *builtin && name == ADMINISTRATOR),
        role_permissions: permissions(role.iter().flat_map(|(_, _, p)| p))?,
        role: role.map(|(name, _, _)| name),
        extra: permissions(extra)?,
        branches,
        can_log_in: state.can_log_in(),
    })
}

/// Stored permission names as domain values; a name that does not parse was written by
/// something other than Keyrack and is reported, not skipped.
pub(crate) fn permissions<'a>(names: impl IntoIterator<Item = &'a String>) -> AppResult<BTreeSet<Permission>> {
    names
        .into_iter()
        .map(|n| Permission::parse(n).map_err(|e| AppError::Internal(format!("stored permission '{n}': {}", e.message))))
        .collect()
}
