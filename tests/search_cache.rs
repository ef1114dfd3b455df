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

/// The acknowledgements of tickets logged in one transaction (as `init
/// --demo` logs ~300) share that transaction's search cache: an article
/// added, edited or archived between two of them is seen by the next.
#[test]
fn acknowledgements_in_one_transaction_follow_its_article_changes() {
    use deskside::domain::NewTicket;
    use deskside::service::{kb, tickets};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.db");
    let mut desk = Desk::init(&db, &InitOptions::default(), clock(), "lead", "lead").unwrap();
    let school = deskside::service::directory::NewSchool {
        name: "St Bede's Primary".into(),
        code: "BEDE".into(),
        domains: vec!["stbedes.sch.uk".into()],
        calendar: None,
    };
    desk.add_school(&school).unwrap();
    desk.add_requester("r.hughes@stbedes.sch.uk", "Rachel Hughes", None).unwrap();
    let ticket = |subject: &str| NewTicket {
        subject: subject.into(),
        requester: "r.hughes@stbedes.sch.uk".into(),
        ..NewTicket::default()
    };
    desk.write(|cx| {
        tickets::create(cx, &ticket("Zorblex adapter reset needed"))?;
        let a = kb::add(cx, &article("Zorblex adapter reset"))?;
        tickets::create(cx, &ticket("Zorblex adapter reset needed"))?;
        // A title sharing no word with the old one: an analysis of the old
        // version kept by mistake would not match the next ticket.
        let edit = kb::ArticleEdit { title: Some("Quuxifier dongle pairing".into()), ..Default::default() };
        kb::edit(cx, a.id, &edit, None)?;
        tickets::create(cx, &ticket("Quuxifier dongle pairing needed"))?;
        kb::archive(cx, a.id, None)?;
        tickets::create(cx, &ticket("Quuxifier dongle pairing needed"))?;
        Ok(())
    })
    .unwrap();
    let offered: Vec<Vec<String>> = desk
        .outbox(None)
        .unwrap()
        .into_iter()
        .filter(|o| o.kind == "ack")
        .map(|o| {
            let s: Vec<serde_json::Value> = serde_json::from_str(&o.suggestions).unwrap();
            s.iter().map(|s| s["title"].as_str().unwrap().to_string()).collect()
        })
        .collect();
    assert_eq!(
        offered,
        [
            vec![],
            vec!["Zorblex adapter reset".to_string()],
            vec!["Quuxifier dongle pairing".to_string()],
            vec![]
        ],
        "before the article, after it, after its new title, after it was archived"
    );
}
