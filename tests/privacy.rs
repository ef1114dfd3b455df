//! Issue 15: the audit is a hash chain (`audit --verify`), `requester erase`
//! leaves no trace of the person while reports stay byte-identical, and
//! `purge` applies the retention settings (`--dry-run` changes nothing).
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;
mod portal_support;
use common::{dump, Env};
use rusqlite::Connection;

const EMAIL: &str = "zoe.quill@stbedes.sch.uk";
const NAME: &str = "Zoë Quillfeather";
/// Words only the person wrote.
const SECRET: &str = "xylophonic wombatgrief";

fn verify(env: &Env) -> (i32, String, String) {
    let out = env.cmd().args(["audit", "--verify"]).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Raw access, as someone with write access to the file would have it.
fn raw(env: &Env) -> Connection {
    Connection::open(&env.db).unwrap()
}

fn busy_env() -> Env {
    let env = Env::new().with_people();
    for i in 0..5 {
        env.run(&["requester", "add", &format!("p{i}@hillside.sch.uk"), "--name", &format!("Pupil {i}")])
            .success();
    }
    env
}

#[test]
fn an_untouched_chain_verifies_and_names_its_rows() {
    let env = busy_env();
    let (code, out, err) = verify(&env);
    assert_eq!(code, 0, "{err}");
    let rows: i64 = raw(&env).query_row("SELECT count(*) FROM audit", [], |r| r.get(0)).unwrap();
    assert!(out.starts_with(&format!("audit chain intact ({rows} rows)")), "{out}");
    let j = env.json(&["audit", "--verify"]);
    assert_eq!((j["intact"].as_bool(), j["rows"].as_i64()), (Some(true), Some(rows)));
    assert_eq!(j["head"].as_str().unwrap().len(), 64);
}

/// Each kind of tampering is found, at the first row it touches.
#[test]
fn tampering_by_raw_sql_is_reported_at_the_first_broken_row() {
    type Tamper = (&'static str, &'static str, i64);
    let cases: &[Tamper] = &[
        ("edit a detail", "UPDATE audit SET detail = 'nothing to see' WHERE id = 4", 4),
        ("edit an entity id", "UPDATE audit SET entity_id = 'x@y.z' WHERE id = 5", 5),
        ("edit the time", "UPDATE audit SET at = at + 60 WHERE id = 3", 3),
        ("change the actor", "UPDATE audit SET os_user = 'someone' WHERE id = 6", 6),
        ("delete a row", "DELETE FROM audit WHERE id = 4", 5),
        (
            "insert a forged row in the middle",
            "UPDATE audit SET id = id + 100 WHERE id >= 5;
             INSERT INTO audit (id, at, tech_id, os_user, action, entity, entity_id, detail,
                                content_hash, prev_hash, hash)
                SELECT 5, at, tech_id, os_user, 'add', 'technician', 'evil', 'tier 3 lead',
                       content_hash, hash, hash FROM audit WHERE id = 4;
             UPDATE audit SET id = id - 99 WHERE id >= 105;",
            5,
        ),
        (
            "swap two rows",
            "UPDATE audit SET id = -1 WHERE id = 3; UPDATE audit SET id = 3 WHERE id = 4;
             UPDATE audit SET id = 4 WHERE id = -1;",
            3,
        ),
        // Only an erasure recorded after it explains an erased row.
        ("hide a detail as erased", "UPDATE audit SET detail = '[erased]', erased = 1 WHERE id = 7", 7),
        (
            "add a row without a hash",
            "INSERT INTO audit (at, os_user, action, entity, entity_id) VALUES (1, 'x', 'a', 'b', 'c')",
            0,
        ),
    ];
    for (what, sql, want) in cases {
        let env = busy_env();
        let c = raw(&env);
        c.execute_batch(
            "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; DROP TRIGGER audit_no_replace;",
        )
        .unwrap();
        let rows_before: i64 = c.query_row("SELECT max(id) FROM audit", [], |r| r.get(0)).unwrap();
        c.execute_batch(sql).unwrap();
        drop(c);
        let (code, _, err) = verify(&env);
        assert_eq!(code, 1, "{what}: {err}");
        let want = if *want == 0 { rows_before + 1 } else { *want };
        assert!(err.contains(&format!("broken at row {want} ")), "{what}: {err}");
        let j: serde_json::Value = {
            let out = env.cmd().args(["--json", "audit", "--verify"]).output().unwrap();
            assert_eq!(out.status.code(), Some(1));
            serde_json::from_slice(&out.stdout).unwrap()
        };
        assert_eq!((j["intact"].as_bool(), j["broken"]["row"].as_i64()), (Some(false), Some(want)), "{what}");
    }
}

#[test]
fn the_triggers_refuse_every_change_but_an_erasure_shaped_one() {
    let env = busy_env();
    env.ticket("A printer");
    let c = raw(&env);
    for sql in [
        "UPDATE audit SET detail = 'x' WHERE id = 2",
        "UPDATE audit SET hash = 'x' WHERE id = 2",
        "UPDATE audit SET prev_hash = 'x' WHERE id = 2",
        "UPDATE audit SET content_hash = 'x', erased = 1, detail = '[erased]' WHERE id = 2",
        "UPDATE audit SET erased = 1, detail = 'changed' WHERE id = 2",
        "DELETE FROM audit WHERE id = 2",
        "UPDATE events SET body = 'rewritten' WHERE id = 1",
        "UPDATE events SET at = 0 WHERE id = 1",
    ] {
        let err = c.execute_batch(sql).unwrap_err().to_string();
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
}

#[test]
fn the_chain_stays_whole_under_concurrent_writers() {
    let env = Env::new().with_people();
    let children: Vec<_> = (0..4)
        .map(|p| {
            let mut c = env.std_cmd();
            let script = (0..12)
                .map(|i| format!("{} requester add w{p}-{i}@hillside.sch.uk --name 'Writer {p} {i}'", bin()))
                .collect::<Vec<_>>()
                .join(" && ");
            c.args(["-c", &script]);
            let mut c2 = std::process::Command::new("sh");
            c2.envs(c.get_envs().filter_map(|(k, v)| Some((k, v?))));
            c2.args(["-c", &script]);
            c2.spawn().unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let (code, out, err) = verify(&env);
    assert_eq!(code, 0, "{err}");
    let rows: i64 = raw(&env).query_row("SELECT count(*) FROM audit", [], |r| r.get(0)).unwrap();
    assert!(rows >= 48 && out.contains(&format!("({rows} rows)")), "{out}");
}

fn bin() -> String {
    assert_cmd::cargo::cargo_bin("deskside").display().to_string()
}

/// A person with tickets, mail, a reject, a rating comment and mentions.
fn with_person(env: &Env) -> i64 {
    env.run(&["requester", "add", EMAIL, "--name", NAME]).success();
    let t = env.json(&[
        "ticket",
        "new",
        "--subject",
        "Laptop screen xylophonic",
        "--requester",
        EMAIL,
        "--body",
        &format!("My laptop makes a {SECRET} noise. Call me on 07700 900123."),
    ]);
    let id = t["id"].as_i64().unwrap();
    env.run(&["ticket", "note", &id.to_string(), "--public", &format!("Hi {NAME}, bring it to IT.")])
        .success();
    env.run(&["ticket", "note", &id.to_string(), "--internal", "She said the wombatgrief started Monday"])
        .success();
    env.run(&["ticket", "resolve", &id.to_string(), "--message", "Replaced the screen."]).success();
    env.run(&["ticket", "rate", &id.to_string(), "--score", "4", "--comment", "Quick, thanks wombatgrief"])
        .success();
    // A message from her by mail: a new ticket and an out-of-office reject.
    let msg = format!(
        "From: \"{NAME}\" <{EMAIL}>\r\nTo: help@desk.example\r\nSubject: Printer xylophonic again\r\nMessage-ID: <zq1@stbedes.sch.uk>\r\n\r\nThe printer is {SECRET} too.\r\n"
    );
    env.cmd().args(["mail", "ingest", "-"]).write_stdin(msg).assert().success();
    let ooo = format!(
        "From: {EMAIL}\r\nTo: help@desk.example\r\nSubject: Out of office: {SECRET}\r\nAuto-Submitted: auto-replied\r\nMessage-ID: <zq2@stbedes.sch.uk>\r\n\r\nI am away.\r\n"
    );
    let _ = env.cmd().args(["mail", "ingest", "-"]).write_stdin(ooo).assert();
    // Someone else's ticket that names her.
    let other = env.ticket("Account for new pupil");
    env.run(&["ticket", "note", &other.to_string(), "--internal", &format!("Set up {EMAIL} today")])
        .success();
    id
}

fn export(env: &Env) -> String {
    let out = env.cmd().args(["export", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn reports(env: &Env) -> Vec<String> {
    ["table", "json", "csv", "markdown"]
        .iter()
        .flat_map(|f| {
            ["2026-W47", "2026-W48"].map(|w| {
                let out = env.cmd().args(["report", "weekly", "--week", w, "--format", f]).output().unwrap();
                assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
                String::from_utf8(out.stdout).unwrap()
            })
        })
        .collect()
}

fn traces(text: &str) -> Vec<&'static str> {
    let lower = text.to_lowercase();
    [EMAIL, NAME, "Quillfeather", "zoe.quill", "xylophonic", "wombatgrief", "07700 900123"]
        .into_iter()
        .filter(|t| lower.contains(&t.to_lowercase()))
        .collect()
}

#[test]
fn erasure_leaves_no_trace_and_reports_do_not_change() {
    let env = Env::new().with_people();
    with_person(&env);
    let before = export(&env);
    assert!(traces(&before).len() >= 6, "the fixture must hold the person: {:?}", traces(&before));
    let reports_before = reports(&env);
    let tickets_before: i64 = raw(&env).query_row("SELECT count(*) FROM tickets", [], |r| r.get(0)).unwrap();

    let e = env.json(&["requester", "erase", "ZOE.QUILL@stbedes.sch.uk"]);
    assert!(e["requester"].as_str().unwrap().ends_with("@erased.invalid"));
    assert!(e["tickets"].as_i64().unwrap() >= 2 && e["rejects"].as_i64() == Some(1), "{e}");

    let after = export(&env);
    assert_eq!(traces(&after), Vec::<&str>::new(), "the export still holds the person");
    assert_eq!(reports(&env), reports_before, "reports changed");
    let c = raw(&env);
    let tickets_after: i64 = c.query_row("SELECT count(*) FROM tickets", [], |r| r.get(0)).unwrap();
    assert_eq!(tickets_after, tickets_before);
    for q in ["xylophonic", "wombatgrief", "laptop"] {
        let n: i64 = c
            .query_row("SELECT count(*) FROM tickets_fts WHERE tickets_fts MATCH ?1", [q], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0, "the index still finds {q}");
    }
    // The audit: intact, with an erase row naming no one.
    let (code, out, err) = verify(&env);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("1 row(s) erased") || out.contains("row(s) erased"), "{out}");
    let audit = env.json(&["audit"]);
    let erase = audit.as_array().unwrap().iter().find(|r| r["action"] == "erase").expect("an erase row");
    assert_eq!(erase["tech"], "lead");
    assert!(traces(&erase.to_string()).is_empty() && !erase.to_string().contains("stbedes"), "{erase}");
    // Erasing again: the person is unknown now.
    let (code, err) = env.fail(&["requester", "erase", EMAIL]);
    assert_eq!(code, 3, "{err}");

    // Nothing is left in the file either, once the WAL is folded in and
    // free pages are dropped.
    c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); VACUUM;").unwrap();
    drop(c);
    let bytes = std::fs::read(&env.db).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    assert_eq!(traces(&text), Vec::<&str>::new(), "the database file still holds the person");
}

#[test]
fn only_leads_erase_and_bad_input_changes_nothing() {
    let env = Env::new().with_people();
    with_person(&env);
    let before = env.dump();
    let (code, err) = env.fail_as("tone", &["requester", "erase", EMAIL]);
    assert_eq!(code, 5, "{err}");
    let (code, err) = env.fail(&["requester", "erase", "nobody@stbedes.sch.uk"]);
    assert_eq!(code, 3, "{err}");
    let (code, err) = env.fail(&["requester", "erase", "not an address"]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(env.dump(), before);
}

/// Every table's rows, for "the dry run changed nothing".
fn rows(env: &Env) -> String {
    dump(&env.db)
}

#[test]
fn purge_applies_retention_and_a_dry_run_changes_nothing() {
    let env = Env::new().with_people();
    let id = with_person(&env);
    env.run(&["ticket", "close", &id.to_string()]).success();
    // A big reject from someone else, cut at ingest to the cap set here.
    env.run(&["retention", "set", "reject-size", "2000"]).success();
    let big = format!(
        "From: MAILER-DAEMON@x.example\r\nTo: help@desk.example\r\nSubject: Undelivered\r\nMessage-ID: <b1@x.example>\r\nAuto-Submitted: auto-replied\r\n\r\n{}\r\n",
        "y".repeat(10_000)
    );
    let _ = env.cmd().args(["mail", "ingest", "-"]).write_stdin(big).assert();
    let sizes: Vec<i64> = {
        let c = raw(&env);
        let mut s = c.prepare("SELECT length(raw) FROM mail_rejects ORDER BY id").unwrap();
        s.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    };
    assert!(sizes.iter().all(|n| *n <= 2000) && sizes.len() == 2, "{sizes:?}");

    // Four years later, everything is due.
    let later = "2030-12-01T10:00:00Z";
    let before = rows(&env);
    let sha = common::sha(&env.db);
    let dry = {
        let out =
            env.cmd().env("DESKSIDE_NOW", later).args(["--json", "purge", "--dry-run"]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    assert_eq!(rows(&env), before, "--dry-run changed rows");
    assert_eq!(common::sha(&env.db), sha, "--dry-run changed the file");
    let count = |v: &serde_json::Value, kind: &str| {
        v["kinds"].as_array().unwrap().iter().find(|k| k["kind"] == kind).unwrap()["rows"].as_i64().unwrap()
    };
    assert_eq!(count(&dry, "closed-ticket-text"), 1, "{dry}");
    assert_eq!(count(&dry, "rejects"), 2, "{dry}");

    let reports_before = reports(&env);
    let done = {
        let out = env.cmd().env("DESKSIDE_NOW", later).args(["--json", "purge"]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    for kind in ["closed-ticket-text", "rejects", "sent-mail"] {
        assert_eq!(count(&done, kind), count(&dry, kind), "{kind}: the dry run predicted otherwise");
    }
    assert_eq!(reports(&env), reports_before);
    let t = env.json(&["ticket", "show", &id.to_string()]);
    assert_eq!((t["subject"].as_str(), t["status"].as_str()), (Some("[erased]"), Some("closed")));
    let c = raw(&env);
    let n: i64 = c.query_row("SELECT count(*) FROM mail_rejects", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 0);
    // Open tickets keep their text; a second purge finds nothing more.
    let again = env.cmd().env("DESKSIDE_NOW", later).args(["--json", "purge", "--dry-run"]).output().unwrap();
    let again: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert!(again["kinds"].as_array().unwrap().iter().all(|k| k["rows"] == 0), "{again}");
    assert_eq!(verify(&env).0, 0);
}

#[test]
fn retention_settings_are_for_leads_and_validated() {
    let env = Env::new().with_people();
    let show = env.json(&["retention", "show"]);
    let kinds: Vec<&str> = show.as_array().unwrap().iter().map(|k| k["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["closed-ticket-text", "rejects", "reject-size", "sent-mail", "portal"]);
    assert_eq!(show[1]["value"], 30);
    let set = env.json(&["retention", "set", "closed-ticket-text", "never"]);
    assert_eq!((set[0]["value"].is_null(), set[0]["set"].as_bool()), (true, Some(true)));
    let back = env.json(&["retention", "set", "closed-ticket-text", "default"]);
    assert_eq!((back[0]["value"].as_i64(), back[0]["set"].as_bool()), (Some(3), Some(false)));
    let before = env.dump();
    assert_eq!(env.fail_as("tone", &["retention", "set", "rejects", "10"]).0, 5);
    assert_eq!(env.fail_as("tone", &["purge"]).0, 5);
    assert_eq!(env.fail(&["retention", "set", "rejects", "soon"]).0, 2);
    assert_eq!(env.fail(&["retention", "set", "rejects", "0"]).0, 2);
    assert_eq!(env.fail(&["retention", "set", "everything", "1"]).0, 2);
    assert_eq!(env.dump(), before);
}

#[test]
fn an_upgraded_database_gets_an_intact_chain() {
    let env = Env::empty();
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/schema-v1.db"), &env.db).unwrap();
    let c = raw(&env);
    let login: String =
        c.query_row("SELECT login FROM technicians WHERE lead = 1 LIMIT 1", [], |r| r.get(0)).unwrap();
    let n: i64 = c.query_row("SELECT count(*) FROM audit", [], |r| r.get(0)).unwrap();
    drop(c);
    let out = env.cmd().env("DESKSIDE_USER", &login).args(["audit", "--verify"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("intact ({n} rows)")));
}

/// `doctor`'s checks as (level, what).
fn doctor(env: &Env) -> (i32, Vec<(String, String)>) {
    let out = env.cmd().args(["--json", "doctor"]).output().unwrap();
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let checks = r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["level"].as_str().unwrap().to_string(), c["what"].as_str().unwrap().to_string()))
        .collect();
    (out.status.code().unwrap(), checks)
}

fn fails(checks: &[(String, String)]) -> Vec<&str> {
    checks.iter().filter(|(l, _)| l == "fail").map(|(_, w)| w.as_str()).collect()
}

/// The scenario: with write access to the file, a tier-1
/// technician rewrites their own tier and deletes audit rows with sqlite3.
/// doctor must not say all is well.
#[test]
fn doctor_reports_a_broken_chain_and_a_rewritten_tier() {
    let env = busy_env();
    let (code, checks) = doctor(&env);
    assert_eq!(code, 0, "{checks:?}");
    let rows: i64 = raw(&env).query_row("SELECT count(*) FROM audit", [], |r| r.get(0)).unwrap();
    assert!(
        checks
            .iter()
            .any(|(l, w)| l == "ok" && w.starts_with(&format!("audit hash chain: {rows} rows intact"))),
        "{checks:?}"
    );
    // Only the tier: the audit still says tier 1 when tone was added.
    raw(&env).execute_batch("UPDATE technicians SET tier = 3, lead = 1 WHERE login = 'tone'").unwrap();
    let (code, checks) = doctor(&env);
    assert_eq!(code, 1, "{checks:?}");
    assert!(
        fails(&checks).iter().any(|w| w
            .contains("technician tone is tier 3, lead but the audit recorded tier 1 when they were added")),
        "{checks:?}"
    );
    // ...and the audit rows that said so removed, triggers dropped first.
    raw(&env)
        .execute_batch(
            "DROP TRIGGER audit_no_delete;
             DELETE FROM audit WHERE entity = 'technician' AND entity_id = 'tone';",
        )
        .unwrap();
    let (code, checks) = doctor(&env);
    assert_eq!(code, 1, "{checks:?}");
    let f = fails(&checks);
    assert!(f.iter().any(|w| w.starts_with("audit hash chain broken at row ")), "{f:?}");
    assert!(f.iter().any(|w| w.contains("technician tone (tier 3, lead) has no audit record")), "{f:?}");
    assert!(f.iter().any(|w| w.contains("trigger audit_no_delete is missing")), "{f:?}");
    // The text form says so too, never "all ok".
    let out = env.cmd().args(["doctor"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("audit hash chain broken"), "{text}");
}

/// Rows of the portal's tables that name the person.
fn portal_rows(env: &Env) -> [i64; 3] {
    let c = raw(env);
    let n = |sql: &str| c.query_row(sql, [EMAIL], |r| r.get::<_, i64>(0)).unwrap();
    [
        n("SELECT count(*) FROM portal_signins WHERE email = ?1 COLLATE NOCASE"),
        n("SELECT count(*) FROM portal_sessions WHERE email = ?1 COLLATE NOCASE"),
        n("SELECT count(*) FROM portal_mail WHERE recipient LIKE '%' || ?1 || '%'"),
    ]
}

/// The person also used the portal: asked for help (a sign-in link, then a
/// session) and asked for a second link she never followed.
#[test]
fn erasure_leaves_no_trace_of_the_portal_either() {
    let env = Env::new().with_people();
    with_person(&env);
    let server = portal_support::Server::start(&env, &[]);
    let mut c = server.client();
    let details = format!("Asked on the portal: the {SECRET} again");
    let fields =
        [("name", NAME), ("email", EMAIL), ("subject", "Portal xylophonic request"), ("details", &details)];
    let r = c.submit("/request", "/request", &fields);
    assert_eq!(r.status, 200, "{}", r.body);
    let link = portal_support::signin_path(&portal_support::send_mail(&env), EMAIL);
    let r = c.submit(&link, &link, &[]);
    assert_eq!(r.status, 303, "{}", r.body);
    let r = c.get("/my/requests");
    assert_eq!(r.status, 200, "signed in: {}", r.body);
    let mut later = server.client();
    let r = later.submit("/signin", "/signin", &[("email", EMAIL)]);
    assert_eq!(r.status, 200, "{}", r.body);
    drop(server);
    let [signins, sessions, mail] = portal_rows(&env);
    assert!(
        signins >= 2 && sessions >= 1 && mail >= 2,
        "the fixture must use the portal: {signins} {sessions} {mail}"
    );

    env.json(&["requester", "erase", EMAIL]);
    assert_eq!(portal_rows(&env), [0, 0, 0]);
    let after = export(&env);
    assert_eq!(traces(&after), Vec::<&str>::new(), "the export still holds the person");
    assert!(!after.contains("Portal xylophonic"), "the portal request's text is still there");
    let c = raw(&env);
    c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); VACUUM;").unwrap();
    drop(c);
    let text = String::from_utf8_lossy(&std::fs::read(&env.db).unwrap()).into_owned();
    assert_eq!(traces(&text), Vec::<&str>::new(), "the database file still holds the person");
    assert_eq!(verify(&env).0, 0);
}

/// `purge` clears the portal's rows once they are past their use, and a
/// system account from cron (root here, no technician) may run it.
#[test]
fn purge_clears_the_portal_and_runs_from_cron() {
    let env = Env::new().with_people();
    let server = portal_support::Server::start(&env, &[]);
    let mut c = server.client();
    let r = c.submit("/signin", "/signin", &[("email", EMAIL)]);
    assert_eq!(r.status, 200, "{}", r.body);
    drop(server);
    let link = portal_support::signin_path(&portal_support::send_mail(&env), EMAIL);
    assert!(link.starts_with("/signin/"));
    let portal = |env: &Env| {
        let c = raw(env);
        ["portal_signins", "portal_sessions", "portal_mail"]
            .map(|t| c.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get::<_, i64>(0)).unwrap())
    };
    assert_eq!(portal(&env), [1, 0, 1]);
    // Within a day of expiry nothing goes; a week later both rows do.
    let out = env.cmd().args(["--json", "purge"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(portal(&env), [1, 0, 1]);
    let week = "2026-12-01T10:00:00Z";
    let dry = env.cmd().env("DESKSIDE_NOW", week).args(["--json", "purge", "--dry-run"]).output().unwrap();
    let dry: serde_json::Value = serde_json::from_slice(&dry.stdout).unwrap();
    let kind = dry["kinds"].as_array().unwrap().iter().find(|k| k["kind"] == "portal").unwrap().clone();
    assert_eq!((kind["rows"].as_i64(), kind["after"].as_i64()), (Some(2), Some(1)), "{dry}");
    assert_eq!(portal(&env), [1, 0, 1], "--dry-run changed nothing");
    // Not a technician at all: the real user (root, or the file's owner) with no --as.
    let mut cron = env.std_cmd();
    cron.env_remove("DESKSIDE_USER").env("DESKSIDE_NOW", week).args(["--json", "purge"]);
    let out = cron.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(portal(&env), [0, 0, 0]);
    let audit = env.json(&["audit"]);
    let row = audit.as_array().unwrap().iter().rev().find(|r| r["action"] == "purge").unwrap().clone();
    assert_eq!((row["entity_id"].as_str(), row["tech"].as_str()), (Some("portal"), None), "{row}");
    assert_eq!(verify(&env).0, 0);
    // A technician who is no lead still may not.
    assert_eq!(env.fail_as("tone", &["purge"]).0, 5);
}

/// A message with one attachment (base64), as mail clients send it.
fn with_file(from: &str, id: &str, name: &str, data: &[u8]) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(data);
    format!(
        "From: {from}\r\nTo: help@desk.example\r\nSubject: File {name}\r\nMessage-ID: <{id}>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n\
         --B\r\nContent-Type: application/octet-stream; name=\"{name}\"\r\nContent-Disposition: attachment; filename=\"{name}\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{b64}\r\n--B--\r\n"
    )
}

#[test]
fn erasure_deletes_the_persons_files_but_not_ones_others_share() {
    let env = Env::new().with_people();
    env.run(&["requester", "add", EMAIL, "--name", NAME]).success();
    let mine = format!("diary of {SECRET} 07700 900123").into_bytes();
    let shared = b"the school's shared timetable".to_vec();
    for (from, id, name, data) in [
        (EMAIL, "f1@stbedes.sch.uk", "zoe-quill-diary.bin", &mine),
        (EMAIL, "f2@stbedes.sch.uk", "timetable.bin", &shared),
        ("r.hughes@stbedes.sch.uk", "f3@stbedes.sch.uk", "timetable.bin", &shared),
    ] {
        env.cmd()
            .args(["mail", "ingest", "-"])
            .write_stdin(with_file(from, id, name, data))
            .assert()
            .success();
    }
    let blobs =
        |env: &Env| -> i64 { raw(env).query_row("SELECT count(*) FROM blobs", [], |r| r.get(0)).unwrap() };
    assert_eq!(blobs(&env), 2, "the shared file is stored once");

    let e = env.json(&["requester", "erase", EMAIL]);
    assert_eq!((e["attachment_files"].as_i64(), e["blobs_deleted"].as_i64()), (Some(2), Some(1)), "{e}");
    assert_eq!(blobs(&env), 1, "her own file's content is gone; the shared one stays");
    // Her tickets list the files as erased, with no name and no content.
    for id in [1, 2] {
        let list = env.json(&["ticket", "attachments", &id.to_string()]);
        assert_eq!(
            (list[0]["name"].as_str(), list[0]["refused"].as_str()),
            (Some("[erased]"), Some("erased"))
        );
        let (code, _) =
            env.fail(&["ticket", "attachment", "save", &id.to_string(), "1", "-o", "/tmp/never-written"]);
        assert_eq!(code, 3);
    }
    // Rachel's copy of the shared file still saves byte for byte.
    let out = env.dir.path().join("timetable.bin");
    env.run(&["ticket", "attachment", "save", "3", "1", "-o", out.to_str().unwrap()]).success();
    assert_eq!(std::fs::read(&out).unwrap(), shared);
    assert_eq!(traces(&export(&env)), Vec::<&str>::new());
    let c = raw(&env);
    c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); VACUUM;").unwrap();
    drop(c);
    let bytes = std::fs::read(&env.db).unwrap();
    assert_eq!(
        traces(&String::from_utf8_lossy(&bytes)),
        Vec::<&str>::new(),
        "the file still holds her attachment"
    );
}
