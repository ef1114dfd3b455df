//! Schools, technicians, requesters and the ticket lifecycle through the
//! real binary, including every refusal and its exit code.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;
use common::Env;

#[test]
fn schools_have_codes_names_and_domains() {
    let env = Env::new().with_people();
    let schools = env.json(&["school", "list"]);
    let bede = schools.as_array().unwrap().iter().find(|s| s["code"] == "BEDE").unwrap();
    assert_eq!(bede["name"], "St Bede's Primary");
    assert_eq!(bede["domains"], serde_json::json!(["stbedes.sch.uk"]));
    // Codes are unique whatever the case; domains belong to one school.
    let (code, err) = env.fail(&["school", "add", "Other", "--code", "bede", "--domain", "other.sch.uk"]);
    assert_eq!((code, err.contains("BEDE already exists")), (2, true), "{err}");
    let (code, err) = env.fail(&["school", "add", "Other", "--code", "OTH", "--domain", "stbedes.sch.uk"]);
    assert_eq!((code, err.contains("already belongs to school BEDE")), (2, true), "{err}");
    let (code, _) = env.fail(&["school", "add", "Other", "--code", "O T", "--domain", "x.sch.uk"]);
    assert_eq!(code, 2);
    let (code, err) =
        env.fail(&["school", "add", "Other", "--code", "OTH", "--domain", "x.sch.uk", "--calendar", "nope"]);
    assert_eq!((code, err.contains("calendar 'nope' not found")), (3, true), "{err}");
}

#[test]
fn only_leads_add_schools_and_technicians() {
    let env = Env::new().with_people();
    let (code, err) = env.fail_as("ttwo", &["tech", "add", "newbie", "--name", "New", "--tier", "1"]);
    assert_eq!(code, 5);
    assert!(err.contains("only a lead"), "{err}");
    let (code, _) = env.fail_as("tone", &["school", "add", "X", "--code", "XX", "--domain", "x.sch.uk"]);
    assert_eq!(code, 5);
    let techs = env.json(&["tech", "list"]);
    assert_eq!(techs.as_array().unwrap().len(), 3);
    let t2 = techs.as_array().unwrap().iter().find(|t| t["login"] == "ttwo").unwrap();
    assert_eq!(
        (t2["tier"].as_i64(), t2["lead"].as_bool(), t2["name"].as_str()),
        (Some(2), Some(false), Some("Tam Two"))
    );
    let (code, err) = env.fail(&["tech", "add", "x", "--name", "X", "--tier", "4"]);
    assert_eq!(code, 2);
    assert!(err.contains("tier"), "{err}");
}

#[test]
fn an_unknown_login_is_told_the_command_that_fixes_it() {
    let env = Env::new();
    let (code, err) = env.fail_as("stranger", &["ticket", "list"]);
    assert_eq!(code, 5);
    assert!(err.contains("deskside tech add stranger"), "{err}");
}

#[test]
fn requesters_are_sorted_into_schools_by_email_domain() {
    let env = Env::new().with_people();
    let r = env.json(&["requester", "add", "J.Smith@StBedes.sch.uk", "--name", "Jo Smith"]);
    assert_eq!((r["school"].as_str(), r["email"].as_str()), (Some("BEDE"), Some("j.smith@stbedes.sch.uk")));
    let r = env.json(&["requester", "add", "mum@gmail.com", "--name", "A Parent"]);
    assert_eq!(r["school"], "UNASSIGNED");
    // Once the school exists, triage requesters from its domain move to it.
    let r = env.json(&["requester", "add", "head@newschool.sch.uk", "--name", "Head"]);
    assert_eq!(r["school"], "UNASSIGNED");
    env.run(&["school", "add", "New School", "--code", "NEW", "--domain", "newschool.sch.uk"]).success();
    let people = env.json(&["requester", "list", "--school", "NEW"]);
    assert_eq!(people[0]["email"], "head@newschool.sch.uk");
    let (code, _) = env.fail(&["requester", "add", "not-an-email", "--name", "X"]);
    assert_eq!(code, 2);
    let (code, err) = env.fail(&["requester", "add", "mum@gmail.com", "--name", "Again"]);
    assert_eq!(code, 2);
    assert!(err.contains("already exists"), "{err}");
}

