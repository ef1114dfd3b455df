//! `sla calendar|closure|policy|due|check` through the real binary: the
//! calendar arithmetic end to end, the lead rule, and every refusal leaving
//! the data unchanged. Common NOW is Tuesday 2026-11-24 10:00 UTC (GMT).
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;
use common::Env;
use serde_json::Value;

fn due(env: &Env, calendar: &str, start: &str, minutes: &str) -> String {
    let v = env.json(&["sla", "due", "--calendar", calendar, "--start", start, "--minutes", minutes]);
    v["due"].as_str().unwrap().to_string()
}

#[test]
fn init_creates_a_default_calendar_and_policies() {
    let env = Env::new();
    let cals = env.json(&["sla", "calendar", "list"]);
    assert_eq!(cals[0]["name"], "default");
    assert_eq!(cals[0]["tz"], "Europe/London");
    assert_eq!(cals[0]["hours"], "Mon-Fri 08:00-17:00");
    assert_eq!(cals[0]["schools"], serde_json::json!(["UNASSIGNED"]));
    let policies = env.json(&["sla", "policy", "list"]);
    let got: Vec<(String, i64, i64)> = policies
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["priority"].as_str().unwrap().to_string(),
                p["response_minutes"].as_i64().unwrap(),
                p["resolve_minutes"].as_i64().unwrap(),
            )
        })
        .collect();
    let names: Vec<&str> = got.iter().map(|p| p.0.as_str()).collect();
    assert_eq!(names, ["urgent", "high", "normal", "low"]);
    // Each is a real target and a more urgent priority is never slower.
    for pair in got.windows(2) {
        assert!(pair[0].1 <= pair[1].1 && pair[0].2 <= pair[1].2, "{got:?}");
        assert!(pair[0].1 > 0 && pair[0].1 <= pair[0].2, "{got:?}");
    }
}

