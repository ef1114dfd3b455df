//! Mail whose bytes are not what they claim (issue 23, point 10): a blank
//! first line, a raw 8-bit Latin-1 Subject, a body labelled UTF-8 that is
//! really Latin-1. Each must become a ticket with the text as written.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;
use common::Env;
use serde_json::Value;
use std::path::Path;

/// Ingests tests/mail/encodings/NAME.eml; asserts exit 0 and a new ticket,
/// returns the ticket as `ticket show --json` gives it.
fn ticket_from(env: &Env, name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/mail/encodings/{name}.eml"));
    let out = env.cmd().args(["--json", "mail", "ingest", path.to_str().unwrap()]).output().unwrap();
    let reports: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{name}: bad JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(out.status.code(), Some(0), "{name}: {reports}");
    let r = &reports[0];
    assert_eq!(r["outcome"], "created", "{name}: {r}");
    env.json(&["ticket", "show", &r["ticket"].as_i64().unwrap().to_string()])
}

#[test]
fn a_whitespace_only_first_line_does_not_hide_the_headers() {
    let env = Env::new().with_people();
    let t = ticket_from(&env, "blank-first-line");
    assert_eq!(t["subject"], "Visualiser in Room 2 shows a black screen");
    assert_eq!(t["requester"], "r.hughes@stbedes.sch.uk");
    assert_eq!(t["body"], "The visualiser shows a black screen since this morning.");
}

#[test]
fn a_raw_latin1_subject_and_name_keep_their_accents() {
    let env = Env::new().with_people();
    let t = ticket_from(&env, "latin1-subject");
    assert_eq!(t["subject"], "Café till – réseau down since Monday");
    assert_eq!(t["requester_name"], "Renée Dubois");
    assert_eq!(t["body"], "The till in the cafe cannot reach the network.");
}

#[test]
fn a_body_labelled_utf8_that_is_latin1_is_read_as_windows_1252() {
    let env = Env::new().with_people();
    let t = ticket_from(&env, "utf8-label-latin1-body");
    assert_eq!(t["requester_name"], "Amélie Martin");
    assert_eq!(
        t["body"],
        "Le vidéoprojecteur de la salle 3 ne s'allume plus – déjà essayé la télécommande.\nMerci, Amélie"
    );
    // Quoted-printable in both alternatives: the plain one is the body.
    let t = ticket_from(&env, "utf8-label-latin1-qp");
    assert_eq!(t["requester_name"], "José García");
    assert_eq!(t["body"], "Los altavoces del aula española no funcionan; ya probé otro cable.");
    let text = format!("{t}");
    assert!(!text.contains('\u{FFFD}'), "{text}");
    // HTML only: read as Windows-1252 before it becomes text.
    let t = ticket_from(&env, "utf8-label-latin1-html");
    assert_eq!(t["requester_name"], "Zoë Lefèvre");
    assert_eq!(t["body"], "L'imprimante du département affiche « bourrage ».");
}
