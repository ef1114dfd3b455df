//! Issue 21: time on the work, contracts and recurring (planned) work.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;

use common::Env;
use serde_json::Value;

fn at(env: &Env, now: &str, args: &[&str]) -> Value {
    let o = env.cmd().env("DESKSIDE_NOW", now).arg("--json").args(args).output().unwrap();
    assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn school(env: &Env, code: &str, calendar: Option<&str>) {
    let domain = format!("{}.sch.uk", code.to_lowercase());
    let mut args = vec!["school", "add", code, "--code", code, "--domain", &domain];
    if let Some(c) = calendar {
        args.extend(["--calendar", c]);
    }
    env.run(&args).success();
    let email = format!("staff@{domain}");
    env.run(&["requester", "add", &email, "--name", "Sam Staff"]).success();
}

fn ticket(env: &Env, code: &str, subject: &str) -> String {
    let email = format!("staff@{}.sch.uk", code.to_lowercase());
    let t =
        env.json(&["ticket", "new", "--subject", subject, "--requester", &email, "--category", "printing"]);
    t["ticket"]["id"].as_i64().or(t["id"].as_i64()).unwrap().to_string()
}

#[test]
fn time_entries_corrections_and_the_billable_split() {
    let env = Env::new();
    school(&env, "BEDE", None);
    let id = ticket(&env, "BEDE", "Printer jammed");
    env.run(&["ticket", "note", &id, "--internal", "cleared the tray", "--time", "1h10"]).success();
    env.run(&["ticket", "resolve", &id, "--message", "fixed", "--minutes", "5", "--non-billable"]).success();
    let t = env.json(&["ticket", "time", &id, "40", "--note", "on site", "--at", "2026-11-23"]);
    assert_eq!((t["minutes"].as_i64(), t["billable_minutes"].as_i64()), (Some(115), Some(110)));
    // A correction is a new entry; one taking off more than was logged is refused, nothing written.
    env.json(&["ticket", "time", &id, "-15"]);
    let (code, err) = env.fail(&["ticket", "time", &id, "-200"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("below zero"), "{err}");
    // Replacing entry 1 (70m) by 60m: a reversal and the new entry.
    let t = env.json(&["ticket", "time", &id, "60", "--replaces", "1"]);
    assert_eq!((t["minutes"].as_i64(), t["billable_minutes"].as_i64()), (Some(90), Some(85)));
    assert_eq!(t["entries"].as_array().unwrap().len(), 6);
    let (code, err) = env.fail(&["ticket", "time", &id, "50", "--replaces", "1"]);
    assert_eq!(code, 2, "{err}");
    // The note went in with the time, in the same change.
    let shown = env.json(&["ticket", "show", &id]);
    assert!(shown["events"].as_array().unwrap().iter().any(|e| e["kind"] == "note"));
    // The rows themselves cannot be edited.
    let c = rusqlite::Connection::open(&env.db).unwrap();
    assert!(c.execute("UPDATE time_entries SET minutes = 1 WHERE id = 1", []).is_err());
    assert!(c.execute("DELETE FROM time_entries", []).is_err());
    let audited: i64 =
        c.query_row("SELECT count(*) FROM audit WHERE action = 'time'", [], |r| r.get(0)).unwrap();
    assert_eq!(audited, 6);
    // Bad input: a clear error, no entry.
    for bad in [["--time", "1h75"], ["--minutes", "0"], ["--minutes", "-5"]] {
        let (code, _) = env.fail(&["ticket", "note", &id, "--internal", "x", bad[0], bad[1]]);
        assert_eq!(code, 2);
    }
    assert_eq!(env.json(&["ticket", "time", &id])["entries"].as_array().unwrap().len(), 6);
}

#[test]
fn months_end_in_the_schools_time_zone_and_the_invoice_csv_opens() {
    let env = Env::new();
    env.run(&["sla", "calendar", "add", "ny", "--tz", "America/New_York", "--hours", "Mon-Fri 08:00-17:00"])
        .success();
    school(&env, "OAKS", Some("ny"));
    school(&env, "BEDE", None);
    let oaks = ticket(&env, "OAKS", "=HYPERLINK(\"x\"), urgent");
    let bede = ticket(&env, "BEDE", "Projector");
    // 23:30 on 30 November in New York is 1 December in UTC: November's.
    let late = ["ticket", "time", &oaks, "70", "--at", "2026-11-30T23:30:00-05:00"];
    env.cmd().env("DESKSIDE_NOW", "2026-12-02T12:00:00Z").args(late).assert().success();
    env.run(&["ticket", "time", &oaks, "30", "--non-billable", "--note", "SECRET internal"]).success();
    env.run(&["ticket", "time", &bede, "25"]).success();
    env.run(&[
        "school",
        "contract",
        "set",
        "OAKS",
        "--hours",
        "2",
        "--per",
        "month",
        "--rate",
        "45",
        "--from",
        "2026-09-01",
    ])
    .success();
    let r = env.json(&["report", "time", "--month", "2026-11", "--school", "OAKS"]);
    let s = &r["schools"][0];
    assert_eq!((s["minutes"].as_i64(), s["billable_minutes"].as_i64()), (Some(100), Some(70)));
    assert_eq!(s["amount_pence"].as_i64(), Some(5250));
    let dec = env.json(&["report", "time", "--month", "2026-12", "--school", "OAKS"]);
    assert_eq!(dec["schools"][0]["minutes"].as_i64(), Some(0));
    // The balance of the month holding "now" (24 November): 120 bought, 70 used.
    let c = env.json(&["school", "contract", "show", "OAKS"]);
    assert_eq!(
        (c["balance"]["used_minutes"].as_i64(), c["balance"]["balance_minutes"].as_i64()),
        (Some(70), Some(50))
    );
    let csv = env.cmd().args(["report", "time", "--month", "2026-11", "--format", "csv"]).output().unwrap();
    assert!(csv.status.success());
    let text = String::from_utf8(csv.stdout).unwrap();
    assert!(!text.contains("SECRET"), "internal notes never on an invoice");
    let py = std::process::Command::new("python3")
        .args([
            "-c",
            "import csv,sys\nrows=list(csv.DictReader(sys.stdin))\n\
             print(len(rows), sum(float(r['amount']) for r in rows if r['school']=='OAKS'), \
             [r['subject'] for r in rows if r['school']=='OAKS'][0])",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    py.stdin.as_ref().unwrap().write_all(text.as_bytes()).unwrap();
    let out = py.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8(out.stdout).unwrap().trim(), "3 52.5 '=HYPERLINK(\"x\"), urgent");
}

#[test]
fn schedules_across_holidays_a_clock_change_and_a_week_off() {
    let env = Env::new();
    school(&env, "BEDE", None);
    env.run(&[
        "sla",
        "closure",
        "add",
        "default",
        "--from",
        "2026-10-26",
        "--to",
        "2026-10-30",
        "--label",
        "Half term",
    ])
    .success();
    env.run(&[
        "sla",
        "closure",
        "add",
        "default",
        "--from",
        "2026-07-22",
        "--to",
        "2026-09-02",
        "--label",
        "Summer",
    ])
    .success();
    let add = |now: &str, args: &[&str]| {
        env.cmd().env("DESKSIDE_NOW", now).args(["schedule", "add"]).args(args).assert().success();
    };
    add(
        "2026-08-20T10:00:00Z",
        &["termly", "--school", "BEDE", "--every", "term", "--subject", "Termly check"],
    );
    add(
        "2026-10-13T10:00:00Z",
        &["backups", "--all-schools", "--every", "Mon", "--subject", "Check backups", "--tier", "2"],
    );
    let run = |now: &str| at(&env, now, &["schedule", "run"]);
    let created = |v: &Value| v.as_array().unwrap().iter().filter(|o| o["outcome"] == "created").count();
    // The termly check falls on the first open day after the summer closure.
    assert_eq!(created(&run("2026-09-02T12:00:00Z")), 0);
    let v = run("2026-09-03T06:00:00Z");
    assert_eq!(v[0]["due"], "2026-09-03");
    assert_eq!(created(&run("2026-09-03T07:00:00Z")), 0, "once");
    // Weekly on Mondays: made on the day, once, also across the clock change.
    let v = run("2026-10-19T08:00:00Z");
    assert_eq!((v.as_array().unwrap().len(), v[0]["occurrence"].as_str()), (1, Some("2026-10-19")));
    assert_eq!(created(&run("2026-10-19T09:00:00Z")), 0);
    assert_eq!(run("2026-10-25T00:30:00Z").as_array().unwrap().len(), 0);
    assert_eq!(run("2026-10-25T01:30:00Z").as_array().unwrap().len(), 0);
    // Half term closes the whole week: skipped, no ticket.
    let v = run("2026-11-01T10:00:00Z");
    assert_eq!(
        (v[0]["outcome"].as_str(), v[0]["occurrence"].as_str()),
        (Some("skipped"), Some("2026-10-26"))
    );
    // The box was off for two weeks: only the latest is made, the others noted.
    let v = run("2026-11-18T09:00:00Z");
    let got: Vec<(&str, &str)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["occurrence"].as_str().unwrap(), o["outcome"].as_str().unwrap()))
        .collect();
    assert_eq!(got, [("2026-11-02", "skipped"), ("2026-11-09", "skipped"), ("2026-11-16", "created")]);
    assert_eq!(run("2026-11-18T10:00:00Z").as_array().unwrap().len(), 0);
    // Three tickets in all, each planned, and kept apart in the weekly report.
    let c = rusqlite::Connection::open(&env.db).unwrap();
    let (n, planned): (i64, i64) = c
        .query_row("SELECT count(*), sum(planned) FROM tickets", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert_eq!((n, planned), (3, 3));
    let w = at(&env, "2026-11-24T10:00:00Z", &["report", "weekly", "--week", "2026-W47", "--school", "BEDE"]);
    let f = &w["schools"][0];
    assert_eq!(
        (f["opened"].as_u64(), f["planned_opened"].as_u64(), f["backlog"].as_u64()),
        (Some(0), Some(1), Some(0))
    );
    let t = at(&env, "2026-11-24T10:00:00Z", &["report", "trend", "--weeks", "2", "--week", "2026-W47"]);
    assert_eq!(t[1]["planned_opened"].as_u64(), Some(1));
    // Removing stops it; a duplicate name and a bad --every are refused.
    env.run(&["schedule", "remove", "backups"]).success();
    assert_eq!(created(&run("2026-11-30T09:00:00Z")), 0);
    let (code, err) =
        env.fail(&["schedule", "add", "x", "--school", "BEDE", "--every", "fortnightly", "--subject", "s"]);
    assert!(code == 2 && err.contains("--every"), "{err}");
}

#[test]
fn trend_splits_each_tiers_time_between_reactive_and_planned_work() {
    let env = Env::new().with_people();
    env.cmd()
        .env("DESKSIDE_NOW", "2026-11-09T10:00:00Z")
        .args(["schedule", "add", "backups", "--school", "BEDE", "--every", "Mon", "--subject", "Backups"])
        .assert()
        .success();
    let made = at(&env, "2026-11-16T09:00:00Z", &["schedule", "run"]);
    let made = made.as_array().unwrap().iter().find(|o| o["outcome"] == "created").unwrap();
    let planned = made["ticket"].as_i64().unwrap().to_string();
    let reactive = env.ticket("Printer jammed").to_string();
    let log = |who: &str, id: &str, minutes: &str| {
        env.cmd()
            .env("DESKSIDE_NOW", "2026-11-20T16:00:00Z")
            .env("DESKSIDE_USER", who)
            .args(["ticket", "time", id, minutes, "--at", "2026-11-17"])
            .assert()
            .success();
    };
    log("ttwo", &planned, "60");
    log("ttwo", &reactive, "30");
    log("tone", &reactive, "20");
    let t = at(&env, "2026-11-24T10:00:00Z", &["report", "trend", "--weeks", "2", "--week", "2026-W47"]);
    let w = &t[1];
    assert_eq!(w["minutes_by_tier"], serde_json::json!({"1": 20, "2": 90, "3": 0}));
    assert_eq!(w["planned_minutes_by_tier"], serde_json::json!({"1": 0, "2": 60, "3": 0}));
    assert_eq!(w["reactive_minutes_by_tier"], serde_json::json!({"1": 20, "2": 30, "3": 0}));
    assert_eq!(w["senior_planned_pct"].as_f64(), Some(66.7));
    assert_eq!(t[0]["senior_planned_pct"], Value::Null, "no senior time that week");
    // The table shows the same split, reactive / planned per tier.
    let o = env
        .cmd()
        .env("DESKSIDE_NOW", "2026-11-24T10:00:00Z")
        .args(["report", "trend", "--weeks", "2", "--week", "2026-W47"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("SENIOR PLANNED") && text.contains("67%"), "{text}");
    let row = text.lines().find(|l| l.contains("67%")).unwrap();
    assert!(row.contains("20m / 0m") && row.contains("30m / 1h"), "{row}");
}
