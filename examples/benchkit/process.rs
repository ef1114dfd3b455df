//! The fixed cost of one command (issue #22 point 6): `deskside suggest` as
//! a whole process, beside `deskside tech list` as a whole process (the
//! cost of starting deskside and opening the database) plus the same
//! suggest in-process on a warm desk. Scripts, `mail ingest` per message
//! and the acknowledgement pay the difference on every call.

use super::{sample, Stat, PASSES};
use crate::corpus;
use deskside::search::SuggestContext;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The release `deskside` beside this example (target/release/deskside).
/// Under `cargo run` it is built first, so it is never stale.
pub fn deskside_bin() -> PathBuf {
    if let Some(cargo) = std::env::var_os("CARGO") {
        let ok = Command::new(cargo)
            .args(["build", "--release", "--quiet", "--bin", "deskside"])
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        assert!(ok, "cargo build --release --bin deskside failed");
    }
    let exe = std::env::current_exe().unwrap();
    let bin = exe.parent().and_then(Path::parent).unwrap().join("deskside");
    assert!(bin.exists(), "{} is missing: run `cargo build --release` first", bin.display());
    bin
}

pub struct Fixed {
    pub suggest_process: Stat,
    pub tech_list: Stat,
    pub in_process: Stat,
    pub runs: usize,
}

fn run(bin: &Path, db: &Path, args: &[&str]) {
    let ok = Command::new(bin)
        .arg("--db")
        .arg(db)
        .args(["--as", "lead"])
        .args(args)
        .env("DESKSIDE_NOW", corpus::corpus_now().to_rfc3339())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    assert!(ok, "deskside {args:?} failed");
}

pub fn measure(bin: &Path, db: &Path, seed: u64) -> Fixed {
    // Short and long queries alike: the issue saw ~60 ms for two letters.
    let queries = corpus::queries(20, seed);
    let runs = 20;
    let desk = super::warm::open(db);
    let ctx = SuggestContext::default();
    for q in &queries {
        desk.suggest(q, &ctx, 10).unwrap();
    }
    let (mut a, mut b, mut c) = (Vec::new(), Vec::new(), Vec::new());
    run(bin, db, &["tech", "list"]); // first start off the clock (binary into the page cache)
    for _ in 0..PASSES {
        a.push(Stat::of(&sample(runs, |i| run(bin, db, &["suggest", &queries[i % queries.len()]]))));
        b.push(Stat::of(&sample(runs, |_| run(bin, db, &["tech", "list"]))));
        c.push(Stat::of(&sample(runs, |i| {
            std::hint::black_box(desk.suggest(&queries[i % queries.len()], &ctx, 10).unwrap());
        })));
    }
    Fixed {
        suggest_process: Stat::median(&a),
        tech_list: Stat::median(&b),
        in_process: Stat::median(&c),
        runs,
    }
}
