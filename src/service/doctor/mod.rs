//! `deskside doctor`: is this database ready for a team on a shared box?
//! Checks where the path came from, the file and directory modes and group,
//! whether this account can write them, and the database's own health. It
//! changes nothing: no migration, no pragma, no row.
//!
//! It also says which setup the box has (`install`): setgid, the
//! recommended one, where only deskside can open the file; group-writable,
//! where every technician can edit it with sqlite3; or a private file.

mod install;

use crate::config::DbSource;
use crate::domain::Technician;
use crate::privilege;
use crate::store::{self, health};
use serde::Serialize;
use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Ok,
    /// Works for now, but will bite a team (e.g. no setgid directory).
    Warn,
    /// Something is wrong: `doctor` exits non-zero.
    Fail,
}

/// One finding, with what to do about it.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub level: Level,
    pub what: String,
    pub fix: Option<String>,
}

/// Owner, group and mode of a file or directory.
#[derive(Debug, Clone, Serialize)]
pub struct FileFacts {
    pub path: PathBuf,
    /// Octal, e.g. "0660" or "2770".
    pub mode: String,
    pub owner: String,
    pub group: String,
    #[serde(skip)]
    pub bits: u32,
    #[serde(skip)]
    pub gid: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub db: PathBuf,
    /// "setgid", "group-writable" or "private".
    pub setup: String,
    /// Bytes free for this account on the database's file system.
    pub disk_free: Option<u64>,
    /// Where the path came from: flag, env, config file, default.
    pub source: String,
    pub os_user: String,
    pub login: String,
    pub directory: Option<FileFacts>,
    pub file: Option<FileFacts>,
    pub wal: Option<FileFacts>,
    pub shm: Option<FileFacts>,
    pub can_read_file: bool,
    pub can_write_file: bool,
    pub can_write_directory: bool,
    pub journal_mode: Option<String>,
    pub schema_version: Option<i64>,
    /// The schema version this deskside writes.
    pub deskside_schema_version: i64,
    pub integrity: Option<String>,
    pub technician: Option<Technician>,
    pub checks: Vec<Check>,
    /// How many checks failed.
    pub problems: usize,
}

pub fn describe_source(source: &DbSource) -> String {
    match source {
        DbSource::Flag => "--db".into(),
        DbSource::Env => "DESKSIDE_DB".into(),
        DbSource::ConfigFile(p) => format!("config file {}", p.display()),
        DbSource::Default => "default (your data directory)".into(),
    }
}

struct Findings(Vec<Check>);

impl Findings {
    fn add(&mut self, level: Level, what: String, fix: Option<String>) {
        self.0.push(Check { level, what, fix });
    }
    fn ok(&mut self, what: String) {
        self.add(Level::Ok, what, None);
    }
    fn warn(&mut self, what: String, fix: String) {
        self.add(Level::Warn, what, Some(fix));
    }
    fn fail(&mut self, what: String, fix: String) {
        self.add(Level::Fail, what, Some(fix));
    }
}

