//! Suggestions and knowledge-base search: the API the console calls on every
//! keystroke and `ticket new` calls before logging. Candidates come from FTS5
//! (capped, so the cost does not grow with the number of matches), then are
//! re-ranked in Rust by how much of the question they answer, bm25,
//! context and usefulness.

use super::Desk;
use crate::domain::{Article, ArticleStatus};
use crate::domain::{ArticleId, TicketId, Version};
use crate::search::matching::{
    coverage, coverage_at_most, FieldWords, BODY_FACTOR, CATEGORY_FACTOR, TAGS_FACTOR, TITLE_FACTOR,
};
use crate::search::query::Query;
use crate::search::rank::{self, ArticleSignals, TicketSignals, MIN_COVERAGE};
use crate::search::snippet::{self, Snippet};
use crate::search::synonyms::Synonyms;
use crate::search::vocab::Vocab;
use crate::search::{ArticleScope, SuggestContext, Suggestion, SuggestionKind};
use crate::store::{directory as dir, kb as rows, search as fts};
use crate::{Error, Result};
use rusqlite::Connection;
use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

/// Articles taken from FTS5 per pass before re-ranking.
pub(crate) const ARTICLE_CANDIDATES: usize = 40;
/// Solved tickets taken from FTS5 per pass before re-ranking.
const TICKET_CANDIDATES: usize = 100;
pub const MAX_LIMIT: usize = 100;
/// Words of a snippet.
const OPENING_WORDS: usize = 20;

/// `store::search::generation` when the vocabulary was loaded.
type Generation = i64;

/// Articles kept analysed between keystrokes (about 10 KB each).
const MAX_PREPARED: usize = 1000;

/// Search state kept between keystrokes: the article vocabulary until the
/// database changes, and articles already analysed for ranking (keyed by id
/// and version, so an edit is never missed). Analysing candidates is most of
/// the cost of a search (tokenizing Markdown bodies), and as someone types
/// the same candidates come back keystroke after keystroke.
#[derive(Clone, Default)]
pub struct Cache {
    inner: Rc<RefCell<CacheState>>,
}

#[derive(Default)]
struct CacheState {
    vocab: Option<(Generation, Rc<Vocab>)>,
    /// A vocabulary built here and not yet saved for the next process:
    /// (generation, articles, `vocab::to_lines`).
    unsaved: Option<(Generation, u32, String)>,
    articles: HashMap<(ArticleId, Version), Rc<Prepared>>,
}

/// An article analysed for ranking and snippets. The body, by far the
/// longest field, is analysed only when a ranking needs it (see
/// `rank_articles`): most candidates are ruled out by their title alone.
pub(crate) struct Prepared {
    title: FieldWords,
    tags: FieldWords,
    category: FieldWords,
    body: OnceCell<Body>,
}

struct Body {
    plain: String,
    words: FieldWords,
}

impl Prepared {
    fn new(a: &Article) -> Prepared {
        Prepared {
            title: FieldWords::new(&a.title),
            tags: FieldWords::new(&a.tags.join(", ")),
            category: FieldWords::new(a.category.as_deref().unwrap_or("")),
            body: OnceCell::new(),
        }
    }

    /// The fields other than the body, with their factors.
    fn head(&self) -> [(&FieldWords, f64); 3] {
        [(&self.title, TITLE_FACTOR), (&self.tags, TAGS_FACTOR), (&self.category, CATEGORY_FACTOR)]
    }

    /// The body of `a` (the article this was prepared from), analysed once.
    fn body(&self, a: &Article) -> &Body {
        self.body.get_or_init(|| {
            let plain = crate::domain::markdown::plain_markdown(&a.body);
            Body { words: FieldWords::new(&plain), plain }
        })
    }
}

