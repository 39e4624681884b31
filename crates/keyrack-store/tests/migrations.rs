//! Migrations run at start, running them again is harmless, and a database newer than the
//! binary is refused.

use keyrack_store::{Backend, Store, StoreError};
use keyrack_testkit::TestDatabase;

#[tokio::test]
async fn a_database_newer_than_the_binary_is_refused() {
    let db = TestDatabase::new().await;
    let store = Store::connect(&db.url, 2).await.unwrap();
    store.close().await;
    // Connecting again finds everything applied and changes nothing.
    let store = Store::connect(&db.url, 2).await.unwrap();
    let checksum = match store.backend() {
        Backend::Sqlite => "X'00'",
        Backend::Postgres => "'\\x00'::bytea",
    };
    let mut conn = store.read().await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (9999, 'from the future', TRUE, {checksum}, 0)"
    )))
    .execute(&mut *conn)
    .await
    .unwrap();
    drop(conn);
    store.close().await;
    match Store::connect(&db.url, 2).await {
        Err(e @ StoreError::SchemaTooNew { found: 9999, .. }) => {
            assert!(e.to_string().contains("downgrading is not supported"), "{e}");
        }
        other => panic!("expected SchemaTooNew, got {other:?}"),
    }
}
