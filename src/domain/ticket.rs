//! Tickets and their timeline.

use super::{EventKind, Priority, Source, Status, TicketId, Tier, Version};
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use serde::Serialize;

pub type Timestamp = DateTime<Utc>;

/// A ticket as the faces show it: codes and logins already resolved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ticket {
    pub id: TicketId,
    pub subject: String,
    pub body: String,
    pub status: Status,
    pub priority: Priority,
    pub tier: Tier,
    pub category: Option<String>,
    pub source: Source,
    /// School code.
    pub school: String,
    /// Requester email.
    pub requester: String,
    pub requester_name: String,
    /// Assignee login.
    pub assignee: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Login of the technician who made the last change.
    pub updated_by: Option<String>,
    pub first_response_at: Option<Timestamp>,
    pub resolved_at: Option<Timestamp>,
    pub closed_at: Option<Timestamp>,
    pub response_due_at: Option<Timestamp>,
    pub resolve_due_at: Option<Timestamp>,
    /// Optimistic-concurrency counter: bumped by every change to the ticket.
    pub version: Version,
    #[serde(skip)]
    pub school_id: i64,
    #[serde(skip)]
    pub requester_id: i64,
    #[serde(skip)]
    pub assignee_id: Option<i64>,
    #[serde(skip)]
    pub pending_since: Option<Timestamp>,
}

/// What a ticket's SLA clocks depend on: enough to order a queue of
/// thousands without reading their text.
#[derive(Debug, Clone, PartialEq)]
pub struct Clocks {
    pub id: TicketId,
    pub school_id: i64,
    pub status: Status,
    pub priority: Priority,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub first_response_at: Option<Timestamp>,
    pub resolved_at: Option<Timestamp>,
    pub closed_at: Option<Timestamp>,
    pub response_due_at: Option<Timestamp>,
    pub resolve_due_at: Option<Timestamp>,
    pub pending_since: Option<Timestamp>,
}

impl Ticket {
    pub fn clocks(&self) -> Clocks {
        Clocks {
            id: self.id,
            school_id: self.school_id,
            status: self.status,
            priority: self.priority,
            created_at: self.created_at,
            updated_at: self.updated_at,
            first_response_at: self.first_response_at,
            resolved_at: self.resolved_at,
            closed_at: self.closed_at,
            response_due_at: self.response_due_at,
            resolve_due_at: self.resolve_due_at,
            pending_since: self.pending_since,
        }
    }

    /// The rule for changing tier: only an active ticket moves, escalating
    /// goes up and handing back goes down.
    pub fn check_tier_move(&self, how: TierMove, to: Tier) -> Result<()> {
        let id = self.id;
        if !self.status.is_active() {
            let verb = match how {
                TierMove::Escalate => "escalated",
                TierMove::HandBack => "handed back",
            };
            return Err(Error::invalid(format!(
                "ticket #{id} is {} and cannot be {verb}: reopen it first",
                self.status
            )));
        }
        match how {
            TierMove::Escalate if to <= self.tier => Err(Error::invalid(format!(
                "ticket #{id} is already at tier {}: escalate goes up (--to {})",
                self.tier,
                self.tier.number() + 1
            ))),
            TierMove::HandBack if to >= self.tier => Err(Error::invalid(format!(
                "ticket #{id} is at tier {}: hand back goes down to a lower tier",
                self.tier
            ))),
            _ => Ok(()),
        }
    }
}

/// Which way a ticket changes tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TierMove {
    /// Up, to more expert hands.
    Escalate,
    /// Down (shift left), with a note saying what to do.
    HandBack,
}

/// One entry of a ticket's append-only timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    pub id: i64,
    pub ticket_id: TicketId,
    pub at: Timestamp,
    pub kind: EventKind,
    /// Technician login, or None when the requester (or the system) did it.
    pub tech: Option<String>,
    /// The operating-system account that ran the command.
    pub os_user: String,
    /// Internal events are for technicians only.
    pub internal: bool,
    pub body: Option<String>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

/// What a face supplies to log a ticket.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewTicket {
    pub subject: String,
    pub body: String,
    pub requester: String,
    /// When set and the requester is unknown, they are added with this name.
    pub requester_name: Option<String>,
    pub priority: Option<Priority>,
    pub category: Option<String>,
    pub source: Option<Source>,
    /// A higher-tier tech keeps the ticket at their tier, assigned to them.
    pub keep: bool,
}

/// Filters for ticket lists; all optional and combined with AND.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TicketFilter {
    pub statuses: Vec<Status>,
    pub tier: Option<Tier>,
    pub school: Option<String>,
    pub assignee: Option<String>,
    /// Resolved and closed tickets are left out unless statuses asks for them.
    pub include_done: bool,
    pub limit: Option<usize>,
}

/// A ticket with its whole timeline.
#[derive(Debug, Clone, Serialize)]
pub struct TicketDetail {
    #[serde(flatten)]
    pub ticket: Ticket,
    pub events: Vec<Event>,
}
