//! The `keyrack serve` process as an operator runs it, on a SQLite file in a temporary folder:
//! cold start to ready (process start until `/readyz` answers 200) on a fresh database and on an
//! existing one, against starting and ending the same binary with `--version`; resident memory
//! when idle, and after serving a tenant of `--people` people of whom `--sessions` are signed in
//! (every session used once, and the whole people list read through the API, 200 a page).
//!
//! The people arrive through the spreadsheet import; the signed-in logins and their sessions are
//! written straight into the database with one shared password hash, because hashing ten
//! thousand passwords would only measure argon2id again.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use keyrack_app::import::{ApplyInput, ApplyRows, NoProgress};
use keyrack_app::secrets::{digest, hash_blocking};
use keyrack_app::tenants::NewTenant;
use keyrack_app::{Actor, App, AppConfig, Origin, SystemClock};
use keyrack_core::access::AccessState;
use keyrack_sheet::write_xlsx;
use keyrack_store::repo::sessions::SessionRecord;
use keyrack_store::{LoginRecord, Store, repo};
use reqwest::StatusCode;
use reqwest::header::COOKIE;

use crate::login::{answered_ok, median};
use crate::report::Row;

const SLUG: &str = "bench";

#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// People in the tenant for the loaded figure.
    #[arg(long, default_value_t = 100_000)]
    pub people: usize,
    /// Of those, how many are signed in.
    #[arg(long, default_value_t = 10_000)]
    pub sessions: usize,
    /// Cold starts on the existing database (the median is reported).
    #[arg(long, default_value_t = 5)]
    pub starts: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self { people: 100_000, sessions: 10_000, starts: 5 }
    }
}

