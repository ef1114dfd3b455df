//! Drafts that survive: what is typed in a box (reply, note, reason ...)
//! or in a phone ticket is saved to the database as the technician types
//! (at most every half second, on the loop's tick, and at once when a box
//! closes, a write conflicts or the console quits), offered again on return
//! to the ticket, and removed when sent. A killed console or a dropped ssh
//! session loses at most the last half second of typing.

use super::form::NewTicketForm;
use super::prompt::PromptKind;
use crate::domain::TicketId;
use crate::domain::{Priority, Source};
use crate::service::drafts::NEW_TICKET;

/// A draft's key: (ticket id, kind of box); ticket 0 is no ticket yet.
pub type DraftKey = (TicketId, &'static str);

/// The key of the phone ticket being logged.
pub const FORM_KEY: DraftKey = (TicketId(0), NEW_TICKET);

pub(crate) fn static_kind(kind: &str) -> Option<&'static str> {
    if kind == NEW_TICKET {
        return Some(NEW_TICKET);
    }
    PromptKind::DRAFT_KEYS.into_iter().find(|k| *k == kind)
}

/// The key that opens a box of this kind on the ticket screen.
pub(crate) fn key_for(kind: &str) -> &'static str {
    match kind {
        "reply" => "r",
        "note" => "i",
        "resolve" => "s",
        "pending" => "p",
        "escalate" => "e",
        "handback" => "h",
        "link" => "L",
        "merge" => "M",
        "parent" => "P",
        _ => "?",
    }
}

/// The phone ticket's fields as the draft's text (JSON).
pub fn form_text(f: &NewTicketForm) -> String {
    let line = |t: &ratatui_textarea::TextArea<'_>| t.lines().join("\n");
    serde_json::json!({
        "requester": line(&f.requester),
        "name": line(&f.name),
        "subject": line(&f.subject),
        "body": line(&f.body),
        "category": line(&f.category),
        "priority": f.priority.as_str(),
        "source": f.source.as_str(),
    })
    .to_string()
}

/// Fills a fresh form from a saved draft; a draft that does not parse
/// (written by another version) leaves the form empty.
pub fn restore_form(f: &mut NewTicketForm, text: &str) -> bool {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(text) else { return false };
    let field = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
    f.requester.insert_str(field("requester"));
    f.name.insert_str(field("name"));
    f.subject.insert_str(field("subject"));
    f.body.insert_str(field("body"));
    f.category.insert_str(field("category"));
    f.priority = field("priority").parse::<Priority>().unwrap_or(f.priority);
    f.source = field("source").parse::<Source>().unwrap_or(f.source);
    f.refresh_matches();
    f.matches.clear();
    true
}
