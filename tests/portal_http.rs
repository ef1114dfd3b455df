//! The requester portal over HTTP: the real binary on a free port, driven
//! by a small client. Every route, the sign-in link's life, CSRF and rate
//! limits, escaping, and that nothing internal is ever served.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;
mod portal_support;

use common::Env;
use portal_support::{fixture, send_mail, signin_path, Client, Server, SECRET};
use serde_json::Value;
use sha2::{Digest, Sha256};

const XSS: &str = "<script>alert(1)</script>\"'><img src=x onerror=alert(1)>";

fn assert_inert(body: &str, what: &str) {
    assert!(!body.contains("<script>alert"), "{what}: raw script tag served:\n{body}");
    assert!(!body.contains("<img src=x"), "{what}: raw img tag served:\n{body}");
}

fn assert_no_secret(body: &str, what: &str) {
    assert!(!body.contains(SECRET), "{what}: internal text served:\n{body}");
}

/// Asks for help without being signed in, follows the mailed link, and
/// returns the signed-in client and the new ticket's id.
fn request_and_sign_in(
    server: &Server,
    env: &Env,
    name: &str,
    email: &str,
    subject: &str,
    details: &str,
) -> (Client, i64) {
    let mut c = server.client();
    let r = c.submit(
        "/request",
        "/request",
        &[
            ("name", name),
            ("email", email),
            ("subject", subject),
            ("details", details),
            ("category", "printing"),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Check your email"), "{}", r.body);
    let link = signin_path(&send_mail(env), email);
    let r = c.submit(&link, &link, &[]);
    assert_eq!(r.status, 303, "{}", r.body);
    let to = r.header("location").unwrap().to_string();
    let id = to.trim_start_matches("/my/requests/").parse().unwrap_or_else(|_| panic!("{to}"));
    (c, id)
}

#[test]
fn every_page_answers_with_strict_headers() {
    let (env, ids) = fixture();
    let server = Server::start(&env, &[]);
    let mut c = server.client();
    let pages = [
        ("/", 200),
        ("/search?q=printer", 200),
        ("/api/suggest?q=printer", 200),
        ("/request", 200),
        ("/request?q=printer+jam", 200),
        ("/signin", 200),
        (&format!("/articles/{}", ids["printer"]) as &str, 200),
        ("/articles/not-a-number", 404),
        ("/no/such/page", 404),
        ("/signin/0123abcd", 404),
        ("/rate/1.abcdef", 404),
        ("/static/portal.css", 200),
        ("/static/portal.js", 200),
    ];
    for (path, status) in pages {
        let r = c.get(path);
        assert_eq!(r.status, status, "{path}: {}", r.body);
        let csp = r.header("content-security-policy").unwrap_or("");
        assert!(
            csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"),
            "{path}: {csp}"
        );
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"), "{path}");
        assert_eq!(r.header("referrer-policy"), Some("no-referrer"), "{path}");
        if !path.starts_with("/static/") {
            assert_eq!(r.header("cache-control"), Some("no-store"), "{path}");
        }
        assert!(!r.body.contains("http://") || path == "/static/portal.js", "{path}: no external assets");
    }
    // Pages that need a session send the browser to sign in.
    for path in ["/my/requests", "/my/requests/1"] {
        let r = c.get(path);
        assert_eq!((r.status, r.header("location")), (303, Some("/signin")), "{path}");
    }
    // The CSRF cookie is HttpOnly and SameSite.
    let mut fresh = server.client();
    let r = fresh.get("/");
    let cookie = r.header("set-cookie").unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    // Bodies over the limit are refused.
    let big = "x".repeat(200_000);
    let r = fresh.post("/signin", &[("csrf", "x"), ("email", &big)]);
    assert_eq!(r.status, 413);
}

#[test]
fn search_uses_the_suggest_engine_over_published_public_articles_only() {
    let (env, ids) = fixture();
    // A ticket with an internal note carrying the secret: never a search result.
    let t = env.json(&[
        "ticket",
        "new",
        "--subject",
        "Printer paper jam in room 4",
        "--requester",
        "x@stbedes.sch.uk",
        "--requester-name",
        "X",
    ]);
    let tid = t["id"].to_string();
    env.run(&["ticket", "resolve", &tid, "--message", "Cleared the paper jam in room 4"]).success();
    env.run(&["ticket", "note", &tid, "--internal", &format!("{SECRET} paper jam printer note")]).success();
    let server = Server::start(&env, &[]);
    let mut c = server.client();

    let r = c.get("/api/suggest?q=pritner%20jamed");
    assert_eq!(r.header("content-type"), Some("application/json"));
    let hits: Value = serde_json::from_str(&r.body).unwrap();
    let first = &hits[0];
    assert_eq!(first["id"].to_string(), ids["printer"], "{hits}");
    assert_eq!(first["title"], "Clearing a paper jam on the printer");
    assert_eq!(first["url"], format!("/articles/{}", ids["printer"]));
    assert!(first["snippet"].as_str().unwrap().contains("jam"), "{hits}");
    for (q, want) in [("sound%20not%20working", "sound"), ("pasword", "password"), ("print", "printer")] {
        let hits: Value = serde_json::from_str(&c.get(&format!("/api/suggest?q={q}")).body).unwrap();
        assert_eq!(hits[0]["id"].to_string(), ids[want], "{q}: {hits}");
    }
    // The same answers as the technicians' `suggest`, minus everything not public.
    let tech: Value = env.json(&["suggest", "printer jammed"]);
    let tech_articles: Vec<String> = tech
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] == "article" && s["audience"] != "internal")
        .map(|s| s["id"].to_string())
        .collect();
    let portal: Value = serde_json::from_str(&c.get("/api/suggest?q=printer%20jammed").body).unwrap();
    let portal_ids: Vec<String> = portal.as_array().unwrap().iter().map(|h| h["id"].to_string()).collect();
    assert_eq!(portal_ids.first(), tech_articles.first(), "tech {tech}\nportal {portal}");

    // Server-rendered search: the same first answer, and nothing internal.
    // (The page repeats the words searched for, so those avoid the secret.)
    let queries = [
        "pritner+jamed",
        "printer+admin+console",
        "paper+jam+note",
        "draft+printer+jams",
        "old+printer+jam+guide",
        "admin+password+reset+code",
    ];
    let r = c.get(&format!("/api/suggest?q={SECRET}"));
    assert_eq!(r.body, "[]");
    for q in queries {
        let r = c.get(&format!("/search?q={q}"));
        assert_eq!(r.status, 200);
        assert_no_secret(&r.body, q);
        let r = c.get(&format!("/api/suggest?q={q}"));
        assert_no_secret(&r.body, q);
        assert!(!r.body.contains("room 4"), "{q}: a ticket was suggested");
    }
    let r = c.get("/search?q=pritner+jamed");
    assert!(r.body.contains(&format!("/articles/{}?q=pritner+jamed", ids["printer"])), "{}", r.body);

    // Internal, draft, archived and missing articles are the same 404.
    let missing = c.get("/articles/999999");
    assert_eq!(missing.status, 404);
    for key in ["internal", "draft", "archived"] {
        let r = c.get(&format!("/articles/{}", ids[key]));
        assert_eq!(r.status, 404, "{key}");
        assert_eq!(r.body, missing.body, "{key}: differs from a missing article");
    }
    // Context: a school parameter that does not exist is ignored, not an error.
    assert_eq!(c.get("/api/suggest?q=printer&school=NOPE&category=printing").status, 200);
}

