//! What the service answered (rows loaded, a change made or refused) and
//! what time passing does: each result goes to the screen or overlay it is
//! for, if that is still on screen.

use super::{App, Overlay, Screen};
use crate::domain::{TicketId, Version};
use crate::tui::action::{Action, ArticleAnswer, Effect, SendAs, TicketOp};
use crate::tui::canned::canned_items;
use crate::tui::confirm::OnYes;
use crate::tui::prompt::{Prompt, PromptKind};
use crate::tui::ticket::tech_items;
use crate::tui::undo::{Undo, WINDOW_SECS};
use chrono::Duration;

impl App {
    /// Applies a result of the service; any other action is given back.
    pub(super) fn result(&mut self, action: Action) -> Result<Vec<Effect>, Action> {
        let fx = match action {
            Action::Undoable(undo, outcome) => self.undoable(*undo, *outcome),
            Action::DraftsLoaded(rows) => {
                self.drafts_loaded(rows);
                Vec::new()
            }
            Action::NoticesLoaded(notices) => {
                self.notices = notices;
                Vec::new()
            }
            Action::CallerLoaded(email, tickets) => {
                if let Some(form) = &mut self.form {
                    form.caller_loaded(&email, tickets);
                }
                Vec::new()
            }
            Action::CannedFilled(id, resolve, text) => {
                self.canned_filled(id, resolve, text);
                Vec::new()
            }
            Action::Viewers(id, who) => {
                if id == self.ticket.id {
                    self.ticket.viewers = who;
                }
                Vec::new()
            }
            Action::QueueLoaded(items) => self.queue.loaded(items),
            Action::TicketLoaded(loaded) => {
                crate::tui::guards::refresh_versions(&mut self.overlay, &loaded.detail.ticket);
                if let Some(old) = self.ticket.loaded(*loaded) {
                    if old.is_none() {
                        self.offer_drafts(self.ticket.id);
                    }
                    let old = old.map(|d| d.ticket);
                    if let Some(new) = self.ticket.ticket() {
                        let taken = crate::tui::guards::taken_away(
                            old.as_ref(),
                            new,
                            self.status.as_ref(),
                            &self.me,
                            &self.techs,
                        );
                        if let Some(msg) = taken {
                            self.error(msg);
                        }
                    }
                }
                Vec::new()
            }
            Action::Conflict(id, msg) => {
                self.error(format!("{msg} — reloaded; what you typed is kept: send it again"));
                let mut fx = self.sync_drafts();
                fx.extend([Effect::LoadTicket(id), Effect::LoadQueue(self.queue_filter())]);
                fx
            }
            Action::ReplyConflict(id, text, msg) => {
                let under_prompt = matches!(&self.overlay, Overlay::Prompt(p) if p.ticket_id == id);
                if under_prompt {
                    let op = TicketOp::ReplyAnyway(text);
                    let version = self.ticket.ticket().map_or(Version(0), |t| t.version);
                    self.ask(
                        format!("{msg} — send the reply anyway? y/n"),
                        OnYes::Effects(vec![Effect::Ticket { id, version, op }]),
                    );
                } else {
                    self.error(msg);
                }
                let mut fx = self.sync_drafts();
                fx.push(Effect::LoadTicket(id));
                fx
            }
            Action::PreviewLoaded(title, text) => {
                self.overlay = Overlay::Preview { title, text, scroll: 0 };
                Vec::new()
            }
            Action::ArticleComposed(answer) => {
                self.article_composed(*answer);
                Vec::new()
            }
            Action::ReuseLoaded(source, text) => {
                self.reuse_loaded(source, text);
                Vec::new()
            }
            Action::CannedLoaded(solutions) => {
                if let Overlay::Canned(c) = &mut self.overlay {
                    c.picker.items = canned_items(&solutions, c.category.as_deref());
                    c.solutions = solutions;
                    c.picker.refilter();
                    return Ok(c.preview_effect());
                }
                Vec::new()
            }
            Action::DashboardLoaded(week) => self.dashboard.week_loaded(*week),
            Action::TrendLoaded(week, trend) => {
                self.dashboard.trend_loaded(week, trend);
                Vec::new()
            }
            Action::ArticlesLoaded(query, articles) => {
                self.kb.articles_loaded(query, articles);
                Vec::new()
            }
            Action::ArticleChanged(article, msg) => {
                if !msg.is_empty() {
                    self.info(msg);
                }
                self.kb.article_changed(*article);
                Vec::new()
            }
            Action::SuggestionsLoaded(text, suggestions) => {
                if let Some(form) = &mut self.form {
                    form.suggestions_loaded(&text, suggestions);
                }
                Vec::new()
            }
            Action::CannedPreview(id, text) => {
                if let Overlay::Canned(c) = &mut self.overlay {
                    c.preview = Some((id, text));
                }
                Vec::new()
            }
            Action::AttachmentsLoaded(id, rows) => {
                if rows.is_empty() && matches!(self.overlay, Overlay::Files(_, open) if open == id) {
                    self.overlay = Overlay::None;
                    self.error(format!("#{id} has no attachments"));
                    return Ok(Vec::new());
                }
                if let Overlay::Files(picker, open) = &mut self.overlay {
                    if *open == id {
                        picker.items = crate::tui::files::items(&rows);
                        picker.refilter();
                    }
                }
                Vec::new()
            }
            Action::TechsLoaded(techs) => {
                self.techs = techs;
                if let Overlay::Assign(picker, ..) = &mut self.overlay {
                    picker.items = tech_items(&self.techs);
                    picker.refilter();
                }
                Vec::new()
            }
            Action::SchoolsLoaded(codes) => {
                self.schools = codes;
                Vec::new()
            }
            Action::RequestersLoaded(people) => {
                if self.people.as_ref() == Some(&people) {
                    return Ok(Vec::new());
                }
                if let Some(form) = &mut self.form {
                    form.set_people(people.clone());
                }
                self.people = Some(people);
                Vec::new()
            }
            Action::Done(msg) => {
                self.info(msg);
                Vec::new()
            }
            Action::Failed(msg) => {
                self.error(msg);
                Vec::new()
            }
            Action::TicketChanged(ticket, msg) => {
                self.info(msg);
                self.time_logged(&ticket);
                if let Overlay::Prompt(p) = &self.overlay {
                    self.drafts.remove(&(p.ticket_id, p.kind.draft_key()));
                }
                self.overlay = Overlay::None;
                let mut fx = self.sync_drafts();
                fx.push(Effect::LoadQueue(self.queue_filter()));
                if self.screen == Screen::Ticket && self.ticket.id == ticket.id {
                    fx.push(Effect::LoadTicket(ticket.id));
                }
                fx
            }
            Action::TicketMerged { from, into, msg } => self.merged(from, into.id, msg),
            Action::TicketCreated(ticket) => {
                self.info(format!(
                    "Logged #{} for {} at {}",
                    ticket.id, ticket.requester_name, ticket.school
                ));
                self.form = None;
                self.drafts.remove(&crate::tui::drafts::FORM_KEY);
                self.drafts.remove(&(TicketId(0), "first-contact"));
                let mut fx = self.sync_drafts();
                fx.extend(self.open_ticket(ticket.id));
                fx
            }
            other => return Err(other),
        };
        Ok(fx)
    }

