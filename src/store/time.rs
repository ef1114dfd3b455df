//! Time entries, contracts and term dates (migration 0014).

use crate::domain::TicketId;
use crate::Result;
use rusqlite::{named_params, params, Connection, OptionalExtension};

pub struct NewEntry<'a> {
    pub ticket_id: TicketId,
    pub tech_id: i64,
    pub minutes: i64,
    pub billable: bool,
    pub at: i64,
    pub recorded_at: i64,
    pub os_user: &'a str,
    pub note: Option<&'a str>,
    pub corrects: Option<i64>,
    pub event_id: Option<i64>,
}

pub fn insert(conn: &Connection, e: &NewEntry<'_>) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO time_entries (ticket_id, tech_id, minutes, billable, at, recorded_at, os_user, note,
                                   corrects, event_id)
         VALUES (:ticket, :tech, :minutes, :billable, :at, :recorded, :os, :note, :corrects, :event)",
    )?
    .execute(named_params! {
        ":ticket": e.ticket_id, ":tech": e.tech_id, ":minutes": e.minutes, ":billable": e.billable,
        ":at": e.at, ":recorded": e.recorded_at, ":os": e.os_user, ":note": e.note,
        ":corrects": e.corrects, ":event": e.event_id,
    })?;
    Ok(conn.last_insert_rowid())
}

/// A time entry as read back, with its ticket's school and the
/// technician's login and tier.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryRow {
    pub id: i64,
    pub ticket_id: TicketId,
    pub tech_id: i64,
    pub login: String,
    pub tier: i64,
    pub minutes: i64,
    pub billable: bool,
    pub at: i64,
    pub recorded_at: i64,
    pub note: Option<String>,
    pub corrects: Option<i64>,
    pub school_id: i64,
    pub school: String,
    pub subject: String,
    pub category: Option<String>,
    pub planned: bool,
}

const ENTRY_SELECT: &str = "
    SELECT e.id, e.ticket_id, e.tech_id, k.login, k.tier, e.minutes, e.billable, e.at, e.recorded_at,
           e.note, e.corrects, t.school_id, s.code, t.subject, t.category, t.planned
      FROM time_entries e
      JOIN technicians k ON k.id = e.tech_id
      JOIN tickets t ON t.id = e.ticket_id
      JOIN schools s ON s.id = t.school_id";

fn entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<EntryRow> {
    Ok(EntryRow {
        id: r.get(0)?,
        ticket_id: r.get(1)?,
        tech_id: r.get(2)?,
        login: r.get(3)?,
        tier: r.get(4)?,
        minutes: r.get(5)?,
        billable: r.get(6)?,
        at: r.get(7)?,
        recorded_at: r.get(8)?,
        note: r.get(9)?,
        corrects: r.get(10)?,
        school_id: r.get(11)?,
        school: r.get(12)?,
        subject: r.get(13)?,
        category: r.get(14)?,
        planned: r.get(15)?,
    })
}

pub fn for_ticket(conn: &Connection, ticket_id: TicketId) -> Result<Vec<EntryRow>> {
    let mut stmt = conn.prepare_cached(&format!("{ENTRY_SELECT} WHERE e.ticket_id = ?1 ORDER BY e.id"))?;
    let rows = stmt.query_map([ticket_id], entry)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn find(conn: &Connection, id: i64) -> Result<Option<EntryRow>> {
    let mut stmt = conn.prepare_cached(&format!("{ENTRY_SELECT} WHERE e.id = ?1"))?;
    Ok(stmt.query_row([id], entry).optional()?)
}

/// Whether a reversal of entry `id` exists (it was replaced already).
pub fn reversed(conn: &Connection, id: i64) -> Result<Option<i64>> {
    Ok(conn
        .query_row(
            "SELECT r.id FROM time_entries r JOIN time_entries o ON o.id = r.corrects
              WHERE r.corrects = ?1 AND r.minutes = -o.minutes AND r.tech_id = o.tech_id AND r.at = o.at
              ORDER BY r.id LIMIT 1",
            [id],
            |r| r.get(0),
        )
        .optional()?)
}

/// Entries done in `[from, to)` (unix seconds), optionally of one school.
pub fn between(conn: &Connection, from: i64, to: i64, school: Option<i64>) -> Result<Vec<EntryRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{ENTRY_SELECT} WHERE e.at >= ?1 AND e.at < ?2 AND (?3 IS NULL OR t.school_id = ?3) ORDER BY e.at, e.id"
    ))?;
    let rows = stmt.query_map(params![from, to, school], entry)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A school's contract from a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractRow {
    pub id: i64,
    pub school_id: i64,
    pub minutes: i64,
    pub period: String,
    pub rate_pence: i64,
    pub covers: String,
    pub from_date: String,
}

