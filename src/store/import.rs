//! Rows brought in from other helpdesks' CSV exports: tickets and articles
//! with their own dates and states (the normal inserts stamp "now").

use super::articles::NewArticle;
use super::events::NewEvent;
use super::tickets::NewRow;
use super::to_secs;
use crate::domain::Timestamp;
use crate::{Error, Result};
use rusqlite::types::{ToSqlOutput, Value};
use rusqlite::{named_params, params, Connection, OptionalExtension, Statement, ToSql};
use std::collections::HashMap;

/// A ticket as a new one is written (`row.now` is when the other helpdesk
/// logged it; `row.tech_id` the technician running the import, recorded as
/// the last change), with the dates and states it reached there.
pub struct ImportedTicket<'a> {
    pub row: NewRow<'a>,
    pub updated_at: Timestamp,
    pub resolved_at: Option<Timestamp>,
    pub closed_at: Option<Timestamp>,
    pub pending_since: Option<Timestamp>,
}

/// Bound values per INSERT statement (SQLite allows 32,766): many rows
/// per statement instead of one.
const VALUES_PER_INSERT: usize = 32_000;

/// `head VALUES (...), (...)` over `n` rows, as many a statement as
/// VALUES_PER_INSERT allows; `row(i)` gives the values of row i.
fn insert_many<'a, const W: usize>(
    conn: &Connection,
    head: &str,
    n: usize,
    row: impl Fn(usize) -> rusqlite::Result<[ToSqlOutput<'a>; W]>,
) -> Result<()> {
    let per = VALUES_PER_INSERT / W;
    let one = format!("({})", vec!["?"; W].join(", "));
    let mut start = 0;
    while start < n {
        let len = per.min(n - start);
        let sql = format!("{head} VALUES {}", vec![one.as_str(); len].join(", "));
        // Full batches share one cached statement; a last, shorter batch is prepared once.
        let (mut cached, mut single);
        let stmt: &mut Statement<'_> = if len == per {
            cached = conn.prepare_cached(&sql)?;
            &mut cached
        } else {
            single = conn.prepare(&sql)?;
            &mut single
        };
        let mut at = 0;
        for i in start..start + len {
            for v in row(i)? {
                at += 1;
                stmt.raw_bind_parameter(at, v)?;
            }
        }
        stmt.raw_execute()?;
        start += len;
    }
    Ok(())
}

/// Page cache (KiB) for an import's one large transaction. The default
/// 2 MiB holds a fraction of the indexes a large import touches, so pages
/// were written out to the WAL mid-transaction and read back: a million
/// tickets took 25% less time with 64 MiB; 256 MiB or 1 GiB did no better.
pub const IMPORT_CACHE_KIB: i64 = 64 * 1024;

/// Runs `f` with the import's page cache and without the memory map, then
/// puts the connection's own settings back (whatever `f` returned). The map
/// speeds up reads all over a big file, but a transaction that grows the
/// file by a gigabyte keeps remapping it: a million tickets took 34 s
/// mapped and 27.5 s not.
pub fn with_import_cache<T>(conn: &Connection, f: impl FnOnce() -> Result<T>) -> Result<T> {
    let own: i64 = conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
    // An in-memory database has no map (the pragma returns no row).
    let map: Option<i64> = conn.query_row("PRAGMA mmap_size", [], |r| r.get(0)).optional()?;
    let cache = if own >= 0 || -own >= IMPORT_CACHE_KIB {
        own // a page count, or already as large: leave it alone
    } else {
        -IMPORT_CACHE_KIB
    };
    let set = |cache: i64, map: Option<i64>| {
        let map = map.map(|m| format!("PRAGMA mmap_size = {m};")).unwrap_or_default();
        conn.execute_batch(&format!("PRAGMA cache_size = {cache}; {map}"))
    };
    set(cache, map.map(|_| 0))?;
    let result = f();
    set(own, map)?;
    result
}

/// How much new full-text index FTS5 keeps in memory before writing it
/// out as a segment, during an import (its default is 1 MiB). A million
/// tickets wrote a thousand small segments that FTS5 then merged again and
/// again; with 64 MiB the tickets' INSERT took 8.9 s instead of 10.3 s
/// (16 MiB: 9.4 s, 256 MiB no better).
pub const IMPORT_FTS_HASH: i64 = 64 << 20;
const FTS5_DEFAULT_HASH: i64 = 1 << 20;

