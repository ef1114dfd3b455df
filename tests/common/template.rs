//! Databases made once and copied for each test. `init --demo` takes
//! seconds, and tests each making their own demo database were most of the
//! suite's time. A template is shared by every test of a build, whether the
//! tests run as threads of one process (`cargo test`) or as processes
//! (`cargo nextest`): it lives in `CARGO_TARGET_TMPDIR`, is made under a
//! file lock, and is made again when the binary that made it changes. Each
//! test gets its own copy, so tests stay as isolated as if each had made
//! its own database.

use std::fs::{self, File};
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

/// The template `name`, made by `make(path)` unless a copy made by this
/// very build of `maker` (the program whose code fills it) is there.
/// `make` must leave a database at `path` and close it.
pub fn template(name: &str, maker: &Path, make: impl FnOnce(&Path)) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("templates");
    fs::create_dir_all(&dir).unwrap();
    let db = dir.join(format!("{name}.db"));
    let stamp_file = dir.join(format!("{name}.stamp"));
    let stamp = stamp(maker);
    let lock = File::create(dir.join(format!("{name}.lock"))).unwrap();
    // SAFETY: flock on a descriptor owned by `lock`; the lock is released
    // when `lock` is closed at the end of this function (or if the test dies).
    assert_eq!(unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_EX) }, 0, "lock {name}");
    if db.exists() && fs::read_to_string(&stamp_file).is_ok_and(|s| s == stamp) {
        return db;
    }
    // The stamp goes only after a complete template is in place: a test
    // killed while making one leaves no template that looks finished.
    let _ = fs::remove_file(&stamp_file);
    let work = tempfile::tempdir_in(&dir).unwrap();
    let made = work.path().join("desk.db");
    make(&made);
    checkpoint(&made);
    fs::rename(&made, &db).unwrap();
    fs::write(&stamp_file, &stamp).unwrap();
    db
}

/// Copies template `from` to `to`, a path no test has used yet.
pub fn copy(from: &Path, to: &Path) {
    assert!(!to.exists(), "{} exists", to.display());
    // `fs::copy` keeps the file's mode (0660 from `init`).
    fs::copy(from, to).unwrap();
}

/// Identifies one build of `maker`: its path, size and modification time.
fn stamp(maker: &Path) -> String {
    let meta = fs::metadata(maker).unwrap_or_else(|e| panic!("{}: {e}", maker.display()));
    let mtime = meta.modified().unwrap().duration_since(UNIX_EPOCH).unwrap().as_nanos();
    format!("{} {} {mtime}\n", maker.display(), meta.len())
}

/// Moves everything from the write-ahead log into the file, so the file
/// alone is the whole database and can be copied.
fn checkpoint(db: &Path) {
    let conn = rusqlite::Connection::open(db).unwrap();
    let (busy, _, _): (i64, i64, i64) = conn
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap();
    assert_eq!(busy, 0, "{} is still open elsewhere", db.display());
    drop(conn);
    for suffix in ["-wal", "-shm"] {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        let side = PathBuf::from(p);
        if suffix == "-wal" {
            assert!(fs::metadata(&side).map_or(true, |m| m.len() == 0), "{} kept a log", db.display());
        }
        let _ = fs::remove_file(side);
    }
}

/// As `template`, for a database this test binary fills through the
/// library (`Desk::init`): made again whenever the test binary is rebuilt.
pub fn in_process(name: &str, make: impl FnOnce(&Path)) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    template(&format!("{}-{name}", env!("CARGO_CRATE_NAME")), &exe, make)
}
