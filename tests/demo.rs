//! `init --demo`: the sample data a new team explores, built through the
//! same operations as real work, and the same on every machine.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;
use common::Env;
use std::collections::HashMap;

fn count(env: &Env, sql: &str) -> i64 {
    let c = rusqlite::Connection::open(&env.db).unwrap();
    c.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn the_demo_has_what_a_team_needs_to_explore() {
    let env = Env::made_by(&["init", "--demo"]);

    let schools = env.json(&["school", "list"]);
    let real: Vec<_> = schools.as_array().unwrap().iter().filter(|s| s["code"] != "UNASSIGNED").collect();
    assert!(real.len() >= 4, "at least 4 schools");
    assert!(real.iter().all(|s| !s["domains"].as_array().unwrap().is_empty()), "every school has a domain");

    let techs = env.json(&["tech", "list"]);
    let mut tiers: HashMap<i64, usize> = HashMap::new();
    for t in techs.as_array().unwrap() {
        *tiers.entry(t["tier"].as_i64().unwrap()).or_default() += 1;
    }
    assert!(techs.as_array().unwrap().len() >= 8);
    assert!(tiers.len() == 3 && tiers.values().all(|n| *n >= 1), "all three tiers: {tiers:?}");

    assert!(count(&env, "SELECT count(*) FROM articles") >= 40);
    assert!(count(&env, "SELECT count(*) FROM canned_solutions") >= 20);
    let tickets = env.json(&["ticket", "list", "--all"]);
    let n = tickets.as_array().unwrap().len();
    assert!((250..=320).contains(&n), "about 300 tickets, got {n}");

    // Over the last eight weeks, with real timelines.
    let oldest = count(&env, "SELECT min(created_at) FROM tickets");
    let now = chrono::DateTime::parse_from_rfc3339(common::NOW).unwrap().timestamp();
    assert!(now - oldest <= 57 * 86400 && now - oldest >= 40 * 86400);
    for kind in ["note", "escalated", "handed_back", "reply", "article"] {
        let k = count(&env, &format!("SELECT count(*) FROM events WHERE kind = '{kind}'"));
        assert!(k >= 10, "{kind}: {k}");
    }
    // Some work is waiting now, and the triage school has personal-address requesters.
    assert!(!env.json(&["ticket", "list"]).as_array().unwrap().is_empty());
    assert!(!env.json(&["requester", "list", "--school", "UNASSIGNED"]).as_array().unwrap().is_empty());
}

#[test]
fn the_demo_is_the_same_every_time_for_the_same_day() {
    // The shared template is one run of `init --demo`; b is another.
    let a = Env::made_by(&["init", "--demo"]);
    let b = Env::empty();
    b.run(&["init", "--demo"]).success();
    assert_eq!(a.dump(), b.dump());
}
