//! The audit trail: every change with who made it (technician and OS
//! account) and when, from the ticket timelines and the audit log.

use super::Timestamp;
use crate::domain::TicketId;
use serde::Serialize;

/// Where a change was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AuditSource {
    /// A ticket's timeline (the `events` table).
    Timeline,
    /// The log of changes to everything else (schools, people, articles ...).
    Audit,
}

/// One attributable change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditRecord {
    pub at: Timestamp,
    pub source: AuditSource,
    /// The ticket changed, for timeline events.
    pub ticket: Option<TicketId>,
    /// The event kind (`note`, `status` ...) or the audit action (`add` ...).
    pub action: String,
    /// `ticket`, or what the audit row is about (`school`, `technician` ...).
    pub entity: String,
    pub entity_id: String,
    /// Technician login; None when a requester (or the system) did it.
    pub tech: Option<String>,
    pub tech_name: Option<String>,
    /// The operating-system account that ran deskside.
    pub os_user: String,
    /// Internal notes and reasons are for technicians only.
    pub internal: bool,
    pub detail: Option<String>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

/// Which changes to list; all optional and combined with AND.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub ticket: Option<TicketId>,
    /// Changes at or after this instant.
    pub since: Option<Timestamp>,
    /// Only the newest N (still listed oldest first).
    pub limit: Option<usize>,
}
