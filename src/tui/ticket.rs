//! The ticket screen's keys: actions on the open ticket, the text prompts
//! (reply, note, reasons) and the pickers (assign, canned solution).

use super::action::{Action, Effect, TicketOp};
use super::app::{edit_line, App, Overlay, Screen};
use super::prompt::{PickItem, Picker, Prompt, PromptKind};
use crate::domain::{CannedId, CannedSolution, Status, Technician, TicketId, Tier, Version};

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
    fn next_prompt(&self) -> Option<Overlay> {
        let label = self.labels.get(self.answers.len())?;
        let mut p = Prompt::new(PromptKind::Ask, self.ticket_id, self.version, self.tier);
        let n = self.labels.len();
        let at = self.answers.len() + 1;
        p.label = Some(format!("{label}? ({at} of {n}, for \"{}\")", self.title));
        Some(Overlay::Prompt(Box::new(p)))
    }

    fn fill_effect(&self) -> Effect {
        Effect::FillCanned {
            ticket_id: self.ticket_id,
            canned_id: self.canned_id,
            answers: self.answers.clone(),
            resolve: self.resolve,
        }
    }
}

impl App {
    /// Enter (or Ctrl-R) on a canned solution: its fill-ins are asked in
    /// turn, then the filled text opens in a reply box to edit.
    fn pick_canned(&mut self, resolve: bool) -> Vec<Effect> {
        let Overlay::Canned(c) = &self.overlay else { return Vec::new() };
        let Some(solution) = c.current() else { return Vec::new() };
        let tier = self.ticket.detail.as_ref().map_or(Tier::One, |d| d.ticket.tier);
        let fill = CannedFill {
            ticket_id: c.ticket_id,
            version: c.version,
            tier,
            canned_id: solution.id,
            title: solution.title.clone(),
            resolve,
            labels: crate::domain::asks(&solution.body),
            answers: Vec::new(),
        };
        let fx = match fill.next_prompt() {
            Some(ask) => {
                self.overlay = ask;
                Vec::new()
            }
            None => vec![fill.fill_effect()],
        };
        self.canned_fill = Some(fill);
        fx
    }

    /// The filled canned text arrived: edit it before it is sent.
    pub(crate) fn canned_filled(&mut self, canned_id: CannedId, resolve: bool, text: String) {
        let Some(fill) = self.canned_fill.take().filter(|f| f.canned_id == canned_id) else { return };
        let mut p =
            Prompt::new(PromptKind::Canned(fill.canned_id, resolve), fill.ticket_id, fill.version, fill.tier);
        p.editor.insert_str(text);
        p.editor.move_cursor(ratatui_textarea::CursorMove::Top);
        self.overlay = Overlay::Prompt(Box::new(p));
    }

    /// Enter in a fill-in box: the answer, then the next box or the text.
    fn answer_fill_in(&mut self, answer: String) -> Vec<Effect> {
        if answer.is_empty() {
            self.error("type an answer, or Esc to cancel the canned reply");
            return Vec::new();
        }
        let Some(fill) = &mut self.canned_fill else {
            self.overlay = Overlay::None;
            return Vec::new();
        };
        if let Some(label) = fill.labels.get(fill.answers.len()).cloned() {
            fill.answers.push((label, answer));
        }
        match fill.next_prompt() {
            Some(next) => {
                self.overlay = next;
                Vec::new()
            }
            None => {
                self.overlay = Overlay::None;
                vec![fill.fill_effect()]
            }
        }
    }

