//! Time zones named by iCalendar files as real producers write them.
//!
//! A TZID is resolved in this order:
//! 1. an IANA name in any case (`Europe/lisbon`), also behind a vendor
//!    prefix such as Evolution's `/freeassociation.sourceforge.net/Tzfile/`
//!    or Mozilla's `/mozilla.org/20050126_1/` (leading path parts are
//!    dropped until an IANA name remains);
//! 2. a Windows zone name (`GMT Standard Time`), mapped by CLDR's
//!    windowsZones table (`assets/windows_zones.tsv`, territory 001);
//! 3. otherwise the file's own VTIMEZONE of that TZID: its STANDARD and
//!    DAYLIGHT offsets are honoured directly, with their yearly rules
//!    (`FREQ=YEARLY;BYMONTH=..;BYDAY=..` or `BYMONTHDAY=..`); an onset with
//!    any other rule counts from its DTSTART only.
//!
//! A name the tz database knows wins over the file's definition: producers'
//! VTIMEZONEs are often truncated (a STANDARD with no offsets at all).

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Weekday};
use chrono_tz::Tz;

const WINDOWS_ZONES: &str = include_str!("../../assets/windows_zones.tsv");

/// A zone a TZID stands for.
#[derive(Debug, Clone)]
pub enum Zone {
    Iana(Tz),
    Defined(DefinedZone),
}

/// A VTIMEZONE from the file: its onsets (STANDARD and DAYLIGHT parts).
#[derive(Debug, Clone, Default)]
pub struct DefinedZone {
    pub onsets: Vec<Onset>,
}

/// One STANDARD or DAYLIGHT part: from `start` (wall time in the old
/// offset), and again every year by `rule`, the offset becomes `to`.
#[derive(Debug, Clone)]
pub struct Onset {
    pub start: NaiveDateTime,
    pub from: i32,
    pub to: i32,
    pub rule: Option<YearlyRule>,
}

/// The yearly rules VTIMEZONEs use in practice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YearlyRule {
    /// The nth weekday of a month (n < 0 counts from the end).
    NthWeekday { month: u32, n: i32, weekday: Weekday },
    /// A fixed day of a month.
    MonthDay { month: u32, day: u32 },
}

/// An IANA zone by name, in any case, behind any vendor prefix.
pub fn iana(name: &str) -> Option<Tz> {
    let mut rest = name.trim().trim_matches('"').trim_start_matches('/');
    loop {
        if let Some(tz) = chrono_tz::TZ_VARIANTS.iter().find(|z| z.name().eq_ignore_ascii_case(rest)) {
            return Some(*tz);
        }
        // Drop one leading path part: `/mozilla.org/20050126_1/Europe/London`.
        rest = rest.split_once('/')?.1;
    }
}

/// A Windows zone name mapped by CLDR's table (any case).
pub fn windows(name: &str) -> Option<Tz> {
    let name = name.trim().trim_matches('"');
    WINDOWS_ZONES
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
        .find(|(win, _)| win.eq_ignore_ascii_case(name))
        .and_then(|(_, zone)| zone.parse().ok())
}

/// A zone the tz database knows under this TZID, if any.
pub fn known(name: &str) -> Option<Tz> {
    iana(name).or_else(|| windows(name))
}

/// `+0100`, `-0500`, `+053000` → seconds east of UTC.
pub fn parse_offset(text: &str) -> Option<i32> {
    let t = text.trim();
    let (sign, digits) = match t.as_bytes().first()? {
        b'+' => (1, &t[1..]),
        b'-' => (-1, &t[1..]),
        _ => return None,
    };
    if !(digits.len() == 4 || digits.len() == 6) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| digits.get(r).and_then(|s| s.parse::<i32>().ok());
    let (h, m) = (n(0..2)?, n(2..4)?);
    let s = if digits.len() == 6 { n(4..6)? } else { 0 };
    (h < 24 && m < 60 && s < 60).then_some(sign * (h * 3600 + m * 60 + s))
}

