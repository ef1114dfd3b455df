//! Spotting an outage (issue 20 point 3): the burst detector's precision
//! and recall on a generated mix (outages among ordinary traffic), and the
//! marks it leaves on `mail ingest`, `ticket list` and `ticket gather`.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;
use common::Env;
use deskside::clock::FixedClock;
use deskside::domain::NewTicket;
use deskside::domain::TicketId;
use deskside::service::burst::{detect, Candidate, Rule};
use deskside::service::Desk;
use deskside::tui::action::{Action, Effect};
use deskside::tui::runner;
use std::collections::BTreeSet;

struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() as usize) % xs.len()]
    }
}

/// Everyday requests: (subjects, bodies) per topic.
const ORDINARY: &[(&[&str], &[&str])] = &[
    (
        &["Printer jammed", "Paper jam in the office printer", "Copier keeps jamming"],
        &["Paper stuck in tray 2.", "It says jam in the rear cover."],
    ),
    (
        &["Forgot my password", "Password reset please", "Locked out of my account"],
        &["I typed it wrong too often.", "It says my account is locked."],
    ),
    (
        &["Projector not showing laptop", "No picture on the projector", "Projector says no signal"],
        &["HDMI plugged in, still nothing.", "The board stays blue."],
    ),
    (
        &["New starter needs an account", "Account for supply teacher"],
        &["Starting Monday in Year 3.", "Needs email and SIMS access."],
    ),
    (
        &["Laptop charger broken", "Laptop will not charge"],
        &["The light on the charger is off.", "Battery stays at 0%."],
    ),
    (
        &["Install Scratch on the ICT suite", "Software request: Audacity"],
        &["For the Year 5 music unit.", "Needed by next week."],
    ),
    (
        &["Interactive board pen not working", "Smartboard touch is off"],
        &["It clicks in the wrong place.", "Needs calibrating I think."],
    ),
    (
        &["Class email list wrong", "Distribution list missing staff"],
        &["Two new staff are not on it.", "Please add the TAs."],
    ),
    (
        &["Speakers crackling in hall", "No sound from the hall speakers"],
        &["Assembly at 9.", "Buzzing when the mic is on."],
    ),
    (
        &["iPad will not update", "iPad stuck on Apple logo"],
        &["Class set, number 14.", "Tried restarting it."],
    ),
    (
        &["Teams meeting has no camera", "Webcam not detected"],
        &["Parents evening tonight.", "It worked yesterday."],
    ),
    (
        &["Scanner sends to wrong folder", "Scan to email not arriving"],
        &["Scans go nowhere.", "Nothing in my inbox after scanning."],
    ),
];

/// Outages: many people, one problem, many wordings.
const OUTAGES: &[&[(&str, &str)]] = &[
    &[
        ("Wifi down", "No wifi in the whole building."),
        ("No wifi in B block", "Wifi keeps dropping, nothing loads."),
        ("Wireless not working", "Can't connect to the wireless network."),
        ("Wi-Fi not connecting", "Laptops say no wifi connection."),
        ("wifi is down again", "Class laptops have no wifi."),
        ("Internet and wifi down", "The wifi shows connected but no internet."),
    ],
    &[
        ("SIMS not loading", "SIMS says cannot connect to server."),
        ("Can't log in to SIMS", "SIMS login fails for everyone in the office."),
        ("SIMS down", "SIMS will not open, registers due."),
        ("SIMS error connecting", "SIMS server not found error."),
    ],
    &[
        ("Phones not working", "No dial tone on the office phones."),
        ("Phone lines down", "Parents say the phones just ring out."),
        ("Office phones dead", "No dial tone on any phone."),
        ("Can't make calls", "Phones show no service."),
    ],
];

const SCHOOLS: &[&str] = &["BEDE", "HILL", "OAK", "ELM", "ASH", "PINE", "MAPLE", "BIRCH"];

