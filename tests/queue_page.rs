//! Issue 22 point 1: the queue's first page of overdue tickets is read in
//! due order from an index and stopped after the page (service::sla's
//! `overdue_page`); it must be exactly the page the whole queue, worked out
//! ticket by ticket, starts with, for every page size and SLA filter.
//! Also a page of running clocks stopped early (issue 22 point 3): schools
//! on calendars with different hours, narrowed by status, technician,
//! school and tier through their own due-order indexes (migration 0019).
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;

use chrono::{DateTime, Duration, Utc};
use common::Env;
use deskside::clock::FixedClock;
use deskside::domain::{NewTicket, Priority, SlaLevel, TicketFilter, TicketId, Tier};
use deskside::service::sla::QueueOptions;
use deskside::service::tickets::{Resolution, Visibility};
use deskside::service::Desk;

fn start() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-16T08:00:00Z").unwrap().to_utc()
}

/// 26 tickets over a week: every priority, some answered, some pending
/// (and some of those back at work), some resolved, pairs logged at the
/// same instant.
fn fill(env: &Env) {
    let mut desk = Desk::open(&env.db, Box::new(FixedClock(start())), "lead", "t").unwrap();
    // Equal dues, the later one more urgent: a normal ticket at 08:00 and
    // an urgent one at 11:30 are both to be answered by 12:00; the urgent
    // one, logged later, comes first.
    for (at, priority) in [(0, Priority::Normal), (210, Priority::Urgent)] {
        desk.set_clock(Box::new(FixedClock(start() + Duration::minutes(at))));
        let new = NewTicket {
            subject: "Equal dues".into(),
            requester: "b.khan@hillside.sch.uk".into(),
            priority: Some(priority),
            ..NewTicket::default()
        };
        desk.create_ticket(&new).unwrap();
    }
    let prios = [Priority::Low, Priority::Normal, Priority::High, Priority::Urgent];
    for i in 0..24i64 {
        // Pairs logged at the same instant: equal dues.
        let at = start() + Duration::minutes((i / 2) * 613);
        desk.set_clock(Box::new(FixedClock(at)));
        let t = desk
            .create_ticket(&NewTicket {
                subject: format!("Problem {i}"),
                body: "Something is wrong.".into(),
                requester: "r.hughes@stbedes.sch.uk".into(),
                priority: Some(prios[(i as usize / 2 + i as usize) % 4]),
                ..NewTicket::default()
            })
            .unwrap();
        desk.set_clock(Box::new(FixedClock(at + Duration::minutes(20))));
        if i % 3 == 1 {
            desk.add_note(t.id, "Looking at it now.", Visibility::Public).unwrap();
        }
        if i % 7 == 3 {
            desk.resolve(t.id, &Resolution::message("Fixed it."), None).unwrap();
        } else if i % 5 == 2 {
            desk.set_pending(t.id, Some("Which room?"), None).unwrap();
            if i % 2 == 0 {
                desk.set_clock(Box::new(FixedClock(at + Duration::minutes(300))));
                desk.open_ticket(t.id, None).unwrap();
            }
        }
    }
}

fn page(
    desk: &Desk,
    filter: &TicketFilter,
    limit: Option<usize>,
    opts: &QueueOptions,
) -> Vec<(TicketId, SlaLevel)> {
    let filter = TicketFilter { limit, ..filter.clone() };
    desk.queue(&filter, opts).unwrap().into_iter().map(|i| (i.ticket.id, i.sla.level)).collect()
}

#[test]
fn an_overdue_first_page_is_the_whole_queues_first_page() {
    let env = Env::new().with_people();
    fill(&env);
    let breaching = QueueOptions { breaching: true, ..QueueOptions::default() };
    let at_risk = QueueOptions { at_risk: true, ..QueueOptions::default() };
    let finished_too = TicketFilter { include_done: true, ..TicketFilter::default() };
    let tier_one = TicketFilter { tier: Some(Tier::One), ..TicketFilter::default() };
    // Mid-week some are overdue and some not; a month on, all are.
    for now in [start() + Duration::days(3), start() + Duration::days(30)] {
        let desk = Desk::open(&env.db, Box::new(FixedClock(now)), "lead", "t").unwrap();
        for filter in [TicketFilter::default(), finished_too.clone(), tier_one.clone()] {
            for opts in [QueueOptions::default(), breaching.clone(), at_risk.clone()] {
                let whole = page(&desk, &filter, None, &opts);
                for limit in 1..=whole.len() + 1 {
                    let first = page(&desk, &filter, Some(limit), &opts);
                    assert_eq!(
                        first,
                        whole[..limit.min(whole.len())],
                        "{now}, {limit}, {filter:?}, {opts:?}"
                    );
                }
            }
        }
        let all = page(&desk, &finished_too, None, &QueueOptions::default());
        assert!(all.iter().any(|(_, l)| *l == SlaLevel::Breached), "{now}: {all:?}");
        assert!(all.iter().any(|(_, l)| *l == SlaLevel::Paused), "{now}: {all:?}");
        assert!(all.iter().any(|(_, l)| matches!(l, SlaLevel::Met | SlaLevel::Missed)), "{now}: {all:?}");
        let running = all.iter().any(|(_, l)| matches!(l, SlaLevel::Ok | SlaLevel::AtRisk));
        assert_eq!(running, now < start() + Duration::days(30), "{now}: {all:?}");
    }
}

