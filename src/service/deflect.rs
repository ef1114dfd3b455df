//! Deflection when logging: search before a ticket exists, and resolve at
//! first contact with an article that answers it.

use super::tickets::{self, Resolution};
use super::{directory, Ctx, Desk};
use crate::domain::{self, EventKind, NewTicket, Ticket};
use crate::domain::{ArticleId, TicketId};
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
pub fn create_resolved(cx: &mut Ctx<'_>, new: &NewTicket, article_id: ArticleId) -> Result<Ticket> {
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
        resolve_with: Option<ArticleId>,
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FirstContact {
    /// A published article: linked, its use counted, its summary sent.
    Article(ArticleId),
    /// A similar solved ticket: its resolving public reply is sent again.
    SolvedTicket(TicketId),
    /// A similar solved ticket's answer as the technician edited it (see
    /// `Desk::reusable_reply`): the message sent is this text.
    EditedReply { source: TicketId, message: String },
}

/// Another ticket's answer, ready to be edited for a new requester.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReusableReply {
    /// The reply with the other requester's name replaced.
    pub text: String,
    /// The solved ticket's category, for the new ticket.
    pub category: Option<String>,
}

/// `text` with every whole-word mention of `names` replaced by `with`, so
/// one requester's name never reaches another.
pub fn replace_names(text: &str, names: &[&str], with: &str) -> String {
    let mut out = text.to_string();
    for name in names.iter().filter(|n| n.chars().count() >= 2) {
        let lower = out.to_lowercase();
        let needle = name.to_lowercase();
        let mut result = String::with_capacity(out.len());
        let mut last = 0;
        let mut from = 0;
        while let Some(pos) = lower[from..].find(&needle).map(|p| p + from) {
            let end = pos + needle.len();
            let before = lower[..pos].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
            let after = lower[end..].chars().next().is_none_or(|c| !c.is_alphanumeric());
            if before && after && out.is_char_boundary(pos) && out.is_char_boundary(end) {
                result.push_str(&out[last..pos]);
                result.push_str(with);
                last = end;
            }
            from = end;
        }
        result.push_str(&out[last..]);
        out = result;
    }
    out
}

/// The public reply that resolved a ticket (never an internal note).
fn resolving_reply(conn: &Connection, id: TicketId) -> Result<String> {
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

    /// A solved ticket's public answer for a new requester: their name in
    /// place of the old requester's (or "there" when not known), and the
    /// solved ticket's category.
    pub fn reusable_reply(&self, source: TicketId, for_name: Option<&str>) -> Result<ReusableReply> {
        self.read(|conn, _| {
            let t = crate::store::tickets::get(conn, source)?;
            let reply = resolving_reply(conn, source)?;
            let full = t.requester_name.trim().to_string();
            let mut names: Vec<&str> = vec![full.as_str()];
            names.extend(full.split_whitespace());
            let first = for_name.and_then(|n| n.split_whitespace().next()).unwrap_or("there");
            Ok(ReusableReply { text: replace_names(&reply, &names, first), category: t.category.clone() })
        })
    }

    /// Logs a ticket and resolves it at once, in one transaction. The
    /// technician on the phone becomes its assignee, and it takes the
    /// answer's category when none was given, so first-contact work counts
    /// for them and lands in the right reports. Time spent on the call, when
    /// given, is written in the same transaction.
    pub fn log_resolved(
        &mut self,
        new: &NewTicket,
        with: FirstContact,
        spent: Option<&super::time::TimeSpent>,
    ) -> Result<Ticket> {
        self.write(|cx| {
            let t = resolve_call(cx, new, &with)?;
            if let Some(spent) = spent {
                super::time::record_attached(cx, t.id, spent)?;
            }
            Ok(t)
        })
    }
}

fn resolve_call(cx: &mut Ctx<'_>, new: &NewTicket, with: &FirstContact) -> Result<Ticket> {
    let mut new = new.clone();
    let (source, message) = match with {
        FirstContact::Article(article) => {
            if new.category.is_none() {
                new.category = crate::store::kb::get(cx.tx, *article)?.category;
            }
            let t = tickets::create(cx, &new)?;
            tickets::take(cx, t.id, None)?;
            let how = Resolution { message: None, article_id: Some(*article) };
            return tickets::resolve(cx, t.id, &how, None);
        }
        FirstContact::SolvedTicket(source) => (*source, resolving_reply(cx.tx, *source)?),
        FirstContact::EditedReply { source, message } => {
            resolving_reply(cx.tx, *source)?;
            (*source, message.clone())
        }
    };
    if new.category.is_none() {
        new.category = crate::store::tickets::get(cx.tx, source)?.category;
    }
    let t = tickets::create(cx, &new)?;
    tickets::take(cx, t.id, None)?;
    let note = format!("Resolved at first contact with the answer that solved #{source}.");
    cx.event(t.id, EventKind::Note, true, Some(&note))?;
    tickets::resolve(cx, t.id, &Resolution::message(message), None)
}

#[cfg(test)]
mod tests {
    use super::replace_names;

    #[test]
    fn another_requesters_name_is_replaced_by_whole_words_only() {
        let reply = "Hi Simran,\nSimran Kaur's printer tray 2 was jammed; Simranjit's is fine.";
        let out = replace_names(reply, &["Simran Kaur", "Simran", "Kaur"], "Rachel");
        assert_eq!(out, "Hi Rachel,\nRachel's printer tray 2 was jammed; Simranjit's is fine.");
        assert_eq!(replace_names("HI SIMRAN", &["Simran"], "there"), "HI there");
    }
}
