//! Counting a week: `Tally` gathers raw counts and durations (so schools
//! add up into a total exactly), `Figures` is what faces show.

use serde::Serialize;
use std::collections::BTreeMap;

/// The category key for tickets logged without one.
pub const NO_CATEGORY: &str = "(none)";

/// Every source, so a report lists each even at zero.
pub const SOURCES: [&str; 4] = ["phone", "email", "walk-in", "self-service"];

/// The value at `percent` by the nearest-rank method: the ⌈p·n/100⌉-th
/// smallest, so always a time some ticket actually took. None when empty.
pub fn percentile(sorted: &[i64], percent: usize) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (percent * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

/// `part` of `whole` in percent, one decimal; None when `whole` is zero.
pub fn pct(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    pub opened: u64,
    pub resolved: u64,
    pub closed: u64,
    pub backlog: u64,
    pub response_secs: Vec<i64>,
    pub resolution_secs: Vec<i64>,
    pub response_met: u64,
    pub response_measured: u64,
    pub resolve_met: u64,
    pub resolve_measured: u64,
    pub resolved_tier1: u64,
    pub first_contact: u64,
    pub escalated_resolved: u64,
    pub escalations: u64,
    pub handbacks: u64,
    pub canned_uses: u64,
    pub article_uses: u64,
    pub articles_from_tickets: u64,
    pub scores: Vec<u8>,
    pub by_category: BTreeMap<String, u64>,
    pub by_source: BTreeMap<String, u64>,
    pub planned_opened: u64,
    pub planned_resolved: u64,
    /// Minutes logged in the week by the technician's tier ("1", "2", "3").
    pub minutes_by_tier: BTreeMap<String, i64>,
    /// Of those, the minutes on planned work.
    pub planned_minutes_by_tier: BTreeMap<String, i64>,
}

impl Tally {
    pub fn add(&mut self, o: &Tally) {
        self.opened += o.opened;
        self.resolved += o.resolved;
        self.closed += o.closed;
        self.backlog += o.backlog;
        self.response_secs.extend_from_slice(&o.response_secs);
        self.resolution_secs.extend_from_slice(&o.resolution_secs);
        self.response_met += o.response_met;
        self.response_measured += o.response_measured;
        self.resolve_met += o.resolve_met;
        self.resolve_measured += o.resolve_measured;
        self.resolved_tier1 += o.resolved_tier1;
        self.first_contact += o.first_contact;
        self.escalated_resolved += o.escalated_resolved;
        self.escalations += o.escalations;
        self.handbacks += o.handbacks;
        self.canned_uses += o.canned_uses;
        self.article_uses += o.article_uses;
        self.articles_from_tickets += o.articles_from_tickets;
        self.scores.extend_from_slice(&o.scores);
        for (k, v) in &o.by_category {
            *self.by_category.entry(k.clone()).or_default() += v;
        }
        for (k, v) in &o.by_source {
            *self.by_source.entry(k.clone()).or_default() += v;
        }
        self.planned_opened += o.planned_opened;
        self.planned_resolved += o.planned_resolved;
        for (k, v) in &o.minutes_by_tier {
            *self.minutes_by_tier.entry(k.clone()).or_default() += v;
        }
        for (k, v) in &o.planned_minutes_by_tier {
            *self.planned_minutes_by_tier.entry(k.clone()).or_default() += v;
        }
    }

    pub fn figures(&self) -> Figures {
        let mut response = self.response_secs.clone();
        response.sort_unstable();
        let mut resolution = self.resolution_secs.clone();
        resolution.sort_unstable();
        let ratings = self.scores.len() as u64;
        let satisfied = self.scores.iter().filter(|&&s| s >= 4).count() as u64;
        let sum: u64 = self.scores.iter().map(|&s| u64::from(s)).sum();
        let tiers = |m: &BTreeMap<String, i64>| -> BTreeMap<String, i64> {
            ["1", "2", "3"].iter().map(|k| (k.to_string(), m.get(*k).copied().unwrap_or(0))).collect()
        };
        let (all, planned) = (tiers(&self.minutes_by_tier), tiers(&self.planned_minutes_by_tier));
        let at = |m: &BTreeMap<String, i64>, k: &str| m.get(k).copied().unwrap_or(0);
        let reactive: BTreeMap<String, i64> =
            all.iter().map(|(k, v)| (k.clone(), v - at(&planned, k))).collect();
        // Senior (tier 2 and 3) time on planned work: the shift-left goal.
        let senior = |m: &BTreeMap<String, i64>| u64::try_from(at(m, "2") + at(m, "3")).unwrap_or(0);
        let mut by_source: BTreeMap<String, u64> = SOURCES.iter().map(|s| (s.to_string(), 0)).collect();
        for (k, v) in &self.by_source {
            *by_source.entry(k.clone()).or_default() += v;
        }
        Figures {
            opened: self.opened,
            resolved: self.resolved,
            closed: self.closed,
            backlog: self.backlog,
            first_responses: response.len() as u64,
            first_response_median_secs: percentile(&response, 50),
            first_response_p90_secs: percentile(&response, 90),
            resolution_median_secs: percentile(&resolution, 50),
            resolution_p90_secs: percentile(&resolution, 90),
            response_sla_met: self.response_met,
            response_sla_measured: self.response_measured,
            response_sla_met_pct: pct(self.response_met, self.response_measured),
            resolve_sla_met: self.resolve_met,
            resolve_sla_measured: self.resolve_measured,
            resolve_sla_met_pct: pct(self.resolve_met, self.resolve_measured),
            resolved_tier1: self.resolved_tier1,
            resolved_tier1_pct: pct(self.resolved_tier1, self.resolved),
            first_contact: self.first_contact,
            first_contact_pct: pct(self.first_contact, self.resolved),
            escalated_resolved: self.escalated_resolved,
            escalation_rate_pct: pct(self.escalated_resolved, self.resolved),
            escalations: self.escalations,
            handbacks: self.handbacks,
            canned_uses: self.canned_uses,
            article_uses: self.article_uses,
            articles_from_tickets: self.articles_from_tickets,
            ratings,
            satisfaction_avg: (ratings > 0).then(|| (sum as f64 * 100.0 / ratings as f64).round() / 100.0),
            satisfied,
            satisfied_pct: pct(satisfied, ratings),
            by_category: self.by_category.clone(),
            by_source,
            planned_opened: self.planned_opened,
            planned_resolved: self.planned_resolved,
            senior_planned_pct: pct(senior(&planned), senior(&all)),
            minutes_by_tier: all,
            planned_minutes_by_tier: planned,
            reactive_minutes_by_tier: reactive,
        }
    }
}

/// One school's (or all schools') figures for one week. Durations are
/// working seconds on the school's calendar with the clock stopped while a
/// ticket was pending; percentages have one decimal and are null when
/// there was nothing to measure. See docs/reports.md for every definition.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Figures {
    /// Tickets logged in the week.
    pub opened: u64,
    /// Tickets resolved in the week (each once, however often).
    pub resolved: u64,
    /// Tickets closed in the week.
    pub closed: u64,
    /// Tickets new, open or pending when the week ended.
    pub backlog: u64,
    /// Tickets first answered in the week.
    pub first_responses: u64,
    pub first_response_median_secs: Option<i64>,
    pub first_response_p90_secs: Option<i64>,
    pub resolution_median_secs: Option<i64>,
    pub resolution_p90_secs: Option<i64>,
    pub response_sla_met: u64,
    pub response_sla_measured: u64,
    pub response_sla_met_pct: Option<f64>,
    pub resolve_sla_met: u64,
    pub resolve_sla_measured: u64,
    pub resolve_sla_met_pct: Option<f64>,
    /// Resolved tickets that were at tier 1 when resolved.
    pub resolved_tier1: u64,
    pub resolved_tier1_pct: Option<f64>,
    /// Resolved tickets resolved at first contact.
    pub first_contact: u64,
    pub first_contact_pct: Option<f64>,
    /// Resolved tickets that had been escalated before their resolution.
    pub escalated_resolved: u64,
    pub escalation_rate_pct: Option<f64>,
    /// Escalations and hand-backs made in the week.
    pub escalations: u64,
    pub handbacks: u64,
    pub canned_uses: u64,
    pub article_uses: u64,
    pub articles_from_tickets: u64,
    /// Ratings recorded in the week (a ticket's last one in the week).
    pub ratings: u64,
    pub satisfaction_avg: Option<f64>,
    /// Ratings of 4 or 5.
    pub satisfied: u64,
    pub satisfied_pct: Option<f64>,
    /// Tickets logged in the week by category (`(none)` for none).
    pub by_category: BTreeMap<String, u64>,
    /// Tickets logged in the week by source (every source, zeros included).
    pub by_source: BTreeMap<String, u64>,
    /// Planned work (`schedule run`) logged and resolved in the week: kept
    /// out of every figure above.
    pub planned_opened: u64,
    pub planned_resolved: u64,
    /// Minutes logged in the week (time entries) by the technician's tier.
    pub minutes_by_tier: BTreeMap<String, i64>,
    /// The same split: on reactive tickets, and on planned work.
    pub reactive_minutes_by_tier: BTreeMap<String, i64>,
    pub planned_minutes_by_tier: BTreeMap<String, i64>,
    /// Share of tier 2 and 3 minutes spent on planned work (null without
    /// any): rising as senior time moves from tickets to projects.
    pub senior_planned_pct: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        assert_eq!(percentile(&[], 50), None);
        assert_eq!(percentile(&[7], 90), Some(7));
        // n=4: median rank ⌈2⌉ = 2, p90 rank ⌈3.6⌉ = 4.
        assert_eq!(percentile(&[1, 2, 3, 4], 50), Some(2));
        assert_eq!(percentile(&[1, 2, 3, 4], 90), Some(4));
        // n=10: p90 rank 9; n=7: median rank ⌈3.5⌉ = 4.
        assert_eq!(percentile(&(1..=10).collect::<Vec<_>>(), 90), Some(9));
        assert_eq!(percentile(&(1..=7).collect::<Vec<_>>(), 50), Some(4));
    }

    #[test]
    fn percentages_round_to_one_decimal() {
        assert_eq!(pct(2, 3), Some(66.7));
        assert_eq!(pct(1, 6), Some(16.7));
        assert_eq!(pct(0, 0), None);
        assert_eq!(pct(5, 5), Some(100.0));
    }

    #[test]
    fn empty_tally_gives_zeros_and_nulls() {
        let f = Tally::default().figures();
        assert_eq!(f.opened, 0);
        assert_eq!(f.first_response_median_secs, None);
        assert_eq!(f.satisfaction_avg, None);
        assert_eq!(f.by_source.len(), 4);
        assert!(f.by_source.values().all(|&v| v == 0));
    }
}
