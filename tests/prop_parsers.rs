//! Property tests for the parsers people type into: calendar hours,
//! canned-solution placeholders and search text. Whatever comes in, the
//! answer is a value or a clear error, never a panic; what parses round-trips.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;

use deskside::clock::FixedClock;
use deskside::domain::{check_placeholders, render, PlaceholderValues};
use deskside::search::SuggestContext;
use deskside::service::calendars::ImportOptions;
use deskside::service::csv_import::{CsvOptions, Kind};
use deskside::service::{Desk, InitOptions};
use deskside::sla::WeeklyHours;
use deskside::store::Store;
use deskside::Error;
use proptest::prelude::*;

fn hours_like() -> impl Strategy<Value = String> {
    // Pieces of the real syntax, shuffled, plus arbitrary text.
    let piece = prop_oneof![
        Just("Mon".to_string()),
        Just("Fri".to_string()),
        Just("mon-thu".to_string()),
        Just("Sat".to_string()),
        Just("08:00-17:00".to_string()),
        Just("12:00-13:00".to_string()),
        Just("25:00-26:00".to_string()),
        Just(",".to_string()),
        Just(";".to_string()),
        Just(" ".to_string()),
        Just("-".to_string()),
        "[0-9:]{1,6}",
        ".{0,4}",
    ];
    prop::collection::vec(piece, 0..10).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn opening_hours_parse_or_say_why_and_round_trip(text in hours_like()) {
        match WeeklyHours::parse(&text) {
            Ok(h) => {
                // The stored form reads back as the same hours.
                let again = WeeklyHours::parse(&h.to_string()).expect("canonical hours parse");
                prop_assert_eq!(again.to_string(), h.to_string());
            }
            Err(e) => prop_assert!(!e.to_string().is_empty() && !e.to_string().contains('\n')),
        }
    }

    #[test]
    fn placeholders_are_checked_at_save_and_rendering_never_fails(
        text in prop_oneof![
            ".{0,60}",
            prop::collection::vec(prop_oneof![
                Just("{{requester.first_name}}"), Just("{{ticket.id}}"), Just("{{school.name}}"),
                Just("{{"), Just("}}"), Just("{{nope}}"), Just("{"), Just("Hi "), Just("\n"),
            ], 0..8).prop_map(|v| v.concat()),
        ]
    ) {
        let values = PlaceholderValues {
            requester_first_name: "Rachel".into(),
            requester_name: "Rachel Hughes".into(),
            ticket_id: deskside::domain::TicketId(7),
            ticket_subject: "Printer".into(),
            school_name: "St Bede's".into(),
            tech_name: "Jaya Patel".into(),
            answers: Vec::new(),
        };
        match check_placeholders("body", &text) {
            // Accepted text renders with no placeholder left behind.
            Ok(()) => prop_assert!(!render(&text, &values).contains("{{requester.") || text.contains("{{{{")),
            Err(e) => prop_assert!(e.to_string().starts_with("body") || e.to_string().contains("placeholder")),
        }
    }

    #[test]
    fn any_search_text_gives_answers_or_none_never_an_error(text in ".{0,40}") {
        let found = DEMO.with(|desk| desk.suggest(&text, &SuggestContext::default(), 5).map(|v| v.len()));
        prop_assert!(found.is_ok(), "{:?} -> {:?}", text, found.err());
    }
}

/// Pieces of real iCalendar files (durations that overflow, zones of every
/// kind, repeats, open days), shuffled, with arbitrary text among them.
fn ics_like() -> impl Strategy<Value = Vec<u8>> {
    let line = prop_oneof![
        Just("BEGIN:VEVENT".to_string()),
        Just("END:VEVENT".to_string()),
        Just("BEGIN:VTIMEZONE\nTZID:School Time\nBEGIN:STANDARD\nDTSTART:19701025T030000\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\nEND:STANDARD\nEND:VTIMEZONE".to_string()),
        Just("DTSTART;VALUE=DATE:20261026".to_string()),
        Just("DTEND;VALUE=DATE:20261031".to_string()),
        Just("DTSTART;TZID=\"GMT Standard Time\":20261026T000000".to_string()),
        Just("DTSTART;TZID=School Time:20261026T010000".to_string()),
        Just("DTSTART;TZID=/freeassociation.sourceforge.net/Europe/lisbon:20261026T000000".to_string()),
        Just("DTEND:99991231T235959Z".to_string()),
        Just("DTSTART:00010101T000000".to_string()),
        Just("DURATION:P999999999999999999W".to_string()),
        Just("DURATION:PT9999999999999999H".to_string()),
        Just("DURATION:P99999999D".to_string()),
        Just("DURATION:P1D".to_string()),
        Just("RRULE:FREQ=YEARLY".to_string()),
        Just("RRULE:FREQ=DAILY;INTERVAL=1".to_string()),
        Just("RRULE:FREQ=SECONDLY;COUNT=99999".to_string()),
        Just("RRULE:FREQ=YEARLY;UNTIL=19000101".to_string()),
        Just("EXDATE;VALUE=DATE:20271026,20281026".to_string()),
        Just("RDATE;VALUE=PERIOD:20261101T000000Z/P1D".to_string()),
        Just("RECURRENCE-ID;VALUE=DATE:20271026".to_string()),
        Just("UID:a".to_string()),
        Just("SUMMARY:Term day (Week 1)".to_string()),
        Just("SUMMARY:Half term".to_string()),
        Just("STATUS:CANCELLED".to_string()),
        " [ -~]{0,20}",
        "[A-Z;=:\"]{0,12}",
    ];
    prop::collection::vec(line, 0..14)
        .prop_map(|lines| format!("BEGIN:VCALENDAR\n{}\nEND:VCALENDAR\n", lines.join("\n")).into_bytes())
}

