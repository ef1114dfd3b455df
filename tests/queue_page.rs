//! Issue 22 point 1: the queue's first page of overdue tickets is read in
//! due order from an index and stopped after the page (service::sla's
//! `overdue_page`); it must be exactly the page the whole queue, worked out
//! ticket by ticket, starts with, for every page size and SLA filter.
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
