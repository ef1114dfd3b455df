//! Canned solution rows (inserting and counting uses live in `articles`).

use super::{from_secs, to_secs};
use crate::domain::CannedId;
use crate::domain::{CannedSolution, Timestamp};
use crate::Result;
use rusqlite::{named_params, Connection, OptionalExtension, Row};

const SELECT: &str = "
    SELECT c.id, c.title, c.body, c.category, c.article_id, t.login, c.uses, c.created_at, c.updated_at
      FROM canned_solutions c LEFT JOIN technicians t ON t.id = c.author_id";

fn row(r: &Row<'_>) -> rusqlite::Result<CannedSolution> {
    Ok(CannedSolution {
        id: r.get(0)?,
        title: r.get(1)?,
        body: r.get(2)?,
        category: r.get(3)?,
        article_id: r.get(4)?,
        author: r.get(5)?,
        uses: r.get(6)?,
        created_at: from_secs(r.get(7)?),
        updated_at: from_secs(r.get(8)?),
    })
}

pub fn find(conn: &Connection, id: CannedId) -> Result<Option<CannedSolution>> {
    let sql = format!("{SELECT} WHERE c.id = ?1");
    Ok(conn.prepare_cached(&sql)?.query_row([id], row).optional()?)
}

/// By title, ignoring case.
pub fn find_by_title(conn: &Connection, title: &str) -> Result<Option<CannedSolution>> {
    let sql = format!("{SELECT} WHERE c.title = ?1");
    Ok(conn.prepare_cached(&sql)?.query_row([title], row).optional()?)
}

/// All canned solutions, or one category's, by title.
pub fn list(conn: &Connection, category: Option<&str>) -> Result<Vec<CannedSolution>> {
    let sql =
        format!("{SELECT} WHERE ?1 IS NULL OR c.category = ?1 ORDER BY c.category, c.title COLLATE NOCASE");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([category], row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn update(conn: &Connection, c: &CannedSolution, now: Timestamp) -> Result<()> {
    conn.prepare_cached(
        "UPDATE canned_solutions SET title = :title, body = :body, category = :category,
                article_id = :article, updated_at = :now WHERE id = :id",
    )?
    .execute(named_params! {
        ":title": c.title, ":body": c.body, ":category": c.category, ":article": c.article_id,
        ":now": to_secs(now), ":id": c.id,
    })?;
    Ok(())
}
