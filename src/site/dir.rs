//! Putting an export on disk and reading a folder of articles back.
//!
//! The export's folder (DIR) is reached only through `safe_fs::tree`: a
//! symbolic link anywhere the export writes, reads or removes is refused
//! before anything changes, so nothing outside DIR is ever touched. Each
//! file is written beside its target and renamed over it, so a web server
//! or a reader never sees half a page; a file whose contents did not change
//! is left alone (its time stamp too), so rsync and git see only real
//! changes. The export lists what it wrote in DIR/`MANIFEST`; the next one
//! removes only files listed there that it no longer writes, that are
//! still regular files and unchanged since (a caller may vouch for others),
//! after the new ones are in place. Anything else in DIR is someone's own.

use super::{SiteFile, MARKER};
use crate::safe_fs::tree::Tree;
use crate::safe_fs::Access;
use crate::{Error, Result};
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashSet};
use std::path::Path;

/// Largest Markdown file `read_markdown` accepts (an article body is at
/// most 200,000 characters).
const MAX_FILE: u64 = 1024 * 1024;

/// The list of files the last export wrote, in DIR.
pub const MANIFEST: &str = ".deskside-export";

const MANIFEST_HEAD: &str =
    "# Written by `deskside kb export`: the files it wrote (sha256, path). The next\n\
                             # export removes only these, and only if they are unchanged.\n";

/// What an export did to the directory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirReport {
    pub written: Vec<String>,
    pub unchanged: usize,
    pub removed: Vec<String>,
}

fn io(what: &str, path: &Path, e: std::io::Error) -> Error {
    Error::runtime(format!("cannot {what} {}: {e}", path.display()))
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Opens (creating it if needed) the folder of a Markdown export: private,
/// since it holds internal articles too.
pub fn prepare(dir: &Path) -> Result<Tree> {
    Tree::open(dir, Access::Private)
}

/// Opens the folder of a site, which is published: it must be new, empty,
/// or a site an earlier export wrote (it has the marker file).
pub fn prepare_site(dir: &Path) -> Result<Tree> {
    let tree = Tree::open(dir, Access::Public)?;
    let mut entries = std::fs::read_dir(dir).map_err(|e| io("read", dir, e))?;
    if entries.next().is_some() && tree.read(MARKER)?.is_none() {
        return Err(Error::invalid(format!(
            "{} is not empty and holds no earlier export (no {MARKER} file): choose a new or empty directory",
            dir.display()
        )));
    }
    Ok(tree)
}

/// The files the last export listed: (path, sha256). None without a manifest.
pub fn previous(tree: &Tree) -> Result<Vec<(String, String)>> {
    let Some(bytes) = tree.read(MANIFEST)? else { return Ok(Vec::new()) };
    let text = String::from_utf8_lossy(&bytes);
    Ok(text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once(' '))
        // An entry pointing outside DIR (an edited manifest) is ignored.
        .filter(|(hash, path)| hash.len() == 64 && crate::safe_fs::tree::is_inside(path))
        .map(|(hash, path)| (path.to_string(), hash.to_string()))
        .collect())
}

/// The files the last export wrote that this one does not: removed if they
/// are unchanged since, or if `vouch` says so for their current contents.
pub fn stale(
    tree: &Tree,
    files: &[SiteFile],
    previous: &[(String, String)],
    vouch: impl Fn(&str, &[u8]) -> bool,
) -> Result<Vec<String>> {
    let keep: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let mut out = BTreeSet::new();
    for (path, hash) in previous {
        if keep.contains(path.as_str()) || path == MANIFEST {
            continue;
        }
        if let Some(now) = tree.read(path)? {
            if sha256(&now) == *hash || vouch(path, &now) {
                out.insert(path.clone());
            }
        }
    }
    Ok(out.into_iter().collect())
}

/// Writes `files` (only those that changed), removes `stale`, and records
/// what was written in the manifest. Every path is checked first: a link
/// on the way to any of them is refused with nothing changed.
pub fn write(tree: &Tree, files: &[SiteFile], stale: &[String]) -> Result<DirReport> {
    for path in files.iter().map(|f| f.path.as_str()).chain(stale.iter().map(String::as_str)) {
        tree.check(path)?;
    }
    tree.check(MANIFEST)?;
    let mut dirs: BTreeSet<&str> =
        files.iter().filter_map(|f| f.path.rsplit_once('/').map(|(d, _)| d)).collect();
    dirs.insert("");
    for d in dirs {
        tree.sweep_temps(d)?;
    }
    let mut report = DirReport::default();
    let mut manifest = String::from(MANIFEST_HEAD);
    for f in files {
        manifest.push_str(&format!("{} {}\n", sha256(f.contents.as_bytes()), f.path));
        if tree.read(&f.path)?.is_some_and(|old| old == f.contents.as_bytes()) {
            report.unchanged += 1;
            continue;
        }
        tree.write(&f.path, f.contents.as_bytes())?;
        report.written.push(f.path.clone());
    }
    for s in stale {
        if tree.remove(s)? {
            report.removed.push(s.clone());
        }
    }
    if tree.read(MANIFEST)?.is_none_or(|old| old != manifest.as_bytes()) {
        tree.write(MANIFEST, manifest.as_bytes())?;
    }
    Ok(report)
}

