//! The cold pass (issue #22 point 2): after the OS page cache is dropped
//! (as root: `sync; echo 3 > /proc/sys/vm/drop_caches`), the first suggest,
//! the first queue page and the console's first frame with its queue, each
//! beside its cold floor (the same bare SQL as the warm floors, on a
//! freshly opened connection after the same drop). Skipped with a note
//! when the cache cannot be dropped.

use super::warm::{bare_articles, bare_queue, console_queue, draw, open, settle};
use super::{ms, Stat, PASSES};
use crate::corpus;
use deskside::domain::TicketFilter;
use deskside::search::SuggestContext;
use deskside::tui::{app::App, theme::Theme};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use rusqlite::Connection;
use std::path::Path;
use std::time::{Duration, Instant};

/// Drops the OS page cache; false when not permitted (not root, a container).
pub fn drop_caches() -> bool {
    let synced = std::process::Command::new("sync").status().map(|s| s.success()).unwrap_or(false);
    synced && std::fs::write("/proc/sys/vm/drop_caches", "3\n").is_ok()
}

pub struct Cold {
    /// (what, figure, floor) per measure, medians over PASSES drops.
    pub rows: Vec<(&'static str, Stat, Stat)>,
}

/// Times `f` once after a drop of the page cache.
fn cold(f: impl FnOnce()) -> Duration {
    drop_caches();
    let t = Instant::now();
    f();
    t.elapsed()
}

fn one(v: Duration) -> Stat {
    Stat { p50: ms(v), p99: ms(v) }
}

pub fn measure(db: &Path, seed: u64) -> Option<Cold> {
    if !drop_caches() {
        return None;
    }
    let q = corpus::queries(1, seed).remove(0);
    let f = TicketFilter { limit: Some(500), ..TicketFilter::default() };
    let (mut sug, mut sugf, mut que, mut quef, mut frame, mut framef) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..PASSES {
        sug.push(one(cold(|| {
            let desk = open(db);
            std::hint::black_box(desk.suggest(&q, &SuggestContext::default(), 8).unwrap());
        })));
        sugf.push(one(cold(|| {
            let conn = Connection::open(db).unwrap();
            bare_articles(&conn, &q);
        })));
        que.push(one(cold(|| {
            let mut desk = open(db);
            console_queue(&mut desk, &f);
        })));
        quef.push(one(cold(|| {
            let conn = Connection::open(db).unwrap();
            std::hint::black_box(bare_queue(&conn, &f));
        })));
        frame.push(one(cold(|| {
            let mut desk = open(db);
            let me = desk.me().unwrap();
            let mut app = App::new(me, desk.now(), Theme { color: true }, (120, 40));
            let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
            draw(&mut term, &app);
            let start = app.start();
            settle(&mut desk, &mut app, start);
            draw(&mut term, &app);
        })));
        // Its floor: open the file, the bare queue SELECT, one frame.
        framef.push(one(cold(|| {
            let conn = Connection::open(db).unwrap();
            std::hint::black_box(bare_queue(&conn, &f));
            let desk = open(db);
            let app = App::new(desk.me().unwrap(), desk.now(), Theme { color: true }, (120, 40));
            let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
            draw(&mut term, &app);
        })));
    }
    Some(Cold {
        rows: vec![
            ("cold: first suggest (open + 1 query)", Stat::median(&sug), Stat::median(&sugf)),
            ("cold: first queue page (open + load)", Stat::median(&que), Stat::median(&quef)),
            ("cold: console first frame, queue shown", Stat::median(&frame), Stat::median(&framef)),
        ],
    })
}
