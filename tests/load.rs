//! Load: 8 real `deskside` processes at a time on one database file, each
//! running a stream of mixed writes, some of them on one "hot" ticket from a
//! stale read (`--if-version`). Every accepted write is counted and then
//! found in the file exactly once; every refusal is a documented exit code,
//! never "database is locked"; stale writes are refused with exit 4 naming
//! who changed the ticket, and the final state is exactly the sum of the
//! accepted writes.
//!
//! Run it alone with timings: `cargo test --test load -- --nocapture`
//! (DESKSIDE_LOAD_OPS=N changes the operations per process, default 200;
//! DESKSIDE_TEST_SEED=S repeats a run).
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;
use common::{integrity, Env, Rng};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::{Duration, Instant};

const PROCESSES: usize = 8;
const SHARED_TICKETS: i64 = 12;
const REQUESTER: &str = "r.hughes@stbedes.sch.uk";

/// A ticket as an accepted write returned it.
struct Change {
    ticket: i64,
    version: i64,
    assignee: Option<String>,
    status: String,
}

/// What one worker saw.
#[derive(Default)]
struct Log {
    /// (ticket id, subject) of every ticket it logged.
    created: Vec<(i64, String)>,
    /// (ticket id, text) of every accepted internal note.
    notes: Vec<(i64, String)>,
    /// (ticket id, message) of every accepted resolution.
    resolutions: Vec<(i64, String)>,
    /// Emails of accepted requesters.
    requesters: Vec<String>,
    /// Every accepted change to an existing ticket.
    changes: Vec<Change>,
    /// Accepted assignments (take or assign), per ticket.
    assignments: Vec<i64>,
    /// Stale writes refused with exit 4, with the message.
    conflicts: Vec<String>,
    /// Refusals by exit code (rule refusals such as "already resolved").
    refusals: BTreeMap<i32, usize>,
    ops: usize,
}

struct Outcome {
    code: i32,
    stdout: Value,
    stderr: String,
}

fn run(env: &Env, login: &str, args: &[String]) -> Outcome {
    let out = env.std_cmd().env("DESKSIDE_USER", login).arg("--json").args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let code = out.status.code().unwrap_or(-1);
    assert!(
        !stderr.contains("locked") && !stderr.contains("busy") && !stderr.contains("panicked"),
        "deskside {args:?} surfaced: {stderr}"
    );
    let stdout = if code == 0 {
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("bad JSON from {args:?}: {e}"))
    } else {
        Value::Null
    };
    Outcome { code, stdout, stderr }
}

