//! Faults (SECURITY-TESTS H.37, H.38): two Keyrack nodes on one database under conflicting
//! changes, and the database connection cut under load and restored. On SQLite, or on
//! PostgreSQL when `KEYRACK_TEST_DATABASE_URL` names it; the outage test needs PostgreSQL (a
//! SQLite file cannot become unreachable) and says so when it has nothing to do.

#![expect(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use keyrack_app::mail::{MailSettings, spawn_worker};
use keyrack_app::{App, AppConfig};
use keyrack_store::Store;
use keyrack_testkit::smtp::SmtpServer;
use keyrack_testkit::{OPERATOR_KEY, Tenant, TestApp};
use serde_json::{Value, json};
use tokio::task::JoinHandle;

/// A second node: another `App` with its own pool on the same database, served on its own port.
async fn second_node(first: &TestApp, url: &str) -> (App, String) {
    let store = Store::connect(url, 8).await.unwrap();
    let config = AppConfig {
        public_url: "https://id.example.test".into(),
        operator_key: Some(OPERATOR_KEY.into()),
        ..AppConfig::default()
    };
    let app = App::new(store, first.clock.clone(), config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let served = app.clone();
    tokio::spawn(async move { keyrack_web::serve(served, listener, std::future::pending()).await.unwrap() });
    (app, base)
}

async fn send(client: &reqwest::Client, method: reqwest::Method, url: String, key: &str, body: Value) -> (u16, String, Value) {
    let res = client.request(method, url).bearer_auth(key).json(&body).send().await.unwrap();
    let status = res.status().as_u16();
    let content_type = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    (status, content_type, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn two_nodes_on_one_database_lose_no_update_and_send_each_mail_once() {
    let a = TestApp::spawn().await;
    let t = a.tenant("two-nodes").await;
    let (b, b_base) = second_node(&a, &a.db.url).await;
    let mut people = Vec::new();
    for i in 0..3 {
        let p = a.person(&t, json!({"kind": "staff", "first_name": "Shared", "last_name": format!("P{i}"), "email": format!("p{i}@two.example")})).await;
        let id = p["id"].as_str().unwrap().to_owned();
        assert_eq!(a.action(&t, &id, "grant", json!({})).await.0, 200);
        people.push(id);
    }

    // Two admins, one per node, 250 conflicting changes each on the same three people.
    let acked: Arc<Mutex<HashMap<(String, String), i64>>> = Arc::default();
    let mut tasks = Vec::new();
    for (node, base) in [(0usize, a.base.clone()), (1, b_base.clone())] {
        for lane in 0..4usize {
            let (base, key, people, acked) = (base.clone(), t.write_key.clone(), people.clone(), acked.clone());
            tasks.push(tokio::spawn(async move {
                let client = reqwest::Client::new();
                let mut server_errors = Vec::new();
                for n in 0..62usize {
                    let person = &people[(n + lane) % people.len()];
                    let step = (n * 7 + lane * 3 + node) % 4;
                    let (method, path, body, event) = match step {
                        0 => (reqwest::Method::POST, format!("people/{person}/access/block"), json!({}), "access.block"),
                        1 => (reqwest::Method::POST, format!("people/{person}/access/grant"), json!({}), "access.grant"),
                        2 => (
                            reqwest::Method::POST,
                            format!("people/{person}/access/invite"),
                            json!({"send_email": true}),
                            "access.invite",
                        ),
                        _ => (
                            reqwest::Method::PATCH,
                            format!("people/{person}"),
                            json!({"last_name": format!("N{node}L{lane}S{n}")}),
                            "person.updated",
                        ),
                    };
                    let url = format!("{base}/api/v1/tenants/two-nodes/{path}");
                    let (status, _, body) = send(&client, method, url, &key, body).await;
                    match status {
                        200..=299 => *acked.lock().unwrap().entry((person.clone(), event.to_owned())).or_default() += 1,
                        // The state machine refusing a step is an answer, not a fault.
                        409 => {}
                        _ => server_errors.push(format!("{status} {body}")),
                    }
                }
                server_errors
            }));
        }
    }
    for task in tasks {
        let errors = task.await.unwrap();
        assert!(errors.is_empty(), "{errors:?}");
    }

    // Each acknowledged change is exactly one event: nothing lost, nothing doubled.
    let acked = acked.lock().unwrap().clone();
    assert!(acked.values().sum::<i64>() > 150, "{acked:?}");
    for ((person, event), n) in &acked {
        let events = a.count(&format!("audit_events WHERE subject_id = '{person}' AND action = '{event}'")).await;
        let before = i64::from(event == "access.grant");
        assert_eq!(events - before, *n, "{person} {event}");
    }
    // The last write wins whole: each person's name and state are those of their last event.
    for person in &people {
        let last = a
            .strings(&format!(
                "SELECT after_json FROM audit_events WHERE subject_id = '{person}' AND action = 'person.updated' ORDER BY seq DESC"
            ))
            .await;
        if let Some(after) = last.first() {
            let name = serde_json::from_str::<Value>(after).unwrap()["last_name"].as_str().unwrap().to_owned();
            assert_eq!(a.strings(&format!("SELECT last_name FROM people WHERE id = '{person}'")).await, vec![name]);
        }
        let state = a
            .strings(&format!(
                "SELECT after_json FROM audit_events WHERE subject_id = '{person}' AND action LIKE 'access.%' ORDER BY seq DESC"
            ))
            .await;
        let state = serde_json::from_str::<Value>(&state[0]).unwrap()["state"].as_str().unwrap().to_owned();
        assert_eq!(a.strings(&format!("SELECT state FROM logins WHERE person_id = '{person}'")).await, vec![state]);
    }
    let report = a.app.verify_audit(Some("two-nodes")).await.unwrap();
    assert_eq!(report[0].problem, None);

    // Both nodes deliver from the one outbox: every invitation arrives once.
    let invitations = a.count("outbox WHERE template = 'invitation'").await;
    assert_eq!(invitations, acked.iter().filter(|((_, e), _)| e == "access.invite").map(|(_, n)| n).sum::<i64>());
    let smtp = SmtpServer::start().await.unwrap();
    let settings = || MailSettings::new(&smtp.url(), "Keyrack <keyrack@example.test>").unwrap();
    let workers = [spawn_worker(a.app.clone(), settings()), spawn_worker(b.clone(), settings())];
    let deadline = Instant::now() + Duration::from_secs(30);
    while a.count("outbox WHERE sent_at IS NULL").await > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for w in workers {
        w.abort();
    }
    assert_eq!(a.count("outbox WHERE sent_at IS NULL").await, 0, "mail left undelivered");
    assert_eq!(smtp.received().len() as i64, invitations, "every mail sent once (no duplicates, none lost)");
}

/// A TCP proxy on loopback in front of the database that can be cut (every connection closed,
/// new ones closed at once) and restored, as a network or database outage looks to Keyrack.
struct Proxy {
    address: SocketAddr,
    cut: Arc<AtomicBool>,
    links: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Proxy {
    async fn start(target: String) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let (cut, links) = (Arc::new(AtomicBool::new(false)), Arc::new(Mutex::new(Vec::<JoinHandle<()>>::new())));
        let (c, l) = (cut.clone(), links.clone());
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if c.load(Ordering::SeqCst) {
                    continue; // dropped: the client sees the connection closed
                }
                let target = target.clone();
                l.lock().unwrap().push(tokio::spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                }));
            }
        });
        Self { address, cut, links }
    }

    fn cut(&self) {
        self.cut.store(true, Ordering::SeqCst);
        for link in self.links.lock().unwrap().drain(..) {
            link.abort();
        }
    }

    fn restore(&self) {
        self.cut.store(false, Ordering::SeqCst);
    }
}

