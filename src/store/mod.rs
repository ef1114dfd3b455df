//! The only place that speaks SQL. `Store` opens the file (pragmas,
//! migrations, the refusal of foreign or newer files); the submodules are
//! plain query functions over a connection or transaction.

pub mod articles;
pub mod attachments;
pub mod audit;
pub mod backup;
pub mod canned;
pub mod chain;
pub mod directory;
pub mod drafts;
pub mod events;
pub mod files;
pub mod health;
mod ids;
pub mod import;
pub mod kb;
pub mod links;
pub mod mail;
pub mod mail_loop;
pub mod migrate;
pub mod ownership;
pub mod portal;
pub mod presence;
pub mod privacy;
pub mod reports;
pub mod schedule;
pub mod search;
pub mod sla;
pub mod tickets;
pub mod time;
pub mod transfer;

use crate::{Error, Result};
use rusqlite::{Connection, ErrorCode, OpenFlags, Transaction, TransactionBehavior};
use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Ordered migrations; the index + 1 is the `user_version` each one produces.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_sla.sql"),
    include_str!("migrations/0003_reliability.sql"),
    include_str!("migrations/0004_search.sql"),
    include_str!("migrations/0005_mail.sql"),
    include_str!("migrations/0006_reports.sql"),
    include_str!("migrations/0007_queue_index.sql"),
    include_str!("migrations/0008_imported_rows.sql"),
    include_str!("migrations/0009_events_at_ticket.sql"),
    include_str!("migrations/0010_privacy.sql"),
    include_str!("migrations/0011_portal.sql"),
    include_str!("migrations/0012_mail_loop.sql"),
    include_str!("migrations/0013_msp.sql"),
    include_str!("migrations/0014_incidents.sql"),
    include_str!("migrations/0015_real_input.sql"),
    include_str!("migrations/0016_drafts.sql"),
    include_str!("migrations/0017_search_vocab.sql"),
    include_str!("migrations/0018_queue_due.sql"),
    include_str!("migrations/0019_queue_due_by.sql"),
    include_str!("migrations/0020_article_school_uses.sql"),
];

/// The schema version whose upgrade chains the existing audit rows.
const CHAINED_AUDIT: i64 = 10;

/// The schema version this binary writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// `PRAGMA application_id` marking a deskside database ("desk").
pub const APPLICATION_ID: i64 = 0x6465_736b;

const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// Page cache per connection: a keystroke's search at a million tickets
/// reads FTS5 pages all over the index, more than SQLite's default 2 MB.
const CACHE_PRAGMA: &str = "PRAGMA cache_size = -16384;";
/// The search connection also reads through a memory map (up to SQLite's
/// 2 GB limit): walking doclists page after page with a system call each
/// was a fifth of the search (suggest p50 3.5 -> 2.5 ms, p99 10.5 -> 7.5 ms).
/// Not the main connection: a fault on a page that is not in memory reads
/// ahead around it, so a cold `ticket show` took 5 ms mapped and 0.5 ms
/// through read() (examples/bench, OS cache dropped).
const SEARCH_PRAGMA: &str = "PRAGMA mmap_size = 2147418112;";
const WRITE_ATTEMPTS: u32 = 5;

pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// SQLite fell back to read-only because the file is not writable for
    /// this user: reads work, writes are refused with a clear message.
    read_only: bool,
}

/// Whether opening may create the file (only `init` does).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    Create,
    Existing,
}

impl Store {
    /// Opens (or with `OpenMode::Create`, creates) a deskside database. Every
    /// refusal happens before anything is written to the file.
    pub fn open(path: &Path, mode: OpenMode) -> Result<Store> {
        let (mut store, version) = Store::connect(path, mode)?;
        store.migrate(version)?;
        Ok(store)
    }

    /// Creates a database and fills it in ONE transaction with the schema:
    /// a process killed half-way leaves no half-made database that a second
    /// `init` would refuse. New files get mode 0660 (see `create_file`).
    pub fn create<T>(path: &Path, fill: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<(Store, T)> {
        let (mut store, version) = Store::connect(path, OpenMode::Create)?;
        if store.read_only {
            return Err(store.permission_error());
        }
        let shown = path.to_path_buf();
        let tx = store
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| open_error(&shown, &e))?;
        // Another `init` may have filled a shared, pre-created file meanwhile.
        if version != 0 || !is_blank(&tx)? {
            return Err(Error::runtime(format!(
                "a database already exists at {}: nothing was changed (pass --db PATH to create another)",
                shown.display()
            )));
        }
        migrate::apply(&tx, MIGRATIONS, 0, &shown)?;
        let value = fill(&tx)?;
        tx.commit().map_err(|e| open_error(&shown, &e))?;
        Ok((store, value))
    }