/// Runs `f` with `fts` (an FTS5 table) buffering IMPORT_FTS_HASH bytes,
/// then puts its own setting back (a table that had none is left with
/// none). The setting is stored in the table's config, so it belongs to the
/// caller's transaction; see `restore` for when `f` fails.
fn with_fts_hash<T>(conn: &Connection, fts: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    let own: Option<i64> = conn
        .query_row(&format!("SELECT v FROM \"{fts}_config\" WHERE k = 'hashsize'"), [], |r| r.get(0))
        .optional()?;
    let set = |size: i64| {
        conn.execute(&format!("INSERT INTO \"{fts}\" (\"{fts}\", rank) VALUES ('hashsize', ?1)"), [size])
    };
    set(IMPORT_FTS_HASH.max(own.unwrap_or(FTS5_DEFAULT_HASH)))?;
    restore(conn, f(), || {
        set(own.unwrap_or(FTS5_DEFAULT_HASH))?;
        if own.is_none() {
            // FTS5 now holds its default, as when the row is missing.
            conn.execute(&format!("DELETE FROM \"{fts}_config\" WHERE k = 'hashsize'"), [])?;
        }
        Ok(())
    })
}

/// What a `with_...` step returns once `f` has run: `undo` puts back what
/// the step changed, while the caller's transaction is still open. SQLite
/// rolls a whole transaction back by itself on some errors (a full disk,
/// out of memory); the rollback has then undone the change too, and undoing
/// it again would fail or write outside any transaction. `f`'s own error
/// comes first: it is the one worth reporting.
fn restore<T>(conn: &Connection, result: Result<T>, undo: impl FnOnce() -> Result<()>) -> Result<T> {
    if conn.is_autocommit() {
        return result;
    }
    match result {
        Ok(value) => undo().map(|()| value),
        Err(e) => {
            let _ = undo();
            Err(e)
        }
    }
}

/// Runs `f` with the trigger `name` set aside (see `set_aside`). For
/// events_no_replace, which refuses INSERT OR REPLACE on the timeline: its
/// check ran once per row, and was 2.4 s of the 6.2 s that a million
/// tickets' 3.6M events took to insert; the import's own INSERT is a plain
/// one and cannot replace a row.
pub(crate) fn without_trigger<T>(conn: &Connection, name: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    let sql: String = conn
        .query_row("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?1", [name], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::runtime(format!("the database has no trigger {name}")))?;
    set_aside(conn, "trigger", &format!("trigger {name}"), &[(name.to_string(), sql)], f)
}

/// Runs `f` with the schema objects of one `kind` (trigger or index),
/// given as (name, stored SQL), dropped; then creates them again from that
/// SQL, whatever `f` returned. Only inside the caller's write transaction
/// (`what` names them in the refusal): no other connection can write
/// meanwhile, none ever sees them missing, and a rollback brings them back.
fn set_aside<T>(
    conn: &Connection,
    kind: &str,
    what: &str,
    objects: &[(String, String)],
    f: impl FnOnce() -> Result<T>,
) -> Result<T> {
    if conn.is_autocommit() {
        return Err(Error::runtime(format!("{what} may only be set aside inside a transaction")));
    }
    for (name, _) in objects {
        conn.execute_batch(&format!("DROP {kind} \"{name}\""))?;
    }
    restore(conn, f(), || {
        for (_, sql) in objects {
            conn.execute_batch(sql)?;
        }
        Ok(())
    })
}

