//! Final ranking: relevance first (how much of the question a result answers,
//! and bm25 among articles), then, modestly, context (the ticket's school and
//! category) and proven usefulness (uses, helpful votes). The weights are
//! chosen so context can reorder results of similar relevance but never lift
//! a weak match over a clearly better one.

/// Share of an article's relevance from coverage; the rest is bm25.
pub const COVERAGE_SHARE: f64 = 0.65;
/// Largest boosts, added to a relevance between 0 and 1.
const SCHOOL_BOOST: f64 = 0.06;
const CATEGORY_BOOST: f64 = 0.05;
const USES_BOOST: f64 = 0.03;
const VOTES_BOOST: f64 = 0.03;
const RECENT_BOOST: f64 = 0.02;
/// A solved ticket is worth a little less than an article of equal
/// relevance: articles are the curated answer (and requesters can use them).
const TICKET_FACTOR: f64 = 0.85;

/// Results answering less than this share of the question are not offered
/// as suggestions (searching the knowledge base shows them all).
pub const MIN_COVERAGE: f64 = 0.34;

/// Below `MIN_COVERAGE`, an article is still offered when it is the best
/// answer the knowledge base has, or close to it: a long, chatty question
/// ("got a new phone and now the authenticator code thing doesnt work so i
/// cant log in") spreads its weight over many words no article has, so the
/// right answer covers a small share of it, and an empty list helps nobody.
/// It must answer some of the question (a match on unknown words alone
/// counts for nothing)...
pub const PARTIAL_COVERAGE: f64 = 0.05;
/// ...and score at least this share of the best article's score.
pub const PARTIAL_SHARE: f64 = 0.8;

/// Whether an article is offered as a suggestion, given the best article
/// score of the same search.
pub fn offered(coverage: f64, score: f64, best_score: f64) -> bool {
    coverage >= MIN_COVERAGE || (coverage >= PARTIAL_COVERAGE && score >= PARTIAL_SHARE * best_score)
}

#[derive(Debug, Clone, Default)]
pub struct ArticleSignals {
    /// 0..1, from `matching::coverage`.
    pub coverage: f64,
    /// FTS5 bm25 as a positive number (higher is better); 0 when unknown.
    pub bm25: f64,
    /// Times the article solved tickets of the ticket's school.
    pub school_uses: i64,
    pub category_match: bool,
    pub uses: i64,
    pub helpful: i64,
    pub not_helpful: i64,
}

/// Scores a set of candidates together (bm25 is only meaningful relative to
/// the best candidate of the same search).
pub fn article_scores(items: &[ArticleSignals]) -> Vec<f64> {
    let top = top_bm25(items);
    items.iter().map(|s| article_score(s, top)).collect()
}

/// The best bm25 among the candidates of one search.
pub fn top_bm25(items: &[ArticleSignals]) -> f64 {
    items.iter().map(|s| s.bm25).fold(0.0, f64::max)
}

/// One candidate's score, given `top_bm25` of its search; it grows with
/// the coverage (so a bound on the coverage bounds the score).
pub fn article_score(s: &ArticleSignals, top: f64) -> f64 {
    let bm25 = if top > 0.0 { s.bm25 / top } else { s.coverage };
    let relevance = COVERAGE_SHARE * s.coverage + (1.0 - COVERAGE_SHARE) * bm25;
    let school = SCHOOL_BOOST * saturating_log(s.school_uses, 10);
    let category = if s.category_match { CATEGORY_BOOST } else { 0.0 };
    let uses = USES_BOOST * saturating_log(s.uses, 50);
    let votes = VOTES_BOOST * (s.helpful - s.not_helpful) as f64 / (s.helpful + s.not_helpful + 3) as f64;
    relevance + school + category + uses + votes
}

#[derive(Debug, Clone, Default)]
pub struct TicketSignals {
    pub coverage: f64,
    pub same_school: bool,
    pub category_match: bool,
    /// Days since it was resolved: recent fixes describe today's setup.
    pub age_days: f64,
}

pub fn ticket_score(s: &TicketSignals) -> f64 {
    let school = if s.same_school { SCHOOL_BOOST } else { 0.0 };
    let category = if s.category_match { CATEGORY_BOOST } else { 0.0 };
    let recent = RECENT_BOOST * (-s.age_days.max(0.0) / 180.0).exp();
    TICKET_FACTOR * s.coverage + school + category + recent
}

/// 0 for none, 1 at `full` and beyond, logarithmic between.
fn saturating_log(n: i64, full: i64) -> f64 {
    if n <= 0 {
        return 0.0;
    }
    ((1.0 + n as f64).ln() / (1.0 + full as f64).ln()).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn best_context() -> ArticleSignals {
        ArticleSignals {
            school_uses: 100,
            category_match: true,
            uses: 1000,
            helpful: 100,
            ..ArticleSignals::default()
        }
    }

    #[test]
    fn context_never_beats_a_clearly_better_match() {
        let strong = ArticleSignals { coverage: 1.0, bm25: 9.0, ..ArticleSignals::default() };
        let weak = ArticleSignals { coverage: 0.6, bm25: 5.0, ..best_context() };
        let s = article_scores(&[strong, weak]);
        assert!(s[0] > s[1], "{s:?}");
    }

    #[test]
    fn context_and_usefulness_break_near_ties() {
        let plain = ArticleSignals { coverage: 0.9, bm25: 6.0, ..ArticleSignals::default() };
        let used_here =
            ArticleSignals { coverage: 0.9, bm25: 5.8, school_uses: 4, ..ArticleSignals::default() };
        let s = article_scores(&[plain.clone(), used_here]);
        assert!(s[1] > s[0], "{s:?}");
        let disliked = ArticleSignals { not_helpful: 9, ..plain.clone() };
        let liked = ArticleSignals { helpful: 9, ..plain };
        let s = article_scores(&[disliked, liked]);
        assert!(s[1] > s[0], "{s:?}");
    }

    #[test]
    fn partial_answers_are_offered_only_near_the_best() {
        assert!(offered(0.5, 0.1, 0.9), "a good share of the question is always offered");
        assert!(offered(0.2, 0.9, 0.9), "the best answer there is, though partial");
        assert!(offered(0.2, 0.75, 0.9), "close to the best");
        assert!(!offered(0.2, 0.5, 0.9), "a partial answer well behind the best");
        assert!(!offered(0.02, 0.9, 0.9), "too little of the question");
    }

    #[test]
    fn articles_lead_tickets_of_equal_relevance() {
        let article =
            article_scores(&[ArticleSignals { coverage: 0.8, bm25: 1.0, ..ArticleSignals::default() }]);
        let ticket =
            ticket_score(&TicketSignals { coverage: 0.8, age_days: 1.0, ..TicketSignals::default() });
        assert!(article[0] > ticket);
        let local =
            ticket_score(&TicketSignals { coverage: 0.8, same_school: true, ..TicketSignals::default() });
        let far = ticket_score(&TicketSignals { coverage: 0.8, ..TicketSignals::default() });
        assert!(local > far);
    }
}
