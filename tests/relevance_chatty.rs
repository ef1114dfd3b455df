//! Search on real, chatty questions (issue 23, point 11): the questions in
//! tests/relevance/chatty.toml (written before the ranking was tuned) over a
//! knowledge base nobody here wrote (GNOME Help, tests/relevance/gnome-help).
//! Prints hit@3 for `suggest` (what the console and `deskside suggest`
//! show) and for knowledge-base search, with every miss, and holds both to
//! a floor. The issue's own examples over the demo knowledge base follow.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

use deskside::clock::FixedClock;
use deskside::search::{ArticleScope, SuggestContext, SuggestionKind};
use deskside::service::{Desk, InitOptions};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;

const QUERIES: &str = include_str!("relevance/chatty.toml");
/// Floors for hit@3 over the chatty set. Before this work: suggest 28/54,
/// search 42/54; with chatter left out, partial answers offered, vowel
/// slips corrected and a few everyday names added to the synonyms:
/// suggest 42/54, search 44/54. The floors sit three questions below, so a
/// change of wording elsewhere passes but losing a real behaviour (the
/// coverage filter emptying chatty questions again) fails.
const SUGGEST_FLOOR: usize = 39;
const SEARCH_FLOOR: usize = 41;

#[derive(Deserialize)]
struct Cases {
    case: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    query: String,
    expect: Vec<String>,
}

fn desk(demo: bool) -> (tempfile::TempDir, Desk) {
    let dir = tempfile::tempdir().unwrap();
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z").unwrap().to_utc();
    let opts = InitOptions { demo, ..InitOptions::default() };
    let desk =
        Desk::init(&dir.path().join("d.db"), &opts, Box::new(FixedClock(now)), "lead", "lead").unwrap();
    (dir, desk)
}

struct Score {
    hits: usize,
    misses: Vec<String>,
}

fn score(cases: &[Case], ids: &HashMap<String, i64>, top3: impl Fn(&str) -> Vec<i64>) -> Score {
    let names: HashMap<i64, &str> = ids.iter().map(|(k, v)| (*v, k.as_str())).collect();
    let mut s = Score { hits: 0, misses: Vec::new() };
    for c in cases {
        let got = top3(&c.query);
        if got.iter().any(|id| c.expect.iter().any(|e| ids[e] == *id)) {
            s.hits += 1;
        } else {
            let got: Vec<&str> = got.iter().map(|id| names.get(id).copied().unwrap_or("?")).collect();
            s.misses.push(format!("  {:?}: expected {:?}, got {:?}", c.query, c.expect, got));
        }
    }
    s
}

#[test]
fn chatty_questions_over_a_knowledge_base_we_did_not_write() {
    let cases: Cases = toml::from_str(QUERIES).expect("chatty.toml parses");
    let cases = cases.case;
    assert!(cases.len() >= 40, "the set needs at least 40 questions");
    let (_dir, mut desk) = desk(false);
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/relevance/gnome-help/articles");
    let report = desk.import_markdown(&folder).unwrap();
    assert!(report.created.len() > 57, "larger than the demo knowledge base");
    let ids: HashMap<String, i64> =
        report.created.iter().map(|a| (a.file.trim_end_matches(".md").to_string(), a.id.get())).collect();
    // Every expected article exists, or a case could never hit and would
    // quietly lower the bar.
    for c in &cases {
        assert!(!c.expect.is_empty(), "{:?} expects nothing", c.query);
        for e in &c.expect {
            assert!(ids.contains_key(e), "{:?} expects an unknown article {e:?}", c.query);
        }
    }
    let ctx = SuggestContext::default();
    if std::env::var("CHATTY_DUMP").is_ok() {
        for c in &cases {
            println!("{} -> {:?}", c.query, c.expect);
            for h in desk.search_articles(&c.query, &ArticleScope::default(), &ctx, 5).unwrap() {
                println!("    {:.3} cov {:.2}  {}", h.score, h.coverage, h.article.title);
            }
        }
    }
    let suggest = score(&cases, &ids, |q| {
        let list = desk.suggest(q, &ctx, 3).unwrap();
        list.iter().filter(|s| s.kind == SuggestionKind::Article).map(|s| s.id).collect()
    });
    let search = score(&cases, &ids, |q| {
        let hits = desk.search_articles(q, &ArticleScope::default(), &ctx, 3).unwrap();
        hits.iter().map(|h| h.article.id.get()).collect()
    });
    let n = cases.len();
    let pct = |h: usize| h as f64 * 100.0 / n as f64;
    println!("chatty questions over GNOME Help ({} articles):", ids.len());
    println!("suggest hit@3: {}/{n} = {:.1}% (floor {SUGGEST_FLOOR})", suggest.hits, pct(suggest.hits));
    for m in &suggest.misses {
        println!("{m}");
    }
    println!("kb search hit@3: {}/{n} = {:.1}% (floor {SEARCH_FLOOR})", search.hits, pct(search.hits));
    for m in &search.misses {
        println!("{m}");
    }
    assert!(suggest.hits >= SUGGEST_FLOOR, "suggest hit@3 fell:\n{}", suggest.misses.join("\n"));
    assert!(search.hits >= SEARCH_FLOOR, "kb search hit@3 fell:\n{}", search.misses.join("\n"));
}

/// The issue's own examples, over the demo knowledge base.
#[test]
fn the_chatty_questions_of_the_issue() {
    let (_dir, desk) = desk(true);
    let ctx = SuggestContext::default();
    let suggested = |q: &str| -> Vec<String> {
        let list = desk.suggest(q, &ctx, 8).unwrap();
        list.iter().filter(|s| s.kind == SuggestionKind::Article).map(|s| s.title.clone()).collect()
    };
    let searched = |q: &str| -> Vec<String> {
        let hits = desk.search_articles(q, &ArticleScope::default(), &ctx, 8).unwrap();
        hits.into_iter().map(|h| h.article.title).collect()
    };

    // Chatty wording no longer fails the coverage filter, and the typo is
    // the app's name, not "authenticate".
    let q = "got a new phone and now the authenticater code thing doesnt work so i cant log in";
    let (s, k) = (suggested(q), searched(q));
    assert!(k[0].contains("Authenticator"), "{k:?}");
    assert_eq!(s.first(), k.first(), "suggest keeps what kb search ranks first: {s:?}");

    // A room number changes nothing.
    let twelve = suggested("wifi keeps dropping in room 12");
    assert!(!twelve.is_empty());
    assert_eq!(twelve, suggested("wifi keeps dropping in room 13"));
    assert_eq!(twelve, suggested("wifi keeps dropping"));

    // Places and times do not empty the list; the answer is among the first.
    let projector = suggested("projecter not workin in the hall");
    assert!(projector.iter().take(3).any(|t| t.contains("Projector")), "{projector:?}");
    let slow = suggested("taking ages to log in every morning");
    assert!(slow.iter().take(3).any(|t| t.contains("Slow logon")), "{slow:?}");
}