/// CSV files in the shapes of real exports, cells from good and bad lists.
fn csv_like() -> impl Strategy<Value = Vec<u8>> {
    let cell = |list: &'static [&'static str]| prop::sample::select(list).prop_map(String::from);
    let row = (
        "[A-Za-z0-9 ]{1,20}",
        cell(&["Ana María Pérez", "r.hughes@stbedes.sch.uk", "", "@", "x@", "José"]),
        cell(&["Nuevo", "En curso", "Resolvido", "Fechado", "open", "limbo", ""]),
        cell(&[
            "05-09-2025 14:10",
            "18/Jul/26 9:10 AM",
            "13/01/2025",
            "01/13/2025",
            "2025-01-01",
            "31-02-2025",
            "x",
            "",
        ]),
    )
        .prop_map(|(a, b, c, d)| format!("{a};{b};{c};{d}\n"));
    let header =
        cell(&["Title;Requester;Status;Opening date\n", "Title;Summary;Status;Created\n", "\n", ";;;\n"]);
    prop_oneof![
        (header, prop::collection::vec(row, 0..6))
            .prop_map(|(h, rows)| format!("{h}{}", rows.concat()).into_bytes()),
        prop::collection::vec(any::<u8>(), 0..300),
    ]
}

fn fresh_desk() -> Desk {
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z").unwrap().to_utc();
    let mut desk =
        Desk::with_store(Store::open_in_memory().unwrap(), Box::new(FixedClock(now)), "lead", "lead");
    desk.seed(&InitOptions::default()).unwrap();
    desk
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Any bytes as an .ics file: closures added, or one clear line and
    /// nothing written (a dry run never writes); never a panic.
    #[test]
    fn ics_import_is_all_or_nothing(bytes in prop_oneof![ics_like(), prop::collection::vec(any::<u8>(), 0..300)],
                                    dry_run in any::<bool>(), include_open_days in any::<bool>()) {
        let mut desk = fresh_desk();
        let before = common::dump_conn(desk.store().conn());
        let text = String::from_utf8_lossy(&bytes);
        let opts = ImportOptions { dry_run, include_open_days, exclude_inset: false };
        match desk.import_closures("default", "p.ics", &text, opts) {
            Ok(report) => {
                let closures = desk.calendar("default").unwrap().closures.len();
                prop_assert_eq!(closures, if dry_run { 0 } else { report.added.len() });
                prop_assert!(report.added.iter().all(|c| c.from <= c.to));
                if dry_run {
                    prop_assert_eq!(common::dump_conn(desk.store().conn()), before);
                }
            }
            Err(Error::Invalid(msg)) => {
                prop_assert!(!msg.contains('\n'), "one line: {}", msg);
                prop_assert_eq!(common::dump_conn(desk.store().conn()), before);
            }
            Err(other) => prop_assert!(false, "unexpected error kind: {other:?}"),
        }
    }

    /// Real-export-shaped CSV (GLPI names and dates, Jira dates, other
    /// languages' statuses, ambiguous dates, two subject columns) with and
    /// without --date-format: all rows, or one clear line and nothing written.
    #[test]
    fn csv_exports_import_all_or_nothing(bytes in csv_like(),
                                         format in prop::option::of(prop::sample::select(&["%d-%m-%Y %H:%M", "%m/%d/%Y", "%Q"][..]))) {
        let mut desk = fresh_desk();
        let before = common::dump_conn(desk.store().conn());
        let opts = CsvOptions {
            kind: Kind::Tickets,
            origin: "p.csv".into(),
            date_format: format.map(String::from),
            ..CsvOptions::default()
        };
        match desk.import_csv(&bytes, &opts) {
            Ok(summary) => {
                let n: i64 = desk.store().conn().query_row("SELECT count(*) FROM tickets", [], |r| r.get(0)).unwrap();
                prop_assert_eq!(n, summary.imported as i64);
            }
            Err(Error::Invalid(msg)) => {
                prop_assert!(!msg.contains('\n'), "one line: {}", msg);
                prop_assert_eq!(common::dump_conn(desk.store().conn()), before);
            }
            Err(other) => prop_assert!(false, "unexpected error kind: {other:?}"),
        }
    }
}

thread_local! {
    /// One demo database for all cases (suggest only reads).
    static DEMO: Desk = {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z").unwrap().to_utc();
        let mut desk = Desk::with_store(Store::open_in_memory().unwrap(), Box::new(FixedClock(now)), "lead", "t");
        desk.seed(&InitOptions { demo: true, ..InitOptions::default() }).unwrap();
        desk
    };
}
