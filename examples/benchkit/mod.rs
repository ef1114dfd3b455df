//! The benchmark's shared measuring kit: timing samples, passes, rows of
//! the table and the verdict. Every figure is judged as a ratio to a floor
//! measured in the same run (the machine is shared and noisy: absolute
//! times move with the neighbours, ratios much less).

pub mod cold;
pub mod curve;
pub mod load;
pub mod process;
pub mod warm;

use std::time::{Duration, Instant};

/// Passes of every sampled measure; each p50/p99 reported is the median of
/// the passes' own p50/p99.
pub const PASSES: usize = 3;

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Runs `f` `n` times; returns the sorted durations.
pub fn sample(n: usize, mut f: impl FnMut(usize)) -> Vec<Duration> {
    let mut v: Vec<Duration> = (0..n)
        .map(|i| {
            let t = Instant::now();
            f(i);
            t.elapsed()
        })
        .collect();
    v.sort();
    v
}

pub fn pct(v: &[Duration], p: f64) -> Duration {
    if v.is_empty() {
        return Duration::ZERO;
    }
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

/// p50 and p99 in milliseconds (each the median over the passes).
#[derive(Clone, Copy, Debug, Default)]
pub struct Stat {
    pub p50: f64,
    pub p99: f64,
}

impl Stat {
    pub fn of(v: &[Duration]) -> Stat {
        Stat { p50: ms(pct(v, 0.5)), p99: ms(pct(v, 0.99)) }
    }

    /// The median of the passes' p50s and of their p99s.
    pub fn median(passes: &[Stat]) -> Stat {
        let mid = |mut v: Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v.get(v.len() / 2).copied().unwrap_or(0.0)
        };
        Stat {
            p50: mid(passes.iter().map(|s| s.p50).collect()),
            p99: mid(passes.iter().map(|s| s.p99).collect()),
        }
    }

    pub fn show(&self) -> String {
        format!("{:.2} / {:.2} ms", self.p50, self.p99)
    }
}

/// A figure and its floor, both medians over PASSES interleaved passes.
#[derive(Clone, Copy, Debug, Default)]
pub struct Pair {
    pub fig: Stat,
    pub floor: Stat,
}

impl Pair {
    /// Runs `fig` then `floor` PASSES times, alternating, so both see the
    /// same neighbours; each returns one pass's samples.
    pub fn measure(mut fig: impl FnMut() -> Vec<Duration>, mut floor: impl FnMut() -> Vec<Duration>) -> Pair {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for _ in 0..PASSES {
            a.push(Stat::of(&fig()));
            b.push(Stat::of(&floor()));
        }
        Pair { fig: Stat::median(&a), floor: Stat::median(&b) }
    }

    pub fn r50(&self) -> f64 {
        self.fig.p50 / self.floor.p50.max(1e-6)
    }

    pub fn r99(&self) -> f64 {
        self.fig.p99 / self.floor.p99.max(1e-6)
    }
}

pub struct Row {
    pub what: String,
    pub figure: String,
    pub floor: String,
    pub target: String,
    /// None: shown for information, not a target.
    pub met: Option<bool>,
}

pub fn row(what: &str, figure: String, floor: String, target: &str, met: Option<bool>) -> Row {
    Row { what: what.into(), figure, floor, target: target.into(), met }
}

pub fn print_table(title: &str, rows: &[Row]) {
    println!("{title}");
    let w = rows.iter().map(|r| r.what.len()).max().unwrap_or(10);
    let f = rows.iter().map(|r| r.figure.len()).max().unwrap_or(10).max(6);
    let l = rows.iter().map(|r| r.floor.len()).max().unwrap_or(10).max(5);
    let t = rows.iter().map(|r| r.target.len()).max().unwrap_or(10).max(6);
    println!("{:<w$}  {:>f$}  {:>l$}  {:>t$}  met", "measure", "figure", "floor (ratio)", "target");
    for r in rows {
        let met = match r.met {
            Some(true) => "yes",
            Some(false) => "NO",
            None => "-",
        };
        println!("{:<w$}  {:>f$}  {:>l$}  {:>t$}  {met}", r.what, r.figure, r.floor, r.target);
    }
}

/// `targets met: K/T`, over the rows that carry a target.
pub fn verdict(rows: &[Row]) -> String {
    let judged: Vec<bool> = rows.iter().filter_map(|r| r.met).collect();
    format!("targets met: {}/{}", judged.iter().filter(|m| **m).count(), judged.len())
}

/// Prints the rows not printed yet, as they are measured (stderr), so a
/// run stopped part-way still leaves what it measured.
pub fn progress(rows: &[Row], shown: &mut usize) {
    for r in &rows[*shown..] {
        eprintln!("# {} | {} | {} | {}", r.what, r.figure, r.floor, r.target);
    }
    *shown = rows.len();
}
