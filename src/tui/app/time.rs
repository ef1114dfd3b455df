//! The router's side of the time box (see `tui::timeask`): asked when a
//! ticket is resolved, and when one open for a while is left.

use super::{App, Overlay, Screen};
use crate::domain::worktime::parse_minutes;
use crate::domain::{CannedId, NewTicket, TicketId, Tier, Version};
use crate::service::deflect::FirstContact;
use crate::service::time::TimeSpent;
use crate::tui::action::{Action, Effect, TicketOp};
use crate::tui::prompt::{Prompt, PromptKind};
use crate::tui::timeask::{minutes_on_screen, After, TimeAsk};

impl App {
    fn time_ask(&self, ticket_id: TicketId, after: After) -> Overlay {
        // A call being logged is timed from the form's opening, a ticket
        // from its opening on screen.
        let since = match after {
            After::Call { .. } => self.time.call_started,
            _ => self.time.opened_at,
        };
        let suggested = since.map_or(1, |t| minutes_on_screen(t, self.now));
        Overlay::Time(Box::new(TimeAsk {
            ticket_id,
            suggested,
            typed: String::new(),
            billable: true,
            required: self.time.rules.required,
            after,
        }))
    }

    /// Called when the ticket screen opens a ticket: its clock starts.
    pub(crate) fn time_opened(&mut self) {
        self.time.opened_at = Some(self.now);
    }

    /// Resolving from the resolve box: the message is kept as the box's
    /// draft until the resolve succeeds, and the time is asked first.
    pub(crate) fn ask_time_to_resolve(
        &mut self,
        id: TicketId,
        message: String,
        version: Version,
        tier: Tier,
    ) -> Vec<Effect> {
        self.drafts.insert((id, PromptKind::Resolve.draft_key()), message.clone());
        self.overlay = self.time_ask(id, After::Resolve { message, version, tier });
        Vec::new()
    }

    /// Sending a canned solution that resolves: the time is asked first.
    pub(crate) fn ask_time_to_send_canned(
        &mut self,
        id: TicketId,
        canned_id: CannedId,
        text: String,
        version: Version,
        tier: Tier,
    ) -> Vec<Effect> {
        self.overlay = self.time_ask(id, After::Canned { canned_id, text, version, tier });
        Vec::new()
    }

    /// Logging the call on the form resolved (an article, or a solved
    /// ticket's reply as edited): the time is asked first, and goes in the
    /// same transaction as the new ticket.
    pub(crate) fn ask_time_for_call(&mut self, new: NewTicket, how: FirstContact) -> Vec<Effect> {
        self.overlay = self.time_ask(TicketId(0), After::Call { new: Box::new(new), how });
        Vec::new()
    }

    /// Leaving the ticket screen: asks for time when the ticket was open at
    /// least `time.ask_after` minutes; otherwise leaves.
    pub(crate) fn leave_or_ask_time(&mut self) -> Vec<Effect> {
        if self.asks_on_leaving() {
            self.overlay = self.time_ask(self.ticket.id, After::Leave { then: None });
            return Vec::new();
        }
        self.leave_ticket()
    }

    /// Jumping to ticket `id` (`#`, or a number in the palette): leaving
    /// the ticket on screen for another asks the same way.
    pub(crate) fn jump_or_ask_time(&mut self, id: TicketId) -> Vec<Effect> {
        if self.screen == Screen::Ticket && self.ticket.id != id && self.asks_on_leaving() {
            self.overlay = self.time_ask(self.ticket.id, After::Leave { then: Some(id) });
            return Vec::new();
        }
        self.open_ticket(id)
    }

    /// The ticket on screen has been open at least `time.ask_after` minutes.
    fn asks_on_leaving(&self) -> bool {
        let after = self.time.rules.ask_after_minutes;
        let long_enough = self.time.opened_at.is_some_and(|t| (self.now - t).num_seconds() >= after * 60);
        after > 0 && long_enough && self.ticket.id > TicketId(0)
    }

    /// Past the time box on leaving: to the queue, or to the jump's ticket.
    fn leave_for(&mut self, then: Option<TicketId>) -> Vec<Effect> {
        match then {
            Some(id) => self.open_ticket(id),
            None => self.leave_ticket(),
        }
    }

    /// A change to a ticket succeeded: if it is the resolve sent from the
    /// time box (the ticket is now done; a refused resolve leaves it active
    /// and the message stays a draft), its draft goes and the time on
    /// screen starts again.
    pub(crate) fn time_logged(&mut self, ticket: &crate::domain::Ticket) {
        let id = ticket.id;
        if self.time.resolving == Some(id) && !ticket.status.is_active() {
            self.time.resolving = None;
            self.drafts.remove(&(id, PromptKind::Resolve.draft_key()));
            if self.ticket.id == id {
                self.time.opened_at = Some(self.now);
            }
        }
    }

