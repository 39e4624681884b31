//! Shared e-mail addresses and merging the people behind them (SPEC §5 `duplicates`, `merge`).

use axum::Json;
use axum::extract::{Path, State};
use keyrack_app::App;
use keyrack_app::merge::{MergeInput, SharedEmailView, SharedEmailsQuery};
use keyrack_app::views::{Page, PersonView};

use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, ApiQuery, Caller, ClientOrigin};

/// The e-mail addresses that several people share (compared case-insensitively), each with its
/// people: the candidates for a merge or a change of address.
#[utoipa::path(get, path = "/tenants/{t}/duplicates", tag = "people", params(("t" = String, Path, description = "Tenant slug"), SharedEmailsQuery),
    responses((status = 200, body = Page<SharedEmailView>), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn duplicates(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(t): Path<String>,
    ApiQuery(query): ApiQuery<SharedEmailsQuery>,
) -> ApiResult<Json<Page<SharedEmailView>>> {
    Ok(Json(app.shared_emails(&actor, &t, query).await?))
}

/// Merges the person `other` into this one: per field the chosen value, at most one login
/// (the chosen one when both have one; the other ends with its sessions, links and sign-ins),
/// and the merged person's history from now on shown as this person's. Answers the survivor.
#[utoipa::path(post, path = "/tenants/{t}/people/{id}/merge", tag = "people",
    params(("t" = String, Path, description = "Tenant slug"), ("id" = String, Path, description = "The surviving person's id")),
    request_body = MergeInput,
    responses((status = 200, body = PersonView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn merge(
    State(app): State<App>,
    Caller(actor): Caller,
    ClientOrigin(origin): ClientOrigin,
    Path((t, id)): Path<(String, String)>,
    ApiJson(input): ApiJson<MergeInput>,
) -> ApiResult<Json<PersonView>> {
    Ok(Json(app.merge_people(&actor, &origin, &t, &id, input).await?))
}
