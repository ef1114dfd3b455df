//! Counts weeks from loaded facts: one timeline reading per ticket and one
//! working-time index per calendar, shared by every week asked for.

use super::facts::{Happening, TechAction, TicketFacts};
use super::figures::{percentile, Tally, NO_CATEGORY};
use super::timeline::Timeline;
use super::TechFigures;
use crate::domain::from_secs;
use crate::domain::{EventKind, Technician};
use crate::sla::{Calendar, WorkingIndex};
use std::collections::HashMap;

/// A school in a report; `calendar` indexes the calendars handed to `Engine`.
#[derive(Debug, Clone)]
pub struct ReportSchool {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub calendar: usize,
}

/// Everything a report counts, as loaded for a stretch of time.
#[derive(Debug, Clone, Default)]
pub struct Data {
    pub tickets: Vec<TicketFacts>,
    pub canned_uses: Vec<Happening>,
    pub article_uses: Vec<Happening>,
    pub articles_from_tickets: Vec<Happening>,
    /// Technician logins by id (assignments name logins).
    pub logins: HashMap<i64, String>,
}

pub struct Engine<'a> {
    schools: &'a [ReportSchool],
    timelines: Vec<Timeline<'a>>,
    /// Ticket positions by school id.
    by_school: HashMap<i64, Vec<usize>>,
    /// One index per calendar (None for calendars no school in the report uses).
    indexes: Vec<Option<WorkingIndex>>,
    school_calendar: HashMap<i64, usize>,
    happenings: [HashMap<i64, Vec<i64>>; 3],
    logins: &'a HashMap<i64, String>,
}

fn times_by_school(list: &[Happening]) -> HashMap<i64, Vec<i64>> {
    let mut map: HashMap<i64, Vec<i64>> = HashMap::new();
    for h in list {
        map.entry(h.school_id).or_default().push(h.at);
    }
    map
}

