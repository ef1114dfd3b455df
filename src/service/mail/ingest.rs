//! `mail ingest`: one inbound message becomes a new ticket, a reply on its
//! ticket's timeline, or a kept reject (unreadable, bounce, auto-reply) —
//! never nothing. Each message is one transaction.

use crate::domain::TicketId;
use crate::domain::{self, EventKind, NewTicket, Source, Status, Ticket};
use crate::mail::compose::{find_token, remove_tokens};
use crate::mail::inbound::{self, Inbound};
use crate::mail::quote::{is_forward, strip_reply_prefixes, tidy, trim_reply};
use crate::service::tickets::{self, MAX_BODY, MAX_SUBJECT};
use crate::service::{Ctx, Desk};
use crate::store::{events, mail as rows, tickets as ticket_rows};
use crate::text::clip;
use crate::{Error, Result};
use rusqlite::Connection;
use serde::Serialize;

/// What became of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A new ticket.
    Created,
    /// A requester's reply on an existing ticket's timeline.
    Replied,
    /// Already ingested (same Message-ID): nothing new.
    Duplicate,
    /// Read but deliberately not turned into a ticket (bounce, auto-reply,
    /// empty); kept with the reason.
    Ignored,
    /// Could not be read; kept whole with the reason.
    Failed,
}

#[derive(Debug, Clone, Serialize)]
pub struct IngestReport {
    pub origin: String,
    pub outcome: Outcome,
    pub ticket: Option<TicketId>,
    pub message_id: Option<String>,
    pub sender: Option<String>,
    pub subject: Option<String>,
    /// The kept reject (mail_rejects row) for ignored and failed messages.
    pub reject: Option<i64>,
    pub reason: Option<String>,
}

/// Addresses that are deskside's own: mail from them is a loop.
#[derive(Debug, Clone, Default)]
pub struct IngestOptions {
    pub own_addresses: Vec<String>,
}

impl Desk {
    /// Ingests one raw message. Err only when the database itself fails
    /// (then nothing was written and the caller must keep the message).
    pub fn ingest_mail(&mut self, raw: &[u8], origin: &str, opts: &IngestOptions) -> Result<IngestReport> {
        let msg = match inbound::read(raw) {
            Ok(m) => m,
            Err(reason) => return self.reject(raw, origin, None, Outcome::Failed, &reason),
        };
        if let Some(auto) = &msg.automated {
            return self.reject(raw, origin, Some(&msg), Outcome::Ignored, auto.reason());
        }
        let Some((address, name)) = msg.from.clone() else {
            let reason = "no sender: the message has no From, Sender or Reply-To address";
            return self.reject(raw, origin, Some(&msg), Outcome::Failed, reason);
        };
        let email = match domain::normalize_email(&address) {
            Ok(e) => e,
            Err(e) => return self.reject(raw, origin, Some(&msg), Outcome::Failed, &e.to_string()),
        };
        if opts.own_addresses.iter().any(|a| a.eq_ignore_ascii_case(&email)) {
            let reason = format!("sent from deskside's own address {email} (mail loop)");
            return self.reject(raw, origin, Some(&msg), Outcome::Ignored, &reason);
        }
        // A message that starts a request has its acknowledgement's articles
        // ranked before the write lock (see `ack::Ready`); a reply has none.
        let starts = thread_ticket(self.store.conn(), &msg).is_ok_and(|t| t.is_none());
        if let Some(new) = new_ticket(&msg, &email, name.as_deref(), None).filter(|_| starts) {
            self.rank_ack_before_write(&new);
        }
        let applied = self.write(|cx| apply(cx, &msg, &email, name.as_deref(), origin, raw));
        match applied {
            Ok(report) => Ok(report),
            // The message broke a rule (an invalid field): keep it as failed.
            Err(Error::Invalid(reason)) | Err(Error::NotFound(reason)) => {
                self.reject(raw, origin, Some(&msg), Outcome::Failed, &reason)
            }
            Err(e) => Err(e),
        }
    }

