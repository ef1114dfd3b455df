//! Deflection when logging: search before a ticket exists, and resolve at
//! first contact with an article that answers it.

use super::tickets::{self, Resolution};
use super::{directory, Ctx, Desk};
use crate::domain::{self, EventKind, NewTicket, Ticket};
use crate::search::{SuggestContext, Suggestion};
use crate::store::directory as dir;
use crate::{Error, Result};
use rusqlite::Connection;

/// Suggestions shown when logging a ticket.
pub const LOGGING_SUGGESTIONS: usize = 5;

/// The school and category a new ticket will have, for ranking. An unknown
/// or invalid requester gives no school (logging will say what is wrong).
fn context_for(conn: &Connection, new: &NewTicket) -> Result<SuggestContext> {
    let school = match domain::normalize_email(&new.requester) {
        Ok(email) => match dir::find_requester(conn, &email)? {
            Some(r) => Some(r.school),
            None => directory::school_for_email(conn, &email).ok(),
        },
        Err(_) => None,
    };
    Ok(SuggestContext { school, category: new.category.clone() })
}

/// Logs a ticket and resolves it at once with a published article: the
/// article is linked, its use counted, and its summary sent as the public
/// reply, all in the same transaction.
pub fn create_resolved(cx: &mut Ctx<'_>, new: &NewTicket, article_id: i64) -> Result<Ticket> {
    let t = tickets::create(cx, new)?;
    let how = Resolution { message: None, article_id: Some(article_id) };
    tickets::resolve(cx, t.id, &how, None)
}

impl Desk {
    /// Logs a ticket (resolved at first contact when `resolve_with` names an
    /// article) and returns it with the answers that might already exist,
    /// searched before it was logged.
    pub fn log_ticket(
        &mut self,
        new: &NewTicket,
        resolve_with: Option<i64>,
    ) -> Result<(Ticket, Vec<Suggestion>)> {
        let ctx = self.read(|conn, _| context_for(conn, new))?;
        let text = format!("{}\n{}", new.subject, new.body);
        let suggestions = self.suggest_for_ticket(&text, &ctx, LOGGING_SUGGESTIONS)?;
        let ticket = match resolve_with {
            Some(article) => self.write(|cx| create_resolved(cx, new, article))?,
            None => self.create_ticket(new)?,
        };
        Ok((ticket, suggestions))
    }
}

/// What a ticket logged during a call is resolved with at first contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirstContact {
    /// A published article: linked, its use counted, its summary sent.
    Article(i64),
    /// A similar solved ticket: its resolving public reply is sent again.
    SolvedTicket(i64),
}

/// The public reply that resolved a ticket (never an internal note).
fn resolving_reply(conn: &Connection, id: i64) -> Result<String> {
    let t = crate::store::tickets::get(conn, id)?;
    if t.status.is_active() {
        return Err(Error::invalid(format!(
            "ticket #{id} is {}: only a solved ticket's answer can be reused",
            t.status
        )));
    }
    crate::store::events::for_ticket(conn, id)?
        .into_iter()
        .rev()
        .find(|e| e.kind == EventKind::Reply && !e.internal)
        .and_then(|e| e.body)
        .ok_or_else(|| Error::invalid(format!("ticket #{id} has no public reply to reuse")))
}

impl Desk {
    /// Suggestions while a ticket is being typed (the last word counts as
    /// half-typed), in the context of its requester's school and category.
    pub fn suggest_for_new(&self, new: &NewTicket, limit: usize) -> Result<Vec<Suggestion>> {
        let ctx = self.read(|conn, _| context_for(conn, new))?;
        self.suggest(&format!("{}\n{}", new.subject, new.body), &ctx, limit)
    }

    /// Logs a ticket and resolves it at once, in one transaction.
    pub fn log_resolved(&mut self, new: &NewTicket, with: FirstContact) -> Result<Ticket> {
        self.write(|cx| match with {
            FirstContact::Article(article) => create_resolved(cx, new, article),
            FirstContact::SolvedTicket(source) => {
                let message = resolving_reply(cx.tx, source)?;
                let t = tickets::create(cx, new)?;
                let note = format!("Resolved at first contact with the answer that solved #{source}.");
                cx.event(t.id, EventKind::Note, true, Some(&note))?;
                tickets::resolve(cx, t.id, &Resolution::message(message), None)
            }
        })
    }
}
