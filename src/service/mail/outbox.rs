//! Queueing outgoing mail inside the transaction of the change it reports.
//!
//! Why an outbox rather than sending right after commit: the queue row
//! commits or rolls back with the event, so a rolled-back change never
//! sends mail and a committed one is never forgotten — not when sendmail is
//! down, not when the process dies between commit and send. `mail send`
//! (from cron, every minute or so) renders and delivers the queue and
//! retries failures; each message keeps one Message-ID across retries.

use crate::domain::TicketId;
use crate::domain::{Ticket, Timestamp};
use crate::mail::compose::Suggestion;
use crate::service::Ctx;
use crate::store::mail as rows;
use crate::Result;
use rusqlite::Connection;

/// The public articles that may solve `ticket`, best first, at most three,
/// offered in its acknowledgement (deflection by email): only confident
/// matches (see `ack`), since a wrong answer costs more than none. `cache`
/// is the transaction's (`Ctx::search`).
pub fn acknowledgement_suggestions(
    conn: &Connection,
    cache: &crate::service::suggest::Cache,
    ticket: &Ticket,
) -> Result<Vec<Suggestion>> {
    super::ack::suggestions(conn, cache, ticket)
}

/// Queues the acknowledgement of a new ticket, with the articles that may
/// solve it (see `acknowledgement_suggestions`).
pub fn queue_acknowledgement(cx: &Ctx<'_>, ticket: &Ticket, suggestions: &[Suggestion]) -> Result<i64> {
    let suggestions = serde_json::to_string(suggestions).map_err(|e| crate::Error::runtime(e.to_string()))?;
    rows::enqueue(
        cx.tx,
        &rows::NewOutgoing {
            ticket_id: ticket.id,
            event_id: None,
            kind: "ack",
            recipient: &ticket.requester,
            suggestions: &suggestions,
            at: cx.now,
        },
    )
}

/// Queues a public reply (timeline event `event_id`) to the requester.
/// Only public replies come here; internal notes never do.
/// Queues a public reply to the ticket's requester and to every participant
/// (a merged duplicate's requester), one message each.
pub fn queue_reply(cx: &Ctx<'_>, ticket: &Ticket, event_id: i64) -> Result<i64> {
    let first = queue_reply_to(cx, ticket, event_id, &ticket.requester)?;
    for other in crate::store::links::participants(cx.tx, ticket.id)? {
        if !other.eq_ignore_ascii_case(&ticket.requester) {
            queue_reply_to(cx, ticket, event_id, &other)?;
        }
    }
    Ok(first)
}

pub fn queue_reply_to(cx: &Ctx<'_>, ticket: &Ticket, event_id: i64, recipient: &str) -> Result<i64> {
    rows::enqueue(
        cx.tx,
        &rows::NewOutgoing {
            ticket_id: ticket.id,
            event_id: Some(event_id),
            kind: "reply",
            recipient,
            suggestions: "[]",
            at: cx.now,
        },
    )
}

/// Sets every queued message (of one ticket, when given) aside unsent.
pub fn discard_queued(cx: &Ctx<'_>, ticket_id: Option<TicketId>, reason: &str) -> Result<usize> {
    rows::set_aside(cx.tx, "discarded", reason, ticket_id, None)
}

/// Sets aside queued messages older than `before`: news that old would
/// confuse more than help (e.g. when mail is first switched on).
pub fn expire_queued(cx: &Ctx<'_>, before: Timestamp) -> Result<usize> {
    rows::set_aside(cx.tx, "expired", "queued too long ago to be worth sending", None, Some(before))
}
