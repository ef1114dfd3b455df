//! Attachments kept: inbound mail's files, screenshots from the portal and
//! files technicians add. Content is stored once per SHA-256 in the
//! database (see docs/attachments.md for why not beside it), within a
//! per-file and a per-message cap; what is refused is recorded on the
//! attachment row and as an internal note on the timeline.

use super::{Ctx, Desk};
use crate::domain::EventKind;
use crate::domain::TicketId;
use crate::mail::inbound::sha256_hex;
use crate::mail::parts;
use crate::store::attachments::{self as rows, AttachmentRow, NewAttachment};
use crate::store::{links, tickets as ticket_rows};
use crate::{Error, Result};
use std::io::Write;
use std::path::Path;

pub const FILE_CAP_KEY: &str = "attachments.file_max_bytes";
pub const MESSAGE_CAP_KEY: &str = "attachments.message_max_bytes";
pub const DEFAULT_FILE_CAP: usize = 10 * 1024 * 1024;
pub const DEFAULT_MESSAGE_CAP: usize = 25 * 1024 * 1024;
/// A screenshot from the portal: images only, this big at most.
pub const PORTAL_CAP: usize = 5 * 1024 * 1024;
pub const PORTAL_TYPES: &[&str] = &["image/png", "image/jpeg", "image/gif", "image/webp"];

/// A file sent through the portal.
#[derive(Debug, Clone)]
pub struct Upload {
    pub name: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

/// The caps in force: (per file, per message), in bytes.
pub fn caps(conn: &rusqlite::Connection) -> Result<(usize, usize)> {
    let read = |key: &str, default: usize| -> Result<usize> {
        Ok(rows::setting(conn, key)?.and_then(|v| v.trim().parse().ok()).unwrap_or(default))
    };
    Ok((read(FILE_CAP_KEY, DEFAULT_FILE_CAP)?, read(MESSAGE_CAP_KEY, DEFAULT_MESSAGE_CAP)?))
}

fn mb(bytes: usize) -> String {
    crate::service::mail::ingest::size(bytes)
}

/// Keeps the attachments of an ingested message (Message-ID `message_id`,
/// now on `ticket_id`), inside the ingesting transaction. Anything over a
/// cap is recorded as refused and named in one internal note.
pub fn keep_inbound(
    cx: &Ctx<'_>,
    ticket_id: TicketId,
    message_id: &str,
    raw: &[u8],
    sender: &str,
) -> Result<usize> {
    let found = parts::extract(raw);
    if found.is_empty() {
        return Ok(0);
    }
    let (file_cap, message_cap) = caps(cx.tx)?;
    let mail_id = rows::mail_row(cx.tx, message_id)?;
    let requester_id = crate::store::directory::find_requester(cx.tx, sender)?.map(|r| r.id);
    let (mut total, mut kept, mut refused) = (0usize, 0usize, Vec::new());
    for p in &found {
        let why = if p.data.len() > file_cap {
            Some(format!("refused: {} is over the per-file cap of {}", mb(p.data.len()), mb(file_cap)))
        } else if total + p.data.len() > message_cap {
            Some(format!(
                "refused: the message's files would pass the per-message cap of {}",
                mb(message_cap)
            ))
        } else {
            None
        };
        let sha = match &why {
            None => {
                total += p.data.len();
                let sha = sha256_hex(&p.data);
                rows::put_blob(cx.tx, &sha, &p.data)?;
                kept += 1;
                Some(sha)
            }
            Some(reason) => {
                refused.push(format!("{} ({}): {reason}", p.name, p.content_type));
                None
            }
        };
        rows::insert(
            cx.tx,
            &NewAttachment {
                ticket_id,
                mail_id,
                origin: "mail",
                filename: &p.name,
                content_type: &p.content_type,
                size: p.data.len() as i64,
                sha256: sha.as_deref(),
                internal: false,
                inline: p.inline,
                refused: why.as_deref(),
                requester_id,
                tech_id: None,
                at: cx.now,
            },
        )?;
    }
    if !refused.is_empty() {
        let body = format!(
            "Attachments not kept (the sender's mailbox still has them):\n{}",
            refused.iter().map(|r| format!("- {r}")).collect::<Vec<_>>().join("\n")
        );
        crate::store::events::append(
            cx.tx,
            &crate::store::events::NewEvent {
                ticket_id,
                at: cx.now,
                kind: EventKind::Note,
                tech_id: None,
                os_user: cx.os_user,
                internal: true,
                body: Some(&body),
                old_value: None,
                new_value: None,
            },
        )?;
    }
    Ok(kept)
}

/// A file name as stored: its last path component, one clean line.
fn clean_name(name: &str) -> Result<String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let clean = crate::mail::inbound::clean_line(base);
    if clean.is_empty() || clean == "." || clean == ".." {
        return Err(Error::invalid(format!("invalid file name '{name}'")));
    }
    Ok(crate::text::clip(&clean, 200))
}