    /// After `M` succeeded: the duplicate is closed and points at the
    /// target, so the screen moves to the target (where the work goes on)
    /// instead of showing the duplicate as it was before the merge.
    fn merged(&mut self, from: TicketId, into: TicketId, msg: String) -> Vec<Effect> {
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

    /// The article's text arrived: back on the ticket, in the reply or
    /// resolve box, to edit before Ctrl-S sends it (and links the article).
    fn article_composed(&mut self, a: ArticleAnswer) {
        let Some(t) = self.ticket.ticket().filter(|t| t.id == a.ticket_id) else {
            return;
        };
        let kind = match a.how {
            SendAs::Reply => PromptKind::Reply,
            SendAs::Resolution => PromptKind::Resolve,
        };
        let mut p = Prompt::new(kind, t.id, t.version, t.tier);
        p.article = Some((a.article_id, a.how));
        p.editor.insert_str(&a.text);
        p.editor.move_cursor(ratatui_textarea::CursorMove::Jump(0, 0));
        self.screen = Screen::Ticket;
        self.overlay = Overlay::Prompt(Box::new(p));
    }

    /// A solved ticket's answer arrived: edit it in a reply box before the
    /// call is logged resolved with it.
    fn reuse_loaded(&mut self, source: TicketId, text: String) {
        if self.screen != Screen::NewTicket || self.form.is_none() {
            return;
        }
        let mut p =
            Prompt::new(PromptKind::FirstContact(source), TicketId(0), Version(0), crate::domain::Tier::One);
        p.editor.insert_str(text);
        p.editor.move_cursor(ratatui_textarea::CursorMove::Top);
        self.overlay = Overlay::Prompt(Box::new(p));
    }

    /// An undoable operation succeeded: its outcome, then the offer.
    fn undoable(&mut self, mut undo: Undo, outcome: Action) -> Vec<Effect> {
        let fx = self.update(outcome);
        undo.until = Some(self.now + Duration::seconds(WINDOW_SECS));
        self.info(undo.line(self.now));
        self.undo = Some(undo);
        fx
    }

    /// `u`: the reverse operation while the window is open.
    pub(crate) fn undo_last(&mut self) -> Vec<Effect> {
        match self.undo.take() {
            Some(u) if u.until.is_some_and(|t| t > self.now) => {
                self.info(format!("Undoing: {}…", u.what));
                vec![Effect::Undo(u.op)]
            }
            _ => {
                self.error("Nothing to undo (undo lasts a few seconds after close, take or publish)");
                Vec::new()
            }
        }
    }

    /// Time passed: the countdown moves on; at the end the offer is gone.
    pub(crate) fn tick_undo(&mut self) {
        let Some(u) = &self.undo else { return };
        let showing = self.status.as_ref().is_some_and(|(m, e)| !e && m.starts_with(&u.what));
        if u.until.is_some_and(|t| t <= self.now) {
            if showing {
                self.status = None;
            }
            self.undo = None;
        } else if showing {
            self.status = Some((u.line(self.now), false));
        }
    }
}
