//! The spreadsheet import at scale on a fresh database (SQLite unless `KEYRACK_TEST_DATABASE_URL`
//! names PostgreSQL): a generated XLSX of `--rows` new people is previewed and applied,
//! exported, and re-imported (which must change nothing); then `--password-rows` of them get
//! access with a password, against bare argon2id hashes on all cores at the same parameters.
//!
//! Each large phase runs in a child process of its own (this binary, with the hidden
//! `--child` option), so that its peak RSS — VmHWM from `/proc/self/status` — is the phase's
//! alone, not memory an earlier phase freed but the allocator kept.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use keyrack_app::config::Argon2Params;
use keyrack_app::import::{ApplyInput, ApplyRows, ExportFormat, NoProgress};
use keyrack_app::secrets::hash_blocking;
use keyrack_app::tenants::NewTenant;
use keyrack_app::{Actor, App, AppConfig, Origin, SystemClock};
use keyrack_sheet::{Column, ExportRow, Limits, read_table, write_xlsx};
use keyrack_testkit::TestApp;
use serde_json::{Value, json};

use crate::report::Row;

const SLUG: &str = "bench-import";

#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// People in the generated sheet.
    #[arg(long, default_value_t = 100_000)]
    pub rows: usize,
    /// Of those, how many then get access with a password (one argon2id hash each).
    #[arg(long, default_value_t = 1_000)]
    pub password_rows: usize,
    /// Seconds of bare argon2id hashing for the baseline.
    #[arg(long, default_value_t = 5)]
    pub seconds: u64,
    /// Internal: run one phase (`preview FILE`, `apply ID` or `export FILE`) against `--database`
    /// and print its figures as JSON.
    #[arg(long, hide = true, num_args = 2, value_names = ["PHASE", "ARG"])]
    pub child: Option<Vec<String>>,
    /// Internal: the database of a child phase.
    #[arg(long, hide = true)]
    pub database: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Self { rows: 100_000, password_rows: 1_000, seconds: 5, child: None, database: None }
    }
}

/// Peak resident memory of this process, in MB.
fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

pub(crate) fn person(i: usize) -> ExportRow {
    ExportRow {
        kind: if i.is_multiple_of(3) { "guest" } else { "staff" }.into(),
        salutation: if i.is_multiple_of(2) { "Mevr." } else { "Dhr." }.into(),
        first_name: format!("Voornaam{i}"),
        last_name: format!("Achternaam {}", i % 977),
        email: format!("person{i}@bench.example"),
        phone: format!("+31 6 {i:08}"),
        language: "nl".into(),
        access: "none".into(),
        notifications: "invoices|newsletter".into(),
        ..ExportRow::default()
    }
}

