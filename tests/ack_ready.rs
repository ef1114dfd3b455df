//! A new ticket's acknowledgement articles are ranked before its write
//! transaction (outside the write lock every other technician waits for),
//! and used only while they still hold: the same ticket, no article changed.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use deskside::clock::FixedClock;
use deskside::domain::{ArticleId, NewTicket, TicketId};
use deskside::service::kb::ArticleEdit;
use deskside::service::mail::ack::{Ready, CONFIDENCE};
use deskside::service::mail::ingest::IngestOptions;
use deskside::service::portal_auth::{LinkOutcome, RequestDraft, Requester};
use deskside::service::suggest::Cache;
use deskside::service::{Desk, InitOptions};
use serde::Deserialize;

const CASES: &str = include_str!("relevance/ack_labelled.toml");
const REQUESTER: &str = "r.hughes@stbedes.sch.uk";

#[derive(Deserialize)]
struct Cases {
    case: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    subject: String,
    body: String,
}

fn demo() -> (tempfile::TempDir, Desk) {
    let dir = tempfile::tempdir().unwrap();
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z").unwrap().to_utc();
    let opts = InitOptions { demo: true, ..InitOptions::default() };
    let desk =
        Desk::init(&dir.path().join("d.db"), &opts, Box::new(FixedClock(now)), "lead", "lead").unwrap();
    (dir, desk)
}

fn new_ticket(subject: &str, body: &str) -> NewTicket {
    NewTicket {
        subject: subject.into(),
        body: body.into(),
        requester: REQUESTER.into(),
        ..NewTicket::default()
    }
}

/// The article ids the queued acknowledgement of ticket `id` offers.
fn queued(desk: &Desk, id: TicketId) -> Vec<i64> {
    let json: String = desk
        .store()
        .conn()
        .query_row("SELECT suggestions FROM mail_outbox WHERE ticket_id = ?1 AND kind = 'ack'", [id.0], |r| {
            r.get(0)
        })
        .unwrap();
    let v: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    v.iter().map(|s| s["id"].as_i64().unwrap()).collect()
}

#[test]
fn every_acknowledgement_offers_what_the_confident_ranking_offers() {
    let cases: Cases = toml::from_str(CASES).unwrap();
    let (_dir, mut desk) = demo();
    let mut offered = 0;
    for c in &cases.case {
        let want: Vec<i64> = CONFIDENCE
            .pick(&desk.acknowledgement_candidates(&c.subject, &c.body, Some("BEDE")).unwrap())
            .iter()
            .map(|h| h.article.id.0)
            .collect();
        let t = desk.create_ticket(&new_ticket(&c.subject, &c.body)).unwrap();
        assert_eq!(queued(&desk, t.id), want, "{}", c.subject);
        offered += usize::from(!want.is_empty());
    }
    assert!(offered * 2 > cases.case.len(), "most labelled messages get an article ({offered})");
}

#[test]
fn a_portal_request_is_acknowledged_with_the_confident_articles() {
    let (_dir, mut desk) = demo();
    let (subject, details) = ("Photocopier jammed", "Paper jam in tray 2 on the staff room copier again");
    let want: Vec<i64> = CONFIDENCE
        .pick(&desk.acknowledgement_candidates(subject, details, Some("BEDE")).unwrap())
        .iter()
        .map(|h| h.article.id.0)
        .collect();
    assert!(!want.is_empty(), "the demo's paper-jam article is confident here");
    let who = Requester { email: REQUESTER.into(), school: Some("BEDE".into()) };
    let draft = RequestDraft {
        name: "Rachel Hughes".into(),
        subject: subject.into(),
        details: details.into(),
        category: None,
    };
    let id = desk.portal_submit(&who, &draft).unwrap();
    assert_eq!(queued(&desk, id), want);

    // A request written before signing in is logged when the mailed link is
    // used, acknowledged alike, and the link works once.
    let Ok(LinkOutcome::Sent(link)) = desk.portal_send_link(REQUESTER, Some(&draft), "https://help.example")
    else {
        panic!("a school address gets a link")
    };
    let token = link.rsplit('/').next().unwrap();
    let signed = desk.portal_sign_in(token).unwrap();
    let id = signed.ticket.expect("the waiting request is logged");
    assert_eq!(queued(&desk, id), want);
    assert!(desk.portal_sign_in(token).is_err(), "a used link is refused");
}

