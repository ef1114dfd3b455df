//! The ticket screen: the open ticket with its timeline, who else has it
//! open, and the keys that act on it (they open the boxes and pickers over
//! it, see `overlay`).

use super::action::{Action, LoadedTicket};
use super::action::{Effect, TicketOp};
use super::canned::CannedPicker;
use super::overlay::Overlay;
use super::prompt::{PickItem, Picker, Prompt, PromptKind};
use super::screen::{Ctx, Nav, Outcome};
use crate::domain::{SlaState, Status, Technician, Ticket, TicketDetail, TicketId, Tier};

pub struct TicketState {
    pub id: TicketId,
    pub detail: Option<TicketDetail>,
    pub sla: Option<SlaState>,
    pub scroll: u16,
    /// Other technicians with this ticket open, as (login, name).
    pub viewers: Vec<(String, String)>,
    /// The ticket whose article was refused as a duplicate: F writes it
    /// anyway (kept while other tickets are opened, like the warning).
    pub force_article: Option<TicketId>,
}

impl TicketState {
    pub fn new(id: TicketId) -> TicketState {
        TicketState { id, detail: None, sla: None, scroll: 0, viewers: Vec::new(), force_article: None }
    }

    /// Another ticket on screen: nothing of the last one is shown.
    pub fn switch_to(&mut self, id: TicketId) {
        let force_article = self.force_article;
        *self = TicketState { force_article, ..TicketState::new(id) };
    }

    /// The ticket as loaded, if it is still the one on screen (the
    /// ticket as it was before is returned: what changed is noticed).
    pub fn loaded(&mut self, loaded: LoadedTicket) -> Option<Option<TicketDetail>> {
        let LoadedTicket { detail, sla } = loaded;
        if detail.ticket.id != self.id {
            return None;
        }
        self.sla = sla;
        Some(self.detail.replace(detail))
    }

    pub fn ticket(&self) -> Option<&Ticket> {
        self.detail.as_ref().map(|d| &d.ticket)
    }

    pub fn update(&mut self, action: Action, ctx: &Ctx) -> Outcome {
        let Some(t) = self.ticket().cloned() else {
            return match action {
                Action::Back => Nav::Back.into(),
                Action::Jump => Nav::Overlay(Overlay::Jump(String::new())).into(),
                Action::Palette => Nav::Palette.into(),
                Action::KnowledgeBase => Nav::Kb.into(),
                _ => Outcome::none(),
            };
        };
        let op = |op| Outcome::effects(vec![Effect::Ticket { id: t.id, version: t.version, op }]);
        // A box on this ticket, with what was typed in it before.
        let prompt = |kind: PromptKind| {
            let mut p = Prompt::new(kind, t.id, t.version, t.tier);
            if let Some(draft) = ctx.drafts.get(&(t.id, kind.draft_key())) {
                p.editor.insert_str(draft);
            }
            Outcome::nav(Nav::Overlay(Overlay::Prompt(Box::new(p))))
        };
        match action {
            Action::Back => Nav::BackAskingTime.into(),
            Action::Up => self.scroll_to(self.scroll.saturating_sub(1)),
            Action::Down => self.scroll_to(self.scroll.saturating_add(1)),
            Action::PageUp => self.scroll_to(self.scroll.saturating_sub(ctx.page_cells())),
            Action::PageDown => self.scroll_to(self.scroll.saturating_add(ctx.page_cells())),
            Action::Top => self.scroll_to(0),
            Action::Bottom => self.scroll_to(u16::MAX),
            Action::Scroll(n) => self.scroll_to(self.scroll.saturating_add_signed(n)),
            Action::Take => super::guards::take(&t, ctx),
            Action::Reopen if t.status == Status::Pending => op(TicketOp::Resume),
            Action::Reopen => op(TicketOp::Reopen),
            Action::Pending => prompt(PromptKind::Pending),
            Action::LinkTo => prompt(PromptKind::Link),
            Action::Files => Outcome::nav(Nav::Overlay(Overlay::Files(
                Picker::new(format!("Files of #{}", t.id), Vec::new()),
                t.id,
            )))
            .with(vec![Effect::LoadAttachments(t.id)]),
            Action::MergeInto => prompt(PromptKind::Merge),
            Action::JoinIncident => prompt(PromptKind::Parent),
            Action::Canned => Outcome::nav(Nav::Overlay(Overlay::Canned(Box::new(CannedPicker {
                picker: Picker::new(format!("Canned solution for #{}", t.id), Vec::new()),
                solutions: Vec::new(),
                ticket_id: t.id,
                version: t.version,
                category: t.category.clone(),
                preview: None,
            }))))
            .with(vec![Effect::LoadCanned]),
            Action::Close => super::guards::close(&t),
            Action::KnowledgeBase => Nav::KbForTicket { typing: false }.into(),
            Action::StartFilter => Nav::KbForTicket { typing: true }.into(),
            Action::Jump => Nav::Overlay(Overlay::Jump(String::new())).into(),
            Action::Palette => Nav::Palette.into(),
            Action::Reply => prompt(PromptKind::Reply),
            Action::Note => prompt(PromptKind::Note),
            Action::Resolve => prompt(PromptKind::Resolve),
            Action::Escalate => match t.tier {
                Tier::Three => Outcome::error(format!("#{} is already at tier 3", t.id)),
                tier => {
                    prompt(PromptKind::Escalate(Tier::from_number(tier.number() + 1).unwrap_or(Tier::Three)))
                }
            },
            Action::Handback => match t.tier {
                Tier::One => Outcome::error(format!("#{} is already at tier 1", t.id)),
                tier => {
                    prompt(PromptKind::Handback(Tier::from_number(tier.number() - 1).unwrap_or(Tier::One)))
                }
            },
            Action::Assign => Outcome::nav(Nav::Overlay(Overlay::Assign(
                Picker::new(format!("Assign #{} to", t.id), tech_items(ctx.techs)),
                t.id,
                t.version,
            )))
            .with(vec![Effect::LoadTechs]),
            Action::NewTicket => Nav::NewTicket.into(),
            Action::ToArticle if t.status.is_active() => Outcome::error(format!(
                "#{} is {}: resolve it before writing it up as an article",
                t.id, t.status
            )),
            Action::ToArticle => {
                self.force_article = Some(t.id);
                vec![Effect::ToArticle(t.id, false)].into()
            }
            Action::ForceToArticle if self.force_article == Some(t.id) => {
                self.force_article = None;
                vec![Effect::ToArticle(t.id, true)].into()
            }
            _ => Outcome::none(),
        }
    }

    fn scroll_to(&mut self, scroll: u16) -> Outcome {
        self.scroll = scroll;
        Outcome::none()
    }
}

pub(crate) fn tech_items(techs: &[Technician]) -> Vec<PickItem> {
    techs
        .iter()
        .map(|t| PickItem {
            key: t.login.clone(),
            label: format!("{} ({}) tier {}{}", t.name, t.login, t.tier, if t.lead { ", lead" } else { "" }),
        })
        .collect()
}
