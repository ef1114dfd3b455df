//! Deflection through the real binary: `suggest`, suggestions when logging a
//! ticket, resolving at first contact with an article, resolving with an
//! article, and hostile search text.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;
use common::{dump, Env};
use serde_json::Value;

const JAM_BODY: &str =
    "## Fix\n\n1. Open only the cover the screen names.\n2. Pull the jammed paper out slowly.\n";

fn article(env: &Env, title: &str, body: &str, extra: &[&str]) -> i64 {
    let mut args = vec!["kb", "add", "--title", title, "--body", body];
    args.extend_from_slice(extra);
    env.json(&args)["id"].as_i64().unwrap()
}

fn ticket(env: &Env, requester: &str, subject: &str, body: &str) -> i64 {
    env.json(&["ticket", "new", "--subject", subject, "--body", body, "--requester", requester])["id"]
        .as_i64()
        .unwrap()
}

fn suggest(env: &Env, args: &[&str]) -> Vec<Value> {
    let mut full = vec!["suggest"];
    full.extend_from_slice(args);
    env.json(&full).as_array().unwrap().clone()
}

fn keys(list: &[Value]) -> Vec<String> {
    list.iter().map(|s| format!("{}#{}", s["kind"].as_str().unwrap(), s["id"])).collect()
}

#[test]
fn suggestions_are_published_articles_and_solved_tickets_with_their_public_fix() {
    let env = Env::new().with_people();
    let public = article(&env, "Clearing a paper jam on the copier", JAM_BODY, &["--publish"]);
    let internal = article(
        &env,
        "Copier jam: engineer escalation",
        "Call the copier engineer when the fuser jams.",
        &["--publish", "--audience", "internal"],
    );
    let draft = article(&env, "Paper jam draft", JAM_BODY, &[]);
    let archived = article(&env, "Old paper jam guide", JAM_BODY, &["--publish"]);
    env.json(&["kb", "archive", &archived.to_string()]);
    let solved =
        ticket(&env, "r.hughes@stbedes.sch.uk", "Copier jammed in the staff room", "Paper jam in tray 2");
    env.run(&["ticket", "note", &solved.to_string(), "--internal", "SECRETNOTE: rollers worn"]).success();
    env.run(&["ticket", "resolve", &solved.to_string(), "--message", "Cleared the jam from tray 2."])
        .success();
    let open = ticket(&env, "b.khan@hillside.sch.uk", "Copier jammed again", "Paper jam");

    let list = suggest(&env, &["copier", "jammed"]);
    let got = keys(&list);
    for want in [format!("article#{public}"), format!("article#{internal}"), format!("ticket#{solved}")] {
        assert!(got.contains(&want), "{want} missing from {got:?}");
    }
    for unwanted in [format!("article#{draft}"), format!("article#{archived}"), format!("ticket#{open}")] {
        assert!(!got.contains(&unwanted), "{unwanted} must not be suggested: {got:?}");
    }
    let scores: Vec<f64> = list.iter().map(|s| s["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "best first: {scores:?}");
    for s in &list {
        assert!(s["title"].is_string() && s["snippet"].is_string(), "{s}");
        match s["kind"].as_str().unwrap() {
            "article" => assert!(s["audience"] == "public" || s["audience"] == "internal", "{s}"),
            _ => assert_eq!(s["resolution"], "Cleared the jam from tray 2.", "{s}"),
        }
    }
    let text = serde_json::to_string(&list).unwrap();
    assert!(!text.contains("SECRETNOTE"), "internal notes never appear: {text}");
    let ticket_hit = list.iter().find(|s| s["kind"] == "ticket").unwrap();
    assert!(ticket_hit["snippet"].as_str().unwrap().to_lowercase().contains("jam"), "{ticket_hit}");

    // Human output marks the internal article and shows how the ticket was solved.
    let out = env.run(&["suggest", "copier", "jammed"]).success().get_output().stdout.clone();
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains(&format!("article #{internal}, INTERNAL")), "{out}");
    assert!(out.contains("Solved with: Cleared the jam from tray 2."), "{out}");
    assert!(!out.contains("SECRETNOTE"));

    assert!(suggest(&env, &["zzqqxx"]).is_empty());
    assert_eq!(suggest(&env, &["copier", "--limit", "1"]).len(), 1);
}

#[test]
fn the_school_and_usefulness_break_ties() {
    let env = Env::new().with_people();
    let bede = ticket(&env, "r.hughes@stbedes.sch.uk", "Visualiser not showing on the board", "Blank");
    let hill = ticket(&env, "b.khan@hillside.sch.uk", "Visualiser not showing on the board", "Blank");
    for id in [bede, hill] {
        env.run(&["ticket", "resolve", &id.to_string(), "--message", "Switched the input to USB."]).success();
    }
    let first =
        |school: &str| suggest(&env, &["visualiser", "not", "showing", "--school", school])[0]["id"].clone();
    assert_eq!(first("BEDE"), bede);
    assert_eq!(first("hill"), hill);

    let a = article(&env, "Scanner to email setup", "Scan to email from any copier.", &["--publish"]);
    let b = article(&env, "Scanner to email setup", "Scan to email from any copier.", &["--publish"]);
    for _ in 0..5 {
        env.json(&["kb", "rate", &b.to_string(), "--helpful"]);
    }
    env.json(&["kb", "rate", &a.to_string(), "--not-helpful"]);
    let list = suggest(&env, &["scanner", "email"]);
    assert_eq!(keys(&list)[..2], [format!("article#{b}"), format!("article#{a}")]);

    // Articles that solved tickets at the requester's school come first...
    let here =
        article(&env, "Board pen calibration", "Calibrate the pen.", &["--publish", "--category", "av"]);
    let there = article(
        &env,
        "Board pen calibration",
        "Calibrate the pen.",
        &["--publish", "--category", "printing"],
    );
    let t = ticket(&env, "r.hughes@stbedes.sch.uk", "Pen", "");
    env.run(&["ticket", "resolve", &t.to_string(), "--article", &here.to_string()]).success();
    let t = ticket(&env, "b.khan@hillside.sch.uk", "Pen", "");
    env.run(&["ticket", "resolve", &t.to_string(), "--article", &there.to_string()]).success();
    let top = |args: &[&str]| keys(&suggest(&env, args))[0].clone();
    assert_eq!(top(&["board", "pen", "calibration", "--school", "BEDE"]), format!("article#{here}"));
    assert_eq!(top(&["board", "pen", "calibration", "--school", "HILL"]), format!("article#{there}"));
    // ...and so do articles in the ticket's category.
    assert_eq!(top(&["board", "pen", "calibration", "--category", "printing"]), format!("article#{there}"));
    assert_eq!(top(&["board", "pen", "calibration", "--category", "AV"]), format!("article#{here}"));

    let (code, err) = env.fail(&["suggest", "printer", "--school", "NOPE"]);
    assert_eq!((code, err.contains("school NOPE not found")), (3, true), "{err}");
    let (code, _) = env.fail(&["suggest", "printer", "--limit", "0"]);
    assert_eq!(code, 2);
}

#[test]
fn logging_a_ticket_suggests_answers_first() {
    let env = Env::new().with_people();
    let a = article(&env, "Clearing a paper jam on the copier", JAM_BODY, &["--publish"]);
    let t = env.json(&[
        "ticket",
        "new",
        "--subject",
        "Copier says paper jam",
        "--body",
        "In the staff room",
        "--requester",
        "r.hughes@stbedes.sch.uk",
    ]);
    for field in ["id", "subject", "status", "priority", "tier", "school", "requester", "created_at"] {
        assert!(t.get(field).is_some(), "ticket field {field} missing: {t}");
    }
    assert_eq!(t["status"], "new");
    let suggestions = t["suggestions"].as_array().unwrap();
    assert_eq!(suggestions[0]["kind"], "article");
    assert_eq!(suggestions[0]["id"], a);

    let out = env
        .run(&["ticket", "new", "--subject", "Paper jam on copier", "--requester", "r.hughes@stbedes.sch.uk"])
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("Might already be answered by:"), "{out}");
    assert!(out.contains(&format!("[article #{a}] Clearing a paper jam")), "{out}");
    // Nothing relevant: no list.
    let t =
        env.json(&["ticket", "new", "--subject", "Zxqv wobble", "--requester", "r.hughes@stbedes.sch.uk"]);
    assert_eq!(t["suggestions"], serde_json::json!([]));
}