fn generated_mix(seed: u64) -> (Vec<Candidate>, BTreeSet<TicketId>) {
    let mut rng = Lcg(seed);
    let mut out = Vec::new();
    let mut truth = BTreeSet::new();
    let day = 1_795_000_000i64;
    // 240 ordinary requests over a school day (8 hours) across 8 schools.
    for _ in 0..240 {
        let (subjects, bodies) = ORDINARY[(rng.next() as usize) % ORDINARY.len()];
        out.push(Candidate {
            id: TicketId(0),
            school: rng.pick(SCHOOLS).to_string(),
            created_at: day + (rng.next() % (8 * 3600)) as i64,
            subject: rng.pick(subjects).to_string(),
            body: rng.pick(bodies).to_string(),
        });
    }
    // Six outages of 4 to 9 callers each, within ten minutes (as issue 20 tells it), at one school.
    for k in 0..6 {
        let pool = OUTAGES[k % OUTAGES.len()];
        let school = SCHOOLS[(rng.next() as usize) % SCHOOLS.len()];
        let start = day + (rng.next() % (7 * 3600)) as i64;
        let n = 4 + (rng.next() % 6) as usize;
        for _ in 0..n {
            let (s, b) = pool[(rng.next() as usize) % pool.len()];
            out.push(Candidate {
                id: TicketId(-1),
                school: school.to_string(),
                created_at: start + (rng.next() % 600) as i64,
                subject: s.to_string(),
                body: b.to_string(),
            });
        }
    }
    for (i, c) in out.iter_mut().enumerate() {
        if c.id == TicketId(-1) {
            truth.insert(TicketId(i as i64 + 1));
        }
        c.id = TicketId(i as i64 + 1);
    }
    (out, truth)
}

#[test]
fn the_burst_rule_finds_outages_among_ordinary_traffic() {
    let rule = Rule::default();
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    for seed in 1..=5u64 {
        let (tickets, truth) = generated_mix(seed);
        let flagged: BTreeSet<TicketId> =
            detect(&tickets, &rule).iter().flat_map(|b| b.tickets.clone()).collect();
        tp += flagged.intersection(&truth).count();
        fp += flagged.difference(&truth).count();
        fn_ += truth.difference(&flagged).count();
    }
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + fn_).max(1) as f64;
    println!(
        "burst rule {rule:?} over 5 generated days (240 ordinary + 6 outages each): \
         precision {precision:.3}, recall {recall:.3} (tp {tp}, fp {fp}, fn {fn_})"
    );
    assert!(precision >= 0.85, "precision {precision:.3}");
    assert!(recall >= 0.85, "recall {recall:.3}");
}

#[test]
fn a_larger_minimum_or_a_narrow_window_flags_less() {
    let (tickets, _) = generated_mix(3);
    let count = |rule: Rule| detect(&tickets, &rule).iter().map(|b| b.tickets.len()).sum::<usize>();
    let base = count(Rule::default());
    assert!(base > 0);
    assert!(count(Rule { min_tickets: 50, ..Rule::default() }) == 0);
    assert!(count(Rule { window_minutes: 0, ..Rule::default() }) < base);
}

fn wifi_mail(n: usize, subject: &str, body: &str) -> String {
    format!(
        "From: Staff {n} <staff{n}@stbedes.sch.uk>\r\nTo: it@trust.sch.uk\r\nSubject: {subject}\r\n\
         Message-ID: <wifi{n}@stbedes>\r\nDate: Tue, 24 Nov 2026 09:5{n}:00 +0000\r\n\r\n{body}\r\n"
    )
}

