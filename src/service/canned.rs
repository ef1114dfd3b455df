//! Canned solutions: replies written once by tier 2/3 or a lead and picked
//! by anyone. Placeholders are checked when a solution is saved; applying one
//! adds the rendered public reply, links the solution to the ticket, counts
//! the use and, if asked, resolves the ticket.

use super::tickets::{self, load_for_change, require_can_work, Resolution, Visibility};
use super::{Ctx, Desk};
use crate::domain::ArticleId;
use crate::domain::Version;
use crate::domain::{self, CannedId, CannedSolution, EventKind, PlaceholderValues, Ticket, TicketId};
use crate::store::{articles, canned as rows, directory as dir, tickets as ticket_rows};
use crate::{Error, Result};
use rusqlite::Connection;

pub const MAX_TITLE: usize = 120;
pub const MAX_BODY: usize = 20_000;

/// What a face supplies to write a canned solution.
#[derive(Debug, Clone, Default)]
pub struct NewCanned {
    pub title: String,
    pub body: String,
    pub category: Option<String>,
    pub article_id: Option<ArticleId>,
}

/// Changes to a canned solution; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct CannedEdit {
    pub title: Option<String>,
    pub body: Option<String>,
    /// `Some("")` clears the category.
    pub category: Option<String>,
    /// `Some(None)` unlinks the article.
    pub article_id: Option<Option<ArticleId>>,
}

fn require_author(cx: &Ctx<'_>, what: &str) -> Result<()> {
    if cx.me.lead || cx.me.tier > domain::Tier::One {
        Ok(())
    } else {
        Err(Error::permission(format!(
            "only tier 2/3 technicians and leads may {what} canned solutions ({} is tier {})",
            cx.me.login, cx.me.tier
        )))
    }
}

fn title(t: &str) -> Result<String> {
    let t = domain::required_text("title", t, MAX_TITLE)?;
    if t.parse::<i64>().is_ok() {
        return Err(Error::invalid(format!(
            "invalid title '{t}': a title cannot be only a number (numbers are ids)"
        )));
    }
    if t.chars().any(char::is_control) {
        return Err(Error::invalid("title must not contain control characters"));
    }
    Ok(t)
}

fn body(b: &str) -> Result<String> {
    let b = domain::required_text("body", b, MAX_BODY)?;
    domain::check_placeholders("body", &b)?;
    Ok(b)
}

fn check_article(conn: &Connection, id: Option<ArticleId>) -> Result<()> {
    match id {
        Some(id) if articles::title(conn, id)?.is_none() => {
            Err(Error::not_found(format!("article {id} not found (see `deskside kb list`)")))
        }
        _ => Ok(()),
    }
}

fn check_title_free(conn: &Connection, title: &str, except: Option<CannedId>) -> Result<()> {
    match rows::find_by_title(conn, title)? {
        Some(c) if Some(c.id) != except => {
            Err(Error::invalid(format!("a canned solution titled '{}' already exists (#{})", c.title, c.id)))
        }
        _ => Ok(()),
    }
}

/// Finds a canned solution by id or by title (any case).
pub fn find(conn: &Connection, reference: &str) -> Result<CannedSolution> {
    let r = reference.trim();
    let found = match r.trim_start_matches('#').parse::<i64>() {
        Ok(id) => rows::find(conn, CannedId(id))?,
        Err(_) => rows::find_by_title(conn, r)?,
    };
    found.ok_or_else(|| {
        Error::not_found(format!("canned solution '{r}' not found (see `deskside canned list`)"))
    })
}

pub fn add(cx: &mut Ctx<'_>, new: &NewCanned) -> Result<CannedSolution> {
    require_author(cx, "create")?;
    let title = title(&new.title)?;
    let body = body(&new.body)?;
    let category = new.category.as_deref().map(domain::normalize_category).transpose()?.flatten();
    check_article(cx.tx, new.article_id)?;
    check_title_free(cx.tx, &title, None)?;
    let id = articles::insert_canned(
        cx.tx,
        &articles::NewCanned {
            title: &title,
            body: &body,
            category: category.as_deref(),
            article_id: new.article_id,
            author_id: Some(cx.me.id),
            now: cx.now,
        },
    )?;
    cx.audit("add", "canned", &id.to_string(), Some(&title))?;
    find(cx.tx, &id.to_string())
}

pub fn edit(cx: &mut Ctx<'_>, reference: &str, change: &CannedEdit) -> Result<CannedSolution> {
    require_author(cx, "edit")?;
    let mut c = find(cx.tx, reference)?;
    if let Some(t) = &change.title {
        c.title = title(t)?;
        check_title_free(cx.tx, &c.title, Some(c.id))?;
    }
    if let Some(b) = &change.body {
        c.body = body(b)?;
    }
    if let Some(cat) = &change.category {
        c.category = domain::normalize_category(cat)?;
    }
    if let Some(article) = change.article_id {
        check_article(cx.tx, article)?;
        c.article_id = article;
    }
    rows::update(cx.tx, &c, cx.now)?;
    cx.audit("edit", "canned", &c.id.to_string(), Some(&c.title))?;
    find(cx.tx, &c.id.to_string())
}

/// The canned solution's body with the ticket's values filled in, as
/// `tech` would send it.
pub fn render(
    conn: &Connection,
    ticket: &Ticket,
    canned: &CannedSolution,
    tech_name: &str,
    answers: &[(String, String)],
) -> Result<String> {
    let school =
        dir::find_school(conn, &ticket.school)?.map(|s| s.name).unwrap_or_else(|| ticket.school.clone());
    let values = PlaceholderValues {
        requester_first_name: ticket.requester_name.split_whitespace().next().unwrap_or("").to_string(),
        requester_name: ticket.requester_name.clone(),
        ticket_id: ticket.id,
        ticket_subject: ticket.subject.clone(),
        school_name: school,
        tech_name: tech_name.to_string(),
        answers: answers.to_vec(),
    };
    Ok(domain::render(&canned.body, &values))
}

