//! What an acknowledgement promises: the articles that may solve the
//! request (only confident matches) and when a technician will answer.
//!
//! Confidence is read from what the search engine returns (its score and
//! the share of the message an article answers), never by changing the
//! ranking: the threshold was chosen on the labelled set in
//! tests/relevance/ack_labelled.toml (see tests/ack_relevance.rs), where a
//! wrong article counts against it and none is better than a wrong one.

use crate::domain::ArticleId;
use crate::domain::{ArticleStatus, Audience, Ticket, Timestamp};
use crate::mail::compose::Suggestion;
use crate::search::query::Query;
use crate::search::synonyms::Synonyms;
use crate::search::{ArticleScope, SuggestContext};
use crate::service::suggest::{rank_articles, ArticleHit, Cache};
use crate::service::{calendars, Desk};
use crate::sla::Calendar;
use crate::Result;
use chrono::{Datelike, Timelike};
use rusqlite::Connection;

/// At most this many articles in an acknowledgement.
pub const ACK_ARTICLES: usize = 3;

/// The confidence rule: an article is offered when it answers at least
/// `min_coverage` of the message, scores at least `min_score`, and (after
/// the first) scores at least `min_share` of the best article's score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Confidence {
    pub min_coverage: f64,
    pub min_score: f64,
    pub min_share: f64,
}

/// Chosen on the labelled set (tests/ack_relevance.rs prints the figures).
/// On the 44 messages: precision 91.7% (33/36 offered articles right),
/// recall 91.7% (33/36 answerable messages answered); no article for any
/// of the 8 messages no public article answers.
pub const CONFIDENCE: Confidence = Confidence { min_coverage: 0.5, min_score: 0.6, min_share: 0.85 };

impl Confidence {
    /// The confident hits of a ranked list, at most three, the one that
    /// answers most of the message first (close scores are a tie the
    /// ranking's context boosts may have decided; coverage is what the
    /// requester reads as "this is about my problem").
    pub fn pick<'a>(&self, hits: &'a [ArticleHit]) -> Vec<&'a ArticleHit> {
        let Some(top) = hits.iter().map(|h| h.score).reduce(f64::max) else { return Vec::new() };
        let mut picked: Vec<&ArticleHit> = hits
            .iter()
            .filter(|h| h.coverage >= self.min_coverage && h.score >= self.min_score)
            .filter(|h| h.score >= top * self.min_share)
            .collect();
        picked.sort_by(|a, b| b.coverage.total_cmp(&a.coverage).then(b.score.total_cmp(&a.score)));
        picked.truncate(ACK_ARTICLES);
        picked
    }
}

/// The public published articles a message may be answered by, ranked by
/// the suggest engine, unfiltered (the candidates confidence chooses from).
pub fn candidates(
    conn: &Connection,
    cache: &Cache,
    subject: &str,
    body: &str,
    school: Option<&str>,
    category: Option<&str>,
) -> Result<Vec<ArticleHit>> {
    let vocab = cache.vocab(conn)?;
    let q = Query::parse(&format!("{subject}\n{body}"), &vocab, Synonyms::builtin(), false);
    let scope = ArticleScope {
        statuses: vec![ArticleStatus::Published],
        audience: Some(Audience::Public),
        category: None,
    };
    let ctx = SuggestContext { school: school.map(str::to_string), category: category.map(str::to_string) };
    rank_articles(conn, cache, &q, &scope, &ctx, ACK_ARTICLES + 2)
}

/// The articles offered in a ticket's acknowledgement (kept by id: the
/// link is made when the mail is rendered, from the portal's base URL).
/// `cache` is the transaction's (`Ctx::search`): tickets logged in one
/// transaction share it.
pub fn suggestions(conn: &Connection, cache: &Cache, ticket: &Ticket) -> Result<Vec<Suggestion>> {
    let hits = candidates(
        conn,
        cache,
        &ticket.subject,
        &ticket.body,
        Some(&ticket.school),
        ticket.category.as_deref(),
    )?;
    Ok(picked(&hits))
}

/// A new ticket's acknowledgement articles, ranked before its write
/// transaction: the ranking is most of the cost of logging a ticket, and
/// inside the transaction it held the write lock that every other
/// technician's change waits for. Used only when the ticket came out as
/// expected (same subject, body, school, category) and no article changed
/// since (`search_generation`); otherwise the write ranks again.
#[derive(Clone, Debug)]
pub struct Ready {
    key: (String, String, String, Option<String>),
    generation: i64,
    suggestions: Vec<Suggestion>,
}

