//! Persistence for Keyrack on SQLite (the embedded default) and PostgreSQL, through sqlx's
//! `Any` driver with one portable SQL text per query and one migration folder.
//!
//! Schema house rules (they keep one folder valid on both databases): ids are TEXT (UUID v7),
//! timestamps BIGINT unix milliseconds, flags INTEGER 0/1, lists and settings JSON in TEXT.
//! Every dialect difference stays in this crate; see [`Store::begin`] for the one that matters
//! most (how a write transaction starts).

mod migrate;
pub mod records;
pub mod repo;

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

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
        let store = Self { pool, backend };
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
        self.pool.close().await;
    }
}

/// Creates the directory that will hold a SQLite file, so that the default
/// `sqlite://keyrack-data/keyrack.db` works on a fresh machine.
fn prepare_sqlite_dir(url: &str) -> Result<()> {
    let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:").split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(dir) = std::path::Path::new(path).parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::DataDir { path: dir.display().to_string(), source })?;
    }
    Ok(())
}
