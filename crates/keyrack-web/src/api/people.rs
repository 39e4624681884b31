//! People, their role and notifications, diagnosis and audit.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use keyrack_app::App;
use keyrack_app::audit::AuditQuery as TenantAuditQuery;
use keyrack_app::people::{NewPerson, Notifications, PeopleQuery, PersonPatch, RoleAssignment};
use keyrack_app::views::{AuditEventView, DiagnosisView, Page, PersonView};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, ApiQuery, Caller, ClientOrigin};

/// Lists people: search, filters, cursor pagination.
#[utoipa::path(get, path = "/tenants/{t}/people", tag = "people", params(("t" = String, Path, description = "Tenant slug"), PeopleQuery),
    responses((status = 200, body = Page<PersonView>), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn list_people(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(t): Path<String>,
    ApiQuery(query): ApiQuery<PeopleQuery>,
) -> ApiResult<Json<Page<PersonView>>> {
    Ok(Json(app.people(&actor, &t, query).await?))
}

#[utoipa::path(post, path = "/tenants/{t}/people", tag = "people", params(("t" = String, Path, description = "Tenant slug")), request_body = NewPerson,
    responses((status = 201, body = PersonView), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create_person(
    State(app): State<App>,
    Caller(actor): Caller,
    ClientOrigin(origin): ClientOrigin,
    Path(t): Path<String>,
    ApiJson(input): ApiJson<NewPerson>,
) -> ApiResult<(StatusCode, Json<PersonView>)> {
    Ok((StatusCode::CREATED, Json(app.create_person(&actor, &origin, &t, input).await?)))
}

#[utoipa::path(get, path = "/tenants/{t}/people/{id}", tag = "people",
    params(("t" = String, Path, description = "Tenant slug"), ("id" = String, Path, description = "Person id")),
    responses((status = 200, body = PersonView), (status = 404, body = Problem)))]
pub async fn get_person(
    State(app): State<App>,
    Caller(actor): Caller,
    Path((t, id)): Path<(String, String)>,
) -> ApiResult<Json<PersonView>> {
    Ok(Json(app.person(&actor, &t, &id).await?))
}

/// Changes a person's details; absent fields stay as they are.
#[utoipa::path(patch, path = "/tenants/{t}/people/{id}", tag = "people",
    params(("t" = String, Path, description = "Tenant slug"), ("id" = String, Path, description = "Person id")), request_body = PersonPatch,
    responses((status = 200, body = PersonView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_person(
    State(app): State<App>,
    Caller(actor): Caller,
    ClientOrigin(origin): ClientOrigin,
    Path((t, id)): Path<(String, String)>,
    ApiJson(input): ApiJson<PersonPatch>,
) -> ApiResult<Json<PersonView>> {
    Ok(Json(app.update_person(&actor, &origin, &t, &id, input).await?))
}

/// Deletes the person and their login; their history stays, with the name redacted.
#[utoipa::path(delete, path = "/tenants/{t}/people/{id}", tag = "people",
    params(("t" = String, Path, description = "Tenant slug"), ("id" = String, Path, description = "Person id")),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn delete_person(
    State(app): State<App>,
    Caller(actor): Caller,
    ClientOrigin(origin): ClientOrigin,
    Path((t, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    app.delete_person(&actor, &origin, &t, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sets the role, extra permissions and branch scope of a person's login.
#[utoipa::path(put, path = "/tenants/{t}/people/{id}/role", tag = "people",
    params(("t" = String, Path, description = "Tenant slug"), ("id" = String, Path, description = "Person id")), request_body = RoleAssignment,
    responses((status = 200, body = PersonView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn assign_role(
    State(app): State<App>,
    Caller(actor): Caller,
    ClientOrigin(origin): ClientOrigin,
    Path((t, id)): Path<(String, String)>,
    ApiJson(input): ApiJson<RoleAssignment>,
) -> ApiResult<Json<PersonView>> {
    Ok(Json(app.assign_role(&actor, &origin, &t, &id, input).await?))
}

/// Sets the e-mail categories the person receives.
#[utoipa::path(put, path = "/tenants/{t}/people/{id}/notifications", tag = "people",
    params(("t" = String, Path, description = "Tenant slug"), ("id" = String, Path, description = "Person id")), request_body = Notifications,
    responses((status = 200, body = PersonView), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn set_notifications(
    State(app): State<App>,
    Caller(actor): Caller,
    ClientOrigin(origin): ClientOrigin,
    Path((t, id)): Path<(String, String)>,
    ApiJson(input): ApiJson<Notifications>,
) -> ApiResult<Json<PersonView>> {
    Ok(Json(app.set_notifications(&actor, &origin, &t, &id, input).await?))
}

/// Why this person can or cannot log in right now, in words.
#[utoipa::path(get, path = "/tenants/{t}/people/{id}/diagnosis", tag = "people",
    params(("t" = String, Path, description = "Tenant slug"), ("id" = String, Path, description = "Person id")),
    responses((status = 200, body = DiagnosisView), (status = 404, body = Problem)))]
pub async fn diagnosis(
    State(app): State<App>,
    Caller(actor): Caller,
    Path((t, id)): Path<(String, String)>,
) -> ApiResult<Json<DiagnosisView>> {
    Ok(Json(app.diagnosis(&actor, &t, &id).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1 to 500 (default 100).
    pub limit: Option<i64>,
}

/// A person's history, newest first.
#[utoipa::path(get, path = "/tenants/{t}/people/{id}/audit", tag = "audit",
    params(("t" = String, Path, description = "Tenant slug"), ("id" = String, Path, description = "Person id"), AuditQuery),
    responses((status = 200, body = Page<AuditEventView>), (status = 404, body = Problem)))]
pub async fn person_audit(
    State(app): State<App>,
    Caller(actor): Caller,
    Path((t, id)): Path<(String, String)>,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult<Json<Page<AuditEventView>>> {
    Ok(Json(app.audit(&actor, &t, Some(&id), q.cursor.as_deref(), q.limit.unwrap_or(100)).await?))
}

/// The tenant's audit log, newest first, filtered by who acted, the action, the person (with
/// the people merged into them) and the days.
#[utoipa::path(get, path = "/tenants/{t}/audit", tag = "audit", params(("t" = String, Path, description = "Tenant slug"), TenantAuditQuery),
    responses((status = 200, body = Page<AuditEventView>), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn tenant_audit(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(t): Path<String>,
    ApiQuery(q): ApiQuery<TenantAuditQuery>,
) -> ApiResult<Json<Page<AuditEventView>>> {
    Ok(Json(app.audit_log(&actor, &t, q).await?))
}
