//! Read-only inspection of a database file for `deskside doctor`: nothing
//! here migrates, sets a pragma or writes a row.

use super::{check_header, describe_sqlite_error, directory, SCHEMA_VERSION};
use crate::domain::Technician;
use rusqlite::{Connection, OpenFlags};
use std::path::Path;

/// What the database itself says about its health.
#[derive(Debug, Clone, Default)]
pub struct Health {
    /// Why the file could not be opened or read as a deskside database.
    pub unreadable: Option<String>,
    pub is_deskside: bool,
    pub journal_mode: Option<String>,
    pub schema_version: Option<i64>,
    /// "ok", or the first problems `PRAGMA integrity_check` found.
    pub integrity: Option<String>,
    /// The technician with the acting login, if there is one.
    pub technician: Option<Technician>,
}

/// Inspects the database at `path` (which must exist) for `login`.
pub fn inspect(path: &Path, login: &str) -> Health {
    let mut h = Health::default();
    if let Err(e) = check_header(path) {
        h.unreadable = Some(e.to_string());
        return h;
    }
    // Read-write (never create) when allowed, so a crashed writer's WAL can
    // be recovered; reading is all this connection does.
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)
        .or_else(|_| Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY));
    let conn = match conn {
        Ok(c) => c,
        Err(e) => {
            h.unreadable = Some(describe_sqlite_error(&e));
            return h;
        }
    };
    let _ = conn.busy_timeout(std::time::Duration::from_secs(5));
    let one = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, rusqlite::types::Value>(0));
    match (one("PRAGMA application_id"), one("PRAGMA user_version"), one("PRAGMA journal_mode")) {
        (Ok(app), Ok(version), Ok(mode)) => {
            use rusqlite::types::Value::{Integer, Text};
            h.is_deskside = matches!(app, Integer(id) if id == super::APPLICATION_ID);
            h.schema_version = if let Integer(v) = version { Some(v) } else { None };
            h.journal_mode = if let Text(m) = mode { Some(m) } else { None };
        }
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
            h.unreadable = Some(describe_sqlite_error(&e));
            return h;
        }
    }
    h.integrity = Some(integrity(&conn));
    if h.is_deskside && h.schema_version.is_some_and(|v| (1..=SCHEMA_VERSION).contains(&v)) {
        h.technician = directory::find_tech(&conn, login).ok().flatten();
    }
    h
}

fn integrity(conn: &Connection) -> String {
    let rows = conn
        .prepare("PRAGMA integrity_check(5)")
        .and_then(|mut s| s.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>());
    match rows {
        Ok(rows) => rows.join("; "),
        Err(e) => describe_sqlite_error(&e),
    }
}
