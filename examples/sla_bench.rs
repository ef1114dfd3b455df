//! How long the SLA arithmetic takes, to decide whether queues can compute
//! working time left on every refresh. Run with
//! `cargo run --release --example sla_bench`.
//!
//! Measures, on a school calendar (Europe/London, split day, a year of
//! closures): due times for targets from 30 minutes to 4 weeks, and working
//! time between instants up to a year apart (a long-overdue ticket).
// An example, not the product: it may unwrap, expect, panic and cast freely.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

use chrono::{DateTime, Duration, NaiveDate, Utc};
use deskside::sla::{Calendar, Closure, WeeklyHours};
use std::time::Instant;

fn main() {
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let closures = [
        ("2026-10-26", "2026-10-30"),
        ("2026-12-21", "2027-01-01"),
        ("2027-02-15", "2027-02-19"),
        ("2027-03-26", "2027-04-09"),
        ("2027-05-31", "2027-06-04"),
        ("2027-07-22", "2027-08-31"),
    ]
    .iter()
    .map(|(a, b)| Closure::new(day(a), day(b), "holiday").unwrap())
    .collect();
    let cal = Calendar::new(
        "Europe/London".parse().unwrap(),
        WeeklyHours::parse("Mon-Thu 08:00-12:00,13:00-17:00; Fri 08:00-15:30").unwrap(),
        closures,
    );
    let start: DateTime<Utc> = "2026-09-01T07:00:00Z".parse().unwrap();
    let n = 20_000;
    for minutes in [30, 240, 1_620, 10_800] {
        let t = Instant::now();
        let mut last = start;
        for i in 0..n {
            last = cal.add_working_minutes(start + Duration::minutes(i * 17), minutes).unwrap();
        }
        let per = t.elapsed() / n as u32;
        println!("due time, {minutes:>6} working minutes: {per:>8.2?} each (last {last})");
    }
    for span_days in [1, 7, 30, 365] {
        let t = Instant::now();
        let mut total = 0;
        for i in 0..n {
            let from = start + Duration::minutes(i * 17);
            total += cal.working_secs(from, from + Duration::days(span_days));
        }
        let per = t.elapsed() / n as u32;
        println!("working time over {span_days:>3} day(s):       {per:>8.2?} each (sum {total})");
    }
}
