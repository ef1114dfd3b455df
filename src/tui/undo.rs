//! Undo for a few seconds after close, take and publish: the status line
//! says "Closed #300 — u to undo (5s)"; `u` runs the service's reverse
//! operation against the version the action left, so an undo can never
//! overwrite someone else's change. After the window it is gone.

use crate::domain::Timestamp;
use crate::domain::{ArticleId, TicketId, Version};

/// How long an action can be undone.
pub const WINDOW_SECS: i64 = 5;

/// What `u` reverses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UndoOp {
    /// Reopen ticket (id) closed at version.
    Close { id: TicketId, version: Version },
    /// Give back ticket (id) taken at version.
    Take { id: TicketId, version: Version },
    /// Article (id) published at version back to draft.
    Publish { id: ArticleId, version: Version },
}

/// An action that may still be undone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undo {
    pub op: UndoOp,
    /// "Closed #300": the start of the status line.
    pub what: String,
    /// Set when the outcome arrives: the window's end.
    pub until: Option<Timestamp>,
}

impl Undo {
    pub fn new(op: UndoOp) -> Undo {
        let what = match op {
            UndoOp::Close { id, .. } => format!("Closed #{id}"),
            UndoOp::Take { id, .. } => format!("You have #{id}"),
            UndoOp::Publish { id, .. } => format!("Article #{id} published"),
        };
        Undo { op, what, until: None }
    }

    pub(crate) fn line(&self, now: Timestamp) -> String {
        let left = self.until.map_or(WINDOW_SECS, |u| (u - now).num_seconds().clamp(0, WINDOW_SECS));
        format!("{} — u to undo ({left}s)", self.what)
    }
}
