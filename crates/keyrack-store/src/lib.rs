//! Persistence for Keyrack on SQLite (the embedded default) and PostgreSQL, through sqlx's
//! `Any` driver with one portable SQL text per query and one migration folder.
//!
//! Schema house rules (they keep one folder valid on both databases): ids are TEXT (UUID v7),
//! timestamps BIGINT unix milliseconds, flags INTEGER 0/1, lists and settings JSON in TEXT.
//! Every dialect difference stays in this crate; see [`Store::begin`] for the one that matters
//! most (how a write transaction starts).

mod direct;
mod migrate;
pub mod records;
pub mod repo;

use std::collections::VecDeque;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

pub use direct::STATEMENT_TARGET as DIRECT_STATEMENT_TARGET;
pub use records::*;
pub use sqlx::AnyConnection as Conn;

/// A write transaction. Repository functions take `&mut Conn`; pass `&mut *tx`.
pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    #[error(
        "the database schema is at version {found}, newer than this Keyrack (it knows up to {known}); \
         downgrading is not supported: run the newer Keyrack"
    )]
    SchemaTooNew { found: i64, known: i64 },
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot prepare the data directory {path}: {source}")]
    DataDir { path: String, source: std::io::Error },
}

impl StoreError {
    /// A unique constraint refused the write (a username or slug already taken).
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, StoreError::Database(sqlx::Error::Database(e)) if e.is_unique_violation())
    }

    /// PostgreSQL gave up the transaction to let another one finish: serialization failure
    /// (SQLSTATE 40001) or deadlock (40P01). The transaction was rolled back whole, so running
    /// the same action again from its start is safe. SQLite never answers this: `BEGIN
    /// IMMEDIATE` serializes writers and `busy_timeout` makes the second one wait.
    pub fn is_transient_conflict(&self) -> bool {
        matches!(self, StoreError::Database(sqlx::Error::Database(e)) if matches!(e.code().as_deref(), Some("40001" | "40P01")))
    }

    /// The database could not be reached or the connection broke: worth a 503, not a 500.
    /// A link that closes during the handshake (a proxy or balancer whose database is gone)
    /// shows as a protocol error, and a connection's worker dies with its socket.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            StoreError::Database(
                sqlx::Error::Io(_)
                    | sqlx::Error::PoolTimedOut
                    | sqlx::Error::PoolClosed
                    | sqlx::Error::Tls(_)
                    | sqlx::Error::Protocol(_)
                    | sqlx::Error::WorkerCrashed
            )
        )
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The connection pool and which database is behind it.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    parked: Arc<Parked>,
    /// SQLite only (a file): connections that read on the calling thread.
    direct: Option<Arc<direct::Direct>>,
}

/// How long a connection may stay parked and still be used without the pool's check: a
/// connection that answered a moment ago is taken as alive (a read that finds it broken all the
/// same is run once more, see [`PointRead::was_parked`]).
const PARKED_FRESH: Duration = Duration::from_secs(1);

/// Connections that a point read gave back, kept out of the pool for the next point read.
///
/// sqlx's pool pings a connection when it hands it out and again when it takes it back. On
/// SQLite each ping is a round trip to the connection's worker thread, the same as the statement
/// itself, so a one-statement read cost three thread hops where it needs one; on PostgreSQL each
/// is a network round trip. A parked connection skips both.
struct Parked {
    conns: Mutex<VecDeque<(sqlx::pool::PoolConnection<sqlx::Any>, Instant)>>,
    /// At most this many are parked; the rest of the pool stays free for everything else.
    cap: usize,
    /// Set by [`Store::close`]: the pool waits for every connection, so none may stay parked.
    closed: AtomicBool,
}

impl Parked {
    fn new(max_connections: u32) -> Self {
        let cap = usize::try_from(max_connections / 4).unwrap_or(0);
        Self { conns: Mutex::new(VecDeque::new()), cap, closed: AtomicBool::new(false) }
    }

    /// The most recently parked connection that is still fresh; stale ones go back to the pool,
    /// which checks them before anyone uses them again.
    fn take(&self) -> Option<sqlx::pool::PoolConnection<sqlx::Any>> {
        let mut stale = Vec::new();
        let found = {
            let mut conns = self.conns.lock().unwrap_or_else(PoisonError::into_inner);
            while conns.front().is_some_and(|(_, since)| since.elapsed() > PARKED_FRESH) {
                stale.extend(conns.pop_front().map(|(c, _)| c));
            }
            conns.pop_back().map(|(c, _)| c)
        };
        // Dropped outside the lock: a dropped pool connection spawns its return to the pool.
        drop(stale);
        found
    }

    fn park(&self, conn: sqlx::pool::PoolConnection<sqlx::Any>) {
        let mut conns = self.conns.lock().unwrap_or_else(PoisonError::into_inner);
        if conns.len() < self.cap && !self.closed.load(Ordering::Acquire) {
            conns.push_back((conn, Instant::now()));
        } else {
            drop(conns);
            drop(conn);
        }
    }

    /// Gives every parked connection back to the pool, and parks none from now on.
    fn close(&self) {
        let conns = {
            let mut conns = self.conns.lock().unwrap_or_else(PoisonError::into_inner);
            self.closed.store(true, Ordering::Release);
            std::mem::take(&mut *conns)
        };
        drop(conns);
    }
}

