//! Calendars, closures and SLA policies: the settings SLA clocks run on.
//! Every change is checked by the pure `sla` module before it is stored, and
//! only leads make them.

use super::{Ctx, Desk};
use crate::domain::{self, CalendarInfo, ClosureInfo, Priority, SlaPolicy, Timestamp};
use crate::sla::{self, ics, Calendar, Closure, WeeklyHours};
use crate::store::{directory as dir, sla as rows};
use crate::{Error, Result};
use chrono_tz::Tz;
use rusqlite::Connection;

const MAX_NAME: usize = 60;
const MAX_LABEL: usize = 200;

/// Checks a time zone and opening hours; returns the hours' canonical text.
pub fn validate(tz: &str, hours: &str) -> Result<(Tz, WeeklyHours)> {
    Ok((sla::parse_tz(tz)?, WeeklyHours::parse(hours)?))
}

fn calendar_name(name: &str) -> Result<String> {
    let name = domain::required_text("calendar name", name, MAX_NAME)?;
    if name.chars().any(char::is_control) {
        return Err(Error::invalid("calendar name must not contain control characters"));
    }
    Ok(name)
}

fn find(conn: &Connection, name: &str) -> Result<rows::CalendarRow> {
    rows::find_calendar(conn, name)?.ok_or_else(|| {
        Error::not_found(format!("calendar '{}' not found (see `deskside sla calendar list`)", name.trim()))
    })
}

/// Builds the arithmetic calendar from a stored one.
pub fn load(conn: &Connection, row: &rows::CalendarRow) -> Result<Calendar> {
    let broken =
        |e: Error| Error::runtime(format!("calendar '{}' is stored with invalid settings: {e}", row.name));
    let (tz, hours) = validate(&row.tz, &row.hours).map_err(broken)?;
    let mut closures = Vec::new();
    for c in rows::closures(conn, row.id)? {
        let from = sla::parse_date("closure start", &c.from).map_err(broken)?;
        let to = sla::parse_date("closure end", &c.to).map_err(broken)?;
        closures.push(Closure::new(from, to, &c.label).map_err(broken)?);
    }
    Ok(Calendar::new(tz, hours, closures))
}

/// The calendar a school's clocks run on.
pub fn for_school(conn: &Connection, school_id: i64) -> Result<Calendar> {
    load(conn, &rows::calendar_of_school(conn, school_id)?)
}

fn info(conn: &Connection, row: &rows::CalendarRow) -> Result<CalendarInfo> {
    Ok(CalendarInfo {
        name: row.name.clone(),
        tz: row.tz.clone(),
        hours: row.hours.clone(),
        closures: rows::closures(conn, row.id)?
            .into_iter()
            .map(|c| ClosureInfo { from: c.from, to: c.to, label: c.label })
            .collect(),
        schools: rows::schools_on(conn, row.id)?,
    })
}

pub fn add_calendar(cx: &mut Ctx<'_>, name: &str, tz: &str, hours: &str) -> Result<CalendarInfo> {
    cx.require_lead("add calendars")?;
    let name = calendar_name(name)?;
    let (tz, hours) = validate(tz, hours)?;
    if rows::find_calendar(cx.tx, &name)?.is_some() {
        return Err(Error::invalid(format!("a calendar named '{name}' already exists")));
    }
    let hours = hours.to_string();
    dir::insert_calendar(cx.tx, &name, tz.name(), &hours, cx.now)?;
    cx.audit("add", "calendar", &name, Some(&format!("{}; {hours}", tz.name())))?;
    info(cx.tx, &find(cx.tx, &name)?)
}

/// A closure to add: dates as typed.
#[derive(Debug, Clone)]
pub struct NewClosure<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub label: &'a str,
}

fn store_closure(cx: &Ctx<'_>, cal: &rows::CalendarRow, c: &Closure) -> Result<bool> {
    let (from, to) = (c.from.to_string(), c.to.to_string());
    if rows::closure_exists(cx.tx, cal.id, &from, &to, &c.label)? {
        return Ok(false);
    }
    dir::insert_closure(cx.tx, cal.id, &from, &to, &c.label)?;
    Ok(true)
}

fn closure_info(c: &Closure) -> ClosureInfo {
    ClosureInfo { from: c.from.to_string(), to: c.to.to_string(), label: c.label.clone() }
}

/// Adds a closure (dates inclusive); an identical one already there is left
/// as it is. Returns the closure and whether it was new.
pub fn add_closure(cx: &mut Ctx<'_>, calendar: &str, new: &NewClosure<'_>) -> Result<(ClosureInfo, bool)> {
    cx.require_lead("change calendars")?;
    let cal = find(cx.tx, calendar)?;
    let from = sla::parse_date("--from date", new.from)?;
    let to = sla::parse_date("--to date", new.to)?;
    let label = domain::required_text("label", new.label, MAX_LABEL)?;
    let closure = Closure::new(from, to, &label)?;
    let added = store_closure(cx, &cal, &closure)?;
    if added {
        cx.audit("add", "closure", &cal.name, Some(&format!("{from} to {to}: {label}")))?;
    }
    Ok((closure_info(&closure), added))
}

