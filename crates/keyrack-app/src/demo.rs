//! The demo tenant that `keyrack serve --demo` loads: Vakantiepark Zonnedal, a holiday park with
//! two branches, the built-in roles, and people of every kind in every access state of SPEC §3,
//! two of them sharing an e-mail address, a few with history (a failed sign-in, a password
//! reset, a block).
//!
//! Everything goes through the application's own use cases, exactly as an administrator or a
//! member would do it, so every state, audit event and queued e-mail is real. The cast below is
//! the whole of the demo data; read it top to bottom.

use keyrack_core::access::Action;
use keyrack_core::authz::ADMINISTRATOR;

use crate::access::{ActionInput, GrantInput, InviteInput, PasswordInput};
use crate::auth::{AcceptLink, Credentials};
use crate::people::{NewPerson, RoleAssignment};
use crate::structure::BranchInput;
use crate::tenants::NewTenant;
use crate::{Actor, App, AppError, AppResult, Origin};

/// The demo tenant's slug.
pub const SLUG: &str = "zonnedal";
/// The demo administrator's username (their e-mail address).
pub const ADMIN_USERNAME: &str = "sanne@zonnedal.example";
/// The demo administrator's password. It is printed at every start with `--demo`: a demo tenant
/// belongs on a test server, never on one that real people use.
pub const ADMIN_PASSWORD: &str = "quiet-lantern-harbour-74";
/// The password of the demo's other active people.
const MEMBER_PASSWORD: &str = "dune-kettle-orchard-58";

/// Where a demo person ends up.
#[derive(Debug, Clone, Copy)]
enum Goal {
    /// No access (`none`).
    NoAccess,
    /// `granted`: a login without a password.
    Granted,
    /// `invited`: the set-password e-mail was queued.
    Invited,
    /// `active` through the invitation link, the way a member normally gets there.
    AcceptedInvitation,
    /// `active` with a password the administrator set.
    PasswordSet,
    /// `reset_pending`: the administrator reset the password.
    ResetByAdmin,
    /// `reset_requested`: the person asked for a reset and can still sign in.
    ForgotPassword,
    /// `blocked` after having been active.
    BlockedWhileActive,
    /// `blocked` while the invitation was still open.
    BlockedWhileInvited,
}

/// One person of the cast.
struct Cast {
    kind: &'static str,
    first_name: &'static str,
    last_name: &'static str,
    email: Option<&'static str>,
    /// A username other than the e-mail address (needed where two people share one).
    username: Option<&'static str>,
    role: Option<&'static str>,
    /// Extra permissions from the operator's catalogue.
    permissions: &'static [&'static str],
    /// Branch names; empty for all branches.
    branches: &'static [&'static str],
    notifications: &'static [&'static str],
    goal: Goal,
    /// A wrong password tried once, so the person's history shows a failed sign-in.
    failed_sign_in: bool,
}

const SEA: &str = "Zonnedal aan Zee";
const WOODS: &str = "Zonnedal in het Bos";

const NONE: &[&str] = &[];

