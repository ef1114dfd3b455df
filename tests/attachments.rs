//! Attachments kept (issue 20): real-shaped MIME built here (base64,
//! quoted-printable, an inline image, a 20 MB file over the cap) goes in
//! through `mail ingest` and comes out byte for byte.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;
use base64::Engine;
use common::Env;
use serde_json::Value;
use std::path::Path;

fn b64_lines(data: &[u8]) -> String {
    let s = base64::engine::general_purpose::STANDARD.encode(data);
    s.as_bytes().chunks(76).map(|c| std::str::from_utf8(c).unwrap()).collect::<Vec<_>>().join("\r\n")
}

/// Quoted-printable as mail clients write it: soft breaks under 76 columns;
/// line breaks stay line breaks in text, and are encoded in binary data.
fn qp(data: &[u8], text: bool) -> String {
    let mut out = String::new();
    let mut col = 0;
    for &b in data {
        let piece =
            if (text && (b == b'\r' || b == b'\n')) || (b.is_ascii_graphic() && b != b'=') || b == b' ' {
                (b as char).to_string()
            } else {
                format!("={b:02X}")
            };
        if text && b == b'\n' {
            out.push('\n');
            col = 0;
            continue;
        }
        if text && b == b'\r' {
            out.push('\r');
            continue;
        }
        if col + piece.len() > 73 {
            out.push_str("=\r\n");
            col = 0;
        }
        col += piece.len();
        out.push_str(&piece);
    }
    out
}

