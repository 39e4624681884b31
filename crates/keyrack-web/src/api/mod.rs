//! REST API v1. Each handler carries its `#[utoipa::path]`, and [`router`] registers handlers
//! and documentation in one go, so `/api/v1/openapi.json` always describes the real routes.

mod access;
mod auth;
mod checks;
mod clients;
pub(crate) mod imports;
mod merge;
mod people;
mod tenants;

use axum::Json;
use utoipa::openapi::path::ParameterIn;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use keyrack_app::App;

#[derive(OpenApi)]
#[openapi(
    info(title = "Keyrack API", description = "Who may log in to a tenant's portal, in what state, with which role, in which branches."),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags(
        (name = "tenants", description = "Tenants, their settings, branches, roles and API keys"),
        (name = "people", description = "People and their access"),
        (name = "access", description = "The access actions of the state machine"),
        (name = "auth", description = "For applications with their own login and password screens"),
        (name = "audit", description = "Who did what to whom"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

/// The refusals every route shares, documented where they can happen, so that a client (and a
/// property-based tester) finds each answer the server really gives in the document:
///
/// - with an API key: 401 without a valid key, 403 when the key's scope or tenant does not reach
///   the operation;
/// - with a path parameter: 404 for an id (or tenant) the caller cannot see;
/// - with a JSON body: 400 for malformed JSON, 413 over the body limit, 415 without a JSON
///   content type, 422 naming the field and rule;
/// - with query parameters: 422 naming the parameter;
/// - always: 503 when the database is unavailable or the request timed out.
///
/// Every error body is `application/problem+json` (see [`crate::error::Problem`]).
struct Refusals;

impl Refusals {
    fn describe(status: &str) -> &'static str {
        match status {
            "400" => "The body is not valid JSON",
            "401" => "A valid API key is required",
            "403" => "The API key's scope or tenant does not allow this",
            "404" => "Not found, or not the caller's",
            "409" => "Refused in the current state",
            "410" => "The link is not valid any more",
            "413" => "The body is too large",
            "415" => "The body must be JSON (Content-Type: application/json)",
            "422" => "Validation failed; `errors` names each field and rule",
            "503" => "The database is unavailable or the request took too long; try again shortly",
            _ => "Refused",
        }
    }

    fn refusals_of(operation: &utoipa::openapi::path::Operation) -> Vec<&'static str> {
        let anonymous = operation
            .security
            .as_ref()
            .is_some_and(|s| s.iter().any(|r| serde_json::to_value(r).is_ok_and(|v| v == serde_json::json!({}))));
        let parameters = operation.parameters.as_deref().unwrap_or_default();
        let located =
            |place: ParameterIn| parameters.iter().any(|p| matches!(p, utoipa::openapi::RefOr::T(p) if p.parameter_in == place));
        let json_body = operation.request_body.as_ref().is_some_and(|b| match b {
            utoipa::openapi::RefOr::T(b) => b.content.contains_key("application/json"),
            utoipa::openapi::RefOr::Ref(_) => true,
        });
        let mut statuses = vec!["503"];
        if !anonymous {
            statuses.extend(["401", "403"]);
        }
        if located(ParameterIn::Path) {
            statuses.push("404");
        }
        if json_body {
            statuses.extend(["400", "413", "415", "422"]);
        }
        if located(ParameterIn::Query) {
            statuses.push("422");
        }
        statuses
    }
}

impl Modify for Refusals {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let problem =
            utoipa::openapi::ContentBuilder::new().schema(Some(utoipa::openapi::Ref::from_schema_name("Problem"))).build();
        for item in openapi.paths.paths.values_mut() {
            let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
            for operation in operations.into_iter().flatten() {
                for status in Self::refusals_of(operation) {
                    operation
                        .responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| utoipa::openapi::ResponseBuilder::new().description(Self::describe(status)).into());
                }
                // Every refusal is a problem document, whatever the annotation said.
                for (status, response) in &mut operation.responses.responses {
                    let utoipa::openapi::RefOr::T(response) = response else { continue };
                    if !(status.starts_with('4') || status.starts_with('5')) {
                        continue;
                    }
                    response.content.shift_remove("application/json");
                    response.content.insert("application/problem+json".to_owned(), utoipa::openapi::RefOr::T(problem.clone()));
                    if response.description.is_empty() {
                        response.description = Self::describe(status).to_owned();
                    }
                }
            }
        }
    }
}

/// Every API route with its documentation.
pub fn router() -> OpenApiRouter<App> {
    let mut router = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(tenants::create_tenant, tenants::list_tenants))
        .routes(routes!(tenants::get_tenant, tenants::update_tenant))
        .routes(routes!(tenants::create_api_key))
        .routes(routes!(tenants::revoke_api_key))
        .routes(routes!(clients::list_clients, clients::create_client))
        .routes(routes!(clients::update_client, clients::delete_client))
        .routes(routes!(clients::rotate_client_secret))
        .routes(routes!(tenants::list_branches, tenants::create_branch))
        .routes(routes!(tenants::rename_branch, tenants::delete_branch))
        .routes(routes!(tenants::list_roles, tenants::create_role))
        .routes(routes!(tenants::update_role, tenants::delete_role))
        .routes(routes!(people::list_people, people::create_person))
        .routes(routes!(people::get_person, people::update_person, people::delete_person))
        .routes(routes!(people::assign_role))
        .routes(routes!(people::set_notifications))
        .routes(routes!(people::diagnosis))
        .routes(routes!(people::person_audit))
        .routes(routes!(people::tenant_audit))
        .routes(routes!(merge::duplicates))
        .routes(routes!(merge::merge))
        .routes(routes!(access::grant))
        .routes(routes!(access::invite))
        .routes(routes!(access::block))
        .routes(routes!(access::unblock))
        .routes(routes!(access::remove))
        .routes(routes!(access::reset))
        .routes(routes!(access::password))
        .routes(routes!(access::username))
        .routes(routes!(auth::authenticate))
        .routes(routes!(auth::accept_link))
        .routes(routes!(checks::check))
        .routes(routes!(checks::recipients))
        .routes(routes!(imports::export))
        .routes(imports::upload_route())
        .routes(routes!(imports::get_import))
        .routes(routes!(imports::apply_import));
    // Applied once every route is registered: the derive's modifiers run before there are paths.
    Refusals.modify(router.get_openapi_mut());
    let doc = router.get_openapi().clone();
    router.route("/openapi.json", axum::routing::get(move || async move { Json(doc) }))
}

/// The OpenAPI document, as served.
pub fn openapi() -> utoipa::openapi::OpenApi {
    router().into_openapi()
}