impl Cache {
    pub(crate) fn vocab(&self, conn: &Connection) -> Result<Rc<Vocab>> {
        let generation = fts::generation(conn)?;
        if let Some((g, v)) = &self.inner.borrow().vocab {
            if *g == generation {
                return Ok(v.clone());
            }
        }
        // Walking the whole article index for its vocabulary was most of a
        // one-shot command's time (~55 ms at 20,000 articles), so the last
        // process to build it saves it (migration 0020) and others load it.
        let saved =
            fts::saved_vocab(conn, generation)?.and_then(|(text, docs)| Vocab::from_saved(text, docs));
        let vocab = match saved {
            Some(found) => found,
            None => {
                let (terms, docs) = fts::article_vocab(conn)?;
                let text = crate::search::vocab::to_lines(&terms);
                self.inner.borrow_mut().unsaved = Some((generation, docs, text));
                Vocab::new(terms, docs)
            }
        };
        let vocab = Rc::new(vocab.with_extra(Synonyms::builtin().words()));
        self.inner.borrow_mut().vocab = Some((generation, vocab.clone()));
        Ok(vocab)
    }

    /// Saves a vocabulary built by this cache for the next process (once);
    /// `write` runs the statement (see `Store::try_cache_write`, or the
    /// caller's own transaction). Returns whether it was saved.
    pub(crate) fn save_vocab(&self, write: impl FnOnce(&dyn Fn(&Connection) -> Result<()>) -> bool) -> bool {
        let Some((generation, docs, text)) = self.inner.borrow_mut().unsaved.take() else {
            return false;
        };
        write(&|conn: &Connection| fts::save_vocab(conn, generation, docs, &text))
    }

    fn prepared(&self, a: &Article) -> Rc<Prepared> {
        let key = (a.id, a.version);
        if let Some(p) = self.inner.borrow().articles.get(&key) {
            return p.clone();
        }
        let p = Rc::new(Prepared::new(a));
        let mut state = self.inner.borrow_mut();
        if state.articles.len() >= MAX_PREPARED {
            state.articles.clear();
        }
        state.articles.insert(key, p.clone());
        p
    }
}

/// An article found by a search, with why and how well it matched.
#[derive(Debug, Clone)]
pub struct ArticleHit {
    pub article: Article,
    pub score: f64,
    /// Share of the question it answers (0-1).
    pub coverage: f64,
    pub snippet: Snippet,
}

fn check_limit(limit: usize) -> Result<usize> {
    if limit == 0 || limit > MAX_LIMIT {
        return Err(Error::invalid(format!("invalid limit {limit}: expected 1 to {MAX_LIMIT}")));
    }
    Ok(limit)
}

fn check_context(conn: &Connection, ctx: &SuggestContext) -> Result<SuggestContext> {
    let school = match &ctx.school {
        Some(code) if !code.trim().is_empty() => {
            let s = dir::find_school(conn, code.trim())?.ok_or_else(|| {
                Error::not_found(format!("school {} not found", code.trim().to_uppercase()))
            })?;
            Some(s.code)
        }
        _ => None,
    };
    let category = ctx.category.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(str::to_lowercase);
    Ok(SuggestContext { school, category })
}

/// Candidate articles for `q`: every known group first; when that finds
/// few, any group too.
fn article_candidates(
    conn: &Connection,
    q: &Query,
    statuses: &[ArticleStatus],
) -> Result<HashMap<ArticleId, f64>> {
    let mut found: HashMap<ArticleId, f64> = HashMap::new();
    if q.has_several_known() {
        if let Some(all) = q.fts_all(false) {
            found.extend(fts::article_candidates(conn, &all, statuses, ARTICLE_CANDIDATES)?);
        }
    }
    if found.len() < ARTICLE_CANDIDATES / 2 {
        // The forgiving pass scores every telling group, so its bm25 wins;
        // words in most articles only when nothing else was typed.
        if let Some(any) = q.fts_any_telling().or_else(|| q.fts_any(false)) {
            found.extend(fts::article_candidates(conn, &any, statuses, ARTICLE_CANDIDATES)?);
        }
    }
    Ok(found)
}