/// What an iCalendar import did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ImportReport {
    pub calendar: String,
    pub added: Vec<ClosureInfo>,
    /// Closures that were already on the calendar.
    pub already_there: usize,
    /// Events that are not closures, with their line and why.
    pub skipped: Vec<SkippedEvent>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct SkippedEvent {
    pub line: usize,
    pub label: String,
    pub reason: String,
}

/// Adds the closures of an iCalendar text, all or nothing; `source` names
/// the file in messages.
pub fn import_closures(cx: &mut Ctx<'_>, calendar: &str, source: &str, text: &str) -> Result<ImportReport> {
    cx.require_lead("change calendars")?;
    let cal = find(cx.tx, calendar)?;
    let tz = sla::parse_tz(&cal.tz)?;
    let parsed = ics::parse_closures(source, text, tz)?;
    let mut report = ImportReport {
        calendar: cal.name.clone(),
        added: Vec::new(),
        already_there: 0,
        skipped: parsed
            .skipped
            .into_iter()
            .map(|s| SkippedEvent { line: s.line, label: s.label, reason: s.reason })
            .collect(),
    };
    for c in &parsed.closures {
        if store_closure(cx, &cal, &c.closure)? {
            report.added.push(closure_info(&c.closure));
        } else {
            report.already_there += 1;
        }
    }
    let detail = format!("{} closure(s) from {source}", report.added.len());
    cx.audit("import", "closure", &cal.name, Some(&detail))?;
    Ok(report)
}

pub fn calendars(conn: &Connection) -> Result<Vec<CalendarInfo>> {
    rows::list_calendars(conn)?.iter().map(|r| info(conn, r)).collect()
}

pub fn calendar(conn: &Connection, name: &str) -> Result<CalendarInfo> {
    info(conn, &find(conn, name)?)
}

pub fn set_policy(cx: &mut Ctx<'_>, priority: Priority, response: i64, resolve: i64) -> Result<SlaPolicy> {
    cx.require_lead("change SLA policies")?;
    let response = sla::check_minutes("--response minutes", response)?;
    let resolve = sla::check_minutes("--resolve minutes", resolve)?;
    if response > resolve {
        return Err(Error::invalid(format!(
            "the response target ({response} minutes) must not be longer than the resolve target ({resolve} minutes)"
        )));
    }
    let old = rows::policy(cx.tx, priority)?;
    let policy = SlaPolicy { priority, response_minutes: response, resolve_minutes: resolve };
    rows::set_policy(cx.tx, &policy)?;
    let was =
        old.map(|p| format!("{}/{}", p.response_minutes, p.resolve_minutes)).unwrap_or_else(|| "none".into());
    let detail = format!("response {response}, resolve {resolve} working minutes (was {was})");
    cx.audit("set", "sla_policy", priority.as_str(), Some(&detail))?;
    Ok(policy)
}

/// The due instant `minutes` working minutes after `start` on a calendar.
pub fn due(conn: &Connection, calendar: &str, start: Timestamp, minutes: i64) -> Result<Timestamp> {
    let cal = load(conn, &find(conn, calendar)?)?;
    cal.add_working_secs(start, sla::check_minutes("--minutes", minutes)? * 60)
}

impl Desk {
    pub fn add_calendar(&mut self, name: &str, tz: &str, hours: &str) -> Result<CalendarInfo> {
        self.write(|cx| add_calendar(cx, name, tz, hours))
    }

    pub fn calendars(&self) -> Result<Vec<CalendarInfo>> {
        self.read(|conn, _| calendars(conn))
    }

    pub fn calendar(&self, name: &str) -> Result<CalendarInfo> {
        self.read(|conn, _| calendar(conn, name))
    }

    pub fn add_closure(&mut self, calendar: &str, new: &NewClosure<'_>) -> Result<(ClosureInfo, bool)> {
        self.write(|cx| add_closure(cx, calendar, new))
    }

    pub fn import_closures(&mut self, calendar: &str, source: &str, text: &str) -> Result<ImportReport> {
        self.write(|cx| import_closures(cx, calendar, source, text))
    }

    pub fn set_policy(&mut self, priority: Priority, response: i64, resolve: i64) -> Result<SlaPolicy> {
        self.write(|cx| set_policy(cx, priority, response, resolve))
    }

    pub fn policies(&self) -> Result<Vec<SlaPolicy>> {
        self.read(|conn, _| rows::policies(conn))
    }

    pub fn due(&self, calendar: &str, start: Timestamp, minutes: i64) -> Result<Timestamp> {
        self.read(|conn, _| due(conn, calendar, start, minutes))
    }
}

impl Desk {
    /// The default calendar's time zone: the team's own clock (weeks on the
    /// dashboard, for instance).
    pub fn default_tz(&self) -> Result<Tz> {
        self.read(|conn, _| {
            Ok(crate::store::import::default_tz(conn)?
                .and_then(|t| t.parse().ok())
                .unwrap_or(chrono_tz::Europe::London))
        })
    }
}
