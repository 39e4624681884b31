//! Keyrack's use cases: one function per action of the specification. Each action opens ONE
//! transaction — load, decide with the domain rules, store the effects, append the audit event,
//! queue the mail — and commits them together or not at all (SPEC rule 1).
//!
//! The web layer calls these functions and never touches the store itself.

pub mod access;
pub mod apikeys;
pub mod audit;
pub mod auth;
pub mod checks;
pub mod clock;
pub mod config;
pub mod demo;
pub mod error;
pub mod import;
pub mod mail;
pub mod merge;
pub mod oidc;
pub mod people;
pub mod people_list;
pub mod rights;
pub mod sealing;
pub mod secrets;
pub mod selfservice;
pub mod setup;
pub mod structure;
pub mod tenants;
pub mod usage;
pub mod views;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use keyrack_store::Store;

/// How many times an action's transaction runs at most when concurrent transactions keep
/// rolling it back (see [`transaction!`]); the pauses between add up to about 0.2 s.
pub const TRANSACTION_ATTEMPTS: u32 = 5;

/// Runs one action's transaction: `transaction!(app, |tx| body)` begins a write transaction,
/// evaluates `body` (an expression of type `AppResult<T>`, where `?` and `return` leave the
/// body, as in a closure) with `tx: &mut Tx`, and commits when it answered `Ok`. When the
/// database rolled it back for a concurrent transaction, the whole body runs again from its
/// first read (see [`App::retry_transaction`]). So a body must do nothing outside its
/// transaction: mail goes through the outbox and audit events are rows, and a retried action
/// leaves each once. A macro rather than a function taking an async closure, because the
/// future of such a function cannot be shown to be `Send` to the web handlers.
macro_rules! transaction {
    ($app:expr, |$tx:ident| $body:expr) => {{
        let app: &$crate::App = $app;
        let mut attempt = 1;
        loop {
            let mut owned = app.store.begin().await?;
            let result: $crate::AppResult<_> = {
                let $tx: &mut keyrack_store::Tx = &mut owned;
                async { $body }.await
            };
            let result = match result {
                Ok(value) => owned.commit().await.map(|()| value).map_err(|e| keyrack_store::StoreError::from(e).into()),
                Err(e) => Err(e), // dropping the transaction rolls it back
            };
            if !app.retry_transaction(&result, attempt).await {
                break result;
            }
            attempt += 1;
        }
    }};
}
pub(crate) use transaction;

pub use clock::{Clock, ManualClock, SystemClock};
pub use config::AppConfig;
pub use error::{AppError, AppResult};
pub use secrets::PasswordHasher;

/// Who is acting: recorded in every audit event and checked by every use case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// The operator key (tenant creation, everything in every tenant).
    Operator,
    /// A tenant API key.
    ApiKey { id: String, tenant_id: String, write: bool },
    /// A person acting on their own account (accepting a link, logging in).
    Person { id: String, tenant_id: String, label: String },
    /// Keyrack itself, or a command-line operator on the server.
    System,
}

impl Actor {
    pub fn kind(&self) -> &'static str {
        match self {
            Actor::Operator => "operator",
            Actor::ApiKey { .. } => "api_key",
            Actor::Person { .. } => "person",
            Actor::System => "system",
        }
    }

    pub fn id(&self) -> Option<&str> {
        match self {
            Actor::ApiKey { id, .. } | Actor::Person { id, .. } => Some(id),
            Actor::Operator | Actor::System => None,
        }
    }

    pub fn label(&self) -> String {
        match self {
            Actor::Operator => "operator".into(),
            Actor::ApiKey { id, .. } => format!("API key {}", &id[..id.len().min(8)]),
            Actor::Person { label, .. } => label.clone(),
            Actor::System => "Keyrack".into(),
        }
    }

    /// Whether the actor may read the data of this tenant; a foreign tenant is "not found".
    pub fn may_read(&self, tenant_id: &str) -> AppResult<()> {
        match self {
            Actor::Operator | Actor::System => Ok(()),
            Actor::ApiKey { tenant_id: t, .. } | Actor::Person { tenant_id: t, .. } if t == tenant_id => Ok(()),
            _ => Err(AppError::NotFound),
        }
    }

    /// Whether the actor may change the data of this tenant.
    pub fn may_write(&self, tenant_id: &str) -> AppResult<()> {
        self.may_read(tenant_id)?;
        match self {
            Actor::ApiKey { write: false, .. } => Err(AppError::Forbidden {
                code: "read_only_key",
                message: "this API key has the read scope; changes need a key with the write scope".into(),
            }),
            _ => Ok(()),
        }
    }
}

