//! Closures from an iCalendar file (RFC 5545), as local authorities and
//! trusts publish term dates. Each VEVENT becomes the whole local days it
//! covers: all-day events (`DTSTART;VALUE=DATE`, `DTEND` exclusive) and
//! date-times that span whole days. Events that cover no whole day, repeat
//! or are cancelled are reported as skipped. Any malformed line fails the
//! whole file with a message naming the line.

use super::Closure;
use crate::{Error, Result};
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;

/// Label used when an event has no SUMMARY.
const NO_SUMMARY: &str = "closure";
const MAX_LABEL: usize = 200;

/// A closure found in the file, with the line its event starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IcsClosure {
    pub line: usize,
    pub closure: Closure,
}

/// An event that was not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub line: usize,
    pub label: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IcsImport {
    pub closures: Vec<IcsClosure>,
    pub skipped: Vec<Skipped>,
}

/// One unfolded content line: `NAME;PARAM=V:VALUE`.
struct Prop {
    line: usize,
    name: String,
    params: Vec<(String, String)>,
    value: String,
}

impl Prop {
    fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// A start or end: a date, or a local date-time in the calendar's zone.
#[derive(Debug, Clone, Copy)]
enum When {
    Date(NaiveDate),
    Local(NaiveDateTime),
}

impl When {
    fn local(self) -> NaiveDateTime {
        match self {
            When::Date(d) => d.and_time(NaiveTime::MIN),
            When::Local(t) => t,
        }
    }
}

#[derive(Default)]
struct EventProps {
    line: usize,
    start: Option<(usize, When)>,
    end: Option<(usize, When)>,
    duration: Option<(usize, Duration)>,
    summary: Option<String>,
    repeats: bool,
    cancelled: bool,
}

struct Parser<'a> {
    source: &'a str,
    tz: Tz,
}

