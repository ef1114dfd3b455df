//! Screen geometry shared by the views and by mouse handling, so a click
//! maps to the row that was drawn there.

use ratatui::layout::{Constraint, Layout, Rect};

/// A count of rows or columns as terminal cells: past `u16::MAX` (no
/// terminal is that big) it stays at the edge instead of wrapping.
pub fn cells(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

/// `index` moved by `delta` within `0..len`, stopping at the ends.
pub fn step_clamped(index: usize, delta: isize, len: usize) -> usize {
    let moved = if delta < 0 {
        index.saturating_sub(delta.unsigned_abs())
    } else {
        index.saturating_add(delta.unsigned_abs())
    };
    moved.min(len.saturating_sub(1))
}

/// `index` moved by `delta` within `0..len`, wrapping round (0 when empty).
pub fn step_wrapped(index: usize, delta: isize, len: usize) -> usize {
    if len == 0 {
        return 0;
    }
    let (i, d) = (index % len, delta.unsigned_abs() % len);
    if delta < 0 {
        (i + len - d) % len
    } else {
        (i + d) % len
    }
}

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

/// The knowledge base within the main area: the search bar, the article
/// list and the preview (beside the list when there is room, else below).
pub fn kb_areas(main: Rect) -> [Rect; 3] {
    let [bar, rest] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(main);
    let [list, preview] = if rest.width >= 100 {
        Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(rest)
    } else {
        Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(rest)
    };
    [bar, list, preview]
}

/// The knowledge-base list row under a click at terminal row `y`, if any.
pub fn kb_row_at(y: u16, size: (u16, u16)) -> Option<(u16, usize)> {
    let [_, list, _] = kb_areas(areas(Rect::new(0, 0, size.0, size.1)).main);
    let row = y.checked_sub(list.y)?;
    (row < list.height).then_some((row, list.height as usize))
}