#[test]
fn a_mailed_request_is_acknowledged_with_the_confident_articles() {
    let cases: Cases = toml::from_str(CASES).unwrap();
    let (_dir, mut desk) = demo();
    let mut offered = 0;
    for (i, c) in cases.case.iter().take(12).enumerate() {
        let raw = format!(
            "From: Rachel Hughes <{REQUESTER}>\r\nTo: help@desk.example\r\nSubject: {}\r\n\
             Message-ID: <ack-ready-{i}@stbedes.sch.uk>\r\nDate: Tue, 24 Nov 2026 09:00:00 +0000\r\n\
             Content-Type: text/plain; charset=utf-8\r\n\r\n{}\r\n",
            c.subject, c.body
        );
        let report = desk.ingest_mail(raw.as_bytes(), "test", &IngestOptions::default()).unwrap();
        let id = report.ticket.expect("a new ticket");
        let t = desk.ticket(id).unwrap().ticket;
        let want: Vec<i64> = CONFIDENCE
            .pick(&desk.acknowledgement_candidates(&t.subject, &t.body, Some("BEDE")).unwrap())
            .iter()
            .map(|h| h.article.id.0)
            .collect();
        assert_eq!(queued(&desk, id), want, "{}", c.subject);
        offered += usize::from(!want.is_empty());
    }
    assert!(offered > 0, "some mailed requests get an article");
}

#[test]
fn ranked_articles_are_refused_for_another_ticket_or_after_an_article_changed() {
    let (_dir, mut desk) = demo();
    let (subject, body) = ("Forgotten password", "I can't log in to my laptop, I forgot my password");
    let rank = |desk: &Desk, school: &str| {
        Ready::rank(desk.store().conn(), &Cache::default(), subject, body, school, None).unwrap()
    };
    let ready = rank(&desk, "BEDE");
    let t = desk.create_ticket(&new_ticket(subject, body)).unwrap();
    let conn = desk.store().conn();
    let fitted = ready.clone().fits(conn, &t).unwrap().expect("ranked for this very ticket");
    assert!(!fitted.is_empty(), "the demo's password article is offered");
    assert_eq!(fitted.iter().map(|s| s.id.unwrap().0).collect::<Vec<_>>(), queued(&desk, t.id));

    let other = desk.create_ticket(&new_ticket("Printer jammed", body)).unwrap();
    assert!(ready.clone().fits(desk.store().conn(), &other).unwrap().is_none(), "another subject");
    assert!(rank(&desk, "OTHER").fits(desk.store().conn(), &t).unwrap().is_none(), "another school");

    let edit = ArticleEdit { title: Some("Printer jams: what to try".into()), ..ArticleEdit::default() };
    let article = fitted[0].id.unwrap_or(ArticleId(1));
    desk.edit_article(article, &edit, None).unwrap();
    assert!(ready.fits(desk.store().conn(), &t).unwrap().is_none(), "an article changed since");
}

/// (school, article, uses) rows.
type Uses = Vec<(i64, i64, i64)>;

/// The uses as kept by migration 0020's triggers, and as counted from the
/// links themselves.
fn uses(desk: &Desk) -> (Uses, Uses) {
    let conn = desk.store().conn();
    let read = |sql: &str| -> Uses {
        let mut stmt = conn.prepare(sql).unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect()
    };
    (
        read("SELECT school_id, article_id, uses FROM article_school_uses WHERE uses > 0 ORDER BY 1, 2"),
        read(
            "SELECT t.school_id, ta.article_id, count(*) FROM ticket_articles ta
               JOIN tickets t ON t.id = ta.ticket_id GROUP BY 1, 2 ORDER BY 1, 2",
        ),
    )
}

#[test]
fn the_school_boost_counts_follow_links_and_a_ticket_moving_school() {
    let (_dir, mut desk) = demo();
    let (kept, counted) = uses(&desk);
    assert!(!counted.is_empty(), "the demo links articles to solved tickets");
    assert_eq!(kept, counted, "after the demo's links");

    let t = desk.create_ticket(&new_ticket("Projector has no signal", "Nothing on the screen")).unwrap();
    assert!(desk.link_article(t.id, ArticleId(1)).unwrap());
    assert!(desk.link_article(t.id, ArticleId(2)).unwrap());
    let (kept, counted) = uses(&desk);
    assert_eq!(kept, counted, "after two new links");

    // A ticket's school changes when its requester is corrected: its links'
    // counts move with it.
    let conn = desk.store().conn();
    let other: i64 = conn
        .query_row(
            "SELECT id FROM schools WHERE id <> (SELECT school_id FROM tickets WHERE id = ?1) LIMIT 1",
            [t.id.0],
            |r| r.get(0),
        )
        .unwrap();
    conn.execute("UPDATE tickets SET school_id = ?1 WHERE id = ?2", [other, t.id.0]).unwrap();
    let (kept, counted) = uses(&desk);
    assert_eq!(kept, counted, "after the ticket moved school");
}
