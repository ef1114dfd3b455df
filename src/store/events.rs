//! The append-only ticket timeline.

use super::{from_secs, to_secs};
use crate::domain::TicketId;
use crate::domain::{Event, EventKind, Timestamp};
use crate::Result;
use rusqlite::{named_params, Connection};

pub struct NewEvent<'a> {
    pub ticket_id: TicketId,
    pub at: Timestamp,
    pub kind: EventKind,
    pub tech_id: Option<i64>,
    pub os_user: &'a str,
    pub internal: bool,
    pub body: Option<&'a str>,
    pub old_value: Option<&'a str>,
    pub new_value: Option<&'a str>,
}

pub fn append(conn: &Connection, e: &NewEvent<'_>) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO events (ticket_id, at, kind, tech_id, os_user, internal, body, old_value, new_value)
         VALUES (:ticket, :at, :kind, :tech, :os_user, :internal, :body, :old, :new)",
    )?
    .execute(named_params! {
        ":ticket": e.ticket_id, ":at": to_secs(e.at), ":kind": e.kind.as_str(), ":tech": e.tech_id,
        ":os_user": e.os_user, ":internal": e.internal, ":body": e.body,
        ":old": e.old_value, ":new": e.new_value,
    })?;
    Ok(conn.last_insert_rowid())
}

pub fn for_ticket(conn: &Connection, ticket_id: TicketId) -> Result<Vec<Event>> {
    let mut stmt = conn.prepare_cached(
        "SELECT e.id, e.ticket_id, e.at, e.kind, t.login, e.os_user, e.internal, e.body,
                e.old_value, e.new_value
           FROM events e LEFT JOIN technicians t ON t.id = e.tech_id
          WHERE e.ticket_id = ?1 ORDER BY e.id",
    )?;
    let rows = stmt.query_map([ticket_id], |r| {
        let kind: String = r.get(3)?;
        Ok(Event {
            id: r.get(0)?,
            ticket_id: r.get(1)?,
            at: from_secs(r.get(2)?),
            kind: kind.parse().map_err(|e: crate::Error| {
                rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, Box::new(e))
            })?,
            tech: r.get(4)?,
            os_user: r.get(5)?,
            internal: r.get(6)?,
            body: r.get(7)?,
            old_value: r.get(8)?,
            new_value: r.get(9)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Moves whenever work is recorded: a new timeline event or audit row.
/// Presence heartbeats also wake `PRAGMA data_version` but do not move
/// this, so the console refreshes for real changes only.
pub fn change_marker(conn: &Connection) -> Result<(i64, i64)> {
    Ok(conn.query_row(
        "SELECT (SELECT coalesce(max(id), 0) FROM events), (SELECT coalesce(max(id), 0) FROM audit)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}
