//! The portal in a real browser: headless Chromium driven over WebDriver
//! (chromedriver, plain JSON over HTTP). Types "pritner jamed" and sees the
//! printer article appear as suggestions, asks for help, follows the
//! mailed sign-in link, finds the ticket under My requests, and rates it.
//! Screenshots at desktop and phone widths go to target/portal-screenshots/.
//!
//! Needs `apt-get install -y chromium chromium-driver`; without them the
//! test says so and passes without running.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;
mod portal_support;

use base64::Engine as _;
use portal_support::{fixture, send_mail, signin_path, Server};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

struct Driver {
    child: Child,
    port: u16,
    session: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = call(self.port, "DELETE", &format!("/session/{}", self.session), None);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One WebDriver call; the answer's `value`.
fn call(port: u16, method: &str, path: &str, body: Option<&Value>) -> Result<Value, String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(60))).map_err(|e| e.to_string())?;
    let body = body.map(Value::to_string).unwrap_or_default();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).map_err(|e| e.to_string())?;
    // Read the head, then exactly Content-Length bytes: chromedriver may
    // keep the connection open.
    let mut raw = Vec::new();
    let mut buf = [0u8; 65536];
    let (head_end, length) = loop {
        let n = s.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            return Err(format!("connection closed: {}", String::from_utf8_lossy(&raw)));
        }
        raw.extend_from_slice(&buf[..n]);
        if let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&raw[..end]).to_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            break (end + 4, length);
        }
    };
    while raw.len() < head_end + length {
        let n = s.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&raw);
    let json = &text[head_end.min(text.len())..];
    let v: Value = serde_json::from_str(json).map_err(|e| format!("{e}: {text}"))?;
    if v["value"]["error"].is_string() {
        return Err(v["value"].to_string());
    }
    Ok(v["value"].clone())
}

impl Driver {
    fn start(profile: &Path) -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while call(port, "GET", "/status", None).map(|v| v["ready"] != true).unwrap_or(true) {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync", "--no-first-run",
                         "--disable-dev-shm-usage", "--hide-scrollbars", "--window-size=1280,800",
                         format!("--user-data-dir={}", profile.display())]
            }
        }}});
        let mut d = Driver { child, port, session: String::new() };
        let v = call(port, "POST", "/session", Some(&caps)).expect("a browser session");
        d.session = v["sessionId"].as_str().unwrap().to_string();
        d
    }

    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let path = format!("/session/{}{path}", self.session);
        call(self.port, method, &path, body.as_ref()).unwrap_or_else(|e| panic!("{method} {path}: {e}"))
    }

    fn go(&self, url: &str) {
        self.cmd("POST", "/url", Some(json!({"url": url})));
    }

    fn find(&self, css: &str) -> String {
        let v = self.cmd("POST", "/element", Some(json!({"using": "css selector", "value": css})));
        v[ELEMENT].as_str().unwrap_or_else(|| panic!("{css}: {v}")).to_string()
    }

    fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css);
        self.cmd("POST", &format!("/element/{id}/value"), Some(json!({"text": text})));
    }

    fn click(&self, css: &str) {
        let id = self.find(css);
        self.cmd("POST", &format!("/element/{id}/click"), Some(json!({})));
    }

    /// The page's visible text (empty while a new page is loading).
    fn text(&self) -> String {
        let path = format!("/session/{}/execute/sync", self.session);
        let script = json!({"script": "return document.body ? document.body.innerText : '';", "args": []});
        call(self.port, "POST", &path, Some(&script))
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default()
    }

    fn url(&self) -> String {
        self.cmd("GET", "/url", None).as_str().unwrap_or("").to_string()
    }

    /// Waits until the page's text contains `want`.
    fn wait_for(&self, want: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let text = self.text();
            if text.contains(want) {
                return text;
            }
            assert!(Instant::now() < deadline, "never saw {want:?} in:\n{text}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn size(&self, width: u32, height: u32) {
        self.cmd("POST", "/window/rect", Some(json!({"width": width, "height": height})));
    }

    /// Saves a screenshot at desktop (1280x800) and phone (390x844) widths.
    fn shots(&self, dir: &Path, name: &str) {
        for (label, w, h) in [("desktop", 1280, 800), ("phone", 390, 844)] {
            self.size(w, h);
            let png = self.cmd("GET", "/screenshot", None);
            let bytes = base64::engine::general_purpose::STANDARD.decode(png.as_str().unwrap()).unwrap();
            assert!(bytes.starts_with(b"\x89PNG"), "a PNG");
            std::fs::write(dir.join(format!("{name}-{label}.png")), bytes).unwrap();
        }
        self.size(1280, 800);
    }
}

