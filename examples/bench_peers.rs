//! deskside's article search beside Tantivy (and PostgreSQL full text where
//! a server runs) on the benchmark's corpus and queries: latency and typo
//! recall side by side (see `peers`).
//!
//!     cargo run --release --example bench_peers -- [--tickets N] [--articles M] [--schools S] [--detail]
// An example, not the product: it may unwrap, expect, panic and cast freely.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

#[allow(dead_code)]
mod corpus;
mod peers;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let scale = corpus::Scale::from_args(&args);
    let db = corpus::cached(&scale);
    println!(
        "peers: {} tickets, {} articles, the benchmark's 200 queries (seed {})",
        scale.tickets, scale.articles, scale.seed
    );
    let rows = peers::compare(&db, 200, scale.seed);
    peers::print(&rows, args.iter().any(|a| a == "--detail"));

    // The fixed cost of one command, with the release binary beside this example.
    let Some(bin) = peers::startup::binary() else {
        println!("whole-process suggest: skipped (build the binary too: cargo build --release)");
        return;
    };
    let s = peers::startup::measure(&bin, &db, &["pa", "printer jammed", "wifi keeps dropping"], 30);
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    println!(
        "whole-process suggest p50 {:.1} ms; tech list {:.1} ms + in-process suggest {:.1} ms: {:.2}x (goal <= 2x), median of {}",
        ms(s.suggest_process),
        ms(s.tech_list_process),
        ms(s.suggest_in_process),
        s.ratio(),
        s.runs
    );
}