    /// Checks the file, opens it and sets the pragmas; returns the store and
    /// the schema version found, before any migration.
    fn connect(path: &Path, mode: OpenMode) -> Result<(Store, i64)> {
        let shown = path.display();
        let exists = look_before_opening(path)?;
        // An empty file counts as absent for `init`: admins pre-create the
        // shared file with the right group and mode, then initialise it. So
        // does a file SQLite created but never filled (an `init` killed early).
        let empty = exists && (file_len(path) == Some(0) || (mode == OpenMode::Create && is_hollow(path)));
        match mode {
            OpenMode::Existing if !exists => {
                return Err(Error::runtime(format!(
                    "no database at {shown}: create one with `deskside init` (or pass --db PATH)"
                )))
            }
            OpenMode::Create if exists && !empty => {
                return Err(Error::runtime(format!(
                    "a database already exists at {shown}: nothing was changed (pass --db PATH to create another)"
                )))
            }
            _ => {}
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            if !dir.is_dir() {
                return Err(Error::runtime(format!(
                    "cannot open database {shown}: directory {} does not exist",
                    dir.display()
                )));
            }
        }
        if exists && !(empty && mode == OpenMode::Create) {
            check_header(path)?;
        }
        if mode == OpenMode::Create && !exists {
            files::create_file(path)?;
        }

        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| open_error(path, &e))?;
        let read_only = conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false);
        let mut store = Store { conn, path: path.to_path_buf(), read_only };
        let version = store.prepare(mode)?;
        Ok((store, version))
    }

    /// A private in-memory database at the current schema, for tests.
    pub fn open_in_memory() -> Result<Store> {
        let conn = Connection::open_in_memory()?;
        let mut store = Store { conn, path: PathBuf::from(":memory:"), read_only: false };
        let version = store.prepare(OpenMode::Create)?;
        store.migrate(version)?;
        Ok(store)
    }

    /// Checks identity and version, sets the pragmas; returns the version.
    fn prepare(&mut self, mode: OpenMode) -> Result<i64> {
        let path = self.path.clone();
        let wrap = |e: rusqlite::Error| open_error(&path, &e);
        self.conn.busy_timeout(BUSY_TIMEOUT).map_err(wrap)?;
        self.conn.execute_batch(CACHE_PRAGMA).map_err(wrap)?;
        let app_id: i64 = self.conn.query_row("PRAGMA application_id", [], |r| r.get(0)).map_err(wrap)?;
        let version: i64 = self.conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(wrap)?;
        let shown = self.path.display();
        if version > SCHEMA_VERSION {
            return Err(Error::runtime(format!(
                "database {shown} has schema version {version}, newer than this deskside understands ({SCHEMA_VERSION}): upgrade deskside; the file was not changed"
            )));
        }
        if mode == OpenMode::Existing && (version == 0 || app_id != APPLICATION_ID) {
            return Err(Error::runtime(format!(
                "{shown} is an SQLite file but not a deskside database: nothing was changed"
            )));
        }
        if self.read_only {
            return if version == SCHEMA_VERSION { Ok(version) } else { Err(self.permission_error()) };
        }
        // WAL lets the console read while others write; NORMAL sync is safe with WAL.
        self.conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0)).map_err(wrap)?;
        self.conn.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;").map_err(wrap)?;
        Ok(version)
    }

    /// Applies every migration newer than `from`, all in one transaction: a
    /// failure leaves the database at its old version.
    fn migrate(&mut self, from: i64) -> Result<()> {
        let path = self.path.clone();
        // The audit chain needs SHA-256, which SQL lacks: the rows an older
        // database already has are linked here, in the upgrade's transaction.
        migrate::run_then(&mut self.conn, MIGRATIONS, from, &path, |tx, from| {
            if from < CHAINED_AUDIT {
                chain::seal_unchained(tx)?;
            }
            Ok(())
        })
    }

    /// The file is not writable for this user: reads only.
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The connection for reads.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// A second, read-only connection to the same file, for the searches
    /// that run beside the main connection's reads (None for an in-memory
    /// store, or when the file cannot be opened again).
    pub fn reader(&self) -> Option<Connection> {
        if self.path.as_os_str() == ":memory:" {
            return None;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&self.path, flags).ok()?;
        conn.busy_timeout(BUSY_TIMEOUT).ok()?;
        conn.execute_batch(CACHE_PRAGMA).ok()?;
        conn.execute_batch(SEARCH_PRAGMA).ok()?;
        Some(conn)
    }

    /// Runs `f` in a `BEGIN IMMEDIATE` transaction and commits it; any error
    /// rolls everything back. When SQLite still reports the database busy
    /// after the busy timeout, the whole transaction is run again.
    pub fn write<T>(&mut self, mut f: impl FnMut(&Transaction<'_>) -> Result<T>) -> Result<T> {
        if self.read_only {
            return Err(self.permission_error());
        }
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.try_write(&mut f) {
                Err(Retry::Busy(e)) if attempt < WRITE_ATTEMPTS => {
                    std::thread::sleep(Duration::from_millis(20 * u64::from(attempt)));
                    let _ = e;
                }
                Err(Retry::Busy(e)) => return Err(self.contextual(e)),
                Err(Retry::Fail(e)) => return Err(e),
                Ok(v) => return Ok(v),
            }
        }
    }

    fn try_write<T>(&mut self, f: &mut impl FnMut(&Transaction<'_>) -> Result<T>) -> Result<T, Retry> {
        let tx =
            self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(Retry::classify)?;
        let value = f(&tx).map_err(Retry::Fail)?;
        tx.commit().map_err(Retry::classify)?;
        Ok(value)
    }

    fn permission_error(&self) -> Error {
        Error::runtime(format!(
            "cannot write database {}: permission denied (a shared database needs group write access to the file and its directory)",
            self.path.display()
        ))
    }

    fn contextual(&self, e: rusqlite::Error) -> Error {
        open_error(&self.path, &e)
    }

    /// Runs one statement of a cache write (never a record of work) in its
    /// own transaction without waiting: when another process is writing,
    /// or the file is read-only, it is skipped and false returned.
    pub fn try_cache_write(&self, f: impl FnOnce(&Connection) -> Result<()>) -> bool {
        if self.read_only || self.conn.busy_timeout(Duration::ZERO).is_err() {
            return false;
        }
        let done = f(&self.conn).is_ok();
        // Restoring the timeout cannot fail where setting it just worked;
        // if it did, later writes would still retry (see `write`).
        let _ = self.conn.busy_timeout(BUSY_TIMEOUT);
        done
    }

    /// Changes whenever another connection commits: the console polls it.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self.conn.query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }
}