/// The cast, administrator first.
const CAST: &[Cast] = &[
    Cast {
        kind: "staff",
        first_name: "Sanne",
        last_name: "Bakker",
        email: Some(ADMIN_USERNAME),
        username: None,
        role: Some(ADMINISTRATOR),
        permissions: NONE,
        branches: NONE,
        notifications: &["reservations", "invoices"],
        goal: Goal::PasswordSet,
        failed_sign_in: false,
    },
    Cast {
        kind: "staff",
        first_name: "Pieter",
        last_name: "Jansen",
        email: Some("pieter@zonnedal.example"),
        username: None,
        role: Some("manager"),
        permissions: NONE,
        branches: &[SEA],
        notifications: &["reservations"],
        goal: Goal::AcceptedInvitation,
        failed_sign_in: false,
    },
    Cast {
        kind: "staff",
        first_name: "Fatima",
        last_name: "El Amrani",
        email: Some("fatima@zonnedal.example"),
        username: None,
        role: Some("staff"),
        permissions: NONE,
        branches: &[WOODS],
        notifications: NONE,
        goal: Goal::Invited,
        failed_sign_in: false,
    },
    Cast {
        kind: "staff",
        first_name: "Lucas",
        last_name: "Visser",
        email: Some("lucas@zonnedal.example"),
        username: None,
        role: Some("staff"),
        permissions: &["online_booking"],
        branches: &[SEA, WOODS],
        notifications: NONE,
        goal: Goal::Granted,
        failed_sign_in: false,
    },
    Cast {
        kind: "staff",
        first_name: "Emma",
        last_name: "de Boer",
        email: Some("emma@zonnedal.example"),
        username: None,
        role: Some("staff"),
        permissions: NONE,
        branches: &[WOODS],
        notifications: NONE,
        goal: Goal::BlockedWhileActive,
        failed_sign_in: true,
    },
    Cast {
        kind: "staff",
        first_name: "Noah",
        last_name: "Mulder",
        email: Some("noah@zonnedal.example"),
        username: None,
        role: Some("staff"),
        permissions: NONE,
        branches: &[SEA],
        notifications: NONE,
        goal: Goal::ResetByAdmin,
        failed_sign_in: false,
    },
    // Jan and Els de Vries own a chalet together and share one e-mail address.
    Cast {
        kind: "owner",
        first_name: "Jan",
        last_name: "de Vries",
        email: Some("devries@example.org"),
        username: None,
        role: None,
        permissions: &["portal.owner"],
        branches: &[SEA],
        notifications: &["invoices", "newsletter"],
        goal: Goal::PasswordSet,
        failed_sign_in: false,
    },
    Cast {
        kind: "owner",
        first_name: "Els",
        last_name: "de Vries",
        email: Some("devries@example.org"),
        username: Some("els.devries"),
        role: None,
        permissions: &["portal.owner"],
        branches: &[SEA],
        notifications: &["invoices"],
        goal: Goal::ForgotPassword,
        failed_sign_in: false,
    },
    Cast {
        kind: "guest",
        first_name: "Tommy",
        last_name: "Peeters",
        email: Some("tommy.peeters@example.net"),
        username: None,
        role: None,
        permissions: &["portal.guest"],
        branches: NONE,
        notifications: &["reservations", "reminders"],
        goal: Goal::AcceptedInvitation,
        failed_sign_in: true,
    },
    Cast {
        kind: "guest",
        first_name: "Lotte",
        last_name: "Smit",
        email: Some("lotte.smit@example.net"),
        username: None,
        role: None,
        permissions: &["portal.guest"],
        branches: NONE,
        notifications: &["reservations"],
        goal: Goal::Invited,
        failed_sign_in: false,
    },
    Cast {
        kind: "guest",
        first_name: "Ahmed",
        last_name: "Yilmaz",
        email: Some("ahmed.yilmaz@example.net"),
        username: None,
        role: None,
        permissions: &["portal.guest"],
        branches: NONE,
        notifications: NONE,
        goal: Goal::BlockedWhileInvited,
        failed_sign_in: false,
    },
    Cast {
        kind: "guest",
        first_name: "Bram",
        last_name: "Willems",
        email: Some("bram.willems@example.net"),
        username: None,
        role: None,
        permissions: NONE,
        branches: NONE,
        notifications: &["newsletter"],
        goal: Goal::NoAccess,
        failed_sign_in: false,
    },
    Cast {
        kind: "contact",
        first_name: "",
        last_name: "Schoonmaakbedrijf Glans",
        email: Some("planning@glans.example"),
        username: None,
        role: None,
        permissions: NONE,
        branches: NONE,
        notifications: &["reservations"],
        goal: Goal::NoAccess,
        failed_sign_in: false,
    },
];

/// What loading did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DemoLoad {
    /// The tenant was created with this many people.
    Loaded { people: usize },
    /// A tenant with the demo's slug exists already; nothing was changed.
    AlreadyThere,
}

impl App {
    /// Loads the demo tenant unless a tenant with its slug exists.
    pub async fn load_demo(&self) -> AppResult<DemoLoad> {
        match self.tenant_by_slug(SLUG).await {
            Ok(_) => return Ok(DemoLoad::AlreadyThere),
            Err(AppError::NotFound) => {}
            Err(e) => return Err(e),
        }
        let (actor, origin) = (Actor::System, Origin { address: Some("127.0.0.1".into()) });
        let tenant = NewTenant { slug: SLUG.into(), name: "Vakantiepark Zonnedal".into(), language: Some("nl".into()) };
        self.create_tenant(&actor, &origin, tenant).await?;
        let mut branches = Vec::new();
        for name in [SEA, WOODS] {
            branches.push(self.create_branch(&actor, &origin, SLUG, BranchInput { name: name.into() }).await?);
        }
        for person in CAST {
            let ids: Vec<String> = person
                .branches
                .iter()
                .filter_map(|name| branches.iter().find(|b| b.name == *name).map(|b| b.id.clone()))
                .collect();
            self.cast_one(&actor, &origin, person, ids).await?;
        }
        tracing::info!(tenant = SLUG, people = CAST.len(), "loaded the demo tenant");
        Ok(DemoLoad::Loaded { people: CAST.len() })
    }

