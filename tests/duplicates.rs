//! Keeps the near-duplicate threshold of `ticket to-article` honest on the
//! demo knowledge base: distinct articles are not duplicates of each other,
//! tickets an article already answers are, unrelated tickets are not.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;

use deskside::clock::FixedClock;
use deskside::domain::{ArticleFilter, ArticleStatus};
use deskside::search::similar::{containment, Profile, DUPLICATE_THRESHOLD};
use deskside::search::synonyms::Synonyms;
use deskside::search::vocab::Vocab;
use deskside::service::{Desk, InitOptions};
use deskside::store::{kb, search};

fn clock() -> Box<FixedClock> {
    Box::new(FixedClock(chrono::DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z").unwrap().to_utc()))
}

/// A copy of the demo database (seeded once per build of this test
/// binary, see `common::template`) and the directory holding it.
fn demo() -> (tempfile::TempDir, Desk) {
    let template = common::template::in_process("demo", |db| {
        Desk::init(db, &InitOptions { demo: true, ..InitOptions::default() }, clock(), "lead", "lead")
            .unwrap();
    });
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.db");
    common::template::copy(&template, &db);
    let desk = Desk::open(&db, clock(), "lead", "lead").unwrap();
    (dir, desk)
}

/// (score, title) of the article covering the draft best.
fn best_match(
    desk: &Desk,
    title: &str,
    text: &str,
    skip: Option<deskside::domain::ArticleId>,
) -> (f64, String) {
    let conn = desk.store().conn();
    let (terms, docs) = search::article_vocab(conn).unwrap();
    let vocab = Vocab::new(terms, docs);
    let syn = Synonyms::builtin();
    let all =
        kb::list(conn, &ArticleFilter { statuses: ArticleStatus::ALL.to_vec(), ..ArticleFilter::default() })
            .unwrap();
    let draft = Profile::new(title, text, syn);
    all.iter()
        .filter(|a| Some(a.id) != skip)
        .map(|a| {
            let theirs = Profile::new(&format!("{} {}", a.title, a.tags.join(" ")), &a.body, syn);
            (containment(&draft, &theirs, &vocab), a.title.clone())
        })
        .max_by(|x, y| x.0.total_cmp(&y.0))
        .unwrap()
}

#[test]
fn distinct_demo_articles_are_not_duplicates_of_each_other() {
    let (_dir, desk) = demo();
    let all = desk
        .articles(&ArticleFilter { statuses: ArticleStatus::ALL.to_vec(), ..ArticleFilter::default() })
        .unwrap();
    assert!(all.len() >= 50);
    let mut worst = (0.0, String::new());
    for a in &all {
        let (score, other) = best_match(&desk, &a.title, &a.body, Some(a.id));
        if score > worst.0 {
            worst = (score, format!("{:?} inside {other:?}", a.title));
        }
    }
    println!("most similar distinct demo articles: {:.3} ({})", worst.0, worst.1);
    assert!(worst.0 < DUPLICATE_THRESHOLD - 0.03, "{worst:?} is too close to the threshold");
}

#[test]
fn tickets_an_article_already_answers_are_near_duplicates() {
    let (_dir, desk) = demo();
    let answered = [
        ("Copier jammed in staff room", "The copier in the staff room says paper jam in cassette 2 and won't print.\nI cleared the paper jam from cassette 2 and removed a torn piece of paper stuck behind cover 1. Fanned the paper.", "Clearing a paper jam on the Kyocera copiers"),
        ("Forgotten password", "I've forgotten my password and can't log in to my laptop.\nYou can reset your password yourself at aka.ms/sspr using the phone number you registered.", "Resetting your own password with self-service password reset"),
        ("Projector says no signal in room 12", "The projector in room 12 shows No signal when I connect my laptop.\nThe HDMI cable was loose at the wall plate. Reseated it and selected HDMI 1 on the projector source/input.", "Projector or board says \"No signal\" / no picture"),
        ("OneDrive stuck", "OneDrive has been saying processing changes all morning.\nPaused and resumed sync, then reset OneDrive, files are syncing again.", "OneDrive not syncing or stuck on \"Processing changes\""),
        ("Can't connect to staff wifi on new phone", "My new phone won't connect to SchoolStaff.\nForget the network and reconnect with your school email and password, accepting the certificate.", "Connecting to the SchoolStaff Wi-Fi"),
        ("Account locked", "Windows says my account is locked out.\nUnlocked your account. Your old password was saved on your phone's email; update it there.", "\"Your account has been locked\" - what to do"),
        ("Smartboard pen writing in wrong place", "The pen on the board in 3B writes a few cm away.\nRecalibrated the board from ActivManager > Calibrate.", "Promethean board pen not working or writing in the wrong place"),
    ];
    for (title, text, article) in answered {
        let (score, found) = best_match(&desk, title, text, None);
        assert_eq!(found, article, "{title}");
        assert!(score >= DUPLICATE_THRESHOLD, "{title}: {score:.3}");
    }
    let unanswered = [
        ("Governor laptop needs BitLocker recovery key", "Laptop asking for a BitLocker recovery key after a BIOS update.\nRetrieved the BitLocker recovery key from Entra and read it to the user."),
        ("Clock wrong on board PC in room 5", "The time on the board PC in room 5 is an hour out.\nTime zone was set to US; set it to London and resynced the time."),
        ("Laptop fan noisy", "My laptop fan is really loud.\nCleaned the vents and updated the BIOS."),
    ];
    for (title, text) in unanswered {
        let (score, found) = best_match(&desk, title, text, None);
        assert!(score < DUPLICATE_THRESHOLD - 0.1, "{title} looks like {found}: {score:.3}");
    }
}
