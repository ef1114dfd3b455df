//! Deflection when logging: search before a ticket exists, and resolve at
//! first contact with an article that answers it.

use super::tickets::{self, Resolution};
use super::{directory, Ctx, Desk};
use crate::domain::{self, NewTicket, Ticket};
use crate::search::{SuggestContext, Suggestion};
use crate::store::directory as dir;
use crate::Result;
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