/// Looks at the database at `path` as `os_user` acting as `login`.
pub fn diagnose(path: &Path, source: &DbSource, login: &str, os_user: &str) -> Report {
    let mut f = Findings(Vec::new());
    let shown = path.display().to_string();
    let dir_path = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let (directory, dir_look) = look(&dir_path);
    let (file, file_look) = look(path);
    let wal = look(&sidecar(path, "-wal")).0;
    let shm = look(&sidecar(path, "-shm")).0;
    let can_write_directory = access(&dir_path, libc::W_OK | libc::X_OK);
    let can_read_file = access(path, libc::R_OK);
    let can_write_file = access(path, libc::W_OK);
    let setup = install::setup(directory.as_ref());
    install::check_setup(&mut f, setup, directory.as_ref());
    let disk_free = free_bytes(&dir_path);
    let disk_full = disk_free.is_some_and(|b| b < DISK_LOW);
    if let (true, Some(b)) = (disk_full, disk_free) {
        f.fail(
            format!("the file system holding {} is full ({b} bytes free): deskside cannot record work", dir_path.display()),
            "free disk space there; do not restore a backup: the file is fine and holds work newer than any backup".into(),
        );
    }

    match (&directory, dir_look) {
        (Some(d), _) => check_directory(&mut f, d, can_write_directory, os_user),
        (None, Look::Denied) => f.fail(
            format!(
                "{os_user} may not look into the directory above {}: permission denied",
                dir_path.display()
            ),
            "an admin checks the modes of the directories above it (each needs x for the team)".into(),
        ),
        (None, _) => f.fail(
            format!("directory {} does not exist", dir_path.display()),
            match source {
                DbSource::Default => "`deskside init` creates it".into(),
                _ => format!("for a team: install -d -m 2770 -g deskside {}", dir_path.display()),
            },
        ),
    }
    let mut health = health::Health::default();
    match (&file, file_look) {
        (None, Look::Missing) => {
            f.fail(format!("no database at {shown}"), "create it with `deskside init`".into())
        }
        (None, Look::Denied) => {
            let hint = directory
                .as_ref()
                .map(|d| privilege::group_hint(d.gid))
                .unwrap_or_else(|| "ask an admin which group the database belongs to".into());
            f.fail(
                format!(
                    "{os_user} may not look into {}: permission denied (the database may well be there)",
                    dir_path.display()
                ),
                hint,
            )
        }
        (None, Look::NotAFile(kind)) => f.fail(
            format!("{shown} is {kind}, not a database file"),
            "point the config at the database file itself".into(),
        ),
        (None, Look::Found) => {}
        (Some(file), _) => {
            check_file(&mut f, file, directory.as_ref(), can_read_file, can_write_file, os_user);
            for side in [&wal, &shm].into_iter().flatten() {
                check_sidecar(&mut f, side);
            }
            if can_read_file {
                health = health::inspect(path, login);
                check_health(&mut f, &health, login, disk_full);
            }
        }
    }
    if setup == install::Setup::Setgid {
        install::check_setgid(&mut f, path, directory.as_ref(), file.as_ref(), &health.tech_logins);
    }
    let problems = f.0.iter().filter(|c| c.level == Level::Fail).count();
    Report {
        db: path.to_path_buf(),
        setup: setup.name().into(),
        disk_free,
        source: describe_source(source),
        os_user: os_user.to_string(),
        login: login.to_string(),
        directory,
        file,
        wal,
        shm,
        can_read_file,
        can_write_file,
        can_write_directory,
        journal_mode: health.journal_mode,
        schema_version: health.schema_version,
        deskside_schema_version: store::SCHEMA_VERSION,
        integrity: health.integrity,
        technician: health.technician,
        checks: f.0,
        problems,
    }
}

/// Below this many free bytes the disk counts as full: SQLite needs room
/// for WAL frames before it can commit anything.
const DISK_LOW: u64 = 1 << 20;

/// Bytes available to this account on the file system holding `dir`.
fn free_bytes(dir: &Path) -> Option<u64> {
    let c = CString::new(dir.as_os_str().as_bytes()).ok()?;
    // SAFETY: zeroed statvfs is a valid out-parameter; `c` is NUL-terminated.
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    if unsafe { libc::statvfs(c.as_ptr(), &mut st) } != 0 {
        return None;
    }
    Some((st.f_bavail as u64).saturating_mul(st.f_frsize as u64))
}

fn check_directory(f: &mut Findings, d: &FileFacts, writable: bool, os_user: &str) {
    let shown = d.path.display();
    let setgid = d.bits & 0o2000 != 0;
    f.ok(format!(
        "directory {shown}: owner {}, group {}, mode {}{}",
        d.owner,
        d.group,
        d.mode,
        if setgid { " (setgid)" } else { "" }
    ));
    if writable {
        f.ok(format!("{os_user} can create files in {shown} (SQLite's -wal and -shm files)"));
    } else {
        f.fail(
            format!("{os_user} cannot create files in {shown}: SQLite needs to for the -wal and -shm files"),
            format!("make it group-writable for the team: chgrp {} {shown} && chmod 2770 {shown}", d.group),
        );
    }
    if d.bits & 0o002 != 0 && d.bits & 0o1000 == 0 {
        f.fail(
            format!("every account on this box can delete or replace files in {shown} (mode {})", d.mode),
            format!("chmod o-w {shown}"),
        );
    }
    if d.bits & 0o020 != 0 && !setgid {
        f.warn(
            format!("{shown} is group-writable but not setgid: files created there get their creator's group, not {}", d.group),
            format!("chmod g+s {shown}"),
        );
    }
}

