//! SQL of issue 18's mail: school contacts, mail that belongs to no ticket
//! (`mail_notices`) and the weekly reports already queued.

use super::{from_secs, to_secs};
use crate::domain::TicketId;
use crate::domain::Timestamp;
use crate::Result;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contact {
    pub id: i64,
    pub school: String,
    pub email: String,
    pub name: String,
    pub role: String,
}

fn contact(r: &rusqlite::Row<'_>) -> rusqlite::Result<Contact> {
    Ok(Contact { id: r.get(0)?, school: r.get(1)?, email: r.get(2)?, name: r.get(3)?, role: r.get(4)? })
}

/// Adds a contact; false when the school already has that address.
pub fn add_contact(
    conn: &Connection,
    school_id: i64,
    email: &str,
    name: &str,
    role: &str,
    now: Timestamp,
) -> Result<bool> {
    let n = conn
        .prepare_cached(
            "INSERT INTO school_contacts (school_id, email, name, role, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (school_id, email) DO NOTHING",
        )?
        .execute(params![school_id, email, name, role, to_secs(now)])?;
    Ok(n == 1)
}

pub fn remove_contact(conn: &Connection, school_id: i64, email: &str) -> Result<bool> {
    let n = conn
        .prepare_cached("DELETE FROM school_contacts WHERE school_id = ?1 AND email = ?2")?
        .execute(params![school_id, email])?;
    Ok(n == 1)
}

pub fn contacts(conn: &Connection, school_id: i64) -> Result<Vec<Contact>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, s.code, c.email, c.name, c.role FROM school_contacts c JOIN schools s ON s.id = c.school_id
          WHERE c.school_id = ?1 ORDER BY c.id",
    )?;
    let rows = stmt.query_map([school_id], contact)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A message to queue that belongs to no ticket.
pub struct NewNotice<'a> {
    pub kind: &'a str,
    /// The same news queued twice is a no-op (e.g. "weekly:BEDE:2026-W47:addr").
    pub dedupe: &'a str,
    pub recipient: &'a str,
    pub recipient_name: Option<&'a str>,
    pub subject: &'a str,
    pub text_body: &'a str,
    pub html_body: Option<&'a str>,
    pub at: Timestamp,
}

/// Queues a notice; None when one with the same dedupe key exists.
pub fn enqueue_notice(conn: &Connection, n: &NewNotice<'_>) -> Result<Option<i64>> {
    let id = conn
        .prepare_cached(
            "INSERT INTO mail_notices (kind, dedupe, recipient, recipient_name, subject, text_body, html_body, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (dedupe) DO NOTHING RETURNING id",
        )?
        .query_row(
            params![n.kind, n.dedupe, n.recipient, n.recipient_name, n.subject, n.text_body, n.html_body, to_secs(n.at)],
            |r| r.get(0),
        )
        .optional()?;
    Ok(id)
}

#[derive(Debug, Clone, Serialize)]
pub struct Notice {
    pub id: i64,
    pub kind: String,
    pub recipient: String,
    pub recipient_name: Option<String>,
    pub subject: String,
    pub text_body: String,
    pub html_body: Option<String>,
    pub created_at: Timestamp,
    pub status: String,
    pub attempts: i64,
}

const NOTICE_SELECT: &str =
    "SELECT id, kind, recipient, recipient_name, subject, text_body, html_body, created_at,
        status, attempts FROM mail_notices";

fn notice(r: &rusqlite::Row<'_>) -> rusqlite::Result<Notice> {
    Ok(Notice {
        id: r.get(0)?,
        kind: r.get(1)?,
        recipient: r.get(2)?,
        recipient_name: r.get(3)?,
        subject: r.get(4)?,
        text_body: r.get(5)?,
        html_body: r.get(6)?,
        created_at: from_secs(r.get(7)?),
        status: r.get(8)?,
        attempts: r.get(9)?,
    })
}

