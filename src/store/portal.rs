//! Rows of the requester portal: settings, sign-in links, sessions, the
//! sign-in mail queue and the deflection counters (migration 0011).

use super::{from_secs, to_secs};
use crate::domain::TicketId;
use crate::domain::Timestamp;
use crate::Result;
use rusqlite::{named_params, params, Connection, OptionalExtension};

pub fn setting(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT value FROM portal_settings WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?)
}

pub fn set_setting(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO portal_settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?
    .execute(params![key, value])?;
    Ok(())
}

/// Stores `value` under `key` unless a value is there; returns the kept one.
pub fn setting_or_insert(conn: &Connection, key: &str, value: &str) -> Result<String> {
    conn.prepare_cached("INSERT OR IGNORE INTO portal_settings (key, value) VALUES (?1, ?2)")?
        .execute(params![key, value])?;
    Ok(setting(conn, key)?.unwrap_or_else(|| value.to_string()))
}

pub struct NewSignin<'a> {
    pub token_hash: &'a str,
    pub email: &'a str,
    pub name: Option<&'a str>,
    pub request: Option<&'a str>,
    pub now: Timestamp,
    pub expires_at: Timestamp,
}

pub fn insert_signin(conn: &Connection, s: &NewSignin<'_>) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO portal_signins (token_hash, email, name, request, created_at, expires_at)
         VALUES (:hash, :email, :name, :request, :now, :expires)",
    )?
    .execute(named_params! {
        ":hash": s.token_hash, ":email": s.email, ":name": s.name, ":request": s.request,
        ":now": to_secs(s.now), ":expires": to_secs(s.expires_at),
    })?;
    Ok(())
}

/// A sign-in link as stored.
#[derive(Debug, Clone)]
pub struct Signin {
    pub email: String,
    pub name: Option<String>,
    pub request: Option<String>,
    pub expires_at: Timestamp,
    pub used: bool,
}

pub fn find_signin(conn: &Connection, token_hash: &str) -> Result<Option<Signin>> {
    Ok(conn
        .prepare_cached(
            "SELECT email, name, request, expires_at, used_at IS NOT NULL
               FROM portal_signins WHERE token_hash = ?1",
        )?
        .query_row([token_hash], |r| {
            Ok(Signin {
                email: r.get(0)?,
                name: r.get(1)?,
                request: r.get(2)?,
                expires_at: from_secs(r.get(3)?),
                used: r.get(4)?,
            })
        })
        .optional()?)
}

/// Marks a link used; false when it already was (another request won).
pub fn use_signin(conn: &Connection, token_hash: &str, now: Timestamp) -> Result<bool> {
    let n = conn
        .prepare_cached(
            "UPDATE portal_signins SET used_at = ?2, request = NULL
              WHERE token_hash = ?1 AND used_at IS NULL",
        )?
        .execute(params![token_hash, to_secs(now)])?;
    Ok(n == 1)
}

/// Links sent to `email` since `since` (a per-address limit that holds
/// across restarts).
pub fn signins_since(conn: &Connection, email: &str, since: Timestamp) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT count(*) FROM portal_signins WHERE email = ?1 AND created_at >= ?2")?
        .query_row(params![email, to_secs(since)], |r| r.get(0))?)
}

/// Forgets expired links and sessions (and the requests waiting in them).
pub fn purge_expired(conn: &Connection, now: Timestamp) -> Result<()> {
    let now = to_secs(now);
    conn.prepare_cached("DELETE FROM portal_signins WHERE expires_at < ?1")?.execute([now])?;
    conn.prepare_cached("DELETE FROM portal_sessions WHERE expires_at < ?1")?.execute([now])?;
    Ok(())
}

pub fn insert_session(
    conn: &Connection,
    id_hash: &str,
    email: &str,
    now: Timestamp,
    expires: Timestamp,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO portal_sessions (id_hash, email, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![id_hash, email, to_secs(now), to_secs(expires)])?;
    Ok(())
}

/// The address of a live session.
pub fn session_email(conn: &Connection, id_hash: &str, now: Timestamp) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT email FROM portal_sessions WHERE id_hash = ?1 AND expires_at > ?2")?
        .query_row(params![id_hash, to_secs(now)], |r| r.get(0))
        .optional()?)
}

pub fn delete_session(conn: &Connection, id_hash: &str) -> Result<()> {
    conn.prepare_cached("DELETE FROM portal_sessions WHERE id_hash = ?1")?.execute([id_hash])?;
    Ok(())
}

/// A requester's own tickets, newest first: (id, subject, status, updated).
pub fn requester_tickets(
    conn: &Connection,
    email: &str,
) -> Result<Vec<(TicketId, String, String, Timestamp)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.id, t.subject, t.status, t.updated_at
           FROM tickets t JOIN requesters r ON r.id = t.requester_id
          WHERE r.email = ?1 ORDER BY t.id DESC LIMIT 200",
    )?;
    let rows = stmt.query_map([email], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, from_secs(r.get(3)?))))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Published public articles' categories, in order (the service catalogue).
