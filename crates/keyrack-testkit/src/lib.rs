//! Test support: [`TestApp`] starts a real Keyrack server on a loopback port with a fresh
//! database — a temporary SQLite file, or a fresh PostgreSQL schema when
//! `KEYRACK_TEST_DATABASE_URL` names a PostgreSQL database — and a clock the test moves.
//!
//! The same tests run on both databases; `.ci/run` runs the suite once per database.

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "test support: a failure here is a test failure")]

pub mod smtp;

pub mod browser;

use std::sync::Arc;

use keyrack_app::{App, AppConfig, ManualClock};
use keyrack_store::Store;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The variable that selects PostgreSQL for the test suite.
pub const DATABASE_VAR: &str = "KEYRACK_TEST_DATABASE_URL";
pub const OPERATOR_KEY: &str = "operator-test-key-0123456789";
/// 2026-03-01T12:00:00Z: tests start at a fixed moment.
pub const START_MS: i64 = 1_772_366_400_000;

/// A fresh, empty database for one test.
pub struct TestDatabase {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDatabase {
    pub async fn new() -> Self {
        match std::env::var(DATABASE_VAR).ok().filter(|u| u.starts_with("postgres")) {
            Some(admin_url) => {
                let schema = format!("kr_{}", uuid::Uuid::new_v4().simple());
                sqlx::any::install_default_drivers();
                let mut conn =
                    <sqlx::AnyConnection as sqlx::Connection>::connect(&admin_url).await.expect("connect to PostgreSQL");
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}"))).execute(&mut conn).await.unwrap();
                let sep = if admin_url.contains('?') { '&' } else { '?' };
                Self { url: format!("{admin_url}{sep}options=-c%20search_path%3D{schema}"), _dir: None }
            }
            None => {
                let dir = tempfile::tempdir().unwrap();
                let url = format!("sqlite://{}?mode=rwc", dir.path().join("keyrack.db").display());
                Self { url, _dir: Some(dir) }
            }
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.url.starts_with("postgres")
    }
}

/// A running Keyrack.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`
    pub base: String,
    pub app: App,
    pub clock: Arc<ManualClock>,
    pub client: reqwest::Client,
    pub db: TestDatabase,
    _server: tokio::task::JoinHandle<()>,
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// Starts a server after `configure` adjusted the configuration.
    pub async fn spawn_with(configure: impl FnOnce(&mut AppConfig)) -> Self {
        Self::start(false, configure).await
    }

    /// Starts a server whose public URL is its own loopback address, so that a browser can
    /// follow the links in its e-mails.
    pub async fn spawn_reachable(configure: impl FnOnce(&mut AppConfig)) -> Self {
        Self::start(true, configure).await
    }

    async fn start(public_is_self: bool, configure: impl FnOnce(&mut AppConfig)) -> Self {
        let db = TestDatabase::new().await;
        let store = Store::connect(&db.url, 8).await.expect("open the test database");
        let clock = Arc::new(ManualClock::new(START_MS));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let mut config = AppConfig {
            public_url: if public_is_self { base.clone() } else { "https://id.example.test".into() },
            operator_key: Some(OPERATOR_KEY.into()),
            key_encryption_key: Some(keyrack_app::sealing::KeyEncryptionKey::generate()),
            ..AppConfig::default()
        };
        configure(&mut config);
        let app = App::new(store, clock.clone(), config);
        // As `keyrack serve` does before it listens.
        app.prepare_signing_keys().await.expect("prepare the signing keys");
        let served = app.clone();
        let server = tokio::spawn(async move {
            keyrack_web::serve(served, listener, std::future::pending()).await.unwrap();
        });
        Self { base, app, clock, client: reqwest::Client::new(), db, _server: server }
    }

    /// Sends a request with an optional bearer key and JSON body; answers status and JSON
    /// (`Value::Null` for an empty body).
    pub async fn call(&self, method: Method, path: &str, key: Option<&str>, body: Option<Value>) -> (StatusCode, Value) {
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        if let Some(k) = key {
            req = req.bearer_auth(k);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        let json = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
        (status, json)
    }

    pub async fn get(&self, path: &str, key: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, Some(key), None).await
    }

    pub async fn post(&self, path: &str, key: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(key), Some(body)).await
    }

    /// Creates a tenant through the operator API and answers (write key, read key).
    pub async fn tenant(&self, slug: &str) -> Tenant {
        let (s, _) = self.post("/api/v1/tenants", OPERATOR_KEY, json!({"slug": slug, "name": format!("Tenant {slug}")})).await;
        assert_eq!(s, StatusCode::CREATED, "create tenant {slug}");
        let (s, w) = self.post(&format!("/api/v1/tenants/{slug}/api-keys"), OPERATOR_KEY, json!({"scope": "write"})).await;
        assert_eq!(s, StatusCode::CREATED);
        let (_, r) = self.post(&format!("/api/v1/tenants/{slug}/api-keys"), OPERATOR_KEY, json!({"scope": "read"})).await;
        Tenant {
            slug: slug.to_owned(),
            write_key: w["key"].as_str().unwrap().to_owned(),
            read_key: r["key"].as_str().unwrap().to_owned(),
        }
    }

    /// Creates a person and answers their JSON.
    pub async fn person(&self, t: &Tenant, body: Value) -> Value {
        let (s, p) = self.post(&format!("/api/v1/tenants/{}/people", t.slug), &t.write_key, body).await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        p
    }

    /// Runs an access action and answers status and body.
    pub async fn action(&self, t: &Tenant, person_id: &str, action: &str, body: Value) -> (StatusCode, Value) {
        self.post(&format!("/api/v1/tenants/{}/people/{person_id}/access/{action}", t.slug), &t.write_key, body).await
    }

    /// A person with an active login and the given password, through grant, invite and accept.
    pub async fn active_person(&self, t: &Tenant, email: &str, password: &str) -> Value {
        let p = self.person(t, json!({"kind": "staff", "first_name": "Test", "last_name": "Person", "email": email})).await;
        let id = p["id"].as_str().unwrap();
        assert_eq!(self.action(t, id, "grant", json!({})).await.0, StatusCode::OK);
        let (s, invited) = self.action(t, id, "invite", json!({"send_email": false})).await;
        assert_eq!(s, StatusCode::OK, "{invited}");
        let token = invited["link"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
        let (s, active) = self
            .call(
                Method::POST,
                &format!("/api/v1/tenants/{}/links/accept", t.slug),
                None,
                Some(json!({"token": token, "password": password})),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{active}");
        active
    }

    /// Counts rows of a table with a condition, straight from the database.
    pub async fn count(&self, table_and_condition: &str) -> i64 {
        let mut conn = self.app.store().read().await.unwrap();
        sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table_and_condition}")))
            .fetch_one(&mut *conn)
            .await
            .unwrap()
    }
}

impl TestApp {
    /// The text values of a one-column query, straight from the database.
    pub async fn strings(&self, sql: &str) -> Vec<String> {
        let mut conn = self.app.store().read().await.unwrap();
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned())).fetch_all(&mut *conn).await.unwrap()
    }
}

/// A tenant with its two API keys.
#[derive(Debug, Clone)]
pub struct Tenant {
    pub slug: String,
    pub write_key: String,
    pub read_key: String,
}
