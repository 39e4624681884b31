//! SQLite reads on the calling thread, for a hot one-statement read (`POST /check`).
//!
//! sqlx runs each SQLite connection on a thread of its own: a statement is a command sent to that
//! thread and a row sent back, two thread wake-ups and two context switches around a lookup that
//! takes SQLite a few microseconds. On a busy machine that hop was the largest single cost of a
//! check. A direct connection runs the statement where the request runs.
//!
//! The connections are opened on the same file next to the pool, read only (`query_only`), and
//! never wait: `busy_timeout` is 0, so a read that SQLite cannot answer at once (in WAL mode
//! readers go on past a writer, so this is rare) answers `None`, and the caller reads through the
//! pool, which waits, answers or reports the error as before. Nothing read is kept: each
//! statement is its own read transaction and sees every commit made before it, by any process.

use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

/// The target of the event logged for each statement run here, as sqlx logs its own under
/// `sqlx::query` (the statement-count tests count both).
pub const STATEMENT_TARGET: &str = "keyrack_store::direct";

/// Idle connections kept for the next read. A connection is held only while its statement runs,
/// which does not await, so no more are in use at once than there are threads.
const KEPT: usize = 8;

pub(crate) struct Direct {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl Direct {
    /// For the database file of a SQLite URL; `None` for an in-memory database, which another
    /// connection cannot open.
    pub(crate) fn for_url(url: &str) -> Option<Self> {
        let path = crate::sqlite_path(url);
        let memory = path.is_empty() || path == ":memory:" || url.contains("mode=memory");
        (!memory).then(|| Self { path: PathBuf::from(path), idle: Mutex::new(Vec::new()) })
    }

    fn open(&self) -> rusqlite::Result<Connection> {
        let conn = Connection::open_with_flags(&self.path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        conn.busy_timeout(Duration::ZERO)?;
        conn.pragma_update(None, "query_only", true)?;
        Ok(conn)
    }

    /// Runs `read` on a direct connection, or answers `None` when it could not run to the end
    /// (busy, or any other error, logged at debug level): the caller then reads through the pool.
    pub(crate) fn read<T>(&self, read: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Option<T> {
        let idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner).pop();
        let conn = match idle.map_or_else(|| self.open(), Ok) {
            Ok(conn) => conn,
            Err(e) => {
                tracing::debug!(error = %e, "no direct SQLite connection; reading through the pool");
                return None;
            }
        };
        tracing::debug!(target: STATEMENT_TARGET, "statement");
        let answer = read(&conn);
        {
            let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
            if idle.len() < KEPT {
                idle.push(conn);
            }
        }
        answer.map_err(|e| tracing::debug!(error = %e, "direct SQLite read refused; reading through the pool")).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::Direct;

    #[test]
    fn only_a_sqlite_file_gets_direct_connections() {
        assert!(Direct::for_url("sqlite::memory:").is_none());
        assert!(Direct::for_url("sqlite://file.db?mode=memory").is_none());
        let direct = Direct::for_url("sqlite://data/keyrack.db?mode=rwc");
        assert_eq!(direct.map(|d| d.path), Some("data/keyrack.db".into()));
    }
}