fn err(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

/// The `keyrack` binary of this build: beside this one, built first if missing.
fn keyrack_binary() -> anyhow::Result<PathBuf> {
    let here = std::env::current_exe()?;
    let bin = here.with_file_name("keyrack");
    if !bin.exists() {
        let release = here.parent().and_then(Path::file_name).is_some_and(|d| d == "release");
        let mut cargo = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        cargo.args(["build", "--bin", "keyrack", "-p", "keyrack"]);
        if release {
            cargo.arg("--release");
        }
        anyhow::ensure!(cargo.status()?.success(), "cannot build the keyrack binary");
    }
    Ok(bin)
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A running `keyrack serve`, ended (SIGKILL) when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts the server and answers it with the time until `/readyz` said 200.
    async fn start(bin: &Path, database: &str) -> anyhow::Result<(Self, f64)> {
        let port = free_port()?;
        let client = reqwest::Client::new();
        let started = Instant::now();
        let child = Command::new(bin)
            .arg("serve")
            .env("KEYRACK_DATABASE_URL", database)
            .env("KEYRACK_LISTEN", format!("127.0.0.1:{port}"))
            .env("KEYRACK_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        let server = Self { child, base: format!("http://127.0.0.1:{port}") };
        let url = format!("{}/readyz", server.base);
        while started.elapsed() < Duration::from_secs(60) {
            if matches!(client.get(&url).send().await, Ok(r) if r.status() == StatusCode::OK) {
                return Ok((server, started.elapsed().as_secs_f64() * 1000.0));
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        anyhow::bail!("keyrack serve was not ready within 60 s")
    }

    /// Resident and peak resident memory in MB, from `/proc/PID/status`.
    fn rss_mb(&self) -> (f64, f64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
                .unwrap_or(0.0)
                / 1024.0
        };
        (field("VmRSS:"), field("VmHWM:"))
    }
}

pub async fn run(o: &Options) -> anyhow::Result<Vec<Row>> {
    let bin = keyrack_binary()?;
    let dir = std::env::temp_dir().join(format!("keyrack-bench-footprint-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let result = measure(o, &bin, &dir).await;
    let _ = std::fs::remove_dir_all(&dir);
    result
}

async fn measure(o: &Options, bin: &Path, dir: &Path) -> anyhow::Result<Vec<Row>> {
    let database = format!("sqlite://{}?mode=rwc", dir.join("keyrack.db").display());
    let mut rows = Vec::new();
    let mut row = |metric: &str, value: f64, unit: &'static str, note: String| {
        rows.push(Row { scenario: "footprint", metric: metric.into(), value, unit, note });
    };

    // Baseline: the same binary started and ended without serving.
    let mut execs = Vec::new();
    for _ in 0..o.starts.max(1) {
        let started = Instant::now();
        let status = Command::new(bin).arg("--version").stdout(Stdio::null()).status()?;
        anyhow::ensure!(status.success(), "keyrack --version failed");
        execs.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let exec = median(execs);
    row("process start and exit (keyrack --version)", exec, "ms", format!("median of {}", o.starts.max(1)));

    let (server, fresh) = Server::start(bin, &database).await?;
    drop(server);
    row("cold start to ready, new database", fresh, "ms", "creates the SQLite file and runs every migration".into());
    let mut starts = Vec::new();
    let mut idle = (0.0, 0.0);
    for i in 0..o.starts.max(1) {
        let (server, ms) = Server::start(bin, &database).await?;
        starts.push(ms);
        if i == 0 {
            tokio::time::sleep(Duration::from_secs(1)).await;
            idle = server.rss_mb();
        }
    }
    row(
        "cold start to ready, existing database",
        median(starts),
        "ms",
        format!("median of {}; start of the bare process {exec:.1} ms", o.starts.max(1)),
    );
    row("RSS idle", idle.0, "MB", "one tenant-less server, 1 s after ready".into());

    let key = populate(o, &database).await?;
    let (server, ms) = Server::start(bin, &database).await?;
    let note = format!("{} people, {} sessions, SQLite", o.people, o.sessions);
    row("cold start to ready, populated database", ms, "ms", note.clone());
    tokio::time::sleep(Duration::from_secs(1)).await;
    row("RSS populated, before requests", server.rss_mb().0, "MB", note.clone());
    exercise(o, &server.base, &key).await?;
    let (rss, peak) = server.rss_mb();
    row("RSS after using every session and reading the whole people list", rss, "MB", format!("{note}; peak {peak:.0} MB"));
    Ok(rows)
}

/// The tenant with its people (through the import), signed-in logins with sessions, and a read
/// key; answers the key.
async fn populate(o: &Options, database: &str) -> anyhow::Result<String> {
    let store = Store::connect(database, 4).await.map_err(err)?;
    let app = App::new(store.clone(), Arc::new(SystemClock), AppConfig::default());
    let (actor, origin) = (Actor::System, Origin::default());
    app.create_tenant(&actor, &origin, NewTenant { slug: SLUG.into(), name: "Bench".into(), language: Some("nl".into()) })
        .await
        .map_err(err)?;
    let sheet = write_xlsx(&(0..o.people).map(crate::import::person).collect::<Vec<_>>()).map_err(err)?;
    let preview = app.preview_import(&actor, SLUG, sheet, "people.xlsx", Arc::new(NoProgress)).await.map_err(err)?;
    let all = ApplyInput { rows: ApplyRows::All, must_change_password: None };
    app.apply_import(&actor, &origin, SLUG, &preview.id, all, Arc::new(NoProgress)).await.map_err(err)?;
    let key = app
        .create_api_key(&actor, &origin, SLUG, keyrack_app::apikeys::NewApiKey { scope: "read".into(), label: None })
        .await
        .map_err(err)?
        .key;

    let tenant = app.tenant(&actor, SLUG).await.map_err(err)?;
    let hash = hash_blocking(&app.config().argon2, "bench password not used to sign in").map_err(err)?;
    let now = app.now();
    let ids = person_ids(&store, tenant.id(), o.sessions).await?;
    let mut tx = store.begin().await.map_err(err)?;
    for (i, id) in ids.iter().enumerate() {
        let login = LoginRecord {
            person_id: id.clone(),
            tenant_id: tenant.id().to_owned(),
            username: format!("signed-in-{i}@bench.example"),
            state: AccessState::Active,
            state_before_block: None,
            password_hash: Some(hash.clone()),
            role_id: None,
            permissions: Vec::new(),
            branches: None,
            must_change_password: false,
            last_login_at: Some(now),
            failed_logins: 0,
            last_failed_at: None,
            created_at: now,
            updated_at: now,
        };
        repo::logins::insert(&mut tx, &login).await.map_err(err)?;
        let session = SessionRecord {
            id_hash: digest(&session_token(i)),
            tenant_id: tenant.id().to_owned(),
            person_id: id.clone(),
            created_at: now,
            last_seen_at: now,
            expires_at: now + 12 * 3_600_000,
            user_agent: "keyrack-bench".into(),
            address: "127.0.0.1".into(),
        };
        repo::sessions::insert(&mut tx, &session).await.map_err(err)?;
    }
    tx.commit().await.map_err(err)?;
    store.close().await;
    Ok(key)
}

fn session_token(i: usize) -> String {
    format!("bench-session-{i:08}-0123456789abcdefghijklmnopqrstuvwxyz")
}

async fn person_ids(store: &Store, tenant_id: &str, n: usize) -> anyhow::Result<Vec<String>> {
    let mut conn = store.read().await.map_err(err)?;
    let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM people WHERE tenant_id = $1 ORDER BY id LIMIT $2")
        .bind(tenant_id)
        .bind(i64::try_from(n)?)
        .fetch_all(&mut *conn)
        .await?;
    anyhow::ensure!(ids.len() == n, "only {} people for {n} sessions", ids.len());
    Ok(ids)
}

/// Uses every session once (the account page, 16 at a time) and reads the whole people list
/// through the API, 200 people a page.
async fn exercise(o: &Options, base: &str, key: &str) -> anyhow::Result<()> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = Arc::new(AtomicUsize::new(0));
    let client = reqwest::Client::new();
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let (next, client, base, total) = (next.clone(), client.clone(), base.to_owned(), o.sessions);
            tokio::spawn(async move {
                let mut ok = 0usize;
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= total {
                        return ok;
                    }
                    let cookie = format!("keyrack_{SLUG}={}", session_token(i));
                    let res = client.get(format!("{base}/t/{SLUG}/account")).header(COOKIE, cookie).send().await;
                    if answered_ok(res).await {
                        ok += 1;
                    }
                }
            })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        ok += t.await?;
    }
    anyhow::ensure!(ok == o.sessions, "only {ok} of {} sessions were accepted", o.sessions);
    let client = reqwest::Client::new();
    let mut cursor: Option<String> = None;
    let mut seen = 0usize;
    loop {
        let mut url = format!("{base}/api/v1/tenants/{SLUG}/people?limit=200");
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let page: serde_json::Value = client.get(url).bearer_auth(key).send().await?.error_for_status()?.json().await?;
        seen += page["items"].as_array().map_or(0, Vec::len);
        cursor = page["next_cursor"].as_str().map(str::to_owned);
        if cursor.is_none() {
            break;
        }
    }
    anyhow::ensure!(seen >= o.people, "paged {seen} of {} people", o.people);
    Ok(())
}
