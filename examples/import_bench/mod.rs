//! The import row of the benchmark: `import csv` of N tickets exported by
//! another helpdesk, into a fresh database set up the way a team has it
//! before migrating (`init`, the schools with their domains, the
//! technicians), beside its floor: the least SQLite needs to store the same
//! rows. The floor copies the rows the import stored (requesters, tickets,
//! timeline events, origins), already parsed and staged in another
//! database, into a second fresh database in one transaction, with the
//! tables' indexes and triggers built after the load and the tickets'
//! full-text index rebuilt once: what is left of an import once parsing,
//! matching and checking cost nothing.
//!
//! The CSV is generated once per (tickets, schools, seed) into the
//! benchmark's data directory and reused; only `Desk::import_csv` is timed,
//! not the generation or the reading of the file.

use crate::corpus::{self, vocab::*};
use chrono::{Duration as Days, NaiveDate, NaiveDateTime};
use deskside::clock::FixedClock;
use deskside::domain::Tier;
use deskside::rng::Rng;
use deskside::service::csv_import::{CsvOptions, Kind};
use deskside::service::directory::NewSchool;
use deskside::service::{Desk, InitOptions};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Bump when the generated file changes, so a stale cache is not reused.
const FORMAT: u32 = 1;
const TECHS: usize = 24;
const PEOPLE_PER_SCHOOL: usize = 40;

pub struct Measured {
    pub tickets: usize,
    pub import: Duration,
    pub floor: Duration,
}

/// One ticket as the other helpdesk (Freshdesk-shaped) exported it.
struct Gen {
    number: usize,
    school: usize,
    person: usize,
    category: &'static str,
    subject: String,
    paragraphs: Vec<String>,
    html: bool,
    /// (their word, ours)
    status: (&'static str, &'static str),
    priority: (&'static str, &'static str),
    source: (&'static str, &'static str),
    /// Technician index; written as its display name or its login.
    agent: Option<(usize, bool)>,
    created: NaiveDateTime,
    updated: NaiveDateTime,
    resolved: Option<NaiveDateTime>,
    closed: Option<NaiveDateTime>,
}

fn tech_login(i: usize) -> String {
    format!("tech{i:02}")
}

fn tech_name(i: usize) -> String {
    format!("{} {}", FIRST[i % FIRST.len()], LAST[(i * 7) % LAST.len()])
}

fn person(school: usize, p: usize) -> (String, String) {
    let (f, l) = (FIRST[(school + p) % FIRST.len()], LAST[(school * 3 + p) % LAST.len()]);
    (format!("{f} {l}"), format!("{}.{}{p}@academy{school:03}.sch.uk", f.to_lowercase(), l.to_lowercase()))
}

/// A local school-day time (07:00-17:59), so no row falls in a clock change.
fn at(day: NaiveDate, rng: &mut Rng) -> NaiveDateTime {
    day.and_hms_opt(rng.range(7, 17) as u32, rng.range(0, 59) as u32, rng.range(0, 59) as u32).unwrap()
}

/// The tickets, deterministic for the seed: three years ending a few days
/// before the corpus's "now", most closed or resolved, recent ones still
/// new, open or pending; a fifth with HTML descriptions (as Freshdesk
/// writes them), six in ten with an agent.
fn generate(n: usize, schools: usize, seed: u64) -> impl Iterator<Item = Gen> {
    let mut rng = Rng(seed ^ 0x13A0_2C5F);
    let last = corpus::corpus_now().date_naive() - Days::days(1);
    let span = 3 * 365;
    let lines = [
        "The {thing} in {room} is {problem}.",
        "It started this morning and a class is waiting.",
        "We tried turning it off and on again; no change.",
        "Could someone look at it before period 3 please?",
        "It was fine yesterday afternoon.",
        "Several staff in {room} have the same thing.",
    ];
    (0..n).map(move |i| {
        let back = span - (span * i as i64) / n.max(1) as i64;
        let day = last - Days::days(back.max(0));
        let created = at(day, &mut rng);
        let category = *rng.pick(&CATEGORIES);
        let (templates, things, problems) = topics(category);
        let (thing, problem, room) = (*rng.pick(things), *rng.pick(problems), *rng.pick(&ROOMS));
        let subject = fill(rng.pick::<&str>(templates), thing, problem, room);
        let count = 1 + rng.below(3) as usize;
        let paragraphs: Vec<String> = (0..count)
            .map(|k| {
                fill(
                    if k == 0 { lines[0] } else { lines[1 + rng.below(lines.len() as u64 - 1) as usize] },
                    thing,
                    problem,
                    room,
                )
            })
            .collect();
        let recent = back < 10;
        let status = match (recent, rng.below(20)) {
            (false, 0..=2) => ("Resolved", "resolved"),
            (false, _) => ("Closed", "closed"),
            (true, 0..=3) => ("Open", "open"),
            (true, 4..=6) => ("Waiting on Customer", "pending"),
            (true, 7..=9) => ("Pending", "pending"),
            (true, 10..=13) => ("Resolved", "resolved"),
            (true, 14..=16) => ("New", "new"),
            (true, _) => ("Closed", "closed"),
        };
        let priority = *rng.pick(&[
            ("Low", "low"),
            ("Medium", "normal"),
            ("Medium", "normal"),
            ("Medium", "normal"),
            ("High", "high"),
            ("Urgent", "urgent"),
        ]);
        let source = *rng.pick(&[
            ("Email", "email"),
            ("Email", "email"),
            ("Phone", "phone"),
            ("Portal", "self-service"),
            ("Walk-in", "walk-in"),
        ]);
        let agent =
            (status.1 != "new" && rng.chance(60)).then(|| (rng.below(TECHS as u64) as usize, rng.chance(50)));
        let done_day = (day + Days::days(rng.range(0, 3))).min(last);
        let (updated, resolved, closed) = match status.1 {
            "resolved" => {
                let r = at(done_day, &mut rng).max(created);
                (r, Some(r), None)
            }
            "closed" => {
                let r = at(done_day, &mut rng).max(created);
                let c = at((done_day + Days::days(rng.range(1, 5))).min(last), &mut rng).max(r);
                (c, Some(r), Some(c))
            }
            "new" => (created, None, None),
            _ => (at(done_day, &mut rng).max(created), None, None),
        };
        Gen {
            number: 500_000 + i,
            school: rng.below(schools as u64) as usize,
            person: rng.below(PEOPLE_PER_SCHOOL as u64) as usize,
            category,
            subject,
            paragraphs,
            html: rng.chance(20),
            status,
            priority,
            source,
            agent,
            created,
            updated,
            resolved,
            closed,
        }
    })
}