#[test]
fn a_ticket_can_be_resolved_at_first_contact_with_an_article() {
    let env = Env::new().with_people();
    let a = article(&env, "Clearing a paper jam on the copier", JAM_BODY, &["--publish"]);
    let t = env.json_as(
        "tone",
        &[
            "ticket",
            "new",
            "--subject",
            "Paper jam",
            "--requester",
            "r.hughes@stbedes.sch.uk",
            "--resolve-with",
            &a.to_string(),
        ],
    );
    assert_eq!(t["status"], "resolved");
    assert!(t["first_response_at"].is_string() && t["resolved_at"].is_string(), "{t}");
    assert_eq!(env.json(&["kb", "show", &a.to_string()])["uses"], 1);
    let detail = env.json(&["ticket", "show", &t["id"].to_string()]);
    let events = detail["events"].as_array().unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    // Issue 19: the technician who resolved the call becomes its assignee.
    assert_eq!(kinds, ["created", "article", "reply", "status", "assigned"]);
    let reply = events[2]["body"].as_str().unwrap();
    assert!(reply.contains("Clearing a paper jam on the copier"), "{reply}");
    assert!(reply.contains("Open only the cover the screen names."), "a summary of the fix: {reply}");
    assert_eq!(events[2]["internal"], false);

    // Drafts, archived and missing articles: nothing is logged at all.
    let draft = article(&env, "Draft", JAM_BODY, &[]);
    let before = dump(&env.db);
    for (id, code, words) in [(draft.to_string(), 2, "is a draft"), ("999".to_string(), 3, "not found")] {
        let (c, err) = env.fail(&[
            "ticket",
            "new",
            "--subject",
            "Paper jam",
            "--requester",
            "r.hughes@stbedes.sch.uk",
            "--resolve-with",
            &id,
        ]);
        assert_eq!((c, err.contains(words)), (code, true), "{err}");
    }
    assert_eq!(dump(&env.db), before);
}

