//! A database shared by a group of technicians: the modes and group of the
//! files deskside creates, and `deskside doctor`.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;
use common::{dump, is_root, sha, Env};
use serde_json::Value;
use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().mode() & 0o7777
}

fn sidecar(db: &Path, suffix: &str) -> PathBuf {
    PathBuf::from(format!("{}{suffix}", db.display()))
}

/// `deskside ARGS` under `sh` with the given umask.
fn with_umask(env: &Env, umask: &str, args: &[&str]) -> Command {
    let base = env.std_cmd();
    let mut sh = Command::new("sh");
    for (k, v) in base.get_envs() {
        match v {
            Some(v) => sh.env(k, v),
            None => sh.env_remove(k),
        };
    }
    sh.arg("-c").arg(format!("umask {umask}; exec \"$0\" \"$@\"")).arg(base.get_program()).args(args);
    sh
}

/// Starts a deskside that holds the database open (it waits for a ticket
/// body on stdin), so the -wal and -shm files it created can be looked at.
/// Returns the child once both exist and have settled: SQLite creates each
/// with open(2), where the umask applies, and fchmods it to the database's
/// mode a moment later, so a look in between sees the umask's mode. If they
/// never settle, the caller's assertions show what they ended up with.
fn holding_open(env: &Env, umask: &str) -> std::process::Child {
    let args = [
        "ticket",
        "new",
        "--subject",
        "Held open",
        "--requester",
        "r.hughes@stbedes.sch.uk",
        "--body-file",
        "-",
    ];
    let child = with_umask(env, umask, &args).stdin(Stdio::piped()).stdout(Stdio::null()).spawn().unwrap();
    let started = Instant::now();
    while !(sidecar(&env.db, "-wal").exists() && sidecar(&env.db, "-shm").exists()) {
        assert!(started.elapsed() < Duration::from_secs(10), "deskside never opened the database");
        std::thread::sleep(Duration::from_millis(5));
    }
    let facts = |p: &Path| std::fs::metadata(p).map(|m| (m.gid(), m.mode() & 0o7777)).ok();
    let settled = || ["-wal", "-shm"].iter().all(|s| facts(&sidecar(&env.db, s)) == facts(&env.db));
    while !settled() && started.elapsed() < Duration::from_secs(2) {
        std::thread::sleep(Duration::from_millis(5));
    }
    child
}

fn finish(mut child: std::process::Child) {
    child.stdin.take().unwrap().write_all(b"body").unwrap();
    assert!(child.wait().unwrap().success());
}

#[test]
fn new_database_files_are_0660_whatever_the_umask() {
    for umask in ["022", "002", "077", "000"] {
        let env = Env::empty();
        assert!(with_umask(&env, umask, &["init"]).output().unwrap().status.success());
        assert_eq!(mode(&env.db), 0o660, "umask {umask}");
    }
}

#[test]
fn wal_and_shm_get_the_database_mode() {
    let env = Env::new().with_people();
    assert!(!sidecar(&env.db, "-wal").exists(), "a clean close removes the WAL");
    let child = holding_open(&env, "022");
    for suffix in ["-wal", "-shm"] {
        let side = sidecar(&env.db, suffix);
        assert_eq!(mode(&side), 0o660, "{suffix}");
        assert_eq!(std::fs::metadata(&side).unwrap().gid(), std::fs::metadata(&env.db).unwrap().gid());
    }
    finish(child);
}

#[test]
fn a_setgid_directory_hands_its_group_to_every_file() {
    let env = Env::empty();
    let shared = env.dir.path().join("srv");
    std::fs::create_dir(&shared).unwrap();
    // As root, a group that is nobody's primary group shows the inheritance;
    // otherwise only our own group is allowed.
    // SAFETY: getgid has no preconditions.
    let gid = if is_root() { 4242 } else { unsafe { libc::getgid() } };
    std::os::unix::fs::chown(&shared, None, Some(gid)).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o2770)).unwrap();
    let env = Env { db: shared.join("desk.db"), ..env };
    assert!(with_umask(&env, "022", &["init"]).output().unwrap().status.success());
    env.run(&["school", "add", "St Bede's", "--code", "BEDE", "--domain", "stbedes.sch.uk"]).success();
    env.run(&["requester", "add", "r.hughes@stbedes.sch.uk", "--name", "Rachel Hughes"]).success();
    let child = holding_open(&env, "022");
    for path in [env.db.clone(), sidecar(&env.db, "-wal"), sidecar(&env.db, "-shm")] {
        let m = std::fs::metadata(&path).unwrap();
        assert_eq!((m.gid(), m.mode() & 0o7777), (gid, 0o660), "{}", path.display());
    }
    finish(child);
    let report = env.json(&["doctor"]);
    assert_eq!(report["directory"]["mode"], "2770");
    assert_eq!(report["problems"], 0);
}