fn stamp(t: Option<NaiveDateTime>) -> String {
    t.map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string()).unwrap_or_default()
}

/// The export, written once into target/bench/ and reused.
fn csv_cached(n: usize, schools: usize, seed: u64) -> PathBuf {
    let dir = corpus::data_dir();
    let path = dir.join(format!("import-v{FORMAT}-s{schools}-t{n}-{seed}.csv"));
    if path.exists() {
        return path;
    }
    let t = Instant::now();
    let tmp = path.with_extension("csv.tmp");
    let mut w = csv::Writer::from_path(&tmp).expect("write the import CSV");
    w.write_record([
        "Ticket ID",
        "Subject",
        "Description",
        "Status",
        "Priority",
        "Type",
        "Source",
        "Agent",
        "Created time",
        "Last update time",
        "Resolved time",
        "Closed time",
        "Full name",
        "Email",
    ])
    .unwrap();
    for g in generate(n, schools, seed) {
        let body = if g.html {
            g.paragraphs.iter().map(|p| format!("<p>{p}</p>")).collect::<String>()
        } else {
            g.paragraphs.join(" ")
        };
        let agent = match g.agent {
            Some((i, true)) => tech_name(i),
            Some((i, false)) => tech_login(i),
            None => String::new(),
        };
        let (name, email) = person(g.school, g.person);
        w.write_record([
            g.number.to_string().as_str(),
            &g.subject,
            &body,
            g.status.0,
            g.priority.0,
            g.category,
            g.source.0,
            &agent,
            &stamp(Some(g.created)),
            &stamp(Some(g.updated)),
            &stamp(g.resolved),
            &stamp(g.closed),
            &name,
            &email,
        ])
        .unwrap();
    }
    w.flush().unwrap();
    drop(w);
    std::fs::rename(&tmp, &path).expect("keep the import CSV");
    eprintln!("generated {} in {:.1}s", path.display(), t.elapsed().as_secs_f64());
    path
}

/// Removes a database file and its WAL and shared-memory files.
fn remove_db(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(p);
    }
}

/// A fresh database as a team has it before migrating: `init`, the
/// schools with their domains, the technicians.
fn fresh(path: &Path, schools: usize) -> Desk {
    remove_db(path);
    let clock = Box::new(FixedClock(corpus::corpus_now()));
    let mut desk = Desk::init(path, &InitOptions::default(), clock, "lead", "bench").expect("init");
    for s in 0..schools {
        let school = NewSchool {
            name: format!("Academy {s:03}"),
            code: format!("S{s:03}"),
            domains: vec![format!("academy{s:03}.sch.uk")],
            calendar: None,
        };
        desk.add_school(&school).expect("add a school");
    }
    for i in 0..TECHS {
        let tier = [Tier::One, Tier::Two, Tier::Three][(i >= 15) as usize + (i >= 20) as usize];
        desk.add_tech(&tech_login(i), &tech_name(i), tier, false).expect("add a technician");
    }
    desk
}