/// What a write is about, so that a refused write to something that does not exist in the
/// tenant answers "not found" rather than "forbidden": another tenant's ids always answer 404.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    Tenant,
    Person(&'a str),
    Branch(&'a str),
    Role(&'a str),
    ApiKey(&'a str),
    Client(&'a str),
}

/// Where a request came from, for audit events.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub address: Option<String>,
}

/// The application: the store, the clock, the configuration and the password hasher.
#[derive(Clone)]
pub struct App {
    pub(crate) store: Store,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) config: Arc<AppConfig>,
    pub(crate) hasher: PasswordHasher,
    /// Transactions run again after a serialization failure or deadlock, since start.
    transaction_retries: Arc<AtomicU64>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App").field("store", &self.store).finish_non_exhaustive()
    }
}

impl App {
    pub fn new(store: Store, clock: Arc<dyn Clock>, config: AppConfig) -> Self {
        let hasher = PasswordHasher::new(config.argon2);
        Self { store, clock, config: Arc::new(config), hasher, transaction_retries: Arc::default() }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn config(&self) -> &AppConfig {
        &self.config
    }

    pub fn hasher(&self) -> &PasswordHasher {
        &self.hasher
    }

    pub fn now(&self) -> i64 {
        self.clock.now_ms()
    }

    /// How many action transactions ran again after a serialization failure or deadlock.
    pub fn transaction_retries(&self) -> u64 {
        self.transaction_retries.load(Ordering::Relaxed)
    }

    /// After one attempt of an action's transaction (see [`transaction!`]): whether to run it
    /// again, because the database rolled it back for a concurrent transaction (PostgreSQL
    /// 40001 or 40P01, at any statement or at commit) and attempts are left. Counts the retry
    /// (`keyrack_transaction_retries_total`) and waits a short, growing, jittered pause first.
    pub(crate) async fn retry_transaction<T>(&self, result: &AppResult<T>, attempt: u32) -> bool {
        let Err(AppError::Contention(reason)) = result else { return false };
        if attempt >= TRANSACTION_ATTEMPTS {
            return false;
        }
        metrics::counter!("keyrack_transaction_retries_total").increment(1);
        self.transaction_retries.fetch_add(1, Ordering::Relaxed);
        tracing::info!(attempt, %reason, "running the action's transaction again");
        let pause = 5 * (1u64 << attempt) + rand::random_range(0..10u64);
        tokio::time::sleep(std::time::Duration::from_millis(pause)).await;
        true
    }

    /// Checks that the actor may change `target` in the tenant: 404 when the target is not
    /// there, 403 when it is but the actor may only read.
    pub(crate) async fn require_write(&self, actor: &Actor, tenant_id: &str, target: Target<'_>) -> AppResult<()> {
        let refusal = match actor.may_write(tenant_id) {
            Ok(()) => return Ok(()),
            Err(e) => e,
        };
        let mut conn = self.store.read().await?;
        let exists = match target {
            Target::Tenant => true,
            Target::Person(id) => keyrack_store::repo::people::get(&mut conn, tenant_id, id).await?.is_some(),
            Target::Branch(id) => keyrack_store::repo::branches::get(&mut conn, tenant_id, id).await?.is_some(),
            Target::Role(id) => keyrack_store::repo::roles::get(&mut conn, tenant_id, id).await?.is_some(),
            Target::ApiKey(id) => keyrack_store::repo::api_keys::get(&mut conn, tenant_id, id).await?.is_some(),
            Target::Client(id) => keyrack_store::repo::oidc::client(&mut conn, tenant_id, id).await?.is_some(),
        };
        Err(if exists { refusal } else { AppError::NotFound })
    }

    /// Whether the database answers (readiness).
    pub async fn ready(&self) -> AppResult<()> {
        Ok(self.store.ping().await?)
    }
}

/// A fresh time-ordered id.
pub(crate) fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
