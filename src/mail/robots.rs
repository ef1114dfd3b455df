//! Telling robots from people. A message makes no ticket when the mail
//! system says it is automated — a report structure (RFC 3462/3464/5965),
//! a null sender (RFC 5321 §4.5.5), a daemon or list-admin address, the
//! RFC 3834 headers — and only after those, when a subject says so in the
//! words auto-responders and mail servers use. Body text is never read: a
//! person writing "I'm out of the office tomorrow" is a person.
//!
//! Measured on sisimai's bounce corpus and a set of human messages
//! (tests/mail_robots.rs); the choices are in docs/mail.md.

use super::inbound::Automated;
use mail_parser::{Message, MimeHeaders, PartType};

fn header_text(msg: &Message<'_>, name: &str) -> Option<String> {
    msg.header_raw(name).map(|v| v.trim().to_ascii_lowercase())
}

fn has_header(msg: &Message<'_>, name: &str) -> bool {
    msg.header_raw(name).is_some()
}

/// Bounces, reports, automatic replies and notices, strongest sign first.
/// `from` is the chosen sender address (lower case), when there is one.
pub fn classify(msg: &Message<'_>, from: Option<&str>, subject: &str) -> Option<Automated> {
    report(msg)
        .or_else(|| null_sender(msg))
        .or_else(|| daemon(from))
        .or_else(|| rfc3834(msg))
        .or_else(|| list_admin(msg, from))
        .or_else(|| notification(msg, from))
        .or_else(|| subject_words(msg, subject))
}

/// A machine-readable report: multipart/report at the root, or (as abuse
/// desks and some gateways send them) a delivery-status, feedback-report
/// or disposition part inside multipart/mixed. Only the message's own
/// parts count, never those of a message forwarded as an attachment.
fn report(msg: &Message<'_>) -> Option<Automated> {
    if let Some(ct) = msg.root_part().content_type() {
        let sub = ct.subtype().unwrap_or("").to_ascii_lowercase();
        if ct.ctype().eq_ignore_ascii_case("multipart") && sub == "report" {
            let kind = ct.attribute("report-type").unwrap_or("").to_ascii_lowercase();
            return Some(if kind.contains("disposition") {
                Automated::AutoReply("read receipt (disposition notification)".into())
            } else if kind.contains("feedback") {
                Automated::Notice("abuse report (multipart/report; feedback-report)".into())
            } else {
                Automated::Bounce(format!("delivery status notification (multipart/report; {kind})"))
            });
        }
    }
    for part in &msg.parts {
        let Some(ct) = part.content_type() else { continue };
        let full = format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or("")).to_ascii_lowercase();
        match full.as_str() {
            "message/delivery-status" | "message/global-delivery-status" | "text/rfc822-headers" => {
                return Some(Automated::Bounce(format!("delivery status notification ({full} part)")));
            }
            "message/feedback-report" => {
                return Some(Automated::Notice(format!("abuse report ({full} part)")));
            }
            "message/disposition-notification" => {
                return Some(Automated::AutoReply("read receipt (disposition notification)".into()));
            }
            _ => {}
        }
    }
    None
}

/// `From: <>` or `Return-Path: <>`: the null sender, which RFC 5321 keeps
/// for delivery notices and other mail that must never be answered.
fn null_sender(msg: &Message<'_>) -> Option<Automated> {
    if msg.header_raw("From").is_some_and(|v| v.trim().ends_with("<>")) {
        return Some(Automated::Bounce("null sender (From: <>)".into()));
    }
    if msg.header_raw("Return-Path").is_some_and(|v| v.trim() == "<>") {
        return Some(Automated::Bounce("null sender (Return-Path: <>): a delivery or other notice".into()));
    }
    None
}

fn local_part(from: &str) -> &str {
    from.split('@').next().unwrap_or(from)
}

/// Mail servers' own addresses.
fn daemon(from: Option<&str>) -> Option<Automated> {
    let from = from?;
    let local = local_part(from).replace(['-', '_', '.'], "");
    ["mailerdaemon", "postmaster", "maildaemon"]
        .contains(&local.as_str())
        .then(|| Automated::Bounce(format!("bounce from {from}")))
}

