//! The console's people list at scale: a tenant with `--people` people (most with a login, in
//! every state, in one of two branches or all, some sharing an address) on SQLite and on
//! PostgreSQL (`--pg-url`, default `KEYRACK_BENCH_PG_URL` or the local server), then the first
//! page and searches, timed two ways:
//! - the use case alone (`App::people_list`, the server's work for the page's data);
//! - the whole console page over HTTP on loopback (session, rights, queries, template).
//!
//! Medians and 95th percentiles of `--rounds` requests each; target p95 ≤ 20 ms.

use std::sync::Arc;
use std::time::Instant;

use keyrack_app::people_list::PeopleListQuery;
use keyrack_app::selfservice::Client;
use keyrack_app::tenants::NewTenant;
use keyrack_app::{Actor, App, AppConfig, Origin, SystemClock};
use keyrack_core::access::AccessState;
use keyrack_core::types::{Locale, PersonKind};
use keyrack_store::records::{BranchRecord, LoginRecord, PersonRecord, search_text};
use keyrack_store::{Store, repo};

use crate::report::{Row, percentiles};

const SLUG: &str = "bench-people";
const PASSWORD: &str = "correct horse battery staple 2026";

#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// People in the tenant.
    #[arg(long, default_value_t = 100_000)]
    pub people: usize,
    /// Requests per measured query.
    #[arg(long, default_value_t = 200)]
    pub rounds: usize,
    /// The PostgreSQL server (a fresh schema is made in it); `none` skips PostgreSQL.
    #[arg(long, env = "KEYRACK_BENCH_PG_URL", default_value = "postgres://postgres@127.0.0.1:5432/test")]
    pub pg_url: String,
}

impl Default for Options {
    fn default() -> Self {
        Self { people: 100_000, rounds: 200, pg_url: "postgres://postgres@127.0.0.1:5432/test".into() }
    }
}

fn err(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

pub async fn run(o: &Options) -> anyhow::Result<Vec<Row>> {
    let dir = tempfile::tempdir()?;
    let mut rows = one(o, &format!("sqlite://{}?mode=rwc", dir.path().join("keyrack.db").display()), "SQLite").await?;
    if o.pg_url != "none" {
        sqlx::any::install_default_drivers();
        let schema = format!("kr_bench_{}", std::process::id());
        let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&o.pg_url).await?;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}"))).execute(&mut conn).await?;
        let sep = if o.pg_url.contains('?') { '&' } else { '?' };
        let url = format!("{}{sep}options=-c%20search_path%3D{schema}", o.pg_url);
        let measured = one(o, &url, "PostgreSQL").await;
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE"))).execute(&mut conn).await?;
        rows.extend(measured?);
    }
    Ok(rows)
}

