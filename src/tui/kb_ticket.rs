//! The knowledge base inside a ticket: `K` lists the articles for the
//! ticket (its subject searched), `/` searches; on an article `r` or `s`
//! opens it in the reply or resolve box (its public text and portal link,
//! to edit before Ctrl-S), and `L` links it to the ticket without sending.

use super::action::{Action, ArticleAnswer, Effect, SendAs, TicketOp};
use super::app::{App, Overlay, Screen};
use super::prompt::{Prompt, PromptKind};
use crate::domain::Ticket;

impl App {
    /// The ticket the knowledge base was opened from, while it is shown.
    pub fn kb_ticket(&self) -> Option<&Ticket> {
        if self.screen != Screen::Kb || self.kb_return != Screen::Ticket {
            return None;
        }
        self.ticket.detail.as_ref().map(|d| &d.ticket)
    }

    /// `K` (articles for the ticket's subject) or `/` (type a search) on
    /// the ticket screen.
    pub(crate) fn start_kb_for_ticket(&mut self, typing: bool) -> Vec<Effect> {
        let subject = self.ticket.detail.as_ref().map(|d| d.ticket.subject.clone()).unwrap_or_default();
        self.kb_return = Screen::Ticket;
        self.screen = Screen::Kb;
        self.kb.open = None;
        self.kb.category = None;
        self.kb.searching = typing;
        self.kb.query = if typing { String::new() } else { subject };
        self.kb.cursor.first();
        vec![Effect::LoadArticles { query: self.kb.query.trim().to_string(), category: None }]
    }

    /// `r`, `s` or `L` on an article while the knowledge base is open from
    /// a ticket.
    pub(crate) fn article_to_ticket(&mut self, action: &Action) -> Vec<Effect> {
        let Some(t) = self.kb_ticket() else { return Vec::new() };
        let (ticket_id, version) = (t.id, t.version);
        let Some(article_id) = self.kb.current().map(|a| a.id) else {
            self.error("no article highlighted");
            return Vec::new();
        };
        match action {
            Action::Reply => vec![Effect::ComposeArticle { ticket_id, article_id, how: SendAs::Reply }],
            Action::Resolve => {
                vec![Effect::ComposeArticle { ticket_id, article_id, how: SendAs::Resolution }]
            }
            Action::LinkTo => {
                vec![Effect::Ticket { id: ticket_id, version, op: TicketOp::LinkArticle(article_id) }]
            }
            _ => Vec::new(),
        }
    }

    /// The article's text arrived: back on the ticket, in the reply or
    /// resolve box, to edit before Ctrl-S sends it (and links the article).
    pub(crate) fn article_composed(&mut self, a: ArticleAnswer) {
        let Some(t) = self.ticket.detail.as_ref().map(|d| &d.ticket).filter(|t| t.id == a.ticket_id) else {
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
}
