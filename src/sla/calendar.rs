//! Working-time arithmetic on a calendar: a time zone, weekly opening hours
//! and closures (inclusive local date ranges). All instants are UTC; opening
//! hours are local wall-clock times, so daylight-saving changes are honoured
//! by converting each day's ranges to instants.

use super::WeeklyHours;
use crate::domain::Timestamp;
use crate::{Error, Result};
use chrono::{Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

/// Due-time searches give up after this many days (a calendar open one hour
/// a year would otherwise search forever).
const MAX_DAYS: u32 = 366 * 20;

/// The longest SLA target accepted, in working minutes (about seven years of
/// a 45-hour week): keeps every search well inside `MAX_DAYS`.
pub const MAX_MINUTES: i64 = 1_000_000;

/// A closed stretch of whole local days, both ends included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closure {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub label: String,
}

impl Closure {
    pub fn new(from: NaiveDate, to: NaiveDate, label: &str) -> Result<Closure> {
        if to < from {
            return Err(Error::invalid(format!(
                "closure ends ({to}) before it starts ({from}): --to must be on or after --from"
            )));
        }
        Ok(Closure { from, to, label: label.to_string() })
    }
}

/// Parses `YYYY-MM-DD`, naming the field on failure.
pub fn parse_date(field: &str, text: &str) -> Result<NaiveDate> {
    let t = text.trim();
    let ok = t.len() == 10 && t.as_bytes()[4] == b'-' && t.as_bytes()[7] == b'-';
    ok.then(|| NaiveDate::parse_from_str(t, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| Error::invalid(format!("invalid {field} '{t}': expected a date like 2026-10-26")))
}

/// Parses an IANA time zone name.
pub fn parse_tz(text: &str) -> Result<Tz> {
    text.trim().parse::<Tz>().map_err(|_| {
        Error::invalid(format!(
            "unknown time zone '{}': expected an IANA name such as Europe/London",
            text.trim()
        ))
    })
}

/// Validates `minutes` as an SLA target.
pub fn check_minutes(field: &str, minutes: i64) -> Result<i64> {
    if (0..=MAX_MINUTES).contains(&minutes) {
        Ok(minutes)
    } else {
        Err(Error::invalid(format!(
            "invalid {field} '{minutes}': expected working minutes from 0 to {MAX_MINUTES}"
        )))
    }
}

#[derive(Debug, Clone)]
pub struct Calendar {
    tz: Tz,
    hours: WeeklyHours,
    /// Sorted by start date.
    closures: Vec<Closure>,
}

impl Calendar {
    pub fn new(tz: Tz, hours: WeeklyHours, mut closures: Vec<Closure>) -> Calendar {
        closures.sort_by_key(|c| (c.from, c.to));
        Calendar { tz, hours, closures }
    }

    pub fn tz(&self) -> Tz {
        self.tz
    }

    pub fn hours(&self) -> &WeeklyHours {
        &self.hours
    }

    pub fn is_closed(&self, date: NaiveDate) -> bool {
        // Closures are few (a school year has about a dozen); those starting
        // after `date` cannot cover it.
        let end = self.closures.partition_point(|c| c.from <= date);
        self.closures[..end].iter().any(|c| c.to >= date)
    }

    /// The instant a local time of `date` maps to. In the autumn overlap the
    /// earlier instant opens a range and the later one closes it; a time in
    /// the spring gap maps to the first instant after the gap.
    fn instant(&self, date: NaiveDate, minute: u32, closing: bool) -> Timestamp {
        let mut local: NaiveDateTime =
            date.and_hms_opt(0, 0, 0).unwrap_or_default() + Duration::minutes(minute.into());
        loop {
            match self.tz.from_local_datetime(&local) {
                LocalResult::Single(t) => return t.to_utc(),
                LocalResult::Ambiguous(early, late) => return if closing { late } else { early }.to_utc(),
                // Gaps are whole minutes; step over them.
                LocalResult::None => local += Duration::minutes(1),
            }
        }
    }

    /// The opening periods of a local date as half-open UTC intervals.
    fn periods(&self, date: NaiveDate) -> Vec<(Timestamp, Timestamp)> {
        if self.is_closed(date) {
            return Vec::new();
        }
        self.hours
            .ranges(date.weekday())
            .iter()
            .map(|&(s, e)| (self.instant(date, s, false), self.instant(date, e, true)))
            .filter(|(open, close)| open < close)
            .collect()
    }

    fn local_date(&self, t: Timestamp) -> NaiveDate {
        t.with_timezone(&self.tz).date_naive()
    }

    /// The earliest instant at which `secs` of working time have passed since
    /// `start`. A zero target falls due at `start` during opening hours, or
    /// at the next opening.
    pub fn add_working_secs(&self, start: Timestamp, secs: i64) -> Result<Timestamp> {
        let mut remaining = secs.max(0);
        // A period never starts before its local date, so begin on the day
        // before the start's local date (a range ending at 24:00 of an
        // earlier day can still hold `start` around a clock change).
        let mut date = self.local_date(start).pred_opt().unwrap_or(NaiveDate::MIN);
        for _ in 0..MAX_DAYS {
            for (open, close) in self.periods(date) {
                if close <= start {
                    continue;
                }
                let from = open.max(start);
                let available = (close - from).num_seconds();
                if remaining == 0 {
                    return Ok(from);
                }
                if remaining <= available {
                    return Ok(from + Duration::seconds(remaining));
                }
                remaining -= available;
            }
            date =
                date.succ_opt().ok_or_else(|| Error::invalid("due time is beyond the calendar's range"))?;
        }
        Err(Error::invalid(format!(
            "no due time within 20 years of {}: the calendar has too few opening hours for a target of {} working minutes",
            start.format("%Y-%m-%d"),
            secs / 60
        )))
    }

    /// `add_working_secs` for a target in working minutes (checked).
    pub fn add_working_minutes(&self, start: Timestamp, minutes: i64) -> Result<Timestamp> {
        self.add_working_secs(start, check_minutes("minutes", minutes)? * 60)
    }

    /// Working seconds in `[from, to)`; zero when `to` is not after `from`.
    pub fn working_secs(&self, from: Timestamp, to: Timestamp) -> i64 {
        if to <= from {
            return 0;
        }
        let mut total = 0;
        let mut date = self.local_date(from).pred_opt().unwrap_or(NaiveDate::MIN);
        let last = self.local_date(to);
        while date <= last {
            for (open, close) in self.periods(date) {
                let (a, b) = (open.max(from), close.min(to));
                if a < b {
                    total += (b - a).num_seconds();
                }
            }
            match date.succ_opt() {
                Some(d) => date = d,
                None => break,
            }
        }
        total
    }

    /// The opening periods overlapping `[from, to)`, clipped to it, in order:
    /// what `WorkingIndex` sums once to answer many working-time questions.
    pub fn open_periods(&self, from: Timestamp, to: Timestamp) -> Vec<(Timestamp, Timestamp)> {
        let mut out = Vec::new();
        if to <= from {
            return out;
        }
        let mut date = self.local_date(from).pred_opt().unwrap_or(NaiveDate::MIN);
        let last = self.local_date(to);
        while date <= last {
            for (open, close) in self.periods(date) {
                let (a, b) = (open.max(from), close.min(to));
                if a < b {
                    out.push((a, b));
                }
            }
            match date.succ_opt() {
                Some(d) => date = d,
                None => break,
            }
        }
        out
    }

    /// A due time after a pause (pending on the requester) from `paused_at`
    /// to `resumed_at`: the working time that was left when the clock stopped
    /// is counted again from `resumed_at`. A target already missed when the
    /// clock stopped stays where it was.
    pub fn resume(&self, due: Timestamp, paused_at: Timestamp, resumed_at: Timestamp) -> Result<Timestamp> {
        if paused_at >= due || resumed_at <= paused_at {
            return Ok(due);
        }
        let left = self.working_secs(paused_at, due);
        let resumed = self.add_working_secs(resumed_at, left)?;
        Ok(resumed.max(due))
    }
}
