//! Reading one ticket's timeline for reports: when its clock ran, what its
//! status and tier were at an instant, who resolved it and how.
//!
//! The clock runs while a ticket is new or open and stops while it is
//! pending (waiting on the requester), resolved or closed: the same rule the
//! SLA due times follow, derived here from the status events.

use super::facts::{EventFact, TicketFacts};
use crate::domain::from_secs;
use crate::domain::EventKind;
use crate::sla::WorkingIndex;
use std::collections::HashMap;

fn clock_runs(status: &str) -> bool {
    matches!(status, "new" | "open")
}

fn is_active(status: &str) -> bool {
    matches!(status, "new" | "open" | "pending")
}

/// A resolution: the index of its status event in the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resolution {
    pub event: usize,
    pub at: i64,
    pub tech_id: Option<i64>,
}

pub struct Timeline<'a> {
    pub ticket: &'a TicketFacts,
    /// Half-open stretches `[stop, restart)` when the clock was stopped;
    /// `i64::MAX` for one that has not ended.
    stops: Vec<(i64, i64)>,
    initial_status: &'a str,
    initial_tier: i64,
    /// The last instant anything counted happened to the ticket.
    last_at: i64,
    /// Whether its latest status is new, open or pending.
    ends_active: bool,
}

impl<'a> Timeline<'a> {
    pub fn new(ticket: &'a TicketFacts) -> Timeline<'a> {
        let status_events = || ticket.events.iter().filter(|e| e.kind == EventKind::StatusChanged);
        let initial_status = status_events().find_map(|e| e.old.as_deref()).unwrap_or(ticket.status.as_str());
        let initial_tier = ticket
            .events
            .iter()
            .filter(|e| matches!(e.kind, EventKind::Escalated | EventKind::HandedBack))
            .find_map(|e| e.old.as_deref().and_then(|v| v.parse().ok()))
            .unwrap_or(ticket.tier);
        let mut stops = Vec::new();
        let mut stopped_at = (!clock_runs(initial_status)).then_some(ticket.created_at);
        for e in status_events() {
            let runs = e.new.as_deref().is_some_and(clock_runs);
            match (stopped_at, runs) {
                (Some(s), true) => {
                    stops.push((s, e.at));
                    stopped_at = None;
                }
                (None, false) => stopped_at = Some(e.at),
                _ => {}
            }
        }
        if let Some(s) = stopped_at {
            stops.push((s, i64::MAX));
        }
        let last_status = status_events().rev().find_map(|e| e.new.as_deref()).unwrap_or(initial_status);
        let last_at = ticket
            .events
            .iter()
            .map(|e| e.at)
            .chain(ticket.first_response_at)
            .fold(ticket.created_at, i64::max);
        Timeline { ticket, stops, initial_status, initial_tier, last_at, ends_active: is_active(last_status) }
    }

    /// False when nothing about the ticket can count in `[lo, hi)`: logged
    /// after it, or done with before it started. Lets a trend skip most
    /// tickets in most weeks.
    pub fn touches(&self, lo: i64, hi: i64) -> bool {
        let (from, to) = self.reach();
        from < hi && to >= lo
    }

    /// The stretch the ticket can count in: from when it was logged to
    /// the last thing that happened to it (`i64::MAX` while still to be
    /// worked). `touches(lo, hi)` is this stretch meeting `[lo, hi)`.
    pub fn reach(&self) -> (i64, i64) {
        (self.ticket.created_at, if self.ends_active { i64::MAX } else { self.last_at })
    }

    fn events(&self) -> &'a [EventFact] {
        &self.ticket.events
    }

    /// Working seconds during which the clock ran in `[from, until)`.
    pub fn running_secs(&self, index: &WorkingIndex, from: i64, until: i64) -> i64 {
        if until <= from {
            return 0;
        }
        let mut secs = index.working_secs(from_secs(from), from_secs(until));
        for &(s, e) in &self.stops {
            let (a, b) = (s.max(from), e.min(until));
            if a < b {
                secs -= index.working_secs(from_secs(a), from_secs(b));
            }
        }
        secs
    }