/// Runs `doctor --json`, returns (exit code, report, stderr).
fn doctor(mut cmd: Command) -> (i32, Value, String) {
    let out = cmd.args(["--json", "doctor"]).output().unwrap();
    let report = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code().unwrap_or(-1), report, String::from_utf8_lossy(&out.stderr).into_owned())
}

fn failures(report: &Value) -> Vec<String> {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["level"] == "fail")
        .map(|c| c["what"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn doctor_reports_a_healthy_database_and_changes_nothing() {
    let env = Env::new();
    let before = sha(&env.db);
    let (code, r, err) = doctor(env.std_cmd());
    assert_eq!(code, 0, "{err}");
    assert_eq!(r["db"], env.db.to_str().unwrap());
    assert_eq!(r["source"], "DESKSIDE_DB");
    assert_eq!(r["file"]["mode"], "0660");
    assert_eq!((r["can_read_file"].as_bool(), r["can_write_file"].as_bool()), (Some(true), Some(true)));
    assert_eq!(r["can_write_directory"], true);
    assert_eq!(r["journal_mode"], "wal");
    assert_eq!(r["schema_version"], deskside::store::SCHEMA_VERSION);
    assert_eq!(r["integrity"], "ok");
    assert_eq!(r["technician"]["login"], "lead");
    assert_eq!(r["problems"], 0);
    assert_eq!(sha(&env.db), before);
    // The human form says the same, one check a line.
    let out = env.run(&["doctor"]).success().get_output().stdout.clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.starts_with(&format!("Database {} (from DESKSIDE_DB)", env.db.display())), "{text}");
    assert!(text.contains("ok    integrity check: ok") && text.contains("journal mode WAL"), "{text}");
    // --db and the config file are named as sources too.
    let (_, r, _) = doctor({
        let mut c = env.std_cmd();
        c.env_remove("DESKSIDE_DB").arg("--db").arg(&env.db);
        c
    });
    assert_eq!(r["source"], "--db");
    let cfg = env.dir.path().join("home/.config/deskside");
    std::fs::create_dir_all(&cfg).unwrap();
    std::fs::write(cfg.join("config.toml"), format!("db = {:?}\n", env.db.to_str().unwrap())).unwrap();
    let (code, r, _) = doctor({
        let mut c = env.std_cmd();
        c.env_remove("DESKSIDE_DB");
        c
    });
    assert_eq!(code, 0);
    assert_eq!(r["source"], format!("config file {}", cfg.join("config.toml").display()));
}

#[test]
fn doctor_fails_on_a_world_readable_database() {
    let env = Env::new();
    std::fs::set_permissions(&env.db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (code, r, err) = doctor(env.std_cmd());
    assert_eq!(code, 1);
    assert_eq!(err.trim_end().lines().count(), 1);
    assert!(err.contains("doctor found 1 problem"), "{err}");
    let fails = failures(&r);
    assert_eq!(fails.len(), 1, "{fails:?}");
    assert!(fails[0].contains("every account") && fails[0].contains("0644"), "{fails:?}");
    let fix = r["checks"].as_array().unwrap().iter().find(|c| c["level"] == "fail").unwrap()["fix"].clone();
    assert_eq!(fix, format!("chmod 660 {}", env.db.display()));
    // It also warns that the group cannot write.
    assert!(r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["level"] == "warn" && c["what"].as_str().unwrap().contains("cannot read and write")));
}

#[test]
fn doctor_tells_a_technician_outside_the_group_what_to_do() {
    let env = Env::new();
    std::fs::set_permissions(env.dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let (code, r, _) = doctor(env.unprivileged_cmd());
    if !is_root() {
        // Our own 0660 file in our own directory: nothing to refuse.
        assert_eq!(code, 0);
        return;
    }
    assert_eq!(code, 1);
    assert_eq!((r["can_read_file"].as_bool(), r["can_write_file"].as_bool()), (Some(false), Some(false)));
    assert_eq!(r["can_write_directory"], false);
    let fails = failures(&r);
    assert!(fails.iter().any(|f| f.contains("cannot read")), "{fails:?}");
    assert!(fails.iter().any(|f| f.contains("cannot create files in")), "{fails:?}");
    let fixes: Vec<&str> = r["checks"].as_array().unwrap().iter().filter_map(|c| c["fix"].as_str()).collect();
    assert!(fixes.iter().any(|f| f.contains("usermod -aG root")), "{fixes:?}");
}

#[test]
fn doctor_fails_on_a_missing_newer_or_damaged_database() {
    let env = Env::empty();
    let (code, r, _) = doctor(env.std_cmd());
    assert_eq!(code, 1);
    assert!(failures(&r)[0].contains("no database at"), "{r}");

    let env = Env::new();
    rusqlite::Connection::open(&env.db).unwrap().execute_batch("PRAGMA user_version = 99").unwrap();
    let (code, r, _) = doctor(env.std_cmd());
    assert_eq!(code, 1);
    assert!(failures(&r).iter().any(|f| f.contains("schema version 99 is newer")), "{r}");

    // Damage an index page: the file opens, but the check finds it.
    let env = Env::new().with_people();
    env.ticket("One");
    let root: i64 = rusqlite::Connection::open(&env.db)
        .unwrap()
        .query_row("SELECT rootpage FROM sqlite_master WHERE name = 'events_at'", [], |r| r.get(0))
        .unwrap();
    let mut bytes = std::fs::read(&env.db).unwrap();
    let page = (root as usize - 1) * 4096;
    bytes[page..page + 200].fill(0xff);
    std::fs::write(&env.db, &bytes).unwrap();
    let (code, r, _) = doctor(env.std_cmd());
    assert_eq!(code, 1);
    assert!(failures(&r).iter().any(|f| f.starts_with("integrity check:")), "{r}");
}

#[test]
fn doctor_does_not_upgrade_an_old_database() {
    let env = Env::empty();
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/schema-v1.db"), &env.db).unwrap();
    // As an admin would copy it in: group-shared, not world-readable.
    std::fs::set_permissions(&env.db, std::fs::Permissions::from_mode(0o660)).unwrap();
    let before = dump(&env.db);
    let (code, r, err) = doctor(env.std_cmd());
    assert_eq!(code, 0, "{err}: {r}");
    assert_eq!(r["schema_version"], 1);
    assert!(r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["level"] == "warn" && c["what"].as_str().unwrap().starts_with("schema version 1;")));
    assert_eq!(dump(&env.db), before);
    let c = rusqlite::Connection::open(&env.db).unwrap();
    assert_eq!(c.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0)).unwrap(), 1);
}

