//! What the importing actor may change (the rule is in the module doc of [`super`]).

use std::collections::BTreeSet;

use keyrack_core::FieldError;
use keyrack_core::authz::{BranchScope, check_assignment};
use keyrack_core::types::Permission;
use keyrack_store::Conn;

use crate::tenants::Tenant;
use crate::{Actor, App, AppError, AppResult};

pub(crate) use crate::rights::Rights;

const IMPORT_EXPORT: &str = crate::rights::IMPORT_EXPORT;
const PEOPLE_MANAGE: &str = crate::rights::PEOPLE_MANAGE;
const ACCESS_MANAGE: &str = crate::rights::ACCESS_MANAGE;

impl Rights {
    /// Refuses an actor who may not import or export at all.
    pub(crate) fn require_import_export(&self) -> AppResult<()> {
        if self.holds(IMPORT_EXPORT) {
            Ok(())
        } else {
            Err(AppError::Forbidden {
                code: "permission_missing",
                message: format!("importing and exporting people needs the permission '{IMPORT_EXPORT}'"),
            })
        }
    }

    pub(crate) fn may_manage_people(&self) -> AppResult<bool> {
        Ok(self.holds(PEOPLE_MANAGE))
    }

    pub(crate) fn may_manage_access(&self) -> AppResult<bool> {
        Ok(self.holds(ACCESS_MANAGE))
    }

    /// Whether the actor may hand out what a row adds to a login: the new role's permissions
    /// (when the role changes), the extra permissions that are new, and the branch scope (when
    /// it changes). Every violation is one error on `role`, `permissions` or `branches`.
    pub(crate) fn check_assignment(
        &self,
        role_permissions: &[String],
        assigns_administrator: bool,
        added_permissions: &[String],
        branches: Option<&BranchScope>,
    ) -> Vec<FieldError> {
        let Rights::Person(grants) = self else { return Vec::new() };
        // Names were checked against the catalogue before; one that does not parse holds nothing.
        let set = |names: &[String]| names.iter().filter_map(|n| Permission::parse(n).ok()).collect::<BTreeSet<_>>();
        let unchanged_scope = BranchScope::Only(BTreeSet::new());
        match check_assignment(
            grants,
            &set(role_permissions),
            assigns_administrator,
            &set(added_permissions),
            branches.unwrap_or(&unchanged_scope),
        ) {
            Ok(()) => Vec::new(),
            Err(errors) => errors,
        }
    }

    /// A stable text of what the actor holds, stored with the preview and compared at apply.
    pub(crate) fn fingerprint(&self) -> String {
        match self {
            Rights::Full => "full".to_owned(),
            Rights::Person(g) => serde_json::to_string(g).unwrap_or_default(),
        }
    }
}

impl App {
    /// The rights of `actor` in the tenant (see [`crate::rights`]).
    pub(crate) async fn import_rights(&self, conn: &mut Conn, tenant: &Tenant, actor: &Actor) -> AppResult<Rights> {
        self.rights(conn, tenant, actor).await
    }

    /// The tenant and the actor's rights for an import or export: another tenant is "not
    /// found"; with `write`, a read key is refused; a person needs `import_export`.
    pub(crate) async fn import_access(&self, actor: &Actor, slug: &str, write: bool) -> AppResult<(Tenant, Rights)> {
        let tenant = self.tenant(actor, slug).await?;
        if write {
            actor.may_write(tenant.id())?;
        }
        let mut conn = self.store.read().await?;
        let rights = self.import_rights(&mut conn, &tenant, actor).await?;
        drop(conn);
        rights.require_import_export()?;
        Ok((tenant, rights))
    }
}

/// A field error on a cell the actor may not change.
pub(crate) fn forbidden(field: &str, permission: &str, what: &str) -> FieldError {
    FieldError::new(field, "forbidden", format!("{what} needs the permission '{permission}'"))
        .with_param("permission", permission)
}

pub(crate) const NEEDS_PEOPLE_MANAGE: &str = PEOPLE_MANAGE;
pub(crate) const NEEDS_ACCESS_MANAGE: &str = ACCESS_MANAGE;
