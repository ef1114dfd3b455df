//! Issue 19: an article as the answer on a ticket (reply or resolution,
//! its public text and portal link, the article linked), through the
//! same runner the console uses, on a copy of the demo database.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;

use chrono::DateTime;
use common::Env;
use deskside::clock::FixedClock;
use deskside::domain::{ArticleId, EventKind, Status, TicketFilter, TicketId, Version};
use deskside::service::kb_answer::SendAs;
use deskside::service::Desk;
use deskside::tui::action::{Action, Effect, TicketOp};
use deskside::tui::runner;

const JAM: ArticleId = ArticleId(1);
const INTERNAL: ArticleId = ArticleId(17);
const DRAFT: ArticleId = ArticleId(57);

fn desk(env: &Env) -> Desk {
    let clock = FixedClock(DateTime::parse_from_rfc3339(common::NOW).unwrap().to_utc());
    Desk::open(&env.db, Box::new(clock), "lead", "tester").unwrap()
}

/// An open demo ticket and its version.
fn open_ticket(desk: &Desk) -> (TicketId, Version) {
    let t = desk.tickets(&TicketFilter::default()).unwrap();
    let t = t.iter().find(|t| t.status.is_active()).expect("the demo has open tickets");
    (t.id, t.version)
}

fn article_events(desk: &Desk, id: TicketId) -> Vec<String> {
    let d = desk.ticket(id).unwrap();
    d.events
        .iter()
        .filter(|e| e.kind == EventKind::ArticleLinked)
        .filter_map(|e| e.new_value.clone())
        .collect()
}

#[test]
fn an_article_is_composed_with_its_portal_link_sent_as_the_reply_and_linked() {
    let env = Env::demo();
    let mut desk = desk(&env);
    let (id, version) = open_ticket(&desk);
    let compose = Effect::ComposeArticle { ticket_id: id, article_id: JAM, how: SendAs::Reply };
    let Some(Action::ArticleComposed(a)) = runner::run(&mut desk, compose.clone()) else { panic!() };
    assert!(a.text.starts_with("Clearing a paper jam"), "{}", a.text);
    assert!(!a.text.contains("Read it online"), "no portal configured, no link: {}", a.text);

    desk.set_portal_base_url("https://help.trust.sch.uk/").unwrap();
    let Some(Action::ArticleComposed(a)) = runner::run(&mut desk, compose) else { panic!() };
    assert!(a.text.ends_with("Read it online: https://help.trust.sch.uk/articles/1"), "{}", a.text);

    let uses = desk.article(JAM).unwrap().uses;
    let text = format!("Hi there,\n\n{}", a.text);
    let op = TicketOp::SendArticle { article: JAM, text: text.clone(), how: SendAs::Reply };
    let out = runner::run(&mut desk, Effect::Ticket { id, version, op });
    assert!(matches!(out, Some(Action::TicketChanged(_, ref m)) if m.contains("linked")), "{out:?}");
    let d = desk.ticket(id).unwrap();
    assert!(d.ticket.status.is_active(), "a reply leaves the ticket open");
    let reply = d.events.iter().rev().find(|e| e.kind == EventKind::Reply).unwrap();
    assert_eq!(reply.body.as_deref(), Some(text.as_str()), "the edited text is what is sent");
    assert!(!reply.internal);
    assert_eq!(article_events(&desk, id), ["1"]);
    assert_eq!(desk.article(JAM).unwrap().uses, uses + 1);

    // Linking again reuses the record: no second event, no second use.
    let out = runner::run(&mut desk, Effect::Ticket { id, version, op: TicketOp::LinkArticle(JAM) });
    assert!(matches!(out, Some(Action::TicketChanged(_, ref m)) if m.contains("already linked")), "{out:?}");
    assert_eq!(article_events(&desk, id), ["1"]);
    assert_eq!(desk.article(JAM).unwrap().uses, uses + 1);
}

#[test]
fn an_article_sent_as_the_resolution_resolves_and_links_in_one_go() {
    let env = Env::demo();
    let mut desk = desk(&env);
    let (id, version) = open_ticket(&desk);
    let t = desk.send_article(id, JAM, "Fixed: see the jam article", SendAs::Resolution, version).unwrap();
    assert_eq!(t.status, Status::Resolved);
    assert_eq!(article_events(&desk, id), ["1"]);
    let d = desk.ticket(id).unwrap();
    let reply = d.events.iter().rev().find(|e| e.kind == EventKind::Reply).unwrap();
    assert_eq!(reply.body.as_deref(), Some("Fixed: see the jam article"));
}

#[test]
fn internal_and_draft_articles_are_never_sent_and_a_refusal_changes_nothing() {
    let env = Env::demo();
    let mut desk = desk(&env);
    let (id, version) = open_ticket(&desk);
    let before = desk.ticket(id).unwrap();
    let err = desk.article_message(INTERNAL).unwrap_err().to_string();
    assert!(err.contains("internal") && err.contains("technicians only"), "{err}");
    let err = desk.send_article(id, INTERNAL, "x", SendAs::Reply, version).unwrap_err().to_string();
    assert!(err.contains("internal"), "{err}");
    let err = desk.send_article(id, DRAFT, "x", SendAs::Resolution, version).unwrap_err().to_string();
    assert!(err.contains("draft"), "{err}");
    let after = desk.ticket(id).unwrap();
    assert_eq!(before.events.len(), after.events.len(), "nothing written");
    assert_eq!(before.ticket.version, after.ticket.version);
    // An internal article may still be linked (technicians see it).
    assert!(desk.link_article(id, INTERNAL).unwrap());
    assert!(!desk.link_article(id, INTERNAL).unwrap(), "the second link reuses the first");
    let err = desk.link_article(TicketId(999_999), JAM).unwrap_err().to_string();
    assert!(err.contains("999999"), "{err}");
}

#[test]
fn a_reply_on_a_ticket_resolved_meanwhile_is_a_conflict_and_sends_nothing() {
    let env = Env::demo();
    let mut desk = desk(&env);
    let (id, version) = open_ticket(&desk);
    env.run(&["ticket", "resolve", &id.to_string(), "--message", "done elsewhere"]).success();
    let err = desk.send_article(id, JAM, "text", SendAs::Reply, version).unwrap_err();
    assert!(matches!(err, deskside::Error::Conflict(_)), "{err}");
    assert!(article_events(&desk, id).is_empty(), "not linked either");
}