#[test]
fn a_signin_link_works_once_expires_and_is_stored_hashed() {
    let (env, _) = fixture();
    let server = Server::start(&env, &["--base-url", "https://help.example.sch.uk"]);
    let mut c = server.client();
    // Only school addresses; the refusal says so without naming anyone.
    let r = c.submit("/signin", "/signin", &[("email", "someone@gmail.com")]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("only school email addresses"), "{}", r.body);
    // Known and unknown requesters at a school get the same answer.
    env.run(&["requester", "add", "known@stbedes.sch.uk", "--name", "Known"]).success();
    let known = c.submit("/signin", "/signin", &[("email", "known@stbedes.sch.uk")]);
    let unknown = c.submit("/signin", "/signin", &[("email", "nobody@stbedes.sch.uk")]);
    assert_eq!((known.status, unknown.status), (200, 200));
    assert_eq!(known.body, unknown.body, "no user enumeration");

    let mails = send_mail(&env);
    let link = signin_path(&mails, "nobody@stbedes.sch.uk");
    assert!(mails.iter().any(|m| m.contains(&format!("https://help.example.sch.uk{link}"))), "{mails:?}");
    let token = link.trim_start_matches("/signin/").to_string();
    assert_eq!(token.len(), 64, "256 random bits");
    // Stored hashed: the raw token is nowhere in the database files.
    let hash = format!("{:x}", Sha256::digest(token.as_bytes()));
    let mut stored = Vec::new();
    for suffix in ["", "-wal"] {
        let mut p = env.db.as_os_str().to_owned();
        p.push(suffix);
        stored.extend(std::fs::read(&p).unwrap_or_default());
    }
    let stored = String::from_utf8_lossy(&stored);
    assert!(!stored.contains(&token), "the raw token is in the database");
    assert!(stored.contains(&hash), "the token's hash is stored");

    // Opening the link changes nothing (a mail scanner may open it).
    let mut browser = server.client();
    assert_eq!(browser.get(&link).status, 200);
    let r = browser.submit(&link, &link, &[]);
    assert_eq!((r.status, r.header("location")), (303, Some("/my/requests")));
    let session = r.headers.iter().find(|(k, v)| k == "set-cookie" && v.starts_with("ds_session=")).unwrap();
    assert!(session.1.contains("HttpOnly") && session.1.contains("Secure") && session.1.contains("SameSite"));
    assert_eq!(browser.get("/my/requests").status, 200);
    // Works once.
    let mut other = server.client();
    let again = other.submit("/signin", &link, &[]);
    assert_eq!(again.status, 404);
    assert!(again.body.contains("expired"), "{}", again.body);
    assert_eq!(other.get(&link).status, 404);

    // Expires: a link asked for now is dead 31 minutes later.
    c.submit("/signin", "/signin", &[("email", "late@stbedes.sch.uk")]);
    let link = signin_path(&send_mail(&env), "late@stbedes.sch.uk");
    drop(server);
    let later = Server::start_at(&env, &[], "2026-11-24T10:31:00Z");
    let mut c = later.client();
    assert_eq!(c.get(&link).status, 404);
    assert_eq!(c.submit("/signin", &link, &[]).status, 404);
    drop(later);
    let sooner = Server::start_at(&env, &[], "2026-11-24T10:29:00Z");
    let r = sooner.client().submit(&link, &link, &[]);
    assert_eq!(r.status, 303, "still live before 30 minutes: {}", r.body);
}