    /// Keeps a message that makes no ticket (once per distinct content).
    fn reject(
        &mut self,
        raw: &[u8],
        origin: &str,
        msg: Option<&Inbound>,
        outcome: Outcome,
        reason: &str,
    ) -> Result<IngestReport> {
        self.write(|cx| keep_reject(cx, raw, origin, msg, outcome, reason))
    }

    /// Rejected inbound mail (without raw bytes).
    pub fn mail_rejects(&self) -> Result<Vec<rows::RejectRow>> {
        self.read(|conn, _| rows::rejects(conn))
    }

    /// The raw bytes of a kept reject, to inspect or ingest again.
    pub fn mail_reject_raw(&self, id: i64) -> Result<Vec<u8>> {
        self.read(|conn, _| {
            rows::reject_raw(conn, id)?
                .ok_or_else(|| Error::not_found(format!("rejected mail {id} not found")))
        })
    }
}

fn keep_reject(
    cx: &mut Ctx<'_>,
    raw: &[u8],
    origin: &str,
    msg: Option<&Inbound>,
    outcome: Outcome,
    reason: &str,
) -> Result<IngestReport> {
    let sha = inbound::sha256_hex(raw);
    let sender = msg.and_then(|m| m.from.as_ref().map(|f| f.0.clone()));
    let subject = msg.map(|m| m.subject.clone()).filter(|s| !s.is_empty());
    let message_id = msg.map(|m| m.message_id.clone());
    let (id, outcome, reason) = match rows::reject_by_sha(cx.tx, &sha)? {
        Some(existing) => {
            let kept = if existing.outcome == "failed" { Outcome::Failed } else { Outcome::Ignored };
            (
                existing.id,
                kept,
                format!("{} (already kept as rejected mail {})", existing.reason, existing.id),
            )
        }
        None => {
            let id = rows::insert_reject(
                cx.tx,
                &rows::NewReject {
                    at: cx.now,
                    outcome: if outcome == Outcome::Failed { "failed" } else { "ignored" },
                    reason,
                    origin,
                    sha256: &sha,
                    message_id: message_id.as_deref(),
                    sender: sender.as_deref(),
                    subject: subject.as_deref(),
                    raw,
                },
            )?;
            (id, outcome, reason.to_string())
        }
    };
    Ok(IngestReport {
        origin: origin.to_string(),
        outcome,
        ticket: None,
        message_id,
        sender,
        subject,
        reject: Some(id),
        reason: Some(reason),
    })
}

/// The ticket a message answers: by its thread headers, then by a `[#ID]`
/// token in the subject.
fn thread_ticket(conn: &Connection, msg: &Inbound) -> Result<Option<Ticket>> {
    for id in &msg.thread {
        if let Some(ticket) = rows::ticket_of_message(conn, id)? {
            return ticket_rows::find(conn, ticket);
        }
    }
    match find_token(&msg.subject) {
        Some(id) => ticket_rows::find(conn, id),
        None => Ok(None),
    }
}

