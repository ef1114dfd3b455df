//! Closures from an iCalendar file (RFC 5545), as local authorities, trusts
//! and Outlook/Google/Evolution export them. Each VEVENT becomes the whole
//! local days it covers: all-day events (`DTSTART;VALUE=DATE`, `DTEND`
//! exclusive) and date-times that span whole days. Repeating events
//! (RRULE, RDATE, EXDATE, edited instances) are expanded over a bounded
//! horizon (`ics_events`); time zones are resolved by `ics_zone`.
//!
//! What is left out, with the reason: events covering no whole day,
//! cancelled ones, and events that look like open days or term markers
//! ("Term day (Week 3)", "Term begins", "All year groups to attend") unless
//! the import asks for them. An event longer than `MAX_EVENT_DAYS` is
//! refused (the import fails naming its line; a dry run lists it). Any
//! malformed line fails the whole file with a message naming the line.

use super::ics_events::{self, RawEvent, When};
use super::ics_zone::{self, DefinedZone, Onset, Zone};
use super::Closure;
use crate::{Error, Result};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use std::collections::HashMap;

/// The longest event taken as a closure: a school year and a bit. Anything
/// longer is a mistake in the file (`DURATION:P100000D` would close a
/// calendar for 270 years).
pub const MAX_EVENT_DAYS: i64 = 400;

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
    /// Events that are not closures (left out without fuss).
    pub skipped: Vec<Skipped>,
    /// Events that cannot be right (longer than `MAX_EVENT_DAYS`): a real
    /// import refuses the file while any are here.
    pub refused: Vec<Skipped>,
}

/// How to read a file.
#[derive(Debug, Clone, Copy)]
pub struct IcsOptions {
    /// The calendar's zone: floating and UTC times are read in it.
    pub tz: Tz,
    /// Take open-day and term-marker events as closures too.
    pub include_open_days: bool,
    /// Leave INSET (staff training) days out.
    pub exclude_inset: bool,
    /// Repeating events are expanded over these dates (inclusive).
    pub horizon: (NaiveDate, NaiveDate),
}

impl IcsOptions {
    /// Defaults: open days left out, INSET days closed, repeats expanded
    /// from a year before `today` to five years after it.
    pub fn new(tz: Tz, today: NaiveDate) -> IcsOptions {
        let from = today.checked_sub_signed(Duration::days(366)).unwrap_or(today);
        let to = today.checked_add_signed(Duration::days(5 * 366)).unwrap_or(today);
        IcsOptions { tz, include_open_days: false, exclude_inset: false, horizon: (from, to) }
    }
}

/// One unfolded content line: `NAME;PARAM=V:VALUE`.
pub(super) struct Prop {
    pub line: usize,
    pub name: String,
    pub params: Vec<(String, String)>,
    pub value: String,
}

impl Prop {
    fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

pub(super) struct Parser<'a> {
    pub source: &'a str,
    pub opts: IcsOptions,
    zones: HashMap<String, DefinedZone>,
}