/// Sends a canned solution as a public reply on a ticket (the first response
/// if there was none), records it on the timeline and counts the use; with
/// `resolve`, the reply resolves the ticket and its linked article is
/// counted as used.
pub fn apply(
    cx: &mut Ctx<'_>,
    ticket_id: TicketId,
    reference: &str,
    resolve: bool,
    expected: Option<Version>,
) -> Result<Ticket> {
    let canned = find(cx.tx, reference)?;
    let t = load_for_change(cx, ticket_id, expected)?;
    require_can_work(cx, &t, "reply to")?;
    if !t.status.is_active() {
        return Err(Error::invalid(format!(
            "ticket #{ticket_id} is {}: reopen it before sending a canned solution",
            t.status
        )));
    }
    let asked = domain::asks(&canned.body);
    if let Some(label) = asked.first() {
        return Err(Error::invalid(format!(
            "canned solution '{}' asks for '{label}': pick it in the console, which asks, or write the reply yourself",
            canned.title
        )));
    }
    let message = render(cx.tx, &t, &canned, &cx.me.name.clone(), &[])?;
    send(cx, &t, &canned, message, resolve, expected)
}

/// Sends a canned solution as the technician edited it (the console fills
/// the `{{ask:…}}` fill-ins and opens the text for editing first): counted
/// and recorded like `apply`.
pub fn apply_edited(
    cx: &mut Ctx<'_>,
    ticket_id: TicketId,
    canned_id: CannedId,
    message: &str,
    resolve: bool,
    expected: Option<Version>,
) -> Result<Ticket> {
    let canned = find(cx.tx, &canned_id.to_string())?;
    let message = tickets::text("reply", message)?;
    let t = load_for_change(cx, ticket_id, expected)?;
    require_can_work(cx, &t, "reply to")?;
    if !t.status.is_active() {
        return Err(Error::invalid(format!(
            "ticket #{ticket_id} is {}: reopen it before sending a canned solution",
            t.status
        )));
    }
    send(cx, &t, &canned, message, resolve, expected)
}

fn send(
    cx: &mut Ctx<'_>,
    t: &Ticket,
    canned: &CannedSolution,
    message: String,
    resolve: bool,
    expected: Option<Version>,
) -> Result<Ticket> {
    let ticket_id = t.id;
    let updated = if resolve {
        let how = Resolution { message: Some(message), article_id: canned.article_id };
        tickets::resolve(cx, ticket_id, &how, expected)?
    } else {
        tickets::add_note(cx, ticket_id, &message, Visibility::Public)?
    };
    articles::record_canned_use(cx.tx, ticket_id, canned.id, cx.now)?;
    cx.event_change(
        ticket_id,
        EventKind::CannedApplied,
        true,
        Some(&canned.title),
        None,
        Some(&canned.id.to_string()),
    )?;
    Ok(updated)
}

impl Desk {
    pub fn add_canned(&mut self, new: &NewCanned) -> Result<CannedSolution> {
        self.write(|cx| add(cx, new))
    }

    pub fn edit_canned(&mut self, reference: &str, change: &CannedEdit) -> Result<CannedSolution> {
        self.write(|cx| edit(cx, reference, change))
    }

    pub fn canned_list(&self, category: Option<&str>) -> Result<Vec<CannedSolution>> {
        let category = category.map(|c| c.trim().to_lowercase());
        self.read(|conn, _| rows::list(conn, category.as_deref()))
    }

    /// A canned solution by id or title.
    pub fn canned(&self, reference: &str) -> Result<CannedSolution> {
        self.read(|conn, _| find(conn, reference))
    }

    pub fn apply_canned(
        &mut self,
        ticket_id: TicketId,
        reference: &str,
        resolve: bool,
        expected: Option<Version>,
    ) -> Result<Ticket> {
        self.write(|cx| apply(cx, ticket_id, reference, resolve, expected))
    }

    /// The reply a canned solution would send on a ticket, signed by the
    /// acting technician: the console's live preview.
    pub fn render_canned(&self, ticket_id: TicketId, canned_id: CannedId) -> Result<String> {
        self.read(|conn, me| {
            let ticket = ticket_rows::get(conn, ticket_id)?;
            let canned = rows::find(conn, canned_id)?
                .ok_or_else(|| Error::not_found(format!("canned solution {canned_id} not found")))?;
            render(conn, &ticket, &canned, &me.name, &[])
        })
    }

    /// The canned solution on the ticket with the `{{ask:…}}` fill-ins
    /// answered: the text the console opens for editing before it is sent.
    pub fn render_canned_with(
        &self,
        ticket_id: TicketId,
        canned_id: CannedId,
        answers: &[(String, String)],
    ) -> Result<String> {
        self.read(|conn, me| {
            let ticket = ticket_rows::get(conn, ticket_id)?;
            let canned = rows::find(conn, canned_id)?
                .ok_or_else(|| Error::not_found(format!("canned solution {canned_id} not found")))?;
            render(conn, &ticket, &canned, &me.name, answers)
        })
    }

    /// Sends a canned solution as edited (see `canned::apply_edited`).
    pub fn apply_canned_edited(
        &mut self,
        ticket_id: TicketId,
        canned_id: CannedId,
        message: &str,
        resolve: bool,
        expected: Option<Version>,
    ) -> Result<Ticket> {
        self.write(|cx| apply_edited(cx, ticket_id, canned_id, message, resolve, expected))
    }
}
