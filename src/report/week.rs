//! ISO weeks (`2026-W47`): Monday 00:00 to the next Monday 00:00, local time
//! in a school's time zone.

use crate::domain::Timestamp;
use crate::{Error, Result};
use chrono::{Datelike, Duration, LocalResult, NaiveDate, TimeZone, Weekday};
use chrono_tz::Tz;
use serde::{Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Week {
    year: i32,
    week: u32,
}

impl Week {
    pub fn new(year: i32, week: u32) -> Option<Week> {
        NaiveDate::from_isoywd_opt(year, week, Weekday::Mon).map(|_| Week { year, week })
    }

    /// The week a local date falls in.
    pub fn containing(date: NaiveDate) -> Week {
        let iso = date.iso_week();
        Week { year: iso.year(), week: iso.week() }
    }

    /// The week containing instant `t` in time zone `tz`.
    pub fn at(t: Timestamp, tz: Tz) -> Week {
        Week::containing(t.with_timezone(&tz).date_naive())
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn number(self) -> u32 {
        self.week
    }

    pub fn monday(self) -> NaiveDate {
        NaiveDate::from_isoywd_opt(self.year, self.week, Weekday::Mon).unwrap_or_default()
    }

    pub fn sunday(self) -> NaiveDate {
        self.monday() + Duration::days(6)
    }

    /// `n` weeks later (negative: earlier).
    pub fn plus(self, n: i64) -> Week {
        Week::containing(self.monday() + Duration::weeks(n))
    }

    /// `[Monday 00:00, next Monday 00:00)` local time in `tz`, as instants.
    pub fn window(self, tz: Tz) -> (Timestamp, Timestamp) {
        (local_midnight(tz, self.monday()), local_midnight(tz, self.plus(1).monday()))
    }
}

/// The first instant of a local date (a midnight inside a clock change maps
/// to the first instant after the gap, or the earlier of two).
fn local_midnight(tz: Tz, date: NaiveDate) -> Timestamp {
    let mut local = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    loop {
        match tz.from_local_datetime(&local) {
            LocalResult::Single(t) => return t.to_utc(),
            LocalResult::Ambiguous(early, _) => return early.to_utc(),
            LocalResult::None => local += Duration::minutes(1),
        }
    }
}

impl fmt::Display for Week {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-W{:02}", self.year, self.week)
    }
}

impl Serialize for Week {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl FromStr for Week {
    type Err = Error;
    fn from_str(text: &str) -> Result<Week> {
        let t = text.trim();
        let bad = |why: &str| {
            Error::invalid(format!("invalid week '{t}': expected an ISO week like 2026-W47{why}"))
        };
        let b = t.as_bytes();
        let shaped = b.len() == 8
            && b[4] == b'-'
            && (b[5] == b'W' || b[5] == b'w')
            && b[..4].iter().chain(&b[6..]).all(u8::is_ascii_digit);
        if !shaped {
            return Err(bad(""));
        }
        let year: i32 = t[..4].parse().map_err(|_| bad(""))?;
        let week: u32 = t[6..].parse().map_err(|_| bad(""))?;
        Week::new(year, week).ok_or_else(|| {
            let weeks = Week::containing(NaiveDate::from_ymd_opt(year, 12, 28).unwrap_or_default()).week;
            bad(&format!(" ({year} has weeks 01 to {weeks})"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_show() {
        let w: Week = "2026-W47".parse().unwrap();
        assert_eq!(w.to_string(), "2026-W47");
        assert_eq!(w.monday().to_string(), "2026-11-16");
        assert_eq!(w.sunday().to_string(), "2026-11-22");
        assert_eq!("2026-w01".parse::<Week>().unwrap().monday().to_string(), "2025-12-29");
        assert_eq!("2026-W53".parse::<Week>().unwrap().monday().to_string(), "2026-12-28");
        let err = "2025-W53".parse::<Week>().unwrap_err().to_string();
        assert_eq!(
            err,
            "invalid week '2025-W53': expected an ISO week like 2026-W47 (2025 has weeks 01 to 52)"
        );
        for bad in ["", "2026-47", "2026-W4", "2026-W470", "W47-2026", "2026-W00", "２026-W47"] {
            assert!(bad.parse::<Week>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn arithmetic_crosses_years() {
        let w: Week = "2026-W01".parse().unwrap();
        assert_eq!(w.plus(-1).to_string(), "2025-W52");
        assert_eq!("2026-W53".parse::<Week>().unwrap().plus(1).to_string(), "2027-W01");
    }

    #[test]
    fn windows_are_local_mondays() {
        let w: Week = "2026-W47".parse().unwrap();
        let (a, b) = w.window("America/New_York".parse().unwrap());
        assert_eq!(
            (a.to_rfc3339(), b.to_rfc3339()),
            ("2026-11-16T05:00:00+00:00".into(), "2026-11-23T05:00:00+00:00".into())
        );
        // The week of the spring change in London is an hour short.
        let (a, b) = "2026-W13".parse::<Week>().unwrap().window("Europe/London".parse().unwrap());
        assert_eq!((b - a).num_hours(), 7 * 24 - 1);
    }
}
