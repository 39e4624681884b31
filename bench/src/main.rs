//! `keyrack-bench`: load scenarios that print their figures next to a baseline measured in the
//! same run on the same machine, as a table and as JSON lines. Loopback only, bounded in time.
//!
//! `cargo run --release -p keyrack-bench -- all` runs every scenario in [`ALL`]; each one can
//! also run alone with its options (`-- login --seconds 10`, `-- import --rows 100000`, ...).

mod api;
mod decide;
mod footprint;
mod import;
mod login;
mod people_list;
mod report;
mod timing;

use clap::{Parser, Subcommand};

use crate::report::Row;

#[derive(Debug, Parser)]
#[command(name = "keyrack-bench")]
struct Cli {
    #[command(subcommand)]
    scenario: Scenario,
}

#[derive(Debug, Subcommand)]
enum Scenario {
    /// Logins per second through the API against bare argon2id verifications per second.
    Login(login::Options),
    /// `POST /check` with an API key and a signed-in page against a bare axum handler.
    Api(api::Options),
    /// In-process permission decisions per second against a bare set lookup.
    Decide(decide::Options),
    /// A spreadsheet import of many people: preview, apply, export, re-import, passwords, peak RSS.
    Import(import::Options),
    /// Whether the time of a failed login tells its reason (SECURITY-TESTS A.1).
    Timing(timing::Options),
    /// The console's people list at 100 000 people: first page and searches, median and p95.
    PeopleList(people_list::Options),
    /// `keyrack serve`: cold start to ready, idle RSS, RSS with many people and sessions.
    Footprint(footprint::Options),
    /// Every scenario of `ALL`, with its default options.
    All,
}

type Run = fn(&tokio::runtime::Runtime) -> anyhow::Result<Vec<Row>>;

/// What `all` runs, in order; a new scenario is one line here.
const ALL: &[(&str, Run)] = &[
    ("login", |rt| rt.block_on(login::run(&login::Options::default()))),
    ("api", |rt| rt.block_on(api::run(&api::Options::default()))),
    ("decide", |rt| rt.block_on(decide::run(&decide::Options::default()))),
    ("import", |rt| rt.block_on(import::run(&import::Options::default()))),
    ("timing", |rt| rt.block_on(timing::run(&timing::Options::default()))),
    ("people-list", |rt| rt.block_on(people_list::run(&people_list::Options::default()))),
    ("footprint", |rt| rt.block_on(footprint::run(&footprint::Options::default()))),
];

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let rows = match cli.scenario {
        Scenario::Login(o) => runtime.block_on(login::run(&o))?,
        Scenario::Api(o) => runtime.block_on(api::run(&o))?,
        Scenario::Decide(o) => runtime.block_on(decide::run(&o))?,
        Scenario::Import(o) => runtime.block_on(import::run(&o))?,
        Scenario::Timing(o) => runtime.block_on(timing::run(&o))?,
        Scenario::PeopleList(o) => runtime.block_on(people_list::run(&o))?,
        Scenario::Footprint(o) => runtime.block_on(footprint::run(&o))?,
        Scenario::All => {
            let mut rows = Vec::new();
            for (name, run) in ALL {
                eprintln!("== {name}");
                rows.extend(run(&runtime)?);
            }
            rows
        }
    };
    report::print(&rows);
    Ok(())
}