/// What a cache of data read through `conn` is checked against: equal
/// stamps mean nothing was written since. `PRAGMA data_version` moves on
/// every other connection's commit (another console, the CLI, mail) but
/// not on this connection's own; `total_changes` counts this connection's
/// own writes (a rolled-back one too, which only costs a refill).
pub fn change_stamp(conn: &Connection) -> Result<(i64, u64)> {
    let version = conn.prepare_cached("PRAGMA data_version")?.query_row([], |r| r.get(0))?;
    Ok((version, conn.total_changes()))
}

enum Retry {
    Busy(rusqlite::Error),
    Fail(Error),
}

impl Retry {
    fn classify(e: rusqlite::Error) -> Retry {
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => Retry::Busy(e),
            _ => Retry::Fail(e.into()),
        }
    }
}

fn file_len(path: &Path) -> Option<u64> {
    std::fs::metadata(path).ok().map(|m| m.len())
}

/// An SQLite file with no schema, no version and no application id: what a
/// process killed during `init` leaves behind. Nothing in it can be lost.
fn is_hollow(path: &Path) -> bool {
    if check_header(path).is_err() {
        return false;
    }
    // Read-write (never create) when allowed: after a crash only a writer may
    // run WAL recovery, which replays committed frames and changes nothing else.
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)
        .or_else(|_| Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY));
    let Ok(conn) = conn else {
        return false;
    };
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap_or(-1);
    let app: i64 = conn.query_row("PRAGMA application_id", [], |r| r.get(0)).unwrap_or(-1);
    version == 0 && app == 0 && is_blank(&conn).unwrap_or(false)
}

/// True when `path` holds no deskside data at all: missing, empty, or an
/// SQLite file that was never filled. Safe to clear after a failed `init`.
pub fn is_unfilled(path: &Path) -> bool {
    match std::fs::metadata(path) {
        Err(e) => e.kind() == std::io::ErrorKind::NotFound,
        // Never a FIFO or device: "clearing" one would block or destroy.
        Ok(m) => m.is_file() && (m.len() == 0 || is_hollow(path)),
    }
}

/// Removes the write-ahead log and shared-memory files SQLite keeps beside
/// the database at `path`; missing ones are fine.
pub fn remove_sidecars(path: &Path) {
    for suffix in ["-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(p);
    }
}

