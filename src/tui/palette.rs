//! The command palette (`:`): every action of the screen with its key,
//! from the same key table as the footer and help, narrowed by typing;
//! Enter runs the highlighted one. A number instead opens that ticket, so
//! `:300` Enter works as the jump does. Also what the technician may not
//! do here and why (greyed in the footer and the palette).

use super::action::{Action, Effect};
use super::app::{App, Overlay, Screen};
use super::cursor::ListCursor;
use super::keymap::{self, Binding};
use super::prompt::fuzzy_rank;
use crate::domain::Status;
use crate::domain::TicketId;

/// One action in the palette.
pub struct PaletteEntry {
    pub key: &'static str,
    pub help: &'static str,
    pub action: Action,
    /// Why it cannot be done now, if it cannot.
    pub greyed: Option<String>,
}

pub struct Palette {
    pub entries: Vec<PaletteEntry>,
    pub filter: String,
    /// Indices into `entries` matching `filter`, best first.
    pub visible: Vec<usize>,
    pub cursor: ListCursor,
}

impl Palette {
    fn refilter(&mut self) {
        let labels: Vec<String> = self.entries.iter().map(|e| format!("{} {}", e.key, e.help)).collect();
        self.visible = fuzzy_rank(&self.filter, labels.iter().map(String::as_str));
        self.cursor.reset(self.visible.len());
    }

    /// The ticket number typed (`300` or `#300`), if the filter is one.
    pub fn number(&self) -> Option<TicketId> {
        self.filter.trim().trim_start_matches('#').parse::<i64>().ok().filter(|n| *n > 0).map(TicketId)
    }

    pub fn current(&self) -> Option<&PaletteEntry> {
        self.visible.get(self.cursor.index()).map(|&i| &self.entries[i])
    }
}

/// Movement keys move a list; they are not actions to look up.
fn is_movement(a: &Action) -> bool {
    matches!(a, Action::Up | Action::Down | Action::PageUp | Action::PageDown | Action::Top | Action::Bottom)
}

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
            Action::Input(key) if super::app::edit_line(&mut p.filter, key) => p.refilter(),
            Action::Submit => {
                if let Some(id) = p.number() {
                    self.overlay = Overlay::None;
                    return self.open_ticket(id);
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

    /// Ctrl-E in the form: the highlighted suggested answer in full.
    pub(crate) fn preview_suggestion(&mut self) -> Vec<Effect> {
        let Some(form) = &self.form else { return Vec::new() };
        let Some(s) = form.selected_suggestion() else {
            self.error("no suggested answer to preview: type the subject or details first");
            return Vec::new();
        };
        vec![Effect::PreviewSuggestion { suggestion: s.clone(), requester_name: form.requester_name() }]
    }

    pub(crate) fn update_preview(&mut self, action: Action) -> Vec<Effect> {
        let page = self.page_cells();
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
}
