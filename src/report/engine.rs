//! Counts weeks from loaded facts: one timeline reading per ticket and one
//! working-time index per calendar, shared by every week asked for.

use super::facts::{Happening, TechAction, TicketFacts};
use super::figures::{percentile, Tally, NO_CATEGORY};
use super::timeline::Timeline;
use super::TechFigures;
use crate::domain::{EventKind, Technician};
use crate::sla::{Calendar, WorkingIndex};
use crate::store::from_secs;
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

    /// One school's counts over `[lo, hi)` (its local week).
    pub fn tally(&self, school: &ReportSchool, lo: i64, hi: i64) -> Tally {
        let mut t = Tally::default();
        let Some(index) = self.index_of(school.id) else { return t };
        for &i in self.by_school.get(&school.id).map(Vec::as_slice).unwrap_or_default() {
            let tl = &self.timelines[i];
            if !tl.touches(lo, hi) {
                continue;
            }
            let f = tl.ticket;
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
