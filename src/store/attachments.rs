//! Attachment rows and the content-addressed blobs behind them.

use super::{from_secs, to_secs};
use crate::domain::TicketId;
use crate::domain::Timestamp;
use crate::Result;
use rusqlite::{named_params, Connection, OptionalExtension};

/// Keeps `data` once under its SHA-256 (an existing copy is reused).
pub fn put_blob(conn: &Connection, sha256: &str, data: &[u8]) -> Result<()> {
    conn.prepare_cached("INSERT OR IGNORE INTO blobs (sha256, size, data) VALUES (?1, ?2, ?3)")?
        .execute(rusqlite::params![sha256, data.len() as i64, data])?;
    Ok(())
}

pub fn blob(conn: &Connection, sha256: &str) -> Result<Option<Vec<u8>>> {
    Ok(conn
        .prepare_cached("SELECT data FROM blobs WHERE sha256 = ?1")?
        .query_row([sha256], |r| r.get(0))
        .optional()?)
}

pub struct NewAttachment<'a> {
    pub ticket_id: TicketId,
    pub mail_id: Option<i64>,
    pub origin: &'a str,
    pub filename: &'a str,
    pub content_type: &'a str,
    pub size: i64,
    /// None when the content was refused (then `refused` says why).
    pub sha256: Option<&'a str>,
    pub internal: bool,
    pub inline: bool,
    pub refused: Option<&'a str>,
    pub requester_id: Option<i64>,
    pub tech_id: Option<i64>,
    pub at: Timestamp,
}

pub fn insert(conn: &Connection, a: &NewAttachment<'_>) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO attachments (ticket_id, mail_id, origin, filename, content_type, size, sha256,
                                  internal, inline, refused, requester_id, tech_id, at)
         VALUES (:t, :m, :o, :f, :ct, :s, :sha, :i, :inl, :r, :rid, :tid, :at)",
    )?
    .execute(named_params! {
        ":t": a.ticket_id, ":m": a.mail_id, ":o": a.origin, ":f": a.filename, ":ct": a.content_type,
        ":s": a.size, ":sha": a.sha256, ":i": a.internal, ":inl": a.inline, ":r": a.refused,
        ":rid": a.requester_id, ":tid": a.tech_id, ":at": to_secs(a.at),
    })?;
    Ok(conn.last_insert_rowid())
}

pub use crate::domain::AttachmentRow;

/// A ticket's attachments in the order they came, numbered from 1.
pub fn for_ticket(conn: &Connection, ticket_id: TicketId) -> Result<Vec<AttachmentRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, filename, content_type, size, internal, inline, origin, refused, sha256, requester_id, at
           FROM attachments WHERE ticket_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([ticket_id], |r| {
        Ok(AttachmentRow {
            n: 0,
            id: r.get(0)?,
            ticket: ticket_id,
            name: r.get(1)?,
            content_type: r.get(2)?,
            size: r.get(3)?,
            internal: r.get(4)?,
            inline: r.get(5)?,
            origin: r.get(6)?,
            refused: r.get(7)?,
            sha256: r.get(8)?,
            requester_id: r.get(9)?,
            at: from_secs(r.get(10)?),
        })
    })?;
    let mut out = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    for (i, a) in out.iter_mut().enumerate() {
        a.n = i + 1;
    }
    Ok(out)
}

/// Copies a ticket's attachments onto another (a merge): the content is
/// shared, not copied.
pub fn copy_to(conn: &Connection, from: TicketId, to: TicketId, at: Timestamp) -> Result<usize> {
    Ok(conn.execute(
        "INSERT INTO attachments (ticket_id, mail_id, origin, filename, content_type, size, sha256,
                                  internal, inline, refused, requester_id, tech_id, at)
         SELECT :to, mail_id, 'merge', filename, content_type, size, sha256, internal, inline, refused,
                requester_id, tech_id, :at
           FROM attachments WHERE ticket_id = :from ORDER BY id",
        named_params! { ":to": to, ":from": from, ":at": to_secs(at) },
    )?)
}

/// Erasure: the person's attachments (on their tickets or sent by them)
/// lose name and content; blobs nobody else's attachment uses are deleted.
/// Returns (attachment rows, blobs deleted).
pub fn erase_requester(conn: &Connection, rid: i64, tombstone: &str) -> Result<(usize, usize)> {
    conn.execute_batch(
        "DROP TABLE IF EXISTS temp.erased_blobs; CREATE TEMP TABLE erased_blobs (sha256 TEXT PRIMARY KEY);",
    )?;
    let theirs = "(ticket_id IN (SELECT id FROM tickets WHERE requester_id = :rid) OR requester_id = :rid)";
    conn.execute(
        &format!("INSERT OR IGNORE INTO temp.erased_blobs SELECT sha256 FROM attachments WHERE {theirs} AND sha256 IS NOT NULL"),
        named_params! { ":rid": rid },
    )?;
    let rows = conn.execute(
        &format!(
            "UPDATE attachments SET filename = :t, sha256 = NULL, refused = 'erased'
              WHERE {theirs} AND (filename <> :t OR sha256 IS NOT NULL)"
        ),
        named_params! { ":rid": rid, ":t": tombstone },
    )?;
    let blobs = conn.execute(
        "DELETE FROM blobs WHERE sha256 IN (SELECT sha256 FROM temp.erased_blobs)
            AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.sha256 = blobs.sha256)",
        [],
    )?;
    conn.execute_batch("DROP TABLE temp.erased_blobs;")?;
    Ok((rows, blobs))
}

/// Retention: attachments of purged tickets go the same way.
pub fn purge_tickets(conn: &Connection, tombstone: &str) -> Result<()> {
    conn.execute_batch(
        "DROP TABLE IF EXISTS temp.erased_blobs; CREATE TEMP TABLE erased_blobs (sha256 TEXT PRIMARY KEY);",
    )?;
    conn.execute(
        "INSERT OR IGNORE INTO temp.erased_blobs SELECT sha256 FROM attachments
          WHERE ticket_id IN (SELECT id FROM temp.purged) AND sha256 IS NOT NULL",
        [],
    )?;
    conn.execute(
        "UPDATE attachments SET filename = :t, sha256 = NULL, refused = 'erased'
          WHERE ticket_id IN (SELECT id FROM temp.purged)",
        named_params! { ":t": tombstone },
    )?;
    conn.execute(
        "DELETE FROM blobs WHERE sha256 IN (SELECT sha256 FROM temp.erased_blobs)
            AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.sha256 = blobs.sha256)",
        [],
    )?;
    conn.execute_batch("DROP TABLE temp.erased_blobs;")?;
    Ok(())
}

/// The id of the mail row a Message-ID was stored as.
pub fn mail_row(conn: &Connection, message_id: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT id FROM mail_messages WHERE message_id = ?1")?
        .query_row([message_id], |r| r.get(0))
        .optional()?)
}

/// A setting a lead changed (None: the default applies).
pub fn setting(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT value FROM desk_settings WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?)
}

pub fn set_setting(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO desk_settings (key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}
