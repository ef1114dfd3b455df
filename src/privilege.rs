//! Who is really running deskside, and the setgid install.
//!
//! The real identity is the real uid's login from the system's user
//! database (never `$USER` or `$LOGNAME`, which anyone can set). In the
//! recommended shared-box setup the binary is installed setgid to a
//! `deskside` group that no technician is in: the database is reachable only
//! through deskside, so tiers, "leads only" and the audit are enforced, not
//! conventions. That mode is detected here (the saved group differs from the
//! real group) and everything that must not run with the group goes through
//! this module: files the user names (`with_user_rights`) and the programs
//! deskside starts (`drop_group`).

use crate::{Error, Result};
use std::ffi::{CStr, CString};
use std::path::{Path, PathBuf};

/// The system config file of a normal install.
pub const ETC_CONFIG: &str = "/etc/deskside/config.toml";

/// Real, effective and saved ids of this process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ids {
    pub ruid: u32,
    pub euid: u32,
    pub rgid: u32,
    pub egid: u32,
    pub sgid: u32,
}

pub fn ids() -> Ids {
    let (mut r, mut e, mut s) = (0, 0, 0);
    let (mut rg, mut eg, mut sg) = (0, 0, 0);
    // SAFETY: the pointers are to live locals; getres[ug]id only fails for bad pointers.
    unsafe {
        libc::getresuid(&mut r, &mut e, &mut s);
        libc::getresgid(&mut rg, &mut eg, &mut sg);
    }
    Ids { ruid: r, euid: e, rgid: rg, egid: eg, sgid: sg }
}

/// True when this binary runs setgid (installed `chmod 2755`, group
/// `deskside`). The saved group is compared, not the effective one, so the
/// answer stays the same while `with_user_rights` has lowered the group.
pub fn setgid_mode() -> bool {
    let i = ids();
    i.sgid != i.rgid
}

/// The group the setgid binary runs with (the database's group).
pub fn install_group() -> Option<u32> {
    let i = ids();
    (i.sgid != i.rgid).then_some(i.sgid)
}

/// A setuid install is not supported: the boundary is a group.
pub fn refuse_setuid() -> Result<()> {
    let i = ids();
    if i.euid != i.ruid {
        return Err(Error::permission(
            "deskside must not be installed setuid: install it setgid to the deskside group (see docs/shared-box.md)",
        ));
    }
    Ok(())
}

/// The login of the real uid, from the system's user database; the uid as
/// a number when it has no entry.
pub fn real_login() -> String {
    // SAFETY: getuid has no preconditions.
    let uid = unsafe { libc::getuid() };
    user_name(uid).unwrap_or_else(|| uid.to_string())
}

/// Runs a reentrant `get*_r` lookup with a growing buffer.
fn lookup<T>(mut call: impl FnMut(&mut Vec<libc::c_char>) -> (libc::c_int, Option<T>)) -> Option<T> {
    let mut buf: Vec<libc::c_char> = vec![0; 1024];
    loop {
        let (rc, found) = call(&mut buf);
        if rc == libc::ERANGE && buf.len() < 1 << 20 {
            buf.resize(buf.len() * 4, 0);
            continue;
        }
        return if rc == 0 { found } else { None };
    }
}

