//! What can be drawn over a screen (the router keeps one at a time; a
//! question keeps what it covers, see `confirm`).

use super::canned::CannedPicker;
use super::prompt::{Picker, Prompt};
use crate::domain::{TicketId, Version};

/// What is drawn over the screen.
pub enum Overlay {
    None,
    Help,
    Prompt(Box<Prompt>),
    /// Assign the ticket (id, version) to the picked technician.
    Assign(Picker, TicketId, Version),
    /// Send a canned solution on the ticket.
    Canned(Box<CannedPicker>),
    /// The ticket's (id) attachments; Enter opens one.
    Files(Picker, TicketId),
    /// A yes/no question (take someone else's ticket, close, discard ...).
    Confirm(Box<super::confirm::Confirm>),
    /// Typing a ticket number to jump to.
    Jump(String),
    /// The command palette (`:`).
    Palette(Box<super::palette::Palette>),
    /// A suggested answer in full, as (title, text) and how far scrolled.
    Preview {
        title: String,
        text: String,
        scroll: u16,
    },
    /// Time spent on the ticket (resolving it, or leaving it after a while).
    Time(Box<super::timeask::TimeAsk>),
}