#[test]
fn a_request_becomes_a_self_service_ticket_once_the_address_is_proved() {
    let (env, _) = fixture();
    let server = Server::start(&env, &[]);
    let before: Value = env.json(&["ticket", "list"]);
    let mut c = server.client();
    let r = c.submit(
        "/request",
        "/request",
        &[
            ("name", "Rachel Hughes"),
            ("email", "r.hughes@stbedes.sch.uk"),
            ("subject", "Printer jammed in room 4"),
            ("details", "Paper stuck"),
            ("category", "printing"),
        ],
    );
    assert_eq!(r.status, 200);
    assert_eq!(env.json(&["ticket", "list"]), before, "no ticket before the link is followed");
    let link = signin_path(&send_mail(&env), "r.hughes@stbedes.sch.uk");
    let r = c.submit(&link, &link, &[]);
    let id = r.header("location").unwrap().trim_start_matches("/my/requests/").to_string();
    let t: Value = env.json(&["ticket", "show", &id]);
    assert_eq!(t["source"], "self-service");
    assert_eq!(t["requester"], "r.hughes@stbedes.sch.uk");
    assert_eq!(t["school"], "BEDE");
    assert_eq!(t["category"], "printing");
    assert_eq!(t["subject"], "Printer jammed in room 4");
    let outbox: Value = env.json(&["mail", "outbox"]);
    assert!(
        outbox
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["ticket_id"].as_i64().map(|n| n.to_string()).as_deref() == Some(id.as_str())
                && m["kind"] == "ack"),
        "{outbox}"
    );
    // Signed in, the next request is logged at once.
    let r = c.submit(
        "/request",
        "/request",
        &[("name", "Rachel Hughes"), ("subject", "No sound"), ("details", "Speakers silent")],
    );
    assert_eq!(r.status, 303);
    let id2 = r.header("location").unwrap().trim_start_matches("/my/requests/").to_string();
    assert_eq!(env.json(&["ticket", "show", &id2])["source"], "self-service");
    let mine = c.get("/my/requests");
    assert!(
        mine.body.contains("Printer jammed in room 4") && mine.body.contains("No sound"),
        "{}",
        mine.body
    );
    // Bad input: a clear page, nothing logged.
    let r = c.submit("/request", "/request", &[("name", "R"), ("subject", ""), ("details", "x")]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("subject must not be empty"), "{}", r.body);
    let r = c.submit(
        "/request",
        "/request",
        &[("name", "R"), ("subject", "s"), ("details", "x"), ("category", "nope")],
    );
    assert_eq!(r.status, 400);
    // The "No" answer on an article leads to the form with what they typed.
    let r = c.submit(
        "/articles/1?q=printer+jam",
        "/articles/1/answer",
        &[("solved", "no"), ("q", "printer jam")],
    );
    assert_eq!((r.status, r.header("location")), (303, Some("/request?q=printer+jam")));
    assert!(c.get("/request?q=printer+jam").body.contains("value=\"printer jam\""));
    // Signing out ends the session.
    let r = c.submit("/my/requests", "/signout", &[]);
    assert_eq!(r.status, 303);
    assert_eq!(c.get("/my/requests").status, 303);
}