/// The floor: the import's stored rows (requesters, tickets, timelines,
/// origins and the audit rows the import wrote) copied from `staged`
/// (attached, already parsed) into a fresh database, indexes and triggers
/// of the receiving tables set aside and built after the load, the
/// tickets' full-text index rebuilt once with the import's buffer size,
/// all in one transaction, on the connection `Desk` opens (its pragmas)
/// with the import's page cache.
fn floor(path: &Path, staged: &Path, schools: usize) -> Duration {
    let desk = fresh(path, schools);
    let conn = desk.store().conn();
    conn.execute("ATTACH DATABASE ?1 AS staged", [staged.to_string_lossy()]).unwrap();
    // The same page cache as the import gives itself, so the ratio is the
    // import's own work, not a better-tuned connection.
    conn.execute_batch(&format!("PRAGMA cache_size = -{}", deskside::store::import::IMPORT_CACHE_KIB))
        .unwrap();
    // The audit rows the import wrote (one per requester it added, one for
    // the import): those after the ones `fresh` wrote.
    let audited: i64 =
        conn.query_row("SELECT coalesce(max(id), 0) FROM main.audit", [], |r| r.get(0)).unwrap();
    let tables = ["requesters", "tickets", "events", "imported_rows", "audit"];
    let objects: Vec<(String, String)> = {
        let mut stmt = conn
            .prepare(
                "SELECT name, sql FROM main.sqlite_master WHERE type IN ('index', 'trigger') AND sql IS NOT NULL
                    AND tbl_name IN ('requesters', 'tickets', 'events', 'imported_rows', 'audit')",
            )
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
    };
    let t = Instant::now();
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    for (name, _) in &objects {
        conn.execute_batch(&format!(
            "DROP INDEX IF EXISTS main.\"{name}\"; DROP TRIGGER IF EXISTS main.\"{name}\";"
        ))
        .unwrap();
    }
    for table in tables {
        // imported_rows has no rowid (WITHOUT ROWID): its key orders it.
        let order = if table == "imported_rows" { "" } else { " ORDER BY rowid" };
        let only = if table == "audit" { format!(" WHERE id > {audited}") } else { String::new() };
        conn.execute_batch(&format!("INSERT INTO main.{table} SELECT * FROM staged.{table}{only}{order}"))
            .unwrap();
    }
    for (_, sql) in &objects {
        conn.execute_batch(sql).unwrap();
    }
    // The full-text buffer the import gives itself (FTS5's default 1 MiB
    // writes many small segments and merges them again): the same for the
    // rebuild, set back to the default before the commit as the import does.
    let hash = deskside::store::import::IMPORT_FTS_HASH;
    conn.execute_batch(&format!(
        "INSERT INTO main.tickets_fts (tickets_fts, rank) VALUES ('hashsize', {hash});
         INSERT INTO main.tickets_fts (tickets_fts) VALUES ('rebuild');
         DELETE FROM main.tickets_fts_config WHERE k = 'hashsize';
         COMMIT"
    ))
    .unwrap();
    let took = t.elapsed();
    conn.execute_batch("DETACH DATABASE staged").unwrap();
    took
}

/// The same tickets through `import csv` and through the floor; checks on
/// a sample that both stored the same rows.
pub fn measure(n: usize, schools: usize, seed: u64) -> Measured {
    let (import, imported) = import(n, schools, seed);
    let bare = imported.with_file_name("import-floor.db");
    let floor = floor(&bare, &imported, schools);
    same_rows(&imported, &bare, n);
    // Three gigabytes nobody reads again: left behind they crowd the corpus
    // out of the OS page cache, and the next run's first reads go to disk.
    remove_db(&imported);
    remove_db(&bare);
    Measured { tickets: n, import, floor }
}

/// `import csv` of the cached export into a fresh database: the time of
/// `Desk::import_csv` alone, and the database.
pub fn import(n: usize, schools: usize, seed: u64) -> (Duration, PathBuf) {
    let csv = csv_cached(n, schools, seed);
    let bytes = std::fs::read(&csv).expect("read the import CSV");
    let db = csv.with_file_name("import-run.db");
    let mut desk = fresh(&db, schools);
    let opts =
        CsvOptions { kind: Kind::Tickets, origin: "freshdesk-export.csv".into(), ..CsvOptions::default() };
    let t = Instant::now();
    let summary = desk.import_csv(&bytes, &opts).expect("import the CSV");
    let took = t.elapsed();
    assert_eq!(summary.imported, n, "every row imported");
    (took, db)
}

/// The floor must insert what the import stored: compare a sample of rows.
fn same_rows(a: &Path, b: &Path, n: usize) {
    let sql = "SELECT t.subject, t.body, t.status, t.priority, t.category, t.source, t.created_at,
                      t.updated_at, t.resolved_at, t.closed_at, t.pending_since, r.email, s.code,
                      (SELECT login FROM technicians WHERE id = t.assignee_id)
                 FROM tickets t JOIN requesters r ON r.id = t.requester_id JOIN schools s ON s.id = t.school_id
                WHERE t.id = ?1";
    let (ca, cb) = (rusqlite::Connection::open(a).unwrap(), rusqlite::Connection::open(b).unwrap());
    let row = |conn: &rusqlite::Connection, id: i64| -> Vec<rusqlite::types::Value> {
        conn.query_row(sql, [id], |r| (0..14).map(|i| r.get(i)).collect()).unwrap()
    };
    for id in (1..=n as i64).step_by((n / 500).max(1)) {
        assert_eq!(row(&ca, id), row(&cb, id), "ticket {id}: the floor must insert what the import stores");
    }
}