    async fn cast_one(&self, actor: &Actor, origin: &Origin, c: &Cast, branch_ids: Vec<String>) -> AppResult<()> {
        let new = NewPerson {
            kind: c.kind.into(),
            first_name: Some(c.first_name.into()),
            last_name: Some(c.last_name.into()),
            email: c.email.map(Into::into),
            language: Some("nl".into()),
            notifications: Some(c.notifications.iter().map(|n| (*n).to_owned()).collect()),
            ..NewPerson::default()
        };
        let id = self.create_person(actor, origin, SLUG, new).await?.id;
        if matches!(c.goal, Goal::NoAccess) {
            return Ok(());
        }
        let grant = GrantInput { username: c.username.map(Into::into), role: c.role.map(Into::into) };
        self.act(actor, origin, SLUG, &id, Action::Grant, ActionInput::Grant(grant)).await?;
        if !c.permissions.is_empty() || !branch_ids.is_empty() {
            let branches = if branch_ids.is_empty() { serde_json::json!("all") } else { serde_json::json!(branch_ids) };
            let assignment = RoleAssignment {
                role: c.role.map(Into::into),
                permissions: c.permissions.iter().map(|p| (*p).to_owned()).collect(),
                branches,
            };
            self.assign_role(actor, origin, SLUG, &id, assignment).await?;
        }
        let username = c.username.or(c.email).unwrap_or_default();
        let password = if c.role == Some(ADMINISTRATOR) { ADMIN_PASSWORD } else { MEMBER_PASSWORD };
        match c.goal {
            Goal::NoAccess | Goal::Granted => {}
            Goal::Invited => {
                self.act(actor, origin, SLUG, &id, Action::Invite, ActionInput::Invite(InviteInput { send_email: true })).await?;
            }
            Goal::BlockedWhileInvited => {
                self.act(actor, origin, SLUG, &id, Action::Invite, ActionInput::Invite(InviteInput { send_email: true })).await?;
                self.act(actor, origin, SLUG, &id, Action::Block, ActionInput::None).await?;
            }
            Goal::AcceptedInvitation => {
                let invited = self
                    .act(actor, origin, SLUG, &id, Action::Invite, ActionInput::Invite(InviteInput { send_email: false }))
                    .await?;
                let link = invited.link.ok_or_else(|| AppError::Internal("the invitation carried no link".into()))?;
                let token = link.rsplit('/').next().unwrap_or_default().to_owned();
                // The member opens the link from their own address.
                let member = Origin { address: Some("192.0.2.10".into()) };
                self.accept_link(&member, SLUG, AcceptLink { token, password: password.into() }).await?;
            }
            Goal::PasswordSet | Goal::ResetByAdmin | Goal::ForgotPassword | Goal::BlockedWhileActive => {
                let input = PasswordInput { password: Some(password.into()), generate: false, must_change_password: Some(false) };
                self.set_password(actor, origin, SLUG, &id, input).await?;
            }
        }
        let member = Origin { address: Some("192.0.2.20".into()) };
        if matches!(c.goal, Goal::PasswordSet | Goal::AcceptedInvitation | Goal::BlockedWhileActive | Goal::ForgotPassword) {
            // A real sign-in, so the list shows a last login.
            self.authenticate(&member, SLUG, Credentials { username: username.into(), password: password.into() }).await?;
        }
        // After the last good sign-in, which would clear the count of failed ones.
        if c.failed_sign_in {
            let wrong = Credentials { username: username.into(), password: "not-the-password".into() };
            match self.authenticate(&member, SLUG, wrong).await {
                Err(AppError::InvalidCredentials) => {}
                Ok(_) => return Err(AppError::Internal("a wrong demo password was accepted".into())),
                Err(e) => return Err(e),
            }
        }
        match c.goal {
            Goal::ResetByAdmin => {
                self.act(actor, origin, SLUG, &id, Action::AdminReset, ActionInput::None).await?;
            }
            Goal::ForgotPassword => self.forgot(&member, SLUG, username).await?,
            Goal::BlockedWhileActive => {
                self.act(actor, origin, SLUG, &id, Action::Block, ActionInput::None).await?;
            }
            _ => {}
        }
        Ok(())
    }
}
