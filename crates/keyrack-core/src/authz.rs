//! Authorization (SPEC §2 Role and Permissions): the built-in roles, the default catalogues,
//! branch scope, the "may this login do X in branch Y, and why" decision behind `POST /check`
//! and every console and API guard, and the rule that nobody grants more than they hold.
//!
//! The application layer turns a login's stored role, extra permissions and branch list into a
//! [`Grants`] value; everything here is a pure function of it.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::FieldError;
use crate::types::Permission;

/// Keyrack's own permissions, interpreted by Keyrack.
pub const KEYRACK_PERMISSIONS: &[&str] =
    &["people.view", "people.manage", "access.manage", "roles.manage", "settings.manage", "audit.view", "import_export"];

/// The operator's default permission catalogue, from the seeds. Keyrack stores, assigns and
/// reports these but does not interpret them.
pub const DEFAULT_CATALOGUE: &[&str] = &[
    "appointments.own",
    "appointments.all",
    "clients",
    "sales",
    "online_booking",
    "settings",
    "helpdesk",
    "reports",
    "portal.owner",
    "portal.guest",
];

/// The operator's default e-mail categories.
pub const DEFAULT_EMAIL_CATEGORIES: &[&str] = &["reservations", "invoices", "reminders", "newsletter"];

/// The name of the built-in role that holds everything, in every branch.
pub const ADMINISTRATOR: &str = "administrator";

/// A role every tenant starts with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BuiltinRole {
    pub name: &'static str,
    pub permissions: Vec<&'static str>,
    /// Whether a tenant may change what the role holds; `administrator` is fixed.
    pub editable: bool,
}

/// The roles a new tenant gets (SPEC §2). `administrator` lists Keyrack's permissions and the
/// default catalogue for display; its power comes from [`Grants::is_administrator`], so it also
/// holds catalogue entries an operator adds later.
pub fn builtin_roles() -> Vec<BuiltinRole> {
    vec![
        BuiltinRole {
            name: ADMINISTRATOR,
            permissions: KEYRACK_PERMISSIONS.iter().chain(DEFAULT_CATALOGUE).copied().collect(),
            editable: false,
        },
        BuiltinRole {
            name: "manager",
            permissions: vec![
                "people.view",
                "people.manage",
                "access.manage",
                "audit.view",
                "import_export",
                "appointments.own",
                "appointments.all",
                "clients",
                "reports",
            ],
            editable: true,
        },
        BuiltinRole { name: "staff", permissions: vec!["appointments.own"], editable: true },
    ]
}

/// Which branches a login may act in.
///
/// JSON shape (the same in the API and in the stored text column): the string `"all"`, or an
/// array of branch ids, sorted and without duplicates: `["b-01", "b-07"]`. An empty array is a
/// login in no branch: every branch-bound check fails, branch-less checks still pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "BranchScopeRepr", try_from = "BranchScopeRepr")]
pub enum BranchScope {
    All,
    Only(BTreeSet<String>),
}

impl BranchScope {
    /// Whether the scope includes the branch.
    pub fn contains(&self, branch: &str) -> bool {
        match self {
            BranchScope::All => true,
            BranchScope::Only(set) => set.contains(branch),
        }
    }

    /// The branches of `other` that fall outside this scope; `None` when `other` is `All` and
    /// this is not (every branch, present and future, would be outside).
    fn uncovered<'a>(&self, other: &'a BranchScope) -> Option<Vec<&'a str>> {
        match (self, other) {
            (BranchScope::All, _) => Some(Vec::new()),
            (BranchScope::Only(_), BranchScope::All) => None,
            (BranchScope::Only(mine), BranchScope::Only(theirs)) => {
                Some(theirs.iter().filter(|b| !mine.contains(*b)).map(String::as_str).collect())
            }
        }
    }
}

/// The wire form of [`BranchScope`]: a word or a list.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum BranchScopeRepr {
    Word(String),
    List(BTreeSet<String>),
}

impl From<BranchScope> for BranchScopeRepr {
    fn from(s: BranchScope) -> Self {
        match s {
            BranchScope::All => BranchScopeRepr::Word("all".to_owned()),
            BranchScope::Only(set) => BranchScopeRepr::List(set),
        }
    }
}

