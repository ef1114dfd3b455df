//! `canned add|edit|list|show|apply` and `ticket resolve --canned` through
//! the real binary: who may write them, placeholders checked when saved,
//! and what applying one does to the ticket.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;
use common::Env;
use serde_json::Value;

const BODY: &str = "Hi {{requester.first_name}},\n\nTicket {{ticket.id}} (\"{{ticket.subject}}\") for {{requester.name}} at {{school.name}} is sorted.\n\n{{ tech.name }}";

fn add(env: &Env, login: &str, title: &str, body: &str) -> Value {
    env.json_as(login, &["canned", "add", title, "--body", body, "--category", "Printing"])
}

fn show(env: &Env, id: &str) -> Value {
    env.json(&["ticket", "show", id])
}

#[test]
fn tier_2_3_and_leads_write_canned_solutions_and_tier_1_cannot() {
    let env = Env::new().with_people();
    let before = env.dump();
    let (code, err) = env.fail_as("tone", &["canned", "add", "Toner", "--body", "Hi"]);
    assert_eq!(code, 5);
    assert!(
        err.contains("only tier 2/3 technicians and leads may create canned solutions (tone is tier 1)"),
        "{err}"
    );
    assert_eq!(env.dump(), before);
    let c = add(&env, "ttwo", "Paper jam cleared", BODY);
    assert_eq!(
        (c["author"].as_str(), c["category"].as_str(), c["uses"].as_i64()),
        (Some("ttwo"), Some("printing"), Some(0))
    );
    add(&env, "lead", "Toner ordered", "Hi {{requester.first_name}}, toner is on its way.");
    let list = env.json_as("tone", &["canned", "list"]);
    let titles: Vec<&str> = list.as_array().unwrap().iter().map(|c| c["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Paper jam cleared", "Toner ordered"]);
    assert_eq!(env.json(&["canned", "list", "--category", "PRINTING"]).as_array().unwrap().len(), 2);
    assert!(env.json(&["canned", "list", "--category", "network"]).as_array().unwrap().is_empty());
    // Editing follows the same rule.
    let (code, _) = env.fail_as("tone", &["canned", "edit", "Toner ordered", "--title", "Mine now"]);
    assert_eq!(code, 5);
    let c = env.json_as(
        "ttwo",
        &["canned", "edit", "toner ORDERED", "--title", "Toner on its way", "--category", ""],
    );
    assert_eq!((c["title"].as_str(), c["category"].is_null()), (Some("Toner on its way"), true));
}

