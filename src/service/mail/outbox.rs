//! Queueing outgoing mail inside the transaction of the change it reports.
//!
//! Why an outbox rather than sending right after commit: the queue row
//! commits or rolls back with the event, so a rolled-back change never
//! sends mail and a committed one is never forgotten — not when sendmail is
//! down, not when the process dies between commit and send. `mail send`
//! (from cron, every minute or so) renders and delivers the queue and
//! retries failures; each message keeps one Message-ID across retries.

use crate::domain::{Ticket, Timestamp};
use crate::mail::compose::Suggestion;
use crate::service::Ctx;
use crate::store::mail as rows;
use crate::Result;
use rusqlite::Connection;

/// The public articles that may solve `ticket`, best first, at most three,
/// offered in its acknowledgement (deflection by email): the same search as
/// `suggest`, over published public articles only, in the context of the
/// ticket's school and category. Weak matches are left out: a wrong answer
/// in an acknowledgement costs more than none.
pub fn acknowledgement_suggestions(conn: &Connection, ticket: &Ticket) -> Result<Vec<Suggestion>> {
    use crate::domain::{ArticleStatus, Audience};
    use crate::search::query::Query;
    use crate::search::synonyms::Synonyms;
    use crate::search::{ArticleScope, SuggestContext};
    let cache = crate::service::suggest::Cache::default();
    let vocab = cache.vocab(conn)?;
    let q = Query::parse(&format!("{}\n{}", ticket.subject, ticket.body), &vocab, Synonyms::builtin(), false);
    let scope = ArticleScope {
        statuses: vec![ArticleStatus::Published],
        audience: Some(Audience::Public),
        category: None,
    };
    let ctx = SuggestContext { school: Some(ticket.school.clone()), category: ticket.category.clone() };
    let hits = crate::service::suggest::rank_articles(conn, &cache, &q, &scope, &ctx, ACK_ARTICLES)?;
    Ok(hits
        .into_iter()
        .filter(|h| h.coverage >= ACK_MIN_COVERAGE)
        // Until the self-help site is published, the article's own summary
        // is what the requester can act on.
        .map(|h| Suggestion {
            title: h.article.title,
            link: crate::domain::markdown::summary(&h.article.body),
        })
        .collect())
}

/// At most this many articles in an acknowledgement.
const ACK_ARTICLES: usize = 3;
/// The share of the ticket's words an article must match to be offered.
const ACK_MIN_COVERAGE: f64 = 0.3;

/// Queues the acknowledgement of a new ticket, with the articles that may
/// solve it (see `acknowledgement_suggestions`).
pub fn queue_acknowledgement(cx: &Ctx<'_>, ticket: &Ticket, suggestions: &[Suggestion]) -> Result<i64> {
    let suggestions = serde_json::to_string(suggestions).map_err(|e| crate::Error::runtime(e.to_string()))?;
    rows::enqueue(
        cx.tx,
        &rows::NewOutgoing {
            ticket_id: ticket.id,
            event_id: None,
            kind: "ack",
            recipient: &ticket.requester,
            suggestions: &suggestions,
            at: cx.now,
        },
    )
}

/// Queues a public reply (timeline event `event_id`) to the requester.
/// Only public replies come here; internal notes never do.
pub fn queue_reply(cx: &Ctx<'_>, ticket: &Ticket, event_id: i64) -> Result<i64> {
    rows::enqueue(
        cx.tx,
        &rows::NewOutgoing {
            ticket_id: ticket.id,
            event_id: Some(event_id),
            kind: "reply",
            recipient: &ticket.requester,
            suggestions: "[]",
            at: cx.now,
        },
    )
}

/// Sets every queued message (of one ticket, when given) aside unsent.
pub fn discard_queued(cx: &Ctx<'_>, ticket_id: Option<i64>, reason: &str) -> Result<usize> {
    rows::set_aside(cx.tx, "discarded", reason, ticket_id, None)
}

/// Sets aside queued messages older than `before`: news that old would
/// confuse more than help (e.g. when mail is first switched on).
pub fn expire_queued(cx: &Ctx<'_>, before: Timestamp) -> Result<usize> {
    rows::set_aside(cx.tx, "expired", "queued too long ago to be worth sending", None, Some(before))
}
