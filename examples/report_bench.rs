//! Report speed at trust scale (issue 9: `report weekly` for 100 schools
//! over 1M tickets in <= 300 ms).
//!
//!     cargo run --release --example report_bench -- [--tickets N] [--schools S] [--runs R]
//!
//! Uses (and on first run writes) the same cached corpus as `bench`, then
//! times the service calls the CLI and the console's dashboard make.
// An example, not the product: it may unwrap, expect, panic and cast freely.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

// Shared with `bench` and `gen`; this example uses only part of it.
#[allow(dead_code)]
mod corpus;

use deskside::clock::FixedClock;
use deskside::service::reports::{ReportQuery, TrendQuery};
use deskside::service::Desk;
use std::path::Path;
use std::time::{Duration, Instant};

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Runs `f` `n` times on a freshly opened desk each time (as the CLI does);
/// returns (median, worst) of the whole open + report.
fn time(db: &Path, n: usize, f: impl Fn(&Desk)) -> (f64, f64) {
    let mut v: Vec<Duration> = (0..n)
        .map(|_| {
            let t = Instant::now();
            let desk = Desk::open(db, Box::new(FixedClock(corpus::corpus_now())), "lead", "bench").unwrap();
            f(&desk);
            t.elapsed()
        })
        .collect();
    v.sort();
    (ms(v[v.len() / 2]), ms(v[v.len() - 1]))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let scale = corpus::Scale::from_args(&args);
    let runs = corpus::arg(&args, "--runs", 10);
    let db = corpus::cached(&scale);
    let desk = Desk::open(&db, Box::new(FixedClock(corpus::corpus_now())), "lead", "bench").unwrap();
    let r = desk.weekly_report(&ReportQuery::default()).unwrap();
    let total = r.total.clone().unwrap_or_default();
    println!(
        "{} schools, week {}: {} opened, {} resolved, {} backlog, {} first responses",
        r.schools.len(),
        r.week,
        total.opened,
        total.resolved,
        total.backlog,
        total.first_responses
    );
    let (p50, worst) = time(&db, runs, |d| {
        d.weekly_report(&ReportQuery::default()).unwrap();
    });
    println!("report weekly, all schools (open + report): p50 {p50:.1} ms, worst {worst:.1} ms  (target <= 300 ms)");
    let (p50, worst) = time(&db, runs, |d| {
        d.weekly_report(&ReportQuery { school: Some("S042".into()), ..ReportQuery::default() }).unwrap();
    });
    println!("report weekly, one school: p50 {p50:.1} ms, worst {worst:.1} ms");
    let (p50, worst) = time(&db, runs.div_ceil(2), |d| {
        d.trend(&TrendQuery { weeks: 12, until: None, school: None }).unwrap();
    });
    println!("report trend --weeks 12: p50 {p50:.1} ms, worst {worst:.1} ms");
    let (p50, worst) = time(&db, runs, |d| {
        d.tech_report(None).unwrap();
    });
    println!("report tech: p50 {p50:.1} ms, worst {worst:.1} ms");
}
