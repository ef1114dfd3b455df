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

/// Issue 19, defect 10: the greeting and sign-off stay out of the article,
/// and the duplicate guard asks the knowledge base's own search about the
/// title, so obvious duplicates are caught even when the fix is worded
/// differently.
#[test]
fn the_guard_uses_the_kb_search_and_the_greeting_stays_out() {
    let env = Env::empty();
    env.run(&["init", "--demo", "--name", "Lee Lead"]).success();
    let simran = "s.kaur@stbedes.sch.uk";
    let solved_by = |subject: &str, fix: &str| {
        let id = env.json(&[
            "ticket",
            "new",
            "--subject",
            subject,
            "--body",
            "Rang the desk",
            "--requester",
            simran,
        ])["id"]
            .to_string();
        env.run(&["ticket", "resolve", &id, "--message", fix]).success();
        id
    };
    for (subject, existing) in [
        ("won't join SchoolStaff wifi", "Connecting to the SchoolStaff Wi-Fi"),
        ("iPad locked to owner", "Activation Lock"),
    ] {
        let t = solved_by(subject, "Hi Simran, sorted it: rebooted. Kind regards, Lee");
        let before = dump(&env.db);
        let (code, err) = env.fail(&["ticket", "to-article", &t]);
        assert_eq!(code, 2, "{subject}: {err}");
        assert!(err.contains(existing) && err.contains("search answers this title"), "{subject}: {err}");
        assert!(err.contains("pass --force"), "the CLI keeps its own wording: {err}");
        assert_eq!(dump(&env.db), before);
    }
    let t = solved_by(
        "Board PC clock is an hour out",
        "Hi Simran, I set the board PC's time zone to London.\nKind regards, Lee",
    );
    let a = env.json(&["ticket", "to-article", &t]);
    let body = a["body"].as_str().unwrap();
    assert!(body.contains("I set the board PC's time zone to London."), "{body}");
    assert!(!body.contains("Simran") && !body.contains("regards"), "pleasantries left in: {body}");
}

/// Issue 19, defect 10: the console's `P` runs the same title check before
/// publishing, and `F` publishes anyway.
#[test]
fn publishing_in_the_console_checks_for_a_published_twin() {
    use deskside::clock::FixedClock;
    use deskside::service::convert::ToArticle;
    use deskside::service::tickets::Resolution;
    use deskside::service::{Desk, InitOptions};
    use deskside::store::Store;
    use deskside::tui::action::{Action, Effect};
    use deskside::tui::runner;
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z").unwrap().to_utc();
    let mut desk = Desk::with_store(Store::open_in_memory().unwrap(), Box::new(FixedClock(now)), "lead", "t");
    desk.seed(&InitOptions { demo: true, name: Some("Lee Lead".into()), tz: None }).unwrap();
    let new = deskside::domain::NewTicket {
        subject: "won't join SchoolStaff wifi".into(),
        body: "Laptop".into(),
        requester: "s.kaur@stbedes.sch.uk".into(),
        ..Default::default()
    };
    let t = desk.create_ticket(&new).unwrap();
    desk.resolve(t.id, &Resolution::message("Rebooted it."), None).unwrap();
    let forced = ToArticle { force: true, ..ToArticle::default() };
    let draft = desk.ticket_to_article(t.id, &forced).unwrap();
    let refused =
        runner::run(&mut desk, Effect::PublishArticle { id: draft.id, version: draft.version, force: false });
    let Some(Action::Failed(msg)) = refused else { panic!("P refuses a twin: {refused:?}") };
    assert!(msg.contains("#7") && msg.contains("press F to publish it anyway"), "{msg}");
    assert!(!msg.contains("--force"), "console wording: {msg}");
    assert_eq!(desk.article(draft.id).unwrap().status, deskside::domain::ArticleStatus::Draft);
    let done =
        runner::run(&mut desk, Effect::PublishArticle { id: draft.id, version: draft.version, force: true });
    // Published, with the few seconds' undo offered (issue 19).
    let Some(Action::Undoable(_, changed)) = done else { panic!("published: {done:?}") };
    assert!(matches!(*changed, Action::ArticleChanged(..)), "{changed:?}");
    assert_eq!(desk.article(draft.id).unwrap().status, deskside::domain::ArticleStatus::Published);
}