#[test]
fn ingest_list_and_gather_mark_and_fold_a_burst() {
    let env = Env::new().with_people();
    let dir = tempfile::tempdir().unwrap();
    let other = env.ticket("Printer jammed in the office");
    let mails = [
        ("Wifi down", "No wifi in the whole building."),
        ("No wifi in B block", "Wifi keeps dropping, nothing loads."),
        ("Wireless not working", "Can't connect to the wireless network."),
    ];
    for (i, (s, b)) in mails.iter().enumerate() {
        std::fs::write(dir.path().join(format!("{i}.eml")), wifi_mail(i, s, b)).unwrap();
    }
    for i in 0..2 {
        let out = env
            .cmd()
            .args(["--json", "mail", "ingest", dir.path().join(format!("{i}.eml")).to_str().unwrap()])
            .output()
            .unwrap();
        assert!(out.status.success());
        assert!(!String::from_utf8_lossy(&out.stderr).contains("burst"), "two are not a burst yet");
    }
    let out = env
        .cmd()
        .args(["--json", "mail", "ingest", dir.path().join("2.eml").to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("burst: 3 similar new tickets from BEDE"), "{stderr}");
    let reports: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let burst: Vec<i64> =
        reports[0]["burst"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect();
    assert_eq!(burst.len(), 3);
    assert!(!burst.contains(&other));

    let list = env.json(&["ticket", "list"]);
    let flagged: Vec<i64> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["burst"].is_array())
        .map(|t| t["ticket"]["id"].as_i64().or(t["id"].as_i64()).unwrap())
        .collect();
    assert_eq!(flagged.len(), 3, "{list}");
    let text = String::from_utf8(env.cmd().args(["ticket", "list"]).output().unwrap().stdout).unwrap();
    assert!(text.contains("Possible outage at BEDE") && text.contains("ticket gather"), "{text}");

    let ids: Vec<String> = burst.iter().map(|i| i.to_string()).collect();
    let mut args = vec!["ticket", "gather"];
    args.extend(ids.iter().map(String::as_str));
    env.run(&args).success();
    let list = env.json(&["ticket", "list"]);
    let rows = list.as_array().unwrap();
    assert_eq!(rows.len(), 2, "the incident once, and the unrelated ticket: {list}");
    let incident = rows.iter().find(|t| t["incident"] == true).unwrap();
    assert_eq!(incident["callers"], 2);
    assert!(rows.iter().all(|t| t["burst"].is_null()), "gathered: no longer flagged");
}

/// Logs a wifi ticket at BEDE through the CLI (another process) at `at`.
fn wifi_ticket(env: &Env, at: &str, subject: &str) -> TicketId {
    let out = env
        .cmd()
        .env("DESKSIDE_NOW", at)
        .args(["--json", "ticket", "new", "--subject", subject, "--requester", "r.hughes@stbedes.sch.uk"])
        .args(["--body", "No wifi anywhere in the building, nothing connects."])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let t: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    TicketId(t["id"].as_i64().unwrap())
}

fn at(s: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

fn burst_sets(desk: &Desk) -> Vec<Vec<TicketId>> {
    desk.bursts().unwrap().into_iter().map(|b| b.tickets).collect()
}

/// The console's queue subjects, loaded as the console loads it.
fn console_subjects(desk: &mut Desk) -> Vec<String> {
    let load = Effect::LoadQueue(deskside::domain::TicketFilter::default());
    match runner::run(desk, load) {
        Some(Action::QueueLoaded(items)) => items.into_iter().map(|i| i.ticket.subject).collect(),
        other => panic!("queue not loaded: {other:?}"),
    }
}

/// Bursts are kept between queue loads (see burst::Cache): a ticket logged
/// by another connection or another process, the clock moving the day's
/// window, and this console's own writes must each show in the next answer.
#[test]
fn kept_bursts_follow_every_write_and_the_moving_window() {
    let env = Env::new().with_people();
    let first = [
        wifi_ticket(&env, "2026-11-24T09:00:00Z", "Wifi down"),
        wifi_ticket(&env, "2026-11-24T09:03:00Z", "No wifi in B block"),
    ];
    let mut console =
        Desk::open(&env.db, Box::new(FixedClock(at("2026-11-24T10:00:00Z"))), "lead", "t").unwrap();
    assert!(burst_sets(&console).is_empty(), "two are not a burst");
    assert!(burst_sets(&console).is_empty(), "asked again, unchanged");

    // A second connection in this process logs the third.
    let mut other =
        Desk::open(&env.db, Box::new(FixedClock(at("2026-11-24T09:05:00Z"))), "tone", "t").unwrap();
    let third = other
        .create_ticket(&NewTicket {
            subject: "Wifi not working".into(),
            body: "The wifi dropped for everyone.".into(),
            requester: "r.hughes@stbedes.sch.uk".into(),
            ..NewTicket::default()
        })
        .unwrap()
        .id;
    assert_eq!(burst_sets(&console), [vec![first[0], first[1], third]]);
    let marked = console_subjects(&mut console);
    assert_eq!(marked.iter().filter(|s| s.starts_with("[OUTAGE?")).count(), 3, "{marked:?}");

    // Another process logs a second outage two hours later.
    let later = [
        wifi_ticket(&env, "2026-11-24T11:00:00Z", "Wifi down again"),
        wifi_ticket(&env, "2026-11-24T11:02:00Z", "No wifi in A block"),
        wifi_ticket(&env, "2026-11-24T11:04:00Z", "Wifi not working again"),
    ];
    console.set_clock(Box::new(FixedClock(at("2026-11-24T12:00:00Z"))));
    assert_eq!(burst_sets(&console), [vec![first[0], first[1], third], later.to_vec()]);
    // The day's window moves past the first outage, nothing written meanwhile.
    console.set_clock(Box::new(FixedClock(at("2026-11-25T10:00:00Z"))));
    assert_eq!(burst_sets(&console), [later.to_vec()]);
    // And back: the first is in the window again.
    console.set_clock(Box::new(FixedClock(at("2026-11-24T12:00:00Z"))));
    assert_eq!(burst_sets(&console), [vec![first[0], first[1], third], later.to_vec()]);

    // This console's own write (data_version does not move for it).
    console.gather(&later).unwrap();
    assert_eq!(burst_sets(&console), [vec![first[0], first[1], third]]);
    // Another process resolves one: two are left, no burst.
    let id = first[1].0.to_string();
    env.run(&["ticket", "resolve", &id, "--message", "Access point restarted"]).success();
    assert!(burst_sets(&console).is_empty());
    assert!(!console_subjects(&mut console).iter().any(|s| s.starts_with("[OUTAGE?")));
}
