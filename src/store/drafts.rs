//! Console drafts: a technician's unsent text per ticket and kind of box
//! (ticket NULL: a phone ticket being logged). Not changes to the desk: no
//! timeline event, no audit row, no version.

use super::{from_secs, to_secs};
use crate::domain::TicketId;
use crate::domain::Timestamp;
use crate::Result;
use rusqlite::{params, Connection};

/// One saved draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftRow {
    pub ticket_id: Option<TicketId>,
    pub kind: String,
    pub body: String,
    pub updated_at: Timestamp,
}

/// Stores (or replaces) the technician's draft of `kind` on the ticket.
pub fn save(
    conn: &Connection,
    tech_id: i64,
    ticket_id: Option<TicketId>,
    kind: &str,
    body: &str,
    now: Timestamp,
) -> Result<()> {
    delete(conn, tech_id, ticket_id, kind)?;
    conn.prepare_cached(
        "INSERT INTO drafts (tech_id, ticket_id, kind, body, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![tech_id, ticket_id, kind, body, to_secs(now)])?;
    Ok(())
}

/// Removes one draft; returns whether there was one.
pub fn delete(conn: &Connection, tech_id: i64, ticket_id: Option<TicketId>, kind: &str) -> Result<bool> {
    let n = conn
        .prepare_cached(
            "DELETE FROM drafts WHERE tech_id = ?1 AND coalesce(ticket_id, 0) = coalesce(?2, 0) AND kind = ?3",
        )?
        .execute(params![tech_id, ticket_id, kind])?;
    Ok(n > 0)
}

/// Every draft of the technician, oldest first.
pub fn for_tech(conn: &Connection, tech_id: i64) -> Result<Vec<DraftRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT ticket_id, kind, body, updated_at FROM drafts WHERE tech_id = ?1 ORDER BY updated_at, id",
    )?;
    let rows = stmt.query_map([tech_id], |r| {
        Ok(DraftRow {
            ticket_id: r.get(0)?,
            kind: r.get(1)?,
            body: r.get(2)?,
            updated_at: from_secs(r.get(3)?),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Erasure: deletes the drafts on the requester's tickets and any draft
/// whose text names them (by address always, by name when `name` is not
/// empty). Drafts are disposable typing: nothing of them is kept.
pub fn delete_for_requester(conn: &Connection, requester_id: i64, email: &str, name: &str) -> Result<usize> {
    Ok(conn.execute(
        "DELETE FROM drafts
          WHERE ticket_id IN (SELECT id FROM tickets WHERE requester_id = ?1)
             OR instr(lower(body), lower(?2)) > 0
             OR (?3 <> '' AND instr(lower(body), lower(?3)) > 0)",
        params![requester_id, email, name],
    )?)
}

/// Retention: deletes the drafts on the tickets whose text is being
/// purged (the ids in `temp.purged`).
pub fn delete_for_purged(conn: &Connection) -> Result<usize> {
    Ok(conn.execute("DELETE FROM drafts WHERE ticket_id IN (SELECT id FROM temp.purged)", [])?)
}