fn text(p: *const libc::c_char) -> String {
    if p.is_null() {
        return String::new();
    }
    // SAFETY: a non-null pointer from getpw*/getgr* is a NUL-terminated string
    // inside the buffer that is still alive.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

/// (login, primary gid) of a passwd entry.
fn passwd(
    by: impl Fn(*mut libc::passwd, &mut Vec<libc::c_char>, *mut *mut libc::passwd) -> libc::c_int,
) -> Option<(String, u32, u32)> {
    lookup(|buf| {
        // SAFETY: zeroed passwd is a valid out-parameter.
        let mut pw: libc::passwd = unsafe { std::mem::zeroed() };
        let mut out: *mut libc::passwd = std::ptr::null_mut();
        let rc = by(&mut pw, buf, &mut out);
        let found = (!out.is_null()).then(|| (text(pw.pw_name), pw.pw_uid, pw.pw_gid));
        (rc, found)
    })
}

/// The login of a uid.
pub fn user_name(uid: u32) -> Option<String> {
    passwd(|pw, buf, out| {
        // SAFETY: every pointer is valid for the call; the length is the buffer's.
        unsafe { libc::getpwuid_r(uid, pw, buf.as_mut_ptr(), buf.len(), out) }
    })
    .map(|(name, _, _)| name)
}

/// (uid, primary gid) of a login.
pub fn user_ids(login: &str) -> Option<(u32, u32)> {
    let c = CString::new(login).ok()?;
    passwd(|pw, buf, out| {
        // SAFETY: as above; `c` outlives the call.
        unsafe { libc::getpwnam_r(c.as_ptr(), pw, buf.as_mut_ptr(), buf.len(), out) }
    })
    .map(|(_, uid, gid)| (uid, gid))
}

/// The name of a gid.
pub fn group_name(gid: u32) -> Option<String> {
    lookup(|buf| {
        // SAFETY: zeroed group is a valid out-parameter; pointers valid for the call.
        let mut gr: libc::group = unsafe { std::mem::zeroed() };
        let mut out: *mut libc::group = std::ptr::null_mut();
        let rc = unsafe { libc::getgrgid_r(gid, &mut gr, buf.as_mut_ptr(), buf.len(), &mut out) };
        (rc, (!out.is_null()).then(|| text(gr.gr_name)))
    })
}

/// A uid's login, else the number (for messages).
pub fn user_label(uid: u32) -> String {
    user_name(uid).unwrap_or_else(|| uid.to_string())
}

/// A gid's name, else the number (for messages).
pub fn group_label(gid: u32) -> String {
    group_name(gid).unwrap_or_else(|| gid.to_string())
}

/// Every group `login` is in by the system's databases (primary and
/// supplementary), whatever the current session has: getgrouplist(3).
pub fn configured_groups(login: &str) -> Option<Vec<u32>> {
    let (_, primary) = user_ids(login)?;
    let c = CString::new(login).ok()?;
    let mut n: libc::c_int = 64;
    loop {
        let mut groups: Vec<libc::gid_t> = vec![0; usize::try_from(n).ok()?];
        let mut count = n;
        // SAFETY: `groups` holds `count` entries; `c` is NUL-terminated.
        let rc = unsafe { libc::getgrouplist(c.as_ptr(), primary, groups.as_mut_ptr(), &mut count) };
        if rc >= 0 {
            groups.truncate(usize::try_from(count).ok()?);
            return Some(groups);
        }
        if count <= n || n > 65536 {
            return None;
        }
        n = count;
    }
}

/// The groups this process has now (effective group and supplementary).
pub fn session_groups() -> Vec<u32> {
    // SAFETY: a size of 0 only asks for the count.
    let n = unsafe { libc::getgroups(0, std::ptr::null_mut()) };
    let mut groups: Vec<libc::gid_t> = vec![0; usize::try_from(n).unwrap_or(0)];
    // SAFETY: `groups` has room for `n` entries.
    let got = unsafe { libc::getgroups(n, groups.as_mut_ptr()) };
    groups.truncate(usize::try_from(got).unwrap_or(0));
    groups.push(ids().egid);
    groups
}

/// What to do about a file or directory of group `gid` this account may not
/// use: in setgid mode the install group must own it; otherwise depending on
/// the real user's groups (from the system, not just this session).
pub fn group_hint(gid: u32) -> String {
    let group = group_label(gid);
    if let Some(install) = install_group() {
        return format!(
            "deskside runs with group {} and that group needs access (see `deskside doctor`)",
            group_label(install)
        );
    }
    let login = real_login();
    if session_groups().contains(&gid) {
        return format!(
            "group {group} itself lacks the permission: an admin fixes the mode (see `deskside doctor`)"
        );
    }
    if configured_groups(&login).is_some_and(|g| g.contains(&gid)) {
        return format!(
            "{login} is in group {group} but this session is not yet: log out and in again (or run `newgrp {group}`)"
        );
    }
    format!("ask an admin to add {login} to group {group}: usermod -aG {group} {login}, then log in again")
}

/// Runs `f` with the user's own group as the effective group, so files the
/// user names (backups, exports, `kb export`, a body file) are opened and
/// created with the user's rights, never the install group's. Outside
/// setgid mode it just runs `f`. The effective group is process-wide: call
/// it only where no other thread opens the database meanwhile.
pub fn with_user_rights<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    let i = ids();
    // Not setgid, or already lowered by an outer call (which restores the
    // group itself: restoring it here would end the outer call's drop early).
    if i.sgid == i.rgid || i.egid == i.rgid {
        return f();
    }
    // SAFETY: setegid to the real gid is always permitted.
    if unsafe { libc::setegid(i.rgid) } != 0 {
        return Err(Error::runtime(format!(
            "cannot drop to your own group: {}",
            std::io::Error::last_os_error()
        )));
    }
    let value = f();
    // SAFETY: setegid back to the saved gid is always permitted.
    if unsafe { libc::setegid(i.sgid) } != 0 {
        return Err(Error::runtime(format!(
            "cannot return to the deskside group: {}",
            std::io::Error::last_os_error()
        )));
    }
    value
}

