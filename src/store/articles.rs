//! Articles and canned solutions.

use super::to_secs;
use crate::domain::Timestamp;
use crate::domain::{ArticleId, CannedId, TicketId};
use crate::Result;
use rusqlite::{named_params, Connection};

pub struct NewArticle<'a> {
    pub title: &'a str,
    pub body: &'a str,
    pub category: Option<&'a str>,
    pub tags: &'a str,
    pub status: &'a str,
    pub audience: &'a str,
    pub source_ticket_id: Option<TicketId>,
    pub author_id: Option<i64>,
    pub now: Timestamp,
}

pub fn insert_article(conn: &Connection, a: &NewArticle<'_>) -> Result<ArticleId> {
    insert_article_at(conn, None, a)
}

/// Inserts under a given id (None: the next one).
pub fn insert_article_at(conn: &Connection, id: Option<ArticleId>, a: &NewArticle<'_>) -> Result<ArticleId> {
    conn.prepare_cached(
        "INSERT INTO articles (id, title, body, category, tags, status, audience, source_ticket_id,
                               author_id, created_at, updated_at, published_at)
         VALUES (:id, :title, :body, :category, :tags, :status, :audience, :ticket, :author, :now, :now,
                 CASE WHEN :status = 'published' THEN :now END)",
    )?
    .execute(named_params! {
        ":id": id, ":title": a.title, ":body": a.body, ":category": a.category, ":tags": a.tags,
        ":status": a.status, ":audience": a.audience, ":ticket": a.source_ticket_id,
        ":author": a.author_id, ":now": to_secs(a.now),
    })?;
    Ok(ArticleId(conn.last_insert_rowid()))
}

pub struct NewCanned<'a> {
    pub title: &'a str,
    pub body: &'a str,
    pub category: Option<&'a str>,
    pub article_id: Option<ArticleId>,
    pub author_id: Option<i64>,
    pub now: Timestamp,
}

pub fn insert_canned(conn: &Connection, c: &NewCanned<'_>) -> Result<CannedId> {
    conn.prepare_cached(
        "INSERT INTO canned_solutions (title, body, category, article_id, author_id, created_at, updated_at)
         VALUES (:title, :body, :category, :article, :author, :now, :now)",
    )?
    .execute(named_params! {
        ":title": c.title, ":body": c.body, ":category": c.category, ":article": c.article_id,
        ":author": c.author_id, ":now": to_secs(c.now),
    })?;
    Ok(CannedId(conn.last_insert_rowid()))
}

pub fn title(conn: &Connection, id: ArticleId) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(conn.query_row("SELECT title FROM articles WHERE id = ?1", [id], |r| r.get(0)).optional()?)
}

/// Records that an article helped resolve a ticket and counts the use.
pub fn link_to_ticket(
    conn: &Connection,
    ticket_id: TicketId,
    article_id: ArticleId,
    now: Timestamp,
) -> Result<bool> {
    let n = conn.execute(
        "INSERT OR IGNORE INTO ticket_articles (ticket_id, article_id, at) VALUES (?1, ?2, ?3)",
        rusqlite::params![ticket_id, article_id, to_secs(now)],
    )?;
    if n == 1 {
        conn.execute("UPDATE articles SET uses = uses + 1 WHERE id = ?1", [article_id])?;
    }
    Ok(n == 1)
}

/// Whether the article is already linked to the ticket.
pub fn is_linked(conn: &Connection, ticket_id: TicketId, article_id: ArticleId) -> Result<bool> {
    let n: i64 = conn.query_row(
        "SELECT COUNT(*) FROM ticket_articles WHERE ticket_id = ?1 AND article_id = ?2",
        rusqlite::params![ticket_id, article_id],
        |r| r.get(0),
    )?;
    Ok(n > 0)
}

/// Records that a canned solution was applied to a ticket and counts the use.
pub fn record_canned_use(
    conn: &Connection,
    ticket_id: TicketId,
    canned_id: CannedId,
    now: Timestamp,
) -> Result<()> {
    conn.execute(
        "INSERT INTO ticket_canned (ticket_id, canned_id, at) VALUES (?1, ?2, ?3)",
        rusqlite::params![ticket_id, canned_id, to_secs(now)],
    )?;
    conn.execute("UPDATE canned_solutions SET uses = uses + 1 WHERE id = ?1", [canned_id])?;
    Ok(())
}