/// Notices, oldest first; only those with `status` when given.
pub fn notices(conn: &Connection, status: Option<&str>) -> Result<Vec<Notice>> {
    let sql = format!("{NOTICE_SELECT} WHERE ?1 IS NULL OR status = ?1 ORDER BY id");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([status], notice)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Queued notices older than `before` are set aside unsent.
pub fn expire_notices(conn: &Connection, before: Timestamp) -> Result<usize> {
    Ok(conn
        .prepare_cached(
            "UPDATE mail_notices SET status = 'expired' WHERE status = 'queued' AND created_at < ?1",
        )?
        .execute([to_secs(before)])?)
}

/// Claims a queued notice for one sender until `until`.
pub fn claim_notice(conn: &Connection, id: i64, now: Timestamp, until: Timestamp) -> Result<bool> {
    let n = conn
        .prepare_cached(
            "UPDATE mail_notices SET claimed_until = ?3
              WHERE id = ?1 AND status = 'queued' AND (claimed_until IS NULL OR claimed_until <= ?2)",
        )?
        .execute(params![id, to_secs(now), to_secs(until)])?;
    Ok(n == 1)
}

pub fn notice_sent(conn: &Connection, id: i64, message_id: &str, now: Timestamp) -> Result<()> {
    conn.prepare_cached(
        "UPDATE mail_notices SET status = 'sent', sent_at = ?2, message_id = ?3, claimed_until = NULL WHERE id = ?1",
    )?
    .execute(params![id, to_secs(now), message_id])?;
    Ok(())
}

/// A failed attempt; after `max` attempts the notice is given up.
pub fn notice_failed(conn: &Connection, id: i64, error: &str, max: i64) -> Result<String> {
    conn.prepare_cached(
        "UPDATE mail_notices SET attempts = attempts + 1, last_error = ?2, claimed_until = NULL,
                status = CASE WHEN attempts + 1 >= ?3 THEN 'failed' ELSE 'queued' END
          WHERE id = ?1",
    )?
    .execute(params![id, error, max])?;
    Ok(conn.prepare_cached("SELECT status FROM mail_notices WHERE id = ?1")?.query_row([id], |r| r.get(0))?)
}

/// Marks a school's week reported; false when it already was.
pub fn mark_reported(
    conn: &Connection,
    school_id: i64,
    week: &str,
    recipients: i64,
    now: Timestamp,
) -> Result<bool> {
    let n = conn
        .prepare_cached(
            "INSERT INTO sent_reports (school_id, week, queued_at, recipients) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (school_id, week) DO NOTHING",
        )?
        .execute(params![school_id, week, to_secs(now), recipients])?;
    Ok(n == 1)
}

/// A technician who may be mailed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reachable {
    pub id: i64,
    pub login: String,
    pub name: String,
    pub tier: i64,
    pub lead: bool,
    pub email: Option<String>,
    /// Kinds turned off.
    pub off: Vec<String>,
    /// Wants SLA alerts as one digest per run.
    pub digest: bool,
}

/// Active technicians with their address and the alert kinds turned off.
pub fn reachable(conn: &Connection) -> Result<Vec<Reachable>> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.id, t.login, t.name, t.tier, t.lead, t.email,
                (SELECT group_concat(kind, ',') FROM tech_notify o WHERE o.tech_id = t.id AND enabled = 0),
                EXISTS (SELECT 1 FROM tech_notify o WHERE o.tech_id = t.id AND kind = 'digest' AND enabled = 1)
           FROM technicians t WHERE t.active = 1 ORDER BY t.login",
    )?;
    let rows = stmt.query_map([], |r| {
        let off: Option<String> = r.get(6)?;
        Ok(Reachable {
            id: r.get(0)?,
            login: r.get(1)?,
            name: r.get(2)?,
            tier: r.get(3)?,
            lead: r.get(4)?,
            email: r.get(5)?,
            off: off.map(|o| o.split(',').map(str::to_string).collect()).unwrap_or_default(),
            digest: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn set_tech_email(conn: &Connection, tech_id: i64, email: Option<&str>) -> Result<()> {
    conn.prepare_cached("UPDATE technicians SET email = ?2 WHERE id = ?1")?
        .execute(params![tech_id, email])?;
    Ok(())
}

pub fn set_notify(conn: &Connection, tech_id: i64, kind: &str, on: bool) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO tech_notify (tech_id, kind, enabled) VALUES (?1, ?2, ?3)
         ON CONFLICT (tech_id, kind) DO UPDATE SET enabled = excluded.enabled",
    )?
    .execute(params![tech_id, kind, on])?;
    Ok(())
}

/// Records an SLA alert; false when it was sent before.
pub fn mark_alert(
    conn: &Connection,
    ticket_id: TicketId,
    kind: &str,
    clock: &str,
    due: Timestamp,
    now: Timestamp,
) -> Result<bool> {
    let n = conn
        .prepare_cached(
            "INSERT INTO sla_alerts (ticket_id, kind, clock, due, at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
        )?
        .execute(params![ticket_id, kind, clock, to_secs(due), to_secs(now)])?;
    Ok(n == 1)
}

/// Resolved tickets due a survey reminder: resolved between `from` and
/// `to`, not rated, not reminded, not of the triage school, and whose
/// acknowledgement was not set aside (robots, strangers, demo data).
pub fn survey_due(conn: &Connection, from: Timestamp, to: Timestamp, triage: &str) -> Result<Vec<TicketId>> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.id FROM tickets t JOIN schools s ON s.id = t.school_id
          WHERE t.status IN ('resolved', 'closed') AND t.satisfaction IS NULL
            AND t.resolved_at >= ?1 AND t.resolved_at < ?2 AND s.code <> ?3
            AND NOT EXISTS (SELECT 1 FROM survey_reminders r WHERE r.ticket_id = t.id)
            AND NOT EXISTS (SELECT 1 FROM mail_outbox o WHERE o.ticket_id = t.id AND o.kind = 'ack'
                              AND o.status = 'discarded')
          ORDER BY t.id",
    )?;
    let rows = stmt.query_map(params![to_secs(from), to_secs(to), triage], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Marks a ticket reminded; false when it already was.
pub fn mark_reminded(conn: &Connection, ticket_id: TicketId, now: Timestamp) -> Result<bool> {
    let n = conn
        .prepare_cached(
            "INSERT INTO survey_reminders (ticket_id, at) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
        )?
        .execute(params![ticket_id, to_secs(now)])?;
    Ok(n == 1)
}
