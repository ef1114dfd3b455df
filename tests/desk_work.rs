//! Issue 19, the service side of the console's work features: drafts kept
//! per technician and ticket (and erased, purged and never exported with
//! the requester's data), undo of close, take and publish as real reverse
//! operations, ownership that follows the work, canned fill-ins and a
//! caller's tickets.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;

use chrono::DateTime;
use common::Env;
use deskside::clock::FixedClock;
use deskside::domain::{ArticleId, CannedId, Status, TicketId, Version};
use deskside::service::Desk;

fn desk(env: &Env, login: &str) -> Desk {
    let now = DateTime::parse_from_rfc3339(common::NOW).unwrap().to_utc();
    Desk::open(&env.db, Box::new(FixedClock(now)), login, "tester").unwrap()
}

fn drafts(env: &Env) -> i64 {
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    conn.query_row("SELECT count(*) FROM drafts", [], |r| r.get(0)).unwrap()
}

#[test]
fn drafts_are_kept_per_technician_and_ticket_and_removed_when_blank() {
    let env = Env::new().with_people();
    let id = TicketId(env.ticket("Printer jammed"));
    let mut tone = desk(&env, "tone");
    tone.save_draft(Some(id), "reply", "Half a reply").unwrap();
    tone.save_draft(Some(id), "reply", "Half a reply, more").unwrap();
    tone.save_draft(None, "new-ticket", "{\"subject\":\"Projector\"}").unwrap();
    let mut ttwo = desk(&env, "ttwo");
    ttwo.save_draft(Some(id), "reply", "Tam's own").unwrap();
    let mine: Vec<(Option<TicketId>, String, String)> =
        tone.drafts().unwrap().into_iter().map(|d| (d.ticket_id, d.kind, d.body)).collect();
    assert_eq!(
        mine,
        [
            (Some(id), "reply".to_string(), "Half a reply, more".to_string()),
            (None, "new-ticket".to_string(), "{\"subject\":\"Projector\"}".to_string())
        ]
    );
    assert_eq!(ttwo.drafts().unwrap().len(), 1, "each technician has their own");
    tone.save_draft(Some(id), "reply", "   ").unwrap();
    assert!(!tone.drop_draft(Some(id), "reply").unwrap(), "blank text removed it");
    assert!(tone.drop_draft(None, "new-ticket").unwrap());
    assert!(tone.drafts().unwrap().is_empty());
    // Bad input is refused with one line and nothing written.
    let e = tone.save_draft(Some(TicketId(99_999)), "reply", "x").unwrap_err().to_string();
    assert!(e.contains("#99999 not found"), "{e}");
    let e = tone.save_draft(Some(id), "Reply; DROP", "x").unwrap_err().to_string();
    assert!(e.contains("invalid draft kind"), "{e}");
    assert_eq!(drafts(&env), 1);
}

