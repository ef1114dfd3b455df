//! Maildir folders (tmp/, new/, cur/): reading new mail as maildir readers
//! do (new/ -> cur/ with the Seen flag once handled), setting unreadable
//! mail aside in the `.failed` subfolder, and delivering outgoing mail.

use crate::{Error, Result};
use rustix::fs::{fstat, mkdirat, openat, renameat, statat, AtFlags, Dir, FileType, Mode, OFlags, CWD};
use rustix::io::Errno;
use std::ffi::{OsStr, OsString};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The Maildir++ subfolder (shown by mail clients as "failed") that
/// receives messages that could not be read.
pub const FAILED_FOLDER: &str = ".failed";

fn io_err(what: &str, path: &Path, e: std::io::Error) -> Error {
    Error::runtime(format!("cannot {what} {}: {e}", path.display()))
}

/// A maildir being read, held by its open folders rather than their paths:
/// nothing in it is followed through a symbolic link. A linked `new/`,
/// `cur/`, `tmp/` or `.failed` folder refuses the whole maildir (a link
/// would move or store someone else's files); a message that is a link,
/// a FIFO or anything but a plain file is skipped and left where it is.
/// Moves are `renameat` between the folders opened at the start, so a
/// folder swapped for a link meanwhile is never used.
pub struct Inbox {
    dir: PathBuf,
    root: OwnedFd,
    new: OwnedFd,
    cur: OwnedFd,
}

/// A message file read from `new/`.
pub enum Read {
    Message(Vec<u8>),
    /// Gone meanwhile (another ingest took it).
    Gone,
    /// Not read, left in place: why.
    Skipped(String),
}

fn errno_err(what: &str, path: &Path, e: Errno) -> Error {
    io_err(what, path, std::io::Error::from(e))
}

/// Opens a folder without following a link at its last step.
fn open_folder(parent: impl AsFd, name: &str, path: &Path) -> Result<OwnedFd> {
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    openat(parent, name, flags, Mode::empty()).map_err(|e| match e {
        Errno::LOOP | Errno::NOTDIR if is_link(path) => Error::invalid(format!(
            "{} is a symbolic link: deskside does not read a maildir through links",
            path.display()
        )),
        Errno::NOENT | Errno::NOTDIR => Error::invalid(format!(
            "{} is not a maildir (no {name}/ folder inside)",
            path.parent().unwrap_or(path).display()
        )),
        e => errno_err("open", path, e),
    })
}

fn is_link(path: &Path) -> bool {
    std::fs::symlink_metadata(path).map(|m| m.file_type().is_symlink()).unwrap_or(false)
}

/// Creates (when missing) and opens a folder inside `parent`, no links.
fn make_folder(parent: impl AsFd + Copy, name: &str, path: &Path) -> Result<OwnedFd> {
    match mkdirat(parent, name, Mode::from_raw_mode(0o700)) {
        Ok(()) | Err(Errno::EXIST) => open_folder(parent, name, path),
        Err(e) => Err(errno_err("create", path, e)),
    }
}

// A maildir to ingest is one the user named: every look, read and move
// in it runs with the user's own rights (`with_user_rights`), never the
// install group's, in the setgid install.
impl Inbox {
    /// Opens `dir` (the path the user named may itself be a link) and its
    /// new/ and cur/ folders; refuses a maildir whose folders are links.
    pub fn open(dir: &Path) -> Result<Inbox> {
        crate::privilege::with_user_rights(|| Self::open_mine(dir))
    }

    fn open_mine(dir: &Path) -> Result<Inbox> {
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
        let root = openat(CWD, dir, flags, Mode::empty()).map_err(|e| match e {
            Errno::NOENT | Errno::NOTDIR => {
                Error::invalid(format!("{} is not a maildir (no such folder)", dir.display()))
            }
            e => errno_err("open", dir, e),
        })?;
        let new = open_folder(&root, "new", &dir.join("new"))?;
        let cur = open_folder(&root, "cur", &dir.join("cur"))?;
        // Not used for reading, but a link here is a trap all the same.
        for sub in ["tmp", FAILED_FOLDER] {
            let path = dir.join(sub);
            if is_link(&path) {
                return Err(Error::invalid(format!(
                    "{} is a symbolic link: deskside does not read a maildir through links",
                    path.display()
                )));
            }
        }
        Ok(Inbox { dir: dir.to_path_buf(), root, new, cur })
    }

    /// The names waiting in new/ (not hidden ones), in name (arrival) order.
    pub fn waiting(&self) -> Result<Vec<OsString>> {
        crate::privilege::with_user_rights(|| self.waiting_mine())
    }