impl Ready {
    /// Ranks the articles for a ticket with this text, school and category.
    pub fn rank(
        conn: &Connection,
        cache: &Cache,
        subject: &str,
        body: &str,
        school: &str,
        category: Option<&str>,
    ) -> Result<Ready> {
        // Read first: an article changed while ranking moves the counter
        // past this and the write ranks again.
        let generation = crate::store::search::generation(conn)?;
        let hits = candidates(conn, cache, subject, body, Some(school), category)?;
        Ok(Ready {
            key: (subject.to_string(), body.to_string(), school.to_string(), category.map(str::to_string)),
            generation,
            suggestions: picked(&hits),
        })
    }

    /// The ranked articles, when they were ranked for `ticket` and still hold.
    pub fn fits(self, conn: &Connection, ticket: &Ticket) -> Result<Option<Vec<Suggestion>>> {
        let (subject, body, school, category) = &self.key;
        let same = (subject, body, school, category.as_deref())
            == (&ticket.subject, &ticket.body, &ticket.school, ticket.category.as_deref());
        Ok((same && crate::store::search::generation(conn)? == self.generation).then_some(self.suggestions))
    }
}

fn picked(hits: &[ArticleHit]) -> Vec<Suggestion> {
    CONFIDENCE
        .pick(hits)
        .into_iter()
        .map(|h| Suggestion { title: h.article.title.clone(), link: String::new(), id: Some(h.article.id) })
        .collect()
}

/// The link of an article in mail: the portal's page when a base URL is
/// set, else the static site's page when its address is configured, else
/// none (the title alone).
pub fn article_link(
    conn: &Connection,
    base_url: Option<&str>,
    site_url: Option<&str>,
    id: ArticleId,
) -> Result<Option<String>> {
    if let Some(b) = base_url {
        return Ok(Some(format!("{}/articles/{id}", b.trim_end_matches('/'))));
    }
    let Some(site) = site_url.filter(|u| u.starts_with("https://") || u.starts_with("http://")) else {
        return Ok(None);
    };
    Ok(crate::store::kb::find(conn, id)?
        .map(|a| format!("{}/articles/{}", site.trim_end_matches('/'), crate::site::article_file(&a))))
}

/// When the requester can expect a first answer, in words, from the
/// ticket's response due time on its school's calendar.
pub fn expected_reply(cal: &Calendar, created: Timestamp, due: Option<Timestamp>) -> String {
    let open_now = cal.working_secs(created, created + chrono::Duration::seconds(60)) > 0;
    let Some(due) = due else {
        return if open_now {
            "A technician will pick it up as soon as possible.".into()
        } else {
            "We're closed now; a technician will pick it up when we reopen.".into()
        };
    };
    let (at, day) = (local(cal, created), local(cal, due));
    let when = if at.date_naive() == day.date_naive() {
        format!("{} today", clock(&day))
    } else if at.date_naive().succ_opt() == Some(day.date_naive()) {
        format!("{} tomorrow", clock(&day))
    } else if (day.date_naive() - at.date_naive()).num_days() < 7 {
        format!("{} on {}", clock(&day), day.format("%A"))
    } else {
        format!("{} on {} {} {}", clock(&day), day.format("%A"), day.day(), day.format("%B"))
    };
    if open_now {
        format!("Expect a reply by {when}.")
    } else {
        format!("We're closed now; expect a reply by {when}.")
    }
}

fn local(cal: &Calendar, t: Timestamp) -> chrono::DateTime<chrono_tz::Tz> {
    t.with_timezone(&cal.tz())
}

fn clock(t: &chrono::DateTime<chrono_tz::Tz>) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// The expected-reply sentence of a ticket's acknowledgement.
pub fn expected_reply_of(conn: &Connection, ticket: &Ticket) -> Result<String> {
    let cal = calendars::for_school(conn, ticket.school_id)?;
    Ok(expected_reply(&cal, ticket.created_at, ticket.response_due_at))
}

impl Desk {
    /// The acknowledgement's candidate articles for a message, unfiltered,
    /// with scores (for measuring the confidence threshold).
    pub fn acknowledgement_candidates(
        &self,
        subject: &str,
        body: &str,
        school: Option<&str>,
    ) -> Result<Vec<ArticleHit>> {
        self.read(|conn, _| candidates(conn, &Cache::default(), subject, body, school, None))
    }
}
