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
            .map(|c| ClosureInfo { id: c.id, from: c.from, to: c.to, label: c.label, import_batch: c.batch })
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

/// Stores a closure unless an identical one is there; its id if new.
fn store_closure(
    cx: &Ctx<'_>,
    cal: &rows::CalendarRow,
    c: &Closure,
    batch: Option<i64>,
) -> Result<Option<i64>> {
    let (from, to) = (c.from.to_string(), c.to.to_string());
    if rows::closure_exists(cx.tx, cal.id, &from, &to, &c.label)? {
        return Ok(None);
    }
    Ok(Some(match batch {
        Some(b) => rows::insert_imported_closure(cx.tx, cal.id, &from, &to, &c.label, b)?,
        None => dir::insert_closure(cx.tx, cal.id, &from, &to, &c.label)?,
    }))
}

fn closure_info(id: i64, c: &Closure, batch: Option<i64>) -> ClosureInfo {
    ClosureInfo {
        id,
        from: c.from.to_string(),
        to: c.to.to_string(),
        label: c.label.clone(),
        import_batch: batch,
    }
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
    match store_closure(cx, &cal, &closure, None)? {
        Some(id) => {
            cx.audit("add", "closure", &cal.name, Some(&format!("{from} to {to}: {label}")))?;
            Ok((closure_info(id, &closure, None), true))
        }
        None => {
            let (f, t) = (from.to_string(), to.to_string());
            let old = rows::closures(cx.tx, cal.id)?
                .into_iter()
                .find(|c| c.from == f && c.to == t && c.label == closure.label);
            let (id, batch) = old.map(|c| (c.id, c.batch)).unwrap_or_default();
            Ok((closure_info(id, &closure, batch), false))
        }
    }
}

/// How to read an iCalendar file (`sla closure import`).
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// Report what would happen; change nothing.
    pub dry_run: bool,
    /// Close on events that look like school days or term markers too.
    pub include_open_days: bool,
    /// Leave INSET (staff training) days open.
    pub exclude_inset: bool,
}

/// What an iCalendar import did (or, in a dry run, would do).
#[derive(Debug, Clone, serde::Serialize)]
pub struct ImportReport {
    pub calendar: String,
    pub dry_run: bool,
    /// The number marking this import's closures (`sla closure remove
    /// CALENDAR --import-batch N` undoes it); None in a dry run.
    pub import_batch: Option<i64>,
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

fn skipped_event(s: ics::Skipped) -> SkippedEvent {
    SkippedEvent { line: s.line, label: s.label, reason: s.reason }
}

/// Adds the closures of an iCalendar text, all or nothing; `source` names
/// the file in messages. A dry run reports the same and writes nothing.
pub fn import_closures(
    cx: &mut Ctx<'_>,
    calendar: &str,
    source: &str,
    text: &str,
    opts: ImportOptions,
) -> Result<ImportReport> {
    cx.require_lead("change calendars")?;
    let cal = find(cx.tx, calendar)?;
    let tz = sla::parse_tz(&cal.tz)?;
    let mut ics_opts = ics::IcsOptions::new(tz, cx.now.with_timezone(&tz).date_naive());
    ics_opts.include_open_days = opts.include_open_days;
    ics_opts.exclude_inset = opts.exclude_inset;
    let parsed = ics::parse_with(source, text, &ics_opts)?;
    if let (false, Some(r)) = (opts.dry_run, parsed.refused.first()) {
        return Err(Error::invalid(format!(
            "{source} line {}: event '{}' {}: refused, nothing imported (see --dry-run; add the right dates with `sla closure add`)",
            r.line, r.label, r.reason
        )));
    }
    let batch = if opts.dry_run { None } else { Some(rows::next_closure_batch(cx.tx)?) };
    let mut report = ImportReport {
        calendar: cal.name.clone(),
        dry_run: opts.dry_run,
        import_batch: batch,
        added: Vec::new(),
        already_there: 0,
        skipped: parsed.refused.into_iter().chain(parsed.skipped).map(skipped_event).collect(),
    };
    report.skipped.sort_by_key(|s| s.line);
    let mut seen = std::collections::HashSet::new();
    for c in &parsed.closures {
        let key = (c.closure.from, c.closure.to, c.closure.label.clone());
        let there = rows::closure_exists(
            cx.tx,
            cal.id,
            &c.closure.from.to_string(),
            &c.closure.to.to_string(),
            &c.closure.label,
        )?;
        if there || !seen.insert(key) {
            report.already_there += 1;
        } else if opts.dry_run {
            report.added.push(closure_info(0, &c.closure, None));
        } else if let Some(id) = store_closure(cx, &cal, &c.closure, batch)? {
            report.added.push(closure_info(id, &c.closure, batch));
        }
    }
    if !opts.dry_run {
        let detail = format!(
            "{} closure(s) from {source} (import batch {})",
            report.added.len(),
            batch.unwrap_or_default()
        );
        cx.audit("import", "closure", &cal.name, Some(&detail))?;
    }
    Ok(report)
}

/// What to remove from a calendar.
#[derive(Debug, Clone, Copy)]
pub enum RemoveClosures<'a> {
    Ids(&'a [i64]),
    Batch(i64),
}

/// Removes closures (by id, or every closure of one import), all or
/// nothing; returns the removed ones.
pub fn remove_closures(
    cx: &mut Ctx<'_>,
    calendar: &str,
    what: RemoveClosures<'_>,
) -> Result<Vec<ClosureInfo>> {
    cx.require_lead("change calendars")?;
    let cal = find(cx.tx, calendar)?;
    let all = info(cx.tx, &cal)?.closures;
    let removed: Vec<ClosureInfo> = match what {
        RemoveClosures::Ids(ids) => {
            if ids.is_empty() {
                return Err(Error::invalid("name the closures to remove: their ids, or --import-batch N"));
            }
            let mut out = Vec::new();
            for id in ids {
                let c = all.iter().find(|c| c.id == *id).ok_or_else(|| {
                    Error::not_found(format!(
                        "closure {id} not found on calendar '{}' (see `deskside sla closure list {}`)",
                        cal.name, cal.name
                    ))
                })?;
                rows::delete_closure(cx.tx, cal.id, *id)?;
                out.push(c.clone());
            }
            out
        }
        RemoveClosures::Batch(batch) => {
            let out: Vec<ClosureInfo> = all.into_iter().filter(|c| c.import_batch == Some(batch)).collect();
            if out.is_empty() {
                return Err(Error::not_found(format!(
                    "no closures from import batch {batch} on calendar '{}' (see `deskside sla closure list {}`)",
                    cal.name, cal.name
                )));
            }
            rows::delete_closure_batch(cx.tx, cal.id, batch)?;
            out
        }
    };
    for c in &removed {
        cx.audit(
            "remove",
            "closure",
            &cal.name,
            Some(&format!("#{} {} to {}: {}", c.id, c.from, c.to, c.label)),
        )?;
    }
    Ok(removed)
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

    pub fn import_closures(
        &mut self,
        calendar: &str,
        source: &str,
        text: &str,
        opts: ImportOptions,
    ) -> Result<ImportReport> {
        // A dry run writes nothing (no insert, no audit): the transaction
        // only gives it the same view and checks as a real import.
        self.write(|cx| import_closures(cx, calendar, source, text, opts))
    }

    pub fn remove_closures(&mut self, calendar: &str, what: RemoveClosures<'_>) -> Result<Vec<ClosureInfo>> {
        self.write(|cx| remove_closures(cx, calendar, what))
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
