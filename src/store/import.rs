//! Rows brought in from other helpdesks' CSV exports: tickets and articles
//! with their own dates and states (the normal inserts stamp "now").

use super::to_secs;
use crate::domain::Timestamp;
use crate::Result;
use rusqlite::{named_params, Connection, OptionalExtension};

pub struct ImportedTicket<'a> {
    pub subject: &'a str,
    pub body: &'a str,
    pub requester_id: i64,
    pub school_id: i64,
    pub category: Option<&'a str>,
    pub priority: &'a str,
    pub status: &'a str,
    pub tier: i64,
    pub assignee_id: Option<i64>,
    pub source: &'a str,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub resolved_at: Option<Timestamp>,
    pub closed_at: Option<Timestamp>,
    pub pending_since: Option<Timestamp>,
    /// The technician running the import (recorded as the last change).
    pub tech_id: i64,
}

pub fn insert_ticket(conn: &Connection, t: &ImportedTicket<'_>) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO tickets (subject, body, requester_id, school_id, category, priority, status, tier,
                              assignee_id, source, created_at, updated_at, updated_by, resolved_at,
                              closed_at, pending_since)
         VALUES (:subject, :body, :requester, :school, :category, :priority, :status, :tier,
                 :assignee, :source, :created, :updated, :tech, :resolved, :closed, :pending)",
    )?
    .execute(named_params! {
        ":subject": t.subject, ":body": t.body, ":requester": t.requester_id, ":school": t.school_id,
        ":category": t.category, ":priority": t.priority, ":status": t.status, ":tier": t.tier,
        ":assignee": t.assignee_id, ":source": t.source, ":created": to_secs(t.created_at),
        ":updated": to_secs(t.updated_at), ":tech": t.tech_id, ":resolved": t.resolved_at.map(to_secs),
        ":closed": t.closed_at.map(to_secs), ":pending": t.pending_since.map(to_secs),
    })?;
    Ok(conn.last_insert_rowid())
}

pub struct ImportedArticle<'a> {
    pub title: &'a str,
    pub body: &'a str,
    pub category: Option<&'a str>,
    pub tags: &'a str,
    pub status: &'a str,
    pub audience: &'a str,
    pub author_id: Option<i64>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

pub fn insert_article(conn: &Connection, a: &ImportedArticle<'_>) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO articles (title, body, category, tags, status, audience, author_id, created_at,
                               updated_at, published_at)
         VALUES (:title, :body, :category, :tags, :status, :audience, :author, :created, :updated,
                 CASE WHEN :status = 'published' THEN :updated END)",
    )?
    .execute(named_params! {
        ":title": a.title, ":body": a.body, ":category": a.category, ":tags": a.tags,
        ":status": a.status, ":audience": a.audience, ":author": a.author_id,
        ":created": to_secs(a.created_at), ":updated": to_secs(a.updated_at),
    })?;
    Ok(conn.last_insert_rowid())
}

/// The time zone of the default calendar (for dates written without one).
pub fn default_tz(conn: &Connection) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT tz FROM calendars ORDER BY name <> 'default', id LIMIT 1", [], |r| r.get(0))
        .optional()?)
}
