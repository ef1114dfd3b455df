//! Opening, creating and refusing database files: every refusal is one line,
//! the documented exit code, and an untouched file.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;
use common::{dump, sha, Env};
use std::os::unix::fs::PermissionsExt;

#[test]
fn init_registers_the_invoking_login_as_a_tier3_lead() {
    let env = Env::new();
    let techs = env.json(&["tech", "list"]);
    assert_eq!(techs.as_array().unwrap().len(), 1);
    assert_eq!(techs[0]["login"], "lead");
    assert_eq!(techs[0]["name"], "Lee Lead");
    assert_eq!(techs[0]["tier"], 3);
    assert_eq!(techs[0]["lead"], true);
    // The triage school and the default calendar exist from the start.
    let schools = env.json(&["school", "list"]);
    assert_eq!(schools[0]["code"], "UNASSIGNED");
    assert_eq!(schools[0]["calendar"], "default");
}

#[test]
fn second_init_is_refused_and_changes_nothing() {
    let env = Env::new();
    let before = sha(&env.db);
    let (code, err) = env.fail(&["init"]);
    assert_eq!(code, 1);
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(sha(&env.db), before);
}

#[test]
fn init_in_a_missing_directory_names_it() {
    let env = Env::empty();
    let path = env.dir.path().join("no/such/dir/desk.db");
    let (code, err) = env.fail(&["--db", path.to_str().unwrap(), "init"]);
    assert_eq!(code, 1);
    assert!(err.contains("no/such/dir") && err.contains("does not exist"), "{err}");
    assert!(!path.exists());
}

/// Runs `deskside` as an unprivileged user: as root, permissions would not
/// stop anything, so the test drops to `nobody` with setpriv.
fn unprivileged(env: &Env) -> assert_cmd::Command {
    let mut c = env.cmd();
    if unsafe_is_root() {
        let bin = assert_cmd::cargo::cargo_bin("deskside");
        let mut s = assert_cmd::Command::new("setpriv");
        s.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"]).arg(bin);
        for (k, v) in c.get_envs() {
            match v {
                Some(v) => s.env(k, v),
                None => s.env_remove(k),
            };
        }
        c = s;
    }
    c
}

fn unsafe_is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| l.strip_prefix("Uid:")).map(|u| u.split_whitespace().next() == Some("0"))
        })
        .unwrap_or(false)
}

