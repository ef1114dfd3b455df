//! The ticket's attachments in the console (F): a list, and Enter opens
//! one with the system's opener when there is a display to show it on;
//! without one, it says how to save it instead.

use super::prompt::PickItem;
use crate::domain::AttachmentRow;
use crate::domain::TicketId;
use crate::service::Desk;

/// The list's rows: "N. name (type, size)", internal ones marked.
pub fn items(rows: &[AttachmentRow]) -> Vec<PickItem> {
    rows.iter()
        .map(|a| PickItem {
            key: a.n.to_string(),
            label: format!(
                "{}. {} ({}, {}){}{}",
                a.n,
                crate::text::clip(&a.name, 60),
                a.content_type,
                crate::service::mail::ingest::size(usize::try_from(a.size).unwrap_or(0)),
                if a.internal { " [internal]" } else { "" },
                if a.refused.is_some() { " — not kept" } else { "" }
            ),
        })
        .collect()
}

/// Whether a graphical session can show what the opener opens.
pub fn has_display() -> bool {
    ["DISPLAY", "WAYLAND_DISPLAY"].iter().any(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()))
}

/// Saves attachment `n` of ticket `id` privately under a fresh directory
/// in the temp dir and hands it to `xdg-open`.
pub fn open(desk: &Desk, id: TicketId, n: usize) -> crate::Result<String> {
    if !has_display() {
        return Ok(format!(
            "No display to open it on: save it with `deskside ticket attachment save {id} {n} -o FILE`"
        ));
    }
    let (row, _) = desk.attachment(id, n)?;
    let dir = std::env::temp_dir().join(format!("deskside-{}-{id}-{n}", std::process::id()));
    std::fs::DirBuilder::new()
        .mode(0o700)
        .create(&dir)
        .map_err(|e| crate::Error::runtime(format!("cannot make {}: {e}", dir.display())))?;
    // Its own name, one safe component: never a path the sender chose.
    let name: String =
        row.name.chars().map(|c| if c == '/' || c == '\\' || c.is_control() { '_' } else { c }).collect();
    let name = if name.is_empty() || name.starts_with('.') { format!("attachment-{n}") } else { name };
    let path = dir.join(name);
    desk.save_attachment(id, n, &path)?;
    std::process::Command::new("xdg-open")
        .arg(&path)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| crate::Error::runtime(format!("cannot run xdg-open: {e}")))?;
    Ok(format!("Opened {} ({})", row.name, path.display()))
}

use std::os::unix::fs::DirBuilderExt;
