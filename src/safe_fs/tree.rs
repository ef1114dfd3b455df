//! A directory the user named (an export's DIR) that deskside writes into
//! and removes from without ever leaving it: every component below DIR is
//! reached from a handle on DIR with `O_NOFOLLOW`, and a symbolic link found
//! where a file is written, read or removed is refused, never followed. DIR
//! itself may be a link: the user chose that path, as with any output file.
//! Paths are relative, `/`-separated, and may not contain `.` or `..`.

use super::{create_at, create_dir_at, hidden_temp_pid, sweep_stale_temps, temp_name, Access, Beside};
use crate::{Error, Result};
use rustix::fs::{self as rfs, AtFlags, FileType, Mode, OFlags};
use rustix::io::Errno;
use std::ffi::OsStr;
use std::io::{Read, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub struct Tree {
    root: OwnedFd,
    shown: PathBuf,
    access: Access,
}

/// The directories and the file name of a relative path.
fn parts(rel: &str) -> Result<(Vec<&str>, &str)> {
    let mut all: Vec<&str> = rel.split('/').collect();
    if all.iter().any(|p| p.is_empty() || *p == "." || *p == "..") {
        return Err(Error::runtime(format!("refusing the path {rel:?}: it must stay inside the directory")));
    }
    let name = all.pop().unwrap_or_default();
    Ok((all, name))
}

/// Whether `rel` is a path this module accepts (stays inside DIR).
pub fn is_inside(rel: &str) -> bool {
    parts(rel).is_ok()
}

impl Tree {
    /// Opens DIR, creating it when missing (0700 for private files).
    pub fn open(dir: &Path, access: Access) -> Result<Tree> {
        let shown = dir.to_path_buf();
        if dir.exists() && !dir.is_dir() {
            return Err(Error::invalid(format!("{} exists and is not a directory", dir.display())));
        }
        let mode = if access == Access::Private { 0o700 } else { 0o777 };
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(mode)
            .create(dir)
            .map_err(|e| Error::runtime(format!("cannot create {}: {e}", dir.display())))?;
        let root = super::open_dir(dir)
            .map_err(|e| Error::runtime(format!("cannot open {}: {e}", dir.display())))?;
        Ok(Tree { root, shown, access })
    }

    fn io(&self, what: &str, rel: &str, e: impl Into<std::io::Error>) -> Error {
        Error::runtime(format!("cannot {what} {}: {}", self.shown.join(rel).display(), e.into()))
    }

    fn link(&self, rel: &str) -> Error {
        Error::invalid(format!(
            "refusing {}: it is a symbolic link, and deskside never writes or deletes through one (nothing was changed)",
            self.shown.join(rel).display()
        ))
    }

    /// The type of `name` in `dirfd`, not following a link; `None` if missing.
    fn kind(&self, dirfd: impl AsFd, name: &str, rel: &str) -> Result<Option<FileType>> {
        match rfs::statat(dirfd, name, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(st) => Ok(Some(FileType::from_raw_mode(st.st_mode))),
            Err(Errno::NOENT) => Ok(None),
            Err(e) => Err(self.io("read", rel, e)),
        }
    }

    /// A handle on the directory holding `rel` and the file's name; `None`
    /// when a directory on the way is missing and `create` is false.
    fn parent<'r>(&self, rel: &'r str, create: bool) -> Result<Option<(OwnedFd, &'r str)>> {
        let (dirs, name) = parts(rel)?;
        let mut fd =
            rfs::openat(&self.root, ".", OFlags::DIRECTORY | OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty())
                .map_err(|e| self.io("open", ".", e))?;
        let mut walked = String::new();
        for d in dirs {
            if !walked.is_empty() {
                walked.push('/');
            }
            walked.push_str(d);
            match self.kind(&fd, d, &walked)? {
                Some(FileType::Directory) => {}
                Some(FileType::Symlink) => return Err(self.link(&walked)),
                Some(_) => {
                    return Err(Error::runtime(format!(
                        "{} is not a directory",
                        self.shown.join(&walked).display()
                    )))
                }
                None if create => create_dir_at(&fd, OsStr::new(d), self.access)
                    .map_err(|e| self.io("create", &walked, e))?,
                None => return Ok(None),
            }
            // O_NOFOLLOW again: a link swapped in since the check fails here.
            let flags = OFlags::DIRECTORY | OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
            fd = match rfs::openat(&fd, d, flags, Mode::empty()) {
                Ok(next) => next,
                Err(Errno::LOOP) | Err(Errno::NOTDIR) => return Err(self.link(&walked)),
                Err(e) => return Err(self.io("open", &walked, e)),
            };
        }
        Ok(Some((fd, name)))
    }

    /// Refuses `rel` if it, or a directory on its way, is a symbolic link.
    pub fn check(&self, rel: &str) -> Result<()> {
        let Some((fd, name)) = self.parent(rel, false)? else { return Ok(()) };
        match self.kind(&fd, name, rel)? {
            Some(FileType::Symlink) => Err(self.link(rel)),
            Some(FileType::Directory) => Err(Error::runtime(format!(
                "cannot write {}: it is a directory",
                self.shown.join(rel).display()
            ))),
            _ => Ok(()),
        }
    }

    /// The contents of the regular file `rel`; `None` if it is missing or
    /// not a regular file. A link is refused.
    pub fn read(&self, rel: &str) -> Result<Option<Vec<u8>>> {
        let Some((dirfd, name)) = self.parent(rel, false)? else { return Ok(None) };
        match self.kind(&dirfd, name, rel)? {
            Some(FileType::RegularFile) => {}
            Some(FileType::Symlink) => return Err(self.link(rel)),
            _ => return Ok(None),
        }
        // O_NONBLOCK: a FIFO swapped in cannot hang the export.
        let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
        let fd = match rfs::openat(&dirfd, name, flags, Mode::empty()) {
            Ok(fd) => fd,
            Err(Errno::LOOP) => return Err(self.link(rel)),
            Err(Errno::NOENT) => return Ok(None),
            Err(e) => return Err(self.io("read", rel, e)),
        };
        let st = rfs::fstat(&fd).map_err(|e| self.io("read", rel, e))?;
        if FileType::from_raw_mode(st.st_mode) != FileType::RegularFile {
            return Ok(None);
        }
        let mut bytes = Vec::new();
        std::fs::File::from(fd).read_to_end(&mut bytes).map_err(|e| self.io("read", rel, e))?;
        Ok(Some(bytes))
    }

    /// Writes `rel` whole: `.NAME.tmp-PID` beside it, renamed over it.
    /// Stale temporaries in its directory go first.
    pub fn write(&self, rel: &str, contents: &[u8]) -> Result<()> {
        self.check(rel)?;
        let Some((dirfd, name)) = self.parent(rel, true)? else {
            return Err(self.io("create", rel, std::io::ErrorKind::NotFound));
        };
        sweep_stale_temps(&dirfd, |e| hidden_temp_pid(e, None));
        let tmp = temp_name(OsStr::new(name));
        let result = create_at(&dirfd, &tmp, self.access, Beside(None))
            .and_then(|mut f| f.write_all(contents).and_then(|()| f.sync_all()))
            .and_then(|()| {
                rfs::renameat(&dirfd, tmp.as_os_str(), &dirfd, name).map_err(std::io::Error::from)
            });
        if let Err(e) = result {
            let _ = rfs::unlinkat(&dirfd, tmp.as_os_str(), AtFlags::empty());
            return Err(self.io("write", rel, e));
        }
        Ok(())
    }

    /// Removes `rel` if it is a regular file; says whether it did. A link is refused.
    pub fn remove(&self, rel: &str) -> Result<bool> {
        let Some((dirfd, name)) = self.parent(rel, false)? else { return Ok(false) };
        match self.kind(&dirfd, name, rel)? {
            Some(FileType::RegularFile) => {}
            Some(FileType::Symlink) => return Err(self.link(rel)),
            _ => return Ok(false),
        }
        match rfs::unlinkat(&dirfd, name, AtFlags::empty()) {
            Ok(()) => Ok(true),
            Err(Errno::NOENT) => Ok(false),
            Err(e) => Err(self.io("remove", rel, e)),
        }
    }

    /// Removes the temporaries killed runs left in the folder `sub` ("" for
    /// DIR itself) once their process is gone.
    pub fn sweep_temps(&self, sub: &str) -> Result<()> {
        let rel = if sub.is_empty() { "x".to_string() } else { format!("{sub}/x") };
        if let Some((dirfd, _)) = self.parent(&rel, false)? {
            sweep_stale_temps(&dirfd, |e| hidden_temp_pid(e, None));
        }
        Ok(())
    }

    /// Names of the regular files in the folder `sub` (none if it is missing).
    pub fn list(&self, sub: &str) -> Result<Vec<String>> {
        // The directory holding a (never opened) file inside `sub` is `sub`.
        let Some((dirfd, _)) = self.parent(&format!("{sub}/x"), false)? else { return Ok(Vec::new()) };
        let dir = rfs::Dir::read_from(&dirfd).map_err(|e| self.io("read", sub, e))?;
        let mut names = Vec::new();
        for entry in dir {
            let entry = entry.map_err(|e| self.io("read", sub, e))?;
            let n = entry.file_name().to_string_lossy().into_owned();
            if n == "." || n == ".." {
                continue;
            }
            if self.kind(&dirfd, &n, sub)? == Some(FileType::RegularFile) {
                names.push(n);
            }
        }
        names.sort();
        Ok(names)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_must_stay_inside() {
        for bad in ["", "../x", "a/../../x", "/etc/passwd", "a//b", "./x"] {
            assert!(parts(bad).is_err(), "{bad}");
        }
        assert_eq!(parts("articles/1.html").unwrap(), (vec!["articles"], "1.html"));
    }

    #[test]
    fn links_inside_are_refused_and_nothing_is_followed() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside");
        std::fs::create_dir(&outside).unwrap();
        std::fs::write(outside.join("a.html"), "precious").unwrap();
        let site = dir.path().join("site");
        let tree = Tree::open(&site, Access::Public).unwrap();
        std::os::unix::fs::symlink(&outside, site.join("articles")).unwrap();
        for err in [
            tree.write("articles/a.html", b"x").unwrap_err(),
            tree.remove("articles/a.html").unwrap_err(),
            tree.read("articles/a.html").unwrap_err(),
            tree.list("articles").unwrap_err(),
        ] {
            assert_eq!(err.exit_code(), 2, "{err}");
            assert!(err.to_string().contains("symbolic link"), "{err}");
        }
        std::os::unix::fs::symlink(outside.join("a.html"), site.join("index.html")).unwrap();
        assert!(tree.write("index.html", b"x").is_err());
        assert!(tree.remove("index.html").is_err());
        assert_eq!(std::fs::read_to_string(outside.join("a.html")).unwrap(), "precious");
        tree.write("assets/site.css", b"css").unwrap();
        assert_eq!(tree.read("assets/site.css").unwrap().unwrap(), b"css");
        assert!(tree.remove("assets/site.css").unwrap());
        assert!(!tree.remove("assets/site.css").unwrap());
    }
}
