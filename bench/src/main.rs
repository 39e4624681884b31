//! `keyrack-bench`: load scenarios that print their figures next to a baseline measured in the
//! same run on the same machine, as a table and as JSON lines. Loopback only, bounded in time.
//!
//! `cargo run --release -p keyrack-bench -- login` compares `POST /authenticate` over HTTP with
//! bare argon2id verifications on all cores at the same parameters; `-- import --rows 100000`
//! previews and applies a spreadsheet of that many people and reports time and peak RSS;
//! `-- people-list` times the console's people list at 100 000 people on SQLite and PostgreSQL.

mod import;
mod login;
mod people_list;
mod report;
mod timing;

use clap::{Parser, Subcommand};

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
    /// A spreadsheet import of many people: preview, apply, export, re-import, passwords, peak RSS.
    Import(import::Options),
    /// Whether the time of a failed login tells its reason (SECURITY-TESTS A.1).
    Timing(timing::Options),
    /// The console's people list at 100 000 people: first page and searches, median and p95.
    PeopleList(people_list::Options),
    /// Every scenario.
    All,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let rows = match cli.scenario {
        Scenario::Login(o) => runtime.block_on(login::run(&o))?,
        Scenario::Import(o) => runtime.block_on(import::run(&o))?,
        Scenario::Timing(o) => runtime.block_on(timing::run(&o))?,
        Scenario::PeopleList(o) => runtime.block_on(people_list::run(&o))?,
        Scenario::All => {
            let mut rows = runtime.block_on(login::run(&login::Options::default()))?;
            rows.extend(runtime.block_on(import::run(&import::Options::default()))?);
            rows.extend(runtime.block_on(timing::run(&timing::Options::default()))?);
            rows.extend(runtime.block_on(people_list::run(&people_list::Options::default()))?);
            rows
        }
    };
    report::print(&rows);
    Ok(())
}
