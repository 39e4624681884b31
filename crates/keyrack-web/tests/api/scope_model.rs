//! SECURITY-TESTS E.26 for the console: random admins (role × extra permissions × branch
//! scope) against random people (without a login, or in some branches, all branches, or with
//! the administrator role). Every console decision — the person page, the people list, a block
//! — must equal a reference model written here, and must agree with what `POST /check` answers
//! for the same admin in the person's branches.

use std::sync::atomic::{AtomicUsize, Ordering};

use keyrack_testkit::{Tenant, TestApp};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::console::{GOOD, branch};
use super::pages::Visitor;

const POOL: &[&str] = &["people.view", "people.manage", "access.manage", "audit.view"];
const MANAGER: &[&str] = &["people.view", "people.manage", "access.manage", "audit.view", "import_export"];

#[derive(Debug, Clone, PartialEq, Eq)]
enum Role {
    None,
    Staff,
    Manager,
    Administrator,
    Custom(Vec<&'static str>),
}

#[derive(Debug, Clone)]
struct AdminCase {
    role: Role,
    extra: Vec<&'static str>,
    /// `None` for every branch, else indexes of the three branches.
    scope: Option<Vec<usize>>,
}

#[derive(Debug, Clone)]
enum Target {
    NoLogin,
    Login { administrator: bool, scope: Option<Vec<usize>> },
}

#[derive(Debug, Clone)]
struct Case {
    admin: AdminCase,
    targets: Vec<Target>,
}

fn scope() -> impl Strategy<Value = Option<Vec<usize>>> {
    proptest::option::of(proptest::sample::subsequence(vec![0_usize, 1, 2], 0..=3))
}

fn case_strategy() -> impl Strategy<Value = Case> {
    let role = prop_oneof![
        1 => Just(Role::None),
        1 => Just(Role::Staff),
        2 => Just(Role::Manager),
        1 => Just(Role::Administrator),
        3 => proptest::sample::subsequence(POOL, 0..=POOL.len()).prop_map(Role::Custom),
    ];
    let admin = (role, proptest::sample::subsequence(POOL, 0..=2), scope()).prop_map(|(role, extra, scope)| AdminCase {
        role,
        extra,
        scope,
    });
    let target = prop_oneof![
        1 => Just(Target::NoLogin),
        1 => scope().prop_map(|scope| Target::Login { administrator: true, scope }),
        4 => scope().prop_map(|scope| Target::Login { administrator: false, scope }),
    ];
    (admin, proptest::collection::vec(target, 3)).prop_map(|(admin, targets)| Case { admin, targets })
}

/// SPEC §2 and the console's reach, restated over plain values.
fn holds(a: &AdminCase, p: &str) -> bool {
    let by_role = match &a.role {
        Role::Administrator => return true,
        Role::None => false,
        Role::Staff => p == "appointments.own",
        Role::Manager => MANAGER.contains(&p),
        Role::Custom(list) => list.contains(&p),
    };
    by_role || a.extra.contains(&p)
}

fn reaches(a: &AdminCase, p: &str, t: &Target) -> bool {
    if !holds(a, p) {
        return false;
    }
    let mine = match (&a.role, &a.scope) {
        (Role::Administrator, _) | (_, None) => return true,
        (_, Some(list)) => list,
    };
    match t {
        Target::NoLogin => true,
        Target::Login { administrator: true, .. } | Target::Login { scope: None, .. } => false,
        Target::Login { scope: Some(theirs), .. } => theirs.iter().any(|b| mine.contains(b)),
    }
}

fn may_block(a: &AdminCase, t: &Target) -> bool {
    let protected = matches!(t, Target::Login { administrator: true, .. }) && a.role != Role::Administrator;
    reaches(a, "people.view", t) && reaches(a, "access.manage", t) && !protected
}

struct World {
    app: TestApp,
    t: Tenant,
    branches: Vec<String>,
    /// A branch no case's scope lists: "a branch added later", which only an admin whose
    /// scope is every branch reaches.
    spare: String,
    n: AtomicUsize,
}

impl World {
    fn branches_json(&self, scope: &Option<Vec<usize>>) -> Value {
        match scope {
            None => json!("all"),
            Some(list) => json!(list.iter().map(|i| &self.branches[*i]).collect::<Vec<_>>()),
        }
    }

    async fn assign(&self, id: &str, body: Value) {
        let path = format!("/api/v1/tenants/{}/people/{id}/role", self.t.slug);
        let (s, p) = self.app.call(Method::PUT, &path, Some(&self.t.write_key), Some(body)).await;
        assert_eq!(s, StatusCode::OK, "{p}");
    }

    /// The admin of a case, signed in to the console; answers their id and browser.
    async fn admin(&self, a: &AdminCase) -> (String, Visitor<'_>) {
        let n = self.n.fetch_add(1, Ordering::Relaxed);
        let email = format!("admin{n}@example.com");
        let id = self.app.active_person(&self.t, &email, GOOD).await["id"].as_str().unwrap().to_owned();
        let role = match &a.role {
            Role::None => Value::Null,
            Role::Staff => json!("staff"),
            Role::Manager => json!("manager"),
            Role::Administrator => json!("administrator"),
            Role::Custom(permissions) => {
                let name = format!("custom-{n}");
                let path = format!("/api/v1/tenants/{}/roles", self.t.slug);
                let (s, r) = self.app.post(&path, &self.t.write_key, json!({"name": name, "permissions": permissions})).await;
                assert_eq!(s, StatusCode::CREATED, "{r}");
                json!(name)
            }
        };
        self.assign(&id, json!({"role": role, "permissions": a.extra, "branches": self.branches_json(&a.scope)})).await;
        let mut v = Visitor::new(&self.app);
        v.login(&self.t.slug, &email, GOOD).await;
        (id, v)
    }

