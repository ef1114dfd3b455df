//! Recurring work: what `--every` means, the terms a school year has, and
//! which local dates an occurrence falls on. Pure: the caller says which
//! days a school is open (its calendar) and what its terms are.

use crate::{Error, Result};
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use std::fmt;

/// How often a schedule recurs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Every {
    /// Once a week, on the week's first open day.
    Week,
    /// On this weekday every week (the next open day of that week if closed).
    Day(Weekday),
    /// Once a month, on its first open day.
    Month,
    /// Once a term, on its first open day.
    Term,
    /// The first such weekday of each month or term (the next open day if closed).
    FirstOf(Weekday, Span),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    Month,
    Term,
}

fn weekday(s: &str) -> Option<Weekday> {
    let s = s.to_ascii_lowercase();
    let s = s.trim_end_matches('s');
    [
        ("mon", Weekday::Mon),
        ("tue", Weekday::Tue),
        ("wed", Weekday::Wed),
        ("thu", Weekday::Thu),
        ("fri", Weekday::Fri),
        ("sat", Weekday::Sat),
        ("sun", Weekday::Sun),
    ]
    .into_iter()
    .find(|(p, _)| s.len() >= 3 && p.starts_with(&s[..3]) && full_day(p).starts_with(s))
    .map(|(_, d)| d)
}

fn full_day(prefix: &str) -> &'static str {
    match prefix {
        "mon" => "monday",
        "tue" => "tuesday",
        "wed" => "wednesday",
        "thu" => "thursday",
        "fri" => "friday",
        "sat" => "saturday",
        _ => "sunday",
    }
}

impl std::str::FromStr for Every {
    type Err = Error;
    fn from_str(text: &str) -> Result<Every> {
        let t = text.trim().to_ascii_lowercase();
        let words: Vec<&str> = t.split_whitespace().collect();
        let span = |w: &str| match w {
            "term" => Some(Span::Term),
            "month" => Some(Span::Month),
            _ => None,
        };
        let parsed = match words.as_slice() {
            ["week"] | ["weekly"] => Some(Every::Week),
            ["month"] | ["monthly"] => Some(Every::Month),
            ["term"] | ["termly"] => Some(Every::Term),
            [d] => weekday(d).map(Every::Day),
            ["first", d, "of", s] | ["first", d, "of", "the", s] => {
                weekday(d).zip(span(s)).map(|(d, s)| Every::FirstOf(d, s))
            }
            _ => None,
        };
        parsed.ok_or_else(|| {
            Error::invalid(format!(
                "invalid --every '{}': expected week, month, term, a weekday (Mon), or \"first Monday of term\" / \"first Monday of month\"",
                text.trim()
            ))
        })
    }
}

impl fmt::Display for Every {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Every::Week => f.write_str("week"),
            Every::Month => f.write_str("month"),
            Every::Term => f.write_str("term"),
            Every::Day(d) => write!(f, "{d}"),
            Every::FirstOf(d, Span::Month) => write!(f, "first {d} of month"),
            Every::FirstOf(d, Span::Term) => write!(f, "first {d} of term"),
        }
    }
}

/// A term: inclusive local dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub label: String,
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// The English school terms by fixed dates, used when a calendar has no
/// term dates of its own: autumn 1 September - 31 December, spring
/// 1 January - 31 March, summer 1 April - 31 August. Together they cover
/// every day, so every day is in exactly one term (holidays inside a term
/// are the calendar's closures).
pub fn english_term(date: NaiveDate) -> Term {
    let y = date.year();
    match date.month() {
        1..=3 => Term { start: ymd(y, 1, 1), end: ymd(y, 3, 31), label: format!("Spring {y}") },
        4..=8 => Term { start: ymd(y, 4, 1), end: ymd(y, 8, 31), label: format!("Summer {y}") },
        _ => Term { start: ymd(y, 9, 1), end: ymd(y, 12, 31), label: format!("Autumn {y}") },
    }
}

/// The term holding `date`: from `terms` (a calendar's own, sorted) when
/// there are any, else the English term. A date between two of a
/// calendar's terms (a holiday) is in none.
pub fn term_at(terms: &[Term], date: NaiveDate) -> Option<Term> {
    if terms.is_empty() {
        return Some(english_term(date));
    }
    terms.iter().find(|t| t.start <= date && date <= t.end).cloned()
}

