//! No name can add a recipient (issue 15, defect 1). Hostile display names
//! come in by every door — inbound mail, CSV import and the CLI — and every
//! message that then goes out is parsed back with a real MIME parser: its
//! To: holds exactly the one intended address, the name decodes to what was
//! stored, and no header was added or bent (Cc, Bcc, threading ids).
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;
use base64::Engine;
use common::Env;
use mail_parser::{HeaderValue, MessageParser};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// Names that once added recipients or broke the header, and names that
/// look like header syntax.
const HOSTILE: [&str; 20] = [
    "Zoë <evil@attacker.example>, Bob",
    "O'Brien, Seán",
    "Evil <evil@attacker.example>, Bob",
    "a\"b, <evil@attacker.example>",
    "back\\slash\\\", evil@attacker.example",
    "<evil@attacker.example>",
    "evil@attacker.example",
    "undisclosed: evil@attacker.example;",
    "group: a@attacker.example, b@attacker.example;",
    "Bob; evil@attacker.example",
    "Bob\r\nBcc: evil@attacker.example",
    "Bob\nCc: evil@attacker.example\n",
    "Nul\0Byte, evil@attacker.example",
    "=?utf-8?q?evil=40attacker.example?=",
    "=?UTF-8?B?ZXZpbEBhdHRhY2tlci5leGFtcGxl?= <evil@attacker.example>",
    "(comment) evil@attacker.example",
    "\"Quoted\" <evil@attacker.example>",
    "Tab\there, evil@attacker.example",
    "A very long name that goes on and on, with commas, <angle@brackets.example> and colons: and semicolons; well beyond seventy-eight columns",
    "Ẓ😀ë, <evil@attacker.example> and a long tail: é è ê ë ï î ô ö ù û ü ç à â ä æ œ ÿ ñ, é è ê ë ï î ô ö ù",
];

/// The headers deskside writes; anything else in a sent message was injected.
const WRITTEN: [&str; 12] = [
    "Date",
    "From",
    "To",
    "Subject",
    "Message-ID",
    "In-Reply-To",
    "References",
    "Auto-Submitted",
    "X-Auto-Response-Suppress",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
];

/// A name as one line: white space and control characters become single spaces.
fn one_line(name: &str) -> String {
    name.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Ingest turns Exchange's "Okafor, Daniel" into "Daniel Okafor".
fn as_people_say(name: &str) -> String {
    match name.split_once(", ") {
        Some((last, first))
            if !last.is_empty() && !first.is_empty() && !first.contains(',') && !last.contains(' ') =>
        {
            format!("{first} {last}")
        }
        _ => name.to_string(),
    }
}

fn b64_word(text: &str) -> String {
    format!("=?UTF-8?B?{}?=", base64::engine::general_purpose::STANDARD.encode(text))
}

fn ingest(env: &Env, raw: &str) -> Value {
    let file = env.dir.path().join("in.eml");
    std::fs::write(&file, raw).unwrap();
    let out = env.json(&["mail", "ingest", file.to_str().unwrap()]);
    out.as_array().unwrap()[0].clone()
}

fn requester_name(env: &Env, ticket: i64) -> String {
    env.json(&["ticket", "show", &ticket.to_string()])["requester_name"].as_str().unwrap().to_string()
}

/// Sends the outbox into a maildir and returns every message's text.
fn send_all(env: &Env, from: &str) -> Vec<String> {
    let outbox = env.dir.path().join("outbox");
    let report = env.json(&["mail", "send", "--from", from, "--outbox-dir", outbox.to_str().unwrap()]);
    assert!(report["not_sent"].as_array().unwrap().is_empty(), "{report}");
    let files: Vec<_> = std::fs::read_dir(outbox.join("new")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), report["sent"].as_array().unwrap().len());
    files.iter().map(|f| std::fs::read_to_string(f).unwrap()).collect()
}

fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    match value {
        HeaderValue::Text(t) => vec![t.to_string()],
        HeaderValue::TextList(l) => l.iter().map(|t| t.to_string()).collect(),
        HeaderValue::Empty => Vec::new(),
        other => panic!("unexpected id header {other:?}"),
    }
}

