//! Jump to a ticket by number from anywhere: `#300` or `:300`, Enter.

use super::action::{Action, Effect};
use super::app::{App, Overlay};
use crate::domain::TicketId;

impl App {
    pub(crate) fn start_jump(&mut self) -> Vec<Effect> {
        self.overlay = Overlay::Jump(String::new());
        Vec::new()
    }

    pub(crate) fn update_jump(&mut self, action: Action) -> Vec<Effect> {
        let Overlay::Jump(typed) = &mut self.overlay else { return Vec::new() };
        match action {
            Action::Back => self.overlay = Overlay::None,
            Action::Input(key) => {
                if let crossterm::event::KeyCode::Char(c @ '0'..='9') = key.code {
                    if typed.len() < 18 {
                        typed.push(c);
                    }
                } else if key.code == crossterm::event::KeyCode::Backspace {
                    typed.pop();
                }
            }
            Action::Submit => {
                let number = typed.parse::<i64>().ok().filter(|n| *n > 0).map(TicketId);
                self.overlay = Overlay::None;
                match number {
                    Some(id) => return self.open_ticket(id),
                    None => self.error("type a ticket number, e.g. #300"),
                }
            }
            _ => {}
        }
        Vec::new()
    }
}
