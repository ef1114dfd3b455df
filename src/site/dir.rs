//! Putting an export on disk and reading a folder of articles back. Each
//! file is written beside its target and renamed over it, so a web server
//! or a reader never sees half a page; a file whose contents did not change
//! is left alone (its time stamp too), so rsync and git see only real
//! changes; stale files go only after the new ones are in place.

use super::{SiteFile, ARTICLES_DIR, ASSETS_DIR, MARKER};
use crate::{Error, Result};
use std::collections::HashSet;
use std::path::Path;

/// Largest Markdown file `read_markdown` accepts (an article body is at
/// most 200,000 characters).
const MAX_FILE: u64 = 1024 * 1024;

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

/// Creates `dir` if needed; refuses a path that is not a directory.
pub fn prepare(dir: &Path) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        return Err(Error::invalid(format!("{} exists and is not a directory", dir.display())));
    }
    std::fs::create_dir_all(dir).map_err(|e| io("create", dir, e))
}

/// Like `prepare`, for a site: the directory must be new, empty, or a site
/// an earlier export wrote (it has the marker file), because the export
/// removes pages it did not write this time.
pub fn prepare_site(dir: &Path) -> Result<()> {
    prepare(dir)?;
    let mut entries = std::fs::read_dir(dir).map_err(|e| io("read", dir, e))?;
    if entries.next().is_some() && !dir.join(MARKER).is_file() {
        return Err(Error::invalid(format!(
            "{} is not empty and holds no earlier export (no {MARKER} file): choose a new or empty directory",
            dir.display()
        )));
    }
    Ok(())
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

/// The files in the site's own folders (`articles/`, `assets/`) that this
/// export does not write: pages of articles no longer published, leftovers.
/// Files the export never writes elsewhere in the directory are kept.
pub fn site_stale(dir: &Path, files: &[SiteFile]) -> Result<Vec<String>> {
    let keep: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let mut stale = Vec::new();
    for sub in [ARTICLES_DIR, ASSETS_DIR] {
        for name in list(dir, sub)? {
            let path = format!("{sub}/{name}");
            if !keep.contains(path.as_str()) {
                stale.push(path);
            }
        }
    }
    Ok(stale)
}

/// Writes `files` under `dir` (only those that changed), then removes
/// `stale` (paths relative to `dir`).
pub fn write(dir: &Path, files: &[SiteFile], stale: &[String]) -> Result<DirReport> {
    let mut report = DirReport::default();
    for f in files {
        let path = dir.join(&f.path);
        if path.is_dir() {
            return Err(Error::runtime(format!("cannot write {}: it is a directory", path.display())));
        }
        if std::fs::read(&path).is_ok_and(|old| old == f.contents.as_bytes()) {
            report.unchanged += 1;
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io("create", parent, e))?;
        }
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let tmp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
        let result = std::fs::write(&tmp, &f.contents).and_then(|()| std::fs::rename(&tmp, &path));
        if let Err(e) = result {
            let _ = std::fs::remove_file(&tmp);
            return Err(io("write", &path, e));
        }
        report.written.push(f.path.clone());
    }
    for s in stale {
        let path = dir.join(s);
        match std::fs::remove_file(&path) {
            Ok(()) => report.removed.push(s.clone()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io("remove", &path, e)),
        }
    }
    Ok(report)
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
    fn writes_only_changes_and_removes_stale_files() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("site");
        prepare_site(&d).unwrap();
        let first = [file(MARKER, "m"), file("articles/1-a.html", "a"), file("articles/2-b.html", "b")];
        let r = write(&d, &first, &site_stale(&d, &first).unwrap()).unwrap();
        assert_eq!((r.written.len(), r.unchanged, r.removed.len()), (3, 0, 0));
        std::fs::write(d.join("notes.txt"), "the admin's own file").unwrap();
        let second = [file(MARKER, "m"), file("articles/1-a.html", "a2")];
        let r = write(&d, &second, &site_stale(&d, &second).unwrap()).unwrap();
        assert_eq!(r.written, ["articles/1-a.html"]);
        assert_eq!((r.unchanged, r.removed.clone()), (1, vec!["articles/2-b.html".to_string()]));
        assert!(!d.join("articles/2-b.html").exists());
        assert!(d.join("notes.txt").exists(), "files outside the site's folders are kept");
        let names: Vec<String> = list(&d, "articles").unwrap();
        assert_eq!(names, ["1-a.html"], "no temporary files are left");
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
