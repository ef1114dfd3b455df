//! The console keeps calendars and SLA policies between queue loads
//! (service::sla::LookupCache, checked against `store::change_stamp`). A
//! school's holidays changed by another connection, by another process or
//! by the console itself must show in the very next load's SLA states.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;

use chrono::{DateTime, Utc};
use common::Env;
use deskside::clock::FixedClock;
use deskside::domain::{NewTicket, Priority, SlaState, TicketFilter};
use deskside::service::calendars::{NewClosure, RemoveClosures};
use deskside::service::Desk;
use deskside::tui::action::{Action, Effect};
use deskside::tui::runner;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

/// Tuesday 10:00 (London is on UTC in November).
const NOW: &str = "2026-11-24T10:00:00Z";

fn desk(env: &Env) -> Desk {
    Desk::open(&env.db, Box::new(FixedClock(at(NOW))), "lead", "t").unwrap()
}

/// The SLA states of the console's first page, loaded as the console loads it.
fn console_states(desk: &mut Desk) -> Vec<SlaState> {
    let load = Effect::LoadQueue(TicketFilter { limit: Some(500), ..TicketFilter::default() });
    match runner::run(desk, load) {
        Some(Action::QueueLoaded(items)) => items.into_iter().map(|i| i.sla).collect(),
        other => panic!("queue not loaded: {other:?}"),
    }
}

/// The same page worked out by a desk that has kept nothing.
fn fresh_states(env: &Env) -> Vec<SlaState> {
    console_states(&mut desk(env))
}

/// The working seconds the page's only ticket has left.
fn left(states: &[SlaState]) -> i64 {
    assert_eq!(states.len(), 1, "{states:?}");
    states[0].left_secs.unwrap()
}

#[test]
fn a_changed_calendar_shows_in_the_next_queue_load() {
    let env = Env::new().with_people();
    // A low-priority ticket logged Tuesday 09:00: answered by Wednesday
    // 09:00 (9 working hours on Mon-Fri 08:00-17:00), so at Tuesday 10:00
    // it has 7 hours today and 1 tomorrow left.
    let mut logger =
        Desk::open(&env.db, Box::new(FixedClock(at("2026-11-24T09:00:00Z"))), "lead", "t").unwrap();
    logger
        .create_ticket(&NewTicket {
            subject: "Projector flickers".into(),
            requester: "r.hughes@stbedes.sch.uk".into(),
            priority: Some(Priority::Low),
            ..NewTicket::default()
        })
        .unwrap();
    let mut console = desk(&env);
    assert_eq!(left(&console_states(&mut console)), 8 * 3600);
    assert_eq!(left(&console_states(&mut console)), 8 * 3600, "loaded again, unchanged");

    // Another connection closes the schools on Wednesday: 7 hours left.
    let mut other = desk(&env);
    let wednesday = NewClosure { from: "2026-11-25", to: "2026-11-25", label: "Staff training day" };
    let (closure, added) = other.add_closure("default", &wednesday).unwrap();
    assert!(added);
    let after = console_states(&mut console);
    assert_eq!(left(&after), 7 * 3600);
    assert_eq!(after, fresh_states(&env));
    // The single ticket view reads the same calendar.
    let ticket = console.tickets(&TicketFilter::default()).unwrap().remove(0);
    assert_eq!(console.sla_state(&ticket).unwrap().left_secs, Some(7 * 3600));

    // The console itself reopens Wednesday (its own write does not move
    // data_version): 8 hours again.
    console.remove_closures("default", RemoveClosures::Ids(&[closure.id])).unwrap();
    let after = console_states(&mut console);
    assert_eq!(left(&after), 8 * 3600);
    assert_eq!(after, fresh_states(&env));

    // Another process closes Thursday and Wednesday again (the CLI).
    env.run(&[
        "sla",
        "closure",
        "add",
        "default",
        "--from",
        "2026-11-25",
        "--to",
        "2026-11-26",
        "--label",
        "Half term",
    ])
    .success();
    let after = console_states(&mut console);
    assert_eq!(left(&after), 7 * 3600);
    assert_eq!(after, fresh_states(&env));
    assert_eq!(console.sla_state(&ticket).unwrap().left_secs, Some(7 * 3600));
}
