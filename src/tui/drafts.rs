//! Drafts that survive: what is typed in a box (reply, note, reason ...)
//! or in a phone ticket is saved to the database as the technician types
//! (at most every half second, on the loop's tick, and at once when a box
//! closes, a write conflicts or the console quits), offered again on return
//! to the ticket, and removed when sent. A killed console or a dropped ssh
//! session loses at most the last half second of typing.

use super::action::Effect;
use super::app::{App, Overlay, Screen};
use super::form::NewTicketForm;
use super::prompt::PromptKind;
use crate::domain::TicketId;
use crate::domain::{Priority, Source};
use crate::service::drafts::{Draft, NEW_TICKET};
use std::collections::HashMap;

/// A draft's key: (ticket id, kind of box); ticket 0 is no ticket yet.
pub type DraftKey = (TicketId, &'static str);

/// The key of the phone ticket being logged.
pub const FORM_KEY: DraftKey = (TicketId(0), NEW_TICKET);

fn static_kind(kind: &str) -> Option<&'static str> {
    if kind == NEW_TICKET {
        return Some(NEW_TICKET);
    }
    PromptKind::DRAFT_KEYS.into_iter().find(|k| *k == kind)
}

/// The key that opens a box of this kind on the ticket screen.
fn key_for(kind: &str) -> &'static str {
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

impl App {
    /// Every draft as it stands now: those kept, the open box's text and
    /// the phone ticket being typed.
    pub(crate) fn current_drafts(&self) -> HashMap<DraftKey, String> {
        let mut now = self.drafts.clone();
        if let Overlay::Prompt(p) = &self.overlay {
            if p.kind.keeps_draft() {
                let key = (p.ticket_id, p.kind.draft_key());
                let text = p.editor.lines().join("\n");
                if text.trim().is_empty() {
                    now.remove(&key);
                } else {
                    now.insert(key, text);
                }
            }
        }
        if let (Screen::NewTicket, Some(form)) = (self.screen, &self.form) {
            if form.has_text() {
                now.insert(FORM_KEY, form_text(form));
            }
        }
        now
    }

    /// The saves and removals that bring the database up to date.
    pub(crate) fn sync_drafts(&mut self) -> Vec<Effect> {
        let now = self.current_drafts();
        let mut fx: Vec<Effect> = now
            .iter()
            .filter(|(k, v)| self.saved_drafts.get(*k) != Some(*v))
            .map(|(&(ticket, kind), text)| Effect::SaveDraft { ticket, kind, text: text.clone() })
            .collect();
        fx.extend(
            self.saved_drafts
                .keys()
                .filter(|k| !now.contains_key(*k))
                .map(|&(ticket, kind)| Effect::SaveDraft { ticket, kind, text: String::new() }),
        );
        // A stable order: tests and the database see the same sequence.
        fx.sort_by_key(|e| match e {
            Effect::SaveDraft { ticket, kind, .. } => (*ticket, *kind),
            _ => (TicketId(0), ""),
        });
        self.saved_drafts = now;
        fx
    }

    /// Drafts saved by an earlier session (or a console that was killed).
    pub(crate) fn drafts_loaded(&mut self, rows: Vec<Draft>) {
        for d in rows {
            let Some(kind) = static_kind(&d.kind) else { continue };
            let key = (d.ticket_id.unwrap_or(TicketId(0)), kind);
            self.saved_drafts.insert(key, d.body.clone());
            self.drafts.entry(key).or_insert(d.body);
        }
        let tickets = self.drafts.keys().filter(|k| k.0 != TicketId(0)).count();
        let form = self.drafts.contains_key(&FORM_KEY);
        if tickets + usize::from(form) > 0 && self.status.is_none() {
            let mut parts = Vec::new();
            if tickets > 0 {
                parts.push(format!(
                    "{tickets} unsent draft{} on tickets",
                    if tickets == 1 { "" } else { "s" }
                ));
            }
            if form {
                parts.push("a phone ticket half logged (n brings it back)".to_string());
            }
            self.info(format!("Kept from last time: {}", parts.join(" · ")));
        }
    }

    /// On opening a ticket: say which boxes hold unsent text.
    pub(crate) fn offer_drafts(&mut self, id: TicketId) {
        let mut kinds: Vec<&'static str> = self.drafts.keys().filter(|k| k.0 == id).map(|k| k.1).collect();
        if kinds.is_empty() {
            return;
        }
        kinds.sort_unstable();
        let list: Vec<String> = kinds.iter().map(|k| format!("{k} ({})", key_for(k))).collect();
        self.info(format!("Unsent draft on #{id}: {} — the key opens it", list.join(", ")));
    }

    /// `n` with a phone ticket kept from before: it comes back as typed.
    pub(crate) fn restore_form_draft(&mut self) {
        let Some(text) = self.drafts.remove(&FORM_KEY) else { return };
        if let Some(form) = &mut self.form {
            if restore_form(form, &text) {
                self.info("The phone ticket you were typing is back (Esc discards it)");
            }
        }
    }
}