impl Parser<'_> {
    fn err(&self, line: usize, msg: impl std::fmt::Display) -> Error {
        Error::invalid(format!("{} line {line}: {msg}", self.source))
    }

    /// Splits a content line at the first ':' outside double quotes.
    fn prop(&self, line: usize, text: &str) -> Result<Prop> {
        let mut quoted = false;
        let colon = text
            .char_indices()
            .find(|&(_, c)| {
                if c == '"' {
                    quoted = !quoted;
                }
                c == ':' && !quoted
            })
            .map(|(i, _)| i)
            .ok_or_else(|| self.err(line, format!("expected NAME:VALUE, found '{}'", shorten(text))))?;
        let (head, value) = (&text[..colon], &text[colon + 1..]);
        let mut parts = split_unquoted(head, ';').into_iter();
        let name = parts.next().unwrap_or_default().trim().to_ascii_uppercase();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(self.err(line, format!("expected NAME:VALUE, found '{}'", shorten(text))));
        }
        let mut params = Vec::new();
        for p in parts {
            let (k, v) = p
                .split_once('=')
                .ok_or_else(|| self.err(line, format!("parameter '{p}' of {name} has no '='")))?;
            params.push((k.trim().to_ascii_uppercase(), v.trim().trim_matches('"').to_string()));
        }
        Ok(Prop { line, name, params, value: value.trim().to_string() })
    }

    fn when(&self, p: &Prop) -> Result<When> {
        let v = p.value.as_str();
        let bad = || {
            self.err(
                p.line,
                format!(
                    "{} '{v}' is not an iCalendar date or date-time (expected 20261026 or 20261026T090000)",
                    p.name
                ),
            )
        };
        let is_date = p.param("VALUE").is_some_and(|x| x.eq_ignore_ascii_case("DATE")) || v.len() == 8;
        if is_date {
            if v.len() != 8 || !v.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            return NaiveDate::parse_from_str(v, "%Y%m%d").map(When::Date).map_err(|_| bad());
        }
        let (text, utc) = match v.strip_suffix(['Z', 'z']) {
            Some(t) => (t, true),
            None => (v, false),
        };
        if text.len() != 15 || !text.is_char_boundary(8) || !text[8..].starts_with(['T', 't']) {
            return Err(bad());
        }
        let naive =
            NaiveDateTime::parse_from_str(&text.to_ascii_uppercase(), "%Y%m%dT%H%M%S").map_err(|_| bad())?;
        let local = if utc {
            naive.and_utc().with_timezone(&self.tz).naive_local()
        } else if let Some(zone) = p.param("TZID") {
            let zone: Tz = zone.trim_start_matches('/').parse().map_err(|_| {
                self.err(
                    p.line,
                    format!(
                        "unknown time zone '{zone}' in TZID: expected an IANA name such as Europe/London"
                    ),
                )
            })?;
            let instant = zone.from_local_datetime(&naive).earliest().ok_or_else(|| {
                self.err(
                    p.line,
                    format!("{} '{v}' does not exist in {zone} (a clock change skips it)", p.name),
                )
            })?;
            instant.with_timezone(&self.tz).naive_local()
        } else {
            naive // floating time: the calendar's own zone
        };
        Ok(When::Local(local))
    }

    /// `P1D`, `P2W`, `PT4H`, `P1DT12H30M`.
    fn duration(&self, p: &Prop) -> Result<Duration> {
        let bad = || {
            self.err(
                p.line,
                format!("DURATION '{}' is not an iCalendar duration (expected e.g. P1D or P2W)", p.value),
            )
        };
        let body = p.value.strip_prefix('+').unwrap_or(&p.value).strip_prefix('P').ok_or_else(bad)?;
        let mut total = Duration::zero();
        let mut number = String::new();
        let mut in_time = false;
        for c in body.chars() {
            match c {
                '0'..='9' => number.push(c),
                'T' if number.is_empty() && !in_time => in_time = true,
                'W' | 'D' | 'H' | 'M' | 'S' => {
                    let n: i64 = number.parse().map_err(|_| bad())?;
                    number.clear();
                    total += match (c, in_time) {
                        ('W', false) => Duration::weeks(n),
                        ('D', false) => Duration::days(n),
                        ('H', true) => Duration::hours(n),
                        ('M', true) => Duration::minutes(n),
                        ('S', true) => Duration::seconds(n),
                        _ => return Err(bad()),
                    };
                }
                _ => return Err(bad()),
            }
        }
        if !number.is_empty() || body.is_empty() {
            return Err(bad());
        }
        Ok(total)
    }

    fn finish(&self, e: EventProps, out: &mut IcsImport) -> Result<()> {
        let label: String = e.summary.filter(|s| !s.is_empty()).unwrap_or_else(|| NO_SUMMARY.into());
        let label: String = label.chars().take(MAX_LABEL).collect();
        let skip = |out: &mut IcsImport, reason: &str| {
            out.skipped.push(Skipped { line: e.line, label: label.clone(), reason: reason.to_string() });
            Ok(())
        };
        let (start_line, start) =
            e.start.ok_or_else(|| self.err(e.line, format!("event '{label}' has no DTSTART")))?;
        if e.cancelled {
            return skip(out, "cancelled");
        }
        if e.repeats {
            return skip(out, "repeats (RRULE): add its dates one by one");
        }
        let end = match (e.end, e.duration, start) {
            (Some((line, end)), _, _) => {
                if end.local() < start.local() {
                    return Err(self.err(line, format!("DTEND is before DTSTART (line {start_line})")));
                }
                match (start, end) {
                    // Some producers repeat DTSTART as DTEND for a one-day event.
                    (When::Date(s), When::Date(en)) if s == en => When::Date(s + Duration::days(1)),
                    _ => end,
                }
            }
            (None, Some((_, d)), _) => When::Local(start.local() + d),
            (None, None, When::Date(d)) => When::Date(d + Duration::days(1)),
            (None, None, When::Local(t)) => When::Local(t),
        };
        // The whole local days inside [start, end).
        let (s, en) = (start.local(), end.local());
        let first = if s.time() == NaiveTime::MIN { s.date() } else { s.date() + Duration::days(1) };
        let last = en.date() - Duration::days(1);
        if last < first {
            return skip(out, "does not cover a whole day");
        }
        out.closures.push(IcsClosure { line: e.line, closure: Closure::new(first, last, &label)? });
        Ok(())
    }
}

fn shorten(text: &str) -> String {
    let mut s: String = text.chars().take(40).filter(|c| !c.is_control()).collect();
    if text.chars().count() > 40 {
        s.push('…');
    }
    s
}

fn split_unquoted(text: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut quoted, mut start) = (false, 0);
    for (i, c) in text.char_indices() {
        if c == '"' {
            quoted = !quoted;
        } else if c == sep && !quoted {
            parts.push(&text[start..i]);
            start = i + 1;
        }
    }
    parts.push(&text[start..]);
    parts
}

/// TEXT values escape `\,` `\;` `\\` and `\n`.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') | Some('N') => out.push(' '),
                Some(other) => out.push(other),
                None => {}
            }
        } else if !c.is_control() {
            out.push(c);
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Unfolds continuation lines (starting with a space or tab); returns each
/// logical line with the number of the physical line it starts on.
fn unfold(text: &str) -> Vec<(usize, String)> {
    let mut lines: Vec<(usize, String)> = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        match (raw.strip_prefix([' ', '\t']), lines.last_mut()) {
            (Some(rest), Some(last)) => last.1.push_str(rest),
            _ => lines.push((i + 1, raw.to_string())),
        }
    }
    lines
}

