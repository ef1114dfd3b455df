//! Mail out: acknowledgements and public replies queued with their change,
//! rendered as RFC 5322 messages, threaded, sent through a command or into a
//! maildir — and internal text never in any of them.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;
use common::Env;
use mail_parser::MessageParser;
use serde_json::Value;
use std::path::{Path, PathBuf};

const INTERNAL: [&str; 3] = ["SECRET-NOTE-7731", "SECRET-ESCALATION-4410", "SECRET-HANDBACK-9902"];

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mail").join(format!("{name}.eml"))
}

/// The messages in a maildir's new/, oldest first, as (raw text, parsed).
fn messages(dir: &Path) -> Vec<String> {
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(dir.join("new")).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort_by_key(|p| {
        // Unique names are "secs.M<micros>P<pid>Q<counter>.host": order by the counter.
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let q = name.split('Q').nth(1).unwrap().split('.').next().unwrap().to_string();
        q.parse::<u64>().unwrap()
    });
    files.iter().map(|f| std::fs::read_to_string(f).unwrap()).collect()
}

fn header<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    text.split("\n\n").next().unwrap().lines().find_map(|l| l.strip_prefix(name))
}

#[test]
fn acknowledgements_and_public_replies_go_out_and_internal_text_never_does() {
    let env = Env::new().with_people();
    let outbox = env.dir.path().join("outbox");

    // A ticket by mail and one by phone.
    env.run(&["mail", "ingest", fixture("latin1").to_str().unwrap()]).success();
    let phone = env.ticket("Whiteboard pen tray loose");
    assert_eq!(phone, 2);

    // Work on ticket 1: everything internal carries a marker.
    env.run(&["ticket", "note", "1", "--internal", &format!("{} supplier quote 120", INTERNAL[0])]).success();
    env.run(&["ticket", "escalate", "1", "--to", "2", "--reason", INTERNAL[1]]).success();
    env.run(&["ticket", "handback", "1", "--to", "1", "--note", INTERNAL[2]]).success();
    env.run(&["ticket", "note", "1", "--public", "Nous passons demain matin — merci de patienter."])
        .success();
    env.run(&["ticket", "resolve", "1", "--message", "Lamp replaced; the board works again."]).success();

    let queued = env.json(&["mail", "outbox", "--status", "queued"]);
    let kinds: Vec<(i64, &str)> = queued
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["ticket_id"].as_i64().unwrap(), r["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(kinds, [(1, "ack"), (2, "ack"), (1, "reply"), (1, "reply")], "internal notes queue nothing");

    let report = env.json(&[
        "mail",
        "send",
        "--from",
        "St Bede’s IT <it@trust.sch.uk>",
        "--outbox-dir",
        outbox.to_str().unwrap(),
    ]);
    assert_eq!(report["sent"].as_array().unwrap().len(), 4);
    let sent = messages(&outbox);
    assert_eq!(sent.len(), 4);

    for text in &sent {
        for secret in INTERNAL {
            assert!(!text.contains(secret), "internal text in a message:\n{text}");
        }
        let parsed = MessageParser::default().parse(text.as_bytes()).unwrap();
        let body = parsed.body_text(0).unwrap();
        for secret in INTERNAL {
            assert!(!body.contains(secret));
        }
        for name in ["Date: ", "Message-ID: <", "MIME-Version: 1.0", "Subject: "] {
            assert!(header(text, name).is_some(), "{name} missing:\n{text}");
        }
        let from = parsed.from().unwrap().first().unwrap();
        assert_eq!((from.name(), from.address()), (Some("St Bede’s IT"), Some("it@trust.sch.uk")));
        assert!(text.lines().all(|l| l.len() <= 78), "long line:\n{text}");
        assert!(text.is_ascii(), "7-bit on the wire");
    }

    // 1: the acknowledgement of the mailed ticket, threaded on the requester's message.
    let ack = MessageParser::default().parse(sent[0].as_bytes()).unwrap();
    assert_eq!(ack.subject(), Some("[#1] Tableau numérique en panne"));
    let to = ack.to().unwrap().first().unwrap();
    assert_eq!((to.name(), to.address()), (Some("Zoë Müller"), Some("z.muller@stbedes.sch.uk")));
    assert_eq!(ack.in_reply_to().as_text(), Some("20261124091000.4711@stbedes.sch.uk"));
    assert_eq!(header(&sent[0], "Auto-Submitted: "), Some("auto-replied"));
    let body = ack.body_text(0).unwrap();
    assert!(
        body.starts_with("Hello Zoë,") && body.contains("ticket #1:") && body.contains("keep [#1]"),
        "{body}"
    );
    assert!(!body.contains("articles"), "no suggestions until the knowledge base is wired");

    // 2: the phone ticket's acknowledgement starts its own thread.
    let ack2 = MessageParser::default().parse(sent[1].as_bytes()).unwrap();
    assert_eq!(ack2.subject(), Some("[#2] Whiteboard pen tray loose"));
    assert!(header(&sent[1], "In-Reply-To: ").is_none());

    // 3 and 4: the public replies, threaded after the acknowledgement.
    let reply = MessageParser::default().parse(sent[2].as_bytes()).unwrap();
    assert_eq!(reply.subject(), Some("Re: [#1] Tableau numérique en panne"));
    assert_eq!(reply.in_reply_to().as_text(), ack.message_id());
    assert!(reply
        .body_text(0)
        .unwrap()
        .starts_with("Nous passons demain matin — merci de patienter.\n\nLee Lead\n"));
    assert!(header(&sent[2], "Auto-Submitted: ").is_none(), "a person wrote it");
    let resolved = MessageParser::default().parse(sent[3].as_bytes()).unwrap();
    let body = resolved.body_text(0).unwrap();
    assert!(
        body.starts_with("Lamp replaced; the board works again.")
            && body.contains("marked this ticket resolved")
    );
    let refs = resolved.references().as_text_list().unwrap();
    assert_eq!(refs.first().map(|r| r.as_ref()), Some("20261124091000.4711@stbedes.sch.uk"));
    assert_eq!(refs.last().map(|r| r.as_ref()), reply.message_id());

    // Everything is marked sent; a second run sends nothing.
    let again =
        env.json(&["mail", "send", "--from", "it@trust.sch.uk", "--outbox-dir", outbox.to_str().unwrap()]);
    assert_eq!(again["sent"].as_array().unwrap().len(), 0);
    assert_eq!(messages(&outbox).len(), 4);

    // The requester answers our reply: it threads back by In-Reply-To.
    let answer = env.dir.path().join("answer.eml");
    std::fs::write(
        &answer,
        format!(
            "From: z.muller@stbedes.sch.uk\nSubject: Re: something else entirely\nMessage-ID: <a1@stbedes.sch.uk>\nIn-Reply-To: <{}>\n\nIt is flickering again.\n",
            resolved.message_id().unwrap()
        ),
    )
    .unwrap();
    let r = env.json(&["mail", "ingest", answer.to_str().unwrap()]);
    assert_eq!((r[0]["outcome"].as_str(), r[0]["ticket"].as_i64()), (Some("replied"), Some(1)));
    assert_eq!(env.json(&["ticket", "show", "1"])["status"], "open", "reopened");
    // ... and the requester's own words are never mailed back to them.
    assert_eq!(env.json(&["mail", "outbox", "--status", "queued"]).as_array().unwrap().len(), 0);
}

#[test]
fn a_change_that_fails_queues_nothing() {
    let env = Env::new().with_people();
    let id = env.ticket("Printer offline");
    let before = env.dump();
    env.fail(&["ticket", "resolve", &id.to_string(), "--article", "999"]);
    env.fail(&["ticket", "note", "999", "--public", "hello"]);
    env.fail(&["ticket", "new", "--subject", "x", "--requester", "nobody@nowhere.org"]);
    assert_eq!(env.dump(), before, "no outbox row survives a rolled-back change");
}

#[test]
fn a_failed_send_is_kept_and_retried() {
    let env = Env::new().with_people();
    env.ticket("Projector bulb");
    let (code, err) = env.fail(&["mail", "send", "--from", "it@trust.sch.uk", "--command", "false"]);
    assert_eq!(code, 1);
    assert!(err.contains("could not be sent"), "{err}");
    let row = env.json(&["mail", "outbox"])[0].clone();
    assert_eq!((row["status"].as_str(), row["attempts"].as_i64()), (Some("queued"), Some(1)));
    assert!(row["last_error"].as_str().unwrap().contains("false exited with"), "{row}");

    // A send command that keeps its arguments and the message it was given.
    let dir = env.dir.path();
    let script = dir.join("fake-sendmail");
    std::fs::write(&script, format!("#!/bin/sh\necho \"$@\" > {0}/args\ncat > {0}/message\n", dir.display()))
        .unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let report = env.json(&[
        "mail",
        "send",
        "--from",
        "it@trust.sch.uk",
        "--command",
        &format!("{} -t -i", script.display()),
    ]);
    assert_eq!(report["sent"][0]["via"], script.display().to_string());
    assert_eq!(std::fs::read_to_string(dir.join("args")).unwrap(), "-t -i\n");
    let message = std::fs::read_to_string(dir.join("message")).unwrap();
    assert_eq!(header(&message, "To: "), Some("Rachel Hughes <r.hughes@stbedes.sch.uk>"));
    let row = env.json(&["mail", "outbox"])[0].clone();
    assert_eq!((row["status"].as_str(), row["attempts"].as_i64()), (Some("sent"), Some(2)));
}

#[test]
fn mail_settings_come_from_the_config_file_beside_the_db_key() {
    let env = Env::new().with_people();
    env.ticket("Laptop charger");
    let (code, err) = env.fail(&["mail", "send"]);
    assert_eq!((code, err.contains("mail is not configured")), (2, true), "{err}");

    let outbox = env.dir.path().join("queue");
    let cfg = env.dir.path().join("home/.config/deskside");
    std::fs::create_dir_all(&cfg).unwrap();
    std::fs::write(
        cfg.join("config.toml"),
        format!(
            "db = \"{}\"\n\n[mail]\nfrom = \"Hillside IT <it@hillside.sch.uk>\"\noutbox_dir = \"{}\"\n",
            env.db.display(),
            outbox.display()
        ),
    )
    .unwrap();
    // The db key still finds the database (no DESKSIDE_DB here).
    let out = env.cmd().env_remove("DESKSIDE_DB").args(["--json", "mail", "send"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["sent"].as_array().unwrap().len(), 1);
    let text = messages(&outbox).remove(0);
    assert_eq!(header(&text, "From: "), Some("Hillside IT <it@hillside.sch.uk>"));
    assert!(header(&text, "Message-ID: ").unwrap().ends_with("@hillside.sch.uk>"));

    std::fs::write(cfg.join("config.toml"), "[mail]\nfrom = \"not an address\"\n").unwrap();
    env.ticket("Second");
    let (code, err) = env.fail(&["mail", "send"]);
    assert_eq!(code, 2);
    assert!(err.contains("invalid mail from address in") && err.contains("config.toml"), "{err}");
}

#[test]
fn old_queued_mail_expires_instead_of_surprising_people() {
    let env = Env::new().with_people();
    env.ticket("Old news");
    let outbox = env.dir.path().join("out");
    let later = env
        .cmd()
        .env("DESKSIDE_NOW", "2026-12-01T10:00:00Z")
        .args([
            "--json",
            "mail",
            "send",
            "--from",
            "it@trust.sch.uk",
            "--outbox-dir",
            outbox.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(later.status.success());
    let report: Value = serde_json::from_slice(&later.stdout).unwrap();
    assert_eq!((report["expired"].as_i64(), report["sent"].as_array().unwrap().len()), (Some(1), 0));
    assert_eq!(env.json(&["mail", "outbox"])[0]["status"], "expired");
}

#[test]
fn demo_data_never_queues_mail() {
    let env = Env::made_by(&["init", "--demo"]);
    let rows = env.json(&["mail", "outbox"]);
    let rows = rows.as_array().unwrap();
    assert!(rows.len() > 100, "the demo did queue acknowledgements and replies");
    assert!(rows.iter().all(|r| r["status"] == "discarded"));
}

#[test]
fn acknowledgements_offer_public_articles_that_may_solve_it_and_never_internal_ones() {
    let env = Env::made_by(&["init", "--demo"]);
    let internal: Vec<String> = env
        .json(&["kb", "list", "--audience", "internal"])
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap().to_string())
        .collect();
    assert!(internal.len() >= 5, "the demo has internal articles");
    let show = |subject: &str, body: &str| {
        env.json(&[
            "ticket",
            "new",
            "--subject",
            subject,
            "--body",
            body,
            "--requester",
            "r.hughes@stbedes.sch.uk",
        ]);
        let id = env.json(&["mail", "outbox"]).as_array().unwrap().last().unwrap()["id"].to_string();
        let out = env.run(&["mail", "outbox", "--show", &id, "--from", "it@trust.sch.uk"]).success();
        String::from_utf8(out.get_output().stdout.clone()).unwrap().replace("=\n", "")
    };
    let jam = show("Staff room copier jammed again", "It says paper jam in tray 2");
    assert!(jam.contains("may solve it"), "{jam}");
    assert!(jam.contains("Clearing a paper jam on the Kyocera copiers"), "{jam}");
    // Internal procedures match these words too; they must never be offered.
    for (subject, body) in [
        (
            "Trust relationship failed on PC",
            "The trust relationship between this workstation and the domain failed",
        ),
        ("iPad activation lock", "Need the iPad re-enrolled after activation lock"),
        ("Reset a pupil password", "Pupil in 8R forgot their password, please reset it in AD"),
    ] {
        let ack = show(subject, body);
        for title in &internal {
            assert!(!ack.contains(title.as_str()), "internal article {title:?} offered:\n{ack}");
        }
    }
}

#[test]
fn a_question_that_puts_a_ticket_on_hold_is_mailed_to_the_requester() {
    let env = Env::new().with_people();
    let id = env.ticket("Projector bulb").to_string();
    env.run(&["ticket", "pending", &id, "--message", "Which room is the projector in?"]).success();
    let rows = env.json(&["mail", "outbox"]);
    let last = rows.as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["ticket_id"].as_i64(), last["kind"].as_str()),
        (Some(id.parse().unwrap()), Some("reply")),
        "{last}"
    );
    let out = env
        .run(&["mail", "outbox", "--show", &last["id"].to_string(), "--from", "it@trust.sch.uk"])
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap().replace("=\n", "");
    assert!(text.contains("Which room is the projector in?"), "{text}");
}