#[test]
fn ticket_new_returns_the_contract_fields() {
    let env = Env::new().with_people();
    let t = env.json(&[
        "ticket",
        "new",
        "--subject",
        "Printer in staff room jammed",
        "--requester",
        "r.hughes@stbedes.sch.uk",
        "--body",
        "It says paper jam in tray 2",
        "--priority",
        "high",
        "--category",
        "printing",
        "--source",
        "email",
    ]);
    for key in [
        "id",
        "subject",
        "status",
        "priority",
        "tier",
        "school",
        "requester",
        "assignee",
        "created_at",
        "updated_at",
    ] {
        assert!(t.get(key).is_some(), "missing {key}: {t}");
    }
    assert_eq!(t["status"], "new");
    assert_eq!(t["priority"], "high");
    assert_eq!(t["tier"], 1);
    assert_eq!(t["school"], "BEDE");
    assert_eq!(t["requester"], "r.hughes@stbedes.sch.uk");
    assert_eq!(t["assignee"], serde_json::Value::Null);
    assert_eq!(t["created_at"], "2026-11-24T10:00:00Z");
    assert_eq!(t["source"], "email");
}

#[test]
fn bad_ticket_input_is_refused_without_a_change() {
    let env = Env::new().with_people();
    env.ticket("Existing");
    let before = env.dump();
    let cases: &[(&[&str], i32, &str)] = &[
        (
            &["ticket", "new", "--subject", "  ", "--requester", "r.hughes@stbedes.sch.uk"],
            2,
            "subject must not be empty",
        ),
        (
            &["ticket", "new", "--subject", "x", "--requester", "ghost@stbedes.sch.uk"],
            3,
            "requester ghost@stbedes.sch.uk not found",
        ),
        (&["ticket", "new", "--subject", "x", "--requester", "nonsense"], 2, "invalid email"),
        (
            &[
                "ticket",
                "new",
                "--subject",
                "x",
                "--requester",
                "r.hughes@stbedes.sch.uk",
                "--priority",
                "asap",
            ],
            2,
            "invalid priority 'asap'",
        ),
        (
            &["ticket", "new", "--subject", "x", "--requester", "r.hughes@stbedes.sch.uk", "--source", "fax"],
            2,
            "invalid source",
        ),
        (&["ticket", "new", "--requester", "r.hughes@stbedes.sch.uk"], 2, "--subject"),
        (&["ticket", "show", "999"], 3, "ticket #999 not found"),
        (&["ticket", "take", "999"], 3, "ticket #999 not found"),
        (&["ticket", "show", "abc"], 2, "invalid value 'abc'"),
        (&["ticket", "note", "1", "--internal", ""], 2, "note must not be empty"),
        (&["ticket", "resolve", "1", "--message", " "], 2, "resolution message must not be empty"),
        (&["ticket", "assign", "1", "nobody"], 3, "technician nobody not found"),
        (&["ticket", "reopen", "1"], 2, "not resolved or closed"),
        (&["ticket", "escalate", "1", "--to", "1", "--reason", "x"], 2, "escalate goes up"),
        (&["ticket", "list", "--status", "lost"], 2, "invalid status 'lost'"),
    ];
    for (args, code, needle) in cases {
        let (got, err) = env.fail(args);
        assert_eq!(got, *code, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: expected {needle:?} in {err:?}");
    }
    assert_eq!(env.dump(), before, "a refused command changed the database");
}

#[test]
fn json_errors_go_to_stderr_as_objects() {
    let env = Env::new();
    let out = env.cmd().args(["--json", "ticket", "show", "42"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(out.stdout.is_empty());
    let err: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["error"], "ticket #42 not found");
}

#[test]
fn an_unknown_requester_can_be_added_while_logging() {
    let env = Env::new().with_people();
    let t = env.json(&[
        "ticket",
        "new",
        "--subject",
        "Can't log in",
        "--requester",
        "new.teacher@hillside.sch.uk",
        "--requester-name",
        "New Teacher",
    ]);
    assert_eq!(t["school"], "HILL");
    assert_eq!(t["requester_name"], "New Teacher");
    let t = env.json(&[
        "ticket",
        "new",
        "--subject",
        "Wifi",
        "--requester",
        "x@gmail.com",
        "--requester-name",
        "Visitor",
    ]);
    assert_eq!(t["school"], "UNASSIGNED");
}

#[test]
fn the_lifecycle_from_new_to_closed_is_recorded_on_the_timeline() {
    let env = Env::new().with_people();
    let id = env.ticket("Projector says no signal").to_string();
    let t = env.json_as("tone", &["ticket", "take", &id]);
    assert_eq!((t["status"].as_str(), t["assignee"].as_str()), (Some("open"), Some("tone")));
    env.json_as("tone", &["ticket", "note", &id, "--internal", "HDMI cable looks damaged"]);
    let t = env.json_as("tone", &["ticket", "note", &id, "--public", "I'm on my way with a new cable"]);
    assert!(t["first_response_at"].is_string());
    let t = env.json_as("tone", &["ticket", "resolve", &id, "--message", "Replaced the HDMI cable"]);
    assert_eq!(t["status"], "resolved");
    assert!(t["resolved_at"].is_string());
    let t = env.json_as("tone", &["ticket", "reopen", &id]);
    assert_eq!((t["status"].as_str(), t["resolved_at"].is_null()), (Some("open"), true));
    env.json_as("tone", &["ticket", "resolve", &id, "--message", "Swapped the wall plate too"]);
    let t = env.json_as("tone", &["ticket", "close", &id]);
    assert_eq!(t["status"], "closed");

    let d = env.json(&["ticket", "show", &id]);
    let kinds: Vec<&str> =
        d["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "created", "assigned", "status", "note", "reply", "reply", "status", "status", "reply", "status",
            "status"
        ]
    );
    let note = &d["events"][3];
    assert_eq!((note["internal"].as_bool(), note["tech"].as_str()), (Some(true), Some("tone")));
    assert_eq!(d["events"][4]["internal"], false);
    // Every change bumped the version.
    assert_eq!(d["version"], 8);
}

#[test]
fn ticket_show_marks_internal_notes_unmistakably() {
    let env = Env::new().with_people();
    let id = env.ticket("Teams won't open").to_string();
    env.run(&["ticket", "note", &id, "--internal", "Admin password is in the safe"]).success();
    env.run(&["ticket", "note", &id, "--public", "Please restart your laptop"]).success();
    let out = env.run(&["ticket", "show", &id]).success().get_output().stdout.clone();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let i = lines.iter().position(|l| l.contains("Admin password")).unwrap();
    assert!(lines[i - 1].contains("[INTERNAL]"), "{text}");
    let j = lines.iter().position(|l| l.contains("Please restart")).unwrap();
    assert!(lines[j - 1].contains("PUBLIC REPLY") && !lines[j - 1].contains("INTERNAL"), "{text}");
}

#[test]
fn tier_rules_are_enforced_with_exit_code_5() {
    let env = Env::new().with_people();
    let id = env.ticket("SIMS won't load").to_string();
    env.run_as("tone", &["ticket", "take", &id]).success();
    let t =
        env.json_as("tone", &["ticket", "escalate", &id, "--to", "2", "--reason", "Needs SIMS admin rights"]);
    assert_eq!((t["tier"].as_i64(), t["assignee"].is_null()), (Some(2), true));
    let (code, err) = env.fail_as("tone", &["ticket", "take", &id]);
    assert_eq!(code, 5);
    assert!(err.contains("at or below their own tier"), "{err}");
    let (code, err) = env.fail_as("ttwo", &["ticket", "assign", &id, "tone"]);
    assert_eq!(code, 5);
    assert!(err.contains("tone is tier 1"), "{err}");
    env.run_as("ttwo", &["ticket", "take", &id]).success();
    let t = env.json_as(
        "ttwo",
        &["ticket", "handback", &id, "--to", "1", "--note", "Permissions fixed; confirm with Rachel"],
    );
    assert_eq!(t["tier"], 1);
    // Issue 19: the hand-back returns the ticket to the technician who escalated it.
    assert_eq!(t["assignee"], "tone");
    // Leads may do anything.
    env.run(&["ticket", "assign", &id, "ttwo"]).success();
    let d = env.json(&["ticket", "show", &id]);
    let esc = d["events"].as_array().unwrap().iter().find(|e| e["kind"] == "escalated").unwrap();
    assert_eq!(
        (esc["internal"].as_bool(), esc["body"].as_str()),
        (Some(true), Some("Needs SIMS admin rights"))
    );
}

#[test]
fn a_stale_version_is_refused_naming_who_changed_it() {
    let env = Env::new().with_people();
    let id = env.ticket("Laptop won't charge").to_string();
    let v = env.json(&["ticket", "show", &id])["version"].as_i64().unwrap().to_string();
    env.run_as("tone", &["ticket", "take", &id]).success();
    let before = env.dump();
    let (code, err) =
        env.fail_as("ttwo", &["ticket", "resolve", &id, "--message", "done", "--if-version", &v]);
    assert_eq!(code, 4);
    assert!(err.contains("changed by tone"), "{err}");
    assert_eq!(env.dump(), before);
}

#[test]
fn queues_filter_by_status_tier_school_and_mine() {
    let env = Env::new().with_people();
    let a = env.ticket("One").to_string();
    let b = env.json(&["ticket", "new", "--subject", "Two", "--requester", "b.khan@hillside.sch.uk"])["id"]
        .to_string();
    env.run_as("tone", &["ticket", "take", &a]).success();
    env.run_as("tone", &["ticket", "escalate", &a, "--to", "2", "--reason", "r"]).success();
    let ids =
        |v: serde_json::Value| v.as_array().unwrap().iter().map(|t| t["id"].to_string()).collect::<Vec<_>>();
    assert_eq!(ids(env.json(&["ticket", "list", "--tier", "2"])), [a.as_str()]);
    assert_eq!(ids(env.json(&["ticket", "list", "--school", "hill"])), [b.as_str()]);
    env.run_as("tone", &["ticket", "take", &b]).success();
    assert_eq!(ids(env.json_as("tone", &["ticket", "list", "--mine"])), [b.as_str()]);
    env.run_as("tone", &["ticket", "resolve", &b, "--message", "ok"]).success();
    assert_eq!(ids(env.json(&["ticket", "list"])), [a.as_str()]);
    assert_eq!(ids(env.json(&["ticket", "list", "--status", "resolved"])), [b.as_str()]);
    assert_eq!(env.json(&["ticket", "list", "--all", "--limit", "1"]).as_array().unwrap().len(), 1);
}

#[test]
fn hostile_text_is_stored_as_given_and_printed_safely() {
    let env = Env::new().with_people();
    let subject = "Robert'); DROP TABLE tickets;-- \u{1b}[2J\u{1b}]0;pwned\u{7}";
    let t = env.json(&["ticket", "new", "--subject", subject, "--requester", "r.hughes@stbedes.sch.uk"]);
    assert_eq!(t["subject"], subject.trim());
    let out = env.run(&["ticket", "show", &t["id"].to_string()]).success().get_output().stdout.clone();
    assert!(!out.contains(&0x1b), "an escape sequence reached the terminal");
    assert!(String::from_utf8_lossy(&out).contains("DROP TABLE tickets"));
}
