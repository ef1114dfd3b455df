//! Waiting on the requester: `pending` stops the SLA clocks, `open` (the
//! requester answered) restarts them with the due times moved on by the
//! working time that passed meanwhile.

use super::tickets::{load_for_change, require_can_work, save, set_status, text};
use super::{Ctx, Desk};
use crate::domain::{EventKind, Status, Ticket};
use crate::domain::{TicketId, Version};
use crate::{Error, Result};

/// Puts a ticket on hold for the requester, optionally asking them a
/// question (a public reply, which counts as the first response).
pub fn set_pending(
    cx: &mut Ctx<'_>,
    id: TicketId,
    question: Option<&str>,
    expected: Option<Version>,
) -> Result<Ticket> {
    let question = question.map(|q| text("message", q)).transpose()?;
    let mut t = load_for_change(cx, id, expected)?;
    require_can_work(cx, &t, "set pending")?;
    if t.status == Status::Pending {
        return Err(Error::invalid(format!("ticket #{id} is already pending")));
    }
    if !t.status.can_become(Status::Pending) {
        return Err(Error::invalid(format!(
            "ticket #{id} is {} and cannot become pending: reopen it first",
            t.status
        )));
    }
    if let Some(q) = &question {
        // The question goes to the requester like any public reply.
        let event = cx.event(id, EventKind::Reply, false, Some(q))?;
        super::mail::outbox::queue_reply(cx, &t, event)?;
        t.first_response_at.get_or_insert(cx.now);
    }
    set_status(cx, &mut t, Status::Pending)?;
    save(cx, &t)
}

/// Back to work: the requester answered (or a new ticket is picked up).
pub fn open(cx: &mut Ctx<'_>, id: TicketId, expected: Option<Version>) -> Result<Ticket> {
    let mut t = load_for_change(cx, id, expected)?;
    require_can_work(cx, &t, "open")?;
    match t.status {
        Status::New | Status::Pending => {}
        Status::Open => return Err(Error::invalid(format!("ticket #{id} is already open"))),
        done => {
            return Err(Error::invalid(format!(
                "ticket #{id} is {done}: use `deskside ticket reopen {id}` to reopen it"
            )))
        }
    }
    set_status(cx, &mut t, Status::Open)?;
    save(cx, &t)
}

impl Desk {
    pub fn set_pending(
        &mut self,
        id: TicketId,
        question: Option<&str>,
        expected: Option<Version>,
    ) -> Result<Ticket> {
        self.write(|cx| set_pending(cx, id, question, expected))
    }

    pub fn open_ticket(&mut self, id: TicketId, expected: Option<Version>) -> Result<Ticket> {
        self.write(|cx| open(cx, id, expected))
    }
}
