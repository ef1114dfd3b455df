//! Weekly opening hours: `"Mon-Fri 08:00-12:00,13:00-17:00; Sat 09:00-12:00"`.
//!
//! Groups are separated by `;`; each names its days (a day, a range such as
//! `Mon-Fri`, or a comma list such as `Mon,Wed`) and then one or more time
//! ranges separated by `,`. Ranges must not overlap; ranges that touch are
//! merged. Times are local wall-clock times; `24:00` may end a range.

use crate::{Error, Result};
use chrono::Weekday;
use std::fmt;

pub const DAY_NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const FULL_NAMES: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
const EXAMPLE: &str = "e.g. \"Mon-Fri 08:00-17:00\" or \"Mon-Thu 08:00-12:00,13:00-17:00; Fri 08:00-15:30\"";
pub const DAY_MINUTES: u32 = 24 * 60;

/// Open ranges per weekday (Monday first), as minutes after local midnight:
/// sorted, disjoint, each start before its end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeeklyHours {
    days: [Vec<(u32, u32)>; 7],
}

fn invalid(msg: String) -> Error {
    Error::invalid(format!("invalid opening hours: {msg}"))
}

fn parse_day(text: &str) -> Result<usize> {
    let t = text.trim().to_ascii_lowercase();
    FULL_NAMES.iter().position(|full| t.len() >= 3 && full.starts_with(&t)).ok_or_else(|| {
        invalid(format!("unknown day '{}': expected Mon, Tue, Wed, Thu, Fri, Sat or Sun", text.trim()))
    })
}

/// `Mon-Fri`, `Sat`, `Mon,Wed,Fri`, `Fri-Mon` (wrapping over the weekend).
fn parse_days(spec: &str) -> Result<Vec<usize>> {
    let mut days = Vec::new();
    for item in spec.split(',') {
        match item.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (parse_day(a)?, parse_day(b)?);
                let mut d = a;
                loop {
                    days.push(d);
                    if d == b {
                        break;
                    }
                    d = (d + 1) % 7;
                }
            }
            None => days.push(parse_day(item)?),
        }
    }
    Ok(days)
}

