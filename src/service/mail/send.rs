//! `mail send`: renders the queued messages and hands them to the
//! transport. Each message is claimed in its own short transaction (so two
//! overlapping cron runs never send it twice), delivered outside any
//! transaction, then marked sent together with its Message-ID (which
//! threads the requester's answer back to the ticket).

use crate::domain::TicketId;
use crate::domain::{EventKind, Status};
use crate::mail::compose::{self, Outgoing, Suggestion};
use crate::mail::encode::{is_safe_msg_id, Mailbox};
use crate::mail::transport::Transport;
use crate::service::Desk;
use crate::store::{directory as dir, events, mail as rows, tickets};
use crate::{Error, Result};
use chrono::Duration;
use rusqlite::Connection;
use serde::Serialize;

/// After this many failed attempts a message is given up (status failed).
pub const MAX_ATTEMPTS: i64 = 5;
/// Queued messages older than this are not sent (status expired).
pub const MAX_AGE_DAYS: i64 = 3;
/// How long a sender holds a claimed message before another may retry it.
const CLAIM_SECONDS: i64 = 600;
/// At most this many Message-IDs go into References (first + most recent).
const MAX_REFERENCES: usize = 10;

/// How mail goes out.
#[derive(Debug, Clone)]
pub struct SendSettings {
    pub from: Mailbox,
    pub transport: Transport,
    /// The static self-help site's address (`[mail] site_url`), linked
    /// when the portal has no base URL.
    pub site_url: Option<String>,
}