/// Status, content type, time taken, and the id of a person created.
type Answer = (u16, String, Duration, Option<String>);

#[tokio::test]
async fn a_database_outage_answers_503_and_heals_without_a_restart() {
    let _ = tracing_subscriber::fmt().with_env_filter("error").with_test_writer().try_init();
    let a = TestApp::spawn().await;
    if !a.db.is_postgres() {
        eprintln!("the outage test needs PostgreSQL (KEYRACK_TEST_DATABASE_URL); SQLite cannot become unreachable");
        return;
    }
    let t: Tenant = a.tenant("outage").await;
    let url = reqwest::Url::parse(&a.db.url).unwrap();
    let target = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap_or(5432));
    let proxy = Proxy::start(target.clone()).await;
    let (_b, base) = second_node(&a, &a.db.url.replacen(&target, &proxy.address.to_string(), 1)).await;
    let client = reqwest::Client::builder().timeout(Duration::from_secs(20)).build().unwrap();
    let ready = |client: reqwest::Client, base: String| async move {
        client.get(format!("{base}/readyz")).send().await.map(|r| r.status().as_u16()).unwrap_or(0)
    };
    assert_eq!(ready(client.clone(), base.clone()).await, 200);

    // Load: reads and writes from 6 clients for the whole test.
    let stop = Arc::new(AtomicBool::new(false));
    let answers: Arc<Mutex<Vec<Answer>>> = Arc::default();
    let mut tasks = Vec::new();
    for lane in 0..6 {
        let (client, base, key, stop, answers) =
            (client.clone(), base.clone(), t.write_key.clone(), stop.clone(), answers.clone());
        tasks.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) {
                n += 1;
                let started = Instant::now();
                let (status, content_type, body) = if lane % 2 == 0 {
                    send(&client, reqwest::Method::GET, format!("{base}/api/v1/tenants/outage/people?limit=5"), &key, Value::Null)
                        .await
                } else {
                    let body = json!({"kind": "guest", "first_name": format!("Lane{lane}"), "last_name": format!("N{n}")});
                    send(&client, reqwest::Method::POST, format!("{base}/api/v1/tenants/outage/people"), &key, body).await
                };
                let created = (status == 201).then(|| body["id"].as_str().unwrap_or_default().to_owned());
                answers.lock().unwrap().push((status, content_type, started.elapsed(), created));
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }));
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    proxy.cut();
    let cut_at = Instant::now();

    let mut red = None;
    while cut_at.elapsed() < Duration::from_secs(15) {
        if ready(client.clone(), base.clone()).await == 503 {
            red = Some(cut_at.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(red.is_some(), "/readyz never went red");
    tokio::time::sleep(Duration::from_secs(3)).await;
    proxy.restore();
    let restored_at = Instant::now();
    let mut green = None;
    while restored_at.elapsed() < Duration::from_secs(20) {
        if ready(client.clone(), base.clone()).await == 200 {
            green = Some(restored_at.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(green.is_some(), "/readyz never went green again");
    tokio::time::sleep(Duration::from_secs(1)).await;
    stop.store(true, Ordering::SeqCst);
    for task in tasks {
        task.await.unwrap();
    }

    let answers = answers.lock().unwrap().clone();
    let unavailable = answers.iter().filter(|a| a.0 == 503).count();
    assert!(unavailable > 0, "no request was answered 503 during the outage");
    for (status, content_type, took, _) in &answers {
        assert!(matches!(status, 200 | 201 | 503), "answered {status} during the outage: {answers:?}");
        if *status == 503 {
            assert_eq!(content_type, "application/problem+json");
        }
        assert!(*took < Duration::from_secs(12), "a request hung for {took:?}");
    }
    // After the outage the same node serves again, and every acknowledged write is whole.
    let after = answers.iter().rev().take(6).filter(|a| a.0 < 300).count();
    assert!(after > 0, "nothing succeeded after the database came back");
    for (_, _, _, created) in &answers {
        if let Some(id) = created {
            assert_eq!(a.count(&format!("audit_events WHERE subject_id = '{id}' AND action = 'person.created'")).await, 1);
        }
    }
    let people = a.count("people").await;
    let events = a.count("audit_events WHERE action = 'person.created'").await;
    assert_eq!(people, events, "a person without its event, or the other way round");
    eprintln!(
        "{} requests, {unavailable} answered 503; /readyz red after {red:?}, green {green:?} after the restore",
        answers.len()
    );
}

/// H.38: an action that PostgreSQL picks as the victim of a deadlock runs again and succeeds,
/// and its effects happen once. A raw transaction holds a person's login row; the action
/// (resending the invitation) locks the person's row, queues its mail and then waits for the
/// login row; the raw transaction then asks for the person's row, which closes the cycle. The
/// raw side waits 20 s before it looks for deadlocks and the action's side the default 1 s, so
/// PostgreSQL rolls back the action (40P01), the raw transaction gets its lock and commits, and
/// the action's second attempt goes through.
#[tokio::test]
async fn a_deadlocked_action_runs_again_and_its_mail_and_audit_happen_once() {
    use sqlx::Connection;

    let app = TestApp::spawn().await;
    if !app.db.is_postgres() {
        eprintln!("SQLite serializes writers (BEGIN IMMEDIATE): no deadlock to provoke; run with KEYRACK_TEST_DATABASE_URL");
        return;
    }
    let t = app.tenant("deadlock").await;
    let p =
        app.person(&t, json!({"kind": "staff", "first_name": "Dead", "last_name": "Lock", "email": "dl@deadlock.example"})).await;
    let id = p["id"].as_str().unwrap().to_owned();
    assert_eq!(app.action(&t, &id, "grant", json!({})).await.0, 200);
    assert_eq!(app.action(&t, &id, "invite", json!({})).await.0, 200);
    let retries_before = app.app.transaction_retries();

    let mut raw = sqlx::AnyConnection::connect(&app.db.url).await.unwrap();
    for sql in ["BEGIN", "SET LOCAL deadlock_timeout = '20s'"] {
        sqlx::query(sql).execute(&mut raw).await.unwrap();
    }
    sqlx::query("UPDATE logins SET updated_at = updated_at WHERE person_id = $1").bind(&id).execute(&mut raw).await.unwrap();

    let resend = {
        let (client, url, key) = (
            app.client.clone(),
            format!("{}/api/v1/tenants/{}/people/{id}/access/invite", app.base, t.slug),
            t.write_key.clone(),
        );
        tokio::spawn(async move { send(&client, reqwest::Method::POST, url, &key, json!({})).await })
    };
    // Until the action waits for the login row (other tests' sessions wait on their own tables).
    let mut monitor = sqlx::AnyConnection::connect(&app.db.url).await.unwrap();
    let started = Instant::now();
    loop {
        let waiting: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'UPDATE logins SET username%'",
        )
        .fetch_one(&mut monitor)
        .await
        .unwrap();
        if waiting > 0 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "the action never waited for the login row");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    sqlx::query("SELECT version FROM people WHERE id = $1 FOR UPDATE").bind(&id).fetch_one(&mut raw).await.unwrap();
    sqlx::query("COMMIT").execute(&mut raw).await.unwrap();

    let (status, content_type, body) = resend.await.unwrap();
    assert_eq!(status, 200, "{content_type} {body}");
    assert_eq!(body["access"]["state"], "invited");
    let retries = app.app.transaction_retries() - retries_before;
    assert!(retries >= 1, "the action was not run again");
    eprintln!("deadlock: the action succeeded after {retries} retry(ies)");

    // One invitation and one audit event for each of the two invites: the rolled-back attempt
    // left nothing behind.
    let person = format!("person_id = '{id}'");
    assert_eq!(app.count(&format!("outbox WHERE template = 'invitation' AND {person}")).await, 2);
    assert_eq!(app.count(&format!("audit_events WHERE action = 'access.invite' AND subject_id = '{id}'")).await, 2);
    assert_eq!(app.count(&format!("links WHERE purpose = 'invitation' AND used_at IS NULL AND {person}")).await, 1);
}