#[test]
fn placeholders_are_checked_when_saved_not_when_sent() {
    let env = Env::new().with_people();
    add(&env, "ttwo", "Good", BODY);
    let before = env.dump();
    let cases: &[(&[&str], i32, &str)] = &[
        (&["canned", "add", "Bad", "--body", "Hi {{requester.last_name}}"], 2, "body: unknown placeholder {{requester.last_name}}: expected one of {{requester.first_name}}, {{requester.name}}, {{ticket.id}}, {{ticket.subject}}, {{school.name}}, {{tech.name}}"),
        (&["canned", "add", "Bad", "--body", "Ref {{ticket.id"], 2, "body: placeholder '{{ticket.id' is not closed"),
        (&["canned", "add", "Bad", "--body", "Ref {ticket.id}"], 2, "placeholder {ticket.id} needs double braces"),
        (&["canned", "add", "Bad", "--body", "Ref ticket.id}}"], 2, "'}}' without a matching '{{'"),
        (&["canned", "add", "Bad", "--body", "   "], 2, "body must not be empty"),
        (&["canned", "add", "Bad"], 2, "needs --body or --body-file"),
        (&["canned", "add", "", "--body", "x"], 2, "title must not be empty"),
        (&["canned", "add", "42", "--body", "x"], 2, "a title cannot be only a number"),
        (&["canned", "add", "GOOD", "--body", "x"], 2, "a canned solution titled 'Good' already exists (#1)"),
        (&["canned", "add", "Linked", "--body", "x", "--article", "99"], 3, "article 99 not found"),
        (&["canned", "edit", "Good", "--body", "Bye {{tech.first_name}}"], 2, "unknown placeholder {{tech.first_name}}"),
        (&["canned", "edit", "Nope", "--body", "x"], 3, "canned solution 'Nope' not found"),
        (&["canned", "show", "7"], 3, "canned solution '7' not found"),
    ];
    for (args, code, needle) in cases {
        let (got, err) = env.fail_as("ttwo", args);
        assert_eq!(got, *code, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: expected {needle:?} in {err:?}");
    }
    assert_eq!(env.dump(), before, "a refused canned solution changed the database");
    // A body from a file, checked the same way.
    let file = env.dir.path().join("reply.txt");
    std::fs::write(&file, "Dear {{requester.name}},\nDone.\n").unwrap();
    let c = env.json_as("ttwo", &["canned", "add", "From file", "--body-file", file.to_str().unwrap()]);
    assert_eq!(c["body"], "Dear {{requester.name}},\nDone.");
}

#[test]
fn applying_sends_the_rendered_reply_links_and_counts_it() {
    let env = Env::new().with_people();
    let c = add(&env, "ttwo", "Paper jam cleared", BODY);
    let id = env.ticket("Copier jammed again").to_string();
    // Tier 1 applies it by title, in any case.
    let t = env.json_as("tone", &["canned", "apply", &id, "paper JAM cleared"]);
    assert_eq!((t["status"].as_str(), t["first_response_at"].as_str()), (Some("open"), Some(common::NOW)));
    let d = show(&env, &id);
    let reply = d["events"].as_array().unwrap().iter().find(|e| e["kind"] == "reply").unwrap();
    assert_eq!(
        reply["body"],
        format!("Hi Rachel,\n\nTicket {id} (\"Copier jammed again\") for Rachel Hughes at St Bede's Primary is sorted.\n\nToni One")
    );
    assert_eq!((reply["internal"].as_bool(), reply["tech"].as_str()), (Some(false), Some("tone")));
    let applied = d["events"].as_array().unwrap().iter().find(|e| e["kind"] == "canned").unwrap();
    assert_eq!(
        (applied["body"].as_str(), applied["new_value"].as_str()),
        (Some("Paper jam cleared"), Some(c["id"].to_string().as_str()))
    );
    assert_eq!(applied["internal"], true);
    // Applied again by id: counted twice, the first response unchanged.
    let t = env.json_as("tone", &["canned", "apply", &id, &c["id"].to_string()]);
    assert_eq!(t["first_response_at"], common::NOW);
    assert_eq!(env.json(&["canned", "show", "Paper jam cleared"])["uses"], 2);
    let text = String::from_utf8(env.run(&["canned", "list"]).success().get_output().stdout.clone()).unwrap();
    assert!(
        text.lines().any(|l| l.starts_with("#1 ") && l.contains("printing") && l.contains(" 2 ")),
        "{text}"
    );
}

#[test]
fn a_canned_solution_can_resolve_the_ticket() {
    let env = Env::new().with_people();
    add(&env, "ttwo", "Paper jam cleared", BODY);
    let a = env.ticket("Jam A").to_string();
    let t = env.json_as("tone", &["canned", "apply", &a, "Paper jam cleared", "--resolve"]);
    assert_eq!((t["status"].as_str(), t["resolved_at"].as_str()), (Some("resolved"), Some(common::NOW)));
    assert!(t["first_response_at"].is_string());
    let b = env.ticket("Jam B").to_string();
    let t = env.json_as("tone", &["ticket", "resolve", &b, "--canned", "1"]);
    assert_eq!(t["status"], "resolved");
    let d = show(&env, &b);
    let kinds: Vec<&str> =
        d["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    // Issue 19: the resolver becomes the assignee, after the resolution.
    assert_eq!(kinds, ["created", "reply", "status", "assigned", "canned"]);
    assert!(d["events"][1]["body"].as_str().unwrap().starts_with("Hi Rachel,"));
    assert_eq!(env.json(&["canned", "show", "1"])["uses"], 2);
    let (code, err) = env.fail(&["ticket", "resolve", &b, "--canned", "1", "--message", "x"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot be used with"), "{err}");
}

#[test]
fn canned_show_previews_the_reply_for_a_ticket() {
    let env = Env::new().with_people();
    add(&env, "ttwo", "Paper jam cleared", BODY);
    let id = env.ticket("Jam").to_string();
    let v = env.json_as("ttwo", &["canned", "show", "Paper jam cleared", "--ticket", &id]);
    assert_eq!(v["body"], BODY);
    assert!(v["rendered"].as_str().unwrap().ends_with("is sorted.\n\nTam Two"), "{v}");
    let text = String::from_utf8(
        env.run(&["canned", "show", "1", "--ticket", &id]).success().get_output().stdout.clone(),
    )
    .unwrap();
    assert!(text.contains(&format!("As sent on ticket #{id}:")) && text.contains("  | Hi Rachel,"), "{text}");
    let text =
        String::from_utf8(env.run(&["canned", "show", "1"]).success().get_output().stdout.clone()).unwrap();
    assert!(text.contains("  | Hi {{requester.first_name}},") && text.contains("Placeholders:"), "{text}");
    // Previewing changes nothing.
    let before = env.dump();
    env.run(&["canned", "show", "1", "--ticket", &id]).success();
    assert_eq!(env.dump(), before);
}

#[test]
fn applying_refuses_what_does_not_fit() {
    let env = Env::new().with_people();
    add(&env, "ttwo", "Paper jam cleared", BODY);
    let closed = env.ticket("Old").to_string();
    env.run(&["ticket", "close", &closed]).success();
    let senior = env.ticket("Senior").to_string();
    env.run(&["ticket", "escalate", &senior, "--to", "2", "--reason", "needs admin rights"]).success();
    let open = env.ticket("Open").to_string();
    let before = env.dump();
    let cases: &[(&str, &[&str], i32, &str)] = &[
        ("tone", &["canned", "apply", "999", "1"], 3, "ticket #999 not found"),
        ("tone", &["canned", "apply", &open, "Nope"], 3, "canned solution 'Nope' not found"),
        (
            "tone",
            &["canned", "apply", &closed, "1"],
            2,
            "is closed: reopen it before sending a canned solution",
        ),
        ("tone", &["canned", "apply", &senior, "1"], 5, "tone is tier 1 and cannot reply to ticket"),
        ("tone", &["ticket", "resolve", &senior, "--canned", "1"], 5, "at or below their own tier"),
        (
            "tone",
            &["canned", "apply", &open, "1", "--resolve", "--if-version", "7"],
            4,
            "was changed by lead",
        ),
    ];
    for (who, args, code, needle) in cases {
        let (got, err) = env.fail_as(who, args);
        assert_eq!(got, *code, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: expected {needle:?} in {err:?}");
    }
    assert_eq!(env.dump(), before);
}

#[test]
fn the_demo_loads_its_canned_solutions_through_the_checks() {
    let env = Env::made_by(&["init", "--demo"]);
    let all = env.json(&["canned", "list"]);
    let n = all.as_array().unwrap().len();
    let in_file = include_str!("../assets/demo/canned.toml").matches("[[canned]]").count();
    assert_eq!(n, in_file);
    assert!(all.as_array().unwrap().iter().all(|c| c["author"].is_string()));
    // Applying one with an article resolves and links the article.
    let jam = all.as_array().unwrap().iter().find(|c| c["title"] == "Paper jam cleared").unwrap();
    let t = env.json(&[
        "ticket",
        "new",
        "--subject",
        "Copier jam",
        "--requester",
        "new.person@stbedes.sch.uk",
        "--requester-name",
        "New Person",
    ]);
    let id = t["id"].to_string();
    env.json(&["canned", "apply", &id, "Paper jam cleared", "--resolve"]);
    let d = show(&env, &id);
    let article = d["events"].as_array().unwrap().iter().find(|e| e["kind"] == "article").unwrap();
    assert_eq!(article["new_value"], jam["article_id"].to_string());
    let reply = d["events"].as_array().unwrap().iter().find(|e| e["kind"] == "reply").unwrap();
    assert!(reply["body"].as_str().unwrap().starts_with("Hi New,"));
    assert!(reply["body"].as_str().unwrap().contains(&format!("(ref {id})")));
}
