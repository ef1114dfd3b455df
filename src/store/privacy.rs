//! Erasure and retention: the SQL that replaces a person's data with the
//! tombstone, and that ages out text and mail. Counts, times, statuses,
//! categories and SLA figures are never touched, so reports do not change.

use super::chain::TOMBSTONE;
use crate::Result;
use rusqlite::{named_params, Connection, OptionalExtension};
use serde::Serialize;

/// What an erasure changed, per table (row counts only: nothing of what).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Erased {
    pub tickets: usize,
    /// Other people's tickets that named the person (the name and address
    /// were replaced inside their text).
    pub mentions: usize,
    pub events: usize,
    pub mail_messages: usize,
    pub attachments: usize,
    /// Kept attachments (name and content) of their tickets or sent by them.
    pub attachment_files: usize,
    /// Contents deleted (those no one else's attachment shares).
    pub blobs_deleted: usize,
    pub rejects: usize,
    pub outbox: usize,
    pub audit_rows: usize,
    /// Technicians' unsent console drafts on their tickets or naming them.
    pub drafts: usize,
    /// Articles written from the person's tickets: technicians' work, left
    /// alone, listed for a lead to review.
    pub articles_to_review: Vec<i64>,
}

/// The requester's id and name, found by email (any case).
pub fn find_requester(conn: &Connection, email: &str) -> Result<Option<(i64, String, String)>> {
    Ok(conn
        .query_row("SELECT id, email, name FROM requesters WHERE email = ?1 COLLATE NOCASE", [email], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?)
}

/// The name stands in for the person everywhere their tickets show them.
pub const ERASED_NAME: &str = "erased requester";

/// The address an erased requester keeps (unique, never deliverable).
pub fn erased_email(id: i64) -> String {
    format!("erased-{id}@erased.invalid")
}

/// Replaces requester `id`'s name, address and free text everywhere with
/// the tombstone, inside the caller's transaction. A name shorter than five
/// characters is not searched for in other people's text (it would match
/// ordinary words); the address always is.
pub fn erase_requester(conn: &Connection, id: i64, email: &str, name: &str) -> Result<Erased> {
    let tomb_email = erased_email(id);
    let name = if name.chars().count() >= 5 { name } else { "" };
    // :name is '' when not searched: instr(x, '') is 1, so it is guarded.
    let mentions = |col: &str| {
        format!(
            "(instr(lower({col}), lower(:email)) > 0 OR (:name <> '' AND instr(lower({col}), lower(:name)) > 0))"
        )
    };
    let theirs = "ticket_id IN (SELECT id FROM tickets WHERE requester_id = :rid)";
    let articles_to_review = {
        let mut stmt = conn.prepare(
            "SELECT id FROM articles WHERE source_ticket_id IN (SELECT id FROM tickets WHERE requester_id = ?1)
              ORDER BY id",
        )?;
        let rows = stmt.query_map([id], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut out = Erased { articles_to_review, ..Erased::default() };

    // The timeline: every text on their tickets (their messages, replies to
    // them, notes about them), and any event elsewhere that quotes them.
    out.events = conn.execute(
        &format!(
            "UPDATE events SET
                body = CASE WHEN body IS NULL THEN NULL
                            WHEN {theirs} OR {b} THEN :t ELSE body END,
                old_value = CASE WHEN {o} THEN :t ELSE old_value END,
                new_value = CASE WHEN {n} THEN :t ELSE new_value END
              WHERE (({theirs} AND body IS NOT NULL AND body <> :t) OR {b} OR {o} OR {n})",
            b = mentions("body"),
            o = mentions("old_value"),
            n = mentions("new_value"),
        ),
        named_params! { ":rid": id, ":email": email, ":name": name, ":t": TOMBSTONE },
    )?;

    out.mail_messages = conn.execute(
        &format!(
            "UPDATE mail_messages SET
                sender = CASE WHEN sender = :email COLLATE NOCASE THEN :te ELSE sender END,
                subject = :t
              WHERE {theirs} OR sender = :email COLLATE NOCASE"
        ),
        named_params! { ":rid": id, ":email": email, ":te": tomb_email, ":t": TOMBSTONE },
    )?;
    out.attachments = conn.execute(
        &format!("UPDATE mail_attachments SET filename = :t WHERE {theirs} AND filename <> :t"),
        named_params! { ":rid": id, ":t": TOMBSTONE },
    )?;
    // Kept files: name and content go; a blob another person's ticket also
    // holds stays for them.
    let (rows, blobs) = super::attachments::erase_requester(conn, id, TOMBSTONE)?;
    out.attachment_files = rows;
    out.blobs_deleted = blobs;
    // A kept message is whole or nothing: MIME cannot be redacted in part.
    out.rejects = conn.execute(
        &format!(
            "UPDATE mail_rejects SET
                sender = CASE WHEN sender = :email COLLATE NOCASE THEN :te
                              WHEN {s} THEN :t ELSE sender END,
                subject = CASE WHEN subject IS NULL THEN NULL ELSE :t END,
                raw = CAST(:t AS BLOB)
              WHERE sender = :email COLLATE NOCASE OR {s} OR {j} OR {r}",
            s = mentions("sender"),
            j = mentions("subject"),
            r = mentions("CAST(raw AS TEXT)"),
        ),
        named_params! { ":email": email, ":name": name, ":te": tomb_email, ":t": TOMBSTONE },
    )?;
    // Queued mail to them can no longer go anywhere.
    out.outbox = conn.execute(
        &format!(
            "UPDATE mail_outbox SET
                recipient = :te,
                last_error = CASE WHEN last_error IS NULL THEN NULL ELSE :t END,
                status = CASE WHEN status = 'queued' THEN 'discarded' ELSE status END,
                claimed_until = NULL
              WHERE {theirs} OR recipient = :email COLLATE NOCASE"
        ),
        named_params! { ":rid": id, ":email": email, ":te": tomb_email, ":t": TOMBSTONE },
    )?;
    // Audit rows keep their chain (see store::chain): only the erasable text goes.
    out.audit_rows = conn.execute(
        &format!(
            "UPDATE audit SET
                entity_id = CASE WHEN {e} THEN :t ELSE entity_id END,
                detail = CASE WHEN detail IS NULL THEN NULL ELSE :t END,
                erased = 1
              WHERE erased = 0 AND hash IS NOT NULL AND ({e} OR {d})",
            e = mentions("entity_id"),
            d = mentions("detail"),
        ),
        named_params! { ":email": email, ":name": name, ":t": TOMBSTONE },
    )?;

    // Other people's tickets that name them keep their text, without the name.
    out.mentions = conn.execute(
        &format!(
            "UPDATE tickets SET
                subject = replace(replace(subject, :email, :te), CASE WHEN :name = '' THEN :email ELSE :name END, :en),
                body = replace(replace(body, :email, :te), CASE WHEN :name = '' THEN :email ELSE :name END, :en),
                version = version + 1
              WHERE requester_id <> :rid AND ({s} OR {b})",
            s = mentions("subject"),
            b = mentions("body"),
        ),
        named_params! { ":rid": id, ":email": email, ":name": name, ":te": tomb_email, ":en": ERASED_NAME },
    )?;
    // Their tickets: text and rating comment go; times, statuses, categories,
    // SLA figures and scores stay. The version moves so a console holding the
    // old text cannot save it back.
    out.tickets = conn.execute(
        "UPDATE tickets SET
            subject = :t,
            body = CASE WHEN body = '' THEN '' ELSE :t END,
            satisfaction_note = CASE WHEN satisfaction_note IS NULL THEN NULL ELSE :t END,
            version = version + 1
          WHERE requester_id = :rid",
        named_params! { ":rid": id, ":t": TOMBSTONE },
    )?;
    // The portal's sign-in links, sessions and unsent link mail name them:
    // none of it is history worth keeping, so it goes whole.
    for table in ["portal_signins", "portal_sessions"] {
        conn.execute(
            &format!("DELETE FROM {table} WHERE email = :email COLLATE NOCASE"),
            named_params! { ":email": email },
        )?;
    }
    conn.execute(
        "DELETE FROM portal_mail WHERE recipient = :email COLLATE NOCASE",
        named_params! { ":email": email },
    )?;
    // Survey reminders queued or sent to them (mail_notices, issue 18).
    conn.execute(
        "DELETE FROM mail_notices WHERE recipient = :email COLLATE NOCASE",
        named_params! { ":email": email },
    )?;
    conn.execute(
        "UPDATE requesters SET name = :n, email = :te WHERE id = :rid",
        named_params! { ":rid": id, ":n": ERASED_NAME, ":te": tomb_email },
    )?;
    out.drafts = super::drafts::delete_for_requester(conn, id, email, name)?;
    forget_deleted_text(conn)?;
    Ok(out)
}

/// The full-text index records a changed row as a delete marker beside the
/// old entry; merging the index into one segment drops the old words for
/// good, so neither a MATCH nor the file holds them. (A million tickets:
/// seconds. Erasure and purge are rare.)
pub fn forget_deleted_text(conn: &Connection) -> Result<()> {
    conn.execute_batch("INSERT INTO tickets_fts (tickets_fts) VALUES ('optimize');")?;
    Ok(())
}

/// A retention setting a lead stored: Some(Some(n)), Some(None) for
/// "never", None when the default applies.
pub fn retention(conn: &Connection, kind: &str) -> Result<Option<Option<i64>>> {
    Ok(conn.query_row("SELECT value FROM retention WHERE kind = ?1", [kind], |r| r.get(0)).optional()?)
}

/// The default cap on a kept rejected message, in bytes (256 KiB: the
/// headers and text of any ordinary message; big attachments are cut).
pub const DEFAULT_REJECT_SIZE: i64 = 262_144;

/// The cap in force on a kept rejected message (None: no cap).
pub fn reject_cap(conn: &Connection) -> Result<Option<i64>> {
    Ok(retention(conn, "reject-size")?.unwrap_or(Some(DEFAULT_REJECT_SIZE)))
}

pub fn set_retention(conn: &Connection, kind: &str, value: Option<i64>) -> Result<()> {
    conn.execute(
        "INSERT INTO retention (kind, value) VALUES (?1, ?2)
         ON CONFLICT (kind) DO UPDATE SET value = excluded.value",
        rusqlite::params![kind, value],
    )?;
    Ok(())
}

pub fn reset_retention(conn: &Connection, kind: &str) -> Result<()> {
    conn.execute("DELETE FROM retention WHERE kind = ?1", [kind])?;
    Ok(())
}

/// Closed tickets whose text is still there, closed before `cutoff` (secs).
const OLD_CLOSED: &str =
    "SELECT id FROM tickets WHERE status = 'closed' AND closed_at < :cutoff AND subject <> :t";

pub fn count_old_closed(conn: &Connection, cutoff: i64) -> Result<usize> {
    Ok(count(conn.query_row(
        &format!("SELECT count(*) FROM ({OLD_CLOSED})"),
        named_params! { ":cutoff": cutoff, ":t": TOMBSTONE },
        |r| r.get::<_, i64>(0),
    )?))
}

/// Replaces the requester text of tickets closed before `cutoff` (subject,
/// body, rating comment, timeline text, mail subjects and attachment names)
/// with the tombstone; counts and times stay. Returns the tickets changed.
pub fn purge_closed_text(conn: &Connection, cutoff: i64) -> Result<usize> {
    conn.execute_batch(
        "DROP TABLE IF EXISTS temp.purged; CREATE TEMP TABLE purged (id INTEGER PRIMARY KEY);",
    )?;
    conn.execute(
        &format!("INSERT INTO temp.purged (id) {OLD_CLOSED}"),
        named_params! { ":cutoff": cutoff, ":t": TOMBSTONE },
    )?;
    let p = named_params! { ":t": TOMBSTONE };
    conn.execute(
        "UPDATE events SET body = :t
          WHERE ticket_id IN (SELECT id FROM temp.purged) AND body IS NOT NULL AND body <> :t",
        p,
    )?;
    conn.execute(
        "UPDATE events SET new_value = :t
          WHERE ticket_id IN (SELECT id FROM temp.purged) AND kind = 'reply' AND tech_id IS NULL
            AND new_value IS NOT NULL",
        p,
    )?;
    conn.execute("UPDATE mail_messages SET subject = :t WHERE ticket_id IN (SELECT id FROM temp.purged)", p)?;
    conn.execute(
        "UPDATE mail_attachments SET filename = :t WHERE ticket_id IN (SELECT id FROM temp.purged)",
        p,
    )?;
    super::attachments::purge_tickets(conn, TOMBSTONE)?;
    super::drafts::delete_for_purged(conn)?;
    let n = conn.execute(
        "UPDATE tickets SET
            subject = :t,
            body = CASE WHEN body = '' THEN '' ELSE :t END,
            satisfaction_note = CASE WHEN satisfaction_note IS NULL THEN NULL ELSE :t END,
            version = version + 1
          WHERE id IN (SELECT id FROM temp.purged)",
        p,
    )?;
    conn.execute_batch("DROP TABLE temp.purged;")?;
    if n > 0 {
        forget_deleted_text(conn)?;
    }
    Ok(n)
}

pub fn count_old_rejects(conn: &Connection, cutoff: i64) -> Result<usize> {
    Ok(count(
        conn.query_row("SELECT count(*) FROM mail_rejects WHERE at < ?1", [cutoff], |r| r.get::<_, i64>(0))?,
    ))
}

pub fn delete_old_rejects(conn: &Connection, cutoff: i64) -> Result<usize> {
    Ok(conn.execute("DELETE FROM mail_rejects WHERE at < ?1", [cutoff])?)
}

pub fn count_big_rejects(conn: &Connection, max: i64) -> Result<usize> {
    Ok(count(conn.query_row("SELECT count(*) FROM mail_rejects WHERE length(raw) > ?1", [max], |r| {
        r.get::<_, i64>(0)
    })?))
}

/// Keeps the first `max` bytes of every kept reject (the headers and the
/// start of the text: enough to see what it was).
pub fn truncate_big_rejects(conn: &Connection, max: i64) -> Result<usize> {
    Ok(conn.execute("UPDATE mail_rejects SET raw = substr(raw, 1, ?1) WHERE length(raw) > ?1", [max])?)
}

/// Outgoing mail that is done with (sent, or given up on) since before `cutoff`.
const OLD_OUTBOX: &str = "FROM mail_outbox
     WHERE (status = 'sent' AND coalesce(sent_at, created_at) < ?1)
        OR (status IN ('failed', 'discarded', 'expired') AND created_at < ?1)";

pub fn count_old_outbox(conn: &Connection, cutoff: i64) -> Result<usize> {
    Ok(count(conn.query_row(&format!("SELECT count(*) {OLD_OUTBOX}"), [cutoff], |r| r.get::<_, i64>(0))?))
}

pub fn delete_old_outbox(conn: &Connection, cutoff: i64) -> Result<usize> {
    Ok(conn.execute(&format!("DELETE {OLD_OUTBOX}"), [cutoff])?)
}

/// The portal's rows that name a requester and are done with since before
/// `cutoff`: sign-in links and sessions past their expiry, and sign-in mail
/// no longer waiting to be sent (sent, failed or expired).
const OLD_PORTAL: [&str; 3] = [
    "FROM portal_signins WHERE expires_at < ?1",
    "FROM portal_sessions WHERE expires_at < ?1",
    "FROM portal_mail WHERE status <> 'queued' AND coalesce(sent_at, expires_at) < ?1",
];

pub fn count_old_portal(conn: &Connection, cutoff: i64) -> Result<usize> {
    let mut n = 0;
    for from in OLD_PORTAL {
        n += conn
            .query_row(&format!("SELECT count(*) {from}"), [cutoff], |r| r.get::<_, i64>(0))?
            .try_into()
            .unwrap_or(0usize);
    }
    Ok(n)
}

pub fn delete_old_portal(conn: &Connection, cutoff: i64) -> Result<usize> {
    let mut n = 0;
    for from in OLD_PORTAL {
        n += conn.execute(&format!("DELETE {from}"), [cutoff])?;
    }
    Ok(n)
}

/// A `count(*)` as a size (SQLite never counts below zero).
fn count(n: i64) -> usize {
    usize::try_from(n).unwrap_or(0)
}
