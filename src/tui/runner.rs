//! Carries out an `Effect` through the service and reports the outcome as
//! an `Action` for `App::update`.

use super::action::{Action, Effect, TicketOp};
use crate::service::tickets::{Resolution, Visibility};
use crate::service::Desk;

pub fn run(desk: &mut Desk, effect: Effect) -> Action {
    let result = match effect {
        Effect::LoadQueue(filter) => desk.tickets(&filter).map(Action::QueueLoaded),
        Effect::LoadTicket(id) => desk.ticket(id).map(|d| Action::TicketLoaded(Box::new(d))),
        Effect::LoadTechs => desk.techs().map(Action::TechsLoaded),
        Effect::LoadSchools => {
            desk.schools().map(|s| Action::SchoolsLoaded(s.into_iter().map(|s| s.code).collect()))
        }
        Effect::LoadRequesters => desk
            .requesters(None)
            .map(|r| Action::RequestersLoaded(r.into_iter().map(|r| (r.email, r.name)).collect())),
        Effect::CreateTicket(new) => desk.create_ticket(&new).map(|t| Action::TicketCreated(Box::new(t))),
        Effect::Ticket { id, version, op } => ticket_op(desk, id, version, op),
    };
    result.unwrap_or_else(|e| Action::Failed(e.to_string()))
}

fn ticket_op(desk: &mut Desk, id: i64, version: i64, op: TicketOp) -> crate::Result<Action> {
    let v = Some(version);
    let (ticket, msg) = match op {
        TicketOp::Take => (desk.take(id, v)?, format!("You have #{id}")),
        TicketOp::Assign(login) => {
            let t = desk.assign(id, &login, v)?;
            (t, format!("#{id} assigned to {login}"))
        }
        // Notes append without a version check: appending never conflicts.
        TicketOp::Reply(text) => {
            (desk.add_note(id, &text, Visibility::Public)?, format!("Reply sent on #{id}"))
        }
        TicketOp::Note(text) => {
            (desk.add_note(id, &text, Visibility::Internal)?, format!("Internal note added to #{id}"))
        }
        TicketOp::Escalate(tier, reason) => {
            (desk.escalate(id, tier, &reason, v)?, format!("#{id} escalated to tier {tier}"))
        }
        TicketOp::Handback(tier, note) => {
            (desk.handback(id, tier, &note, v)?, format!("#{id} handed back to tier {tier}"))
        }
        TicketOp::Resolve(message) => {
            (desk.resolve(id, &Resolution::message(message), v)?, format!("#{id} resolved"))
        }
        TicketOp::Reopen => (desk.reopen(id, v)?, format!("#{id} reopened")),
        TicketOp::Close => (desk.close(id, v)?, format!("#{id} closed")),
    };
    Ok(Action::TicketChanged(Box::new(ticket), msg))
}
