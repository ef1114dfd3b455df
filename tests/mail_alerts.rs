//! Issue 18, alerts to technicians on a fixed clock (DESKSIDE_NOW): at
//! risk once to the pool (or assignee), breached once to the leads,
//! preferences, the digest, hand-backs and urgent tickets; and the one
//! survey reminder to a requester (never to the triage school).
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;
use common::Env;
use mail_parser::MessageParser;
use std::path::PathBuf;

fn at(env: &Env, now: &str, args: &[&str]) -> serde_json::Value {
    let out = env.cmd().env("DESKSIDE_NOW", now).arg("--json").args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null)
}

/// Sends the queue and returns (to, subject, body) of every message sent so far.
fn sent(env: &Env, now: &str) -> Vec<(String, String, String)> {
    let dir = env.dir.path().join("out");
    env.cmd()
        .env("DESKSIDE_NOW", now)
        .args(["mail", "send", "--from", "IT <it@trust.sch.uk>", "--outbox-dir"])
        .arg(&dir)
        .assert()
        .success();
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir.join("new")) {
        Ok(d) => d.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    files
        .iter()
        .map(|f| {
            let raw = std::fs::read(f).unwrap();
            let m = MessageParser::default().parse(&raw).unwrap();
            let to = m.to().unwrap().first().unwrap().address().unwrap().to_string();
            (to, m.subject().unwrap_or("").to_string(), m.body_text(0).unwrap_or_default().to_string())
        })
        .collect()
}