pub(crate) fn rank_articles(
    conn: &Connection,
    cache: &Cache,
    q: &Query,
    scope: &ArticleScope,
    ctx: &SuggestContext,
    limit: usize,
) -> Result<Vec<ArticleHit>> {
    if q.is_empty() {
        return Ok(Vec::new());
    }
    let found = article_candidates(conn, q, &scope.statuses)?;
    let ids: Vec<ArticleId> = found.keys().copied().collect();
    let articles: Vec<Article> = rows::by_ids(conn, &ids)?
        .into_iter()
        .filter(|a| scope.audience.is_none_or(|x| x == a.audience))
        .filter(|a| scope.category.is_none() || a.category == scope.category)
        .collect();
    let school_uses = match &ctx.school {
        Some(code) => fts::school_uses(conn, code, &ids)?,
        None => HashMap::new(),
    };
    let mut prepared = Vec::with_capacity(articles.len());
    let mut signals = Vec::with_capacity(articles.len());
    for a in &articles {
        prepared.push(cache.prepared(a));
        signals.push(ArticleSignals {
            coverage: 0.0,
            bm25: found.get(&a.id).copied().unwrap_or(0.0).max(0.0),
            school_uses: school_uses.get(&a.id).copied().unwrap_or(0),
            category_match: ctx.category.is_some() && a.category == ctx.category,
            uses: a.uses,
            helpful: a.helpful,
            not_helpful: a.not_helpful,
        });
    }
    // Analysing a body was most of the ranking's own cost: candidates are
    // taken best bound first (their score if the body held every word
    // asked), and a body is read only while that bound could still beat
    // the `limit`-th exact score. The result is the same as reading all.
    let top = rank::top_bm25(&signals);
    let bound: Vec<f64> = (0..articles.len())
        .map(|i| {
            let most = coverage_at_most(q, &prepared[i].head(), BODY_FACTOR);
            rank::article_score(&ArticleSignals { coverage: most, ..signals[i].clone() }, top)
        })
        .collect();
    let mut by_bound: Vec<usize> = (0..articles.len()).collect();
    by_bound.sort_by(|&x, &y| bound[y].total_cmp(&bound[x]));
    let mut scored: Vec<(f64, usize)> = Vec::new();
    for i in by_bound {
        if scored.len() >= limit && bound[i] < scored[limit - 1].0 {
            break;
        }
        let p = &prepared[i];
        let [title, tags, category] = p.head();
        let body = (&p.body(&articles[i]).words, BODY_FACTOR);
        signals[i].coverage = coverage(q, &[title, tags, category, body]);
        scored.push((rank::article_score(&signals[i], top), i));
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(articles[a.1].id.cmp(&articles[b.1].id)));
    scored.truncate(limit);
    Ok(scored
        .into_iter()
        .map(|(score, i)| {
            let a = &articles[i];
            let plain = &prepared[i].body(a).plain;
            let snippet = snippet::best(plain, q).unwrap_or_else(|| Snippet {
                text: snippet::opening(plain, OPENING_WORDS),
                highlights: vec![],
            });
            ArticleHit { article: a.clone(), score, coverage: signals[i].coverage, snippet }
        })
        .collect())
}

/// Solved tickets' words kept between keystrokes, keyed by id and version
/// (about 3 KB each): as someone types, and across searches for similar
/// problems, the same recent tickets come back as candidates, and splitting
/// their text into words was a third of the ticket search.
#[derive(Default)]
pub(crate) struct TicketWords {
    words: HashMap<(TicketId, Version), (FieldWords, FieldWords)>,
}

/// Solved tickets kept analysed.
const MAX_TICKET_WORDS: usize = 2000;

