//! Files deskside writes that hold personal data (backups, exports,
//! outgoing messages, editor buffers) are private from the first byte
//! whatever the umask, or take the database's own group and mode beside
//! it; temporaries never outlive their run.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;
use common::Env;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;

const UMASKS: [&str; 3] = ["022", "002", "077"];

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path).unwrap().mode() & 0o7777
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

fn ok(env: &Env, umask: &str, args: &[&str]) {
    let out = with_umask(env, umask, args).output().unwrap();
    assert!(out.status.success(), "umask {umask} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A directory away from the database, open to everyone (as /tmp is).
fn elsewhere(env: &Env) -> PathBuf {
    let dir = env.dir.path().join("out");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    dir
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut n: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    n.sort();
    n
}

fn ticketed() -> Env {
    let env = Env::new().with_people();
    env.ticket("Rachel's laptop will not boot");
    env
}

#[test]
fn backups_are_0600_whatever_the_umask() {
    for umask in UMASKS {
        let env = ticketed();
        let out = elsewhere(&env);
        let dest = out.join("desk.bak");
        ok(&env, umask, &["backup", dest.to_str().unwrap()]);
        assert_eq!(mode(&dest), 0o600, "umask {umask}");
        ok(&env, umask, &["backup", "--force", dest.to_str().unwrap()]);
        assert_eq!(mode(&dest), 0o600, "umask {umask}, replaced");
        assert_eq!(names(&out), ["desk.bak"], "no temporary is left");
    }
}

#[test]
fn a_backup_beside_the_database_takes_its_group_and_mode() {
    for (umask, db_mode) in [("022", 0o660), ("077", 0o640), ("002", 0o600)] {
        let env = ticketed();
        std::fs::set_permissions(&env.db, std::fs::Permissions::from_mode(db_mode)).unwrap();
        let dest = env.db.with_file_name("desk-copy.db");
        ok(&env, umask, &["backup", dest.to_str().unwrap()]);
        let (m, db) = (std::fs::metadata(&dest).unwrap(), std::fs::metadata(&env.db).unwrap());
        assert_eq!((m.mode() & 0o7777, m.gid()), (db_mode, db.gid()), "umask {umask}");
    }
}

#[test]
fn json_exports_are_0600_whatever_the_umask() {
    for umask in UMASKS {
        let env = ticketed();
        let out = elsewhere(&env);
        let file = out.join("everything.json");
        ok(&env, umask, &["export", "json", "--output", file.to_str().unwrap()]);
        assert_eq!(mode(&file), 0o600, "umask {umask}");
        assert!(std::fs::read_to_string(&file).unwrap().contains("Rachel Hughes"));
        ok(&env, umask, &["export", "json", "--force", "-o", file.to_str().unwrap()]);
        assert_eq!(mode(&file), 0o600, "umask {umask}, replaced");
        assert_eq!(names(&out), ["everything.json"], "no temporary is left");
    }
}

#[test]
fn a_refused_export_leaves_nothing_behind() {
    let env = ticketed();
    let out = elsewhere(&env);
    let file = out.join("everything.json");
    let (code, err) = env.fail_as("tone", &["export", "json", "-o", file.to_str().unwrap()]);
    assert_eq!(code, 5, "{err}");
    assert!(names(&out).is_empty(), "{:?}", names(&out));
}

#[test]
fn outgoing_messages_are_0600_whatever_the_umask() {
    for umask in UMASKS {
        let env = ticketed();
        let outbox = elsewhere(&env).join("outbox");
        ok(
            &env,
            umask,
            &["mail", "send", "--from", "it@trust.sch.uk", "--outbox-dir", outbox.to_str().unwrap()],
        );
        let sent = names(&outbox.join("new"));
        assert!(!sent.is_empty(), "umask {umask}: the acknowledgement was delivered");
        for name in sent {
            assert_eq!(mode(&outbox.join("new").join(&name)), 0o600, "umask {umask}: {name}");
        }
    }
}

#[test]
fn the_editor_buffer_is_0600() {
    let env = Env::new();
    let tmp = elsewhere(&env);
    let seen = env.dir.path().join("mode");
    let editor = env.dir.path().join("editor.sh");
    let script = format!("#!/bin/sh\nstat -c %a \"$1\" > '{}'\nprintf 'Body\\n' > \"$1\"\n", seen.display());
    std::fs::write(&editor, script).unwrap();
    std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut c = with_umask(&env, "022", &["kb", "add", "--title", "From the editor"]);
    let out = c.env("TMPDIR", &tmp).env("EDITOR", &editor).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read_to_string(&seen).unwrap().trim(), "600");
    assert!(names(&tmp).is_empty(), "the buffer is removed: {:?}", names(&tmp));
}

/// A process id that is certainly not running: a child that has exited
/// and been reaped.
fn dead_pid() -> u32 {
    let mut child = Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

/// Plants the temporaries a killed run of `name` would leave: one of a
/// dead process (with SQLite's journal), one of a live one (a `sleep`).
fn plant(dir: &Path, name: &str) -> (Vec<PathBuf>, PathBuf, std::process::Child) {
    let dead = dead_pid();
    let stale =
        vec![dir.join(format!(".{name}.tmp-{dead}")), dir.join(format!(".{name}.tmp-{dead}-journal"))];
    for p in &stale {
        std::fs::write(p, "Rachel Hughes, a complete copy").unwrap();
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let live = Command::new("sleep").arg("60").spawn().unwrap();
    let busy = dir.join(format!(".{name}.tmp-{}", live.id()));
    std::fs::write(&busy, "being written").unwrap();
    (stale, busy, live)
}

#[test]
fn a_killed_runs_temporaries_are_removed_by_the_next_run() {
    let env = ticketed();
    let out = elsewhere(&env);
    let foreign = out.join(".notes.tmp-1");
    std::fs::write(&foreign, "not ours by name").unwrap();
    for (name, args) in [
        ("desk.bak", vec!["backup".to_string(), out.join("desk.bak").display().to_string()]),
        (
            "all.json",
            vec!["export".into(), "json".into(), "-o".into(), out.join("all.json").display().to_string()],
        ),
    ] {
        let (stale, busy, mut live) = plant(&out, name);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        env.run(&args).success();
        for p in &stale {
            assert!(!p.exists(), "{} is removed", p.display());
        }
        assert!(busy.exists(), "a running process's temporary is kept");
        assert!(out.join(name).exists());
        live.kill().unwrap();
        live.wait().unwrap();
        std::fs::remove_file(&busy).unwrap();
    }
    assert!(foreign.exists(), "another name's temporary is not touched");
}
