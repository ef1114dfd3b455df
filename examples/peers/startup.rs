//! The fixed cost of one command (issue 22 point 6): a whole `deskside
//! suggest` process beside a whole `deskside tech list` (opening the file,
//! no search) plus the same suggest in a process that is already running.
//! Goal: suggest as a process within 2x of those two together.

use deskside::search::SuggestContext;
use deskside::service::Desk;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

pub struct Startup {
    pub suggest_process: Duration,
    pub tech_list_process: Duration,
    pub suggest_in_process: Duration,
    pub runs: usize,
}

impl Startup {
    pub fn ratio(&self) -> f64 {
        self.suggest_process.as_secs_f64()
            / (self.tech_list_process + self.suggest_in_process).as_secs_f64().max(1e-9)
    }
}

/// The release binary beside this example (target/release/deskside).
pub fn binary() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let bin = exe.parent()?.parent()?.join("deskside");
    bin.exists().then_some(bin)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn run(bin: &Path, db: &Path, args: &[&str]) -> Duration {
    let t = Instant::now();
    let out = Command::new(bin)
        .arg("--db")
        .arg(db)
        .args(args)
        .env("DESKSIDE_USER", "lead")
        .output()
        .expect("run deskside");
    let took = t.elapsed();
    assert!(out.status.success(), "deskside {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    took
}

/// Medians of `runs` runs of each, for `queries` taken in turn (the first
/// is the two-letter query).
pub fn measure(bin: &Path, db: &Path, queries: &[&str], runs: usize) -> Startup {
    // One run first: the first process after a change builds and saves the
    // vocabulary; this measures the ones after it.
    run(bin, db, &["suggest", "--", queries[0]]);
    let suggest_process =
        median((0..runs).map(|i| run(bin, db, &["suggest", "--", queries[i % queries.len()]])).collect());
    let tech_list_process = median((0..runs).map(|_| run(bin, db, &["tech", "list"])).collect());
    let desk = Desk::open(db, Box::new(deskside::clock::SystemClock), "lead", "bench").expect("open");
    let ctx = SuggestContext::default();
    desk.suggest(queries[0], &ctx, 10).unwrap();
    let suggest_in_process = median(
        (0..runs)
            .map(|i| {
                let t = Instant::now();
                desk.suggest(queries[i % queries.len()], &ctx, 10).unwrap();
                t.elapsed()
            })
            .collect(),
    );
    Startup { suggest_process, tech_list_process, suggest_in_process, runs }
}
