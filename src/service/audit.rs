//! Who changed what, and when.

use super::Desk;
use crate::domain::{AuditFilter, AuditRecord};
use crate::store::{audit, tickets};
use crate::{Error, Result};

impl Desk {
    /// The audit trail, oldest first. Any technician may read it: it holds
    /// nothing a technician cannot already see on the tickets themselves.
    pub fn audit(&self, filter: &AuditFilter) -> Result<Vec<AuditRecord>> {
        if filter.limit == Some(0) {
            return Err(Error::invalid("invalid --limit 0: expected at least 1"));
        }
        self.read(|conn, _| {
            if let Some(id) = filter.ticket {
                tickets::get(conn, id)?;
            }
            audit::history(conn, filter)
        })
    }
}
