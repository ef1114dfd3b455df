//! Applying ordered migrations on `PRAGMA user_version`. Kept apart from the
//! list itself so tests can run the runner over their own (broken) lists.

use crate::{Error, Result};
use rusqlite::{Connection, Transaction, TransactionBehavior};
use std::path::Path;

/// Applies `migrations[from..]` inside `tx` and sets `user_version` to
/// `migrations.len()`. Nothing is committed here: the caller's transaction
/// decides, so a failing step leaves the file exactly as it was.
pub fn apply(tx: &Transaction<'_>, migrations: &[&str], from: i64, path: &Path) -> Result<()> {
    let from = usize::try_from(from).unwrap_or(0);
    for (i, sql) in migrations.iter().enumerate().skip(from) {
        tx.execute_batch(sql).map_err(|e| {
            Error::runtime(format!(
                "migration {} failed on {}: {}; the database was left unchanged",
                i + 1,
                path.display(),
                super::describe_sqlite_error(&e)
            ))
        })?;
    }
    tx.execute_batch(&format!(
        "PRAGMA application_id = {}; PRAGMA user_version = {};",
        super::APPLICATION_ID,
        migrations.len()
    ))?;
    Ok(())
}

/// Runs `apply` in its own `BEGIN IMMEDIATE` transaction and commits it.
/// The version is read again under the write lock: when several processes
/// open an old database at once, the first upgrades it and the others find
/// nothing left to do.
pub fn run(conn: &mut Connection, migrations: &[&str], seen: i64, path: &Path) -> Result<()> {
    run_then(conn, migrations, seen, path, |_, _| Ok(()))
}

/// `run`, then `finish(tx, from)` in the same transaction (from: the
/// version found under the write lock), for upgrade steps SQL cannot do.
pub fn run_then(
    conn: &mut Connection,
    migrations: &[&str],
    seen: i64,
    path: &Path,
    finish: impl FnOnce(&Transaction<'_>, i64) -> Result<()>,
) -> Result<()> {
    if seen >= migrations.len() as i64 {
        return Ok(());
    }
    let wrap = |e: rusqlite::Error| super::open_error(path, &e);
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(wrap)?;
    let from: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(wrap)?;
    if from >= migrations.len() as i64 {
        return Ok(());
    }
    apply(&tx, migrations, from, path)?;
    finish(&tx, from)?;
    tx.commit().map_err(wrap)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(c: &Connection) -> i64 {
        c.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap()
    }

    fn tables(c: &Connection) -> Vec<String> {
        let mut s = c.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").unwrap();
        s.query_map([], |r| r.get(0)).unwrap().collect::<rusqlite::Result<_>>().unwrap()
    }

    const FIRST: &str = "CREATE TABLE a (x TEXT); INSERT INTO a VALUES ('kept');";
    const SECOND: &str = "CREATE TABLE b (y TEXT); INSERT INTO a VALUES ('second');";
    // Fails half-way through: the table is created, then the insert is refused.
    const BROKEN: &str = "CREATE TABLE c (z TEXT); INSERT INTO no_such_table VALUES (1);";

    fn file_db() -> (tempfile::TempDir, std::path::PathBuf, Connection) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.db");
        let c = Connection::open(&path).unwrap();
        c.execute_batch("PRAGMA journal_mode = WAL;").unwrap();
        (dir, path, c)
    }

    #[test]
    fn a_broken_second_step_rolls_everything_back() {
        let (_dir, path, mut c) = file_db();
        let err = run(&mut c, &[FIRST, BROKEN], 0, &path).unwrap_err().to_string();
        assert!(err.contains("migration 2 failed") && err.contains("no_such_table"), "{err}");
        assert_eq!(version(&c), 0);
        assert!(tables(&c).is_empty(), "step 1 must be rolled back too: {:?}", tables(&c));
        // The same connection is usable afterwards and a fixed list applies.
        run(&mut c, &[FIRST, SECOND], 0, &path).unwrap();
        assert_eq!(version(&c), 2);
        assert_eq!(tables(&c), ["a", "b"]);
    }

    #[test]
    fn an_upgrade_that_fails_leaves_the_old_version_and_data() {
        let (_dir, path, mut c) = file_db();
        run(&mut c, &[FIRST], 0, &path).unwrap();
        assert_eq!(version(&c), 1);
        let err = run(&mut c, &[FIRST, SECOND, BROKEN], 1, &path).unwrap_err().to_string();
        assert!(err.contains("migration 3 failed"), "{err}");
        drop(c);
        // Seen from a fresh connection: nothing of steps 2 and 3 reached the file.
        let c = Connection::open(&path).unwrap();
        assert_eq!(version(&c), 1);
        assert_eq!(tables(&c), ["a"]);
        let rows: Vec<String> = c
            .prepare("SELECT x FROM a")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(rows, ["kept"]);
    }

    #[test]
    fn an_up_to_date_database_is_not_migrated_again() {
        let (_dir, path, mut c) = file_db();
        run(&mut c, &[FIRST], 0, &path).unwrap();
        // FIRST would fail if it ran again (table a exists): it is skipped,
        // also when the caller's idea of the version is stale.
        run(&mut c, &[FIRST], 1, &path).unwrap();
        run(&mut c, &[FIRST], 0, &path).unwrap();
        assert_eq!(version(&c), 1);
    }
}
