//! `import csv` large enough to be written in several batches stores what
//! one-by-one inserts would (ids, timelines, the full-text index).

mod common;
use common::Env;
use serde_json::Value;
use std::path::Path;

fn import(env: &Env, kind: &str, file: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["import", "csv", "--kind", kind, file.to_str().unwrap()];
    args.extend_from_slice(extra);
    env.json(&args)
}

fn ids(v: &Value) -> Vec<i64> {
    v.as_array().unwrap().iter().map(|i| i.as_i64().unwrap()).collect()
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
}
