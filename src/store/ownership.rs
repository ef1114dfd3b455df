//! Who a ticket belongs to as work moves between tiers: the technician a
//! hand-back returns to, the queue notices ("2 handed back to you"), and a
//! caller's own tickets (to join, not duplicate).

use crate::domain::TicketId;
use crate::Result;
use rusqlite::{params, Connection, OptionalExtension};

/// The login of the (still active) technician who most recently escalated
/// the ticket out of tier `from_tier`: a hand-back to that tier returns to
/// them.
pub fn escalated_from_by(conn: &Connection, ticket_id: TicketId, from_tier: i64) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT t.login FROM events e JOIN technicians t ON t.id = e.tech_id
              WHERE e.ticket_id = ?1 AND e.kind = 'escalated' AND e.old_value = ?2 AND t.active = 1
              ORDER BY e.id DESC LIMIT 1",
        )?
        .query_row(params![ticket_id, from_tier.to_string()], |r| r.get(0))
        .optional()?)
}

/// Active tickets assigned to the technician that were handed back and that
/// they have not touched since (no event of theirs after the hand-back).
pub fn handed_back_to(conn: &Connection, tech_id: i64) -> Result<Vec<TicketId>> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.id FROM tickets t
          WHERE t.assignee_id = ?1 AND t.status IN ('new', 'open', 'pending')
            AND EXISTS (
                SELECT 1 FROM events h WHERE h.ticket_id = t.id AND h.kind = 'handed_back'
                   AND NOT EXISTS (SELECT 1 FROM events m
                                    WHERE m.ticket_id = t.id AND m.id > h.id AND m.tech_id = ?1
                                      -- the assignment the hand-back itself made
                                      AND NOT (m.kind = 'assigned' AND m.at = h.at)))
          ORDER BY t.id",
    )?;
    let rows = stmt.query_map([tech_id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// New, unassigned urgent tickets at or below `tier`: work nobody holds yet.
pub fn new_urgent(conn: &Connection, tier: i64) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM tickets
          WHERE status = 'new' AND priority = 'urgent' AND assignee_id IS NULL AND tier <= ?1
          ORDER BY id",
    )?;
    let rows = stmt.query_map([tier], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A caller's tickets by email: active ones newest first, then those done
/// (resolved or closed) since `since`, newest first; at most `limit`.
pub fn caller_tickets(
    conn: &Connection,
    email: &str,
    since: crate::domain::Timestamp,
    limit: usize,
) -> Result<Vec<TicketId>> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.id FROM tickets t JOIN requesters r ON r.id = t.requester_id
          WHERE r.email = ?1 COLLATE NOCASE
            AND (t.status IN ('new', 'open', 'pending') OR t.updated_at >= ?2)
          ORDER BY t.status IN ('new', 'open', 'pending') DESC, t.created_at DESC, t.id DESC
          LIMIT ?3",
    )?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = stmt.query_map(params![email, super::to_secs(since), limit], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