    fn waiting_mine(&self) -> Result<Vec<OsString>> {
        let new = self.dir.join("new");
        let list = Dir::read_from(&self.new).map_err(|e| errno_err("read", &new, e))?;
        let mut names = Vec::new();
        for entry in list {
            let entry = entry.map_err(|e| errno_err("read", &new, e))?;
            let name = OsStr::from_bytes(entry.file_name().to_bytes());
            if !name.as_bytes().starts_with(b".") {
                names.push(name.to_os_string());
            }
        }
        names.sort();
        Ok(names)
    }

    /// Where a message of new/ is, for reports.
    pub fn path(&self, name: &OsStr) -> PathBuf {
        self.dir.join("new").join(name)
    }

    /// Reads one message of new/: only a plain file, never through a link,
    /// never blocking (a FIFO is skipped, not waited on).
    pub fn read(&self, name: &OsStr) -> Result<Read> {
        crate::privilege::with_user_rights(|| self.read_mine(name))
    }

    fn read_mine(&self, name: &OsStr) -> Result<Read> {
        use std::io::Read as _;
        let path = self.path(name);
        // Looked at first so a device or FIFO is not even opened.
        match statat(&self.new, name, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(st) => {
                if let Some(why) = not_plain(FileType::from_raw_mode(st.st_mode)) {
                    return Ok(Read::Skipped(why));
                }
            }
            Err(Errno::NOENT) => return Ok(Read::Gone),
            Err(e) => return Err(errno_err("read", &path, e)),
        }
        let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC;
        let fd = match openat(&self.new, name, flags, Mode::empty()) {
            Ok(fd) => fd,
            Err(Errno::NOENT) => return Ok(Read::Gone),
            Err(Errno::LOOP) => return Ok(Read::Skipped("a symbolic link".into())),
            Err(e) => return Err(errno_err("read", &path, e)),
        };
        // Checked again on the open file: it may have been swapped.
        let st = fstat(&fd).map_err(|e| errno_err("read", &path, e))?;
        if let Some(why) = not_plain(FileType::from_raw_mode(st.st_mode)) {
            return Ok(Read::Skipped(why));
        }
        let mut raw = Vec::new();
        std::fs::File::from(fd).read_to_end(&mut raw).map_err(|e| io_err("read", &path, e))?;
        Ok(Read::Message(raw))
    }

    /// Moves a handled message from new/ to cur/ with the Seen flag.
    pub fn mark_seen(&self, name: &OsStr) -> Result<PathBuf> {
        crate::privilege::with_user_rights(|| self.mark_seen_mine(name))
    }

    fn mark_seen_mine(&self, name: &OsStr) -> Result<PathBuf> {
        let seen = seen_name(&name.to_string_lossy());
        renameat(&self.new, name, &self.cur, seen.as_str())
            .map_err(|e| errno_err("move", &self.path(name), e))?;
        Ok(self.dir.join("cur").join(seen))
    }

    /// Moves an unreadable message into the `.failed` folder's new/ (unread,
    /// so someone looks at it); the folders are created private.
    pub fn set_aside(&self, name: &OsStr) -> Result<PathBuf> {
        crate::privilege::with_user_rights(|| self.set_aside_mine(name))
    }

    fn set_aside_mine(&self, name: &OsStr) -> Result<PathBuf> {
        let failed_path = self.dir.join(FAILED_FOLDER);
        let failed = make_folder(&self.root, FAILED_FOLDER, &failed_path)?;
        let mut failed_new = None;
        for sub in ["tmp", "new", "cur"] {
            let fd = make_folder(&failed, sub, &failed_path.join(sub))?;
            if sub == "new" {
                failed_new = Some(fd);
            }
        }
        let Some(failed_new) = failed_new else {
            return Err(Error::runtime(format!("cannot open {}", failed_path.join("new").display())));
        };
        renameat(&self.new, name, &failed_new, name).map_err(|e| errno_err("move", &self.path(name), e))?;
        Ok(failed_path.join("new").join(name))
    }
}

/// Why a directory entry is not a message to read, or None for a plain file.
fn not_plain(kind: FileType) -> Option<String> {
    let what = match kind {
        FileType::RegularFile => return None,
        FileType::Symlink => "a symbolic link",
        FileType::Fifo => "a FIFO",
        FileType::Directory => "a folder",
        FileType::Socket => "a socket",
        FileType::CharacterDevice | FileType::BlockDevice => "a device",
        _ => "not a plain file",
    };
    Some(what.to_string())
}

