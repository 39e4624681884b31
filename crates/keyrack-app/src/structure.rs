//! A tenant's branches and roles.

use std::collections::BTreeSet;

use keyrack_core::FieldError;
use keyrack_core::authz::ADMINISTRATOR;
use keyrack_store::records::{BranchRecord, RoleRecord};
use keyrack_store::repo;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::audit::{Event, append};
use crate::rights::{PEOPLE_VIEW, ROLES_MANAGE, Rights, SETTINGS_MANAGE};
use crate::transaction;
use crate::views::{BranchView, RoleView};
use crate::{Actor, App, AppError, AppResult, Origin, Target, new_id};

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BranchInput {
    /// Not blank.
    #[schema(pattern = "\\S", max_length = 100)]
    pub name: String,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleInput {
    /// 1 to 64 lower-case letters, digits, `_` and `-`.
    #[schema(pattern = "^[a-z0-9_-]{1,64}$")]
    pub name: String,
    pub permissions: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RolePermissions {
    pub permissions: Vec<String>,
}

fn branch_name(raw: &str) -> Result<String, FieldError> {
    let name = keyrack_core::types::parse_name("name", raw)?;
    if name.is_empty() {
        return Err(FieldError::new("name", "required", "must not be empty"));
    }
    Ok(name)
}

fn branch_view(b: BranchRecord) -> BranchView {
    BranchView { id: b.id, name: b.name }
}

pub(crate) fn role_view(r: RoleRecord) -> RoleView {
    RoleView { editable: r.name != ADMINISTRATOR, id: r.id, name: r.name, permissions: r.permissions, builtin: r.builtin }
}

fn role_name(raw: &str) -> Result<String, FieldError> {
    let name = raw.trim();
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
    if !ok {
        return Err(FieldError::new(
            "name",
            "invalid_role_name",
            "role names use 1 to 64 lower-case letters, digits, '_' and '-'",
        ));
    }
    Ok(name.to_owned())
}

impl App {
    /// Checks that each permission exists (Keyrack's own or the operator's catalogue).
    pub(crate) fn known_permissions(&self, field: &str, raw: &[String]) -> Result<Vec<String>, FieldError> {
        let all = self.config.all_permissions();
        let mut out = BTreeSet::new();
        for p in raw {
            let p = p.trim();
            if !all.iter().any(|a| a == p) {
                return Err(FieldError::new(field, "unknown_permission", format!("'{p}' is not a known permission"))
                    .with_param("permission", p));
            }
            out.insert(p.to_owned());
        }
        Ok(out.into_iter().collect())
    }

    pub async fn branches(&self, actor: &Actor, slug: &str) -> AppResult<Vec<BranchView>> {
        let tenant = self.tenant(actor, slug).await?;
        self.require_permission(actor, &tenant, PEOPLE_VIEW, false).await?;
        let mut conn = self.store.read().await?;
        Ok(repo::branches::list(&mut conn, tenant.id()).await?.into_iter().map(branch_view).collect())
    }

    /// Branches are part of the tenant's settings (`settings.manage`).
    pub async fn create_branch(&self, actor: &Actor, origin: &Origin, slug: &str, input: BranchInput) -> AppResult<BranchView> {
        let tenant = self.tenant(actor, slug).await?;
        self.require_write(actor, tenant.id(), Target::Tenant).await?;
        self.require_permission(actor, &tenant, SETTINGS_MANAGE, true).await?;
        let name = branch_name(&input.name)?;
        let now = self.now();
        let record = BranchRecord { id: new_id(), tenant_id: tenant.id().to_owned(), name, created_at: now };
        transaction!(self, |tx| {
            match repo::branches::insert(tx, &record).await {
                Err(e) if e.is_unique_violation() => {
                    return Err(FieldError::new("name", "taken", "another branch already has this name").into());
                }
                r => r?,
            }
            append(tx, Event::new(tenant.id(), actor, origin, now, "branch.created", Some(&record.id), &record.name)).await?;
            Ok(branch_view(record.clone()))
        })
    }

    pub async fn rename_branch(
        &self,
        actor: &Actor,
        origin: &Origin,
        slug: &str,
        id: &str,
        input: BranchInput,
    ) -> AppResult<BranchView> {
        let tenant = self.tenant(actor, slug).await?;
        self.require_write(actor, tenant.id(), Target::Branch(id)).await?;
        self.require_permission(actor, &tenant, SETTINGS_MANAGE, true).await?;
        let name = branch_name(&input.name)?;
        transaction!(self, |tx| {
            let before = repo::branches::get(tx, tenant.id(), id).await?.ok_or(AppError::NotFound)?;
            match repo::branches::rename(tx, tenant.id(), id, &name).await {
                Err(e) if e.is_unique_violation() => {
                    return Err(FieldError::new("name", "taken", "another branch already has this name").into());
                }
                r => r?,
            };
            append(
                tx,
                Event::new(tenant.id(), actor, origin, self.now(), "branch.renamed", Some(id), &name)
                    .before(serde_json::json!({"name": before.name}))
                    .after(serde_json::json!({"name": name})),
            )
            .await?;
            Ok(BranchView { id: id.to_owned(), name: name.clone() })
        })
    }

    pub async fn delete_branch(&self, actor: &Actor, origin: &Origin, slug: &str, id: &str) -> AppResult<()> {
        let tenant = self.tenant(actor, slug).await?;
        self.require_write(actor, tenant.id(), Target::Branch(id)).await?;
        self.require_permission(actor, &tenant, SETTINGS_MANAGE, true).await?;
        transaction!(self, |tx| {
            let before = repo::branches::get(tx, tenant.id(), id).await?.ok_or(AppError::NotFound)?;
            repo::branches::delete(tx, tenant.id(), id).await?;
            append(tx, Event::new(tenant.id(), actor, origin, self.now(), "branch.deleted", Some(id), &before.name)).await?;
            Ok(())
        })
    }

    pub async fn roles(&self, actor: &Actor, slug: &str) -> AppResult<Vec<RoleView>> {
        let tenant = self.tenant(actor, slug).await?;
        self.require_permission(actor, &tenant, PEOPLE_VIEW, false).await?;
        let mut conn = self.store.read().await?;
        Ok(repo::roles::list(&mut conn, tenant.id()).await?.into_iter().map(role_view).collect())
    }

    pub async fn create_role(&self, actor: &Actor, origin: &Origin, slug: &str, input: RoleInput) -> AppResult<RoleView> {
        let tenant = self.tenant(actor, slug).await?;
        self.require_write(actor, tenant.id(), Target::Tenant).await?;
        let rights = self.require_permission(actor, &tenant, ROLES_MANAGE, true).await?;
        let mut errors = keyrack_core::FieldErrors::default();
        let name = errors.take(role_name(&input.name));
        let permissions = errors.take(self.known_permissions("permissions", &input.permissions));
        if let Some(p) = &permissions {
            errors.0.extend(role_grant_errors(&rights, p));
        }
        errors.into_result()?;
        let (Some(name), Some(permissions)) = (name, permissions) else { return Err(AppError::Internal("unreachable".into())) };
        let now = self.now();
        let record = RoleRecord {
            id: new_id(),
            tenant_id: tenant.id().to_owned(),
            name,
            permissions,
            builtin: false,
            created_at: now,
            updated_at: now,
        };
        transaction!(self, |tx| {
            match repo::roles::insert(tx, &record).await {
                Err(e) if e.is_unique_violation() => {
                    return Err(FieldError::new("name", "taken", "another role already has this name").into());
                }
                r => r?,
            }
            append(
                tx,
                Event::new(tenant.id(), actor, origin, now, "role.created", Some(&record.id), &record.name)
                    .after(serde_json::json!({"permissions": record.permissions})),
            )
            .await?;
            Ok(role_view(record.clone()))
        })
    }

    /// Changes what a role holds; the administrator role is not editable.
    pub async fn update_role(
        &self,
        actor: &Actor,
        origin: &Origin,
        slug: &str,
        id: &str,
        input: RolePermissions,
    ) -> AppResult<RoleView> {
        let tenant = self.tenant(actor, slug).await?;
        self.require_write(actor, tenant.id(), Target::Role(id)).await?;
        let rights = self.require_permission(actor, &tenant, ROLES_MANAGE, true).await?;
        let permissions = self.known_permissions("permissions", &input.permissions)?;
        let now = self.now();
        transaction!(self, |tx| {
            let mut role = repo::roles::get(tx, tenant.id(), id).await?.ok_or(AppError::NotFound)?;
            if role.name == ADMINISTRATOR {
                return Err(AppError::conflict("role_not_editable", "the administrator role always holds every permission"));
            }
            // Only what the change adds must be held: what someone else put in the role may stay.
            let added: Vec<String> = permissions.iter().filter(|p| !role.permissions.contains(p)).cloned().collect();
            let refused = role_grant_errors(&rights, &added);
            if !refused.is_empty() {
                return Err(AppError::Validation(keyrack_core::FieldErrors(refused)));
            }
            let before = role.permissions.clone();
            repo::roles::update_permissions(tx, tenant.id(), id, &permissions, now).await?;
            role.permissions = permissions.clone();
            append(
                tx,
                Event::new(tenant.id(), actor, origin, now, "role.updated", Some(id), &role.name)
                    .before(serde_json::json!({"permissions": before}))
                    .after(serde_json::json!({"permissions": role.permissions})),
            )
            .await?;
            Ok(role_view(role))
        })
    }

    pub async fn delete_role(&self, actor: &Actor, origin: &Origin, slug: &str, id: &str) -> AppResult<()> {
        let tenant = self.tenant(actor, slug).await?;
        self.require_write(actor, tenant.id(), Target::Role(id)).await?;
        self.require_permission(actor, &tenant, ROLES_MANAGE, true).await?;
        transaction!(self, |tx| {
            let role = repo::roles::get(tx, tenant.id(), id).await?.ok_or(AppError::NotFound)?;
            if role.builtin {
                return Err(AppError::conflict("role_builtin", format!("the built-in role '{}' cannot be deleted", role.name)));
            }
            let holders = repo::roles::holders(tx, id).await?;
            if holders > 0 {
                return Err(AppError::conflict("role_in_use", format!("{holders} people still have the role '{}'", role.name)));
            }
            repo::roles::delete(tx, tenant.id(), id).await?;
            append(tx, Event::new(tenant.id(), actor, origin, self.now(), "role.deleted", Some(id), &role.name)).await?;
            Ok(())
        })
    }
}

/// A role holds no permission its editor does not hold (the same rule as assigning one).
fn role_grant_errors(rights: &Rights, permissions: &[String]) -> Vec<FieldError> {
    permissions
        .iter()
        .filter(|p| !rights.holds(p))
        .map(|p| {
            FieldError::new("permissions", "cannot_grant", format!("you cannot grant '{p}': you do not hold it yourself"))
                .with_param("permission", p)
        })
        .collect()
}
