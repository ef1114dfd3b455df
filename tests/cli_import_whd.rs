//! `import whd` against a fake Web Help Desk on 127.0.0.1 serving the
//! fixtures in tests/whd: paging, the mapping (hidden tech notes become
//! internal notes that no requester-facing path shows), a refused key, a
//! server that does not answer, a run that fails half-way and is resumed
//! without duplicates, and a WHD ticket report (CSV).
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;
use common::Env;
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const KEY: &str = "Wd8kQ2zLr0TfXc7pYb3nHs5m";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/whd").join(name)
}

/// How the fake server behaves; changed between runs of one test.
#[derive(Default)]
struct Behaviour {
    /// Answer 500 to `GET ra/Tickets/<id>` for this ticket.
    fail_ticket: Option<i64>,
    /// Wait this long before answering anything.
    delay: Option<Duration>,
    /// Answer every list request with its first page (a server that does not page).
    ignore_paging: bool,
    /// Every request line's path and query, in order.
    seen: Vec<String>,
}

struct Server {
    url: String,
    state: Arc<Mutex<Behaviour>>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(Behaviour::default()));
        let shared = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let state = shared.clone();
                std::thread::spawn(move || serve(stream, &state));
            }
        });
        Server { url, state }
    }

    fn seen(&self) -> Vec<String> {
        self.state.lock().unwrap().seen.clone()
    }
}

fn query(q: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(q.as_bytes()).into_owned().collect()
}

/// One request: WHD's paths, `apiKey` checked, lists paged by `page` and `limit`.
fn serve(mut stream: std::net::TcpStream, state: &Mutex<Behaviour>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut first = String::new();
    reader.read_line(&mut first).unwrap();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 || line == "\r\n" {
            break;
        }
    }
    let target = first.split_whitespace().nth(1).unwrap_or("/").to_string();
    let (fail_ticket, delay, ignore_paging) = {
        let mut s = state.lock().unwrap();
        s.seen.push(target.clone());
        (s.fail_ticket, s.delay, s.ignore_paging)
    };
    if let Some(d) = delay {
        std::thread::sleep(d);
    }
    let (path, q) = target.split_once('?').unwrap_or((&target, ""));
    let q = query(q);
    let get = |k: &str| q.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let resource = path.strip_prefix("/helpdesk/WebObjects/Helpdesk.woa/ra/").unwrap_or("");
    let (status, body) = if get("apiKey").as_deref() != Some(KEY) {
        (401, r#"{"message":"Unauthorized: invalid apiKey"}"#.to_string())
    } else if let Some(id) = resource.strip_prefix("Tickets/") {
        match std::fs::read_to_string(fixture(&format!("Tickets-{id}.json"))) {
            _ if fail_ticket.map(|f| f.to_string()).as_deref() == Some(id) => (500, "{}".to_string()),
            Ok(t) => (200, t),
            Err(_) => (404, "{}".to_string()),
        }
    } else if ["Tickets", "Locations", "RequestTypes", "Clients", "Techs"].contains(&resource) {
        let all: Vec<Value> =
            serde_json::from_str(&std::fs::read_to_string(fixture(&format!("{resource}.json"))).unwrap())
                .unwrap();
        let page: usize =
            if ignore_paging { 1 } else { get("page").and_then(|p| p.parse().ok()).unwrap_or(1) };
        let limit: usize = get("limit").and_then(|p| p.parse().ok()).unwrap_or(25);
        let slice: Vec<&Value> = all.iter().skip((page - 1) * limit).take(limit).collect();
        (200, serde_json::to_string(&slice).unwrap())
    } else {
        (404, "{}".to_string())
    };
    let reason = match status {
        200 => "OK",
        401 => "Unauthorized",
        404 => "Not Found",
        _ => "Internal Server Error",
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}

/// The lead's database with BEDE and HILL, techs tone (Toni One) and ttwo,
/// and the requester r.hughes@stbedes.sch.uk.
fn desk() -> (Env, PathBuf) {
    let env = Env::new().with_people();
    let key = env.dir.path().join("whd.key");
    std::fs::write(&key, format!("{KEY}\n")).unwrap();
    (env, key)
}

fn whd<'a>(server: &'a Server, key: &'a Path, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "import",
        "whd",
        "--url",
        &server.url,
        "--api-key-file",
        key.to_str().unwrap(),
        "--page-size",
        "2",
    ];
    args.extend_from_slice(extra);
    args
}

