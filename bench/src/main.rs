//! `keyrack-bench`: load scenarios that print their figures next to a baseline measured in the
//! same run on the same machine, as a table and as JSON lines. Loopback only, bounded in time.
//!
//! `cargo run --release -p keyrack-bench -- login` compares `POST /authenticate` over HTTP with
//! bare argon2id verifications on all cores at the same parameters.

mod login;
mod report;

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
    /// Every scenario.
    All,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let rows = match cli.scenario {
        Scenario::Login(o) => runtime.block_on(login::run(&o))?,
        Scenario::All => runtime.block_on(login::run(&login::Options::default()))?,
    };
    report::print(&rows);
    Ok(())
}
