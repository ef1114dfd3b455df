//! Calendars, closures, SLA policies, due times and breach records.

use super::to_secs;
use crate::domain::TicketId;
use crate::domain::{Priority, SlaPolicy, Timestamp};
use crate::{Error, Result};
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::HashMap;

/// A calendar row; `hours` is the stored text.
#[derive(Debug, Clone)]
pub struct CalendarRow {
    pub id: i64,
    pub name: String,
    pub tz: String,
    pub hours: String,
}

/// A closure row; dates are YYYY-MM-DD.
#[derive(Debug, Clone)]
pub struct ClosureRow {
    pub id: i64,
    pub from: String,
    pub to: String,
    pub label: String,
    /// The `sla closure import` that added it (None: added by hand).
    pub batch: Option<i64>,
}

const CALENDAR_SELECT: &str = "SELECT id, name, tz, hours FROM calendars";

fn calendar_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<CalendarRow> {
    Ok(CalendarRow { id: r.get(0)?, name: r.get(1)?, tz: r.get(2)?, hours: r.get(3)? })
}

pub fn find_calendar(conn: &Connection, name: &str) -> Result<Option<CalendarRow>> {
    let sql = format!("{CALENDAR_SELECT} WHERE name = ?1");
    Ok(conn.prepare_cached(&sql)?.query_row([name.trim()], calendar_row).optional()?)
}

pub fn list_calendars(conn: &Connection) -> Result<Vec<CalendarRow>> {
    let sql = format!("{CALENDAR_SELECT} ORDER BY name");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([], calendar_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every school's calendar id.
pub fn school_calendars(conn: &Connection) -> Result<HashMap<i64, i64>> {
    let mut stmt = conn.prepare_cached("SELECT id, calendar_id FROM schools")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The calendar a school's SLA clocks run on.
pub fn calendar_of_school(conn: &Connection, school_id: i64) -> Result<CalendarRow> {
    conn.prepare_cached(
        "SELECT c.id, c.name, c.tz, c.hours FROM calendars c JOIN schools s ON s.calendar_id = c.id
          WHERE s.id = ?1",
    )?
    .query_row([school_id], calendar_row)
    .optional()?
    .ok_or_else(|| Error::not_found(format!("no calendar for school id {school_id}")))
}

pub fn closures(conn: &Connection, calendar_id: i64) -> Result<Vec<ClosureRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, start_date, end_date, label, import_batch FROM closures WHERE calendar_id = ?1
          ORDER BY start_date, end_date, id",
    )?;
    let rows = stmt.query_map([calendar_id], |r| {
        Ok(ClosureRow { id: r.get(0)?, from: r.get(1)?, to: r.get(2)?, label: r.get(3)?, batch: r.get(4)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The number the next `sla closure import` marks its closures with.
pub fn next_closure_batch(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT COALESCE(MAX(import_batch), 0) + 1 FROM closures", [], |r| r.get(0))?)
}

/// Adds a closure from an import, marked with its batch.
pub fn insert_imported_closure(
    conn: &Connection,
    calendar_id: i64,
    from: &str,
    to: &str,
    label: &str,
    batch: i64,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO closures (calendar_id, start_date, end_date, label, import_batch) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![calendar_id, from, to, label, batch])?;
    Ok(conn.last_insert_rowid())
}

/// Deletes one closure of a calendar; false if it is not there.
pub fn delete_closure(conn: &Connection, calendar_id: i64, id: i64) -> Result<bool> {
    Ok(conn.execute("DELETE FROM closures WHERE calendar_id = ?1 AND id = ?2", params![calendar_id, id])? > 0)
}

/// Deletes the closures one import added to a calendar; how many.
pub fn delete_closure_batch(conn: &Connection, calendar_id: i64, batch: i64) -> Result<usize> {
    Ok(conn.execute(
        "DELETE FROM closures WHERE calendar_id = ?1 AND import_batch = ?2",
        params![calendar_id, batch],
    )?)
}

pub fn closure_exists(
    conn: &Connection,
    calendar_id: i64,
    from: &str,
    to: &str,
    label: &str,
) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM closures WHERE calendar_id = ?1 AND start_date = ?2 AND end_date = ?3 AND label = ?4",
        )?
        .exists(params![calendar_id, from, to, label])?)
}

/// Codes of the schools on a calendar.
pub fn schools_on(conn: &Connection, calendar_id: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT code FROM schools WHERE calendar_id = ?1 ORDER BY code")?;
    let rows = stmt.query_map([calendar_id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn policies(conn: &Connection) -> Result<Vec<SlaPolicy>> {
    let mut stmt =
        conn.prepare_cached("SELECT priority, response_minutes, resolve_minutes FROM sla_policies")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (p, response_minutes, resolve_minutes) = row?;
        out.push(SlaPolicy { priority: p.parse()?, response_minutes, resolve_minutes });
    }
    out.sort_by_key(|p| std::cmp::Reverse(p.priority.rank()));
    Ok(out)
}

pub fn policy(conn: &Connection, priority: Priority) -> Result<Option<SlaPolicy>> {
    Ok(policies(conn)?.into_iter().find(|p| p.priority == priority))
}

pub fn set_policy(conn: &Connection, p: &SlaPolicy) -> Result<()> {
    conn.execute(
        "INSERT INTO sla_policies (priority, response_minutes, resolve_minutes) VALUES (?1, ?2, ?3)
         ON CONFLICT (priority) DO UPDATE SET response_minutes = ?2, resolve_minutes = ?3",
        params![p.priority.as_str(), p.response_minutes, p.resolve_minutes],
    )?;
    Ok(())
}

/// Sets a new ticket's due times (part of creating it: no version bump).
pub fn set_due(
    conn: &Connection,
    id: TicketId,
    response: Option<Timestamp>,
    resolve: Option<Timestamp>,
) -> Result<()> {
    conn.prepare_cached("UPDATE tickets SET response_due_at = ?2, resolve_due_at = ?3 WHERE id = ?1")?
        .execute(params![id, response.map(to_secs), resolve.map(to_secs)])?;
    Ok(())
}

/// Bits of `tickets.breach_recorded`: which targets' breaches are recorded.
pub const RESPONSE_BREACH: i64 = 1;
pub const RESOLVE_BREACH: i64 = 2;

pub fn breach_bits(conn: &Connection, id: TicketId) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT breach_recorded FROM tickets WHERE id = ?1")?
        .query_row([id], |r| r.get(0))?)
}

/// Marks a breach as recorded; false when another process got there first.
pub fn mark_breach(conn: &Connection, id: TicketId, bit: i64) -> Result<bool> {
    let n = conn
        .prepare_cached(
            "UPDATE tickets SET breach_recorded = breach_recorded | ?2 WHERE id = ?1 AND (breach_recorded & ?2) = 0",
        )?
        .execute(params![id, bit])?;
    Ok(n == 1)
}

/// Active tickets that may have a breach not yet recorded at `now`: the
/// caller decides (pending tickets' clocks stopped earlier).
pub fn breach_candidates(conn: &Connection, now: Timestamp, only: Option<TicketId>) -> Result<Vec<TicketId>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM tickets
          WHERE status IN ('new', 'open', 'pending') AND (?2 IS NULL OR id = ?2)
            AND (((breach_recorded & 1) = 0 AND response_due_at < COALESCE(first_response_at, ?1))
              OR ((breach_recorded & 2) = 0 AND resolve_due_at < ?1))
          ORDER BY id",
    )?;
    let rows = stmt.query_map(params![to_secs(now), only], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