/// A MIME type from a file name's extension (what technicians attach).
pub fn guess_type(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "pdf" => "application/pdf",
        "txt" | "log" => "text/plain",
        "csv" => "text/csv",
        "zip" => "application/zip",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    }
}

/// Sniffs an image's type from its first bytes (a portal upload's declared
/// type is the browser's word only).
pub fn sniff_image(data: &[u8]) -> Option<&'static str> {
    if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if data.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("image/jpeg")
    } else if data.starts_with(b"GIF87a") || data.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if data.len() >= 12 && &data[..4] == b"RIFF" && &data[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// A technician attaches a file (internal: never shown to the requester).
pub fn attach(
    cx: &Ctx<'_>,
    ticket_id: TicketId,
    name: &str,
    data: &[u8],
    internal: bool,
) -> Result<AttachmentRow> {
    let t = ticket_rows::get(cx.tx, ticket_id)?;
    super::tickets::require_can_work(cx, &t, "attach a file to")?;
    let name = clean_name(name)?;
    let (file_cap, _) = caps(cx.tx)?;
    if data.len() > file_cap {
        return Err(Error::invalid(format!(
            "{name} is {}: over the per-file cap of {} (settings: {FILE_CAP_KEY})",
            mb(data.len()),
            mb(file_cap)
        )));
    }
    let sha = sha256_hex(data);
    rows::put_blob(cx.tx, &sha, data)?;
    let id = rows::insert(
        cx.tx,
        &NewAttachment {
            ticket_id,
            mail_id: None,
            origin: "tech",
            filename: &name,
            content_type: guess_type(&name),
            size: data.len() as i64,
            sha256: Some(&sha),
            internal,
            inline: false,
            refused: None,
            requester_id: None,
            tech_id: Some(cx.me.id),
            at: cx.now,
        },
    )?;
    let who = if internal { "technicians only" } else { "the requester sees it on the portal" };
    // Recorded as an internal note either way: a public event would mail the
    // requester a reply with no text.
    cx.event(
        ticket_id,
        EventKind::Note,
        true,
        Some(&format!("Attached {name} ({}; {who})", mb(data.len()))),
    )?;
    super::tickets::save(cx, &t)?;
    rows::for_ticket(cx.tx, ticket_id)?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or_else(|| Error::runtime("the new attachment could not be read back"))
}

/// A requester's screenshot from the portal's request form.
pub fn attach_from_portal(
    cx: &Ctx<'_>,
    ticket_id: TicketId,
    name: &str,
    declared_type: &str,
    data: &[u8],
) -> Result<()> {
    if data.len() > PORTAL_CAP {
        return Err(Error::invalid(format!("the screenshot is too large (at most {})", mb(PORTAL_CAP))));
    }
    let sniffed = sniff_image(data)
        .ok_or_else(|| Error::invalid("the attachment must be an image (PNG, JPEG, GIF or WebP)"))?;
    let declared = declared_type.trim().to_ascii_lowercase();
    if !declared.is_empty()
        && declared != "application/octet-stream"
        && !PORTAL_TYPES.contains(&declared.as_str())
    {
        return Err(Error::invalid("the attachment must be an image (PNG, JPEG, GIF or WebP)"));
    }
    let name = clean_name(name).unwrap_or_else(|_| "screenshot".into());
    let sha = sha256_hex(data);
    rows::put_blob(cx.tx, &sha, data)?;
    let requester_id = links::requester_of(cx.tx, ticket_id)?;
    rows::insert(
        cx.tx,
        &NewAttachment {
            ticket_id,
            mail_id: None,
            origin: "portal",
            filename: &name,
            content_type: sniffed,
            size: data.len() as i64,
            sha256: Some(&sha),
            internal: false,
            inline: false,
            refused: None,
            requester_id: Some(requester_id),
            tech_id: None,
            at: cx.now,
        },
    )?;
    Ok(())
}

/// The bytes of a stored attachment row.
fn content(conn: &rusqlite::Connection, a: &AttachmentRow) -> Result<Vec<u8>> {
    let sha = a.sha256.as_deref().ok_or_else(|| {
        Error::not_found(format!(
            "attachment {} of ticket #{} ({}) was not kept: {}",
            a.n,
            a.ticket,
            a.name,
            a.refused.as_deref().unwrap_or("no content")
        ))
    })?;
    rows::blob(conn, sha)?.ok_or_else(|| {
        Error::runtime(format!("attachment {} of ticket #{}: its content is missing", a.n, a.ticket))
    })
}

/// What a requester may see of a ticket: their non-internal, kept files.
pub fn public_list(conn: &rusqlite::Connection, ticket_id: TicketId) -> Result<Vec<AttachmentRow>> {
    Ok(rows::for_ticket(conn, ticket_id)?
        .into_iter()
        .filter(|a| !a.internal && a.refused.is_none())
        .collect())
}

/// One public attachment's row and bytes (None when internal, refused or absent).
pub fn public_content(
    conn: &rusqlite::Connection,
    ticket_id: TicketId,
    n: usize,
) -> Result<Option<(AttachmentRow, Vec<u8>)>> {
    match rows::for_ticket(conn, ticket_id)?
        .into_iter()
        .find(|a| a.n == n && !a.internal && a.refused.is_none())
    {
        Some(a) => {
            let data = content(conn, &a)?;
            Ok(Some((a, data)))
        }
        None => Ok(None),
    }
}

impl Desk {
    pub fn attachments(&self, ticket_id: TicketId) -> Result<Vec<AttachmentRow>> {
        self.read(|conn, _| {
            ticket_rows::get(conn, ticket_id)?;
            rows::for_ticket(conn, ticket_id)
        })
    }

    /// Attachment `n` (as listed, from 1) of a ticket, with its bytes.
    pub fn attachment(&self, ticket_id: TicketId, n: usize) -> Result<(AttachmentRow, Vec<u8>)> {
        self.read(|conn, _| {
            ticket_rows::get(conn, ticket_id)?;
            let list = rows::for_ticket(conn, ticket_id)?;
            let a = list.into_iter().find(|a| a.n == n).ok_or_else(|| {
                Error::not_found(format!("ticket #{ticket_id} has no attachment {n} (see `deskside ticket attachments {ticket_id}`)"))
            })?;
            let data = content(conn, &a)?;
            Ok((a, data))
        })
    }

    /// Writes attachment `n` to `path`: a new private file, never over an
    /// existing one and never through a symbolic link.
    pub fn save_attachment(&self, ticket_id: TicketId, n: usize, path: &Path) -> Result<AttachmentRow> {
        let (a, data) = self.attachment(ticket_id, n)?;
        let mut f = crate::safe_fs::create_private(path, crate::safe_fs::Beside(None)).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                Error::invalid(format!(
                    "{} already exists: nothing was written (choose another name with -o)",
                    path.display()
                ))
            } else {
                Error::runtime(format!("cannot create {}: {e}", path.display()))
            }
        })?;
        if let Err(e) = f.write_all(&data).and_then(|_| f.sync_all()) {
            drop(f);
            let _ = std::fs::remove_file(path);
            return Err(Error::runtime(format!("cannot write {}: {e}", path.display())));
        }
        Ok(a)
    }

    pub fn attach_file(
        &mut self,
        ticket_id: TicketId,
        name: &str,
        data: &[u8],
        internal: bool,
    ) -> Result<AttachmentRow> {
        self.write(|cx| attach(cx, ticket_id, name, data, internal))
    }
}
