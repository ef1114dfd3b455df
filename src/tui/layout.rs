//! Screen geometry shared by the views and by mouse handling, so a click
//! maps to the row that was drawn there.

use ratatui::layout::{Constraint, Layout, Rect};

/// Rows above the list: the title bar and the column header.
pub const LIST_TOP: u16 = 2;

pub struct Areas {
    pub title: Rect,
    pub main: Rect,
    pub status: Rect,
    pub hints: Rect,
}

pub fn areas(area: Rect) -> Areas {
    let [title, main, status, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    Areas { title, main, status, hints }
}

/// How many list rows fit at this terminal size.
pub fn list_rows(size: (u16, u16)) -> usize {
    size.1.saturating_sub(LIST_TOP + 2) as usize
}

/// The first list row shown so that `selected` stays visible.
pub fn list_offset(selected: usize, rows: usize) -> usize {
    if rows == 0 {
        0
    } else {
        selected.saturating_sub(rows - 1)
    }
}

/// The list row under a click at terminal row `y`, if any.
pub fn row_at(y: u16, size: (u16, u16)) -> Option<u16> {
    let row = y.checked_sub(LIST_TOP)?;
    ((row as usize) < list_rows(size)).then_some(row)
}
