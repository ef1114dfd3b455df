//! The knowledge-base screen: browse by category, search as you type with a
//! preview, read an article, edit it in $EDITOR, publish it, rate it.

use super::action::{Action, Effect};
use super::action::{SendAs, TicketOp};
use super::overlay::Overlay;
use super::screen::{edit_line, Ctx, Nav, Outcome};
use crate::domain::Article;
use crate::domain::ArticleId;
use crate::domain::Ticket;

#[derive(Default)]
pub struct KbState {
    pub articles: Vec<Article>,
    /// The highlighted article of `articles`.
    pub cursor: super::cursor::ListCursor,
    pub query: String,
    pub searching: bool,
    pub category: Option<String>,
    /// Every category seen in the unfiltered list, for Tab.
    pub categories: Vec<String>,
    /// The article being read, if one is open.
    pub open: Option<Article>,
    pub scroll: u16,
    pub loaded: bool,
    /// The article whose publishing was asked for: F publishes it anyway
    /// after a duplicate warning.
    pub force_publish: Option<ArticleId>,
}

impl KbState {
    pub fn current(&self) -> Option<&Article> {
        self.open.as_ref().or_else(|| self.articles.get(self.cursor.index()))
    }

    pub(crate) fn load(&self) -> Vec<Effect> {
        vec![Effect::LoadArticles { query: self.query.trim().to_string(), category: self.category.clone() }]
    }

    fn move_by(&mut self, delta: isize) {
        self.cursor.move_by(delta);
    }
}

impl KbState {
    /// `K`: the articles as they were left, loaded the first time.
    pub fn start(&self) -> Vec<Effect> {
        if self.loaded {
            Vec::new()
        } else {
            self.load()
        }
    }

    /// `K` (articles for the ticket's subject) or `/` (type a search) on
    /// the ticket screen.
    pub fn start_for_ticket(&mut self, subject: String, typing: bool) -> Vec<Effect> {
        self.open = None;
        self.category = None;
        self.searching = typing;
        self.query = if typing { String::new() } else { subject };
        self.cursor.first();
        vec![Effect::LoadArticles { query: self.query.trim().to_string(), category: None }]
    }

    /// Loaded articles, if they are still for the search on screen.
    pub fn articles_loaded(&mut self, query: String, articles: Vec<Article>) {
        if query != self.query.trim() {
            return;
        }
        if query.is_empty() && self.category.is_none() {
            let mut cats: Vec<String> = articles.iter().filter_map(|a| a.category.clone()).collect();
            cats.sort();
            cats.dedup();
            self.categories = cats;
        }
        self.cursor.set_len(articles.len());
        self.articles = articles;
        self.loaded = true;
    }

    /// The latest state of an article replaces the old one everywhere.
    pub fn article_changed(&mut self, article: Article) {
        if let Some(a) = self.articles.iter_mut().find(|a| a.id == article.id) {
            *a = article.clone();
        }
        if self.open.as_ref().is_some_and(|a| a.id == article.id) {
            self.open = Some(article);
        }
    }

    /// Edit, publish or rate: the article on screen, with the version seen.
    fn article_action(&mut self, action: &Action) -> Outcome {
        let Some(a) = self.current() else { return Outcome::none() };
        let (id, version) = (a.id, a.version);
        let fx = match action {
            Action::EditArticle => vec![Effect::EditArticle { id, version }],
            Action::Publish => {
                self.force_publish = Some(id);
                vec![Effect::PublishArticle { id, version, force: false }]
            }
            Action::ForcePublish if self.force_publish == Some(id) => {
                self.force_publish = None;
                vec![Effect::PublishArticle { id, version, force: true }]
            }
            Action::RateHelpful => vec![Effect::RateArticle { id, helpful: true }],
            Action::RateUnhelpful => vec![Effect::RateArticle { id, helpful: false }],
            _ => Vec::new(),
        };
        fx.into()
    }

    /// `r`, `s` or `L` on an article while the knowledge base is open from
    /// a ticket (`ticket`).
    fn article_to_ticket(&self, action: &Action, ticket: Option<&Ticket>) -> Outcome {
        let Some(t) = ticket else { return Outcome::none() };
        let (ticket_id, version) = (t.id, t.version);
        let Some(article_id) = self.current().map(|a| a.id) else {
            return Outcome::error("no article highlighted");
        };
        let fx = match action {
            Action::Reply => vec![Effect::ComposeArticle { ticket_id, article_id, how: SendAs::Reply }],
            Action::Resolve => {
                vec![Effect::ComposeArticle { ticket_id, article_id, how: SendAs::Resolution }]
            }
            Action::LinkTo => {
                vec![Effect::Ticket { id: ticket_id, version, op: TicketOp::LinkArticle(article_id) }]
            }
            _ => Vec::new(),
        };
        fx.into()
    }

