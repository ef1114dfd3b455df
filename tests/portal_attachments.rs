//! The portal's request form attaches a screenshot (issue 17 point 3, kept
//! as issue 20 stores attachments): multipart, images only, size-limited,
//! stored like mail attachments; the requester sees their own non-internal
//! files and nobody else's.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;
mod portal_support;

use common::Env;
use portal_support::{fixture, send_mail, signin_path, Client, Server, SECRET};
use std::io::{Read, Write};
use std::net::TcpStream;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\x00\x01\x01\x01\x00\x18\xdd\x8d\xb0\0\0\0\0IEND\xaeB`\x82";

/// A raw HTTP exchange with the client's cookies: (status, head, body bytes).
fn raw(c: &Client, method: &str, path: &str, ctype: Option<&str>, body: &[u8]) -> (u16, String, Vec<u8>) {
    let mut s = TcpStream::connect(("127.0.0.1", c.port)).unwrap();
    let jar: Vec<String> = c.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nCookie: {}\r\n",
        jar.join("; ")
    );
    if let Some(t) = ctype {
        req.push_str(&format!("Content-Type: {t}\r\nContent-Length: {}\r\n", body.len()));
    }
    req.push_str("\r\n");
    let mut bytes = req.into_bytes();
    bytes.extend_from_slice(body);
    // A refused upload may close the connection before all of it is read.
    let _ = s.write_all(&bytes);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let split = out.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(out.len());
    let head = String::from_utf8_lossy(&out[..split]).into_owned();
    let status = head.split(' ').nth(1).and_then(|x| x.parse().ok()).unwrap_or(0);
    (status, head, out.get(split + 4..).unwrap_or(&[]).to_vec())
}

fn multipart(fields: &[(&str, &str)], file: Option<(&str, &str, &[u8])>) -> (String, Vec<u8>) {
    let b = "----deskside7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{b}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes(),
        );
    }
    if let Some((name, ctype, data)) = file {
        body.extend_from_slice(
            format!("--{b}\r\nContent-Disposition: form-data; name=\"screenshot\"; filename=\"{name}\"\r\nContent-Type: {ctype}\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{b}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={b}"), body)
}

fn signed_in(server: &Server, env: &Env, email: &str) -> Client {
    let mut c = server.client();
    let r = c.submit("/signin", "/signin", &[("email", email)]);
    assert_eq!(r.status, 200, "{}", r.body);
    let link = signin_path(&send_mail(env), email);
    let r = c.submit(&link, &link, &[]);
    assert!(r.status == 303 || r.status == 200, "{}", r.body);
    c
}

fn post_request(c: &mut Client, subject: &str, file: Option<(&str, &str, &[u8])>) -> (u16, String, Vec<u8>) {
    let token = c.get("/request").csrf();
    let (ctype, body) = multipart(
        &[
            ("csrf", &token),
            ("name", "Ann Teacher"),
            ("subject", subject),
            ("details", "See the picture"),
            ("category", ""),
        ],
        file,
    );
    raw(c, "POST", "/request", Some(&ctype), &body)
}

fn tickets(env: &Env) -> usize {
    env.json(&["ticket", "list", "--all"]).as_array().unwrap().len()
}

#[test]
fn a_screenshot_from_the_request_form_is_kept_and_shown_only_to_its_requester() {
    let (env, _) = fixture();
    let server = Server::start(&env, &[]);
    let mut ann = signed_in(&server, &env, "ann@stbedes.sch.uk");
    assert!(ann.get("/request").body.contains("type=\"file\""), "the signed-in form offers a screenshot");

    let (status, head, _) =
        post_request(&mut ann, "Board shows an error", Some(("error shot.png", "image/png", PNG)));
    assert_eq!(status, 303, "{head}");
    let id: i64 =
        head.split("/my/requests/").nth(1).unwrap().split_whitespace().next().unwrap().parse().unwrap();
    let list = env.json(&["ticket", "attachments", &id.to_string()]);
    assert_eq!(list[0]["name"], "error shot.png");
    assert_eq!(
        (list[0]["content_type"].as_str(), list[0]["origin"].as_str()),
        (Some("image/png"), Some("portal"))
    );

    // The requester sees it and gets it back byte for byte, as a download.
    let page = ann.get(&format!("/my/requests/{id}"));
    assert!(page.body.contains(&format!("/my/requests/{id}/attachments/1")), "{}", page.body);
    let (status, head, body) = raw(&ann, "GET", &format!("/my/requests/{id}/attachments/1"), None, b"");
    assert_eq!(status, 200);
    assert_eq!(body, PNG);
    let lower = head.to_lowercase();
    assert!(lower.contains("content-disposition: attachment") && lower.contains("nosniff"), "{head}");

    // A technician's internal file never reaches the requester.
    let f = env.dir.path().join("notes.txt");
    std::fs::write(&f, format!("{SECRET} switch password")).unwrap();
    env.run(&["ticket", "attach", &id.to_string(), f.to_str().unwrap(), "--internal"]).success();
    let page = ann.get(&format!("/my/requests/{id}"));
    assert!(!page.body.contains("notes.txt") && !page.body.contains("attachments/2"), "{}", page.body);
    let (status, _, body) = raw(&ann, "GET", &format!("/my/requests/{id}/attachments/2"), None, b"");
    assert_eq!(status, 404);
    assert!(!String::from_utf8_lossy(&body).contains(SECRET));

    // Another requester: the same 404 as a file that does not exist.
    let ben = signed_in(&server, &env, "ben@oakfield.sch.uk");
    let (theirs, _, a) = raw(&ben, "GET", &format!("/my/requests/{id}/attachments/1"), None, b"");
    let (missing, _, b) = raw(&ben, "GET", "/my/requests/999999/attachments/1", None, b"");
    assert_eq!((theirs, missing), (404, 404));
    assert_eq!(a, b);

    // Not an image, or too big: refused, and no ticket is made.
    let before = tickets(&env);
    let (status, _, body) =
        post_request(&mut ann, "A script", Some(("run.png", "image/png", b"#!/bin/sh\nrm -rf /\n")));
    assert_eq!(status, 400);
    assert!(String::from_utf8_lossy(&body).contains("must be an image"));
    let mut big = PNG.to_vec();
    big.resize(6 * 1024 * 1024, 0);
    let (status, _, _) = post_request(&mut ann, "Huge", Some(("huge.png", "image/png", &big)));
    assert!(status == 400 || status == 413, "{status}");
    assert_eq!(tickets(&env), before, "a refused screenshot leaves no ticket");

    // Without a file the form works as before.
    let (status, _, _) = post_request(&mut ann, "No picture", None);
    assert_eq!(status, 303);
    assert_eq!(tickets(&env), before + 1);
}

/// A technician's internal file, attached before a public one (so it holds
/// number 1), is nowhere the requester looks: not on My requests, not on the
/// request's page, not downloadable by number, not in the mail they get.
#[test]
fn an_internal_attachment_never_reaches_the_requester() {
    let (env, _) = fixture();
    let server = Server::start(&env, &[]);
    let mut ann = signed_in(&server, &env, "ann@stbedes.sch.uk");
    let (status, head, _) = post_request(&mut ann, "Projector flickers", None);
    assert_eq!(status, 303, "{head}");
    let id: i64 =
        head.split("/my/requests/").nth(1).unwrap().split_whitespace().next().unwrap().parse().unwrap();

    let secret = env.dir.path().join("switch-config.txt");
    std::fs::write(&secret, format!("{SECRET} vlan 20 password")).unwrap();
    env.run(&["ticket", "attach", &id.to_string(), secret.to_str().unwrap(), "--internal"]).success();
    let public = env.dir.path().join("steps.txt");
    std::fs::write(&public, b"Turn the projector off and on again.").unwrap();
    env.run(&["ticket", "attach", &id.to_string(), public.to_str().unwrap()]).success();
    env.run(&["ticket", "note", &id.to_string(), "--public", "Steps attached."]).success();

    for path in ["/my/requests".to_string(), format!("/my/requests/{id}")] {
        let page = ann.get(&path);
        assert_eq!(page.status, 200, "{path}");
        assert!(
            !page.body.contains("switch-config") && !page.body.contains(SECRET),
            "{path} shows the internal file:\n{}",
            page.body
        );
    }
    // The public file is offered under its own number; the internal one's number is a 404.
    let page = ann.get(&format!("/my/requests/{id}"));
    assert!(
        page.body.contains("steps.txt") && page.body.contains(&format!("/my/requests/{id}/attachments/2"))
    );
    assert!(!page.body.contains(&format!("/my/requests/{id}/attachments/1\"")), "{}", page.body);
    let (status, _, body) = raw(&ann, "GET", &format!("/my/requests/{id}/attachments/1"), None, b"");
    assert_eq!(status, 404);
    assert!(!String::from_utf8_lossy(&body).contains(SECRET));
    let (status, _, body) = raw(&ann, "GET", &format!("/my/requests/{id}/attachments/2"), None, b"");
    assert_eq!((status, body.as_slice()), (200, &b"Turn the projector off and on again."[..]));

    // The reply was mailed to Ann; the internal file is not in it.
    let mails = send_mail(&env);
    assert!(mails.iter().any(|m| m.contains("Steps attached.")), "the public reply was mailed");
    for m in &mails {
        assert!(!m.contains("switch-config") && !m.contains(SECRET), "{m}");
    }
}