/// Reads the closures of an iCalendar text; `source` names the file in
/// messages, `tz` is the calendar's zone (for floating and UTC times).
pub fn parse_closures(source: &str, text: &str, tz: Tz) -> Result<IcsImport> {
    let p = Parser { source, tz };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = IcsImport::default();
    let mut stack: Vec<(usize, String)> = Vec::new();
    let mut event: Option<EventProps> = None;
    let mut seen_calendar = false;
    let mut events = 0;
    for (line, content) in unfold(text) {
        if content.trim().is_empty() {
            continue;
        }
        if !seen_calendar {
            if !content.trim().eq_ignore_ascii_case("BEGIN:VCALENDAR") {
                return Err(p.err(
                    line,
                    format!("not an iCalendar file: expected BEGIN:VCALENDAR, found '{}'", shorten(&content)),
                ));
            }
            seen_calendar = true;
        }
        let prop = p.prop(line, &content)?;
        let in_event = stack.last().is_some_and(|(_, c)| c == "VEVENT");
        match prop.name.as_str() {
            "BEGIN" => {
                let component = prop.value.to_ascii_uppercase();
                if component == "VCALENDAR" && !stack.is_empty() {
                    return Err(p.err(line, "BEGIN:VCALENDAR inside another component"));
                }
                if component == "VEVENT" {
                    if event.is_some() {
                        return Err(p.err(line, "BEGIN:VEVENT inside another VEVENT"));
                    }
                    event = Some(EventProps { line, ..EventProps::default() });
                }
                stack.push((line, component));
            }
            "END" => {
                let component = prop.value.to_ascii_uppercase();
                match stack.pop() {
                    Some((_, open)) if open == component => {}
                    Some((open_line, open)) => {
                        return Err(p.err(
                            line,
                            format!("END:{component} does not match BEGIN:{open} on line {open_line}"),
                        ))
                    }
                    None => return Err(p.err(line, format!("END:{component} without a BEGIN"))),
                }
                if component == "VEVENT" {
                    if let Some(e) = event.take() {
                        events += 1;
                        p.finish(e, &mut out)?;
                    }
                }
                if stack.is_empty() {
                    // Anything after END:VCALENDAR (another calendar) is read too.
                    seen_calendar = false;
                }
            }
            _ if in_event => {
                // The one expect outside tests: BEGIN:VEVENT is the only push of a
                // VEVENT onto the stack and always sets `event` (a nested one is
                // refused), and only END:VEVENT takes it, so in_event implies Some.
                #[allow(clippy::expect_used)]
                let e = event.as_mut().expect("an open VEVENT has its props");
                match prop.name.as_str() {
                    "DTSTART" => e.start = Some((line, p.when(&prop)?)),
                    "DTEND" => e.end = Some((line, p.when(&prop)?)),
                    "DURATION" => e.duration = Some((line, p.duration(&prop)?)),
                    "SUMMARY" => e.summary = Some(unescape(&prop.value)),
                    "RRULE" | "RDATE" => e.repeats = true,
                    "STATUS" => e.cancelled = prop.value.eq_ignore_ascii_case("CANCELLED"),
                    _ => {}
                }
            }
            _ => {}
        }
    }
    if let Some((open_line, component)) = stack.pop() {
        return Err(p.err(
            open_line,
            format!("BEGIN:{component} is never closed (the file ends before END:{component})"),
        ));
    }
    if text.trim().is_empty() {
        return Err(Error::invalid(format!(
            "{source} is empty: expected an iCalendar file (BEGIN:VCALENDAR)"
        )));
    }
    if events == 0 {
        return Err(Error::invalid(format!("{source} has no events (VEVENT): nothing to import")));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn london() -> Tz {
        "Europe/London".parse().unwrap()
    }

    fn import(text: &str) -> Result<IcsImport> {
        parse_closures("terms.ics", text, london())
    }

    fn days(i: &IcsImport) -> Vec<(String, String, String)> {
        i.closures
            .iter()
            .map(|c| (c.closure.from.to_string(), c.closure.to.to_string(), c.closure.label.clone()))
            .collect()
    }

    const TERMS: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Council//Term dates//EN\r\n\
BEGIN:VTIMEZONE\r\nTZID:Europe/London\r\nBEGIN:STANDARD\r\nDTSTART:19701025T020000\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n\
BEGIN:VEVENT\r\nUID:1\r\nDTSTART;VALUE=DATE:20261026\r\nDTEND;VALUE=DATE:20261031\r\nSUMMARY:October half \r\n term\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:2\r\nDTSTART;VALUE=DATE:20261023\r\nSUMMARY:INSET day\\, staff only\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:3\r\nDTSTART;TZID=Europe/London:20261221T000000\r\nDTEND;TZID=Europe/London:20270102T000000\r\nSUMMARY:Christmas\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:4\r\nDTSTART:20270215T080000Z\r\nDTEND:20270220T000000Z\r\nSUMMARY:February half term\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:5\r\nDTSTART:20261124T160000\r\nDTEND:20261124T190000\r\nSUMMARY:Parents' evening\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:6\r\nDTSTART;VALUE=DATE:20270503\r\nDURATION:P1D\r\nSUMMARY:Early May bank holiday\r\nBEGIN:VALARM\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n";

    #[test]
    fn term_dates_become_whole_day_closures() {
        let i = import(TERMS).unwrap();
        assert_eq!(
            days(&i),
            [
                ("2026-10-26".into(), "2026-10-30".into(), "October half term".into()),
                ("2026-10-23".into(), "2026-10-23".into(), "INSET day, staff only".into()),
                ("2026-12-21".into(), "2027-01-01".into(), "Christmas".into()),
                // Starts at 08:00 on the 15th: the first whole day is the 16th.
                ("2027-02-16".into(), "2027-02-19".into(), "February half term".into()),
                ("2027-05-03".into(), "2027-05-03".into(), "Early May bank holiday".into()),
            ]
        );
        assert_eq!(i.closures[0].line, 10);
        assert_eq!(i.skipped.len(), 1);
        assert_eq!(
            (i.skipped[0].label.as_str(), i.skipped[0].reason.as_str()),
            ("Parents' evening", "does not cover a whole day")
        );
    }

    #[test]
    fn lf_endings_same_day_ends_repeats_and_cancellations() {
        let text = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20261023\nDTEND;VALUE=DATE:20261023\nEND:VEVENT\n\
BEGIN:VEVENT\nDTSTART;VALUE=DATE:20261102\nRRULE:FREQ=YEARLY\nSUMMARY:Founders day\nEND:VEVENT\n\
BEGIN:VEVENT\nDTSTART;VALUE=DATE:20261103\nSTATUS:CANCELLED\nEND:VEVENT\nEND:VCALENDAR\n";
        let i = import(text).unwrap();
        assert_eq!(days(&i), [("2026-10-23".into(), "2026-10-23".into(), "closure".into())]);
        let reasons: Vec<&str> = i.skipped.iter().map(|s| s.reason.as_str()).collect();
        assert_eq!(reasons, ["repeats (RRULE): add its dates one by one", "cancelled"]);
    }

    #[test]
    fn broken_files_name_the_line() {
        let cases: &[(&str, &str)] = &[
            ("", "terms.ics is empty"),
            ("hello\n", "terms.ics line 1: not an iCalendar file"),
            ("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:2026-10-26\nEND:VEVENT\nEND:VCALENDAR\n", "line 3: DTSTART '2026-10-26' is not an iCalendar date"),
            ("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20261026\nDTEND:20261020\nEND:VEVENT\nEND:VCALENDAR\n", "line 4: DTEND is before DTSTART (line 3)"),
            ("BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:x\nEND:VEVENT\nEND:VCALENDAR\n", "line 2: event 'x' has no DTSTART"),
            ("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20261026\nthis line is garbage\nEND:VEVENT\nEND:VCALENDAR\n", "line 4: expected NAME:VALUE"),
            ("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20261026\n", "line 2: BEGIN:VEVENT is never closed"),
            ("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20261026\nEND:VCALENDAR\n", "line 4: END:VCALENDAR does not match BEGIN:VEVENT on line 2"),
            ("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;TZID=Mars/Olympus:20261026T000000\nEND:VEVENT\nEND:VCALENDAR\n", "line 3: unknown time zone 'Mars/Olympus'"),
            ("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20261026\nDURATION:1D\nEND:VEVENT\nEND:VCALENDAR\n", "line 4: DURATION '1D'"),
            ("BEGIN:VCALENDAR\nEND:VCALENDAR\n", "has no events"),
            ("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20261026T25000\nEND:VEVENT\nEND:VCALENDAR\n", "line 3: DTSTART '20261026T25000'"),
        ];
        for (text, needle) in cases {
            let e = import(text).unwrap_err().to_string();
            assert!(e.contains(needle), "{needle:?} not in {e:?}");
        }
    }
}