fn check_file(
    f: &mut Findings,
    file: &FileFacts,
    dir: Option<&FileFacts>,
    can_read: bool,
    can_write: bool,
    os_user: &str,
) {
    let shown = file.path.display();
    f.ok(format!("database {shown}: owner {}, group {}, mode {}", file.owner, file.group, file.mode));
    if file.bits & 0o007 != 0 {
        f.fail(
            format!("every account on this box can {} {shown} (mode {})", others_can(file.bits), file.mode),
            format!("chmod 660 {shown}"),
        );
    }
    if file.bits & 0o060 != 0o060 {
        f.warn(
            format!("group {} cannot read and write {shown}: other technicians will be refused", file.group),
            format!("chmod g+rw {shown}"),
        );
    }
    if let Some(d) = dir.filter(|d| d.bits & 0o2000 != 0 && d.gid != file.gid) {
        f.warn(
            format!("{shown} has group {}, its setgid directory {}", file.group, d.group),
            format!("chgrp {} {shown}", d.group),
        );
    }
    // Only advise joining the group to someone who is not in it.
    let add_me = privilege::group_hint(file.gid);
    match (can_read, can_write) {
        (true, true) => f.ok(format!("{os_user} can read and write the database")),
        (true, false) => f.fail(format!("{os_user} can read but not write {shown}"), add_me),
        (false, _) => f.fail(format!("{os_user} cannot read {shown}"), add_me),
    }
}

fn check_sidecar(f: &mut Findings, side: &FileFacts) {
    let shown = side.path.display();
    if side.bits & 0o007 != 0 {
        f.fail(
            format!("every account on this box can {} {shown} (mode {})", others_can(side.bits), side.mode),
            format!("chmod 660 {shown}"),
        );
    }
    if !access(&side.path, libc::R_OK | libc::W_OK) {
        f.fail(
            format!("{shown} is not writable for you: every deskside on the file will fail"),
            format!("chgrp {} {shown} && chmod 660 {shown}", side.group),
        );
    }
}

