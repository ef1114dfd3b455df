//! From parsed VEVENTs to closures: repeats expanded (RRULE with the `rrule`
//! crate, RDATE, EXDATE, edited instances by RECURRENCE-ID), whole days
//! found, and events that are not closures left out with the reason.

use super::ics::{IcsClosure, IcsImport, Parser, Skipped, MAX_EVENT_DAYS};
use super::Closure;
use crate::Result;
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use std::collections::{HashMap, HashSet};

/// Label used when an event has no SUMMARY.
const NO_SUMMARY: &str = "closure";
const MAX_LABEL: usize = 200;
/// The most instances one repeating event may give inside the horizon.
const MAX_INSTANCES: u16 = 1000;

/// A start or end: a date, or a local date-time in the calendar's zone.
#[derive(Debug, Clone, Copy)]
pub enum When {
    Date(NaiveDate),
    Local(NaiveDateTime),
}

impl When {
    pub fn local(self) -> NaiveDateTime {
        match self {
            When::Date(d) => d.and_time(NaiveTime::MIN),
            When::Local(t) => t,
        }
    }
}

/// A VEVENT as read, before any judgement.
#[derive(Debug, Default)]
pub struct RawEvent {
    pub line: usize,
    pub uid: Option<String>,
    pub start: Option<(usize, When)>,
    pub end: Option<(usize, When)>,
    pub duration: Option<(usize, Duration)>,
    pub summary: Option<String>,
    pub rrule: Option<(usize, String)>,
    pub rdates: Vec<When>,
    pub exdates: Vec<When>,
    pub recurrence_id: Option<When>,
    pub cancelled: bool,
}

/// Words that say the school is shut: they win over the open-day words
/// ("Half term" contains "term" but is a holiday).
const CLOSED_WORDS: &[&str] = &[
    "holiday",
    "half term",
    "half-term",
    "halfterm",
    "break",
    "closed",
    "closure",
    "christmas",
    "easter",
    "bank hol",
    "vacation",
];

/// Words that mark a school day, the edge of a term, or an event held in
/// an open school: left out unless the import asks for them.
const OPEN_WORDS: &[&str] = &[
    "term day",
    "term begins",
    "term starts",
    "term start",
    "start of term",
    "first day of term",
    "term ends",
    "end of term",
    "last day of term",
    "final day of term",
    "autumn term",
    "spring term",
    "summer term",
    "year groups",
    "year group",
    "to attend",
    "pupils return",
    "students return",
    "children return",
    "school opens",
    "school reopens",
    "open day",
    "open evening",
    "open morning",
    "parents evening",
    "parents' evening",
    "school day",
    "(week ",
    "week a",
    "week b",
];

/// Why an event (by its label) is not a closure, if it is not one.
pub fn open_day_reason(label: &str, exclude_inset: bool) -> Option<String> {
    let l = label.to_lowercase();
    if exclude_inset && (l.contains("inset") || l.contains("training day")) {
        return Some("INSET day: staff are in, so support is open (--exclude-inset)".into());
    }
    if CLOSED_WORDS.iter().any(|w| l.contains(w)) {
        return None;
    }
    let word = OPEN_WORDS.iter().find(|w| l.contains(*w))?;
    Some(format!(
        "looks like a school day or term marker ('{}'): left out (--include-open-days closes it)",
        word.trim_matches(|c: char| !c.is_alphanumeric())
    ))
}

/// The whole local days inside [start, end), if any.
fn whole_days(start: NaiveDateTime, end: NaiveDateTime) -> Option<(NaiveDate, NaiveDate)> {
    let first = if start.time() == NaiveTime::MIN { start.date() } else { start.date().succ_opt()? };
    let last = end.date().pred_opt()?;
    (last >= first).then_some((first, last))
}

/// The starts of a repeating event's instances inside the horizon.
fn expand(p: &Parser<'_>, e: &RawEvent, start: NaiveDateTime) -> Result<Vec<NaiveDateTime>> {
    // Expansion runs on wall-clock times (start is already in the calendar's
    // zone); UTC here only stands for "no clock changes".
    let utc = rrule::Tz::UTC;
    let at = |t: NaiveDateTime| utc.from_utc_datetime(&t);
    let (h0, h1) = p.opts.horizon;
    let mut set = rrule::RRuleSet::new(at(start));
    if let Some((line, text)) = &e.rrule {
        let rule: rrule::RRule<rrule::Unvalidated> =
            text.parse().map_err(|err| p.err(*line, format!("RRULE '{text}' is not understood: {err}")))?;
        let rule = rule
            .validate(at(start))
            .map_err(|err| p.err(*line, format!("RRULE '{text}' cannot be used: {err}")))?;
        set = set.rrule(rule);
    }
    for r in &e.rdates {
        set = set.rdate(at(r.local()));
    }
    let set = set
        .after(at(h0.and_time(NaiveTime::MIN) - Duration::days(1)))
        .before(at(h1.and_time(NaiveTime::MIN) + Duration::days(1)));
    let result = set.all(MAX_INSTANCES);
    if result.limited && result.dates.len() >= usize::from(MAX_INSTANCES) {
        return Err(p.err(
            e.line,
            format!("a repeating event gives more than {MAX_INSTANCES} instances in the years imported"),
        ));
    }
    Ok(result.dates.into_iter().map(|d| d.naive_utc()).collect())
}

