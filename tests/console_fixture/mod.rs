//! The ticket the console's no-terminal tests build: one place for its
//! many fields, each test file changing only what it is about.

use chrono::{DateTime, Duration, Utc};
use deskside::domain::{Priority, Source, Status, Ticket, TicketId, Tier, Version};

/// Ticket `id` at St Bede's from `name` <`email`>: new, normal priority,
/// tier 1, by phone, unassigned, created two hours before `now`, version 3.
pub fn ticket(id: i64, subject: &str, name: &str, email: &str, now: DateTime<Utc>) -> Ticket {
    Ticket {
        id: TicketId(id),
        subject: subject.into(),
        body: String::new(),
        status: Status::New,
        priority: Priority::Normal,
        tier: Tier::One,
        category: None,
        source: Source::Phone,
        school: "BEDE".into(),
        requester: email.into(),
        requester_name: name.into(),
        assignee: None,
        created_at: now - Duration::hours(2),
        updated_at: now,
        updated_by: None,
        first_response_at: None,
        resolved_at: None,
        closed_at: None,
        response_due_at: None,
        resolve_due_at: None,
        version: Version(3),
        school_id: 1,
        requester_id: 1,
        assignee_id: None,
        pending_since: None,
    }
}

/// A suggested answer of `kind` #`id` titled `title`, as the form lists
/// it: published (an article) or resolved (a ticket), no school.
#[allow(dead_code)] // not every console test file suggests
pub fn suggestion(
    kind: deskside::search::SuggestionKind,
    id: i64,
    title: &str,
) -> deskside::search::Suggestion {
    let status = match kind {
        deskside::search::SuggestionKind::Article => "published",
        deskside::search::SuggestionKind::Ticket => "resolved",
    };
    deskside::search::Suggestion {
        kind,
        id,
        title: title.into(),
        snippet: Default::default(),
        score: 1.0,
        category: None,
        audience: None,
        status: status.into(),
        school: None,
        resolution: None,
    }
}
