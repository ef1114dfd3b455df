//! Issue 18, closing the loop by mail: the acknowledgement's honest reply
//! time (across a clock change and a closure), reply verbs acted on from
//! the new text only, ratings by reply, and the weekly report mailed once
//! per school and week as multipart mail (looked at through Chromium).
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;
use common::Env;
use mail_parser::{MessageParser, MimeHeaders};
use std::path::{Path, PathBuf};

fn ingest_at(env: &Env, now: &str, raw: &str) -> serde_json::Value {
    let f = env.dir.path().join(format!("m{}.eml", raw.len()));
    std::fs::write(&f, raw).unwrap();
    let out = env.cmd().env("DESKSIDE_NOW", now).args(["--json", "mail", "ingest"]).arg(&f).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn mail(id: &str, subject: &str, body: &str, in_reply_to: Option<&str>) -> String {
    let thread = in_reply_to.map(|p| format!("In-Reply-To: <{p}>\n")).unwrap_or_default();
    format!(
        "From: Rachel Hughes <r.hughes@stbedes.sch.uk>\nTo: it@trust.sch.uk\nSubject: {subject}\nMessage-ID: <{id}>\n{thread}Date: Fri, 23 Oct 2026 19:40:00 +0100\n\n{body}\n"
    )
}

fn sent(dir: &Path) -> Vec<String> {
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir.join("new")) {
        Ok(d) => d.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    files.iter().map(|f| std::fs::read_to_string(f).unwrap()).collect()
}

fn send(env: &Env, now: &str, outbox: &Path) {
    env.cmd()
        .env("DESKSIDE_NOW", now)
        .args(["mail", "send", "--from", "Trust IT <it@trust.sch.uk>", "--outbox-dir"])
        .arg(outbox)
        .assert()
        .success();
}

fn school_env() -> Env {
    let env = Env::new();
    env.run(&["sla", "calendar", "add", "uk", "--tz", "Europe/London", "--hours", "Mon-Fri 09:00-17:00"])
        .success();
    env.run(&[
        "school",
        "add",
        "St Bede's Primary",
        "--code",
        "BEDE",
        "--domain",
        "stbedes.sch.uk",
        "--calendar",
        "uk",
    ])
    .success();
    env.run(&["sla", "policy", "set", "normal", "--response", "30", "--resolve", "960"]).success();
    env
}

fn status(env: &Env, id: i64) -> String {
    env.json(&["ticket", "show", &id.to_string()])["status"].as_str().unwrap_or_default().to_string()
}

#[test]
fn acknowledgement_promises_a_reply_time_across_a_clock_change_and_a_closure() {
    let env = school_env();
    let outbox = env.dir.path().join("out");
    // Friday 23 October 2026, 19:40 BST; the clocks go back on Sunday 25th.
    ingest_at(&env, "2026-10-23T18:40:00Z", &mail("a1@stbedes", "Printer jammed", "Tray 2 jammed.", None));
    send(&env, "2026-10-23T18:41:00Z", &outbox);
    let text = &sent(&outbox)[0];
    let msg = MessageParser::default().parse(text.as_bytes()).unwrap();
    let body = msg.body_text(0).unwrap();
    assert!(body.contains("We're closed now; expect a reply by 09:30 on Monday."), "{body}");
    assert_eq!(msg.subject(), Some("[#1] Printer jammed"));

    // With Monday closed (INSET day), the promise moves to Tuesday.
    env.run(&[
        "sla",
        "closure",
        "add",
        "uk",
        "--from",
        "2026-11-02",
        "--to",
        "2026-11-02",
        "--label",
        "INSET",
    ])
    .success();
    ingest_at(&env, "2026-10-30T18:40:00Z", &mail("a2@stbedes", "Projector", "No signal.", None));
    send(&env, "2026-10-30T18:41:00Z", &outbox);
    // During opening hours: no "closed" wording, a time today.
    ingest_at(&env, "2026-11-03T10:00:00Z", &mail("a3@stbedes", "Keyboard", "Keys stuck.", None));
    send(&env, "2026-11-03T10:01:00Z", &outbox);
    let all = sent(&outbox).join("\n----\n");
    assert!(all.contains("We're closed now; expect a reply by 09:30 on Tuesday."), "{all}");
    assert!(all.contains("Expect a reply by 10:30 today."), "{all}");
    // The resolution mail asks for a rating by reply when there is no portal.
    env.cmd()
        .env("DESKSIDE_NOW", "2026-11-03T10:05:00Z")
        .args(["ticket", "resolve", "3", "--message", "Keys cleaned."])
        .assert()
        .success();
    send(&env, "2026-11-03T10:06:00Z", &outbox);
    let all = sent(&outbox).join("\n----\n");
    assert!(all.contains("Reply with just a number from 1 (unhappy) to 5 (very happy)."), "{all}");
}

#[test]
fn reply_verbs_act_on_new_text_only() {
    let env = school_env();
    let t = ingest_at(&env, "2026-11-24T10:00:00Z", &mail("v1@stbedes", "Printer jammed", "Tray 2.", None));
    let id = t[0]["ticket"].as_i64().unwrap();
    // Quoted "solved" with new text that is not a verb: an ordinary reply.
    let quoted = "The printer still jams.\n\nOn Tue, IT wrote:\n> If one of them fixes it, reply \"solved\"\n> solved\n";
    ingest_at(
        &env,
        "2026-11-24T10:05:00Z",
        &mail("v2@stbedes", "Re: [#1] Printer jammed", quoted, Some("v1@stbedes")),
    );
    assert_eq!(status(&env, id), "new");
    // A long reply that merely contains "fixed": an ordinary reply.
    let long = "I fixed the paper tray myself but the printer now shows an error code on the screen";
    ingest_at(
        &env,
        "2026-11-24T10:06:00Z",
        &mail("v3@stbedes", "Re: [#1] Printer jammed", long, Some("v1@stbedes")),
    );
    assert_eq!(status(&env, id), "new");
    // "Thanks, sorted!" above the quote resolves it, as the requester.
    let ok = "Thanks, sorted!\n\nOn Tue, IT wrote:\n> A technician will pick it up\n";
    ingest_at(
        &env,
        "2026-11-24T10:07:00Z",
        &mail("v4@stbedes", "Re: [#1] Printer jammed", ok, Some("v1@stbedes")),
    );
    assert_eq!(status(&env, id), "resolved");
    // No technician had replied: a deflection in the week's figures.
    let r = env.json(&["report", "weekly", "--week", "2026-W48", "--school", "BEDE", "--json"]);
    assert_eq!(r["schools"][0]["self_service"]["solved"], 1, "{r}");
    // A number from 1 to 5 to the resolved ticket is its rating.
    ingest_at(
        &env,
        "2026-11-24T10:08:00Z",
        &mail("v5@stbedes", "Re: [#1] Printer jammed", "5", Some("v1@stbedes")),
    );
    let shown = env.json(&["ticket", "show", "1"]);
    assert_eq!(status(&env, id), "resolved");
    assert!(shown.to_string().contains("\"rated\""), "a rated event: {shown}");
    // Welsh, and then an ordinary reply reopens it as before.
    ingest_at(
        &env,
        "2026-11-24T10:09:00Z",
        &mail("v6@stbedes", "Re: [#1] Printer jammed", "Diolch, wedi sortio", Some("v1@stbedes")),
    );
    assert_eq!(status(&env, id), "resolved");
    ingest_at(
        &env,
        "2026-11-24T10:10:00Z",
        &mail("v7@stbedes", "Re: [#1] Printer jammed", "It jammed again this morning.", Some("v1@stbedes")),
    );
    assert_eq!(status(&env, id), "open");
}

#[test]
fn weekly_report_is_mailed_once_per_school_and_week_and_renders() {
    let env = school_env();
    env.run(&["requester", "add", "r.hughes@stbedes.sch.uk", "--name", "Rachel Hughes"]).success();
    env.run(&["tech", "add", "tone", "--name", "Toni One", "--tier", "1"]).success();
    for s in ["Printer jammed", "Wifi down", "Projector no signal"] {
        env.cmd()
            .env("DESKSIDE_NOW", "2026-11-17T10:00:00Z")
            .args([
                "ticket",
                "new",
                "--subject",
                s,
                "--requester",
                "r.hughes@stbedes.sch.uk",
                "--category",
                "printing",
            ])
            .assert()
            .success();
    }
    env.cmd()
        .env("DESKSIDE_NOW", "2026-11-17T11:00:00Z")
        .env("DESKSIDE_USER", "tone")
        .args(["ticket", "resolve", "1", "--message", "Cleared."])
        .assert()
        .success();
    let (code, _) = env.fail_as(
        "tone",
        &["school", "contact", "add", "BEDE", "head@stbedes.sch.uk", "--name", "Head", "--role", "head"],
    );
    assert_eq!(code, 5, "contacts are added by leads");
    env.run(&[
        "school",
        "contact",
        "add",
        "BEDE",
        "head@stbedes.sch.uk",
        "--name",
        "Mrs Head",
        "--role",
        "head",
    ])
    .success();
    env.run(&[
        "school",
        "contact",
        "add",
        "BEDE",
        "bm@trust.org.uk",
        "--name",
        "Bea Manager",
        "--role",
        "business manager",
    ])
    .success();
    let list = env.json(&["school", "contact", "list", "BEDE"]);
    assert_eq!(list.as_array().unwrap().len(), 2);
    let (code, _) =
        env.fail(&["school", "contact", "add", "BEDE", "not an address", "--name", "X", "--role", "y"]);
    assert_eq!(code, 2);

    let first = env.json(&["report", "weekly", "--mail", "--week", "2026-W47"]);
    assert_eq!(first[0]["queued"], 2, "{first}");
    let again = env.json(&["report", "weekly", "--mail", "--week", "2026-W47", "--school", "BEDE"]);
    assert_eq!(
        (again[0]["queued"].clone(), again[0]["already_sent"].clone()),
        (0.into(), true.into()),
        "{again}"
    );

    let queued = env.json(&["mail", "notices", "--status", "queued"]);
    assert_eq!(queued.as_array().unwrap().len(), 2, "{queued}");
    assert!(queued.as_array().unwrap().iter().all(|n| n["kind"] == "weekly-report"));
    assert_eq!(env.fail(&["mail", "notices", "--status", "bogus"]).0, 2);
    let outbox = env.dir.path().join("out");
    send(&env, "2026-11-24T07:00:00Z", &outbox);
    let reports: Vec<String> =
        sent(&outbox).into_iter().filter(|m| m.contains("multipart/alternative")).collect();
    assert_eq!(reports.len(), 2, "one per contact, once");
    send(&env, "2026-11-24T07:05:00Z", &outbox);
    assert_eq!(
        sent(&outbox).iter().filter(|m| m.contains("multipart/alternative")).count(),
        2,
        "nothing twice"
    );

    let msg = MessageParser::default().parse(reports[0].as_bytes()).unwrap();
    assert!(msg.subject().unwrap().contains("weekly report for week 2026-W47"));
    let text = msg.body_text(0).unwrap();
    let html = msg.body_html(0).unwrap();
    assert!(msg.html_part(0).unwrap().content_type().unwrap().subtype() == Some("html"));
    assert!(text.contains("Requests logged") && text.contains("  3"), "{text}");
    assert!(html.contains("<table") && html.contains("style=\""), "inline-styled tables");
    assert!(
        !html.contains("class=") && !html.contains("<img") && !html.contains("<link"),
        "no classes or external images"
    );
    for secret in ["Rachel", "Hughes", "Toni", "Cleared", "r.hughes"] {
        assert!(!reports[0].contains(secret), "no names or ticket text: {secret}");
    }

    // Look at it: the HTML part through headless Chromium.
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/weekly_report.html");
    std::fs::write(&page, html.as_bytes()).unwrap();
    let png = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/weekly_report.png");
    let _ = std::fs::remove_file(&png);
    let shot = std::process::Command::new("chromium")
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--window-size=1000,1200"])
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}", page.display()))
        .output();
    match shot {
        Err(e) => println!("NOTE: chromium not available ({e}): screenshot skipped"),
        Ok(out) => {
            assert!(png.exists(), "chromium wrote no screenshot: {}", String::from_utf8_lossy(&out.stderr));
            assert!(std::fs::metadata(&png).unwrap().len() > 5000, "a real picture");
            println!("screenshot: {}", png.display());
        }
    }
}

