//! Mail rows: the Message-IDs of each ticket's thread, attachments of
//! inbound mail, rejected inbound mail (kept whole) and the outbox.

use super::{from_opt_secs, from_secs, to_secs};
use crate::domain::TicketId;
use crate::domain::Timestamp;
use crate::Result;
use rusqlite::{named_params, params, Connection, OptionalExtension};
use serde::Serialize;

/// Which way a message went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    In,
    Out,
}

impl Direction {
    fn as_str(self) -> &'static str {
        match self {
            Direction::In => "in",
            Direction::Out => "out",
        }
    }
}

pub struct NewMessage<'a> {
    pub message_id: &'a str,
    pub ticket_id: TicketId,
    pub event_id: Option<i64>,
    pub direction: Direction,
    pub sender: &'a str,
    pub subject: &'a str,
    pub at: Timestamp,
}

pub fn insert_message(conn: &Connection, m: &NewMessage<'_>) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO mail_messages (message_id, ticket_id, event_id, direction, sender, subject, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        m.message_id,
        m.ticket_id,
        m.event_id,
        m.direction.as_str(),
        m.sender,
        m.subject,
        to_secs(m.at)
    ])?;
    Ok(conn.last_insert_rowid())
}

/// The ticket a Message-ID already belongs to.
pub fn ticket_of_message(conn: &Connection, message_id: &str) -> Result<Option<TicketId>> {
    Ok(conn
        .prepare_cached("SELECT ticket_id FROM mail_messages WHERE message_id = ?1")?
        .query_row([message_id], |r| r.get(0))
        .optional()?)
}

