//! A multipart/alternative message: a plain-text part for terminals and
//! text-only clients first, an HTML part last (the one rich clients show).

use super::compose::Outgoing;
use super::encode::{header_text, is_plain_ascii, is_safe_msg_id, quoted_printable};

fn part(content_type: &str, body: &str) -> String {
    let body = body.replace("\r\n", "\n");
    if is_plain_ascii(&body) && body.lines().all(|l| l.len() <= 998) {
        format!("Content-Type: {content_type}; charset=utf-8\nContent-Transfer-Encoding: 7bit\n\n{body}")
    } else {
        format!(
            "Content-Type: {content_type}; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n{}",
            quoted_printable(&body)
        )
    }
}

/// Renders `m` with `m.body` as the text part and `html` as the HTML part.
/// The boundary is derived from the Message-ID (stable across retries) and
/// cannot occur in quoted-printable or 7-bit bodies we wrote ourselves.
pub fn render_alternative(m: &Outgoing, html: &str) -> String {
    let boundary = format!("=_deskside_{:x}", fnv(&m.message_id));
    let mut h = String::new();
    h.push_str(&format!("Date: {}\n", m.date.to_rfc2822()));
    h.push_str(&format!("From: {}\n", m.from.header(6)));
    h.push_str(&format!("To: {}\n", m.to.header(4)));
    h.push_str(&format!("Subject: {}\n", header_text(&m.subject, 9)));
    if is_safe_msg_id(&m.message_id) {
        h.push_str(&format!("Message-ID: <{}>\n", m.message_id));
    }
    if m.auto_submitted {
        h.push_str("Auto-Submitted: auto-generated\n");
        h.push_str("X-Auto-Response-Suppress: All\n");
    }
    h.push_str("MIME-Version: 1.0\n");
    h.push_str(&format!("Content-Type: multipart/alternative; boundary=\"{boundary}\"\n\n"));
    h.push_str("This is a multi-part message in MIME format.\n");
    for p in [part("text/plain", &m.body), part("text/html", html)] {
        h.push_str(&format!("\n--{boundary}\n{p}"));
        if !h.ends_with('\n') {
            h.push('\n');
        }
    }
    h.push_str(&format!("\n--{boundary}--\n"));
    h
}

/// FNV-1a: a short stable hash for the boundary (not security-relevant).
fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}