impl TryFrom<BranchScopeRepr> for BranchScope {
    type Error = String;

    fn try_from(r: BranchScopeRepr) -> Result<Self, String> {
        match r {
            BranchScopeRepr::Word(w) if w == "all" => Ok(BranchScope::All),
            BranchScopeRepr::Word(w) => Err(format!("branches must be \"all\" or a list of branch ids, not \"{w}\"")),
            BranchScopeRepr::List(set) => Ok(BranchScope::Only(set)),
        }
    }
}

/// What one login holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grants {
    /// The role's name, for messages; `None` for a login without a role.
    pub role: Option<String>,
    /// What the role holds (already resolved from the tenant's role table).
    pub role_permissions: BTreeSet<Permission>,
    /// Holds the built-in administrator role: everything, in every branch.
    pub is_administrator: bool,
    /// Permissions given to this login on top of its role.
    pub extra: BTreeSet<Permission>,
    pub branches: BranchScope,
    /// From the access state ([`crate::access::AccessState::can_log_in`]): a blocked login, or one
    /// without a password, holds nothing whatever its role says.
    pub can_log_in: bool,
}

impl Grants {
    /// Whether the login holds the permission somewhere, ignoring branches.
    fn holds(&self, permission: &Permission) -> bool {
        self.can_log_in
            && (self.is_administrator || self.role_permissions.contains(permission) || self.extra.contains(permission))
    }

    /// The effective scope: an administrator is in every branch whatever is stored.
    fn scope(&self) -> &BranchScope {
        if self.is_administrator { &BranchScope::All } else { &self.branches }
    }

    fn role_label(&self) -> String {
        match &self.role {
            Some(r) => format!("the role '{r}'"),
            None => "its role".to_owned(),
        }
    }
}

/// An answer to "may this login do X", with the reason in a stable code and in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub allowed: bool,
    /// `administrator`, `allowed_by_role`, `allowed_by_extra_permission`, `no_access`,
    /// `no_role`, `permission_missing` or `branch_out_of_scope`.
    pub code: &'static str,
    pub message: String,
}

impl Decision {
    fn allow(code: &'static str, message: String) -> Self {
        Self { allowed: true, code, message }
    }

    fn deny(code: &'static str, message: String) -> Self {
        Self { allowed: false, code, message }
    }
}

/// Decides whether the login may use `permission`, in `branch` if given. A check without a
/// branch asks about the permission alone (tenant-wide actions such as editing roles).
///
/// Order, so that the reason given is the one to fix first: a login that cannot log in holds
/// nothing; an administrator holds everything everywhere; a permission not held at all is
/// reported before a branch outside the scope.
pub fn check(grants: &Grants, permission: &Permission, branch: Option<&str>) -> Decision {
    if !grants.can_log_in {
        return Decision::deny(
            "no_access",
            format!(
                "Not allowed: this login cannot log in (blocked, or no password yet), so it holds no permission, including '{permission}'."
            ),
        );
    }
    if grants.is_administrator {
        return Decision::allow(
            "administrator",
            format!("Allowed: the role '{ADMINISTRATOR}' holds every permission, including '{permission}', in every branch."),
        );
    }
    let by_role = grants.role_permissions.contains(permission);
    let by_extra = grants.extra.contains(permission);
    if !by_role && !by_extra {
        return match &grants.role {
            None => Decision::deny(
                "no_role",
                format!("Not allowed: this login has no role, and '{permission}' is not one of its extra permissions."),
            ),
            Some(role) => Decision::deny(
                "permission_missing",
                format!(
                    "Not allowed: the role '{role}' does not include '{permission}', and it is not one of the login's extra permissions."
                ),
            ),
        };
    }
    if let Some(b) = branch
        && !grants.branches.contains(b)
    {
        return Decision::deny(
            "branch_out_of_scope",
            format!("Not allowed: the login holds '{permission}', but the branch '{b}' is outside its branch scope."),
        );
    }
    let where_ = branch.map_or_else(String::new, |b| format!(" in the branch '{b}'"));
    if by_role {
        Decision::allow("allowed_by_role", format!("Allowed: {} includes '{permission}'{where_}.", grants.role_label()))
    } else {
        Decision::allow(
            "allowed_by_extra_permission",
            format!("Allowed: '{permission}' is an extra permission of this login{where_}."),
        )
    }
}

