//! A yes/no question over the screen, for the one-key actions that are hard
//! to take back: taking someone else's ticket, closing, discarding typing,
//! sending a reply on a ticket that changed meanwhile.

use super::action::{Action, Effect};
use super::app::{App, Overlay, Screen};
use crate::domain::TicketId;

/// What "yes" does.
pub enum OnYes {
    /// Carry out these effects (the overlay underneath comes back, so a
    /// refused write still has the text that was typed).
    Effects(Vec<Effect>),
    /// Throw the half-typed new ticket away and go back.
    DiscardForm,
    /// Leave the console.
    Quit,
}

pub struct Confirm {
    pub question: String,
    pub on_yes: OnYes,
    /// What was on screen before the question: back on "no".
    pub under: Box<Overlay>,
}

impl App {
    /// Asks `question` over whatever is open now.
    pub(crate) fn ask(&mut self, question: String, on_yes: OnYes) {
        let under = std::mem::replace(&mut self.overlay, Overlay::None);
        self.overlay = Overlay::Confirm(Box::new(Confirm { question, on_yes, under: Box::new(under) }));
    }

    pub(crate) fn update_confirm(&mut self, action: Action) -> Vec<Effect> {
        let Overlay::Confirm(c) = std::mem::replace(&mut self.overlay, Overlay::None) else {
            return Vec::new();
        };
        let Confirm { question, on_yes, under } = *c;
        match action {
            Action::Yes => {
                self.overlay = *under;
                match on_yes {
                    OnYes::Effects(fx) => fx,
                    OnYes::DiscardForm => {
                        self.overlay = Overlay::None;
                        self.form = None;
                        self.drafts.remove(&super::drafts::FORM_KEY);
                        self.drafts.remove(&(TicketId(0), "first-contact"));
                        self.screen = self.form_return;
                        self.info("New ticket discarded");
                        self.sync_drafts()
                    }
                    OnYes::Quit => {
                        self.quit = true;
                        self.sync_drafts()
                    }
                }
            }
            Action::Back => {
                self.overlay = *under;
                Vec::new()
            }
            _ => {
                self.overlay = Overlay::Confirm(Box::new(Confirm { question, on_yes, under }));
                Vec::new()
            }
        }
    }
}

/// The screen the new-ticket form goes back to: where `n` was pressed.
pub(crate) fn return_screen(from: Screen) -> Screen {
    match from {
        Screen::NewTicket => Screen::Queue,
        other => other,
    }
}
