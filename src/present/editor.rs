//! Article bodies from `--body`, `--body-file FILE`, `--body-file -` (stdin)
//! or, as `git commit` does, the user's editor on a temporary file:
//! $VISUAL, then $EDITOR (run through the shell, so "code --wait" works),
//! then `vi` on a terminal. An editor that fails, or a body left empty,
//! aborts with nothing changed. In a setgid install the body file and the
//! temporary file are opened with the user's own rights and the editor runs
//! without the deskside group (see `privilege`).

use crate::{privilege, Error, Result};
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The body given on the command line, if any.
pub fn given_body(body: Option<&str>, file: Option<&Path>) -> Result<Option<String>> {
    match (body, file) {
        (Some(b), _) => Ok(Some(b.to_string())),
        (None, Some(p)) if p.as_os_str() == "-" => {
            let mut s = String::new();
            std::io::stdin()
                .read_to_string(&mut s)
                .map_err(|e| Error::invalid(format!("cannot read the body from stdin: {e}")))?;
            Ok(Some(s))
        }
        (None, Some(p)) => crate::safe_fs::read_user_text(p)
            .map(Some)
            .map_err(|e| Error::invalid(format!("cannot read body file {}: {e}", p.display()))),
        (None, None) => Ok(None),
    }
}

/// The editor command, as git chooses it.
fn editor() -> Result<String> {
    for var in ["VISUAL", "EDITOR"] {
        if let Ok(e) = std::env::var(var) {
            if !e.trim().is_empty() {
                return Ok(e);
            }
        }
    }
    if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() {
        return Ok("vi".into());
    }
    Err(Error::invalid("no article body: pass --body TEXT, --body-file FILE (- for stdin), or set $EDITOR"))
}

/// Removes the temporary file however the edit ends.
struct TempFile(PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The process id in an editor buffer's name, `deskside-article-PID-...`.
fn buffer_pid(name: &std::ffi::OsStr) -> Option<i32> {
    let rest = name.to_str()?.strip_prefix("deskside-article-")?;
    let (pid, _) = rest.split_once('-')?;
    pid.parse().ok().filter(|p| *p > 0)
}

/// Removes the buffers of editing sessions whose deskside was killed.
fn sweep_stale(dir: &Path) {
    if let Ok(fd) = crate::safe_fs::open_dir(dir) {
        crate::safe_fs::sweep_stale_temps(&fd, buffer_pid);
    }
}

fn temp_file(initial: &str) -> Result<TempFile> {
    let dir = std::env::temp_dir();
    sweep_stale(&dir);
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    for attempt in 0..100u32 {
        let path = dir.join(format!("deskside-article-{}-{stamp}-{attempt}.md", std::process::id()));
        // What is typed holds ticket and article text: 0600 from the first byte.
        match crate::safe_fs::create_private(&path, crate::safe_fs::Beside(None)) {
            Ok(mut f) => {
                std::io::Write::write_all(&mut f, initial.as_bytes())
                    .map_err(|e| Error::runtime(format!("cannot write {}: {e}", path.display())))?;
                return Ok(TempFile(path));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                return Err(Error::runtime(format!(
                    "cannot create a temporary file in {}: {e}",
                    dir.display()
                )))
            }
        }
    }
    Err(Error::runtime(format!("cannot create a temporary file in {}", dir.display())))
}

/// Opens `initial` in the user's editor and returns what they saved.
pub fn edit(initial: &str) -> Result<String> {
    let editor = editor()?;
    let file = privilege::with_user_rights(|| temp_file(initial))?;
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(format!("{editor} \"$@\"")).arg(&editor).arg(&file.0);
    privilege::drop_group(&mut cmd);
    let status = cmd
        .status()
        .map_err(|e| Error::runtime(format!("cannot run the editor '{editor}': {e}; nothing was saved")))?;
    if !status.success() {
        let how = status.code().map(|c| format!("status {c}")).unwrap_or_else(|| "a signal".into());
        return Err(Error::runtime(format!("the editor '{editor}' exited with {how}: nothing was saved")));
    }
    let text = privilege::with_user_rights(|| {
        std::fs::read_to_string(&file.0).map_err(|e| {
            Error::runtime(format!("cannot read back {}: {e}; nothing was saved", file.0.display()))
        })
    })?;
    if text.trim().is_empty() {
        return Err(Error::invalid("the article body is empty: nothing was saved"));
    }
    Ok(text)
}
