//! The admin console under `/t/{tenant}/console`: server-rendered pages for logins with
//! `people.view`, in the admin's language, working without JavaScript.
//!
//! # How a page plugs into the console
//!
//! 1. Add a module here (one per page or group of pages) and its routes in [`router`].
//! 2. Take [`Console`] as the handler's first argument: it resolves the session cookie to the
//!    admin and their rights ([`keyrack_app::rights::Rights`]), sends someone without a session
//!    to the login page (which brings them back), and shows a calm 403 to someone without
//!    `people.view`. The use cases check permissions again: the console only hides what an
//!    admin may not do, it never decides it.
//! 3. Templates extend `console/base.html` and have the fields `page` ([`Page`]), `tr` ([`Tr`])
//!    and `shell` ([`Shell`]: the menu, the admin's name). Every form carries
//!    `<input type="hidden" name="csrf" value="{{ page.csrf }}">`.
//! 4. A form post goes through [`submit`]: CSRF check, the use case, then POST → redirect →
//!    GET with a flash message ([`Done::to`]), or the form again with the refused fields, or
//!    back with the reason of a refused action (409/403).
//! 5. A menu entry is one line of `MENU` in [`shell`], with the permission that shows it.
//!
//! Texts live in `keyrack-i18n/locales/<lang>/console.ftl`, keys prefixed `console-`.
//!
//! [`Page`]: super::Page
//! [`Tr`]: super::Tr
//! [`submit`]: super::context::submit
//! [`Done::to`]: super::context::Done::to

mod branches;
mod clients;
mod duplicates;
mod export;
mod gate;
mod history;
mod import;
mod people;
mod person;
mod roles;
mod settings;
pub mod shell;
mod view;

use axum::Router;
use axum::routing::{get, post};
use keyrack_app::App;

pub use shell::{Admin, Console, Shell};

pub fn router() -> Router<App> {
    Router::new()
        .route("/t/{tenant}/console", get(people::list))
        .route("/t/{tenant}/console/people/bulk", post(people::bulk))
        .route("/t/{tenant}/console/people/new", get(person::new_form).post(person::create))
        .route("/t/{tenant}/console/people/{id}", get(person::page))
        .route("/t/{tenant}/console/people/{id}/details", post(person::details))
        .route("/t/{tenant}/console/people/{id}/access/{action}", get(person::confirm).post(person::access))
        .route("/t/{tenant}/console/people/{id}/password", post(person::password))
        .route("/t/{tenant}/console/people/{id}/username", post(person::username))
        .route("/t/{tenant}/console/people/{id}/role", post(person::role))
        .route("/t/{tenant}/console/people/{id}/notifications", post(person::notifications))
        .route("/t/{tenant}/console/duplicates", get(duplicates::list))
        .route("/t/{tenant}/console/duplicates/merge", get(duplicates::wizard).post(duplicates::merge))
        .route("/t/{tenant}/console/duplicates/address", post(duplicates::change_address))
        .route("/t/{tenant}/console/roles", get(roles::list).post(roles::create))
        .route("/t/{tenant}/console/roles/{id}", post(roles::save))
        .route("/t/{tenant}/console/roles/{id}/delete", get(roles::confirm_delete).post(roles::delete))
        .route("/t/{tenant}/console/branches", get(branches::list).post(branches::create))
        .route("/t/{tenant}/console/branches/{id}", post(branches::rename))
        .route("/t/{tenant}/console/branches/{id}/delete", get(branches::confirm_delete).post(branches::delete))
        .route("/t/{tenant}/console/clients", get(clients::list).post(clients::create))
        .route("/t/{tenant}/console/clients/{id}", get(clients::edit).post(clients::save))
        .route("/t/{tenant}/console/clients/{id}/secret", get(clients::confirm_rotate).post(clients::rotate))
        .route("/t/{tenant}/console/clients/{id}/delete", get(clients::confirm_delete).post(clients::delete))
        .route("/t/{tenant}/console/settings", get(settings::form).post(settings::save))
        .route("/t/{tenant}/console/audit", get(history::page))
        .route("/t/{tenant}/console/export", get(export::download))
        .route("/t/{tenant}/console/import", import::upload_route())
        .route("/t/{tenant}/console/import/{id}", get(import::preview))
        .route("/t/{tenant}/console/import/{id}/apply", post(import::apply))
        .route("/t/{tenant}/console/import/{id}/report", get(import::report))
}
