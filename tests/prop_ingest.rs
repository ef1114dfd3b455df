//! Property tests through the library: arbitrary bytes (and mangled real
//! messages) fed to mail ingest and to the CSV import never panic and lose
//! nothing; plus the outbox's transactional guarantee.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;

use deskside::clock::FixedClock;
use deskside::domain::NewTicket;
use deskside::service::csv_import::{CsvOptions, Kind};
use deskside::service::directory::NewSchool;
use deskside::service::mail::{IngestOptions, Outcome};
use deskside::service::tickets::{self, Visibility};
use deskside::service::{Desk, InitOptions};
use deskside::store::Store;
use deskside::Error;
use proptest::prelude::*;
use rusqlite::OptionalExtension;

fn desk() -> Desk {
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z").unwrap().to_utc();
    let mut desk =
        Desk::with_store(Store::open_in_memory().unwrap(), Box::new(FixedClock(now)), "lead", "lead");
    desk.seed(&InitOptions::default()).unwrap();
    let school = NewSchool {
        name: "St Bede's".into(),
        code: "BEDE".into(),
        domains: vec!["stbedes.sch.uk".into()],
        calendar: None,
    };
    desk.add_school(&school).unwrap();
    desk
}

/// Every row of every table, for "nothing changed".
fn dump(desk: &Desk) -> String {
    common::dump_conn(desk.store().conn())
}

const FIXTURES: &[&str] = &[
    include_str!("mail/multipart-alternative.eml"),
    include_str!("mail/html-only.eml"),
    include_str!("mail/reply-quoted.eml"),
    include_str!("mail/bounce.eml"),
    include_str!("mail/attachment-only.eml"),
    include_str!("mail/with-screenshot.eml"),
];

/// Real messages cut short, with bytes overwritten and lines repeated.
fn mangled() -> impl Strategy<Value = Vec<u8>> {
    (
        0..FIXTURES.len(),
        any::<prop::sample::Index>(),
        prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..12),
    )
        .prop_map(|(which, cut, flips)| {
            let mut bytes = FIXTURES[which].as_bytes().to_vec();
            bytes.truncate(cut.index(bytes.len() + 1).max(1));
            for (at, b) in flips {
                let i = at.index(bytes.len());
                bytes[i] = b;
            }
            bytes
        })
}

/// Header-shaped noise: random header names and values, random body.
fn headerish() -> impl Strategy<Value = Vec<u8>> {
    let header = prop_oneof![
        Just("From".to_string()),
        Just("Subject".to_string()),
        Just("Message-ID".to_string()),
        Just("In-Reply-To".to_string()),
        Just("Content-Type".to_string()),
        Just("Content-Transfer-Encoding".to_string()),
        Just("Auto-Submitted".to_string()),
        "[A-Za-z-]{1,12}",
    ];
    let value = prop_oneof![
        Just("a.b@stbedes.sch.uk".to_string()),
        Just("multipart/mixed; boundary=\"x\"".to_string()),
        Just("=?UTF-8?B?w6k=?= [#1]".to_string()),
        Just("base64".to_string()),
        Just("<x@y>".to_string()),
        "\\PC{0,40}",
    ];
    (prop::collection::vec((header, value), 0..8), prop::collection::vec(any::<u8>(), 0..300)).prop_map(
        |(headers, body)| {
            let mut out = Vec::new();
            for (h, v) in headers {
                out.extend_from_slice(format!("{h}: {v}\r\n").as_bytes());
            }
            out.extend_from_slice(b"\r\n");
            out.extend(body);
            out
        },
    )
}

/// Plausible mail that may answer ticket #1 (by token or thread header).
fn plausible() -> impl Strategy<Value = Vec<u8>> {
    (
        prop_oneof![Just(""), Just("[#1] "), Just("Re: [#1] "), Just("[#99] ")],
        "[A-Za-z ]{0,30}",
        "[a-z0-9]{1,10}",
        any::<bool>(),
        "\\PC{0,200}",
    )
        .prop_map(|(token, subject, id, threaded, body)| {
            let thread = if threaded {
                "In-Reply-To: <DB9PR01MB1234ABCD@DB9PR01MB1234.eurprd01.prod.outlook.com>\n"
            } else {
                ""
            };
            format!(
                "From: Someone <s.{id}@stbedes.sch.uk>\nSubject: {token}{subject}\nMessage-ID: <{id}@x.org>\n{thread}\n{body}\n"
            )
            .into_bytes()
        })
}

/// Blank or white-space lines first, then headers with raw 8-bit bytes
/// (Latin-1 and worse) and an 8-bit body under a UTF-8 label.
fn eight_bit() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::collection::vec(prop_oneof![Just(&b"\n"[..]), Just(&b" \t\r\n"[..]), Just(&b"  "[..])], 0..3),
        prop::collection::vec(any::<u8>(), 0..40),
        prop::collection::vec(any::<u8>(), 0..200),
    )
        .prop_map(|(blank, subject, body)| {
            let mut out: Vec<u8> = blank.concat();
            out.extend_from_slice(b"From: R\xe9n\xe9e <r.d@stbedes.sch.uk>\nSubject: ");
            out.extend(subject);
            out.extend_from_slice(b"\nContent-Type: text/plain; charset=utf-8\n\n");
            out.extend(body);
            out
        })
}

fn input() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![prop::collection::vec(any::<u8>(), 0..600), mangled(), headerish(), plausible(), eight_bit()]
}

/// A cell value: usually one of `good`, now and then one of `bad`.
fn cell(good: &'static [&'static str], bad: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        12 => prop::sample::select(good).prop_map(String::from),
        1 => prop::sample::select(bad).prop_map(String::from),
    ]
}

