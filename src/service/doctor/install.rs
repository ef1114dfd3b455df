//! Which setup the box has, and whether a setgid install is put together
//! right: the binary setgid to the database directory's group, nothing open
//! to other accounts, and no technician in that group (one who is can
//! bypass deskside with sqlite3).

use super::{real_access, FileFacts, Findings};
use crate::privilege;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setup {
    /// The binary is setgid to the database's group: the recommended setup.
    Setgid,
    /// Technicians share a group that can write the file.
    GroupWritable,
    /// One user's own file.
    Private,
}

impl Setup {
    pub fn name(self) -> &'static str {
        match self {
            Setup::Setgid => "setgid",
            Setup::GroupWritable => "group-writable",
            Setup::Private => "private",
        }
    }
}

pub fn setup(dir: Option<&FileFacts>) -> Setup {
    if privilege::setgid_mode() {
        Setup::Setgid
    } else if dir.is_some_and(|d| d.bits & 0o020 != 0) {
        Setup::GroupWritable
    } else {
        Setup::Private
    }
}

pub fn check_setup(f: &mut Findings, setup: Setup, dir: Option<&FileFacts>) {
    match setup {
        Setup::Setgid => f.ok(format!(
            "setup: setgid (recommended): deskside runs with group {}; technicians reach the database only through it",
            privilege::install_group().map(privilege::group_label).unwrap_or_default()
        )),
        Setup::GroupWritable => f.warn(
            format!(
                "setup: group-writable: any technician in group {} can edit the file with sqlite3; tiers, leads-only and the audit are conventions",
                dir.map(|d| d.group.as_str()).unwrap_or("?")
            ),
            "for a real boundary install deskside setgid (docs/shared-box.md)".into(),
        ),
        Setup::Private => f.ok("setup: a private database (the directory is not shared)".into()),
    }
}

/// The checks of a setgid install, run by the setgid binary itself.
pub fn check_setgid(
    f: &mut Findings,
    db: &Path,
    dir: Option<&FileFacts>,
    file: Option<&FileFacts>,
    techs: &[String],
) {
    let Some(gid) = privilege::install_group() else {
        return;
    };
    let group = privilege::group_label(gid);
    match privilege::exe_path().and_then(|p| std::fs::metadata(&p).ok().map(|m| (p, m))) {
        Some((exe, m)) => {
            let bits = m.mode() & 0o7777;
            let shown = exe.display();
            if m.gid() == gid && bits & 0o2000 != 0 && m.uid() == 0 && bits & 0o022 == 0 {
                f.ok(format!("binary {shown}: owner root, group {group}, mode {bits:04o} (setgid)"));
            } else {
                f.fail(
                    format!(
                        "binary {shown}: owner {}, group {}, mode {bits:04o}: it must belong to root, be setgid {group} and writable by root only",
                        privilege::user_label(m.uid()),
                        privilege::group_label(m.gid())
                    ),
                    format!("chown root:{group} {shown} && chmod 2755 {shown}"),
                );
            }
        }
        None => f.warn("cannot look at this deskside binary (/proc/self/exe)".into(), "mount /proc".into()),
    }
    if let Some(d) = dir {
        let shown = d.path.display();
        if d.gid != gid || d.bits & 0o007 != 0 {
            f.fail(
                format!("directory {shown} must be group {group} and closed to other accounts (group {}, mode {})", d.group, d.mode),
                format!("chgrp {group} {shown} && chmod 2770 {shown}"),
            );
        }
    }
    if let Some(file) = file {
        let shown = file.path.display();
        if file.gid != gid {
            f.fail(
                format!("database {shown} has group {}, not {group}", file.group),
                format!("chgrp {group} {shown} && chmod 660 {shown}"),
            );
        }
    }
    let me = privilege::real_login();
    if db.exists() && real_access(db, libc::R_OK) {
        f.fail(
            format!("{me} can open {} directly, without deskside: the boundary does not hold", db.display()),
            format!("take {me} out of group {group} (gpasswd -d {me} {group}) and chmod o-rwx the file"),
        );
    } else {
        f.ok(format!("{me} cannot open the database directly, only through deskside"));
    }
    let inside: Vec<&String> =
        techs.iter().filter(|t| privilege::configured_groups(t).is_some_and(|g| g.contains(&gid))).collect();
    for t in &inside {
        f.fail(
            format!("technician {t} is in group {group}: they can edit the database with sqlite3, bypassing tiers and the audit"),
            format!("gpasswd -d {t} {group}"),
        );
    }
    if inside.is_empty() && !techs.is_empty() {
        f.ok(format!("no technician is in group {group}"));
    }
}