/// RFC 3834's Auto-Submitted, and the older headers responders still set.
fn rfc3834(msg: &Message<'_>) -> Option<Automated> {
    if let Some(v) = header_text(msg, "Auto-Submitted") {
        if v.starts_with("auto-replied") {
            return Some(Automated::AutoReply(format!("automatic reply (Auto-Submitted: {v})")));
        }
    }
    for h in ["X-Autoreply", "X-Autorespond", "X-Auto-Reply", "X-Autoresponder"] {
        if has_header(msg, h) {
            return Some(Automated::AutoReply(format!("automatic reply ({h} header)")));
        }
    }
    if header_text(msg, "Precedence").is_some_and(|v| v == "auto_reply") {
        return Some(Automated::AutoReply("automatic reply (Precedence: auto_reply)".into()));
    }
    if header_text(msg, "X-Apple-Action").is_some_and(|v| v == "vacation") {
        return Some(Automated::AutoReply("automatic reply (X-Apple-Action: VACATION)".into()));
    }
    None
}

/// Headers only mailing-list software sets.
fn from_a_list(msg: &Message<'_>) -> bool {
    msg.headers().iter().any(|h| {
        let name = h.name.as_str().to_ascii_lowercase();
        name.starts_with("list-")
            || ["mailing-list", "x-mlserver", "x-ml-name", "x-mailman-version", "x-ezmlm-version"]
                .contains(&name.as_str())
    })
}

/// A list's own notices ("you are not a member", loop alerts, moderation)
/// come from its owner, admin, request or bounces address, with list
/// headers. A person's post through a list comes from the person.
fn list_admin(msg: &Message<'_>, from: Option<&str>) -> Option<Automated> {
    let from = from?;
    let local = local_part(from);
    let admin = local.starts_with("owner-")
        || ["-owner", "-admin", "-request", "-bounces", "-approval"].iter().any(|s| local.ends_with(s))
        || ["mailman", "majordomo", "listserv", "sympa", "ezmlm"].contains(&local);
    (admin && from_a_list(msg))
        .then(|| Automated::Notice(format!("mailing-list administration notice from {from}")))
}

/// An address nobody reads: noreply@, do-not-reply@, no_reply-alerts@ ...
pub fn is_no_reply_address(email: &str) -> bool {
    let squashed = local_part(email).replace(['-', '_', '.'], "");
    ["noreply", "donotreply", "donotrespond", "noresponse"].iter().any(|p| squashed.starts_with(p))
}

/// Notification services: cloud notification headers, and a no-reply
/// address (nobody can answer it, so a ticket could never be answered
/// either). `from` is the chosen sender: a no-reply From with a person in
/// Reply-To (a web form relaying a teacher's request) has that person as
/// its sender, so only robots with nobody to answer are caught here.
fn notification(msg: &Message<'_>, from: Option<&str>) -> Option<Automated> {
    if has_header(msg, "x-amz-sns-message-id") {
        return Some(Automated::Notice("cloud notification (Amazon SNS)".into()));
    }
    let from = from?;
    is_no_reply_address(from)
        .then(|| Automated::Notice(format!("notification from a no-reply address ({from})")))
}

/// Auto-reply subjects as Outlook, Exchange, Gmail, Apple Mail and others
/// write them (in the languages a UK school meets), each with its colon:
/// "Out of office" alone could be a person's question about setting one.
const AUTO_REPLY_PREFIXES: &[&str] = &[
    "automatic reply:",
    "auto reply:",
    "auto-reply:",
    "autoreply:",
    "auto response:",
    "auto-response:",
    "autoresponse:",
    "autorespons :",
    "automated reply:",
    "out of office:",
    "out of office reply:",
    "out of office autoreply:",
    "out of the office:",
    "ateb awtomatig:",
    "abwesenheitsnotiz:",
    "réponse automatique",
    "respuesta automática:",
    "risposta automatica:",
    "automatisch antwoord:",
    "resposta automática:",
];

const BOUNCE_PREFIXES: &[&str] = &[
    "undeliverable:",
    "undeliverable message",
    "undeliverable mail",
    "undelivered mail",
    "delivery status notification",
    "delivery failure",
    "delivery has failed",
    "mail delivery failed",
    "mail delivery failure",
    "mail delivery system",
    "returned mail:",
    "failure notice",
    "message not delivered",
    "non remis",
    "unzustellbar",
];

