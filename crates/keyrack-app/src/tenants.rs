//! Tenants: creation with their built-in roles, settings, and the first administrator.

use std::collections::BTreeSet;

use keyrack_core::authz::{ADMINISTRATOR, builtin_roles};
use keyrack_core::password::PasswordPolicy;
use keyrack_core::types::{Locale, Module, PersonKind, TenantSlug};
use keyrack_core::{FieldError, FieldErrors};
use keyrack_store::records::{RoleRecord, TenantRecord};
use keyrack_store::repo;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::audit::{Event, append};
use crate::clock::rfc3339;
use crate::transaction;
use crate::views::TenantView;
use crate::{Actor, App, AppError, AppResult, Origin, Target, new_id};

/// Per-person-kind switch (self-registration).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PerKind {
    #[serde(default)]
    pub staff: bool,
    #[serde(default)]
    pub owner: bool,
    #[serde(default)]
    pub guest: bool,
}

/// The password policy as JSON: every field is required (a partial policy is not merged).
fn password_policy_schema() -> utoipa::openapi::schema::Schema {
    use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
    let flag = || ObjectBuilder::new().schema_type(Type::Boolean);
    let policy = ObjectBuilder::new()
        .schema_type(Type::Object)
        .property("preset", ObjectBuilder::new().schema_type(Type::String).enum_values(Some(["default", "classic"])))
        .property(
            "min_length",
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(keyrack_core::password::MIN_CONFIGURABLE_LENGTH as f64))
                .maximum(Some(keyrack_core::password::MAX_LENGTH as f64)),
        )
        .property("require_lower", flag())
        .property("require_upper", flag())
        .property("require_digit", flag())
        .property("require_symbol", flag())
        .property("min_score", ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(0)).maximum(Some(4)))
        .required("preset")
        .required("min_length")
        .required("require_lower")
        .required("require_upper")
        .required("require_digit")
        .required("require_symbol")
        .required("min_score")
        .additional_properties(Some(utoipa::openapi::schema::AdditionalProperties::FreeForm(false)));
    Schema::Object(policy.build())
}

/// A tenant's settings (SPEC §2). Stored as JSON; fields added later get defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct TenantSettings {
    #[schema(schema_with = password_policy_schema)]
    pub password: PasswordPolicy,
    /// Which kinds of people may create their own account (off by default).
    pub self_registration: PerKind,
    pub invitation_ttl_hours: u32,
    pub reset_ttl_minutes: u32,
    /// Enabled modules: `staff`, `owners`, `guests`.
    #[schema(value_type = Vec<String>)]
    pub modules: BTreeSet<Module>,
}

impl Default for TenantSettings {
    fn default() -> Self {
        Self {
            password: PasswordPolicy::default(),
            self_registration: PerKind::default(),
            invitation_ttl_hours: 7 * 24,
            reset_ttl_minutes: 60,
            modules: Module::ALL.iter().copied().collect(),
        }
    }
}

impl TenantSettings {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        if let Err(e) = self.password.validate() {
            for err in e.0 {
                let field = format!("password.{}", err.field);
                errors.push(err.at(field));
            }
        }
        if !(1..=24 * 90).contains(&self.invitation_ttl_hours) {
            errors.push(FieldError::new("invitation_ttl_hours", "out_of_range", "must be between 1 hour and 90 days"));
        }
        if !(5..=24 * 60).contains(&self.reset_ttl_minutes) {
            errors.push(FieldError::new("reset_ttl_minutes", "out_of_range", "must be between 5 minutes and 24 hours"));
        }
        errors.into_result()
    }

    pub fn module_enabled(&self, kind: PersonKind) -> bool {
        kind.module().is_some_and(|m| self.modules.contains(&m))
    }
}

