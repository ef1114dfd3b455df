//! The router's overlays other than the text boxes: questions, jump by
//! number, the help box, a preview, and the pickers (assign, canned,
//! files). Each gets the keys while it is open.

use super::{App, Overlay};
use crate::domain::TicketId;
use crate::tui::action::{Action, Effect, TicketOp};
use crate::tui::confirm::{Confirm, OnYes};
use crate::tui::prompt::Picker;
use crate::tui::screen::edit_line;

impl App {
    /// Asks `question` over whatever is open now.
    pub(crate) fn ask(&mut self, question: String, on_yes: OnYes) {
        let under = std::mem::replace(&mut self.overlay, Overlay::None);
        self.overlay = Overlay::Confirm(Box::new(Confirm { question, on_yes, under: Box::new(under) }));
    }

    pub(super) fn update_confirm(&mut self, action: Action) -> Vec<Effect> {
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
                        self.drafts.remove(&crate::tui::drafts::FORM_KEY);
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

    pub(super) fn update_jump(&mut self, action: Action) -> Vec<Effect> {
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
                    Some(id) => return self.jump_or_ask_time(id),
                    None => self.error("type a ticket number, e.g. #300"),
                }
            }
            _ => {}
        }
        Vec::new()
    }

    pub(super) fn update_files(&mut self, action: Action) -> Vec<Effect> {
        let Overlay::Files(picker, id) = &mut self.overlay else { return Vec::new() };
        match action {
            Action::Back => self.overlay = Overlay::None,
            Action::Submit => {
                if let Some(n) = picker.current().and_then(|i| i.key.parse().ok()) {
                    return vec![Effect::OpenAttachment(*id, n)];
                }
            }
            other => {
                steer(picker, &other);
            }
        }
        Vec::new()
    }

    pub(super) fn update_preview(&mut self, action: Action) -> Vec<Effect> {
        let page = crate::tui::screen::page_cells(self.size);
        let Overlay::Preview { scroll, .. } = &mut self.overlay else { return Vec::new() };
        match action {
            Action::Back => self.overlay = Overlay::None,
            Action::Up => *scroll = scroll.saturating_sub(1),
            Action::Down => *scroll = scroll.saturating_add(1),
            Action::PageUp => *scroll = scroll.saturating_sub(page),
            Action::PageDown => *scroll = scroll.saturating_add(page),
            Action::Scroll(n) => *scroll = scroll.saturating_add_signed(n),
            _ => {}
        }
        Vec::new()
    }

    /// The help box: scrolls, Esc closes it.
    pub(super) fn update_help(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Up => self.help_scroll = self.help_scroll.saturating_sub(1),
            Action::Down => self.help_scroll = self.help_scroll.saturating_add(1),
            Action::Scroll(n) => self.help_scroll = self.help_scroll.saturating_add_signed(n).min(200),
            Action::PageUp => self.help_scroll = self.help_scroll.saturating_sub(10),
            Action::PageDown => self.help_scroll = self.help_scroll.saturating_add(10),
            Action::Back => self.overlay = Overlay::None,
            _ => {}
        }
        Vec::new()
    }

    pub(super) fn update_picker(&mut self, action: Action) -> Vec<Effect> {
        if matches!(self.overlay, Overlay::Files(..)) {
            return self.update_files(action);
        }
        if let Overlay::Canned(c) = &mut self.overlay {
            return match action {
                Action::Back => {
                    self.overlay = Overlay::None;
                    Vec::new()
                }
                Action::Submit => self.pick_canned(false),
                Action::SubmitResolve => self.pick_canned(true),
                other if steer(&mut c.picker, &other) => c.preview_effect(),
                _ => Vec::new(),
            };
        }
        let Overlay::Assign(picker, id, version) = &mut self.overlay else { return Vec::new() };
        match action {
            Action::Back => self.overlay = Overlay::None,
            Action::Submit => {
                if let Some(item) = picker.current() {
                    return vec![Effect::Ticket {
                        id: *id,
                        version: *version,
                        op: TicketOp::Assign(item.key.clone()),
                    }];
                }
            }
            other => {
                steer(picker, &other);
            }
        }
        Vec::new()
    }
}

/// Up and Down move a picker's highlight and typing narrows it; whether
/// the action was one of those.
fn steer(picker: &mut Picker, action: &Action) -> bool {
    match action {
        Action::Up => picker.move_by(-1),
        Action::Down => picker.move_by(1),
        Action::Input(key) if edit_line(&mut picker.filter, *key) => picker.refilter(),
        _ => return false,
    }
    true
}
