//! A requester's own tickets on the portal: the list, the public timeline
//! (never an internal note, an escalation reason or a hand-back note), a
//! reply, "this is solved", and the rating link from the resolution mail.
//! Another requester's ticket reads exactly like a missing one (None).

use super::portal::{sign, verify};
use super::portal_auth::Requester;
use super::{rating, tickets, Ctx, Desk};
use crate::domain::TicketId;
use crate::domain::{EventKind, Status, Ticket, Timestamp};
use crate::store::{events, portal as rows, reports, tickets as ticket_rows};
use crate::{Error, Result};

/// One line of a ticket in "My requests".
#[derive(Debug, Clone, PartialEq)]
pub struct MyTicket {
    pub id: TicketId,
    pub subject: String,
    pub status: String,
    pub updated_at: Timestamp,
}

/// Who wrote a public event, as the requester sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Author {
    Requester,
    Support,
}

/// A public timeline entry.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicEvent {
    pub at: Timestamp,
    pub author: Author,
    /// What happened, in words ("Reply", "Status: resolved", ...).
    pub what: String,
    pub text: Option<String>,
}

/// A requester's view of their ticket.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicTicket {
    pub id: TicketId,
    pub subject: String,
    pub body: String,
    pub status: Status,
    pub created_at: Timestamp,
    pub events: Vec<PublicEvent>,
    /// The score they gave, if rated.
    pub score: Option<i64>,
    /// Files they may see (never internal ones): (n, name, size).
    pub attachments: Vec<(usize, String, i64)>,
}

/// The ticket, when it is this requester's; None otherwise (missing or not
/// theirs read alike).
fn own_ticket(conn: &rusqlite::Connection, who: &Requester, id: TicketId) -> Result<Option<Ticket>> {
    Ok(ticket_rows::find(conn, id)?.filter(|t| t.requester.eq_ignore_ascii_case(&who.email)))
}

/// The events a requester may see, in words. A whitelist: a kind added
/// later stays hidden until someone decides it is public.
fn public_events(all: Vec<crate::domain::Event>) -> Vec<PublicEvent> {
    all.into_iter()
        .filter(|e| !e.internal)
        .filter_map(|e| {
            let author = if e.tech.is_some() { Author::Support } else { Author::Requester };
            let (what, text) = match e.kind {
                EventKind::Created => ("Request logged".to_string(), None),
                EventKind::Reply => ("Reply".to_string(), e.body.clone()),
                EventKind::StatusChanged => {
                    (format!("Status: {}", e.new_value.as_deref().unwrap_or("")), None)
                }
                EventKind::ArticleLinked => ("Article".to_string(), e.body.clone()),
                EventKind::Rated => {
                    (format!("Rated {} out of 5", e.new_value.as_deref().unwrap_or("")), e.body.clone())
                }
                _ => return None,
            };
            let author = if matches!(e.kind, EventKind::StatusChanged | EventKind::Created) {
                Author::Support
            } else {
                author
            };
            Some(PublicEvent { at: e.at, author, what, text })
        })
        .collect()
}

/// A reply written by the requester: a public event with no technician
/// (as a mailed reply is recorded), which reopens a resolved or pending
/// ticket.
fn requester_reply(cx: &mut Ctx<'_>, mut t: Ticket, who: &Requester, text: &str) -> Result<()> {
    events::append(
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
            new_value: Some(&who.email),
        },
    )?;
    if matches!(t.status, Status::Resolved | Status::Pending) {
        tickets::set_status(cx, &mut t, Status::Open)?;
    }
    tickets::save(cx, &t)?;
    Ok(())
}

/// The message a rating link signs: the ticket and its requester.
fn rating_message(ticket_id: TicketId, email: &str) -> String {
    format!("rate:{ticket_id}:{}", email.to_lowercase())
}

/// The token of a ticket's rating link: `ID.SIGNATURE`.
pub fn rating_token(secret: &str, ticket_id: TicketId, email: &str) -> String {
    format!("{ticket_id}.{}", sign(secret, &rating_message(ticket_id, email)))
}

/// The ticket a rating token is for, when its signature holds.
fn rated_ticket(conn: &rusqlite::Connection, secret: &str, token: &str) -> Result<Option<Ticket>> {
    let Some((id, sig)) = token.split_once('.') else {
        return Ok(None);
    };
    let Ok(id) = id.parse::<i64>().map(TicketId) else {
        return Ok(None);
    };
    let Some(t) = ticket_rows::find(conn, id)? else {
        return Ok(None);
    };
    Ok(verify(secret, &rating_message(id, &t.requester), sig).then_some(t))
}

