//! The main measures on a warm corpus, each beside its floor measured in
//! the same run: queue first page and ticket show beside the bare indexed
//! SELECT of the same rows, suggest beside the bare bm25 over articles
//! alone and the naive bm25 over tickets, a keystroke beside one suggest
//! plus one frame, the weekly report beside one GROUP BY over the week's
//! events. Shared by the main table and the scale curve.

use super::{ms, sample, Pair, Stat, PASSES};
use crate::corpus;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use deskside::clock::FixedClock;
use deskside::domain::{NewTicket, Status, TicketFilter, TicketId, Tier};
use deskside::search::SuggestContext;
use deskside::service::reports::ReportQuery;
use deskside::service::Desk;
use deskside::tui::action::{Action, Effect};
use deskside::tui::{app::App, runner, theme::Theme, view};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use rusqlite::Connection;
use std::collections::VecDeque;
use std::path::Path;
use std::time::Instant;

/// What the console's new-ticket form asks suggest for (runner's FORM_SUGGESTIONS).
const FORM_SUGGESTIONS: usize = 6;

pub fn open(db: &Path) -> Desk {
    Desk::open(db, Box::new(FixedClock(corpus::corpus_now())), "lead", "bench").expect("open the corpus")
}

pub struct Warm {
    pub queue: Pair,
    /// Rows a queue page shows, on average over the filters (the page is
    /// not full where the active tickets are fewer than its limit).
    pub queue_rows: f64,
    pub show: Pair,
    pub show_events: usize,
    /// Floor: bm25 over articles alone.
    pub suggest: Pair,
    /// The naive bm25 over tickets (the floor the benchmark had).
    pub naive: Stat,
    pub keystroke: Pair,
    pub keys: usize,
    pub weekly: Pair,
    pub weekly_schools: usize,
    pub week_tickets: i64,
}

/// Drives the console state machine with its effects, as the loop does.
pub fn settle(desk: &mut Desk, app: &mut App, fx: Vec<Effect>) {
    let mut q: VecDeque<_> = fx.into();
    while let Some(e) = q.pop_front() {
        if let Some(a) = runner::run(desk, e) {
            q.extend(app.update(a));
        }
    }
}

pub fn draw(term: &mut Terminal<TestBackend>, app: &App) {
    term.draw(|f| view::draw(f, app)).unwrap();
}

/// The filters the console's queue is opened with, a third per school.
pub fn filters(desk: &Desk) -> Vec<TicketFilter> {
    let schools: Vec<String> = desk.schools().unwrap().into_iter().map(|s| s.code).collect();
    let base = [
        TicketFilter { limit: Some(500), ..TicketFilter::default() },
        TicketFilter { tier: Some(Tier::One), limit: Some(500), ..TicketFilter::default() },
        TicketFilter { statuses: vec![Status::New], limit: Some(500), ..TicketFilter::default() },
        TicketFilter { assignee: Some("tech03".into()), limit: Some(500), ..TicketFilter::default() },
    ];
    (0..40)
        .map(|i| {
            let mut f = base[i % base.len()].clone();
            if i % 3 == 0 {
                f.school = Some(schools[i % schools.len()].clone());
            }
            f
        })
        .collect()
}

/// The queue exactly as the console loads it (SLA state and incidents included).
pub fn console_queue(desk: &mut Desk, f: &TicketFilter) {
    std::hint::black_box(runner::run(desk, Effect::LoadQueue(f.clone())));
}

/// The rows the console's queue shows per filter, on average.
pub fn queue_rows(desk: &mut Desk, filters: &[TicketFilter]) -> f64 {
    let shown: usize = filters
        .iter()
        .map(|f| match runner::run(desk, Effect::LoadQueue(f.clone())) {
            Some(Action::QueueLoaded(items)) => items.len(),
            other => panic!("the queue loads: {other:?}"),
        })
        .sum();
    shown as f64 / filters.len().max(1) as f64
}

