//! Read-only inspection of a database file for `deskside doctor`: nothing
//! here migrates, sets a pragma or writes a row.

use super::{check_header, describe_sqlite_error, directory, migrate, MIGRATIONS, SCHEMA_VERSION};
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
    /// Every technician's login (doctor checks none is in the install group).
    pub tech_logins: Vec<String>,
    /// Triggers the schema version should have that are gone, and ones whose
    /// SQL was changed: someone edited the file outside deskside.
    pub missing_triggers: Vec<String>,
    pub changed_triggers: Vec<String>,
    /// SQLite said the disk is full.
    pub disk_full: bool,
    /// The audit's hash chain (schema 10 on), or why it could not be read.
    pub chain: Option<std::result::Result<super::chain::ChainReport, String>>,
    /// Technicians whose tier or lead flag is not what the audit recorded
    /// when they were added: the table was edited outside deskside.
    pub standing_mismatches: Vec<String>,
}

/// The first schema version with the audit hash chain (0010_privacy).
const CHAIN_SCHEMA: i64 = 10;

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
            h.disk_full = is_disk_full(&e);
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
            h.disk_full = is_disk_full(&e);
            h.unreadable = Some(describe_sqlite_error(&e));
            return h;
        }
    }
    h.integrity = Some(integrity(&conn));
    if let Some(v) = h.schema_version.filter(|v| h.is_deskside && (1..=SCHEMA_VERSION).contains(v)) {
        h.technician = directory::find_tech(&conn, login).ok().flatten();
        h.tech_logins = directory::list_techs(&conn)
            .map(|t| t.into_iter().map(|t| t.login).collect())
            .unwrap_or_default();
        if v >= CHAIN_SCHEMA {
            h.chain = Some(super::chain::verify(&conn).map_err(|e| e.to_string()));
        }
        h.standing_mismatches = standing_mismatches(&conn).unwrap_or_default();
        if let (Some(expected), Ok(found)) = (expected_triggers(v), triggers(&conn)) {
            for (name, sql) in expected {
                match found.iter().find(|(n, _)| *n == name) {
                    None => h.missing_triggers.push(name),
                    Some((_, s)) if squash(s) != squash(&sql) => h.changed_triggers.push(name),
                    Some(_) => {}
                }
            }
        }
    }
    h
}

/// Every technician's tier and lead flag checked against the audit: the
/// first lead is the one `init` recorded (tier 3, lead); everyone else was
/// added with an audited "NAME tier N[ lead]" detail (deskside has no
/// command that changes a tier later). A technician row that matches no
/// audit record was written outside deskside. Erased audit text proves
/// nothing either way and is skipped.
fn standing_mismatches(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let founder: Option<i64> = conn
        .query_row("SELECT tech_id FROM audit WHERE action = 'init' ORDER BY id LIMIT 1", [], |r| r.get(0))
        .ok()
        .flatten();
    let mut stmt = conn.prepare(
        "SELECT t.id, t.login, t.tier, t.lead,
                (SELECT a.detail FROM audit a
                  WHERE a.action = 'add' AND a.entity = 'technician' AND a.entity_id = t.login
                  ORDER BY a.id DESC LIMIT 1),
                (SELECT a.erased FROM audit a
                  WHERE a.action = 'add' AND a.entity = 'technician' AND a.entity_id = t.login
                  ORDER BY a.id DESC LIMIT 1)
           FROM technicians t ORDER BY t.login",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, bool>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, Option<bool>>(5)?,
        ))
    })?;
    let mut found = Vec::new();
    for row in rows {
        let (id, login, tier, lead, detail, erased) = row?;
        let shown = |t: i64, l: bool| format!("tier {t}{}", if l { ", lead" } else { "" });
        let recorded = match (&detail, erased) {
            (_, Some(true)) => continue,
            (Some(d), _) => recorded_standing(d),
            (None, _) if founder == Some(id) => Some((3, true)),
            (None, _) => {
                found.push(format!(
                    "technician {login} ({}) has no audit record of being added",
                    shown(tier, lead)
                ));
                continue;
            }
        };
        match recorded {
            Some((t, l)) if (t, l) != (tier, lead) => found.push(format!(
                "technician {login} is {} but the audit recorded {} when they were added",
                shown(tier, lead),
                shown(t, l)
            )),
            Some(_) => {}
            None => found.push(format!("technician {login}'s audit record does not say their tier")),
        }
    }
    Ok(found)
}

/// (tier, lead) from an "add technician" detail: "NAME tier N" or "NAME tier N lead".
fn recorded_standing(detail: &str) -> Option<(i64, bool)> {
    let (_, rest) = detail.rsplit_once(" tier ")?;
    let (tier, lead) = match rest.strip_suffix(" lead") {
        Some(t) => (t, true),
        None => (rest, false),
    };
    Some((tier.trim().parse().ok()?, lead))
}

fn is_disk_full(e: &rusqlite::Error) -> bool {
    e.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull)
}

/// (name, sql) of every trigger in the database.
fn triggers(conn: &Connection) -> rusqlite::Result<Vec<(String, String)>> {
    conn.prepare("SELECT name, coalesce(sql, '') FROM sqlite_master WHERE type = 'trigger' ORDER BY name")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect()
}

/// The triggers a database at schema `version` has: the migrations up to
/// it, applied to an empty in-memory database. Derived rather than listed,
/// so a new migration's triggers are checked without touching this file.
fn expected_triggers(version: i64) -> Option<Vec<(String, String)>> {
    let upto = usize::try_from(version).ok()?;
    let mut conn = Connection::open_in_memory().ok()?;
    let tx = conn.transaction().ok()?;
    migrate::apply(&tx, MIGRATIONS.get(..upto)?, 0, Path::new(":memory:")).ok()?;
    triggers(&tx).ok()
}

/// SQL with runs of white space made one space, for comparing.
fn squash(sql: &str) -> String {
    sql.split_whitespace().collect::<Vec<_>>().join(" ")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dropped_or_changed_trigger_is_noticed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.db");
        drop(super::super::Store::open(&path, super::super::OpenMode::Create).unwrap());
        let h = inspect(&path, "lead");
        assert!(h.missing_triggers.is_empty() && h.changed_triggers.is_empty(), "{h:?}");
        let c = Connection::open(&path).unwrap();
        c.execute_batch(
            "DROP TRIGGER audit_no_delete;
             DROP TRIGGER events_no_update;
             CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT 1; END;",
        )
        .unwrap();
        drop(c);
        let h = inspect(&path, "lead");
        assert_eq!(h.missing_triggers, ["audit_no_delete"]);
        assert_eq!(h.changed_triggers, ["events_no_update"]);
    }

    #[test]
    fn a_tier_is_read_from_the_add_record() {
        assert_eq!(recorded_standing("Toni One tier 1"), Some((1, false)));
        assert_eq!(recorded_standing("Lee tier 2 tier 3 lead"), Some((3, true)));
        assert_eq!(recorded_standing("[erased]"), None);
    }
}
