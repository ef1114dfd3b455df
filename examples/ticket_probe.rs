//! Probe of the ticket half of suggest on an existing corpus: the FTS5
//! candidate queries alone, per strategy, for the benchmark's 200 queries,
//! beside the bare bm25 over articles (the benchmark's floor) in the same
//! passes.
//!
//!     cargo run --release --example ticket_probe -- DB [STRATEGY...]
// An example, not the product: it may unwrap, expect, panic and cast freely.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

#[allow(dead_code)]
mod corpus;

use deskside::clock::SystemClock;
use deskside::search::query::Query;
use deskside::search::synonyms::Synonyms;
use deskside::search::vocab::Vocab;
use deskside::search::SuggestContext;
use deskside::service::Desk;
use rusqlite::{params, Connection, OpenFlags};
use std::time::Instant;

const LIMIT: usize = 100;

thread_local! {
    static DESK: std::cell::RefCell<Option<std::rc::Rc<Desk>>> = const { std::cell::RefCell::new(None) };
    static TEXT: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

fn reverse(conn: &Connection, expr: &str) -> Vec<i64> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT t.id FROM tickets_fts f JOIN tickets t ON t.id = f.rowid
              WHERE tickets_fts MATCH ?1 AND t.status IN ('resolved', 'closed')
              ORDER BY f.rowid DESC LIMIT ?2",
        )
        .unwrap();
    stmt.query_map(params![expr, LIMIT as i64], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

/// Forward from a rowid lower bound (FTS5 seeks it with the doclist index), newest kept.
fn forward(conn: &Connection, expr: &str, from: i64) -> Vec<i64> {
    let mut stmt = conn
        .prepare_cached("SELECT rowid FROM tickets_fts WHERE tickets_fts MATCH ?1 AND rowid >= ?2")
        .unwrap();
    let mut ids: Vec<i64> =
        stmt.query_map(params![expr, from], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
    ids.reverse();
    ids.truncate(LIMIT * 2);
    ids
}

/// The product's windows (service::suggest::recent_ticket_candidates), copied to time them alone.
fn windows(conn: &Connection, all: Option<&str>, any: &str, (window, span): (i64, i64)) -> usize {
    use deskside::search::postings::Expr;
    use deskside::store::search as fts;
    let all = all.map(|a| Expr::parse(a).unwrap());
    let any = Expr::parse(any).unwrap();
    let mut words = Vec::new();
    any.words(&mut words);
    let newest = fts::newest_solved_ticket_id(conn).unwrap();
    let oldest = (newest - span + 1).max(1);
    let unsolved = fts::unsolved_ids_between(conn, oldest, newest).unwrap();
    let solved = |ids: Vec<i64>, into: &mut Vec<i64>| {
        into.extend(ids.into_iter().rev().filter(|id| !unsolved.contains(id)).take(LIMIT - into.len()));
    };
    let (mut every, mut some): (Vec<i64>, Vec<i64>) = (Vec::new(), Vec::new());
    let mut hi = newest;
    while hi >= oldest {
        // The newest `window` tickets first (enough for most questions),
        // then the rest of the span at once: each word costs one FTS5 query
        // per window, and that, not the rows, is most of the cost.
        let lo = if hi == newest { (hi - window + 1).max(oldest) } else { oldest };
        let mut lists = std::collections::HashMap::new();
        for w in &words {
            lists.insert(w.clone(), fts::ticket_word_ids(conn, w, lo, hi).unwrap());
        }
        if let Some(all) = &all {
            if every.len() < LIMIT {
                solved(all.eval(&lists), &mut every);
            }
        }
        if some.len() < LIMIT {
            solved(any.eval(&lists), &mut some);
        }
        if if all.is_some() { every.len() } else { some.len() } >= LIMIT {
            break;
        }
        hi = lo - 1;
    }
    every.len() + some.len()
}

fn candidates(conn: &Connection, q: &Query, strategy: &str, max: i64) -> usize {
    if let Some(rest) = strategy.strip_prefix("win") {
        let (w, s) = rest.split_once('x').unwrap();
        let all = if q.has_several_known() { q.fts_all(true) } else { None };
        return q
            .fts_any(true)
            .map_or(0, |any| windows(conn, all.as_deref(), &any, (w.parse().unwrap(), s.parse().unwrap())));
    }
    if let Some(desk) = DESK.with(|d| d.borrow().as_ref().map(|d: &std::rc::Rc<Desk>| d.clone())) {
        if strategy == "suggest" {
            return desk
                .suggest(&TEXT.with(|t| t.borrow().clone()), &SuggestContext::default(), 8)
                .unwrap()
                .len();
        }
    }
    let find = |expr: &str| -> Vec<i64> {
        match strategy {
            "reverse" => reverse(conn, expr),
            s if s.starts_with("fwd") => {
                let w: i64 = s[3..].parse().unwrap();
                forward(conn, expr, max - w)
            }
            s => panic!("unknown strategy {s}"),
        }
    };
    let mut ids = Vec::new();
    if q.has_several_known() {
        if let Some(all) = q.fts_all(true) {
            ids = find(&all);
        }
    }
    if ids.len() < LIMIT {
        if let Some(any) = q.fts_any(true) {
            for id in find(&any) {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
    }
    ids.len()
}

fn bare_articles(conn: &Connection, q: &str) {
    let words: Vec<String> =
        q.split(|c: char| !c.is_alphanumeric()).filter(|w| w.len() > 1).map(|w| format!("\"{w}\"")).collect();
    if words.is_empty() {
        return;
    }
    let expr = format!("{}*", words.join(" OR "));
    let sql = "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?1
               ORDER BY bm25(articles_fts, 10.0, 6.0, 2.0, 1.0) LIMIT 20";
    let mut stmt = conn.prepare_cached(sql).unwrap();
    std::hint::black_box(stmt.query_map([&expr], |r| r.get::<_, i64>(0)).unwrap().count());
}

fn pct(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let db = &args[0];
    let strategies: Vec<String> =
        if args.len() > 1 { args[1..].to_vec() } else { vec!["reverse".into(), "fwd1000000".into()] };
    if strategies.iter().any(|s| s == "suggest") {
        let desk = Desk::open(std::path::Path::new(db), Box::new(SystemClock), "lead", "lead").unwrap();
        DESK.with(|d| *d.borrow_mut() = Some(std::rc::Rc::new(desk)));
    }
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let (terms, docs) = deskside::store::search::article_vocab(&conn).unwrap();
    let vocab = Vocab::new(terms, docs).with_extra(Synonyms::builtin().words());
    let max: i64 = conn.query_row("SELECT max(rowid) FROM tickets", [], |r| r.get(0)).unwrap();
    let texts = corpus::queries(200, 42);
    let queries: Vec<Query> =
        texts.iter().map(|t| Query::parse(t, &vocab, Synonyms::builtin(), true)).collect();
    if std::env::var_os("PROBE_EXPR").is_some() {
        for (t, q) in texts.iter().zip(&queries) {
            println!("{t:?}\n  all: {:?}\n  any: {:?}", q.fts_all(true), q.fts_any(true));
        }
    }
    // Warm.
    for (i, q) in queries.iter().enumerate() {
        TEXT.with(|t| t.borrow_mut().clone_from(&texts[i]));
        for s in &strategies {
            candidates(&conn, q, s, max);
        }
    }
    let passes = 3;
    let mut per_query: Vec<Vec<f64>> = vec![vec![0.0; queries.len()]; strategies.len()];
    for pass in 0..passes {
        let mut floor = Vec::new();
        for t in &texts {
            let s = Instant::now();
            bare_articles(&conn, t);
            floor.push(s.elapsed().as_secs_f64() * 1e3);
        }
        print!("pass {pass}: floor p50 {:.2} p99 {:.2}", pct(&mut floor.clone(), 0.5), pct(&mut floor, 0.99));
        for (k, s) in strategies.iter().enumerate() {
            let mut times = Vec::new();
            let mut found = 0;
            for (i, q) in queries.iter().enumerate() {
                TEXT.with(|t| t.borrow_mut().clone_from(&texts[i]));
                let t = Instant::now();
                found += candidates(&conn, q, s, max);
                let ms = t.elapsed().as_secs_f64() * 1e3;
                per_query[k][i] += ms / passes as f64;
                times.push(ms);
            }
            print!(
                " | {s}: p50 {:.2} p99 {:.2} max {:.2} (found {found})",
                pct(&mut times.clone(), 0.5),
                pct(&mut times.clone(), 0.99),
                pct(&mut times, 1.0)
            );
        }
        println!();
    }
    for (k, s) in strategies.iter().enumerate() {
        let mut idx: Vec<usize> = (0..queries.len()).collect();
        idx.sort_by(|&a, &b| per_query[k][b].total_cmp(&per_query[k][a]));
        println!("slowest under {s}:");
        for &i in idx.iter().take(6) {
            println!("  {:>7.2} ms {:?}", per_query[k][i], texts[i]);
        }
    }
}