/// The terms overlapping `[from, to]`, in order.
pub fn terms_between(terms: &[Term], from: NaiveDate, to: NaiveDate) -> Vec<Term> {
    if !terms.is_empty() {
        return terms.iter().filter(|t| t.end >= from && t.start <= to).cloned().collect();
    }
    let mut out = Vec::new();
    let mut d = from;
    while d <= to {
        let t = english_term(d);
        d = t.end + Duration::days(1);
        out.push(t);
    }
    out
}

fn month_bounds(d: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first = ymd(d.year(), d.month(), 1);
    let next = if d.month() == 12 { ymd(d.year() + 1, 1, 1) } else { ymd(d.year(), d.month() + 1, 1) };
    (first, next - Duration::days(1))
}

/// The first `day` on or after `d`.
fn on_or_after(d: NaiveDate, day: Weekday) -> NaiveDate {
    let ahead = (7 + day.num_days_from_monday() - d.weekday().num_days_from_monday()) % 7;
    d + Duration::days(i64::from(ahead))
}

/// One occurrence: its key (the date it is named by), the first date it
/// may fall on, and the last (it moves to the first open day in between).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    pub key: NaiveDate,
    pub first: NaiveDate,
    pub last: NaiveDate,
}

impl Window {
    /// The first open day of the window, if the school opens at all in it.
    pub fn due(&self, open: &dyn Fn(NaiveDate) -> bool) -> Option<NaiveDate> {
        let mut d = self.first;
        while d <= self.last {
            if open(d) {
                return Some(d);
            }
            d += Duration::days(1);
        }
        None
    }
}

/// Every occurrence whose window meets `[from, to]`, oldest first.
pub fn windows(every: Every, terms: &[Term], from: NaiveDate, to: NaiveDate) -> Vec<Window> {
    let mut out = Vec::new();
    match every {
        Every::Week | Every::Day(_) => {
            let mut monday = from - Duration::days(i64::from(from.weekday().num_days_from_monday()));
            while monday <= to {
                let sunday = monday + Duration::days(6);
                let first = match every {
                    Every::Day(d) => monday + Duration::days(i64::from(d.num_days_from_monday())),
                    _ => monday,
                };
                out.push(Window { key: first, first, last: sunday });
                monday += Duration::days(7);
            }
        }
        Every::Month | Every::FirstOf(_, Span::Month) => {
            let mut d = month_bounds(from).0;
            while d <= to {
                let (first, last) = month_bounds(d);
                let start = match every {
                    Every::FirstOf(day, _) => on_or_after(first, day),
                    _ => first,
                };
                out.push(Window { key: start, first: start, last });
                d = last + Duration::days(1);
            }
        }
        Every::Term | Every::FirstOf(_, Span::Term) => {
            for t in terms_between(terms, from, to) {
                let start = match every {
                    Every::FirstOf(day, _) => on_or_after(t.start, day),
                    _ => t.start,
                };
                if start <= t.end {
                    out.push(Window { key: start, first: start, last: t.end });
                }
            }
        }
    }
    out.retain(|w| w.last >= from && w.first <= to);
    out
}

