//! The access actions: `POST /tenants/{t}/people/{id}/access/{action}`. Each answers the
//! updated person, or 409 with a code naming the current state; `username` changes the name of
//! an existing login.

use axum::Json;
use axum::extract::{Path, State};
use keyrack_app::App;
use keyrack_app::access::{ActionInput, GrantInput, InviteInput, PasswordInput, UsernameInput};
use keyrack_app::views::PersonView;
use keyrack_core::access::Action;

use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, Caller, ClientOrigin, OptionalJson};

/// Grants access (`none` → `granted`), or lifts a block like `unblock`.
#[utoipa::path(post, path = "/tenants/{t}/people/{id}/access/grant", tag = "access",
    params(("t" = String, Path, description = "Tenant slug"), ("id" = String, Path, description = "Person id")), request_body(content = Option<GrantInput>, description = "May be left out: the defaults apply"),
    responses((status = 200, body = PersonView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn grant(
    State(app): State<App>,
    Caller(actor): Caller,
    ClientOrigin(origin): ClientOrigin,
    Path((t, id)): Path<(String, String)>,
    OptionalJson(input): OptionalJson<GrantInput>,
) -> ApiResult<Json<PersonView>> {
    Ok(Json(app.act(&actor, &origin, &t, &id, Action::Grant, ActionInput::Grant(input)).await?))
}

/// Sends (or resends) the set-password invitation; with `send_email: false` the answer carries the `link`.
#[utoipa::path(post, path = "/tenants/{t}/people/{id}/access/invite", tag = "access",
    params(("t" = String, Path, description = "Tenant slug"), ("id" = String, Path, description = "Person id")), request_body(content = Option<InviteInput>, description = "May be left out: the defaults apply"),
    responses((status = 200, body = PersonView), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn invite(
    State(app): State<App>,
    Caller(actor): Caller,
    ClientOrigin(origin): ClientOrigin,
    Path((t, id)): Path<(String, String)>,
    OptionalJson(input): OptionalJson<InviteInput>,
) -> ApiResult<Json<PersonView>> {
    Ok(Json(app.act(&actor, &origin, &t, &id, Action::Invite, ActionInput::Invite(input)).await?))
}

/// Blocks access: sessions and links end; `unblock` returns to the state before.
#[utoipa::path(post, path = "/tenants/{t}/people/{id}/access/block", tag = "access",
    params(("t" = String, Path, description = "Tenant slug"), ("id" = String, Path, description = "Person id")),
    responses((status = 200, body = PersonView), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn block(
    State(app): State<App>,
    Caller(actor): Caller,
    ClientOrigin(origin): ClientOrigin,
    Path((t, id)): Path<(String, String)>,
) -> ApiResult<Json<PersonView>> {
    Ok(Json(app.act(&actor, &origin, &t, &id, Action::Block, ActionInput::None).await?))
}

#[utoipa::path(post, path = "/tenants/{t}/people/{id}/access/unblock", tag = "access",
    params(("t" = String, Path, description = "Tenant slug"), ("id" = String, Path, description = "Person id")),
    responses((status = 200, body = PersonView), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn unblock(
    State(app): State<App>,
    Caller(actor): Caller,
    ClientOrigin(origin): ClientOrigin,
    Path((t, id)): Path<(String, String)>,
) -> ApiResult<Json<PersonView>> {
    Ok(Json(app.act(&actor, &origin, &t, &id, Action::Unblock, ActionInput::None).await?))
}

/// Removes access entirely: username, password, links, sessions and role are deleted.
#[utoipa::path(post, path = "/tenants/{t}/people/{id}/access/remove", tag = "access",
    params(("t" = String, Path, description = "Tenant slug"), ("id" = String, Path, description = "Person id")),
    responses((status = 200, body = PersonView), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn remove(
    State(app): State<App>,
    Caller(actor): Caller,
    ClientOrigin(origin): ClientOrigin,
    Path((t, id)): Path<(String, String)>,
) -> ApiResult<Json<PersonView>> {
    Ok(Json(app.act(&actor, &origin, &t, &id, Action::Remove, ActionInput::None).await?))
}

/// Revokes the password and sessions and e-mails a reset link.
#[utoipa::path(post, path = "/tenants/{t}/people/{id}/access/reset", tag = "access",
    params(("t" = String, Path, description = "Tenant slug"), ("id" = String, Path, description = "Person id")),
    responses((status = 200, body = PersonView), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn reset(
    State(app): State<App>,
    Caller(actor): Caller,
    ClientOrigin(origin): ClientOrigin,
    Path((t, id)): Path<(String, String)>,
) -> ApiResult<Json<PersonView>> {
    Ok(Json(app.act(&actor, &origin, &t, &id, Action::AdminReset, ActionInput::None).await?))
}

/// Sets a given password, or generates one (answered once in `password`).
#[utoipa::path(post, path = "/tenants/{t}/people/{id}/access/password", tag = "access",
    params(("t" = String, Path, description = "Tenant slug"), ("id" = String, Path, description = "Person id")), request_body = PasswordInput,
    responses((status = 200, body = PersonView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn password(
    State(app): State<App>,
    Caller(actor): Caller,
    ClientOrigin(origin): ClientOrigin,
    Path((t, id)): Path<(String, String)>,
    ApiJson(input): ApiJson<PasswordInput>,
) -> ApiResult<Json<PersonView>> {
    Ok(Json(app.set_password(&actor, &origin, &t, &id, input).await?))
}

/// Changes the username of an existing login.
///
/// The person stays signed in, keeps their password and links, and signs in with the new name
/// from now on. 409 `access_not_granted` without a login; 409 `username_taken` when another login
/// of the tenant has the name in any case; a change of case only is stored as typed.
#[utoipa::path(post, path = "/tenants/{t}/people/{id}/access/username", tag = "access",
    params(("t" = String, Path, description = "Tenant slug"), ("id" = String, Path, description = "Person id")), request_body = UsernameInput,
    responses((status = 200, body = PersonView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn username(
    State(app): State<App>,
    Caller(actor): Caller,
    ClientOrigin(origin): ClientOrigin,
    Path((t, id)): Path<(String, String)>,
    ApiJson(input): ApiJson<UsernameInput>,
) -> ApiResult<Json<PersonView>> {
    Ok(Json(app.change_username(&actor, &origin, &t, &id, input).await?))
}
