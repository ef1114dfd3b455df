//! Term dates (`school terms`): what "term" and "first Monday of term" mean
//! for `schedule run` and what a termly contract's period is. Terms belong
//! to a school's calendar (schools on one calendar share its holidays and
//! its terms); until a calendar has any, the English terms by fixed dates
//! apply (docs/time.md). Leads add them by hand or from a CSV file; each
//! change is checked (from <= to, no overlap with the calendar's other
//! terms) and audited in its own transaction.

use super::{Ctx, Desk};
use crate::domain::UNASSIGNED_SCHOOL;
use crate::sla::parse_date;
use crate::store::{directory as dir, sla as cal_rows, time as rows};
use crate::{Error, Result};
use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Serialize;

const MAX_NAME: usize = 60;
/// A term longer than this is a typing mistake (a school year is 366 days at most).
const MAX_TERM_DAYS: i64 = 366;

/// Which calendars a terms command is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermScope<'a> {
    /// The calendar of this school (shared with the schools on it).
    School(&'a str),
    /// A calendar by name.
    Calendar(&'a str),
    /// Every calendar a school is on.
    AllSchools,
}

/// A term as faces show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TermInfo {
    pub id: i64,
    pub calendar: String,
    /// The schools whose terms these are (the calendar's schools).
    pub schools: Vec<String>,
    pub name: String,
    pub from: String,
    pub to: String,
}

/// A term to add, as typed.
#[derive(Debug, Clone, Copy)]
pub struct NewTerm<'a> {
    pub name: &'a str,
    pub from: &'a str,
    pub to: &'a str,
}

/// A checked term; `line` says where it came from in an import.
#[derive(Debug, Clone)]
struct Checked {
    name: String,
    from: NaiveDate,
    to: NaiveDate,
    line: Option<usize>,
}

fn where_(line: Option<usize>) -> String {
    line.map(|l| format!("line {l}: ")).unwrap_or_default()
}

fn check(t: &NewTerm<'_>, line: Option<usize>) -> Result<Checked> {
    let at = |e: Error| Error::invalid(format!("{}{e}", where_(line)));
    let name = crate::domain::required_text("term name", t.name, MAX_NAME).map_err(at)?;
    if name.chars().any(char::is_control) {
        return Err(at(Error::invalid("term name must not contain control characters")));
    }
    let from = parse_date("--from date", t.from).map_err(at)?;
    let to = parse_date("--to date", t.to).map_err(at)?;
    if from > to {
        return Err(at(Error::invalid(format!("term '{name}' ends ({to}) before it starts ({from})"))));
    }
    if (to - from).num_days() >= MAX_TERM_DAYS {
        return Err(at(Error::invalid(format!(
            "term '{name}' from {from} to {to} is longer than a school year"
        ))));
    }
    Ok(Checked { name, from, to, line })
}

/// The calendars (id, name) a scope names.
fn calendars_of(conn: &Connection, scope: TermScope<'_>) -> Result<Vec<(i64, String)>> {
    match scope {
        TermScope::Calendar(name) => {
            let row = cal_rows::find_calendar(conn, name)?.ok_or_else(|| {
                Error::not_found(format!(
                    "calendar '{}' not found (see `deskside sla calendar list`)",
                    name.trim()
                ))
            })?;
            Ok(vec![(row.id, row.name)])
        }
        TermScope::School(code) => {
            let code = code.trim().to_ascii_uppercase();
            let school = dir::find_school(conn, &code)?.ok_or_else(|| {
                Error::not_found(format!("school {code} not found (see `deskside school list`)"))
            })?;
            let row = cal_rows::calendar_of_school(conn, school.id)?;
            Ok(vec![(row.id, row.name)])
        }
        TermScope::AllSchools => {
            let mut out: Vec<(i64, String)> = Vec::new();
            for s in dir::list_schools(conn)?.into_iter().filter(|s| s.code != UNASSIGNED_SCHOOL) {
                let row = cal_rows::calendar_of_school(conn, s.id)?;
                if !out.iter().any(|(id, _)| *id == row.id) {
                    out.push((row.id, row.name));
                }
            }
            if out.is_empty() {
                return Err(Error::not_found("no schools yet (see `deskside school add`)"));
            }
            Ok(out)
        }
    }
}

fn info(conn: &Connection, cal: &(i64, String), r: rows::TermRow) -> Result<TermInfo> {
    Ok(TermInfo {
        id: r.id,
        calendar: cal.1.clone(),
        schools: cal_rows::schools_on(conn, cal.0)?.into_iter().filter(|c| c != UNASSIGNED_SCHOOL).collect(),
        name: r.label,
        from: r.start,
        to: r.end,
    })
}

/// The terms of the scope's calendars (every calendar's with no scope).
pub fn list(conn: &Connection, scope: Option<TermScope<'_>>) -> Result<Vec<TermInfo>> {
    let cals = match scope {
        Some(s) => calendars_of(conn, s)?,
        None => cal_rows::list_calendars(conn)?.into_iter().map(|c| (c.id, c.name)).collect(),
    };
    let mut out = Vec::new();
    for cal in &cals {
        for r in rows::term_rows(conn, Some(cal.0))? {
            out.push(info(conn, cal, r)?);
        }
    }
    Ok(out)
}