/// What `tenant.updated` records before and after: the name and default language beside the
/// settings, so that the history shows a change of either as `language: en → nl`.
fn audited_state(record: &TenantRecord, settings: &TenantSettings) -> serde_json::Value {
    let mut state = serde_json::to_value(settings).unwrap_or_default();
    if let Some(fields) = state.as_object_mut() {
        fields.insert("name".into(), record.name.clone().into());
        fields.insert("language".into(), record.language.as_str().into());
    }
    state
}

/// A tenant as the application uses it.
#[derive(Debug, Clone)]
pub struct Tenant {
    pub record: TenantRecord,
    pub settings: TenantSettings,
}

impl Tenant {
    pub fn id(&self) -> &str {
        &self.record.id
    }

    pub fn slug(&self) -> &str {
        &self.record.slug
    }

    pub fn view(&self) -> TenantView {
        TenantView {
            id: self.record.id.clone(),
            slug: self.record.slug.clone(),
            name: self.record.name.clone(),
            language: self.record.language.as_str().into(),
            settings: serde_json::to_value(&self.settings).unwrap_or_default(),
            created_at: rfc3339(self.record.created_at),
        }
    }

    fn from_record(record: TenantRecord) -> AppResult<Self> {
        let settings = serde_json::from_str(&record.settings)
            .map_err(|e| AppError::Internal(format!("tenant settings of {}: {e}", record.slug)))?;
        Ok(Self { record, settings })
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTenant {
    pub slug: String,
    pub name: String,
    pub language: Option<String>,
}

/// Changes to a tenant; absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TenantUpdate {
    pub name: Option<String>,
    pub language: Option<String>,
    pub settings: Option<TenantSettings>,
}

/// A new tenant's fields, checked.
#[derive(Debug, Clone)]
pub(crate) struct CheckedTenant {
    slug: TenantSlug,
    name: String,
    language: Locale,
}

/// Checks a new tenant's slug, name and language, naming every field that is refused.
pub(crate) fn validate_new_tenant(input: &NewTenant) -> Result<CheckedTenant, FieldErrors> {
    let mut errors = FieldErrors::default();
    let slug = errors.take(TenantSlug::parse(&input.slug));
    let name = input.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 100 {
        errors.push(FieldError::new("name", "required", "must be 1 to 100 characters"));
    }
    let language = match input.language.as_deref() {
        Some(l) => errors.take(Locale::parse(l)),
        None => Some(Locale::En),
    };
    errors.into_result()?;
    match (slug, language) {
        (Some(slug), Some(language)) => Ok(CheckedTenant { slug, name, language }),
        // into_result() refused above whenever a parse failed.
        _ => Err(FieldError::new("slug", "invalid_slug", "must be a valid slug").into()),
    }
}

impl App {
    /// Creates a tenant with the built-in roles (operator only).
    pub async fn create_tenant(&self, actor: &Actor, origin: &Origin, input: NewTenant) -> AppResult<Tenant> {
        if !matches!(actor, Actor::Operator | Actor::System) {
            return Err(AppError::Forbidden { code: "operator_only", message: "only the operator creates tenants".into() });
        }
        let checked = validate_new_tenant(&input)?;
        transaction!(self, |tx| self.create_tenant_in_tx(tx, actor, origin, checked.clone()).await)
    }

    /// Inserts a checked tenant with its built-in roles and the audit event, inside the caller's
    /// transaction (the first-run setup creates the tenant and its administrator together).
    pub(crate) async fn create_tenant_in_tx(
        &self,
        tx: &mut keyrack_store::Conn,
        actor: &Actor,
        origin: &Origin,
        checked: CheckedTenant,
    ) -> AppResult<Tenant> {
        let CheckedTenant { slug, name, language } = checked;
        let now = self.now();
        let record = TenantRecord {
            id: new_id(),
            slug: slug.as_str().to_owned(),
            name,
            language,
            settings: serde_json::to_string(&TenantSettings::default()).map_err(|e| AppError::Internal(e.to_string()))?,
            created_at: now,
            updated_at: now,
        };
        match repo::tenants::insert(tx, &record).await {
            Err(e) if e.is_unique_violation() => {
                return Err(AppError::Validation(
                    FieldError::new("slug", "taken", "another tenant already has this slug").into(),
                ));
            }
            r => r?,
        }
        for role in builtin_roles() {
            repo::roles::insert(
                tx,
                &RoleRecord {
                    id: new_id(),
                    tenant_id: record.id.clone(),
                    name: role.name.to_owned(),
                    permissions: role.permissions.iter().map(|p| (*p).to_owned()).collect(),
                    builtin: true,
                    created_at: now,
                    updated_at: now,
                },
            )
            .await?;
        }
        append(
            tx,
            Event::new(&record.id, actor, origin, now, "tenant.created", None, &record.slug)
                .after(serde_json::json!({"slug": record.slug, "name": record.name})),
        )
        .await?;
        Tenant::from_record(record)
    }