/// The Message-IDs of a ticket's thread, oldest first.
pub fn thread(conn: &Connection, ticket_id: TicketId) -> Result<Vec<String>> {
    let mut stmt =
        conn.prepare_cached("SELECT message_id FROM mail_messages WHERE ticket_id = ?1 ORDER BY at, id")?;
    let rows = stmt.query_map([ticket_id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn insert_attachment(
    conn: &Connection,
    mail_id: i64,
    ticket_id: TicketId,
    filename: &str,
    content_type: &str,
    size: i64,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO mail_attachments (mail_id, ticket_id, filename, content_type, size)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![mail_id, ticket_id, filename, content_type, size])?;
    Ok(())
}

/// An attachment as listed for a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttachmentRow {
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub message_id: String,
}

pub fn attachments(conn: &Connection, ticket_id: TicketId) -> Result<Vec<AttachmentRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.filename, a.content_type, a.size, m.message_id
           FROM mail_attachments a JOIN mail_messages m ON m.id = a.mail_id
          WHERE a.ticket_id = ?1 ORDER BY a.id",
    )?;
    let rows = stmt.query_map([ticket_id], |r| {
        Ok(AttachmentRow {
            filename: r.get(0)?,
            content_type: r.get(1)?,
            size: r.get(2)?,
            message_id: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub struct NewReject<'a> {
    pub at: Timestamp,
    /// "failed" or "ignored".
    pub outcome: &'a str,
    pub reason: &'a str,
    pub origin: &'a str,
    pub sha256: &'a str,
    pub message_id: Option<&'a str>,
    pub sender: Option<&'a str>,
    pub subject: Option<&'a str>,
    pub raw: &'a [u8],
}

pub fn insert_reject(conn: &Connection, r: &NewReject<'_>) -> Result<i64> {
    // Retention: a kept message is cut to the size cap (its sha256 is of
    // the whole message, so the same message is still recognised).
    let cap = super::privacy::reject_cap(conn)?.and_then(|c| usize::try_from(c).ok());
    let raw = match cap {
        Some(cap) if r.raw.len() > cap => &r.raw[..cap],
        _ => r.raw,
    };
    conn.prepare_cached(
        "INSERT INTO mail_rejects (at, outcome, reason, origin, sha256, message_id, sender, subject, raw)
         VALUES (:at, :outcome, :reason, :origin, :sha, :mid, :sender, :subject, :raw)",
    )?
    .execute(named_params! {
        ":at": to_secs(r.at), ":outcome": r.outcome, ":reason": r.reason, ":origin": r.origin,
        ":sha": r.sha256, ":mid": r.message_id, ":sender": r.sender, ":subject": r.subject, ":raw": raw,
    })?;
    Ok(conn.last_insert_rowid())
}

/// A kept rejected message, without its raw bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RejectRow {
    pub id: i64,
    pub at: Timestamp,
    pub outcome: String,
    pub reason: String,
    pub origin: String,
    pub message_id: Option<String>,
    pub sender: Option<String>,
    pub subject: Option<String>,
    pub size: i64,
}

const REJECT_SELECT: &str = "SELECT id, at, outcome, reason, origin, message_id, sender, subject, length(raw)
                               FROM mail_rejects";

fn reject_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RejectRow> {
    Ok(RejectRow {
        id: r.get(0)?,
        at: from_secs(r.get(1)?),
        outcome: r.get(2)?,
        reason: r.get(3)?,
        origin: r.get(4)?,
        message_id: r.get(5)?,
        sender: r.get(6)?,
        subject: r.get(7)?,
        size: r.get(8)?,
    })
}

pub fn reject_by_sha(conn: &Connection, sha256: &str) -> Result<Option<RejectRow>> {
    let sql = format!("{REJECT_SELECT} WHERE sha256 = ?1");
    Ok(conn.prepare_cached(&sql)?.query_row([sha256], reject_from_row).optional()?)
}

pub fn rejects(conn: &Connection) -> Result<Vec<RejectRow>> {
    let sql = format!("{REJECT_SELECT} ORDER BY id");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([], reject_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn reject_raw(conn: &Connection, id: i64) -> Result<Option<Vec<u8>>> {
    Ok(conn.query_row("SELECT raw FROM mail_rejects WHERE id = ?1", [id], |r| r.get(0)).optional()?)
}

pub struct NewOutgoing<'a> {
    pub ticket_id: TicketId,
    pub event_id: Option<i64>,
    /// "ack" or "reply".
    pub kind: &'a str,
    pub recipient: &'a str,
    pub suggestions: &'a str,
    pub at: Timestamp,
}

pub fn enqueue(conn: &Connection, o: &NewOutgoing<'_>) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO mail_outbox (ticket_id, event_id, kind, recipient, suggestions, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![o.ticket_id, o.event_id, o.kind, o.recipient, o.suggestions, to_secs(o.at)])?;
    Ok(conn.last_insert_rowid())
}

/// One outbox row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboxRow {
    pub id: i64,
    pub ticket_id: TicketId,
    pub event_id: Option<i64>,
    pub kind: String,
    pub recipient: String,
    #[serde(skip)]
    pub suggestions: String,
    pub created_at: Timestamp,
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub sent_at: Option<Timestamp>,
    pub message_id: Option<String>,
}

const OUTBOX_SELECT: &str =
    "SELECT id, ticket_id, event_id, kind, recipient, suggestions, created_at, status,
                                    attempts, last_error, sent_at, message_id
                               FROM mail_outbox";

fn outbox_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<OutboxRow> {
    Ok(OutboxRow {
        id: r.get(0)?,
        ticket_id: r.get(1)?,
        event_id: r.get(2)?,
        kind: r.get(3)?,
        recipient: r.get(4)?,
        suggestions: r.get(5)?,
        created_at: from_secs(r.get(6)?),
        status: r.get(7)?,
        attempts: r.get(8)?,
        last_error: r.get(9)?,
        sent_at: from_opt_secs(r.get(10)?),
        message_id: r.get(11)?,
    })
}

/// Outbox rows, oldest first; only those with `status` when given.
pub fn outbox(conn: &Connection, status: Option<&str>) -> Result<Vec<OutboxRow>> {
    let sql = format!("{OUTBOX_SELECT} WHERE ?1 IS NULL OR status = ?1 ORDER BY id");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([status], outbox_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn outbox_row(conn: &Connection, id: i64) -> Result<Option<OutboxRow>> {
    let sql = format!("{OUTBOX_SELECT} WHERE id = ?1");
    Ok(conn.prepare_cached(&sql)?.query_row([id], outbox_from_row).optional()?)
}

/// Takes a queued row for one sender until `until`; false when another
/// sender holds it or it is no longer queued.
pub fn claim(conn: &Connection, id: i64, now: Timestamp, until: Timestamp) -> Result<bool> {
    let n = conn.execute(
        "UPDATE mail_outbox SET claimed_until = ?3
          WHERE id = ?1 AND status = 'queued' AND (claimed_until IS NULL OR claimed_until <= ?2)",
        params![id, to_secs(now), to_secs(until)],
    )?;
    Ok(n == 1)
}

pub fn mark_sent(conn: &Connection, id: i64, message_id: &str, now: Timestamp) -> Result<()> {
    conn.execute(
        "UPDATE mail_outbox SET status = 'sent', sent_at = ?2, message_id = ?3, attempts = attempts + 1,
                last_error = NULL, claimed_until = NULL
          WHERE id = ?1",
        params![id, to_secs(now), message_id],
    )?;
    Ok(())
}

/// Records a failed attempt; the row gives up (`failed`) after `max_attempts`.
pub fn mark_attempt_failed(conn: &Connection, id: i64, error: &str, max_attempts: i64) -> Result<String> {
    conn.execute(
        "UPDATE mail_outbox SET attempts = attempts + 1, last_error = ?2, claimed_until = NULL,
                status = CASE WHEN attempts + 1 >= ?3 THEN 'failed' ELSE 'queued' END
          WHERE id = ?1",
        params![id, error, max_attempts],
    )?;
    Ok(conn.query_row("SELECT status FROM mail_outbox WHERE id = ?1", [id], |r| r.get(0))?)
}

/// Sets queued rows aside for good with a reason (`discarded` or `expired`):
/// all of them, one ticket's, or those created before `before`.
pub fn set_aside(
    conn: &Connection,
    status: &str,
    reason: &str,
    ticket_id: Option<TicketId>,
    before: Option<Timestamp>,
) -> Result<usize> {
    Ok(conn.execute(
        "UPDATE mail_outbox SET status = ?1, last_error = ?2, claimed_until = NULL
          WHERE status = 'queued' AND (?3 IS NULL OR ticket_id = ?3) AND (?4 IS NULL OR created_at < ?4)",
        params![status, reason, ticket_id, before.map(to_secs)],
    )?)
}

/// Sets one message aside for good: it must never be sent.
pub fn discard(conn: &Connection, id: i64, reason: &str) -> Result<()> {
    conn.execute(
        "UPDATE mail_outbox SET status = 'discarded', last_error = ?2, claimed_until = NULL WHERE id = ?1",
        params![id, reason],
    )?;
    Ok(())
}