#[test]
fn init_refuses_an_unknown_time_zone_and_leaves_no_file() {
    let env = Env::empty();
    let (code, err) = env.fail(&["init", "--tz", "Europe/Lundon"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown time zone 'Europe/Lundon'"), "{err}");
    assert!(!env.db.exists());
}

#[test]
fn databases_from_before_sla_policies_get_the_defaults() {
    // A database written by the first schema, which had no policies.
    let env = Env::empty();
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/schema-v1.db"), &env.db).unwrap();
    {
        let c = rusqlite::Connection::open(&env.db).unwrap();
        c.execute_batch("DELETE FROM sla_policies").unwrap();
        let v: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, 1);
    }
    assert_eq!(env.json(&["sla", "policy", "list"]).as_array().unwrap().len(), 4);
}

#[test]
fn calendars_are_added_listed_shown_and_used_by_schools() {
    let env = Env::new();
    let c = env.json(&[
        "sla",
        "calendar",
        "add",
        "Trust sixth form",
        "--tz",
        "Europe/London",
        "--hours",
        "mon-thu 08:00-12:00, 13:00-17:00; fri 08:00-15:30",
    ]);
    assert_eq!(c["hours"], "Mon-Thu 08:00-12:00,13:00-17:00; Fri 08:00-15:30");
    env.run(&[
        "school",
        "add",
        "Calder Sixth",
        "--code",
        "CALD",
        "--domain",
        "calder.ac.uk",
        "--calendar",
        "trust sixth form",
    ])
    .success();
    let shown = env.json(&["sla", "calendar", "show", "Trust sixth form"]);
    assert_eq!(shown["schools"], serde_json::json!(["CALD"]));
    let names: Vec<String> = env
        .json(&["sla", "calendar", "list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["default", "Trust sixth form"]);
    // A split day with a short Friday: Thu 16:30 + 90m -> Fri 09:00.
    assert_eq!(due(&env, "Trust sixth form", "2026-11-26T16:30:00Z", "90"), "2026-11-27T09:00:00Z");
    // Lunch is skipped: Mon 11:30 + 60m -> 13:30.
    assert_eq!(due(&env, "Trust sixth form", "2026-11-23T11:30:00Z", "60"), "2026-11-23T13:30:00Z");
    let text = env.run(&["sla", "calendar", "list"]).success().get_output().stdout.clone();
    assert!(String::from_utf8(text).unwrap().contains("Mon-Thu 08:00-12:00,13:00-17:00; Fri 08:00-15:30"));
}

#[test]
fn sla_due_prints_the_instant_as_rfc3339() {
    let env = Env::new();
    // Friday afternoon into Monday; the March and October clock changes.
    assert_eq!(due(&env, "default", "2026-11-20T15:00:00Z", "240"), "2026-11-23T10:00:00Z");
    assert_eq!(due(&env, "default", "2026-03-27T16:00:00Z", "120"), "2026-03-30T08:00:00Z");
    assert_eq!(due(&env, "default", "2026-10-23T15:00:00Z", "120"), "2026-10-26T09:00:00Z");
    // Opened at 22:00 and on a Sunday; a start with an offset.
    assert_eq!(due(&env, "default", "2026-11-17T22:00:00Z", "60"), "2026-11-18T09:00:00Z");
    assert_eq!(due(&env, "default", "2026-11-22T11:00:00+01:00", "30"), "2026-11-23T08:30:00Z");
    // A zero target during opening hours is due at once.
    assert_eq!(due(&env, "default", "2026-11-23T10:00:00Z", "0"), "2026-11-23T10:00:00Z");
    // Without --start it counts from now (Tue 10:00).
    let out = env
        .run(&["sla", "due", "--calendar", "default", "--minutes", "30"])
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(String::from_utf8(out).unwrap(), "2026-11-24T10:30:00Z\n");
}

#[test]
fn closures_are_inclusive_and_move_due_times() {
    let env = Env::new();
    let before = due(&env, "default", "2026-11-24T16:00:00Z", "120");
    assert_eq!(before, "2026-11-25T09:00:00Z");
    let args = [
        "sla",
        "closure",
        "add",
        "default",
        "--from",
        "2026-11-25",
        "--to",
        "2026-11-27",
        "--label",
        "INSET days",
    ];
    let c = env.json(&args);
    assert_eq!((c["added"].as_bool(), c["closure"]["to"].as_str()), (Some(true), Some("2026-11-27")));
    // Tue 1h, Wed-Fri closed, Mon 30 Nov 08:00 + 1h.
    assert_eq!(due(&env, "default", "2026-11-24T16:00:00Z", "120"), "2026-11-30T09:00:00Z");
    // The same closure again is not stored twice.
    assert_eq!(env.json(&args)["added"], false);
    let list = env.json(&["sla", "closure", "list", "default"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["label"], "INSET days");
    // A one-day closure.
    env.run(&[
        "sla",
        "closure",
        "add",
        "default",
        "--from",
        "2026-11-30",
        "--to",
        "2026-11-30",
        "--label",
        "Bank",
    ])
    .success();
    assert_eq!(due(&env, "default", "2026-11-24T16:00:00Z", "120"), "2026-12-01T09:00:00Z");
}

const TERMS: &str = "BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Example Council//Term Dates//EN\r
BEGIN:VEVENT\r
UID:half-term@example\r
DTSTART;VALUE=DATE:20261026\r
DTEND;VALUE=DATE:20261031\r
SUMMARY:October half\r
  term\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:inset@example\r
DTSTART;VALUE=DATE:20261125\r
SUMMARY:INSET day\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:xmas@example\r
DTSTART;TZID=Europe/London:20261221T000000\r
DTEND;TZID=Europe/London:20270102T000000\r
SUMMARY:Christmas holidays\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:parents@example\r
DTSTART:20261126T160000Z\r
DTEND:20261126T190000Z\r
SUMMARY:Parents' evening\r
END:VEVENT\r
END:VCALENDAR\r
";

#[test]
fn ics_term_dates_are_imported_once() {
    let env = Env::new();
    let file = env.dir.path().join("terms.ics");
    std::fs::write(&file, TERMS).unwrap();
    let r = env.json(&["sla", "closure", "import", "default", file.to_str().unwrap()]);
    let added: Vec<(String, String, String)> = r["added"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["from"].as_str().unwrap().into(),
                c["to"].as_str().unwrap().into(),
                c["label"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        added,
        [
            ("2026-10-26".into(), "2026-10-30".into(), "October half term".into()),
            ("2026-11-25".into(), "2026-11-25".into(), "INSET day".into()),
            ("2026-12-21".into(), "2027-01-01".into(), "Christmas holidays".into()),
        ]
    );
    assert_eq!(r["skipped"][0]["label"], "Parents' evening");
    assert_eq!(r["skipped"][0]["line"], 22);
    // The imported INSET day moves due times: Tue 16:00 + 2h -> Thu 09:00.
    assert_eq!(due(&env, "default", "2026-11-24T16:00:00Z", "120"), "2026-11-26T09:00:00Z");
    // Importing again adds nothing.
    let again = env.json(&["sla", "closure", "import", "default", file.to_str().unwrap()]);
    assert_eq!((again["added"].as_array().unwrap().len(), again["already_there"].as_i64()), (0, Some(3)));
    let text = env
        .run(&["sla", "closure", "import", "default", file.to_str().unwrap()])
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(text).unwrap();
    assert!(text.contains("Imported 0 closure(s) into default (3 already there)"), "{text}");
    assert!(text.contains("skipped line 22: Parents' evening (does not cover a whole day)"), "{text}");
}

#[test]
fn a_broken_ics_file_names_the_line_and_imports_nothing() {
    let env = Env::new();
    let before = env.dump();
    let dir = env.dir.path();
    let cases: &[(&str, String, &str)] = &[
        (
            "bad-date.ics",
            TERMS.replace("DTSTART;VALUE=DATE:20261125", "DTSTART;VALUE=DATE:2026-11-25"),
            "bad-date.ics line 13: DTSTART '2026-11-25' is not an iCalendar date",
        ),
        (
            "truncated.ics",
            TERMS.replace("END:VCALENDAR\r\n", ""),
            "truncated.ics line 1: BEGIN:VCALENDAR is never closed",
        ),
        (
            "garbage.ics",
            TERMS.replace("SUMMARY:INSET day", "INSET day"),
            "garbage.ics line 14: expected NAME:VALUE",
        ),
        (
            "backwards.ics",
            TERMS.replace("DTEND;VALUE=DATE:20261031", "DTEND;VALUE=DATE:20261020"),
            "backwards.ics line 7: DTEND is before DTSTART (line 6)",
        ),
        (
            "notes.ics",
            "Term dates 2026-27\nAutumn: 1 Sep - 23 Oct\n".into(),
            "notes.ics line 1: not an iCalendar file",
        ),
    ];
    for (name, text, needle) in cases {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let (code, err) = env.fail(&["sla", "closure", "import", "default", path.to_str().unwrap()]);
        assert_eq!(code, 2, "{name}: {err}");
        assert!(err.contains(needle), "{name}: expected {needle:?} in {err:?}");
    }
    let (code, err) =
        env.fail(&["sla", "closure", "import", "default", dir.join("missing.ics").to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read"), "{err}");
    assert_eq!(env.dump(), before, "a refused import changed the database");
}

#[test]
fn policies_are_set_by_leads_in_working_minutes() {
    let env = Env::new().with_people();
    let p = env.json(&["sla", "policy", "set", "high", "--response", "30", "--resolve", "120"]);
    assert_eq!((p["response_minutes"].as_i64(), p["resolve_minutes"].as_i64()), (Some(30), Some(120)));
    let list = env.json(&["sla", "policy", "list"]);
    let high = list.as_array().unwrap().iter().find(|p| p["priority"] == "high").unwrap();
    assert_eq!(high["resolve_minutes"], 120);
    let t = env.json(&[
        "ticket",
        "new",
        "--subject",
        "Whiteboard dead",
        "--requester",
        "r.hughes@stbedes.sch.uk",
        "--priority",
        "high",
    ]);
    assert_eq!(
        (t["response_due_at"].as_str(), t["resolve_due_at"].as_str()),
        (Some("2026-11-24T10:30:00Z"), Some("2026-11-24T12:00:00Z"))
    );
    // A zero target is due the moment the ticket is logged in opening hours.
    env.run(&["sla", "policy", "set", "urgent", "--response", "0", "--resolve", "0"]).success();
    let t = env.json(&[
        "ticket",
        "new",
        "--subject",
        "Server room alarm",
        "--requester",
        "r.hughes@stbedes.sch.uk",
        "--priority",
        "urgent",
    ]);
    assert_eq!(t["response_due_at"], "2026-11-24T10:00:00Z");
    let c = rusqlite::Connection::open(&env.db).unwrap();
    let detail: String = c
        .query_row("SELECT detail FROM audit WHERE entity = 'sla_policy' AND entity_id = 'high'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(detail, "response 30, resolve 120 working minutes (was 60/540)");
}

#[test]
fn only_leads_change_calendars_closures_and_policies() {
    let env = Env::new().with_people();
    let file = env.dir.path().join("terms.ics");
    std::fs::write(&file, TERMS).unwrap();
    let before = env.dump();
    let cases: &[(&str, &[&str])] = &[
        ("ttwo", &["sla", "calendar", "add", "x", "--tz", "Europe/London", "--hours", "Mon 08:00-09:00"]),
        (
            "tone",
            &[
                "sla",
                "closure",
                "add",
                "default",
                "--from",
                "2026-12-01",
                "--to",
                "2026-12-01",
                "--label",
                "x",
            ],
        ),
        ("ttwo", &["sla", "closure", "import", "default", file.to_str().unwrap()]),
        ("ttwo", &["sla", "policy", "set", "low", "--response", "60", "--resolve", "600"]),
    ];
    for (who, args) in cases {
        let (code, err) = env.fail_as(who, args);
        assert_eq!(code, 5, "{args:?}: {err}");
        assert!(err.contains("only a lead may") && err.contains(&format!("{who} is not a lead")), "{err}");
    }
    assert_eq!(env.dump(), before);
    // Anyone may read them and use the calculator.
    assert_eq!(env.json_as("tone", &["sla", "policy", "list"]).as_array().unwrap().len(), 4);
    assert!(
        env.json_as("tone", &["sla", "due", "--calendar", "default", "--minutes", "5"])["due"].is_string()
    );
}

#[test]
fn bad_sla_input_is_refused_with_one_clear_line_and_no_change() {
    let env = Env::new().with_people();
    let before = env.dump();
    let cases: &[(&[&str], i32, &str)] = &[
        (
            &[
                "sla",
                "calendar",
                "add",
                "x",
                "--tz",
                "Europe/London",
                "--hours",
                "Mon-Fri 08:00-12:00,11:00-17:00",
            ],
            2,
            "ranges 08:00-12:00 and 11:00-17:00 overlap on Mon",
        ),
        (
            &["sla", "calendar", "add", "x", "--tz", "Europe/London", "--hours", "Mon-Fri 17:00-08:00"],
            2,
            "the end must be after the start",
        ),
        (
            &["sla", "calendar", "add", "x", "--tz", "Europe/London", "--hours", "Mun-Fri 08:00-17:00"],
            2,
            "unknown day 'Mun'",
        ),
        (
            &["sla", "calendar", "add", "x", "--tz", "Europe/London", "--hours", "Mon-Fri 8-5"],
            2,
            "bad time '8'",
        ),
        (
            &["sla", "calendar", "add", "x", "--tz", "London", "--hours", "Mon-Fri 08:00-17:00"],
            2,
            "unknown time zone 'London'",
        ),
        (
            &["sla", "calendar", "add", "DEFAULT", "--tz", "Europe/London", "--hours", "Mon 08:00-09:00"],
            2,
            "a calendar named 'DEFAULT' already exists",
        ),
        (
            &["sla", "calendar", "add", " ", "--tz", "Europe/London", "--hours", "Mon 08:00-09:00"],
            2,
            "calendar name must not be empty",
        ),
        (&["sla", "calendar", "show", "nope"], 3, "calendar 'nope' not found"),
        (
            &[
                "sla",
                "closure",
                "add",
                "default",
                "--from",
                "2026-10-30",
                "--to",
                "2026-10-26",
                "--label",
                "x",
            ],
            2,
            "closure ends (2026-10-26) before it starts (2026-10-30)",
        ),
        (
            &[
                "sla",
                "closure",
                "add",
                "default",
                "--from",
                "2026-02-30",
                "--to",
                "2026-03-02",
                "--label",
                "x",
            ],
            2,
            "invalid --from date '2026-02-30'",
        ),
        (
            &[
                "sla",
                "closure",
                "add",
                "default",
                "--from",
                "2026-03-01",
                "--to",
                "next week",
                "--label",
                "x",
            ],
            2,
            "invalid --to date 'next week'",
        ),
        (
            &[
                "sla",
                "closure",
                "add",
                "default",
                "--from",
                "2026-03-01",
                "--to",
                "2026-03-01",
                "--label",
                "",
            ],
            2,
            "label must not be empty",
        ),
        (
            &["sla", "closure", "add", "nope", "--from", "2026-03-01", "--to", "2026-03-01", "--label", "x"],
            3,
            "calendar 'nope' not found",
        ),
        (
            &["sla", "policy", "set", "high", "--response", "-5", "--resolve", "60"],
            2,
            "invalid --response minutes '-5'",
        ),
        (
            &["sla", "policy", "set", "high", "--response", "5", "--resolve", "-60"],
            2,
            "invalid --resolve minutes '-60'",
        ),
        (
            &["sla", "policy", "set", "high", "--response", "600", "--resolve", "60"],
            2,
            "must not be longer than the resolve target",
        ),
        (
            &["sla", "policy", "set", "asap", "--response", "5", "--resolve", "60"],
            2,
            "invalid priority 'asap'",
        ),
        (
            &["sla", "policy", "set", "high", "--response", "lots", "--resolve", "60"],
            2,
            "invalid value 'lots'",
        ),
        (&["sla", "due", "--calendar", "default", "--minutes", "-5"], 2, "invalid --minutes '-5'"),
        (
            &["sla", "due", "--calendar", "default", "--minutes", "99999999"],
            2,
            "invalid --minutes '99999999'",
        ),
        (
            &["sla", "due", "--calendar", "default", "--start", "tuesday", "--minutes", "5"],
            2,
            "invalid --start 'tuesday'",
        ),
        (&["sla", "due", "--calendar", "nope", "--minutes", "5"], 3, "calendar 'nope' not found"),
    ];
    for (args, code, needle) in cases {
        let (got, err) = env.fail(args);
        assert_eq!(got, *code, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: expected {needle:?} in {err:?}");
    }
    assert_eq!(env.dump(), before, "a refused command changed the database");
    // --json errors are objects too.
    let out = env
        .cmd()
        .args(["--json", "sla", "due", "--calendar", "default", "--minutes", "-1"])
        .output()
        .unwrap();
    let err: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert!(err["error"].as_str().unwrap().contains("invalid --minutes '-1'"));
}