impl SendSettings {
    /// The team's name as signed in messages: the From display name.
    pub fn team(&self) -> &str {
        self.from.name.as_deref().unwrap_or("IT Support")
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Sent {
    pub id: i64,
    pub ticket: TicketId,
    pub kind: String,
    pub to: String,
    pub message_id: String,
    /// The command or the maildir file that took it.
    pub via: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct NotSent {
    pub id: i64,
    pub ticket: TicketId,
    pub error: String,
    /// "queued" (will be retried), "failed" (given up) or "discarded".
    pub status: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct SendReport {
    pub sent: Vec<Sent>,
    pub not_sent: Vec<NotSent>,
    pub expired: usize,
}

enum Rendered {
    Message {
        text: String,
        message_id: String,
        subject: String,
    },
    /// Must never be sent (and why).
    Never(String),
}

impl Desk {
    /// Flushes the outbox.
    pub fn send_mail(&mut self, settings: &SendSettings) -> Result<SendReport> {
        let mut report = SendReport {
            expired: self
                .write(|cx| super::outbox::expire_queued(cx, cx.now - Duration::days(MAX_AGE_DAYS)))?,
            ..SendReport::default()
        };
        let queued = self.read(|conn, _| rows::outbox(conn, Some("queued")))?;
        for row in queued {
            let claimed = self.write(|cx| {
                if !rows::claim(cx.tx, row.id, cx.now, cx.now + Duration::seconds(CLAIM_SECONDS))? {
                    return Ok(None);
                }
                match render(cx.tx, &row, settings, cx.now)? {
                    Rendered::Never(reason) => {
                        rows::discard(cx.tx, row.id, &reason)?;
                        Ok(Some(Rendered::Never(reason)))
                    }
                    r => Ok(Some(r)),
                }
            })?;
            let (text, message_id, subject) = match claimed {
                None => continue,
                Some(Rendered::Never(reason)) => {
                    report.not_sent.push(NotSent {
                        id: row.id,
                        ticket: row.ticket_id,
                        error: reason,
                        status: "discarded".into(),
                    });
                    continue;
                }
                Some(Rendered::Message { text, message_id, subject }) => (text, message_id, subject),
            };
            match settings.transport.deliver(&text) {
                Ok(via) => {
                    self.write(|cx| {
                        rows::mark_sent(cx.tx, row.id, &message_id, cx.now)?;
                        let event_id = row.event_id;
                        rows::insert_message(
                            cx.tx,
                            &rows::NewMessage {
                                message_id: &message_id,
                                ticket_id: row.ticket_id,
                                event_id,
                                direction: rows::Direction::Out,
                                sender: &settings.from.email,
                                subject: &subject,
                                at: cx.now,
                            },
                        )
                        .map(|_| ())
                    })?;
                    report.sent.push(Sent {
                        id: row.id,
                        ticket: row.ticket_id,
                        kind: row.kind.clone(),
                        to: row.recipient.clone(),
                        message_id,
                        via,
                    });
                }
                Err(error) => {
                    let status =
                        self.write(|cx| rows::mark_attempt_failed(cx.tx, row.id, &error, MAX_ATTEMPTS))?;
                    report.not_sent.push(NotSent { id: row.id, ticket: row.ticket_id, error, status });
                }
            }
        }
        self.send_portal_mail(settings, &mut report.sent, &mut report.not_sent)?;
        self.send_notices(settings, &mut report.sent, &mut report.not_sent)?;
        Ok(report)
    }

    /// The outbox, newest last; only rows with `status` when given.
    pub fn outbox(&self, status: Option<&str>) -> Result<Vec<rows::OutboxRow>> {
        self.read(|conn, _| rows::outbox(conn, status))
    }

    /// Renders one outbox message as it would be sent (for `mail outbox --show`).
    pub fn preview_mail(&self, id: i64, settings: &SendSettings) -> Result<String> {
        self.read(|conn, _| {
            let row = rows::outbox_row(conn, id)?
                .ok_or_else(|| Error::not_found(format!("outbox message {id} not found")))?;
            match render(conn, &row, settings, self.now())? {
                Rendered::Message { text, .. } => Ok(text),
                Rendered::Never(reason) => {
                    Err(Error::invalid(format!("outbox message {id} is never sent: {reason}")))
                }
            }
        })
    }
}

/// Renders an outbox row, or says why it must never be sent.
fn render(
    conn: &Connection,
    row: &rows::OutboxRow,
    settings: &SendSettings,
    now: crate::domain::Timestamp,
) -> Result<Rendered> {
    let ticket = tickets::get(conn, row.ticket_id)?;
    // Built from the validated address; the name is encoded when rendered.
    let to = match Mailbox::new(&row.recipient, Some(&ticket.requester_name)) {
        Ok(m) => m,
        Err(_) => return Ok(Rendered::Never(format!("invalid recipient address '{}'", row.recipient))),
    };
    if to.email == settings.from.email {
        return Ok(Rendered::Never("the recipient is deskside's own address (mail loop)".into()));
    }
    let team = settings.team();
    let (body, reply, auto) = match row.event_id {
        None => {
            let mut suggestions: Vec<Suggestion> = serde_json::from_str(&row.suggestions).unwrap_or_default();
            // Links are made now, so a base URL set after queueing counts.
            let base = crate::store::portal::setting(conn, "base_url")?;
            for s in suggestions.iter_mut() {
                if let Some(id) = s.id {
                    s.link =
                        super::ack::article_link(conn, base.as_deref(), settings.site_url.as_deref(), id)?
                            .unwrap_or_default();
                }
            }
            let first = ticket.requester_name.split_whitespace().next().unwrap_or("there");
            let expected = super::ack::expected_reply_of(conn, &ticket)?;
            (
                compose::acknowledgement_body(
                    ticket.id,
                    &ticket.subject,
                    first,
                    team,
                    &suggestions,
                    &expected,
                ),
                false,
                true,
            )
        }
        Some(event_id) => {
            let timeline = events::for_ticket(conn, ticket.id)?;
            let Some(pos) = timeline.iter().position(|e| e.id == event_id) else {
                return Ok(Rendered::Never(format!("event {event_id} is not on ticket #{}", ticket.id)));
            };
            let event = &timeline[pos];
            // Defence in depth: only public replies written by a technician leave.
            if event.internal || event.kind != EventKind::Reply || event.tech.is_none() {
                return Ok(Rendered::Never(format!(
                    "event {event_id} is not a public reply by a technician"
                )));
            }
            let resolved = timeline[pos + 1..].iter().take_while(|e| e.kind != EventKind::Reply).any(|e| {
                e.kind == EventKind::StatusChanged
                    && e.new_value.as_deref() == Some(Status::Resolved.as_str())
            });
            let login = event.tech.clone().unwrap_or_default();
            let name = dir::find_tech(conn, &login)?.map(|t| t.name).unwrap_or(login);
            let text = event.body.as_deref().unwrap_or("");
            let mut body = compose::reply_body(ticket.id, &ticket.subject, text, &name, team, resolved);
            if resolved {
                // The one-click rating link, when the portal has a base URL.
                match crate::service::portal_mail::rating_lines(conn, ticket.id, &ticket.requester)? {
                    Some(lines) => body.push_str(&lines),
                    // Without a portal, a number by reply is the rating
                    // (read by `mail ingest`, see service::mail::verbs).
                    None => body.push_str(
                        "\nHow did we do? Reply with just a number from 1 (unhappy) to 5 (very happy).\n",
                    ),
                }
            }
            (body, true, false)
        }
    };
    // Inbound Message-IDs came from strangers: only well-formed ones thread.
    let thread: Vec<String> =
        rows::thread(conn, ticket.id)?.into_iter().filter(|id| is_safe_msg_id(id)).collect();
    let references = if thread.len() > MAX_REFERENCES {
        let mut r = vec![thread[0].clone()];
        r.extend_from_slice(&thread[thread.len() - (MAX_REFERENCES - 1)..]);
        r
    } else {
        thread.clone()
    };
    let message_id = compose::message_id(ticket.id, row.id, row.created_at, settings.from.domain());
    let subject = compose::ticket_subject(ticket.id, &ticket.subject, reply);
    let out = Outgoing {
        date: now,
        from: settings.from.clone(),
        to,
        subject: subject.clone(),
        message_id: message_id.clone(),
        in_reply_to: thread.last().cloned(),
        references,
        auto_submitted: auto,
        body,
    };
    Ok(Rendered::Message { text: compose::render(&out), message_id, subject })
}
