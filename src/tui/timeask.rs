//! Asking for time spent (issue 21): a small box when a ticket is resolved,
//! and when a ticket that was open on screen for a while is left. It
//! suggests the time the ticket was open; Enter accepts, typing a number
//! (`25`, `1h10`, `1:10`) changes it, Tab toggles billable, Esc or 0 skips.
//! With the desk setting `time.required` there is no skip: Esc goes back
//! (to the resolve box, or to the ticket) instead.

use super::action::{Action, Effect, TicketOp};
use super::app::{App, Overlay, Screen};
use super::prompt::{Prompt, PromptKind};
use crate::domain::worktime::{format_minutes, parse_minutes};
use crate::domain::{CannedId, TicketId, Version};
use crate::domain::{Tier, Timestamp};
use crate::service::settings::TimeRules;
use crate::service::time::TimeSpent;

/// The longest suggestion: a ticket left open over lunch or overnight is
/// not a day's work.
pub const MAX_SUGGESTED_MINUTES: i64 = 8 * 60;

/// The console's time rules and the ticket's time on screen.
#[derive(Debug, Clone, Default)]
pub struct TimeState {
    pub rules: TimeRules,
    /// When the open ticket was opened on screen (or last had time logged).
    pub opened_at: Option<Timestamp>,
    /// A resolve with time sent for this ticket: its draft goes once it succeeds.
    pub resolving: Option<TicketId>,
}

/// What happens once the time is given (or skipped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum After {
    /// Resolve with this message.
    Resolve { message: String, version: Version, tier: Tier },
    /// Send this canned solution, as edited, and resolve (Ctrl-R in the
    /// canned picker, then Ctrl-S in its edit box).
    Canned { canned_id: CannedId, text: String, version: Version, tier: Tier },
    /// Leave the ticket for the queue.
    Leave,
}

/// The box on screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeAsk {
    pub ticket_id: TicketId,
    /// Minutes the ticket was open on screen.
    pub suggested: i64,
    /// What was typed (empty: the suggestion).
    pub typed: String,
    pub billable: bool,
    pub required: bool,
    pub after: After,
}

impl TimeAsk {
    pub fn title(&self) -> String {
        match self.after {
            After::Resolve { .. } | After::Canned { .. } => {
                format!("Time spent on #{} (resolving)", self.ticket_id)
            }
            After::Leave => format!("Time spent on #{} (leaving it)", self.ticket_id),
        }
    }

    /// The hint under the box: what each key does here.
    pub fn hint(&self) -> &'static str {
        match (self.required, &self.after) {
            (false, _) => " Enter log · Tab billable · Esc/0 skip ",
            (true, After::Resolve { .. } | After::Canned { .. }) => {
                " Enter log · Tab billable · Esc back (time required) "
            }
            (true, After::Leave) => " Enter log · Tab billable · Esc stay (time required) ",
        }
    }
}

/// Whole minutes from `from` to `to`, rounded up, at least 1, at most
/// `MAX_SUGGESTED_MINUTES`.
pub fn minutes_on_screen(from: Timestamp, to: Timestamp) -> i64 {
    let secs = (to - from).num_seconds().max(0);
    ((secs + 59) / 60).clamp(1, MAX_SUGGESTED_MINUTES)
}

impl App {
    fn time_ask(&self, ticket_id: TicketId, after: After) -> Overlay {
        let suggested = self.time.opened_at.map_or(1, |t| minutes_on_screen(t, self.now));
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

    /// Leaving the ticket screen: asks for time when the ticket was open at
    /// least `time.ask_after` minutes; otherwise leaves.
    pub(crate) fn leave_or_ask_time(&mut self) -> Vec<Effect> {
        let after = self.time.rules.ask_after_minutes;
        let long_enough = self.time.opened_at.is_some_and(|t| (self.now - t).num_seconds() >= after * 60);
        if after > 0 && long_enough && self.ticket.id > TicketId(0) {
            self.overlay = self.time_ask(self.ticket.id, After::Leave);
            return Vec::new();
        }
        self.leave_ticket()
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
                    After::Leave => {
                        self.time.opened_at = None;
                        let mut fx =
                            vec![Effect::Ticket { id, version: Version(0), op: TicketOp::LogTime(spent) }];
                        fx.extend(self.leave_ticket());
                        fx
                    }
                }
            }
            _ => Vec::new(),
        }
    }

    /// Esc or 0: on without time, unless time is required.
    fn skip_time(&mut self, ask: TimeAsk) -> Vec<Effect> {
        let id = ask.ticket_id;
        match (ask.required, ask.after) {
            (false, After::Resolve { message, version, .. }) => {
                self.overlay = Overlay::None;
                self.time.resolving = Some(id);
                vec![Effect::Ticket { id, version, op: TicketOp::Resolve(message) }]
            }
            (false, After::Canned { canned_id, text, version, .. }) => {
                self.overlay = Overlay::None;
                self.time.resolving = Some(id);
                let op = TicketOp::SendCanned { canned_id, text, resolve: true, spent: None };
                vec![Effect::Ticket { id, version, op }]
            }
            // Required: back to the canned reply's edit box, as edited.
            (true, After::Canned { canned_id, text, version, tier }) => {
                let mut p = Prompt::new(PromptKind::Canned(canned_id, true), id, version, tier);
                p.editor.insert_str(&text);
                self.overlay = Overlay::Prompt(Box::new(p));
                self.error("Time is required on this desk (setting time.required): not resolved yet");
                Vec::new()
            }
            (false, After::Leave) => {
                self.overlay = Overlay::None;
                self.leave_ticket()
            }
            // Required: back to the resolve box with the message as typed.
            (true, After::Resolve { message, version, tier }) => {
                let mut p = Prompt::new(PromptKind::Resolve, id, version, tier);
                p.editor.insert_str(&message);
                self.overlay = Overlay::Prompt(Box::new(p));
                self.error("Time is required on this desk (setting time.required): not resolved yet");
                Vec::new()
            }
            (true, After::Leave) => {
                self.overlay = Overlay::None;
                if self.screen == Screen::Ticket {
                    self.error(format!(
                        "Time is required on this desk (setting time.required): still on #{id}, q asks again"
                    ));
                }
                Vec::new()
            }
        }
    }
}

/// Shown in the box: the minutes the Enter key would log.
pub fn shown_minutes(ask: &TimeAsk) -> String {
    if ask.typed.is_empty() {
        format!("{} (time on screen)", format_minutes(ask.suggested))
    } else {
        ask.typed.clone()
    }
}