fn apply(
    cx: &mut Ctx<'_>,
    msg: &Inbound,
    email: &str,
    name: Option<&str>,
    origin: &str,
    raw: &[u8],
) -> Result<IngestReport> {
    let report = |outcome, ticket: TicketId| IngestReport {
        origin: origin.to_string(),
        outcome,
        ticket: Some(ticket),
        message_id: Some(msg.message_id.clone()),
        sender: Some(email.to_string()),
        subject: Some(msg.subject.clone()),
        reject: None,
        reason: None,
    };
    if let Some(ticket) = rows::ticket_of_message(cx.tx, &msg.message_id)? {
        return Ok(report(Outcome::Duplicate, ticket));
    }
    // Mail about a merged duplicate belongs to the ticket it was merged into.
    let target = crate::service::links::follow_merges(cx.tx, thread_ticket(cx.tx, msg)?)?;
    if let Some(t) = target.as_ref().filter(|_| msg.attachments.is_empty()) {
        // "solved", or a rating from 1 to 5: acted on from the new text only.
        if let Some(event) = super::verbs::act(cx, t, &trim_reply(&msg.text), email)? {
            record(cx, t.id, event, msg, email)?;
            return Ok(report(Outcome::Replied, t.id));
        }
    }
    match target {
        Some(t) if t.status != Status::Closed => {
            let text = with_attachments(&trim_reply(&msg.text), msg);
            if text.is_empty() {
                let reason = format!("empty reply to ticket #{}: no new text above the quoted message", t.id);
                return keep_reject(cx, raw, origin, Some(msg), Outcome::Ignored, &reason);
            }
            let id = t.id;
            add_reply(cx, t, msg, email, &text)?;
            crate::service::attachments::keep_inbound(cx, id, &msg.message_id, raw, email)?;
            Ok(report(Outcome::Replied, id))
        }
        closed => {
            let id = create_ticket(cx, msg, email, name, closed.map(|t| t.id))?;
            match id {
                Some(id) => {
                    crate::service::attachments::keep_inbound(cx, id, &msg.message_id, raw, email)?;
                    Ok(report(Outcome::Created, id))
                }
                None => keep_reject(
                    cx,
                    raw,
                    origin,
                    Some(msg),
                    Outcome::Ignored,
                    "empty message: no subject, text or attachments",
                ),
            }
        }
    }
}

/// A requester-authored public event (no technician), which takes a
/// resolved or pending ticket back to open.
fn add_reply(cx: &mut Ctx<'_>, mut t: Ticket, msg: &Inbound, email: &str, text: &str) -> Result<()> {
    let event = events::append(
        cx.tx,
        &events::NewEvent {
            ticket_id: t.id,
            at: cx.now,
            kind: EventKind::Reply,
            tech_id: None,
            os_user: cx.os_user,
            internal: false,
            body: Some(text),
            old_value: None,
            new_value: Some(email),
        },
    )?;
    if matches!(t.status, Status::Resolved | Status::Pending) {
        tickets::set_status(cx, &mut t, Status::Open)?;
    }
    tickets::save(cx, &t)?;
    record(cx, t.id, event, msg, email)
}

/// Logs a new ticket from a message (a follow-up when `follows` names the
/// closed ticket it answered). None when the message has nothing in it.
fn create_ticket(
    cx: &mut Ctx<'_>,
    msg: &Inbound,
    email: &str,
    name: Option<&str>,
    follows: Option<TicketId>,
) -> Result<Option<TicketId>> {
    let Some(new) = new_ticket(msg, email, name, follows) else {
        return Ok(None);
    };
    let ticket = tickets::create(cx, &new)?;
    if msg.no_reply {
        let reason = "automated sender (Auto-Submitted, Precedence or List-Id): never acknowledged";
        super::outbox::discard_queued(cx, Some(ticket.id), reason)?;
    } else if ticket.school == domain::UNASSIGNED_SCHOOL {
        // Spam and forged senders come from outside the schools: answering
        // them automatically would send mail to strangers (backscatter).
        let reason = "sender's domain belongs to no school: not acknowledged automatically";
        super::outbox::discard_queued(cx, Some(ticket.id), reason)?;
    }
    let created = events::for_ticket(cx.tx, ticket.id)?.first().map(|e| e.id);
    let mail_id = rows::insert_message(
        cx.tx,
        &rows::NewMessage {
            message_id: &msg.message_id,
            ticket_id: ticket.id,
            event_id: created,
            direction: rows::Direction::In,
            sender: email,
            subject: &msg.subject,
            at: cx.now,
        },
    )?;
    attachments(cx, mail_id, ticket.id, msg)?;
    Ok(Some(ticket.id))
}