fn screenshot_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/portal-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_teacher_finds_an_answer_asks_for_help_signs_in_and_rates_it() {
    if !Path::new(CHROMIUM).exists() || !Path::new(CHROMEDRIVER).exists() {
        println!(
            "SKIPPED portal_browser: {CHROMIUM} or {CHROMEDRIVER} is missing (apt-get install -y chromium chromium-driver)"
        );
        return;
    }
    let (env, ids) = fixture();
    let server = Server::start(&env, &[]);
    let base = format!("http://127.0.0.1:{}", server.port);
    let profile = tempfile::tempdir().unwrap();
    let shots = screenshot_dir();
    let b = Driver::start(profile.path());

    // Search first: suggestions appear as they type (the JavaScript enhancement).
    b.go(&format!("{base}/"));
    b.type_into("#q", "pritner jamed");
    let text = b.wait_for("Clearing a paper jam on the printer");
    assert!(!text.contains(portal_support::SECRET), "{text}");
    let first = b.find("#results ol.hits li a");
    let href = b.cmd("GET", &format!("/element/{first}/attribute/href"), None);
    assert!(href.as_str().unwrap().contains(&format!("/articles/{}", ids["printer"])), "{href}");
    b.shots(&shots, "1-home-suggestions");

    // The article asks whether it solved it.
    b.click("#results ol.hits li a");
    b.wait_for("Did this solve it?");
    b.shots(&shots, "2-article");

    // Then ask.
    b.go(&format!("{base}/request"));
    b.type_into("#name", "Rachel Hughes");
    b.type_into("#email", "r.hughes@stbedes.sch.uk");
    b.type_into("#subject", "printer jammed in room 4");
    b.wait_for("Clearing a paper jam on the printer");
    b.type_into("#details", "The printer in room 4 shows a paper jam and I cannot clear it.");
    b.shots(&shots, "3-request-form");
    b.click("form.request button[type=submit]");
    b.wait_for("Check your email");

    // The link from the outbox signs in and sends the request.
    let link = signin_path(&send_mail(&env), "r.hughes@stbedes.sch.uk");
    b.go(&format!("{base}{link}"));
    b.wait_for("Confirm it's you");
    b.click("main form button[type=submit]");
    let text = b.wait_for("printer jammed in room 4");
    assert!(text.contains("Request logged"), "{text}");
    let id: i64 = b.url().rsplit('/').next().unwrap().parse().unwrap();
    b.go(&format!("{base}/my/requests"));
    b.wait_for(&format!("#{id} printer jammed in room 4"));
    b.shots(&shots, "4-my-requests");
    b.go(&format!("{base}/my/requests/{id}"));
    b.shots(&shots, "5-ticket");

    // Resolved by a technician; the mail's rating link records the score.
    env.run(&["ticket", "resolve", &id.to_string(), "--message", "Cleared the jam in tray 2."]).success();
    let mails = send_mail(&env);
    let mail = mails.iter().find(|m| m.contains("Cleared the jam in tray 2.")).unwrap();
    let at = mail.find("/rate/").unwrap();
    let rate = mail[at..].split_whitespace().next().unwrap();
    assert!(rate.ends_with("?score=5"), "{rate}");
    b.go(&format!("{base}{rate}"));
    b.wait_for("How did we do?");
    b.shots(&shots, "6-rate");
    b.click("main form button[type=submit]");
    b.wait_for("We recorded 5 out of 5");
    let report: Value =
        env.json(&["report", "weekly", "--week", "2026-W48", "--school", "BEDE", "--format", "json"]);
    assert_eq!(report["schools"][0]["ratings"].as_u64(), Some(1), "{report}");
    println!("screenshots in {}", shots.display());
}
