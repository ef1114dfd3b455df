//! Issue 21: term dates from the command line (`school terms`) and the
//! schedules that run on them.
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
}

fn terms_audited(env: &Env) -> i64 {
    let c = rusqlite::Connection::open(&env.db).unwrap();
    c.query_row("SELECT count(*) FROM audit WHERE entity = 'term'", [], |r| r.get(0)).unwrap()
}

#[test]
fn terms_are_added_checked_imported_and_removed() {
    let env = Env::new();
    env.run(&["sla", "calendar", "add", "ny", "--tz", "America/New_York", "--hours", "Mon-Fri 08:00-17:00"])
        .success();
    school(&env, "BEDE", None);
    school(&env, "HILL", None);
    school(&env, "OAKS", Some("ny"));
    assert_eq!(env.json(&["school", "terms", "list"]).as_array().unwrap().len(), 0);
    let out = env.run(&["school", "terms", "list"]).success().get_output().stdout.clone();
    assert!(String::from_utf8_lossy(&out).contains("English terms"));

    // One school's calendar: BEDE and HILL share it, OAKS does not.
    let added = env.json(&[
        "school",
        "terms",
        "add",
        "--school",
        "bede",
        "--name",
        "Autumn 1",
        "--from",
        "2026-09-03",
        "--to",
        "2026-10-23",
    ]);
    assert_eq!(added[0]["calendar"], "default");
    assert_eq!(added[0]["schools"], serde_json::json!(["BEDE", "HILL"]));
    assert_eq!(env.json(&["school", "terms", "list", "--school", "OAKS"]).as_array().unwrap().len(), 0);
    assert_eq!(terms_audited(&env), 1);

    // Only leads change term dates.
    env.run(&["tech", "add", "tone", "--name", "Toni One", "--tier", "1"]).success();
    let (code, _) = env.fail_as(
        "tone",
        &[
            "school",
            "terms",
            "add",
            "--school",
            "BEDE",
            "--name",
            "x",
            "--from",
            "2026-11-02",
            "--to",
            "2026-11-03",
        ],
    );
    assert_eq!(code, 5);
    // Bad input: exit 2, one line, nothing written.
    let before = env.dump();
    let bad: [&[&str]; 6] = [
        &["--school", "BEDE", "--name", "Backwards", "--from", "2026-12-18", "--to", "2026-11-02"],
        &["--school", "BEDE", "--name", "Overlap", "--from", "2026-10-19", "--to", "2026-12-18"],
        &["--school", "BEDE", "--name", "Bad date", "--from", "2026-13-01", "--to", "2026-12-18"],
        &["--school", "BEDE", "--name", "  ", "--from", "2026-11-02", "--to", "2026-12-18"],
        &["--school", "BEDE", "--name", "Forever", "--from", "2026-11-02", "--to", "2028-12-18"],
        &["--all-schools", "--name", "Overlap all", "--from", "2026-10-01", "--to", "2026-10-02"],
    ];
    for args in bad {
        let mut full = vec!["school", "terms", "add"];
        full.extend_from_slice(args);
        let (code, err) = env.fail(&full);
        assert_eq!(code, 2, "{args:?}: {err}");
    }
    let (code, err) = env.fail(&[
        "school",
        "terms",
        "add",
        "--school",
        "BEDE",
        "--name",
        "x",
        "--from",
        "2026-10-19",
        "--to",
        "2026-10-20",
    ]);
    assert!(code == 2 && err.contains("overlaps 'Autumn 1'"), "{err}");
    let (code, _) = env.fail(&[
        "school",
        "terms",
        "add",
        "--school",
        "NOPE",
        "--name",
        "x",
        "--from",
        "2026-11-02",
        "--to",
        "2026-11-03",
    ]);
    assert_eq!(code, 3);
    // Neither --school, --calendar nor --all-schools: a usage error.
    let o = env
        .cmd()
        .args(["school", "terms", "add", "--name", "x", "--from", "2026-11-02", "--to", "2026-11-03"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));

    // An import with one bad row adds nothing; a good one adds all, to every school's calendar.
    let dir = tempfile::tempdir().unwrap();
    let bad_csv = dir.path().join("bad.csv");
    std::fs::write(
        &bad_csv,
        "name,from,to\nAutumn 2,2026-11-02,2026-12-18\nSpring 1,2027-01-20,2027-01-05\n",
    )
    .unwrap();
    let (code, err) = env.fail(&["school", "terms", "import", bad_csv.to_str().unwrap(), "--all-schools"]);
    assert!(code == 2 && err.contains("line 3"), "{err}");
    let no_header = dir.path().join("plain.csv");
    std::fs::write(&no_header, "Autumn 2,2026-11-02,2026-12-18\n").unwrap();
    let (code, err) =
        env.fail(&["school", "terms", "import", no_header.to_str().unwrap(), "--school", "BEDE"]);
    assert!(code == 2 && err.contains("name,from,to"), "{err}");
    let clash = dir.path().join("clash.csv");
    std::fs::write(&clash, "name,from,to\nA,2026-11-02,2026-12-18\nB,2026-12-01,2026-12-20\n").unwrap();
    let (code, err) = env.fail(&["school", "terms", "import", clash.to_str().unwrap(), "--school", "BEDE"]);
    assert!(code == 2 && err.contains("overlaps 'A'"), "{err}");
    assert_eq!(env.dump(), before, "refused changes leave the database as it was");

    let good = dir.path().join("terms.csv");
    std::fs::write(&good, "to,name,from\n2026-12-18,Autumn 2,2026-11-04\n2027-02-12,Spring 1,2027-01-05\n")
        .unwrap();
    let dry = env.json(&["school", "terms", "import", good.to_str().unwrap(), "--all-schools", "--dry-run"]);
    assert_eq!(dry.as_array().unwrap().len(), 4);
    assert_eq!(env.dump(), before, "a dry run changes nothing");
    let done = env.json(&["school", "terms", "import", good.to_str().unwrap(), "--all-schools"]);
    let cals: Vec<&str> = done.as_array().unwrap().iter().map(|t| t["calendar"].as_str().unwrap()).collect();
    assert_eq!(cals, ["default", "default", "ny", "ny"]);
    let list = env.json(&["school", "terms", "list", "--calendar", "default"]);
    let names: Vec<&str> = list.as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Autumn 1", "Autumn 2", "Spring 1"]);

    // Remove by id; an unknown id removes nothing.
    let id = list[2]["id"].as_i64().unwrap().to_string();
    let (code, _) = env.fail(&["school", "terms", "remove", &id, "99999"]);
    assert_eq!(code, 3);
    assert_eq!(env.json(&["school", "terms", "list", "--calendar", "default"]).as_array().unwrap().len(), 3);
    env.json(&["school", "terms", "remove", &id]);
    assert_eq!(env.json(&["school", "terms", "list", "--calendar", "default"]).as_array().unwrap().len(), 2);
    // add 1 + import 4 (+ 2 import summaries) + remove 1
    assert_eq!(terms_audited(&env), 8);
}