/// Runs `f` with the indexes of `table` set aside (see `set_aside`). Creating an index
/// sorts its keys once, where inserting rows updates it row by row in key
/// order all over the b-tree: when at least as many rows come in as the
/// table holds, building afresh costs less. A million tickets into an
/// empty database: SQLite's share went from 18.5 s to 14.5 s (indexes of
/// tickets and events, timed statement by statement).
fn without_indexes<T>(conn: &Connection, table: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    // Indexes SQLite made for UNIQUE constraints have no SQL, and stay.
    let indexes: Vec<(String, String)> = {
        let mut stmt = conn.prepare(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?1 AND sql IS NOT NULL",
        )?;
        let rows = stmt.query_map([table], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    set_aside(conn, "index", &format!("the indexes of {table}"), &indexes, f)
}

/// Runs `f`, which adds `incoming` rows to `table`, without the table's
/// indexes when that is a bulk load: at least as many rows as the table
/// holds (see `without_indexes`).
fn bulk_load<T>(conn: &Connection, table: &str, incoming: usize, f: impl FnOnce() -> Result<T>) -> Result<T> {
    // max(rowid) is one b-tree lookup (tickets and events are never
    // deleted in bulk); count(*) would read the whole table.
    let held: i64 =
        conn.query_row(&format!("SELECT coalesce(max(rowid), 0) FROM main.\"{table}\""), [], |r| r.get(0))?;
    if i64::try_from(incoming).unwrap_or(i64::MAX) >= held {
        without_indexes(conn, table, f)
    } else {
        f()
    }
}

/// An optional integer as an SQL value.
fn int(v: Option<i64>) -> ToSqlOutput<'static> {
    ToSqlOutput::Owned(v.map_or(Value::Null, Value::Integer))
}

/// The id the next inserted ticket gets (tickets has no AUTOINCREMENT:
/// SQLite gives max(id) + 1, so batches name the same ids it would).
pub fn next_ticket_id(conn: &Connection) -> Result<i64> {
    let max: i64 = conn.query_row("SELECT coalesce(max(id), 0) FROM tickets", [], |r| r.get(0))?;
    max.checked_add(1).ok_or_else(|| Error::runtime("ticket ids are exhausted"))
}

const TICKET_COLUMNS: &str = "id, subject, body, requester_id, school_id, category, priority, status, tier, \
     assignee_id, source, created_at, updated_at, updated_by, resolved_at, closed_at, pending_since";
const EVENT_COLUMNS: &str = "ticket_id, at, kind, tech_id, os_user, internal, body, old_value, new_value";

/// An import's tickets, timelines and origins on their way in: staged in
/// temporary tables (this connection's own, with no index or trigger),
/// then moved into the real tables by one INSERT ... SELECT each. The rows,
/// ids, full-text index and order are those of inserting them one by one;
/// what changes is the statement count, and that the timeline's guard
/// against INSERT OR REPLACE is set aside for the events' INSERT (see
/// `without_trigger`). Every
/// statement that fires the full-text trigger opens a savepoint, at which
/// FTS5 writes out its pending index and SQLite journals each page the
/// statement changes: once per statement instead of once per row or batch.
/// The temporary tables belong to the caller's transaction: a failed
/// import rolls them back with everything else.
pub struct Staged<'c> {
    conn: &'c Connection,
    /// Tickets staged so far: with none, finish writes nothing at all.
    tickets: std::cell::Cell<usize>,
    events: std::cell::Cell<usize>,
}

