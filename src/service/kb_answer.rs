//! A knowledge-base article as the answer on a ticket: its public text
//! (with a link to it on the portal when one is configured) sent as the
//! reply or as the resolution, and the article linked to the ticket
//! (the same `ticket_articles` record and "article" timeline event as a
//! ticket resolved with `--article`), all in one transaction.

use super::tickets::{self, Resolution};
use super::{Ctx, Desk};
use crate::domain::{Article, Audience, Ticket};
use crate::domain::{ArticleId, TicketId, Version};
use crate::{Error, Result};
use rusqlite::Connection;

/// How an article's text is sent on a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendAs {
    /// A public reply; the ticket stays open.
    Reply,
    /// The resolving message: the ticket is resolved.
    Resolution,
}

/// Only a published public article may be sent to a requester: a draft is
/// not an answer yet, and an internal one is for technicians only.
fn require_sendable(a: &Article) -> Result<()> {
    super::kb::require_usable(a)?;
    if a.audience == Audience::Internal {
        return Err(Error::invalid(format!(
            "article #{} is internal: its text is for technicians only (link it to the ticket instead)",
            a.id
        )));
    }
    Ok(())
}

/// The text a requester gets for article `a`: its body, then its page on
/// the portal when the portal's base URL is set (as acknowledgements link
/// articles).
pub fn message_for(conn: &Connection, a: &Article) -> Result<String> {
    require_sendable(a)?;
    let mut text = format!("{}\n\n{}", a.title.trim(), a.body.trim());
    let base = crate::store::portal::setting(conn, "base_url")?;
    if let Some(link) = super::mail::ack::article_link(conn, base.as_deref(), None, a.id)? {
        text.push_str(&format!("\n\nRead it online: {link}"));
    }
    Ok(text)
}

/// Sends `message` (the article's text, as the technician edited it) on
/// ticket `id` and links the article, in the caller's transaction. A reply
/// on a ticket resolved or closed since `seen_version` is a conflict, as
/// for any reply.
pub fn send(
    cx: &mut Ctx<'_>,
    id: TicketId,
    article_id: ArticleId,
    message: &str,
    how: SendAs,
    seen_version: Version,
) -> Result<Ticket> {
    let article = crate::store::kb::get(cx.tx, article_id)?;
    require_sendable(&article)?;
    match how {
        SendAs::Reply => {
            let t = tickets::reply_seen(cx, id, message, seen_version)?;
            tickets::link_article(cx, id, article_id)?;
            Ok(t)
        }
        SendAs::Resolution => {
            let how = Resolution { message: Some(message.to_string()), article_id: Some(article_id) };
            tickets::resolve(cx, id, &how, Some(seen_version))
        }
    }
}

impl Desk {
    /// The requester-facing text of a published public article.
    pub fn article_message(&self, article_id: ArticleId) -> Result<String> {
        self.read(|conn, _| message_for(conn, &crate::store::kb::get(conn, article_id)?))
    }

    /// Sends an article's text on a ticket (reply or resolution) and links it.
    pub fn send_article(
        &mut self,
        id: TicketId,
        article_id: ArticleId,
        message: &str,
        how: SendAs,
        seen_version: Version,
    ) -> Result<Ticket> {
        self.write(|cx| send(cx, id, article_id, message, how, seen_version))
    }

    /// Links an article to a ticket ("solved by"), counting its use once;
    /// false when it was already linked.
    pub fn link_article(&mut self, id: TicketId, article_id: ArticleId) -> Result<bool> {
        self.write(|cx| {
            // The ticket must exist (a clear error, not a foreign-key one).
            crate::store::tickets::get(cx.tx, id)?;
            let before = crate::store::articles::is_linked(cx.tx, id, article_id)?;
            tickets::link_article(cx, id, article_id)?;
            Ok(!before)
        })
    }
}