/// Names of the regular files directly in `dir/sub` (none if it is missing).
pub fn list(dir: &Path, sub: &str) -> Result<Vec<String>> {
    let path = dir.join(sub);
    if !path.is_dir() {
        return Ok(Vec::new());
    }
    let mut names = Vec::new();
    for entry in std::fs::read_dir(&path).map_err(|e| io("read", &path, e))? {
        let entry = entry.map_err(|e| io("read", &path, e))?;
        if entry.file_type().map_err(|e| io("read", &entry.path(), e))?.is_file() {
            names.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    names.sort();
    Ok(names)
}

/// The Markdown files of a folder, by name: `*.md`, not hidden, not a
/// README (a repository of articles usually has one).
pub fn read_markdown(dir: &Path) -> Result<Vec<(String, String)>> {
    if !dir.is_dir() {
        return Err(Error::invalid(format!("{} is not a directory of Markdown files", dir.display())));
    }
    let mut out = Vec::new();
    for name in list(dir, ".")? {
        let lower = name.to_lowercase();
        if !lower.ends_with(".md") || name.starts_with('.') || lower == "readme.md" {
            continue;
        }
        let path = dir.join(&name);
        let size = std::fs::metadata(&path).map_err(|e| io("read", &path, e))?.len();
        if size > MAX_FILE {
            return Err(Error::invalid(format!(
                "{name}: the file is too large ({size} bytes, at most {MAX_FILE})"
            )));
        }
        let bytes = std::fs::read(&path).map_err(|e| io("read", &path, e))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| Error::invalid(format!("{name}: the file is not UTF-8 text")))?;
        out.push((name, text));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, contents: &str) -> SiteFile {
        SiteFile { path: path.into(), contents: contents.into() }
    }

    #[test]
    fn writes_only_changes_and_removes_only_its_own_stale_files() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("site");
        let tree = prepare_site(&d).unwrap();
        let first = [file(MARKER, "m"), file("articles/1-a.html", "a"), file("articles/2-b.html", "b")];
        let r = write(&tree, &first, &stale(&tree, &first, &previous(&tree).unwrap(), |_, _| false).unwrap())
            .unwrap();
        assert_eq!((r.written.len(), r.unchanged, r.removed.len()), (3, 0, 0));
        std::fs::write(d.join("notes.txt"), "the admin's own file").unwrap();
        std::fs::write(d.join("articles/9-mine.html"), "a teacher's own page").unwrap();
        let second = [file(MARKER, "m"), file("articles/1-a.html", "a2")];
        let old = previous(&tree).unwrap();
        assert_eq!(old.len(), 3);
        let r = write(&tree, &second, &stale(&tree, &second, &old, |_, _| false).unwrap()).unwrap();
        assert_eq!(r.written, ["articles/1-a.html"]);
        assert_eq!((r.unchanged, r.removed.clone()), (1, vec!["articles/2-b.html".to_string()]));
        assert!(!d.join("articles/2-b.html").exists());
        assert!(d.join("notes.txt").exists() && d.join("articles/9-mine.html").exists(), "not listed: kept");
        let names: Vec<String> = list(&d, "articles").unwrap();
        assert_eq!(names, ["1-a.html", "9-mine.html"], "no temporary files are left");
        // A listed file someone changed since is theirs now.
        std::fs::write(d.join("articles/1-a.html"), "edited by hand").unwrap();
        let third = [file(MARKER, "m")];
        let gone = stale(&tree, &third, &previous(&tree).unwrap(), |_, _| false).unwrap();
        assert!(gone.is_empty(), "{gone:?}");
        let vouched =
            stale(&tree, &third, &previous(&tree).unwrap(), |p, _| p == "articles/1-a.html").unwrap();
        assert_eq!(vouched, ["articles/1-a.html"]);
    }

    #[test]
    fn a_foreign_directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("thesis.docx"), "x").unwrap();
        let err = prepare_site(dir.path()).unwrap_err();
        assert_eq!(err.exit_code(), 2, "{err}");
        assert!(err.to_string().contains("not empty"), "{err}");
    }
}