#[test]
fn resolving_with_an_article_sends_a_useful_public_reply_and_never_an_internal_body() {
    let env = Env::new().with_people();
    let public = article(&env, "Clearing a paper jam on the copier", JAM_BODY, &["--publish"]);
    let internal = article(
        &env,
        "Resetting the fuser unit",
        "SECRETSTEP: use the engineer code 4711.",
        &["--publish", "--audience", "internal"],
    );
    let t1 = ticket(&env, "r.hughes@stbedes.sch.uk", "Jam", "");
    let t2 = ticket(&env, "r.hughes@stbedes.sch.uk", "Fuser error", "");
    env.run(&["ticket", "resolve", &t1.to_string(), "--article", &public.to_string()]).success();
    env.run(&["ticket", "resolve", &t2.to_string(), "--article", &internal.to_string()]).success();
    let public_replies = |id: i64| -> Vec<String> {
        env.json(&["ticket", "show", &id.to_string()])["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["internal"] == false && e["body"].is_string())
            .map(|e| e["body"].as_str().unwrap().to_string())
            .collect()
    };
    let r1 = public_replies(t1).join("\n");
    assert!(
        r1.contains(&format!("KB #{public}")) && r1.contains("Pull the jammed paper out slowly."),
        "{r1}"
    );
    let r2 = public_replies(t2).join("\n");
    assert!(!r2.contains("SECRETSTEP") && !r2.contains("fuser unit"), "internal article leaked: {r2}");
    assert!(r2.contains("resolved"), "{r2}");
    assert_eq!(env.json(&["kb", "show", &internal.to_string()])["uses"], 1);

    let draft = article(&env, "Draft", JAM_BODY, &[]);
    let archived = article(&env, "Archived", JAM_BODY, &["--publish"]);
    env.json(&["kb", "archive", &archived.to_string()]);
    let t3 = ticket(&env, "r.hughes@stbedes.sch.uk", "Another jam", "");
    let before = dump(&env.db);
    let (code, err) = env.fail(&["ticket", "resolve", &t3.to_string(), "--article", &draft.to_string()]);
    assert_eq!(code, 2);
    assert!(err.contains("is a draft") && err.contains("kb publish"), "{err}");
    let (code, err) = env.fail(&["ticket", "resolve", &t3.to_string(), "--article", &archived.to_string()]);
    assert_eq!((code, err.contains("is archived")), (2, true), "{err}");
    let (code, _) = env.fail(&["ticket", "resolve", &t3.to_string(), "--article", "999"]);
    assert_eq!(code, 3);
    assert_eq!(dump(&env.db), before);
}

/// Text that would be FTS5 syntax, SQL, or terminal trouble if passed through.
const HOSTILE: &[&str] = &[
    "\"",
    "\"\"",
    "'",
    "*",
    "**",
    "-",
    "--x",
    "-printer",
    "NEAR(",
    "NEAR(printer jam, 2)",
    "printer NEAR jam",
    "AND",
    "OR",
    "NOT",
    "printer AND",
    "OR jam",
    "NOT printer",
    "printer -jam",
    "(",
    ")",
    "((printer",
    "title:jam",
    "{title body}: jam",
    "^printer",
    "printer*",
    "*printer",
    "p*",
    "'); DROP TABLE articles; --",
    "%",
    "_",
    "\\",
    "😀",
    "🖨️ jammed 🔥",
    "日本語のプリンター",
    "İstanbul ß ﬁ",
    "\u{202e}rtl",
    "a\u{0}b",
    "\x1b[2J",
    "   ",
    "a b c d e f g h i j k l m n o p q r s t u v w x y z printer jam copier toner wifi password",
];

#[test]
fn hostile_search_text_never_fails() {
    let env = Env::new().with_people();
    article(&env, "Clearing a paper jam on the copier", JAM_BODY, &["--publish"]);
    let t = ticket(&env, "r.hughes@stbedes.sch.uk", "Printer jam", "jammed");
    env.run(&["ticket", "resolve", &t.to_string(), "--message", "Cleared it"]).success();
    for text in HOSTILE {
        let text = text.replace('\0', "");
        for cmd in [["suggest", "--limit", "5"], ["kb", "search", "--all"]] {
            let mut args = vec!["--json"];
            args.extend_from_slice(&cmd);
            args.extend(["--", text.as_str()]);
            let out = env.cmd().args(&args).output().unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(out.status.success(), "{args:?} failed: {err}");
            let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}"));
            assert!(v.is_array(), "{args:?}");
        }
        let out = env
            .cmd()
            .args(["--json", "ticket", "new", "--requester", "r.hughes@stbedes.sch.uk", "--subject"])
            .arg(format!("x {text}"))
            .output()
            .unwrap();
        assert!(out.status.success(), "ticket new {text:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    // Real words in hostile wrapping still find the answer.
    let found = suggest(&env, &["--", "\"printer\" AND NEAR(jammed*"]);
    assert!(!found.is_empty());
}
