//! Crash safety: processes killed with SIGKILL at random moments leave a
//! database that passes `PRAGMA integrity_check`, with each operation either
//! wholly there or wholly absent. The seed is printed (DESKSIDE_TEST_SEED).
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;
use common::{dump, integrity, Env, Rng};
use deskside::clock::FixedClock;
use deskside::domain::NewTicket;
use deskside::service::tickets::{self, Visibility};
use deskside::service::Desk;
use deskside::store::is_unfilled;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

const ITERATIONS: usize = 30;

/// Kills `child` after `delay` unless it finished; true if it was killed.
fn kill_after(mut child: Child, delay: Duration) -> bool {
    std::thread::sleep(delay);
    let killed = matches!(child.try_wait(), Ok(None)) && child.kill().is_ok();
    child.wait().unwrap();
    killed
}

fn timed(mut cmd: std::process::Command) -> (Duration, bool) {
    let started = Instant::now();
    let ok = cmd.stdout(Stdio::null()).stderr(Stdio::null()).status().unwrap().success();
    (started.elapsed(), ok)
}

/// A random moment within the operation (and a little past it).
fn moment(rng: &mut Rng, span: Duration) -> Duration {
    Duration::from_micros(rng.below(span.as_micros() as u64 * 11 / 10 + 1))
}

/// `init` and `init --demo` are one transaction with the schema: after a
/// kill the file holds everything or nothing, and a second `init` works.
#[test]
fn init_killed_at_any_moment_leaves_all_or_nothing() {
    let mut rng = Rng::from_env("crash/init");
    for demo in [false, true] {
        let args: &[&str] =
            if demo { &["init", "--demo", "--name", "Lee Lead"] } else { &["init", "--name", "Lee Lead"] };
        // The uninterrupted outcome to compare with.
        let reference = Env::empty();
        let mut cmd = reference.std_cmd();
        cmd.args(args);
        let (mut span, ok) = timed(cmd);
        let expected = ok.then(|| dump(&reference.db));
        let (mut full, mut empty) = (0, 0);
        for _ in 0..ITERATIONS / 2 {
            let env = Env::empty();
            let mut cmd = env.std_cmd();
            cmd.args(args).stdout(Stdio::null()).stderr(Stdio::null());
            kill_after(cmd.spawn().unwrap(), moment(&mut rng, span));
            if is_unfilled(&env.db) {
                empty += 1;
                if env.db.exists() && std::fs::metadata(&env.db).unwrap().len() > 0 {
                    assert_eq!(integrity(&env.db), "ok");
                }
                // Nothing half-made blocks a second try.
                let started = Instant::now();
                let again = env.cmd().args(args).output().unwrap();
                // The next kill falls within the latest uninterrupted run: the
                // other tests running beside this one make the first slower.
                span = started.elapsed();
                assert_eq!(again.status.success(), ok, "{}", String::from_utf8_lossy(&again.stderr));
                if let Some(expected) = &expected {
                    assert_eq!(&dump(&env.db), expected);
                }
            } else {
                full += 1;
                assert_eq!(integrity(&env.db), "ok");
                let expected = expected.as_ref().expect("a failing init left data behind");
                assert_eq!(&dump(&env.db), expected, "a killed init left a partial database");
            }
        }
        eprintln!(
            "crash/init{}: {full} complete, {empty} absent (latest uninterrupted run {span:?})",
            if demo { " --demo" } else { "" }
        );
    }
}

/// A loop of ticket updates from a shell script, killed (script and the
/// deskside it is running) at random moments: every update the script saw
/// succeed is there, and the one in flight is all there or not at all.
#[test]
fn a_script_of_ticket_updates_killed_at_any_moment_stays_consistent() {
    let env = Env::new().with_people();
    let id = env.ticket("Projector flickers");
    env.run_as("tone", &["ticket", "take", &id.to_string()]).success();
    let bin = assert_cmd::cargo::cargo_bin("deskside");
    let done_log = env.dir.path().join("done.log");
    // Each round: a note, a resolution, a reopen; `ok` lines record what succeeded.
    let script = format!(
        r#"r=0; while :; do r=$((r+1));
          "$BIN" ticket note {id} --internal "note $RUN.$r" >/dev/null 2>&1 && echo "note $RUN.$r" >> "$LOG"
          "$BIN" ticket resolve {id} --message "fixed $RUN.$r" >/dev/null 2>&1 && echo "fixed $RUN.$r" >> "$LOG"
          "$BIN" ticket reopen {id} >/dev/null 2>&1
        done"#
    );
    let mut rng = Rng::from_env("crash/script");
    for run in 0..ITERATIONS {
        // The script runs under sh with deskside's test environment.
        let mut sh = std::process::Command::new("sh");
        for (k, v) in env.std_cmd().get_envs() {
            match v {
                Some(v) => sh.env(k, v),
                None => sh.env_remove(k),
            };
        }
        sh.env("DESKSIDE_USER", "tone")
            .env("BIN", &bin)
            .env("LOG", &done_log)
            .env("RUN", run.to_string())
            .args(["-c", &script])
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let child = sh.spawn().unwrap();
        let pgid = child.id() as i32;
        std::thread::sleep(Duration::from_millis(20 + rng.below(180)));
        // SIGKILL to the whole group: the shell and whichever deskside is running.
        unsafe { libc::kill(-pgid, libc::SIGKILL) };
        kill_after(child, Duration::ZERO);
        check_ticket(&env.db, id, &std::fs::read_to_string(&done_log).unwrap_or_default());
    }
}

