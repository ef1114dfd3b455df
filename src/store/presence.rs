//! Who has which ticket open: one row per (ticket, console session), kept
//! fresh by heartbeats.

use super::to_secs;
use crate::domain::TicketId;
use crate::domain::Timestamp;
use crate::Result;
use rusqlite::{named_params, Connection};

/// One session's heartbeat on a ticket.
pub struct Beat<'a> {
    pub ticket_id: TicketId,
    pub session: &'a str,
    pub tech_id: i64,
    pub os_user: &'a str,
    pub pid: u32,
    pub at: Timestamp,
}

/// Records (or refreshes) a heartbeat.
pub fn beat(conn: &Connection, b: &Beat<'_>) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO presence (ticket_id, session, tech_id, os_user, pid, heartbeat_at)
         VALUES (:ticket, :session, :tech, :os_user, :pid, :at)
         ON CONFLICT (ticket_id, session) DO UPDATE
            SET tech_id = excluded.tech_id, os_user = excluded.os_user, heartbeat_at = excluded.heartbeat_at",
    )?
    .execute(named_params! {
        ":ticket": b.ticket_id, ":session": b.session, ":tech": b.tech_id, ":os_user": b.os_user,
        ":pid": b.pid, ":at": to_secs(b.at),
    })?;
    Ok(())
}

/// Removes a session's row for one ticket, or for every ticket.
pub fn leave(conn: &Connection, session: &str, ticket_id: Option<TicketId>) -> Result<usize> {
    Ok(conn.execute(
        "DELETE FROM presence WHERE session = ?1 AND (?2 IS NULL OR ticket_id = ?2)",
        rusqlite::params![session, ticket_id],
    )?)
}

/// Deletes heartbeats older than `before`: sessions that died long ago.
pub fn forget_before(conn: &Connection, before: Timestamp) -> Result<usize> {
    Ok(conn.execute("DELETE FROM presence WHERE heartbeat_at < ?1", [to_secs(before)])?)
}

/// (login, name) of the technicians other than `tech_id` with a heartbeat
/// on the ticket at or after `since`, by login.
pub fn viewers(
    conn: &Connection,
    ticket_id: TicketId,
    since: Timestamp,
    tech_id: i64,
) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT t.login, t.name FROM presence p JOIN technicians t ON t.id = p.tech_id
          WHERE p.ticket_id = ?1 AND p.heartbeat_at >= ?2 AND p.tech_id <> ?3
          ORDER BY t.login",
    )?;
    let rows = stmt
        .query_map(rusqlite::params![ticket_id, to_secs(since), tech_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{from_secs, Store};

    #[test]
    fn old_heartbeats_are_forgotten_and_fresh_ones_kept() {
        let store = Store::open_in_memory().unwrap();
        let c = store.conn();
        c.execute_batch(
            "INSERT INTO technicians (login, name, tier, created_at) VALUES ('a', 'A', 1, 0);
             INSERT INTO calendars (name, tz, hours, created_at) VALUES ('c', 'UTC', 'Mon-Fri 08:00-17:00', 0);
             INSERT INTO schools (code, name, calendar_id, created_at) VALUES ('S', 'S', 1, 0);
             INSERT INTO requesters (email, name, school_id, created_at) VALUES ('r@s.uk', 'R', 1, 0);
             INSERT INTO tickets (subject, requester_id, school_id, priority, status, tier, source, created_at, updated_at)
               VALUES ('t', 1, 1, 'normal', 'new', 1, 'phone', 0, 0);",
        )
        .unwrap();
        let at = |s| Beat {
            ticket_id: TicketId(1),
            session: "x",
            tech_id: 1,
            os_user: "a",
            pid: 1,
            at: from_secs(s),
        };
        beat(c, &at(100)).unwrap();
        beat(c, &Beat { session: "y", ..at(200) }).unwrap();
        // Refreshing a session updates its row rather than adding one.
        beat(c, &at(150)).unwrap();
        let n = |c: &Connection| {
            c.query_row("SELECT count(*) FROM presence", [], |r| r.get::<_, i64>(0)).unwrap()
        };
        assert_eq!(n(c), 2);
        assert_eq!(forget_before(c, from_secs(160)).unwrap(), 1);
        assert_eq!(viewers(c, TicketId(1), from_secs(0), 99).unwrap(), [("a".to_string(), "A".to_string())]);
        assert_eq!(leave(c, "y", None).unwrap(), 1);
        assert_eq!(n(c), 0);
    }
}
