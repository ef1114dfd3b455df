//! Handing a rendered message to the mail system: a command that reads the
//! message on standard input (`sendmail -t -i` by default), or a maildir.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// The default send command: recipients from the headers (-t), and a line
/// with a single dot does not end the message (-i).
pub const DEFAULT_COMMAND: &str = "sendmail -t -i";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    /// Program and arguments (split on white space; no shell).
    Command(Vec<String>),
    /// Written into this maildir's new/ folder (the system config's
    /// outbox: with the install group in the setgid install).
    Maildir(PathBuf),
    /// A maildir the user named (`--outbox-dir`): written with the user's
    /// own rights, as every file the user names.
    UserMaildir(PathBuf),
}

impl Transport {
    pub fn command(line: &str) -> crate::Result<Transport> {
        let words: Vec<String> = line.split_whitespace().map(str::to_string).collect();
        if words.is_empty() {
            return Err(crate::Error::invalid("mail send command must not be empty"));
        }
        Ok(Transport::Command(words))
    }

    /// Delivers one message; Err is a one-line reason.
    pub fn deliver(&self, message: &str) -> Result<String, String> {
        match self {
            Transport::Maildir(dir) => super::maildir::deliver(dir, message.as_bytes())
                .map(|p| p.display().to_string())
                .map_err(|e| e.to_string()),
            Transport::UserMaildir(dir) => {
                crate::privilege::with_user_rights(|| super::maildir::deliver(dir, message.as_bytes()))
                    .map(|p| p.display().to_string())
                    .map_err(|e| e.to_string())
            }
            Transport::Command(words) => run(words, message).map(|_| words[0].clone()),
        }
    }
}

fn run(words: &[String], message: &str) -> Result<(), String> {
    let mut cmd = Command::new(&words[0]);
    // The send command is the user's program: never with the install group.
    crate::privilege::drop_group(&mut cmd);
    let mut child = cmd
        .args(&words[1..])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", words[0]))?;
    let written = child.stdin.take().map(|mut stdin| stdin.write_all(message.as_bytes()));
    let out = child.wait_with_output().map_err(|e| format!("{} failed: {e}", words[0]))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let first = err.lines().find(|l| !l.trim().is_empty()).unwrap_or("").trim();
        return Err(format!(
            "{} exited with {}{}",
            words[0],
            out.status,
            if first.is_empty() { String::new() } else { format!(": {first}") }
        ));
    }
    match written {
        Some(Err(e)) => Err(format!("cannot write the message to {}: {e}", words[0])),
        _ => Ok(()),
    }
}
