//! In-process permission decisions: the pure `keyrack_core::authz::check` behind `POST /check`
//! and every guard, on one thread and on every core, over a mix of answers (allowed by role, by
//! extra permission, permission missing, branch out of scope). The baseline is the bare set
//! lookup that any decision needs at least, in the same run.

use std::collections::BTreeSet;
use std::hint::black_box;
use std::time::{Duration, Instant};

use keyrack_core::authz::{BranchScope, Grants, check};
use keyrack_core::types::Permission;

use crate::login::median;
use crate::report::Row;

#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// Milliseconds per measurement.
    #[arg(long, default_value_t = 1_000)]
    pub millis: u64,
    /// Rounds of (bare, one thread, all cores), interleaved; the figures are medians.
    #[arg(long, default_value_t = 3)]
    pub rounds: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self { millis: 1_000, rounds: 3 }
    }
}

fn perm(s: &str) -> anyhow::Result<Permission> {
    Permission::parse(s).map_err(|e| anyhow::anyhow!("{e:?}"))
}

struct Case {
    grants: Grants,
    asks: Vec<(Permission, Option<String>)>,
}

fn case() -> anyhow::Result<Case> {
    let role_permissions: BTreeSet<Permission> =
        ["people.view", "appointments.all", "clients", "sales", "reports"].into_iter().map(perm).collect::<Result<_, _>>()?;
    let grants = Grants {
        role: Some("front-desk".into()),
        role_permissions,
        is_administrator: false,
        extra: [perm("helpdesk")?].into(),
        branches: BranchScope::Only(["branch-a".to_owned(), "branch-b".to_owned()].into()),
        can_log_in: true,
    };
    let asks = vec![
        (perm("people.view")?, Some("branch-a".to_owned())),
        (perm("helpdesk")?, None),
        (perm("settings")?, Some("branch-a".to_owned())),
        (perm("clients")?, Some("branch-z".to_owned())),
    ];
    Ok(Case { grants, asks })
}

/// Runs `f` over the asks for `window` on one thread; answers calls per second.
fn rate(case: &Case, window: Duration, f: impl Fn(&Grants, &Permission, Option<&str>) -> bool) -> f64 {
    let started = Instant::now();
    let mut n = 0u64;
    while started.elapsed() < window {
        for _ in 0..256 {
            for (p, b) in &case.asks {
                black_box(f(black_box(&case.grants), black_box(p), black_box(b.as_deref())));
            }
        }
        n += 256 * case.asks.len() as u64;
    }
    n as f64 / started.elapsed().as_secs_f64()
}

fn decide(g: &Grants, p: &Permission, b: Option<&str>) -> bool {
    check(g, p, b).allowed
}

fn bare(g: &Grants, p: &Permission, _b: Option<&str>) -> bool {
    g.role_permissions.contains(p)
}

pub async fn run(o: &Options) -> anyhow::Result<Vec<Row>> {
    let window = Duration::from_millis(o.millis);
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    let (mut bares, mut ones, mut alls) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..o.rounds.max(1) {
        let c = case()?;
        bares.push(rate(&c, window, bare));
        ones.push(rate(&c, window, decide));
        let threads: Vec<_> = (0..cores).map(|_| std::thread::spawn(move || case().map(|c| rate(&c, window, decide)))).collect();
        let mut sum = 0.0;
        for t in threads {
            sum += t.join().map_err(|_| anyhow::anyhow!("a decision thread panicked"))??;
        }
        alls.push(sum);
    }
    let (bare, one, all) = (median(bares), median(ones), median(alls));
    let row =
        |metric: &str, value: f64, note: String| Row { scenario: "decide", metric: metric.into(), value, unit: "1/s", note };
    Ok(vec![
        row("bare permission set lookup/s, 1 thread", bare, format!("median of {} rounds", o.rounds)),
        row("authz::check decisions/s, 1 thread", one, format!("{:.2} of the bare lookup; target >= 1 000 000", one / bare)),
        row(&format!("authz::check decisions/s, {cores} threads"), all, "mix: role, extra, missing, out of scope".into()),
    ])
}
