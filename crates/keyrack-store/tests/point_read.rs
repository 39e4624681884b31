//! Point reads park their connection for the next one, never more than a quarter of the pool,
//! and closing the store gives the parked ones back (the pool's close waits for every one).

#![expect(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use std::time::Duration;

use keyrack_store::Store;
use keyrack_testkit::TestDatabase;

async fn one(conn: &mut keyrack_store::Conn) -> i64 {
    sqlx::query_scalar::<_, i64>("SELECT 1").fetch_one(conn).await.unwrap()
}

#[tokio::test]
async fn a_parked_connection_is_reused_and_given_back_on_close() {
    let db = TestDatabase::new().await;
    let store = Store::connect(&db.url, 4).await.unwrap();
    let mut first = store.point_read().await.unwrap();
    assert!(!first.was_parked(), "nothing is parked before the first read");
    assert_eq!(one(&mut first).await, 1);
    first.finish();
    let mut second = store.point_read().await.unwrap();
    assert!(second.was_parked(), "the next read takes the parked connection");
    // Two at once: only one may be parked (4 / 4), the other goes back to the pool.
    let mut third = store.point_read().await.unwrap();
    assert!(!third.was_parked());
    assert_eq!(one(&mut second).await + one(&mut third).await, 2);
    second.finish();
    third.finish();
    // Every other connection of the pool is still free for everyone else.
    let others = hold(&store, 3).await;
    assert_eq!(others, 3);
    tokio::time::timeout(Duration::from_secs(10), store.close()).await.expect("close waits for no parked connection");
}

/// Holds `n` pool connections at once and answers how many it got.
async fn hold(store: &Store, n: usize) -> usize {
    let mut held = Vec::new();
    for _ in 0..n {
        held.push(store.read().await.unwrap());
    }
    held.len()
}

#[tokio::test]
async fn a_stale_parked_connection_goes_back_to_the_pool() {
    let db = TestDatabase::new().await;
    let store = Store::connect(&db.url, 4).await.unwrap();
    let mut conn = store.point_read().await.unwrap();
    assert_eq!(one(&mut conn).await, 1);
    conn.finish();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let mut conn = store.point_read().await.unwrap();
    assert!(!conn.was_parked(), "a connection parked for more than a second is checked by the pool again");
    assert_eq!(one(&mut conn).await, 1);
    drop(conn);
    tokio::time::timeout(Duration::from_secs(10), store.close()).await.unwrap();
}