#[test]
fn drafts_are_never_exported_and_go_with_an_erased_requester_or_purged_ticket() {
    let env = Env::new().with_people();
    let id = TicketId(env.ticket("Printer jammed"));
    let other = env.json(&["ticket", "new", "--subject", "Wifi", "--requester", "b.khan@hillside.sch.uk"]);
    let other = TicketId(other["id"].as_i64().unwrap());
    let mut tone = desk(&env, "tone");
    tone.save_draft(Some(id), "reply", "SECRET-DRAFT-ONE").unwrap();
    tone.save_draft(Some(other), "note", "Bilal's, and Rachel Hughes called too").unwrap();
    tone.save_draft(None, "new-ticket", "{\"requester\":\"r.hughes@stbedes.sch.uk\"}").unwrap();
    tone.save_draft(Some(other), "reply", "Bilal only").unwrap();
    let out = env.cmd().args(["export", "json"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("SECRET-DRAFT-ONE"), "drafts are not exported");
    let erased = env.json(&["requester", "erase", "r.hughes@stbedes.sch.uk"]);
    assert_eq!(erased["drafts"], 3, "{erased}");
    let left: Vec<String> = tone.drafts().unwrap().into_iter().map(|d| d.body).collect();
    assert_eq!(left, ["Bilal only"]);
    // Retention: a closed ticket whose text is purged loses its drafts.
    env.run(&["ticket", "close", &other.to_string()]).success();
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    conn.execute("UPDATE tickets SET closed_at = closed_at - 5 * 366 * 86400 WHERE id = ?1", [other])
        .unwrap();
    env.run(&["purge"]).success();
    assert!(tone.drafts().unwrap().is_empty(), "purged with the ticket's text");
}

#[test]
fn undo_close_restores_the_status_with_its_own_event_and_checks_the_version() {
    let env = Env::new().with_people();
    let id = TicketId(env.ticket("Visualiser flickers"));
    let mut tone = desk(&env, "tone");
    let taken = tone.take(id, None).unwrap();
    let closed = tone.close(id, Some(taken.version)).unwrap();
    let back = tone.undo_close(id, closed.version).unwrap();
    assert_eq!((back.status, back.closed_at), (Status::Open, None));
    let d = env.json(&["ticket", "show", &id.to_string()]);
    let last = d["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["kind"].as_str(), last["old_value"].as_str()),
        (Some("status"), Some("closed")),
        "{last}"
    );
    assert_eq!((last["new_value"].as_str(), last["body"].as_str()), (Some("open"), Some("undo")));
    let audit = env.json(&["audit"]);
    assert!(audit.to_string().contains("undo"), "{audit}");
    // Once the window's version has moved on, undo is refused.
    let closed = tone.close(id, None).unwrap();
    env.run(&["ticket", "reopen", &id.to_string()]).success();
    let e = tone.undo_close(id, closed.version).unwrap_err().to_string();
    assert!(e.contains("was changed by lead"), "{e}");
    // A resolved ticket closed goes back to resolved; someone else's close is not ours to undo.
    let r = env.json(&["ticket", "resolve", &id.to_string(), "--message", "Cable swapped"]);
    let closed = tone.close(id, r["version"].as_i64().map(Version)).unwrap();
    assert_eq!(tone.undo_close(id, closed.version).unwrap().status, Status::Resolved);
    let c = env.json(&["ticket", "close", &id.to_string()]);
    let e = tone.undo_close(id, Version(c["version"].as_i64().unwrap())).unwrap_err().to_string();
    assert!(e.contains("not closed by you"), "{e}");
}

#[test]
fn undo_take_gives_the_ticket_back_to_who_had_it() {
    let env = Env::new().with_people();
    let id = TicketId(env.ticket("SIMS won't load"));
    let mut tone = desk(&env, "tone");
    let t = tone.take(id, None).unwrap();
    let back = tone.undo_take(id, t.version).unwrap();
    assert_eq!((back.assignee.as_deref(), back.status), (None, Status::New), "new again, nobody's");
    let mut ttwo = desk(&env, "ttwo");
    let t = ttwo.take(id, None).unwrap();
    let t = tone.take(id, Some(t.version)).unwrap();
    let back = tone.undo_take(id, t.version).unwrap();
    assert_eq!((back.assignee.as_deref(), back.status), (Some("ttwo"), Status::Open));
    let e = tone.undo_take(id, back.version).unwrap_err().to_string();
    assert!(e.contains("not yours"), "{e}");
}

#[test]
fn undo_publish_puts_the_article_back_to_draft() {
    let env = Env::demo();
    let mut lead = desk(&env, "lead");
    let drafts = env.json(&["kb", "list", "--status", "draft"]);
    let id = ArticleId(drafts[0]["id"].as_i64().unwrap());
    let a = lead.publish_article(id, None).unwrap();
    let back = lead.unpublish_article(id, a.version).unwrap();
    assert_eq!(back.status.as_str(), "draft");
    assert!(back.published_at.is_none());
    let e = lead.unpublish_article(id, back.version).unwrap_err().to_string();
    assert!(e.contains("it is draft"), "{e}");
}

#[test]
fn a_hand_back_returns_to_the_escalator_and_the_resolver_becomes_assignee() {
    let env = Env::new().with_people();
    let id = env.ticket("Shared drive missing").to_string();
    env.run_as("tone", &["ticket", "take", &id]).success();
    env.run_as("tone", &["ticket", "escalate", &id, "--to", "2", "--reason", "Needs rights"]).success();
    env.run_as("ttwo", &["ticket", "take", &id]).success();
    let t = env.json_as("ttwo", &["ticket", "handback", &id, "--to", "1", "--note", "Fixed; confirm"]);
    assert_eq!(t["assignee"], "tone");
    let tone = desk(&env, "tone");
    let notices = tone.queue_notices().unwrap();
    assert_eq!(notices.handed_back, [id.parse::<TicketId>().unwrap()]);
    env.run(&[
        "ticket",
        "new",
        "--subject",
        "Server down",
        "--requester",
        "b.khan@hillside.sch.uk",
        "--priority",
        "urgent",
    ])
    .success();
    let notices = tone.queue_notices().unwrap();
    assert_eq!(notices.line().as_deref(), Some("1 handed back to you · 1 new urgent"));
    // Once tone works on it, it is no longer news.
    env.run_as("tone", &["ticket", "note", &id, "--internal", "Calling Rachel"]).success();
    assert!(tone.queue_notices().unwrap().handed_back.is_empty());
    // The resolver becomes the assignee (after the resolution on the timeline).
    let t = env.json_as("ttwo", &["ticket", "resolve", &id, "--message", "Drive mapped"]);
    assert_eq!(t["assignee"], "ttwo");
    let d = env.json(&["ticket", "show", &id]);
    let kinds: Vec<&str> =
        d["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds[kinds.len() - 2..], ["status", "assigned"], "{kinds:?}");
}

#[test]
fn canned_fill_ins_are_asked_and_an_edited_canned_reply_is_counted() {
    let env = Env::new().with_people();
    let id = TicketId(env.ticket("Needs software"));
    let body = "Hi {{requester.first_name}}, {{ask:software name}} is installed in {{ask:room}}.";
    let c = env.json(&["canned", "add", "Software installed", "--body", body]);
    let cid = CannedId(c["id"].as_i64().unwrap());
    let (code, err) = env.fail(&["canned", "apply", &id.to_string(), &cid.to_string()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("asks for 'software name'"), "{err}");
    let mut tone = desk(&env, "tone");
    let answers =
        vec![("software name".to_string(), "Scratch".to_string()), ("room".to_string(), "IT2".to_string())];
    let text = tone.render_canned_with(id, cid, &answers).unwrap();
    assert_eq!(text, "Hi Rachel, Scratch is installed in IT2.");
    let t = tone.apply_canned_edited(id, cid, &format!("{text} Shout if not."), true, None).unwrap();
    assert_eq!((t.status, t.assignee.as_deref()), (Status::Resolved, Some("tone")));
    let d = env.json(&["ticket", "show", &id.to_string()]);
    let reply = d["events"].as_array().unwrap().iter().rev().find(|e| e["kind"] == "reply").unwrap().clone();
    assert_eq!(reply["body"], "Hi Rachel, Scratch is installed in IT2. Shout if not.");
    assert_eq!(env.json(&["canned", "show", &cid.to_string()])["uses"], 1);
}

#[test]
fn a_callers_tickets_list_the_open_ones_first() {
    let env = Env::new().with_people();
    let a = env.ticket("Printer jammed");
    let b = env.ticket("Projector dim");
    env.run(&["ticket", "resolve", &a.to_string(), "--message", "Cleared"]).success();
    let c = env.ticket("Wifi slow");
    env.json(&["ticket", "new", "--subject", "Other", "--requester", "b.khan@hillside.sch.uk"]);
    let tone = desk(&env, "tone");
    let ids: Vec<i64> =
        tone.caller_tickets("R.Hughes@stbedes.sch.uk").unwrap().iter().map(|t| t.id.get()).collect();
    assert_eq!(ids, [c, b, a]);
    assert!(tone.caller_tickets("not an email").is_err());
}