impl<'c> Staged<'c> {
    pub fn begin(conn: &'c Connection) -> Result<Staged<'c>> {
        conn.execute_batch(&format!(
            "DROP TABLE IF EXISTS temp.import_tickets;
             DROP TABLE IF EXISTS temp.import_events;
             DROP TABLE IF EXISTS temp.import_origins;
             CREATE TEMP TABLE import_tickets ({TICKET_COLUMNS});
             CREATE TEMP TABLE import_events ({EVENT_COLUMNS});
             CREATE TEMP TABLE import_origins (row_key, id);"
        ))?;
        Ok(Staged { conn, tickets: Default::default(), events: Default::default() })
    }

    /// Stages `rows` with ids `first_id`, `first_id + 1`, ... (from `next_ticket_id`).
    pub fn tickets(&self, first_id: i64, rows: &[ImportedTicket<'_>]) -> Result<()> {
        self.tickets.set(self.tickets.get() + rows.len());
        let secs = |t: Option<Timestamp>| int(t.map(to_secs));
        insert_many(
            self.conn,
            &format!("INSERT INTO temp.import_tickets ({TICKET_COLUMNS})"),
            rows.len(),
            |i| {
                let t = &rows[i];
                Ok([
                    ToSqlOutput::from(first_id + i as i64),
                    t.row.subject.to_sql()?,
                    t.row.body.to_sql()?,
                    ToSqlOutput::from(t.row.requester_id),
                    ToSqlOutput::from(t.row.school_id),
                    t.row.category.to_sql()?,
                    t.row.priority.to_sql()?,
                    t.row.status.to_sql()?,
                    ToSqlOutput::from(t.row.tier),
                    int(t.row.assignee_id),
                    t.row.source.to_sql()?,
                    ToSqlOutput::from(to_secs(t.row.now)),
                    ToSqlOutput::from(to_secs(t.updated_at)),
                    ToSqlOutput::from(t.row.tech_id),
                    secs(t.resolved_at),
                    secs(t.closed_at),
                    secs(t.pending_since),
                ])
            },
        )
    }

    /// Stages timeline events, in order.
    pub fn events(&self, events: &[NewEvent<'_>]) -> Result<()> {
        self.events.set(self.events.get() + events.len());
        insert_many(
            self.conn,
            &format!("INSERT INTO temp.import_events ({EVENT_COLUMNS})"),
            events.len(),
            |i| {
                let e = &events[i];
                Ok([
                    ToSqlOutput::from(e.ticket_id.get()),
                    ToSqlOutput::from(to_secs(e.at)),
                    e.kind.as_str().to_sql()?,
                    int(e.tech_id),
                    e.os_user.to_sql()?,
                    ToSqlOutput::from(e.internal),
                    e.body.to_sql()?,
                    e.old_value.to_sql()?,
                    e.new_value.to_sql()?,
                ])
            },
        )
    }

    /// Stages where tickets came from: (row key, ticket id).
    pub fn origins(&self, rows: &[(&str, i64)]) -> Result<()> {
        insert_many(self.conn, "INSERT INTO temp.import_origins (row_key, id)", rows.len(), |i| {
            Ok([rows[i].0.to_sql()?, ToSqlOutput::from(rows[i].1)])
        })
    }

    /// Moves the staged rows into tickets, events and imported_rows (in
    /// the order staged) and drops the staging tables.
    pub fn finish(self, origin: &str) -> Result<()> {
        if self.tickets.get() > 0 {
            self.write(origin)?;
        }
        self.conn.execute_batch(
            "DROP TABLE temp.import_tickets; DROP TABLE temp.import_events; DROP TABLE temp.import_origins;",
        )?;
        Ok(())
    }

    /// Moves the rows staged in temp.import_{table} into main.{table}, in order.
    fn move_rows(&self, table: &str, columns: &str) -> Result<()> {
        Ok(self.conn.execute_batch(&format!(
            "INSERT INTO main.{table} ({columns}) SELECT {columns} FROM temp.import_{table} ORDER BY rowid;"
        ))?)
    }

    fn write(&self, origin: &str) -> Result<()> {
        let conn = self.conn;
        bulk_load(conn, "tickets", self.tickets.get(), || {
            with_fts_hash(conn, "tickets_fts", || self.move_rows("tickets", TICKET_COLUMNS))
        })?;
        bulk_load(conn, "events", self.events.get(), || {
            without_trigger(conn, "events_no_replace", || self.move_rows("events", EVENT_COLUMNS))
        })?;
        self.conn.execute(
            "INSERT INTO main.imported_rows (kind, origin, row_key, ticket_id)
                 SELECT 'tickets', ?1, row_key, id FROM temp.import_origins ORDER BY rowid",
            [origin],
        )?;
        Ok(())
    }
}

/// An article as a new one is written (`article.now` is when it was
/// created in the other helpdesk), last changed at `updated_at`.
pub struct ImportedArticle<'a> {
    pub article: NewArticle<'a>,
    pub updated_at: Timestamp,
}

pub fn insert_article(conn: &Connection, a: &ImportedArticle<'_>) -> Result<i64> {
    let (n, updated) = (&a.article, to_secs(a.updated_at));
    conn.prepare_cached(
        "INSERT INTO articles (title, body, category, tags, status, audience, source_ticket_id, author_id,
                               created_at, updated_at, published_at)
         VALUES (:title, :body, :category, :tags, :status, :audience, :ticket, :author, :created, :updated,
                 CASE WHEN :status = 'published' THEN :updated END)",
    )?
    .execute(named_params! {
        ":title": n.title, ":body": n.body, ":category": n.category, ":tags": n.tags,
        ":status": n.status, ":audience": n.audience, ":ticket": n.source_ticket_id,
        ":author": n.author_id, ":created": to_secs(n.now), ":updated": updated,
    })?;
    Ok(conn.last_insert_rowid())
}

/// The time zone of the default calendar (for dates written without one).
pub fn default_tz(conn: &Connection) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT tz FROM calendars ORDER BY name <> 'default', id LIMIT 1", [], |r| r.get(0))
        .optional()?)
}