fn db(env: &Env) -> rusqlite::Connection {
    rusqlite::Connection::open(&env.db).unwrap()
}

fn count(env: &Env, sql: &str) -> i64 {
    db(env).query_row(sql, [], |r| r.get(0)).unwrap()
}

/// The deskside ticket WHD ticket `n` became.
fn ticket_of(env: &Env, n: i64) -> i64 {
    db(env)
        .query_row(
            "SELECT ticket_id FROM imported_rows WHERE origin = 'whd' AND row_key = ?1",
            [format!("id:{n}")],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn the_api_is_read_page_by_page_and_mapped() {
    let server = Server::start();
    let (env, key) = desk();
    let before = env.dump();
    let dry = env.json(&whd(&server, &key, &["--dry-run"]));
    assert_eq!(dry["dry_run"], true);
    assert_eq!(dry["imported"], 0, "a dry run imports nothing: {dry}");
    assert_eq!(dry["whd_ids"], serde_json::json!([1001, 1002, 1003, 1004, 1005]));
    assert_eq!(env.dump(), before, "--dry-run changed the database");

    let out = env.json(&whd(&server, &key, &[]));
    assert_eq!(out["imported"], 5, "{out}");
    assert_eq!(out["pages"], 3, "5 tickets at 2 a page: {out}");
    assert_eq!(out["requesters_added"], 2, "Daniel Osei and Maya Finch are new: {out}");
    assert_eq!(out["internal_notes"], 3, "{out}");
    assert_eq!(out["public_notes"], 3, "{out}");
    assert_eq!(out["unmatched_techs"], serde_json::json!(["Pat Gone <pat.gone@trust.sch.uk>"]));
    assert_eq!(out["unmatched_locations"], serde_json::json!(["District Office"]));
    assert!(!out.to_string().contains(KEY));

    // Every list was paged with WHD's own parameters, and the key went as apiKey.
    let seen = server.seen();
    for page in 1..=3 {
        assert!(
            seen.iter().any(|s| s.starts_with("/helpdesk/WebObjects/Helpdesk.woa/ra/Tickets?")
                && query(s.split_once('?').unwrap().1).contains(&("page".into(), page.to_string()))),
            "{seen:?}"
        );
    }
    assert!(
        seen.iter()
            .any(|s| s.starts_with("/helpdesk/WebObjects/Helpdesk.woa/ra/Clients?") && s.contains("page=2")),
        "{seen:?}"
    );
    assert!(seen
        .iter()
        .all(|s| query(s.split_once('?').unwrap_or(("", "")).1).contains(&("limit".into(), "2".into()))
            || s.contains("/Tickets/")));

    // 1001: St Bede's, Hardware / Printer, Toni One, closed, high; timeline as WHD had it.
    let t = env.json(&["ticket", "show", &ticket_of(&env, 1001).to_string()]);
    let t = if t["ticket"].is_object() { &t["ticket"] } else { &t };
    assert_eq!(t["school"], "BEDE");
    assert_eq!(t["status"], "closed");
    assert_eq!(t["priority"], "high");
    assert_eq!(t["assignee"], "tone");
    assert_eq!(t["requester"], "r.hughes@stbedes.sch.uk");
    assert_eq!(t["category"], "hardware / printer");
    assert_eq!(t["created_at"], "2026-09-30T08:05:00Z");
    let id = ticket_of(&env, 1001);
    let events: Vec<(String, bool, Option<i64>, String)> = {
        let conn = db(&env);
        let mut stmt = conn.prepare("SELECT kind, internal, tech_id, coalesce(body, '') FROM events WHERE ticket_id = ?1 ORDER BY at, id").unwrap();
        stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    };
    let secret = events.iter().find(|e| e.3.contains("Pr1nt3r!")).expect("the hidden note was imported");
    assert_eq!((secret.0.as_str(), secret.1), ("note", true), "hidden from the client: internal");
    let client = events.iter().find(|e| e.3.contains("Still jamming")).unwrap();
    assert_eq!((client.0.as_str(), client.1, client.2), ("reply", false, None), "the client's own note");
    let fix = events.iter().find(|e| e.3.contains("pickup roller")).unwrap();
    assert_eq!((fix.0.as_str(), fix.1), ("reply", false), "a visible tech note is public");
    assert!(events.iter().any(|e| e.1 && e.3.contains("ticket 1001 there")), "origin note: {events:?}");

    // 1005's note does not say whether it is hidden: it stays internal.
    let unsaid: bool = db(&env)
        .query_row(
            "SELECT internal FROM events WHERE ticket_id = ?1 AND body LIKE '%HR to confirm%'",
            [ticket_of(&env, 1005)],
            |r| r.get(0),
        )
        .unwrap();
    assert!(unsaid);
    // 1002 was Pat Gone's (no such technician here): unassigned, not a new account.
    let t2 = env.json(&["ticket", "show", &ticket_of(&env, 1002).to_string()]);
    let t2 = if t2["ticket"].is_object() { &t2["ticket"] } else { &t2 };
    assert!(t2["assignee"].is_null(), "{t2}");
    assert_eq!(t2["status"], "resolved");
    assert_eq!(count(&env, "SELECT count(*) FROM technicians WHERE login LIKE '%pat%'"), 0);
    // Acknowledged is open; the District Office client went by their address (triage).
    let t4 = env.json(&["ticket", "show", &ticket_of(&env, 1004).to_string()]);
    let t4 = if t4["ticket"].is_object() { &t4["ticket"] } else { &t4 };
    assert_eq!(
        (t4["status"].as_str(), t4["priority"].as_str(), t4["school"].as_str()),
        (Some("open"), Some("urgent"), Some("HILL"))
    );

    // Nobody is mailed, and no hidden note is anywhere a requester looks.
    assert_eq!(count(&env, "SELECT count(*) FROM mail_outbox"), 0);
    let leaked = "SELECT count(*) FROM events WHERE internal = 0
                  AND (body LIKE '%Pr1nt3r%' OR body LIKE '%PO 4471%' OR body LIKE '%HR to confirm%')";
    assert_eq!(count(&env, leaked), 0, "a hidden note became public");

    // Again: everything is skipped, nothing fetched but the lists, nothing written.
    let dump = env.dump();
    let again = env.json(&whd(&server, &key, &[]));
    assert_eq!((again["imported"].as_i64(), again["skipped"].as_i64()), (Some(0), Some(5)), "{again}");
    assert_eq!(env.dump(), dump);
}

#[test]
fn a_refused_key_writes_nothing_and_never_shows_the_key() {
    let server = Server::start();
    let (env, _) = desk();
    let before = env.dump();
    let wrong = "NotTheKey0123456789";
    let (code, err) = env.fail(&["import", "whd", "--url", &server.url, "--api-key", wrong]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("refused the API key") && err.contains("401"), "{err}");
    assert!(!err.contains(wrong), "the key leaked: {err}");
    // From the environment, with --json: the error is JSON, still without the key.
    let out = env
        .cmd()
        .env("WHD_API_KEY", wrong)
        .args(["--json", "import", "whd", "--url", &server.url])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("\"error\"") && !text.contains(wrong), "{text}");
    assert_eq!(env.dump(), before);
    assert!(server.seen().iter().all(|s| !s.contains("/Tickets")), "stopped at the first refusal");
}

#[test]
fn a_server_that_does_not_answer_times_out_cleanly() {
    let server = Server::start();
    server.state.lock().unwrap().delay = Some(Duration::from_secs(4));
    let (env, key) = desk();
    let before = env.dump();
    let started = std::time::Instant::now();
    let (code, err) = env.fail(&whd(&server, &key, &["--timeout", "1"]));
    assert!(started.elapsed() < Duration::from_secs(4), "did not time out: {:?}", started.elapsed());
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("timed out") && err.contains("Locations"), "{err}");
    assert!(!err.contains(KEY));
    assert_eq!(env.dump(), before);
}

