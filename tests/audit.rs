//! `deskside audit`: every change attributable to a technician, an OS
//! account and a time; the timeline and the audit log only ever grow.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;
use common::Env;
use serde_json::Value;

/// Runs `args` as technician `login` from OS account `os_user` at `now`.
fn act(env: &Env, login: &str, os_user: &str, now: &str, args: &[&str]) -> Value {
    let out = env
        .cmd()
        .env("DESKSIDE_USER", login)
        .env("USER", os_user)
        .env("DESKSIDE_NOW", now)
        .arg("--json")
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn records(v: &Value) -> &Vec<Value> {
    v.as_array().unwrap()
}

/// (action, tech, os_user, at) of each record.
fn who(v: &Value) -> Vec<(String, String, String, String)> {
    records(v)
        .iter()
        .map(|r| {
            (
                r["action"].as_str().unwrap().to_string(),
                r["tech"].as_str().unwrap_or("-").to_string(),
                r["os_user"].as_str().unwrap().to_string(),
                r["at"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn s(v: &[(&str, &str, &str, &str)]) -> Vec<(String, String, String, String)> {
    v.iter().map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string())).collect()
}

#[test]
fn every_change_names_the_technician_the_os_account_and_the_time() {
    let env = Env::empty();
    act(&env, "lead", "root", "2026-11-23T08:00:00Z", &["init", "--name", "Lee Lead"]);
    act(
        &env,
        "lead",
        "lee",
        "2026-11-23T08:01:00Z",
        &["school", "add", "St Bede's", "--code", "BEDE", "--domain", "stbedes.sch.uk"],
    );
    act(
        &env,
        "lead",
        "lee",
        "2026-11-23T08:02:00Z",
        &["tech", "add", "tone", "--name", "Toni One", "--tier", "1"],
    );
    act(
        &env,
        "tone",
        "toni",
        "2026-11-23T09:00:00Z",
        &["requester", "add", "r.hughes@stbedes.sch.uk", "--name", "Rachel Hughes"],
    );
    let t = act(
        &env,
        "tone",
        "toni",
        "2026-11-23T09:05:00Z",
        &["ticket", "new", "--subject", "Printer", "--requester", "r.hughes@stbedes.sch.uk"],
    );
    let id = t["id"].to_string();
    act(&env, "tone", "shared-term", "2026-11-23T09:10:00Z", &["ticket", "take", &id]);
    act(&env, "tone", "toni", "2026-11-23T09:20:00Z", &["ticket", "note", &id, "--internal", "Rollers worn"]);
    act(&env, "lead", "lee", "2026-11-24T10:00:00Z", &["ticket", "resolve", &id, "--message", "Fixed"]);

    let all = env.json(&["audit"]);
    // The OS account is the real uid's login from the system, whatever
    // $USER says (each step above set a different one).
    let me = deskside::privilege::real_login();
    let me = me.as_str();
    assert_eq!(
        who(&all),
        s(&[
            ("init", "lead", me, "2026-11-23T08:00:00Z"),
            ("add", "lead", me, "2026-11-23T08:01:00Z"),
            ("add", "lead", me, "2026-11-23T08:02:00Z"),
            ("add", "tone", me, "2026-11-23T09:00:00Z"),
            ("created", "tone", me, "2026-11-23T09:05:00Z"),
            ("assigned", "tone", me, "2026-11-23T09:10:00Z"),
            ("status", "tone", me, "2026-11-23T09:10:00Z"),
            ("note", "tone", me, "2026-11-23T09:20:00Z"),
            ("reply", "lead", me, "2026-11-24T10:00:00Z"),
            ("status", "lead", me, "2026-11-24T10:00:00Z"),
            // Issue 19: whoever resolves a ticket becomes its assignee.
            ("assigned", "lead", me, "2026-11-24T10:00:00Z"),
            // The first response came a day after its 4 working hours: the
            // breach is recorded by the system, in the resolving command.
            ("sla_breached", "-", me, "2026-11-24T10:00:00Z"),
        ])
    );
    assert!(who(&all).iter().all(|(_, _, os, _)| !["lee", "toni", "shared-term"].contains(&os.as_str())));
    let r = records(&all);
    assert_eq!(
        (r[1]["source"].as_str(), r[1]["entity"].as_str(), r[1]["entity_id"].as_str()),
        (Some("audit"), Some("school"), Some("BEDE"))
    );
    assert_eq!(
        (r[3]["entity"].as_str(), r[3]["entity_id"].as_str()),
        (Some("requester"), Some("r.hughes@stbedes.sch.uk"))
    );
    assert_eq!(
        (r[4]["source"].as_str(), r[4]["ticket"].as_i64()),
        (Some("timeline"), Some(t["id"].as_i64().unwrap()))
    );
    assert_eq!((r[7]["internal"].as_bool(), r[7]["detail"].as_str()), (Some(true), Some("Rollers worn")));
    assert_eq!((r[9]["old_value"].as_str(), r[9]["new_value"].as_str()), (Some("open"), Some("resolved")));
    assert_eq!(r[8]["tech_name"], "Lee Lead");

    // Filters: one ticket, a start date, the newest N (still oldest first).
    let mine = env.json(&["audit", "--ticket", &id]);
    assert_eq!(records(&mine).len(), 8);
    assert!(records(&mine).iter().all(|r| r["ticket"] == t["id"]));
    let today = env.json(&["audit", "--since", "2026-11-24"]);
    assert_eq!(
        who(&today).iter().map(|w| w.0.as_str()).collect::<Vec<_>>(),
        ["reply", "status", "assigned", "sla_breached"]
    );
    let since = env.json(&["audit", "--since", "2026-11-23T09:10:00Z"]);
    assert_eq!(records(&since).len(), 7);
    let last3 = env.json(&["audit", "--limit", "3"]);
    assert_eq!(who(&last3), who(&all)[9..].to_vec());

    // The table names the same people.
    let out = env.run(&["audit", "--ticket", &id]).success().get_output().stdout.clone();
    let text = String::from_utf8(out).unwrap();
    let head = text.lines().next().unwrap();
    for col in ["TIME", "TECH", "OS USER", "WHAT", "DETAIL"] {
        assert!(head.contains(col), "{head}");
    }
    assert!(
        text.lines().any(|l| l.contains("tone") && l.contains(me) && l.contains("status new -> open")),
        "{text}"
    );
    assert!(text.lines().any(|l| l.contains("note (internal)") && l.contains("Rollers worn")), "{text}");
}

#[test]
fn bad_audit_queries_are_one_line_errors() {
    let env = Env::new();
    let (code, err) = env.fail(&["audit", "--ticket", "99"]);
    assert_eq!((code, err.contains("ticket #99 not found")), (3, true), "{err}");
    let (code, err) = env.fail(&["audit", "--since", "last tuesday"]);
    assert_eq!((code, err.contains("--since") && err.contains("2026-11-24")), (2, true), "{err}");
    let (code, err) = env.fail(&["audit", "--limit", "0"]);
    assert_eq!((code, err.contains("--limit")), (2, true), "{err}");
    let (code, _) = env.fail_as("stranger", &["audit"]);
    assert_eq!(code, 5);
}

#[test]
fn deskside_only_ever_appends_to_the_timeline_and_the_audit_log() {
    let env = Env::new().with_people();
    let id = env.ticket("Wi-Fi drops").to_string();
    let c = rusqlite::Connection::open(&env.db).unwrap();
    let rows = |table: &str| -> Vec<String> {
        let mut stmt = c.prepare(&format!("SELECT * FROM {table} ORDER BY id")).unwrap();
        let n = stmt.column_count();
        stmt.query_map([], |r| {
            Ok((0..n).map(|i| format!("{:?}", r.get_ref(i).unwrap())).collect::<Vec<_>>().join("|"))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
    };
    let steps: &[&[&str]] = &[
        &["ticket", "take", &id],
        &["ticket", "note", &id, "--internal", "checked the AP"],
        &["ticket", "note", &id, "--public", "on it"],
        &["ticket", "escalate", &id, "--to", "2", "--reason", "needs controller access"],
        &["ticket", "assign", &id, "ttwo"],
        &["ticket", "handback", &id, "--to", "1", "--note", "reboot the AP"],
        &["ticket", "resolve", &id, "--message", "rebooted"],
        &["ticket", "reopen", &id],
        &["ticket", "close", &id],
        &["requester", "add", "new@hillside.sch.uk", "--name", "New Person"],
        &["tech", "add", "tthree", "--name", "Three", "--tier", "3"],
    ];
    for step in steps {
        let (events, audit) = (rows("events"), rows("audit"));
        env.run(step).success();
        let (after_e, after_a) = (rows("events"), rows("audit"));
        assert!(after_e.len() + after_a.len() > events.len() + audit.len(), "{step:?} recorded nothing");
        assert_eq!(&after_e[..events.len()], &events[..], "{step:?} changed the timeline");
        assert_eq!(&after_a[..audit.len()], &audit[..], "{step:?} changed the audit log");
    }
}

#[test]
fn direct_sql_cannot_edit_the_timeline_or_the_audit_log() {
    let env = Env::new().with_people();
    env.ticket("Laptop");
    let before = env.dump();
    let c = rusqlite::Connection::open(&env.db).unwrap();
    for sql in [
        "UPDATE events SET body = 'edited'",
        "DELETE FROM events",
        "INSERT OR REPLACE INTO events (id, ticket_id, at, kind, os_user) VALUES (1, 1, 0, 'note', 'x')",
        "REPLACE INTO events (id, ticket_id, at, kind, os_user) VALUES (1, 1, 0, 'note', 'x')",
        "INSERT INTO events (id, ticket_id, at, kind, os_user) VALUES (1, 1, 0, 'note', 'x')
           ON CONFLICT (id) DO UPDATE SET body = 'edited'",
        "UPDATE audit SET os_user = 'someone else'",
        "DELETE FROM audit WHERE id = 1",
        "INSERT OR REPLACE INTO audit (id, at, os_user, action, entity, entity_id) VALUES (1, 0, 'x', 'x', 'x', 'x')",
    ] {
        let err = c.execute_batch(sql).unwrap_err().to_string();
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
    drop(c);
    assert_eq!(env.dump(), before);
}
