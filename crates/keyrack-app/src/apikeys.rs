//! Tenant API keys: created with a scope, shown once, stored as a hash, revocable.

use keyrack_core::FieldError;
use keyrack_store::records::ApiKeyRecord;
use keyrack_store::repo;
use serde::Deserialize;
use subtle::ConstantTimeEq;
use utoipa::ToSchema;

use crate::audit::{Event, append};
use crate::secrets::{digest, new_token};
use crate::transaction;
use crate::views::ApiKeyCreated;
use crate::{Actor, App, AppError, AppResult, Origin, Target, new_id};

/// Every key starts with this, so that leaked keys are easy to find with secret scanners.
pub const KEY_PREFIX: &str = "kr_";

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewApiKey {
    /// `read` or `write`.
    #[schema(pattern = "^(read|write)$")]
    pub scope: String,
    #[serde(default)]
    pub label: Option<String>,
}

impl App {
    /// Creates a tenant API key (operator, or a write key of the tenant). The key is answered once.
    pub async fn create_api_key(&self, actor: &Actor, origin: &Origin, slug: &str, input: NewApiKey) -> AppResult<ApiKeyCreated> {
        let tenant = self.tenant(actor, slug).await?;
        self.require_write(actor, tenant.id(), Target::Tenant).await?;
        self.require_administrator(actor, &tenant).await?;
        let scope = match input.scope.as_str() {
            "read" | "write" => input.scope.clone(),
            _ => return Err(FieldError::new("scope", "invalid_choice", "must be one of: read, write").into()),
        };
        let key = format!("{KEY_PREFIX}{}", new_token());
        let now = self.now();
        let record = ApiKeyRecord {
            id: new_id(),
            tenant_id: tenant.id().to_owned(),
            scope: scope.clone(),
            label: input.label.unwrap_or_default().trim().chars().take(100).collect(),
            created_at: now,
            revoked_at: None,
        };
        transaction!(self, |tx| {
            repo::api_keys::insert(tx, &record, &digest(&key)).await?;
            append(
                tx,
                Event::new(tenant.id(), actor, origin, now, "api_key.created", Some(&record.id), &record.label)
                    .after(serde_json::json!({"scope": scope})),
            )
            .await?;
            Ok(ApiKeyCreated { id: record.id.clone(), key: key.clone(), scope: scope.clone() })
        })
    }

    pub async fn revoke_api_key(&self, actor: &Actor, origin: &Origin, slug: &str, id: &str) -> AppResult<()> {
        let tenant = self.tenant(actor, slug).await?;
        self.require_write(actor, tenant.id(), Target::ApiKey(id)).await?;
        self.require_administrator(actor, &tenant).await?;
        let now = self.now();
        transaction!(self, |tx| {
            if !repo::api_keys::revoke(tx, tenant.id(), id, now).await? {
                return Err(AppError::NotFound);
            }
            append(tx, Event::new(tenant.id(), actor, origin, now, "api_key.revoked", Some(id), id)).await?;
            Ok(())
        })
    }

    /// Resolves a bearer credential: the operator key or a live tenant key.
    pub async fn actor_for_bearer(&self, presented: &str) -> AppResult<Actor> {
        if self.is_operator_key(presented) {
            return Ok(Actor::Operator);
        }
        if !is_tenant_key(presented) {
            return Err(AppError::Unauthorized);
        }
        let mut conn = self.store.read().await?;
        let key = repo::api_keys::by_hash(&mut conn, &digest(presented)).await?.ok_or(AppError::Unauthorized)?;
        Ok(Actor::ApiKey { write: key.scope == "write", id: key.id, tenant_id: key.tenant_id })
    }

    /// Whether the bearer is the configured operator key (compared in constant time).
    pub(crate) fn is_operator_key(&self, presented: &str) -> bool {
        self.config.operator_key.as_ref().is_some_and(|op| bool::from(op.as_bytes().ct_eq(presented.as_bytes())))
    }
}

/// Whether the bearer has the shape of a tenant's API key (`kr_…`).
pub(crate) fn is_tenant_key(presented: &str) -> bool {
    presented.starts_with(KEY_PREFIX)
}