fn err(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

fn all() -> ApplyInput {
    ApplyInput { rows: ApplyRows::All, must_change_password: None }
}

/// One phase in this (child) process: prints `{seconds, peak_rss_mb, ...}` as one JSON line.
async fn child(phase: &str, arg: &str, database: &str) -> anyhow::Result<()> {
    let store = keyrack_store::Store::connect(database, 4).await.map_err(err)?;
    let app = App::new(store, Arc::new(SystemClock), AppConfig::default());
    let (actor, origin) = (Actor::System, Origin::default());
    let started = Instant::now();
    let figures = match phase {
        "preview" => {
            let bytes = std::fs::read(arg)?;
            let p = app.preview_import(&actor, SLUG, bytes, arg, Arc::new(NoProgress)).await.map_err(err)?;
            json!({"id": p.id, "summary": p.summary})
        }
        "apply" => {
            let r = app.apply_import(&actor, &origin, SLUG, arg, all(), Arc::new(NoProgress)).await.map_err(err)?;
            json!({"result": r})
        }
        "export" => {
            let file = app.export(&actor, SLUG, ExportFormat::Xlsx).await.map_err(err)?;
            std::fs::write(arg, &file.bytes)?;
            json!({"people": file.people, "bytes": file.bytes.len()})
        }
        other => anyhow::bail!("unknown phase {other}"),
    };
    let seconds = started.elapsed().as_secs_f64();
    println!("{}", json!({"seconds": seconds, "peak_rss_mb": peak_rss_mb(), "figures": figures}));
    Ok(())
}

/// Runs a phase in a child process and answers its seconds, peak RSS and figures.
fn run_child(phase: &str, arg: &str, database: &str) -> anyhow::Result<(f64, f64, Value)> {
    let out = std::process::Command::new(std::env::current_exe()?)
        .args(["import", "--database", database, "--child", phase, arg])
        .stderr(std::process::Stdio::inherit())
        .output()?;
    anyhow::ensure!(out.status.success(), "the {phase} phase failed");
    // The first line; the report's (empty) table follows it.
    let stdout = String::from_utf8_lossy(&out.stdout);
    let v: Value = serde_json::from_str(stdout.lines().next().unwrap_or_default())?;
    Ok((v["seconds"].as_f64().unwrap_or(0.0), v["peak_rss_mb"].as_f64().unwrap_or(0.0), v["figures"].clone()))
}

pub async fn run(o: &Options) -> anyhow::Result<Vec<Row>> {
    if let (Some(c), Some(database)) = (&o.child, &o.database) {
        let [phase, arg] = c.as_slice() else { anyhow::bail!("--child takes a phase and its argument") };
        child(phase, arg, database).await?;
        return Ok(Vec::new());
    }
    let app = TestApp::spawn().await;
    let backend = if app.db.is_postgres() { "PostgreSQL" } else { "SQLite" };
    let database = app.db.url.clone();
    let (actor, origin) = (Actor::System, Origin::default());
    app.app
        .create_tenant(&actor, &origin, NewTenant { slug: SLUG.into(), name: "Bench".into(), language: Some("nl".into()) })
        .await
        .map_err(err)?;
    let n = o.rows;
    let dir = std::env::temp_dir().join(format!("keyrack-bench-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let result = phases(o, &app, &database, &dir, backend).await;
    let _ = std::fs::remove_dir_all(&dir);
    let mut rows = result?;
    rows.insert(
        0,
        Row { scenario: "import", metric: "people in the sheet".into(), value: n as f64, unit: "rows", note: backend.into() },
    );
    Ok(rows)
}

async fn phases(o: &Options, app: &TestApp, database: &str, dir: &Path, backend: &str) -> anyhow::Result<Vec<Row>> {
    let n = o.rows;
    let mut rows = Vec::new();
    let mut timed = |metric: &str, seconds: f64, note: String| {
        rows.push(Row { scenario: "import", metric: metric.to_owned(), value: seconds, unit: "s", note });
    };
    let path = |name: &str| -> PathBuf { dir.join(name) };
    let text = |p: &Path| p.to_string_lossy().into_owned();

    let started = Instant::now();
    let sheet = write_xlsx(&(0..n).map(person).collect::<Vec<_>>()).map_err(err)?;
    std::fs::write(path("people.xlsx"), &sheet)?;
    timed("generate XLSX", started.elapsed().as_secs_f64(), format!("{:.1} MB", sheet.len() as f64 / 1e6));

    let (seconds, rss, f) = run_child("preview", &text(&path("people.xlsx")), database)?;
    anyhow::ensure!(f["summary"]["new"].as_u64() == Some(n as u64), "expected {n} new rows: {f}");
    let rates = |s: f64| format!("{:.0} rows/s, peak RSS {rss:.0} MB", n as f64 / s);
    timed("preview (new people)", seconds, rates(seconds));
    let id = f["id"].as_str().unwrap_or_default().to_owned();
    let mut peaks = vec![("preview", rss)];

    let (seconds, rss, f) = run_child("apply", &id, database)?;
    anyhow::ensure!(f["result"]["created"].as_u64() == Some(n as u64), "expected {n} created: {f}");
    timed(
        "apply, no passwords (1 transaction)",
        seconds,
        format!("{:.0} rows/s, {n} people + {n} audit events, peak RSS {rss:.0} MB, {backend}", n as f64 / seconds),
    );
    peaks.push(("apply", rss));

    let (seconds, rss, f) = run_child("export", &text(&path("export.xlsx")), database)?;
    timed(
        "export XLSX",
        seconds,
        format!("{} people, {:.1} MB, peak RSS {rss:.0} MB", f["people"], f["bytes"].as_f64().unwrap_or(0.0) / 1e6),
    );
    peaks.push(("export", rss));

    let (seconds, rss, f) = run_child("preview", &text(&path("export.xlsx")), database)?;
    let s = &f["summary"];
    let touched: u64 = ["new", "changed", "invalid", "conflict"].iter().map(|k| s[k].as_u64().unwrap_or(u64::MAX)).sum();
    anyhow::ensure!(touched == 0 && s["unchanged"].as_u64() == Some(n as u64), "re-importing the export changes rows: {s}");
    timed("re-import preview of the export", seconds, format!("{n} unchanged, 0 changed, peak RSS {rss:.0} MB"));
    peaks.push(("re-import", rss));

    // Access with a password for some of them: only the id, access and password columns.
    let k = o.password_rows.min(n);
    let table = read_table(&std::fs::read(path("export.xlsx"))?, Some("export.xlsx"), &Limits::default()).map_err(err)?;
    let id_col = table.headers.iter().position(|h| h == Column::Id.name()).ok_or_else(|| err("no id column"))?;
    let mut csv = String::from("id,access,password\r\n");
    for (i, r) in table.rows.iter().take(k).enumerate() {
        csv.push_str(&format!("{},active,quartz meadow lantern {i} river\r\n", r[id_col]));
    }
    drop(table);
    let (actor, origin) = (Actor::System, Origin::default());
    let started = Instant::now();
    let preview =
        app.app.preview_import(&actor, SLUG, csv.into_bytes(), "passwords.csv", Arc::new(NoProgress)).await.map_err(err)?;
    let preview_seconds = started.elapsed().as_secs_f64();
    anyhow::ensure!(preview.summary.changed as usize == k, "expected {k} changed rows, got {:?}", preview.summary);
    let started = Instant::now();
    let result = app.app.apply_import(&actor, &origin, SLUG, &preview.id, all(), Arc::new(NoProgress)).await.map_err(err)?;
    let apply_seconds = started.elapsed().as_secs_f64();
    anyhow::ensure!(result.passwords_set as usize == k, "expected {k} passwords, got {result:?}");
    let with_passwords = k as f64 / (preview_seconds + apply_seconds);
    timed("preview with passwords (hashing)", preview_seconds, format!("{k} rows"));
    timed("apply with passwords", apply_seconds, format!("{k} rows: grant + set password each"));

    // Baseline: bare argon2id hashes, one thread per core, at the same parameters.
    let params = Argon2Params::default();
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    let window = Duration::from_secs(o.seconds);
    let count = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let threads: Vec<_> = (0..cores)
        .map(|_| {
            let count = count.clone();
            std::thread::spawn(move || {
                while started.elapsed() < window {
                    if hash_blocking(&params, "quartz meadow lantern 0 river").is_ok() {
                        count.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().map_err(|_| err("a hashing thread panicked"))?;
    }
    let bare = count.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64();
    let note = format!("argon2id m={} KiB t={} p={}, {cores} cores", params.memory_kib, params.iterations, params.parallelism);
    rows.push(Row { scenario: "import", metric: "bare argon2id hashes/s".into(), value: bare, unit: "1/s", note });
    rows.push(Row {
        scenario: "import",
        metric: "password rows/s (preview + apply)".into(),
        value: with_passwords,
        unit: "1/s",
        note: format!("ratio to bare hashing {:.2}", with_passwords / bare),
    });
    let (largest, peak) = peaks.iter().copied().fold(("", 0.0), |a, b| if b.1 > a.1 { b } else { a });
    let all_peaks: Vec<String> = peaks.iter().map(|(p, r)| format!("{p} {r:.0}")).collect();
    rows.push(Row {
        scenario: "import",
        metric: format!("peak RSS, largest phase ({largest})"),
        value: peak,
        unit: "MB",
        note: format!("each phase in a fresh process: {}", all_peaks.join(", ")),
    });
    Ok(rows)
}
