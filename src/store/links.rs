//! Links between tickets (related, parent/child, merged), incidents and
//! participants.

use super::to_secs;
use crate::domain::TicketId;
use crate::domain::Timestamp;
use crate::Result;
use rusqlite::{named_params, params, Connection, OptionalExtension};
use serde::Serialize;

/// One link as seen from a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    /// related, parent (the other ticket is this one's incident), child (the
    /// other ticket is a caller of this incident), merged_into, merged_from.
    pub relation: String,
    pub ticket: TicketId,
}

pub fn insert(
    conn: &Connection,
    kind: &str,
    from: TicketId,
    to: TicketId,
    at: Timestamp,
    tech: i64,
) -> Result<bool> {
    let n = conn.execute(
        "INSERT OR IGNORE INTO ticket_links (kind, from_id, to_id, at, tech_id) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![kind, from, to, to_secs(at), tech],
    )?;
    Ok(n > 0)
}

/// Every link of `id`, both directions.
pub fn of(conn: &Connection, id: TicketId) -> Result<Vec<Link>> {
    let mut stmt = conn.prepare_cached(
        "SELECT CASE kind WHEN 'related' THEN 'related' WHEN 'parent' THEN 'parent' ELSE 'merged_into' END, to_id
           FROM ticket_links WHERE from_id = :id
         UNION ALL
         SELECT CASE kind WHEN 'related' THEN 'related' WHEN 'parent' THEN 'child' ELSE 'merged_from' END, from_id
           FROM ticket_links WHERE to_id = :id
         ORDER BY 2",
    )?;
    let rows =
        stmt.query_map(named_params! { ":id": id }, |r| Ok(Link { relation: r.get(0)?, ticket: r.get(1)? }))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The ticket `id` was merged into, if it was.
pub fn merged_into(conn: &Connection, id: TicketId) -> Result<Option<TicketId>> {
    Ok(conn
        .prepare_cached("SELECT to_id FROM ticket_links WHERE kind = 'merged' AND from_id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?)
}

/// The incident `id` is a caller of.
pub fn parent_of(conn: &Connection, id: TicketId) -> Result<Option<TicketId>> {
    Ok(conn
        .prepare_cached("SELECT to_id FROM ticket_links WHERE kind = 'parent' AND from_id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?)
}

/// The callers' tickets of incident `id`, oldest first.
pub fn children(conn: &Connection, id: TicketId) -> Result<Vec<TicketId>> {
    let mut stmt = conn.prepare_cached(
        "SELECT from_id FROM ticket_links WHERE kind = 'parent' AND to_id = ?1 ORDER BY from_id",
    )?;
    let rows = stmt.query_map([id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn is_incident(conn: &Connection, id: TicketId) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM incidents WHERE ticket_id = ?1")?
        .query_row([id], |_| Ok(()))
        .optional()?
        .is_some())
}

pub fn mark_incident(conn: &Connection, id: TicketId, at: Timestamp, tech: i64) -> Result<bool> {
    let n = conn.execute(
        "INSERT OR IGNORE INTO incidents (ticket_id, at, tech_id) VALUES (?1, ?2, ?3)",
        params![id, to_secs(at), tech],
    )?;
    Ok(n > 0)
}

/// Incidents with their callers' counts, and every caller's ticket (so a
/// queue can show an incident once).
pub fn incident_counts(conn: &Connection) -> Result<Vec<(TicketId, usize)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT i.ticket_id, (SELECT count(*) FROM ticket_links l WHERE l.kind = 'parent' AND l.to_id = i.ticket_id)
           FROM incidents i ORDER BY i.ticket_id",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, usize::try_from(r.get::<_, i64>(1)?).unwrap_or(0))))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn all_children(conn: &Connection) -> Result<Vec<TicketId>> {
    let mut stmt = conn.prepare_cached("SELECT from_id FROM ticket_links WHERE kind = 'parent'")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn add_participant(conn: &Connection, ticket: TicketId, requester: i64, at: Timestamp) -> Result<bool> {
    let n = conn.execute(
        "INSERT OR IGNORE INTO ticket_participants (ticket_id, requester_id, at) VALUES (?1, ?2, ?3)",
        params![ticket, requester, to_secs(at)],
    )?;
    Ok(n > 0)
}

/// Addresses of a ticket's participants (besides its requester).
pub fn participants(conn: &Connection, ticket: TicketId) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.email FROM ticket_participants p JOIN requesters r ON r.id = p.requester_id
          WHERE p.ticket_id = ?1 ORDER BY r.email",
    )?;
    let rows = stmt.query_map([ticket], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The requester id of a ticket.
pub fn requester_of(conn: &Connection, ticket: TicketId) -> Result<i64> {
    Ok(conn.query_row("SELECT requester_id FROM tickets WHERE id = ?1", [ticket], |r| r.get(0))?)
}

/// (id, school code, created_at, subject, body).
pub type RecentTicket = (TicketId, String, i64, String, String);

/// New and open tickets created at or after `since` (seconds) and not
/// merged into another, as (id, school code, created_at, subject, body):
/// the candidates of burst detection. Found through the creation-time
/// index, so the cost follows the day's tickets, not every open ticket in
/// the database (the queue computes bursts on every load; listing every
/// new and open ticket whole and checking each for a merge took most of a
/// queue load at a million tickets).
pub fn recent_active(conn: &Connection, since: i64) -> Result<Vec<RecentTicket>> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.id, s.code, t.created_at, t.subject, t.body
           FROM tickets t INDEXED BY tickets_created JOIN schools s ON s.id = t.school_id
          WHERE t.created_at >= ?1 AND t.status IN ('new', 'open')
            AND NOT EXISTS (SELECT 1 FROM ticket_links l WHERE l.kind = 'merged' AND l.from_id = t.id)",
    )?;
    let rows = stmt.query_map([since], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