fn check_health(f: &mut Findings, h: &health::Health, login: &str, disk_full: bool) {
    if let Some(why) = &h.unreadable {
        let fix = if disk_full || h.disk_full {
            "free disk space first: the file cannot be read back while the disk is full (a backup would lose recent work)"
        } else {
            "check the path, or restore from a backup"
        };
        f.fail(format!("cannot read the database: {why}"), fix.into());
        return;
    }
    if !h.is_deskside {
        f.fail(
            "the file is not a deskside database".into(),
            "point --db or DESKSIDE_DB at the right file".into(),
        );
        return;
    }
    match h.journal_mode.as_deref() {
        Some("wal") => f.ok("journal mode WAL (readers never wait for writers)".into()),
        other => f.fail(
            format!("journal mode is {}, not WAL", other.unwrap_or("unknown")),
            "run any deskside command with write access: it switches the file to WAL".into(),
        ),
    }
    match h.schema_version {
        Some(v) if v == store::SCHEMA_VERSION => f.ok(format!("schema version {v}")),
        Some(v) if v > store::SCHEMA_VERSION => f.fail(
            format!("schema version {v} is newer than this deskside ({})", store::SCHEMA_VERSION),
            "upgrade deskside".into(),
        ),
        Some(v) => f.warn(
            format!(
                "schema version {v}; this deskside upgrades it to {} when it next writes",
                store::SCHEMA_VERSION
            ),
            "run any deskside command as a technician with write access".into(),
        ),
        None => f.fail("no schema version".into(), "restore from a backup".into()),
    }
    for name in &h.missing_triggers {
        f.fail(
            format!("trigger {name} is missing: the file was edited outside deskside (the append-only guard is gone)"),
            TAMPERED.into(),
        );
    }
    for name in &h.changed_triggers {
        f.fail(format!("trigger {name} was changed outside deskside"), TAMPERED.into());
    }
    match &h.chain {
        Some(Ok(c)) if c.intact() => f.ok(format!(
            "audit hash chain: {} rows intact{}",
            c.rows,
            c.head.as_deref().map(|h| format!(" (head {})", &h[..h.len().min(16)])).unwrap_or_default()
        )),
        Some(Ok(c)) => {
            let b = c.broken.as_ref();
            f.fail(
                format!(
                    "audit hash chain broken at row {}{}: {}",
                    b.map_or(0, |b| b.row),
                    b.and_then(|b| b.at).map(|at| format!(" ({at})")).unwrap_or_default(),
                    b.map_or("", |b| b.problem.as_str())
                ),
                TAMPERED.into(),
            )
        }
        Some(Err(e)) => f.fail(format!("cannot check the audit hash chain: {e}"), TAMPERED.into()),
        None => {}
    }
    for what in &h.standing_mismatches {
        f.fail(format!("{what}: the technicians table was edited outside deskside"), TAMPERED.into());
    }
    match h.integrity.as_deref() {
        Some("ok") => f.ok("integrity check: ok".into()),
        other => f.fail(
            format!("integrity check: {}", other.unwrap_or("not run")),
            "stop using the file and restore its latest backup".into(),
        ),
    }
    match &h.technician {
        Some(t) => f.ok(format!(
            "you act as {} ({}, tier {}{})",
            t.login,
            t.name,
            t.tier,
            if t.lead { ", lead" } else { "" }
        )),
        None => f.warn(
            format!("'{login}' is not a technician in this database"),
            format!("a lead adds you with `deskside tech add {login} --name \"Your Name\" --tier 1`"),
        ),
    }
}

const TAMPERED: &str = "compare the timeline and audit with a backup to see what was changed, and use the setgid setup (docs/shared-box.md) so only deskside can write the file";

/// What the "other" permission bits allow, in words.
fn others_can(bits: u32) -> &'static str {
    match (bits & 0o004 != 0, bits & 0o002 != 0) {
        (true, true) => "read and change",
        (false, true) => "change",
        _ => "read",
    }
}

fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

/// What stat(2) says about a path.
enum Look {
    Found,
    Missing,
    /// A directory on the way may not be searched.
    Denied,
    NotAFile(&'static str),
}

fn look(path: &Path) -> (Option<FileFacts>, Look) {
    use std::os::unix::fs::FileTypeExt;
    match std::fs::metadata(path) {
        Ok(m) => {
            let t = m.file_type();
            let odd = if t.is_fifo() {
                Some("a named pipe (FIFO)")
            } else if t.is_socket() {
                Some("a socket")
            } else if t.is_block_device() || t.is_char_device() {
                Some("a device")
            } else {
                None
            };
            if let Some(kind) = odd {
                return (None, Look::NotAFile(kind));
            }
            let facts = FileFacts {
                path: path.to_path_buf(),
                mode: format!("{:04o}", m.mode() & 0o7777),
                owner: privilege::user_label(m.uid()),
                group: privilege::group_label(m.gid()),
                bits: m.mode() & 0o7777,
                gid: m.gid(),
            };
            (Some(facts), Look::Found)
        }
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => (None, Look::Denied),
        Err(_) => (None, Look::Missing),
    }
}

/// What this process may do, with its effective ids and groups, as the
/// kernel sees it (in setgid mode: what deskside may do, not the user).
fn access(path: &Path, mode: libc::c_int) -> bool {
    let Ok(c) = CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `c` is a valid NUL-terminated path for the duration of the call.
    unsafe { libc::faccessat(libc::AT_FDCWD, c.as_ptr(), mode, libc::AT_EACCESS) == 0 }
}

/// What the real user may do with their own rights (access(2)).
fn real_access(path: &Path, mode: libc::c_int) -> bool {
    let Ok(c) = CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: as above.
    unsafe { libc::access(c.as_ptr(), mode) == 0 }
}
