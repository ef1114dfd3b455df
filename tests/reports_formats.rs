//! `report weekly` in every format on the hand-computed fixture: CSV and
//! Markdown parse strictly and hold the same figures as the JSON; the
//! terminal table shows them; hostile stored text is escaped; a report for
//! a school holds only that school and no requester, note or subject text.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;
mod report_fixture;

use common::Env;
use report_fixture::parse::{csv_records, markdown_tables, terminal_tables};
use report_fixture::{build, expected_w47, HOSTILE_CATEGORY, NOW, SECRETS};
use serde_json::Value;
use std::collections::BTreeMap;

fn fixture() -> Env {
    let env = Env::empty();
    build(&env.db);
    env
}

fn out(env: &Env, login: &str, args: &[&str]) -> String {
    let o = env.cmd().env("DESKSIDE_NOW", NOW).env("DESKSIDE_USER", login).args(args).output().unwrap();
    assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

fn rows(cells: &[&[&str]]) -> Vec<Vec<String>> {
    cells.iter().map(|r| r.iter().map(|c| c.to_string()).collect()).collect()
}

/// The W47 tables as a person reads them: durations from the JSON seconds
/// (7200 s = "2h 00m"), shares as "pct% (part/whole)", "-" for nothing measured.
fn expected_tables() -> BTreeMap<&'static str, Vec<Vec<String>>> {
    let mut t = BTreeMap::new();
    t.insert(
        "Tickets and times (working time)",
        rows(&[
            &[
                "SCHOOL",
                "OPENED",
                "RESOLVED",
                "CLOSED",
                "BACKLOG",
                "RESPONSE MEDIAN",
                "RESPONSE P90",
                "RESOLUTION MEDIAN",
                "RESOLUTION P90",
            ],
            &["BEDE", "6", "4", "2", "2", "2h 00m", "6h 00m", "6h 00m", "12h 00m"],
            &["HILL", "2", "2", "0", "0", "1h 30m", "2h 00m", "2h 00m", "5h 00m"],
            &["OAKS", "1", "0", "0", "2", "-", "-", "-", "-"],
            &["UNASSIGNED", "0", "0", "0", "0", "-", "-", "-", "-"],
            &["TOTAL", "9", "6", "2", "4", "2h 00m", "6h 00m", "5h 00m", "12h 00m"],
        ]),
    );
    t.insert(
        "Service levels met",
        rows(&[
            &["SCHOOL", "RESPONSE SLA", "RESOLUTION SLA"],
            &["BEDE", "80.0% (4/5)", "75.0% (3/4)"],
            &["HILL", "100.0% (2/2)", "100.0% (2/2)"],
            &["OAKS", "-", "-"],
            &["UNASSIGNED", "-", "-"],
            &["TOTAL", "85.7% (6/7)", "83.3% (5/6)"],
        ]),
    );
    t.insert(
        "Shift left",
        rows(&[
            &[
                "SCHOOL",
                "RESOLVED AT TIER 1",
                "FIRST CONTACT",
                "ESCALATION RATE",
                "ESCALATIONS",
                "HAND-BACKS",
                "CANNED USES",
                "ARTICLE USES",
                "ARTICLES FROM TICKETS",
            ],
            &["BEDE", "75.0% (3/4)", "50.0% (2/4)", "25.0% (1/4)", "1", "1", "1", "1", "1"],
            &["HILL", "50.0% (1/2)", "50.0% (1/2)", "50.0% (1/2)", "1", "0", "1", "1", "0"],
            &["OAKS", "-", "-", "-", "0", "0", "0", "0", "0"],
            &["UNASSIGNED", "-", "-", "-", "0", "0", "0", "0", "0"],
            &["TOTAL", "66.7% (4/6)", "50.0% (3/6)", "33.3% (2/6)", "2", "1", "2", "2", "1"],
        ]),
    );
    t.insert(
        "Satisfaction",
        rows(&[
            &["SCHOOL", "RATINGS", "AVERAGE (1-5)", "SATISFIED (4-5)"],
            &["BEDE", "2", "3.50", "50.0% (1/2)"],
            &["HILL", "1", "4.00", "100.0% (1/1)"],
            &["OAKS", "0", "-", "-"],
            &["UNASSIGNED", "0", "-", "-"],
            &["TOTAL", "3", "3.67", "66.7% (2/3)"],
        ]),
    );
    t.insert(
        "Tickets by category",
        rows(&[
            &["SCHOOL", "CATEGORY", "TICKETS"],
            &["BEDE", "accounts", "2"],
            &["BEDE", "network", "1"],
            &["BEDE", "printing", "3"],
            &["HILL", "network", "1"],
            &["HILL", "printing", "1"],
            &["OAKS", HOSTILE_CATEGORY, "1"],
            &["TOTAL", HOSTILE_CATEGORY, "1"],
            &["TOTAL", "accounts", "2"],
            &["TOTAL", "network", "2"],
            &["TOTAL", "printing", "4"],
        ]),
    );
    t.insert(
        "Tickets by source",
        rows(&[
            &["SCHOOL", "PHONE", "EMAIL", "WALK-IN", "SELF-SERVICE"],
            &["BEDE", "3", "2", "1", "0"],
            &["HILL", "1", "1", "0", "0"],
            &["OAKS", "1", "0", "0", "0"],
            &["UNASSIGNED", "0", "0", "0", "0"],
            &["TOTAL", "5", "3", "1", "0"],
        ]),
    );
    t
}

