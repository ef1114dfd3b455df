//! The portal under test: a small database made through the CLI, the real
//! binary serving it on a free port, and a tiny HTTP/1.1 client (with a
//! cookie jar) over a plain TCP socket.
#![allow(dead_code)]

use crate::common::Env;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::time::Duration;

/// Planted in everything a requester must never see.
pub const SECRET: &str = "ZEBRAFROG";

/// A database with two schools, public articles, and an internal, a draft
/// and an archived article that all carry `SECRET`.
pub fn fixture() -> (Env, BTreeMap<&'static str, String>) {
    let env = Env::new();
    env.run(&["school", "add", "St Bede's", "--code", "BEDE", "--domain", "stbedes.sch.uk"]).success();
    env.run(&["school", "add", "Oakfield Primary", "--code", "OAK", "--domain", "oakfield.sch.uk"]).success();
    let mut ids = BTreeMap::new();
    let mut add = |key: &'static str, title: &str, body: &str, extra: &[&str]| {
        let mut args = vec!["kb", "add", "--title", title, "--body", body];
        args.extend_from_slice(extra);
        let v = env.json(&args);
        ids.insert(key, v["id"].to_string());
    };
    add(
        "printer",
        "Clearing a paper jam on the printer",
        "## Symptoms\nThe printer says paper jam and nothing prints.\n\n## Fix\n1. Open the front door.\n2. Pull the jammed paper out gently.\n3. Close the door and print again.",
        &["--category", "printing", "--tag", "printer, jam", "--publish"],
    );
    add(
        "sound",
        "No sound from the classroom speakers",
        "## Fix\nCheck the speaker is switched on and the volume is up; pick the speakers as the playback device.",
        &["--category", "classroom-av", "--tag", "audio", "--publish"],
    );
    add(
        "password",
        "Resetting a forgotten password",
        "## Fix\nUse the self-service password reset page, then sign in with the new password.",
        &["--category", "accounts", "--tag", "password", "--publish"],
    );
    add(
        "internal",
        &format!("{SECRET} printer admin console"),
        &format!("The printer admin password is {SECRET}-internal. Paper jam reset code."),
        &["--category", "printing", "--audience", "internal", "--publish"],
    );
    add(
        "draft",
        &format!("{SECRET} draft about printer jams"),
        &format!("{SECRET} draft body: paper jam"),
        &["--category", "printing"],
    );
    add(
        "archived",
        &format!("{SECRET} old printer jam guide"),
        &format!("{SECRET} archived body"),
        &["--category", "printing", "--publish"],
    );
    env.run(&["kb", "archive", &ids["archived"]]).success();
    (env, ids)
}

/// The binary serving a database; killed when dropped.
pub struct Server {
    child: Child,
    pub port: u16,
}

impl Server {
    pub fn start(env: &Env, extra: &[&str]) -> Server {
        Server::start_at(env, extra, crate::common::NOW)
    }

    /// Serves at a fixed `now` (DESKSIDE_NOW), on a free port.
    pub fn start_at(env: &Env, extra: &[&str], now: &str) -> Server {
        let mut cmd = env.std_cmd();
        cmd.env("DESKSIDE_NOW", now).args(["serve", "--listen", "127.0.0.1:0"]).args(extra);
        let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let port = line
            .split("http://127.0.0.1:")
            .nth(1)
            .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in {line:?}"));
        Server { child, port }
    }

    pub fn client(&self) -> Client {
        Client { port: self.port, cookies: BTreeMap::new(), headers: Vec::new() }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The CSRF token of the first form on the page.
    pub fn csrf(&self) -> String {
        let at = self.body.find("name=\"csrf\" value=\"").unwrap_or_else(|| panic!("no form: {}", self.body));
        let rest = &self.body[at + 19..];
        rest[..rest.find('"').unwrap()].to_string()
    }
}

/// A browser-like client: keeps cookies, sends extra headers.
pub struct Client {
    pub port: u16,
    pub cookies: BTreeMap<String, String>,
    pub headers: Vec<(String, String)>,
}

impl Client {
    pub fn get(&mut self, path: &str) -> Response {
        self.send("GET", path, None)
    }

    pub fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Response {
        let body = form(fields);
        self.send("POST", path, Some(&body))
    }

    /// GETs `page`, then posts `fields` to `action` with the page's CSRF token.
    pub fn submit(&mut self, page: &str, action: &str, fields: &[(&str, &str)]) -> Response {
        let token = self.get(page).csrf();
        let mut all = vec![("csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.post(action, &all)
    }

    pub fn send(&mut self, method: &str, path: &str, body: Option<&str>) -> Response {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut req = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
            req.push_str(&format!("Cookie: {}\r\n", jar.join("; ")));
        }
        for (k, v) in &self.headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        if let Some(b) = body {
            req.push_str(&format!(
                "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
                b.len()
            ));
        }
        req.push_str("\r\n");
        if let Some(b) = body {
            req.push_str(b);
        }
        s.write_all(req.as_bytes()).unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).unwrap();
        let text = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let mut lines = head.lines();
        let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_lowercase(), v.trim().to_string()))
            .collect();
        assert!(
            !headers.iter().any(|(k, v)| k == "transfer-encoding" && v.contains("chunked")),
            "this client reads whole bodies only"
        );
        for (k, v) in &headers {
            if k == "set-cookie" {
                let pair = v.split(';').next().unwrap();
                let (name, value) = pair.split_once('=').unwrap();
                if value.is_empty() {
                    self.cookies.remove(name);
                } else {
                    self.cookies.insert(name.to_string(), value.to_string());
                }
            }
        }
        Response { status, headers, body: body.to_string() }
    }
}

pub fn form(fields: &[(&str, &str)]) -> String {
    fields.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect::<Vec<_>>().join("&")
}

pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Sends the outbox into a maildir and returns every message written.
pub fn send_mail(env: &Env) -> Vec<String> {
    let dir = env.dir.path().join("sent");
    env.run(&[
        "mail",
        "send",
        "--from",
        "IT Support <it@trust.sch.uk>",
        "--outbox-dir",
        dir.to_str().unwrap(),
    ])
    .success();
    let mut out = Vec::new();
    for sub in ["new", "cur"] {
        if let Ok(rd) = std::fs::read_dir(dir.join(sub)) {
            for e in rd {
                out.push(std::fs::read_to_string(e.unwrap().path()).unwrap());
            }
        }
    }
    out.sort();
    out
}

/// The `/signin/TOKEN` path in the newest sign-in mail to `email`.
pub fn signin_path(mails: &[String], email: &str) -> String {
    let mail = mails
        .iter()
        .rev()
        .find(|m| m.contains(&format!("<{email}>")) || m.contains(&format!("To: {email}")))
        .unwrap_or_else(|| panic!("no mail to {email} in {mails:?}"));
    let at = mail.find("/signin/").unwrap_or_else(|| panic!("no link in {mail}"));
    mail[at..].split_whitespace().next().unwrap().to_string()
}
