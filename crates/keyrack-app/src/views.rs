//! The shapes that API clients rely on (SPEC §5). They serialise to JSON and describe
//! themselves to the OpenAPI document.

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema, SchemaType, Type};

use crate::clock::rfc3339;

/// A person and their access.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonView {
    pub id: String,
    /// `staff`, `owner`, `guest` or `contact`.
    pub kind: String,
    pub salutation: String,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phones: Vec<String>,
    pub language: String,
    /// The e-mail categories the person receives.
    pub notifications: Vec<String>,
    pub access: AccessView,
    pub created_at: String,
    pub updated_at: String,
    /// Only in the answer to `invite` with `send_email: false`: the link to pass on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// Only in the answer to `password` with `generate: true`: shown this once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

/// A person's access: the state of SPEC §3 and the facts beside it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccessView {
    /// `none`, `granted`, `invited`, `active`, `reset_pending`, `reset_requested` or `blocked`.
    pub state: String,
    /// The state's English label ("Yes (invited)").
    pub label: String,
    pub username: Option<String>,
    /// The role's name, if any.
    pub role: Option<String>,
    /// Extra permissions beyond the role's.
    pub permissions: Vec<String>,
    /// `"all"`, or the ids of the branches in scope.
    #[schema(schema_with = branch_scope_schema)]
    pub branches: serde_json::Value,
    pub must_change_password: bool,
    pub last_login_at: Option<String>,
    /// Derived facts: `invitation_expired`, `email_shared`, `locked`, `must_change_password`,
    /// `never_logged_in`.
    pub flags: Vec<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TenantView {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub language: String,
    #[schema(value_type = Object)]
    pub settings: serde_json::Value,
    pub created_at: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BranchView {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RoleView {
    pub id: String,
    pub name: String,
    pub permissions: Vec<String>,
    pub builtin: bool,
    pub editable: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditEventView {
    pub id: String,
    pub at: String,
    pub actor: AuditActorView,
    pub action: String,
    pub subject_id: Option<String>,
    pub subject: String,
    pub address: Option<String>,
    /// The changed fields before the action, or null.
    #[schema(schema_with = object_or_null_schema)]
    pub before: Option<serde_json::Value>,
    /// The changed fields after the action, or null.
    #[schema(schema_with = object_or_null_schema)]
    pub after: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditActorView {
    /// `operator`, `api_key`, `person` or `system`.
    pub kind: String,
    pub id: Option<String>,
    pub label: String,
}

/// One page of a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DiagnosisView {
    pub can_log_in: bool,
    pub reasons: Vec<ReasonView>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReasonView {
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApiKeyCreated {
    pub id: String,
    /// The key itself: shown this once, stored only as a hash.
    pub key: String,
    pub scope: String,
}

pub(crate) fn opt_time(ms: Option<i64>) -> Option<String> {
    ms.map(rfc3339)
}

/// A branch scope as the API reads and writes it: the word `"all"`, or a list of branch ids.
pub(crate) fn branch_scope_schema() -> Schema {
    let all = ObjectBuilder::new().schema_type(Type::String).enum_values(Some(["all"]));
    let ids = ArrayBuilder::new().items(ObjectBuilder::new().schema_type(Type::String));
    Schema::OneOf(OneOfBuilder::new().item(all).item(ids).description(Some("`\"all\"`, or a list of branch ids")).build())
}

/// A JSON object, or null where there is nothing to show.
fn object_or_null_schema() -> Schema {
    Schema::Object(ObjectBuilder::new().schema_type(SchemaType::from_iter([Type::Object, Type::Null])).build())
}
