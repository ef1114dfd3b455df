//! The setgid install as a real privilege boundary: real OS users, a real
//! group, the binary installed setgid in a temporary prefix. Root only (CI
//! runs as root); elsewhere each test prints why it is skipped.
//!
//! Each test makes its own users and group, named after the process and the
//! test (e.g. `dsk_t1_1234_a`), and removes them when it ends.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;
use serde_json::Value;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn is_root() -> bool {
    common::is_root()
}

fn skip(test: &str) -> bool {
    if !is_root() {
        eprintln!("{test}: skipped: needs root to create users and install a setgid binary");
        return true;
    }
    false
}

fn sh(cmd: &str, args: &[&str]) {
    let out = Command::new(cmd).args(args).output().unwrap();
    assert!(out.status.success(), "{cmd} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn nosuid(dir: &Path) -> bool {
    let c = std::ffi::CString::new(dir.as_os_str().as_encoded_bytes()).unwrap();
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    assert_eq!(unsafe { libc::statvfs(c.as_ptr(), &mut st) }, 0);
    st.f_flag & libc::ST_NOSUID != 0
}

/// A shared box: a group, users, deskside installed setgid in a prefix,
/// the database in a 2770 directory of the group.
struct SharedBox {
    prefix: tempfile::TempDir,
    group: String,
    gid: u32,
    users: Vec<String>,
    db: PathBuf,
}

impl SharedBox {
    /// `tag` keeps names apart between tests of one run.
    fn new(tag: &str) -> SharedBox {
        // The setgid bit is ignored on a nosuid mount: fall back to target/.
        let tmp = std::env::temp_dir();
        let base = if nosuid(&tmp) { PathBuf::from(env!("CARGO_TARGET_TMPDIR")) } else { tmp };
        let prefix = tempfile::Builder::new().prefix("dsk-prefix").tempdir_in(base).unwrap();
        std::fs::set_permissions(prefix.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let pid = std::process::id();
        let group = format!("dsk_g_{pid}_{tag}");
        sh("groupadd", &[&group]);
        let gid = group_id(&group);
        let mut b = SharedBox { prefix, group, gid, users: Vec::new(), db: PathBuf::new() };
        let p = b.prefix.path().to_path_buf();
        for d in ["bin", "etc/deskside", "srv", "home"] {
            std::fs::create_dir_all(p.join(d)).unwrap();
        }
        let bin = p.join("bin/deskside");
        std::fs::copy(assert_cmd::cargo::cargo_bin("deskside"), &bin).unwrap();
        std::os::unix::fs::chown(&bin, Some(0), Some(gid)).unwrap();
        std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o2755)).unwrap();
        let srv = p.join("srv");
        std::os::unix::fs::chown(&srv, Some(0), Some(gid)).unwrap();
        std::fs::set_permissions(&srv, std::fs::Permissions::from_mode(0o2770)).unwrap();
        b.db = srv.join("desk.db");
        std::fs::write(p.join("etc/deskside/config.toml"), format!("db = {:?}\n", b.db.to_str().unwrap()))
            .unwrap();
        b
    }

    fn bin(&self) -> PathBuf {
        self.prefix.path().join("bin/deskside")
    }

    fn config(&self) -> PathBuf {
        self.prefix.path().join("etc/deskside/config.toml")
    }

    /// Creates an OS user (own primary group, home in the prefix).
    fn user(&mut self, role: &str, tag: &str) -> String {
        let name = format!("dsk_{role}_{}_{tag}", std::process::id());
        let home = self.prefix.path().join("home").join(&name);
        sh("useradd", &["-m", "-U", "-d", home.to_str().unwrap(), "-s", "/bin/sh", &name]);
        self.users.push(name.clone());
        name
    }

    fn home(&self, user: &str) -> PathBuf {
        self.prefix.path().join("home").join(user)
    }

    /// Runs the setgid deskside as root (trusted: may act as anyone).
    fn root(&self, args: &[&str]) -> Output {
        Command::new(self.bin()).env_clear().env("PATH", "/usr/bin:/bin").args(args).output().unwrap()
    }

    fn root_ok(&self, args: &[&str]) {
        let out = self.root(args);
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// Runs `program args` as OS user `user` (their own groups only), with
    /// a hostile environment: every variable deskside used to trust.
    fn as_user(&self, user: &str, program: &Path, args: &[&str]) -> Command {
        let mut c = Command::new("setpriv");
        c.args(["--reuid", user, "--regid", user, "--init-groups", "--"]).arg(program).args(args);
        c.env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", self.home(user))
            .env("USER", "someoneelse")
            .env("LOGNAME", "someoneelse")
            .env("DESKSIDE_DB", "/nonexistent/other.db")
            .env("DESKSIDE_NOW", "2001-01-01T00:00:00Z")
            .env("XDG_CONFIG_HOME", self.home(user).join(".config"));
        c
    }

    fn run(&self, user: &str, args: &[&str]) -> Output {
        self.as_user(user, &self.bin(), args).output().unwrap()
    }

    fn json(&self, user: &str, args: &[&str]) -> Value {
        let out = self.run(user, &[&["--json"], args].concat());
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// A database with a lead, a tier-1 and a tier-2 technician (OS users of
    /// the same logins), a school and a requester. Returns (lead, t1, t2).
    fn with_team(&mut self, tag: &str) -> (String, String, String) {
        let lead = self.user("ld", tag);
        let t1 = self.user("t1", tag);
        let t2 = self.user("t2", tag);
        self.root_ok(&["--as", &lead, "init", "--name", "Lee Lead"]);
        self.root_ok(&["--as", &lead, "tech", "add", &t1, "--name", "Toni One", "--tier", "1"]);
        self.root_ok(&["--as", &lead, "tech", "add", &t2, "--name", "Tam Two", "--tier", "2"]);
        self.root_ok(&[
            "--as",
            &lead,
            "school",
            "add",
            "St Bede's",
            "--code",
            "BEDE",
            "--domain",
            "stbedes.sch.uk",
        ]);
        self.root_ok(&[
            "--as",
            &lead,
            "requester",
            "add",
            "r.hughes@stbedes.sch.uk",
            "--name",
            "Rachel Hughes",
        ]);
        (lead, t1, t2)
    }
}

impl Drop for SharedBox {
    fn drop(&mut self) {
        for u in &self.users {
            let _ = Command::new("userdel").args(["-r", "-f", u]).output();
        }
        let _ = Command::new("groupdel").arg(&self.group).output();
    }
}

fn group_id(name: &str) -> u32 {
    let out = Command::new("getent").args(["group", name]).output().unwrap();
    String::from_utf8_lossy(&out.stdout).split(':').nth(2).unwrap().trim().parse().unwrap()
}

fn user_ids(name: &str) -> (u32, u32) {
    let out = Command::new("getent").args(["passwd", name]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let f: Vec<&str> = text.split(':').collect();
    (f[2].parse().unwrap(), f[3].parse().unwrap())
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_technician_works_through_deskside_but_cannot_open_the_file() {
    if skip("a_technician_works_through_deskside_but_cannot_open_the_file") {
        return;
    }
    let mut b = SharedBox::new("a");
    let (_lead, t1, _t2) = b.with_team("a");
    // The file itself is closed to the technician...
    let cat = b.as_user(&t1, Path::new("/bin/cat"), &[b.db.to_str().unwrap()]).output().unwrap();
    assert!(!cat.status.success());
    assert!(stderr(&cat).contains("Permission denied"), "{}", stderr(&cat));
    // ...but deskside (setgid) reads and writes it for them.
    let t =
        b.json(&t1, &["ticket", "new", "--subject", "Printer jam", "--requester", "r.hughes@stbedes.sch.uk"]);
    let id = t["id"].as_i64().unwrap();
    let list = b.json(&t1, &["ticket", "list"]);
    assert!(list.as_array().unwrap().iter().any(|r| r["id"] == id), "{list}");
    // The audit names the real login, not $USER, at the real time, not DESKSIDE_NOW.
    let audit = b.json(&t1, &["audit", "--ticket", &id.to_string()]);
    let first = &audit.as_array().unwrap()[0];
    assert_eq!(first["os_user"], t1.as_str(), "{audit}");
    assert_eq!(first["tech"], t1.as_str(), "{audit}");
    assert!(!first["at"].as_str().unwrap().starts_with("2001"), "{audit}");
    // The files SQLite made beside the database are the group's, not the user's.
    for entry in std::fs::read_dir(b.db.parent().unwrap()).unwrap() {
        let m = entry.unwrap().metadata().unwrap();
        assert_eq!((m.gid(), m.mode() & 0o007), (b.gid, 0));
    }
}

#[test]
fn a_tier_one_technician_cannot_act_as_a_lead() {
    if skip("a_tier_one_technician_cannot_act_as_a_lead") {
        return;
    }
    let mut b = SharedBox::new("b");
    let (lead, t1, _t2) = b.with_team("b");
    let before = std::fs::read(&b.db).unwrap();
    for args in [
        vec!["--as", lead.as_str(), "ticket", "list"],
        vec!["--as", lead.as_str(), "tech", "add", "evil", "--name", "Evil", "--tier", "3", "--lead"],
        vec!["tech", "add", "evil", "--name", "Evil", "--tier", "3", "--lead"],
    ] {
        let out = b.run(&t1, &args);
        assert_eq!(out.status.code(), Some(5), "{args:?}: {}", stderr(&out));
        assert_eq!(stderr(&out).trim_end().lines().count(), 1);
    }
    // DESKSIDE_USER is held to the same rule.
    let out = b.as_user(&t1, &b.bin(), &["ticket", "list"]).env("DESKSIDE_USER", &lead).output().unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(stderr(&out).contains(&format!("{t1} may not act as '{lead}'")), "{}", stderr(&out));
    assert_eq!(std::fs::read(&b.db).unwrap(), before, "nothing changed");
    // A lead may act as another technician.
    let t = b.json(
        &lead,
        &["--as", &t1, "ticket", "new", "--subject", "Wifi", "--requester", "r.hughes@stbedes.sch.uk"],
    );
    let audit = b.json(&lead, &["audit", "--ticket", &t["id"].to_string()]);
    let first = &audit.as_array().unwrap()[0];
    assert_eq!((first["tech"].as_str(), first["os_user"].as_str()), (Some(t1.as_str()), Some(lead.as_str())));
}

#[test]
fn a_gateway_account_may_act_as_a_technician() {
    if skip("a_gateway_account_may_act_as_a_technician") {
        return;
    }
    let mut b = SharedBox::new("c");
    let (_lead, t1, _t2) = b.with_team("c");
    let gw = b.user("gw", "c");
    let args = ["--as", t1.as_str(), "ticket", "list"];
    assert_eq!(b.run(&gw, &args).status.code(), Some(5));
    let cfg = std::fs::read_to_string(b.config()).unwrap();
    std::fs::write(b.config(), format!("{cfg}gateways = [{gw:?}]\n")).unwrap();
    let out = b.run(&gw, &args);
    assert!(out.status.success(), "{}", stderr(&out));
    // A config file a technician could write is not trusted at all.
    std::fs::set_permissions(b.config(), std::fs::Permissions::from_mode(0o666)).unwrap();
    let out = b.run(&gw, &args);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(stderr(&out).contains("must belong to root"), "{}", stderr(&out));
}

#[test]
fn nothing_from_the_environment_or_the_command_line_moves_the_database() {
    if skip("nothing_from_the_environment_or_the_command_line_moves_the_database") {
        return;
    }
    let mut b = SharedBox::new("d");
    let (_lead, t1, _t2) = b.with_team("d");
    let mine = b.home(&t1).join("mine.db");
    let out = b.run(&t1, &["--db", mine.to_str().unwrap(), "ticket", "list"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--db is not allowed"), "{}", stderr(&out));
    // The user's own config file names another database: ignored.
    let cfg = b.home(&t1).join(".config/deskside");
    std::fs::create_dir_all(&cfg).unwrap();
    std::fs::write(cfg.join("config.toml"), format!("db = {:?}\n", mine.to_str().unwrap())).unwrap();
    let r = b.json(&t1, &["doctor"]);
    assert_eq!(r["db"], b.db.to_str().unwrap());
    assert_eq!(r["source"], format!("config file {}", b.config().display()));
    assert!(!mine.exists());
}

#[test]
fn doctor_checks_the_setgid_install() {
    if skip("doctor_checks_the_setgid_install") {
        return;
    }
    let mut b = SharedBox::new("e");
    let (_lead, t1, t2) = b.with_team("e");
    let out = b.run(&t1, &["--json", "doctor"]);
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(out.status.success(), "{r}");
    assert_eq!(r["setup"], "setgid");
    assert_eq!(r["problems"], 0, "{r}");
    let text = String::from_utf8(b.run(&t1, &["doctor"]).stdout).unwrap();
    assert!(text.contains("setup: setgid (recommended)"), "{text}");
    assert!(text.contains(&format!("{t1} cannot open the database directly")), "{text}");
    // A technician put in the group could bypass deskside: doctor says so.
    sh("usermod", &["-aG", &b.group, &t2]);
    let out = b.run(&t1, &["--json", "doctor"]);
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1));
    let fails: Vec<&str> = r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["level"] == "fail")
        .map(|c| c["what"].as_str().unwrap())
        .collect();
    assert!(
        fails.iter().any(|f| f.contains(&format!("technician {t2} is in group {}", b.group))),
        "{fails:?}"
    );
    // A binary that lost its setgid bit is not the setgid setup any more.
    std::fs::set_permissions(b.bin(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = b.run(&t1, &["ticket", "list"]);
    assert_ne!(out.status.code(), Some(0));
}

#[test]
fn the_editor_runs_without_the_group_and_without_the_database() {
    if skip("the_editor_runs_without_the_group_and_without_the_database") {
        return;
    }
    let mut b = SharedBox::new("f");
    let (_lead, _t1, t2) = b.with_team("f");
    let (_, own_gid) = user_ids(&t2);
    let report = b.home(&t2).join("editor.txt");
    let script = b.home(&t2).join("editor.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\n{{ echo \"groups $(id -G)\"; ls -l /proc/$$/fd; }} >> {}\necho 'Body from the editor' > \"$1\"\n",
            report.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = b
        .as_user(&t2, &b.bin(), &["--json", "kb", "add", "--title", "Printers"])
        // `$$` is the shell deskside starts (sh -c "$EDITOR ..."): its own
        // ids, before it execs anything.
        .env("EDITOR", format!("grep ^Gid: /proc/$$/status > {}; {}", report.display(), script.display()))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let seen = std::fs::read_to_string(&report).unwrap();
    // Real, effective, saved and file-system group: all the user's own (a
    // shell drops only the effective one by itself; the saved one would let
    // the editor take the group back).
    let gids = seen.lines().find_map(|l| l.strip_prefix("Gid:")).unwrap();
    assert!(gids.split_whitespace().all(|g| g == own_gid.to_string()), "{seen}");
    assert!(
        !seen.lines().any(|l| l.starts_with("groups") && l.split(' ').any(|g| g == b.gid.to_string())),
        "{seen}"
    );
    assert!(!seen.contains("desk.db"), "the editor inherited the database: {seen}");
    let a: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        a["body"].as_str().unwrap_or_default().contains("Body from the editor") || a["id"].is_i64(),
        "{a}"
    );
}

#[test]
fn a_backup_belongs_to_the_technician_who_made_it() {
    if skip("a_backup_belongs_to_the_technician_who_made_it") {
        return;
    }
    let mut b = SharedBox::new("g");
    let (_lead, t1, _t2) = b.with_team("g");
    let file = b.home(&t1).join("copy.db");
    let out = b.run(&t1, &["backup", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (uid, _) = user_ids(&t1);
    assert_eq!(std::fs::metadata(&file).unwrap().uid(), uid);
}

/// Backups are created 0600 with the user's own group (`with_user_rights`).
#[test]
fn another_technician_cannot_read_my_backup() {
    if skip("another_technician_cannot_read_my_backup") {
        return;
    }
    let mut b = SharedBox::new("h");
    let (_lead, t1, t2) = b.with_team("h");
    std::fs::set_permissions(b.home(&t1), std::fs::Permissions::from_mode(0o755)).unwrap();
    let file = b.home(&t1).join("copy.db");
    let out = b.run(&t1, &["backup", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (uid, gid) = user_ids(&t1);
    let m = std::fs::metadata(&file).unwrap();
    assert_eq!((m.uid(), m.gid(), m.mode() & 0o777), (uid, gid, 0o600));
    let cat = b.as_user(&t2, Path::new("/bin/cat"), &[file.to_str().unwrap()]).output().unwrap();
    assert!(!cat.status.success());
    assert!(stderr(&cat).contains("Permission denied"), "{}", stderr(&cat));
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut n: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    n.sort();
    n
}

#[test]
fn files_the_user_names_never_go_into_the_database_directory() {
    if skip("files_the_user_names_never_go_into_the_database_directory") {
        return;
    }
    let mut b = SharedBox::new("i");
    let (lead, t1, _t2) = b.with_team("i");
    let srv = b.db.parent().unwrap().to_path_buf();
    let before = names_in(&srv);
    let db = b.db.to_str().unwrap().to_string();
    let inside = |n: &str| srv.join(n).to_str().unwrap().to_string();
    let (bak, json, site, md) = (inside("copy.db"), inside("all.json"), inside("site"), inside("md"));
    for user in [&t1, &lead] {
        for args in [
            vec!["backup", bak.as_str()],
            vec!["backup", db.as_str(), "--force"],
            vec!["export", "json", "--output", json.as_str()],
            vec!["export", "json", "--output", db.as_str(), "--force"],
            vec!["kb", "export", "--html", site.as_str()],
            vec!["kb", "export", "--markdown", md.as_str()],
            vec!["kb", "export", "--html", srv.to_str().unwrap()],
        ] {
            let out = b.run(user, &args);
            assert_eq!(out.status.code(), Some(5), "{user} {args:?}: {}", stderr(&out));
            assert!(stderr(&out).contains("database's directory"), "{args:?}: {}", stderr(&out));
            assert_eq!(stderr(&out).trim_end().lines().count(), 1, "{}", stderr(&out));
        }
    }
    assert_eq!(names_in(&srv), before, "nothing was written beside the database");
    // The database is still whole and still deskside's.
    let r = b.json(&t1, &["doctor"]);
    assert_eq!(r["problems"], 0, "{r}");
    // The same commands into the user's own folder work, and the files are theirs.
    let home = b.home(&lead);
    let (uid, gid) = user_ids(&lead);
    let json = home.join("all.json");
    let out = b.run(&lead, &["export", "json", "--output", json.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let site = home.join("site");
    let out = b.run(&lead, &["kb", "export", "--html", site.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    for p in [json, site.clone(), site.join("index.html")] {
        let m = std::fs::metadata(&p).unwrap();
        assert_eq!((m.uid(), m.gid()), (uid, gid), "{}", p.display());
    }
}

#[test]
fn a_file_only_the_group_could_read_is_not_read_for_the_user() {
    if skip("a_file_only_the_group_could_read_is_not_read_for_the_user") {
        return;
    }
    let mut b = SharedBox::new("j");
    let (lead, _t1, _t2) = b.with_team("j");
    let csv = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/csv/freshdesk-tickets.csv")).unwrap();
    // Readable by deskside's group (and root) only; and one readable by root only.
    let group_only = b.prefix.path().join("group-only.csv");
    std::fs::write(&group_only, &csv).unwrap();
    std::os::unix::fs::chown(&group_only, Some(0), Some(b.gid)).unwrap();
    std::fs::set_permissions(&group_only, std::fs::Permissions::from_mode(0o640)).unwrap();
    let root_only = b.prefix.path().join("root-only.csv");
    std::fs::write(&root_only, &csv).unwrap();
    std::fs::set_permissions(&root_only, std::fs::Permissions::from_mode(0o600)).unwrap();
    let tickets = || b.json(&lead, &["ticket", "list"]).as_array().unwrap().len();
    let count = tickets();
    for secret in [&group_only, &root_only] {
        let s = secret.to_str().unwrap();
        for args in [
            vec!["import", "csv", "--kind", "tickets", s],
            vec![
                "ticket",
                "new",
                "--subject",
                "x",
                "--requester",
                "r.hughes@stbedes.sch.uk",
                "--body-file",
                s,
            ],
            vec!["mail", "ingest", s],
        ] {
            let out = b.run(&lead, &args);
            assert_ne!(out.status.code(), Some(0), "{args:?}");
            assert!(stderr(&out).contains("Permission denied"), "{args:?}: {}", stderr(&out));
        }
    }
    assert_eq!(tickets(), count, "nothing was imported");
    // The same file, the lead's own: imported.
    let mine = b.home(&lead).join("mine.csv");
    std::fs::write(&mine, &csv).unwrap();
    let (uid, gid) = user_ids(&lead);
    std::os::unix::fs::chown(&mine, Some(uid), Some(gid)).unwrap();
    std::fs::set_permissions(&mine, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out =
        b.run(&lead, &["import", "csv", "--kind", "tickets", "--map", "Agent=-", mine.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(tickets() > count);
}

/// Mail in and out through the files the user names: a maildir read (and
/// its `.failed/` folder made) and an outbox written with the user's own
/// rights; the send command runs without the group.
#[test]
fn mail_files_and_the_send_command_are_the_users() {
    if skip("mail_files_and_the_send_command_are_the_users") {
        return;
    }
    let mut b = SharedBox::new("k");
    let (lead, _t1, _t2) = b.with_team("k");
    let home = b.home(&lead);
    let (uid, gid) = user_ids(&lead);
    let own = |p: &Path| std::os::unix::fs::chown(p, Some(uid), Some(gid)).unwrap();
    let md = home.join("Maildir");
    for sub in ["new", "cur", "tmp"] {
        std::fs::create_dir_all(md.join(sub)).unwrap();
        own(&md.join(sub));
    }
    own(&md);
    let msg = |id: &str| {
        format!(
            "From: \"Zo\u{eb} <evil@attacker.example>, Bob\" <r.hughes@stbedes.sch.uk>\r\nTo: help@desk.example\r\nSubject: Help {id}\r\nMessage-ID: <{id}@stbedes.sch.uk>\r\n\r\nMy laptop.\r\n"
        )
    };
    std::fs::write(md.join("new/1.good"), msg("m1")).unwrap();
    std::fs::write(md.join("new/2.bad"), "no headers at all\r\n").unwrap();
    for f in ["new/1.good", "new/2.bad"] {
        own(&md.join(f));
    }
    let out = b.run(&lead, &["mail", "ingest", "--maildir", md.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "the bad one fails: {}", stderr(&out));
    let failed = md.join(".failed");
    for p in [failed.clone(), failed.join("new"), failed.join("new/2.bad")] {
        let m = std::fs::metadata(&p).unwrap();
        assert_eq!((m.uid(), m.gid()), (uid, gid), "{}", p.display());
    }
    // The acknowledgement into an outbox the user named: theirs, 0600.
    let outbox = home.join("out");
    let out = b.run(
        &lead,
        &["mail", "send", "--from", "IT <it@trust.sch.uk>", "--outbox-dir", outbox.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let sent: Vec<PathBuf> =
        std::fs::read_dir(outbox.join("new")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(sent.len(), 1, "{sent:?}");
    let m = std::fs::metadata(&sent[0]).unwrap();
    assert_eq!((m.uid(), m.gid(), m.mode() & 0o777), (uid, gid, 0o600));
    let text = std::fs::read_to_string(&sent[0]).unwrap();
    let to: Vec<&str> = text.lines().skip_while(|l| !l.starts_with("To:")).take(2).collect();
    assert!(!to.join(" ").contains("evil@attacker.example"), "{to:?}");
    // The send command: the user's group only, real, effective and saved.
    let msg2 = home.join("m2.eml");
    std::fs::write(&msg2, msg("m2")).unwrap();
    own(&msg2);
    let out = b.run(&lead, &["mail", "ingest", msg2.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report = home.join("gids.txt");
    let script = home.join("send.sh");
    std::fs::write(
        &script,
        format!("#!/bin/sh\ngrep ^Gid: /proc/$$/status > {}\ncat > /dev/null\n", report.display()),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    own(&script);
    let out = b.run(
        &lead,
        &["mail", "send", "--from", "IT <it@trust.sch.uk>", "--command", script.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let seen = std::fs::read_to_string(&report).unwrap();
    let gids = seen.trim().strip_prefix("Gid:").unwrap();
    assert!(gids.split_whitespace().all(|g| g == gid.to_string()), "{seen}");
}

/// `purge` from root's crontab or a gateway account's: no technician needed.
#[test]
fn purge_runs_from_cron_as_root_or_a_gateway() {
    if skip("purge_runs_from_cron_as_root_or_a_gateway") {
        return;
    }
    let mut b = SharedBox::new("l");
    let (_lead, t1, _t2) = b.with_team("l");
    let gw = b.user("gw", "l");
    assert_eq!(b.run(&gw, &["purge", "--dry-run"]).status.code(), Some(5));
    assert_eq!(b.run(&t1, &["purge", "--dry-run"]).status.code(), Some(5));
    let cfg = std::fs::read_to_string(b.config()).unwrap();
    std::fs::write(b.config(), format!("{cfg}gateways = [{gw:?}]\n")).unwrap();
    let out = b.run(&gw, &["--json", "purge"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = b.root(&["--json", "purge"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(b.run(&t1, &["purge"]).status.code(), Some(5), "a tier-1 technician still may not");
}
