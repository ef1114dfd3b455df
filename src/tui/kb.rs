//! The knowledge-base screen: browse by category, search as you type with a
//! preview, read an article, edit it in $EDITOR, publish it, rate it.

use super::action::{Action, Effect};
use super::app::{edit_line, App, Screen};
use crate::domain::Article;
use crate::domain::ArticleId;

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

    fn load(&self) -> Vec<Effect> {
        vec![Effect::LoadArticles { query: self.query.trim().to_string(), category: self.category.clone() }]
    }

    fn move_by(&mut self, delta: isize) {
        self.cursor.move_by(delta);
    }
}

impl App {
    /// `K` from anywhere; Esc goes back where it was pressed.
    pub(crate) fn start_kb(&mut self) -> Vec<Effect> {
        if self.screen != Screen::Kb {
            self.kb_return = self.screen;
        }
        self.screen = Screen::Kb;
        if self.kb.loaded {
            Vec::new()
        } else {
            self.kb.load()
        }
    }

    /// Loaded articles, if they are still for the search on screen.
    pub(crate) fn articles_loaded(&mut self, query: String, articles: Vec<Article>) {
        if query != self.kb.query.trim() {
            return;
        }
        if query.is_empty() && self.kb.category.is_none() {
            let mut cats: Vec<String> = articles.iter().filter_map(|a| a.category.clone()).collect();
            cats.sort();
            cats.dedup();
            self.kb.categories = cats;
        }
        self.kb.cursor.set_len(articles.len());
        self.kb.articles = articles;
        self.kb.loaded = true;
    }

    /// The latest state of an article replaces the old one everywhere.
    pub(crate) fn article_changed(&mut self, article: Article, msg: String) {
        if !msg.is_empty() {
            self.info(msg);
        }
        if let Some(a) = self.kb.articles.iter_mut().find(|a| a.id == article.id) {
            *a = article.clone();
        }
        if self.kb.open.as_ref().is_some_and(|a| a.id == article.id) {
            self.kb.open = Some(article);
        }
    }

    /// Edit, publish or rate: the article on screen, with the version seen.
    fn article_action(&mut self, action: &Action) -> Vec<Effect> {
        let Some(a) = self.kb.current() else { return Vec::new() };
        let (id, version) = (a.id, a.version);
        match action {
            Action::EditArticle => vec![Effect::EditArticle { id, version }],
            Action::Publish => {
                self.kb.force_publish = Some(id);
                vec![Effect::PublishArticle { id, version, force: false }]
            }
            Action::ForcePublish if self.kb.force_publish == Some(id) => {
                self.kb.force_publish = None;
                vec![Effect::PublishArticle { id, version, force: true }]
            }
            Action::RateHelpful => vec![Effect::RateArticle { id, helpful: true }],
            Action::RateUnhelpful => vec![Effect::RateArticle { id, helpful: false }],
            _ => Vec::new(),
        }
    }

    pub(crate) fn update_kb(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Up => self.kb.move_by(-1),
            Action::Down => self.kb.move_by(1),
            Action::PageUp => self.kb.move_by(-self.page()),
            Action::PageDown => self.kb.move_by(self.page()),
            Action::Top => self.kb.cursor.first(),
            Action::Bottom => self.kb.cursor.last(),
            Action::Scroll(n) => self.kb.move_by(n as isize),
            Action::Click(y) => {
                let Some((row, rows)) = crate::tui::layout::kb_row_at(y, self.size) else {
                    return Vec::new();
                };
                let target = self.kb.cursor.offset(rows) + row as usize;
                if self.kb.cursor.is(target) {
                    return self.update_kb(Action::Open);
                }
                self.kb.cursor.select(target);
            }
            Action::Open => {
                if let Some(a) = self.kb.articles.get(self.kb.cursor.index()) {
                    let id = a.id;
                    self.kb.open = Some(a.clone());
                    self.kb.scroll = 0;
                    return vec![Effect::ViewArticle(id)];
                }
            }
            Action::StartFilter => self.kb.searching = true,
            Action::CycleCategory => {
                self.kb.category = match &self.kb.category {
                    None => self.kb.categories.first().cloned(),
                    Some(cur) => {
                        let i = self.kb.categories.iter().position(|c| c == cur);
                        i.and_then(|i| self.kb.categories.get(i + 1)).cloned()
                    }
                };
                self.kb.cursor.first();
                return self.kb.load();
            }
            Action::EditArticle
            | Action::Publish
            | Action::ForcePublish
            | Action::RateHelpful
            | Action::RateUnhelpful => return self.article_action(&action),
            Action::Reply | Action::Resolve | Action::LinkTo => return self.article_to_ticket(&action),
            Action::Back => self.screen = self.kb_return,
            Action::Jump => return self.start_jump(),
            Action::Palette => return self.start_palette(),
            _ => {}
        }
        Vec::new()
    }

    pub(crate) fn update_kb_search(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Submit => self.kb.searching = false,
            Action::Back => {
                self.kb.searching = false;
                self.kb.query.clear();
                return self.kb.load();
            }
            Action::Up => self.kb.move_by(-1),
            Action::Down => self.kb.move_by(1),
            Action::Input(key) if edit_line(&mut self.kb.query, key) => {
                self.kb.cursor.first();
                return self.kb.load();
            }
            _ => {}
        }
        Vec::new()
    }

    pub(crate) fn update_article(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Up => self.kb.scroll = self.kb.scroll.saturating_sub(1),
            Action::Down => self.kb.scroll = self.kb.scroll.saturating_add(1),
            Action::PageUp => self.kb.scroll = self.kb.scroll.saturating_sub(self.page_cells()),
            Action::PageDown => self.kb.scroll = self.kb.scroll.saturating_add(self.page_cells()),
            Action::Top => self.kb.scroll = 0,
            Action::Bottom => self.kb.scroll = u16::MAX,
            Action::Scroll(n) => self.kb.scroll = self.kb.scroll.saturating_add_signed(n),
            Action::EditArticle
            | Action::Publish
            | Action::ForcePublish
            | Action::RateHelpful
            | Action::RateUnhelpful => return self.article_action(&action),
            Action::Reply | Action::Resolve | Action::LinkTo => return self.article_to_ticket(&action),
            Action::Back => self.kb.open = None,
            Action::Jump => return self.start_jump(),
            Action::Palette => return self.start_palette(),
            _ => {}
        }
        Vec::new()
    }
}
