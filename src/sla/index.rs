//! Working time over one stretch of a calendar, answered in O(log n): the
//! opening periods are listed once with running totals, so a report can ask
//! thousands of "working seconds between" questions without walking days.

use super::Calendar;
use crate::domain::Timestamp;

pub struct WorkingIndex {
    calendar: Calendar,
    /// The stretch the periods cover, as unix seconds.
    from: i64,
    to: i64,
    /// Opening periods inside `[from, to)`, sorted and disjoint.
    periods: Vec<(i64, i64)>,
    /// `before[i]`: working seconds in `periods[..i]`.
    before: Vec<i64>,
}

impl WorkingIndex {
    /// Indexes `[from, to)` of `calendar`; questions reaching outside it are
    /// answered by the calendar itself (correct, only slower).
    pub fn new(calendar: &Calendar, from: Timestamp, to: Timestamp) -> WorkingIndex {
        let mut periods: Vec<(i64, i64)> = calendar
            .open_periods(from, to)
            .into_iter()
            .map(|(a, b)| (a.timestamp(), b.timestamp()))
            .collect();
        periods.sort_unstable();
        // Periods of neighbouring days can touch (a range ending at 24:00);
        // overlaps would count twice, so merge them.
        let mut merged: Vec<(i64, i64)> = Vec::with_capacity(periods.len());
        for (a, b) in periods {
            match merged.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        let mut before = Vec::with_capacity(merged.len() + 1);
        let mut sum = 0;
        for &(a, b) in &merged {
            before.push(sum);
            sum += b - a;
        }
        before.push(sum);
        WorkingIndex {
            calendar: calendar.clone(),
            from: from.timestamp(),
            to: to.timestamp().max(from.timestamp()),
            periods: merged,
            before,
        }
    }

    /// Working seconds in `[from, t)` for `t` inside the indexed stretch.
    fn upto(&self, t: i64) -> i64 {
        let i = self.periods.partition_point(|p| p.1 <= t);
        match self.periods.get(i) {
            Some(&(a, _)) if a < t => self.before[i] + (t - a),
            _ => self.before[i],
        }
    }

    /// Working seconds in `[a, b)`; zero when `b` is not after `a`. Equal to
    /// `Calendar::working_secs` everywhere.
    pub fn working_secs(&self, a: Timestamp, b: Timestamp) -> i64 {
        let (a, b) = (a.timestamp(), b.timestamp());
        if b <= a {
            return 0;
        }
        let mut total = 0;
        if a < self.from {
            total += self.slow(a, b.min(self.from));
        }
        if b > self.to {
            total += self.slow(a.max(self.to), b);
        }
        let (x, y) = (a.max(self.from), b.min(self.to));
        if x < y {
            total += self.upto(y) - self.upto(x);
        }
        total
    }

    fn slow(&self, a: i64, b: i64) -> i64 {
        self.calendar.working_secs(crate::domain::from_secs(a), crate::domain::from_secs(b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sla::{parse_date, parse_tz, Closure, WeeklyHours};
    use chrono::{DateTime, Duration};

    fn at(s: &str) -> Timestamp {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn calendar(tz: &str, hours: &str) -> Calendar {
        let closure = Closure::new(
            parse_date("from", "2026-11-18").unwrap(),
            parse_date("to", "2026-11-18").unwrap(),
            "bank holiday",
        )
        .unwrap();
        Calendar::new(parse_tz(tz).unwrap(), WeeklyHours::parse(hours).unwrap(), vec![closure])
    }

    #[test]
    fn hand_checked_week_with_a_closure() {
        let cal = calendar("Europe/London", "Mon-Fri 08:00-17:00");
        let idx = WorkingIndex::new(&cal, at("2026-11-01T00:00:00Z"), at("2026-12-01T00:00:00Z"));
        // Mon 14:00 -> Thu 14:00: Mon 3h + Tue 9h + Wed closed + Thu 6h = 18h.
        assert_eq!(idx.working_secs(at("2026-11-16T14:00:00Z"), at("2026-11-19T14:00:00Z")), 18 * 3600);
        // Inside one period, and a weekend.
        assert_eq!(idx.working_secs(at("2026-11-16T09:00:00Z"), at("2026-11-16T09:20:00Z")), 1200);
        assert_eq!(idx.working_secs(at("2026-11-21T09:00:00Z"), at("2026-11-23T08:00:00Z")), 0);
        assert_eq!(idx.working_secs(at("2026-11-19T14:00:00Z"), at("2026-11-16T14:00:00Z")), 0);
    }

    /// The index and the calendar agree on random instants, across a
    /// closure, both clock changes, split days and the edges of the stretch.
    #[test]
    fn agrees_with_the_calendar() {
        let cases = [
            calendar("Europe/London", "Mon-Fri 08:00-12:00,13:00-17:00; Sat 09:00-12:00"),
            calendar("America/New_York", "Mon-Fri 08:00-16:00"),
            calendar("Europe/London", "Mon-Sun 00:00-24:00"),
        ];
        let (from, to) = (at("2026-03-01T00:00:00Z"), at("2026-11-30T00:00:00Z"));
        let mut rng = crate::rng::Rng(7);
        for cal in &cases {
            let idx = WorkingIndex::new(cal, from, to);
            for _ in 0..400 {
                // Reach a week past both ends to test the fallback.
                let span = (to - from).num_seconds() + 14 * 86400;
                let a = from - Duration::days(7) + Duration::seconds(rng.range(0, span));
                let b = a + Duration::seconds(rng.range(0, 20 * 86400));
                assert_eq!(idx.working_secs(a, b), cal.working_secs(a, b), "{a} .. {b}");
            }
        }
    }
}