/// The ticket a message makes (see `create_ticket`); None when it has
/// nothing in it.
fn new_ticket(
    msg: &Inbound,
    email: &str,
    name: Option<&str>,
    follows: Option<TicketId>,
) -> Option<NewTicket> {
    // A forward's quoted part is the point of it; elsewhere history is noise.
    let text = if is_forward(&msg.subject) { String::new() } else { trim_reply(&msg.text) };
    let text = if text.is_empty() { tidy(&msg.text.lines().collect::<Vec<_>>()) } else { text };
    let mut body = with_attachments(&text, msg);
    let subject = remove_tokens(strip_reply_prefixes(&msg.subject));
    if subject.is_empty() && body.is_empty() {
        return None;
    }
    let subject = match text.lines().find(|l| !l.trim().is_empty()) {
        _ if !subject.is_empty() => subject,
        Some(first_line) => clip(first_line.trim(), 80),
        None => {
            let names: Vec<&str> = msg.attachments.iter().map(|a| a.name.as_str()).collect();
            clip(&format!("Attachment: {}", names.join(", ")), 80)
        }
    };
    if let Some(old) = follows {
        body = format!("Follow-up to closed ticket #{old}.\n\n{body}");
    }
    let fallback_name = email.split('@').next().unwrap_or(email).to_string();
    let name = name.map(display_name);
    let new = NewTicket {
        subject: clip(&subject, MAX_SUBJECT),
        body: clip(&body, MAX_BODY),
        requester: email.to_string(),
        requester_name: Some(clip(name.as_deref().unwrap_or(&fallback_name), 200)),
        source: Some(Source::Email),
        ..NewTicket::default()
    };
    Some(new)
}

fn record(cx: &Ctx<'_>, ticket_id: TicketId, event_id: i64, msg: &Inbound, email: &str) -> Result<()> {
    let mail_id = rows::insert_message(
        cx.tx,
        &rows::NewMessage {
            message_id: &msg.message_id,
            ticket_id,
            event_id: Some(event_id),
            direction: rows::Direction::In,
            sender: email,
            subject: &msg.subject,
            at: cx.now,
        },
    )?;
    attachments(cx, mail_id, ticket_id, msg)
}

fn attachments(cx: &Ctx<'_>, mail_id: i64, ticket_id: TicketId, msg: &Inbound) -> Result<()> {
    for a in &msg.attachments {
        rows::insert_attachment(cx.tx, mail_id, ticket_id, &a.name, &a.content_type, a.size as i64)?;
    }
    Ok(())
}

/// The text with a closing line naming the attachments, so technicians see
/// them wherever the text is shown.
fn with_attachments(text: &str, msg: &Inbound) -> String {
    if msg.attachments.is_empty() {
        return text.to_string();
    }
    let list: Vec<String> = msg
        .attachments
        .iter()
        .map(|a| format!("{} ({}, {})", a.name, a.content_type, size(a.size)))
        .collect();
    let line = format!("[Attached: {}]", list.join("; "));
    if text.is_empty() {
        line
    } else {
        format!("{text}\n\n{line}")
    }
}

/// A size for people: "820 B", "12 KB", "3.4 MB".
pub fn size(bytes: usize) -> String {
    match bytes {
        0..=1023 => format!("{bytes} B"),
        1024..=1_048_575 => format!("{} KB", bytes.div_ceil(1024)),
        _ => format!("{:.1} MB", bytes as f64 / 1_048_576.0),
    }
}

/// A display name as people say it: Exchange's "Okafor, Daniel" becomes
/// "Daniel Okafor" (so the acknowledgement greets Daniel).
pub fn display_name(name: &str) -> String {
    match name.split_once(", ") {
        Some((last, first))
            if !last.is_empty() && !first.is_empty() && !first.contains(',') && !last.contains(' ') =>
        {
            format!("{first} {last}")
        }
        _ => name.to_string(),
    }
}
