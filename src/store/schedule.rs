//! Recurring work: schedules and the occurrences already dealt with (migration 0014).

use crate::domain::TicketId;
use crate::Result;
use rusqlite::{named_params, params, Connection, OptionalExtension};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleRow {
    pub id: i64,
    pub name: String,
    pub school_id: Option<i64>,
    pub school: Option<String>,
    pub every: String,
    pub subject: String,
    pub body: String,
    pub tier: i64,
    pub assignee_id: Option<i64>,
    pub assignee: Option<String>,
    pub category: Option<String>,
    pub start_date: String,
}

pub fn insert(conn: &Connection, s: &ScheduleRow, now: i64, tech_id: i64) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO schedules (name, school_id, every, subject, body, tier, assignee_id, category, start_date,
                                created_at, created_by)
         VALUES (:name, :school, :every, :subject, :body, :tier, :assignee, :category, :start, :now, :tech)",
    )?
    .execute(named_params! {
        ":name": s.name, ":school": s.school_id, ":every": s.every, ":subject": s.subject, ":body": s.body,
        ":tier": s.tier, ":assignee": s.assignee_id, ":category": s.category, ":start": s.start_date,
        ":now": now, ":tech": tech_id,
    })?;
    Ok(conn.last_insert_rowid())
}

/// Whether a schedule (removed or not) already has this name.
pub fn name_taken(conn: &Connection, name: &str) -> Result<bool> {
    Ok(conn.query_row("SELECT EXISTS (SELECT 1 FROM schedules WHERE name = ?1)", [name], |r| r.get(0))?)
}

/// The schedules in force, by name.
pub fn active(conn: &Connection) -> Result<Vec<ScheduleRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.id, s.name, s.school_id, c.code, s.every, s.subject, s.body, s.tier, s.assignee_id, k.login,
                s.category, s.start_date
           FROM schedules s LEFT JOIN schools c ON c.id = s.school_id
           LEFT JOIN technicians k ON k.id = s.assignee_id
          WHERE s.removed_at IS NULL ORDER BY s.name",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(ScheduleRow {
            id: r.get(0)?,
            name: r.get(1)?,
            school_id: r.get(2)?,
            school: r.get(3)?,
            every: r.get(4)?,
            subject: r.get(5)?,
            body: r.get(6)?,
            tier: r.get(7)?,
            assignee_id: r.get(8)?,
            assignee: r.get(9)?,
            category: r.get(10)?,
            start_date: r.get(11)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Marks a schedule removed (its runs and tickets stay). False if none by that name.
pub fn remove(conn: &Connection, name: &str, now: i64) -> Result<Option<i64>> {
    let id: Option<i64> = conn
        .query_row("SELECT id FROM schedules WHERE name = ?1 AND removed_at IS NULL", [name], |r| r.get(0))
        .optional()?;
    if let Some(id) = id {
        conn.execute("UPDATE schedules SET removed_at = ?2 WHERE id = ?1", params![id, now])?;
    }
    Ok(id)
}

/// The occurrences of a schedule at a school already created or skipped.
pub fn done(conn: &Connection, schedule_id: i64, school_id: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT occurrence FROM schedule_runs WHERE schedule_id = ?1 AND school_id = ?2 ORDER BY occurrence",
    )?;
    let rows = stmt.query_map(params![schedule_id, school_id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub struct Run<'a> {
    pub schedule_id: i64,
    pub school_id: i64,
    pub occurrence: &'a str,
    pub due_date: Option<&'a str>,
    pub outcome: &'a str,
    pub ticket_id: Option<TicketId>,
    pub reason: Option<&'a str>,
    pub at: i64,
}

pub fn insert_run(conn: &Connection, r: &Run<'_>) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO schedule_runs (schedule_id, school_id, occurrence, due_date, outcome, ticket_id, reason, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![r.schedule_id, r.school_id, r.occurrence, r.due_date, r.outcome, r.ticket_id, r.reason, r.at])?;
    Ok(())
}

pub fn mark_planned(conn: &Connection, ticket_id: TicketId) -> Result<()> {
    conn.execute("UPDATE tickets SET planned = 1 WHERE id = ?1", [ticket_id])?;
    Ok(())
}

/// The ids of every school but the triage one.
pub fn school_ids(conn: &Connection, except: &str) -> Result<Vec<(i64, String)>> {
    let mut stmt = conn.prepare_cached("SELECT id, code FROM schools WHERE code <> ?1 ORDER BY code")?;
    let rows = stmt.query_map([except], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn calendar_id_of_school(conn: &Connection, school_id: i64) -> Result<i64> {
    Ok(conn.query_row("SELECT calendar_id FROM schools WHERE id = ?1", [school_id], |r| r.get(0))?)
}
