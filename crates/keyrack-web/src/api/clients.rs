//! OpenID Connect clients of a tenant: registering a relying party, listing, changing its name or
//! redirect URIs, a new secret, deleting it. The console calls the same use cases.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use keyrack_app::App;
use keyrack_app::oidc::clients::{ClientCreated, ClientUpdate, ClientView, NewClient};

use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, Caller, ClientOrigin};

/// Registers an OpenID Connect client; the secret (none for a public client) is in this answer only.
#[utoipa::path(post, path = "/tenants/{t}/clients", tag = "tenants", params(("t" = String, Path, description = "Tenant slug")), request_body = NewClient,
    responses((status = 201, body = ClientCreated), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create_client(
    State(app): State<App>,
    Caller(actor): Caller,
    ClientOrigin(origin): ClientOrigin,
    Path(t): Path<String>,
    ApiJson(input): ApiJson<NewClient>,
) -> ApiResult<(StatusCode, Json<ClientCreated>)> {
    Ok((StatusCode::CREATED, Json(app.create_client(&actor, &origin, &t, input).await?)))
}

/// The tenant's OpenID Connect clients (without secrets).
#[utoipa::path(get, path = "/tenants/{t}/clients", tag = "tenants", params(("t" = String, Path, description = "Tenant slug")),
    responses((status = 200, body = Vec<ClientView>), (status = 404, body = Problem)))]
pub async fn list_clients(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(t): Path<String>,
) -> ApiResult<Json<Vec<ClientView>>> {
    Ok(Json(app.clients(&actor, &t).await?))
}

/// Changes a client's name or redirect URIs (checked like at registration); what is left out stays.
#[utoipa::path(patch, path = "/tenants/{t}/clients/{id}", tag = "tenants",
    params(("t" = String, Path, description = "Tenant slug"), ("id" = String, Path, description = "Client id")), request_body = ClientUpdate,
    responses((status = 200, body = ClientView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_client(
    State(app): State<App>,
    Caller(actor): Caller,
    ClientOrigin(origin): ClientOrigin,
    Path((t, id)): Path<(String, String)>,
    ApiJson(input): ApiJson<ClientUpdate>,
) -> ApiResult<Json<ClientView>> {
    Ok(Json(app.update_client(&actor, &origin, &t, &id, input).await?))
}

/// Ends a client: its codes and every sign-in made through it, with their refresh tokens.
#[utoipa::path(delete, path = "/tenants/{t}/clients/{id}", tag = "tenants",
    params(("t" = String, Path, description = "Tenant slug"), ("id" = String, Path, description = "Client id")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_client(
    State(app): State<App>,
    Caller(actor): Caller,
    ClientOrigin(origin): ClientOrigin,
    Path((t, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    app.delete_client(&actor, &origin, &t, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A new secret for a confidential client, in this answer only; the old one stops working.
/// A public client has none (409 `public_client`).
#[utoipa::path(post, path = "/tenants/{t}/clients/{id}/secret", tag = "tenants",
    params(("t" = String, Path, description = "Tenant slug"), ("id" = String, Path, description = "Client id")),
    responses((status = 200, body = ClientCreated), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn rotate_client_secret(
    State(app): State<App>,
    Caller(actor): Caller,
    ClientOrigin(origin): ClientOrigin,
    Path((t, id)): Path<(String, String)>,
) -> ApiResult<Json<ClientCreated>> {
    Ok(Json(app.rotate_client_secret(&actor, &origin, &t, &id).await?))
}
