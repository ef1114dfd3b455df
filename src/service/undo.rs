//! Undo for the console's one-key actions (close, take; publish is in
//! `kb`): each is a real reverse operation with its own timeline event and
//! audit row, refused unless the ticket is exactly as the action left it
//! (the version the action returned, and the action by this technician).

use super::tickets::{load_for_change, save};
use super::{Ctx, Desk};
use crate::domain::{Event, EventKind, Status, Ticket};
use crate::domain::{TicketId, Version};
use crate::store::{directory as dir, events};
use crate::{Error, Result};

/// The note on the reverse event, so the timeline says what happened.
const UNDO: &str = "undo";

fn last_of(evs: &[Event], kind: EventKind) -> Option<&Event> {
    evs.iter().rev().find(|e| e.kind == kind)
}

fn refuse(id: TicketId, what: &str, why: &str) -> Error {
    Error::invalid(format!("cannot undo the {what} of #{id}: {why}"))
}

/// Reopens a ticket this technician just closed, to the status it had.
pub fn undo_close(cx: &mut Ctx<'_>, id: TicketId, expected: Version) -> Result<Ticket> {
    let mut t = load_for_change(cx, id, Some(expected))?;
    if t.status != Status::Closed {
        return Err(refuse(id, "close", &format!("it is {}", t.status)));
    }
    let evs = events::for_ticket(cx.tx, id)?;
    let closed = last_of(&evs, EventKind::StatusChanged)
        .filter(|e| e.new_value.as_deref() == Some("closed") && e.tech.as_deref() == Some(&cx.me.login))
        .ok_or_else(|| refuse(id, "close", "it was not closed by you"))?;
    let before: Status = closed.old_value.as_deref().unwrap_or("open").parse()?;
    match before {
        Status::Resolved => t.closed_at = None,
        Status::Closed => return Err(refuse(id, "close", "it was already closed")),
        active => {
            // The clocks stopped at the close start again where they were.
            super::sla::on_status_change(cx, &mut t, Status::Closed, Status::Open)?;
            t.resolved_at = None;
            t.closed_at = None;
            t.pending_since = (active == Status::Pending).then_some(cx.now);
        }
    }
    t.status = before;
    cx.event_change(id, EventKind::StatusChanged, false, Some(UNDO), Some("closed"), Some(before.as_str()))?;
    cx.audit("undo", "ticket", &id.to_string(), Some("close"))?;
    save(cx, &t)
}

/// Gives back a ticket this technician just took: to whoever held it
/// before (or nobody), and back to new if taking it opened it.
pub fn undo_take(cx: &mut Ctx<'_>, id: TicketId, expected: Version) -> Result<Ticket> {
    let mut t = load_for_change(cx, id, Some(expected))?;
    if t.assignee_id != Some(cx.me.id) {
        return Err(refuse(id, "take", "it is not yours"));
    }
    let evs = events::for_ticket(cx.tx, id)?;
    let me = cx.me.login.clone();
    let pos = evs
        .iter()
        .rposition(|e| e.kind == EventKind::Assigned)
        .filter(|&i| evs[i].tech.as_deref() == Some(&me) && evs[i].new_value.as_deref() == Some(&me))
        .ok_or_else(|| refuse(id, "take", "you did not take it"))?;
    let before = match evs[pos].old_value.as_deref() {
        Some(login) => Some(dir::find_tech(cx.tx, login)?.ok_or_else(|| {
            refuse(id, "take", &format!("{login}, who had it, is no longer a technician here"))
        })?),
        None => None,
    };
    // Taking a new ticket opened it (the status event right after).
    let opened = evs.get(pos + 1).is_some_and(|e| {
        e.kind == EventKind::StatusChanged
            && e.old_value.as_deref() == Some("new")
            && e.new_value.as_deref() == Some("open")
    });
    t.assignee_id = before.as_ref().map(|b| b.id);
    t.assignee = before.as_ref().map(|b| b.login.clone());
    let to = before.as_ref().map_or("nobody", |b| b.login.as_str());
    cx.event_change(id, EventKind::Assigned, false, Some(UNDO), Some(&me), Some(to))?;
    if opened && t.status == Status::Open {
        t.status = Status::New;
        cx.event_change(id, EventKind::StatusChanged, false, Some(UNDO), Some("open"), Some("new"))?;
    }
    cx.audit("undo", "ticket", &id.to_string(), Some("take"))?;
    save(cx, &t)
}

impl Desk {
    /// Undoes this technician's close of ticket `id`, which must still be
    /// at `expected` (the version the close returned).
    pub fn undo_close(&mut self, id: TicketId, expected: Version) -> Result<Ticket> {
        self.write(|cx| undo_close(cx, id, expected))
    }

    /// Undoes this technician's take of ticket `id` (see `undo_close`).
    pub fn undo_take(&mut self, id: TicketId, expected: Version) -> Result<Ticket> {
        self.write(|cx| undo_take(cx, id, expected))
    }
}