fn to_techs(all: &[(String, String, String)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = all
        .iter()
        .filter(|(to, _, _)| to.ends_with("@trust.org.uk"))
        .map(|(to, s, _)| (to.clone(), s.clone()))
        .collect();
    v.sort();
    v
}

fn setup() -> Env {
    let env = Env::new();
    env.run(&["sla", "calendar", "add", "uk", "--tz", "Europe/London", "--hours", "Mon-Fri 09:00-17:00"])
        .success();
    env.run(&[
        "school",
        "add",
        "St Bede's",
        "--code",
        "BEDE",
        "--domain",
        "stbedes.sch.uk",
        "--calendar",
        "uk",
    ])
    .success();
    env.run(&["sla", "policy", "set", "normal", "--response", "60", "--resolve", "480"]).success();
    env.run(&["sla", "policy", "set", "urgent", "--response", "30", "--resolve", "120"]).success();
    env.run(&["requester", "add", "r.hughes@stbedes.sch.uk", "--name", "Rachel Hughes"]).success();
    env.run(&["tech", "add", "tone", "--name", "Toni One", "--tier", "1", "--email", "tone@trust.org.uk"])
        .success();
    env.run(&["tech", "add", "tuno", "--name", "Uno Other", "--tier", "1", "--email", "tuno@trust.org.uk"])
        .success();
    env.run(&["tech", "add", "ttwo", "--name", "Tam Two", "--tier", "2", "--email", "ttwo@trust.org.uk"])
        .success();
    env.run(&["tech", "edit", "lead", "--email", "lead@trust.org.uk"]).success();
    env
}

fn new_ticket(env: &Env, now: &str, subject: &str, priority: &str) -> i64 {
    at(
        env,
        now,
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
    )["id"]
        .as_i64()
        .unwrap()
}

#[test]
fn sla_alerts_go_once_per_ticket_and_threshold_and_respect_preferences() {
    let env = setup();
    // tuno turns at-risk alerts off; tone keeps them.
    env.run_as("tuno", &["tech", "notify", "tuno", "--off", "at-risk"]).success();
    let (code, _) = env.fail_as("tuno", &["tech", "notify", "tone", "--off", "breach"]);
    assert_eq!(code, 5, "only a lead changes someone else's");
    let (code, _) = env.fail(&["tech", "notify", "tone", "--off", "everything"]);
    assert_eq!(code, 2);
    // Tuesday 24 November 2026, 09:00 GMT: first reply due 10:00.
    new_ticket(&env, "2026-11-24T09:00:00Z", "Printer jammed", "normal");
    at(&env, "2026-11-24T09:40:00Z", &["sla", "check"]);
    assert!(to_techs(&sent(&env, "2026-11-24T09:40:30Z")).is_empty(), "a third left: not at risk yet");
    let r = at(&env, "2026-11-24T09:50:00Z", &["sla", "check"]);
    assert_eq!(r["mails"], 1, "{r}");
    at(&env, "2026-11-24T09:52:00Z", &["sla", "check"]);
    let mails = to_techs(&sent(&env, "2026-11-24T09:53:00Z"));
    assert_eq!(mails, [("tone@trust.org.uk".to_string(), "SLA at risk: [#1] Printer jammed".to_string())]);
    // Breached: the leads, once.
    at(&env, "2026-11-24T10:05:00Z", &["sla", "check"]);
    at(&env, "2026-11-24T10:06:00Z", &["sla", "check"]);
    let mails = to_techs(&sent(&env, "2026-11-24T10:07:00Z"));
    let breach: Vec<_> = mails.iter().filter(|(_, s)| s.starts_with("SLA breached")).collect();
    assert_eq!(breach.len(), 1, "{mails:?}");
    assert_eq!(breach[0].0, "lead@trust.org.uk");

    // Assigned: the assignee alone, and a configurable share.
    let id = new_ticket(&env, "2026-11-24T11:00:00Z", "Wifi down", "normal");
    env.run_as("tuno", &["ticket", "take", &id.to_string()]).success();
    env.run_as("tuno", &["tech", "notify", "tuno", "--on", "at-risk"]).success();
    at(&env, "2026-11-24T11:35:00Z", &["sla", "check", "--at-risk", "0.5"]);
    let mails = to_techs(&sent(&env, "2026-11-24T11:36:00Z"));
    assert!(
        mails.contains(&("tuno@trust.org.uk".to_string(), "SLA at risk: [#2] Wifi down".to_string())),
        "{mails:?}"
    );
    assert!(!mails.iter().any(|(to, s)| to == "tone@trust.org.uk" && s.contains("[#2]")), "{mails:?}");
}

#[test]
fn digest_hand_back_and_urgent() {
    let env = setup();
    new_ticket(&env, "2026-11-24T09:00:00Z", "Printer jammed", "normal");
    new_ticket(&env, "2026-11-24T09:01:00Z", "Projector no signal", "normal");
    env.run_as("tone", &["tech", "notify", "tone", "--on", "digest"]).success();
    at(&env, "2026-11-24T09:52:00Z", &["sla", "check"]);
    let mails = to_techs(&sent(&env, "2026-11-24T09:53:00Z"));
    let tone: Vec<_> = mails.iter().filter(|(to, _)| to == "tone@trust.org.uk").collect();
    assert_eq!(tone.len(), 1, "one digest: {mails:?}");
    assert!(tone[0].1.starts_with("SLA digest: 2 ticket(s)"), "{mails:?}");
    assert_eq!(
        mails.iter().filter(|(to, _)| to == "tuno@trust.org.uk").count(),
        2,
        "one per ticket: {mails:?}"
    );

    // A hand-back tells tier 1, without the (internal) note.
    at(&env, "2026-11-24T10:00:00Z", &["ticket", "escalate", "1", "--to", "2", "--reason", "needs AD"]);
    at(
        &env,
        "2026-11-24T10:10:00Z",
        &["ticket", "handback", "1", "--to", "1", "--note", "INTERNAL-NOTE-5521 reset done"],
    );
    let all = sent(&env, "2026-11-24T10:11:00Z");
    let back: Vec<_> = all.iter().filter(|(_, s, _)| s.starts_with("Handed back to tier 1")).collect();
    assert_eq!(back.len(), 2, "both tier-1 technicians: {all:?}");
    assert!(all.iter().all(|(_, _, b)| !b.contains("INTERNAL-NOTE-5521")), "internal notes never mailed");

    // A new urgent ticket tells its tier; tuno turned urgent off.
    env.run_as("tuno", &["tech", "notify", "tuno", "--off", "urgent"]).success();
    new_ticket(&env, "2026-11-24T10:20:00Z", "Whole school offline", "urgent");
    let mails = to_techs(&sent(&env, "2026-11-24T10:21:00Z"));
    let urgent: Vec<_> =
        mails.iter().filter(|(_, s)| s.starts_with("Urgent:")).map(|(to, _)| to.as_str()).collect();
    assert_eq!(urgent, ["tone@trust.org.uk"]);
}

#[test]
fn one_survey_reminder_never_to_triage() {
    let env = setup();
    let id = new_ticket(&env, "2026-11-23T09:00:00Z", "Printer jammed", "normal");
    at(&env, "2026-11-23T10:00:00Z", &["ticket", "resolve", &id.to_string(), "--message", "Cleared."]);
    // A stranger's mail goes to triage: never surveyed.
    let f = env.dir.path().join("s.eml");
    std::fs::write(&f, "From: x@example.com\nSubject: Hello\nMessage-ID: <s1@example.com>\n\nhi\n").unwrap();
    env.cmd().env("DESKSIDE_NOW", "2026-11-23T09:30:00Z").args(["mail", "ingest"]).arg(&f).assert().success();
    at(&env, "2026-11-23T10:05:00Z", &["ticket", "resolve", "2", "--message", "Done."]);
    assert_eq!(
        at(&env, "2026-11-24T10:00:00Z", &["mail", "survey-reminders"]),
        serde_json::json!([]),
        "too early"
    );
    assert_eq!(at(&env, "2026-11-26T10:00:00Z", &["mail", "survey-reminders"]), serde_json::json!([1]));
    assert_eq!(
        at(&env, "2026-11-27T10:00:00Z", &["mail", "survey-reminders"]),
        serde_json::json!([]),
        "once"
    );
    let all = sent(&env, "2026-11-26T10:01:00Z");
    let survey: Vec<_> = all.iter().filter(|(_, s, _)| s.contains("How did we do?")).collect();
    assert_eq!(survey.len(), 1);
    assert_eq!(survey[0].0, "r.hughes@stbedes.sch.uk");
    assert!(survey[0].1.contains("[#1]") && survey[0].2.contains("number from 1"), "{survey:?}");
}