/// The floor of a queue page: one indexed SELECT of the filter's first
/// page (every column of the rows, the requester's and school's names), in
/// due order, with nothing computed. The order is the earliest running due
/// (the order the console's page is read in, by the due-order index that
/// serves the filter: migrations 0018/0019), so the floor reads the page's
/// rows and no more. Ordering by `resolve_due_at` instead, which no index
/// serves for a queue of three statuses, read and sorted every active row
/// of the filter (and whole texts) before the first: a floor that grew with
/// the backlog (and whose plan at 100k read 190-500 ms).
pub fn bare_queue(conn: &Connection, f: &TicketFilter) -> usize {
    let index = deskside::store::tickets::due_index(f);
    let mut sql = format!(
        "SELECT t.*, s.code, r.email, r.name FROM tickets t INDEXED BY {index}
           JOIN schools s ON s.id = t.school_id JOIN requesters r ON r.id = t.requester_id
          WHERE t.status IN ('new', 'open', 'pending')"
    );
    let mut args: Vec<String> = Vec::new();
    if !f.statuses.is_empty() {
        let s: Vec<String> = f.statuses.iter().map(|s| format!("'{}'", s.as_str())).collect();
        sql.push_str(&format!(" AND t.status IN ({})", s.join(", ")));
    }
    if let Some(t) = f.tier {
        sql.push_str(&format!(" AND t.tier = {}", t.number()));
    }
    if let Some(code) = &f.school {
        sql.push_str(" AND t.school_id = (SELECT id FROM schools WHERE code = ?)");
        args.push(code.clone());
    }
    if let Some(login) = &f.assignee {
        sql.push_str(" AND t.assignee_id = (SELECT id FROM technicians WHERE login = ?)");
        args.push(login.clone());
    }
    sql.push_str(&format!(
        " ORDER BY min(coalesce(CASE WHEN t.first_response_at IS NULL THEN t.response_due_at END,
                                9223372036854775807),
                       coalesce(t.resolve_due_at, 9223372036854775807)), t.id
          LIMIT {}",
        f.limit.unwrap_or(500)
    ));
    let mut stmt = conn.prepare_cached(&sql).unwrap();
    let n = stmt.column_count();
    let mut rows = stmt.query(rusqlite::params_from_iter(args)).unwrap();
    let mut count = 0;
    while let Some(r) = rows.next().unwrap() {
        for c in 0..n {
            std::hint::black_box(r.get_ref(c).unwrap());
        }
        count += 1;
    }
    count
}

/// The floor of `ticket show`: the ticket's row and its timeline's rows.
pub fn bare_show(conn: &Connection, id: i64) {
    for sql in
        ["SELECT * FROM tickets WHERE id = ?1", "SELECT * FROM events WHERE ticket_id = ?1 ORDER BY id"]
    {
        let mut stmt = conn.prepare_cached(sql).unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([id]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            for c in 0..n {
                std::hint::black_box(r.get_ref(c).unwrap());
            }
        }
    }
}

/// The query's words, quoted, the last as a prefix, OR-ed (what suggest
/// hands FTS5 before its typo and synonym layers).
pub fn match_expr(q: &str) -> Option<String> {
    let words: Vec<String> =
        q.split(|c: char| !c.is_alphanumeric()).filter(|w| w.len() > 1).map(|w| format!("\"{w}\"")).collect();
    (!words.is_empty()).then(|| format!("{}*", words.join(" OR ")))
}

/// The least a ranked article search costs: bm25 over the articles alone, top 20.
pub fn bare_articles(conn: &Connection, q: &str) {
    let Some(expr) = match_expr(q) else { return };
    let sql = "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?1
               ORDER BY bm25(articles_fts, 10.0, 6.0, 2.0, 1.0) LIMIT 20";
    let mut stmt = conn.prepare_cached(sql).unwrap();
    std::hint::black_box(stmt.query_map([&expr], |r| r.get::<_, i64>(0)).unwrap().count());
}

/// The naive ranked search one would write first: bm25 over every ticket.
pub fn naive_tickets(conn: &Connection, q: &str) {
    let Some(expr) = match_expr(q) else { return };
    let sql = "SELECT rowid FROM tickets_fts WHERE tickets_fts MATCH ?1 ORDER BY bm25(tickets_fts) LIMIT 20";
    let mut stmt = conn.prepare_cached(sql).unwrap();
    std::hint::black_box(stmt.query_map([&expr], |r| r.get::<_, i64>(0)).unwrap().count());
}

pub fn run(db: &Path, scale: &corpus::Scale, detail: bool) -> Warm {
    let mut desk = open(db);
    let conn = Connection::open(db).unwrap();
    let filters = filters(&desk);

    // Queue first page with filters, 200 loads a pass.
    let mut slow = Vec::new();
    let queue = Pair::measure(
        || {
            sample(200, |i| {
                let t = Instant::now();
                console_queue(&mut desk, &filters[i % filters.len()]);
                slow.push((t.elapsed(), i % filters.len()));
            })
        },
        || {
            sample(200, |i| {
                std::hint::black_box(bare_queue(&conn, &filters[i % filters.len()]));
            })
        },
    );
    let queue_rows = queue_rows(&mut desk, &filters);
    if detail {
        slow.sort();
        for (d, i) in slow.iter().rev().take(4) {
            eprintln!("  slow queue {:>7.2} ms  {:?}", ms(*d), filters[*i]);
        }
    }

    // `ticket show` of the long (~50-event) tickets.
    let long: Vec<i64> = (0..scale.tickets)
        .filter(|i| i % corpus::LONG_EVERY == corpus::LONG_OFFSET)
        .map(|i| i as i64 + 1)
        .collect();
    let show_events = desk.ticket(TicketId(long[0])).unwrap().events.len();
    let show = Pair::measure(
        || {
            sample(200, |i| {
                desk.ticket(TicketId(long[i % long.len()])).unwrap();
            })
        },
        || sample(200, |i| bare_show(&conn, long[i % long.len()])),
    );

    // suggest for 200 realistic queries (a fifth typo'd, a quarter half-typed).
    let queries = corpus::queries(200, scale.seed);
    let ctx = SuggestContext::default();
    for q in queries.iter().take(20) {
        desk.suggest(q, &ctx, 8).unwrap(); // warm the vocabulary cache, as a running console has it
    }
    let mut slow = Vec::new();
    let suggest = Pair::measure(
        || {
            sample(queries.len(), |i| {
                let t = Instant::now();
                desk.suggest(&queries[i], &ctx, 8).unwrap();
                slow.push((t.elapsed(), i));
            })
        },
        || sample(queries.len(), |i| bare_articles(&conn, &queries[i])),
    );
    if detail {
        slow.sort();
        for (d, i) in slow.iter().rev().take(6) {
            eprintln!("  slow suggest {:>7.2} ms  {:?}", ms(*d), queries[*i]);
        }
    }
    let naive = Stat::median(
        &(0..PASSES)
            .map(|_| Stat::of(&sample(queries.len(), |i| naive_tickets(&conn, &queries[i]))))
            .collect::<Vec<_>>(),
    );

    let (keystroke, keys) = keystrokes(db, &queries);
    let (weekly, weekly_schools, week_tickets) = weekly(&desk, &conn);
    Warm {
        queue,
        queue_rows,
        show,
        show_events,
        suggest,
        naive,
        keystroke,
        keys,
        weekly,
        weekly_schools,
        week_tickets,
    }
}