#[test]
fn acknowledgement_links_articles_to_the_portal_or_the_site_or_names_them() {
    let env = school_env();
    env.run(&["requester", "add", "r.hughes@stbedes.sch.uk", "--name", "Rachel Hughes"]).success();
    let body = "Open the front panel of the Kyocera copier, pull out the jammed paper from tray 2 gently, close the panel.";
    let a = env.json(&[
        "kb",
        "add",
        "--title",
        "Clearing a paper jam on the Kyocera copier",
        "--body",
        body,
        "--publish",
    ]);
    let id = a["id"].as_i64().unwrap();
    let outbox = env.dir.path().join("out");
    let ack = |n: usize, now: &str| -> String {
        env.cmd()
            .env("DESKSIDE_NOW", now)
            .args([
                "ticket",
                "new",
                "--subject",
                "Kyocera copier paper jam",
                "--requester",
                "r.hughes@stbedes.sch.uk",
            ])
            .args(["--body", "The Kyocera copier has a paper jam in tray 2."])
            .assert()
            .success();
        send(&env, now, &outbox);
        let all = sent(&outbox);
        let m = all.iter().find(|m| m.contains(&format!("[#{n}]"))).unwrap().clone();
        MessageParser::default().parse(m.as_bytes()).unwrap().body_text(0).unwrap().to_string()
    };
    // Neither portal nor site: the title alone.
    let plain = ack(1, "2026-11-24T10:00:00Z");
    assert!(plain.contains("1. Clearing a paper jam on the Kyocera copier\n\nIf one"), "{plain}");
    // The static site's address from [mail] site_url.
    let conf = env.dir.path().join("home/.config/deskside");
    std::fs::create_dir_all(&conf).unwrap();
    std::fs::write(conf.join("config.toml"), "[mail]\nsite_url = \"https://help.trust.sch.uk/kb/\"\n")
        .unwrap();
    let site = ack(2, "2026-11-24T10:05:00Z");
    let want = format!("https://help.trust.sch.uk/kb/articles/{id:02}-");
    assert!(site.contains(&want) && site.contains(".html"), "{site}");
    // The portal's base URL wins.
    let mut desk = deskside::service::Desk::open(
        &env.db,
        Box::new(deskside::clock::FixedClock(chrono::Utc::now())),
        "lead",
        "lead",
    )
    .unwrap();
    desk.set_portal_base_url("https://help.trust.sch.uk/portal").unwrap();
    drop(desk);
    let portal = ack(3, "2026-11-24T10:10:00Z");
    assert!(portal.contains(&format!("     https://help.trust.sch.uk/portal/articles/{id}\n")), "{portal}");
}