fn weekday(code: &str) -> Option<Weekday> {
    Some(match code.to_ascii_uppercase().as_str() {
        "MO" => Weekday::Mon,
        "TU" => Weekday::Tue,
        "WE" => Weekday::Wed,
        "TH" => Weekday::Thu,
        "FR" => Weekday::Fri,
        "SA" => Weekday::Sat,
        "SU" => Weekday::Sun,
        _ => return None,
    })
}

/// Reads `FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU` (or `BYMONTHDAY=`); anything
/// else is `None` and the onset then counts from its DTSTART only.
pub fn yearly_rule(text: &str) -> Option<YearlyRule> {
    let mut freq = None;
    let (mut month, mut byday, mut monthday) = (None, None, None);
    for part in text.split(';') {
        let (k, v) = part.split_once('=')?;
        match k.trim().to_ascii_uppercase().as_str() {
            "FREQ" => freq = Some(v.trim().to_ascii_uppercase()),
            "BYMONTH" => month = v.trim().parse::<u32>().ok().filter(|m| (1..=12).contains(m)),
            "BYDAY" => {
                let v = v.trim();
                let split = v.len().checked_sub(2)?;
                let n = match &v[..split] {
                    "" => 1,
                    s => s
                        .trim_start_matches('+')
                        .parse::<i32>()
                        .ok()
                        .filter(|n| (-5..=5).contains(n) && *n != 0)?,
                };
                byday = Some((n, weekday(v.get(split..)?)?));
            }
            "BYMONTHDAY" => monthday = v.trim().parse::<u32>().ok().filter(|d| (1..=31).contains(d)),
            "UNTIL" | "WKST" | "INTERVAL" => {}
            _ => return None,
        }
    }
    if freq.as_deref() != Some("YEARLY") {
        return None;
    }
    match (month?, byday, monthday) {
        (month, Some((n, weekday)), None) => Some(YearlyRule::NthWeekday { month, n, weekday }),
        (month, None, Some(day)) => Some(YearlyRule::MonthDay { month, day }),
        _ => None,
    }
}

impl YearlyRule {
    fn date_in(self, year: i32) -> Option<NaiveDate> {
        match self {
            YearlyRule::MonthDay { month, day } => NaiveDate::from_ymd_opt(year, month, day),
            YearlyRule::NthWeekday { month, n, weekday } if n > 0 => {
                NaiveDate::from_weekday_of_month_opt(year, month, weekday, u8::try_from(n).ok()?)
            }
            YearlyRule::NthWeekday { month, n, weekday } => {
                let next_month = if month == 12 {
                    NaiveDate::from_ymd_opt(year.checked_add(1)?, 1, 1)?
                } else {
                    NaiveDate::from_ymd_opt(year, month + 1, 1)?
                };
                let last = next_month.pred_opt()?;
                let back = (last.weekday().num_days_from_monday() + 7 - weekday.num_days_from_monday()) % 7;
                let back = i64::from(back) + 7 * i64::from(-n - 1);
                let d = last.checked_sub_signed(Duration::days(back))?;
                (d.month() == month).then_some(d)
            }
        }
    }
}

impl DefinedZone {
    /// The UTC offset (seconds east) in force at a wall-clock time: the
    /// latest onset at or before it, else the first onset's old offset.
    pub fn offset_at(&self, local: NaiveDateTime) -> Option<i32> {
        let mut best: Option<(NaiveDateTime, i32)> = None;
        let mut consider = |at: NaiveDateTime, to: i32| {
            if at <= local && best.is_none_or(|(b, _)| at > b) {
                best = Some((at, to));
            }
        };
        for o in &self.onsets {
            consider(o.start, o.to);
            if let Some(rule) = o.rule {
                for year in [local.year() - 1, local.year()] {
                    if year < o.start.year() {
                        continue;
                    }
                    if let Some(d) = rule.date_in(year) {
                        consider(d.and_time(o.start.time()), o.to);
                    }
                }
            }
        }
        best.map(|(_, to)| to).or_else(|| self.onsets.iter().min_by_key(|o| o.start).map(|o| o.from))
    }
}

