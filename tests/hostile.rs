//! Hostile input: SQL and FTS syntax, control characters and terminal escape
//! sequences in subjects, bodies, names and notes are stored exactly as given
//! (less surrounding whitespace) and never reach a terminal raw; no argument
//! vector makes the binary panic or leave the documented exit codes.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;
use common::Env;
use deskside::cli::output::{fit, safe};
use deskside::clock::FixedClock;
use deskside::domain::{NewTicket, Tier};
use deskside::service::directory::NewSchool;
use deskside::service::tickets::Visibility;
use deskside::service::{Desk, InitOptions};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::cell::{Cell, RefCell};
use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::process::Stdio;

const NASTY: &[&str] = &[
    "'); DROP TABLE tickets;--",
    "\" OR 1=1 --",
    "NEAR(printer toner, 3)",
    "print* AND -wifi OR \"exact phrase\"",
    "subject:^boot",
    "\u{1b}[2J\u{1b}[H",
    "\u{1b}]0;pwned\u{7}",
    "\u{1b}]8;;http://evil.example/\u{1b}\\link\u{1b}]8;;\u{1b}\\",
    "\u{9b}31m",
    "\u{1b}P+q544e\u{1b}\\",
    "%s%n%x",
    "{{ticket.id}}",
    "NULL",
    "\u{202e}gnp.exe",
    "Zoë Ødegård 李雷 🖨️",
];

fn hostile_char() -> impl Strategy<Value = char> {
    prop_oneof![
        any::<char>(),
        prop::char::range('\u{0}', '\u{1f}'),
        prop::char::range('\u{7f}', '\u{9f}'),
        prop::sample::select(vec![
            '\'', '"', ';', '-', '*', '%', '_', '\\', '(', ')', ':', '^', '\u{1b}', '\u{200b}'
        ]),
        prop::char::range('a', 'z'),
    ]
}

fn hostile_text() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        prop::collection::vec(hostile_char(), 0..12).prop_map(|v| v.into_iter().collect::<String>()),
        prop::sample::select(NASTY).prop_map(String::from),
    ];
    prop::collection::vec(fragment, 1..6).prop_map(|v| v.concat())
}

/// Text a command line can carry (no NUL) and a field accepts (not blank).
fn arg_text() -> impl Strategy<Value = String> {
    hostile_text().prop_map(|s| s.replace('\0', "")).prop_filter("blank", |s| !s.trim().is_empty())
}

/// Failing inputs are printed, not saved to a file next to the test.
fn cases(n: u32) -> Config {
    Config { cases: n, failure_persistence: None, ..Config::default() }
}

/// A character that must never reach a terminal raw.
fn raw_control(c: char, multiline: bool) -> bool {
    let kept = multiline && (c == '\n' || c == '\t');
    ((c as u32) < 0x20 && !kept) || c == '\u{7f}' || ('\u{80}'..='\u{9f}').contains(&c)
}

proptest! {
    #![proptest_config(cases(512))]

    #[test]
    fn safe_and_fit_leave_no_control_character(s in hostile_text(), width in 1usize..80) {
        prop_assert!(!safe(&s, false).chars().any(|c| raw_control(c, false)));
        prop_assert!(!safe(&s, true).chars().any(|c| raw_control(c, true)));
        let cut = fit(&s, width);
        prop_assert!(!cut.chars().any(|c| raw_control(c, false)));
        prop_assert!(cut.chars().count() <= width);
    }
}

/// Through the service layer, in one process: whatever the text, it comes
/// back exactly (trimmed), including characters no command line can carry.
#[test]
fn any_text_is_stored_exactly_as_given() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    let now = chrono::DateTime::parse_from_rfc3339(common::NOW).unwrap().to_utc();
    let desk = RefCell::new(
        Desk::init(&path, &InitOptions::default(), Box::new(FixedClock(now)), "lead", "lead").unwrap(),
    );
    let school = NewSchool {
        name: "Base".into(),
        code: "BASE".into(),
        domains: vec!["base.sch.uk".into()],
        calendar: None,
    };
    desk.borrow_mut().add_school(&school).unwrap();
    let counter = Cell::new(0u32);
    let texts = (hostile_text(), hostile_text(), hostile_text(), hostile_text(), hostile_text());
    let filtered = texts.prop_filter("blank", |(a, _, c, d, e)| {
        [a, c, d, e].iter().all(|s| !s.trim().is_empty()) && a.trim().chars().count() <= 200
    });
    TestRunner::new(cases(256))
        .run(&filtered, |(subject, body, name, note, school_name)| {
            let mut desk = desk.borrow_mut();
            let n = counter.get() + 1;
            counter.set(n);
            let email = format!("p{n}@base.sch.uk");
            let new = NewTicket {
                subject: subject.clone(),
                body: body.clone(),
                requester: email.clone(),
                requester_name: Some(name.clone()),
                ..NewTicket::default()
            };
            let t = desk.create_ticket(&new).unwrap();
            desk.add_note(t.id, &note, Visibility::Internal).unwrap();
            let d = desk.ticket(t.id).unwrap();
            prop_assert_eq!(&d.ticket.subject, subject.trim());
            prop_assert_eq!(&d.ticket.body, body.trim());
            prop_assert_eq!(&d.ticket.requester_name, name.trim());
            prop_assert_eq!(d.events.last().unwrap().body.as_deref(), Some(note.trim()));
            let s = desk
                .add_school(&NewSchool {
                    name: school_name.clone(),
                    code: format!("S{n}"),
                    domains: vec![format!("s{n}.sch.uk")],
                    calendar: None,
                })
                .unwrap();
            prop_assert_eq!(&s.name, school_name.trim());
            let tech = desk.add_tech(&format!("t{n}"), &name, Tier::One, false).unwrap();
            prop_assert_eq!(
                desk.techs().unwrap().into_iter().find(|x| x.id == tech.id).unwrap().name,
                name.trim()
            );
            Ok(())
        })
        .unwrap();
}

