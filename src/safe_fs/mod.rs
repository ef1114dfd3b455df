//! Files deskside writes where the user tells it to: backups, exports,
//! outgoing messages, editor buffers, the self-help site.
//!
//! Each one is created by `create_at`, the ONE place that makes a file a
//! user named: `O_CREAT | O_EXCL | O_NOFOLLOW` with its final mode from the
//! first byte (0600 for anything holding personal data), never a chmod
//! afterwards, so there is no moment when another account can open it.
//! Beside the database (in its own directory) a file takes the database
//! file's group and mode instead, as SQLite does for -wal and -shm.
//! A setgid install can make `create_at` (and `create_dir_at`) drop the
//! group while they run, and every file the user names follows.
//!
//! Whole files are written as `.NAME.tmp-PID` beside NAME and renamed
//! (`TempFile`): a reader never sees half a file. A temporary is removed
//! on every error path; one left by a killed run is removed by the next run
//! of the same operation once its process is gone (`sweep_stale_temps`).

pub mod tree;

use rustix::fs::{self as rfs, AtFlags, FileType, Mode, OFlags};
use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// Mode of a file holding personal data.
pub const PRIVATE_MODE: u32 = 0o600;

/// Who may read a new file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// 0600, or the database's group and mode when beside it.
    Private,
    /// Meant to be published (the public self-help site): 0666 less the umask.
    Public,
}

/// The database a file may be written beside, whose group and mode it then takes.
#[derive(Debug, Clone, Copy)]
pub struct Beside<'a>(pub Option<&'a Path>);

/// Opens `dir` as a directory handle. A symlink given by the user as `dir`
/// itself is followed (it is where they chose to write); everything below
/// it is reached from this handle without following links.
pub fn open_dir(dir: &Path) -> io::Result<OwnedFd> {
    let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
    Ok(rfs::open(dir, OFlags::DIRECTORY | OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty())?)
}

/// Creates the file `name` in the directory `dirfd` (see the module comment).
pub fn create_at(dirfd: impl AsFd, name: &OsStr, access: Access, db: Beside) -> io::Result<File> {
    let mode = match access {
        Access::Private => PRIVATE_MODE,
        Access::Public => 0o666,
    };
    let flags = OFlags::CREATE | OFlags::EXCL | OFlags::WRONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let fd = rfs::openat(dirfd.as_fd(), name, flags, Mode::from_raw_mode(mode))?;
    if access == Access::Private {
        if let Some((gid, db_mode)) = database_beside(&dirfd, db) {
            // Still 0600 here: the group gets in only once it is the right group.
            let _ = rfs::fchown(&fd, None, Some(rustix::fs::Gid::from_raw(gid)));
            if rfs::fstat(&fd).is_ok_and(|st| st.st_gid == gid) {
                rfs::fchmod(&fd, Mode::from_raw_mode(db_mode))?;
            }
        }
    }
    Ok(File::from(fd))
}

/// Creates a directory `name` in `dirfd` (0700 for private files, 0777 less
/// the umask for public ones).
pub fn create_dir_at(dirfd: impl AsFd, name: &OsStr, access: Access) -> io::Result<()> {
    let mode = if access == Access::Private { 0o700 } else { 0o777 };
    Ok(rfs::mkdirat(dirfd, name, Mode::from_raw_mode(mode))?)
}

/// Creates `path` privately: `create_at` in its directory.
pub fn create_private(path: &Path, db: Beside) -> io::Result<File> {
    let (dir, name) = split(path)?;
    let dirfd = open_dir(&dir)?;
    create_at(&dirfd, &name, Access::Private, db)
}

/// The database's group and owner/group mode bits when `dirfd` is the
/// database's own directory (same device and inode).
fn database_beside(dirfd: impl AsFd, db: Beside) -> Option<(u32, u32)> {
    let db = db.0?;
    let db_dir = match db.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(p) => p.to_path_buf(),
        None => PathBuf::from("."),
    };
    let here = rfs::fstat(dirfd).ok()?;
    let there = rfs::stat(&db_dir).ok()?;
    if (here.st_dev, here.st_ino) != (there.st_dev, there.st_ino) {
        return None;
    }
    let st = rfs::stat(db).ok()?;
    Some((st.st_gid, st.st_mode & 0o660))
}

/// Reads a file the user named (an import, a message, a body file) with the
/// user's own rights: in the setgid install a file only the deskside group
/// could read is refused like any file the user cannot open.
pub fn read_user_file(path: &Path) -> io::Result<Vec<u8>> {
    match crate::privilege::with_user_rights(|| Ok(std::fs::read(path))) {
        Ok(read) => read,
        Err(e) => Err(io::Error::new(io::ErrorKind::PermissionDenied, e.to_string())),
    }
}

/// `read_user_file` as text.
pub fn read_user_text(path: &Path) -> io::Result<String> {
    String::from_utf8(read_user_file(path)?)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "not UTF-8 text"))
}

