//! For applications with their own screens: check a login, set a password through a link.
//! These need no API key: the username and password, or the link's token, are the credential.

use axum::Json;
use axum::extract::{Path, State};
use keyrack_app::App;
use keyrack_app::auth::{AcceptLink, Credentials};
use keyrack_app::views::PersonView;

use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, ClientOrigin};

/// Checks a username and password; 401 `invalid_credentials` whatever the reason.
#[utoipa::path(post, path = "/tenants/{t}/authenticate", tag = "auth", security(()),
    params(("t" = String, Path, description = "Tenant slug")), request_body = Credentials,
    responses((status = 200, body = PersonView), (status = 401, body = Problem)))]
pub async fn authenticate(
    State(app): State<App>,
    ClientOrigin(origin): ClientOrigin,
    Path(t): Path<String>,
    ApiJson(input): ApiJson<Credentials>,
) -> ApiResult<Json<PersonView>> {
    Ok(Json(app.authenticate(&origin, &t, input).await?))
}

/// Sets the password through an invitation or reset link; 410 `link_invalid` for an unknown,
/// used or expired token alike.
#[utoipa::path(post, path = "/tenants/{t}/links/accept", tag = "auth", security(()),
    params(("t" = String, Path, description = "Tenant slug")), request_body = AcceptLink,
    responses((status = 200, body = PersonView), (status = 410, body = Problem), (status = 422, body = Problem)))]
pub async fn accept_link(
    State(app): State<App>,
    ClientOrigin(origin): ClientOrigin,
    Path(t): Path<String>,
    ApiJson(input): ApiJson<AcceptLink>,
) -> ApiResult<Json<PersonView>> {
    Ok(Json(app.accept_link(&origin, &t, input).await?))
}
