//! Mail in: real-world-shaped messages (tests/mail/*.eml) through
//! `mail ingest`, threading, dedupe, rejects and maildirs.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;
use common::Env;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mail").join(format!("{name}.eml"))
}

/// Runs `mail ingest --json ARGS`; returns the exit code and the reports.
fn ingest_args(env: &Env, args: &[&str]) -> (i32, Vec<Value>) {
    let out = env.cmd().args(["--json", "mail", "ingest"]).args(args).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    let reports: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("bad JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code().unwrap(), reports.as_array().unwrap().clone())
}

/// Ingests one fixture and returns its report, asserting the exit code.
fn ingest(env: &Env, name: &str, code: i32) -> Value {
    let (got, reports) = ingest_args(env, &[fixture(name).to_str().unwrap()]);
    assert_eq!(got, code, "exit code for {name}: {reports:?}");
    assert_eq!(reports.len(), 1);
    reports[0].clone()
}

fn show(env: &Env, id: i64) -> Value {
    env.json(&["ticket", "show", &id.to_string()])
}

fn query(env: &Env, sql: &str) -> Vec<Vec<String>> {
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    let mut stmt = conn.prepare(sql).unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| {
        Ok((0..n)
            .map(|i| match r.get_ref(i).unwrap() {
                rusqlite::types::ValueRef::Null => "NULL".to_string(),
                rusqlite::types::ValueRef::Integer(v) => v.to_string(),
                rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                other => format!("{other:?}"),
            })
            .collect())
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

#[test]
fn every_shape_of_message_becomes_a_readable_ticket() {
    let env = Env::new().with_people();

    let r = ingest(&env, "multipart-alternative", 0);
    assert_eq!((r["outcome"].as_str(), r["ticket"].as_i64()), (Some("created"), Some(1)));
    let t = show(&env, 1);
    assert_eq!(t["subject"], "Projector in Room 4 keeps switching off");
    assert_eq!((t["school"].as_str(), t["source"].as_str()), (Some("BEDE"), Some("email")));
    assert_eq!(t["requester"], "r.hughes@stbedes.sch.uk");
    let body = t["body"].as_str().unwrap();
    // The plain alternative, quoted-printable decoded (en dash, curly apostrophe).
    assert!(body.contains("after about ten minutes – the lamp light goes orange first."), "{body}");
    assert!(body.contains("St Bede’s Primary") && !body.contains("<p") && !body.contains("=E2"), "{body}");

    // HTML only (base64): readable text, list items and the link kept; an
    // unknown sender becomes a requester named from the From header.
    let r = ingest(&env, "html-only", 0);
    let t = show(&env, r["ticket"].as_i64().unwrap());
    assert_eq!((t["school"].as_str(), t["requester_name"].as_str()), (Some("HILL"), Some("Daniel Okafor")));
    assert_eq!(
        t["body"],
        "Hello,\n\nSince this morning the staff Wi-Fi in the science block asks for a password again and again:\n\
         - Lab 1 & Lab 2: no connection\n- Prep room: works\n\
         The guide at the intranet page <https://intranet.hillside.sch.uk/wifi> did not help.\n\nThanks,\nDan"
    );

    // ISO-8859-1, quoted-printable, encoded-word subject and name.
    let r = ingest(&env, "latin1", 0);
    let t = show(&env, r["ticket"].as_i64().unwrap());
    assert_eq!(t["subject"], "Tableau numérique en panne");
    assert_eq!((t["requester_name"].as_str(), t["school"].as_str()), (Some("Zoë Müller"), Some("BEDE")));
    assert!(t["body"].as_str().unwrap().contains("Prix d'une nouvelle lampe : 120 £ ?"));

    // Windows-1252 8bit: smart quotes, dash, ellipsis and euro sign.
    let r = ingest(&env, "cp1252", 0);
    let body = show(&env, r["ticket"].as_i64().unwrap())["body"].as_str().unwrap().to_string();
    assert!(
        body.contains("The “SIMS” login on the office PC says “Account locked” – I only tried twice…"),
        "{body}"
    );
    assert!(body.contains("the €40 adapter"), "{body}");

    // Encoded subject mixing base64 and Q words; an unknown domain goes to triage.
    let r = ingest(&env, "encoded-subject", 0);
    let t = show(&env, r["ticket"].as_i64().unwrap());
    assert_eq!(t["subject"], "Laptop for the governors' meeting – café room");
    assert_eq!(t["school"], "UNASSIGNED");

    // An empty body: the subject says it all.
    let r = ingest(&env, "empty-body", 0);
    let t = show(&env, r["ticket"].as_i64().unwrap());
    assert_eq!((t["subject"].as_str(), t["body"].as_str()), (Some("Please reset my password"), Some("")));

    // Attachment only, no subject: named after the attachment, recorded in the table.
    let r = ingest(&env, "attachment-only", 0);
    let id = r["ticket"].as_i64().unwrap();
    let t = show(&env, id);
    assert_eq!(t["subject"], "Attachment: Scan_2026-11-24_0950.pdf");
    assert_eq!(t["body"], "[Attached: Scan_2026-11-24_0950.pdf (application/pdf, 2 KB)]");
    // The fixture's PDF is 20 copies of a 77-byte stub.
    assert_eq!(
        query(
            &env,
            &format!("SELECT filename, content_type, size FROM mail_attachments WHERE ticket_id = {id}")
        ),
        vec![vec!["Scan_2026-11-24_0950.pdf".to_string(), "application/pdf".into(), "1540".into()]]
    );
    let r = ingest(&env, "with-screenshot", 0);
    let id = r["ticket"].as_i64().unwrap();
    assert_eq!(
        query(
            &env,
            &format!("SELECT filename, content_type, size FROM mail_attachments WHERE ticket_id = {id}")
        ),
        vec![vec!["screenshot.png".to_string(), "image/png".into(), "2048".into()]]
    );
    assert!(show(&env, id)["body"].as_str().unwrap().starts_with("See the screenshot: it appears"));
}

#[test]
fn unreadable_mail_is_kept_whole_and_reported() {
    let env = Env::new().with_people();
    let before = env.json(&["ticket", "list", "--all"]);

    // No From, Sender or Reply-To: nobody to answer; kept as failed, exit non-zero.
    let out = env.cmd().args(["mail", "ingest", fixture("missing-from").to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("could not be read") && err.contains("rejected mail 1"), "{err}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("no sender"));

    // A bounce is read but must not become a ticket (or an answer): ignored, exit 0.
    let r = ingest(&env, "bounce", 0);
    assert_eq!(r["outcome"], "ignored");
    assert!(r["reason"].as_str().unwrap().contains("delivery status notification"), "{r}");

    let rejects = env.json(&["mail", "rejects"]);
    let rows = rejects.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!((rows[0]["outcome"].as_str(), rows[1]["outcome"].as_str()), (Some("failed"), Some("ignored")));
    assert_eq!(rows[0]["subject"], "Help with the printer");
    // Nothing lost: the raw bytes come back exactly.
    let raw = env.cmd().args(["mail", "rejects", "--raw", "1"]).output().unwrap();
    assert_eq!(raw.stdout, std::fs::read(fixture("missing-from")).unwrap());
    assert_eq!(env.json(&["ticket", "list", "--all"]), before, "no ticket from either");

    // The same unreadable message again: still reported, not stored twice.
    let dump = env.dump();
    let (code, reports) = ingest_args(&env, &[fixture("missing-from").to_str().unwrap()]);
    assert_eq!((code, reports[0]["reject"].as_i64()), (1, Some(1)));
    assert_eq!(env.dump(), dump);

    let (code, err) = env.fail(&["mail", "rejects", "--raw", "99"]);
    assert_eq!((code, err.contains("rejected mail 99 not found")), (3, true), "{err}");
}

#[test]
fn replies_join_their_ticket_trimmed_and_reopen_it() {
    let env = Env::new().with_people();
    ingest(&env, "multipart-alternative", 0);
    env.run(&["ticket", "resolve", "1", "--message", "Lamp replaced."]).success();
    assert_eq!(show(&env, 1)["status"], "resolved");

    // In-Reply-To threading; quoted history and "--" signature trimmed;
    // requester-authored (no technician); a resolved ticket reopens.
    let r = ingest(&env, "reply-quoted", 0);
    assert_eq!((r["outcome"].as_str(), r["ticket"].as_i64()), (Some("replied"), Some(1)));
    let t = show(&env, 1);
    assert_eq!(t["status"], "open");
    let reply = t["events"].as_array().unwrap().iter().rev().find(|e| e["kind"] == "reply").unwrap().clone();
    assert_eq!(
        reply["body"],
        "It happened again during assembly, this time after five minutes.\nThe filter looks dusty."
    );
    assert_eq!((reply["tech"].is_null(), reply["internal"].as_bool()), (true, Some(false)));
    let last_status =
        t["events"].as_array().unwrap().iter().rev().find(|e| e["kind"] == "status").unwrap().clone();
    assert_eq!(
        (last_status["old_value"].as_str(), last_status["new_value"].as_str()),
        (Some("resolved"), Some("open"))
    );

    // An out-of-office answer naming the ticket changes nothing on it.
    let before = show(&env, 1);
    assert_eq!(ingest(&env, "auto-reply", 0)["outcome"], "ignored");
    assert_eq!(show(&env, 1), before);

    // A pending ticket (waiting on the requester) goes back to open on the
    // requester's answer; this one threads by the [#1] token only, and
    // Outlook's "From: ... Sent:" block and "Sent from my iPhone" are cut.
    rusqlite::Connection::open(&env.db)
        .unwrap()
        .execute("UPDATE tickets SET status = 'pending', pending_since = 1795514000 WHERE id = 1", [])
        .unwrap();
    let r = ingest(&env, "reply-token-outlook", 0);
    assert_eq!((r["outcome"].as_str(), r["ticket"].as_i64()), (Some("replied"), Some(1)));
    let t = show(&env, 1);
    assert_eq!(t["status"], "open");
    let reply = t["events"].as_array().unwrap().iter().rev().find(|e| e["kind"] == "reply").unwrap().clone();
    assert_eq!(reply["body"], "Brilliant, the new lamp works. Thank you!\n\nRachel");
    assert_eq!(env.json(&["ticket", "list", "--all"]).as_array().unwrap().len(), 1, "no new ticket");
}

#[test]
fn html_only_replies_are_trimmed_too() {
    let env = Env::new().with_people();
    ingest(&env, "multipart-alternative", 0);
    for (name, want) in [
        ("reply-outlook-html", "It is off again – now it won’t turn on at all.\n\nRachel"),
        ("reply-gmail-html", "Thanks — see you at lunch."),
    ] {
        let r = ingest(&env, name, 0);
        assert_eq!((r["outcome"].as_str(), r["ticket"].as_i64()), (Some("replied"), Some(1)), "{name}");
        let t = show(&env, 1);
        let reply =
            t["events"].as_array().unwrap().iter().rev().find(|e| e["kind"] == "reply").unwrap().clone();
        assert_eq!(reply["body"], want, "{name}");
    }
}

#[test]
fn the_same_message_twice_creates_nothing_new() {
    let env = Env::new().with_people();
    ingest(&env, "multipart-alternative", 0);
    ingest(&env, "reply-quoted", 0);
    let dump = env.dump();
    for name in ["multipart-alternative", "reply-quoted"] {
        let r = ingest(&env, name, 0);
        assert_eq!((r["outcome"].as_str(), r["ticket"].as_i64()), (Some("duplicate"), Some(1)));
    }
    assert_eq!(env.dump(), dump);

    // A message without a Message-ID is identified by its content.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("no-id.eml");
    std::fs::write(
        &file,
        "From: b.khan@hillside.sch.uk\nSubject: Toner\n\nThe office printer needs toner.\n",
    )
    .unwrap();
    let (code, first) = ingest_args(&env, &[file.to_str().unwrap()]);
    assert_eq!((code, first[0]["outcome"].as_str()), (0, Some("created")));
    let dump = env.dump();
    let (_, again) = ingest_args(&env, &[file.to_str().unwrap()]);
    assert_eq!(again[0]["outcome"], "duplicate");
    assert_eq!(env.dump(), dump);
}

#[test]
fn a_reply_to_a_closed_ticket_starts_a_follow_up() {
    let env = Env::new().with_people();
    ingest(&env, "multipart-alternative", 0);
    env.run(&["ticket", "close", "1"]).success();
    let r = ingest(&env, "reply-quoted", 0);
    assert_eq!(r["outcome"], "created");
    let id = r["ticket"].as_i64().unwrap();
    assert_ne!(id, 1);
    let t = show(&env, id);
    assert_eq!(t["subject"], "Projector in Room 4 keeps switching off");
    assert!(t["body"].as_str().unwrap().starts_with("Follow-up to closed ticket #1.\n\nIt happened again"));
    assert_eq!(show(&env, 1)["status"], "closed");
}

#[test]
fn maildir_messages_move_to_cur_or_failed() {
    let env = Env::new().with_people();
    let md = env.dir.path().join("Maildir");
    for sub in ["tmp", "new", "cur"] {
        std::fs::create_dir_all(md.join(sub)).unwrap();
    }
    let names = ["multipart-alternative", "missing-from", "bounce", "reply-quoted", "latin1"];
    for (i, name) in names.iter().enumerate() {
        std::fs::copy(fixture(name), md.join("new").join(format!("176400000{i}.M1P1.host"))).unwrap();
    }
    let (code, reports) = ingest_args(&env, &["--maildir", md.to_str().unwrap()]);
    assert_eq!(code, 1, "one message could not be read");
    let outcomes: Vec<&str> = reports.iter().map(|r| r["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["created", "failed", "ignored", "replied", "created"]);
    let list = |p: &Path| {
        let mut v: Vec<String> =
            std::fs::read_dir(p).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        v.sort();
        v
    };
    assert!(list(&md.join("new")).is_empty());
    assert_eq!(
        list(&md.join("cur")),
        [
            "1764000000.M1P1.host:2,S",
            "1764000002.M1P1.host:2,S",
            "1764000003.M1P1.host:2,S",
            "1764000004.M1P1.host:2,S"
        ]
    );
    assert_eq!(list(&md.join(".failed/new")), ["1764000001.M1P1.host"]);
    assert_eq!(
        std::fs::read(md.join(".failed/new/1764000001.M1P1.host")).unwrap(),
        std::fs::read(fixture("missing-from")).unwrap()
    );
    // A second run finds nothing new.
    let (code, reports) = ingest_args(&env, &["--maildir", md.to_str().unwrap()]);
    assert_eq!((code, reports.len()), (0, 0));

    let (code, err) = env.fail(&["mail", "ingest", "--maildir", env.dir.path().to_str().unwrap()]);
    assert_eq!((code, err.contains("is not a maildir")), (2, true), "{err}");
}

#[test]
fn stdin_is_read_as_the_mail_server_pipes_it() {
    let env = Env::new().with_people();
    let out = env
        .cmd()
        .args(["--json", "mail", "ingest", "-"])
        .write_stdin(std::fs::read(fixture("cp1252")).unwrap())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let reports: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (reports[0]["outcome"].as_str(), reports[0]["origin"].as_str()),
        (Some("created"), Some("stdin"))
    );
}

#[test]
fn mail_from_robots_and_from_deskside_itself_is_never_answered() {
    let env = Env::new().with_people();
    let dir = tempfile::tempdir().unwrap();
    // A monitoring robot: may log a ticket, but its acknowledgement is never sent.
    let robot = dir.path().join("robot.eml");
    std::fs::write(
        &robot,
        "From: alerts@hillside.sch.uk\nSubject: Backup job failed on SRV01\nAuto-Submitted: auto-generated\nMessage-ID: <r1@hillside.sch.uk>\n\nJob 'Nightly' failed: disk full.\n",
    )
    .unwrap();
    let (_, r) = ingest_args(&env, &[robot.to_str().unwrap()]);
    assert_eq!(r[0]["outcome"], "created");
    let outbox = env.json(&["mail", "outbox"]);
    assert_eq!((outbox[0]["kind"].as_str(), outbox[0]["status"].as_str()), (Some("ack"), Some("discarded")));

    // A sender from outside every school lands in triage without an
    // automatic answer (spam and forged senders must not get mail from us).
    let (_, r) = ingest_args(&env, &[fixture("encoded-subject").to_str().unwrap()]);
    let stranger = r[0]["ticket"].as_i64().unwrap();
    let outbox = env.json(&["mail", "outbox"]);
    let ack = outbox.as_array().unwrap().iter().find(|o| o["ticket_id"].as_i64() == Some(stranger)).unwrap();
    assert_eq!(ack["status"], "discarded");
    assert!(ack["last_error"].as_str().unwrap().contains("belongs to no school"));
    // A school requester's acknowledgement is queued as usual.
    let (_, r) = ingest_args(&env, &[fixture("cp1252").to_str().unwrap()]);
    let known = r[0]["ticket"].as_i64().unwrap();
    let outbox = env.json(&["mail", "outbox"]);
    let ack = outbox.as_array().unwrap().iter().find(|o| o["ticket_id"].as_i64() == Some(known)).unwrap();
    assert_eq!(ack["status"], "queued");

    // Our own address (from the config file) is a loop: ignored.
    let cfg = env.dir.path().join("home/.config/deskside");
    std::fs::create_dir_all(&cfg).unwrap();
    std::fs::write(cfg.join("config.toml"), "[mail]\nfrom = \"IT Support <it@trust.sch.uk>\"\n").unwrap();
    let own = dir.path().join("own.eml");
    std::fs::write(&own, "From: IT Support <IT@trust.sch.uk>\nSubject: [#1] Backup job failed\nMessage-ID: <o1@trust.sch.uk>\n\nhello\n").unwrap();
    let (code, r) = ingest_args(&env, &[own.to_str().unwrap()]);
    assert_eq!((code, r[0]["outcome"].as_str()), (0, Some("ignored")));
    assert!(r[0]["reason"].as_str().unwrap().contains("mail loop"));
}
