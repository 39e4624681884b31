//! The search terms table always says what `records::search_terms` says of each person's
//! search text: after insert, update and a username change, and, for people stored before the
//! table existed, after the next start fills it.

#![expect(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use std::collections::BTreeSet;

use keyrack_core::types::{Locale, PersonKind};
use keyrack_store::records::{PersonRecord, TenantRecord, search_terms, search_text};
use keyrack_store::{Store, repo};
use keyrack_testkit::TestDatabase;

fn person(id: &str, first: &str, last: &str, email: Option<&str>) -> PersonRecord {
    PersonRecord {
        id: id.into(),
        tenant_id: "t1".into(),
        kind: PersonKind::Guest,
        salutation: String::new(),
        first_name: first.into(),
        last_name: last.into(),
        email: email.map(str::to_owned),
        phones: vec!["+31 6 1234 5678".into()],
        language: Locale::Nl,
        notifications: Vec::new(),
        created_at: 0,
        updated_at: 0,
        version: 0,
    }
}

/// Each person's stored terms, decoded from hex, against what their search text gives.
async fn check(store: &Store) {
    let mut conn = store.read().await.unwrap();
    let people: Vec<(String, String)> =
        sqlx::query_as("SELECT id, search_text FROM people ORDER BY id").fetch_all(&mut *conn).await.unwrap();
    assert!(!people.is_empty());
    for (id, text) in people {
        let stored: Vec<String> = sqlx::query_scalar("SELECT term FROM person_terms WHERE person_id = $1 AND tenant_id = 't1'")
            .bind(&id)
            .fetch_all(&mut *conn)
            .await
            .unwrap();
        let decoded: BTreeSet<String> = stored
            .iter()
            .map(|hex| {
                let bytes: Vec<u8> = (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect();
                String::from_utf8(bytes).unwrap()
            })
            .collect();
        assert_eq!(decoded, search_terms(&text), "{id}: {text}");
    }
}

#[tokio::test]
async fn terms_follow_each_write_and_are_filled_at_start_when_missing() {
    let db = TestDatabase::new().await;
    let store = Store::connect(&db.url, 2).await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let tenant = TenantRecord {
        id: "t1".into(),
        slug: "t1".into(),
        name: "T".into(),
        language: Locale::En,
        settings: "{}".into(),
        created_at: 0,
        updated_at: 0,
    };
    repo::tenants::insert(&mut tx, &tenant).await.unwrap();
    let mut ann = person("p1", "Ann", "de Vries-Jansen", Some("Ann@Bench.example"));
    repo::people::insert(&mut tx, &ann, &search_text(&ann, None)).await.unwrap();
    let bob = person("p2", "Bob", "Ţăranu", None);
    repo::people::insert(&mut tx, &bob, &search_text(&bob, None)).await.unwrap();
    tx.commit().await.unwrap();
    check(&store).await;

    let mut tx = store.begin().await.unwrap();
    ann.last_name = "Peeters".into();
    repo::people::update(&mut tx, &ann, &search_text(&ann, None)).await.unwrap();
    repo::people::set_search_text(&mut tx, "p2", &search_text(&bob, Some("bob.taranu"))).await.unwrap();
    tx.commit().await.unwrap();
    check(&store).await;
    let mut conn = store.read().await.unwrap();
    let stale: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM person_terms WHERE term = $1")
        .bind("jansen".bytes().map(|b| format!("{b:02x}")).collect::<String>())
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(stale, 0, "the old name's terms are gone");

    // As after migration 0009 on a database with people: no terms yet. The next start fills them.
    sqlx::query("DELETE FROM person_terms").execute(&mut *conn).await.unwrap();
    drop(conn);
    store.close().await;
    let store = Store::connect(&db.url, 2).await.unwrap();
    check(&store).await;
}