fn assert_tables(format: &str, actual: &BTreeMap<String, Vec<Vec<String>>>, only: Option<&str>) {
    for (title, mut want) in expected_tables() {
        if let Some(code) = only {
            want.retain(|r| r[0] == "SCHOOL" || r[0] == code);
        }
        assert_eq!(actual.get(title), Some(&want), "{format}: {title}");
    }
    assert_eq!(actual.len(), expected_tables().len(), "{format}: sections {:?}", actual.keys());
}

#[test]
fn markdown_parses_and_shows_every_figure() {
    let env = fixture();
    let md = out(&env, "tone", &["report", "weekly", "--format", "markdown"]);
    assert!(md.starts_with("# Weekly report 2026-W47 (Mon 16 Nov 2026 to Sun 22 Nov 2026)"), "{md}");
    assert_tables("markdown", &markdown_tables(&md), None);
    // The hostile category is escaped: no raw HTML, no extra cell.
    assert!(!md.contains("<b>"), "{md}");
    assert!(md.contains("=sum(a1)\\|\\<b\\>hw\\</b\\>"), "{md}");
}

#[test]
fn the_terminal_table_shows_every_figure() {
    let env = fixture();
    let table = out(&env, "tone", &["report", "weekly", "--week", "2026-W47"]);
    assert!(table.starts_with("Weekly report 2026-W47"), "{table}");
    assert_tables("table", &terminal_tables(&table), None);
}

#[test]
fn csv_parses_and_matches_the_hand_computed_figures() {
    let env = fixture();
    let text = out(&env, "tone", &["report", "weekly", "--format", "csv"]);
    let records = csv_records(&text);
    let codes: Vec<&str> = records.iter().map(|r| r["school"].as_str()).collect();
    assert_eq!(codes, ["BEDE", "HILL", "OAKS", "UNASSIGNED", "TOTAL"]);
    assert_eq!(records[0]["name"], "St Bede's Primary");
    assert_eq!(records[2]["from"], "2026-11-16T05:00:00+00:00");
    assert!(records.iter().all(|r| r["week"] == "2026-W47"));
    for ((code, expected), record) in expected_w47().into_iter().zip(&records) {
        assert_eq!(record["school"], code);
        for (key, want) in expected.as_object().unwrap() {
            match want {
                Value::Object(map) => {
                    let prefix = if key == "by_source" { "source:" } else { "category:" };
                    let columns: Vec<&String> = record.keys().filter(|k| k.starts_with(prefix)).collect();
                    for col in columns {
                        let name = &col[prefix.len()..];
                        let n = map.get(name).and_then(Value::as_u64).unwrap_or(0);
                        assert_eq!(record[col.as_str()], n.to_string(), "{code}: {col}");
                    }
                }
                Value::Null => assert_eq!(record[key.as_str()], "", "{code}: {key}"),
                n => {
                    let got: f64 = record[key.as_str()].parse().unwrap_or_else(|_| panic!("{code}: {key}"));
                    assert_eq!(got, n.as_f64().unwrap(), "{code}: {key}");
                }
            }
        }
    }
    // Every category any school had is a column, the hostile one included.
    let header: Vec<&String> = records[0].keys().filter(|k| k.starts_with("category:")).collect();
    assert_eq!(header.len(), 4, "{header:?}");
    assert_eq!(records[2][&format!("category:{HOSTILE_CATEGORY}")], "1");
}

#[test]
fn a_report_for_a_school_has_that_school_only_and_no_private_text() {
    let env = fixture();
    let md =
        out(&env, "tone", &["report", "weekly", "--school", "BEDE", "--for-school", "--format", "markdown"]);
    assert!(md.starts_with("# IT support report for St Bede's Primary (BEDE), week 2026-W47"), "{md}");
    assert_tables("markdown for BEDE", &markdown_tables(&md), Some("BEDE"));
    let table = out(&env, "tone", &["report", "weekly", "--school", "BEDE", "--for-school"]);
    assert_tables("table for BEDE", &terminal_tables(&table), Some("BEDE"));
    let csv = csv_records(&out(
        &env,
        "tone",
        &["report", "weekly", "--school", "BEDE", "--for-school", "--format", "csv"],
    ));
    assert_eq!(csv.len(), 1);
    assert_eq!(csv[0]["school"], "BEDE");
    for text in [&md, &table] {
        for other in ["HILL", "OAKS", "TOTAL", "Hillside", HOSTILE_CATEGORY] {
            assert!(!text.contains(other), "{other} in a report for BEDE:\n{text}");
        }
    }
}

#[test]
fn no_report_in_any_format_holds_names_notes_or_ticket_text() {
    let env = Env::empty();
    let ids = build(&env.db);
    let mut outputs = Vec::new();
    for format in ["table", "json", "csv", "markdown"] {
        for args in [
            &["report", "weekly", "--format", format][..],
            &["report", "weekly", "--school", "BEDE", "--for-school", "--format", format],
            &["report", "weekly", "--week", "2026-W48", "--format", format],
            &["report", "trend", "--weeks", "4", "--format", format],
            &["report", "tech", "--format", format],
        ] {
            outputs.push((args.join(" "), out(&env, "lead", args)));
        }
    }
    // The fixture really holds the text: the ticket timeline shows it.
    let shown = out(&env, "lead", &["ticket", "show", &ids.t4.to_string()]);
    assert!(shown.contains("SECRET-NOTE-7731") && shown.contains("Zebedee"), "{shown}");
    for (args, text) in &outputs {
        assert!(!text.trim().is_empty(), "{args}");
        for secret in SECRETS {
            assert!(!text.contains(secret), "{secret:?} in `deskside {args}`:\n{text}");
        }
        assert!(!text.contains("stbedes.sch.uk"), "a requester's address in `deskside {args}`");
    }
}
