//! Reads for reports: only numbers, codes and timeline changes (never a
//! subject, body, note, comment or requester), over a stretch of time with
//! indexed ranges. Also the ticket's satisfaction rating.

use super::to_secs;
use crate::domain::TicketId;
use crate::domain::Version;
use crate::domain::{EventKind, Technician, Tier, Timestamp};
use crate::report::facts::{EventFact, Happening, TechAction, TicketFacts};
use crate::Result;
use rusqlite::{named_params, params, Connection, OptionalExtension};

/// A school with the id of its calendar.
#[derive(Debug, Clone)]
pub struct SchoolRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub calendar_id: i64,
}

pub fn schools(conn: &Connection) -> Result<Vec<SchoolRow>> {
    let mut stmt = conn.prepare_cached("SELECT id, code, name, calendar_id FROM schools ORDER BY code")?;
    let rows = stmt.query_map([], |r| {
        Ok(SchoolRow { id: r.get(0)?, code: r.get(1)?, name: r.get(2)?, calendar_id: r.get(3)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every technician, former ones too (their work stays in past weeks).
pub fn technicians(conn: &Connection) -> Result<Vec<(Technician, bool)>> {
    let mut stmt =
        conn.prepare_cached("SELECT id, login, name, tier, lead, active FROM technicians ORDER BY login")?;
    let rows = stmt.query_map([], |r| {
        let tier: i64 = r.get(3)?;
        let tech = Technician {
            id: r.get(0)?,
            login: r.get(1)?,
            name: r.get(2)?,
            tier: Tier::from_number(tier).unwrap_or(Tier::One),
            lead: r.get(4)?,
        };
        Ok((tech, r.get::<_, bool>(5)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The tickets a report over `[from, to)` needs, with their status, tier,
/// assignment and rating changes: those with timeline activity or logged in
/// the stretch, those whose status changed after it (they may have been
/// open at a week's end) and those still open. `school` limits to one.
pub fn ticket_facts(conn: &Connection, from: i64, to: i64, school: Option<i64>) -> Result<Vec<TicketFacts>> {
    let mut stmt = conn.prepare_cached(
        // Driving from tickets by id lets SQLite return rows in (ticket, event)
        // order without sorting; `+created_at` keeps the open-ticket branch on
        // the status index instead of scanning every ticket by date. Without
        // STAT4 (see .cargo/config.toml) the planner cannot know that
        // `at >= :to` is the last few days, and would walk all 8M events of
        // a million tickets by ticket id: the events_at index is named.
        "WITH ids(id) AS (
             SELECT ticket_id FROM events INDEXED BY events_at WHERE at >= :from AND at < :to
             UNION SELECT ticket_id FROM events INDEXED BY events_at WHERE at >= :to AND kind = 'status'
             UNION SELECT id FROM tickets WHERE created_at >= :from AND created_at < :to
             UNION SELECT id FROM tickets WHERE status IN ('new', 'open', 'pending') AND +created_at < :to
         )
         SELECT t.id, t.school_id, t.created_at, t.status, t.tier, t.category, t.source,
                t.first_response_at, t.response_due_at, t.resolve_due_at,
                t.planned, e.at, e.kind, e.tech_id, e.old_value, e.new_value
           FROM tickets t
           LEFT JOIN events e ON e.ticket_id = t.id
                AND e.kind IN ('status', 'escalated', 'handed_back', 'assigned', 'rated', 'incident')
          WHERE t.id IN ids AND (:school IS NULL OR t.school_id = :school)
          ORDER BY t.id, e.id",
    )?;
    let mut rows = stmt.query(named_params! { ":from": from, ":to": to, ":school": school })?;
    let mut out: Vec<TicketFacts> = Vec::new();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        if out.last().is_none_or(|t| t.id != id) {
            out.push(TicketFacts {
                id,
                school_id: r.get(1)?,
                created_at: r.get(2)?,
                status: r.get(3)?,
                tier: r.get(4)?,
                category: r.get(5)?,
                source: r.get(6)?,
                first_response_at: r.get(7)?,
                response_due_at: r.get(8)?,
                resolve_due_at: r.get(9)?,
                events: Vec::new(),
                planned: r.get(10)?,
            });
        }
        let Some(at) = r.get::<_, Option<i64>>(11)? else { continue };
        let kind: String = r.get(12)?;
        let Ok(kind) = kind.parse::<EventKind>() else { continue };
        if let Some(t) = out.last_mut() {
            t.events.push(EventFact { at, kind, tech_id: r.get(13)?, old: r.get(14)?, new: r.get(15)? });
        }
    }
    Ok(out)
}

fn happenings(conn: &Connection, sql: &str, from: i64, to: i64) -> Result<Vec<Happening>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows =
        stmt.query_map(params![from, to], |r| Ok(Happening { school_id: r.get(0)?, at: r.get(1)? }))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Canned solutions applied in `[from, to)`, by the ticket's school.
pub fn canned_uses(conn: &Connection, from: i64, to: i64) -> Result<Vec<Happening>> {
    happenings(
        conn,
        "SELECT t.school_id, c.at FROM ticket_canned c JOIN tickets t ON t.id = c.ticket_id
          WHERE c.at >= ?1 AND c.at < ?2",
        from,
        to,
    )
}

/// Articles linked to tickets in `[from, to)`, by the ticket's school.
pub fn article_uses(conn: &Connection, from: i64, to: i64) -> Result<Vec<Happening>> {
    happenings(
        conn,
        "SELECT t.school_id, a.at FROM ticket_articles a JOIN tickets t ON t.id = a.ticket_id
          WHERE a.at >= ?1 AND a.at < ?2",
        from,
        to,
    )
}

/// Articles written from tickets in `[from, to)`, by the ticket's school.
pub fn articles_from_tickets(conn: &Connection, from: i64, to: i64) -> Result<Vec<Happening>> {
    happenings(
        conn,
        "SELECT t.school_id, a.created_at FROM articles a JOIN tickets t ON t.id = a.source_ticket_id
          WHERE a.created_at >= ?1 AND a.created_at < ?2",
        from,
        to,
    )
}

fn actions(conn: &Connection, sql: &str, from: i64, to: i64) -> Result<Vec<TechAction>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params![from, to], |r| Ok(TechAction { tech_id: r.get(0)?, at: r.get(1)? }))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Timeline events of `kind` in `[from, to)` by who made them.
pub fn tech_events(conn: &Connection, kind: EventKind, from: i64, to: i64) -> Result<Vec<TechAction>> {
    let sql = format!(
        "SELECT tech_id, at FROM events WHERE at >= ?1 AND at < ?2 AND tech_id IS NOT NULL AND kind = '{}'",
        kind.as_str()
    );
    actions(conn, &sql, from, to)
}

/// Articles written in `[from, to)` by their authors.
pub fn articles_written(conn: &Connection, from: i64, to: i64) -> Result<Vec<TechAction>> {
    actions(
        conn,
        "SELECT author_id, created_at FROM articles WHERE created_at >= ?1 AND created_at < ?2 AND author_id IS NOT NULL",
        from,
        to,
    )
}

/// A ticket's satisfaction score and comment, if it exists.
pub fn satisfaction(conn: &Connection, id: TicketId) -> Result<Option<(Option<i64>, Option<String>)>> {
    Ok(conn
        .prepare_cached("SELECT satisfaction, satisfaction_note FROM tickets WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// Records the requester's rating on a ticket; bumps its version like any
/// change. False when the ticket changed since `version` was read.
pub fn set_satisfaction(
    conn: &Connection,
    id: TicketId,
    version: Version,
    score: i64,
    note: Option<&str>,
    now: Timestamp,
    tech_id: i64,
) -> Result<bool> {
    let n = conn
        .prepare_cached(
            "UPDATE tickets SET satisfaction = :score, satisfaction_note = :note, updated_at = :now,
                    updated_by = :tech, version = version + 1
              WHERE id = :id AND version = :version",
        )?
        .execute(named_params! {
            ":score": score, ":note": note, ":now": to_secs(now), ":tech": tech_id,
            ":id": id, ":version": version,
        })?;
    Ok(n == 1)
}
