//! The console's queue first page on an existing corpus, measured with the
//! benchmark's own code (benchkit::warm: the 40 filters, `console_queue`
//! and its floor `bare_queue`), for profiling and for the scale curve's
//! queue row without the whole 21-minute curve. Each pass loads 200 pages
//! (filters in turn) and then the floor's 200, as the benchmark does;
//! p50/p99 are the medians over the passes. Prints rows per page too, so a
//! page that is not full (100k) can be compared per row shown.
//!
//!     cargo run --release --example queue_latency -- DB [--passes 3] [--loads 200] [--profile SECONDS] [--detail]
//!
//! `--profile S` only loads the console's pages for S seconds (for
//! `perf record -g`). Opening the corpus migrates it (Desk::open).
// An example, not the product: it may unwrap, expect, panic and cast freely.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

// Only warm's queue measures are used here.
#[allow(dead_code)]
mod benchkit;
#[allow(dead_code)]
mod corpus;

use benchkit::warm::{bare_queue, console_queue, filters, open, queue_rows};
use benchkit::{ms, sample, Pair, Stat, PASSES};
use rusqlite::Connection;
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(db) = args.first().filter(|a| !a.starts_with("--")) else {
        eprintln!("usage: queue_latency DB [--passes N] [--loads N] [--profile SECONDS] [--detail]");
        std::process::exit(2);
    };
    let db = std::path::Path::new(db);
    let passes = corpus::arg(&args, "--passes", PASSES);
    let loads = corpus::arg(&args, "--loads", 200);
    let mut desk = open(db);
    let conn = Connection::open(db).unwrap();
    let filters = filters(&desk);
    // Warm both, as the benchmark's first pass finds them after the corpus opened.
    for f in &filters {
        console_queue(&mut desk, f);
        bare_queue(&conn, f);
    }
    if let Some(secs) =
        args.iter().position(|a| a == "--profile").map(|_| corpus::arg(&args, "--profile", 20))
    {
        let end = Instant::now() + Duration::from_secs(secs as u64);
        let mut n = 0;
        while Instant::now() < end {
            console_queue(&mut desk, &filters[n % filters.len()]);
            n += 1;
        }
        println!("{n} loads in {secs} s: {:.3} ms a load", secs as f64 * 1000.0 / n as f64);
        return;
    }

    // Rows each filter's page shows (the console's, incidents folded) and
    // the floor's rows for the same filter.
    let rows: Vec<usize> =
        filters.iter().map(|f| queue_rows(&mut desk, std::slice::from_ref(f)) as usize).collect();
    let floor_rows: Vec<usize> = filters.iter().map(|f| bare_queue(&conn, f)).collect();

    let (mut figs, mut floors) = (Vec::new(), Vec::new());
    let mut per_filter = vec![Vec::new(); filters.len()];
    let mut floor_per_filter = vec![Vec::new(); filters.len()];
    for pass in 0..passes {
        let fig = sample(loads, |i| {
            let t = Instant::now();
            console_queue(&mut desk, &filters[i % filters.len()]);
            per_filter[i % filters.len()].push(t.elapsed());
        });
        let floor = sample(loads, |i| {
            let t = Instant::now();
            std::hint::black_box(bare_queue(&conn, &filters[i % filters.len()]));
            floor_per_filter[i % filters.len()].push(t.elapsed());
        });
        let (a, b) = (Stat::of(&fig), Stat::of(&floor));
        println!("pass {pass}: queue {} | floor {}", a.show(), b.show());
        figs.push(a);
        floors.push(b);
    }
    let pair = Pair { fig: Stat::median(&figs), floor: Stat::median(&floors) };
    let shown: usize = rows.iter().sum();
    let mean_rows = shown as f64 / rows.len() as f64;
    println!(
        "{}: queue first page p50/p99 {} (floor {}; ratio p99 {:.2}x), median of {passes} passes of {loads} loads",
        db.display(),
        pair.fig.show(),
        pair.floor.show(),
        pair.r99()
    );
    println!(
        "rows per page: mean {mean_rows:.0} (floor {:.0}), max {}; p99 per mean row shown {:.2} us",
        floor_rows.iter().sum::<usize>() as f64 / floor_rows.len() as f64,
        rows.iter().max().unwrap_or(&0),
        pair.fig.p99 * 1000.0 / mean_rows.max(1.0)
    );
    // Each filter's median load: what a p99 over these filters reads on a
    // quiet machine (on a busy one the p99 of 200 loads is the neighbours').
    let median = |v: &[Duration]| {
        let mut v = v.to_vec();
        v.sort();
        ms(v.get(v.len() / 2).copied().unwrap_or_default())
    };
    let fig_med: Vec<f64> = per_filter.iter().map(|v| median(v)).collect();
    let floor_med: Vec<f64> = floor_per_filter.iter().map(|v| median(v)).collect();
    let max = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
    println!(
        "per-filter medians: slowest {:.2} ms (floor {:.2}), mean {:.2} ms (floor {:.2}); {:.2} us per row shown (floor {:.2})",
        max(&fig_med),
        max(&floor_med),
        fig_med.iter().sum::<f64>() / fig_med.len() as f64,
        floor_med.iter().sum::<f64>() / floor_med.len() as f64,
        fig_med.iter().sum::<f64>() * 1000.0 / shown.max(1) as f64,
        floor_med.iter().sum::<f64>() * 1000.0 / shown.max(1) as f64
    );
    if args.iter().any(|a| a == "--detail") {
        for (i, f) in filters.iter().enumerate() {
            let mut v = per_filter[i].clone();
            v.sort();
            let med = v.get(v.len() / 2).copied().unwrap_or_default();
            println!("  {:>7.2} ms (floor {:>6.2})  {:>4} rows  {:?}", ms(med), floor_med[i], rows[i], f);
        }
    }
}
