//! `report trend` and `report tech` on the hand-computed fixture
//! (tests/report_fixture), in every format.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;
mod report_fixture;

use common::Env;
use deskside::service::reports::{ReportQuery, TrendQuery};
use report_fixture::parse::{csv_records, markdown_tables, terminal_tables};
use report_fixture::{assert_figures, build, desk, expected_w47, HOSTILE_CATEGORY, NOW};
use serde_json::{json, Value};

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

fn expected(code: &str) -> Value {
    expected_w47().into_iter().find(|(c, _)| *c == code).unwrap().1
}

/// W46 for all schools: T5 (BEDE, Fri 13) and O1 (OAKS, Sun 15 22:00 New
/// York time) logged and both still open at the week's end; nothing else.
fn w46_total() -> Value {
    let mut w = expected("UNASSIGNED");
    w["opened"] = json!(2);
    w["backlog"] = json!(2);
    w["by_category"] = json!({"network": 1, HOSTILE_CATEGORY: 1});
    w["by_source"] = json!({"email": 1, "phone": 0, "self-service": 1, "walk-in": 0});
    w
}

#[test]
fn trend_week_by_week_in_every_format() {
    let env = fixture();
    let weeks: Value =
        serde_json::from_str(&out(&env, "tone", &["--json", "report", "trend", "--weeks", "4"])).unwrap();
    let weeks = weeks.as_array().unwrap();
    let labels: Vec<&str> = weeks.iter().map(|w| w["week"].as_str().unwrap()).collect();
    assert_eq!(labels, ["2026-W44", "2026-W45", "2026-W46", "2026-W47"]);
    assert_eq!(weeks[3]["monday"], "2026-11-16");
    assert!(weeks.iter().all(|w| w["complete"] == true));
    assert_figures("W44", &weeks[0], &expected("UNASSIGNED"));
    assert_figures("W45", &weeks[1], &expected("UNASSIGNED"));
    assert_figures("W46", &weeks[2], &w46_total());
    assert_figures("W47", &weeks[3], &expected("TOTAL"));

    let csv = csv_records(&out(&env, "tone", &["report", "trend", "--weeks", "4", "--format", "csv"]));
    let csv_weeks: Vec<&str> = csv.iter().map(|r| r["week"].as_str()).collect();
    assert_eq!(csv_weeks, labels);
    // 18000 s and 83.3% as in the JSON; W44 has nothing measured.
    assert_eq!(
        (csv[3]["resolution_median_secs"].as_str(), csv[3]["resolve_sla_met_pct"].as_str()),
        ("18000", "83.3")
    );
    assert_eq!((csv[2]["opened"].as_str(), csv[2]["backlog"].as_str()), ("2", "2"));
    assert_eq!(csv[0]["first_response_median_secs"], "");

    let md =
        markdown_tables(&out(&env, "tone", &["report", "trend", "--weeks", "4", "--format", "markdown"]));
    let main = &md["Tickets and times (working time)"];
    assert_eq!(main[0][0], "WEEK");
    assert_eq!(main[3], ["2026-W46", "2", "0", "0", "2", "-", "-", "-", "-"]);
    assert_eq!(main[4], ["2026-W47", "9", "6", "2", "4", "2h 00m", "6h 00m", "5h 00m", "12h 00m"]);
    let table = terminal_tables(&out(&env, "tone", &["report", "trend", "--weeks", "4"]));
    assert_eq!(&table["Tickets and times (working time)"], main);
    assert_eq!(table["Shift left"][4][1..4], ["66.7% (4/6)", "50.0% (3/6)", "33.3% (2/6)"]);
}

#[test]
fn trend_for_one_school_and_a_running_week() {
    let env = fixture();
    let d = desk(&env.db, "tone");
    let weeks = d.trend(&TrendQuery { weeks: 2, until: None, school: Some("bede".into()) }).unwrap();
    let v = serde_json::to_value(&weeks).unwrap();
    assert_eq!(v[0]["week"], "2026-W46");
    assert_figures("BEDE W46", &v[0], &json!({"opened": 1, "backlog": 1, "resolved": 0}));
    assert_figures("BEDE W47", &v[1], &expected("BEDE"));
    let running =
        d.trend(&TrendQuery { weeks: 1, until: Some("2026-W48".parse().unwrap()), school: None }).unwrap();
    assert!(!running[0].complete);
    assert_eq!(running[0].figures.ratings, 1);
}