/// Checks one sent message against the intended recipient of its ticket.
fn check(text: &str, expected: &BTreeMap<i64, (String, String)>) -> i64 {
    assert!(text.is_ascii(), "headers and body are 7-bit:\n{text}");
    let head = text.split("\n\n").next().unwrap();
    for line in head.lines() {
        assert!(line.len() <= 78, "{line}");
        if !line.starts_with(' ') {
            let name = line.split(':').next().unwrap();
            assert!(WRITTEN.contains(&name), "injected header {line:?} in:\n{head}");
        }
    }
    let parsed = MessageParser::default().parse(text.as_bytes()).unwrap();
    let ticket = deskside::mail::compose::find_token(parsed.subject().unwrap()).unwrap().get();
    let (email, name) = &expected[&ticket];
    let to: Vec<_> = parsed.to().unwrap().iter().collect();
    assert_eq!(to.len(), 1, "one recipient for #{ticket}:\n{head}");
    assert_eq!(to[0].address(), Some(email.as_str()), "{head}");
    assert_eq!(to[0].name(), Some(name.as_str()), "the name round-trips:\n{head}");
    let from: Vec<_> = parsed.from().unwrap().iter().collect();
    assert_eq!(from.len(), 1, "{head}");
    assert_eq!(from[0].address(), Some("it@trust.sch.uk"));
    assert!(parsed.cc().is_none() && parsed.bcc().is_none() && parsed.reply_to().is_none(), "{head}");
    let mut thread = ids(parsed.in_reply_to());
    thread.extend(ids(parsed.references()));
    for id in thread {
        assert!(
            !id.is_empty() && id.chars().all(|c| c.is_ascii_graphic() && !"<>,\"\\;()".contains(c)),
            "a threading id carries syntax: {id:?}\n{head}"
        );
    }
    ticket
}

