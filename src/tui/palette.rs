//! The command palette (`:`): every action of the screen with its key,
//! from the same key table as the footer and help, narrowed by typing;
//! Enter runs the highlighted one. A number instead opens that ticket, so
//! `:300` Enter works as the jump does. Also what the technician may not
//! do here and why (greyed in the footer and the palette).

use super::action::Action;
use super::cursor::ListCursor;
use super::prompt::fuzzy_rank;
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
    pub(crate) fn refilter(&mut self) {
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
pub(crate) fn is_movement(a: &Action) -> bool {
    matches!(a, Action::Up | Action::Down | Action::PageUp | Action::PageDown | Action::Top | Action::Bottom)
}
