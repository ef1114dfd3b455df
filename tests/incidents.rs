//! Link, merge and major incidents (issue 20 points 1 and 2): timelines on
//! both sides, the audit, mail threading into the merge target, one
//! transaction with conflicts refused, the incident's broadcast (one
//! message per caller, nothing internal) and resolving through the parent.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;
use common::Env;
use serde_json::Value;

const SECRET: &str = "ZEBRAFROG";

fn ingest(env: &Env, dir: &std::path::Path, name: &str, raw: &str) -> Value {
    let f = dir.join(name);
    std::fs::write(&f, raw).unwrap();
    let out = env.cmd().args(["--json", "mail", "ingest", f.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice::<Value>(&out.stdout).unwrap()[0].clone()
}

fn mail(from: &str, id: &str, subject: &str, extra: &str, body: &str) -> String {
    format!(
        "From: {from}\r\nTo: it@trust.sch.uk\r\nSubject: {subject}\r\nMessage-ID: <{id}>\r\n{extra}\
         Date: Tue, 24 Nov 2026 09:00:00 +0000\r\n\r\n{body}\r\n"
    )
}

fn show(env: &Env, id: i64) -> Value {
    env.json(&["ticket", "show", &id.to_string()])
}

fn events(env: &Env, id: i64) -> Vec<Value> {
    show(env, id)["events"].as_array().unwrap().clone()
}

/// Sends the outbox into a maildir; returns (recipient, whole message) pairs.
fn sent(env: &Env) -> Vec<(String, String)> {
    let dir = env.dir.path().join("sent");
    let _ = std::fs::remove_dir_all(&dir);
    env.run(&[
        "mail",
        "send",
        "--from",
        "IT Support <it@trust.sch.uk>",
        "--outbox-dir",
        dir.to_str().unwrap(),
    ])
    .success();
    let mut out = Vec::new();
    for sub in ["new", "cur"] {
        if let Ok(rd) = std::fs::read_dir(dir.join(sub)) {
            for e in rd {
                let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
                let to = text
                    .lines()
                    .find_map(|l| l.strip_prefix("To: "))
                    .map(|t| t.rsplit('<').next().unwrap().trim_end_matches('>').to_string())
                    .unwrap();
                out.push((to, text));
            }
        }
    }
    out
}

#[test]
fn link_shows_on_both_tickets_and_in_the_audit() {
    let env = Env::new().with_people();
    let (a, b) = (env.ticket("Projector in B12"), env.ticket("Projector remote missing"));
    env.run(&["ticket", "link", &a.to_string(), "--to", &b.to_string()]).success();
    assert_eq!(show(&env, a)["links"], serde_json::json!([{ "relation": "related", "ticket": b }]));
    assert_eq!(show(&env, b)["links"], serde_json::json!([{ "relation": "related", "ticket": a }]));
    let audit = env.json(&["audit"]).to_string();
    assert!(audit.contains(&format!("related #{b}")), "{audit}");
    let (code, _) = env.fail(&["ticket", "link", &a.to_string(), "--to", &a.to_string()]);
    assert_eq!(code, 2);
    let (code, _) = env.fail(&["ticket", "link", &a.to_string(), "--to", "999"]);
    assert_eq!(code, 3);
}

#[test]
fn merge_folds_a_duplicate_into_its_target_and_mail_follows() {
    let env = Env::new().with_people();
    let dir = tempfile::tempdir().unwrap();
    let r = ingest(
        &env,
        dir.path(),
        "a.eml",
        &mail(
            "Rachel Hughes <r.hughes@stbedes.sch.uk>",
            "a1@stbedes",
            "Hall projector dead",
            "",
            "No picture in the hall.",
        ),
    );
    let target = r["ticket"].as_i64().unwrap();
    let r = ingest(
        &env,
        dir.path(),
        "b.eml",
        &mail(
            "Bilal Khan <b.khan@hillside.sch.uk>",
            "b1@hillside",
            "Projector in hall",
            "",
            "Assembly projector shows nothing.",
        ),
    );
    let dup = r["ticket"].as_i64().unwrap();
    env.run(&["ticket", "note", &dup.to_string(), "--internal", &format!("{SECRET} checked the lamp")])
        .success();
    sent(&env); // the acknowledgements go first

    // Stale versions on either side: refused (exit 4), nothing changed.
    let (dv, tv) =
        (show(&env, dup)["version"].as_i64().unwrap(), show(&env, target)["version"].as_i64().unwrap());
    let before = env.dump();
    let (code, err) = env.fail(&[
        "ticket",
        "merge",
        &dup.to_string(),
        "--into",
        &target.to_string(),
        "--if-version",
        &(dv - 1).to_string(),
    ]);
    assert_eq!(code, 4, "{err}");
    let (code, _) = env.fail(&[
        "ticket",
        "merge",
        &dup.to_string(),
        "--into",
        &target.to_string(),
        "--into-version",
        &(tv - 1).to_string(),
    ]);
    assert_eq!(code, 4);
    assert_eq!(env.dump(), before, "a refused merge changes nothing");

    env.run(&[
        "ticket",
        "merge",
        &dup.to_string(),
        "--into",
        &target.to_string(),
        "--if-version",
        &dv.to_string(),
        "--into-version",
        &tv.to_string(),
    ])
    .success();
    let d = show(&env, dup);
    assert_eq!(d["status"], "closed");
    assert_eq!(d["links"], serde_json::json!([{ "relation": "merged_into", "ticket": target }]));
    let pointer = events(&env, dup).into_iter().find(|e| e["kind"] == "merged").unwrap();
    assert_eq!(pointer["body"], format!("Merged into #{target}"));
    // Nothing lost: the duplicate's words and notes are on the target, for technicians.
    let merged = events(&env, target)
        .into_iter()
        .filter(|e| e["kind"] == "merged" || e["kind"] == "note")
        .collect::<Vec<_>>();
    let text = serde_json::to_string(&merged).unwrap();
    assert!(text.contains("Assembly projector shows nothing") && text.contains(SECRET), "{text}");
    assert!(merged.iter().all(|e| e["internal"] == true), "another requester's words stay internal");
    assert_eq!(
        show(&env, target)["links"],
        serde_json::json!([{ "relation": "merged_from", "ticket": dup }])
    );
    let audit = env.json(&["audit"]).to_string();
    assert!(audit.contains(&format!("into #{target}")), "{audit}");

    // Bilal's reply to his old thread, and a [#dup] subject, land on the target.
    let r = ingest(
        &env,
        dir.path(),
        "c.eml",
        &mail(
            "b.khan@hillside.sch.uk",
            "b2@hillside",
            "Re: Projector in hall",
            "In-Reply-To: <b1@hillside>\r\n",
            "Still dead after lunch.",
        ),
    );
    assert_eq!((r["outcome"].as_str(), r["ticket"].as_i64()), (Some("replied"), Some(target)));
    let r = ingest(
        &env,
        dir.path(),
        "d.eml",
        &mail("b.khan@hillside.sch.uk", "b3@hillside", &format!("Re: [#{dup}] Projector"), "", "Any news?"),
    );
    assert_eq!((r["outcome"].as_str(), r["ticket"].as_i64()), (Some("replied"), Some(target)));

    // Bilal is a participant: a public reply on the target reaches both, once each.
    env.run(&["ticket", "note", &target.to_string(), "--public", "An engineer is on the way."]).success();
    let mut to: Vec<String> = sent(&env).into_iter().map(|(t, _)| t).collect();
    to.sort();
    assert_eq!(to, ["b.khan@hillside.sch.uk", "r.hughes@stbedes.sch.uk"]);

    // Merging again, or into a closed ticket, is refused.
    assert_eq!(env.fail(&["ticket", "merge", &dup.to_string(), "--into", &target.to_string()]).0, 2);
    let other = env.ticket("Another");
    assert_eq!(env.fail(&["ticket", "merge", &other.to_string(), "--into", &dup.to_string()]).0, 2);
}

#[test]
fn an_incident_answers_every_caller_once_and_resolves_them_with_it() {
    let env = Env::new().with_people();
    for (email, name) in [("c.jones@stbedes.sch.uk", "Cara Jones"), ("d.smith@stbedes.sch.uk", "Dev Smith")] {
        env.run(&["requester", "add", email, "--name", name]).success();
    }
    let parent = env.ticket("Wifi down across St Bede's");
    let mut children = Vec::new();
    for who in [
        "b.khan@hillside.sch.uk",
        "c.jones@stbedes.sch.uk",
        "d.smith@stbedes.sch.uk",
        "c.jones@stbedes.sch.uk",
    ] {
        let t = env.json(&["ticket", "new", "--subject", "No wifi", "--requester", who]);
        children.push(t["id"].as_i64().unwrap());
    }
    sent(&env); // acknowledgements
    env.run(&["ticket", "incident", &parent.to_string()]).success();
    for c in &children {
        env.run(&["ticket", "link", &c.to_string(), "--parent", &parent.to_string()]).success();
    }
    env.run(&[
        "ticket",
        "note",
        &parent.to_string(),
        "--internal",
        &format!("{SECRET} the core switch died"),
    ])
    .success();
    // An internal note is never broadcast.
    let before = env.dump();
    let (code, _) = env.fail(&["ticket", "note", &parent.to_string(), "--internal", SECRET, "--to-children"]);
    assert_eq!(code, 2);
    assert_eq!(env.dump(), before);

    // The queue shows the incident once, with its callers' count.
    let list = env.json(&["ticket", "list"]);
    let rows = list.as_array().unwrap();
    assert_eq!(rows.len(), 1, "{list}");
    assert_eq!((rows[0]["id"].as_i64(), rows[0]["callers"].as_u64()), (Some(parent), Some(4)));

    env.run(&[
        "ticket",
        "note",
        &parent.to_string(),
        "--public",
        "The wifi is being fixed; back by 11.",
        "--to-children",
    ])
    .success();
    let mail = sent(&env);
    let mut to: Vec<&str> = mail.iter().map(|(t, _)| t.as_str()).collect();
    to.sort();
    assert_eq!(
        to,
        [
            "b.khan@hillside.sch.uk",
            "c.jones@stbedes.sch.uk",
            "d.smith@stbedes.sch.uk",
            "r.hughes@stbedes.sch.uk"
        ],
        "each requester exactly one message"
    );
    for (who, m) in &mail {
        assert!(m.contains("back by 11"), "{m}");
        assert!(!m.contains(SECRET), "internal text mailed to {who}");
    }
    // Each caller's message is on their own ticket's thread.
    let bilal = mail.iter().find(|(t, _)| t == "b.khan@hillside.sch.uk").unwrap();
    assert!(bilal.1.contains(&format!("[#{}]", children[0])), "{}", bilal.1);
    for c in &children {
        assert!(events(&env, *c)
            .iter()
            .any(|e| e["kind"] == "reply" && e["body"].as_str().unwrap().contains("back by 11")));
    }

    // Resolving the parent resolves the callers with its message.
    env.run(&[
        "ticket",
        "resolve",
        &parent.to_string(),
        "--message",
        "Wifi restored: the core switch was replaced.",
    ])
    .success();
    for c in &children {
        let t = show(&env, *c);
        assert_eq!(t["status"], "resolved", "#{c}");
        let ev = t["events"].as_array().unwrap();
        let marker = ev.iter().position(|e| e["kind"] == "incident").expect("resolved-with-incident marker");
        let resolution = ev.iter().rposition(|e| e["kind"] == "reply").unwrap();
        assert!(marker < resolution);
        assert!(ev[resolution]["body"].as_str().unwrap().contains("core switch was replaced"));
        assert!(t["resolved_at"].is_string() && t["first_response_at"].is_string());
    }
    // Not first-contact resolutions: the work was the incident's.
    let week = env.json(&["report", "weekly", "--week", "2026-W48", "--format", "json"]);
    let text = week.to_string();
    let counts: Vec<&str> =
        text.split("\"first_contact\":").skip(1).map(|r| r.split([',', '}']).next().unwrap()).collect();
    assert!(!counts.is_empty() && counts.iter().all(|n| *n == "0"), "{text}");
    assert!(text.contains("\"resolved\":5"), "the five resolutions are counted: {text}");
}