/// A connection for one read statement, from [`Store::point_read`]. [`Self::finish`] after the
/// statement succeeded parks it for the next point read; dropped without that (an error, or a
/// request cancelled half-way), it goes back to the pool, which checks it.
pub struct PointRead {
    conn: sqlx::pool::PoolConnection<sqlx::Any>,
    was_parked: bool,
    parked: Arc<Parked>,
}

impl PointRead {
    /// The connection came from the parked ones, not checked by the pool before this use: a read
    /// that failed because the connection was broken is worth one more try on [`Store::read`].
    pub fn was_parked(&self) -> bool {
        self.was_parked
    }

    /// The statement went through: the connection is parked for the next point read.
    pub fn finish(self) {
        let Self { conn, parked, .. } = self;
        parked.park(conn);
    }
}

impl std::ops::Deref for PointRead {
    type Target = Conn;

    fn deref(&self) -> &Conn {
        &self.conn
    }
}

impl std::ops::DerefMut for PointRead {
    fn deref_mut(&mut self) -> &mut Conn {
        &mut self.conn
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("backend", &self.backend).finish_non_exhaustive()
    }
}

impl Store {
    /// Connects, prepares the database (SQLite file and pragmas) and runs the embedded
    /// migrations, refusing a database whose schema is newer than this binary.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let backend =
            if url.starts_with("postgres:") || url.starts_with("postgresql:") { Backend::Postgres } else { Backend::Sqlite };
        if backend == Backend::Sqlite {
            prepare_sqlite_dir(url)?;
        }
        let options = AnyConnectOptions::from_str(url)?;
        let mut pool_options =
            AnyPoolOptions::new().max_connections(max_connections.max(1)).acquire_timeout(Duration::from_secs(5));
        if backend == Backend::Sqlite {
            // WAL lets readers go on while one writer writes; busy_timeout makes a second
            // writer wait for the first instead of failing with "database is locked".
            pool_options = pool_options.after_connect(|conn, _meta| {
                Box::pin(async move {
                    conn.execute("PRAGMA journal_mode = WAL").await?;
                    conn.execute("PRAGMA synchronous = NORMAL").await?;
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    conn.execute("PRAGMA busy_timeout = 10000").await?;
                    Ok(())
                })
            });
        }
        let pool = pool_options.connect_with(options).await?;
        let direct = if backend == Backend::Sqlite { direct::Direct::for_url(url).map(Arc::new) } else { None };
        let store = Self { pool, backend, parked: Arc::new(Parked::new(max_connections.max(1))), direct };
        migrate::run(&store.pool).await?;
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Starts a write transaction. On SQLite it is `BEGIN IMMEDIATE`, which takes the write lock
    /// up front: a deferred transaction that reads and then writes can fail with "database is
    /// locked" when another writer got in between, and no client should ever see that.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// A pooled connection for reads outside a transaction.
    pub async fn read(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Any>> {
        Ok(self.pool.acquire().await?)
    }

    /// A connection for one read statement on a hot path (`POST /check`): a parked connection
    /// when one was given back within the last second, else one from the pool. Nothing read is
    /// kept; only the connection is reused. Call [`PointRead::finish`] after the statement.
    pub async fn point_read(&self) -> Result<PointRead> {
        let (conn, was_parked) = match self.parked.take() {
            Some(conn) => (conn, true),
            None => (self.pool.acquire().await?, false),
        };
        Ok(PointRead { conn, was_parked, parked: self.parked.clone() })
    }

    /// Direct SQLite connections (see [`direct`]), `None` on PostgreSQL or in memory.
    pub(crate) fn direct(&self) -> Option<&direct::Direct> {
        self.direct.as_deref()
    }

    /// Whether the database answers (for `/readyz`).
    pub async fn ping(&self) -> Result<()> {
        let mut conn = self.pool.acquire().await?;
        conn.execute("SELECT 1").await?;
        Ok(())
    }

    /// Refreshes the query planner's statistics of the tables the people list and search plan
    /// on, after a bulk write (a large import). PostgreSQL's autovacuum would do it within a
    /// minute or so; until then the planner knows nothing of the new rows and picks plans for
    /// an empty table (a hash of the whole tenant instead of an ordered index walk: the first page
    /// of the list at 100,000 people took 37 ms, median, instead of 1.8). SQLite keeps no
    /// statistics unless asked and plans these queries well without them, so it is left alone.
    pub async fn refresh_statistics(&self) -> Result<()> {
        if self.backend == Backend::Postgres {
            let mut conn = self.pool.acquire().await?;
            conn.execute("ANALYZE people, logins, login_branches, person_terms").await?;
        }
        Ok(())
    }

    pub async fn close(&self) {
        self.parked.close();
        self.pool.close().await;
    }
}

/// The file of a SQLite URL (`sqlite://path?options`).
fn sqlite_path(url: &str) -> &str {
    url.trim_start_matches("sqlite://").trim_start_matches("sqlite:").split('?').next().unwrap_or_default()
}

/// Creates the directory that will hold a SQLite file, so that the default
/// `sqlite://keyrack-data/keyrack.db` works on a fresh machine.
fn prepare_sqlite_dir(url: &str) -> Result<()> {
    let path = sqlite_path(url);
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(dir) = std::path::Path::new(path).parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::DataDir { path: dir.display().to_string(), source })?;
    }
    Ok(())
}
