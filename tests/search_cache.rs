//! The console keeps one `Desk` open and calls `suggest` on every keystroke:
//! its cached vocabulary must follow article changes made by this process and
//! by other technicians' processes.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

use deskside::clock::FixedClock;
use deskside::domain::Audience;
use deskside::search::SuggestContext;
use deskside::service::kb::NewArticle;
use deskside::service::{Desk, InitOptions};

fn clock() -> Box<FixedClock> {
    Box::new(FixedClock(chrono::DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z").unwrap().to_utc()))
}

fn article(title: &str) -> NewArticle {
    NewArticle {
        title: title.into(),
        body: "How to fix it.".into(),
        category: None,
        tags: vec![],
        audience: Audience::Public,
        publish: true,
        source_ticket: None,
    }
}

fn titles(desk: &Desk, text: &str) -> Vec<String> {
    desk.suggest(text, &SuggestContext::default(), 5).unwrap().into_iter().map(|s| s.title).collect()
}

#[test]
fn typo_correction_learns_words_of_new_articles_from_any_process() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.db");
    let mut console = Desk::init(&db, &InitOptions::default(), clock(), "lead", "lead").unwrap();
    assert!(titles(&console, "zorblax").is_empty());

    // Another technician's process adds an article.
    let mut other = Desk::open(&db, clock(), "lead", "lead").unwrap();
    other.add_article(&article("Zorblex adapter reset")).unwrap();
    assert_eq!(titles(&console, "zorblax adapter"), ["Zorblex adapter reset"], "a typo of the new word");

    // And this process edits it.
    let id = console.articles(&Default::default()).unwrap()[0].id;
    let edit = deskside::service::kb::ArticleEdit {
        title: Some("Quuxifier adapter reset".into()),
        ..Default::default()
    };
    console.edit_article(id, &edit, None).unwrap();
    assert_eq!(titles(&console, "quuxifyer"), ["Quuxifier adapter reset"]);
    assert!(titles(&other, "zorblax").is_empty(), "the old word is gone for the other process too");
}
