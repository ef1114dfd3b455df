//! Article rows for the knowledge base (inserts are in `articles`, shared
//! with the demo loader).

use super::{from_opt_secs, from_secs, to_secs};
use crate::domain::{Article, ArticleFilter, ArticleStatus, Timestamp};
use crate::domain::{ArticleId, TicketId, Version};
use crate::{Error, Result};
use rusqlite::{named_params, params, Connection, OptionalExtension, Row};

const SELECT: &str = "
    SELECT a.id, a.title, a.category, a.tags, a.status, a.audience, au.login, a.views, a.uses,
           a.helpful, a.not_helpful, a.created_at, a.updated_at, a.published_at, a.source_ticket_id,
           COALESCE(u.login, au.login), a.version, a.body
      FROM articles a
      LEFT JOIN technicians au ON au.id = a.author_id
      LEFT JOIN technicians u ON u.id = a.updated_by";

fn text_enum<T: std::str::FromStr<Err = Error>>(idx: usize, text: String) -> rusqlite::Result<T> {
    text.parse().map_err(|e: Error| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// Tags are stored comma separated.
pub fn split_tags(stored: &str) -> Vec<String> {
    stored.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_string).collect()
}

pub fn join_tags(tags: &[String]) -> String {
    tags.join(", ")
}

fn row_to_article(r: &Row<'_>) -> rusqlite::Result<Article> {
    let tags: String = r.get(3)?;
    Ok(Article {
        id: r.get(0)?,
        title: r.get(1)?,
        category: r.get(2)?,
        tags: split_tags(&tags),
        status: text_enum(4, r.get(4)?)?,
        audience: text_enum(5, r.get(5)?)?,
        author: r.get(6)?,
        views: r.get(7)?,
        uses: r.get(8)?,
        helpful: r.get(9)?,
        not_helpful: r.get(10)?,
        created_at: from_secs(r.get(11)?),
        updated_at: from_secs(r.get(12)?),
        published_at: from_opt_secs(r.get(13)?),
        source_ticket: r.get(14)?,
        updated_by: r.get(15)?,
        version: r.get(16)?,
        body: r.get(17)?,
    })
}

pub fn find(conn: &Connection, id: ArticleId) -> Result<Option<Article>> {
    let sql = format!("{SELECT} WHERE a.id = ?1");
    Ok(conn.prepare_cached(&sql)?.query_row([id], row_to_article).optional()?)
}

pub fn get(conn: &Connection, id: ArticleId) -> Result<Article> {
    find(conn, id)?.ok_or_else(|| Error::not_found(format!("article #{id} not found")))
}

/// Articles by id, in the order asked (unknown ids are skipped).
pub fn by_ids(conn: &Connection, ids: &[ArticleId]) -> Result<Vec<Article>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!("{SELECT} WHERE a.id IN (SELECT value FROM json_each(?1))");
    let mut stmt = conn.prepare_cached(&sql)?;
    let found: Vec<Article> =
        stmt.query_map([super::id_list(ids)], row_to_article)?.collect::<rusqlite::Result<_>>()?;
    Ok(ids.iter().filter_map(|id| found.iter().find(|a| a.id == *id).cloned()).collect())
}

pub fn list(conn: &Connection, f: &ArticleFilter) -> Result<Vec<Article>> {
    let mut sql = format!("{SELECT} WHERE 1 = 1");
    let mut args: Vec<rusqlite::types::Value> = Vec::new();
    let statuses: Vec<ArticleStatus> = if f.statuses.is_empty() {
        vec![ArticleStatus::Draft, ArticleStatus::Published]
    } else {
        f.statuses.clone()
    };
    sql.push_str(&format!(" AND a.status IN ({})", vec!["?"; statuses.len()].join(", ")));
    args.extend(statuses.iter().map(|s| s.as_str().to_string().into()));
    if let Some(a) = f.audience {
        sql.push_str(" AND a.audience = ?");
        args.push(a.as_str().to_string().into());
    }
    if let Some(c) = &f.category {
        sql.push_str(" AND a.category = ?");
        args.push(c.clone().into());
    }
    if let Some(t) = &f.tag {
        // Tags are "a, b, c": match one whole tag.
        sql.push_str(" AND (', ' || a.tags || ',') LIKE ? ESCAPE '\\'");
        let escaped = t.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        args.push(format!("%, {escaped},%").into());
    }
    sql.push_str(" ORDER BY a.category IS NULL, a.category, a.title COLLATE NOCASE, a.id");
    if let Some(limit) = f.limit {
        sql.push_str(&format!(" LIMIT {limit}"));
    }
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args), row_to_article)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Writes every editable field of `a` if nobody changed the row since
/// `a.version` was read; bumps the version. Returns false on a lost race.
pub fn save(conn: &Connection, a: &Article, now: Timestamp, tech_id: i64) -> Result<bool> {
    let n = conn
        .prepare_cached(
            "UPDATE articles SET title = :title, body = :body, category = :category, tags = :tags,
                    status = :status, audience = :audience, published_at = :published,
                    updated_at = :now, updated_by = :tech, version = version + 1
              WHERE id = :id AND version = :version",
        )?
        .execute(named_params! {
            ":title": a.title, ":body": a.body, ":category": a.category, ":tags": join_tags(&a.tags),
            ":status": a.status.as_str(), ":audience": a.audience.as_str(),
            ":published": a.published_at.map(to_secs), ":now": to_secs(now), ":tech": tech_id,
            ":id": a.id, ":version": a.version,
        })?;
    Ok(n == 1)
}

/// Who last changed an article and when: for conflict messages.
pub fn last_change(conn: &Connection, id: ArticleId) -> Result<(Option<String>, Timestamp, Version)> {
    Ok(conn.query_row(
        "SELECT COALESCE(u.login, au.login), a.updated_at, a.version FROM articles a
           LEFT JOIN technicians u ON u.id = a.updated_by
           LEFT JOIN technicians au ON au.id = a.author_id WHERE a.id = ?1",
        params![id],
        |r| Ok((r.get(0)?, from_secs(r.get(1)?), r.get(2)?)),
    )?)
}

/// Counts a view. Counters do not bump the version: reading an article
/// must not make someone else's edit conflict.
pub fn add_view(conn: &Connection, id: ArticleId) -> Result<()> {
    conn.execute("UPDATE articles SET views = views + 1 WHERE id = ?1", [id])?;
    Ok(())
}

pub fn add_vote(conn: &Connection, id: ArticleId, helpful: bool) -> Result<()> {
    let sql = if helpful {
        "UPDATE articles SET helpful = helpful + 1 WHERE id = ?1"
    } else {
        "UPDATE articles SET not_helpful = not_helpful + 1 WHERE id = ?1"
    };
    conn.execute(sql, [id])?;
    Ok(())
}

/// Sets the demo counters (views, uses, votes) of an article.
pub fn set_counters(
    conn: &Connection,
    id: ArticleId,
    views: i64,
    helpful: i64,
    not_helpful: i64,
) -> Result<()> {
    conn.execute(
        "UPDATE articles SET views = ?2, helpful = ?3, not_helpful = ?4 WHERE id = ?1",
        params![id, views, helpful, not_helpful],
    )?;
    Ok(())
}

/// The articles used to resolve a ticket.
pub fn linked_to_ticket(conn: &Connection, ticket_id: TicketId) -> Result<Vec<Article>> {
    let sql = format!(
        "{SELECT} JOIN ticket_articles ta ON ta.article_id = a.id WHERE ta.ticket_id = ?1 ORDER BY ta.at, a.id"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([ticket_id], row_to_article)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
