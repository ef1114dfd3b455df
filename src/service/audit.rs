//! Who changed what, and when.

use super::Desk;
use crate::domain::{AuditFilter, AuditRecord};
pub use crate::store::chain::{BrokenLink, ChainReport};
use crate::store::{audit, chain, tickets, Store};
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

/// Checks the audit log's hash chain (see `store::chain`): every link, every
/// row's hash, every non-erased row's text. Needs no technician, so
/// `doctor` can call it on any store it opened.
pub fn verify(store: &Store) -> Result<ChainReport> {
    chain::verify(store.conn())
}

impl Desk {
    /// `audit --verify`: any technician may check the chain.
    pub fn verify_audit(&self) -> Result<ChainReport> {
        self.read(|conn, _| chain::verify(conn))
    }
}