impl TicketWords {
    fn coverage(&mut self, q: &Query, t: &fts::TicketHit) -> f64 {
        if self.words.len() >= MAX_TICKET_WORDS {
            self.words.clear();
        }
        let (subject, body) = self
            .words
            .entry((t.id, t.version))
            .or_insert_with(|| (FieldWords::new(&t.subject), FieldWords::new(&t.body)));
        coverage(q, &[(subject, 1.0), (body, 0.7)])
    }
}

fn rank_tickets(
    conn: &Connection,
    words: &mut TicketWords,
    q: &Query,
    ctx: &SuggestContext,
    now: crate::domain::Timestamp,
    limit: usize,
) -> Result<Vec<Suggestion>> {
    let mut ids: Vec<TicketId> = Vec::new();
    if q.has_several_known() {
        if let Some(all) = q.fts_all(true) {
            ids = fts::ticket_candidates(conn, &all, TICKET_CANDIDATES)?;
        }
    }
    if ids.len() < TICKET_CANDIDATES {
        if let Some(any) = q.fts_any(true) {
            for id in fts::ticket_candidates(conn, &any, TICKET_CANDIDATES)? {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
    }
    let mut scored: Vec<(f64, f64, fts::TicketHit)> = fts::ticket_hits(conn, &ids)?
        .into_iter()
        .map(|t| {
            let cov = words.coverage(q, &t);
            let signals = TicketSignals {
                coverage: cov,
                same_school: ctx.school.as_deref() == Some(t.school.as_str()),
                category_match: ctx.category.is_some() && t.category == ctx.category,
                age_days: t.resolved_at.map(|r| (now - r).num_hours() as f64 / 24.0).unwrap_or(365.0),
            };
            (rank::ticket_score(&signals), cov, t)
        })
        .filter(|(_, cov, _)| *cov >= MIN_COVERAGE)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.2.id.cmp(&a.2.id)));
    scored.truncate(limit);
    scored
        .into_iter()
        .map(|(score, _, t)| {
            let snippet =
                snippet::best(&t.body, q).or_else(|| snippet::best(&t.subject, q)).unwrap_or_else(|| {
                    Snippet { text: snippet::opening(&t.body, OPENING_WORDS), highlights: vec![] }
                });
            Ok(Suggestion {
                kind: SuggestionKind::Ticket,
                id: t.id.get(),
                title: t.subject,
                snippet,
                score,
                category: t.category,
                audience: None,
                status: t.status,
                school: Some(t.school),
                resolution: fts::resolution(conn, t.id)?,
            })
        })
        .collect()
}

/// A second read connection, opened on first use, so that solved tickets
/// are searched while articles are ranked: the two FTS5 indexes are
/// independent, and on a busy index each is half a keystroke's search.
/// It owns the ticket words (they travel with it to the searching thread).
#[derive(Default)]
pub(crate) struct Side {
    /// A search ran on this desk already (see `Desk::suggest_as`).
    searched: bool,
    tried: bool,
    conn: Option<Connection>,
    words: TicketWords,
}

impl Side {
    /// Opens the connection the first time (an in-memory store has none).
    fn open(&mut self, store: &crate::store::Store) {
        if !self.tried {
            self.tried = true;
            self.conn = store.reader();
        }
    }
}

/// The ticket half of a search, for whichever thread starts it first.
type TicketJob = Arc<Mutex<Option<(Connection, TicketWords)>>>;

fn take_job(job: &TicketJob) -> Option<(Connection, TicketWords)> {
    job.lock().ok()?.take()
}

