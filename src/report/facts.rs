//! What a report reads from the database: numbers, codes and timeline
//! changes only. No subject, body, note, comment or requester is ever
//! loaded, so none can leak into a report.

use crate::domain::EventKind;

/// One timeline change (times are unix seconds).
#[derive(Debug, Clone, PartialEq)]
pub struct EventFact {
    pub at: i64,
    pub kind: EventKind,
    pub tech_id: Option<i64>,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// A ticket as reports see it, with the changes that matter to them
/// (status, tier, assignment, rating), in timeline order.
#[derive(Debug, Clone, PartialEq)]
pub struct TicketFacts {
    pub id: i64,
    pub school_id: i64,
    pub created_at: i64,
    /// Current status and tier (used when the timeline never changed them).
    pub status: String,
    pub tier: i64,
    pub category: Option<String>,
    pub source: String,
    pub first_response_at: Option<i64>,
    pub response_due_at: Option<i64>,
    pub resolve_due_at: Option<i64>,
    pub events: Vec<EventFact>,
    /// Planned work (`schedule run`): counted apart, never in reactive figures.
    pub planned: bool,
}

/// Something that happened at a school's ticket at a time: a canned
/// solution or article used, an article written from a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Happening {
    pub school_id: i64,
    pub at: i64,
}

/// A technician's action at a time (canned solution applied, article
/// linked, article written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TechAction {
    pub tech_id: i64,
    pub at: i64,
}