fn ticket_row() -> impl Strategy<Value = String> {
    (
        "[A-Za-z0-9 ]{1,30}",
        "[a-z]{1,8}",
        cell(&["stbedes.sch.uk", "example.org"], &["x", ""]),
        cell(&["open", "closed", "Waiting on Customer", "resolved", ""], &["limbo"]),
        cell(&["low", "2 normal", "4", "Urgent", ""], &["whenever"]),
        cell(&["2026-03-14 09:30", "01/10/2026", "2026-11-20T08:00:00Z", ""], &["x", "2026-11-30"]),
    )
        .prop_map(|(subject, local, domain, status, priority, created)| {
            format!("{subject},{local}@{domain},{status},{priority},{created}\n")
        })
}

fn article_row() -> impl Strategy<Value = String> {
    (
        cell(&["Reset a password", "Connect to Wi-Fi", "Printer jam"], &[""]),
        cell(&["Open settings and choose Staff.", "\"<p>Step one</p><p>Step two</p>\""], &[""]),
        cell(&["draft", "Published", "yes", ""], &["maybe"]),
        cell(&["All Users", "Agents", ""], &["nobody"]),
        "[a-z; ]{0,20}",
    )
        .prop_map(|(title, body, status, visibility, tags)| {
            format!("{title},{body},{status},{visibility},{tags}\n")
        })
}

/// CSV files: random bytes, or ticket- and article-shaped files with some
/// bad cells among good ones.
fn csv_file() -> impl Strategy<Value = (Kind, Vec<u8>)> {
    prop_oneof![
        (prop_oneof![Just(Kind::Tickets), Just(Kind::Articles)], prop::collection::vec(any::<u8>(), 0..400)),
        prop::collection::vec(ticket_row(), 1..6).prop_map(|rows| (
            Kind::Tickets,
            format!("Subject,Email,Status,Priority,Created\n{}", rows.concat()).into_bytes()
        )),
        prop::collection::vec(article_row(), 1..6).prop_map(|rows| (
            Kind::Articles,
            format!("Title,Body,Status,Visibility,Tags\n{}", rows.concat()).into_bytes()
        )),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Every input becomes a ticket, a reply, a duplicate of one, or a kept
    /// reject holding exactly the input's bytes: never a panic, never nothing.
    #[test]
    fn ingest_never_panics_and_never_loses_a_message(inputs in prop::collection::vec(input(), 1..4)) {
        let mut desk = desk();
        for raw in &inputs {
            let report = desk.ingest_mail(raw, "proptest", &IngestOptions::default()).unwrap();
            let conn = desk.store().conn();
            match report.outcome {
                Outcome::Created | Outcome::Replied | Outcome::Duplicate => {
                    let ticket = report.ticket.expect("a ticket");
                    let on: Option<i64> = conn
                        .query_row("SELECT ticket_id FROM mail_messages WHERE message_id = ?1",
                                   [report.message_id.as_deref().unwrap()], |r| r.get(0))
                        .optional()
                        .unwrap();
                    prop_assert_eq!(on, Some(ticket.get()));
                }
                Outcome::Ignored | Outcome::Failed => {
                    let kept: Vec<u8> = conn
                        .query_row("SELECT raw FROM mail_rejects WHERE id = ?1", [report.reject.unwrap()], |r| r.get(0))
                        .unwrap();
                    prop_assert_eq!(&kept, raw);
                    prop_assert!(report.reason.as_deref().is_some_and(|r| !r.is_empty()));
                }
            }
        }
    }

    /// Arbitrary bytes as a CSV file: either every row is imported, or a
    /// one-line error (exit code 2 class) and the database is unchanged.
    #[test]
    fn csv_import_is_all_or_nothing((kind, bytes) in csv_file()) {
        let mut desk = desk();
        let before = dump(&desk);
        let count = |d: &Desk, table: &str| -> i64 {
            d.store().conn().query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
        };
        let table = if kind == Kind::Tickets { "tickets" } else { "articles" };
        let opts = CsvOptions { kind, origin: "prop.csv".into(), ..CsvOptions::default() };
        match desk.import_csv(&bytes, &opts) {
            Ok(summary) => {
                prop_assert_eq!(count(&desk, table), summary.imported as i64);
                prop_assert_eq!(summary.ids.len(), summary.imported);
            }
            Err(Error::Invalid(msg)) => {
                prop_assert!(!msg.contains('\n'), "one line: {}", msg);
                prop_assert_eq!(dump(&desk), before);
            }
            Err(other) => prop_assert!(false, "unexpected error kind: {other:?}"),
        }
    }
}

#[test]
fn a_rolled_back_change_queues_no_mail() {
    let mut desk = desk();
    let new = NewTicket {
        subject: "Printer".into(),
        requester: "r.hughes@stbedes.sch.uk".into(),
        requester_name: Some("Rachel Hughes".into()),
        ..NewTicket::default()
    };
    let id = desk.create_ticket(&new).unwrap().id;
    let before = dump(&desk);
    // The reply (and its queued mail) is written, then the operation fails.
    let err = desk
        .write(|cx| {
            tickets::add_note(cx, id, "On our way", Visibility::Public)?;
            tickets::create(cx, &new)?;
            Err::<(), _>(Error::invalid("something later in the same change went wrong"))
        })
        .unwrap_err();
    assert!(err.to_string().contains("went wrong"));
    assert_eq!(dump(&desk), before, "no reply, no acknowledgement, no outbox row");
    let queued: i64 =
        desk.store().conn().query_row("SELECT count(*) FROM mail_outbox", [], |r| r.get(0)).unwrap();
    assert_eq!(queued, 1, "only the first ticket's acknowledgement");
}
