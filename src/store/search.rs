//! Full-text queries (the FTS5 tables of migration 0002). MATCH expressions
//! come only from `search::query`, which quotes every token.

use super::from_opt_secs;
use crate::domain::ArticleId;
use crate::domain::TicketId;
use crate::domain::Version;
use crate::domain::{ArticleStatus, Timestamp};
use crate::search::COLUMN_WEIGHTS;
use crate::Result;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::HashMap;

/// The article vocabulary: (term, number of articles containing it), and
/// the number of articles.
pub fn article_vocab(conn: &Connection) -> Result<(Vec<(String, u32)>, u32)> {
    let mut stmt = conn.prepare("SELECT term, doc FROM articles_vocab")?;
    let terms = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    let docs = conn.query_row("SELECT count(*) FROM articles", [], |r| r.get(0))?;
    Ok((terms, docs))
}

/// The vocabulary saved at `generation` (see migration 0020), as
/// (lines "term<TAB>articles", number of articles); None when none is saved
/// or it was built at another generation.
pub fn saved_vocab(conn: &Connection, generation: i64) -> Result<Option<(String, u32)>> {
    Ok(conn
        .prepare_cached("SELECT terms, docs FROM search_vocab WHERE id = 1 AND generation = ?1")?
        .query_row([generation], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// Saves the vocabulary built at `generation`, unless the articles changed
/// since (then it is already stale and the next reader rebuilds it).
pub fn save_vocab(conn: &Connection, generation: i64, docs: u32, terms: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO search_vocab (id, generation, docs, terms)
         SELECT 1, ?1, ?2, ?3 WHERE (SELECT generation FROM search_generation WHERE id = 1) = ?1",
    )?
    .execute(params![generation, docs, terms])?;
    Ok(())
}

fn status_list(statuses: &[ArticleStatus]) -> String {
    // From the enum, never from user text.
    statuses.iter().map(|s| format!("'{}'", s.as_str())).collect::<Vec<_>>().join(", ")
}

/// The best `limit` articles for a MATCH expression with the given statuses,
/// as (id, bm25) with bm25 made positive (higher is better). Title counts
/// ten times the body, tags six, the category two.
pub fn article_candidates(
    conn: &Connection,
    expr: &str,
    statuses: &[ArticleStatus],
    limit: usize,
) -> Result<Vec<(ArticleId, f64)>> {
    let sql = format!(
        "SELECT f.rowid, -bm25(articles_fts, {:.1}, {:.1}, {:.1}, {:.1}) AS score
           FROM articles_fts f JOIN articles a ON a.id = f.rowid
          WHERE articles_fts MATCH ?1 AND a.status IN ({})
          ORDER BY score DESC LIMIT ?2",
        COLUMN_WEIGHTS[0],
        COLUMN_WEIGHTS[1],
        COLUMN_WEIGHTS[2],
        COLUMN_WEIGHTS[3],
        status_list(statuses)
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![expr, limit as i64], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The most recent `limit` resolved or closed tickets matching `expr`.
/// Newest first and without bm25: ranking every match of a common word
/// over a million tickets is what costs (FACTS.md); recent fixes are the
/// likeliest to still apply, and the candidates are re-ranked in Rust.
pub fn ticket_candidates(conn: &Connection, expr: &str, limit: usize) -> Result<Vec<TicketId>> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.id FROM tickets_fts f JOIN tickets t ON t.id = f.rowid
          WHERE tickets_fts MATCH ?1 AND t.status IN ('resolved', 'closed')
          ORDER BY f.rowid DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![expr, limit as i64], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What ranking and showing a solved ticket needs.
#[derive(Debug, Clone)]
pub struct TicketHit {
    pub id: TicketId,
    pub version: Version,
    pub subject: String,
    pub body: String,
    pub status: String,
    pub school: String,
    pub category: Option<String>,
    pub resolved_at: Option<Timestamp>,
}

pub fn ticket_hits(conn: &Connection, ids: &[TicketId]) -> Result<Vec<TicketHit>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut stmt = conn.prepare_cached(
        "SELECT t.id, t.subject, t.body, t.status, s.code, t.category, COALESCE(t.resolved_at, t.closed_at), t.version
           FROM tickets t JOIN schools s ON s.id = t.school_id WHERE t.id IN (SELECT value FROM json_each(?1))",
    )?;
    let rows = stmt.query_map([super::id_list(ids)], |r| {
        Ok(TicketHit {
            id: r.get(0)?,
            subject: r.get(1)?,
            body: r.get(2)?,
            status: r.get(3)?,
            school: r.get(4)?,
            category: r.get(5)?,
            resolved_at: from_opt_secs(r.get(6)?),
            version: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The public reply that resolved a ticket (the last public reply before
/// its last change to resolved; for a ticket closed without resolving, its
/// last public reply). Internal notes are never returned.
pub fn resolution(conn: &Connection, ticket_id: TicketId) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT body FROM events
              WHERE ticket_id = ?1 AND kind = 'reply' AND internal = 0 AND body IS NOT NULL
                AND id < COALESCE((SELECT max(id) FROM events WHERE ticket_id = ?1 AND kind = 'status'
                                    AND new_value = 'resolved'), 9223372036854775807)
              ORDER BY id DESC LIMIT 1",
        )?
        .query_row([ticket_id], |r| r.get(0))
        .optional()?)
}

/// How often each article solved tickets of the school `code` (the counts
/// migration 0020's triggers keep).
pub fn school_uses(
    conn: &Connection,
    code: &str,
    article_ids: &[ArticleId],
) -> Result<HashMap<ArticleId, i64>> {
    if article_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut stmt = conn.prepare_cached(
        "SELECT u.article_id, u.uses FROM article_school_uses u JOIN schools s ON s.id = u.school_id
          WHERE s.code = ?1 AND u.article_id IN (SELECT value FROM json_each(?2)) AND u.uses > 0",
    )?;
    let rows = stmt.query_map(params![code, super::id_list(article_ids)], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Changes whenever any article's text changes (kept by the triggers of
/// migration 0002): a cached vocabulary is current while this is the same.
pub fn generation(conn: &Connection) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT generation FROM search_generation WHERE id = 1")?
        .query_row([], |r| r.get(0))?)
}