/// Runs `f`, which writes where the user told it to (`target`: a file, or
/// an export's folder), with the user's own rights. In the setgid install
/// the database's directory is writable only by the deskside group, so a
/// target there (or the database itself) is refused up front with a clear
/// message instead of being written with the group's rights.
pub fn as_user<T>(target: &Path, db: &Path, f: impl FnOnce() -> crate::Result<T>) -> crate::Result<T> {
    if crate::privilege::setgid_mode() && in_database_dir(target, db) {
        return Err(crate::Error::permission(format!(
            "refusing to write {}: it is in the database's directory, which only the deskside group may write; \
             in the setgid install files you name are written with your own rights: choose a folder of yours",
            target.display()
        )));
    }
    crate::privilege::with_user_rights(f)
}

/// Whether `target` (or, when it does not exist yet, its nearest existing
/// ancestor) is inside the database's directory. Resolved with the
/// install group's rights, which can see that directory.
fn in_database_dir(target: &Path, db: &Path) -> bool {
    let db_dir = match db.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(p) => p,
        None => Path::new("."),
    };
    let Ok(db_dir) = std::fs::canonicalize(db_dir) else { return false };
    let mut at = if target.as_os_str().is_empty() { Path::new(".") } else { target };
    loop {
        if let Ok(real) = std::fs::canonicalize(at) {
            return real.starts_with(&db_dir);
        }
        match at.parent() {
            Some(p) if !p.as_os_str().is_empty() => at = p,
            _ => at = Path::new("."),
        }
        if at == Path::new(".") {
            return std::fs::canonicalize(at).is_ok_and(|r| r.starts_with(&db_dir));
        }
    }
}

/// The directory and file name of `path`.
pub fn split(path: &Path) -> io::Result<(PathBuf, OsString)> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file name"))?
        .to_os_string();
    let dir = match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(p) => p.to_path_buf(),
        None => PathBuf::from("."),
    };
    Ok((dir, name))
}

/// `.NAME.tmp-PID` for this process.
pub fn temp_name(name: &OsStr) -> OsString {
    let mut t = OsString::from(".");
    t.push(name);
    t.push(format!(".tmp-{}", std::process::id()));
    t
}

/// What SQLite may leave beside a database file it was writing.
const SIDECARS: [&str; 4] = ["", "-journal", "-wal", "-shm"];

/// The process id in a temporary's name: `.NAME.tmp-PID` (for `name`, or for
/// any name when `None`), with a SQLite sidecar suffix allowed.
pub fn hidden_temp_pid(entry: &OsStr, name: Option<&OsStr>) -> Option<i32> {
    let entry = entry.as_bytes();
    let rest = entry.strip_prefix(b".")?;
    let pid_part = match name {
        Some(n) => rest.strip_prefix(n.as_bytes())?.strip_prefix(b".tmp-")?,
        None => {
            let at = rest.windows(5).rposition(|w| w == b".tmp-")?;
            if at == 0 {
                return None;
            }
            &rest[at + 5..]
        }
    };
    let digits = SIDECARS[1..].iter().find_map(|s| pid_part.strip_suffix(s.as_bytes())).unwrap_or(pid_part);
    parse_pid(digits)
}

fn parse_pid(digits: &[u8]) -> Option<i32> {
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse::<i32>().ok().filter(|p| *p > 0)
}

/// Whether no process `pid` exists (kill(pid, 0) says ESRCH). A process we
/// may not signal exists: its files are kept.
pub fn process_gone(pid: i32) -> bool {
    if pid == std::process::id() as i32 {
        return false;
    }
    match rustix::process::Pid::from_raw(pid) {
        Some(p) => rustix::process::test_kill_process(p) == Err(rustix::io::Errno::SRCH),
        None => false,
    }
}

/// Removes, from the directory `dirfd`, the temporaries `pid_of` recognises
/// whose process is gone, that are regular files owned by us. Returns their
/// names. Best effort: what cannot be removed stays for the next run.
pub fn sweep_stale_temps(dirfd: impl AsFd, pid_of: impl Fn(&OsStr) -> Option<i32>) -> Vec<OsString> {
    let mut removed = Vec::new();
    let Ok(entries) = rfs::Dir::read_from(dirfd.as_fd()) else { return removed };
    let me = rustix::process::geteuid().as_raw();
    for entry in entries.flatten() {
        let name = OsStr::from_bytes(entry.file_name().to_bytes()).to_os_string();
        let Some(pid) = pid_of(&name) else { continue };
        if !process_gone(pid) {
            continue;
        }
        let Ok(st) = rfs::statat(dirfd.as_fd(), name.as_os_str(), AtFlags::SYMLINK_NOFOLLOW) else {
            continue;
        };
        if FileType::from_raw_mode(st.st_mode) != FileType::RegularFile || st.st_uid != me {
            continue;
        }
        if rfs::unlinkat(dirfd.as_fd(), name.as_os_str(), AtFlags::empty()).is_ok() {
            removed.push(name);
        }
    }
    removed
}

/// A whole file being written as `.NAME.tmp-PID` beside NAME: removed
/// (with any SQLite sidecars) unless `commit` gave it NAME.
pub struct TempFile {
    dirfd: OwnedFd,
    dir: PathBuf,
    name: OsString,
    tmp: OsString,
    file: Option<File>,
    done: bool,
}

