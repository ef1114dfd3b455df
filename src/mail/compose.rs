//! Outgoing mail: the acknowledgement of a new ticket and public replies,
//! as complete RFC 5322 messages with threading headers.

use super::encode::{header_text, id_list, is_plain_ascii, is_safe_msg_id, quoted_printable, Mailbox};
use crate::domain::Timestamp;
use crate::domain::{ArticleId, TicketId};
use serde::{Deserialize, Serialize};

/// An article that may solve a new ticket, offered in its acknowledgement
/// (deflection by email). `link` is a URL, or text that tells the requester
/// where to find it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub title: String,
    /// Empty when there is nothing to link to (the title alone is shown).
    pub link: String,
    /// The article, when the link is made at sending time (older queued
    /// rows carry only a title and a link).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<ArticleId>,
}

/// A message ready to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub date: Timestamp,
    pub from: Mailbox,
    pub to: Mailbox,
    pub subject: String,
    /// Without angle brackets.
    pub message_id: String,
    pub in_reply_to: Option<String>,
    /// Oldest first, without angle brackets.
    pub references: Vec<String>,
    /// Set on automatic messages (RFC 3834) so robots do not answer them.
    pub auto_submitted: bool,
    pub body: String,
}

/// The token that ties mail to a ticket: `[#42]`.
pub fn ticket_token(id: TicketId) -> String {
    format!("[#{id}]")
}

/// The subject of mail about a ticket: `[#42] Printer jammed`, with `Re: `
/// for replies.
pub fn ticket_subject(id: TicketId, subject: &str, reply: bool) -> String {
    format!("{}{} {}", if reply { "Re: " } else { "" }, ticket_token(id), subject.trim())
}

/// Finds the ticket number of a `[#42]` token in a subject.
pub fn find_token(subject: &str) -> Option<TicketId> {
    let mut rest = subject;
    while let Some(pos) = rest.find("[#") {
        rest = &rest[pos + 2..];
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if !digits.is_empty() && rest[digits.len()..].starts_with(']') {
            if let Ok(id) = digits.parse::<i64>() {
                return Some(TicketId(id));
            }
        }
    }
    None
}

/// Removes every `[#42]` token from a subject.
pub fn remove_tokens(subject: &str) -> String {
    let mut out = subject.to_string();
    while let Some(id) = find_token(&out) {
        out = out.replacen(&ticket_token(id), "", 1);
    }
    super::inbound::clean_line(&out)
}

/// Renders the message: headers, then a UTF-8 text body (7-bit when it is
/// plain ASCII, quoted-printable otherwise).
pub fn render(m: &Outgoing) -> String {
    let mut h = String::new();
    h.push_str(&format!("Date: {}\n", m.date.to_rfc2822()));
    h.push_str(&format!("From: {}\n", m.from.header(6)));
    h.push_str(&format!("To: {}\n", m.to.header(4)));
    h.push_str(&format!("Subject: {}\n", header_text(&m.subject, 9)));
    if is_safe_msg_id(&m.message_id) {
        h.push_str(&format!("Message-ID: <{}>\n", m.message_id));
    }
    if let Some(parent) = m.in_reply_to.as_ref().filter(|id| is_safe_msg_id(id)) {
        h.push_str(&format!("In-Reply-To: <{parent}>\n"));
    }
    if m.references.iter().any(|id| is_safe_msg_id(id)) {
        h.push_str(&format!("References: {}\n", id_list(&m.references)));
    }
    if m.auto_submitted {
        h.push_str("Auto-Submitted: auto-replied\n");
        // Asks Exchange not to send out-of-office replies to it.
        h.push_str("X-Auto-Response-Suppress: All\n");
    }
    h.push_str("MIME-Version: 1.0\n");
    h.push_str("Content-Type: text/plain; charset=utf-8; format=fixed\n");
    let body = m.body.replace("\r\n", "\n");
    if is_plain_ascii(&body) {
        h.push_str("Content-Transfer-Encoding: 7bit\n\n");
        h.push_str(&body);
    } else {
        h.push_str("Content-Transfer-Encoding: quoted-printable\n\n");
        h.push_str(&quoted_printable(&body));
    }
    if !h.ends_with('\n') {
        h.push('\n');
    }
    h
}

/// The Message-ID of an outbox message: unique per queued message, the
/// same on every retry, in the sender's domain.
pub fn message_id(ticket_id: TicketId, outbox_id: i64, queued_at: Timestamp, domain: &str) -> String {
    format!("deskside.{ticket_id}.{outbox_id}.{}@{domain}", queued_at.timestamp())
}

/// The body of the acknowledgement of a new ticket.
pub fn acknowledgement_body(
    ticket_id: TicketId,
    subject: &str,
    first_name: &str,
    team: &str,
    suggestions: &[Suggestion],
    expected: &str,
) -> String {
    let mut b = format!(
        "Hello {first_name},\n\n\
         Thank you for contacting {team}. We have logged your request as ticket #{ticket_id}:\n\n    \
         {subject}\n\n\
         {expected} To add information,\n\
         reply to this email and keep {} in the subject.\n",
        ticket_token(ticket_id)
    );
    if !suggestions.is_empty() {
        b.push_str("\nThese articles may solve it straight away:\n\n");
        for (i, s) in suggestions.iter().enumerate() {
            b.push_str(&format!("  {}. {}\n", i + 1, s.title.trim()));
            if !s.link.trim().is_empty() {
                b.push_str(&format!("     {}\n", s.link.trim()));
            }
        }
        b.push_str("\nIf one of them fixes it, reply \"solved\" and we will close the ticket.\n");
    }
    b.push_str(&format!("\n{team}\n"));
    b
}

