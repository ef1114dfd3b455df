//! Writes a deterministic benchmark corpus.
//!
//!     cargo run --release --example gen -- PATH [--schools N] [--tickets N] [--articles N] [--seed N]
//!     cargo run --release --example gen -- --cached [--tickets N] ...   (into the benchmark's cache)
// An example, not the product: it may unwrap, expect, panic and cast freely.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

// Shared with `bench`; this example writes to a path of its own.
#[allow(dead_code)]
mod corpus;

use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `gen --cached --tickets N`: the benchmark's cached corpus for that
    // scale (e.g. the 10M one for --scale-curve, started ahead of time).
    if args.iter().any(|a| a == "--cached") {
        let db = corpus::cached(&corpus::Scale::from_args(&args));
        println!("{}", db.display());
        return;
    }
    let Some(path) = args.first().filter(|a| !a.starts_with("--")) else {
        eprintln!("usage: gen PATH [--schools N] [--tickets N] [--articles N] [--seed N]");
        std::process::exit(2);
    };
    let scale = corpus::Scale::from_args(&args);
    let started = Instant::now();
    let made = match corpus::generate(std::path::Path::new(path), &scale) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("gen: {e}");
            std::process::exit(1);
        }
    };
    println!(
        "wrote {path}: {} schools, {} requesters, {} tickets, {} articles in {:.1}s",
        made.schools.len(),
        made.requesters.len(),
        scale.tickets,
        scale.articles,
        started.elapsed().as_secs_f64()
    );
}