/// Runs `cmd` and kills it after `secs`: a command that would hang fails
/// the test instead of hanging it.
fn within(mut cmd: Command, secs: u64) -> std::process::Output {
    let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(secs) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} hung for {secs} s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn a_fifo_as_the_database_is_refused_at_once() {
    let env = Env::empty();
    let c = std::ffi::CString::new(env.db.to_str().unwrap()).unwrap();
    // SAFETY: a valid path; mkfifo has no other preconditions.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    for args in [&["ticket", "list"][..], &["init"][..], &["backup", "x.db"][..]] {
        let mut cmd = env.std_cmd();
        cmd.args(args);
        let out = within(cmd, 10);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("is a named pipe (FIFO), not a database file"), "{err}");
        assert_eq!(err.trim_end().lines().count(), 1);
    }
    let mut cmd = env.std_cmd();
    cmd.args(["--json", "doctor"]);
    let out = within(cmd, 10);
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(failures(&r).iter().any(|f| f.contains("named pipe")), "{r}");
    // Still the FIFO: nothing tried to "clear" it.
    assert!(std::os::unix::fs::FileTypeExt::is_fifo(&std::fs::metadata(&env.db).unwrap().file_type()));
}

#[test]
fn a_closed_directory_is_a_permission_problem_not_a_missing_database() {
    if !is_root() {
        eprintln!("skipped: needs root to drop to nobody");
        return;
    }
    let env = Env::new();
    // The database exists, but nobody may not even look into its directory.
    std::fs::set_permissions(env.dir.path(), std::fs::Permissions::from_mode(0o750)).unwrap();
    let out = env.unprivileged_cmd().args(["ticket", "list"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("permission denied") && err.contains("group root"), "{err}");
    assert!(!err.contains("deskside init"), "{err}");
    let (code, r, _) = doctor(env.unprivileged_cmd());
    assert_eq!(code, 1);
    let fails = failures(&r);
    assert!(!fails.iter().any(|f| f.contains("no database")), "{fails:?}");
    assert!(
        fails.iter().any(|f| f.contains("may not look into") && f.contains("permission denied")),
        "{fails:?}"
    );
}

#[test]
fn doctor_does_not_advise_joining_a_group_to_a_member() {
    if !is_root() {
        eprintln!("skipped: needs root to drop to nobody");
        return;
    }
    let env = Env::new();
    std::fs::set_permissions(env.dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    // nobody's own group owns the file but may only read it: joining the
    // group again would fix nothing, the mode is the problem.
    std::os::unix::fs::chown(&env.db, None, Some(65534)).unwrap();
    std::fs::set_permissions(&env.db, std::fs::Permissions::from_mode(0o640)).unwrap();
    let (_, r, _) = doctor(env.unprivileged_cmd());
    let fixes: Vec<&str> = r["checks"].as_array().unwrap().iter().filter_map(|c| c["fix"].as_str()).collect();
    assert!(!fixes.iter().any(|f| f.contains("usermod -aG nogroup")), "{fixes:?}");
    assert!(fixes.iter().any(|f| f.contains("group nogroup itself lacks the permission")), "{fixes:?}");
    // Someone outside the group is told to join it.
    std::os::unix::fs::chown(&env.db, None, Some(0)).unwrap();
    let (_, r, _) = doctor(env.unprivileged_cmd());
    let fixes: Vec<&str> = r["checks"].as_array().unwrap().iter().filter_map(|c| c["fix"].as_str()).collect();
    assert!(fixes.iter().any(|f| f.contains("usermod -aG root nobody")), "{fixes:?}");
}

#[test]
fn doctor_reports_dropped_append_only_triggers() {
    let env = Env::new().with_people();
    env.ticket("One");
    let c = rusqlite::Connection::open(&env.db).unwrap();
    c.execute_batch("DROP TRIGGER audit_no_delete; DELETE FROM audit;").unwrap();
    drop(c);
    let (code, r, _) = doctor(env.std_cmd());
    assert_eq!(code, 1, "{r}");
    let fails = failures(&r);
    assert!(fails.iter().any(|f| f.contains("trigger audit_no_delete is missing")), "{fails:?}");
    assert_eq!(r["integrity"], "ok", "SQLite's own check sees nothing wrong");
}

#[test]
fn doctor_on_a_full_disk_says_free_space_not_restore() {
    if !is_root() {
        eprintln!("skipped: needs root to mount a small tmpfs");
        return;
    }
    let env = Env::new().with_people();
    let mnt = env.dir.path().join("small");
    std::fs::create_dir(&mnt).unwrap();
    let ok = Command::new("mount").args(["-t", "tmpfs", "-o", "size=2m", "tmpfs"]).arg(&mnt).status();
    if !ok.is_ok_and(|s| s.success()) {
        eprintln!("skipped: cannot mount a tmpfs here");
        return;
    }
    struct Unmount(PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(&self.0).status();
        }
    }
    let _guard = Unmount(mnt.clone());
    let db = mnt.join("desk.db");
    std::fs::copy(&env.db, &db).unwrap();
    // Fill the rest of the file system.
    let _ = Command::new("dd")
        .args(["if=/dev/zero", "bs=64k"])
        .arg(format!("of={}", mnt.join("fill").display()))
        .output();
    let mut cmd = env.std_cmd();
    cmd.env("DESKSIDE_DB", &db);
    let (code, r, _) = doctor(cmd);
    assert_eq!(code, 1, "{r}");
    let checks = r["checks"].as_array().unwrap();
    assert!(
        checks.iter().any(|c| c["level"] == "fail" && c["what"].as_str().unwrap().contains("is full")),
        "{r}"
    );
    let fixes: Vec<&str> = checks.iter().filter_map(|c| c["fix"].as_str()).collect();
    assert!(fixes.iter().any(|f| f.starts_with("free disk space")), "{fixes:?}");
    assert!(
        !fixes.iter().any(|f| f.contains("restore from a backup") || f.starts_with("restore")),
        "{fixes:?}"
    );
}

#[test]
fn doctor_names_the_setup() {
    let env = Env::new();
    let (_, r, _) = doctor(env.std_cmd());
    assert_eq!(r["setup"], "private");
    std::fs::set_permissions(env.dir.path(), std::fs::Permissions::from_mode(0o2770)).unwrap();
    let (code, r, _) = doctor(env.std_cmd());
    assert_eq!((code, r["setup"].as_str()), (0, Some("group-writable")));
    assert!(r["checks"].as_array().unwrap().iter().any(|c| c["level"] == "warn"
        && c["what"].as_str().unwrap().contains("any technician in group")
        && c["what"].as_str().unwrap().contains("sqlite3")));
}
