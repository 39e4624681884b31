//! Tenants, settings, API keys, branches and roles.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use keyrack_app::App;
use keyrack_app::apikeys::NewApiKey;
use keyrack_app::structure::{BranchInput, RoleInput, RolePermissions};
use keyrack_app::tenants::{NewTenant, TenantUpdate};
use keyrack_app::views::{ApiKeyCreated, BranchView, RoleView, TenantView};

use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, Caller, ClientOrigin};

/// Creates a tenant with the built-in roles (operator key only).
#[utoipa::path(post, path = "/tenants", tag = "tenants", request_body = NewTenant,
    responses((status = 201, body = TenantView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_tenant(
    State(app): State<App>,
    Caller(actor): Caller,
    ClientOrigin(origin): ClientOrigin,
    ApiJson(input): ApiJson<NewTenant>,
) -> ApiResult<(StatusCode, Json<TenantView>)> {
    let t = app.create_tenant(&actor, &origin, input).await?;
    Ok((StatusCode::CREATED, Json(t.view())))
}

/// The tenants the caller may see.
#[utoipa::path(get, path = "/tenants", tag = "tenants", responses((status = 200, body = Vec<TenantView>), (status = 401, body = Problem)))]
pub async fn list_tenants(State(app): State<App>, Caller(actor): Caller) -> ApiResult<Json<Vec<TenantView>>> {
    Ok(Json(app.tenants(&actor).await?.iter().map(keyrack_app::tenants::Tenant::view).collect()))
}

/// A tenant and its settings.
#[utoipa::path(get, path = "/tenants/{t}", tag = "tenants", params(("t" = String, Path, description = "Tenant slug")),
    responses((status = 200, body = TenantView), (status = 404, body = Problem)))]
pub async fn get_tenant(State(app): State<App>, Caller(actor): Caller, Path(t): Path<String>) -> ApiResult<Json<TenantView>> {
    Ok(Json(app.tenant(&actor, &t).await?.view()))
}

/// Changes a tenant's name, language or settings.
#[utoipa::path(patch, path = "/tenants/{t}", tag = "tenants", params(("t" = String, Path, description = "Tenant slug")), request_body = TenantUpdate,
    responses((status = 200, body = TenantView), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_tenant(
    State(app): State<App>,
    Caller(actor): Caller,
    ClientOrigin(origin): ClientOrigin,
    Path(t): Path<String>,
    ApiJson(input): ApiJson<TenantUpdate>,
) -> ApiResult<Json<TenantView>> {
    Ok(Json(app.update_tenant(&actor, &origin, &t, input).await?.view()))
}

/// Creates an API key; the key is in this answer only.
#[utoipa::path(post, path = "/tenants/{t}/api-keys", tag = "tenants", params(("t" = String, Path, description = "Tenant slug")), request_body = NewApiKey,
    responses((status = 201, body = ApiKeyCreated), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create_api_key(
    State(app): State<App>,
    Caller(actor): Caller,
    ClientOrigin(origin): ClientOrigin,
    Path(t): Path<String>,
    ApiJson(input): ApiJson<NewApiKey>,
) -> ApiResult<(StatusCode, Json<ApiKeyCreated>)> {
    Ok((StatusCode::CREATED, Json(app.create_api_key(&actor, &origin, &t, input).await?)))
}

/// Revokes an API key; it stops working at once.
#[utoipa::path(delete, path = "/tenants/{t}/api-keys/{id}", tag = "tenants",
    params(("t" = String, Path, description = "Tenant slug"), ("id" = String, Path, description = "API key id")),
    responses((status = 204), (status = 404, body = Problem)))]
