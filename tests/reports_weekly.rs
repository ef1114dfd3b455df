//! `report weekly` on the hand-computed fixture (tests/report_fixture):
//! through the service (the console's dashboard calls it) and the CLI's
//! JSON, the default week, a week still running, empty weeks and errors.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;
mod report_fixture;

use common::Env;
use deskside::report::Week;
use deskside::service::reports::{ReportQuery, TrendQuery};
use report_fixture::{assert_figures, build, desk, expected_w47, NOW};
use serde_json::{json, Value};

fn fixture() -> Env {
    let env = Env::empty();
    build(&env.db);
    env
}

fn json_at(env: &Env, args: &[&str]) -> Value {
    let out = env.cmd().env("DESKSIDE_NOW", NOW).args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn check_w47(report: &Value) {
    assert_eq!(report["week"], "2026-W47");
    assert_eq!(report["complete"], true);
    let schools = report["schools"].as_array().unwrap();
    let codes: Vec<&str> = schools.iter().map(|s| s["school"].as_str().unwrap()).collect();
    assert_eq!(codes, ["BEDE", "HILL", "OAKS", "UNASSIGNED"]);
    for (code, expected) in expected_w47() {
        let actual = if code == "TOTAL" {
            &report["total"]
        } else {
            &schools[codes.iter().position(|c| *c == code).unwrap()]
        };
        assert_figures(code, actual, &expected);
    }
    // Each school's own local week.
    assert_eq!(schools[0]["from"], "2026-11-16T00:00:00Z");
    assert_eq!(schools[0]["to"], "2026-11-23T00:00:00Z");
    assert_eq!(schools[2]["from"], "2026-11-16T05:00:00Z");
    assert_eq!(schools[2]["to"], "2026-11-23T05:00:00Z");
}

#[test]
fn every_figure_of_the_week_through_the_service_and_the_cli() {
    let env = fixture();
    let service = desk(&env.db, "tone")
        .weekly_report(&ReportQuery { week: Some("2026-W47".parse().unwrap()), ..ReportQuery::default() })
        .unwrap();
    check_w47(&serde_json::to_value(&service).unwrap());
    // The default week is the last complete one before now (Tue 24 Nov): W47.
    let cli = json_at(&env, &["report", "weekly", "--format", "json"]);
    check_w47(&cli);
    assert_eq!(cli, json_at(&env, &["--json", "report", "weekly"]), "--json is --format json");
    assert_eq!(cli, json_at(&env, &["report", "weekly", "--week", "2026-w47", "--json", "--format", "json"]));
}

#[test]
fn one_school_and_a_report_for_the_school() {
    let env = fixture();
    let one = json_at(&env, &["report", "weekly", "--school", "bede", "--json"]);
    assert_eq!(one["schools"].as_array().unwrap().len(), 1);
    assert_figures("BEDE", &one["schools"][0], &expected_w47()[0].1);
    // With one school the total is that school's figures.
    assert_figures("BEDE total", &one["total"], &expected_w47()[0].1);
    let for_school = json_at(&env, &["report", "weekly", "--school", "BEDE", "--for-school", "--json"]);
    assert_eq!(for_school["for_school"], true);
    assert_eq!(for_school["total"], Value::Null, "no total: other schools are none of the school's business");
    assert_eq!(for_school["schools"][0]["school"], "BEDE");
    assert_figures("BEDE", &for_school["schools"][0], &expected_w47()[0].1);
}

#[test]
fn a_week_still_running_counts_what_has_happened_so_far() {
    let env = fixture();
    let r = json_at(&env, &["report", "weekly", "--week", "2026-W48", "--school", "BEDE", "--json"]);
    assert_eq!(r["complete"], false);
    // T3 re-rated 3 on Mon 23: the rating counts in W48 (W47 kept its 2).
    // T5's article was written on Mon 23. T4 and T7 are still open.
    assert_figures(
        "BEDE W48",
        &r["schools"][0],
        &json!({"opened": 0, "resolved": 0, "ratings": 1, "satisfaction_avg": 3.0, "satisfied": 0,
                "satisfied_pct": 0.0, "articles_from_tickets": 1, "backlog": 2}),
    );
}

#[test]
fn empty_weeks_give_zeros_and_nulls() {
    let env = fixture();
    let r = json_at(&env, &["report", "weekly", "--week", "2026-W44", "--json"]);
    let (_, empty) = expected_w47().into_iter().find(|(c, _)| *c == "UNASSIGNED").unwrap();
    for s in r["schools"].as_array().unwrap() {
        assert_figures(s["school"].as_str().unwrap(), s, &empty);
    }
    assert_figures("TOTAL", &r["total"], &empty);
    // A week before any data, far in the past, and one in the future.
    for week in ["1999-W01", "2030-W10"] {
        let r = json_at(&env, &["report", "weekly", "--week", week, "--json"]);
        assert_eq!(r["total"]["opened"], 0, "{week}");
        assert_eq!(r["total"]["resolution_median_secs"], Value::Null, "{week}");
    }
}

#[test]
fn a_database_with_no_tickets_reports_zeros() {
    let env = Env::new().with_people();
    let r = env.json(&["report", "weekly"]);
    assert_eq!(r["week"], "2026-W47");
    assert_eq!(r["total"]["opened"], 0);
    assert_eq!(r["total"]["satisfied_pct"], Value::Null);
    let t = env.json(&["report", "trend", "--weeks", "3"]);
    assert_eq!(t.as_array().unwrap().len(), 3);
    let tech = env.json(&["report", "tech"]);
    assert_eq!(tech["techs"].as_array().unwrap().len(), 3);
}

#[test]
fn bad_input_is_one_line_with_exit_2_and_changes_nothing() {
    let env = fixture();
    let before = env.dump();
    let cases: &[(&[&str], &str)] = &[
        (&["report", "weekly", "--week", "2026-47"], "expected an ISO week like 2026-W47"),
        (&["report", "weekly", "--week", "2025-W53"], "2025 has weeks 01 to 52"),
        (&["report", "weekly", "--format", "pdf"], "expected one of table, json, csv, markdown"),
        (&["report", "weekly", "--for-school"], "--school"),
        (&["--json", "report", "weekly", "--format", "csv"], "--json"),
        (&["report", "trend", "--weeks", "0"], "from 1 to 104"),
        (&["report", "trend", "--weeks", "105"], "from 1 to 104"),
        (&["report", "trend", "--weeks", "-3"], "--weeks"),
    ];
    for (args, needle) in cases {
        let (code, err) = env.fail(args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    let (code, err) = env.fail(&["report", "weekly", "--school", "NOPE"]);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("school NOPE not found"), "{err}");
    assert_eq!(env.dump(), before);
}

#[test]
fn service_errors_for_the_console() {
    let env = fixture();
    let d = desk(&env.db, "tone");
    let e = d.weekly_report(&ReportQuery { for_school: true, ..ReportQuery::default() }).unwrap_err();
    assert_eq!(e.exit_code(), 2);
    let e = d.trend(&TrendQuery { weeks: 0, until: None, school: None }).unwrap_err();
    assert_eq!(e.exit_code(), 2);
    assert_eq!("2026-W47".parse::<Week>().unwrap().plus(-1).to_string(), "2026-W46");
}
