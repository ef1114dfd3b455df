//! Ownership that follows the work (issue 19): a hand-back returns the
//! ticket to the technician who escalated it, the technician who resolves a
//! ticket becomes its assignee, and a queue hears what came back to them.
//! These are rules of the desk, not of a face: the CLI and the console get
//! them alike.

use super::{Ctx, Desk};
use crate::domain::TicketId;
use crate::domain::{EventKind, Ticket, Tier};
use crate::store::{directory as dir, ownership as rows};
use crate::Result;
use serde::Serialize;

/// A hand-back to `to`: the ticket goes to whoever escalated it out of that
/// tier (if they are still active and may work it), else it waits
/// unassigned in the tier's queue. Returns their login.
pub(crate) fn return_to_escalator(cx: &Ctx<'_>, t: &mut Ticket, to: Tier) -> Result<Option<String>> {
    let Some(login) = rows::escalated_from_by(cx.tx, t.id, to.number())? else { return Ok(None) };
    let Some(tech) = dir::find_tech(cx.tx, &login)?.filter(|tech| tech.can_work(to)) else {
        return Ok(None);
    };
    t.assignee_id = Some(tech.id);
    t.assignee = Some(tech.login.clone());
    cx.event_change(t.id, EventKind::Assigned, false, Some("handed back"), None, Some(&tech.login))?;
    Ok(Some(tech.login))
}

/// Whoever resolves a ticket owns the result: it is assigned to them (the
/// event follows the resolution on the timeline, so reports still see who
/// held it before).
pub(crate) fn resolver_takes(cx: &Ctx<'_>, t: &mut Ticket) -> Result<()> {
    if t.assignee_id == Some(cx.me.id) {
        return Ok(());
    }
    let old = t.assignee.clone();
    t.assignee_id = Some(cx.me.id);
    t.assignee = Some(cx.me.login.clone());
    cx.event_change(
        t.id,
        EventKind::Assigned,
        false,
        Some("resolved by"),
        old.as_deref(),
        Some(&cx.me.login),
    )?;
    Ok(())
}

/// What a technician's queue announces.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Notices {
    /// Tickets handed back to them that they have not touched since.
    pub handed_back: Vec<TicketId>,
    /// New urgent tickets nobody holds, at or below their tier.
    pub new_urgent: Vec<i64>,
}

impl Notices {
    /// "2 handed back to you · 1 new urgent", or None when there is nothing.
    pub fn line(&self) -> Option<String> {
        let mut parts = Vec::new();
        if !self.handed_back.is_empty() {
            parts.push(format!("{} handed back to you", self.handed_back.len()));
        }
        if !self.new_urgent.is_empty() {
            parts.push(format!("{} new urgent", self.new_urgent.len()));
        }
        (!parts.is_empty()).then(|| parts.join(" · "))
    }
}

impl Desk {
    /// The acting technician's queue notices.
    pub fn queue_notices(&self) -> Result<Notices> {
        self.read(|conn, me| {
            Ok(Notices {
                handed_back: rows::handed_back_to(conn, me.id)?,
                new_urgent: rows::new_urgent(conn, me.tier.number())?,
            })
        })
    }
}