pub async fn revoke_api_key(
    State(app): State<App>,
    Caller(actor): Caller,
    ClientOrigin(origin): ClientOrigin,
    Path((t, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    app.revoke_api_key(&actor, &origin, &t, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/tenants/{t}/branches", tag = "tenants", params(("t" = String, Path, description = "Tenant slug")),
    responses((status = 200, body = Vec<BranchView>), (status = 404, body = Problem)))]
pub async fn list_branches(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(t): Path<String>,
) -> ApiResult<Json<Vec<BranchView>>> {
    Ok(Json(app.branches(&actor, &t).await?))
}

#[utoipa::path(post, path = "/tenants/{t}/branches", tag = "tenants", params(("t" = String, Path, description = "Tenant slug")), request_body = BranchInput,
    responses((status = 201, body = BranchView), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create_branch(
    State(app): State<App>,
    Caller(actor): Caller,
    ClientOrigin(origin): ClientOrigin,
    Path(t): Path<String>,
    ApiJson(input): ApiJson<BranchInput>,
) -> ApiResult<(StatusCode, Json<BranchView>)> {
    Ok((StatusCode::CREATED, Json(app.create_branch(&actor, &origin, &t, input).await?)))
}

#[utoipa::path(patch, path = "/tenants/{t}/branches/{id}", tag = "tenants",
    params(("t" = String, Path, description = "Tenant slug"), ("id" = String, Path, description = "Branch id")), request_body = BranchInput,
    responses((status = 200, body = BranchView), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn rename_branch(
    State(app): State<App>,
    Caller(actor): Caller,
    ClientOrigin(origin): ClientOrigin,
    Path((t, id)): Path<(String, String)>,
    ApiJson(input): ApiJson<BranchInput>,
) -> ApiResult<Json<BranchView>> {
    Ok(Json(app.rename_branch(&actor, &origin, &t, &id, input).await?))
}

#[utoipa::path(delete, path = "/tenants/{t}/branches/{id}", tag = "tenants",
    params(("t" = String, Path, description = "Tenant slug"), ("id" = String, Path, description = "Branch id")),
    responses((status = 204), (status = 404, body = Problem)))]
pub async fn delete_branch(
    State(app): State<App>,
    Caller(actor): Caller,
    ClientOrigin(origin): ClientOrigin,
    Path((t, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    app.delete_branch(&actor, &origin, &t, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/tenants/{t}/roles", tag = "tenants", params(("t" = String, Path, description = "Tenant slug")),
    responses((status = 200, body = Vec<RoleView>), (status = 404, body = Problem)))]
pub async fn list_roles(State(app): State<App>, Caller(actor): Caller, Path(t): Path<String>) -> ApiResult<Json<Vec<RoleView>>> {
    Ok(Json(app.roles(&actor, &t).await?))
}

#[utoipa::path(post, path = "/tenants/{t}/roles", tag = "tenants", params(("t" = String, Path, description = "Tenant slug")), request_body = RoleInput,
    responses((status = 201, body = RoleView), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create_role(
    State(app): State<App>,
    Caller(actor): Caller,
    ClientOrigin(origin): ClientOrigin,
    Path(t): Path<String>,
    ApiJson(input): ApiJson<RoleInput>,
) -> ApiResult<(StatusCode, Json<RoleView>)> {
    Ok((StatusCode::CREATED, Json(app.create_role(&actor, &origin, &t, input).await?)))
}

/// Changes the permissions of a role (not of `administrator`).
#[utoipa::path(put, path = "/tenants/{t}/roles/{id}", tag = "tenants",
    params(("t" = String, Path, description = "Tenant slug"), ("id" = String, Path, description = "Role id")), request_body = RolePermissions,
    responses((status = 200, body = RoleView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_role(
    State(app): State<App>,
    Caller(actor): Caller,
    ClientOrigin(origin): ClientOrigin,
    Path((t, id)): Path<(String, String)>,
    ApiJson(input): ApiJson<RolePermissions>,
) -> ApiResult<Json<RoleView>> {
    Ok(Json(app.update_role(&actor, &origin, &t, &id, input).await?))
}

#[utoipa::path(delete, path = "/tenants/{t}/roles/{id}", tag = "tenants",
    params(("t" = String, Path, description = "Tenant slug"), ("id" = String, Path, description = "Role id")),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn delete_role(
    State(app): State<App>,
    Caller(actor): Caller,
    ClientOrigin(origin): ClientOrigin,
    Path((t, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    app.delete_role(&actor, &origin, &t, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
