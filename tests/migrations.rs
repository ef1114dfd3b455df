//! Upgrades from a database written by schema version 1 (the committed
//! fixture, see tests/fixtures/make-schema-v1.sh): every row survives, the
//! version moves to the current one, and a failing upgrade changes nothing.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;
use common::{dump, Env};
use deskside::store::{APPLICATION_ID, SCHEMA_VERSION};
use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::process::Stdio;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/schema-v1.db");

/// The tables of schema version 1.
const V1_TABLES: &[&str] = &[
    "articles",
    "audit",
    "calendars",
    "canned_solutions",
    "closures",
    "events",
    "requesters",
    "school_domains",
    "schools",
    "sla_policies",
    "technicians",
    "ticket_articles",
    "ticket_canned",
    "tickets",
];

fn read_only(path: &Path) -> Connection {
    Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap()
}

fn pragma(c: &Connection, name: &str) -> i64 {
    c.query_row(&format!("PRAGMA {name}"), [], |r| r.get(0)).unwrap()
}

/// Every row of `table`, restricted to the columns schema 1 had (later
/// migrations may add columns), in rowid order.
fn rows(c: &Connection, table: &str, columns: &[String]) -> Vec<String> {
    let cols = columns.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ");
    let mut stmt = c.prepare(&format!("SELECT {cols} FROM \"{table}\" ORDER BY rowid")).unwrap();
    let n = columns.len();
    stmt.query_map([], |r| {
        Ok((0..n).map(|i| format!("{:?}", r.get_ref(i).unwrap())).collect::<Vec<_>>().join("|"))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

fn columns(c: &Connection, table: &str) -> Vec<String> {
    let mut stmt = c.prepare(&format!("SELECT name FROM pragma_table_info('{table}')")).unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
}

/// A copy of the fixture in a fresh temp dir, as `env.db`.
fn fixture_env() -> Env {
    let env = Env::empty();
    std::fs::copy(FIXTURE, &env.db).unwrap();
    env
}

fn fixture_rows() -> Vec<(String, Vec<String>, Vec<String>)> {
    // Read from a copy: even a read-only connection leaves -shm and -wal
    // files next to a WAL database, and the fixture directory stays clean.
    let copy = fixture_env();
    let old = read_only(&copy.db);
    assert_eq!(pragma(&old, "user_version"), 1, "the fixture must stay at schema version 1");
    V1_TABLES
        .iter()
        .map(|t| {
            let cols = columns(&old, t);
            let r = rows(&old, t, &cols);
            // Otherwise "every row survives" would prove nothing for this table.
            assert!(!r.is_empty(), "the fixture has no rows in {t}");
            (t.to_string(), cols, r)
        })
        .collect()
}

#[test]
fn a_schema_1_database_keeps_every_row_when_opened() {
    let before = fixture_rows();
    let env = fixture_env();
    // Any command upgrades it; a read is enough.
    let list = env.json(&["ticket", "list", "--all"]);
    assert_eq!(list.as_array().unwrap().len(), 3);

    let c = read_only(&env.db);
    assert_eq!(pragma(&c, "user_version"), SCHEMA_VERSION);
    assert_eq!(pragma(&c, "application_id"), APPLICATION_ID);
    let ok: String = c.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok");
    let fk_problems: i64 =
        c.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).unwrap();
    assert_eq!(fk_problems, 0);
    for (table, cols, old_rows) in &before {
        let new_cols = columns(&c, table);
        for col in cols {
            assert!(new_cols.contains(col), "column {table}.{col} was lost");
        }
        assert_eq!(&rows(&c, table, cols), old_rows, "rows of {table} changed");
    }
}

#[test]
fn upgraded_data_reads_and_works_through_deskside() {
    let env = fixture_env();
    // Sample values, as the faces show them.
    let t1 = env.json(&["ticket", "show", "1"]);
    assert_eq!(t1["subject"], "Printer jammed in room 4");
    assert_eq!(t1["body"], "Tray 2 jams.\nEvery time.");
    assert_eq!((t1["status"].as_str(), t1["assignee"].as_str()), (Some("resolved"), Some("tone")));
    assert_eq!(t1["version"], 5);
    let kinds: Vec<&str> =
        t1["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["created", "assigned", "status", "note", "reply", "article", "reply", "status"]);
    let note = &t1["events"][3];
    assert_eq!(
        (note["internal"].as_bool(), note["body"].as_str()),
        (Some(true), Some("Rollers worn; ordered a kit."))
    );
    let t3 = env.json(&["ticket", "show", "3"]);
    assert_eq!(t3["subject"], "Weird \u{1b}[31mred\u{1b}[0m subject");
    assert_eq!(t3["requester_name"], "Zoë O'Brien; DROP TABLE tickets;--");
    let t2 = env.json(&["ticket", "show", "2"]);
    assert_eq!((t2["status"].as_str(), t2["tier"].as_i64()), (Some("open"), Some(1)));

    let schools = env.json(&["school", "list"]);
    let bede = schools.as_array().unwrap().iter().find(|s| s["code"] == "BEDE").unwrap();
    assert_eq!(bede["domains"], serde_json::json!(["mail.stbedes.sch.uk", "stbedes.sch.uk"]));
    let techs = env.json(&["tech", "list"]);
    assert_eq!(techs.as_array().unwrap().len(), 4);

    // And the upgraded file takes new work, with versions carrying on.
    let t = env.json_as("tone", &["ticket", "reopen", "1", "--if-version", "5"]);
    assert_eq!((t["status"].as_str(), t["version"].as_i64()), (Some("open"), Some(6)));
    env.run_as("tone", &["ticket", "note", "1", "--internal", "After the upgrade"]).success();
    let n = env.json(&[
        "ticket",
        "new",
        "--subject",
        "New after upgrade",
        "--requester",
        "b.khan@hillside.sch.uk",
    ]);
    assert_eq!(n["id"], 4);
}

#[test]
fn eight_processes_opening_an_old_database_at_once_all_succeed() {
    let env = fixture_env();
    let children: Vec<_> = (0..8)
        .map(|_| {
            env.std_cmd()
                .args(["--json", "ticket", "list", "--all"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    assert_eq!(pragma(&read_only(&env.db), "user_version"), SCHEMA_VERSION);
}

#[test]
fn a_failing_upgrade_changes_nothing_and_says_so() {
    let env = fixture_env();
    // Sabotage: a table the reliability migration creates already exists.
    {
        let c = Connection::open(&env.db).unwrap();
        c.execute_batch("CREATE TABLE presence (x); INSERT INTO presence VALUES (1);").unwrap();
    }
    let before = dump(&env.db);
    let (code, err) = env.fail(&["ticket", "list"]);
    assert_eq!(code, 1);
    assert!(err.contains("migration") && err.contains("failed") && err.contains("left unchanged"), "{err}");
    assert_eq!(dump(&env.db), before);
    assert_eq!(pragma(&read_only(&env.db), "user_version"), 1);
}