    pub(crate) fn update_ticket(&mut self, action: Action) -> Vec<Effect> {
        let Some(t) = self.ticket.detail.as_ref().map(|d| d.ticket.clone()) else {
            return match action {
                Action::Back => self.leave_ticket(),
                Action::Jump => self.start_jump(),
                Action::Palette => self.start_palette(),
                Action::KnowledgeBase => self.start_kb(),
                _ => Vec::new(),
            };
        };
        let op = |op| vec![Effect::Ticket { id: t.id, version: t.version, op }];
        let drafts = &self.drafts;
        let prompt = |kind: PromptKind| {
            let mut p = Prompt::new(kind, t.id, t.version, t.tier);
            if let Some(draft) = drafts.get(&(t.id, kind.draft_key())) {
                p.editor.insert_str(draft);
            }
            Overlay::Prompt(Box::new(p))
        };
        match action {
            Action::Back => return self.leave_or_ask_time(),
            Action::Up => self.ticket.scroll = self.ticket.scroll.saturating_sub(1),
            Action::Down => self.ticket.scroll = self.ticket.scroll.saturating_add(1),
            Action::PageUp => self.ticket.scroll = self.ticket.scroll.saturating_sub(self.page_cells()),
            Action::PageDown => self.ticket.scroll = self.ticket.scroll.saturating_add(self.page_cells()),
            Action::Top => self.ticket.scroll = 0,
            Action::Bottom => self.ticket.scroll = u16::MAX,
            Action::Scroll(n) => self.ticket.scroll = self.ticket.scroll.saturating_add_signed(n),
            Action::Take => return self.take(&t),
            Action::Reopen if t.status == Status::Pending => return op(TicketOp::Resume),
            Action::Reopen => return op(TicketOp::Reopen),
            Action::Pending => self.overlay = prompt(PromptKind::Pending),
            Action::LinkTo => self.overlay = prompt(PromptKind::Link),
            Action::Files => return self.open_files(t.id),
            Action::MergeInto => self.overlay = prompt(PromptKind::Merge),
            Action::JoinIncident => self.overlay = prompt(PromptKind::Parent),
            Action::Canned => {
                self.overlay = Overlay::Canned(Box::new(CannedPicker {
                    picker: Picker::new(format!("Canned solution for #{}", t.id), Vec::new()),
                    solutions: Vec::new(),
                    ticket_id: t.id,
                    version: t.version,
                    category: t.category.clone(),
                    preview: None,
                }));
                return vec![Effect::LoadCanned];
            }
            Action::Close => return self.close(&t),
            Action::KnowledgeBase => return self.start_kb_for_ticket(false),
            Action::StartFilter => return self.start_kb_for_ticket(true),
            Action::Jump => return self.start_jump(),
            Action::Palette => return self.start_palette(),
            Action::Reply => self.overlay = prompt(PromptKind::Reply),
            Action::Note => self.overlay = prompt(PromptKind::Note),
            Action::Resolve => self.overlay = prompt(PromptKind::Resolve),
            Action::Escalate => match t.tier {
                Tier::Three => self.error(format!("#{} is already at tier 3", t.id)),
                tier => {
                    self.overlay = prompt(PromptKind::Escalate(
                        Tier::from_number(tier.number() + 1).unwrap_or(Tier::Three),
                    ))
                }
            },
            Action::Handback => match t.tier {
                Tier::One => self.error(format!("#{} is already at tier 1", t.id)),
                tier => {
                    self.overlay = prompt(PromptKind::Handback(
                        Tier::from_number(tier.number() - 1).unwrap_or(Tier::One),
                    ))
                }
            },
            Action::Assign => {
                self.overlay = Overlay::Assign(
                    Picker::new(format!("Assign #{} to", t.id), tech_items(&self.techs)),
                    t.id,
                    t.version,
                );
                return vec![Effect::LoadTechs];
            }
            Action::NewTicket => return self.start_form(),
            Action::ToArticle if t.status.is_active() => self
                .error(format!("#{} is {}: resolve it before writing it up as an article", t.id, t.status)),
            Action::ToArticle => {
                self.force_article = Some(t.id);
                return vec![Effect::ToArticle(t.id, false)];
            }
            Action::ForceToArticle if self.force_article == Some(t.id) => {
                self.force_article = None;
                return vec![Effect::ToArticle(t.id, true)];
            }
            _ => {}
        }
        Vec::new()
    }

