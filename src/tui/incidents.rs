//! The console's queue and incidents: an incident shows once with its
//! callers' count (their own tickets fold under it), a burst of similar new
//! tickets from one school is flagged, and I gathers the selected ticket's
//! burst under an incident.

use super::action::Action;
use crate::domain::QueueItem;
use crate::domain::TicketId;
use crate::service::Desk;

/// The queue as the console shows it.
pub fn fold(desk: &Desk, items: Vec<QueueItem>) -> crate::Result<Vec<QueueItem>> {
    let view = desk.incident_view()?;
    let bursts = desk.bursts()?;
    Ok(items
        .into_iter()
        .filter(|i| !view.children.contains(&i.ticket.id))
        .map(|mut i| {
            if let Some(n) = view.callers.get(&i.ticket.id) {
                i.ticket.subject = format!("[INCIDENT, {n} caller(s)] {}", i.ticket.subject);
            } else if bursts.iter().any(|b| b.tickets.contains(&i.ticket.id)) {
                i.ticket.subject = format!("[OUTAGE? I gathers] {}", i.ticket.subject);
            }
            i
        })
        .collect())
}

/// Gathers the burst that ticket `id` belongs to under one incident.
pub fn gather(desk: &mut Desk, id: TicketId) -> crate::Result<Action> {
    let burst = desk.bursts()?.into_iter().find(|b| b.tickets.contains(&id)).ok_or_else(|| {
        crate::Error::invalid(format!("#{id} is not part of a burst of similar new tickets"))
    })?;
    let parent = desk.gather(&burst.tickets)?;
    let t = desk.ticket(parent)?.ticket;
    let msg = format!("#{parent} is now an incident with {} caller(s)", burst.tickets.len() - 1);
    Ok(Action::TicketChanged(Box::new(t), msg))
}
