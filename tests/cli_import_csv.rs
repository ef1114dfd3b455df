//! `import csv` run again: rows imported before from the same origin are
//! skipped, never duplicated; and an import large enough to be written in
//! several batches stores what one-by-one inserts would (ids, timelines,
//! the full-text index).
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

fn import(env: &Env, kind: &str, file: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["import", "csv", "--kind", kind, file.to_str().unwrap()];
    args.extend_from_slice(extra);
    env.json(&args)
}

fn ids(v: &Value) -> Vec<i64> {
    v.as_array().unwrap().iter().map(|i| i.as_i64().unwrap()).collect()
}

fn count(env: &Env, table: &str) -> i64 {
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

#[test]
fn the_same_export_again_adds_nothing() {
    let env = Env::new().with_people();
    let first = import(&env, "tickets", &csv("freshdesk-tickets.csv"), &[]);
    assert_eq!((first["imported"].as_u64(), first["skipped"].as_u64()), (Some(3), Some(0)));
    let before = env.dump();

    // The same file again: every row is recognised, nothing is written.
    let again = import(&env, "tickets", &csv("freshdesk-tickets.csv"), &[]);
    assert_eq!((again["imported"].as_u64(), again["skipped"].as_u64()), (Some(0), Some(3)));
    assert_eq!(ids(&again["skipped_ids"]), ids(&first["ids"]), "the tickets they became the first time");
    assert_eq!(env.dump(), before, "no ticket, event, requester or audit row");
    let out =
        env.run(&["import", "csv", "--kind", "tickets", csv("freshdesk-tickets.csv").to_str().unwrap()]);
    let text = String::from_utf8(out.success().get_output().stdout.clone()).unwrap();
    assert!(
        text.contains("Imported 0 tickets")
            && text.contains("skipped 3 row(s) imported from freshdesk-tickets.csv before"),
        "{text}"
    );
    assert_eq!(env.dump(), before);

    // A later export of the same helpdesk under another name: with the same
    // origin only the new ticket comes in; the known ones are left as they are.
    let later = env.dir.path().join("tickets-december.csv");
    let mut text = std::fs::read_to_string(csv("freshdesk-tickets.csv")).unwrap();
    text = text.replace(",Open,Low,Phone,", ",Closed,Low,Phone,");
    text.push_str("1045,Visualiser in room 3 upside down,,Open,Low,Phone,Hardware,,2026-11-23 11:00:00,,,2026-11-23 11:00:00,Amy Patel,a.patel@hillside.sch.uk,\n");
    std::fs::write(&later, &text).unwrap();
    let s = import(&env, "tickets", &later, &["--origin", "freshdesk-tickets.csv"]);
    assert_eq!((s["imported"].as_u64(), s["skipped"].as_u64()), (Some(1), Some(3)));
    let t = env.json(&["ticket", "show", &s["ids"][0].to_string()]);
    assert_eq!(t["subject"], "Visualiser in room 3 upside down");
    let kept = env.json(&["ticket", "show", &first["ids"][1].to_string()]);
    assert_eq!(kept["status"], "open", "a ticket imported before is not updated");
    assert_eq!(count(&env, "tickets"), 4);

    // Origins are not compared with each other: the same rows under another
    // name are another helpdesk's, whose numbers may well collide.
    let s = import(&env, "tickets", &later, &[]);
    assert_eq!((s["imported"].as_u64(), s["skipped"].as_u64()), (Some(4), Some(0)));
    let s = import(&env, "tickets", &later, &[]);
    assert_eq!((s["imported"].as_u64(), s["skipped"].as_u64()), (Some(0), Some(4)));

    // Articles too.
    let a = import(&env, "articles", &csv("freshdesk-articles.csv"), &[]);
    assert_eq!(a["imported"], 2);
    let a2 = import(&env, "articles", &csv("freshdesk-articles.csv"), &[]);
    assert_eq!((a2["imported"].as_u64(), a2["skipped"].as_u64()), (Some(0), Some(2)));
    assert_eq!(ids(&a2["skipped_ids"]), ids(&a["ids"]));
    assert_eq!(count(&env, "articles"), 2);
}

#[test]
fn rows_without_a_number_are_recognised_by_their_content() {
    let env = Env::new().with_people();
    let file = env.dir.path().join("spreadsheet.csv");
    let rows = "Subject,Email,Created\n\
                Printer jammed,r.hughes@stbedes.sch.uk,2026-11-02 09:00\n\
                Printer jammed,r.hughes@stbedes.sch.uk,2026-11-02 09:00\n\
                Wi-Fi down in the hall,b.khan@hillside.sch.uk,2026-11-03 10:00\n";
    std::fs::write(&file, rows).unwrap();
    let s = import(&env, "tickets", &file, &[]);
    assert_eq!(s["imported"], 3, "identical rows in one file are separate tickets, as before");
    let before = env.dump();
    let s = import(&env, "tickets", &file, &[]);
    assert_eq!((s["imported"].as_u64(), s["skipped"].as_u64()), (Some(0), Some(3)));
    assert_eq!(env.dump(), before);
    // An edited row is a new row; the untouched ones are still recognised,
    // and a third copy of the repeated row is new.
    let edited = rows.replace("Wi-Fi down in the hall", "Wi-Fi down in the hall and library")
        + "Printer jammed,r.hughes@stbedes.sch.uk,2026-11-02 09:00\n";
    std::fs::write(&file, edited).unwrap();
    let s = import(&env, "tickets", &file, &[]);
    assert_eq!((s["imported"].as_u64(), s["skipped"].as_u64()), (Some(2), Some(2)));
    let subjects: Vec<String> = s["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| env.json(&["ticket", "show", &id.to_string()])["subject"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(subjects, ["Wi-Fi down in the hall and library", "Printer jammed"]);
}

#[test]
fn a_number_twice_in_one_file_is_refused_and_a_blank_origin_too() {
    let env = Env::new().with_people();
    let before = env.dump();
    let file = env.dir.path().join("twice.csv");
    std::fs::write(
        &file,
        "Ticket ID,Subject,Email\n1042,Mouse broken,r.hughes@stbedes.sch.uk\n1043,Keyboard,r.hughes@stbedes.sch.uk\n1042,Mouse still broken,r.hughes@stbedes.sch.uk\n",
    )
    .unwrap();
    let (code, err) = env.fail(&["import", "csv", "--kind", "tickets", file.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("line 4, field external_id (column 'Ticket ID'): '1042' is also on line 2")
            && err.contains("nothing was imported"),
        "{err}"
    );
    assert_eq!(env.dump(), before);
    // Dropping the number column imports them as separate tickets.
    let s = import(&env, "tickets", &file, &["--map", "Ticket ID=-"]);
    assert_eq!(s["imported"], 3);

    let (code, err) =
        env.fail(&["import", "csv", "--kind", "tickets", file.to_str().unwrap(), "--origin", " "]);
    assert_eq!(code, 2);
    assert!(err.contains("--origin"), "{err}");
}

#[test]
fn the_remembered_origins_travel_with_a_json_export() {
    let env = Env::new().with_people();
    import(&env, "tickets", &csv("osticket-tickets.csv"), &[]);
    let out = env.cmd().args(["export", "json"]).output().unwrap();
    assert!(out.status.success());
    let export = env.dir.path().join("export.json");
    std::fs::write(&export, &out.stdout).unwrap();
    let moved = Env::empty();
    moved.run(&["import", "json", export.to_str().unwrap()]).success();
    let s = import(&moved, "tickets", &csv("osticket-tickets.csv"), &[]);
    assert_eq!((s["imported"].as_u64(), s["skipped"].as_u64()), (Some(0), Some(2)));
}

/// Enough rows for several statements and batches: 10,050 tickets, every
/// tenth with an agent, a fifth with HTML bodies.
fn big_export(path: &Path) {
    let mut text = String::from("Ticket ID,Subject,Description,Status,Agent,Created,Email\n");
    for i in 0..10_050 {
        let status = ["New", "Open", "Pending", "Resolved", "Closed"][i % 5];
        let agent = if i % 10 == 3 && status != "New" { "tone" } else { "" };
        let body =
            if i % 5 == 0 { format!("<p>Paragraph one of {i}.</p><p>Two.</p>") } else { format!("Body {i}") };
        let email = if i % 2 == 0 {
            "r.hughes@stbedes.sch.uk".to_string()
        } else {
            format!("p{}@hillside.sch.uk", i % 37)
        };
        text.push_str(&format!(
            "{},Projector word{i} flickering,\"{body}\",{status},{agent},2026-10-{:02} 09:{:02},{email}\n",
            9000 + i,
            1 + i % 28,
            i % 60
        ));
    }
    std::fs::write(path, text).unwrap();
}

/// Rows are read as the import goes, so a bad row near the end is found
/// after thousands were staged and 37 requesters added: all of it goes.
#[test]
fn a_bad_last_row_leaves_nothing_behind() {
    let env = Env::new().with_people();
    let before = env.dump();
    let file = env.dir.path().join("big.csv");
    big_export(&file);
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str("19999,One cell too many,x,Open,,2026-10-01 09:00,r.hughes@stbedes.sch.uk,extra\n");
    std::fs::write(&file, &text).unwrap();
    let (code, err) = env.fail(&["import", "csv", "--kind", "tickets", file.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("line 10052: 8 fields where the header has 7; nothing was imported"), "{err}");
    assert_eq!(env.dump(), before);

    // The same for a number seen before, and for articles.
    text.truncate(text.rfind("19999").unwrap());
    text.push_str("9000,Projector again,x,Open,,2026-10-01 09:00,r.hughes@stbedes.sch.uk\n");
    std::fs::write(&file, &text).unwrap();
    let (_, err) = env.fail(&["import", "csv", "--kind", "tickets", file.to_str().unwrap()]);
    assert!(
        err.contains("line 10052, field external_id (column 'Ticket ID'): '9000' is also on line 2"),
        "{err}"
    );
    assert_eq!(env.dump(), before);
    let articles = env.dir.path().join("articles.csv");
    let mut text = std::fs::read_to_string(csv("freshdesk-articles.csv")).unwrap();
    text.push_str("5999,\"Unclosed quote,x\n");
    std::fs::write(&articles, text).unwrap();
    let (code, err) = env.fail(&["import", "csv", "--kind", "articles", articles.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("nothing was imported"), "{err}");
    assert_eq!(env.dump(), before);
}

/// A bad value deep in a large file, after thousands of rows were staged
/// and new requesters added, and with good rows after it, names its line
/// on one line, exits 2 and leaves the database as it was.
#[test]
fn a_bad_value_deep_in_a_large_file_leaves_nothing_behind() {
    let env = Env::new().with_people();
    env.ticket("Already here before the import");
    let before = env.dump();
    let file = env.dir.path().join("big.csv");
    big_export(&file);
    let text = std::fs::read_to_string(&file).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    // Line 9001 of the file (the header is line 1): a status no helpdesk writes.
    let bad = lines[9000]
        .replace(",Open,", ",Sleeping,")
        .replace(",New,", ",Sleeping,")
        .replace(",Pending,", ",Sleeping,")
        .replace(",Resolved,", ",Sleeping,")
        .replace(",Closed,", ",Sleeping,");
    assert!(bad.contains(",Sleeping,"), "{bad}");
    lines[9000] = &bad;
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let (code, err) = env.fail(&["import", "csv", "--kind", "tickets", file.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert!(err.contains("line 9001, field status (column 'Status'): "), "{err}");
    assert!(err.contains("nothing was imported"), "{err}");
    assert_eq!(env.dump(), before);
    assert_eq!(count(&env, "imported_rows"), 0);

    // The schema the import sets aside for a bulk load is as it was: the
    // next import of the mended file writes every row, indexed.
    big_export(&file);
    let s = import(&env, "tickets", &file, &[]);
    assert_eq!(s["imported"], 10_050);
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    conn.execute("INSERT INTO tickets_fts (tickets_fts) VALUES ('integrity-check')", []).unwrap();
    let plan: String = conn
        .query_row("EXPLAIN QUERY PLAN SELECT id FROM events WHERE ticket_id = 5", [], |r| r.get(3))
        .unwrap();
    assert!(plan.contains("events_ticket"), "{plan}");
}

#[test]
fn a_large_import_stores_what_one_by_one_inserts_would() {
    let env = Env::new().with_people();
    let first = env.ticket("Already here before the import");
    let file = env.dir.path().join("big.csv");
    big_export(&file);
    let s = import(&env, "tickets", &file, &[]);
    assert_eq!(s["imported"], 10_050);
    assert_eq!(s["requesters_added"], 37);
    let want: Vec<i64> = (first + 1..=first + 10_050).collect();
    assert_eq!(ids(&s["ids"]), want, "the ids SQLite would give one by one, in file order");

    let conn = rusqlite::Connection::open(&env.db).unwrap();
    // The full-text index holds exactly the tickets' text (FTS5 compares
    // the index with the table), and finds a ticket of the last batch.
    conn.execute("INSERT INTO tickets_fts (tickets_fts) VALUES ('integrity-check')", []).unwrap();
    let found: Vec<i64> = conn
        .prepare("SELECT rowid FROM tickets_fts WHERE tickets_fts MATCH 'word10049'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(found, [first + 10_050]);
    // Each timeline in order, its events after the previous ticket's.
    let kinds = |id: i64| -> Vec<(i64, String)> {
        conn.prepare("SELECT id, kind FROM events WHERE ticket_id = ?1 ORDER BY id")
            .unwrap()
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let t = kinds(first + 1 + 3); // row 3: resolved, with an agent
    assert_eq!(
        t.iter().map(|(_, k)| k.as_str()).collect::<Vec<_>>(),
        ["created", "note", "assigned", "status"]
    );
    let t = kinds(first + 1); // row 0: new, no agent
    assert_eq!(t.iter().map(|(_, k)| k.as_str()).collect::<Vec<_>>(), ["created", "note"]);
    let events: Vec<i64> = conn
        .prepare("SELECT ticket_id FROM events WHERE ticket_id > ?1 ORDER BY id")
        .unwrap()
        .query_map([first], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(events.windows(2).all(|w| w[0] <= w[1]), "events in ticket order");
    assert_eq!(
        events.len(),
        10_050 * 2 + 8_040 + 1_005,
        "created + note each, a status change for 4 in 5, 1 in 10 assigned"
    );
    let note: String = conn
        .query_row("SELECT body FROM events WHERE ticket_id = ?1 AND kind = 'note'", [first + 10_050], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(note, "Imported from big.csv, line 10051 (ticket 19049 there).");
    let body: String =
        conn.query_row("SELECT body FROM tickets WHERE id = ?1", [first + 1], |r| r.get(0)).unwrap();
    assert_eq!(body, "Paragraph one of 0.\n\nTwo.");
    // The import set its own full-text buffer and dropped the timeline's
    // replace guard while it wrote; both are as before once it is done.
    let err = conn
        .execute_batch(&format!(
            "INSERT OR REPLACE INTO events (id, ticket_id, at, kind, os_user) VALUES ({}, 1, 0, 'note', 'x')",
            t[0].0
        ))
        .unwrap_err()
        .to_string();
    assert!(err.contains("append-only"), "{err}");
    let set: i64 = conn
        .query_row("SELECT count(*) FROM tickets_fts_config WHERE k = 'hashsize'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(set, 0, "FTS5's default again, not a setting left behind");
    drop(conn);

    // And all of it is recognised the next time.
    let before = env.dump();
    let s = import(&env, "tickets", &file, &[]);
    assert_eq!((s["imported"].as_u64(), s["skipped"].as_u64()), (Some(0), Some(10_050)));
    assert_eq!(env.dump(), before);
}

#[test]
fn glpi_exports_with_names_day_first_dashes_and_other_languages_import() {
    let env = Env::new().with_people();
    let r = import(&env, "tickets", &csv("glpi-tickets.csv"), &[]);
    assert_eq!(r["imported"].as_u64(), Some(4), "{r}");
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT t.subject, t.status, r.email, s.code FROM tickets t JOIN requesters r ON r.id = t.requester_id
               JOIN schools s ON s.id = t.school_id ORDER BY t.subject",
        )
        .unwrap();
    let got: Vec<(String, String, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let list = env.json(&["ticket", "list", "--limit", "10"]);
    assert_eq!(
        got,
        [
            (
                "Impresora de la sala 4 no imprime".into(),
                "new".into(),
                "ana.mara.prez@unknown.invalid".into(),
                "UNASSIGNED".into()
            ),
            ("Laptop cart charger".into(), "closed".into(), "b.jones@stbedes.sch.uk".into(), "BEDE".into()),
            (
                "Password reset for the office PC".into(),
                "resolved".into(),
                "ana.mara.prez@unknown.invalid".into(),
                "UNASSIGNED".into()
            ),
            (
                "Projector da sala 12 sem imagem".into(),
                "open".into(),
                "joo.silva@unknown.invalid".into(),
                "UNASSIGNED".into()
            ),
        ]
    );
    let first = list
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["subject"] == "Impresora de la sala 4 no imprime")
        .unwrap();
    // 05-09-2025 14:10 London (BST) is 13:10 UTC, day first.
    assert_eq!(first["created_at"], "2025-09-05T13:10:00Z");
    // The placeholder requester keeps the name it was given.
    let name: String = conn
        .query_row("SELECT name FROM requesters WHERE email = 'ana.mara.prez@unknown.invalid'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(name, "Ana María Pérez");

    // --requester-domain puts name-only requesters at a real domain (and so in its school).
    let env = Env::new().with_people();
    let r = import(&env, "tickets", &csv("glpi-tickets.csv"), &["--requester-domain", "stbedes.sch.uk"]);
    assert_eq!(r["imported"].as_u64(), Some(4));
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    let at_bede: i64 = conn
        .query_row(
            "SELECT count(*) FROM tickets t JOIN schools s ON s.id = t.school_id WHERE s.code = 'BEDE'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(at_bede, 4);
    let (code, err) = env.fail(&[
        "import",
        "csv",
        "--kind",
        "tickets",
        csv("glpi-tickets.csv").to_str().unwrap(),
        "--requester-domain",
        "not a domain",
        "--origin",
        "again",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("invalid --requester-domain"), "{err}");
}

#[test]
fn jira_dates_ambiguous_files_and_the_choices_they_need() {
    let env = Env::new().with_people();
    let r = import(&env, "tickets", &csv("jira-tickets.csv"), &[]);
    assert_eq!(r["imported"].as_u64(), Some(2), "{r}");
    let list = env.json(&["ticket", "list", "--limit", "10"]);
    let wifi =
        list.as_array().unwrap().iter().find(|t| t["subject"] == "Wi-Fi drops in the library").unwrap();
    assert_eq!(
        (wifi["created_at"].as_str(), wifi["status"].as_str()),
        (Some("2026-07-18T08:10:00Z"), Some("open"))
    );

    // Every day and month <= 12: refused, naming both choices; nothing written.
    let before = env.dump();
    let file = csv("ambiguous-dates.csv");
    let (code, err) = env.fail(&["import", "csv", "--kind", "tickets", file.to_str().unwrap()]);
    assert_eq!((code, err.lines().count()), (2, 1), "{err}");
    assert!(
        err.contains("line 2, column 'Created': '05/09/2025 14:10' could be day first or month first"),
        "{err}"
    );
    assert!(err.contains("--date-format \"%d/%m/%Y %H:%M\""), "{err}");
    assert_eq!(env.dump(), before);
    let r = import(&env, "tickets", &file, &["--date-format", "%m/%d/%Y %H:%M"]);
    assert_eq!(r["imported"].as_u64(), Some(2));
    let list = env.json(&["ticket", "list", "--limit", "10"]);
    let jam = list.as_array().unwrap().iter().find(|t| t["subject"] == "Printer jam").unwrap();
    assert_eq!(jam["created_at"], "2025-05-09T13:10:00Z", "month first as asked");
    let (code, err) = env.fail(&[
        "import",
        "csv",
        "--kind",
        "tickets",
        file.to_str().unwrap(),
        "--origin",
        "x",
        "--date-format",
        "%Y-%m-%d",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("line 2, field created_at") && err.contains("does not match --date-format '%Y-%m-%d'"),
        "{err}"
    );

    // Two columns claiming the subject: the message names the choice, the choice works.
    let two = csv("two-subjects.csv");
    let (code, err) = env.fail(&["import", "csv", "--kind", "tickets", two.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains(
            "columns 'Title' and 'Summary' both map to subject: choose one with --map \"Title=subject\""
        ),
        "{err}"
    );
    let r = import(&env, "tickets", &two, &["--map", "Title=subject"]);
    assert_eq!(r["imported"].as_u64(), Some(1));
    // A status word nobody knows: the message names --map-status; with it the import goes through.
    let odd = env.dir.path().join("odd-status.csv");
    std::fs::write(&odd, "Subject,Email,Status\nBroken mouse,r.hughes@stbedes.sch.uk,En pausa\n").unwrap();
    let (code, err) = env.fail(&["import", "csv", "--kind", "tickets", odd.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("unknown status 'en pausa'") && err.contains("--map-status \"en pausa=STATUS\""),
        "{err}"
    );
    let r = import(&env, "tickets", &odd, &["--map-status", "En pausa=pending"]);
    assert_eq!(r["imported"].as_u64(), Some(1));
    let list = env.json(&["ticket", "list", "--status", "pending"]);
    assert!(list.as_array().unwrap().iter().any(|t| t["subject"] == "Broken mouse"), "{list}");
}