impl Parser<'_> {
    pub fn err(&self, line: usize, msg: impl std::fmt::Display) -> Error {
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

    fn zone(&self, line: usize, name: &str) -> Result<Zone> {
        if let Some(tz) = ics_zone::known(name) {
            return Ok(Zone::Iana(tz));
        }
        let defined = self.zones.iter().find(|(k, _)| k.eq_ignore_ascii_case(name.trim()));
        match defined {
            Some((_, z)) if !z.onsets.is_empty() => Ok(Zone::Defined(z.clone())),
            _ => Err(self.err(
                line,
                format!(
                    "unknown time zone '{name}' in TZID: expected an IANA name such as Europe/London, \
                     a Windows name such as GMT Standard Time, or a VTIMEZONE in the file with its offsets"
                ),
            )),
        }
    }

    /// One date or date-time value (`20261026`, `20261026T090000[Z]`).
    fn when_value(&self, p: &Prop, v: &str) -> Result<When> {
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
        let tz = self.opts.tz;
        let local = if utc {
            naive.and_utc().with_timezone(&tz).naive_local()
        } else if let Some(name) = p.param("TZID") {
            self.zone(p.line, name)?.to_local(naive, tz).ok_or_else(|| {
                self.err(
                    p.line,
                    format!("{} '{v}' does not exist in {name} (a clock change skips it)", p.name),
                )
            })?
        } else {
            naive // floating time: the calendar's own zone
        };
        Ok(When::Local(local))
    }

    fn when(&self, p: &Prop) -> Result<When> {
        self.when_value(p, &p.value)
    }

    /// EXDATE/RDATE: a comma-separated list; a PERIOD counts from its start.
    fn when_list(&self, p: &Prop) -> Result<Vec<When>> {
        p.value.split(',').map(|v| self.when_value(p, v.split('/').next().unwrap_or(v).trim())).collect()
    }

    /// `P1D`, `P2W`, `PT4H`, `P1DT12H30M`, with checked arithmetic: a
    /// duration too large for a date is an error naming the line.
    fn duration(&self, p: &Prop) -> Result<Duration> {
        let bad = || {
            self.err(
                p.line,
                format!("DURATION '{}' is not an iCalendar duration (expected e.g. P1D or P2W)", p.value),
            )
        };
        let too_big = || {
            self.err(
                p.line,
                format!(
                    "DURATION '{}' is far too long for a closure (at most {MAX_EVENT_DAYS} days)",
                    shorten(&p.value)
                ),
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
                    if number.is_empty() {
                        return Err(bad());
                    }
                    let n: i64 = number.parse().map_err(|_| too_big())?;
                    number.clear();
                    let part = match (c, in_time) {
                        ('W', false) => Duration::try_weeks(n),
                        ('D', false) => Duration::try_days(n),
                        ('H', true) => Duration::try_hours(n),
                        ('M', true) => Duration::try_minutes(n),
                        ('S', true) => Duration::try_seconds(n),
                        _ => return Err(bad()),
                    };
                    total = part.and_then(|d| total.checked_add(&d)).ok_or_else(too_big)?;
                }
                _ => return Err(bad()),
            }
        }
        if !number.is_empty() || body.is_empty() {
            return Err(bad());
        }
        Ok(total)
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

/// A STANDARD/DAYLIGHT part as read: DTSTART, TZOFFSETFROM, TZOFFSETTO, RRULE.
type PartOnset = (Option<NaiveDateTime>, Option<i32>, Option<i32>, Option<String>);

/// The VTIMEZONE definitions of a file, by TZID: read before the events so
/// an event may name a zone defined further down. Lines that do not parse
/// are left for the main pass to report.
fn defined_zones(p: &Parser<'_>, lines: &[(usize, String)]) -> HashMap<String, DefinedZone> {
    let mut zones = HashMap::new();
    let mut current: Option<(String, DefinedZone)> = None;
    let mut onset: Option<PartOnset> = None;
    for (line, content) in lines {
        let Ok(prop) = p.prop(*line, content) else { continue };
        let value = prop.value.to_ascii_uppercase();
        match (prop.name.as_str(), value.as_str()) {
            ("BEGIN", "VTIMEZONE") => current = Some((String::new(), DefinedZone::default())),
            ("END", "VTIMEZONE") => {
                if let Some((id, z)) = current.take() {
                    zones.insert(id, z);
                }
            }
            ("BEGIN", "STANDARD" | "DAYLIGHT") if current.is_some() => onset = Some((None, None, None, None)),
            ("END", "STANDARD" | "DAYLIGHT") => {
                if let (Some((Some(start), Some(from), Some(to), rule)), Some((_, z))) =
                    (onset.take(), current.as_mut())
                {
                    let rule = rule.as_deref().and_then(ics_zone::yearly_rule);
                    z.onsets.push(Onset { start, from, to, rule });
                }
            }
            ("TZID", _) if onset.is_none() => {
                if let Some((id, _)) = current.as_mut() {
                    id.clone_from(&prop.value);
                }
            }
            ("DTSTART", _) => {
                if let Some(o) = onset.as_mut() {
                    o.0 = NaiveDateTime::parse_from_str(&value, "%Y%m%dT%H%M%S").ok();
                }
            }
            ("TZOFFSETFROM", _) => {
                if let Some(o) = onset.as_mut() {
                    o.1 = ics_zone::parse_offset(&prop.value);
                }
            }
            ("TZOFFSETTO", _) => {
                if let Some(o) = onset.as_mut() {
                    o.2 = ics_zone::parse_offset(&prop.value);
                }
            }
            ("RRULE", _) => {
                if let Some(o) = onset.as_mut() {
                    o.3 = Some(prop.value.clone());
                }
            }
            _ => {}
        }
    }
    zones
}

/// Reads the closures of an iCalendar text with default options; `source`
/// names the file in messages, `tz` is the calendar's zone.
pub fn parse_closures(source: &str, text: &str, tz: Tz, today: NaiveDate) -> Result<IcsImport> {
    parse_with(source, text, &IcsOptions::new(tz, today))
}

/// Reads the closures of an iCalendar text.
pub fn parse_with(source: &str, text: &str, opts: &IcsOptions) -> Result<IcsImport> {
    let mut p = Parser { source, opts: *opts, zones: HashMap::new() };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines = unfold(text);
    p.zones = defined_zones(&p, &lines);
    let mut events: Vec<RawEvent> = Vec::new();
    let mut stack: Vec<(usize, String)> = Vec::new();
    let mut event: Option<RawEvent> = None;
    let mut seen_calendar = false;
    for (line, content) in lines {
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
                    event = Some(RawEvent { line, ..RawEvent::default() });
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
                    events.extend(event.take());
                }
                if stack.is_empty() {
                    // Anything after END:VCALENDAR (another calendar) is read too.
                    seen_calendar = false;
                }
            }
            _ if in_event => {
                let Some(e) = event.as_mut() else { continue };
                match prop.name.as_str() {
                    "DTSTART" => e.start = Some((line, p.when(&prop)?)),
                    "DTEND" => e.end = Some((line, p.when(&prop)?)),
                    "DURATION" => e.duration = Some((line, p.duration(&prop)?)),
                    "SUMMARY" => e.summary = Some(unescape(&prop.value)),
                    "UID" => e.uid = Some(prop.value.clone()),
                    "RRULE" => e.rrule = Some((line, prop.value.clone())),
                    "RDATE" => e.rdates.extend(p.when_list(&prop)?),
                    "EXDATE" => e.exdates.extend(p.when_list(&prop)?),
                    "RECURRENCE-ID" => e.recurrence_id = Some(p.when(&prop)?),
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
    if events.is_empty() {
        return Err(Error::invalid(format!("{source} has no events (VEVENT): nothing to import")));
    }
    ics_events::resolve(&p, events)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn london() -> Tz {
        "Europe/London".parse().unwrap()
    }

    fn import(text: &str) -> Result<IcsImport> {
        parse_closures("terms.ics", text, london(), NaiveDate::from_ymd_opt(2026, 9, 1).unwrap())
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
        // Issue 23: a yearly event is expanded over the horizon (a year
        // before 2026-09-01 to five years after), no longer skipped.
        let mut want = vec![("2026-10-23".to_string(), "2026-10-23".to_string(), "closure".to_string())];
        for y in 2026..=2030 {
            want.push((format!("{y}-11-02"), format!("{y}-11-02"), "Founders day".into()));
        }
        assert_eq!(days(&i), want);
        let reasons: Vec<&str> = i.skipped.iter().map(|s| s.reason.as_str()).collect();
        assert_eq!(reasons, ["cancelled"]);
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

    fn cal(events: &str) -> String {
        format!("BEGIN:VCALENDAR\nVERSION:2.0\n{events}END:VCALENDAR\n")
    }

    #[test]
    fn huge_durations_are_errors_naming_the_line_and_long_events_are_refused() {
        for d in ["P999999999999999999W", "P99999999999999D", "PT9999999999999999H", "P99999999999999999999D"]
        {
            let text = cal(&format!("BEGIN:VEVENT\nDTSTART;VALUE=DATE:20261026\nDURATION:{d}\nEND:VEVENT\n"));
            let e = import(&text).unwrap_err().to_string();
            assert!(e.contains("terms.ics line 5") && e.contains("too long"), "{d}: {e}");
        }
        // Parses, but is no closure: refused (the import fails on it), with the line.
        let text =
            cal("BEGIN:VEVENT\nDTSTART;VALUE=DATE:20261026\nDURATION:P100000D\nSUMMARY:Oops\nEND:VEVENT\n\
BEGIN:VEVENT\nDTSTART;VALUE=DATE:20261102\nDURATION:P99999999D\nEND:VEVENT\n");
        let i = import(&text).unwrap();
        assert!(i.closures.is_empty());
        let refused: Vec<(usize, &str)> = i.refused.iter().map(|r| (r.line, r.label.as_str())).collect();
        assert_eq!(refused, [(3, "Oops"), (8, "closure")]);
        assert!(i.refused[0].reason.contains("100000 days"), "{:?}", i.refused[0]);
        // A school year is fine.
        let ok = cal("BEGIN:VEVENT\nDTSTART;VALUE=DATE:20260901\nDURATION:P52W\nSUMMARY:Closed for rebuilding\nEND:VEVENT\n");
        assert_eq!(
            days(&import(&ok).unwrap()),
            [("2026-09-01".into(), "2027-08-30".into(), "Closed for rebuilding".into())]
        );
    }

    #[test]
    fn windows_evolution_and_lower_case_zone_names() {
        // 23:00 on the 25th in each zone is midnight on the 26th in London
        // only for zones one hour ahead of it; each case names its own zone.
        let cases = [
            ("\"GMT Standard Time\"", "20261026T000000", "20261028T000000"),
            ("/freeassociation.sourceforge.net/Tzfile/Europe/London", "20261026T000000", "20261028T000000"),
            ("/freeassociation.sourceforge.net/Europe/Paris", "20261026T010000", "20261028T010000"),
            ("Europe/lisbon", "20261026T000000", "20261028T000000"),
            ("W. Europe Standard Time", "20261026T010000", "20261028T010000"),
        ];
        for (zone, s, e) in cases {
            let text = cal(&format!(
                "BEGIN:VEVENT\nDTSTART;TZID={zone}:{s}\nDTEND;TZID={zone}:{e}\nSUMMARY:Half term\nEND:VEVENT\n"
            ));
            let i = import(&text).unwrap_or_else(|e| panic!("{zone}: {e}"));
            assert_eq!(days(&i), [("2026-10-26".into(), "2026-10-27".into(), "Half term".into())], "{zone}");
        }
    }

    #[test]
    fn a_zone_defined_in_the_file_is_honoured_with_its_yearly_rules() {
        // "School Time" is UTC+1 in winter, UTC+2 from the last Sunday of
        // March: midnight there is 23:00 / 22:00 the day before in London (GMT / BST).
        let zone = "BEGIN:VTIMEZONE\nTZID:School Time\nBEGIN:STANDARD\nDTSTART:19701025T030000\n\
TZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\nEND:STANDARD\n\
BEGIN:DAYLIGHT\nDTSTART:19700329T020000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200\n\
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\nEND:DAYLIGHT\nEND:VTIMEZONE\n";
        // Winter: 01:00 School Time = 00:00 GMT; summer: 01:00 School Time = 00:00 BST.
        let text = cal(&format!(
            "BEGIN:VEVENT\nDTSTART;TZID=School Time:20261102T010000\nDTEND;TZID=School Time:20261104T010000\nSUMMARY:Closed\nEND:VEVENT\n\
BEGIN:VEVENT\nDTSTART;TZID=School Time:20260601T010000\nDTEND;TZID=School Time:20260602T010000\nSUMMARY:Closed in summer\nEND:VEVENT\n{zone}"
        ));
        let i = import(&text).unwrap();
        assert_eq!(
            days(&i),
            [
                ("2026-11-02".into(), "2026-11-03".into(), "Closed".into()),
                ("2026-06-01".into(), "2026-06-01".into(), "Closed in summer".into()),
            ]
        );
        // Unknown and undefined: still an error naming the line.
        let e = import(&cal("BEGIN:VEVENT\nDTSTART;TZID=Nowhere Time:20261102T000000\nEND:VEVENT\n"))
            .unwrap_err();
        assert!(e.to_string().contains("line 4: unknown time zone 'Nowhere Time'"), "{e}");
    }

    #[test]
    fn school_days_and_term_markers_are_left_out_unless_asked_for() {
        let text = cal("BEGIN:VEVENT\nDTSTART;VALUE=DATE:20260907\nSUMMARY:Term day (Week 1)\nEND:VEVENT\n\
BEGIN:VEVENT\nDTSTART;VALUE=DATE:20260903\nSUMMARY:Term begins\nEND:VEVENT\n\
BEGIN:VEVENT\nDTSTART;VALUE=DATE:20260904\nSUMMARY:All year groups to attend\nEND:VEVENT\n\
BEGIN:VEVENT\nDTSTART;VALUE=DATE:20261023\nSUMMARY:INSET day\nEND:VEVENT\n\
BEGIN:VEVENT\nDTSTART;VALUE=DATE:20261026\nDTEND;VALUE=DATE:20261031\nSUMMARY:Half term\nEND:VEVENT\n");
        let i = import(&text).unwrap();
        let closed: Vec<String> = i.closures.iter().map(|c| c.closure.label.clone()).collect();
        assert_eq!(closed, ["INSET day", "Half term"]);
        let left: Vec<(usize, &str)> = i.skipped.iter().map(|s| (s.line, s.label.as_str())).collect();
        assert_eq!(left, [(3, "Term day (Week 1)"), (7, "Term begins"), (11, "All year groups to attend")]);
        assert!(i.skipped.iter().all(|s| s.reason.contains("--include-open-days")));
        let mut opts = IcsOptions::new(london(), NaiveDate::from_ymd_opt(2026, 9, 1).unwrap());
        opts.include_open_days = true;
        assert_eq!(parse_with("t.ics", &text, &opts).unwrap().closures.len(), 5);
        opts.exclude_inset = true;
        let i = parse_with("t.ics", &text, &opts).unwrap();
        assert_eq!(i.closures.len(), 4);
        assert_eq!(i.skipped[0].label, "INSET day");
    }

    #[test]
    fn yearly_holidays_expand_with_exdates_rdates_and_edited_instances() {
        // Google-style bank holiday: the first Monday of May since 2010,
        // one year moved (RECURRENCE-ID), one year dropped (EXDATE), one extra day (RDATE).
        let text = cal("BEGIN:VEVENT\nUID:may@example\nDTSTART;VALUE=DATE:20100503\nDTEND;VALUE=DATE:20100504\n\
RRULE:FREQ=YEARLY;BYMONTH=5;BYDAY=1MO\nEXDATE;VALUE=DATE:20280501\nRDATE;VALUE=DATE:20270510\nSUMMARY:Early May bank holiday\nEND:VEVENT\n\
BEGIN:VEVENT\nUID:may@example\nRECURRENCE-ID;VALUE=DATE:20260504\nDTSTART;VALUE=DATE:20260508\nDTEND;VALUE=DATE:20260509\nSUMMARY:Early May bank holiday (moved)\nEND:VEVENT\n\
BEGIN:VEVENT\nUID:may@example\nRECURRENCE-ID;VALUE=DATE:20290507\nDTSTART;VALUE=DATE:20290507\nSTATUS:CANCELLED\nSUMMARY:Early May bank holiday\nEND:VEVENT\n");
        let i = import(&text).unwrap();
        let got: Vec<String> = i.closures.iter().map(|c| c.closure.from.to_string()).collect();
        // Horizon 2025-08-31 .. 2031-09-03: 2026 moved to the 8th, 2028 dropped, 2029 cancelled.
        assert_eq!(got, ["2027-05-03", "2027-05-10", "2030-05-06", "2031-05-05", "2026-05-08"]);
        assert_eq!(i.skipped.len(), 1);
        assert_eq!(i.skipped[0].reason, "cancelled");
        let e = import(&cal("BEGIN:VEVENT\nDTSTART;VALUE=DATE:20260101\nRRULE:FREQ=SOMETIMES\nEND:VEVENT\n"))
            .unwrap_err();
        assert!(e.to_string().contains("line 5: RRULE 'FREQ=SOMETIMES'"), "{e}");
    }
}
