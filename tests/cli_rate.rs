//! `ticket rate`: the requester's satisfaction, recorded by a technician on
//! a resolved or closed ticket; a new rating replaces the score and the
//! timeline keeps every one.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;
use common::Env;

fn satisfaction(env: &Env, id: i64) -> (Option<i64>, Option<String>) {
    let c = rusqlite::Connection::open(&env.db).unwrap();
    c.query_row("SELECT satisfaction, satisfaction_note FROM tickets WHERE id = ?1", [id], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })
    .unwrap()
}

#[test]
fn rate_then_rate_again() {
    let env = Env::new().with_people();
    let id = env.ticket("Projector flickers");
    let sid = id.to_string();
    env.json(&["ticket", "resolve", &sid, "--message", "Replaced the cable."]);
    let v0 = env.json(&["ticket", "show", &sid])["version"].as_i64().unwrap();

    let r = env.json_as("tone", &["ticket", "rate", &sid, "--score", "4", "--comment", "  Quick, thanks  "]);
    assert_eq!(r["ticket_id"], id);
    assert_eq!(r["score"], 4);
    assert_eq!(r["previous"], serde_json::Value::Null);
    assert_eq!(r["comment"], "Quick, thanks");
    assert_eq!(r["recorded_by"], "tone");
    assert_eq!(satisfaction(&env, id), (Some(4), Some("Quick, thanks".into())));

    env.run(&["ticket", "close", &sid]).success();
    let text = env.run(&["ticket", "rate", &sid, "--score", "2"]).success();
    assert_eq!(
        String::from_utf8_lossy(&text.get_output().stdout).trim(),
        format!("#{id} rated 2/5 (was 4/5)")
    );
    assert_eq!(satisfaction(&env, id), (Some(2), None), "the new rating replaces score and comment");

    let detail = env.json(&["ticket", "show", &sid]);
    let rated: Vec<&serde_json::Value> =
        detail["events"].as_array().unwrap().iter().filter(|e| e["kind"] == "rated").collect();
    assert_eq!(rated.len(), 2, "the timeline keeps both ratings");
    assert_eq!((&rated[0]["old_value"], &rated[0]["new_value"]), (&serde_json::Value::Null, &"4".into()));
    assert_eq!((&rated[1]["old_value"], &rated[1]["new_value"]), (&"4".into(), &"2".into()));
    assert_eq!(rated[0]["body"], "Quick, thanks");
    assert_eq!(rated[0]["tech"], "tone");
    // Rating, closing and rating again are three changes.
    assert_eq!(detail["version"].as_i64().unwrap(), v0 + 3);
    let shown = env.run(&["ticket", "show", &sid]).success();
    assert!(String::from_utf8_lossy(&shown.get_output().stdout)
        .contains("requester's rating 2/5 recorded by lead"));
}

#[test]
fn bad_ratings_are_refused_and_change_nothing() {
    let env = Env::new().with_people();
    let open = env.ticket("Still broken").to_string();
    let done = env.ticket("Fixed").to_string();
    env.json(&["ticket", "resolve", &done, "--message", "Done."]);
    let before = env.dump();
    let long = "x".repeat(2001);
    let cases: &[(&[&str], i32, &str)] = &[
        (&["ticket", "rate", &open, "--score", "5"], 2, "only a resolved or closed ticket can be rated"),
        (&["ticket", "rate", &done, "--score", "0"], 2, "from 1 (very unhappy) to 5 (very happy)"),
        (&["ticket", "rate", &done, "--score", "6"], 2, "invalid score '6'"),
        (&["ticket", "rate", &done, "--score", "-1"], 2, "invalid score '-1'"),
        (&["ticket", "rate", &done, "--score", "4.5"], 2, "invalid score '4.5'"),
        (&["ticket", "rate", &done, "--score", "great"], 2, "invalid score 'great'"),
        (&["ticket", "rate", &done], 2, "--score"),
        (&["ticket", "rate", &done, "--score", "3", "--comment", &long], 2, "comment is too long"),
        (&["ticket", "rate", "999", "--score", "3"], 3, "ticket #999 not found"),
    ];
    for (args, code, needle) in cases {
        let (got, err) = env.fail(args);
        assert_eq!(got, *code, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    let (code, err) = env.fail_as("nobody", &["ticket", "rate", &done, "--score", "3"]);
    assert_eq!(code, 5, "{err}");
    assert_eq!(env.dump(), before);
}

#[test]
fn ratings_show_in_the_weekly_report() {
    let env = Env::new().with_people();
    let a = env.ticket("One").to_string();
    let b = env.ticket("Two").to_string();
    for (id, score) in [(&a, "5"), (&b, "3")] {
        env.json(&["ticket", "resolve", id, "--message", "Done."]);
        env.json(&["ticket", "rate", id, "--score", score]);
    }
    // NOW is Tue 2026-11-24: both ratings fall in W48. (5 + 3) / 2 = 4.0; one of two 4-5.
    let r = env.json(&["report", "weekly", "--week", "2026-W48", "--school", "BEDE"]);
    let f = &r["schools"][0];
    assert_eq!(
        (&f["ratings"], &f["satisfaction_avg"], &f["satisfied"], &f["satisfied_pct"]),
        (&2.into(), &4.0.into(), &1.into(), &50.0.into())
    );
}