pub fn insert_contract(conn: &Connection, c: &ContractRow, now: i64, tech_id: i64) -> Result<i64> {
    conn.execute(
        "INSERT INTO contracts (school_id, minutes, period, rate_pence, covers, from_date, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![c.school_id, c.minutes, c.period, c.rate_pence, c.covers, c.from_date, now, tech_id],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Every contract row of a school, oldest first (the last one from a date wins).
pub fn contracts(conn: &Connection, school_id: i64) -> Result<Vec<ContractRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, school_id, minutes, period, rate_pence, covers, from_date FROM contracts
          WHERE school_id = ?1 ORDER BY from_date, id",
    )?;
    let rows = stmt.query_map([school_id], |r| {
        Ok(ContractRow {
            id: r.get(0)?,
            school_id: r.get(1)?,
            minutes: r.get(2)?,
            period: r.get(3)?,
            rate_pence: r.get(4)?,
            covers: r.get(5)?,
            from_date: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A calendar's term dates, in order: (start, end, label).
pub fn terms(conn: &Connection, calendar_id: i64) -> Result<Vec<(String, String, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT start_date, end_date, label FROM terms WHERE calendar_id = ?1 ORDER BY start_date, id",
    )?;
    let rows = stmt.query_map([calendar_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn insert_term(conn: &Connection, calendar_id: i64, start: &str, end: &str, label: &str) -> Result<i64> {
    conn.execute(
        "INSERT INTO terms (calendar_id, start_date, end_date, label) VALUES (?1, ?2, ?3, ?4)",
        params![calendar_id, start, end, label],
    )?;
    Ok(conn.last_insert_rowid())
}

/// A stored term with its id and calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermRow {
    pub id: i64,
    pub calendar_id: i64,
    pub start: String,
    pub end: String,
    pub label: String,
}

fn term_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<TermRow> {
    Ok(TermRow { id: r.get(0)?, calendar_id: r.get(1)?, start: r.get(2)?, end: r.get(3)?, label: r.get(4)? })
}

/// Every term, or one calendar's, by calendar then date.
pub fn term_rows(conn: &Connection, calendar_id: Option<i64>) -> Result<Vec<TermRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, calendar_id, start_date, end_date, label FROM terms
          WHERE ?1 IS NULL OR calendar_id = ?1 ORDER BY calendar_id, start_date, id",
    )?;
    let rows = stmt.query_map([calendar_id], term_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn find_term(conn: &Connection, id: i64) -> Result<Option<TermRow>> {
    Ok(conn
        .query_row(
            "SELECT id, calendar_id, start_date, end_date, label FROM terms WHERE id = ?1",
            [id],
            term_row,
        )
        .optional()?)
}

pub fn delete_term(conn: &Connection, id: i64) -> Result<()> {
    conn.execute("DELETE FROM terms WHERE id = ?1", [id])?;
    Ok(())
}

/// Whether a term of the calendar overlaps `[start, end]`.
pub fn term_overlaps(conn: &Connection, calendar_id: i64, start: &str, end: &str) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM terms WHERE calendar_id = ?1 AND start_date <= ?3 AND end_date >= ?2)",
        params![calendar_id, start, end],
        |r| r.get(0),
    )?)
}

/// The school a ticket belongs to (its id).
pub fn ticket_school(conn: &Connection, ticket_id: TicketId) -> Result<Option<i64>> {
    Ok(conn.query_row("SELECT school_id FROM tickets WHERE id = ?1", [ticket_id], |r| r.get(0)).optional()?)
}

/// The last timeline event on a ticket written at `at` by `tech_id`.
pub fn last_event_by(conn: &Connection, ticket_id: TicketId, at: i64, tech_id: i64) -> Result<Option<i64>> {
    // The change itself, not the assignment that may follow it (the
    // resolver becomes the assignee): an assignment only when that was
    // the change.
    Ok(conn
        .query_row(
            "SELECT id FROM events WHERE ticket_id = ?1 AND at = ?2 AND tech_id = ?3
              ORDER BY kind = 'assigned', id DESC LIMIT 1",
            params![ticket_id, at, tech_id],
            |r| r.get(0),
        )
        .optional()?)
}
