//! Model-based test of the access lifecycle (SECURITY-TESTS F.30): random sequences of 1 to 40
//! actions, valid and invalid, through the real API, compared step by step with a reference
//! model written here independently of the domain crate. After every step: the state equals the
//! model's, a refusal is 409 naming the current state, and the audit events and outbox rows
//! grew by exactly what the successful actions should have written.

use keyrack_testkit::{Tenant, TestApp};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Grant,
    InviteLink,
    InviteMail,
    Block,
    Unblock,
    Remove,
    Reset,
    GeneratePassword,
    AcceptNewestLink,
    Authenticate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum S {
    None,
    Granted,
    Invited,
    Active,
    ResetPending,
    Blocked,
}

impl S {
    fn word(self) -> &'static str {
        match self {
            S::None => "none",
            S::Granted => "granted",
            S::Invited => "invited",
            S::Active => "active",
            S::ResetPending => "reset_pending",
            S::Blocked => "blocked",
        }
    }
}

/// The reference model: what SPEC §3 says, written as plainly as possible.
#[derive(Debug, Clone)]
struct Model {
    state: S,
    before_block: S,
    password: Option<String>,
    /// The newest link handed out or mailed, and whether it is still usable.
    newest_link: Option<(String, bool)>,
    events: i64,
    mails: i64,
}

impl Model {
    fn refusal(&self) -> &'static str {
        match self.state {
            S::None => "access_not_granted",
            S::Blocked => "person_blocked",
            _ => "invalid_transition",
        }
    }

    fn revoke_links(&mut self) {
        if let Some((_, usable)) = &mut self.newest_link {
            *usable = false;
        }
    }
}

fn step_strategy() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => Just(Step::Grant),
        2 => Just(Step::InviteLink),
        1 => Just(Step::InviteMail),
        1 => Just(Step::Block),
        1 => Just(Step::Unblock),
        1 => Just(Step::Remove),
        1 => Just(Step::Reset),
        1 => Just(Step::GeneratePassword),
        2 => Just(Step::AcceptNewestLink),
        2 => Just(Step::Authenticate),
    ]
}

const CHOSEN: &str = "moss granite lantern 77 harbour";

struct Run<'a> {
    app: &'a TestApp,
    t: &'a Tenant,
    id: String,
    username: String,
}

