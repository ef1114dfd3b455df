//! The content of an inbound message's attachments (inline images
//! included): the part's own bytes with only the transfer encoding (base64,
//! quoted-printable) undone — never mail-parser's charset conversion, so a
//! windows-1252 text file is kept as the bytes that were sent. Kept apart
//! from `inbound` (which only records names and sizes) so reading a message
//! stays cheap when nothing is kept.

use super::inbound::type_and_name;
use super::transfer;
use mail_parser::{MessageParser, MessagePart, MimeHeaders, PartType};

/// One attachment with its decoded bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub name: String,
    pub content_type: String,
    /// Shown in the body (Content-Disposition: inline, e.g. a pasted screenshot).
    pub inline: bool,
    pub data: Vec<u8>,
}

/// The attachments of a raw message, in the order `inbound::read` lists them.
pub fn extract(raw: &[u8]) -> Vec<Part> {
    // Read as `inbound::read` reads it: the offsets below are into `raw`.
    let readable = super::charset::readable(raw);
    let raw = readable.as_ref();
    let Some(msg) = MessageParser::default().parse(raw) else {
        return Vec::new();
    };
    msg.attachments()
        .map(|part| {
            let (content_type, name) = type_and_name(part);
            let inline = part
                .content_disposition()
                .map(|d| d.ctype().eq_ignore_ascii_case("inline"))
                .unwrap_or_else(|| part.content_id().is_some());
            let data = match &part.body {
                PartType::Message(m) => m.raw_message().to_vec(),
                _ => as_sent(raw, part).unwrap_or_else(|| part.contents().to_vec()),
            };
            Part { name, content_type, inline, data }
        })
        .collect()
}

/// The part's body from the raw message with its transfer encoding undone.
/// None when the offsets do not fit the message or the base64 is broken;
/// the caller then keeps what mail-parser decoded (it recovers more).
pub(super) fn as_sent(raw: &[u8], part: &MessagePart<'_>) -> Option<Vec<u8>> {
    let start = usize::try_from(part.raw_body_offset()).ok()?;
    let end = usize::try_from(part.raw_end_offset()).ok()?;
    let body = raw.get(start..end)?;
    // The header itself, not `part.encoding`: mail-parser resets that to
    // none when its own decoder gave up, and the bytes are still encoded.
    let cte = part.content_transfer_encoding().map(str::trim).unwrap_or("");
    if cte.eq_ignore_ascii_case("base64") {
        transfer::base64(body)
    } else if cte.eq_ignore_ascii_case("quoted-printable") {
        Some(transfer::quoted_printable(body))
    } else {
        // 7bit, 8bit, binary (or none named): the bytes are the content.
        Some(body.to_vec())
    }
}
