//! Property tests for the parsers people type into: calendar hours,
//! canned-solution placeholders and search text. Whatever comes in, the
//! answer is a value or a clear error, never a panic; what parses round-trips.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

use deskside::clock::FixedClock;
use deskside::domain::{check_placeholders, render, PlaceholderValues};
use deskside::search::SuggestContext;
use deskside::service::{Desk, InitOptions};
use deskside::sla::WeeklyHours;
use deskside::store::Store;
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
            ticket_id: 7,
            ticket_subject: "Printer".into(),
            school_name: "St Bede's".into(),
            tech_name: "Jaya Patel".into(),
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

thread_local! {
    /// One demo database for all cases (suggest only reads).
    static DEMO: Desk = {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z").unwrap().to_utc();
        let mut desk = Desk::with_store(Store::open_in_memory().unwrap(), Box::new(FixedClock(now)), "lead", "t");
        desk.seed(&InitOptions { demo: true, ..InitOptions::default() }).unwrap();
        desk
    };
}
