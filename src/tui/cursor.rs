//! One list cursor for every list on screen (queue, knowledge base,
//! pickers, requester matches, suggested answers, the command palette):
//! the highlighted position within a list whose length changes under it.
//! It never points past the end, so `items.get(cursor.index())` is the
//! highlighted item or `None` for an empty list.

use super::layout;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListCursor {
    index: usize,
    len: usize,
    /// Moving past an end comes round to the other end (short lists that
    /// are cycled through: matches, suggestions); otherwise it stops.
    wraps: bool,
}

impl ListCursor {
    /// A cursor that stops at the ends (long lists: the queue, articles).
    pub fn new() -> ListCursor {
        ListCursor::default()
    }

    /// A cursor that comes round from the last item to the first.
    pub fn wrapping() -> ListCursor {
        ListCursor { wraps: true, ..ListCursor::default() }
    }

    /// The highlighted position (0 when the list is empty).
    pub fn index(&self) -> usize {
        self.index
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The list now has `len` items: the position stays, clamped to the end.
    pub fn set_len(&mut self, len: usize) {
        self.len = len;
        self.index = self.index.min(len.saturating_sub(1));
    }

    /// A new list of `len` items, highlighted from the top.
    pub fn reset(&mut self, len: usize) {
        self.len = len;
        self.index = 0;
    }

    /// Moves by `delta` (negative is up), stopping or wrapping at the ends.
    pub fn move_by(&mut self, delta: isize) {
        if self.len == 0 {
            return;
        }
        self.index = if self.wraps {
            layout::step_wrapped(self.index, delta, self.len)
        } else {
            layout::step_clamped(self.index, delta, self.len)
        };
    }

    /// Highlights `index` if it is in the list; says whether it was.
    pub fn select(&mut self, index: usize) -> bool {
        let ok = index < self.len;
        if ok {
            self.index = index;
        }
        ok
    }

    pub fn first(&mut self) {
        self.index = 0;
    }

    pub fn last(&mut self) {
        self.index = self.len.saturating_sub(1);
    }

    /// Whether row `i` of the list is the highlighted one.
    pub fn is(&self, i: usize) -> bool {
        self.len > 0 && i == self.index
    }

    /// The first row drawn so that the highlighted one is visible in `rows`.
    pub fn offset(&self, rows: usize) -> usize {
        layout::list_offset(self.index, rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clamped_cursor_stops_at_the_ends() {
        let mut c = ListCursor::new();
        c.set_len(3);
        c.move_by(-1);
        assert_eq!(c.index(), 0);
        c.move_by(10);
        assert_eq!(c.index(), 2);
        c.first();
        assert_eq!(c.index(), 0);
        c.last();
        assert_eq!(c.index(), 2);
    }

    #[test]
    fn a_wrapping_cursor_comes_round() {
        let mut c = ListCursor::wrapping();
        c.reset(3);
        c.move_by(-1);
        assert_eq!(c.index(), 2);
        c.move_by(1);
        assert_eq!(c.index(), 0);
        c.move_by(7);
        assert_eq!(c.index(), 1);
    }

    #[test]
    fn a_shrinking_list_pulls_the_cursor_in_and_an_empty_one_highlights_nothing() {
        let mut c = ListCursor::new();
        c.set_len(10);
        c.last();
        c.set_len(4);
        assert_eq!(c.index(), 3);
        c.set_len(0);
        assert_eq!(c.index(), 0);
        assert!(!c.is(0), "nothing is highlighted in an empty list");
        c.move_by(1);
        assert_eq!(c.index(), 0);
        assert!(!c.select(0));
    }

    #[test]
    fn select_refuses_rows_past_the_end_and_offset_keeps_the_cursor_visible() {
        let mut c = ListCursor::new();
        c.set_len(30);
        assert!(c.select(25));
        assert!(!c.select(30));
        assert_eq!(c.index(), 25);
        assert_eq!(c.offset(10), 16);
        assert_eq!(c.offset(0), 0);
        c.reset(5);
        assert_eq!(c.index(), 0);
    }
}