/// The suggestions for `text`: published articles (public and internal)
/// and solved tickets, best first.
#[allow(clippy::too_many_arguments)]
fn suggest_with(
    conn: &Connection,
    side: &mut Side,
    cache: &Cache,
    text: &str,
    ctx: &SuggestContext,
    now: crate::domain::Timestamp,
    limit: usize,
    as_you_type: bool,
) -> Result<Vec<Suggestion>> {
    let vocab = cache.vocab(conn)?;
    let q = Query::parse(text, &vocab, Synonyms::builtin(), as_you_type);
    if q.is_empty() {
        return Ok(Vec::new());
    }
    let (articles, tickets) = match side.conn.take() {
        Some(other) => {
            let job: TicketJob = Arc::new(Mutex::new(Some((other, std::mem::take(&mut side.words)))));
            let (tx, rx) = std::sync::mpsc::channel();
            let (theirs, their_q, their_ctx) = (job.clone(), q.clone(), ctx.clone());
            let _detached = std::thread::Builder::new().spawn(move || {
                if let Some((other, mut words)) = take_job(&theirs) {
                    let found = rank_tickets(&other, &mut words, &their_q, &their_ctx, now, limit);
                    let _ = tx.send((found, other, words));
                }
            });
            let articles = rank_articles(conn, cache, &q, &ArticleScope::default(), ctx, limit);
            // On a busy machine the thread may not have had a core yet:
            // waiting for it cost more than the search itself (suggest p50
            // 2.5x the bare article search with the load average at 5), so
            // then the tickets are searched here and the thread finds
            // nothing left to do.
            let done = match take_job(&job) {
                Some((other, mut words)) => {
                    Some((rank_tickets(&other, &mut words, &q, ctx, now, limit), other, words))
                }
                None => rx.recv().ok(),
            };
            match done {
                Some((found, other, words)) => {
                    (side.conn, side.words) = (Some(other), words);
                    (articles, found)
                }
                None => (articles, Err(Error::runtime("the ticket search stopped unexpectedly"))),
            }
        }
        None => {
            let articles = rank_articles(conn, cache, &q, &ArticleScope::default(), ctx, limit);
            (articles, rank_tickets(conn, &mut side.words, &q, ctx, now, limit))
        }
    };
    let (articles, tickets) = (articles?, tickets?);
    // Best first: a partial answer is offered when it is (near) the best.
    let best = articles.first().map_or(0.0, |h| h.score);
    let mut out: Vec<Suggestion> = articles
        .into_iter()
        .filter(|h| rank::offered(h.coverage, h.score, best))
        .map(|h| Suggestion {
            kind: SuggestionKind::Article,
            id: h.article.id.get(),
            title: h.article.title,
            snippet: h.snippet,
            score: h.score,
            category: h.article.category,
            audience: Some(h.article.audience),
            status: h.article.status.to_string(),
            school: None,
            resolution: None,
        })
        .collect();
    out.extend(tickets);
    out.sort_by(|a, b| b.score.total_cmp(&a.score));
    out.truncate(limit);
    Ok(out)
}

impl Desk {
    /// The search cache (cheap to clone: it is shared).
    pub(crate) fn search_cache(&self) -> Cache {
        self.search_cache.clone()
    }

    /// Ranked answers for what someone is typing: published articles and
    /// similar solved tickets. Cheap enough to call on every keystroke (the
    /// last word counts as half-typed).
    pub fn suggest(&self, text: &str, ctx: &SuggestContext, limit: usize) -> Result<Vec<Suggestion>> {
        self.suggest_as(text, ctx, limit, true)
    }

    /// Suggestions for a finished text (a ticket's subject and body).
    pub fn suggest_for_ticket(
        &self,
        text: &str,
        ctx: &SuggestContext,
        limit: usize,
    ) -> Result<Vec<Suggestion>> {
        self.suggest_as(text, ctx, limit, false)
    }

    fn suggest_as(
        &self,
        text: &str,
        ctx: &SuggestContext,
        limit: usize,
        as_you_type: bool,
    ) -> Result<Vec<Suggestion>> {
        let limit = check_limit(limit)?;
        let now = self.now();
        self.read(|conn, _| {
            let ctx = check_context(conn, ctx)?;
            let mut side = self.search_side.borrow_mut();
            // A command searches once: for it, opening a second connection
            // (its schema read and memory map) and starting a thread cost
            // more than searching the tickets after the articles. Desks
            // that search again (the console, the portal's workers) open it
            // from their second search on.
            if side.searched {
                side.open(self.store());
            }
            side.searched = true;
            suggest_with(conn, &mut side, &self.search_cache, text, &ctx, now, limit, as_you_type)
        })
        .inspect(|_| self.save_search_vocab())
    }

