//! SLA clocks on tickets through the real binary: due times at creation,
//! pending pauses, first response, breaches recorded once (also with
//! several processes at once), queues in urgency order, and the tier rules.
//! Default policies: urgent 30/240, high 60/540, normal 240/1620, low
//! 540/2700 working minutes; the default calendar is Mon-Fri 08:00-17:00
//! Europe/London (GMT in November, so local time = UTC).
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;
use common::Env;
use serde_json::Value;

fn json_at(env: &Env, now: &str, login: &str, args: &[&str]) -> Value {
    let out = env
        .cmd()
        .env("DESKSIDE_NOW", now)
        .env("DESKSIDE_USER", login)
        .arg("--json")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "deskside {args:?} at {now} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn text_at(env: &Env, now: &str, args: &[&str]) -> String {
    let out = env.cmd().env("DESKSIDE_NOW", now).args(args).output().unwrap();
    assert!(out.status.success(), "deskside {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Logs a ticket for Rachel (BEDE) at `now`; returns its id as text.
fn log_at(env: &Env, now: &str, subject: &str, priority: &str) -> String {
    let t = json_at(
        env,
        now,
        common::LEAD,
        &[
            "ticket",
            "new",
            "--subject",
            subject,
            "--requester",
            "r.hughes@stbedes.sch.uk",
            "--priority",
            priority,
        ],
    );
    t["id"].to_string()
}

fn kinds(detail: &Value) -> Vec<String> {
    detail["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap().to_string()).collect()
}

fn breaches(detail: &Value) -> Vec<String> {
    detail["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "sla_breached")
        .map(|e| e["new_value"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn due_times_follow_the_school_calendar() {
    let env = Env::new().with_people();
    // Tue 10:00, normal: response 4h -> 14:00; resolve 27h -> Tue 7h, Wed 9h,
    // Thu 9h, Fri 2h -> Fri 10:00.
    let t = json_at(
        &env,
        common::NOW,
        "lead",
        &["ticket", "new", "--subject", "Printer", "--requester", "r.hughes@stbedes.sch.uk"],
    );
    assert_eq!(t["response_due_at"], "2026-11-24T14:00:00Z");
    assert_eq!(t["resolve_due_at"], "2026-11-27T10:00:00Z");
    // Logged at 22:00: the clock starts at 08:00 next morning.
    let id = log_at(&env, "2026-11-24T22:00:00Z", "Late", "normal");
    let t = json_at(&env, "2026-11-24T22:00:00Z", "lead", &["ticket", "show", &id]);
    assert_eq!(t["response_due_at"], "2026-11-25T12:00:00Z");
    // Logged on a Sunday.
    let id = log_at(&env, "2026-11-22T11:00:00Z", "Weekend", "urgent");
    let t = json_at(&env, "2026-11-22T11:00:00Z", "lead", &["ticket", "show", &id]);
    assert_eq!(
        (t["response_due_at"].as_str(), t["resolve_due_at"].as_str()),
        (Some("2026-11-23T08:30:00Z"), Some("2026-11-23T12:00:00Z"))
    );
    // Another school on its own calendar, closed on Wednesday.
    env.run(&["sla", "calendar", "add", "hill", "--tz", "Europe/London", "--hours", "Mon-Fri 09:00-15:00"])
        .success();
    env.run(&[
        "sla",
        "closure",
        "add",
        "hill",
        "--from",
        "2026-11-25",
        "--to",
        "2026-11-25",
        "--label",
        "INSET",
    ])
    .success();
    env.run(&[
        "school",
        "add",
        "Hill Top",
        "--code",
        "TOP",
        "--domain",
        "hilltop.sch.uk",
        "--calendar",
        "hill",
    ])
    .success();
    let t = json_at(
        &env,
        "2026-11-24T14:00:00Z",
        "lead",
        &[
            "ticket",
            "new",
            "--subject",
            "Wifi",
            "--requester",
            "head@hilltop.sch.uk",
            "--requester-name",
            "Head",
        ],
    );
    // 1h on Tuesday, Wednesday closed, 3h on Thursday from 09:00.
    assert_eq!(t["response_due_at"], "2026-11-26T12:00:00Z");
}

#[test]
fn ticket_show_shows_both_due_times_and_working_time_left() {
    let env = Env::new().with_people();
    let id = env.ticket("Projector").to_string();
    let text = text_at(&env, "2026-11-24T16:30:00Z", &["ticket", "show", &id]);
    assert!(
        text.contains("Response due: 2026-11-24 14:00 (BREACHED: 2h 30m working time overdue)"),
        "{text}"
    );
    assert!(text.contains("Resolve due:  2026-11-27 10:00 (20h 30m working time left)"), "{text}");
    let d = json_at(&env, "2026-11-24T11:00:00Z", "lead", &["ticket", "show", &id]);
    assert_eq!(d["sla"]["level"], "ok");
    assert_eq!(d["sla"]["response"]["left_secs"], 3 * 3600);
    assert_eq!(d["sla"]["resolve"]["left_secs"], 26 * 3600);
    assert_eq!(
        (d["sla"]["left_secs"].as_i64(), d["sla"]["due"].as_str()),
        (Some(3 * 3600), Some("2026-11-24T14:00:00Z"))
    );
    // Under 25% of the 4h response target left.
    let d = json_at(&env, "2026-11-24T13:05:00Z", "lead", &["ticket", "show", &id]);
    assert_eq!(
        (d["sla"]["level"].as_str(), d["sla"]["response"]["level"].as_str()),
        (Some("at_risk"), Some("at_risk"))
    );
    let text = text_at(&env, "2026-11-24T13:05:00Z", &["ticket", "show", &id]);
    assert!(text.contains("(AT RISK: 55m working time left)"), "{text}");
}

#[test]
fn first_response_is_the_first_public_reply_or_resolution() {
    let env = Env::new().with_people();
    let a = env.ticket("A").to_string();
    json_at(&env, "2026-11-24T10:30:00Z", "tone", &["ticket", "note", &a, "--internal", "looking"]);
    let t = json_at(&env, "2026-11-24T11:00:00Z", "tone", &["ticket", "show", &a]);
    assert!(t["first_response_at"].is_null(), "an internal note is not a response");
    let t = json_at(&env, "2026-11-24T11:00:00Z", "tone", &["ticket", "note", &a, "--public", "On my way"]);
    assert_eq!(t["first_response_at"], "2026-11-24T11:00:00Z");
    json_at(&env, "2026-11-24T12:00:00Z", "tone", &["ticket", "note", &a, "--public", "Still on it"]);
    let d = json_at(&env, "2026-11-24T12:00:00Z", "tone", &["ticket", "show", &a]);
    assert_eq!(
        (d["first_response_at"].as_str(), d["sla"]["response"]["level"].as_str()),
        (Some("2026-11-24T11:00:00Z"), Some("met"))
    );
    // Resolving without a reply is the first response; late, it is recorded.
    let b = env.ticket("B").to_string();
    let t = json_at(&env, "2026-11-24T15:00:00Z", "tone", &["ticket", "resolve", &b, "--message", "Fixed"]);
    assert_eq!(t["first_response_at"], "2026-11-24T15:00:00Z");
    let d = json_at(&env, "2026-11-24T15:00:00Z", "tone", &["ticket", "show", &b]);
    assert_eq!(d["sla"]["response"]["level"], "missed");
    assert_eq!(
        (d["sla"]["resolve"]["level"].as_str(), d["sla"]["level"].as_str()),
        (Some("met"), Some("missed"))
    );
    assert_eq!(breaches(&d), ["response"]);
}

#[test]
fn pending_stops_the_clock_and_open_restarts_it() {
    let env = Env::new().with_people();
    let id = env.ticket("Laptop will not boot").to_string();
    json_at(&env, "2026-11-24T10:30:00Z", "tone", &["ticket", "take", &id]);
    let t = json_at(
        &env,
        "2026-11-24T11:00:00Z",
        "tone",
        &["ticket", "pending", &id, "--message", "Which room is it in?"],
    );
    assert_eq!(
        (t["status"].as_str(), t["first_response_at"].as_str()),
        (Some("pending"), Some("2026-11-24T11:00:00Z"))
    );
    // Two days later the clock still reads what it did at 11:00 (26h left),
    // and a paused ticket is neither breaching nor at risk.
    let d = json_at(&env, "2026-11-26T11:00:00Z", "tone", &["ticket", "show", &id]);
    assert_eq!(
        (d["sla"]["level"].as_str(), d["sla"]["left_secs"].as_i64()),
        (Some("paused"), Some(26 * 3600))
    );
    assert!(json_at(&env, "2026-11-26T11:00:00Z", "tone", &["ticket", "list", "--breaching", "--at-risk"])
        .as_array()
        .unwrap()
        .is_empty());
    assert!(breaches(&d).is_empty());
    // Listing after the original due time writes nothing: the clock is stopped.
    let before = env.dump();
    json_at(&env, "2026-11-30T12:00:00Z", "tone", &["ticket", "list", "--all"]);
    assert_eq!(env.dump(), before, "a paused clock recorded a breach");
    // The requester answers on Thursday 11:00: 26h from then is Thu 6h,
    // Fri 9h, Mon 9h, Tue 2h -> Tue 1 Dec 10:00.
    let t = json_at(&env, "2026-11-26T11:00:00Z", "tone", &["ticket", "open", &id]);
    assert_eq!(
        (t["status"].as_str(), t["resolve_due_at"].as_str()),
        (Some("open"), Some("2026-12-01T10:00:00Z"))
    );
    // The response target was met before the pause: it did not move.
    assert_eq!(t["response_due_at"], "2026-11-24T14:00:00Z");
    let d = json_at(&env, "2026-11-26T11:00:00Z", "tone", &["ticket", "show", &id]);
    assert_eq!(&kinds(&d)[3..], ["reply", "status", "status"]);
    assert_eq!(d["events"][3]["internal"], false);
    // Pending without a question, then resolved: the pause counts up to the resolution.
    let t = json_at(&env, "2026-11-26T12:00:00Z", "tone", &["ticket", "pending", &id]);
    assert_eq!(t["status"], "pending");
    let t = json_at(&env, "2026-12-03T12:00:00Z", "tone", &["ticket", "resolve", &id, "--message", "Fixed"]);
    assert_eq!(t["resolve_due_at"], "2026-12-08T10:00:00Z");
    let d = json_at(&env, "2026-12-03T12:00:00Z", "tone", &["ticket", "show", &id]);
    assert_eq!((d["sla"]["level"].as_str(), breaches(&d).len()), (Some("met"), 0));
}

#[test]
fn reopening_carries_the_time_left_at_resolution() {
    let env = Env::new().with_people();
    let id = env.ticket("Sound").to_string();
    // Resolved Tue 12:00 with 25h of 27h left; reopened Mon 30 Nov 08:00.
    json_at(&env, "2026-11-24T12:00:00Z", "lead", &["ticket", "resolve", &id, "--message", "Unmuted"]);
    let t = json_at(&env, "2026-11-30T08:00:00Z", "lead", &["ticket", "reopen", &id]);
    // 25h from Mon 08:00: Mon 9h, Tue 9h, Wed 7h -> Wed 2 Dec 15:00.
    assert_eq!(t["resolve_due_at"], "2026-12-02T15:00:00Z");
}

#[test]
fn pending_and_open_refuse_what_does_not_fit() {
    let env = Env::new().with_people();
    let id = env.ticket("X").to_string();
    env.run(&["ticket", "pending", &id]).success();
    let resolved = env.ticket("Y").to_string();
    env.run(&["ticket", "resolve", &resolved, "--message", "done"]).success();
    let escalated = env.ticket("Z").to_string();
    env.run(&["ticket", "escalate", &escalated, "--to", "2", "--reason", "needs admin"]).success();
    let before = env.dump();
    let cases: &[(&str, &[&str], i32, &str)] = &[
        ("lead", &["ticket", "pending", &id], 2, "is already pending"),
        ("lead", &["ticket", "pending", &resolved], 2, "is resolved and cannot become pending"),
        ("lead", &["ticket", "open", &resolved], 2, "use `deskside ticket reopen"),
        (
            "tone",
            &["ticket", "pending", &escalated, "--message", "?"],
            5,
            "tone is tier 1 and cannot set pending ticket",
        ),
        ("tone", &["ticket", "open", &escalated], 5, "at or below their own tier"),
        ("lead", &["ticket", "pending", &id, "--message", " "], 2, "message must not be empty"),
        ("lead", &["ticket", "pending", "999"], 3, "ticket #999 not found"),
        ("lead", &["ticket", "open", &id, "--if-version", "1"], 4, "was changed by lead"),
    ];
    for (who, args, code, needle) in cases {
        let (got, err) = env.fail_as(who, args);
        assert_eq!(got, *code, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: expected {needle:?} in {err:?}");
    }
    assert_eq!(env.dump(), before);
}

#[test]
fn a_breach_is_recorded_once_per_target() {
    let env = Env::new().with_people();
    let id = log_at(&env, common::NOW, "Server down", "urgent");
    // Response due 10:30, resolve due 14:00.
    let listed = json_at(&env, "2026-11-24T10:45:00Z", "tone", &["ticket", "list", "--breaching"]);
    assert_eq!(listed[0]["id"].to_string(), id);
    assert_eq!(listed[0]["sla"]["level"], "breached");
    for _ in 0..2 {
        json_at(&env, "2026-11-24T10:50:00Z", "tone", &["ticket", "list"]);
        json_at(&env, "2026-11-24T10:50:00Z", "tone", &["ticket", "show", &id]);
    }
    assert_eq!(json_at(&env, "2026-11-24T11:00:00Z", "lead", &["sla", "check"])["recorded"], 0);
    let d = json_at(&env, "2026-11-24T11:00:00Z", "lead", &["ticket", "show", &id]);
    assert_eq!(breaches(&d), ["response"]);
    let e = d["events"].as_array().unwrap().iter().find(|e| e["kind"] == "sla_breached").unwrap();
    assert_eq!(
        (e["internal"].as_bool(), e["tech"].is_null(), e["at"].as_str()),
        (Some(true), true, Some("2026-11-24T10:45:00Z"))
    );
    assert!(e["body"]
        .as_str()
        .unwrap()
        .contains("First response target missed: it was due 2026-11-24 10:30 UTC"));
    // Recording a breach is not a change by a tech: the version is kept.
    assert_eq!(d["version"], 1);
    // The resolve target passes at 14:00: cron's check records it.
    assert_eq!(json_at(&env, "2026-11-24T15:00:00Z", "lead", &["sla", "check"])["recorded"], 1);
    let out = text_at(&env, "2026-11-24T15:00:00Z", &["sla", "check"]);
    assert_eq!(out, "Recorded 0 SLA breach(es)\n");
    let d = json_at(&env, "2026-11-24T16:00:00Z", "lead", &["ticket", "show", &id]);
    assert_eq!(breaches(&d), ["response", "resolve"]);
    let text = text_at(&env, "2026-11-24T16:00:00Z", &["ticket", "show", &id]);
    assert!(text.contains("[INTERNAL] SLA BREACHED: resolve target missed"), "{text}");
    // Resolving late does not record it again.
    json_at(&env, "2026-11-24T16:00:00Z", "lead", &["ticket", "resolve", &id, "--message", "Rebooted"]);
    let d = json_at(&env, "2026-11-24T16:00:00Z", "lead", &["ticket", "show", &id]);
    assert_eq!(breaches(&d).len(), 2);
}

#[test]
fn concurrent_checks_record_each_breach_exactly_once() {
    let env = Env::new().with_people();
    let ids: Vec<String> =
        (0..4).map(|i| log_at(&env, common::NOW, &format!("Outage {i}"), "urgent")).collect();
    let children: Vec<_> = (0..6)
        .map(|i| {
            let args: &[&str] =
                if i % 2 == 0 { &["--json", "sla", "check"] } else { &["--json", "ticket", "list"] };
            let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("deskside"));
            c.env("DESKSIDE_DB", &env.db)
                .env("DESKSIDE_USER", common::LEAD)
                .env("DESKSIDE_NOW", "2026-11-24T15:00:00Z")
                .env("HOME", env.dir.path())
                .args(args)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped());
            c.spawn().unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    for id in &ids {
        let d = json_at(&env, "2026-11-24T15:00:00Z", "lead", &["ticket", "show", id]);
        assert_eq!(breaches(&d), ["response", "resolve"], "ticket {id}");
    }
}

#[test]
fn queues_are_sorted_by_sla_urgency_and_filter_breaching_and_at_risk() {
    let env = Env::new().with_people();
    let a = log_at(&env, "2026-11-24T10:00:00Z", "A urgent", "urgent"); // response due 10:30
    let b = log_at(&env, "2026-11-24T09:10:00Z", "B normal early", "normal"); // response due 13:10
    let c = log_at(&env, "2026-11-24T12:00:00Z", "C normal", "normal"); // response due 16:00
    let d = log_at(&env, "2026-11-24T12:30:00Z", "D low", "low"); // response due Wed 12:30
    let e = log_at(&env, "2026-11-24T12:00:00Z", "E high", "high");
    json_at(&env, "2026-11-24T12:30:00Z", "lead", &["ticket", "pending", &e, "--message", "Which printer?"]);
    let now = "2026-11-24T13:00:00Z";
    let ids = |v: Value| v.as_array().unwrap().iter().map(|t| t["id"].to_string()).collect::<Vec<_>>();
    let queue = json_at(&env, now, "lead", &["ticket", "list"]);
    assert_eq!(ids(queue.clone()), [a.as_str(), b.as_str(), c.as_str(), d.as_str(), e.as_str()]);
    let levels: Vec<&str> =
        queue.as_array().unwrap().iter().map(|t| t["sla"]["level"].as_str().unwrap()).collect();
    assert_eq!(levels, ["breached", "at_risk", "ok", "ok", "paused"]);
    assert_eq!(queue[1]["sla"]["left_secs"], 600);
    assert_eq!(ids(json_at(&env, now, "lead", &["ticket", "list", "--breaching"])), [a.as_str()]);
    assert_eq!(ids(json_at(&env, now, "lead", &["ticket", "list", "--at-risk"])), [b.as_str()]);
    assert_eq!(
        ids(json_at(&env, now, "lead", &["ticket", "list", "--at-risk", "--breaching"])),
        [a.as_str(), b.as_str()]
    );
    assert_eq!(
        ids(json_at(&env, now, "lead", &["ticket", "list", "--limit", "2"])),
        [a.as_str(), b.as_str()]
    );
    assert_eq!(
        ids(json_at(&env, now, "lead", &["ticket", "list", "--sort", "oldest"])),
        [b.as_str(), a.as_str(), c.as_str(), e.as_str(), d.as_str()]
    );
    assert_eq!(
        ids(json_at(&env, now, "lead", &["ticket", "list", "--sort", "priority"])),
        [a.as_str(), e.as_str(), b.as_str(), c.as_str(), d.as_str()]
    );
    // Queues combine with tier, school, status and mine.
    json_at(&env, now, "tone", &["ticket", "take", &c]);
    json_at(&env, now, "tone", &["ticket", "take", &b]);
    assert_eq!(ids(json_at(&env, now, "tone", &["ticket", "list", "--mine"])), [b.as_str(), c.as_str()]);
    assert_eq!(ids(json_at(&env, now, "tone", &["ticket", "list", "--mine", "--at-risk"])), [b.as_str()]);
    assert_eq!(ids(json_at(&env, now, "lead", &["ticket", "list", "--status", "pending"])), [e.as_str()]);
    assert_eq!(
        ids(json_at(
            &env,
            now,
            "lead",
            &["ticket", "list", "--school", "bede", "--tier", "1", "--breaching"]
        )),
        [a.as_str()]
    );
    let text = text_at(&env, now, &["ticket", "list"]);
    let line = text.lines().find(|l| l.starts_with(&format!("#{a} "))).unwrap();
    assert!(line.contains("BREACHED 2h 30m"), "{text}");
    assert!(text.lines().any(|l| l.starts_with(&format!("#{b} ")) && l.contains("10m !")), "{text}");
    assert!(text.lines().any(|l| l.starts_with(&format!("#{e} ")) && l.contains("paused")), "{text}");
    let (code, err) = env.fail(&["ticket", "list", "--sort", "whenever"]);
    assert_eq!(code, 2);
    assert!(err.contains("invalid sort 'whenever'"), "{err}");
}

#[test]
fn escalation_and_hand_back_follow_the_tier_rules() {
    let env = Env::new().with_people();
    env.run(&["tech", "add", "tthree", "--name", "Tia Three", "--tier", "3"]).success();
    let id = env.ticket("SIMS permissions").to_string();
    env.run_as("tone", &["ticket", "take", &id]).success();
    let before = env.dump();
    let cases: &[(&str, &[&str], i32, &str)] = &[
        ("tone", &["ticket", "escalate", &id, "--to", "2"], 2, "--reason"),
        ("tone", &["ticket", "escalate", &id, "--to", "2", "--reason", " "], 2, "reason must not be empty"),
        ("tone", &["ticket", "escalate", &id, "--to", "4", "--reason", "x"], 2, "invalid tier '4'"),
        ("tone", &["ticket", "handback", &id, "--to", "1", "--note", "x"], 2, "hand back goes down"),
        ("tone", &["ticket", "handback", &id, "--to", "1"], 2, "--note"),
    ];
    for (who, args, code, needle) in cases {
        let (got, err) = env.fail_as(who, args);
        assert_eq!(got, *code, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: expected {needle:?} in {err:?}");
    }
    assert_eq!(env.dump(), before);
    let t = env.json_as("tone", &["ticket", "escalate", &id, "--to", "3", "--reason", "Needs a GPO change"]);
    assert_eq!((t["tier"].as_i64(), t["assignee"].is_null()), (Some(3), true));
    // Tier 2 cannot work a tier-3 ticket: not take, assign, hand back or resolve it.
    for args in [
        vec!["ticket", "take", &id],
        vec!["ticket", "assign", &id, "tthree"],
        vec!["ticket", "handback", &id, "--to", "1", "--note", "x"],
        vec!["ticket", "resolve", &id, "--message", "x"],
    ] {
        let (code, err) = env.fail_as("ttwo", &args);
        assert_eq!(code, 5, "{args:?}: {err}");
        assert!(err.contains("ttwo is tier 2") && err.contains("at or below their own tier"), "{err}");
    }
    // Tier 3 hands it to tier 2 with what to do; the note stays internal.
    env.run_as("tthree", &["ticket", "take", &id]).success();
    let t = env.json_as(
        "tthree",
        &["ticket", "handback", &id, "--to", "2", "--note", "GPO fixed: check the drive maps"],
    );
    assert_eq!(t["tier"], 2);
    env.run_as("ttwo", &["ticket", "take", &id]).success();
    let d = env.json(&["ticket", "show", &id]);
    let back = d["events"].as_array().unwrap().iter().find(|e| e["kind"] == "handed_back").unwrap();
    assert_eq!(
        (back["internal"].as_bool(), back["old_value"].as_str(), back["new_value"].as_str()),
        (Some(true), Some("3"), Some("2"))
    );
    assert_eq!(back["body"], "GPO fixed: check the drive maps");
    assert_eq!(env.json(&["ticket", "list", "--tier", "2"])[0]["assignee"], "ttwo");
}