/// Where a person stands in the tenant's branches, for "does this admin reach them".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PersonScope {
    /// A person without a login: in no branch yet (a contact, someone just added).
    NoLogin,
    /// A person with a login, and the branches it acts in. The administrator role counts as
    /// every branch, whatever is stored.
    Login(BranchScope),
}

/// Decides whether an admin may use `permission` on a person — the rule behind the console's
/// people list, every person page and every action on someone else.
///
/// It is built from [`check`], so `POST /check` and the enforcement cannot disagree:
/// - an admin whose scope is every branch reaches every person, given the permission;
/// - a person without a login belongs to no branch, so any admin holding the permission
///   reaches them (a branch manager must be able to give a newly added person access);
/// - a person whose login is in some branches is reached when the admin holds the permission in
///   at least one of them;
/// - a person whose login spans every branch (or holds the administrator role), or no branch at
///   all, is reached only by an admin whose own scope is every branch: nobody limited to branch
///   A changes someone wider than themselves.
pub fn reaches(actor: &Grants, permission: &Permission, person: &PersonScope) -> bool {
    let anywhere = check(actor, permission, None).allowed;
    if !anywhere {
        return false;
    }
    if *actor.scope() == BranchScope::All {
        return true;
    }
    match person {
        PersonScope::NoLogin => true,
        PersonScope::Login(BranchScope::All) => false,
        PersonScope::Login(BranchScope::Only(set)) => set.iter().any(|b| check(actor, permission, Some(b)).allowed),
    }
}

/// The branches a limited admin acts in, or `None` for an admin who reaches every branch: the
/// filter of the people list, equal to [`reaches`].
pub fn branch_limit(actor: &Grants) -> Option<BTreeSet<String>> {
    match actor.scope() {
        BranchScope::All if actor.can_log_in => None,
        BranchScope::All => Some(BTreeSet::new()),
        BranchScope::Only(set) => Some(if actor.can_log_in { set.clone() } else { BTreeSet::new() }),
    }
}

