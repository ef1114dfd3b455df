//! Export/import and backup through the real binary: the JSON round trip,
//! other helpdesks' CSV (all or nothing), and a backup taken while other
//! processes keep writing.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;
use common::Env;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn csv(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/csv").join(name)
}

fn mail(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mail").join(format!("{name}.eml")).display().to_string()
}

/// A database with a bit of everything: demo data, mail in (with an
/// attachment and a reject), mail out, an internal note.
fn busy_env() -> Env {
    let env = Env::demo();
    for m in ["multipart-alternative", "with-screenshot", "bounce", "latin1"] {
        env.run(&["mail", "ingest", &mail(m)]).success();
    }
    env.run(&["mail", "ingest", &mail("missing-from")]).failure();
    let t = env.json(&["ticket", "list", "--limit", "1"])[0]["id"].as_i64().unwrap().to_string();
    env.run(&["ticket", "note", &t, "--internal", "internal: call the supplier"]).success();
    env.run(&["ticket", "note", &t, "--public", "On our way."]).success();
    let out = env.dir.path().join("outbox");
    env.run(&["mail", "send", "--from", "it@trust.sch.uk", "--outbox-dir", out.to_str().unwrap()]).success();
    env
}

fn export(env: &Env) -> Vec<u8> {
    let out = env.cmd().args(["export", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

#[test]
fn json_export_round_trips_byte_for_byte() {
    let env = busy_env();
    let first = export(&env);
    let doc: Value = serde_json::from_slice(&first).unwrap();
    let tables: Vec<&str> =
        doc["tables"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    for want in [
        "schools",
        "school_domains",
        "calendars",
        "closures",
        "requesters",
        "technicians",
        "tickets",
        "events",
        "articles",
        "canned_solutions",
        "ticket_articles",
        "ticket_canned",
        "sla_policies",
        "audit",
        "mail_messages",
        "mail_attachments",
        "mail_rejects",
        "mail_outbox",
    ] {
        assert!(tables.contains(&want), "{want} missing from the export");
    }
    let rows = |name: &str| {
        doc["tables"].as_array().unwrap().iter().find(|t| t["name"] == name).unwrap()["rows"]
            .as_array()
            .unwrap()
            .len()
    };
    assert!(
        rows("tickets") > 300 && rows("events") > 1000 && rows("articles") > 50 && rows("mail_rejects") == 2
    );
    let file = env.dir.path().join("all.json");
    std::fs::write(&file, &first).unwrap();

    // Into a database that does not exist yet.
    let fresh = Env::empty();
    fresh.run(&["import", "json", file.to_str().unwrap()]).success();
    assert_eq!(export(&fresh), first, "second export differs");
    let sorted = |dump: String| {
        let mut lines: Vec<String> = dump.lines().map(str::to_string).collect();
        lines.sort();
        lines
    };
    // Every row, ids included (rows of tables keyed by text may sit in another physical order).
    assert!(sorted(fresh.dump()) == sorted(env.dump()), "the imported rows differ");

    // Into one just created by init (its seed is replaced).
    let inited = Env::new();
    let summary = inited.json(&["import", "json", file.to_str().unwrap()]);
    assert_eq!(summary["tables"]["tickets"].as_u64(), Some(rows("tickets") as u64));
    assert_eq!(export(&inited), first);
    // The imported database works: raw mail kept, threads intact.
    let raw = inited.cmd().args(["mail", "rejects", "--raw", "2"]).output().unwrap();
    assert_eq!(raw.stdout, std::fs::read(mail("missing-from")).unwrap());
    let r = inited.json(&["mail", "ingest", &mail("reply-quoted")]);
    assert_eq!(r[0]["outcome"], "replied");

    // Never into a database with data: refused, unchanged.
    let before = env.dump();
    let (code, err) = env.fail(&["import", "json", file.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("needs an empty database") && err.contains("nothing was changed"), "{err}");
    assert_eq!(env.dump(), before);
}

#[test]
fn a_broken_export_is_refused_whole() {
    let env = Env::new().with_people();
    env.ticket("Printer offline");
    let good = String::from_utf8(export(&env)).unwrap();
    let target = Env::new();
    let before = target.dump();
    let cases = [
        (good.replace("\"deskside-export\"", "\"other\""), "not a deskside export"),
        (good.replace("\"schema\": ", "\"schema\": 9"), "newer deskside"),
        (good.replace("\"name\": \"tickets\"", "\"name\": \"nonsense\""), "unknown table 'nonsense'"),
        (good.replace("\"subject\"", "\"subjekt\""), "unknown column 'subjekt'"),
        (good.replacen("\"Printer offline\"", "null", 1), "table tickets, row 1"),
        (good[..good.len() / 2].to_string(), "not a deskside export"),
    ];
    for (i, (text, want)) in cases.iter().enumerate() {
        let file = target.dir.path().join(format!("bad{i}.json"));
        std::fs::write(&file, text).unwrap();
        let (code, err) = target.fail(&["import", "json", file.to_str().unwrap()]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains(want), "case {i}: {err}");
        assert_eq!(target.dump(), before, "case {i} changed the database");
    }
    // A dangling reference is caught before anything is kept.
    let broken = good.replace("[1,\"default\"", "[77,\"default\"");
    let file = target.dir.path().join("dangling.json");
    std::fs::write(&file, broken).unwrap();
    let (_, err) = target.fail(&["import", "json", file.to_str().unwrap()]);
    assert!(err.contains("refers to a missing row in calendars"), "{err}");
    assert_eq!(target.dump(), before);
    // Only a lead imports or exports everything.
    let (code, _) = env.fail_as("tone", &["export", "json"]);
    assert_eq!(code, 5);
}

#[test]
fn helpdesk_csv_exports_import_with_their_history() {
    let env = Env::new().with_people();
    let s = env.json(&["import", "csv", "--kind", "tickets", csv("freshdesk-tickets.csv").to_str().unwrap()]);
    assert_eq!((s["imported"].as_u64(), s["requesters_added"].as_u64()), (Some(3), Some(2)));
    let ids: Vec<i64> = s["ids"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect();
    let t = env.json(&["ticket", "show", &ids[0].to_string()]);
    assert_eq!(
        (t["status"].as_str(), t["priority"].as_str(), t["category"].as_str()),
        (Some("closed"), Some("normal"), Some("hardware"))
    );
    assert_eq!(t["body"], "The charger light is off.\n\nTried another socket.", "HTML description as text");
    assert_eq!(
        (t["created_at"].as_str(), t["closed_at"].as_str()),
        (Some("2026-09-14T07:12:00Z"), Some("2026-09-16T08:00:00Z")),
        "London summer time"
    );
    assert_eq!(t["resolved_at"], "2026-09-14T10:00:00Z");
    let note = t["events"].as_array().unwrap().iter().find(|e| e["kind"] == "note").unwrap();
    assert_eq!(
        (note["internal"].as_bool(), note["body"].as_str()),
        (Some(true), Some("Imported from freshdesk-tickets.csv, line 2 (ticket 1042 there)."))
    );
    let t = env.json(&["ticket", "show", &ids[1].to_string()]);
    assert_eq!(
        (t["assignee"].as_str(), t["source"].as_str(), t["school"].as_str()),
        (Some("ttwo"), Some("phone"), Some("HILL"))
    );
    let t = env.json(&["ticket", "show", &ids[2].to_string()]);
    assert_eq!((t["status"].as_str(), t["source"].as_str()), (Some("pending"), Some("self-service")));
    assert_eq!(t["body"], "Password expired; reset needed \"today\" please");
    // Imports are history: no acknowledgement goes out for them.
    assert_eq!(env.json(&["mail", "outbox"]).as_array().unwrap().len(), 0);

    // osTicket: day-first dates, "From" is the name, the agent by login.
    let s = env.json(&["import", "csv", "--kind", "tickets", csv("osticket-tickets.csv").to_str().unwrap()]);
    let t = env.json(&["ticket", "show", &s["ids"][0].to_string()]);
    assert_eq!(
        (t["status"].as_str(), t["assignee"].as_str(), t["created_at"].as_str()),
        (Some("resolved"), Some("tone"), Some("2026-10-24T08:15:00Z"))
    );
    assert_eq!(t["requester_name"], "Helen Marsh");

    // Zammad: semicolons, "2 normal", "pending reminder", a column mapped by hand.
    let s = env.json(&[
        "import",
        "csv",
        "--kind",
        "tickets",
        csv("zammad-tickets.csv").to_str().unwrap(),
        "--map",
        "note=body",
    ]);
    let t = env.json(&["ticket", "show", &s["ids"][0].to_string()]);
    assert_eq!(
        (t["status"].as_str(), t["body"].as_str(), t["subject"].as_str()),
        (Some("pending"), Some("Tray 2 only"), Some("Printer in staff room jams"))
    );
    let t = env.json(&["ticket", "show", &s["ids"][1].to_string()]);
    assert_eq!((t["school"].as_str(), t["priority"].as_str()), (Some("UNASSIGNED"), Some("high")));

    // Excel on a school PC: Windows-1252.
    let s =
        env.json(&["import", "csv", "--kind", "tickets", csv("excel-cp1252-tickets.csv").to_str().unwrap()]);
    assert_eq!(s["encoding"], "windows-1252");
    let t = env.json(&["ticket", "show", &s["ids"][0].to_string()]);
    assert_eq!(
        (t["subject"].as_str(), t["body"].as_str()),
        (Some("Café till “offline”"), Some("Costs €40 to fix – urgent"))
    );

    // Articles: HTML body, tags, visibility; unknown authors fall back to the importer.
    let s =
        env.json(&["import", "csv", "--kind", "articles", csv("freshdesk-articles.csv").to_str().unwrap()]);
    assert_eq!(s["imported"], 2);
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    let rows: Vec<(String, String, String, String, String, String)> = conn
        .prepare("SELECT a.title, a.body, a.status, a.audience, a.tags, t.login FROM articles a JOIN technicians t ON t.id = a.author_id ORDER BY a.id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        rows[0],
        (
            "Connect to the staff Wi-Fi".into(),
            "Steps\n\n1. Open Settings\n2. Choose Staff".into(),
            "published".into(),
            "public".into(),
            "wifi, network".into(),
            "ttwo".into()
        )
    );
    assert_eq!((rows[1].2.as_str(), rows[1].3.as_str(), rows[1].5.as_str()), ("draft", "internal", "lead"));
}

#[test]
fn one_bad_row_names_its_line_and_field_and_writes_nothing() {
    let env = Env::new().with_people();
    let before = env.dump();
    let (code, err) =
        env.fail(&["import", "csv", "--kind", "tickets", csv("bad-row-tickets.csv").to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("line 3, field priority (column 'Priority'): unknown priority 'Lowish'"), "{err}");
    assert!(err.contains("nothing was imported"), "{err}");
    assert_eq!(env.dump(), before);

    // A quoted field over several lines: the line is where the record starts.
    let file = env.dir.path().join("multi.csv");
    std::fs::write(&file, "Subject,Email,Created\nA,\"x\ny\",2026-01-01\nB,not-an-email,2026-01-01\n")
        .unwrap();
    let (_, err) = env.fail(&["import", "csv", "--kind", "tickets", file.to_str().unwrap()]);
    assert!(err.contains("line 2, field requester_email (column 'Email')"), "{err}");
    std::fs::write(&file, "Subject,Email,Created\nA,a@stbedes.sch.uk,2027-01-01\n").unwrap();
    let (_, err) = env.fail(&["import", "csv", "--kind", "tickets", file.to_str().unwrap()]);
    assert!(
        err.contains("line 2, field created_at (column 'Created'): '2027-01-01' is in the future"),
        "{err}"
    );
    std::fs::write(&file, "Subject,Email\nA,a@stbedes.sch.uk,extra\n").unwrap();
    let (_, err) = env.fail(&["import", "csv", "--kind", "tickets", file.to_str().unwrap()]);
    assert!(err.contains("line 2: 3 fields where the header has 2"), "{err}");
    let (code, err) =
        env.fail(&["import", "csv", "--kind", "tickets", csv("freshdesk-articles.csv").to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("no column for requester_email"), "{err}");
    let (code, _) = env.fail_as(
        "tone",
        &["import", "csv", "--kind", "tickets", csv("freshdesk-tickets.csv").to_str().unwrap()],
    );
    assert_eq!(code, 5);
    assert_eq!(env.dump(), before);
}

#[test]
fn backup_while_other_processes_write_passes_integrity_check() {
    let env = Env::new().with_people();
    // Some bulk so the copy takes a moment: 20,000 tickets and events.
    {
        let conn = rusqlite::Connection::open(&env.db).unwrap();
        conn.execute_batch(
            "BEGIN;
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
             INSERT INTO tickets (subject, body, requester_id, school_id, priority, status, tier, source, created_at, updated_at)
             SELECT 'Bulk ticket ' || i, printf('%.400c', 'x'), 1, 2, 'normal', 'new', 1, 'phone', 1795000000, 1795000000 FROM n;
             INSERT INTO events (ticket_id, at, kind, os_user) SELECT id, created_at, 'created', 'test' FROM tickets;
             COMMIT;",
        )
        .unwrap();
    }
    let count = |db: &Path| -> i64 {
        rusqlite::Connection::open(db)
            .unwrap()
            .query_row("SELECT count(*) FROM tickets", [], |r| r.get(0))
            .unwrap()
    };
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writers: Vec<_> = (0..3)
        .map(|w| {
            let stop = stop.clone();
            let mut cmd = env.cmd();
            cmd.args([
                "ticket",
                "new",
                "--subject",
                &format!("written by process {w}"),
                "--requester",
                "r.hughes@stbedes.sch.uk",
            ]);
            let cmd = std::sync::Mutex::new(cmd);
            std::thread::spawn(move || {
                let mut n = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    assert!(cmd.lock().unwrap().output().unwrap().status.success());
                    n += 1;
                }
                n
            })
        })
        .collect();
    // Let the writers get going, then back up three times while they write.
    while count(&env.db) < 20_010 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let mut seen = Vec::new();
    for i in 0..3 {
        let file = env.dir.path().join(format!("backup-{i}.db"));
        let before = count(&env.db);
        let info = env.json(&["backup", file.to_str().unwrap()]);
        let after = count(&env.db);
        assert_eq!(info["integrity"], "ok");
        let conn = rusqlite::Connection::open(&file).unwrap();
        let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
        assert_eq!(check, "ok");
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, "delete", "a self-contained file");
        let copied = count(&file);
        assert!(copied >= before && copied <= after, "{before} <= {copied} <= {after}");
        seen.push(copied);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let written: usize = writers.into_iter().map(|w| w.join().unwrap()).sum();
    assert!(written > 3, "the writers kept writing ({written} tickets)");
    // The backup is a working deskside database.
    let copy = env.dir.path().join("backup-2.db");
    let out = env.cmd().env("DESKSIDE_DB", &copy).args(["--json", "ticket", "show", "1"]).output().unwrap();
    assert!(out.status.success());

    // Never over an existing file without --force.
    let existing = env.dir.path().join("backup-0.db");
    let (code, err) = env.fail(&["backup", existing.to_str().unwrap()]);
    assert_eq!((code, err.contains("already exists: pass --force")), (2, true), "{err}");
    assert_eq!(count(&existing), seen[0], "the old backup is untouched");
    env.run(&["backup", existing.to_str().unwrap(), "--force"]).success();
    assert!(count(&existing) >= seen[2]);
    let (code, _) = env.fail(&["backup", env.db.to_str().unwrap(), "--force"]);
    assert_eq!(code, 2, "never over the database itself");
}
