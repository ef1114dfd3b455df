//! Moving between screens: what a screen's `Nav` asks for, carried out,
//! and where each screen goes back to.

use super::{App, Overlay, Screen};
use crate::domain::{Ticket, TicketId};
use crate::tui::action::Effect;
use crate::tui::form::NewTicketForm;
use crate::tui::prompt::{Prompt, PromptKind};
use crate::tui::screen::{Nav, Outcome};

impl App {
    /// Carries out what a screen asked for.
    pub(super) fn follow(&mut self, out: Outcome) -> Vec<Effect> {
        let Outcome { mut effects, nav } = out;
        let more = match nav {
            Nav::Stay => Vec::new(),
            Nav::Back => self.back(),
            Nav::BackAskingTime => self.leave_or_ask_time(),
            Nav::To(screen) => {
                self.screen = screen;
                Vec::new()
            }
            Nav::OpenTicket(id) => self.open_ticket(id),
            Nav::NewTicket => self.start_form(),
            Nav::Kb => self.start_kb(),
            Nav::KbForTicket { typing } => {
                let subject = self.ticket.ticket().map(|t| t.subject.clone()).unwrap_or_default();
                self.kb_return = Screen::Ticket;
                self.screen = Screen::Kb;
                self.kb.start_for_ticket(subject, typing)
            }
            Nav::Overlay(o) => {
                self.overlay = o;
                Vec::new()
            }
            Nav::Ask(question, on_yes) => {
                self.ask(question, on_yes);
                Vec::new()
            }
            Nav::Palette => self.start_palette(),
            Nav::JoinCaller { ticket, note } => self.join_caller(&ticket, note),
            Nav::ResolveCall(new, how) => self.ask_time_for_call(*new, how),
            Nav::Error(msg) => {
                self.error(msg);
                Vec::new()
            }
        };
        effects.extend(more);
        effects
    }

    /// Esc on a screen: back where it was opened from.
    fn back(&mut self) -> Vec<Effect> {
        match self.screen {
            Screen::Ticket => self.leave_ticket(),
            Screen::NewTicket => {
                self.form = None;
                self.screen = self.form_return;
                Vec::new()
            }
            Screen::Kb => {
                self.screen = self.kb_return;
                Vec::new()
            }
            Screen::Dashboard | Screen::Queue => {
                self.screen = Screen::Queue;
                Vec::new()
            }
        }
    }

    pub(crate) fn open_ticket(&mut self, id: TicketId) -> Vec<Effect> {
        let mut fx = Vec::new();
        if self.ticket.id != id {
            if self.screen == Screen::Ticket {
                fx.push(Effect::LeavePresence(self.ticket.id));
            }
            self.ticket.switch_to(id);
            self.time_opened();
        } else if self.screen != Screen::Ticket {
            self.time_opened();
        }
        self.screen = Screen::Ticket;
        fx.extend([Effect::LoadTicket(id), Effect::Presence(id)]);
        fx
    }

    pub(crate) fn leave_ticket(&mut self) -> Vec<Effect> {
        self.screen = Screen::Queue;
        self.ticket.viewers.clear();
        vec![Effect::LeavePresence(self.ticket.id)]
    }

    /// `n`: the form, over the requesters known so far; they are read
    /// again at once (and whenever the database changes while it is open)
    /// so someone just added by mail or the CLI can be picked.
    fn start_form(&mut self) -> Vec<Effect> {
        self.form_return = match self.screen {
            Screen::NewTicket => Screen::Queue,
            other => other,
        };
        self.screen = Screen::NewTicket;
        self.time.call_started = Some(self.now);
        self.form = Some(NewTicketForm::new(self.people.clone().unwrap_or_default()));
        self.restore_form_draft();
        let mut fx = vec![Effect::LoadRequesters];
        if let Some(form) = &mut self.form {
            fx.extend(form.caller_effect());
            // A phone ticket brought back from its draft gets its
            // suggestions at once, as if just typed.
            fx.extend(form.suggest_effect());
        }
        fx
    }

    /// Ctrl-O in the form: the caller's ticket, with a note box holding
    /// what was typed (after any note draft on it), instead of a duplicate.
    fn join_caller(&mut self, t: &Ticket, note: String) -> Vec<Effect> {
        self.form = None;
        self.drafts.remove(&crate::tui::drafts::FORM_KEY);
        let mut fx = self.open_ticket(t.id);
        let mut p = Prompt::new(PromptKind::Note, t.id, t.version, t.tier);
        if let Some(draft) = self.drafts.get(&(t.id, "note")) {
            p.editor.insert_str(format!("{draft}\n"));
        }
        p.editor.insert_str(note);
        self.overlay = Overlay::Prompt(Box::new(p));
        self.info(format!("Joined #{}: Ctrl-S adds the note, Esc keeps it as a draft", t.id));
        fx.extend(self.sync_drafts());
        fx
    }

    /// `K` from anywhere; Esc goes back where it was pressed.
    fn start_kb(&mut self) -> Vec<Effect> {
        if self.screen != Screen::Kb {
            self.kb_return = self.screen;
        }
        self.screen = Screen::Kb;
        self.kb.start()
    }
}