/// What a rating page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct RatingTarget {
    pub ticket_id: TicketId,
    pub subject: String,
    pub status: Status,
    pub score: Option<i64>,
}

impl Desk {
    /// "My requests": the requester's own tickets, newest first.
    pub fn portal_my_tickets(&self, who: &Requester) -> Result<Vec<MyTicket>> {
        self.read(|conn, _| {
            Ok(rows::requester_tickets(conn, &who.email)?
                .into_iter()
                .map(|(id, subject, status, updated_at)| MyTicket { id, subject, status, updated_at })
                .collect())
        })
    }

    /// One of the requester's tickets with its public timeline.
    pub fn portal_ticket(&self, who: &Requester, id: TicketId) -> Result<Option<PublicTicket>> {
        self.read(|conn, _| {
            let Some(t) = own_ticket(conn, who, id)? else {
                return Ok(None);
            };
            let score = reports::satisfaction(conn, id)?.and_then(|(s, _)| s);
            Ok(Some(PublicTicket {
                id: t.id,
                subject: t.subject,
                body: t.body,
                status: t.status,
                created_at: t.created_at,
                events: public_events(events::for_ticket(conn, id)?),
                score,
                attachments: crate::service::attachments::public_list(conn, id)?
                    .into_iter()
                    .map(|a| (a.n, a.name, a.size))
                    .collect(),
            }))
        })
    }

    /// One of the requester's own non-internal attachments: (name, type,
    /// bytes); None when the ticket is not theirs or the file is not theirs to see.
    pub fn portal_attachment(
        &self,
        who: &Requester,
        id: TicketId,
        n: usize,
    ) -> Result<Option<(String, String, Vec<u8>)>> {
        self.read(|conn, _| {
            if own_ticket(conn, who, id)?.is_none() {
                return Ok(None);
            }
            Ok(crate::service::attachments::public_content(conn, id, n)?
                .map(|(a, data)| (a.name, a.content_type, data)))
        })
    }

    /// A reply from the requester; false when the ticket is not theirs.
    pub fn portal_reply(&mut self, who: &Requester, id: TicketId, text: &str) -> Result<bool> {
        let text = tickets::text("reply", text)?;
        self.write(|cx| {
            let Some(t) = own_ticket(cx.tx, who, id)? else {
                return Ok(false);
            };
            if t.status == Status::Closed {
                return Err(Error::invalid(format!(
                    "request #{id} is closed: start a new request and mention #{id}"
                )));
            }
            requester_reply(cx, t, who, &text)?;
            Ok(true)
        })
    }

    /// "This is solved": the requester resolves their own ticket; false
    /// when it is not theirs.
    pub fn portal_solved(&mut self, who: &Requester, id: TicketId) -> Result<bool> {
        self.write(|cx| {
            let Some(mut t) = own_ticket(cx.tx, who, id)? else {
                return Ok(false);
            };
            if !t.status.is_active() {
                return Err(Error::invalid(format!("request #{id} is already {}", t.status)));
            }
            let note = "Marked as solved by the requester.";
            requester_reply(cx, t.clone(), who, note)?;
            t = ticket_rows::get(cx.tx, id)?;
            tickets::set_status(cx, &mut t, Status::Resolved)?;
            tickets::save(cx, &t)?;
            Ok(true)
        })
    }

    /// The ticket a rating link is for; None when the link is not genuine.
    pub fn portal_rating_target(&self, secret: &str, token: &str) -> Result<Option<RatingTarget>> {
        self.read(|conn, _| {
            let Some(t) = rated_ticket(conn, secret, token)? else {
                return Ok(None);
            };
            let score = reports::satisfaction(conn, t.id)?.and_then(|(s, _)| s);
            Ok(Some(RatingTarget { ticket_id: t.id, subject: t.subject, status: t.status, score }))
        })
    }

    /// Records a rating through the rating operation (so it reaches the
    /// weekly report). None when the link is not genuine.
    pub fn portal_rate(
        &mut self,
        secret: &str,
        token: &str,
        score: i64,
        comment: Option<&str>,
    ) -> Result<Option<rating::Rating>> {
        let secret = secret.to_string();
        self.write(|cx| match rated_ticket(cx.tx, &secret, token)? {
            Some(t) => rating::rate(cx, t.id, score, comment).map(Some),
            None => Ok(None),
        })
    }
}
