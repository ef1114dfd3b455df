//! The content of an inbound message's attachments (inline images
//! included), decoded from base64 or quoted-printable by mail-parser. Kept
//! apart from `inbound` (which only records names and sizes) so reading a
//! message stays cheap when nothing is kept.

use super::inbound::clean_line;
use mail_parser::{MessageParser, MimeHeaders, PartType};

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
    let Some(msg) = MessageParser::default().parse(raw) else {
        return Vec::new();
    };
    msg.attachments()
        .map(|part| {
            let content_type = part
                .content_type()
                .map(|ct| match ct.subtype() {
                    Some(sub) => format!("{}/{}", ct.ctype(), sub),
                    None => ct.ctype().to_string(),
                })
                .unwrap_or_else(|| "application/octet-stream".into())
                .to_ascii_lowercase();
            let name = part.attachment_name().map(clean_line).filter(|n| !n.is_empty()).unwrap_or_else(
                || match &part.body {
                    PartType::Message(m) => {
                        format!("{}.eml", clean_line(m.subject().unwrap_or("forwarded message")))
                    }
                    _ => "unnamed".to_string(),
                },
            );
            let inline = part
                .content_disposition()
                .map(|d| d.ctype().eq_ignore_ascii_case("inline"))
                .unwrap_or_else(|| part.content_id().is_some());
            let data = match &part.body {
                PartType::Message(m) => m.raw_message().to_vec(),
                _ => part.contents().to_vec(),
            };
            Part { name, content_type: clean_line(&content_type), inline, data }
        })
        .collect()
}