/// Every command that shows stored text (as text and as `--json`), and a
/// refusal quoting the input, through the real binary.
#[test]
fn human_output_never_carries_raw_control_characters() {
    let env = Env::new();
    env.run(&["school", "add", "Base", "--code", "BASE", "--domain", "base.sch.uk"]).success();
    let counter = Cell::new(0u32);
    TestRunner::new(cases(24))
        .run(&(arg_text(), arg_text(), arg_text(), arg_text()), |(subject, body, name, note)| {
            let n = counter.get() + 1;
            counter.set(n);
            let subject: String = subject.chars().take(200).collect();
            let email = format!("p{n}@base.sch.uk");
            let t = env.json(&[
                "ticket",
                "new",
                &format!("--subject={subject}"),
                &format!("--body={body}"),
                "--requester",
                &email,
                &format!("--requester-name={name}"),
            ]);
            prop_assert_eq!(t["subject"].as_str(), Some(subject.trim()));
            prop_assert_eq!(t["requester_name"].as_str(), Some(name.trim()));
            let id = t["id"].to_string();
            env.run(&["ticket", "note", &id, "--internal", "--", &note]).success();
            env.run(&["tech", "add", &format!("t{n}"), &format!("--name={name}"), "--tier", "1"]).success();
            let show = env.json(&["ticket", "show", &id]);
            prop_assert_eq!(
                show["events"].as_array().unwrap().last().unwrap()["body"].as_str(),
                Some(note.trim())
            );
            let views: &[&[&str]] = &[
                &["ticket", "show", &id],
                &["ticket", "list", "--all"],
                &["requester", "list"],
                &["tech", "list"],
                &["school", "list"],
                &["audit", "--limit", "20"],
                &["ticket", "new", "--subject", "x", "--requester", &subject],
                &["tech", "add", &format!("t{n}b"), "--name", "X", "--tier", &name],
                &["ticket", "list", "--status", &note],
                &["--as", &name, "ticket", "list"],
                // JSON is read on terminals too (C1 controls are escaped).
                &["ticket", "show", &id, "--json"],
                &["ticket", "list", "--all", "--json"],
                &["ticket", "list", "--status", &note, "--json"],
            ];
            for args in views {
                let out = env.cmd().args(*args).output().unwrap();
                for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
                    let text = String::from_utf8_lossy(bytes);
                    let bad: Vec<char> = text.chars().filter(|c| raw_control(*c, true)).collect();
                    prop_assert!(bad.is_empty(), "{:?} printed {:?} on {}: {:?}", args, bad, stream, text);
                }
            }
            Ok(())
        })
        .unwrap();
}

const WORDS: &[&str] = &[
    "ticket",
    "new",
    "list",
    "show",
    "note",
    "take",
    "assign",
    "escalate",
    "handback",
    "resolve",
    "reopen",
    "close",
    "school",
    "tech",
    "requester",
    "add",
    "init",
    "audit",
    "doctor",
    "check",
    "--json",
    "--subject",
    "--requester",
    "--requester-name",
    "--body",
    "--body-file",
    "-",
    "--priority",
    "urgent",
    "--source",
    "--category",
    "--keep",
    "--internal",
    "--public",
    "--message",
    "--article",
    "--if-version",
    "--to",
    "--reason",
    "--note",
    "--status",
    "--tier",
    "--school",
    "--mine",
    "--all",
    "--limit",
    "--since",
    "--ticket",
    "--name",
    "--code",
    "--domain",
    "--calendar",
    "--lead",
    "--demo",
    "--tz",
    "--db",
    "--as",
    "--help",
    "-h",
    "--version",
    "1",
    "2",
    "3",
    "0",
    "-1",
    "99999999999999999999",
    "",
    " ",
    "lead",
    "tone",
    "r.hughes@stbedes.sch.uk",
    "2026-11-24",
    "BEDE",
];

fn argv() -> impl Strategy<Value = Vec<OsString>> {
    let word = prop_oneof![
        4 => prop::sample::select(WORDS).prop_map(OsString::from),
        // Paths are kept inside the test's directory: no '/'.
        1 => hostile_text().prop_map(|s| OsString::from(s.replace(['\0', '/'], ""))),
        1 => prop::collection::vec(any::<u8>(), 0..8)
            .prop_map(|b| OsString::from_vec(b.into_iter().filter(|c| *c != 0 && *c != b'/').collect())),
    ];
    prop::collection::vec(word, 0..9)
}

#[test]
fn no_argument_vector_panics_the_binary() {
    let env = Env::new().with_people();
    env.ticket("Printer");
    let cwd = env.dir.path().join("cwd");
    std::fs::create_dir(&cwd).unwrap();
    TestRunner::new(cases(96))
        .run(&argv(), |args| {
            let out = env.std_cmd().current_dir(&cwd).args(&args).stdin(Stdio::null()).output().unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            let code = out.status.code();
            prop_assert!(matches!(code, Some(0..=5)), "{:?} ended with {:?}: {}", args, out.status, err);
            prop_assert!(!err.contains("panicked"), "{:?} panicked: {}", args, err);
            if code != Some(0) {
                prop_assert_eq!(err.trim_end().lines().count(), 1, "{:?}: {}", args, err);
            }
            Ok(())
        })
        .unwrap();
}