impl Run<'_> {
    async fn state(&self) -> String {
        let (_, p) = self.app.get(&format!("/api/v1/tenants/{}/people/{}", self.t.slug, self.id), &self.t.read_key).await;
        p["access"]["state"].as_str().unwrap().to_owned()
    }

    async fn events(&self) -> i64 {
        self.app.count(&format!("audit_events WHERE subject_id = '{}'", self.id)).await
    }

    async fn mails(&self) -> i64 {
        self.app.count(&format!("outbox WHERE person_id = '{}'", self.id)).await
    }

    async fn newest_mailed_link(&self) -> String {
        let payloads = self
            .app
            .strings(&format!("SELECT payload FROM outbox WHERE person_id = '{}' ORDER BY created_at DESC, id DESC", self.id))
            .await;
        let v: Value = serde_json::from_str(&payloads[0]).unwrap();
        token_of(&v["link"])
    }

    /// Runs one step against the API and the model; answers a description of any mismatch.
    async fn step(&self, m: &mut Model, step: Step) -> Result<(), String> {
        let (expected_ok, status, body) = match step {
            Step::Grant => {
                let ok = matches!(m.state, S::None | S::Blocked);
                let (s, b) = self.app.action(self.t, &self.id, "grant", json!({})).await;
                if ok {
                    m.state = if m.state == S::None { S::Granted } else { m.before_block };
                }
                (ok, s, b)
            }
            Step::InviteLink | Step::InviteMail => {
                let ok = matches!(m.state, S::Granted | S::Invited);
                let send = step == Step::InviteMail;
                let (s, b) = self.app.action(self.t, &self.id, "invite", json!({"send_email": send})).await;
                if ok && s == StatusCode::OK {
                    m.state = S::Invited;
                    let token = if send {
                        m.mails += 1;
                        self.newest_mailed_link().await
                    } else {
                        token_of(&b["link"])
                    };
                    m.newest_link = Some((token, true));
                }
                (ok, s, b)
            }
            Step::Block => {
                let ok = !matches!(m.state, S::None | S::Blocked);
                let (s, b) = self.app.action(self.t, &self.id, "block", json!({})).await;
                if ok {
                    m.before_block = m.state;
                    m.state = S::Blocked;
                    m.revoke_links();
                }
                (ok, s, b)
            }
            Step::Unblock => {
                let ok = m.state == S::Blocked;
                let (s, b) = self.app.action(self.t, &self.id, "unblock", json!({})).await;
                if ok {
                    m.state = m.before_block;
                }
                (ok, s, b)
            }
            Step::Remove => {
                let ok = m.state != S::None;
                let (s, b) = self.app.action(self.t, &self.id, "remove", json!({})).await;
                if ok {
                    m.state = S::None;
                    m.password = None;
                    m.revoke_links();
                }
                (ok, s, b)
            }
            Step::Reset => {
                let ok = matches!(m.state, S::Active | S::ResetPending);
                let (s, b) = self.app.action(self.t, &self.id, "reset", json!({})).await;
                if ok {
                    m.state = S::ResetPending;
                    m.password = None;
                    m.mails += 1;
                    m.newest_link = Some((self.newest_mailed_link().await, true));
                }
                (ok, s, b)
            }
            Step::GeneratePassword => {
                let ok = matches!(m.state, S::Granted | S::Invited | S::Active | S::ResetPending);
                let (s, b) = self.app.action(self.t, &self.id, "password", json!({"generate": true})).await;
                if ok {
                    m.state = S::Active;
                    m.password = b["password"].as_str().map(str::to_owned);
                    m.revoke_links();
                }
                (ok, s, b)
            }
            Step::AcceptNewestLink => {
                let Some((token, usable)) = m.newest_link.clone() else { return Ok(()) };
                let ok = usable && matches!(m.state, S::Invited | S::ResetPending);
                let (s, b) = self
                    .app
                    .call(
                        Method::POST,
                        &format!("/api/v1/tenants/{}/links/accept", self.t.slug),
                        None,
                        Some(json!({"token": token, "password": CHOSEN})),
                    )
                    .await;
                if ok {
                    m.state = S::Active;
                    m.password = Some(CHOSEN.to_owned());
                    m.revoke_links();
                } else if s != StatusCode::GONE || b["code"] != "link_invalid" {
                    return Err(format!("accepting a dead link answered {s} {b}"));
                } else {
                    return Ok(());
                }
                (ok, s, b)
            }
            Step::Authenticate => {
                let Some(password) = m.password.clone() else { return Ok(()) };
                let ok = matches!(m.state, S::Active);
                let (s, b) = self
                    .app
                    .call(
                        Method::POST,
                        &format!("/api/v1/tenants/{}/authenticate", self.t.slug),
                        None,
                        Some(json!({"username": self.username, "password": password})),
                    )
                    .await;
                if ok {
                    m.state = S::Active;
                } else if s != StatusCode::UNAUTHORIZED || b["code"] != "invalid_credentials" {
                    return Err(format!("a refused login answered {s} {b}"));
                } else {
                    return Ok(());
                }
                (ok, s, b)
            }
        };
        if expected_ok {
            if status != StatusCode::OK {
                return Err(format!("{step:?} expected to succeed, got {status} {body}"));
            }
            m.events += 1;
        } else if status != StatusCode::CONFLICT || body["code"] != m.refusal() || body["state"] != m.state.word() {
            return Err(format!("{step:?} in {:?} expected 409 {} naming the state, got {status} {body}", m.state, m.refusal()));
        }
        let state = self.state().await;
        if state != m.state.word() {
            return Err(format!("after {step:?} the state is {state}, the model says {}", m.state.word()));
        }
        let (events, mails) = (self.events().await, self.mails().await);
        if (events, mails) != (m.events, m.mails) {
            return Err(format!(
                "after {step:?}: {events} events and {mails} mails, the model says {} and {}",
                m.events, m.mails
            ));
        }
        Ok(())
    }
}

fn token_of(link: &Value) -> String {
    link.as_str().unwrap().rsplit('/').next().unwrap().to_owned()
}

#[test]
fn random_action_sequences_follow_the_reference_model() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let app = rt.block_on(TestApp::spawn());
    let t = rt.block_on(app.tenant("model"));
    let mut runner = TestRunner::new(Config { cases: 24, failure_persistence: None, ..Config::default() });
    let case = std::sync::atomic::AtomicUsize::new(0);
    let result = runner.run(&proptest::collection::vec(step_strategy(), 1..=40), |steps| {
        let case = case.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        // Every case runs from the same client address, and dead links and refused logins count
        // against it (throttling, SPEC rule 5); two hours later the earlier cases are forgotten.
        app.clock.advance_ms(2 * 3_600_000);
        let outcome: Result<(), String> = rt.block_on(async {
            let email = format!("model{case}-{}@example.com", steps.len());
            let p = app.person(&t, json!({"kind": "guest", "first_name": "Model", "last_name": "Case", "email": email})).await;
            let run = Run { app: &app, t: &t, id: p["id"].as_str().unwrap().to_owned(), username: email };
            let mut model =
                Model { state: S::None, before_block: S::None, password: None, newest_link: None, events: 1, mails: 0 };
            for (i, step) in steps.iter().enumerate() {
                run.step(&mut model, *step).await.map_err(|e| format!("step {i} of {steps:?}: {e}"))?;
            }
            Ok(())
        });
        outcome.map_err(TestCaseError::fail)
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