/// Makes a child process (an editor, the send command) run with the real
/// group only: real, effective and saved group all set to the user's, so
/// it cannot get the install group back. Files deskside has open are not
/// inherited: Rust and SQLite open every descriptor close-on-exec.
pub fn drop_group(cmd: &mut std::process::Command) {
    use std::os::unix::process::CommandExt;
    let rgid = ids().rgid;
    // SAFETY: the hook only calls setresgid, which is async-signal-safe.
    unsafe {
        cmd.pre_exec(move || {
            if libc::setresgid(rgid, rgid, rgid) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// This binary's path, from the kernel (never argv or the environment).
pub fn exe_path() -> Option<PathBuf> {
    std::fs::read_link("/proc/self/exe").ok()
}

/// The system config file: `PREFIX/etc/deskside/config.toml` when this
/// binary is `PREFIX/bin/deskside` and that file exists (relocatable
/// installs, tests), else `/etc/deskside/config.toml`.
pub fn system_config_path() -> PathBuf {
    exe_path().and_then(|exe| prefix_config(&exe)).unwrap_or_else(|| PathBuf::from(ETC_CONFIG))
}

fn prefix_config(exe: &Path) -> Option<PathBuf> {
    let bin = exe.parent()?;
    if bin.file_name()? != "bin" {
        return None;
    }
    let cfg = bin.parent()?.join("etc/deskside/config.toml");
    // /usr/bin/deskside keeps /etc: /usr/etc is nobody's config directory.
    (cfg.is_file() && bin.parent() != Some(Path::new("/usr"))).then_some(cfg)
}

/// Why a setgid install must not trust a config file: it must belong to root
/// and be writable by nobody else.
pub fn untrusted_config(path: &Path) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(path).ok()?;
    if m.uid() != 0 || m.mode() & 0o022 != 0 {
        return Some(format!(
            "the system config {} must belong to root and be writable only by root (owner {}, mode {:04o})",
            path.display(),
            user_label(m.uid()),
            m.mode() & 0o7777
        ));
    }
    None
}

/// What the acting rule needs to know about the real user.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Standing {
    /// The real uid's login.
    pub real: String,
    pub is_root: bool,
    /// A gateway account from the system config (e.g. `mail`).
    pub is_gateway: bool,
    /// The real user owns the database file (can rewrite it anyway).
    pub is_owner: bool,
    /// Running setgid: owning the file then grants nothing.
    pub setgid: bool,
}

impl Standing {
    /// May act as anyone without asking the database.
    pub fn trusted(&self) -> bool {
        self.is_root || self.is_gateway || (self.is_owner && !self.setgid)
    }
}

/// The rule: a technician acts as themselves; acting as someone else is
/// for leads, gateway accounts, root, and (not setgid) the file's owner.
pub fn may_act_as(s: &Standing, acting: &str, real_is_lead: bool) -> bool {
    acting == s.real || s.trusted() || real_is_lead
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tier1(real: &str) -> Standing {
        Standing { real: real.into(), ..Standing::default() }
    }

    #[test]
    fn everyone_may_be_themselves() {
        assert!(may_act_as(&tier1("jpatel"), "jpatel", false));
        assert!(may_act_as(&Standing { setgid: true, ..tier1("jpatel") }, "jpatel", false));
    }

    #[test]
    fn a_non_lead_may_not_be_someone_else() {
        assert!(!may_act_as(&tier1("jpatel"), "lead", false));
        assert!(!may_act_as(&Standing { setgid: true, ..tier1("jpatel") }, "lead", false));
    }

    #[test]
    fn leads_gateways_and_root_may() {
        assert!(may_act_as(&tier1("lee"), "jpatel", true));
        assert!(may_act_as(&Standing { is_gateway: true, ..tier1("mail") }, "lead", false));
        assert!(may_act_as(&Standing { is_root: true, setgid: true, ..tier1("root") }, "lead", false));
    }

    #[test]
    fn owning_the_file_counts_only_without_setgid() {
        let owner = Standing { is_owner: true, ..tier1("lee") };
        assert!(may_act_as(&owner, "lead", false));
        assert!(!may_act_as(&Standing { setgid: true, ..owner }, "lead", false));
    }

    #[test]
    fn the_real_login_comes_from_the_uid_not_the_environment() {
        // SAFETY: getuid has no preconditions.
        let uid = unsafe { libc::getuid() };
        let name = real_login();
        assert_eq!(user_ids(&name).map(|(u, _)| u), Some(uid), "{name}");
        assert!(user_name(u32::MAX - 7).is_none());
        assert_eq!(group_label(0), "root");
    }

    #[test]
    fn the_prefix_config_needs_a_bin_directory_and_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let exe = dir.path().join("bin/deskside");
        assert_eq!(prefix_config(&exe), None);
        std::fs::create_dir_all(dir.path().join("etc/deskside")).unwrap();
        std::fs::write(dir.path().join("etc/deskside/config.toml"), "").unwrap();
        assert_eq!(prefix_config(&exe), Some(dir.path().join("etc/deskside/config.toml")));
        assert_eq!(prefix_config(&dir.path().join("debug/deskside")), None);
    }

    #[test]
    fn outside_setgid_mode_user_rights_change_nothing() {
        let before = ids();
        let got = with_user_rights(|| Ok(ids())).unwrap();
        assert_eq!(got, before);
    }
}