/// Which rows of an origin (a file name, or the label given with
/// `--origin`) were imported before, as row key -> ticket or article id.
pub fn imported_rows(conn: &Connection, kind: &str, origin: &str) -> Result<HashMap<String, i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT row_key, coalesce(ticket_id, article_id) FROM imported_rows WHERE kind = ?1 AND origin = ?2",
    )?;
    let rows = stmt.query_map(params![kind, origin], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Records where imported rows came from: (row key, ticket or article id).
pub fn record_imported(conn: &Connection, kind: &str, origin: &str, rows: &[(&str, i64)]) -> Result<()> {
    let column = if kind == "articles" { "article_id" } else { "ticket_id" };
    insert_many(
        conn,
        &format!("INSERT INTO imported_rows (kind, origin, row_key, {column})"),
        rows.len(),
        |i| Ok([kind.to_sql()?, origin.to_sql()?, rows[i].0.to_sql()?, ToSqlOutput::from(rows[i].1)]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_import_cache_is_given_back_whatever_happens() {
        let conn = Connection::open_in_memory().unwrap();
        let size = |c: &Connection| -> i64 { c.query_row("PRAGMA cache_size", [], |r| r.get(0)).unwrap() };
        let own = size(&conn);
        let inside = with_import_cache(&conn, || Ok(size(&conn))).unwrap();
        assert_eq!((inside, size(&conn)), (-IMPORT_CACHE_KIB, own));
        let failed: Result<()> = with_import_cache(&conn, || Err(Error::invalid("a bad row")));
        assert!(failed.is_err());
        assert_eq!(size(&conn), own, "given back after a failure too");
        conn.execute_batch("PRAGMA cache_size = 5000").unwrap(); // pages: left as set
        assert_eq!(with_import_cache(&conn, || Ok(size(&conn))).unwrap(), 5000);
    }

    #[test]
    fn a_bulk_load_sets_the_indexes_aside_and_builds_them_again() {
        let store = crate::store::Store::open_in_memory().unwrap();
        let conn = store.conn();
        let indexes = |c: &Connection| -> Vec<(String, String)> {
            let mut stmt = c
                .prepare(
                    "SELECT name, sql FROM sqlite_master
                      WHERE type = 'index' AND tbl_name = 'tickets' AND sql IS NOT NULL ORDER BY name",
                )
                .unwrap();
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(|r| r.unwrap()).collect()
        };
        let own = indexes(conn);
        assert!(own.len() >= 6, "the migrations index tickets: {own:?}");
        let outside = without_indexes(conn, "tickets", || Ok(())).unwrap_err();
        assert!(outside.to_string().contains("inside a transaction"), "{outside}");
        conn.execute_batch("BEGIN").unwrap();
        // Into an empty table any load is a bulk one; fewer rows than the
        // table holds are inserted with the indexes in place.
        assert_eq!(bulk_load(conn, "tickets", 0, || Ok(indexes(conn).len())).unwrap(), 0);
        assert_eq!(indexes(conn), own, "built again");
        conn.execute_batch(
            "CREATE TABLE scratch (x); CREATE INDEX scratch_x ON scratch(x);
             INSERT INTO scratch (rowid, x) VALUES (40, 1);",
        )
        .unwrap();
        let scratch_indexed = || -> Result<bool> {
            let n: i64 =
                conn.query_row("SELECT count(*) FROM sqlite_master WHERE name = 'scratch_x'", [], |r| {
                    r.get(0)
                })?;
            Ok(n == 1)
        };
        assert!(bulk_load(conn, "scratch", 39, scratch_indexed).unwrap(), "39 rows into 40: in place");
        assert!(!bulk_load(conn, "scratch", 40, scratch_indexed).unwrap(), "40 into 40: built afresh");
        assert!(scratch_indexed().unwrap());
        let failed: Result<()> = without_indexes(conn, "tickets", || Err(Error::invalid("bad")));
        assert!(failed.is_err());
        assert_eq!(indexes(conn), own, "built again after a failure too");
        let err = without_indexes(conn, "tickets", || -> Result<()> {
            conn.execute_batch("ROLLBACK").unwrap();
            Err(Error::runtime("database or disk is full"))
        })
        .unwrap_err();
        assert!(err.to_string().contains("disk is full"), "{err}");
        assert_eq!(indexes(conn), own, "the rollback brought them back");
    }

    #[test]
    fn the_timeline_guard_is_back_after_an_import_insert_whatever_happens() {
        let store = crate::store::Store::open_in_memory().unwrap();
        let conn = store.conn();
        let outside = without_trigger(conn, "events_no_replace", || Ok(())).unwrap_err();
        assert!(outside.to_string().contains("inside a transaction"), "{outside}");
        conn.execute_batch("BEGIN").unwrap();
        let guard = |c: &Connection| -> Option<String> {
            c.query_row("SELECT sql FROM sqlite_master WHERE name = 'events_no_replace'", [], |r| r.get(0))
                .optional()
                .unwrap()
        };
        let own = guard(conn).expect("the migrations create the guard");
        let inside = without_trigger(conn, "events_no_replace", || Ok(guard(conn))).unwrap();
        assert_eq!((inside, guard(conn)), (None, Some(own.clone())));
        let failed: Result<()> = without_trigger(conn, "events_no_replace", || Err(Error::invalid("bad")));
        assert!(failed.is_err());
        assert_eq!(guard(conn), Some(own), "created again after a failure too");
        let missing = without_trigger(conn, "no_such_trigger", || Ok(())).unwrap_err();
        assert!(missing.to_string().contains("no trigger no_such_trigger"), "{missing}");
        // SQLite rolled the transaction back by itself (as on a full disk):
        // the rollback brought the trigger back, and f's error is the one reported.
        let err = without_trigger(conn, "events_no_replace", || -> Result<()> {
            conn.execute_batch("ROLLBACK").unwrap();
            Err(Error::runtime("database or disk is full"))
        })
        .unwrap_err();
        assert!(err.to_string().contains("disk is full"), "{err}");
        assert!(guard(conn).is_some());
    }

    #[test]
    fn the_full_text_buffer_is_given_back_whatever_happens() {
        let store = crate::store::Store::open_in_memory().unwrap();
        let conn = store.conn();
        let size = |c: &Connection| -> Option<i64> {
            c.query_row("SELECT v FROM tickets_fts_config WHERE k = 'hashsize'", [], |r| r.get(0))
                .optional()
                .unwrap()
        };
        conn.execute_batch("BEGIN").unwrap();
        assert_eq!(size(conn), None, "FTS5's default until set");
        assert_eq!(with_fts_hash(conn, "tickets_fts", || Ok(size(conn))).unwrap(), Some(IMPORT_FTS_HASH));
        assert_eq!(size(conn), None, "no setting left behind");
        conn.execute("INSERT INTO tickets_fts (tickets_fts, rank) VALUES ('hashsize', ?1)", [5_000_000])
            .unwrap();
        let failed: Result<()> = with_fts_hash(conn, "tickets_fts", || Err(Error::invalid("bad")));
        assert!(failed.is_err());
        assert_eq!(size(conn), Some(5_000_000), "a team's own setting is kept");
    }

    #[test]
    fn the_memory_map_is_off_during_an_import_and_given_back() {
        let dir = tempfile::tempdir().unwrap();
        let conn = Connection::open(dir.path().join("m.db")).unwrap();
        let map = |c: &Connection| -> i64 { c.query_row("PRAGMA mmap_size", [], |r| r.get(0)).unwrap() };
        conn.execute_batch("PRAGMA mmap_size = 1048576").unwrap();
        let own = map(&conn);
        assert!(own > 0, "this build maps files");
        assert_eq!(with_import_cache(&conn, || Ok(map(&conn))).unwrap(), 0);
        assert_eq!(map(&conn), own);
        let _ = with_import_cache(&conn, || -> Result<()> { Err(Error::invalid("a bad row")) });
        assert_eq!(map(&conn), own, "given back after a failure too");
    }
}
