//! Reading one inbound message with a real MIME parser (mail-parser):
//! multipart, quoted-printable and base64, encoded-word headers and any
//! charset come out as UTF-8; HTML-only bodies become plain text. No
//! database here: the service decides what the message becomes.

use super::charset;
use super::encode::is_safe_msg_id;
use super::html::html_to_text;
use super::robots;
use mail_parser::{Address, HeaderValue, Message, MessageParser, MessagePart, MimeHeaders, PartType};
use sha2::{Digest, Sha256};

/// Messages larger than this are kept as failed rather than parsed.
pub const MAX_MESSAGE_BYTES: usize = 40 * 1024 * 1024;

/// Why a message makes no ticket although it could be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Automated {
    /// A delivery status notification or other bounce: never answered.
    Bounce(String),
    /// An out-of-office or other automatic reply: never answered.
    AutoReply(String),
    /// A notice no person wrote: an abuse report, a mailing list's admin
    /// notice, a cloud service's notification, a no-reply sender.
    Notice(String),
}

impl Automated {
    pub fn reason(&self) -> &str {
        match self {
            Automated::Bounce(r) | Automated::AutoReply(r) | Automated::Notice(r) => r,
        }
    }
}

/// An attachment as recorded: name, MIME type and decoded size in bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub name: String,
    pub content_type: String,
    pub size: usize,
}

/// What deskside needs from a readable message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inbound {
    /// Without angle brackets; made from the content when the header is missing.
    pub message_id: String,
    /// The sender's address (lower case) and display name.
    pub from: Option<(String, Option<String>)>,
    /// Decoded, control characters removed; may be empty.
    pub subject: String,
    /// The whole body as plain text (HTML converted), untrimmed.
    pub text: String,
    /// In-Reply-To then References, without angle brackets.
    pub thread: Vec<String>,
    pub attachments: Vec<Attachment>,
    /// Set for bounces and automatic replies (which make no ticket).
    pub automated: Option<Automated>,
    /// Bulk or machine-generated mail (RFC 3834): may make a ticket, but is
    /// never acknowledged, to avoid mail loops with other robots.
    pub no_reply: bool,
}

