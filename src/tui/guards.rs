//! What keeps a technician from losing work or stepping on a colleague's:
//! taking a ticket someone else holds is confirmed, an open box follows the
//! ticket's latest version after a reload, and a ticket taken away from
//! under us says so.

use super::action::{Effect, TicketOp};
use super::app::{App, Overlay};
use super::confirm::OnYes;
use crate::domain::Ticket;

impl App {
    /// A technician's name as shown in questions: their first name when
    /// known, else their login.
    fn tech_name(&self, login: &str) -> String {
        self.techs
            .iter()
            .find(|t| t.login == login)
            .and_then(|t| t.name.split_whitespace().next().map(str::to_string))
            .unwrap_or_else(|| login.to_string())
    }

    /// `t`: take the ticket, asking first when someone else holds it.
    pub(crate) fn take(&mut self, t: &Ticket) -> Vec<Effect> {
        let fx = vec![Effect::Ticket { id: t.id, version: t.version, op: TicketOp::Take }];
        match t.assignee.as_deref() {
            Some(other) if other != self.me.login => {
                let q = format!("#{} is {}'s — take it? y/n", t.id, self.tech_name(other));
                self.ask(q, OnYes::Effects(fx));
                Vec::new()
            }
            _ => fx,
        }
    }

    /// `x`: close, always confirmed (closing cannot be undone by the
    /// requester replying), with a plainer question for a resolved ticket.
    pub(crate) fn close(&mut self, t: &Ticket) -> Vec<Effect> {
        let q = if t.status.is_active() {
            format!("#{} is {} — close it without resolving it? y/n", t.id, t.status)
        } else {
            format!("Close #{}? y/n", t.id)
        };
        let fx = vec![Effect::Ticket { id: t.id, version: t.version, op: TicketOp::Close }];
        self.ask(q, OnYes::Effects(fx));
        Vec::new()
    }

    /// After a reload, boxes open on this ticket write against the version
    /// now on screen: a conflict is resolved by reloading, not a trap.
    pub(crate) fn refresh_versions(&mut self, t: &Ticket) {
        fn bump(o: &mut Overlay, t: &Ticket) {
            match o {
                Overlay::Prompt(p) if p.ticket_id == t.id => p.version = t.version,
                Overlay::Canned(c) if c.ticket_id == t.id => c.version = t.version,
                Overlay::Assign(_, id, version) if *id == t.id => *version = t.version,
                Overlay::Confirm(c) => bump(&mut c.under, t),
                _ => {}
            }
        }
        bump(&mut self.overlay, t);
    }

    /// The open ticket changed hands elsewhere: say so, replacing a stale
    /// "You have #N".
    pub(crate) fn notice_taken(&mut self, new: &Ticket) {
        let old = self.ticket.detail.as_ref().map(|d| d.ticket.assignee.clone());
        // "You have #N", or the same with its undo countdown after it.
        let mine = format!("You have #{}", new.id);
        let mine_said =
            self.status.as_ref().is_some_and(|(m, _)| *m == mine || m.starts_with(&format!("{mine} —")));
        let now_other = new.assignee.as_deref().is_some_and(|a| a != self.me.login);
        let was_mine = old.as_ref().is_some_and(|a| a.as_deref() == Some(self.me.login.as_str()));
        if now_other && (mine_said || was_mine) {
            let who = self.tech_name(new.assignee.as_deref().unwrap_or("someone"));
            self.error(format!("#{} is now {who}'s", new.id));
        }
    }
}
