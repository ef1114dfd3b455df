//! The benchmark's import row alone: `import csv` of N tickets beside its
//! floor, each pair run R times in turn (the whole benchmark takes ~20 min).
//!
//!     cargo run --release --example import_floor -- [TICKETS [RUNS]]
//!
//! Uses the cached export in the benchmark's data directory
//! (DESKSIDE_BENCHDATA, default /work/benchdata); the databases are written
//! beside it and removed afterwards.
// An example, not the product: it may unwrap, expect, panic and cast freely.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

#[allow(dead_code)]
mod corpus;
mod import_bench;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n = args.first().map_or(300_000, |a| a.parse().expect("TICKETS"));
    let runs = args.get(1).map_or(2, |a| a.parse().expect("RUNS"));
    let mut ratios = Vec::new();
    for run in 1..=runs {
        let m = import_bench::measure(n, 100, 42);
        let (import, floor) = (m.import.as_secs_f64(), m.floor.as_secs_f64());
        ratios.push(import / floor);
        println!(
            "run {run}: import {} tickets {import:.2} s ({:.0}k/s), floor {floor:.2} s, ratio {:.2}x",
            m.tickets,
            n as f64 / import / 1000.0,
            import / floor
        );
    }
    let (lo, hi) = ratios.iter().fold((f64::MAX, f64::MIN), |(lo, hi), &r| (lo.min(r), hi.max(r)));
    println!("ratios {ratios:.2?}: spread {:.2}x", hi - lo);
}
