//! Search that forgives: our tokenizer and query builder (synonyms, typo
//! correction, compounds, prefixes) in front of FTS5, then ranking and
//! snippets in Rust. Pure logic: the SQL is in `store::search`, the
//! orchestration in `service::suggest`.

pub mod chatter;
pub mod matching;
pub mod query;
pub mod rank;
mod repair;
pub mod similar;
pub mod snippet;
pub mod synonyms;
pub mod tokenize;
pub mod vocab;

use crate::domain::{ArticleStatus, Audience};
use serde::ser::{Serialize, SerializeMap, Serializer};

/// bm25 weights of the article index's columns: title, tags, category,
/// body (the self-help site's script ranks with the same).
pub const COLUMN_WEIGHTS: [f64; 4] = [10.0, 6.0, 2.0, 1.0];

/// What is known about the problem being searched for: results used at the
/// same school or in the same category rank a little higher.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SuggestContext {
    /// School code.
    pub school: Option<String>,
    pub category: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuggestionKind {
    Article,
    Ticket,
}

impl SuggestionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SuggestionKind::Article => "article",
            SuggestionKind::Ticket => "ticket",
        }
    }
}

/// One suggested answer: a published article, or a solved ticket with the
/// public reply that solved it.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub kind: SuggestionKind,
    pub id: i64,
    /// Article title or ticket subject.
    pub title: String,
    /// Why it matched: a stretch of the text, on one line.
    pub snippet: snippet::Snippet,
    /// Higher is better; about 0-1.2, comparable between articles and tickets.
    pub score: f64,
    pub category: Option<String>,
    /// Articles: public or internal.
    pub audience: Option<Audience>,
    /// Articles: the article status; tickets: the ticket status.
    pub status: String,
    /// Tickets: the school code.
    pub school: Option<String>,
    /// Tickets: the public reply that resolved it (never an internal note).
    pub resolution: Option<String>,
}

impl Serialize for Suggestion {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("kind", self.kind.as_str())?;
        m.serialize_entry("id", &self.id)?;
        m.serialize_entry("title", &self.title)?;
        m.serialize_entry("snippet", &self.snippet.text)?;
        m.serialize_entry("highlights", &self.snippet.highlights)?;
        m.serialize_entry("score", &round3(self.score))?;
        m.serialize_entry("category", &self.category)?;
        m.serialize_entry("status", &self.status)?;
        match self.kind {
            SuggestionKind::Article => m.serialize_entry("audience", &self.audience)?,
            SuggestionKind::Ticket => {
                m.serialize_entry("school", &self.school)?;
                m.serialize_entry("resolution", &self.resolution)?;
            }
        }
        m.end()
    }
}

pub fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Which articles a search looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleScope {
    pub statuses: Vec<ArticleStatus>,
    pub audience: Option<Audience>,
    pub category: Option<String>,
}

impl Default for ArticleScope {
    /// Published articles of both audiences (technicians see internal ones).
    fn default() -> Self {
        ArticleScope { statuses: vec![ArticleStatus::Published], audience: None, category: None }
    }
}
