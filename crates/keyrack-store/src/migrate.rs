//! Embedded migrations and the guard against running on a database newer than the binary.

use std::borrow::Cow;

use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AnyPool, SqlSafeStr};

use crate::{Result, StoreError};

/// Every migration, in order. A new file is added here and never edited once released.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "foundation", include_str!("../migrations/0001_foundation.sql")),
    (2, "self_service", include_str!("../migrations/0002_self_service.sql")),
    (3, "imports", include_str!("../migrations/0003_imports.sql")),
    (4, "oidc", include_str!("../migrations/0004_oidc.sql")),
    (5, "audit_chain", include_str!("../migrations/0005_audit_chain.sql")),
    (7, "person_merges", include_str!("../migrations/0007_person_merges.sql")),
    (8, "setup", include_str!("../migrations/0008_setup.sql")),
    (9, "person_terms", include_str!("../migrations/0009_person_terms.sql")),
    (10, "import_rows", include_str!("../migrations/0010_import_rows.sql")),
];

fn migrator() -> Migrator {
    Migrator::with_migrations(
        MIGRATIONS
            .iter()
            .map(|&(version, name, sql)| {
                Migration::new(version, Cow::Borrowed(name), MigrationType::Simple, sql.into_sql_str(), false)
            })
            .collect(),
    )
}

/// The newest schema version this binary knows.
pub fn known_version() -> i64 {
    MIGRATIONS.iter().map(|m| m.0).max().unwrap_or(0)
}

pub(crate) async fn run(pool: &AnyPool) -> Result<()> {
    let mut conn = pool.acquire().await?;
    // A fresh database has no migrations table yet; that error just means version 0.
    let applied: Option<i64> =
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations").fetch_one(&mut *conn).await.unwrap_or(None);
    drop(conn);
    let known = known_version();
    if let Some(found) = applied.filter(|v| *v > known) {
        return Err(StoreError::SchemaTooNew { found, known });
    }
    migrator().run(pool).await?;
    crate::repo::people::fill_missing_terms(pool).await?;
    Ok(())
}