    /// The knowledge base's keys: the list, the search being typed, or the
    /// article being read. `ticket`: the ticket it was opened from.
    pub fn update(&mut self, action: Action, ctx: &Ctx, ticket: Option<&Ticket>) -> Outcome {
        if self.open.is_some() {
            return self.update_article(action, ctx, ticket);
        }
        if self.searching {
            return self.update_search(action);
        }
        match action {
            Action::Up => self.move_by(-1),
            Action::Down => self.move_by(1),
            Action::PageUp => self.move_by(-ctx.page()),
            Action::PageDown => self.move_by(ctx.page()),
            Action::Top => self.cursor.first(),
            Action::Bottom => self.cursor.last(),
            Action::Scroll(n) => self.move_by(n as isize),
            Action::Click(y) => {
                let Some((row, rows)) = super::layout::kb_row_at(y, ctx.size) else {
                    return Outcome::none();
                };
                let target = self.cursor.offset(rows) + row as usize;
                if self.cursor.is(target) {
                    return self.update(Action::Open, ctx, ticket);
                }
                self.cursor.select(target);
            }
            Action::Open => {
                if let Some(a) = self.articles.get(self.cursor.index()) {
                    let id = a.id;
                    self.open = Some(a.clone());
                    self.scroll = 0;
                    return vec![Effect::ViewArticle(id)].into();
                }
            }
            Action::StartFilter => self.searching = true,
            Action::CycleCategory => {
                self.category = match &self.category {
                    None => self.categories.first().cloned(),
                    Some(cur) => {
                        let i = self.categories.iter().position(|c| c == cur);
                        i.and_then(|i| self.categories.get(i + 1)).cloned()
                    }
                };
                self.cursor.first();
                return self.load().into();
            }
            Action::EditArticle
            | Action::Publish
            | Action::ForcePublish
            | Action::RateHelpful
            | Action::RateUnhelpful => return self.article_action(&action),
            Action::Reply | Action::Resolve | Action::LinkTo => {
                return self.article_to_ticket(&action, ticket)
            }
            Action::Back => return Nav::Back.into(),
            Action::Jump => return Nav::Overlay(Overlay::Jump(String::new())).into(),
            Action::Palette => return Nav::Palette.into(),
            _ => {}
        }
        Outcome::none()
    }

    fn update_search(&mut self, action: Action) -> Outcome {
        match action {
            Action::Submit => self.searching = false,
            Action::Back => {
                self.searching = false;
                self.query.clear();
                return self.load().into();
            }
            Action::Up => self.move_by(-1),
            Action::Down => self.move_by(1),
            Action::Input(key) if edit_line(&mut self.query, key) => {
                self.cursor.first();
                return self.load().into();
            }
            _ => {}
        }
        Outcome::none()
    }

    fn update_article(&mut self, action: Action, ctx: &Ctx, ticket: Option<&Ticket>) -> Outcome {
        match action {
            Action::Up => self.scroll = self.scroll.saturating_sub(1),
            Action::Down => self.scroll = self.scroll.saturating_add(1),
            Action::PageUp => self.scroll = self.scroll.saturating_sub(ctx.page_cells()),
            Action::PageDown => self.scroll = self.scroll.saturating_add(ctx.page_cells()),
            Action::Top => self.scroll = 0,
            Action::Bottom => self.scroll = u16::MAX,
            Action::Scroll(n) => self.scroll = self.scroll.saturating_add_signed(n),
            Action::EditArticle
            | Action::Publish
            | Action::ForcePublish
            | Action::RateHelpful
            | Action::RateUnhelpful => return self.article_action(&action),
            Action::Reply | Action::Resolve | Action::LinkTo => {
                return self.article_to_ticket(&action, ticket)
            }
            Action::Back => self.open = None,
            Action::Jump => return Nav::Overlay(Overlay::Jump(String::new())).into(),
            Action::Palette => return Nav::Palette.into(),
            _ => {}
        }
        Outcome::none()
    }
}
