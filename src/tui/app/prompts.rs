//! The router's text boxes over a ticket (reply, note, reasons, ticket
//! numbers, an edited canned reply and its fill-ins): Esc keeps a draft,
//! Ctrl-S sends, and what sending needs first (a question, the time spent)
//! is asked here.

use super::{App, Overlay};
use crate::domain::{CannedId, TicketId, Tier};
use crate::service::deflect::FirstContact;
use crate::tui::action::{Action, Effect, TicketOp};
use crate::tui::canned::CannedFill;
use crate::tui::confirm::OnYes;
use crate::tui::prompt::{Prompt, PromptKind};

impl App {
    /// Enter (or Ctrl-R) on a canned solution: its fill-ins are asked in
    /// turn, then the filled text opens in a reply box to edit.
    pub(super) fn pick_canned(&mut self, resolve: bool) -> Vec<Effect> {
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

    pub(super) fn update_prompt(&mut self, action: Action) -> Vec<Effect> {
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
                    // The call is logged resolved with the edited text.
                    let Some(form) = &self.form else { return Vec::new() };
                    let how = FirstContact::EditedReply { source, message: text };
                    return self.ask_time_for_call(form.to_new_ticket(), how);
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
                        OnYes::Effects(vec![Effect::Ticket { id, version, op }]),
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
}