/// The body of a public reply: the technician's text, then where it stands.
pub fn reply_body(
    ticket_id: TicketId,
    subject: &str,
    text: &str,
    tech_name: &str,
    team: &str,
    resolved: bool,
) -> String {
    let mut b = format!("{}\n\n{tech_name}\n{team}\n\n-- \n", text.trim_end());
    b.push_str(&format!("Ticket #{ticket_id}: {}\n", subject.trim()));
    if resolved {
        b.push_str("We have marked this ticket resolved. If the problem is not fixed,\nreply to this email and the ticket will be reopened.\n");
    } else {
        b.push_str(&format!(
            "Reply to this email to add to your ticket; keep {} in the subject.\n",
            ticket_token(ticket_id)
        ));
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;
    use mail_parser::MessageParser;

    fn sample(body: &str, subject: &str) -> Outgoing {
        Outgoing {
            date: chrono::DateTime::from_timestamp(1_795_000_000, 0).unwrap(),
            from: Mailbox::parse("IT Support <it@trust.sch.uk>").unwrap(),
            to: Mailbox { name: Some("Zoë Brontë".into()), email: "z.bronte@stbedes.sch.uk".into() },
            subject: subject.into(),
            message_id: "deskside.7.3.1795000000@trust.sch.uk".into(),
            in_reply_to: Some("abc@mail.stbedes.sch.uk".into()),
            references: vec!["abc@mail.stbedes.sch.uk".into(), "deskside.7.1.1@trust.sch.uk".into()],
            auto_submitted: true,
            body: body.into(),
        }
    }

    #[test]
    fn rendered_messages_parse_back_exactly() {
        let body = "Le café est prêt — the projector in Salle 12 works again.\nLine two: 100% = done.\n";
        let subject = "Re: [#7] Projecteur cassé dans la salle 12 — urgent, merci beaucoup d'avance";
        let text = render(&sample(body, subject));
        assert!(text.is_ascii(), "headers and body are 7-bit on the wire");
        assert!(text.lines().all(|l| l.len() <= 78), "{text}");
        let parsed = MessageParser::default().parse(text.as_bytes()).unwrap();
        assert_eq!(parsed.subject(), Some(subject));
        assert_eq!(parsed.body_text(0).unwrap().trim_end(), body.trim_end());
        assert_eq!(parsed.message_id(), Some("deskside.7.3.1795000000@trust.sch.uk"));
        assert_eq!(parsed.in_reply_to().as_text(), Some("abc@mail.stbedes.sch.uk"));
        assert_eq!(parsed.references().as_text_list().map(|l| l.len()), Some(2));
        let to = parsed.to().unwrap().first().unwrap();
        assert_eq!((to.name(), to.address()), (Some("Zoë Brontë"), Some("z.bronte@stbedes.sch.uk")));
        assert!(text.contains("\nAuto-Submitted: auto-replied\n"));
        assert_eq!(find_token(parsed.subject().unwrap()), Some(TicketId(7)));
    }

    #[test]
    fn ascii_bodies_stay_readable() {
        let text = render(&sample("Plain words only.", "[#7] Printer"));
        assert!(text.contains("Content-Transfer-Encoding: 7bit\n\nPlain words only.\n"), "{text}");
        assert!(text.starts_with("Date: "));
    }

    #[test]
    fn tokens_are_found_and_removed() {
        assert_eq!(find_token("Re: [#42] Printer"), Some(TicketId(42)));
        assert_eq!(find_token("[#] x [#abc] y [#9]"), Some(TicketId(9)));
        assert_eq!(find_token("#42 no brackets"), None);
        assert_eq!(remove_tokens("Re: [#42]  Printer [#42]"), "Re: Printer");
    }

    #[test]
    fn acknowledgement_lists_suggestions_only_when_given() {
        let plain = acknowledgement_body(
            TicketId(5),
            "Wifi down",
            "Rachel",
            "IT Support",
            &[],
            "Expect a reply by 10:00 today.",
        );
        assert!(plain.contains("Expect a reply by 10:00 today. To add information"), "{plain}");
        assert!(plain.contains("ticket #5") && plain.contains("[#5]"));
        assert!(!plain.contains("articles"));
        let s = [
            Suggestion {
                title: "Reconnect to eduroam".into(),
                link: "https://help.x/kb/3".into(),
                id: Some(ArticleId(3)),
            },
            Suggestion { title: "Wifi passwords".into(), link: String::new(), id: Some(ArticleId(4)) },
        ];
        let with = acknowledgement_body(TicketId(5), "Wifi down", "Rachel", "IT Support", &s, "");
        assert!(with.contains("  2. Wifi passwords\n\nIf one"), "a title alone without a link: {with}");
        assert!(with.contains("1. Reconnect to eduroam\n     https://help.x/kb/3"), "{with}");
    }
}
