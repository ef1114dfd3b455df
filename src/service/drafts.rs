//! Console drafts: what a technician typed and has not sent yet (a reply,
//! a note, a reason, a phone ticket being logged), kept in the database so
//! Esc, Ctrl-C, a conflict, a crash or a dropped ssh session lose nothing.
//! Drafts are the technician's own scratch: they are not changes to a
//! ticket (no timeline event, no audit row, no version), they are never
//! exported, mailed or shown on the portal, and erasure and retention
//! delete them with the tickets they belong to.

use super::{acting_tech, Desk};
use crate::domain::TicketId;
use crate::store::{drafts as rows, tickets};
use crate::{Error, Result};

pub use crate::store::drafts::DraftRow as Draft;

/// The kind of a draft that is a phone ticket being logged (no ticket yet).
pub const NEW_TICKET: &str = "new-ticket";
/// The longest draft kept (a ticket body's limit and then some).
pub const MAX_DRAFT: usize = 200_000;

fn check_kind(kind: &str) -> Result<()> {
    let ok = !kind.is_empty() && kind.len() <= 40 && kind.chars().all(|c| c.is_ascii_lowercase() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(format!("invalid draft kind '{kind}': lowercase letters and '-' only")))
    }
}

impl Desk {
    /// Saves the technician's draft of `kind` on the ticket (None: a phone
    /// ticket being logged). Blank text removes the draft.
    pub fn save_draft(&mut self, ticket_id: Option<TicketId>, kind: &str, body: &str) -> Result<()> {
        check_kind(kind)?;
        if body.chars().count() > MAX_DRAFT {
            return Err(Error::invalid(format!("draft is too long (at most {MAX_DRAFT} characters)")));
        }
        let (login, now, standing) = (self.login.clone(), self.clock.now(), self.standing.clone());
        // Not `Desk::write`: a draft is not a change, and must not take the
        // time a face attached to its next real write.
        self.store.write(|tx| {
            let me = acting_tech(tx, &login, standing.as_ref())?;
            if let Some(id) = ticket_id {
                tickets::get(tx, id)?;
            }
            if body.trim().is_empty() {
                rows::delete(tx, me.id, ticket_id, kind)?;
            } else {
                rows::save(tx, me.id, ticket_id, kind, body, now)?;
            }
            Ok(())
        })
    }

    /// Removes the technician's draft (it was sent, or thrown away).
    pub fn drop_draft(&mut self, ticket_id: Option<TicketId>, kind: &str) -> Result<bool> {
        check_kind(kind)?;
        let (login, standing) = (self.login.clone(), self.standing.clone());
        self.store.write(|tx| {
            let me = acting_tech(tx, &login, standing.as_ref())?;
            rows::delete(tx, me.id, ticket_id, kind)
        })
    }

    /// The technician's drafts, oldest first: offered again in the console.
    pub fn drafts(&self) -> Result<Vec<Draft>> {
        self.read(|conn, me| rows::for_tech(conn, me.id))
    }
}