/// Three schools on three calendars (the default, long days every day,
/// short mornings on weekdays), tickets of every priority from each at
/// staggered times, some assigned, some answered, some pending: the order
/// of running clocks by working time left differs from the order by due.
fn fill_calendars(env: &Env) {
    env.run(&["sla", "calendar", "add", "long", "--tz", "Europe/London", "--hours", "Mon-Sun 06:00-22:00"])
        .success();
    env.run(&["sla", "calendar", "add", "short", "--tz", "Europe/London", "--hours", "Mon-Fri 09:00-12:00"])
        .success();
    env.run(&[
        "school",
        "add",
        "Farfield",
        "--code",
        "FAR",
        "--domain",
        "farfield.sch.uk",
        "--calendar",
        "long",
    ])
    .success();
    env.run(&[
        "school",
        "add",
        "Nearby",
        "--code",
        "NEAR",
        "--domain",
        "nearby.sch.uk",
        "--calendar",
        "short",
    ])
    .success();
    env.run(&["requester", "add", "f.ode@farfield.sch.uk", "--name", "Femi Ode"]).success();
    env.run(&["requester", "add", "n.lee@nearby.sch.uk", "--name", "Nia Lee"]).success();
    let who = ["r.hughes@stbedes.sch.uk", "f.ode@farfield.sch.uk", "n.lee@nearby.sch.uk"];
    let prios = [Priority::Urgent, Priority::Low, Priority::High, Priority::Normal];
    let mut desk = Desk::open(&env.db, Box::new(FixedClock(start())), "lead", "t").unwrap();
    for i in 0..36i64 {
        let at = start() + Duration::minutes(i * 137);
        desk.set_clock(Box::new(FixedClock(at)));
        let t = desk
            .create_ticket(&NewTicket {
                subject: format!("Calendar problem {i}"),
                requester: who[i as usize % 3].into(),
                priority: Some(prios[(i as usize / 3) % 4]),
                ..NewTicket::default()
            })
            .unwrap();
        desk.set_clock(Box::new(FixedClock(at + Duration::minutes(15))));
        if i % 4 == 1 {
            desk.assign(t.id, "tone", None).unwrap();
        }
        if i % 5 == 2 {
            desk.add_note(t.id, "On it.", Visibility::Public).unwrap();
        }
        if i % 9 == 4 {
            desk.set_pending(t.id, Some("Which room?"), None).unwrap();
        }
    }
}

#[test]
fn a_page_of_running_clocks_on_several_calendars_is_the_whole_queues_first_page() {
    let env = Env::new().with_people();
    fill_calendars(&env);
    let filters = [
        TicketFilter::default(),
        TicketFilter { statuses: vec![deskside::domain::Status::New], ..TicketFilter::default() },
        TicketFilter { assignee: Some("tone".into()), ..TicketFilter::default() },
        TicketFilter { school: Some("FAR".into()), ..TicketFilter::default() },
        TicketFilter { tier: Some(Tier::One), ..TicketFilter::default() },
    ];
    let at_risk_or_breaching = QueueOptions { at_risk: true, breaching: true, ..QueueOptions::default() };
    let mut running_seen = 0;
    // From the first hours (nothing overdue) to days on (the short
    // calendar's clocks still running, the long one's breached).
    for hours in [2, 9, 30, 55, 80, 130] {
        let now = start() + Duration::hours(hours);
        let desk = Desk::open(&env.db, Box::new(FixedClock(now)), "lead", "t").unwrap();
        for filter in &filters {
            for opts in [QueueOptions::default(), at_risk_or_breaching.clone()] {
                let whole = page(&desk, filter, None, &opts);
                running_seen +=
                    whole.iter().filter(|(_, l)| matches!(l, SlaLevel::Ok | SlaLevel::AtRisk)).count();
                for limit in 1..=whole.len() + 1 {
                    let first = page(&desk, filter, Some(limit), &opts);
                    assert_eq!(
                        first,
                        whole[..limit.min(whole.len())],
                        "{now}, {limit}, {filter:?}, {opts:?}"
                    );
                }
            }
        }
    }
    assert!(running_seen > 50, "the pages must stop among running clocks: {running_seen}");
}
