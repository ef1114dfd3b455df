//! What keeps a technician from losing work or stepping on a colleague's:
//! taking a ticket someone else holds is confirmed, an open box follows the
//! ticket's latest version after a reload, and a ticket taken away from
//! under us says so.

use super::action::{Effect, TicketOp};
use super::confirm::OnYes;
use super::overlay::Overlay;
use super::screen::{Ctx, Nav, Outcome};
use crate::domain::{Technician, Ticket};

/// A technician's name as shown in questions: their first name when
/// known, else their login.
pub fn tech_name(techs: &[Technician], login: &str) -> String {
    techs
        .iter()
        .find(|t| t.login == login)
        .and_then(|t| t.name.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| login.to_string())
}

/// `t`: take the ticket, asking first when someone else holds it.
pub fn take(t: &Ticket, ctx: &Ctx) -> Outcome {
    let fx = vec![Effect::Ticket { id: t.id, version: t.version, op: TicketOp::Take }];
    match t.assignee.as_deref() {
        Some(other) if other != ctx.me.login => {
            let q = format!("#{} is {}'s — take it? y/n", t.id, tech_name(ctx.techs, other));
            Nav::Ask(q, OnYes::Effects(fx)).into()
        }
        _ => fx.into(),
    }
}

/// `x`: close, always confirmed (closing cannot be undone by the
/// requester replying), with a plainer question for a resolved ticket.
pub fn close(t: &Ticket) -> Outcome {
    let q = if t.status.is_active() {
        format!("#{} is {} — close it without resolving it? y/n", t.id, t.status)
    } else {
        format!("Close #{}? y/n", t.id)
    };
    let fx = vec![Effect::Ticket { id: t.id, version: t.version, op: TicketOp::Close }];
    Nav::Ask(q, OnYes::Effects(fx)).into()
}

/// After a reload, boxes open on this ticket write against the version
/// now on screen: a conflict is resolved by reloading, not a trap.
pub fn refresh_versions(o: &mut Overlay, t: &Ticket) {
    match o {
        Overlay::Prompt(p) if p.ticket_id == t.id => p.version = t.version,
        Overlay::Canned(c) if c.ticket_id == t.id => c.version = t.version,
        Overlay::Assign(_, id, version) if *id == t.id => *version = t.version,
        Overlay::Confirm(c) => refresh_versions(&mut c.under, t),
        _ => {}
    }
}

/// The open ticket (`old`, as it was on screen) changed hands elsewhere:
/// the error that replaces a stale "You have #N", if it did.
pub fn taken_away(
    old: Option<&Ticket>,
    new: &Ticket,
    status: Option<&(String, bool)>,
    me: &Technician,
    techs: &[Technician],
) -> Option<String> {
    // "You have #N", or the same with its undo countdown after it.
    let mine = format!("You have #{}", new.id);
    let mine_said = status.is_some_and(|(m, _)| *m == mine || m.starts_with(&format!("{mine} —")));
    let now_other = new.assignee.as_deref().is_some_and(|a| a != me.login);
    let was_mine = old.is_some_and(|t| t.assignee.as_deref() == Some(me.login.as_str()));
    (now_other && (mine_said || was_mine)).then(|| {
        let who = tech_name(techs, new.assignee.as_deref().unwrap_or("someone"));
        format!("#{} is now {who}'s", new.id)
    })
}
