//! Canned solutions on a ticket: the picker (the ticket's category first,
//! with a live preview of the reply) and the `{{ask:…}}` fill-ins asked in
//! turn before the filled text opens for editing.

use super::action::Effect;
use super::overlay::Overlay;
use super::prompt::{PickItem, Picker, Prompt, PromptKind};
use crate::domain::{CannedId, CannedSolution, TicketId, Tier, Version};

/// Choosing a canned solution for a ticket, with the reply it would send.
pub struct CannedPicker {
    pub picker: Picker,
    pub solutions: Vec<CannedSolution>,
    pub ticket_id: TicketId,
    pub version: Version,
    /// The ticket's category: its solutions are listed first.
    pub category: Option<String>,
    /// The rendered reply as (canned id, text), once loaded.
    pub preview: Option<(CannedId, String)>,
}

impl CannedPicker {
    pub fn current(&self) -> Option<&CannedSolution> {
        let key = self.picker.current()?.key.parse::<CannedId>().ok()?;
        self.solutions.iter().find(|c| c.id == key)
    }

    /// Asks for the preview of the highlighted solution if it is not shown.
    pub(crate) fn preview_effect(&self) -> Vec<Effect> {
        match self.current() {
            Some(c) if self.preview.as_ref().map(|p| p.0) != Some(c.id) => {
                vec![Effect::RenderCanned { ticket_id: self.ticket_id, canned_id: c.id }]
            }
            _ => Vec::new(),
        }
    }
}

/// A canned solution picked for a ticket, its `{{ask:…}}` fill-ins being
/// answered one by one before the filled text opens for editing.
#[derive(Debug, Clone)]
pub struct CannedFill {
    pub ticket_id: TicketId,
    pub version: Version,
    pub tier: Tier,
    pub canned_id: CannedId,
    pub title: String,
    pub resolve: bool,
    /// The fill-ins' labels, in order.
    pub labels: Vec<String>,
    /// The answers given so far, as (label, answer).
    pub answers: Vec<(String, String)>,
}

impl CannedFill {
    /// The box for the next unanswered fill-in, or None when all are in.
    pub(crate) fn next_prompt(&self) -> Option<Overlay> {
        let label = self.labels.get(self.answers.len())?;
        let mut p = Prompt::new(PromptKind::Ask, self.ticket_id, self.version, self.tier);
        let n = self.labels.len();
        let at = self.answers.len() + 1;
        p.label = Some(format!("{label}? ({at} of {n}, for \"{}\")", self.title));
        Some(Overlay::Prompt(Box::new(p)))
    }

    pub(crate) fn fill_effect(&self) -> Effect {
        Effect::FillCanned {
            ticket_id: self.ticket_id,
            canned_id: self.canned_id,
            answers: self.answers.clone(),
            resolve: self.resolve,
        }
    }
}

/// The ticket's own category first, then the most used: the likely answer
/// is at the top before anything is typed.
pub(crate) fn canned_items(solutions: &[CannedSolution], category: Option<&str>) -> Vec<PickItem> {
    let mut sorted: Vec<&CannedSolution> = solutions.iter().collect();
    sorted.sort_by_key(|c| (c.category.as_deref() != category, std::cmp::Reverse(c.uses), c.title.clone()));
    sorted
        .into_iter()
        .map(|c| PickItem {
            key: c.id.to_string(),
            label: format!("{} [{}]", c.title, c.category.as_deref().unwrap_or("-")),
        })
        .collect()
}
