//! A ticket's attachment as the faces list it (the content is fetched
//! apart, through the service).

use super::{TicketId, Timestamp};
use serde::Serialize;

/// An attachment as listed: `n` counts a ticket's attachments from 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttachmentRow {
    pub n: usize,
    #[serde(skip)]
    pub id: i64,
    pub ticket: TicketId,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub internal: bool,
    pub inline: bool,
    pub origin: String,
    /// Why the content was not kept (None: it was).
    pub refused: Option<String>,
    pub sha256: Option<String>,
    #[serde(skip)]
    pub requester_id: Option<i64>,
    pub at: Timestamp,
}