pub fn public_categories(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT category FROM articles
          WHERE status = 'published' AND audience = 'public' AND category IS NOT NULL
          ORDER BY category",
    )?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Adds one to a counter.
pub fn count(conn: &Connection, week: &str, school: &str, metric: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO portal_counters (week, school, metric, n) VALUES (?1, ?2, ?3, 1)
         ON CONFLICT (week, school, metric) DO UPDATE SET n = n + 1",
    )?
    .execute(params![week, school, metric])?;
    Ok(())
}

/// Every counter of one week: (school, metric, n).
pub fn counters(conn: &Connection, week: &str) -> Result<Vec<(String, String, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT school, metric, n FROM portal_counters WHERE week = ?1 ORDER BY school, metric",
    )?;
    let rows = stmt.query_map([week], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub struct NewMail<'a> {
    pub recipient: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    pub now: Timestamp,
    pub expires_at: Timestamp,
}

pub fn enqueue_mail(conn: &Connection, m: &NewMail<'_>) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO portal_mail (recipient, subject, body, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![m.recipient, m.subject, m.body, to_secs(m.now), to_secs(m.expires_at)])?;
    Ok(conn.last_insert_rowid())
}

/// A queued sign-in message.
#[derive(Debug, Clone)]
pub struct QueuedMail {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub created_at: Timestamp,
}

/// Messages still to send; the expired ones are set aside first (a link
/// past its time is no use, and its body is forgotten).
pub fn queued_mail(conn: &Connection, now: Timestamp) -> Result<Vec<QueuedMail>> {
    conn.prepare_cached(
        "UPDATE portal_mail SET status = 'expired', body = '(expired unsent)'
          WHERE status = 'queued' AND expires_at <= ?1",
    )?
    .execute([to_secs(now)])?;
    let mut stmt = conn.prepare_cached(
        "SELECT id, recipient, subject, body, created_at FROM portal_mail
          WHERE status = 'queued' AND (claimed_until IS NULL OR claimed_until <= ?1) ORDER BY id",
    )?;
    let rows = stmt.query_map([to_secs(now)], |r| {
        Ok(QueuedMail {
            id: r.get(0)?,
            recipient: r.get(1)?,
            subject: r.get(2)?,
            body: r.get(3)?,
            created_at: from_secs(r.get(4)?),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Claims a message for one sender; false when another has it.
pub fn claim_mail(conn: &Connection, id: i64, now: Timestamp, until: Timestamp) -> Result<bool> {
    let n = conn
        .prepare_cached(
            "UPDATE portal_mail SET claimed_until = ?3
              WHERE id = ?1 AND status = 'queued' AND (claimed_until IS NULL OR claimed_until <= ?2)",
        )?
        .execute(params![id, to_secs(now), to_secs(until)])?;
    Ok(n == 1)
}

/// Sent: the link leaves the database with the message (overwritten, not
/// just unlinked: `secure_delete` zeroes the old cell).
pub fn mark_mail_sent(conn: &Connection, id: i64, message_id: &str, now: Timestamp) -> Result<()> {
    conn.execute_batch("PRAGMA secure_delete = ON")?;
    conn.prepare_cached(
        "UPDATE portal_mail SET status = 'sent', sent_at = ?2, message_id = ?3, claimed_until = NULL,
                body = '(sent; the link is not kept)'
          WHERE id = ?1",
    )?
    .execute(params![id, to_secs(now), message_id])?;
    Ok(())
}

/// A failed attempt; after `max` attempts the message is given up.
pub fn mark_mail_failed(conn: &Connection, id: i64, error: &str, max: i64) -> Result<String> {
    conn.prepare_cached(
        "UPDATE portal_mail SET attempts = attempts + 1, last_error = ?2, claimed_until = NULL,
                status = CASE WHEN attempts + 1 >= ?3 THEN 'failed' ELSE 'queued' END,
                body = CASE WHEN attempts + 1 >= ?3 THEN '(failed; the link is not kept)' ELSE body END
          WHERE id = ?1",
    )?
    .execute(params![id, error, max])?;
    Ok(conn.prepare_cached("SELECT status FROM portal_mail WHERE id = ?1")?.query_row([id], |r| r.get(0))?)
}

/// The time zone of a school's calendar, or of the default calendar when
/// the school is unknown (`code` empty).
pub fn school_tz(conn: &Connection, code: &str) -> Result<Option<String>> {
    let by_school: Option<String> = conn
        .prepare_cached(
            "SELECT c.tz FROM schools s JOIN calendars c ON c.id = s.calendar_id WHERE s.code = ?1",
        )?
        .query_row([code], |r| r.get(0))
        .optional()?;
    match by_school {
        Some(tz) => Ok(Some(tz)),
        None => Ok(conn
            .prepare_cached("SELECT tz FROM calendars WHERE name = 'default'")?
            .query_row([], |r| r.get(0))
            .optional()?),
    }
}

/// Copies the log back into the database file and empties it, so the
/// earlier copies of scrubbed pages (a sent link) are gone from the WAL
/// too. Best effort: readers in the middle of a transaction can hold it.
pub fn checkpoint(conn: &Connection) -> Result<()> {
    let _: (i64, i64, i64) =
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(())
}
