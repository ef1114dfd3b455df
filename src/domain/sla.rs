//! SLA values the faces show: policies, calendars, and the state of a
//! ticket's clocks.

use super::{Priority, Timestamp};
use crate::domain::TicketId;
use serde::Serialize;

/// Targets for one priority, in working minutes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SlaPolicy {
    pub priority: Priority,
    pub response_minutes: i64,
    pub resolve_minutes: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClosureInfo {
    /// The closure's number on its calendar (`sla closure remove CALENDAR ID`).
    pub id: i64,
    /// First closed date, YYYY-MM-DD.
    pub from: String,
    /// Last closed date (inclusive).
    pub to: String,
    pub label: String,
    /// The `sla closure import` run that added it; None when added by hand.
    pub import_batch: Option<i64>,
}

/// A calendar as stored: hours in their canonical form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CalendarInfo {
    pub name: String,
    pub tz: String,
    pub hours: String,
    pub closures: Vec<ClosureInfo>,
    /// Codes of the schools on this calendar.
    pub schools: Vec<String>,
}

/// Where a ticket (or one of its targets) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaLevel {
    /// Past due and not met.
    Breached,
    /// Under 25% of the target's working time left.
    AtRisk,
    /// Running, with time to spare.
    Ok,
    /// The clock is stopped: pending on the requester.
    Paused,
    /// Met in time.
    Met,
    /// Met, but late.
    Missed,
    /// No due time (tickets logged before SLAs existed).
    None,
}

/// One target (first response or resolution) of a ticket.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SlaTarget {
    pub due: Timestamp,
    /// The policy's target in working minutes, if the policy exists.
    pub target_minutes: Option<i64>,
    /// Working seconds left until due (frozen while paused); negative when
    /// overdue. For a met target: the margin it was met by.
    pub left_secs: i64,
    pub met_at: Option<Timestamp>,
    pub level: SlaLevel,
}

/// The clocks of one ticket at one instant, for queues and the console.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SlaState {
    pub ticket_id: TicketId,
    /// The worst level of the targets still running (`Met` when both are
    /// met in time, `Missed` when met but one late).
    pub level: SlaLevel,
    /// Working seconds left on the most urgent running target (negative when
    /// overdue); None when no target is running.
    pub left_secs: Option<i64>,
    /// The due time of the most urgent running target.
    pub due: Option<Timestamp>,
    pub response: Option<SlaTarget>,
    pub resolve: Option<SlaTarget>,
}

impl SlaState {
    pub fn is_breached(&self) -> bool {
        self.level == SlaLevel::Breached
    }
    pub fn is_at_risk(&self) -> bool {
        self.level == SlaLevel::AtRisk
    }
}

/// A ticket in a queue with its SLA state.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueueItem {
    #[serde(flatten)]
    pub ticket: super::Ticket,
    pub sla: SlaState,
}