#[test]
fn init_in_a_read_only_directory_is_refused() {
    let env = Env::empty();
    std::fs::set_permissions(env.dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let ro = env.dir.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    let path = ro.join("desk.db");
    let out = unprivileged(&env).args(["--db", path.to_str().unwrap(), "init"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot") && err.contains("desk.db"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1);
    assert!(!path.exists());
}

#[test]
fn a_database_the_user_cannot_write_gets_a_permission_message() {
    let env = Env::new();
    std::fs::set_permissions(env.dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&env.db, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = dump(&env.db);
    let out = unprivileged(&env)
        .args(["--as", "lead", "requester", "add", "a@b.sch.uk", "--name", "A B"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("permission") || err.contains("cannot"), "{err}");
    assert_eq!(dump(&env.db), before);
}

#[test]
fn a_garbage_file_is_refused_untouched() {
    let env = Env::empty();
    let junk: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
    std::fs::write(&env.db, &junk).unwrap();
    for args in [&["ticket", "list"][..], &["init"][..]] {
        let (code, err) = env.fail(args);
        assert_eq!(code, 1);
        assert!(
            err.contains("desk.db")
                && (err.contains("not a deskside database") || err.contains("already exists")),
            "{err}"
        );
        assert_eq!(sha(&env.db), junk);
    }
}

#[test]
fn another_programs_sqlite_file_is_refused_untouched() {
    let env = Env::empty();
    {
        let c = rusqlite::Connection::open(&env.db).unwrap();
        c.execute_batch("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('x');").unwrap();
    }
    let before = sha(&env.db);
    let (code, err) = env.fail(&["school", "list"]);
    assert_eq!(code, 1);
    assert!(err.contains("not a deskside database"), "{err}");
    assert_eq!(sha(&env.db), before);
}

#[test]
fn a_newer_schema_is_refused_untouched() {
    let env = Env::new();
    {
        let c = rusqlite::Connection::open(&env.db).unwrap();
        c.execute_batch("PRAGMA user_version = 999;").unwrap();
    }
    let before = sha(&env.db);
    let (code, err) = env.fail(&["ticket", "list"]);
    assert_eq!(code, 1);
    assert!(err.contains("newer") && err.contains("999"), "{err}");
    assert_eq!(sha(&env.db), before);
}

#[test]
fn a_command_without_a_database_points_at_init() {
    let env = Env::empty();
    let (code, err) = env.fail(&["ticket", "list"]);
    assert_eq!(code, 1);
    assert!(err.contains("deskside init"), "{err}");
    assert!(!env.db.exists(), "a read must not create the file");
}

#[test]
fn an_empty_prepared_file_can_be_initialised() {
    let env = Env::empty();
    std::fs::write(&env.db, b"").unwrap();
    env.run(&["init"]).success();
    assert_eq!(env.json(&["tech", "list"])[0]["login"], "lead");
}

#[test]
fn default_location_is_the_user_data_directory() {
    let env = Env::empty();
    let home = env.dir.path().join("home");
    let out = env.cmd().env_remove("DESKSIDE_DB").args(["init"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let expected = home.join(".local/share/deskside/deskside.db");
    assert!(expected.exists(), "expected the database at {}", expected.display());
    assert!(!env.db.exists());
}

#[test]
fn config_file_sets_the_path_for_a_shared_box() {
    let env = Env::empty();
    let cfg_dir = env.dir.path().join("home/.config/deskside");
    std::fs::create_dir_all(&cfg_dir).unwrap();
    let shared = env.dir.path().join("shared.db");
    std::fs::write(cfg_dir.join("config.toml"), format!("db = {:?}\n", shared.to_str().unwrap())).unwrap();
    let out = env.cmd().env_remove("DESKSIDE_DB").args(["init"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(shared.exists());
    // --db still wins over the config file.
    let flag = env.dir.path().join("flag.db");
    let out =
        env.cmd().env_remove("DESKSIDE_DB").args(["--db", flag.to_str().unwrap(), "init"]).output().unwrap();
    assert!(out.status.success());
    assert!(flag.exists());
}

#[test]
fn a_broken_config_file_is_a_clear_error() {
    let env = Env::empty();
    let cfg_dir = env.dir.path().join("home/.config/deskside");
    std::fs::create_dir_all(&cfg_dir).unwrap();
    std::fs::write(cfg_dir.join("config.toml"), "db = [unclosed\n").unwrap();
    let out = env.cmd().env_remove("DESKSIDE_DB").args(["ticket", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("config.toml is invalid"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1);
}

#[test]
fn the_database_uses_wal_and_the_current_schema() {
    let env = Env::new();
    let c = rusqlite::Connection::open(&env.db).unwrap();
    let mode: String = c.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    let v: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(v, deskside::store::SCHEMA_VERSION);
    drop(c);
    // The timeline is append-only even for direct SQL.
    let env = env.with_people();
    env.ticket("Printer jammed");
    let c = rusqlite::Connection::open(&env.db).unwrap();
    let n: i64 = c.query_row("SELECT count(*) FROM events", [], |r| r.get(0)).unwrap();
    assert!(n >= 1);
    for sql in ["UPDATE events SET body = 'edited'", "DELETE FROM events", "DELETE FROM audit"] {
        let err = c.execute_batch(sql).unwrap_err().to_string();
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
}

#[test]
fn a_reader_that_goes_away_ends_the_output_quietly() {
    let env = Env::made_by(&["init", "--demo"]);
    let bin = assert_cmd::cargo::cargo_bin("deskside");
    // Enough output to outlast the pipe buffer after `head` has gone.
    let script = format!(
        "for i in 1 2 3 4 5 6 7 8; do {bin} ticket list --all; done | head -1; echo \"STATUS=${{PIPESTATUS[0]}}\"",
        bin = bin.display()
    );
    let run = std::process::Command::new("bash")
        .arg("-c")
        .arg(&script)
        .envs(env.cmd().get_envs().filter_map(|(k, v)| v.map(|v| (k.to_owned(), v.to_owned()))))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!stderr.contains("panicked") && !stderr.contains("Broken pipe"), "{stderr}");
    assert_eq!(
        String::from_utf8_lossy(&run.stdout).lines().count(),
        2,
        "one line through head, then the status"
    );
}