    async fn target(&self, t: &Target) -> (String, String) {
        let n = self.n.fetch_add(1, Ordering::Relaxed);
        let name = format!("target{n}x");
        let p =
            self.app.person(&self.t, json!({"kind": "staff", "first_name": name, "email": format!("{name}@example.com")})).await;
        let id = p["id"].as_str().unwrap().to_owned();
        if let Target::Login { administrator, scope } = t {
            assert_eq!(self.app.action(&self.t, &id, "grant", json!({})).await.0, StatusCode::OK);
            let role = if *administrator { "administrator" } else { "staff" };
            self.assign(&id, json!({"role": role, "permissions": [], "branches": self.branches_json(scope)})).await;
        }
        (id, name)
    }

    /// What `POST /check` says about the admin holding `permission` where the person is.
    async fn check_reaches(&self, admin: &str, permission: &str, t: &Target) -> bool {
        let ask = async |branch: Option<&String>| {
            let body = json!({"person": admin, "permission": permission, "branch": branch});
            let (s, d) = self.app.post(&format!("/api/v1/tenants/{}/check", self.t.slug), &self.t.read_key, body).await;
            assert_eq!(s, StatusCode::OK, "{d}");
            d["allowed"].as_bool().unwrap()
        };
        let mut everywhere = ask(None).await;
        for b in self.branches.iter().chain(std::iter::once(&self.spare)) {
            everywhere &= ask(Some(b)).await;
        }
        match t {
            Target::NoLogin => ask(None).await,
            // Every branch, present and future: the admin must be allowed in each.
            Target::Login { administrator: true, .. } | Target::Login { scope: None, .. } => everywhere,
            Target::Login { scope: Some(list), .. } => {
                let mut any = everywhere && list.is_empty();
                for i in list {
                    any |= ask(Some(&self.branches[*i])).await;
                }
                any
            }
        }
    }

    async fn compare(&self, c: &Case) -> Result<(), String> {
        let (admin_id, mut v) = self.admin(&c.admin).await;
        let slug = self.t.slug.clone();
        let console = holds(&c.admin, "people.view");
        for t in &c.targets {
            let (id, name) = self.target(t).await;
            let page = v.get(&format!("/t/{slug}/console/people/{id}")).await.status;
            let expected = match (console, reaches(&c.admin, "people.view", t)) {
                (false, _) => StatusCode::FORBIDDEN,
                (true, true) => StatusCode::OK,
                (true, false) => StatusCode::NOT_FOUND,
            };
            if page != expected {
                return Err(format!("{t:?}: the person page answered {page}, the model says {expected}"));
            }
            if console {
                let list = v.get(&format!("/t/{slug}/console?q={name}")).await;
                let listed = list.body.contains(&format!("/console/people/{id}\""));
                if listed != reaches(&c.admin, "people.view", t) {
                    return Err(format!("{t:?}: listed {listed}, the model says {}", !listed));
                }
                let by_check = self.check_reaches(&admin_id, "people.view", t).await;
                if by_check != listed {
                    return Err(format!("{t:?}: POST /check says {by_check}, the console shows {listed}"));
                }
            }
            if matches!(t, Target::Login { .. }) {
                let answer = v.post(&format!("/t/{slug}/console/people/{id}/access/block"), &[("confirmed", "true")]).await;
                let state = self.app.strings(&format!("SELECT state FROM logins WHERE person_id = '{id}'")).await;
                let blocked = state == ["blocked"];
                if blocked != may_block(&c.admin, t) {
                    return Err(format!("{t:?}: block answered {} and left the state {state:?}", answer.status));
                }
                if blocked && may_block(&c.admin, t) {
                    let by_check = self.check_reaches(&admin_id, "access.manage", t).await;
                    if !by_check {
                        return Err(format!("{t:?}: blocked, but POST /check says access.manage is not held there"));
                    }
                }
            }
        }
        Ok(())
    }
}

#[test]
fn console_decisions_equal_the_reference_model_and_post_check() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let world = rt.block_on(async {
        let app = TestApp::spawn().await;
        let t = app.tenant("console-model").await;
        let mut branches = Vec::new();
        for name in ["B0", "B1", "B2"] {
            branches.push(branch(&app, &t, name).await);
        }
        let spare = branch(&app, &t, "Later").await;
        // A standing administrator, so that blocking an administrator is never the last one.
        super::console::login_with(&app, &t, "keeper@example.com", Some("administrator"), &[], json!("all")).await;
        World { app, t, branches, spare, n: AtomicUsize::new(0) }
    });
    let mut runner = TestRunner::new(Config { cases: 24, failure_persistence: None, ..Config::default() });
    let result = runner.run(&case_strategy(), |c| rt.block_on(world.compare(&c)).map_err(TestCaseError::fail));
    if let Err(e) = result {
        panic!("{e}");
    }
}
