//! Trims what a reader of a ticket does not need from a mail body: the
//! quoted history under "On ... wrote:" or Outlook's "From: ... Sent: ..."
//! block, "> " lines, the "-- " signature and "Sent from my iPhone".

/// Phrases that end an attribution line ("On Mon, Rachel wrote:").
const ATTRIBUTION_ENDS: &[&str] = &["wrote:", "a écrit :", "a écrit:", "schrieb:", "escribió:", "skrev:"];
/// Openings of attribution lines, lower case.
const ATTRIBUTION_STARTS: &[&str] = &["on ", "le ", "am ", "el ", "den ", "op "];
/// Mobile and webmail sign-offs that add nothing.
const SIGN_OFFS: &[&str] = &[
    "sent from my iphone",
    "sent from my ipad",
    "sent from my android",
    "sent from my samsung",
    "sent from my galaxy",
    "sent from outlook",
    "sent from mail for windows",
    "sent from yahoo mail",
    "get outlook for ios",
    "get outlook for android",
];

/// The new text of a reply: everything above the quoted history, without
/// quoted lines or signature. May be empty (a reply that only quotes).
pub fn trim_reply(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = text.lines().collect();
    let cut = (0..lines.len()).find(|&i| starts_history(&lines, i)).unwrap_or(lines.len());
    let kept: Vec<&str> = lines[..cut].iter().copied().filter(|l| !l.trim_start().starts_with('>')).collect();
    tidy(&kept)
}

/// Collapses runs of blank lines and trims the ends.
pub fn tidy(lines: &[&str]) -> String {
    let mut out: Vec<&str> = Vec::new();
    for line in lines {
        let line = line.trim_end();
        if line.is_empty() && out.last().is_none_or(|l| l.is_empty()) {
            continue;
        }
        out.push(line);
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out.join("\n")
}

/// Whether line `i` starts the part of a reply that is history or signature.
fn starts_history(lines: &[&str], i: usize) -> bool {
    let line = lines[i].trim();
    let lower = line.to_lowercase();
    // The signature separator is "-- " (many clients drop the space).
    if line == "--" || lines[i] == "-- " {
        return true;
    }
    if SIGN_OFFS.iter().any(|s| lower.starts_with(s)) {
        return true;
    }
    if is_separator(&lower) {
        return true;
    }
    if is_attribution(lines, i) {
        return true;
    }
    is_header_block(lines, i)
}

/// "-----Original Message-----", "---------- Forwarded message ---------",
/// and Outlook's line of underscores.
fn is_separator(lower: &str) -> bool {
    let inner = lower.trim_matches(|c: char| c == '-' || c == ' ');
    let dashed = lower.starts_with("---") && lower.ends_with("---");
    (dashed && (inner == "original message" || inner == "forwarded message" || inner.is_empty()))
        || (lower.len() >= 10 && lower.chars().all(|c| c == '_'))
}

/// "On <date>, <name> wrote:", possibly wrapped over two or three lines.
fn is_attribution(lines: &[&str], i: usize) -> bool {
    let lower = lines[i].trim().to_lowercase();
    if !ATTRIBUTION_STARTS.iter().any(|s| lower.starts_with(s)) {
        return false;
    }
    let mut joined = String::new();
    for line in lines.iter().skip(i).take(3) {
        if line.trim().is_empty() {
            break;
        }
        joined.push_str(line.trim());
        joined.push(' ');
        let j = joined.trim_end().to_lowercase();
        if ATTRIBUTION_ENDS.iter().any(|e| j.ends_with(e)) {
            return true;
        }
    }
    false
}

/// Outlook's quoted header block: "From:" followed within a few lines by
/// "Sent:" or "Date:", and "To:" or "Subject:".
fn is_header_block(lines: &[&str], i: usize) -> bool {
    let field = |l: &str, names: &[&str]| {
        let l = l.trim().trim_start_matches('*').to_lowercase();
        names.iter().any(|n| l.starts_with(n))
    };
    if !field(lines[i], &["from:", "von:", "de:"]) {
        return false;
    }
    let next: Vec<&str> = lines.iter().skip(i + 1).take(5).copied().collect();
    next.iter().any(|l| field(l, &["sent:", "date:", "gesendet:", "envoyé :", "envoyé:"]))
        && next.iter().any(|l| field(l, &["to:", "subject:", "an:", "à :", "betreff:", "objet :"]))
}

/// Removes Re:/Fwd:/AW: prefixes (repeated, any case) from a subject.
pub fn strip_reply_prefixes(subject: &str) -> &str {
    let mut s = subject.trim();
    loop {
        let lower = s.to_ascii_lowercase();
        let cut = ["re:", "fw:", "fwd:", "aw:", "wg:", "sv:", "vs:", "tr:", "re :", "fw :"]
            .iter()
            .find(|p| lower.starts_with(*p))
            .map(|p| p.len());
        match cut {
            Some(n) => s = s[n..].trim_start(),
            None => return s,
        }
    }
}

/// Whether a subject says the message is a forward (whose quoted part is
/// the point of the message and must be kept).
pub fn is_forward(subject: &str) -> bool {
    let lower = subject.trim().to_ascii_lowercase();
    ["fw:", "fwd:", "wg:", "tr:", "fw :"].iter().any(|p| lower.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gmail_attribution_and_quotes_are_cut() {
        let text = "Still broken after the restart.\n\nRachel\n\nOn Tue, 24 Nov 2026 at 09:12, IT Support <\nit@trust.sch.uk> wrote:\n> Have you tried\n> restarting?\n";
        assert_eq!(trim_reply(text), "Still broken after the restart.\n\nRachel");
    }

    #[test]
    fn outlook_blocks_and_signatures_are_cut() {
        let text = "Thanks, that fixed it.\r\n\r\nGet Outlook for iOS\r\n________________________________\r\nFrom: IT Support <it@trust.sch.uk>\r\nSent: 24 November 2026 10:00\r\nTo: Rachel\r\nSubject: [#3] Printer\r\n\r\nOld text";
        assert_eq!(trim_reply(text), "Thanks, that fixed it.");
        let text = "Done.\nFrom: Rachel Hughes\nSent: Monday\nTo: IT\nold";
        assert_eq!(trim_reply(text), "Done.");
        let text = "See below.\n-- \nRachel Hughes\nYear 3 teacher\n";
        assert_eq!(trim_reply(text), "See below.");
        let text = "Yes\n\n-----Original Message-----\nFrom: x\n";
        assert_eq!(trim_reply(text), "Yes");
    }

    #[test]
    fn ordinary_text_is_kept() {
        let text = "On Monday the projector in room 4 died.\nFrom: the hall, the noise is loud.\n\n\n\nIt smells of burning.";
        assert_eq!(
            trim_reply(text),
            "On Monday the projector in room 4 died.\nFrom: the hall, the noise is loud.\n\nIt smells of burning."
        );
        assert_eq!(trim_reply("> only a quote\n> nothing else"), "");
    }

    #[test]
    fn subject_prefixes() {
        assert_eq!(strip_reply_prefixes("RE: Fwd: re:  Printer"), "Printer");
        assert_eq!(strip_reply_prefixes("Regarding printers"), "Regarding printers");
        assert!(is_forward("FW: SIMS error"));
        assert!(!is_forward("Re: FW: SIMS error"));
    }
}