/// Removes the database at `path` with its sidecars, whatever is there.
pub fn remove_database(path: &Path) {
    let _ = std::fs::remove_file(path);
    remove_sidecars(path);
}

/// Whether a database file exists at `path`, found with stat(2) alone:
/// anything but a regular file is refused before SQLite (or our header
/// check) opens it, since opening a FIFO blocks forever. A directory that
/// may not be searched is a permission problem, not a missing database.
fn look_before_opening(path: &Path) -> Result<bool> {
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    let shown = path.display();
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => Ok(true),
        Ok(m) => {
            let t = m.file_type();
            let kind = if t.is_dir() {
                "a directory"
            } else if t.is_fifo() {
                "a named pipe (FIFO)"
            } else if t.is_socket() {
                "a socket"
            } else {
                "a device"
            };
            Err(Error::runtime(format!(
                "{shown} is {kind}, not a database file: nothing was opened or changed"
            )))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
            let why = match std::fs::metadata(dir) {
                Ok(d) => format!(
                    "its directory {} (group {}, mode {:04o}) is closed to you: {}",
                    dir.display(),
                    crate::privilege::group_label(d.gid()),
                    d.mode() & 0o7777,
                    crate::privilege::group_hint(d.gid())
                ),
                Err(_) => format!("a directory on the way to {shown} is closed to you"),
            };
            Err(Error::runtime(format!("cannot open database {shown}: permission denied ({why})")))
        }
        Err(e) => Err(Error::runtime(format!("cannot open database {shown}: {e}"))),
    }
}

fn is_blank(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0))? == 0)
}

/// Refuses a file that is not SQLite before SQLite gets a chance to touch it.
fn check_header(path: &Path) -> Result<()> {
    let shown = path.display();
    // Non-blocking: a FIFO swapped in after the stat must not hang us.
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| Error::runtime(format!("cannot read database {shown}: {}", io_reason(&e))))?;
    let mut header = [0u8; 16];
    let n =
        file.read(&mut header).map_err(|e| Error::runtime(format!("cannot read database {shown}: {e}")))?;
    if n == 0 {
        return Err(Error::runtime(format!(
            "{shown} is an empty file, not a deskside database: nothing was changed"
        )));
    }
    if n < 16 || &header != b"SQLite format 3\0" {
        return Err(Error::runtime(format!(
            "{shown} is not a deskside database (not an SQLite file): nothing was changed"
        )));
    }
    Ok(())
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// An error from opening or writing the file, with the path and a hint.
fn open_error(path: &Path, e: &rusqlite::Error) -> Error {
    let shown = path.display();
    let msg = match e.sqlite_error_code() {
        Some(ErrorCode::ReadOnly) | Some(ErrorCode::PermissionDenied) => format!(
            "cannot write database {shown}: permission denied (a shared database needs group write access to the file and its directory)"
        ),
        Some(ErrorCode::CannotOpen) => format!(
            "cannot open database {shown}: the file or its directory cannot be written (check permissions)"
        ),
        Some(ErrorCode::NotADatabase) => {
            format!("{shown} is not a deskside database: nothing was changed")
        }
        Some(ErrorCode::DatabaseCorrupt) => format!("database {shown} is damaged: restore it from a backup"),
        Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => format!(
            "database {shown} stayed busy for too long (another deskside is holding it): try again"
        ),
        Some(ErrorCode::DiskFull) => format!("cannot write database {shown}: the disk is full"),
        _ => format!("database {shown}: {}", describe_sqlite_error(e)),
    };
    Error::Runtime(msg)
}

/// A one-line description of an SQLite error for users.
pub fn describe_sqlite_error(e: &rusqlite::Error) -> String {
    match e {
        rusqlite::Error::SqliteFailure(err, Some(msg)) => format!("{msg} ({:?})", err.code),
        rusqlite::Error::SqliteFailure(err, None) => format!("{:?}", err.code),
        other => other.to_string(),
    }
    .replace('\n', " ")
}

/// Ids as one value for `IN (SELECT value FROM json_each(?))`: one cached
/// statement serves any number of ids (an `IN (?, ?, ...)` list is a new
/// statement to parse for every count).
pub(crate) fn id_list<T: std::fmt::Display>(ids: &[T]) -> String {
    let list: Vec<String> = ids.iter().map(T::to_string).collect();
    format!("[{}]", list.join(","))
}

/// Seconds since the epoch, as stored.
pub fn to_secs(t: crate::domain::Timestamp) -> i64 {
    t.timestamp()
}

pub use crate::domain::{from_opt_secs, from_secs};
