//! An import's tickets written straight into their tables, one prepared
//! statement per table, while the rows are still being read and checked
//! on another thread (see service::csv_import). What is left for the end
//! is what a bulk load can do once instead of row by row: the tickets'
//! full-text index from one INSERT ... SELECT (one flush of FTS5's buffer,
//! not one per statement as its trigger would), and the tables' indexes
//! built afresh when the load is at least as large as what they hold.

use super::events::NewEvent;
use super::import::{bulk_load, next_ticket_id, with_fts_hash, without_trigger, ImportedTicket};
use super::to_secs;
use crate::domain::Timestamp;
use crate::Result;
use rusqlite::{params, Connection, Statement};
use std::collections::HashMap;

/// The statements one import writes with, and the next ticket id.
pub struct Bulk<'c> {
    tickets: Statement<'c>,
    events: Statement<'c>,
    origins: Statement<'c>,
    origin: &'c str,
    next_id: i64,
}

impl Bulk<'_> {
    /// Writes a ticket with the next id (as SQLite would give it) and returns that id.
    pub fn ticket(&mut self, t: &ImportedTicket<'_>) -> Result<i64> {
        let id = self.next_id;
        let secs = |t: Option<Timestamp>| t.map(to_secs);
        self.tickets.execute(params![
            id,
            t.row.subject,
            t.row.body,
            t.row.requester_id,
            t.row.school_id,
            t.row.category,
            t.row.priority,
            t.row.status,
            t.row.tier,
            t.row.assignee_id,
            t.row.source,
            to_secs(t.row.now),
            to_secs(t.updated_at),
            t.row.tech_id,
            secs(t.resolved_at),
            secs(t.closed_at),
            secs(t.pending_since),
        ])?;
        self.next_id += 1;
        Ok(id)
    }

    /// Appends a timeline event (ids in the order written).
    pub fn event(&mut self, e: &NewEvent<'_>) -> Result<()> {
        self.events.execute(params![
            e.ticket_id.get(),
            to_secs(e.at),
            e.kind.as_str(),
            e.tech_id,
            e.os_user,
            e.internal,
            e.body,
            e.old_value,
            e.new_value,
        ])?;
        Ok(())
    }

    /// Records where ticket `id` came from: its row key in the origin.
    pub fn origin(&mut self, key: &str, id: i64) -> Result<()> {
        self.origins.execute(params![self.origin, key, id])?;
        Ok(())
    }
}

/// Runs `f`, which writes up to about `incoming` tickets (and at least two
/// timeline events each) through the `Bulk` it is given, inside the
/// caller's transaction: the tickets' full-text trigger and the timeline's
/// replace guard set aside (the writes are plain INSERTs), the indexes of
/// tickets and events too when the load is a bulk one (see `bulk_load`);
/// then the new tickets are indexed for full-text search in one statement
/// and everything set aside is put back. A failing `f` leaves the rows it
/// wrote for the caller's rollback.
pub fn write_tickets<T>(
    conn: &Connection,
    incoming: usize,
    origin: &str,
    f: impl FnOnce(&mut Bulk<'_>) -> Result<T>,
) -> Result<T> {
    let first_id = next_ticket_id(conn)?;
    bulk_load(conn, "tickets", incoming, || {
        bulk_load(conn, "events", incoming.saturating_mul(2), || {
            without_trigger(conn, "events_no_replace", || {
                without_trigger(conn, "tickets_fts_insert", || {
                    with_fts_hash(conn, "tickets_fts", || {
                        let mut bulk = Bulk {
                            tickets: conn.prepare(&format!(
                                "INSERT INTO main.tickets ({}) VALUES ({})",
                                super::import::TICKET_COLUMNS,
                                vec!["?"; 17].join(", ")
                            ))?,
                            events: conn.prepare(&format!(
                                "INSERT INTO main.events ({}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                super::import::EVENT_COLUMNS
                            ))?,
                            origins: conn.prepare(
                                "INSERT INTO main.imported_rows (kind, origin, row_key, ticket_id)
                                 VALUES ('tickets', ?1, ?2, ?3)",
                            )?,
                            origin,
                            next_id: first_id,
                        };
                        let value = f(&mut bulk)?;
                        drop(bulk);
                        conn.execute(
                            "INSERT INTO main.tickets_fts (rowid, subject, body)
                             SELECT id, subject, body FROM main.tickets WHERE id >= ?1 ORDER BY id",
                            [first_id],
                        )?;
                        Ok(value)
                    })
                })
            })
        })
    })
}

/// Every requester by address, with its id and school id: read once per
/// import, so checking a row never asks the database.
pub fn requesters_by_email(conn: &Connection) -> Result<HashMap<String, (i64, i64)>> {
    let mut stmt = conn.prepare("SELECT email, id, school_id FROM requesters")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
