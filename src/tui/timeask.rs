//! Asking for time spent (issue 21): a small box when a ticket is resolved,
//! and when a ticket that was open on screen for a while is left. It
//! suggests the time the ticket was open; Enter accepts, typing a number
//! (`25`, `1h10`, `1:10`) changes it, Tab toggles billable, Esc or 0 skips.
//! With the desk setting `time.required` there is no skip: Esc goes back
//! (to the resolve box, or to the ticket) instead.

use crate::domain::worktime::format_minutes;
use crate::domain::{CannedId, NewTicket, TicketId, Version};
use crate::domain::{Tier, Timestamp};
use crate::service::deflect::FirstContact;
use crate::service::settings::TimeRules;

/// The longest suggestion: a ticket left open over lunch or overnight is
/// not a day's work.
pub const MAX_SUGGESTED_MINUTES: i64 = 8 * 60;

/// The console's time rules and the ticket's time on screen.
#[derive(Debug, Clone, Default)]
pub struct TimeState {
    pub rules: TimeRules,
    /// When the open ticket was opened on screen (or last had time logged).
    pub opened_at: Option<Timestamp>,
    /// When the new-ticket form was opened: the call's time so far.
    pub call_started: Option<Timestamp>,
    /// A resolve with time sent for this ticket: its draft goes once it succeeds.
    pub resolving: Option<TicketId>,
}

/// What happens once the time is given (or skipped).
#[derive(Debug, Clone, PartialEq)]
pub enum After {
    /// Resolve with this message.
    Resolve { message: String, version: Version, tier: Tier },
    /// Send this canned solution, as edited, and resolve (Ctrl-R in the
    /// canned picker, then Ctrl-S in its edit box).
    Canned { canned_id: CannedId, text: String, version: Version, tier: Tier },
    /// Log the call on the form resolved with this answer (Ctrl-R there).
    Call { new: Box<NewTicket>, how: FirstContact },
    /// Leave the ticket: for the queue, or (`#`/`:` jump) for another ticket.
    Leave { then: Option<TicketId> },
}

/// The box on screen.
#[derive(Debug, Clone, PartialEq)]
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
            After::Call { .. } => "Time spent on this call (resolving)".into(),
            After::Leave { .. } => format!("Time spent on #{} (leaving it)", self.ticket_id),
        }
    }

    /// The hint under the box: what each key does here.
    pub fn hint(&self) -> &'static str {
        match (self.required, &self.after) {
            (false, _) => " Enter log · Tab billable · Esc/0 skip ",
            (true, After::Resolve { .. } | After::Canned { .. } | After::Call { .. }) => {
                " Enter log · Tab billable · Esc back (time required) "
            }
            (true, After::Leave { .. }) => " Enter log · Tab billable · Esc stay (time required) ",
        }
    }
}

/// Whole minutes from `from` to `to`, rounded up, at least 1, at most
/// `MAX_SUGGESTED_MINUTES`.
pub fn minutes_on_screen(from: Timestamp, to: Timestamp) -> i64 {
    let secs = (to - from).num_seconds().max(0);
    ((secs + 59) / 60).clamp(1, MAX_SUGGESTED_MINUTES)
}

/// Shown in the box: the minutes the Enter key would log.
pub fn shown_minutes(ask: &TimeAsk) -> String {
    if ask.typed.is_empty() {
        let since =
            if matches!(ask.after, After::Call { .. }) { "the call so far" } else { "time on screen" };
        format!("{} ({since})", format_minutes(ask.suggested))
    } else {
        ask.typed.clone()
    }
}