fn parse_time(text: &str, range: &str) -> Result<u32> {
    let bad = || invalid(format!("bad time '{text}' in '{range}': expected HH:MM between 00:00 and 24:00"));
    let (h, m) = text.split_once(':').ok_or_else(bad)?;
    if h.is_empty()
        || h.len() > 2
        || m.len() != 2
        || !(h.bytes().chain(m.bytes())).all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if m > 59 || h > 24 || (h == 24 && m != 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

fn parse_range(text: &str) -> Result<(u32, u32)> {
    let text = text.trim();
    let (a, b) = text
        .split_once('-')
        .ok_or_else(|| invalid(format!("bad time range '{text}': expected HH:MM-HH:MM, {EXAMPLE}")))?;
    let (start, end) = (parse_time(a.trim(), text)?, parse_time(b.trim(), text)?);
    if start == DAY_MINUTES {
        return Err(invalid(format!("bad time range '{text}': a range cannot start at 24:00")));
    }
    if end <= start {
        return Err(invalid(format!(
            "bad time range '{text}': the end must be after the start (split overnight hours over two days)"
        )));
    }
    Ok((start, end))
}

pub fn format_minutes(m: u32) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

fn format_ranges(ranges: &[(u32, u32)]) -> String {
    ranges
        .iter()
        .map(|&(s, e)| format!("{}-{}", format_minutes(s), format_minutes(e)))
        .collect::<Vec<_>>()
        .join(",")
}

impl WeeklyHours {
    pub fn parse(text: &str) -> Result<WeeklyHours> {
        let mut days: [Vec<(u32, u32)>; 7] = Default::default();
        let text = text.trim();
        if text.is_empty() {
            return Err(invalid(format!("no hours given: expected {EXAMPLE}")));
        }
        for group in text.split(';').map(str::trim).filter(|g| !g.is_empty()) {
            let (spec, times) = group
                .split_once(char::is_whitespace)
                .ok_or_else(|| invalid(format!("'{group}' has days but no times: expected {EXAMPLE}")))?;
            let ranges = times.split(',').map(parse_range).collect::<Result<Vec<_>>>()?;
            for d in parse_days(spec)? {
                days[d].extend(&ranges);
            }
        }
        for (d, ranges) in days.iter_mut().enumerate() {
            ranges.sort_unstable();
            let mut merged: Vec<(u32, u32)> = Vec::with_capacity(ranges.len());
            for &(s, e) in ranges.iter() {
                match merged.last_mut() {
                    Some(last) if s < last.1 => {
                        return Err(invalid(format!(
                            "ranges {} and {} overlap on {}",
                            format_ranges(&[*last]),
                            format_ranges(&[(s, e)]),
                            DAY_NAMES[d]
                        )))
                    }
                    Some(last) if s == last.1 => last.1 = e,
                    _ => merged.push((s, e)),
                }
            }
            *ranges = merged;
        }
        if days.iter().all(Vec::is_empty) {
            return Err(invalid(format!("no open time at all: expected {EXAMPLE}")));
        }
        Ok(WeeklyHours { days })
    }

    /// The open ranges of a weekday, minutes after local midnight.
    pub fn ranges(&self, day: Weekday) -> &[(u32, u32)] {
        &self.days[day.num_days_from_monday() as usize]
    }

    /// Open minutes in a week with no closures.
    pub fn weekly_minutes(&self) -> u32 {
        self.days.iter().flatten().map(|(s, e)| e - s).sum()
    }
}

/// The canonical form: consecutive days with the same hours grouped.
impl fmt::Display for WeeklyHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut groups = Vec::new();
        let mut d = 0;
        while d < 7 {
            if self.days[d].is_empty() {
                d += 1;
                continue;
            }
            let mut last = d;
            while last + 1 < 7 && self.days[last + 1] == self.days[d] {
                last += 1;
            }
            let days = if last == d {
                DAY_NAMES[d].to_string()
            } else {
                format!("{}-{}", DAY_NAMES[d], DAY_NAMES[last])
            };
            groups.push(format!("{days} {}", format_ranges(&self.days[d])));
            d = last + 1;
        }
        f.write_str(&groups.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        WeeklyHours::parse(text).unwrap_err().to_string()
    }

    #[test]
    fn simple_week() {
        let h = WeeklyHours::parse("Mon-Fri 08:00-17:00").unwrap();
        assert_eq!(h.ranges(Weekday::Mon), &[(480, 1020)]);
        assert_eq!(h.ranges(Weekday::Fri), &[(480, 1020)]);
        assert!(h.ranges(Weekday::Sat).is_empty());
        assert_eq!(h.weekly_minutes(), 5 * 9 * 60);
        assert_eq!(h.to_string(), "Mon-Fri 08:00-17:00");
    }

    #[test]
    fn split_days_and_day_groups() {
        let h = WeeklyHours::parse("Mon-Thu 08:00-12:00, 13:00-17:00; Fri 08:00-15:30").unwrap();
        assert_eq!(h.ranges(Weekday::Wed), &[(480, 720), (780, 1020)]);
        assert_eq!(h.ranges(Weekday::Fri), &[(480, 930)]);
        assert_eq!(h.to_string(), "Mon-Thu 08:00-12:00,13:00-17:00; Fri 08:00-15:30");
        // Full names, lists, a wrapping range and a trailing ';' are accepted.
        let h = WeeklyHours::parse("monday,Wednesday 09:00-10:00; Sat-Sun 00:00-24:00;").unwrap();
        assert_eq!(h.ranges(Weekday::Sun), &[(0, 1440)]);
        assert!(h.ranges(Weekday::Tue).is_empty());
        let h = WeeklyHours::parse("Fri-Mon 10:00-11:00").unwrap();
        assert_eq!(h.to_string(), "Mon 10:00-11:00; Fri-Sun 10:00-11:00");
    }

    #[test]
    fn touching_ranges_merge_and_days_may_repeat() {
        let h = WeeklyHours::parse("Mon 08:00-12:00,12:00-17:00; Mon 18:00-19:00").unwrap();
        assert_eq!(h.ranges(Weekday::Mon), &[(480, 1020), (1080, 1140)]);
    }

    #[test]
    fn bad_hours_are_named() {
        assert!(err("Mon-Fri 08:00-12:00,11:00-17:00").contains("08:00-12:00 and 11:00-17:00 overlap on Mon"));
        assert!(err("Mon-Fri 08:00-17:00; Fri 16:00-18:00").contains("overlap on Fri"));
        assert!(err("Mun-Fri 08:00-17:00").contains("unknown day 'Mun'"));
        assert!(err("Mon-Fri 8am-5pm").contains("bad time '8am' in '8am-5pm'"));
        assert!(err("Mon-Fri 0800").contains("bad time range '0800'"));
        assert!(err("Mon-Fri 08:00-25:00").contains("bad time '25:00'"));
        assert!(err("Mon-Fri 08:60-17:00").contains("bad time '08:60'"));
        assert!(err("Mon-Fri 17:00-08:00").contains("end must be after the start"));
        assert!(err("Mon-Fri 08:00-08:00").contains("end must be after the start"));
        assert!(err("Mon-Fri").contains("no times"));
        assert!(err("  ").contains("no hours given"));
        assert!(err(";").contains("no open time"));
        assert!(err("Mo-Fr 08:00-17:00").contains("unknown day 'Mo'"));
        assert!(err("Mon 24:00-24:00").contains("cannot start at 24:00"));
    }
}
