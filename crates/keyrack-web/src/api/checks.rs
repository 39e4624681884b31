//! The two questions applications ask: may this person do X, and who receives this e-mail.

use axum::Json;
use axum::extract::{Path, State};
use keyrack_app::checks::{CheckInput, CheckView, RecipientsQuery, RecipientsView};
use keyrack_app::{Actor, App};

use crate::error::{Problem, problem};
use crate::extract::{ApiJson, ApiQuery, Bearer, Caller};

/// May this person use this permission, in this branch? Allowed or not, and why.
///
/// The answer applies the same rules as Keyrack's own enforcement: the built-in
/// `administrator` role holds every permission in every branch; otherwise the role's permissions
/// and the login's extra permissions count, within its branch scope (without `branch`, scope is
/// not considered). A login that cannot log in (blocked, no password yet, reset pending) and a
/// person without a login are not allowed anything (`no_access`). An unknown permission answers
/// 422 on `permission`; an unknown person or branch, or another tenant's, 404. Read keys may ask.
#[utoipa::path(post, path = "/tenants/{t}/check", tag = "access", params(("t" = String, Path, description = "Tenant slug")),
    request_body = CheckInput,
    responses((status = 200, body = CheckView), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn check(
    State(app): State<App>,
    Bearer(token): Bearer,
    Path(t): Path<String>,
    body: Result<ApiJson<CheckInput>, Problem>,
) -> Result<Json<CheckView>, Problem> {
    let input = match body {
        Ok(ApiJson(input)) => input,
        Err(refused) => {
            let actor = app.actor_for_bearer(&token).await.map_err(problem)?;
            return Err(unreadable(&app, &actor, &t, refused).await);
        }
    };
    // The key is resolved in the same read as the person, login and role.
    app.check_with_bearer(&token, &t, input).await.map(Json).map_err(problem)
}

/// Who receives an e-mail category.
///
/// The people of the tenant who opted into `category` and have an e-mail address, in creation
/// order, whatever their access state (a contact without access receives invoices too). With
/// `branch`, only the people whose login reaches that branch: branch scope `all`, the branch
/// listed, or the `administrator` role (every branch). People without a login have no branch
/// scope: they are left out when `branch` is given, and included when it is not. An empty
/// `branch` is the same as none. An unknown category answers 422 on `category`; an unknown
/// branch, or another tenant's, 404.
///
/// Paged like the people list: at most `limit` people (default 50, at most 200) with an id
/// after `cursor`; pass the answer's `next_cursor` as `cursor` for the next page (null on the
/// last). The cursor is a person's id, so a page stays right while people are added or removed.
#[utoipa::path(get, path = "/tenants/{t}/recipients", tag = "people",
    params(("t" = String, Path, description = "Tenant slug"), RecipientsQuery),
    responses((status = 200, body = RecipientsView), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn recipients(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(t): Path<String>,
    query: Result<ApiQuery<RecipientsQuery>, Problem>,
) -> Result<Json<RecipientsView>, Problem> {
    let query = match query {
        Ok(ApiQuery(query)) => query,
        Err(refused) => return Err(unreadable(&app, &actor, &t, refused).await),
    };
    app.recipients(&actor, &t, query).await.map(Json).map_err(problem)
}

/// The answer to a request whose body or query could not be read: "not found" when the tenant
/// is not the caller's, so that another tenant's route answers 404 whatever is sent; otherwise
/// the problem with the input.
async fn unreadable(app: &App, actor: &Actor, slug: &str, refused: Problem) -> Problem {
    match app.tenant(actor, slug).await {
        Ok(_) => refused,
        Err(e) => problem(e),
    }
}