/// Bytes that are not text: every byte value, then a pattern.
fn binary(n: usize, seed: u32) -> Vec<u8> {
    let mut x = seed;
    (0..n)
        .map(|i| {
            if i < 256 {
                i as u8
            } else {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                (x >> 16) as u8
            }
        })
        .collect()
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\x00\x01\x01\x01\x00\x18\xdd\x8d\xb0\0\0\0\0IEND\xaeB`\x82";

fn message(id: &str, subject: &str, parts: &[String]) -> Vec<u8> {
    let mut m = format!(
        "From: Rachel Hughes <r.hughes@stbedes.sch.uk>\r\nTo: helpdesk@trust.example\r\nSubject: {subject}\r\n\
         Message-ID: <{id}>\r\nDate: Tue, 24 Nov 2026 09:00:00 +0000\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"OUTER\"\r\n\r\nThis is a multi-part message.\r\n"
    );
    for p in parts {
        m.push_str("--OUTER\r\n");
        m.push_str(p);
        m.push_str("\r\n");
    }
    m.push_str("--OUTER--\r\n");
    m.into_bytes()
}

fn text_part(text: &str) -> String {
    format!("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n{text}\r\n")
}

fn b64_part(name: &str, ctype: &str, data: &[u8]) -> String {
    format!(
        "Content-Type: {ctype}; name=\"{name}\"\r\nContent-Disposition: attachment; filename=\"{name}\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{}\r\n",
        b64_lines(data)
    )
}

fn qp_part(name: &str, ctype: &str, data: &[u8]) -> String {
    format!(
        "Content-Type: {ctype}; name=\"{name}\"\r\nContent-Disposition: attachment; filename=\"{name}\"\r\n\
         Content-Transfer-Encoding: quoted-printable\r\n\r\n{}",
        // The CRLF before the next boundary belongs to the boundary (RFC 2046).
        qp(data, ctype.starts_with("text/"))
    )
}

/// An HTML body with a pasted screenshot (multipart/related, Content-ID).
fn related_part(png: &[u8]) -> String {
    format!(
        "Content-Type: multipart/related; boundary=\"REL\"\r\n\r\n--REL\r\n\
         Content-Type: text/html; charset=utf-8\r\n\r\n<p>The board shows this:</p><img src=\"cid:shot1@pc\">\r\n\
         --REL\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\nContent-ID: <shot1@pc>\r\n\
         Content-Disposition: inline; filename=\"image001.png\"\r\n\r\n{}\r\n--REL--\r\n",
        b64_lines(png)
    )
}

fn ingest(env: &Env, dir: &Path, name: &str, raw: &[u8]) -> Value {
    let file = dir.join(name);
    std::fs::write(&file, raw).unwrap();
    let out = env.cmd().args(["--json", "mail", "ingest", file.to_str().unwrap()]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && !err.contains("panicked"), "{err}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v[0].clone()
}

fn count(env: &Env, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Byte equality without printing megabytes on failure.
#[track_caller]
fn same(got: Vec<u8>, want: &[u8]) {
    let first = got.iter().zip(want).position(|(a, b)| a != b);
    assert!(got == want, "{} bytes saved, {} expected, first difference at {first:?}", got.len(), want.len());
}

fn save(env: &Env, id: i64, n: usize, to: &Path) -> Vec<u8> {
    env.run(&["ticket", "attachment", "save", &id.to_string(), &n.to_string(), "-o", to.to_str().unwrap()])
        .success();
    std::fs::read(to).unwrap()
}

#[test]
fn attachments_round_trip_byte_for_byte_from_real_shaped_mime() {
    let env = Env::new().with_people();
    let work = tempfile::tempdir().unwrap();
    let pdf = binary(300_000, 7);
    let csv =
        "room,device,fault\r\nB12,projector,\"no signal = blank\"\r\nC3,café PC,slow\r\n".as_bytes().to_vec();
    let odd = binary(4_000, 11);
    let raw = message(
        "first@pc.stbedes",
        "Projector and PC faults",
        &[
            text_part("Please see the attached list."),
            b64_part("faults.pdf", "application/pdf", &pdf),
            qp_part("faults.csv", "text/csv; charset=utf-8", &csv),
            qp_part("dump.bin", "application/octet-stream", &odd),
            related_part(PNG),
        ],
    );
    let r = ingest(&env, work.path(), "one.eml", &raw);
    assert_eq!(r["outcome"], "created");
    let id = r["ticket"].as_i64().unwrap();

    let list = env.json(&["ticket", "attachments", &id.to_string()]);
    let list = list.as_array().unwrap();
    let names: Vec<&str> = list.iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["faults.pdf", "faults.csv", "dump.bin", "image001.png"]);
    assert_eq!(list.iter().map(|a| a["n"].as_u64().unwrap()).collect::<Vec<_>>(), [1, 2, 3, 4]);
    assert!(list.iter().all(|a| a["refused"].is_null() && a["internal"] == false));
    assert_eq!(list[3]["inline"], true, "the pasted screenshot is inline");
    assert_eq!(list[0]["size"], 300_000);

    same(save(&env, id, 1, &work.path().join("a.pdf")), &pdf);
    same(save(&env, id, 2, &work.path().join("a.csv")), &csv);
    same(save(&env, id, 3, &work.path().join("a.bin")), &odd);
    same(save(&env, id, 4, &work.path().join("a.png")), PNG);

    // Saved privately, never over an existing file, never through a link.
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(work.path().join("a.pdf")).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    std::fs::write(work.path().join("taken"), b"mine").unwrap();
    let (code, err) = env.fail(&[
        "ticket",
        "attachment",
        "save",
        &id.to_string(),
        "1",
        "-o",
        work.path().join("taken").to_str().unwrap(),
    ]);
    assert_ne!(code, 0);
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(std::fs::read(work.path().join("taken")).unwrap(), b"mine");
    std::os::unix::fs::symlink(work.path().join("elsewhere"), work.path().join("link")).unwrap();
    env.fail(&[
        "ticket",
        "attachment",
        "save",
        &id.to_string(),
        "1",
        "-o",
        work.path().join("link").to_str().unwrap(),
    ]);
    assert!(!work.path().join("elsewhere").exists());
    let (code, _) = env.fail(&["ticket", "attachment", "save", &id.to_string(), "9", "-o", "/tmp/x/nine"]);
    assert_eq!(code, 3);

    // The same PDF again in a reply: a second row, one stored copy.
    let reply = message(
        "second@pc.stbedes",
        &format!("Re: [#{id}] Projector and PC faults"),
        &[text_part("Sending it again in case."), b64_part("faults-again.pdf", "application/pdf", &pdf)],
    );
    let r = ingest(&env, work.path(), "two.eml", &reply);
    assert_eq!((r["outcome"].as_str(), r["ticket"].as_i64()), (Some("replied"), Some(id)));
    assert_eq!(count(&env, "SELECT count(*) FROM attachments"), 5);
    assert_eq!(count(&env, "SELECT count(*) FROM blobs"), 4, "content stored once per SHA-256");
    same(save(&env, id, 5, &work.path().join("again.pdf")), &pdf);

    // export json carries the content (base64) and import restores it.
    let export = work.path().join("export.json");
    env.run(&["export", "json", "-o", export.to_str().unwrap()]).success();
    let other = Env::new();
    other.run(&["import", "json", export.to_str().unwrap()]).success();
    same(save(&other, id, 1, &work.path().join("imported.pdf")), &pdf);
    same(save(&other, id, 4, &work.path().join("imported.png")), PNG);
}

#[test]
fn a_20_mb_file_over_the_cap_is_refused_and_recorded() {
    let env = Env::new().with_people();
    let work = tempfile::tempdir().unwrap();
    let big = binary(20 * 1024 * 1024, 3);
    let small = binary(10_000, 5);
    let raw = message(
        "big@pc.stbedes",
        "Video of the fault",
        &[
            text_part("Video attached."),
            b64_part("fault.mp4", "video/mp4", &big),
            b64_part("note.bin", "application/octet-stream", &small),
        ],
    );
    let r = ingest(&env, work.path(), "big.eml", &raw);
    assert_eq!(r["outcome"], "created");
    let id = r["ticket"].as_i64().unwrap();
    let list = env.json(&["ticket", "attachments", &id.to_string()]);
    let refused = list[0]["refused"].as_str().unwrap();
    assert!(refused.contains("per-file cap"), "{refused}");
    assert_eq!(list[0]["size"], 20 * 1024 * 1024);
    assert!(list[1]["refused"].is_null(), "the small file in the same message is kept");
    assert_eq!(count(&env, "SELECT count(*) FROM blobs"), 1);
    // The timeline says so, for technicians only.
    let show = env.json(&["ticket", "show", &id.to_string()]);
    let note = show["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["body"].as_str().is_some_and(|b| b.contains("fault.mp4") && b.contains("not kept")));
    assert_eq!(note.expect("a note about the refused file")["internal"], true);
    let (code, err) = env.fail(&[
        "ticket",
        "attachment",
        "save",
        &id.to_string(),
        "1",
        "-o",
        work.path().join("x").to_str().unwrap(),
    ]);
    assert_eq!(code, 3);
    assert!(err.contains("not kept"), "{err}");
    assert!(!work.path().join("x").exists());
    same(save(&env, id, 2, &work.path().join("small")), &small);

    // The per-message cap: two files each under the file cap, over together.
    env.run(&["settings", "set", "attachments.message_max_bytes", "15000"]).success();
    let raw = message(
        "two@pc.stbedes",
        "Two logs",
        &[
            text_part("Logs."),
            b64_part("a.bin", "application/octet-stream", &small),
            b64_part("b.bin", "application/octet-stream", &binary(9_000, 1)),
        ],
    );
    let id = ingest(&env, work.path(), "two.eml", &raw)["ticket"].as_i64().unwrap();
    let list = env.json(&["ticket", "attachments", &id.to_string()]);
    assert!(list[0]["refused"].is_null());
    assert!(list[1]["refused"].as_str().unwrap().contains("per-message cap"));
}

#[test]
fn internal_attachments_are_marked_and_listed_for_technicians() {
    let env = Env::new().with_people();
    let id = env.ticket("Printer offline");
    let work = tempfile::tempdir().unwrap();
    let f = work.path().join("switch-config.txt");
    std::fs::write(&f, b"vlan 20 password=secret").unwrap();
    let row = env.json(&["ticket", "attach", &id.to_string(), f.to_str().unwrap(), "--internal"]);
    assert_eq!((row["n"].as_u64(), row["internal"].as_bool()), (Some(1), Some(true)));
    let text = String::from_utf8(
        env.cmd().args(["ticket", "attachments", &id.to_string()]).output().unwrap().stdout,
    )
    .unwrap();
    assert!(text.contains("switch-config.txt") && text.contains("internal"), "{text}");
    // A tier-1 tech cannot attach to a ticket above their tier; a missing file is one clear line.
    let (code, _) = env.fail(&["ticket", "attach", &id.to_string(), "/nonexistent/file"]);
    assert_eq!(code, 2);
}

/// A text attachment in its own charset is kept as the bytes sent, not as
/// mail-parser's UTF-8 reading of it: the file a teacher attached opens the
/// same in the program that made it.
#[test]
fn text_attachments_in_other_charsets_are_saved_byte_identical() {
    let env = Env::new().with_people();
    let work = tempfile::tempdir().unwrap();
    // windows-1252: 0x80 is the euro sign, 0xE9 é, 0xA3 £; CRLF line ends.
    let cp1252 = b"item,price\r\ncaf\xe9 lunch,\xa3\x80 4.50\r\nr\xe9sum\xe9 = 2\r\n".to_vec();
    // iso-8859-1: the same bytes mean other characters (0x80 is a control).
    let latin1 = b"Sch\xfcler \xe9\xa3\x80\r\nZeile zwei\r\n\r\n".to_vec();
    let utf8 = "Café £ € — naïve\r\nsecond line\r\n".as_bytes().to_vec();
    // 8bit: no transfer encoding at all, the raw windows-1252 bytes on the wire.
    let raw8 = b"Caf\xe9 \xa3\x80\r\nend\r\n".to_vec();
    let mut raw = message(
        "charsets@pc.stbedes",
        "Price lists",
        &[
            text_part("Lists attached."),
            qp_part("prices.csv", "text/csv; charset=windows-1252", &cp1252),
            b64_part("schueler.txt", "text/plain; charset=iso-8859-1", &latin1),
            qp_part("notes.txt", "text/plain; charset=utf-8", &utf8),
            "Content-Type: text/plain; charset=windows-1252; name=\"raw.txt\"\r\n\
             Content-Disposition: attachment; filename=\"raw.txt\"\r\n\
             Content-Transfer-Encoding: 8bit\r\n\r\nRAW8"
                .to_string(),
        ],
    );
    // Splice in the 8bit bytes (not UTF-8, so not through a String).
    let at = raw.windows(4).position(|w| w == b"RAW8").unwrap();
    raw.splice(at..at + 4, raw8.iter().copied());
    assert!(std::str::from_utf8(&raw).is_err(), "the message really carries non-UTF-8 bytes");

    let r = ingest(&env, work.path(), "charsets.eml", &raw);
    let id = r["ticket"].as_i64().unwrap();
    let list = env.json(&["ticket", "attachments", &id.to_string()]);
    let names: Vec<&str> = list.as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["prices.csv", "schueler.txt", "notes.txt", "raw.txt"]);
    assert_eq!(list[0]["size"], cp1252.len());

    same(save(&env, id, 1, &work.path().join("prices.csv")), &cp1252);
    same(save(&env, id, 2, &work.path().join("schueler.txt")), &latin1);
    same(save(&env, id, 3, &work.path().join("notes.txt")), &utf8);
    same(save(&env, id, 4, &work.path().join("raw.txt")), &raw8);
}

/// A file a technician attached with `--internal` stays with the
/// technicians: not in the mail the requester gets, not on the portal.
#[test]
fn internal_attachments_never_reach_the_requester_by_mail() {
    let env = Env::new().with_people();
    let id = env.ticket("Switch in B block down");
    let work = tempfile::tempdir().unwrap();
    let secret = work.path().join("switch-config.txt");
    std::fs::write(&secret, b"vlan 20 password=hunter2-SECRET").unwrap();
    env.run(&["ticket", "attach", &id.to_string(), secret.to_str().unwrap(), "--internal"]).success();
    let public = work.path().join("steps.txt");
    std::fs::write(&public, b"Restart the PC, then log in again.").unwrap();
    env.run(&["ticket", "attach", &id.to_string(), public.to_str().unwrap()]).success();
    env.run(&["ticket", "note", &id.to_string(), "--public", "We are on it; steps attached."]).success();

    let outbox = work.path().join("outbox");
    env.run(&["mail", "send", "--from", "it@trust.sch.uk", "--outbox-dir", outbox.to_str().unwrap()])
        .success();
    let mut sent = Vec::new();
    for entry in walk(&outbox) {
        sent.push(std::fs::read(entry).unwrap());
    }
    assert!(!sent.is_empty(), "the public reply was mailed");
    for raw in &sent {
        let text = String::from_utf8_lossy(raw);
        assert!(!text.contains("switch-config"), "internal file named in mail:\n{text}");
        let msg = mail_parser::MessageParser::default().parse(raw.as_slice()).unwrap();
        for part in msg.attachments() {
            use mail_parser::MimeHeaders;
            assert_ne!(part.attachment_name(), Some("switch-config.txt"));
            assert!(!String::from_utf8_lossy(part.contents()).contains("hunter2"));
        }
        let whole = msg.body_text(0).unwrap_or_default();
        assert!(!whole.contains("hunter2") && !whole.contains("switch-config"), "{whole}");
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}