fn strs(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

fn record_change(log: &mut Log, t: &Value) {
    log.changes.push(Change {
        ticket: t["id"].as_i64().unwrap(),
        version: t["version"].as_i64().unwrap(),
        assignee: t["assignee"].as_str().map(str::to_string),
        status: t["status"].as_str().unwrap().to_string(),
    });
}

fn worker(env: &Env, w: usize, ops: usize, hot: i64, seed: u64) -> Log {
    let me = format!("w{w}");
    let mut rng = Rng(seed);
    let mut log = Log::default();
    let mut mine: Vec<i64> = Vec::new();
    for i in 0..ops {
        log.ops += 1;
        let target = if !mine.is_empty() && rng.below(3) == 0 {
            *rng.pick(&mine)
        } else {
            2 + rng.below(SHARED_TICKETS as u64) as i64
        };
        let roll = rng.below(100);
        if roll < 22 {
            // A change from a stale view of the hot ticket.
            let seen = run(env, &me, &strs(&["ticket", "show", &hot.to_string()]));
            assert_eq!(seen.code, 0, "{}", seen.stderr);
            let v = seen.stdout["version"].as_i64().unwrap().to_string();
            std::thread::sleep(Duration::from_millis(rng.below(15)));
            let args = match rng.below(3) {
                0 => strs(&[
                    "ticket",
                    "assign",
                    &hot.to_string(),
                    &format!("w{}", rng.below(PROCESSES as u64)),
                ]),
                1 => strs(&["ticket", "resolve", &hot.to_string(), "--message", &format!("hot {me} #{i}")]),
                _ => strs(&["ticket", "reopen", &hot.to_string()]),
            };
            let mut args = args;
            args.extend(strs(&["--if-version", &v]));
            let out = run(env, &me, &args);
            match out.code {
                0 => {
                    // Accepted only if nobody wrote in between: it made the next version.
                    assert_eq!(
                        out.stdout["version"].as_i64().unwrap().to_string(),
                        (v.parse::<i64>().unwrap() + 1).to_string(),
                        "a stale --if-version write was accepted"
                    );
                    record_change(&mut log, &out.stdout);
                    if args[1] == "assign" {
                        log.assignments.push(hot);
                    }
                    if args[1] == "resolve" {
                        log.resolutions.push((hot, args[4].clone()));
                    }
                }
                4 => log.conflicts.push(out.stderr),
                2 => *log.refusals.entry(2).or_default() += 1,
                other => panic!("deskside {args:?} exited {other}: {}", out.stderr),
            }
            continue;
        }
        let (args, kind) = match roll {
            22..=36 => (
                strs(&["ticket", "new", "--subject", &format!("load {me} #{i}"), "--requester", REQUESTER]),
                "new",
            ),
            37..=61 => (
                strs(&["ticket", "note", &target.to_string(), "--internal", &format!("note {me} #{i}")]),
                "note",
            ),
            62..=69 => (strs(&["ticket", "take", &target.to_string()]), "take"),
            70..=77 => (
                strs(&[
                    "ticket",
                    "assign",
                    &target.to_string(),
                    &format!("w{}", rng.below(PROCESSES as u64)),
                ]),
                "assign",
            ),
            78..=83 => (
                strs(&["ticket", "resolve", &target.to_string(), "--message", &format!("done {me} #{i}")]),
                "resolve",
            ),
            84..=89 => (strs(&["ticket", "reopen", &target.to_string()]), "reopen"),
            _ => (
                strs(&[
                    "requester",
                    "add",
                    &format!("p{w}.{i}@stbedes.sch.uk"),
                    "--name",
                    &format!("Parent {w} {i}"),
                ]),
                "requester",
            ),
        };
        let out = run(env, &me, &args);
        match (out.code, kind) {
            (0, "new") => {
                let id = out.stdout["id"].as_i64().unwrap();
                log.created.push((id, args[3].clone()));
                mine.push(id);
            }
            (0, "requester") => log.requesters.push(out.stdout["email"].as_str().unwrap().to_string()),
            (0, _) => {
                record_change(&mut log, &out.stdout);
                match kind {
                    "note" => log.notes.push((target, args[4].clone())),
                    "take" | "assign" => log.assignments.push(target),
                    "resolve" => log.resolutions.push((target, args[4].clone())),
                    _ => {}
                }
            }
            // Rule refusals (already assigned, already resolved, not resolved).
            (2, "take" | "assign" | "resolve" | "reopen") => *log.refusals.entry(2).or_default() += 1,
            (code, _) => panic!("deskside {args:?} exited {code}: {}", out.stderr),
        }
    }
    log
}

fn query<T: rusqlite::types::FromSql>(c: &rusqlite::Connection, sql: &str) -> Vec<T> {
    c.prepare(sql).unwrap().query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
}

#[test]
fn eight_processes_lose_nothing_and_refuse_stale_writes_by_name() {
    let ops: usize = std::env::var("DESKSIDE_LOAD_OPS").ok().and_then(|s| s.parse().ok()).unwrap_or(200);
    let env = Env::new();
    env.run(&["school", "add", "St Bede's Primary", "--code", "BEDE", "--domain", "stbedes.sch.uk"])
        .success();
    for w in 0..PROCESSES {
        env.run(&["tech", "add", &format!("w{w}"), "--name", &format!("Worker {w}"), "--tier", "3"])
            .success();
    }
    env.run(&["requester", "add", REQUESTER, "--name", "Rachel Hughes"]).success();
    let hot = env.ticket("The hot ticket everyone has open");
    for n in 0..SHARED_TICKETS {
        env.ticket(&format!("shared {n}"));
    }
    let base_requesters = 1;
    let base_tickets = 1 + SHARED_TICKETS;

    let mut rng = Rng::from_env("load");
    let seeds: Vec<u64> = (0..PROCESSES).map(|_| rng.next()).collect();
    let started = Instant::now();
    let logs: Vec<Log> = std::thread::scope(|s| {
        let handles: Vec<_> = seeds
            .iter()
            .enumerate()
            .map(|(w, seed)| {
                s.spawn({
                    let env = &env;
                    move || worker(env, w, ops, hot, *seed)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("a worker failed")).collect()
    });
    let elapsed = started.elapsed();

    let c = rusqlite::Connection::open(&env.db).unwrap();
    assert_eq!(integrity(&env.db), "ok");
    assert!(query::<i64>(&c, "SELECT 1 FROM pragma_foreign_key_check").is_empty());

    // Tickets: every accepted one is there with its subject; nothing extra, no duplicates.
    let created: Vec<&(i64, String)> = logs.iter().flat_map(|l| &l.created).collect();
    let n_tickets: i64 = c.query_row("SELECT count(*) FROM tickets", [], |r| r.get(0)).unwrap();
    assert_eq!(n_tickets, base_tickets + created.len() as i64);
    for (id, subject) in &created {
        let s: String = c.query_row("SELECT subject FROM tickets WHERE id = ?1", [id], |r| r.get(0)).unwrap();
        assert_eq!(&s, subject);
    }
    assert!(
        query::<String>(&c, "SELECT subject FROM tickets GROUP BY subject HAVING count(*) > 1").is_empty()
    );

    // Requesters.
    let emails: BTreeSet<String> = logs.iter().flat_map(|l| l.requesters.iter().cloned()).collect();
    let stored: Vec<String> =
        query(&c, "SELECT email FROM requesters WHERE email <> 'r.hughes@stbedes.sch.uk'");
    assert_eq!(stored.len(), emails.len(), "requesters lost or duplicated");
    assert_eq!(stored.into_iter().collect::<BTreeSet<_>>(), emails);
    assert_eq!(emails.len() + base_requesters, query::<i64>(&c, "SELECT id FROM requesters").len());

    // Notes and resolutions: exactly the accepted ones, each once, on the right ticket.
    let notes: Vec<(i64, String)> = logs.iter().flat_map(|l| l.notes.iter().cloned()).collect();
    let mut stored_notes: Vec<(i64, String)> = c
        .prepare("SELECT ticket_id, body FROM events WHERE kind = 'note'")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut expected = notes.clone();
    expected.sort();
    stored_notes.sort();
    assert_eq!(stored_notes, expected);
    let mut replies: Vec<(i64, String)> = c
        .prepare("SELECT ticket_id, body FROM events WHERE kind = 'reply'")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut resolutions: Vec<(i64, String)> =
        logs.iter().flat_map(|l| l.resolutions.iter().cloned()).collect();
    replies.sort();
    resolutions.sort();
    assert_eq!(replies, resolutions);

    // Versions: every accepted change produced its own version, 2, 3, ... with
    // no gap and no version won twice; the row is at the last one and looks
    // exactly as that write left it.
    let mut per_ticket: HashMap<i64, Vec<&Change>> = HashMap::new();
    for ch in logs.iter().flat_map(|l| &l.changes) {
        per_ticket.entry(ch.ticket).or_default().push(ch);
    }
    let all_ids: Vec<i64> = query(&c, "SELECT id FROM tickets");
    for id in all_ids {
        let (version, assignee, status): (i64, Option<String>, String) = c
            .query_row(
                "SELECT t.version, a.login, t.status FROM tickets t
                   LEFT JOIN technicians a ON a.id = t.assignee_id WHERE t.id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        let mut changes = per_ticket.remove(&id).unwrap_or_default();
        changes.sort_by_key(|c| c.version);
        let versions: Vec<i64> = changes.iter().map(|c| c.version).collect();
        assert_eq!(versions, (2..=version).collect::<Vec<_>>(), "ticket #{id}: accepted versions");
        if let Some(last) = changes.last() {
            assert_eq!(
                (&last.assignee, &last.status),
                (&assignee, &status),
                "ticket #{id} differs from its last accepted write"
            );
        }
        // The status timeline is one unbroken chain ending in the row's status.
        let chain: Vec<(String, String)> = c
            .prepare("SELECT old_value, new_value FROM events WHERE ticket_id = ?1 AND kind = 'status' ORDER BY id")
            .unwrap()
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let mut current = "new".to_string();
        for (old, new) in chain {
            assert_eq!(old, current, "ticket #{id}: broken status chain");
            current = new;
        }
        assert_eq!(current, status, "ticket #{id}: status timeline ends elsewhere");
        // Takes and assigns; the desk's own moves (the resolver becomes the
        // assignee, a hand-back returns to the escalator) say so in the body.
        let assigned: i64 = c
            .query_row(
                "SELECT count(*) FROM events WHERE ticket_id = ?1 AND kind = 'assigned' AND body IS NULL",
                [id],
                |r| r.get(0),
            )
            .unwrap();
        let accepted = logs.iter().flat_map(|l| &l.assignments).filter(|t| **t == id).count() as i64;
        assert_eq!(assigned, accepted, "ticket #{id}: assignments");
    }

    // Stale writes: refused with exit 4, naming a real technician and a newer version.
    let conflicts: Vec<&String> = logs.iter().flat_map(|l| &l.conflicts).collect();
    assert!(!conflicts.is_empty(), "the run produced no stale write to refuse");
    for msg in &conflicts {
        let v: Value = serde_json::from_str(msg.trim()).unwrap();
        let text = v["error"].as_str().unwrap();
        assert_eq!(v["exit_code"], 4);
        let who = text
            .strip_prefix(&format!("ticket #{hot} was changed by "))
            .and_then(|rest| rest.split(' ').next())
            .unwrap_or_else(|| panic!("conflict does not name who: {text}"));
        assert!(who.starts_with('w') || who == "lead", "{text}");
        assert!(text.contains(" UTC (now version ") && text.contains("reload it"), "{text}");
    }

    let accepted: usize = logs.iter().map(|l| l.created.len() + l.requesters.len() + l.changes.len()).sum();
    let refused: usize = logs.iter().flat_map(|l| l.refusals.values()).sum();
    eprintln!(
        "load: {PROCESSES} processes x {ops} operations = {} in {:.1} s: {accepted} writes accepted and found, \
         {} stale writes refused with exit 4, {refused} rule refusals (exit 2), 0 lost, 0 'database is locked'",
        logs.iter().map(|l| l.ops).sum::<usize>(),
        elapsed.as_secs_f64(),
        conflicts.len(),
    );
}
