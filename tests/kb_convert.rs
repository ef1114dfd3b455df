//! `ticket to-article`: a draft from a resolved ticket, linked both ways,
//! internal notes only when asked, the publish rule, and the guard against
//! near-duplicates of existing articles.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;
use common::{dump, Env};
use serde_json::Value;

const REQUESTER: &str = "r.hughes@stbedes.sch.uk";

/// A resolved ticket with a problem, a public fix and an internal note.
fn solved(env: &Env, subject: &str, body: &str, fix: &str) -> String {
    let id = env.json(&[
        "ticket",
        "new",
        "--subject",
        subject,
        "--body",
        body,
        "--requester",
        REQUESTER,
        "--category",
        "classroom-av",
    ])["id"]
        .to_string();
    env.run(&["ticket", "note", &id, "--internal", "SECRETNOTE: BIOS password is in the vault"]).success();
    env.run(&["ticket", "resolve", &id, "--message", fix]).success();
    id
}

const CLOCK_FIX: &str = "Hi Rachel,\n\nThe time zone on the board PC was set to US Pacific; I set it to London and resynced the clock.\n\nKind regards,\nLee";

#[test]
fn a_resolved_ticket_becomes_a_linked_draft_without_internal_notes() {
    let env = Env::new().with_people();
    let t = solved(
        &env,
        "Board PC clock is an hour out",
        "The time on the board PC in room 5 is wrong.",
        CLOCK_FIX,
    );
    let a = env.json_as("tone", &["ticket", "to-article", &t]);
    assert_eq!(a["status"], "draft");
    assert_eq!(a["audience"], "public");
    assert_eq!(a["title"], "Board PC clock is an hour out");
    assert_eq!(a["category"], "classroom-av");
    assert_eq!(a["author"], "tone");
    assert_eq!(a["source_ticket"].to_string(), t);
    let body = a["body"].as_str().unwrap();
    assert!(body.contains("## Problem\n\nThe time on the board PC in room 5 is wrong."), "{body}");
    assert!(body.contains("## Solution\n\nThe time zone on the board PC was set to US Pacific"), "{body}");
    assert!(!body.contains("SECRETNOTE"), "internal notes stay out: {body}");
    assert!(
        !body.contains("Hi Rachel") && !body.contains("Kind regards"),
        "the greeting is the requester's: {body}"
    );

    // The ticket's timeline links to the article, for technicians only.
    let events = env.json(&["ticket", "show", &t])["events"].as_array().unwrap().clone();
    let link = events.iter().find(|e| e["kind"] == "article_created").expect("a timeline event");
    assert_eq!(link["internal"], true);
    assert_eq!(link["new_value"], a["id"].to_string());

    let titled =
        env.json(&["ticket", "to-article", &t, "--title", "Board PC shows the wrong time", "--force"]);
    assert_eq!(titled["title"], "Board PC shows the wrong time");
}

#[test]
fn internal_notes_only_when_asked_and_then_the_article_is_internal() {
    let env = Env::new().with_people();
    let t = solved(
        &env,
        "Board PC clock is an hour out",
        "The time on the board PC in room 5 is wrong.",
        CLOCK_FIX,
    );
    let before = dump(&env.db);
    let (code, err) = env.fail(&["ticket", "to-article", &t, "--include-internal", "--audience", "public"]);
    assert_eq!((code, err.contains("internal notes never go into a public")), (2, true), "{err}");
    assert_eq!(dump(&env.db), before);
    let a = env.json(&["ticket", "to-article", &t, "--include-internal"]);
    assert_eq!(a["audience"], "internal");
    assert!(a["body"].as_str().unwrap().contains("## Technician notes (internal)\n\n- SECRETNOTE"), "{a}");
}

#[test]
fn only_resolved_tickets_convert_and_only_tier_2_3_publish() {
    let env = Env::new().with_people();
    let open = env.ticket("Still broken");
    let before = dump(&env.db);
    let (code, err) = env.fail(&["ticket", "to-article", &open.to_string()]);
    assert_eq!((code, err.contains("is new: only a resolved or closed ticket")), (2, true), "{err}");
    let (code, _) = env.fail(&["ticket", "to-article", "999"]);
    assert_eq!(code, 3);
    let t = solved(
        &env,
        "Board PC clock is an hour out",
        "The time on the board PC in room 5 is wrong.",
        CLOCK_FIX,
    );
    let before_publish = dump(&env.db);
    let (code, err) = env.fail_as("tone", &["ticket", "to-article", &t, "--publish"]);
    assert_eq!((code, err.contains("only tier 2/3")), (5, true), "{err}");
    assert_eq!(dump(&env.db), before_publish);
    assert_ne!(before, before_publish);
    let a = env.json_as("ttwo", &["ticket", "to-article", &t, "--publish"]);
    assert_eq!(a["status"], "published");
}

const JAM_ARTICLE: &str = "## Symptoms\n\n- The copier screen shows \"Paper jam\" and a cassette number.\n\n## Fix\n\n1. Open only the cover or cassette the screen names.\n2. Pull the jammed sheet out slowly; remove torn scraps.\n3. Fan the paper in the tray and close all covers.\n\nIf the same tray jams twice a day, log a ticket: the rollers may be worn.\n";

#[test]
fn near_duplicates_of_existing_articles_are_refused_unless_forced() {
    let env = Env::new().with_people();
    let existing = env.json(&[
        "kb",
        "add",
        "--title",
        "Clearing a paper jam on the copiers",
        "--body",
        JAM_ARTICLE,
        "--tag",
        "copier",
        "--tag",
        "paper jam",
        "--publish",
    ])["id"]
        .clone();
    let t = solved(
        &env,
        "Photocopier jammed in the staff room",
        "The photocopier says paper jam in cassette 2 and won't print.",
        "I cleared the paper jam from cassette 2 and pulled out a torn scrap stuck behind the cover.",
    );
    let before = dump(&env.db);
    let (code, err) = env.fail(&["ticket", "to-article", &t]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(&format!("#{existing} \"Clearing a paper jam on the copiers\"")), "{err}");
    assert!(err.contains("% similar") && err.contains("--force"), "{err}");
    assert_eq!(dump(&env.db), before, "a refused draft changes nothing");

    let forced = env.json(&["ticket", "to-article", &t, "--force"]);
    assert_eq!(forced["status"], "draft");
    // The draft just written is now the copy to improve.
    let (code, err) = env.fail(&["ticket", "to-article", &t]);
    assert_eq!(code, 2);
    assert!(err.contains(&format!("#{}", forced["id"])), "{err}");

    // A different problem is not a duplicate.
    let other = solved(
        &env,
        "Board PC clock is an hour out",
        "The time on the board PC in room 5 is wrong.",
        CLOCK_FIX,
    );
    let a: Value = env.json(&["ticket", "to-article", &other]);
    assert_eq!(a["status"], "draft");
}

#[test]
fn a_ticket_resolved_with_an_article_already_has_its_answer() {
    let env = Env::new().with_people();
    let existing = env.json(&[
        "kb",
        "add",
        "--title",
        "Board PC time is wrong",
        "--body",
        "Set the time zone.",
        "--publish",
    ])["id"]
        .to_string();
    let t = env.ticket("Weird projector flicker");
    env.run(&["ticket", "resolve", &t.to_string(), "--article", &existing]).success();
    let (code, err) = env.fail(&["ticket", "to-article", &t.to_string()]);
    assert_eq!(code, 2);
    assert!(err.contains(&format!("#{existing}")) && err.contains("used to resolve this ticket"), "{err}");
}