    pub(crate) fn update_time(&mut self, action: Action) -> Vec<Effect> {
        let Overlay::Time(ask) = &mut self.overlay else { return Vec::new() };
        match action {
            Action::Input(key) => {
                use crossterm::event::KeyCode;
                match key.code {
                    KeyCode::Char(c) if (c.is_ascii_digit() || "hm: ".contains(c)) && ask.typed.len() < 8 => {
                        ask.typed.push(c)
                    }
                    KeyCode::Backspace => {
                        ask.typed.pop();
                    }
                    _ => {}
                }
                Vec::new()
            }
            Action::Cycle => {
                ask.billable = !ask.billable;
                Vec::new()
            }
            Action::Back => {
                let ask = (**ask).clone();
                self.skip_time(ask)
            }
            // Ctrl-C aborts: nothing is resolved, sent or logged.
            Action::Quit => {
                let ask = (**ask).clone();
                self.back_from_time(ask, false)
            }
            Action::Submit => {
                let ask = (**ask).clone();
                let typed = ask.typed.trim();
                let minutes = if typed.is_empty() {
                    ask.suggested
                } else if typed.chars().all(|c| c == '0') {
                    0
                } else {
                    match parse_minutes("minutes", &ask.typed) {
                        Ok(m) if m >= 0 => m,
                        Ok(_) | Err(_) => {
                            self.error(format!(
                                "'{}' is not a time: minutes (25), 1h10 or 1:10",
                                ask.typed.trim()
                            ));
                            return Vec::new();
                        }
                    }
                };
                if minutes == 0 {
                    return self.skip_time(ask);
                }
                let spent = TimeSpent { minutes, billable: Some(ask.billable), ..TimeSpent::default() };
                self.overlay = Overlay::None;
                let id = ask.ticket_id;
                match ask.after {
                    After::Resolve { message, version, .. } => {
                        self.time.resolving = Some(id);
                        vec![Effect::Ticket { id, version, op: TicketOp::ResolveWithTime(message, spent) }]
                    }
                    After::Canned { canned_id, text, version, .. } => {
                        self.time.resolving = Some(id);
                        let op = TicketOp::SendCanned { canned_id, text, resolve: true, spent: Some(spent) };
                        vec![Effect::Ticket { id, version, op }]
                    }
                    After::Call { new, how } => vec![Effect::CreateResolved(*new, how, Some(spent))],
                    After::Leave { then } => {
                        self.time.opened_at = None;
                        let mut fx =
                            vec![Effect::Ticket { id, version: Version(0), op: TicketOp::LogTime(spent) }];
                        fx.extend(self.leave_for(then));
                        fx
                    }
                }
            }
            _ => Vec::new(),
        }
    }

    /// Esc or 0: on without time, unless time is required.
    fn skip_time(&mut self, ask: TimeAsk) -> Vec<Effect> {
        if ask.required {
            return self.back_from_time(ask, true);
        }
        let id = ask.ticket_id;
        self.overlay = Overlay::None;
        match ask.after {
            After::Resolve { message, version, .. } => {
                self.time.resolving = Some(id);
                vec![Effect::Ticket { id, version, op: TicketOp::Resolve(message) }]
            }
            After::Canned { canned_id, text, version, .. } => {
                self.time.resolving = Some(id);
                let op = TicketOp::SendCanned { canned_id, text, resolve: true, spent: None };
                vec![Effect::Ticket { id, version, op }]
            }
            After::Call { new, how } => vec![Effect::CreateResolved(*new, how, None)],
            After::Leave { then } => self.leave_for(then),
        }
    }

    /// Nothing written: back where the box came from, the text as typed (the
    /// resolve or canned box, the call's reply box or form, the ticket).
    /// For required time that was not given, or Ctrl-C (cancel).
    fn back_from_time(&mut self, ask: TimeAsk, required: bool) -> Vec<Effect> {
        let id = ask.ticket_id;
        let why =
            if required { "Time is required on this desk (setting time.required)" } else { "Cancelled" };
        let (prompt, text) = match ask.after {
            After::Resolve { message, version, tier } => {
                (Some(Prompt::new(PromptKind::Resolve, id, version, tier)), message)
            }
            After::Canned { canned_id, text, version, tier } => {
                (Some(Prompt::new(PromptKind::Canned(canned_id, true), id, version, tier)), text)
            }
            After::Call { how: FirstContact::EditedReply { source, message }, .. } => {
                let kind = PromptKind::FirstContact(source);
                (Some(Prompt::new(kind, TicketId(0), Version(0), Tier::One)), message)
            }
            After::Call { .. } => (None, format!("{why}: the call is not logged yet")),
            After::Leave { .. } => (None, format!("{why}: still on #{id}, q asks again")),
        };
        match prompt {
            Some(mut p) => {
                p.editor.insert_str(&text);
                self.overlay = Overlay::Prompt(Box::new(p));
                self.error(format!("{why}: not resolved yet"));
            }
            None => {
                self.overlay = Overlay::None;
                self.error(text);
            }
        }
        Vec::new()
    }
}