#[test]
fn no_name_from_mail_csv_or_the_cli_adds_a_recipient() {
    let env = Env::new().with_people();
    // ticket -> (the one address mail about it may go to, the name it shows)
    let mut expected: BTreeMap<i64, (String, String)> = BTreeMap::new();

    // 1. Inbound mail: every hostile name as an encoded word (which can hold
    // anything, line breaks included), and the raw forms attackers write.
    let mut raw_mail: Vec<(String, String)> = HOSTILE
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let email = format!("mail{i}@stbedes.sch.uk");
            (format!("From: {} <{email}>\n", b64_word(name)), email)
        })
        .collect();
    for (header, email) in [
        // The issue's own message: raw UTF-8 in a quoted string.
        ("From: \"Zoë <evil@attacker.example>, Bob\" <newpupil@stbedes.sch.uk>\n", "newpupil@stbedes.sch.uk"),
        ("From: \"O'Brien, Seán\" <obrien@stbedes.sch.uk>\n", "obrien@stbedes.sch.uk"),
        ("From: \"a\\\"b\\\\, <evil@attacker.example>\" <quoted@stbedes.sch.uk>\n", "quoted@stbedes.sch.uk"),
        // Group syntax and several authors: one sender is chosen, never all.
        ("From: undisclosed: group@stbedes.sch.uk, evil@attacker.example;\n", "group@stbedes.sch.uk"),
        (
            "From: evil@attacker.example, Pupil <author@stbedes.sch.uk>\nSender: Pupil <author@stbedes.sch.uk>\n",
            "author@stbedes.sch.uk",
        ),
        ("From: Not An Address <evil@attacker.example, bad>, Real <real@stbedes.sch.uk>\n", "real@stbedes.sch.uk"),
    ] {
        raw_mail.push((header.to_string(), email.to_string()));
    }
    for (n, (from, email)) in raw_mail.iter().enumerate() {
        let raw = format!("{from}To: it@trust.sch.uk\nSubject: Hostile name {n}\nMessage-ID: <in{n}@stbedes.sch.uk>\n\nMy laptop is broken.\n");
        let r = ingest(&env, &raw);
        assert_eq!(r["outcome"], "created", "{from}: {r}");
        assert_eq!(r["sender"].as_str(), Some(email.as_str()), "{from}");
        let ticket = r["ticket"].as_i64().unwrap();
        let stored = requester_name(&env, ticket);
        if n < HOSTILE.len() {
            // Stored as the sender wrote it, on one line (and "Last, First" turned round).
            assert_eq!(stored, as_people_say(&one_line(HOSTILE[n])), "{from}");
        }
        expected.insert(ticket, (email.clone(), one_line(&stored)));
    }
    // A reply whose Message-ID and threading headers try to smuggle syntax:
    // the next public reply threads without them.
    let first = *expected.keys().next().unwrap();
    let reply = format!(
        "From: {} <mail0@stbedes.sch.uk>\nTo: it@trust.sch.uk\nSubject: Re: [#{first}] Hostile name 0\n\
         Message-ID: <x>, <evil@attacker.example>\nIn-Reply-To: <in0@stbedes.sch.uk>, \"Bob\" <evil@attacker.example>\n\
         References: <a b@c> <in0@stbedes.sch.uk>\n\nStill broken.\n",
        b64_word(HOSTILE[0])
    );
    assert_eq!(ingest(&env, &reply)["outcome"], "replied");
    env.run(&["ticket", "note", &first.to_string(), "--public", "We are on our way."]).success();

    // 2. CSV import: names with every kind of syntax in the name column.
    let mut csv = String::from("Subject,Email,Full name,Status\n");
    for (i, name) in HOSTILE.iter().enumerate() {
        csv.push_str(&format!(
            "Imported {i},csv{i}@hillside.sch.uk,\"{}\",Open\n",
            name.replace('"', "\"\"")
        ));
    }
    let file = env.dir.path().join("hostile.csv");
    std::fs::write(&file, csv).unwrap();
    let imported = env.json(&["import", "csv", "--kind", "tickets", file.to_str().unwrap()]);
    let tickets: Vec<i64> = imported["ids"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect();
    assert_eq!(tickets.len(), HOSTILE.len(), "{imported}");
    for (i, ticket) in tickets.iter().enumerate() {
        assert_eq!(requester_name(&env, *ticket), one_line(HOSTILE[i]));
        // Imported tickets are not acknowledged; a public reply goes out.
        env.run(&["ticket", "note", &ticket.to_string(), "--public", "Looking into it."]).success();
        expected.insert(*ticket, (format!("csv{i}@hillside.sch.uk"), one_line(HOSTILE[i])));
    }

    // 3. The CLI: `requester add --name` and `ticket new --requester-name`
    // (an argument cannot hold a NUL byte, so that one is left out).
    for (i, name) in HOSTILE.iter().enumerate().filter(|(_, n)| !n.contains('\0')) {
        let added = format!("cli{i}@stbedes.sch.uk");
        env.run(&["requester", "add", &added, "--name", name]).success();
        let t = env.json(&["ticket", "new", "--subject", &format!("CLI {i}: {name}"), "--requester", &added]);
        expected.insert(t["id"].as_i64().unwrap(), (added, one_line(name)));
        let inline = format!("inline{i}@hillside.sch.uk");
        let t = env.json(&[
            "ticket",
            "new",
            "--subject",
            &format!("Inline {i}"),
            "--requester",
            &inline,
            "--requester-name",
            name,
        ]);
        expected.insert(t["id"].as_i64().unwrap(), (inline, one_line(name)));
    }

    // Everything goes out under a From whose own name is hostile too.
    let sent = send_all(&env, "\"Zoë <evil@attacker.example>, IT\" <it@trust.sch.uk>");
    let mut seen = BTreeMap::new();
    for text in &sent {
        *seen.entry(check(text, &expected)).or_insert(0) += 1;
    }
    // Every ticket got its mail: the CLI and mail ones an acknowledgement,
    // the imported ones and the threaded one a reply.
    assert_eq!(seen.keys().collect::<Vec<_>>(), expected.keys().collect::<Vec<_>>());
    assert_eq!(seen[&first], 2, "acknowledgement and reply");
    assert!(!Path::new(&env.dir.path().join("outbox/new")).read_dir().unwrap().any(|e| {
        let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
        let head = text.split("\n\n").next().unwrap().to_string();
        head.contains("\nBcc:") || head.contains("\nCc:")
    }));
}

#[test]
fn a_mailbox_that_is_not_one_address_is_refused() {
    let env = Env::new().with_people();
    for bad in [
        "a,b@stbedes.sch.uk",
        "a@stbedes.sch.uk, evil@attacker.example",
        "<a@stbedes.sch.uk>",
        "\"a b\"@x.uk",
    ] {
        let (code, err) = env.fail(&["requester", "add", bad, "--name", "X"]);
        assert_eq!(code, 2, "{bad}: {err}");
        assert!(err.contains("invalid email address"), "{err}");
    }
    let before = env.dump();
    let (code, err) = env.fail(&["mail", "send", "--from", "IT <it@trust.sch.uk>, <evil@attacker.example>"]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(env.dump(), before);
}