#[test]
fn schedules_run_on_the_term_dates_entered() {
    let env = Env::new();
    school(&env, "BEDE", None);
    for (name, from, to) in
        [("Autumn 1", "2026-09-03", "2026-10-23"), ("Autumn 2", "2026-11-04", "2026-12-18")]
    {
        env.run(&["school", "terms", "add", "--school", "BEDE", "--name", name, "--from", from, "--to", to])
            .success();
    }
    let add = |args: &[&str]| {
        env.cmd()
            .env("DESKSIDE_NOW", "2026-09-01T10:00:00Z")
            .args(["schedule", "add"])
            .args(args)
            .assert()
            .success();
    };
    add(&["termly", "--school", "BEDE", "--every", "term", "--subject", "Termly check"]);
    add(&["mondays", "--school", "BEDE", "--every", "first Monday of term", "--subject", "Check backups"]);
    let run = |now: &str| -> Vec<(String, String)> {
        at(&env, now, &["schedule", "run"])
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| o["outcome"] == "created")
            .map(|o| (o["schedule"].as_str().unwrap().to_string(), o["due"].as_str().unwrap().to_string()))
            .collect()
    };
    let pair = |s: &str, d: &str| (s.to_string(), d.to_string());
    // Autumn 1 starts on Thursday 3 September (the English autumn term
    // would start on 1 September, a Tuesday).
    assert_eq!(run("2026-09-02T12:00:00Z"), []);
    assert_eq!(run("2026-09-03T12:00:00Z"), [pair("termly", "2026-09-03")]);
    assert_eq!(run("2026-09-07T12:00:00Z"), [pair("mondays", "2026-09-07")]);
    // Autumn 2 is a term of its own (the English autumn runs to December):
    // its first day is Wednesday 4 November, its first Monday the 9th.
    assert_eq!(run("2026-11-02T12:00:00Z"), []);
    assert_eq!(run("2026-11-04T12:00:00Z"), [pair("termly", "2026-11-04")]);
    assert_eq!(run("2026-11-09T12:00:00Z"), [pair("mondays", "2026-11-09")]);
    assert_eq!(run("2026-11-10T12:00:00Z"), [], "each once");
}
