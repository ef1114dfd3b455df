//! The knowledge base: write, edit, publish, archive, read and rate articles.
//! Anyone may draft; only tier 2/3 technicians and leads publish, and so
//! only they change what is already published.

use super::{Ctx, Desk};
use crate::domain::markdown::summary;
use crate::domain::TicketId;
use crate::domain::{
    self, article_body, normalize_category, normalize_tags, Article, ArticleFilter, ArticleStatus, Audience,
    MAX_TITLE,
};
use crate::domain::{ArticleId, Version};
use crate::store::{articles, kb as rows};
use crate::{Error, Result};

/// What a face supplies to write an article.
#[derive(Debug, Clone)]
pub struct NewArticle {
    pub title: String,
    /// Markdown.
    pub body: String,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub audience: Audience,
    /// Publish at once (tier 2/3 and leads); otherwise a draft.
    pub publish: bool,
    pub source_ticket: Option<TicketId>,
}

/// Changes to an article; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ArticleEdit {
    pub title: Option<String>,
    pub body: Option<String>,
    /// `Some("")` clears the category.
    pub category: Option<String>,
    pub tags: Option<Vec<String>>,
    pub audience: Option<Audience>,
}

impl ArticleEdit {
    pub fn is_empty(&self) -> bool {
        self.title.is_none()
            && self.body.is_none()
            && self.category.is_none()
            && self.tags.is_none()
            && self.audience.is_none()
    }
}

pub fn add(cx: &mut Ctx<'_>, new: &NewArticle) -> Result<Article> {
    add_at(cx, new, None)
}

/// As `add`, under a given (free) id: a knowledge base read back from files
/// (`kb import --markdown`) keeps its article numbers.
pub fn add_at(cx: &mut Ctx<'_>, new: &NewArticle, id: Option<ArticleId>) -> Result<Article> {
    if new.publish {
        cx.me.require_publish("publish articles")?;
    }
    let title = domain::required_text("title", &new.title, MAX_TITLE)?;
    let body = article_body(&new.body)?;
    let category = match &new.category {
        Some(c) => normalize_category(c)?,
        None => None,
    };
    let tags = normalize_tags(&new.tags)?;
    let status = if new.publish { ArticleStatus::Published } else { ArticleStatus::Draft };
    let id = articles::insert_article_at(
        cx.tx,
        id,
        &articles::NewArticle {
            title: &title,
            body: &body,
            category: category.as_deref(),
            tags: &rows::join_tags(&tags),
            status: status.as_str(),
            audience: new.audience.as_str(),
            source_ticket_id: new.source_ticket,
            author_id: Some(cx.me.id),
            now: cx.now,
        },
    )?;
    cx.audit("add", "article", &id.to_string(), Some(&format!("{status} {}: {title}", new.audience)))?;
    rows::get(cx.tx, id)
}

/// Loads an article for a change, refusing when the caller's copy is stale.
pub fn load_for_change(cx: &Ctx<'_>, id: ArticleId, expected_version: Option<Version>) -> Result<Article> {
    let a = rows::get(cx.tx, id)?;
    match expected_version {
        Some(v) if v != a.version => Err(conflict(cx, id)?),
        _ => Ok(a),
    }
}

fn conflict(cx: &Ctx<'_>, id: ArticleId) -> Result<Error> {
    let (who, when, version) = rows::last_change(cx.tx, id)?;
    let who = who.unwrap_or_else(|| "someone".into());
    Ok(Error::Conflict(format!(
        "article #{id} was changed by {who} at {} (now version {version}): reload it and try again",
        when.format("%Y-%m-%d %H:%M:%S UTC")
    )))
}

fn save(cx: &Ctx<'_>, a: &Article) -> Result<Article> {
    if !rows::save(cx.tx, a, cx.now, cx.me.id)? {
        return Err(conflict(cx, a.id)?);
    }
    rows::get(cx.tx, a.id)
}

/// Applies `edit`; returns the article and whether anything changed (an
/// edit that changes nothing writes nothing).
pub fn edit(
    cx: &mut Ctx<'_>,
    id: ArticleId,
    edit: &ArticleEdit,
    expected: Option<Version>,
) -> Result<(Article, bool)> {
    let mut a = load_for_change(cx, id, expected)?;
    if a.status != ArticleStatus::Draft {
        cx.me.require_publish(&format!("change {} article #{id}", a.status))?;
    }
    let before = a.clone();
    if let Some(t) = &edit.title {
        a.title = domain::required_text("title", t, MAX_TITLE)?;
    }
    if let Some(b) = &edit.body {
        a.body = article_body(b)?;
    }
    if let Some(c) = &edit.category {
        a.category = normalize_category(c)?;
    }
    if let Some(t) = &edit.tags {
        a.tags = normalize_tags(t)?;
    }
    if let Some(aud) = edit.audience {
        a.audience = aud;
    }
    if a == before {
        return Ok((a, false));
    }
    let changed: Vec<&str> = [
        (a.title != before.title, "title"),
        (a.body != before.body, "body"),
        (a.category != before.category, "category"),
        (a.tags != before.tags, "tags"),
        (a.audience != before.audience, "audience"),
    ]
    .into_iter()
    .filter_map(|(c, name)| c.then_some(name))
    .collect();
    let saved = save(cx, &a)?;
    cx.audit("edit", "article", &id.to_string(), Some(&changed.join(", ")))?;
    Ok((saved, true))
}

