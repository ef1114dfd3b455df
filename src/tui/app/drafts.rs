//! The router's side of drafts (see `tui::drafts`): what is typed in the
//! open box and the form, compared with what was last saved.

use super::{App, Overlay, Screen};
use crate::domain::TicketId;
use crate::service::drafts::Draft;
use crate::tui::action::Effect;
use crate::tui::drafts::{form_text, key_for, restore_form, static_kind, DraftKey, FORM_KEY};
use std::collections::HashMap;

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
