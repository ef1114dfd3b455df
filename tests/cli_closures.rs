//! `sla closure import --dry-run | list | remove` on calendars shaped like
//! real exports (issue 23): school days left out, Windows zones, yearly
//! holidays, absurd durations refused, a bad import undone without a backup.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;
use common::Env;
use serde_json::Value;

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/ics/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn labels(v: &Value, key: &str) -> Vec<String> {
    v[key].as_array().unwrap().iter().map(|c| c["label"].as_str().unwrap().to_string()).collect()
}

#[test]
fn a_council_calendar_closes_holidays_only_and_the_dry_run_says_why() {
    let env = Env::new();
    let before = env.dump();
    let file = fixture("council-term-days.ics");
    let dry = env.json(&["sla", "closure", "import", "default", &file, "--dry-run"]);
    assert_eq!(dry["dry_run"], true);
    assert_eq!(labels(&dry, "added"), ["October half term", "Christmas holidays"]);
    let left: Vec<(i64, String)> = dry["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["line"].as_i64().unwrap(), s["label"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(
        left,
        [
            (19, "Term begins".to_string()),
            (24, "All year groups to attend".to_string()),
            (29, "Term day (Week 1)".to_string()),
            (35, "Term day (Week 1)".to_string()),
            (47, "Final day of term".to_string()),
        ]
    );
    assert_eq!(env.dump(), before, "a dry run changes nothing");
    let text = String::from_utf8(
        env.run(&["sla", "closure", "import", "default", &file, "--dry-run"])
            .success()
            .get_output()
            .stdout
            .clone(),
    )
    .unwrap();
    assert!(text.contains("Dry run: would close 2"), "{text}");
    assert!(text.contains("skipped line 29: Term day (Week 1) (looks like a school day"), "{text}");

    // The real import, then everything with --include-open-days as a second batch.
    let first = env.json(&["sla", "closure", "import", "default", &file]);
    let batch = first["import_batch"].as_i64().unwrap();
    let wide = env.json(&["sla", "closure", "import", "default", &file, "--include-open-days"]);
    assert_eq!(wide["added"].as_array().unwrap().len(), 5);
    let list = env.json(&["sla", "closure", "list", "default"]);
    assert_eq!(list.as_array().unwrap().len(), 7);
    // Undo the bad import: the first batch stays.
    let wide_batch = wide["import_batch"].as_i64().unwrap().to_string();
    let removed = env.json(&["sla", "closure", "remove", "default", "--import-batch", &wide_batch]);
    assert_eq!(removed.as_array().unwrap().len(), 5);
    let list = env.json(&["sla", "closure", "list", "default"]);
    let kept: Vec<(&str, i64)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["label"].as_str().unwrap(), c["import_batch"].as_i64().unwrap()))
        .collect();
    assert_eq!(kept, [("October half term", batch), ("Christmas holidays", batch)]);
    // One by id; an unknown id is "not found" and removes nothing.
    let id = list[0]["id"].as_i64().unwrap().to_string();
    let (code, err) = env.fail(&["sla", "closure", "remove", "default", &id, "99999"]);
    assert_eq!((code, err.lines().count()), (3, 1), "{err}");
    assert!(err.contains("closure 99999 not found"), "{err}");
    assert_eq!(env.json(&["sla", "closure", "list", "default"]).as_array().unwrap().len(), 2);
    env.run(&["sla", "closure", "remove", "default", &id]).success();
    assert_eq!(
        labels(&serde_json::json!({ "c": env.json(&["sla", "closure", "list", "default"]) }), "c"),
        ["Christmas holidays"]
    );
    let (code, _) = env.fail(&["sla", "closure", "remove", "default"]);
    assert_eq!(code, 2);
}

#[test]
fn yearly_holidays_expand_and_absurd_events_are_refused() {
    let env = Env::new();
    let r = env.json(&["sla", "closure", "import", "default", &fixture("google-bank-holidays.ics")]);
    let days: Vec<&str> =
        r["added"].as_array().unwrap().iter().map(|c| c["from"].as_str().unwrap()).collect();
    // NOW is 2026-11-24: a year back to five years on; 2026 moved, 2028 excluded, 2027 has an extra day.
    assert_eq!(days, ["2027-05-03", "2027-05-10", "2029-05-07", "2030-05-06", "2031-05-05", "2026-05-08"]);

    let before = env.dump();
    let huge = fixture("huge-duration.ics");
    let (code, err) = env.fail(&["sla", "closure", "import", "default", &huge]);
    assert_eq!((code, err.lines().count()), (2, 1), "{err}");
    assert!(err.contains("huge-duration.ics line 3: event 'Half term' lasts 100000 days"), "{err}");
    assert_eq!(env.dump(), before);
    let dry = env.json(&["sla", "closure", "import", "default", &huge, "--dry-run"]);
    assert_eq!(labels(&dry, "added"), ["Christmas holidays"]);
    assert_eq!(labels(&dry, "skipped"), ["Half term"]);
    assert_eq!(env.dump(), before);
}