/// Decides whether `actor` may give a login this role, these extra permissions and this branch
/// scope: nobody grants a permission they do not hold, only an administrator assigns the
/// administrator role, and nobody widens branch scope beyond their own. Every violation is
/// reported, on the field `role`, `permissions` or `branches`, code `cannot_grant`.
///
/// The caller passes what the change hands out: the whole new assignment (strict), or only what
/// it adds to the login, if leaving untouched what someone else granted is meant to be allowed.
/// Whether the actor may change people's access at all is a separate [`check`] of
/// `access.manage`.
pub fn check_assignment(
    actor: &Grants,
    role_permissions: &BTreeSet<Permission>,
    assigns_administrator: bool,
    extra: &BTreeSet<Permission>,
    branches: &BranchScope,
) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    let actor_is_admin = actor.can_log_in && actor.is_administrator;

    if assigns_administrator && !actor_is_admin {
        errors.push(
            FieldError::new("role", "cannot_grant", format!("only an administrator can assign the role '{ADMINISTRATOR}'"))
                .with_param("role", ADMINISTRATOR),
        );
    }
    for p in role_permissions.iter().filter(|p| !actor.holds(p)) {
        errors.push(
            FieldError::new("role", "cannot_grant", format!("the role includes '{p}', which you do not hold yourself"))
                .with_param("permission", p),
        );
    }
    for p in extra.iter().filter(|p| !actor.holds(p)) {
        errors.push(
            FieldError::new("permissions", "cannot_grant", format!("you cannot grant '{p}': you do not hold it yourself"))
                .with_param("permission", p),
        );
    }
    // An actor who cannot log in is in no branch at all.
    let actor_scope = if actor.can_log_in { actor.scope().clone() } else { BranchScope::Only(BTreeSet::new()) };
    // The administrator role always covers every branch, so assigning it is a scope of `all`.
    let effective = if assigns_administrator { &BranchScope::All } else { branches };
    match actor_scope.uncovered(effective) {
        None => errors.push(FieldError::new(
            "branches",
            "cannot_grant",
            "you cannot grant all branches: your own access is limited to some branches",
        )),
        Some(outside) if !outside.is_empty() => {
            let list = outside.join(", ");
            errors.push(
                FieldError::new("branches", "cannot_grant", format!("you cannot grant branches outside your own scope: {list}"))
                    .with_param("branches", list),
            );
        }
        Some(_) => {}
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn p(s: &str) -> Permission {
        Permission::parse(s).unwrap()
    }

    fn set(items: &[&str]) -> BTreeSet<Permission> {
        items.iter().map(|s| p(s)).collect()
    }

    fn branches(items: &[&str]) -> BranchScope {
        BranchScope::Only(items.iter().map(|s| (*s).to_owned()).collect())
    }

    fn role(name: &str) -> Grants {
        let r = builtin_roles().into_iter().find(|r| r.name == name).unwrap();
        Grants {
            role: Some(name.to_owned()),
            role_permissions: set(&r.permissions),
            is_administrator: name == ADMINISTRATOR,
            extra: BTreeSet::new(),
            branches: BranchScope::All,
            can_log_in: true,
        }
    }

    #[test]
    fn catalogues_and_builtin_roles_are_as_specified() {
        assert_eq!(KEYRACK_PERMISSIONS.len(), 7);
        assert_eq!(DEFAULT_CATALOGUE.len(), 10);
        assert_eq!(DEFAULT_EMAIL_CATEGORIES, &["reservations", "invoices", "reminders", "newsletter"]);
        for name in KEYRACK_PERMISSIONS.iter().chain(DEFAULT_CATALOGUE) {
            assert_eq!(p(name).as_str(), *name, "every built-in name is a valid Permission");
        }
        let roles = builtin_roles();
        let names: Vec<_> = roles.iter().map(|r| (r.name, r.editable)).collect();
        assert_eq!(names, vec![(ADMINISTRATOR, false), ("manager", true), ("staff", true)]);
        assert_eq!(roles[0].permissions.len(), 17);
        assert!(!roles[1].permissions.contains(&"roles.manage") && !roles[1].permissions.contains(&"settings.manage"));
        assert_eq!(roles[1].permissions.len(), 9);
        assert_eq!(roles[2].permissions, vec!["appointments.own"]);
    }

    #[test]
    fn branch_scope_json_is_a_word_or_a_list() {
        assert_eq!(serde_json::to_string(&BranchScope::All).unwrap(), "\"all\"");
        assert_eq!(serde_json::to_string(&branches(&["b2", "b1"])).unwrap(), "[\"b1\",\"b2\"]");
        assert_eq!(serde_json::from_str::<BranchScope>("\"all\"").unwrap(), BranchScope::All);
        assert_eq!(serde_json::from_str::<BranchScope>("[\"b1\",\"b1\"]").unwrap(), branches(&["b1"]));
        assert_eq!(serde_json::from_str::<BranchScope>("[]").unwrap(), branches(&[]));
        let err = serde_json::from_str::<BranchScope>("\"some\"").unwrap_err().to_string();
        assert!(err.contains("\"all\" or a list"), "{err}");
        assert!(serde_json::from_str::<BranchScope>("{\"only\":[]}").is_err());
    }

    #[test]
    fn each_decision_code_with_its_words() {
        let mut staff = role("staff");
        staff.branches = branches(&["north"]);
        staff.extra = set(&["clients"]);
        let own = p("appointments.own");

        let d = check(&staff, &own, Some("north"));
        assert_eq!((d.allowed, d.code), (true, "allowed_by_role"));
        assert_eq!(d.message, "Allowed: the role 'staff' includes 'appointments.own' in the branch 'north'.");

        let d = check(&staff, &p("clients"), None);
        assert_eq!((d.allowed, d.code), (true, "allowed_by_extra_permission"));

        let d = check(&staff, &own, Some("south"));
        assert_eq!((d.allowed, d.code), (false, "branch_out_of_scope"));
        assert!(d.message.contains("'south'"), "{}", d.message);

        // A branch-less check ignores scope.
        assert!(check(&staff, &own, None).allowed);

        let d = check(&staff, &p("reports"), Some("north"));
        assert_eq!((d.allowed, d.code), (false, "permission_missing"));
        assert!(d.message.contains("'staff'") && d.message.contains("'reports'"), "{}", d.message);

        let mut roleless = staff.clone();
        roleless.role = None;
        roleless.role_permissions.clear();
        assert_eq!(check(&roleless, &own, None).code, "no_role");
        assert_eq!(check(&roleless, &p("clients"), Some("north")).code, "allowed_by_extra_permission");

        let mut blocked = role(ADMINISTRATOR);
        blocked.can_log_in = false;
        let d = check(&blocked, &own, None);
        assert_eq!((d.allowed, d.code), (false, "no_access"));

        let mut admin = role(ADMINISTRATOR);
        admin.branches = branches(&[]);
        let d = check(&admin, &p("some.operator.permission"), Some("anywhere"));
        assert_eq!((d.allowed, d.code), (true, "administrator"));
    }

    #[test]
    fn a_manager_cannot_escalate() {
        let manager = role("manager");
        // SECURITY-TESTS E.27: no administrator role, no permission the manager lacks.
        let errors = check_assignment(&manager, &BTreeSet::new(), true, &set(&["roles.manage", "clients"]), &BranchScope::All)
            .unwrap_err();
        let got: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.code.as_str(), e.params.clone())).collect();
        assert_eq!(
            got,
            vec![
                ("role", "cannot_grant", vec![("role".to_owned(), "administrator".to_owned())]),
                ("permissions", "cannot_grant", vec![("permission".to_owned(), "roles.manage".to_owned())]),
            ]
        );
        // A role the manager holds entirely, in the manager's branches: fine.
        assert_eq!(check_assignment(&manager, &set(&["appointments.own"]), false, &set(&["clients"]), &branches(&["x"])), Ok(()));
        // A custom role with settings.manage in it: refused on the field `role`.
        let errors =
            check_assignment(&manager, &set(&["settings.manage", "clients"]), false, &BTreeSet::new(), &BranchScope::All)
                .unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!((errors[0].field.as_str(), errors[0].params[0].1.as_str()), ("role", "settings.manage"));
    }

    #[test]
    fn branch_scope_cannot_be_widened() {
        let mut manager = role("manager");
        manager.branches = branches(&["north", "east"]);
        let errors = check_assignment(&manager, &BTreeSet::new(), false, &BTreeSet::new(), &BranchScope::All).unwrap_err();
        assert_eq!((errors[0].field.as_str(), errors[0].code.as_str()), ("branches", "cannot_grant"));
        let errors =
            check_assignment(&manager, &BTreeSet::new(), false, &BTreeSet::new(), &branches(&["north", "south", "west"]))
                .unwrap_err();
        assert_eq!(errors[0].params, vec![("branches".to_owned(), "south, west".to_owned())]);
        assert!(check_assignment(&manager, &BTreeSet::new(), false, &BTreeSet::new(), &branches(&["east"])).is_ok());
        // An administrator's stored scope does not matter: it is always all branches.
        let mut admin = role(ADMINISTRATOR);
        admin.branches = branches(&[]);
        assert!(check_assignment(&admin, &set(&["roles.manage"]), true, &set(&["x.y"]), &BranchScope::All).is_ok());
    }

    #[test]
    fn an_actor_who_cannot_log_in_grants_nothing() {
        let mut admin = role(ADMINISTRATOR);
        admin.can_log_in = false;
        let errors = check_assignment(&admin, &set(&["clients"]), true, &BTreeSet::new(), &branches(&["a"])).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["role", "role", "branches"]);
    }

    // ---- Property tests against an independent reference model (SECURITY-TESTS E.26). ----

    const UNIVERSE: &[&str] = &["people.view", "access.manage", "clients", "reports", "appointments.own"];
    const BRANCHES: &[&str] = &["b1", "b2", "b3"];

    fn arb_grants() -> impl Strategy<Value = Grants> {
        (
            proptest::option::of(prop_oneof![Just("staff"), Just("manager"), Just("custom")]),
            proptest::sample::subsequence(UNIVERSE, 0..=UNIVERSE.len()),
            any::<bool>(),
            proptest::sample::subsequence(UNIVERSE, 0..=UNIVERSE.len()),
            proptest::option::of(proptest::sample::subsequence(BRANCHES, 0..=BRANCHES.len())),
            any::<bool>(),
        )
            .prop_map(|(role, rp, admin, extra, scope, can)| Grants {
                role: role.map(str::to_owned),
                // A login without a role has no role permissions.
                role_permissions: if role.is_some() { set(&rp) } else { BTreeSet::new() },
                is_administrator: admin,
                extra: set(&extra),
                branches: scope.map_or(BranchScope::All, |b| branches(&b)),
                can_log_in: can,
            })
    }

    /// The rules restated as a table over plain booleans, without calling anything above.
    fn model(g: &Grants, perm: &str, branch: Option<&str>) -> (bool, &'static str) {
        let in_role = g.role_permissions.iter().any(|p| p.as_str() == perm);
        let in_extra = g.extra.iter().any(|p| p.as_str() == perm);
        let in_scope = match (&g.branches, branch) {
            (_, None) | (BranchScope::All, _) => true,
            (BranchScope::Only(list), Some(b)) => list.iter().any(|x| x == b),
        };
        match (g.can_log_in, g.is_administrator, in_role || in_extra, in_scope) {
            (false, _, _, _) => (false, "no_access"),
            (true, true, _, _) => (true, "administrator"),
            (true, false, false, _) if g.role.is_none() => (false, "no_role"),
            (true, false, false, _) => (false, "permission_missing"),
            (true, false, true, false) => (false, "branch_out_of_scope"),
            (true, false, true, true) if in_role => (true, "allowed_by_role"),
            (true, false, true, true) => (true, "allowed_by_extra_permission"),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn check_agrees_with_the_reference_model(
            g in arb_grants(),
            perm in proptest::sample::select(UNIVERSE),
            branch in proptest::option::of(proptest::sample::select(&["b1", "b2", "b3", "b4"][..])),
        ) {
            let d = check(&g, &p(perm), branch);
            prop_assert_eq!((d.allowed, d.code), model(&g, perm, branch));
            prop_assert!(d.message.contains(perm), "the message names the permission: {}", d.message);
        }

        /// Whatever an accepted assignment hands out, the actor could already do itself, in each
        /// branch it hands out; and an actor who holds everything asked is never refused.
        #[test]
        fn accepted_assignments_never_escalate(
            actor in arb_grants(),
            role_perms in proptest::sample::subsequence(UNIVERSE, 0..=3),
            extra in proptest::sample::subsequence(UNIVERSE, 0..=3),
            admin_role in any::<bool>(),
            scope in proptest::option::of(proptest::sample::subsequence(BRANCHES, 0..=BRANCHES.len())),
        ) {
            let target = scope.map_or(BranchScope::All, |b| branches(&b));
            let result = check_assignment(&actor, &set(&role_perms), admin_role, &set(&extra), &target);
            let handed_out: Vec<&str> = role_perms.iter().chain(&extra).copied().collect();
            let probe_branches: Vec<&str> = match (&target, admin_role) {
                (BranchScope::All, _) | (_, true) => BRANCHES.iter().copied().chain(["new-branch"]).collect(),
                (BranchScope::Only(b), false) => b.iter().map(String::as_str).collect(),
            };
            let actor_could = |perm: &str| probe_branches.iter().all(|b| check(&actor, &p(perm), Some(b)).allowed)
                && check(&actor, &p(perm), None).allowed;
            let wide_enough = probe_branches.iter().all(|b| actor.can_log_in && (actor.is_administrator || actor.branches.contains(b)));
            let expected_ok = handed_out.iter().all(|perm| actor_could(perm))
                && (!admin_role || (actor.is_administrator && actor.can_log_in))
                && wide_enough;
            prop_assert_eq!(result.is_ok(), expected_ok, "{:?}", result);
            if let Err(errors) = result {
                prop_assert!(errors.iter().all(|e| e.code == "cannot_grant"));
            }
        }
    }
}