/// SHA-256 of the raw bytes, lower-case hex.
pub fn sha256_hex(raw: &[u8]) -> String {
    Sha256::digest(raw).iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads a raw RFC 5322 message; Err is the reason it cannot be read.
pub fn read(raw: &[u8]) -> Result<Inbound, String> {
    if raw.len() > MAX_MESSAGE_BYTES {
        return Err(format!(
            "message too large ({} MiB; at most {} MiB)",
            raw.len() / (1024 * 1024),
            MAX_MESSAGE_BYTES / (1024 * 1024)
        ));
    }
    if raw.iter().all(|b| b.is_ascii_whitespace()) {
        return Err("empty input: no message".into());
    }
    // Header lines in raw 8-bit Latin-1 are read as such; the body's
    // offsets move with them, so everything below reads `buf`.
    let readable = charset::readable(raw);
    let buf = charset::headers_as_utf8(&readable);
    let msg = MessageParser::default()
        .parse(buf.as_ref())
        .ok_or_else(|| "not an email message: no headers could be read".to_string())?;
    if msg.headers().is_empty() {
        return Err("not an email message: no headers could be read".into());
    }
    let from = sender(&msg);
    let subject = clean_line(msg.subject().unwrap_or(""));
    let automated = robots::classify(&msg, from.as_ref().map(|(e, _)| e.as_str()), &subject);
    // A Message-ID goes back out in In-Reply-To and References: one that
    // could break out of its angle brackets is treated as missing.
    let message_id = match msg.message_id().map(clean_id).filter(|id| is_safe_msg_id(id)) {
        Some(id) => id,
        // Without a Message-ID the content itself identifies the message,
        // so ingesting the same file twice still creates nothing new.
        None => format!("sha256.{}@deskside.invalid", sha256_hex(raw)),
    };
    let mut thread = ids(msg.in_reply_to());
    thread.extend(ids(msg.references()));
    Ok(Inbound {
        message_id,
        from,
        subject,
        text: body_text(&msg, &buf),
        thread,
        attachments: attachments(&msg),
        no_reply: automated.is_none() && robots::is_bulk(&msg),
        automated,
    })
}

fn clean_id(id: &str) -> String {
    id.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .collect()
}

/// One line of header text: control characters (tabs, stray newlines)
/// become spaces and runs of spaces collapse.
pub fn clean_line(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    let list: Vec<String> = match value {
        HeaderValue::Text(t) => vec![t.to_string()],
        HeaderValue::TextList(l) => l.iter().map(|t| t.to_string()).collect(),
        _ => Vec::new(),
    };
    list.iter().map(|s| clean_id(s)).filter(|s| is_safe_msg_id(s)).collect()
}

/// The one sender a message is from: the valid address of From; when From
/// holds several (or a group), the Sender's, else the first valid one; then
/// Sender, then Reply-To. The name is that mailbox's own display name (never
/// a group's name or text around another address), as one clean line.
/// Without any valid address, the first address seen (so the rejection
/// names it), or None. A no-reply sender with a person in Reply-To (a
/// school website's form) is that person's message: answers reach them.
fn sender(msg: &Message<'_>) -> Option<(String, Option<String>)> {
    let from = valid_mailboxes(msg.from());
    let sender = valid_mailboxes(msg.sender());
    let reply_to = valid_mailboxes(msg.reply_to());
    let chosen = match from.len() {
        0 => None,
        1 => from.first(),
        // RFC 5322: a message from several authors names its sender in Sender.
        _ => sender.first().or(from.first()),
    };
    let person = reply_to.iter().find(|(e, _)| !robots::is_no_reply_address(e));
    if let (Some((e, _)), Some(person)) = (chosen, person) {
        if robots::is_no_reply_address(e) {
            return Some(person.clone());
        }
    }
    if let Some(found) = chosen.or(sender.first()).or(reply_to.first()) {
        return Some(found.clone());
    }
    [msg.from(), msg.sender(), msg.reply_to()]
        .into_iter()
        .flatten()
        .flat_map(|a| a.iter())
        .find_map(|a| a.address().map(clean_line).filter(|e| !e.is_empty()))
        .map(|e| (e.to_lowercase(), None))
}

fn valid_mailboxes(addr: Option<&Address<'_>>) -> Vec<(String, Option<String>)> {
    addr.into_iter()
        .flat_map(|a| a.iter())
        .filter_map(|a| {
            let email = crate::domain::normalize_email(a.address()?).ok()?;
            let name = a.name().map(clean_line).filter(|n| !n.is_empty() && *n != email);
            Some((email, name))
        })
        .collect()
}

/// The readable body: the text parts (HTML ones converted), joined. A plain
/// alternative that is empty falls back to the HTML one. `buf` is what
/// `msg` was parsed from.
fn body_text(msg: &Message<'_>, buf: &[u8]) -> String {
    let mut parts = Vec::new();
    for &id in &msg.text_body {
        if let Some(part) = msg.parts.get(id as usize) {
            match &part.body {
                PartType::Text(t) => parts.push(as_written(buf, part, t)),
                PartType::Html(h) => parts.push(html_to_text(&as_written(buf, part, h))),
                _ => {}
            }
        }
    }
    let text = parts.join("\n\n");
    if text.trim().is_empty() {
        let html: Vec<String> = msg
            .html_body
            .iter()
            .filter_map(|&id| match &msg.parts.get(id as usize)?.body {
                PartType::Html(h) => Some(html_to_text(&as_written(buf, msg.parts.get(id as usize)?, h))),
                _ => None,
            })
            .collect();
        if !html.is_empty() {
            return normalise_newlines(&html.join("\n\n"));
        }
    }
    normalise_newlines(&text)
}

/// A text part as its writer meant it: mail-parser's UTF-8 reading of a
/// part labelled UTF-8 (or ASCII, or nothing) turns Latin-1 accents into
/// replacement characters; when the part's own bytes are not valid UTF-8
/// they are read as Windows-1252 instead. Other labels were honoured.
fn as_written(buf: &[u8], part: &MessagePart<'_>, decoded: &str) -> String {
    if !decoded.contains('\u{FFFD}') {
        return decoded.to_string();
    }
    let label = part.content_type().and_then(|ct| ct.attribute("charset")).unwrap_or("");
    let label = label.trim().to_ascii_lowercase();
    if !matches!(label.as_str(), "" | "utf-8" | "utf8" | "us-ascii" | "ascii") {
        return decoded.to_string();
    }
    match super::parts::as_sent(buf, part) {
        Some(bytes) if std::str::from_utf8(&bytes).is_err() => charset::text(&bytes).into_owned(),
        _ => decoded.to_string(),
    }
}

fn normalise_newlines(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\r', "\n")
}

/// An attachment's content type (lower case, one clean line) and the name
/// it is listed under: its own, a forwarded message's subject, or "unnamed".
pub fn type_and_name(part: &mail_parser::MessagePart<'_>) -> (String, String) {
    let content_type = part
        .content_type()
        .map(|ct| match ct.subtype() {
            Some(sub) => format!("{}/{}", ct.ctype(), sub),
            None => ct.ctype().to_string(),
        })
        .unwrap_or_else(|| "application/octet-stream".into())
        .to_ascii_lowercase();
    let name =
        part.attachment_name().map(clean_line).filter(|n| !n.is_empty()).unwrap_or_else(|| {
            match &part.body {
                PartType::Message(m) => {
                    format!("{}.eml", clean_line(m.subject().unwrap_or("forwarded message")))
                }
                _ => "unnamed".to_string(),
            }
        });
    (clean_line(&content_type), name)
}

fn attachments(msg: &Message<'_>) -> Vec<Attachment> {
    msg.attachments()
        .map(|part| {
            let (content_type, name) = type_and_name(part);
            let size = match &part.body {
                PartType::Message(m) => m.raw_message().len(),
                _ => part.contents().len(),
            };
            Attachment { name, content_type, size }
        })
        .collect()
}