/// A contract period (month, term or year) holding `date`: inclusive dates.
pub fn period_at(period: &str, terms: &[Term], date: NaiveDate) -> (NaiveDate, NaiveDate, String) {
    match period {
        "month" => {
            let (a, b) = month_bounds(date);
            (a, b, a.format("%Y-%m").to_string())
        }
        "term" => match term_at(terms, date) {
            Some(t) => (t.start, t.end, t.label),
            // Between a calendar's terms: the holiday counts with the term before.
            None => {
                let before = terms.iter().rev().find(|t| t.end < date);
                let after = terms.iter().find(|t| t.start > date);
                match (before, after) {
                    (Some(b), Some(a)) => (b.start, a.start - Duration::days(1), b.label.clone()),
                    (Some(b), None) => (b.start, date, b.label.clone()),
                    (None, Some(a)) => (date, a.start - Duration::days(1), "before the first term".into()),
                    (None, None) => {
                        let t = english_term(date);
                        (t.start, t.end, t.label)
                    }
                }
            }
        },
        // The school year: 1 September to 31 August.
        _ => {
            let y = if date.month() >= 9 { date.year() } else { date.year() - 1 };
            (ymd(y, 9, 1), ymd(y + 1, 8, 31), format!("{}/{:02}", y, (y + 1) % 100))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn every_parses_what_technicians_write() {
        assert_eq!("week".parse::<Every>().unwrap(), Every::Week);
        assert_eq!("Mon".parse::<Every>().unwrap(), Every::Day(Weekday::Mon));
        assert_eq!("tuesday".parse::<Every>().unwrap(), Every::Day(Weekday::Tue));
        assert_eq!("Fridays".parse::<Every>().unwrap(), Every::Day(Weekday::Fri));
        assert_eq!("term".parse::<Every>().unwrap(), Every::Term);
        assert_eq!(
            "first Monday of term".parse::<Every>().unwrap(),
            Every::FirstOf(Weekday::Mon, Span::Term)
        );
        assert_eq!(
            "First wed of the month".parse::<Every>().unwrap(),
            Every::FirstOf(Weekday::Wed, Span::Month)
        );
        for bad in
            ["", "fortnight", "mo", "monx", "first of term", "first Monday of year", "second Monday of term"]
        {
            assert!(bad.parse::<Every>().is_err(), "{bad}");
        }
        for e in ["week", "month", "term", "Mon", "first Mon of term", "first Fri of month"] {
            let every: Every = e.parse().unwrap();
            assert_eq!(every.to_string().parse::<Every>().unwrap(), every);
        }
    }

    #[test]
    fn english_terms_cover_every_day_once() {
        let mut day = d("2025-01-01");
        while day <= d("2027-12-31") {
            let t = english_term(day);
            assert!(t.start <= day && day <= t.end);
            assert_eq!(english_term(t.end + Duration::days(1)).start, t.end + Duration::days(1));
            day += Duration::days(1);
        }
        assert_eq!(english_term(d("2026-09-01")).label, "Autumn 2026");
        assert_eq!(english_term(d("2026-03-31")).label, "Spring 2026");
    }

    #[test]
    fn a_termly_check_falls_on_the_first_open_day() {
        // Summer holiday closure to 2 September, then the weekend.
        let open = |x: NaiveDate| x >= d("2026-09-03") && x.weekday().num_days_from_monday() < 5;
        let w = windows(Every::Term, &[], d("2026-08-20"), d("2026-09-30"));
        assert_eq!(w.len(), 2); // summer's window, then autumn's
        assert_eq!(w[1].due(&open), Some(d("2026-09-03")));
        // The first Monday of term is 7 September.
        let w = windows(Every::FirstOf(Weekday::Mon, Span::Term), &[], d("2026-09-01"), d("2026-09-30"));
        assert_eq!(w[0].due(&open), Some(d("2026-09-07")));
    }

    #[test]
    fn weekly_windows_and_a_closed_week() {
        let w = windows(Every::Day(Weekday::Mon), &[], d("2026-12-01"), d("2026-12-14"));
        let keys: Vec<_> = w.iter().map(|w| w.key).collect();
        assert_eq!(keys, [d("2026-11-30"), d("2026-12-07"), d("2026-12-14")]);
        // Bank holiday Monday: Tuesday.
        let open = |x: NaiveDate| x != d("2026-12-07");
        assert_eq!(w[1].due(&open), Some(d("2026-12-08")));
        // A whole week closed: no day to fall on.
        let closed = |_: NaiveDate| false;
        assert_eq!(w[1].due(&closed), None);
    }

    #[test]
    fn calendar_terms_and_contract_periods() {
        let terms = vec![
            Term { start: d("2026-09-02"), end: d("2026-12-18"), label: "Autumn".into() },
            Term { start: d("2027-01-05"), end: d("2027-03-26"), label: "Spring".into() },
        ];
        assert_eq!(term_at(&terms, d("2026-12-25")), None);
        let (a, b, l) = period_at("term", &terms, d("2026-12-25"));
        assert_eq!((a, b, l.as_str()), (d("2026-09-02"), d("2027-01-04"), "Autumn"));
        assert_eq!(period_at("month", &[], d("2027-02-10")).1, d("2027-02-28"));
        assert_eq!(period_at("year", &[], d("2027-02-10")).0, d("2026-09-01"));
        assert_eq!(period_at("year", &[], d("2027-02-10")).2, "2026/27");
    }
}