/// The words robots put in subjects: the last resort. A reply or forward
/// ("Re:", "Fwd:", "FW:") is a person's, whatever it quotes: a teacher
/// forwarding an "Undeliverable" to ask why is asking for help.
fn subject_words(msg: &Message<'_>, subject: &str) -> Option<Automated> {
    let lower = subject.to_lowercase();
    if AUTO_REPLY_PREFIXES.iter().any(|p| lower.starts_with(p)) {
        return Some(Automated::AutoReply(format!("automatic reply ({subject})")));
    }
    // Exchange marks its own automatic mail; with it, looser words do.
    let suppressed = header_text(msg, "X-Auto-Response-Suppress")
        .is_some_and(|v| v.split(',').any(|w| matches!(w.trim(), "all" | "oof" | "autoreply")));
    let away = ["out of office", "out of the office", "away from the office"];
    if suppressed && away.iter().any(|p| lower.contains(p)) {
        return Some(Automated::AutoReply(format!("automatic reply ({subject})")));
    }
    // Lotus Notes: "Kim Jones is out of the office."
    if lower.trim_end_matches('.').ends_with(" is out of the office") && !lower.contains('?') {
        return Some(Automated::AutoReply(format!("automatic reply ({subject})")));
    }
    if BOUNCE_PREFIXES.iter().any(|p| lower.starts_with(p)) {
        return Some(Automated::Bounce(format!("bounce ({subject})")));
    }
    // Microsoft's junk-mail reporting program: an abuse report as a plain
    // multipart/mixed with the reported message attached.
    if lower.starts_with("complaint about message from") && has_attached_message(msg) {
        return Some(Automated::Notice(format!("abuse report ({subject})")));
    }
    None
}

fn has_attached_message(msg: &Message<'_>) -> bool {
    msg.parts.iter().any(|p| matches!(p.body, PartType::Message(_)))
}

/// Machine-generated or bulk mail that must never get an automatic answer.
pub fn is_bulk(msg: &Message<'_>) -> bool {
    header_text(msg, "Auto-Submitted").is_some_and(|v| !v.is_empty() && v != "no")
        || header_text(msg, "Precedence").is_some_and(|v| ["bulk", "junk", "list"].contains(&v.as_str()))
        || msg.header_raw("List-Id").is_some()
        || header_text(msg, "X-Auto-Response-Suppress")
            .is_some_and(|v| v.split(',').any(|w| matches!(w.trim(), "all" | "oof" | "autoreply")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use mail_parser::MessageParser;

    /// What a message from a person's address with this subject (and these
    /// extra headers) is taken for.
    fn taken_for(subject: &str, headers: &str) -> Option<Automated> {
        let raw = format!("From: a.b@school.example\nSubject: {subject}\n{headers}\nHello\n");
        let msg = MessageParser::default().parse(raw.as_bytes()).unwrap();
        classify(&msg, Some("a.b@school.example"), subject)
    }

    #[test]
    fn subject_words_of_responders_and_servers() {
        for s in ["Auto reply: Nyaan", "Automatic reply: [#4] Printer", "Out of Office: back Monday"] {
            assert!(matches!(taken_for(s, ""), Some(Automated::AutoReply(_))), "{s}");
        }
        for s in ["Undeliverable Message", "Undeliverable: trip letter", "Mail delivery failed: x"] {
            assert!(matches!(taken_for(s, ""), Some(Automated::Bounce(_))), "{s}");
        }
        assert!(matches!(taken_for("Kim Jones is out of the office.", ""), Some(Automated::AutoReply(_))));
    }

    #[test]
    fn a_person_asking_about_robots_is_a_person() {
        for s in [
            "Out of office not working",
            "Automatic replies keep going to parents",
            "RE: Undeliverable: trip letter",
            "FW: Undeliverable: trip letter",
            "Fwd: Mail delivery failed: returning message to sender",
            "Emails to parents come back undeliverable",
        ] {
            assert_eq!(taken_for(s, ""), None, "{s}");
        }
        // Exchange's own mark makes looser words enough.
        let ooo = taken_for("Out of office", "X-Auto-Response-Suppress: All\n");
        assert!(matches!(ooo, Some(Automated::AutoReply(_))), "{ooo:?}");
    }

    #[test]
    fn no_reply_senders_are_notices() {
        assert!(is_no_reply_address("no_reply-alerts@cloud.example"));
        assert!(!is_no_reply_address("nora.reply@school.example"));
        let raw = "From: no-reply@cloud.example\nSubject: Alarm\n\nx\n";
        let msg = MessageParser::default().parse(raw.as_bytes()).unwrap();
        let got = classify(&msg, Some("no-reply@cloud.example"), "Alarm");
        assert!(matches!(got, Some(Automated::Notice(_))), "{got:?}");
    }
}