/// Fills a fresh database, serves it on loopback, and measures.
async fn one(o: &Options, url: &str, backend: &'static str) -> anyhow::Result<Vec<Row>> {
    let store = Store::connect(url, 8).await.map_err(err)?;
    let app = App::new(store, Arc::new(SystemClock), AppConfig::default());
    let tenant = app
        .create_tenant(
            &Actor::System,
            &Origin::default(),
            NewTenant { slug: SLUG.into(), name: "Bench".into(), language: Some("nl".into()) },
        )
        .await
        .map_err(err)?;
    let started = Instant::now();
    let admin_id = fill(&app, tenant.id(), o.people).await?;
    let mut rows = vec![Row {
        scenario: "people",
        metric: format!("fill {} people", o.people),
        value: started.elapsed().as_secs_f64(),
        unit: "s",
        note: backend.into(),
    }];

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let served = app.clone();
    let server = tokio::spawn(async move {
        let _ = keyrack_web::serve(served, listener, std::future::pending()).await;
    });
    let signed_in = app
        .sign_in(
            &Client::default(),
            SLUG,
            keyrack_app::auth::Credentials { username: "admin@bench.example".into(), password: PASSWORD.into() },
        )
        .await
        .map_err(err)?;
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    let cookie = format!("keyrack_{SLUG}={}", signed_in.token);
    let actor = Actor::Person { id: admin_id, tenant_id: tenant.id().to_owned(), label: "admin".into() };

    let cases: [(&str, PeopleListQuery, &str); 4] = [
        ("first page", PeopleListQuery::default(), ""),
        ("search, a common surname", PeopleListQuery { q: "jansen".into(), ..Default::default() }, "q=jansen"),
        ("search, one person", PeopleListQuery { q: "person77777@".into(), ..Default::default() }, "q=person77777%40"),
        (
            "filter: blocked staff",
            PeopleListQuery { state: "blocked".into(), kind: "staff".into(), ..Default::default() },
            "state=blocked&kind=staff",
        ),
    ];
    rows.extend(former_search(o, &app, tenant.id(), backend).await?);
    for (name, query, qs) in cases {
        let mut samples = Vec::with_capacity(o.rounds);
        let mut found = 0;
        for _ in 0..o.rounds {
            let t = Instant::now();
            found = app.people_list(&actor, SLUG, &query, 50).await.map_err(err)?.rows.len();
            samples.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        let (p50, p95) = percentiles(samples);
        rows.push(Row {
            scenario: "people",
            metric: format!("{name}: use case p50"),
            value: p50,
            unit: "ms",
            note: format!("{backend}, {found} rows"),
        });
        rows.push(Row {
            scenario: "people",
            metric: format!("{name}: use case p95"),
            value: p95,
            unit: "ms",
            note: backend.into(),
        });

        let mut samples = Vec::with_capacity(o.rounds);
        for _ in 0..o.rounds {
            let t = Instant::now();
            let res = http.get(format!("{base}/t/{SLUG}/console?{qs}")).header("cookie", &cookie).send().await?;
            anyhow::ensure!(res.status().is_success(), "{name}: {}", res.status());
            let _ = res.bytes().await?;
            samples.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        let (p50, p95) = percentiles(samples);
        rows.push(Row {
            scenario: "people",
            metric: format!("{name}: console page p50"),
            value: p50,
            unit: "ms",
            note: backend.into(),
        });
        rows.push(Row {
            scenario: "people",
            metric: format!("{name}: console page p95"),
            value: p95,
            unit: "ms",
            note: backend.into(),
        });
    }
    rows.extend(api_pages(o, &app, &http, &base, backend).await?);
    server.abort();
    Ok(rows)
}

/// The baseline of the searches, in the same run on the same data: the list query as it was
/// before the terms index (migration 0009), each word a `LIKE '%word%'` over the search text of
/// every person of the tenant, page of 51 in id order.
async fn former_search(o: &Options, app: &App, tenant_id: &str, backend: &'static str) -> anyhow::Result<Vec<Row>> {
    let mut rows = Vec::new();
    for (name, word) in [("search, a common surname", "jansen"), ("search, one person", "person77777@")] {
        let mut samples = Vec::with_capacity(o.rounds);
        let mut found = 0;
        for _ in 0..o.rounds {
            let mut conn = app.store().read().await.map_err(err)?;
            let t = Instant::now();
            let ids: Vec<String> = sqlx::query_scalar(
                "SELECT p.id FROM people p LEFT JOIN logins l ON l.person_id = p.id WHERE p.tenant_id = $1 \
                 AND p.search_text LIKE $2 ESCAPE '\\' ORDER BY p.id LIMIT 51",
            )
            .bind(tenant_id)
            .bind(format!("%{word}%"))
            .fetch_all(&mut *conn)
            .await?;
            samples.push(t.elapsed().as_secs_f64() * 1000.0);
            found = ids.len();
        }
        let (p50, p95) = percentiles(samples);
        let note = format!("{backend}, {found} rows, the former LIKE query alone");
        rows.push(Row { scenario: "people", metric: format!("{name}: before, query p50"), value: p50, unit: "ms", note });
        rows.push(Row {
            scenario: "people",
            metric: format!("{name}: before, query p95"),
            value: p95,
            unit: "ms",
            note: backend.into(),
        });
    }
    Ok(rows)
}

/// The API's people list (`GET /api/v1/tenants/{t}/people`, a read key, pages of 200): the
/// first page, a page from the middle (by its cursor) and a search. Fewer rounds than the
/// console: each page carries 200 people.
async fn api_pages(
    o: &Options,
    app: &App,
    http: &reqwest::Client,
    base: &str,
    backend: &'static str,
) -> anyhow::Result<Vec<Row>> {
    let key = app
        .create_api_key(
            &Actor::System,
            &Origin::default(),
            SLUG,
            keyrack_app::apikeys::NewApiKey { scope: "read".into(), label: None },
        )
        .await
        .map_err(err)?
        .key;
    let middle: String = {
        let mut conn = app.store().read().await.map_err(err)?;
        sqlx::query_scalar("SELECT id FROM people ORDER BY id LIMIT 1 OFFSET $1")
            .bind(i64::try_from(o.people / 2).unwrap_or(0))
            .fetch_one(&mut *conn)
            .await?
    };
    let cases = [
        ("API first page of 200", "limit=200".to_owned()),
        ("API a middle page of 200", format!("limit=200&cursor={middle}")),
        ("API search, one person", "limit=200&q=person77777%40".to_owned()),
    ];
    let mut rows = Vec::new();
    for (name, qs) in cases {
        let rounds = (o.rounds / 4).max(5);
        let mut samples = Vec::with_capacity(rounds);
        let mut found = 0;
        for _ in 0..rounds {
            let t = Instant::now();
            let res = http.get(format!("{base}/api/v1/tenants/{SLUG}/people?{qs}")).bearer_auth(&key).send().await?;
            let status = res.status();
            let page: serde_json::Value = res.json().await.unwrap_or_default();
            samples.push(t.elapsed().as_secs_f64() * 1000.0);
            if !status.is_success() {
                // A page that takes longer than the server's 30 s request limit answers 503: the
                // figure is then "over 30 s", and the remaining rounds would only repeat it.
                eprintln!("{backend} {name}: {status} after {:.0} ms: {page}", t.elapsed().as_secs_f64() * 1000.0);
                found = 0;
                break;
            }
            found = page["items"].as_array().map_or(0, Vec::len);
        }
        let (p50, p95) = percentiles(samples);
        rows.push(Row {
            scenario: "people",
            metric: format!("{name}: p50"),
            value: p50,
            unit: "ms",
            note: format!("{backend}, {found} rows"),
        });
        rows.push(Row { scenario: "people", metric: format!("{name}: p95"), value: p95, unit: "ms", note: backend.into() });
    }
    Ok(rows)
}

const SURNAMES: &[&str] = &["Jansen", "de Vries", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "Bos", "Vos"];

/// `n` people in one transaction (the admin first): 70 % with a login in one of the states,
/// half of those in one branch, the rest in all; every 50th shares an address with the next.
async fn fill(app: &App, tenant_id: &str, n: usize) -> anyhow::Result<String> {
    let now = app.now();
    let mut tx = app.store().begin().await.map_err(err)?;
    let roles = repo::roles::list(&mut tx, tenant_id).await.map_err(err)?;
    let role = |name: &str| roles.iter().find(|r| r.name == name).map(|r| r.id.clone());
    let mut branches = Vec::new();
    for name in ["Dunes", "Forest"] {
        let b = BranchRecord {
            id: uuid::Uuid::now_v7().to_string(),
            tenant_id: tenant_id.into(),
            name: name.into(),
            created_at: now,
        };
        repo::branches::insert(&mut tx, &b).await.map_err(err)?;
        branches.push(b.id);
    }
    let states = [
        AccessState::Granted,
        AccessState::Invited,
        AccessState::Active,
        AccessState::Active,
        AccessState::Active,
        AccessState::Blocked,
        AccessState::ResetRequested,
    ];
    let hash = app.hasher().hash(PASSWORD.to_owned()).await.map_err(err)?;
    let mut admin = String::new();
    for i in 0..n {
        let email = if i % 50 == 1 { format!("person{}@bench.example", i - 1) } else { format!("person{i}@bench.example") };
        let (email, first) =
            if i == 0 { ("admin@bench.example".to_owned(), "Admin".to_owned()) } else { (email, format!("Voornaam{i}")) };
        let p = PersonRecord {
            id: uuid::Uuid::now_v7().to_string(),
            tenant_id: tenant_id.into(),
            kind: if i % 3 == 0 { PersonKind::Guest } else { PersonKind::Staff },
            salutation: String::new(),
            first_name: first,
            last_name: format!("{} {}", SURNAMES[i % SURNAMES.len()], i % 997),
            email: Some(email.clone()),
            phones: vec![format!("+31 6 {i:08}")],
            language: Locale::Nl,
            notifications: Vec::new(),
            created_at: now,
            updated_at: now,
            version: 0,
        };
        let with_login = i == 0 || i % 10 < 7;
        // The second person of a shared address needs a username of their own (usernames are
        // unique per tenant).
        let username = with_login.then(|| if i % 50 == 1 { format!("person{i}.login") } else { email.clone() });
        repo::people::insert(&mut tx, &p, &search_text(&p, username.as_deref())).await.map_err(err)?;
        if let Some(username) = username {
            let state = if i == 0 { AccessState::Active } else { states[i % states.len()] };
            let login = LoginRecord {
                person_id: p.id.clone(),
                tenant_id: tenant_id.into(),
                username,
                state,
                state_before_block: (state == AccessState::Blocked).then_some(AccessState::Active),
                password_hash: state.can_log_in().then(|| hash.clone()),
                role_id: if i == 0 { role("administrator") } else { role("staff") },
                permissions: Vec::new(),
                branches: if i > 0 && i % 2 == 0 { Some(vec![branches[i % 4 / 2].clone()]) } else { None },
                must_change_password: false,
                last_login_at: (i % 4 == 0).then_some(now),
                failed_logins: 0,
                last_failed_at: None,
                created_at: now,
                updated_at: now,
            };
            repo::logins::insert(&mut tx, &login).await.map_err(err)?;
        }
        if i == 0 {
            admin = p.id.clone();
        }
    }
    tx.commit().await.map_err(|e| err(keyrack_store::StoreError::from(e)))?;
    // As after an import of this size (and as autovacuum would within a minute).
    app.store().refresh_statistics().await.map_err(err)?;
    Ok(admin)
}