/// A keystroke in the new-ticket form to the next frame, suggestions
/// updated: 20 queries typed letter by letter as a technician would. The
/// floor of each keystroke is one suggest of the same text (on a second
/// warm connection) plus one frame draw of the same screen.
pub fn keystrokes(db: &Path, queries: &[String]) -> (Pair, usize) {
    let mut fdesk = open(db);
    let floor_desk = open(db);
    let me = fdesk.me().unwrap();
    let mut app = App::new(me, fdesk.now(), Theme { color: true }, (120, 40));
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let fx = app.update(Action::NewTicket);
    settle(&mut fdesk, &mut app, fx);
    app.update(Action::NextField); // to the subject (no requester needed to search)
    for q in queries.iter().take(20) {
        floor_desk.suggest(q, &SuggestContext::default(), FORM_SUGGESTIONS).unwrap();
        // warm its cache too
    }
    let mut figs = Vec::new();
    let mut floors = Vec::new();
    let mut keys = 0;
    for _ in 0..PASSES {
        let (mut fig, mut floor) = (Vec::new(), Vec::new());
        for q in queries.iter().take(20) {
            let mut typed = String::new();
            for c in q.chars() {
                typed.push(c);
                let t = Instant::now();
                let fx = app.update(Action::Input(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)));
                settle(&mut fdesk, &mut app, fx);
                draw(&mut term, &app);
                fig.push(t.elapsed());
                let t = Instant::now();
                let new = NewTicket { subject: typed.clone(), ..NewTicket::default() };
                std::hint::black_box(floor_desk.suggest_for_new(&new, FORM_SUGGESTIONS).unwrap());
                draw(&mut term, &app);
                floor.push(t.elapsed());
            }
            for _ in 0..q.chars().count() {
                let fx = app.update(Action::Input(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE)));
                settle(&mut fdesk, &mut app, fx);
            }
        }
        keys = fig.len();
        fig.sort();
        floor.sort();
        figs.push(Stat::of(&fig));
        floors.push(Stat::of(&floor));
    }
    (Pair { fig: Stat::median(&figs), floor: Stat::median(&floors) }, keys)
}

/// `report weekly` for every school, the last complete week, beside one
/// GROUP BY over the week's events (by school and kind). Five runs a pass.
fn weekly(desk: &Desk, conn: &Connection) -> (Pair, usize, i64) {
    let q = ReportQuery::default();
    let report = desk.weekly_report(&q).unwrap();
    let (from, to) = report.week.window(chrono_tz::Europe::London);
    let (from, to) = (from.timestamp(), to.timestamp());
    let week_tickets: i64 = conn
        .query_row(
            "SELECT count(*) FROM tickets WHERE created_at >= ?1 AND created_at < ?2",
            [from, to],
            |r| r.get(0),
        )
        .unwrap();
    let pair = Pair::measure(
        || {
            sample(5, |_| {
                std::hint::black_box(desk.weekly_report(&q).unwrap());
            })
        },
        || {
            sample(5, |_| {
                let mut stmt = conn
                    .prepare_cached(
                        "SELECT t.school_id, e.kind, count(*) FROM events e JOIN tickets t ON t.id = e.ticket_id
                          WHERE e.at >= ?1 AND e.at < ?2 GROUP BY t.school_id, e.kind",
                    )
                    .unwrap();
                std::hint::black_box(stmt.query_map([from, to], |r| r.get::<_, i64>(2)).unwrap().count());
            })
        },
    );
    (pair, report.schools.len(), week_tickets)
}
