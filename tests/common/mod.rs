//! Runs the real binary against a temporary database, isolated from the
//! user's own config and data directories.
#![allow(dead_code)]

pub mod template;
pub mod tmux;

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A fixed "now" so ages and SLA clocks are reproducible.
pub const NOW: &str = "2026-11-24T10:00:00Z";
pub const LEAD: &str = "lead";

pub struct Env {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
}

impl Env {
    /// A fresh directory with no database yet.
    pub fn empty() -> Env {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("desk.db");
        Env { dir, db }
    }

    /// The database `deskside ARGS` makes (e.g. `init --demo`), copied from
    /// a template made once per build (see `template`): for tests whose
    /// subject is what the database holds, not the command that made it.
    pub fn made_by(args: &[&str]) -> Env {
        let name: String = args
            .join("-")
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' })
            .collect();
        let bin = assert_cmd::cargo::cargo_bin("deskside");
        let made = template::template(&format!("cli-{name}"), &bin, |db| {
            let env = Env { dir: tempfile::tempdir().unwrap(), db: db.to_path_buf() };
            env.run(args).success();
        });
        let env = Env::empty();
        template::copy(&made, &env.db);
        env
    }

    /// The demo database as `init --demo --name "Lee Lead"` makes it.
    pub fn demo() -> Env {
        Env::made_by(&["init", "--demo", "--name", "Lee Lead"])
    }

    /// A database initialised by the lead, with no demo data.
    pub fn new() -> Env {
        let env = Env::empty();
        env.run(&["init", "--name", "Lee Lead"]).success();
        env
    }

    /// The base command: this database, acting as `lead`, at `NOW`, with
    /// HOME and XDG paths inside the temp dir.
    pub fn cmd(&self) -> Command {
        Command::from_std(self.std_cmd())
    }

    /// The same as a plain `std::process::Command`, for spawning processes
    /// that run concurrently or get killed.
    pub fn std_cmd(&self) -> std::process::Command {
        let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("deskside"));
        let home = self.dir.path().join("home");
        c.env("DESKSIDE_DB", &self.db)
            .env("DESKSIDE_USER", LEAD)
            .env("DESKSIDE_NOW", NOW)
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("TZ", "UTC")
            .env_remove("EDITOR")
            .env_remove("VISUAL");
        c
    }

    pub fn run(&self, args: &[&str]) -> assert_cmd::assert::Assert {
        self.cmd().args(args).assert()
    }

    pub fn run_as(&self, login: &str, args: &[&str]) -> assert_cmd::assert::Assert {
        self.cmd().env("DESKSIDE_USER", login).args(args).assert()
    }

    /// Runs with --json, expects success, parses stdout.
    pub fn json(&self, args: &[&str]) -> Value {
        self.json_as(LEAD, args)
    }

    pub fn json_as(&self, login: &str, args: &[&str]) -> Value {
        let out = self.cmd().env("DESKSIDE_USER", login).arg("--json").args(args).output().unwrap();
        assert!(out.status.success(), "deskside {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!("bad JSON from {args:?}: {e}\n{}", String::from_utf8_lossy(&out.stdout))
        })
    }

    /// Runs a command expected to fail; returns (exit code, stderr).
    pub fn fail(&self, args: &[&str]) -> (i32, String) {
        self.fail_as(LEAD, args)
    }

    pub fn fail_as(&self, login: &str, args: &[&str]) -> (i32, String) {
        let out = self.cmd().env("DESKSIDE_USER", login).args(args).output().unwrap();
        assert!(!out.status.success(), "deskside {args:?} should have failed");
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(err.trim_end().lines().count(), 1, "error must be one line: {err:?}");
        assert!(!err.contains("panicked"), "panic: {err}");
        (out.status.code().unwrap_or(-1), err)
    }

    /// Adds a school, a tier-1 and a tier-2 tech and two requesters.
    pub fn with_people(self) -> Env {
        self.run(&["school", "add", "St Bede's Primary", "--code", "BEDE", "--domain", "stbedes.sch.uk"])
            .success();
        self.run(&["school", "add", "Hillside Academy", "--code", "HILL", "--domain", "hillside.sch.uk"])
            .success();
        self.run(&["tech", "add", "tone", "--name", "Toni One", "--tier", "1"]).success();
        self.run(&["tech", "add", "ttwo", "--name", "Tam Two", "--tier", "2"]).success();
        self.run(&["requester", "add", "r.hughes@stbedes.sch.uk", "--name", "Rachel Hughes"]).success();
        self.run(&["requester", "add", "b.khan@hillside.sch.uk", "--name", "Bilal Khan"]).success();
        self
    }

    /// Logs a ticket and returns its id.
    pub fn ticket(&self, subject: &str) -> i64 {
        let t = self.json(&["ticket", "new", "--subject", subject, "--requester", "r.hughes@stbedes.sch.uk"]);
        t["id"].as_i64().unwrap()
    }

    /// The environment the CLI commands get, for running the console elsewhere.
    pub fn vars(&self) -> Vec<(String, String)> {
        let home = self.dir.path().join("home");
        vec![
            ("DESKSIDE_DB".into(), self.db.display().to_string()),
            ("DESKSIDE_USER".into(), LEAD.into()),
            ("DESKSIDE_NOW".into(), NOW.into()),
            ("HOME".into(), home.display().to_string()),
            ("TZ".into(), "UTC".into()),
            ("TERM".into(), "xterm-256color".into()),
        ]
    }

    /// Every row of every table, as text: "no change to the data" is
    /// checked by comparing two of these.
    pub fn dump(&self) -> String {
        dump(&self.db)
    }
}