#[test]
fn forms_without_a_valid_token_are_refused() {
    let (env, _) = fixture();
    let server = Server::start(&env, &[]);
    let mut c = server.client();
    c.get("/");
    let r = c.post("/signin", &[("email", "a@stbedes.sch.uk")]);
    assert_eq!(r.status, 403);
    assert!(r.body.contains("did not come from this site"));
    let r = c.post("/signin", &[("csrf", "00"), ("email", "a@stbedes.sch.uk")]);
    assert_eq!(r.status, 403);
    // A token from another browser does not fit this one's cookie.
    let mut other = server.client();
    let theirs = other.get("/signin").csrf();
    for path in
        ["/signin", "/request", "/signout", "/articles/1/answer", "/my/requests/1/reply", "/rate/1.00"]
    {
        assert_eq!(c.post(path, &[("csrf", &theirs), ("email", "a@stbedes.sch.uk")]).status, 403, "{path}");
    }
    // Without any cookie at all.
    let mut bare = server.client();
    bare.cookies.clear();
    assert_eq!(bare.post("/signin", &[("csrf", &theirs)]).status, 403);
    assert_eq!(send_mail(&env).len(), 0, "no refused form sent mail");
}

#[test]
fn rate_limits_answer_429_per_address_and_per_email() {
    let (env, _) = fixture();
    let server = Server::start(&env, &["--searches-per-minute", "5", "--links-per-hour", "3"]);
    let mut c = server.client();
    for _ in 0..5 {
        assert_eq!(c.get("/search?q=printer").status, 200);
    }
    let r = c.get("/search?q=printer");
    assert_eq!(r.status, 429);
    assert!(r.body.contains("Too many requests"));
    assert_eq!(c.get("/api/suggest?q=printer").status, 429);
    // Behind the trusted proxy (127.0.0.1), each forwarded client has its own count.
    c.headers.push(("X-Forwarded-For".into(), "203.0.113.7".into()));
    assert_eq!(c.get("/search?q=printer").status, 200);
    // Sign-in links: per address...
    for i in 0..3 {
        let r = c.submit("/signin", "/signin", &[("email", &format!("p{i}@stbedes.sch.uk"))]);
        assert_eq!(r.status, 200);
    }
    assert_eq!(c.submit("/signin", "/signin", &[("email", "p9@stbedes.sch.uk")]).status, 429);
    // ...and per email address, from wherever it is asked.
    let ask = |ip: &str| {
        let mut c = server.client();
        c.headers.push(("X-Forwarded-For".into(), ip.into()));
        c.submit("/signin", "/signin", &[("email", "target@stbedes.sch.uk")]).status
    };
    assert_eq!([ask("198.51.100.1"), ask("198.51.100.2"), ask("198.51.100.3")], [200, 200, 200]);
    assert_eq!(ask("198.51.100.4"), 429);
    // An untrusted peer's X-Forwarded-For is ignored.
    drop(server);
    let strict = Server::start(&env, &["--searches-per-minute", "2", "--trusted-proxy", "10.9.9.9"]);
    let mut c = strict.client();
    for ip in ["1.1.1.1", "2.2.2.2"] {
        c.headers = vec![("X-Forwarded-For".into(), ip.into())];
        assert_eq!(c.get("/search?q=x").status, 200);
    }
    c.headers = vec![("X-Forwarded-For".into(), "3.3.3.3".into())];
    assert_eq!(c.get("/search?q=x").status, 429);
}