/// Adds checked terms to each calendar of the scope, all or nothing: a
/// term overlapping one already there (or another of the same batch) is
/// refused with the one it overlaps.
fn add_checked(
    cx: &mut Ctx<'_>,
    scope: TermScope<'_>,
    terms: &[Checked],
    dry_run: bool,
) -> Result<Vec<TermInfo>> {
    cx.require_lead("change term dates")?;
    let cals = calendars_of(cx.tx, scope)?;
    let mut out = Vec::new();
    for cal in &cals {
        let mut there: Vec<(NaiveDate, NaiveDate, String)> = rows::term_rows(cx.tx, Some(cal.0))?
            .into_iter()
            .map(|r| Ok((parse_date("term start", &r.start)?, parse_date("term end", &r.end)?, r.label)))
            .collect::<Result<_>>()?;
        for t in terms {
            if let Some((a, b, label)) = there.iter().find(|(a, b, _)| *a <= t.to && *b >= t.from) {
                return Err(Error::invalid(format!(
                    "{}term '{}' ({} to {}) overlaps '{label}' ({a} to {b}) on calendar '{}': nothing added",
                    where_(t.line),
                    t.name,
                    t.from,
                    t.to,
                    cal.1
                )));
            }
            there.push((t.from, t.to, t.name.clone()));
            let (from, to) = (t.from.to_string(), t.to.to_string());
            let id = if dry_run { 0 } else { rows::insert_term(cx.tx, cal.0, &from, &to, &t.name)? };
            if !dry_run {
                cx.audit("add", "term", &cal.1, Some(&format!("#{id} {from} to {to}: {}", t.name)))?;
            }
            let row = rows::TermRow { id, calendar_id: cal.0, start: from, end: to, label: t.name.clone() };
            out.push(info(cx.tx, cal, row)?);
        }
    }
    Ok(out)
}

pub fn add(cx: &mut Ctx<'_>, scope: TermScope<'_>, t: &NewTerm<'_>) -> Result<Vec<TermInfo>> {
    let checked = check(t, None)?;
    add_checked(cx, scope, &[checked], false)
}

/// Reads a CSV of terms: a header naming `name`, `from` and `to` (any
/// order, other columns ignored), then one term a line.
pub fn parse_csv(source: &str, text: &str) -> Result<Vec<(usize, String, String, String)>> {
    let bad = |line: usize, what: String| Error::invalid(format!("{source} line {line}: {what}"));
    let mut reader =
        csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| bad(1, format!("unreadable header ({e})")))?.clone();
    let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(n), Some(f), Some(t)) = (col("name"), col("from"), col("to")) else {
        return Err(bad(1, "expected a header with the columns name,from,to".into()));
    };
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let r = record.map_err(|e| bad(line, format!("unreadable row ({e})")))?;
        if r.iter().all(str::is_empty) {
            continue;
        }
        let get = |c: usize| r.get(c).unwrap_or("").to_string();
        out.push((line, get(n), get(f), get(t)));
    }
    if out.is_empty() {
        return Err(Error::invalid(format!("{source}: no terms in the file (expected name,from,to rows)")));
    }
    Ok(out)
}

/// Adds every term of a CSV text (see `parse_csv`), all or nothing.
pub fn import(
    cx: &mut Ctx<'_>,
    scope: TermScope<'_>,
    source: &str,
    text: &str,
    dry_run: bool,
) -> Result<Vec<TermInfo>> {
    let mut checked = Vec::new();
    for (line, name, from, to) in parse_csv(source, text)? {
        let t = NewTerm { name: &name, from: &from, to: &to };
        checked.push(check(&t, Some(line)).map_err(|e| Error::invalid(format!("{source} {e}")))?);
    }
    checked.sort_by_key(|c| c.from);
    let out = add_checked(cx, scope, &checked, dry_run)?;
    if !dry_run {
        let cals: Vec<&str> = out.iter().map(|t| t.calendar.as_str()).collect();
        let mut cals = cals;
        cals.dedup();
        for cal in cals {
            cx.audit("import", "term", cal, Some(&format!("{} term(s) from {source}", checked.len())))?;
        }
    }
    Ok(out)
}

/// Removes terms by id, all or nothing.
pub fn remove(cx: &mut Ctx<'_>, ids: &[i64]) -> Result<Vec<TermInfo>> {
    cx.require_lead("change term dates")?;
    if ids.is_empty() {
        return Err(Error::invalid("name the terms to remove by id (see `deskside school terms list`)"));
    }
    let mut out = Vec::new();
    for &id in ids {
        let row = rows::find_term(cx.tx, id)?.ok_or_else(|| {
            Error::not_found(format!("term {id} not found (see `deskside school terms list`)"))
        })?;
        let name = cal_rows::list_calendars(cx.tx)?
            .into_iter()
            .find(|c| c.id == row.calendar_id)
            .map(|c| c.name)
            .unwrap_or_default();
        let detail = format!("#{id} {} to {}: {}", row.start, row.end, row.label);
        let shown = info(cx.tx, &(row.calendar_id, name.clone()), row)?;
        rows::delete_term(cx.tx, id)?;
        cx.audit("remove", "term", &name, Some(&detail))?;
        out.push(shown);
    }
    Ok(out)
}

impl Desk {
    pub fn terms(&self, scope: Option<TermScope<'_>>) -> Result<Vec<TermInfo>> {
        self.read(|conn, _| list(conn, scope))
    }

    pub fn add_term(&mut self, scope: TermScope<'_>, t: &NewTerm<'_>) -> Result<Vec<TermInfo>> {
        self.write(|cx| add(cx, scope, t))
    }

    /// A dry run checks everything and writes nothing.
    pub fn import_terms(
        &mut self,
        scope: TermScope<'_>,
        source: &str,
        text: &str,
        dry_run: bool,
    ) -> Result<Vec<TermInfo>> {
        self.write(|cx| import(cx, scope, source, text, dry_run))
    }

    pub fn remove_terms(&mut self, ids: &[i64]) -> Result<Vec<TermInfo>> {
        self.write(|cx| remove(cx, ids))
    }
}
