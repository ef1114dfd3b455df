//! Caller context (issue 19): the tickets of the person on the phone, so a
//! chasing call joins the ticket that exists instead of making a duplicate.

use super::Desk;
use crate::domain::{self, Ticket};
use crate::store::{ownership, tickets as rows};
use crate::Result;

/// How many of a caller's tickets are shown: their open ones first, then
/// the most recently done.
pub const CALLER_TICKETS: usize = 6;

impl Desk {
    /// The requester's active tickets (newest first), then those resolved
    /// or closed in the last 30 days; at most `CALLER_TICKETS`.
    pub fn caller_tickets(&self, email: &str) -> Result<Vec<Ticket>> {
        let email = domain::normalize_email(email)?;
        let since = self.now() - chrono::Duration::days(30);
        self.read(|conn, _| {
            let ids = ownership::caller_tickets(conn, &email, since, CALLER_TICKETS)?;
            ids.into_iter().map(|id| rows::get(conn, id)).collect()
        })
    }
}