/// The invariants of one ticket worked only by note / resolve / reopen.
fn check_ticket(db: &Path, id: i64, done: &str) {
    assert_eq!(integrity(db), "ok");
    let c = rusqlite::Connection::open(db).unwrap();
    c.busy_timeout(Duration::from_secs(5)).unwrap();
    let count = |sql: &str| -> i64 { c.query_row(sql, [id], |r| r.get(0)).unwrap() };
    let version = count("SELECT version FROM tickets WHERE id = ?1");
    let notes = count("SELECT count(*) FROM events WHERE ticket_id = ?1 AND kind = 'note'");
    let replies = count("SELECT count(*) FROM events WHERE ticket_id = ?1 AND kind = 'reply'");
    let resolved = count(
        "SELECT count(*) FROM events WHERE ticket_id = ?1 AND kind = 'status' AND new_value = 'resolved'",
    );
    let reopened = count(
        "SELECT count(*) FROM events WHERE ticket_id = ?1 AND kind = 'status' AND new_value = 'open' AND old_value = 'resolved'",
    );
    // The take before the script: one version and one new -> open status event.
    let take = 1;
    assert_eq!(replies, resolved, "a resolution was half-written");
    assert_eq!(version, 1 + take + notes + resolved + reopened, "version counter and timeline disagree");
    let status: String = c.query_row("SELECT status FROM tickets WHERE id = ?1", [id], |r| r.get(0)).unwrap();
    let last: String = c
        .query_row(
            "SELECT new_value FROM events WHERE ticket_id = ?1 AND kind = 'status' ORDER BY id DESC LIMIT 1",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(status, last, "the row and its timeline disagree");
    for line in done.lines() {
        let (kind, text) = match line.split_once(' ') {
            Some(("note", n)) => ("note", format!("note {n}")),
            Some(("fixed", n)) => ("reply", format!("fixed {n}")),
            _ => panic!("odd log line {line:?}"),
        };
        let n: i64 = c
            .query_row(
                "SELECT count(*) FROM events WHERE ticket_id = ?1 AND kind = ?2 AND body = ?3",
                rusqlite::params![id, kind, text],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1, "a confirmed update is missing or doubled: {line}");
    }
}

/// One transaction holding many ticket changes, made by the service layer in
/// a child process (this test binary run again in child mode), killed at
/// random moments: afterwards all of it is there or none of it.
#[test]
fn one_long_transaction_killed_at_any_moment_is_all_or_nothing() {
    const CHILD: &str = "DESKSIDE_CRASH_CHILD_DB";
    const BATCH: usize = 400;
    if let Ok(db) = std::env::var(CHILD) {
        // Child mode: one transaction logging BATCH tickets, each with a note.
        let now = chrono::DateTime::parse_from_rfc3339(common::NOW).unwrap().to_utc();
        let mut desk = Desk::open(Path::new(&db), Box::new(FixedClock(now)), "tone", "tone").unwrap();
        desk.write(|cx| {
            for i in 0..BATCH {
                let new = NewTicket {
                    subject: format!("bulk {i}"),
                    requester: "r.hughes@stbedes.sch.uk".into(),
                    ..NewTicket::default()
                };
                let t = tickets::create(cx, &new)?;
                tickets::add_note(cx, t.id, &format!("bulk note {i}"), Visibility::Internal)?;
            }
            Ok(())
        })
        .unwrap();
        return;
    }
    let template = Env::new().with_people();
    let before = dump(&template.db);
    let child = |env: &Env| {
        let mut c = std::process::Command::new(std::env::current_exe().unwrap());
        c.args([
            "one_long_transaction_killed_at_any_moment_is_all_or_nothing",
            "--exact",
            "--test-threads=1",
        ])
        .env(CHILD, &env.db)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
        c
    };
    // A fresh copy of the template, so every round starts from the same queue.
    let fresh = || {
        let env = Env::empty();
        std::fs::copy(&template.db, &env.db).unwrap();
        env
    };
    let tickets_of = |db: &Path| -> i64 {
        rusqlite::Connection::open(db)
            .unwrap()
            .query_row("SELECT count(*) FROM tickets", [], |r| r.get(0))
            .unwrap()
    };
    // Reference: uninterrupted, it commits everything.
    let reference = fresh();
    let (span, ok) = timed(child(&reference));
    assert!(ok, "the child transaction failed uninterrupted");
    assert_eq!(tickets_of(&reference.db), BATCH as i64);

    let mut rng = Rng::from_env("crash/transaction");
    let (mut all, mut none) = (0, 0);
    for _ in 0..ITERATIONS {
        let env = fresh();
        let killed = kill_after(child(&env).spawn().unwrap(), moment(&mut rng, span));
        assert_eq!(integrity(&env.db), "ok");
        match tickets_of(&env.db) {
            0 => {
                assert!(killed, "the child finished yet nothing was committed");
                assert_eq!(dump(&env.db), before, "a rolled-back transaction left something behind");
                none += 1;
            }
            n if n == BATCH as i64 => {
                let c = rusqlite::Connection::open(&env.db).unwrap();
                let one = |sql: &str| -> i64 { c.query_row(sql, [], |r| r.get(0)).unwrap() };
                let notes = one("SELECT count(*) FROM events WHERE kind = 'note'");
                let versions = one("SELECT count(*) FROM tickets WHERE version = 2");
                assert_eq!((notes, versions), (BATCH as i64, BATCH as i64));
                all += 1;
            }
            n => panic!("{n} of {BATCH} tickets: a transaction was partly committed"),
        }
    }
    eprintln!("crash/transaction: {all} complete, {none} absent over {ITERATIONS} kills (uninterrupted run {span:?})");
}