    /// Finds a tenant the actor may see; any other answers "not found".
    pub async fn tenant(&self, actor: &Actor, slug: &str) -> AppResult<Tenant> {
        let tenant = self.tenant_by_slug(slug).await?;
        actor.may_read(tenant.id())?;
        Ok(tenant)
    }

    /// Finds a tenant for the public pages and for authentication (no actor yet).
    pub async fn tenant_by_slug(&self, slug: &str) -> AppResult<Tenant> {
        let mut conn = self.store.read().await?;
        let record = repo::tenants::by_slug(&mut conn, slug).await?.ok_or(AppError::NotFound)?;
        Tenant::from_record(record)
    }

    /// Every tenant (operator), or the actor's own.
    pub async fn tenants(&self, actor: &Actor) -> AppResult<Vec<Tenant>> {
        let mut conn = self.store.read().await?;
        let all = repo::tenants::list(&mut conn).await?;
        all.into_iter().filter(|t| actor.may_read(&t.id).is_ok()).map(Tenant::from_record).collect()
    }

    pub async fn update_tenant(&self, actor: &Actor, origin: &Origin, slug: &str, input: TenantUpdate) -> AppResult<Tenant> {
        let tenant = self.tenant(actor, slug).await?;
        self.require_write(actor, tenant.id(), Target::Tenant).await?;
        self.require_permission(actor, &tenant, crate::rights::SETTINGS_MANAGE, true).await?;
        let mut record = tenant.record.clone();
        let mut settings = tenant.settings.clone();
        let mut errors = FieldErrors::default();
        if let Some(name) = input.name {
            let name = name.trim().to_owned();
            if name.is_empty() || name.chars().count() > 100 {
                errors.push(FieldError::new("name", "required", "must be 1 to 100 characters"));
            }
            record.name = name;
        }
        if let Some(l) = input.language.and_then(|l| errors.take(Locale::parse(&l))) {
            record.language = l;
        }
        if let Some(s) = input.settings {
            if let Err(e) = s.validate() {
                for err in e.0 {
                    let field = format!("settings.{}", err.field);
                    errors.push(err.at(field));
                }
            }
            settings = s;
        }
        errors.into_result()?;
        let now = self.now();
        record.settings = serde_json::to_string(&settings).map_err(|e| AppError::Internal(e.to_string()))?;
        record.updated_at = now;
        transaction!(self, |tx| {
            repo::tenants::update(tx, &record).await?;
            let event = Event::new(&record.id, actor, origin, now, "tenant.updated", None, &record.slug)
                .before(audited_state(&tenant.record, &tenant.settings))
                .after(audited_state(&record, &settings));
            append(tx, event).await
        })?;
        Tenant::from_record(record)
    }

    /// The id of the tenant's built-in administrator role.
    pub(crate) async fn administrator_role_id(&self, conn: &mut keyrack_store::Conn, tenant_id: &str) -> AppResult<String> {
        Ok(repo::roles::by_name(conn, tenant_id, ADMINISTRATOR)
            .await?
            .ok_or_else(|| AppError::Internal("tenant has no administrator role".into()))?
            .id)
    }
}