/// Judges every event; see the module comment of `ics`.
pub fn resolve(p: &Parser<'_>, events: Vec<RawEvent>) -> Result<IcsImport> {
    let mut out = IcsImport::default();
    // Instances replaced by an edited copy (RECURRENCE-ID), by UID and date.
    let mut overridden: HashMap<&str, HashSet<NaiveDate>> = HashMap::new();
    for e in &events {
        if let (Some(uid), Some(rid)) = (&e.uid, e.recurrence_id) {
            overridden.entry(uid.as_str()).or_default().insert(rid.local().date());
        }
    }
    for e in &events {
        let label: String = e.summary.clone().filter(|s| !s.is_empty()).unwrap_or_else(|| NO_SUMMARY.into());
        let label: String = label.chars().take(MAX_LABEL).collect();
        let skipped = |reason: String| Skipped { line: e.line, label: label.clone(), reason };
        let (start_line, start) =
            e.start.ok_or_else(|| p.err(e.line, format!("event '{label}' has no DTSTART")))?;
        if e.cancelled {
            out.skipped.push(skipped("cancelled".into()));
            continue;
        }
        let end = match (e.end, e.duration, start) {
            (Some((line, end)), _, _) => {
                if end.local() < start.local() {
                    return Err(p.err(line, format!("DTEND is before DTSTART (line {start_line})")));
                }
                match (start, end) {
                    // Some producers repeat DTSTART as DTEND for a one-day event.
                    (When::Date(s), When::Date(en)) if s == en => s.succ_opt().map(When::Date).unwrap_or(end),
                    _ => end,
                }
            }
            (None, Some((_, d)), _) if d > Duration::days(MAX_EVENT_DAYS + 1) => {
                out.refused.push(skipped(format!(
                    "lasts {} days, more than the {MAX_EVENT_DAYS} a closure may (a mistake in the file?)",
                    d.num_days()
                )));
                continue;
            }
            (None, Some((line, d)), _) => {
                When::Local(start.local().checked_add_signed(d).ok_or_else(|| {
                    p.err(line, format!("DURATION takes event '{label}' past the end of the calendar"))
                })?)
            }
            (None, None, When::Date(d)) => When::Date(d.succ_opt().unwrap_or(d)),
            (None, None, When::Local(t)) => When::Local(t),
        };
        let length = end.local() - start.local();
        if length > Duration::days(MAX_EVENT_DAYS + 1) {
            out.refused.push(skipped(format!(
                "lasts {} days, more than the {MAX_EVENT_DAYS} a closure may (a mistake in the file?)",
                length.num_days()
            )));
            continue;
        }
        let repeats = e.rrule.is_some() || !e.rdates.is_empty();
        let mut starts = if repeats && e.recurrence_id.is_none() {
            let exdates: HashSet<NaiveDate> = e.exdates.iter().map(|w| w.local().date()).collect();
            let edited = e.uid.as_deref().and_then(|u| overridden.get(u));
            let mut all = expand(p, e, start.local())?;
            all.retain(|s| !exdates.contains(&s.date()) && !edited.is_some_and(|x| x.contains(&s.date())));
            if all.is_empty() {
                out.skipped.push(skipped("repeats, but no instance falls in the years imported".into()));
                continue;
            }
            all
        } else {
            vec![start.local()]
        };
        starts.sort();
        starts.dedup();
        let mut days = Vec::new();
        for s in starts {
            let en = s.checked_add_signed(length).ok_or_else(|| {
                p.err(e.line, format!("event '{label}' repeats past the end of the calendar"))
            })?;
            if let Some(d) = whole_days(s, en) {
                days.push(d);
            }
        }
        if days.is_empty() {
            out.skipped.push(skipped("does not cover a whole day".into()));
            continue;
        }
        if let Some(reason) = open_day_reason(&label, p.opts.exclude_inset) {
            if reason.starts_with("INSET") || !p.opts.include_open_days {
                out.skipped.push(skipped(reason));
                continue;
            }
        }
        for (first, last) in days {
            out.closures.push(IcsClosure { line: e.line, closure: Closure::new(first, last, &label)? });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_days_and_closures_by_their_words() {
        for open in [
            "Term day (Week 3)",
            "Term begins",
            "All year groups to attend",
            "Final day of term",
            "Autumn Term",
            "Year 7 open evening",
        ] {
            assert!(open_day_reason(open, false).is_some(), "{open}");
        }
        for closed in [
            "October half term",
            "Christmas holiday",
            "Bank Holiday",
            "INSET day",
            "School closed (polling station)",
            "Good Friday",
            "Summer break",
        ] {
            assert_eq!(open_day_reason(closed, false), None, "{closed}");
        }
        assert!(open_day_reason("INSET day", true).unwrap().starts_with("INSET"));
        assert!(open_day_reason("Term begins", false).unwrap().contains("'term begins'"));
    }
}