pub fn publish(cx: &mut Ctx<'_>, id: ArticleId, expected: Option<Version>) -> Result<Article> {
    cx.me.require_publish(&format!("publish article #{id}"))?;
    let mut a = load_for_change(cx, id, expected)?;
    if a.status == ArticleStatus::Published {
        return Err(Error::invalid(format!("article #{id} is already published")));
    }
    a.status = ArticleStatus::Published;
    a.published_at = Some(cx.now);
    let saved = save(cx, &a)?;
    cx.audit("publish", "article", &id.to_string(), Some(&saved.title))?;
    Ok(saved)
}

/// Undo of a publish (the console's `u`): the article, still as the
/// publish left it (`expected`), goes back to draft and off the portal.
pub fn unpublish(cx: &mut Ctx<'_>, id: ArticleId, expected: Version) -> Result<Article> {
    cx.me.require_publish(&format!("unpublish article #{id}"))?;
    let mut a = load_for_change(cx, id, Some(expected))?;
    if a.status != ArticleStatus::Published {
        return Err(Error::invalid(format!("cannot undo the publish of article #{id}: it is {}", a.status)));
    }
    a.status = ArticleStatus::Draft;
    a.published_at = None;
    let saved = save(cx, &a)?;
    cx.audit("unpublish", "article", &id.to_string(), Some(&saved.title))?;
    Ok(saved)
}

pub fn archive(cx: &mut Ctx<'_>, id: ArticleId, expected: Option<Version>) -> Result<Article> {
    let mut a = load_for_change(cx, id, expected)?;
    match a.status {
        ArticleStatus::Archived => return Err(Error::invalid(format!("article #{id} is already archived"))),
        ArticleStatus::Published => cx.me.require_publish(&format!("archive published article #{id}"))?,
        ArticleStatus::Draft => {}
    }
    a.status = ArticleStatus::Archived;
    let saved = save(cx, &a)?;
    cx.audit("archive", "article", &id.to_string(), Some(&saved.title))?;
    Ok(saved)
}

/// Reads an article and counts the view.
pub fn view(cx: &mut Ctx<'_>, id: ArticleId) -> Result<Article> {
    rows::get(cx.tx, id)?;
    rows::add_view(cx.tx, id)?;
    rows::get(cx.tx, id)
}

pub fn rate(cx: &mut Ctx<'_>, id: ArticleId, helpful: bool) -> Result<Article> {
    let a = rows::get(cx.tx, id)?;
    if a.status != ArticleStatus::Published {
        let what = if a.status == ArticleStatus::Draft { "a draft" } else { "archived" };
        return Err(Error::invalid(format!("article #{id} is {what}: only published articles are rated")));
    }
    rows::add_vote(cx.tx, id, helpful)?;
    rows::get(cx.tx, id)
}

/// Refuses an article that may not resolve tickets: drafts and archived
/// articles are not answers yet (or any more).
pub fn require_usable(a: &Article) -> Result<()> {
    match a.status {
        ArticleStatus::Published => Ok(()),
        ArticleStatus::Draft => Err(Error::invalid(format!(
            "article #{} is a draft: only a published article can resolve a ticket (publish it with `deskside kb publish {}`)",
            a.id, a.id
        ))),
        ArticleStatus::Archived => Err(Error::invalid(format!(
            "article #{} is archived: only a published article can resolve a ticket",
            a.id
        ))),
    }
}

/// The public reply for a ticket resolved with `a`. A public article is named
/// with a short summary of its fix; an internal one is never quoted or named
/// (requesters cannot open it and it may describe internal systems).
pub fn resolution_message(a: &Article) -> String {
    match a.audience {
        Audience::Internal => {
            "This has been resolved by IT Support. If the problem comes back, reply to this ticket."
                .to_string()
        }
        Audience::Public => {
            let summary = summary(&a.body);
            let mut msg = format!("Resolved with our knowledge-base article \"{}\" (KB #{}).", a.title, a.id);
            if !summary.is_empty() {
                msg.push_str("\n\nIn short: ");
                msg.push_str(&summary);
            }
            msg.push_str("\n\nIf the problem comes back, reply to this ticket.");
            msg
        }
    }
}

impl Desk {
    pub fn add_article(&mut self, new: &NewArticle) -> Result<Article> {
        self.write(|cx| add(cx, new))
    }

    pub fn edit_article(
        &mut self,
        id: ArticleId,
        e: &ArticleEdit,
        expected: Option<Version>,
    ) -> Result<(Article, bool)> {
        self.write(|cx| edit(cx, id, e, expected))
    }

    pub fn publish_article(&mut self, id: ArticleId, expected: Option<Version>) -> Result<Article> {
        self.write(|cx| publish(cx, id, expected))
    }

    pub fn unpublish_article(&mut self, id: ArticleId, expected: Version) -> Result<Article> {
        self.write(|cx| unpublish(cx, id, expected))
    }

    pub fn archive_article(&mut self, id: ArticleId, expected: Option<Version>) -> Result<Article> {
        self.write(|cx| archive(cx, id, expected))
    }

    /// An article as it is, without counting a view (for editing).
    pub fn article(&self, id: ArticleId) -> Result<Article> {
        self.read(|conn, _| rows::get(conn, id))
    }

    /// An article being read: counts the view.
    pub fn view_article(&mut self, id: ArticleId) -> Result<Article> {
        self.write(|cx| view(cx, id))
    }

    pub fn articles(&self, filter: &ArticleFilter) -> Result<Vec<Article>> {
        self.read(|conn, _| rows::list(conn, filter))
    }

    pub fn rate_article(&mut self, id: ArticleId, helpful: bool) -> Result<Article> {
        self.write(|cx| rate(cx, id, helpful))
    }
}