    /// Saves a vocabulary this process built, for the next one; skipped
    /// (and built again next time) while another process writes.
    fn save_search_vocab(&self) {
        self.search_cache.save_vocab(|save| self.store().try_cache_write(|conn| save(conn)));
    }

    /// Knowledge-base search over the articles in `scope`.
    pub fn search_articles(
        &self,
        text: &str,
        scope: &ArticleScope,
        ctx: &SuggestContext,
        limit: usize,
    ) -> Result<Vec<ArticleHit>> {
        let limit = check_limit(limit)?;
        self.read(|conn, _| {
            let ctx = check_context(conn, ctx)?;
            let vocab = self.search_cache.vocab(conn)?;
            let q = Query::parse(text, &vocab, Synonyms::builtin(), true);
            rank_articles(conn, &self.search_cache, &q, scope, &ctx, limit)
        })
        .inspect(|_| self.save_search_vocab())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;
    use crate::service::InitOptions;

    /// A command searches once: it searches the tickets on its one
    /// connection. A desk that searches again (the console, a portal
    /// worker) opens the second connection from then on; the answers are
    /// the same either way.
    #[test]
    fn the_second_connection_waits_for_a_second_search() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("demo.db");
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z").unwrap().to_utc();
        let opts = InitOptions { demo: true, ..InitOptions::default() };
        drop(Desk::init(&db, &opts, Box::new(FixedClock(now)), "lead", "lead").unwrap());
        let desk = Desk::open(&db, Box::new(FixedClock(now)), "lead", "lead").unwrap();
        let ctx = SuggestContext::default();
        let first = desk.suggest("printer jammed", &ctx, 8).unwrap();
        assert!(desk.search_side.borrow().conn.is_none(), "one search opens no second connection");
        assert!(first.iter().any(|s| s.kind == SuggestionKind::Ticket), "solved tickets found");
        let second = desk.suggest("printer jammed", &ctx, 8).unwrap();
        assert!(desk.search_side.borrow().conn.is_some(), "a second search does");
        assert_eq!(first, second);
    }

    /// The ticket half on its own connection finds exactly what one
    /// connection finds (an in-memory store, or a file that cannot be opened
    /// twice, searches on one).
    #[test]
    fn searching_tickets_beside_articles_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("demo.db");
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z").unwrap().to_utc();
        let opts = InitOptions { demo: true, ..InitOptions::default() };
        let desk = Desk::init(&db, &opts, Box::new(FixedClock(now)), "lead", "lead").unwrap();
        let conn = desk.store().conn();
        let ctx = SuggestContext::default();
        let shown =
            |v: &[Suggestion]| v.iter().map(|s| (s.kind, s.id, s.score.to_bits())).collect::<Vec<_>>();
        let (mut one, mut two) = (Side::default(), Side::default());
        two.open(desk.store());
        assert!(two.conn.is_some(), "a file opens a second time");
        for text in
            ["printer jammed", "wifi keeps droping", "forgot password for sims", "smartboard pen not wor"]
        {
            let alone = suggest_with(conn, &mut one, &desk.search_cache, text, &ctx, now, 8, true).unwrap();
            let beside = suggest_with(conn, &mut two, &desk.search_cache, text, &ctx, now, 8, true).unwrap();
            assert!(two.conn.is_some(), "the second connection is handed back for the next keystroke");
            assert!(!two.words.words.is_empty(), "with the words it analysed");
            assert_eq!(shown(&alone), shown(&beside), "{text}");
            assert!(alone.iter().any(|s| s.kind == SuggestionKind::Ticket), "{text}: solved tickets found");
        }
    }
}