#[test]
fn a_run_that_fails_half_way_is_resumed_without_duplicates() {
    let server = Server::start();
    server.state.lock().unwrap().fail_ticket = Some(1004);
    let (env, key) = desk();
    let (code, err) = env.fail(&whd(&server, &key, &[]));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("ticket 1004") && err.contains("HTTP 500") && err.contains("run the same command again"),
        "{err}"
    );
    assert!(!err.contains(KEY));
    // Page 1 (1001, 1002) was committed; page 2 (1003, 1004) not at all.
    assert_eq!(count(&env, "SELECT count(*) FROM imported_rows WHERE origin = 'whd'"), 2);
    assert_eq!(count(&env, "SELECT count(*) FROM tickets"), 2);

    server.state.lock().unwrap().fail_ticket = None;
    let fetched_before = server.seen().len();
    let out = env.json(&whd(&server, &key, &[]));
    assert_eq!((out["imported"].as_i64(), out["skipped"].as_i64()), (Some(3), Some(2)), "{out}");
    assert_eq!(out["whd_ids"], serde_json::json!([1003, 1004, 1005]));
    let resumed = &server.seen()[fetched_before..];
    assert!(
        !resumed.iter().any(|s| s.contains("/Tickets/1001") || s.contains("/Tickets/1002")),
        "refetched: {resumed:?}"
    );
    assert_eq!(count(&env, "SELECT count(*) FROM tickets"), 5);
    assert_eq!(count(&env, "SELECT count(DISTINCT row_key) FROM imported_rows WHERE origin = 'whd'"), 5);
    assert_eq!(count(&env, "SELECT count(*) FROM events WHERE body LIKE 'Imported from Web Help Desk%'"), 5);
}