impl Zone {
    /// The instant of a wall-clock time in this zone, in `target`'s wall clock.
    pub fn to_local(&self, naive: NaiveDateTime, target: Tz) -> Option<NaiveDateTime> {
        let utc = match self {
            Zone::Iana(tz) => tz.from_local_datetime(&naive).earliest()?.naive_utc(),
            Zone::Defined(z) => {
                naive.checked_sub_signed(Duration::seconds(i64::from(z.offset_at(naive)?)))?
            }
        };
        Some(target.from_utc_datetime(&utc).naive_local())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_any_case_behind_prefixes_and_windows_names() {
        assert_eq!(iana("Europe/lisbon"), Some(chrono_tz::Europe::Lisbon));
        assert_eq!(
            iana("/freeassociation.sourceforge.net/Tzfile/Europe/London"),
            Some(chrono_tz::Europe::London)
        );
        assert_eq!(iana("/freeassociation.sourceforge.net/Europe/Madrid"), Some(chrono_tz::Europe::Madrid));
        assert_eq!(iana("/mozilla.org/20050126_1/America/New_York"), Some(chrono_tz::America::New_York));
        assert_eq!(iana("Mars/Olympus"), None);
        assert_eq!(known("GMT Standard Time"), Some(chrono_tz::Europe::London));
        assert_eq!(known("\"W. Europe Standard Time\""), Some(chrono_tz::Europe::Berlin));
        assert_eq!(known("romance standard time"), Some(chrono_tz::Europe::Paris));
        assert_eq!(known("GMT Standard Time (made up)"), None);
    }

    #[test]
    fn every_windows_mapping_names_a_zone_the_tz_database_knows() {
        let rows: Vec<&str> = WINDOWS_ZONES.lines().filter(|l| !l.starts_with('#')).collect();
        assert!(rows.len() > 130, "{}", rows.len());
        for row in rows {
            let (win, zone) = row.split_once('\t').unwrap();
            assert!(zone.parse::<Tz>().is_ok(), "{win} -> {zone}");
        }
    }

    #[test]
    fn defined_zone_follows_its_yearly_rules() {
        // UK rules: BST from the last Sunday of March 01:00 UTC, GMT from the last Sunday of October.
        let zone = DefinedZone {
            onsets: vec![
                Onset {
                    start: NaiveDate::from_ymd_opt(1970, 3, 29).unwrap().and_hms_opt(1, 0, 0).unwrap(),
                    from: 0,
                    to: 3600,
                    rule: yearly_rule("FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU"),
                },
                Onset {
                    start: NaiveDate::from_ymd_opt(1970, 10, 25).unwrap().and_hms_opt(2, 0, 0).unwrap(),
                    from: 3600,
                    to: 0,
                    rule: yearly_rule("FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU"),
                },
            ],
        };
        let at = |y, m, d, h| NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, 0, 0).unwrap();
        assert_eq!(zone.offset_at(at(2026, 7, 1, 12)), Some(3600));
        assert_eq!(zone.offset_at(at(2026, 1, 5, 12)), Some(0));
        assert_eq!(zone.offset_at(at(2026, 3, 29, 0)), Some(0)); // last Sunday of March 2026, before 01:00
        assert_eq!(zone.offset_at(at(2026, 3, 29, 3)), Some(3600));
        assert_eq!(zone.offset_at(at(2026, 10, 25, 3)), Some(0));
        assert_eq!(zone.offset_at(at(1960, 1, 1, 0)), Some(0)); // before any onset: the first one's old offset
        assert_eq!(
            yearly_rule("FREQ=YEARLY;BYMONTH=4;BYDAY=1SU"),
            Some(YearlyRule::NthWeekday { month: 4, n: 1, weekday: Weekday::Sun })
        );
        assert_eq!(yearly_rule("FREQ=MONTHLY;BYDAY=1SU"), None);
        assert_eq!(parse_offset("+0530"), Some(19800));
        assert_eq!(parse_offset("-0100"), Some(-3600));
        assert_eq!(parse_offset("0100"), None);
        assert_eq!(parse_offset("+2500"), None);
    }
}
