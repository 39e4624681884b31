//! OpenID Connect clients of a tenant: registering a relying party, and listing them.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use keyrack_app::App;
use keyrack_app::oidc::clients::{ClientCreated, ClientView, NewClient};

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