pub fn dump(db: &Path) -> String {
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    dump_conn(&conn)
}

/// Every row of every table of an open database (in-memory ones too),
/// except `search_vocab`: a copy of the article vocabulary saved for the next
/// process, which any read may refresh (it is derived, not data).
pub fn dump_conn(conn: &rusqlite::Connection) -> String {
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
                AND name <> 'search_vocab' ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = String::new();
    for t in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                Ok((0..n).map(|i| format!("{:?}", r.get_ref(i).unwrap())).collect::<Vec<_>>().join("|"))
            })
            .unwrap();
        for row in rows {
            out.push_str(&format!("{t}: {}\n", row.unwrap()));
        }
    }
    out
}

pub fn sha(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

/// A small deterministic generator (SplitMix64) for randomised tests; the
/// seed comes from `DESKSIDE_TEST_SEED` or the clock and is printed, so a
/// failing run can be repeated.
pub struct Rng(pub u64);

impl Rng {
    pub fn from_env(what: &str) -> Rng {
        let seed =
            std::env::var("DESKSIDE_TEST_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
                std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64
            });
        eprintln!("{what}: DESKSIDE_TEST_SEED={seed}");
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in 0..n.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// `PRAGMA integrity_check` on a file, through a fresh connection.
pub fn integrity(db: &Path) -> String {
    let c = rusqlite::Connection::open(db).unwrap();
    // A process just killed may not have released its locks yet.
    c.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    let rows: Vec<String> = c
        .prepare("PRAGMA integrity_check")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    rows.join("; ")
}

/// Whether the tests run as root (then permissions stop nothing, so tests
/// of refusals drop to `nobody` with setpriv).
pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

impl Env {
    /// The base command run as `nobody` (uid/gid 65534, no groups) when the
    /// tests run as root; otherwise as the current user.
    pub fn unprivileged_cmd(&self) -> std::process::Command {
        let base = self.std_cmd();
        if !is_root() {
            return base;
        }
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"]).arg(base.get_program());
        for (k, v) in base.get_envs() {
            match v {
                Some(v) => c.env(k, v),
                None => c.env_remove(k),
            };
        }
        c
    }
}
