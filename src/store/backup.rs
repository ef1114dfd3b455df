//! `backup FILE`: SQLite's online backup while others keep working.
//!
//! The whole database is copied in ONE backup step (`step(-1)`): in WAL
//! mode that step reads one consistent snapshot while writers go on
//! committing. Copying a few pages at a time instead restarts on every
//! foreign commit and, under constant writes, never finishes (FACTS.md).
//! The copy goes to a private temporary file beside FILE (`safe_fs`), is made a self-contained
//! rollback-journal database, checked with `PRAGMA integrity_check`, and
//! only then takes FILE's name.

use super::Store;
use crate::safe_fs::{Access, Beside, TempFile};
use crate::{Error, Result};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::Connection;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long to keep retrying while the source is locked (a checkpoint, say).
const BUSY_WAIT: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Serialize)]
pub struct BackupInfo {
    pub file: PathBuf,
    pub bytes: u64,
    pub pages: i64,
    /// The result of `PRAGMA integrity_check` on the copy ("ok").
    pub integrity: String,
    pub seconds: f64,
}

impl Store {
    /// Copies the database to `dest`; refuses an existing file unless `force`.
    /// In the setgid install FILE is the user's: checked, created and written
    /// with their own rights (the open source connection reads through its
    /// descriptors), never into the database's own directory.
    pub fn backup_to(&self, dest: &Path, force: bool) -> Result<BackupInfo> {
        crate::safe_fs::as_user(dest, self.path(), || self.backup_as_user(dest, force))
    }

    fn backup_as_user(&self, dest: &Path, force: bool) -> Result<BackupInfo> {
        let shown = dest.display();
        if dest.exists() && !force {
            return Err(Error::invalid(format!(
                "{shown} already exists: pass --force to replace it (nothing was written)"
            )));
        }
        if dest.is_dir() {
            return Err(Error::invalid(format!("{shown} is a directory: give a file name for the backup")));
        }
        let dir = match dest.parent().filter(|d| !d.as_os_str().is_empty()) {
            Some(d) => d.to_path_buf(),
            None => PathBuf::from("."),
        };
        if !dir.is_dir() {
            return Err(Error::invalid(format!(
                "cannot back up to {shown}: directory {} does not exist",
                dir.display()
            )));
        }
        if let (Ok(a), Ok(b)) = (std::fs::canonicalize(dest), std::fs::canonicalize(self.path())) {
            if a == b {
                return Err(Error::invalid(format!("{shown} is the database itself: choose another file")));
            }
        }
        // Private from the first byte (the database's own group and mode
        // beside it); a killed run's temporary goes on the next backup.
        let db = Beside(Some(self.path()));
        let mut temp = TempFile::new(dest, Access::Private, db)
            .map_err(|e| Error::runtime(format!("cannot write {shown}: {e}")))?;
        temp.close();
        let started = Instant::now();
        // On any error `temp` is dropped, which removes it and SQLite's sidecars.
        let (pages, integrity) = self.copy_to(&temp.path())?;
        temp.commit(force).map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => Error::invalid(format!(
                "{shown} already exists: pass --force to replace it (nothing was written)"
            )),
            _ => Error::runtime(format!("cannot write {shown}: {e}")),
        })?;
        let bytes = std::fs::metadata(dest).map(|m| m.len()).unwrap_or(0);
        Ok(BackupInfo {
            file: dest.to_path_buf(),
            bytes,
            pages,
            integrity,
            seconds: started.elapsed().as_secs_f64(),
        })
    }

    fn copy_to(&self, tmp: &Path) -> Result<(i64, String)> {
        let wrap = |e: rusqlite::Error| {
            Error::runtime(format!(
                "backup to {} failed: {}",
                tmp.display(),
                super::describe_sqlite_error(&e)
            ))
        };
        let mut dst = Connection::open(tmp).map_err(wrap)?;
        {
            let backup = Backup::new(self.conn(), &mut dst).map_err(wrap)?;
            let deadline = Instant::now() + BUSY_WAIT;
            loop {
                match backup.step(-1).map_err(wrap)? {
                    StepResult::Done => break,
                    StepResult::More => {}
                    // Busy or locked (the enum is non-exhaustive): wait and step again.
                    _ if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
                    _ => {
                        return Err(Error::runtime(
                            "backup failed: the database stayed locked for 30 s: try again",
                        ))
                    }
                }
            }
        }
        // One file that stands alone: no -wal beside it to lose.
        dst.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get::<_, String>(0)).map_err(wrap)?;
        let pages: i64 = dst.query_row("PRAGMA page_count", [], |r| r.get(0)).map_err(wrap)?;
        let mut stmt = dst.prepare("PRAGMA integrity_check").map_err(wrap)?;
        let problems: Vec<String> =
            stmt.query_map([], |r| r.get(0)).map_err(wrap)?.collect::<rusqlite::Result<_>>().map_err(wrap)?;
        drop(stmt);
        dst.close().map_err(|(_, e)| wrap(e))?;
        let verdict = problems.join("; ");
        if verdict != "ok" {
            return Err(Error::runtime(format!("the backup failed its integrity check: {verdict}")));
        }
        Ok((pages, verdict))
    }
}