/// A message's name in cur/ once handled: the Seen flag added.
fn seen_name(name: &str) -> String {
    match name.split_once(":2,") {
        Some((base, flags)) if flags.contains('S') => format!("{base}:2,{flags}"),
        Some((base, flags)) => {
            let mut f: Vec<char> = flags.chars().chain(['S']).collect();
            f.sort_unstable();
            format!("{base}:2,{}", f.into_iter().collect::<String>())
        }
        None => format!("{name}:2,S"),
    }
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

    fn names(inbox: &Inbox) -> Vec<String> {
        inbox.waiting().unwrap().iter().map(|n| n.to_string_lossy().into_owned()).collect()
    }

    fn message(inbox: &Inbox, name: &str) -> Vec<u8> {
        match inbox.read(OsStr::new(name)).unwrap() {
            Read::Message(raw) => raw,
            Read::Gone => panic!("{name} gone"),
            Read::Skipped(why) => panic!("{name} skipped: {why}"),
        }
    }

    #[test]
    fn messages_move_through_the_folders() {
        let dir = tempfile::tempdir().unwrap();
        assert!(Inbox::open(dir.path()).is_err());
        let a = deliver(dir.path(), b"one").unwrap();
        let b = deliver(dir.path(), b"two").unwrap();
        let inbox = Inbox::open(dir.path()).unwrap();
        let (a, b) = (a.file_name().unwrap(), b.file_name().unwrap());
        let mut expected = vec![a.to_string_lossy().into_owned(), b.to_string_lossy().into_owned()];
        expected.sort();
        assert_eq!(names(&inbox), expected);
        assert_eq!(message(&inbox, &a.to_string_lossy()), b"one");
        let seen = inbox.mark_seen(a).unwrap();
        assert!(seen.to_string_lossy().ends_with(":2,S"));
        assert_eq!(std::fs::read(&seen).unwrap(), b"one");
        let failed = inbox.set_aside(b).unwrap();
        assert!(failed.starts_with(dir.path().join(".failed/new")));
        assert_eq!(std::fs::read(&failed).unwrap(), b"two");
        assert!(inbox.waiting().unwrap().is_empty());
        std::fs::write(dir.path().join("new/x:2,F"), "x").unwrap();
        assert!(inbox.mark_seen(OsStr::new("x:2,F")).unwrap().to_string_lossy().ends_with("x:2,FS"));
        assert!(matches!(inbox.read(OsStr::new("nothing")).unwrap(), Read::Gone));
    }

    #[test]
    fn links_and_special_files_are_never_followed() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("secret");
        std::fs::write(&secret, "secret").unwrap();
        let maildir = dir.path().join("m");
        create(&maildir).unwrap();
        symlink(&secret, maildir.join("new/link")).unwrap();
        std::fs::create_dir(maildir.join("new/folder")).unwrap();
        let fifo = maildir.join("new/fifo");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        std::fs::write(maildir.join("new/plain"), "plain").unwrap();
        let inbox = Inbox::open(&maildir).unwrap();
        let skipped = |name: &str| match inbox.read(OsStr::new(name)).unwrap() {
            Read::Skipped(why) => why,
            _ => panic!("{name} was read"),
        };
        assert_eq!(skipped("link"), "a symbolic link");
        assert_eq!(skipped("fifo"), "a FIFO");
        assert_eq!(skipped("folder"), "a folder");
        assert_eq!(message(&inbox, "plain"), b"plain");

        // Any linked folder refuses the maildir.
        for sub in ["new", "cur", "tmp", FAILED_FOLDER] {
            let m = dir.path().join(format!("linked-{sub}"));
            create(&m).unwrap();
            let elsewhere = dir.path().join(format!("elsewhere-{sub}"));
            create(&elsewhere).unwrap();
            let _ = std::fs::remove_dir(m.join(sub));
            symlink(&elsewhere, m.join(sub)).unwrap();
            let err = Inbox::open(&m).err().unwrap().to_string();
            assert!(err.contains("symbolic link") && err.contains(sub), "{err}");
        }
        // A .failed folder swapped for a link after opening is not used.
        let m = dir.path().join("swapped");
        create(&m).unwrap();
        std::fs::write(m.join("new/msg"), "msg").unwrap();
        let inbox = Inbox::open(&m).unwrap();
        let trap = dir.path().join("trap");
        create(&trap).unwrap();
        symlink(&trap, m.join(FAILED_FOLDER)).unwrap();
        assert!(inbox.set_aside(OsStr::new("msg")).is_err());
        assert!(m.join("new/msg").exists());
        assert!(std::fs::read_dir(trap.join("new")).unwrap().next().is_none());
        assert_eq!(std::fs::read(&secret).unwrap(), b"secret");
    }
}