impl TempFile {
    /// Sweeps stale temporaries of NAME, then creates this run's.
    pub fn new(path: &Path, access: Access, db: Beside) -> io::Result<TempFile> {
        let (dir, name) = split(path)?;
        let dirfd = open_dir(&dir)?;
        sweep_stale_temps(&dirfd, |e| hidden_temp_pid(e, Some(&name)));
        let tmp = temp_name(&name);
        let file = create_at(&dirfd, &tmp, access, db)?;
        Ok(TempFile { dirfd, dir, name, tmp, file: Some(file), done: false })
    }

    /// The temporary's path (for a writer that opens by name, like SQLite).
    pub fn path(&self) -> PathBuf {
        self.dir.join(&self.tmp)
    }

    /// The open temporary (`None` once closed).
    pub fn file(&mut self) -> Option<&mut File> {
        self.file.as_mut()
    }

    /// Closes the handle (before another writer opens the path).
    pub fn close(&mut self) {
        self.file = None;
    }

    /// Syncs the temporary and gives it NAME: `replace` renames over an
    /// existing NAME; otherwise a hard link refuses a NAME that appeared
    /// meanwhile (`AlreadyExists`).
    pub fn commit(mut self, replace: bool) -> io::Result<()> {
        match self.file.take() {
            Some(f) => f.sync_all()?,
            None => File::from(rfs::openat(
                &self.dirfd,
                self.tmp.as_os_str(),
                OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                Mode::empty(),
            )?)
            .sync_all()?,
        }
        if replace {
            rfs::renameat(&self.dirfd, self.tmp.as_os_str(), &self.dirfd, self.name.as_os_str())?;
        } else {
            rfs::linkat(
                &self.dirfd,
                self.tmp.as_os_str(),
                &self.dirfd,
                self.name.as_os_str(),
                AtFlags::empty(),
            )?;
            let _ = rfs::unlinkat(&self.dirfd, self.tmp.as_os_str(), AtFlags::empty());
        }
        self.done = true;
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        self.file = None;
        if self.done {
            return;
        }
        for suffix in SIDECARS {
            let mut p = self.tmp.clone();
            p.push(suffix);
            let _ = rfs::unlinkat(&self.dirfd, p.as_os_str(), AtFlags::empty());
        }
    }
}

/// Writes a whole private file at `path` through a `TempFile`; refuses an
/// existing `path` unless `replace`.
pub fn write_private<T>(
    path: &Path,
    replace: bool,
    db: Beside,
    fill: impl FnOnce(&mut File) -> crate::Result<T>,
) -> crate::Result<T> {
    let shown = path.display();
    let fail = |e: io::Error| crate::Error::runtime(format!("cannot write {shown}: {e}"));
    let mut temp = TempFile::new(path, Access::Private, db).map_err(fail)?;
    let value = match temp.file() {
        Some(f) => fill(f)?,
        None => return Err(crate::Error::runtime(format!("cannot write {shown}"))),
    };
    temp.commit(replace).map_err(|e| match e.kind() {
        io::ErrorKind::AlreadyExists => {
            crate::Error::invalid(format!("{shown} already exists: pass --force to replace it"))
        }
        _ => fail(e),
    })?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    #[test]
    fn temporaries_are_recognised_by_name_and_pid() {
        let n = |s: &str| hidden_temp_pid(OsStr::new(s), Some(OsStr::new("desk.bak")));
        assert_eq!(n(".desk.bak.tmp-123"), Some(123));
        assert_eq!(n(".desk.bak.tmp-123-journal"), Some(123));
        assert_eq!(n(".desk.bak.tmp-"), None);
        assert_eq!(n(".desk.bak.tmp-12x"), None);
        assert_eq!(n(".other.tmp-123"), None);
        assert_eq!(n("desk.bak.tmp-123"), None);
        let any = |s: &str| hidden_temp_pid(OsStr::new(s), None);
        assert_eq!(any(".01-a.html.tmp-77"), Some(77));
        assert_eq!(any("..tmp-77"), None);
        assert_eq!(any(".tmp-77"), None);
        assert_eq!(any(".x.tmp-0"), None);
    }

    #[test]
    fn private_files_are_0600_and_never_replace_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.json");
        drop(create_private(&p, Beside(None)).unwrap());
        assert_eq!(std::fs::metadata(&p).unwrap().mode() & 0o7777, 0o600);
        assert_eq!(create_private(&p, Beside(None)).unwrap_err().kind(), io::ErrorKind::AlreadyExists);
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(dir.path().join("target"), &link).unwrap();
        assert!(create_private(&link, Beside(None)).is_err());
        assert!(!dir.path().join("target").exists(), "a dangling link is not followed");
    }

    #[test]
    fn a_failed_write_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.json");
        let err = write_private(&p, false, Beside(None), |_| -> crate::Result<()> {
            Err(crate::Error::runtime("disk full"))
        })
        .unwrap_err();
        assert!(err.to_string().contains("disk full"));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