/// A trend counts each ticket only in the weeks it can count in; every
/// week of it must still be that week's report. The weeks cross the clock
/// changes of London (25 October) and New York (1 November, OAKS).
#[test]
fn each_week_of_a_trend_is_that_weeks_report() {
    let env = fixture();
    let d = desk(&env.db, "tone");
    let weeks =
        d.trend(&TrendQuery { weeks: 8, until: Some("2026-W48".parse().unwrap()), school: None }).unwrap();
    assert_eq!(weeks[0].week.to_string(), "2026-W41");
    let mut counted = 0;
    for w in &weeks {
        let report = d.weekly_report(&ReportQuery { week: Some(w.week), ..ReportQuery::default() }).unwrap();
        let total = serde_json::to_value(report.total.unwrap()).unwrap();
        assert_eq!(serde_json::to_value(&w.figures).unwrap(), total, "{}", w.week);
        counted += total["opened"].as_u64().unwrap() + total["backlog"].as_u64().unwrap();
    }
    assert!(counted > 0, "the fixture's weeks have tickets in them");
}

/// Handling time runs from when the resolver had the ticket:
///   tone: T1 09:00->09:20 = 1200; T5 logged Fri 16:00 -> Mon 14:00 = 1h + 6h = 25200;
///         T3 logged Tue 09:00 -> Fri 11:00, clock stopped while resolved = 43200;
///         H1 taken 09:10 -> 11:00 = 6600. [1200, 6600, 25200, 43200]: median rank 2 = 6600.
///   ttwo: T2 taken Thu 11:30 (after the escalation) -> 14:00 = 9000.
///   lead: H2 taken Thu 10:00 (after the escalation at 09:00) -> 12:00 = 7200.
/// Canned: T1, H2 by tone. Articles linked: H1 by tone, T2 by ttwo. Written:
/// "Unlock a locked account" by ttwo on Fri 20 (the other two in W45, W48).
fn expected_techs() -> Value {
    json!([
        {"login": "lead", "name": "Lee Lead", "tier": 3, "lead": true, "resolved": 1, "handling_median_secs": 7200,
         "canned_uses": 0, "article_uses": 0, "articles_written": 0, "escalations": 0, "handbacks": 0},
        {"login": "tone", "name": "Toni One", "tier": 1, "lead": false, "resolved": 4, "handling_median_secs": 6600,
         "canned_uses": 2, "article_uses": 1, "articles_written": 0, "escalations": 2, "handbacks": 0},
        {"login": "ttwo", "name": "Tam Two", "tier": 2, "lead": false, "resolved": 1, "handling_median_secs": 9000,
         "canned_uses": 0, "article_uses": 1, "articles_written": 1, "escalations": 0, "handbacks": 1},
    ])
}

#[test]
fn tech_report_for_the_lead_in_every_format() {
    let env = fixture();
    let r: Value = serde_json::from_str(&out(&env, "lead", &["report", "tech", "--format", "json"])).unwrap();
    assert_eq!(r["week"], "2026-W47");
    assert_eq!(r["tz"], "Europe/London");
    assert_eq!(r["techs"], expected_techs());

    let csv = csv_records(&out(&env, "lead", &["report", "tech", "--format", "csv"]));
    for (row, want) in csv.iter().zip(expected_techs().as_array().unwrap()) {
        for (k, v) in want.as_object().unwrap() {
            let shown = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            assert_eq!(row[k.as_str()], shown, "{}: {k}", row["login"]);
        }
    }
    let md = markdown_tables(&out(&env, "lead", &["report", "tech", "--format", "markdown"]));
    let want = [
        [
            "LOGIN",
            "NAME",
            "TIER",
            "RESOLVED",
            "HANDLING MEDIAN",
            "CANNED USES",
            "ARTICLE USES",
            "ARTICLES WRITTEN",
            "ESCALATIONS",
            "HAND-BACKS",
        ],
        ["lead", "Lee Lead", "3", "1", "2h 00m", "0", "0", "0", "0", "0"],
        ["tone", "Toni One", "1", "4", "1h 50m", "2", "1", "0", "2", "0"],
        ["ttwo", "Tam Two", "2", "1", "2h 30m", "0", "1", "1", "0", "1"],
    ];
    assert_eq!(md["Work and reuse"], want);
    assert_eq!(terminal_tables(&out(&env, "lead", &["report", "tech"]))["Work and reuse"], want);

    let w48: Value =
        serde_json::from_str(&out(&env, "lead", &["--json", "report", "tech", "--week", "2026-W48"]))
            .unwrap();
    assert_eq!(w48["complete"], false);
    assert_eq!(w48["techs"][2]["articles_written"], 1);
    assert_eq!(w48["techs"][1]["resolved"], 0);
}

#[test]
fn tech_report_is_for_leads_only() {
    let env = fixture();
    let before = env.dump();
    let (code, err) = env.fail_as("tone", &["report", "tech"]);
    assert_eq!(code, 5, "{err}");
    assert!(err.contains("only a lead"), "{err}");
    let e = desk(&env.db, "ttwo").tech_report(None).unwrap_err();
    assert_eq!(e.exit_code(), 5);
    assert_eq!(env.dump(), before);
}
