//! The command palette over any screen, and what is greyed out there
//! (see `tui::palette` for the list itself).

use super::{App, Overlay, Screen};
use crate::domain::Status;
use crate::tui::action::{Action, Effect};
use crate::tui::cursor::ListCursor;
use crate::tui::keymap::{self, Binding};
use crate::tui::palette::{is_movement, Palette, PaletteEntry};
use crate::tui::screen::edit_line;

impl App {
    /// Why the binding's action cannot be done here and now (tier rules,
    /// the ticket's status), or None when it can. The footer greys these
    /// out and the palette says why instead of running them.
    pub fn greyed(&self, b: &Binding) -> Option<String> {
        let me = &self.me;
        if matches!(b.action, Action::Publish | Action::ForcePublish) && !me.can_publish() {
            return Some(format!("tier {} cannot publish: tier 2/3 and leads publish", me.tier));
        }
        if self.screen != Screen::Ticket {
            return None;
        }
        let t = &self.ticket.detail.as_ref()?.ticket;
        let working = matches!(
            b.action,
            Action::Reply
                | Action::Resolve
                | Action::Pending
                | Action::Take
                | Action::Canned
                | Action::Escalate
                | Action::Handback
        );
        if working && !me.can_work(t.tier) {
            return Some(format!("#{} is at tier {}: beyond tier {}", t.id, t.tier, me.tier));
        }
        let done = !t.status.is_active();
        match b.action {
            Action::Resolve | Action::Pending | Action::Canned | Action::Escalate | Action::Handback
                if done =>
            {
                Some(format!("#{} is {}", t.id, t.status))
            }
            Action::Escalate if t.tier == crate::domain::Tier::Three => {
                Some(format!("#{} is already at tier 3", t.id))
            }
            Action::Handback if t.tier == crate::domain::Tier::One => {
                Some(format!("#{} is already at tier 1", t.id))
            }
            Action::Take if t.assignee.as_deref() == Some(me.login.as_str()) => {
                Some(format!("#{} is already yours", t.id))
            }
            Action::Reopen if t.status.is_active() && t.status != Status::Pending => {
                Some(format!("#{} is {}: nothing to reopen", t.id, t.status))
            }
            Action::Close if t.status == Status::Closed => Some(format!("#{} is closed", t.id)),
            Action::ToArticle if !done => Some(format!("#{} is {}: resolve it first", t.id, t.status)),
            _ => None,
        }
    }

    /// `:` — the actions of the screen under the palette.
    pub(crate) fn start_palette(&mut self) -> Vec<Effect> {
        let entries = keymap::bindings(self.screen_mode())
            .into_iter()
            .filter(|b| self.applies(b) && !is_movement(&b.action) && !matches!(b.action, Action::Palette))
            .map(|b| PaletteEntry {
                key: b.shown,
                help: b.help,
                action: b.action.clone(),
                greyed: self.greyed(b),
            })
            .collect();
        let mut p =
            Palette { entries, filter: String::new(), visible: Vec::new(), cursor: ListCursor::new() };
        p.refilter();
        self.overlay = Overlay::Palette(Box::new(p));
        Vec::new()
    }

    pub(crate) fn update_palette(&mut self, action: Action) -> Vec<Effect> {
        let Overlay::Palette(p) = &mut self.overlay else { return Vec::new() };
        match action {
            Action::Back => self.overlay = Overlay::None,
            Action::Up => p.cursor.move_by(-1),
            Action::Down => p.cursor.move_by(1),
            Action::Input(key) if edit_line(&mut p.filter, key) => p.refilter(),
            Action::Submit => {
                if let Some(id) = p.number() {
                    self.overlay = Overlay::None;
                    return self.jump_or_ask_time(id);
                }
                let Some(entry) = p.current() else {
                    self.error("no action matches: type part of its name, or a ticket number");
                    return Vec::new();
                };
                let (run, greyed) = (entry.action.clone(), entry.greyed.clone());
                self.overlay = Overlay::None;
                if let Some(why) = greyed {
                    self.error(why);
                    return Vec::new();
                }
                return self.update(run);
            }
            _ => {}
        }
        Vec::new()
    }
}
