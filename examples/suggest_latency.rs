//! Rough latency of `Desk::suggest` (the console's per-keystroke call) on an
//! existing database, typing each query of the relevance set letter by
//! letter. Not a test: speed targets are checked by the benchmark issue.
//!
//!     cargo run --release --example suggest_latency -- /path/to/desk.db [LOGIN]
// An example, not the product: it may unwrap, expect, panic and cast freely.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

use deskside::clock::SystemClock;
use deskside::search::SuggestContext;
use deskside::service::Desk;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(db) = args.next() else {
        eprintln!("usage: suggest_latency DB [LOGIN]");
        std::process::exit(2);
    };
    let login = args.next().unwrap_or_else(|| "lead".into());
    let desk = match Desk::open(std::path::Path::new(&db), Box::new(SystemClock), &login, &login) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let queries: Vec<String> = include_str!("../tests/relevance/queries.toml")
        .lines()
        .filter_map(|l| l.strip_prefix("query = \""))
        .map(|q| q.trim_end_matches('"').replace("\\\"", "\""))
        .collect();
    let ctx = SuggestContext::default();
    // The first call loads the vocabulary; the console pays that once.
    let first = Instant::now();
    let _ = desk.suggest("printer", &ctx, 10);
    println!("first call (vocabulary load): {:.2} ms", first.elapsed().as_secs_f64() * 1000.0);
    let mut times = Vec::new();
    for q in &queries {
        for end in (3..=q.len()).filter(|&i| q.is_char_boundary(i)) {
            let t = Instant::now();
            if let Err(e) = desk.suggest(&q[..end], &ctx, 10) {
                eprintln!("{q:?}: {e}");
                std::process::exit(1);
            }
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    times.sort_by(f64::total_cmp);
    let at = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "{} keystrokes over {} queries: p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        times.len(),
        queries.len(),
        at(0.5),
        at(0.9),
        at(0.99),
        at(1.0)
    );
}
