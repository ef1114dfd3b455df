//! Maildir folders (tmp/, new/, cur/): reading new mail as maildir readers
//! do (new/ -> cur/ with the Seen flag once handled), setting unreadable
//! mail aside in the `.failed` subfolder, and delivering outgoing mail.

use crate::{Error, Result};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The Maildir++ subfolder (shown by mail clients as "failed") that
/// receives messages that could not be read.
pub const FAILED_FOLDER: &str = ".failed";

fn io_err(what: &str, path: &Path, e: std::io::Error) -> Error {
    Error::runtime(format!("cannot {what} {}: {e}", path.display()))
}

/// Checks that `dir` is a maildir (has new/ and cur/).
pub fn check(dir: &Path) -> Result<()> {
    for sub in ["new", "cur"] {
        if !dir.join(sub).is_dir() {
            return Err(Error::invalid(format!(
                "{} is not a maildir (no {sub}/ folder inside)",
                dir.display()
            )));
        }
    }
    Ok(())
}

/// The messages waiting in `dir/new`, in name (arrival) order.
pub fn waiting(dir: &Path) -> Result<Vec<PathBuf>> {
    let new = dir.join("new");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&new)
        .map_err(|e| io_err("read", &new, e))?
        .filter_map(|e| e.ok())
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .filter(|e| e.file_type().map(|t| t.is_file()).unwrap_or(false))
        .map(|e| e.path())
        .collect();
    files.sort();
    Ok(files)
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "message".into())
}

/// Moves a handled message from new/ to cur/ with the Seen flag.
pub fn mark_seen(dir: &Path, path: &Path) -> Result<PathBuf> {
    let name = file_name(path);
    let name = match name.split_once(":2,") {
        Some((base, flags)) if flags.contains('S') => format!("{base}:2,{flags}"),
        Some((base, flags)) => {
            let mut f: Vec<char> = flags.chars().chain(['S']).collect();
            f.sort_unstable();
            format!("{base}:2,{}", f.into_iter().collect::<String>())
        }
        None => format!("{name}:2,S"),
    };
    let dest = dir.join("cur").join(name);
    std::fs::rename(path, &dest).map_err(|e| io_err("move", path, e))?;
    Ok(dest)
}

/// Moves an unreadable message into the `.failed` folder's new/ (unread, so
/// someone looks at it).
pub fn set_aside(dir: &Path, path: &Path) -> Result<PathBuf> {
    let failed = dir.join(FAILED_FOLDER);
    create(&failed)?;
    let dest = failed.join("new").join(file_name(path));
    std::fs::rename(path, &dest).map_err(|e| io_err("move", path, e))?;
    Ok(dest)
}

/// Creates tmp/, new/ and cur/ under `dir` when missing.
pub fn create(dir: &Path) -> Result<()> {
    for sub in ["tmp", "new", "cur"] {
        let p = dir.join(sub);
        std::fs::create_dir_all(&p).map_err(|e| io_err("create", &p, e))?;
    }
    Ok(())
}

/// A file name no other delivery uses: time, process, counter, host.
fn unique_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().replace(['/', ':'], "_"))
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "deskside".into());
    format!(
        "{}.M{}P{}Q{}.{host}",
        now.as_secs(),
        now.subsec_micros(),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// Delivers a message into `dir/new` the maildir way: written to tmp/,
/// synced, then renamed, so readers never see half a message.
pub fn deliver(dir: &Path, message: &[u8]) -> Result<PathBuf> {
    use std::io::Write;
    create(dir)?;
    let name = unique_name();
    let tmp = dir.join("tmp").join(&name);
    // A message holds personal data: private from its first byte.
    let mut f = crate::safe_fs::create_private(&tmp, crate::safe_fs::Beside(None))
        .map_err(|e| io_err("write", &tmp, e))?;
    f.write_all(message).and_then(|_| f.sync_all()).map_err(|e| io_err("write", &tmp, e))?;
    let dest = dir.join("new").join(&name);
    std::fs::rename(&tmp, &dest).map_err(|e| io_err("move", &tmp, e))?;
    Ok(dest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_move_through_the_folders() {
        let dir = tempfile::tempdir().unwrap();
        assert!(check(dir.path()).is_err());
        let a = deliver(dir.path(), b"one").unwrap();
        let b = deliver(dir.path(), b"two").unwrap();
        check(dir.path()).unwrap();
        assert_eq!(waiting(dir.path()).unwrap(), {
            let mut v = vec![a.clone(), b.clone()];
            v.sort();
            v
        });
        let seen = mark_seen(dir.path(), &a).unwrap();
        assert!(seen.to_string_lossy().ends_with(":2,S"));
        assert_eq!(std::fs::read(&seen).unwrap(), b"one");
        let failed = set_aside(dir.path(), &b).unwrap();
        assert!(failed.starts_with(dir.path().join(".failed/new")));
        assert!(waiting(dir.path()).unwrap().is_empty());
        let renamed = dir.path().join("new/x:2,F");
        std::fs::write(&renamed, "x").unwrap();
        assert!(mark_seen(dir.path(), &renamed).unwrap().to_string_lossy().ends_with("x:2,FS"));
    }
}