    /// The status just before `instant` (after every change made before it).
    pub fn status_before(&self, instant: i64) -> &'a str {
        self.events()
            .iter()
            .rev()
            .filter(|e| e.kind == EventKind::StatusChanged && e.at < instant)
            .find_map(|e| e.new.as_deref())
            .unwrap_or(self.initial_status)
    }

    /// Still to be worked at `instant` (logged before it, not resolved or closed).
    pub fn active_at(&self, instant: i64) -> bool {
        self.ticket.created_at < instant && is_active(self.status_before(instant))
    }

    fn changes_to(
        &self,
        status: &'a str,
        lo: i64,
        hi: i64,
    ) -> impl Iterator<Item = (usize, &'a EventFact)> + 'a {
        self.events().iter().enumerate().filter(move |(_, e)| {
            e.kind == EventKind::StatusChanged && e.new.as_deref() == Some(status) && lo <= e.at && e.at < hi
        })
    }

    /// The last resolution in `[lo, hi)`: a ticket resolved twice in a week
    /// counts once, with its final resolution.
    pub fn last_resolution_in(&self, lo: i64, hi: i64) -> Option<Resolution> {
        self.changes_to("resolved", lo, hi).last().map(|(i, e)| Resolution {
            event: i,
            at: e.at,
            tech_id: e.tech_id,
        })
    }

    pub fn closed_in(&self, lo: i64, hi: i64) -> bool {
        self.changes_to("closed", lo, hi).next().is_some()
    }

    /// Events of `kind` in `[lo, hi)`, with who made them.
    pub fn count_in(&self, kind: EventKind, lo: i64, hi: i64) -> impl Iterator<Item = &'a EventFact> + 'a {
        self.events().iter().filter(move |e| e.kind == kind && lo <= e.at && e.at < hi)
    }

    fn before(&self, r: Resolution) -> &'a [EventFact] {
        &self.events()[..r.event]
    }

    /// The ticket's tier when it was resolved.
    pub fn tier_at(&self, r: Resolution) -> i64 {
        self.before(r)
            .iter()
            .rev()
            .filter(|e| matches!(e.kind, EventKind::Escalated | EventKind::HandedBack))
            .find_map(|e| e.new.as_deref().and_then(|v| v.parse().ok()))
            .unwrap_or(self.initial_tier)
    }

    pub fn escalated_before(&self, r: Resolution) -> bool {
        self.before(r).iter().any(|e| e.kind == EventKind::Escalated)
    }

    /// First-contact resolution: up to this resolution the ticket was never
    /// escalated or handed back, never pending, never reopened, and never
    /// assigned to anyone but the technician who resolved it.
    pub fn first_contact(&self, r: Resolution, logins: &HashMap<i64, String>) -> bool {
        let resolver = r.tech_id.and_then(|id| logins.get(&id)).map(String::as_str);
        self.before(r).iter().all(|e| match e.kind {
            EventKind::Escalated | EventKind::HandedBack => false,
            EventKind::StatusChanged => {
                e.new.as_deref() != Some("pending")
                    && !matches!(e.old.as_deref(), Some("resolved" | "closed"))
            }
            EventKind::Assigned => resolver.is_some() && e.new.as_deref() == resolver,
            // A major incident, or a caller resolved with it: the work was
            // the incident's, not a first contact on this ticket.
            EventKind::Incident => false,
            _ => true,
        })
    }

    /// When the resolver had the ticket from: the latest of its logging, its
    /// last change of tier and its last assignment to them.
    pub fn handled_from(&self, r: Resolution, logins: &HashMap<i64, String>) -> i64 {
        let resolver = r.tech_id.and_then(|id| logins.get(&id)).map(String::as_str);
        self.before(r)
            .iter()
            .filter(|e| match e.kind {
                EventKind::Escalated | EventKind::HandedBack => true,
                EventKind::Assigned => resolver.is_some() && e.new.as_deref() == resolver,
                _ => false,
            })
            .map(|e| e.at)
            .fold(self.ticket.created_at, i64::max)
    }

    /// The score of the last rating recorded in `[lo, hi)`.
    pub fn rating_in(&self, lo: i64, hi: i64) -> Option<u8> {
        self.count_in(EventKind::Rated, lo, hi)
            .filter_map(|e| e.new.as_deref().and_then(|v| v.parse::<u8>().ok()))
            .filter(|s| (1..=5).contains(s))
            .last()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::sla::{parse_tz, Calendar, WeeklyHours};

    fn ev(at: i64, kind: EventKind, tech: Option<i64>, old: Option<&str>, new: Option<&str>) -> EventFact {
        EventFact { at, kind, tech_id: tech, old: old.map(Into::into), new: new.map(Into::into) }
    }

    fn status(at: i64, old: &str, new: &str) -> EventFact {
        ev(at, EventKind::StatusChanged, Some(1), Some(old), Some(new))
    }

    /// Ticket 1 of school 1, logged at 0 by phone, with `events`.
    pub(crate) fn ticket(events: Vec<EventFact>, status: &str) -> TicketFacts {
        TicketFacts {
            planned: false,
            id: 1,
            school_id: 1,
            created_at: 0,
            status: status.into(),
            tier: 1,
            category: None,
            source: "phone".into(),
            first_response_at: None,
            response_due_at: None,
            resolve_due_at: None,
            events,
        }
    }

    /// Open all day, every day: working seconds are plain seconds.
    fn always_open() -> WorkingIndex {
        let cal = Calendar::new(
            parse_tz("UTC").unwrap(),
            WeeklyHours::parse("Mon-Sun 00:00-24:00").unwrap(),
            vec![],
        );
        WorkingIndex::new(&cal, from_secs(0), from_secs(1_000_000))
    }

    #[test]
    fn the_clock_stops_while_pending_and_resolved() {
        let t = ticket(
            vec![
                status(100, "new", "open"),
                status(200, "open", "pending"),
                status(500, "pending", "open"),
                status(600, "open", "resolved"),
                status(900, "resolved", "open"),
                status(1000, "open", "resolved"),
            ],
            "resolved",
        );
        let tl = Timeline::new(&t);
        let idx = always_open();
        // Runs 0-200, 500-600, 900-1000.
        assert_eq!(tl.running_secs(&idx, 0, 1000), 400);
        assert_eq!(tl.running_secs(&idx, 0, 650), 300);
        assert_eq!(tl.running_secs(&idx, 0, 5000), 400);
        assert_eq!(tl.status_before(600), "open");
        assert_eq!(tl.status_before(601), "resolved");
        assert!(tl.active_at(950));
        assert!(!tl.active_at(700));
        let r = tl.last_resolution_in(0, 2000).unwrap();
        assert_eq!(r.at, 1000);
        let logins = HashMap::from([(1, "tone".to_string())]);
        assert!(!tl.first_contact(r, &logins), "reopened and pending");
        let first = tl.last_resolution_in(0, 700).unwrap();
        assert!(!tl.first_contact(first, &logins), "pending before the first resolution");
    }

    #[test]
    fn tiers_assignments_and_first_contact() {
        let t = ticket(
            vec![
                ev(10, EventKind::Assigned, Some(1), None, Some("tone")),
                status(10, "new", "open"),
                ev(50, EventKind::Escalated, Some(1), Some("1"), Some("2")),
                ev(70, EventKind::Assigned, Some(2), None, Some("ttwo")),
                ev(90, EventKind::StatusChanged, Some(2), Some("open"), Some("resolved")),
            ],
            "resolved",
        );
        let tl = Timeline::new(&t);
        let logins = HashMap::from([(1, "tone".to_string()), (2, "ttwo".to_string())]);
        let mut r = tl.last_resolution_in(0, 100).unwrap();
        assert_eq!(tl.tier_at(r), 2);
        assert!(tl.escalated_before(r));
        assert!(!tl.first_contact(r, &logins));
        // The later of the escalation (50) and the resolver's assignment (70).
        assert_eq!(tl.handled_from(r, &logins), 70);
        // Resolved by the only tech it was ever assigned to, nothing else: first contact.
        let simple = ticket(
            vec![t.events[0].clone(), t.events[1].clone(), status(30, "open", "resolved")],
            "resolved",
        );
        let tl = Timeline::new(&simple);
        r = tl.last_resolution_in(0, 100).unwrap();
        assert!(tl.first_contact(r, &logins));
        assert_eq!(tl.tier_at(r), 1);
        // The same timeline resolved by someone else is a hand-off.
        let mut other = simple.clone();
        other.events[2].tech_id = Some(2);
        let tl = Timeline::new(&other);
        assert!(!tl.first_contact(tl.last_resolution_in(0, 100).unwrap(), &logins));
    }
}