#[test]
fn a_ticket_report_csv_is_imported_once() {
    let (env, _) = desk();
    let report = fixture("report.csv");
    let out = env.json(&["import", "whd", "--csv", report.to_str().unwrap()]);
    assert_eq!(out["source"], "csv");
    assert_eq!(out["imported"], 3, "{out}");
    assert_eq!(out["unmatched_techs"], serde_json::json!(["Pat Gone"]));
    assert_eq!(out["unmatched_locations"], serde_json::json!(["District Office"]));
    let t = env.json(&["ticket", "show", &ticket_of(&env, 2001).to_string()]);
    let t = if t["ticket"].is_object() { &t["ticket"] } else { &t };
    assert_eq!(
        (t["school"].as_str(), t["status"].as_str(), t["assignee"].as_str()),
        (Some("BEDE"), Some("closed"), Some("tone"))
    );
    assert_eq!(
        t["created_at"], "2026-10-28T09:15:00Z",
        "month first, read in the default calendar's zone (London, GMT then)"
    );
    assert_eq!(t["category"], "hardware / printer");
    // A client without an address gets one that can never be mailed.
    assert_eq!(count(&env, "SELECT count(*) FROM requesters WHERE email = 'maya.finch@unknown.invalid'"), 1);
    let dump = env.dump();
    let again = env.json(&["import", "whd", "--csv", report.to_str().unwrap()]);
    assert_eq!((again["imported"].as_i64(), again["skipped"].as_i64()), (Some(0), Some(3)));
    assert_eq!(env.dump(), dump);
    // A report that is not one is refused whole, in one line.
    let bad = env.dir.path().join("bad.csv");
    std::fs::write(&bad, "Name,Email\nA,a@b.c\n").unwrap();
    let (code, err) = env.fail(&["import", "whd", "--csv", bad.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("ticket number"), "{err}");
    assert_eq!(env.dump(), dump);
}

#[test]
fn bad_options_are_refused_before_any_request() {
    let server = Server::start();
    let (env, key) = desk();
    let before = env.dump();
    let (code, err) = env.fail(&whd(&server, &key, &["--since", "last week"]));
    assert_eq!(code, 2);
    assert!(err.contains("--since"), "{err}");
    let (code, err) = env.fail(&whd(&server, &key, &["--location", "District Office=NOPE"]));
    assert_eq!(code, 3, "{err}");
    let (code, err) = env.fail(&["import", "whd", "--url", &server.url]);
    assert_eq!(code, 2);
    assert!(err.contains("API key"), "{err}");
    let (code, err) = env.fail_as("tone", &whd(&server, &key, &[]));
    assert_eq!(code, 5, "{err}");
    assert!(server.seen().is_empty(), "{:?}", server.seen());
    assert_eq!(env.dump(), before);
}

#[test]
fn a_server_that_does_not_page_is_refused_not_read_forever() {
    let server = Server::start();
    server.state.lock().unwrap().ignore_paging = true;
    let (env, key) = desk();
    let before = env.dump();
    let (code, err) = env.fail(&whd(&server, &key, &[]));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("Locations page 2 is the same as page 1"), "{err}");
    assert_eq!(env.dump(), before);
}
