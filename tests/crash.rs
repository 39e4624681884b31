//! Crash consistency (SECURITY-TESTS H.36): a real `keyrack serve` process is killed with
//! SIGKILL at a random moment, 20 times, half of them during concurrent access changes from 16
//! clients and half during the apply of a 2 000-row import. After each restart:
//! - every change a client saw acknowledged has its audit event (no committed action lost);
//! - every login's state is the one its last audit event recorded, and every invitation event
//!   has its queued mail and the other way round (nothing half-done, nothing unaudited);
//! - an import is applied wholly or not at all;
//! - `keyrack audit verify` passes.
//!
//! On SQLite, or on PostgreSQL when `KEYRACK_TEST_DATABASE_URL` names it (a fresh schema).

#![expect(clippy::unwrap_used, clippy::panic, reason = "tests: a failed unwrap or a panic is a failed test")]

use std::collections::{HashMap, HashSet};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use keyrack_store::Store;
use keyrack_testkit::TestDatabase;
use serde_json::{Value, json};

const OPERATOR_KEY: &str = "crash-test-operator-key-0123456789";
const SLUG: &str = "crash";
const KILLS: usize = 20;
const IMPORT_ROWS: usize = 2_000;

struct Node {
    child: Child,
    base: String,
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// 32 bytes, hex: the key-encryption key of every node these tests start.
const SECRET_KEY: &str = "6b65797261636b2d63726173682d746573742d7365637265742d6b65792d3332";

async fn start(database: &str) -> Node {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(env!("CARGO_BIN_EXE_keyrack"))
        .arg("serve")
        .env("KEYRACK_DATABASE_URL", database)
        .env("KEYRACK_LISTEN", format!("127.0.0.1:{port}"))
        .env("KEYRACK_OPERATOR_KEY", OPERATOR_KEY)
        // PostgreSQL servers need the key that seals the signing keys; every restart brings the same.
        .env("KEYRACK_SECRET_KEY", SECRET_KEY)
        .env("KEYRACK_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let node = Node { child, base: format!("http://127.0.0.1:{port}") };
    let client = reqwest::Client::new();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(30) {
        if matches!(client.get(format!("{}/readyz", node.base)).send().await, Ok(r) if r.status().is_success()) {
            return node;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("keyrack serve did not get ready");
}

/// A small deterministic generator, so that a failing run can be repeated.
fn next(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

type Acks = Arc<Mutex<Vec<(String, String)>>>;

async fn post(client: &reqwest::Client, url: String, key: &str, body: Value) -> Option<Value> {
    let res = client.post(url).bearer_auth(key).json(&body).send().await.ok()?;
    if !res.status().is_success() {
        return None;
    }
    res.json().await.ok()
}

/// 16 clients creating people and moving them through grant, invite (with mail) and block,
/// recording every acknowledged change, until the server dies.
async fn changes(base: String, key: String, round: usize, acks: Acks) {
    let client = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().unwrap();
    let mut tasks = Vec::new();
    for worker in 0..16 {
        let (client, base, key, acks) = (client.clone(), base.clone(), key.clone(), acks.clone());
        tasks.push(tokio::spawn(async move {
            for n in 0.. {
                let body = json!({"kind": "staff", "first_name": format!("R{round}W{worker}"), "last_name": format!("N{n}"),
                    "email": format!("r{round}w{worker}n{n}@crash.example")});
                let Some(p) = post(&client, format!("{base}/api/v1/tenants/{SLUG}/people"), &key, body).await else { return };
                let id = p["id"].as_str().unwrap().to_owned();
                acks.lock().unwrap().push((id.clone(), "person.created".into()));
                for action in ["grant", "invite", "block"] {
                    let url = format!("{base}/api/v1/tenants/{SLUG}/people/{id}/access/{action}");
                    let body = if action == "invite" { json!({"send_email": true}) } else { json!({}) };
                    if post(&client, url, &key, body).await.is_none() {
                        return;
                    }
                    acks.lock().unwrap().push((id.clone(), format!("access.{action}")));
                }
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
}

fn multipart(bytes: &[u8]) -> (String, Vec<u8>) {
    const BOUNDARY: &str = "crash-test-boundary-7f3a";
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"people.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={BOUNDARY}"), body)
}

/// Uploads an import of new people whose last name marks the round; answers its id.
async fn upload(base: &str, key: &str, round: usize) -> String {
    let mut csv = String::from("kind,first_name,last_name,email\r\n");
    for i in 0..IMPORT_ROWS {
        csv.push_str(&format!("guest,Imported{i},Round{round},imp{round}x{i}@crash.example\r\n"));
    }
    let (content_type, body) = multipart(csv.as_bytes());
    let res = reqwest::Client::new()
        .post(format!("{base}/api/v1/tenants/{SLUG}/imports"))
        .bearer_auth(key)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 201);
    res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned()
}

async fn rows(store: &Store, sql: &str) -> Vec<(String, String)> {
    let mut conn = store.read().await.unwrap();
    sqlx::query_as(sqlx::AssertSqlSafe(sql.to_owned())).fetch_all(&mut *conn).await.unwrap()
}

async fn scalar(store: &Store, sql: &str) -> i64 {
    let mut conn = store.read().await.unwrap();
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned())).fetch_one(&mut *conn).await.unwrap()
}

/// The checks after a restart; `acks` are the changes clients saw acknowledged so far.
async fn check(store: &Store, database: &str, acks: &[(String, String)], round: usize, import_acked: bool) {
    // Every acknowledged change has its audit event.
    let events: HashSet<(String, String)> =
        rows(store, "SELECT subject_id, action FROM audit_events WHERE subject_id IS NOT NULL").await.into_iter().collect();
    let lost: Vec<_> = acks.iter().filter(|a| !events.contains(*a)).collect();
    assert!(lost.is_empty(), "round {round}: acknowledged but not in the audit log: {lost:?}");

    // Each login is in the state its last access event recorded.
    let logins: HashMap<String, String> = rows(store, "SELECT person_id, state FROM logins").await.into_iter().collect();
    let last: Vec<(String, String)> = rows(
        store,
        "SELECT e.subject_id, e.after_json FROM audit_events e WHERE e.action LIKE 'access.%' AND e.seq = \
         (SELECT MAX(seq) FROM audit_events f WHERE f.subject_id = e.subject_id AND f.action LIKE 'access.%')",
    )
    .await;
    for (person, after) in &last {
        let state = serde_json::from_str::<Value>(after).unwrap()["state"].as_str().map(str::to_owned);
        assert_eq!(logins.get(person), state.as_ref(), "round {round}: person {person}'s login and last event disagree");
    }
    let audited: HashSet<&String> = last.iter().map(|(p, _)| p).collect();
    assert!(logins.keys().all(|p| audited.contains(p)), "round {round}: a login without an access event");

    // Invitation events and queued invitation mail match one to one, per person.
    let invites: Vec<(String, String)> = rows(
        store,
        "SELECT subject_id, CAST(COUNT(*) AS TEXT) FROM audit_events WHERE action = 'access.invite' GROUP BY subject_id",
    )
    .await;
    let mails: HashMap<String, String> =
        rows(store, "SELECT person_id, CAST(COUNT(*) AS TEXT) FROM outbox WHERE template = 'invitation' GROUP BY person_id")
            .await
            .into_iter()
            .collect();
    assert_eq!(invites.len(), mails.len(), "round {round}: invitation events and mails differ");
    for (person, n) in &invites {
        assert_eq!(mails.get(person), Some(n), "round {round}: person {person}");
    }

    // An import is all or nothing, and each imported person has its event.
    let imported = scalar(store, &format!("SELECT COUNT(*) FROM people WHERE last_name = 'Round{round}'")).await;
    assert!(imported == 0 || imported == IMPORT_ROWS as i64, "round {round}: {imported} of {IMPORT_ROWS} imported");
    if import_acked {
        assert_eq!(imported, IMPORT_ROWS as i64, "round {round}: an acknowledged import was lost");
    }
    let created = scalar(
        store,
        &format!(
            "SELECT COUNT(*) FROM audit_events e JOIN people p ON p.id = e.subject_id \
             WHERE p.last_name = 'Round{round}' AND e.action = 'person.created'"
        ),
    )
    .await;
    assert_eq!(created, imported, "round {round}");

    let out = Command::new(env!("CARGO_BIN_EXE_keyrack"))
        .args(["audit", "verify"])
        .env("KEYRACK_DATABASE_URL", database)
        .env("KEYRACK_LOG", "error")
        .output()
        .unwrap();
    assert!(out.status.success(), "round {round}: audit verify: {}", String::from_utf8_lossy(&out.stdout));
}

#[tokio::test]
async fn kill_9_loses_no_committed_action_and_leaves_nothing_half_done() {
    let db = TestDatabase::new().await;
    let node = start(&db.url).await;
    let client = reqwest::Client::new();
    let res = client
        .post(format!("{}/api/v1/tenants", node.base))
        .bearer_auth(OPERATOR_KEY)
        .json(&json!({"slug": SLUG, "name": "Crash test"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 201);
    let key: Value =
        post(&client, format!("{}/api/v1/tenants/{SLUG}/api-keys", node.base), OPERATOR_KEY, json!({"scope": "write"}))
            .await
            .unwrap();
    let key = key["key"].as_str().unwrap().to_owned();
    drop(node);
    let store = Store::connect(&db.url, 2).await.unwrap();

    let acks: Acks = Arc::default();
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    let mut import_kills = 0;
    for round in 0..KILLS {
        let mut node = start(&db.url).await;
        let mut import_acked = false;
        if round % 2 == 0 {
            // The kill falls at a random moment after the load has begun to commit.
            let before = acks.lock().unwrap().len();
            let load = tokio::spawn(changes(node.base.clone(), key.clone(), round, acks.clone()));
            let waiting = Instant::now();
            while acks.lock().unwrap().len() == before && waiting.elapsed() < Duration::from_secs(20) {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            tokio::time::sleep(Duration::from_millis(next(&mut seed) % 500)).await;
            node.child.kill().unwrap();
            node.child.wait().unwrap();
            load.await.unwrap();
        } else {
            let id = upload(&node.base, &key, round).await;
            let delay = Duration::from_millis(next(&mut seed) % 400);
            let url = format!("{}/api/v1/tenants/{SLUG}/imports/{id}/apply", node.base);
            let apply = {
                let key = key.clone();
                tokio::spawn(async move { post(&reqwest::Client::new(), url, &key, json!({"rows": "all"})).await.is_some() })
            };
            tokio::time::sleep(delay).await;
            node.child.kill().unwrap();
            node.child.wait().unwrap();
            import_acked = apply.await.unwrap();
            import_kills += usize::from(!import_acked);
        }
        drop(node);
        // The restart itself must work, then the data must be whole.
        let node = start(&db.url).await;
        let snapshot = acks.lock().unwrap().clone();
        check(&store, &db.url, &snapshot, round, import_acked).await;
        drop(node);
    }
    let acked = acks.lock().unwrap().len();
    eprintln!("{KILLS} kills, {acked} acknowledged changes, {import_kills} imports killed before their answer; 0 lost");
    assert!(acked >= KILLS, "the load did too little to mean anything: {acked}");
}