impl<'a> Engine<'a> {
    /// `span` is the stretch the report's weeks cover (unix seconds); the
    /// working-time indexes reach back to the oldest ticket loaded.
    pub fn new(
        schools: &'a [ReportSchool],
        calendars: &[Calendar],
        data: &'a Data,
        span: (i64, i64),
    ) -> Engine<'a> {
        let school_calendar: HashMap<i64, usize> = schools.iter().map(|s| (s.id, s.calendar)).collect();
        let mut by_school: HashMap<i64, Vec<usize>> = HashMap::new();
        let mut oldest = vec![span.0; calendars.len()];
        let mut timelines = Vec::with_capacity(data.tickets.len());
        for t in &data.tickets {
            let Some(&cal) = school_calendar.get(&t.school_id) else { continue };
            oldest[cal] = oldest[cal].min(t.created_at);
            by_school.entry(t.school_id).or_default().push(timelines.len());
            timelines.push(Timeline::new(t));
        }
        let used: Vec<bool> = (0..calendars.len()).map(|c| schools.iter().any(|s| s.calendar == c)).collect();
        let indexes = calendars
            .iter()
            .enumerate()
            .map(|(c, cal)| used[c].then(|| WorkingIndex::new(cal, from_secs(oldest[c]), from_secs(span.1))))
            .collect();
        Engine {
            schools,
            timelines,
            by_school,
            indexes,
            school_calendar,
            happenings: [
                times_by_school(&data.canned_uses),
                times_by_school(&data.article_uses),
                times_by_school(&data.articles_from_tickets),
            ],
            logins: &data.logins,
        }
    }

    fn index_of(&self, school_id: i64) -> Option<&WorkingIndex> {
        self.school_calendar.get(&school_id).and_then(|&c| self.indexes[c].as_ref())
    }

    fn tickets_of(&self, school: &ReportSchool) -> &[usize] {
        self.by_school.get(&school.id).map(Vec::as_slice).unwrap_or_default()
    }

    /// One school's counts over `[lo, hi)` (its local week).
    pub fn tally(&self, school: &ReportSchool, lo: i64, hi: i64) -> Tally {
        self.tally_of(school, lo, hi, self.tickets_of(school))
    }

    /// One school's tickets by the weeks they can count in: `bounds` are
    /// the school's week boundaries, ascending (week n is `[bounds[n],
    /// bounds[n + 1])`). Each ticket is listed in the weeks its `reach`
    /// meets, a week or two for most, so a trend of many weeks visits each
    /// ticket a few times instead of once per week: 104 weeks of a million
    /// tickets counted in 3.2 s before.
    pub fn weeks_of(&self, school: &ReportSchool, bounds: &[i64]) -> Vec<Vec<usize>> {
        let weeks = bounds.len().saturating_sub(1);
        let mut out = vec![Vec::new(); weeks];
        for &i in self.tickets_of(school) {
            let (from, to) = self.timelines[i].reach();
            // Weeks ending after it was logged, and starting before it was done with.
            let first = bounds[1..].partition_point(|&end| end <= from);
            let last = bounds[..weeks].partition_point(|&start| start <= to);
            for week in out.iter_mut().take(last).skip(first) {
                week.push(i);
            }
        }
        out
    }

    /// One school's counts over `[lo, hi)` from `tickets` (positions of its
    /// tickets; those that cannot count in the week are passed over).
    pub fn tally_of(&self, school: &ReportSchool, lo: i64, hi: i64, tickets: &[usize]) -> Tally {
        let mut t = Tally::default();
        let Some(index) = self.index_of(school.id) else { return t };
        for &i in tickets {
            let tl = &self.timelines[i];
            if !tl.touches(lo, hi) {
                continue;
            }
            let f = tl.ticket;
            if f.planned {
                // Planned work is shown apart: no first response, SLA or backlog.
                t.planned_opened += u64::from(lo <= f.created_at && f.created_at < hi);
                t.planned_resolved += u64::from(tl.last_resolution_in(lo, hi).is_some());
                continue;
            }
            if lo <= f.created_at && f.created_at < hi {
                t.opened += 1;
                *t.by_category
                    .entry(f.category.clone().unwrap_or_else(|| NO_CATEGORY.into()))
                    .or_default() += 1;
                *t.by_source.entry(f.source.clone()).or_default() += 1;
            }
            if tl.active_at(hi) {
                t.backlog += 1;
            }
            if let Some(fr) = f.first_response_at.filter(|&fr| lo <= fr && fr < hi) {
                t.response_secs.push(tl.running_secs(index, f.created_at, fr));
                if let Some(due) = f.response_due_at {
                    t.response_measured += 1;
                    t.response_met += u64::from(fr <= due);
                }
            }
            if let Some(r) = tl.last_resolution_in(lo, hi) {
                t.resolved += 1;
                t.resolution_secs.push(tl.running_secs(index, f.created_at, r.at));
                if let Some(due) = f.resolve_due_at {
                    t.resolve_measured += 1;
                    t.resolve_met += u64::from(r.at <= due);
                }
                t.resolved_tier1 += u64::from(tl.tier_at(r) == 1);
                t.first_contact += u64::from(tl.first_contact(r, self.logins));
                t.escalated_resolved += u64::from(tl.escalated_before(r));
            }
            t.closed += u64::from(tl.closed_in(lo, hi));
            t.escalations += tl.count_in(EventKind::Escalated, lo, hi).count() as u64;
            t.handbacks += tl.count_in(EventKind::HandedBack, lo, hi).count() as u64;
            if let Some(score) = tl.rating_in(lo, hi) {
                t.scores.push(score);
            }
        }
        let count = |n: usize| -> u64 {
            self.happenings[n]
                .get(&school.id)
                .map_or(0, |ats| ats.iter().filter(|&&a| lo <= a && a < hi).count()) as u64
        };
        t.canned_uses = count(0);
        t.article_uses = count(1);
        t.articles_from_tickets = count(2);
        t
    }

    pub fn schools(&self) -> &'a [ReportSchool] {
        self.schools
    }

    /// Each technician's figures over `[lo, hi)`: `actions` are canned
    /// solutions applied, articles linked and articles written, by whom.
    pub fn techs(&self, techs: &[Technician], actions: &TechActions, lo: i64, hi: i64) -> Vec<TechFigures> {
        let mut handling: HashMap<i64, Vec<i64>> = HashMap::new();
        let mut escalations: HashMap<i64, u64> = HashMap::new();
        let mut handbacks: HashMap<i64, u64> = HashMap::new();
        for tl in self.timelines.iter().filter(|tl| tl.touches(lo, hi)) {
            for (kind, map) in
                [(EventKind::Escalated, &mut escalations), (EventKind::HandedBack, &mut handbacks)]
            {
                for e in tl.count_in(kind, lo, hi) {
                    if let Some(id) = e.tech_id {
                        *map.entry(id).or_default() += 1;
                    }
                }
            }
            let (Some(r), Some(index)) = (tl.last_resolution_in(lo, hi), self.index_of(tl.ticket.school_id))
            else {
                continue;
            };
            if let Some(id) = r.tech_id {
                let from = tl.handled_from(r, self.logins);
                handling.entry(id).or_default().push(tl.running_secs(index, from, r.at));
            }
        }
        let count = |list: &[TechAction], id: i64| {
            list.iter().filter(|a| a.tech_id == id && lo <= a.at && a.at < hi).count() as u64
        };
        techs
            .iter()
            .map(|tech| {
                let mut secs = handling.remove(&tech.id).unwrap_or_default();
                secs.sort_unstable();
                TechFigures {
                    login: tech.login.clone(),
                    name: tech.name.clone(),
                    tier: tech.tier.number(),
                    lead: tech.lead,
                    resolved: secs.len() as u64,
                    handling_median_secs: percentile(&secs, 50),
                    canned_uses: count(&actions.canned, tech.id),
                    article_uses: count(&actions.articles_linked, tech.id),
                    articles_written: count(&actions.articles_written, tech.id),
                    escalations: escalations.get(&tech.id).copied().unwrap_or(0),
                    handbacks: handbacks.get(&tech.id).copied().unwrap_or(0),
                }
            })
            .collect()
    }
}