    pub(crate) fn update_prompt(&mut self, action: Action) -> Vec<Effect> {
        let Overlay::Prompt(p) = &mut self.overlay else { return Vec::new() };
        if p.kind == PromptKind::Ask {
            return match action {
                Action::Submit => {
                    let answer = p.text();
                    self.answer_fill_in(answer)
                }
                Action::Input(key) if key.code == crossterm::event::KeyCode::Enter => {
                    let answer = p.text();
                    self.answer_fill_in(answer)
                }
                Action::Input(key) => {
                    p.editor.input(key);
                    Vec::new()
                }
                Action::Back => {
                    self.canned_fill = None;
                    self.overlay = Overlay::None;
                    self.info("Canned reply not sent");
                    Vec::new()
                }
                _ => Vec::new(),
            };
        }
        match action {
            // Closing the box keeps what was typed as a draft of this box
            // on this ticket: the same key brings it back.
            Action::Back => {
                let text = p.editor.lines().join("\n");
                let key = (p.ticket_id, p.kind.draft_key());
                if text.trim().is_empty() {
                    self.drafts.remove(&key);
                    self.overlay = Overlay::None;
                } else if let PromptKind::FirstContact(_) = p.kind {
                    // The call's reply lives with the form: back to it.
                    self.drafts.insert(key, text);
                    self.overlay = Overlay::None;
                } else {
                    self.drafts.insert(key, text);
                    self.overlay = Overlay::None;
                    self.info("Draft kept: the same key opens it again");
                }
                // Saved at once: Esc or Ctrl-C may be the last key before
                // the session drops.
                return self.sync_drafts();
            }
            Action::Cycle => p.cycle_tier(),
            Action::Input(key) => {
                p.editor.input(key);
            }
            Action::Submit => {
                let text = p.text();
                if text.is_empty() {
                    let field = p.kind.field();
                    self.error(format!("{field} must not be empty"));
                    return Vec::new();
                }
                if let PromptKind::FirstContact(source) = p.kind {
                    return self.send_first_contact(source, text);
                }
                // An article's text: sent as edited, and the article linked.
                if let Some((article, how)) = p.article {
                    let op = TicketOp::SendArticle { article, text, how };
                    return vec![Effect::Ticket { id: p.ticket_id, version: p.version, op }];
                }
                // The ticket on screen is already done (reloaded after
                // someone resolved it): the requester was told so; ask.
                let done = self
                    .ticket
                    .detail
                    .as_ref()
                    .filter(|d| d.ticket.id == p.ticket_id && !d.ticket.status.is_active());
                if let (PromptKind::Reply, Some(d)) = (p.kind, done) {
                    let (id, status, version) = (d.ticket.id, d.ticket.status, d.ticket.version);
                    let op = TicketOp::ReplyAnyway(text);
                    self.ask(
                        format!("#{id} is {status} — send the reply anyway? y/n"),
                        super::confirm::OnYes::Effects(vec![Effect::Ticket { id, version, op }]),
                    );
                    return Vec::new();
                }
                // Resolving asks for the time spent first (it rides along).
                if p.kind == PromptKind::Resolve {
                    let (id, version, tier) = (p.ticket_id, p.version, p.ticket_tier);
                    return self.ask_time_to_resolve(id, text, version, tier);
                }
                let number = || {
                    text.trim().trim_start_matches('#').parse::<i64>().ok().filter(|n| *n > 0).map(TicketId)
                };
                let op = match p.kind {
                    PromptKind::FirstContact(_) | PromptKind::Ask => return Vec::new(),
                    // Resolving asks for the time spent first (it rides along).
                    PromptKind::Canned(canned_id, true) => {
                        let (id, version, tier) = (p.ticket_id, p.version, p.ticket_tier);
                        return self.ask_time_to_send_canned(id, canned_id, text, version, tier);
                    }
                    PromptKind::Canned(canned_id, false) => {
                        TicketOp::SendCanned { canned_id, text, resolve: false, spent: None }
                    }
                    PromptKind::Link | PromptKind::Merge | PromptKind::Parent => {
                        let Some(other) = number() else {
                            self.error(format!("'{}' is not a ticket number", text.trim()));
                            return Vec::new();
                        };
                        match p.kind {
                            PromptKind::Link => TicketOp::Link(other),
                            PromptKind::Merge => TicketOp::Merge(other),
                            _ => TicketOp::Parent(other),
                        }
                    }
                    PromptKind::Reply => TicketOp::Reply(text),
                    PromptKind::Note => TicketOp::Note(text),
                    PromptKind::Resolve => TicketOp::Resolve(text),
                    PromptKind::Pending => TicketOp::Pending(text),
                    PromptKind::Escalate(tier) => TicketOp::Escalate(tier, text),
                    PromptKind::Handback(tier) => TicketOp::Handback(tier, text),
                };
                // The prompt stays open until the operation succeeds, so a
                // refused write (conflict, permission) loses no typing.
                return vec![Effect::Ticket { id: p.ticket_id, version: p.version, op }];
            }
            _ => {}
        }
        Vec::new()
    }

    /// After `M` succeeded: the duplicate is closed and points at the
    /// target, so the screen moves to the target (where the work goes on)
    /// instead of showing the duplicate as it was before the merge.
    pub(crate) fn merged(&mut self, from: TicketId, into: TicketId, msg: String) -> Vec<Effect> {
        self.info(msg);
        if let Overlay::Prompt(p) = &self.overlay {
            self.drafts.remove(&(p.ticket_id, p.kind.draft_key()));
        }
        self.overlay = Overlay::None;
        let mut fx = vec![Effect::LoadQueue(self.queue_filter())];
        if self.screen == Screen::Ticket && self.ticket.id == from {
            fx.extend(self.open_ticket(into));
        }
        fx
    }

    pub(crate) fn update_picker(&mut self, action: Action) -> Vec<Effect> {
        if matches!(self.overlay, Overlay::Files(..)) {
            return self.update_files(action);
        }
        if let Overlay::Canned(c) = &mut self.overlay {
            return match action {
                Action::Back => {
                    self.overlay = Overlay::None;
                    Vec::new()
                }
                Action::Up | Action::Down => {
                    c.picker.move_by(if matches!(action, Action::Up) { -1 } else { 1 });
                    c.preview_effect()
                }
                Action::Input(key) if edit_line(&mut c.picker.filter, key) => {
                    c.picker.refilter();
                    c.preview_effect()
                }
                Action::Submit => self.pick_canned(false),
                Action::SubmitResolve => self.pick_canned(true),
                _ => Vec::new(),
            };
        }
        let Overlay::Assign(picker, id, version) = &mut self.overlay else { return Vec::new() };
        match action {
            Action::Back => self.overlay = Overlay::None,
            Action::Up => picker.move_by(-1),
            Action::Down => picker.move_by(1),
            Action::Input(key) if edit_line(&mut picker.filter, key) => picker.refilter(),
            Action::Submit => {
                if let Some(item) = picker.current() {
                    return vec![Effect::Ticket {
                        id: *id,
                        version: *version,
                        op: TicketOp::Assign(item.key.clone()),
                    }];
                }
            }
            _ => {}
        }
        Vec::new()
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

pub(crate) fn tech_items(techs: &[Technician]) -> Vec<PickItem> {
    techs
        .iter()
        .map(|t| PickItem {
            key: t.login.clone(),
            label: format!("{} ({}) tier {}{}", t.name, t.login, t.tier, if t.lead { ", lead" } else { "" }),
        })
        .collect()
}