#[test]
fn hostile_text_in_every_field_is_shown_inert() {
    let (env, _) = fixture();
    let server = Server::start(&env, &[]);
    let mut c = server.client();
    let q = portal_support::enc(XSS);
    for path in [format!("/search?q={q}"), format!("/request?q={q}"), format!("/articles/1?q={q}")] {
        let r = c.get(&path);
        assert_inert(&r.body, &path);
        assert!(r.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{path}: {}", r.body);
    }
    let r = c.get(&format!("/api/suggest?q={q}"));
    assert!(serde_json::from_str::<Value>(&r.body).is_ok());
    // Every field of the request form, shown back after an error and on the ticket.
    let r = c.submit(
        "/request",
        "/request",
        &[("name", XSS), ("email", XSS), ("subject", XSS), ("details", XSS)],
    );
    assert_eq!(r.status, 400);
    assert_inert(&r.body, "request form after an error");
    let (mut c, id) = request_and_sign_in(&server, &env, XSS, "xss@stbedes.sch.uk", XSS, XSS);
    let r = c.submit(&format!("/my/requests/{id}"), &format!("/my/requests/{id}/reply"), &[("text", XSS)]);
    assert_eq!(r.status, 303);
    env.run(&["ticket", "note", &id.to_string(), "--public", XSS]).success();
    for path in [format!("/my/requests/{id}"), "/my/requests".to_string()] {
        let r = c.get(&path);
        assert_inert(&r.body, &path);
        assert!(r.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{path}");
    }
    // An article written with HTML in it is shown as text.
    let a = env.json(&["kb", "add", "--title", XSS, "--body", &format!("Printer {XSS}"), "--publish"]);
    let r = c.get(&format!("/articles/{}", a["id"]));
    assert_eq!(r.status, 200);
    assert_inert(&r.body, "article");
    // The rating comment.
    env.run(&["ticket", "resolve", &id.to_string(), "--message", "Fixed"]).success();
    let mail = send_mail_to_base(&env);
    let rate = rating_path(&mail, id);
    let r = c.submit(&format!("{rate}?score=4"), &rate, &[("score", "4"), ("comment", XSS)]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_inert(&c.get(&format!("/my/requests/{id}")).body, "rated ticket");
}

fn send_mail_to_base(env: &Env) -> Vec<String> {
    send_mail(env)
}

/// The `/rate/TOKEN` path in the resolution mail of ticket `id`.
fn rating_path(mails: &[String], id: i64) -> String {
    let mail = mails
        .iter()
        .find(|m| m.contains(&format!("[#{id}]")) && m.contains("/rate/"))
        .unwrap_or_else(|| panic!("no rating link for #{id} in {mails:?}"));
    let at = mail.find("/rate/").unwrap();
    mail[at..].split(['?', '\n', ' ']).next().unwrap().to_string()
}

#[test]
fn my_requests_show_only_my_tickets_and_their_public_timeline() {
    let (env, _) = fixture();
    env.run(&["tech", "add", "sam", "--name", "Sam Second", "--tier", "2"]).success();
    let server = Server::start(&env, &[]);
    let (mut a, id) =
        request_and_sign_in(&server, &env, "Ann", "ann@stbedes.sch.uk", "Printer jammed", "Room 4");
    let sid = id.to_string();
    env.run(&["ticket", "note", &sid, "--internal", &format!("{SECRET} internal note")]).success();
    env.run(&["ticket", "note", &sid, "--public", "Please open the front door and pull the paper out."])
        .success();
    env.run(&["ticket", "escalate", &sid, "--to", "2", "--reason", &format!("{SECRET} escalation reason")])
        .success();
    env.run(&["ticket", "handback", &sid, "--to", "1", "--note", &format!("{SECRET} hand-back note")])
        .success();
    let r = a.get(&format!("/my/requests/{id}"));
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Please open the front door"), "{}", r.body);
    assert_no_secret(&r.body, "timeline");
    assert!(!r.body.contains("escalat"), "{}", r.body);

    // A reply from the requester lands on the timeline as theirs.
    let r = a.submit(
        &format!("/my/requests/{id}"),
        &format!("/my/requests/{id}/reply"),
        &[("text", "Done, still jammed")],
    );
    assert_eq!(r.status, 303);
    let t: Value = env.json(&["ticket", "show", &sid]);
    let last = t["events"].as_array().unwrap().iter().rev().find(|e| e["kind"] == "reply").unwrap().clone();
    assert_eq!(
        (last["body"].as_str(), last["internal"].as_bool(), last["tech"].as_str()),
        (Some("Done, still jammed"), Some(false), None)
    );
    // Another requester: the same 404 as a ticket that does not exist.
    let (mut b, _) = request_and_sign_in(&server, &env, "Ben", "ben@oakfield.sch.uk", "Wifi", "Down");
    let theirs = b.get(&format!("/my/requests/{id}"));
    let missing = b.get("/my/requests/999999");
    assert_eq!((theirs.status, missing.status), (404, 404));
    assert_eq!(theirs.body, missing.body, "another's ticket reads like a missing one");
    assert!(!b.get("/my/requests").body.contains("Printer jammed"));
    let r = b.submit("/my/requests", &format!("/my/requests/{id}/reply"), &[("text", "mine now")]);
    assert_eq!(r.status, 404);
    assert_eq!(b.submit("/my/requests", &format!("/my/requests/{id}/solved"), &[]).status, 404);
    assert!(!env.json(&["ticket", "show", &sid]).to_string().contains("mine now"));
    // "This is solved".
    let r = a.submit(&format!("/my/requests/{id}"), &format!("/my/requests/{id}/solved"), &[]);
    assert_eq!(r.status, 303);
    assert_eq!(env.json(&["ticket", "show", &sid])["status"], "resolved");
    let r = a.get(&format!("/my/requests/{id}"));
    assert!(r.body.contains("Marked as solved by the requester"));
    assert!(!r.body.contains("This is solved"), "no second resolve button");
}

#[test]
fn the_rating_link_records_a_score_that_reaches_the_weekly_report() {
    let (env, _) = fixture();
    let server = Server::start(&env, &[]);
    let (_, id) = request_and_sign_in(&server, &env, "Ann", "ann@stbedes.sch.uk", "Printer jammed", "Room 4");
    env.run(&["ticket", "resolve", &id.to_string(), "--message", "Cleared the jam."]).success();
    let mails = send_mail(&env);
    let rate = rating_path(&mails, id);
    let resolution = mails.iter().find(|m| m.contains("Cleared the jam.")).unwrap();
    assert!(
        resolution.contains(&format!("{rate}?score=5")) && resolution.contains(&format!("{rate}?score=1"))
    );
    // A fresh browser (no session): GET shows the choice, records nothing.
    let mut c = server.client();
    let r = c.get(&format!("{rate}?score=5"));
    assert_eq!(r.status, 200);
    assert!(r.body.contains("value=\"5\" checked"), "{}", r.body);
    let report: Value =
        env.json(&["report", "weekly", "--week", "2026-W48", "--school", "BEDE", "--format", "json"]);
    assert_eq!(report["schools"][0]["ratings"].as_u64(), Some(0), "a GET recorded nothing");
    let r = c.submit(&format!("{rate}?score=5"), &rate, &[("score", "happy"), ("comment", "Quick, thanks")]);
    assert_eq!(r.status, 200, "{}", r.body);
    let report: Value =
        env.json(&["report", "weekly", "--week", "2026-W48", "--school", "BEDE", "--format", "json"]);
    let figures = &report["schools"][0];
    assert_eq!(
        (figures["ratings"].as_u64(), figures["satisfaction_avg"].as_f64()),
        (Some(1), Some(5.0)),
        "{report}"
    );
    // A changed score replaces it; a tampered link is not found.
    c.submit(&rate, &rate, &[("score", "2")]);
    let report: Value =
        env.json(&["report", "weekly", "--week", "2026-W48", "--school", "BEDE", "--format", "json"]);
    assert_eq!(report["schools"][0]["satisfaction_avg"].as_f64(), Some(2.0));
    // One character of the signature changed (never to itself).
    let last = if rate.ends_with('0') { '1' } else { '0' };
    let forged = format!("{}{last}", &rate[..rate.len() - 1]);
    assert_eq!(c.get(&forged).status, 404);
    let other_ticket = rate.replacen(&format!("/rate/{id}."), &format!("/rate/{}.", id + 1), 1);
    assert_eq!(c.get(&other_ticket).status, 404);
    assert_eq!(c.submit(&rate, &forged, &[("score", "5")]).status, 404);
}

#[test]
fn deflection_figures_reach_the_weekly_report_in_every_format() {
    let (env, ids) = fixture();
    let server = Server::start(&env, &[]);
    // Anonymous: the request form opened (school unknown), then a ticket at BEDE.
    let (mut c, _) =
        request_and_sign_in(&server, &env, "Ann", "ann@stbedes.sch.uk", "Printer jammed", "Room 4");
    // Signed in at BEDE: two searches, the form again, an article read from
    // beside it that solved the problem.
    c.get("/search?q=printer");
    c.get("/search?q=pritner+jamed");
    c.get("/request?q=sound");
    let article = format!("/articles/{}?q=sound&from=request", ids["sound"]);
    let r = c.submit(
        &article,
        &format!("/articles/{}/answer", ids["sound"]),
        &[("solved", "yes"), ("from", "request")],
    );
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Glad that helped"));
    // A visitor whose school is unknown searches once.
    server.client().get("/search?q=wifi");

    let week = ["report", "weekly", "--week", "2026-W48"];
    let json: Value = env.json(&[&week[..], &["--format", "json"]].concat());
    let bede = json["schools"].as_array().unwrap().iter().find(|s| s["school"] == "BEDE").unwrap();
    let s = &bede["self_service"];
    let got: Vec<u64> = ["searches", "article_views", "solved", "requests_started", "abandoned", "submitted"]
        .iter()
        .map(|k| s[k].as_u64().unwrap())
        .collect();
    assert_eq!(got, [2, 1, 1, 1, 1, 1], "{s}");
    assert_eq!(s["deflected_pct"].as_f64(), Some(50.0));
    let total = &json["self_service_total"];
    assert_eq!(
        (total["searches"].as_u64(), total["requests_started"].as_u64()),
        (Some(3), Some(2)),
        "{total}"
    );
    // The ticket itself counts as self-service in the ordinary figures.
    assert_eq!(bede["by_source"]["self-service"].as_u64(), Some(1));

    let csv =
        String::from_utf8(env.cmd().args(week).args(["--format", "csv"]).output().unwrap().stdout).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = header.iter().position(|h| *h == "self_service:searches").unwrap();
    let bede_row: Vec<&str> = lines.find(|l| l.starts_with("BEDE,")).unwrap().split(',').collect();
    assert_eq!(bede_row[col], "2", "{csv}");
    assert_eq!(header.last(), Some(&"self_service:deflected_pct"));
    for format in ["markdown", "table"] {
        let out = String::from_utf8(env.cmd().args(week).args(["--format", format]).output().unwrap().stdout)
            .unwrap();
        assert!(
            out.contains("Self-service (portal)") && out.contains("ABANDONED AFTER AN ARTICLE"),
            "{format}: {out}"
        );
    }
    // No personal data in the counters: only weeks, school codes, metrics.
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    let cols: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_info('portal_counters')")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(cols, ["week", "school", "metric", "n"]);
}
