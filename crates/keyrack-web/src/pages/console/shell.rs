//! The console's frame: who the admin is and what they hold, the menu they see, and the refusal
//! for someone who may not use the console at all.

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use keyrack_app::rights::{
    ACCESS_MANAGE, AUDIT_VIEW, IMPORT_EXPORT, PEOPLE_MANAGE, PEOPLE_VIEW, ROLES_MANAGE, Rights, SETTINGS_MANAGE,
};
use keyrack_app::selfservice::Session;
use keyrack_app::{Actor, App};

use crate::pages::context::{PageRequest, SignedIn, error_page, message_page};

/// One entry of the console's menu.
#[derive(Debug, Clone)]
pub struct NavItem {
    pub href: String,
    pub label: String,
    pub current: bool,
}

/// The menu, in order: the path under `/t/{tenant}/console`, the text's key, and the permission
/// an admin needs to see it. A page added to the console adds its line here.
const MENU: &[(&str, &str, &str)] = &[
    ("", "console-nav-people", PEOPLE_VIEW),
    ("/people/new", "console-nav-add-person", PEOPLE_MANAGE),
    ("/roles", "console-nav-roles", ROLES_MANAGE),
    ("/branches", "console-nav-branches", SETTINGS_MANAGE),
    ("/settings", "console-nav-settings", SETTINGS_MANAGE),
    ("/clients", "console-nav-clients", SETTINGS_MANAGE),
    ("/audit", "console-nav-audit", AUDIT_VIEW),
    ("/duplicates", "console-nav-duplicates", PEOPLE_MANAGE),
    ("/export", "console-nav-export", IMPORT_EXPORT),
    ("/import", "console-nav-import", IMPORT_EXPORT),
];

/// What the layout shows around every console page.
#[derive(Debug, Clone)]
pub struct Shell {
    pub nav: Vec<NavItem>,
    pub admin_name: String,
    pub account_href: String,
    pub home: String,
}

/// A console request: the page data and the signed-in admin. Handlers take this instead of
/// [`PageRequest`]; it has already refused anyone without `people.view`.
pub struct Console {
    pub r: PageRequest,
    pub admin: Admin,
}

/// The signed-in admin: their session, what they hold, and the frame of their pages.
pub struct Admin {
    pub session: Session,
    pub rights: Rights,
    pub shell: Shell,
}

impl FromRequestParts<App> for Console {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let path = parts.uri.path().to_owned();
        let SignedIn { r, session } = SignedIn::from_request_parts(parts, app).await?;
        let rights = match app.rights_in(&session.actor(), r.tenant.slug()).await {
            Ok(rights) => rights,
            Err(e) => return Err(error_page(&r, e)),
        };
        if !rights.holds(PEOPLE_VIEW) {
            return Err(message_page(
                &r,
                StatusCode::FORBIDDEN,
                "console-forbidden-title",
                "console-forbidden-body",
                r.url("account"),
            ));
        }
        let home = r.url("console");
        let nav = MENU
            .iter()
            .filter(|(_, _, needs)| rights.holds(needs))
            .map(|(sub, key, _)| {
                let href = format!("{home}{sub}");
                // The people list is current on its own page and on a person's page.
                let current = if sub.is_empty() {
                    path == home || (path.starts_with(&format!("{home}/people/")) && !path.ends_with("/new"))
                } else {
                    path.starts_with(&href)
                };
                NavItem { label: r.page.tr.t(key), href, current }
            })
            .collect();
        let shell = Shell { nav, admin_name: session.person.display_name(), account_href: r.url("account"), home };
        Ok(Self { r, admin: Admin { session, rights, shell } })
    }
}

impl Admin {
    pub fn actor(&self) -> Actor {
        self.session.actor()
    }

    pub fn may(&self, permission: &str) -> bool {
        self.rights.holds(permission)
    }

    pub fn may_manage_access(&self) -> bool {
        self.may(ACCESS_MANAGE)
    }

    /// A path under this tenant's console.
    pub fn url(&self, sub: &str) -> String {
        format!("{}{sub}", self.shell.home)
    }
}
