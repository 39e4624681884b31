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

/// Every API route with its documentation.
pub fn router() -> OpenApiRouter<App> {
    let router = OpenApiRouter::with_openapi(ApiDoc::openapi())
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
        .routes(routes!(auth::authenticate))
        .routes(routes!(auth::accept_link))
        .routes(routes!(checks::check))
        .routes(routes!(checks::recipients))
        .routes(routes!(imports::export))
        .routes(imports::upload_route())
        .routes(routes!(imports::get_import))
        .routes(routes!(imports::apply_import));
    let doc = router.get_openapi().clone();
    router.route("/openapi.json", axum::routing::get(move || async move { Json(doc) }))
}

/// The OpenAPI document, as served.
pub fn openapi() -> utoipa::openapi::OpenApi {
    router().into_openapi()
}
