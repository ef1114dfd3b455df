//! Benchmarks at the scale of a large multi-academy trust.
//!
//!     cargo run --release --example bench -- [--tickets N] [--articles M] [--schools S] [--import N]
//!
//! Prints one table, each figure beside its target (and its floor where one
//! exists, measured in the same run), then `targets met: K/T`.
// An example, not the product: it may unwrap, expect, panic and cast freely.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod corpus;
mod import_bench;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use deskside::clock::FixedClock;
use deskside::domain::{Status, TicketFilter, Tier};
use deskside::search::SuggestContext;
use deskside::service::reports::ReportQuery;
use deskside::service::Desk;
use deskside::tui::action::Action;
use deskside::tui::{app::App, runner, theme::Theme, view};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::collections::VecDeque;
use std::path::Path;
use std::time::{Duration, Instant};

fn open(db: &Path) -> Desk {
    Desk::open(db, Box::new(FixedClock(corpus::corpus_now())), "lead", "bench").expect("open the corpus")
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Runs `f` `n` times; returns the sorted durations.
fn sample(n: usize, mut f: impl FnMut(usize)) -> Vec<Duration> {
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

fn pct(v: &[Duration], p: f64) -> Duration {
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

struct Row {
    what: String,
    figure: String,
    floor: String,
    target: String,
    met: bool,
}

fn row(what: &str, figure: String, floor: String, target: &str, met: bool) -> Row {
    Row { what: what.into(), figure, floor, target: target.into(), met }
}

/// Drives the console state machine with its effects, as the loop does.
fn settle(desk: &mut Desk, app: &mut App, fx: Vec<deskside::tui::action::Effect>) {
    let mut q: VecDeque<_> = fx.into();
    while let Some(e) = q.pop_front() {
        if let Some(a) = runner::run(desk, e) {
            q.extend(app.update(a));
        }
    }
}

fn draw(term: &mut Terminal<TestBackend>, app: &App) {
    term.draw(|f| view::draw(f, app)).unwrap();
}

/// Child mode: the console's work on the corpus, then its peak memory.
fn console_memory(db: &Path) {
    let mut desk = open(db);
    let me = desk.me().unwrap();
    let mut app = App::new(me, desk.now(), Theme { color: true }, (120, 40));
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    draw(&mut term, &app);
    let start = app.start();
    settle(&mut desk, &mut app, start);
    draw(&mut term, &app);
    for action in [
        deskside::tui::action::Action::Open,
        deskside::tui::action::Action::Back,
        deskside::tui::action::Action::CycleStatus,
        deskside::tui::action::Action::NewTicket,
    ] {
        let fx = app.update(action);
        settle(&mut desk, &mut app, fx);
        draw(&mut term, &app);
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0);
    println!("peak_kb {kb}");
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(i) = args.iter().position(|a| a == "--child-console") {
        console_memory(Path::new(&args[i + 1]));
        return;
    }
    let detail = args.iter().any(|a| a == "--detail");
    let scale = corpus::Scale::from_args(&args);
    let db = corpus::cached(&scale);
    let mut rows = Vec::new();

    // The console's first frame from a cold open, and the frame with the queue.
    let mut first = Vec::new();
    let mut loaded = Vec::new();
    for _ in 0..10 {
        let t = Instant::now();
        let mut desk = open(&db);
        let me = desk.me().unwrap();
        let mut app = App::new(me, desk.now(), Theme { color: true }, (120, 40));
        let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
        draw(&mut term, &app);
        first.push(t.elapsed());
        let start = app.start();
        settle(&mut desk, &mut app, start);
        draw(&mut term, &app);
        loaded.push(t.elapsed());
    }
    first.sort();
    loaded.sort();
    let worst = *first.last().unwrap();
    rows.push(row(
        "console first frame, cold open (worst of 10)",
        format!("{:.1} ms", ms(worst)),
        format!("queue shown {:.1} ms", ms(pct(&loaded, 0.5))),
        "<= 50 ms",
        ms(worst) <= 50.0,
    ));

    // The first page of the queue with filters, as the console asks for it.
    let mut desk = open(&db);
    let schools: Vec<String> = desk.schools().unwrap().into_iter().map(|s| s.code).collect();
    let filters: Vec<TicketFilter> = vec![
        TicketFilter { limit: Some(500), ..TicketFilter::default() },
        TicketFilter { tier: Some(Tier::One), limit: Some(500), ..TicketFilter::default() },
        TicketFilter { statuses: vec![Status::New], limit: Some(500), ..TicketFilter::default() },
        TicketFilter { assignee: Some("tech03".into()), limit: Some(500), ..TicketFilter::default() },
    ];
    let mut each = Vec::new();
    let queue = sample(200, |i| {
        let mut f = filters[i % filters.len()].clone();
        if i % 3 == 0 {
            f.school = Some(schools[i % schools.len()].clone());
        }
        let t = Instant::now();
        console_queue(&mut desk, &f);
        each.push((t.elapsed(), format!("{f:?}")));
    });
    if detail {
        each.sort();
        for (d, f) in each.iter().rev().take(6) {
            eprintln!("  slow queue {:>7.2} ms  {f}", ms(*d));
        }
    }
    let p99 = pct(&queue, 0.99);
    rows.push(row(
        "queue first page with filters (p50 / p99)",
        format!("{:.2} / {:.2} ms", ms(pct(&queue, 0.5)), ms(p99)),
        "-".into(),
        "<= 5 ms",
        ms(p99) <= 5.0,
    ));

    // `ticket show` of a 50-event ticket.
    let long: Vec<deskside::domain::TicketId> = (0..scale.tickets)
        .filter(|i| i % corpus::LONG_EVERY == corpus::LONG_OFFSET)
        .map(|i| deskside::domain::TicketId(i as i64 + 1))
        .collect();
    let events = desk.ticket(long[0]).unwrap().events.len();
    let show = sample(200, |i| {
        desk.ticket(long[i % long.len()]).unwrap();
    });
    let p99 = pct(&show, 0.99);
    rows.push(row(
        &format!("ticket show, {events}-event ticket (p50 / p99)"),
        format!("{:.2} / {:.2} ms", ms(pct(&show, 0.5)), ms(p99)),
        "-".into(),
        "<= 5 ms",
        ms(p99) <= 5.0,
    ));

    // suggest for 200 realistic queries, beside the bare FTS5 queries it
    // builds on (article bm25 top 20 and the newest 100 ticket matches).
    let queries = corpus::queries(200, scale.seed);
    let ctx = SuggestContext::default();
    for q in queries.iter().take(20) {
        desk.suggest(q, &ctx, 8).unwrap(); // warm the vocabulary cache, as a running console has it
    }
    let mut each = Vec::new();
    let suggest = sample(queries.len(), |i| {
        let t = Instant::now();
        desk.suggest(&queries[i], &ctx, 8).unwrap();
        each.push((t.elapsed(), queries[i].clone()));
    });
    if detail {
        each.sort();
        for (d, q) in each.iter().rev().take(8) {
            eprintln!("  slow suggest {:>7.2} ms  {q:?}", ms(*d));
        }
    }
    let conn = rusqlite::Connection::open(&db).unwrap();
    let floor = sample(queries.len(), |i| bare_fts(&conn, &queries[i]));
    let (p50, p99, f50, f99) = (pct(&suggest, 0.5), pct(&suggest, 0.99), pct(&floor, 0.5), pct(&floor, 0.99));
    let ratio = ms(p99) / ms(f99).max(0.001);
    rows.push(row(
        "suggest, 200 queries (p50 / p99)",
        format!("{:.2} / {:.2} ms", ms(p50), ms(p99)),
        format!("FTS5 {:.2} / {:.2} ms ({ratio:.1}x)", ms(f50), ms(f99)),
        "<= 10 ms, <= 3x",
        ms(p99) <= 10.0 && ratio <= 3.0,
    ));

    // A keystroke in the new-ticket form to the next frame, suggestions
    // updated: the queries typed letter by letter as a technician would.
    let mut fdesk = open(&db);
    let me = fdesk.me().unwrap();
    let mut app = App::new(me, fdesk.now(), Theme { color: true }, (120, 40));
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let fx = app.update(Action::NewTicket);
    settle(&mut fdesk, &mut app, fx);
    app.update(Action::NextField); // to the subject (no requester needed to search)
    let mut keys = Vec::new();
    for q in queries.iter().take(20) {
        for c in q.chars() {
            let t = Instant::now();
            let fx = app.update(Action::Input(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)));
            settle(&mut fdesk, &mut app, fx);
            draw(&mut term, &app);
            keys.push(t.elapsed());
        }
        for _ in 0..q.chars().count() {
            let fx = app.update(Action::Input(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE)));
            settle(&mut fdesk, &mut app, fx);
        }
    }
    keys.sort();
    let p99 = pct(&keys, 0.99);
    rows.push(row(
        &format!("new-ticket keystroke to frame, {} keys (p50 / p99)", keys.len()),
        format!("{:.2} / {:.2} ms", ms(pct(&keys, 0.5)), ms(p99)),
        "-".into(),
        "<= 16 ms",
        ms(p99) <= 16.0,
    ));

    // `report weekly` for every school: the last complete week.
    let q = ReportQuery::default();
    let report = sample(10, |_| {
        std::hint::black_box(desk.weekly_report(&q).unwrap());
    });
    let schools_in = desk.weekly_report(&q).unwrap().schools.len();
    let p50 = pct(&report, 0.5);
    rows.push(row(
        &format!("report weekly, {schools_in} schools (p50 of 10)"),
        format!("{:.1} ms", ms(p50)),
        "-".into(),
        "<= 300 ms",
        ms(p50) <= 300.0,
    ));

    // Peak resident memory of the console's work, in a fresh process.
    let exe = std::env::current_exe().unwrap();
    let out = std::process::Command::new(exe).arg("--child-console").arg(&db).output().unwrap();
    let kb: u64 = String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("peak_kb "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(u64::MAX);
    let mb = kb as f64 / 1024.0;
    rows.push(row("console peak resident memory", format!("{mb:.1} MB"), "-".into(), "<= 60 MB", mb <= 60.0));

    // `import csv` of N tickets (default: as many as the corpus) into a fresh
    // database, beside bare prepared inserts of the same rows (the floor).
    let m = import_bench::measure(corpus::arg(&args, "--import", scale.tickets), scale.schools, scale.seed);
    let (secs, floor) = (m.import.as_secs_f64(), m.floor.as_secs_f64());
    let (rate, ratio) = (m.tickets as f64 / secs, secs / floor.max(1e-9));
    rows.push(row(
        &format!("import csv, {} tickets", m.tickets),
        format!("{:.0}k tickets/s ({secs:.1} s)", rate / 1000.0),
        format!("bare inserts {floor:.1} s ({ratio:.2}x)"),
        ">= 100k/s, <= 2x",
        rate >= 100_000.0 && ratio <= 2.0,
    ));

    print_table(&scale, &rows);
}

/// The bare FTS5 work under `suggest`: the query's words, quoted, the last
/// as a prefix, OR-ed; articles ranked by bm25, tickets newest first.
fn bare_fts(conn: &rusqlite::Connection, q: &str) {
    let words: Vec<String> =
        q.split(|c: char| !c.is_alphanumeric()).filter(|w| w.len() > 1).map(|w| format!("\"{w}\"")).collect();
    if words.is_empty() {
        return;
    }
    let expr = format!("{}*", words.join(" OR "));
    let articles = "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?1
                    ORDER BY bm25(articles_fts, 10.0, 6.0, 2.0, 1.0) LIMIT 20";
    let tickets = "SELECT rowid FROM tickets_fts WHERE tickets_fts MATCH ?1 ORDER BY rowid DESC LIMIT 100";
    for sql in [articles, tickets] {
        let mut stmt = conn.prepare_cached(sql).unwrap();
        let n = stmt.query_map([&expr], |r| r.get::<_, i64>(0)).unwrap().count();
        std::hint::black_box(n);
    }
}

/// The queue exactly as the console loads it (SLA state included).
fn console_queue(desk: &mut Desk, f: &TicketFilter) {
    let fx = deskside::tui::action::Effect::LoadQueue(f.clone());
    std::hint::black_box(runner::run(desk, fx));
}

fn print_table(scale: &corpus::Scale, rows: &[Row]) {
    println!(
        "deskside benchmark: {} schools, {} tickets, {} articles",
        scale.schools, scale.tickets, scale.articles
    );
    let w = rows.iter().map(|r| r.what.len()).max().unwrap_or(10);
    println!("{:<w$}  {:>22}  {:>24}  {:>10}  met", "measure", "figure", "floor", "target");
    for r in rows {
        println!(
            "{:<w$}  {:>22}  {:>24}  {:>10}  {}",
            r.what,
            r.figure,
            r.floor,
            r.target,
            if r.met { "yes" } else { "NO" }
        );
    }
    let met = rows.iter().filter(|r| r.met).count();
    println!("targets met: {met}/{}", rows.len());
}