/// Who applied canned solutions, linked articles and wrote articles, when.
#[derive(Debug, Clone, Default)]
pub struct TechActions {
    pub canned: Vec<TechAction>,
    pub articles_linked: Vec<TechAction>,
    pub articles_written: Vec<TechAction>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::facts::EventFact;
    use crate::sla::{parse_tz, WeeklyHours};
    use proptest::prelude::*;

    const WEEK: i64 = 7 * 86_400;
    const WEEK_HOURS: i64 = 7 * 24;

    /// A ticket logged at `created`, resolved `took` seconds later (never, for None).
    fn ticket(id: i64, created: i64, took: Option<i64>) -> TicketFacts {
        let resolved = took.map(|d| EventFact {
            at: created + d,
            kind: EventKind::StatusChanged,
            tech_id: Some(1),
            old: Some("new".into()),
            new: Some("resolved".into()),
        });
        let status = if took.is_some() { "resolved" } else { "new" };
        TicketFacts {
            id,
            created_at: created,
            ..crate::report::timeline::tests::ticket(resolved.into_iter().collect(), status)
        }
    }

    proptest! {
        /// The trend's shortcut: a ticket is listed in exactly the weeks it
        /// touches, so counting from the lists is counting from them all.
        #[test]
        fn each_week_lists_exactly_the_tickets_that_touch_it(
            rows in prop::collection::vec((0..12 * WEEK_HOURS, prop::option::of(0..6 * WEEK_HOURS)), 0..60),
            weeks in 1usize..10,
            start in 0..3 * WEEK_HOURS,
        ) {
            // Whole hours, so tickets are often logged or done with exactly on a week's edge.
            let tickets: Vec<TicketFacts> = rows
                .iter()
                .enumerate()
                .map(|(i, &(c, took))| ticket(i as i64, c * 3600, took.map(|t| t * 3600)))
                .collect();
            let start = start * 3600;
            let data = Data { tickets, ..Data::default() };
            let tz = parse_tz("UTC").unwrap();
            let calendars = [Calendar::new(tz, WeeklyHours::parse("Mon-Fri 08:00-17:00").unwrap(), vec![])];
            let schools = [ReportSchool { id: 1, code: "A".into(), name: "A".into(), calendar: 0 }];
            let bounds: Vec<i64> = (0..=weeks as i64).map(|n| start + n * WEEK).collect();
            let engine = Engine::new(&schools, &calendars, &data, (bounds[0], bounds[weeks]));
            let lists = engine.weeks_of(&schools[0], &bounds);
            prop_assert_eq!(lists.len(), weeks);
            for (n, listed) in lists.iter().enumerate() {
                let (lo, hi) = (bounds[n], bounds[n + 1]);
                let touching: Vec<usize> =
                    (0..engine.timelines.len()).filter(|&i| engine.timelines[i].touches(lo, hi)).collect();
                prop_assert_eq!(listed, &touching, "week {}", n);
                let (a, b) = (engine.tally(&schools[0], lo, hi), engine.tally_of(&schools[0], lo, hi, listed));
                prop_assert_eq!(format!("{:?}", a.figures()), format!("{:?}", b.figures()));
            }
        }
    }
}
