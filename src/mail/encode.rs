//! The MIME encodings outgoing mail needs: quoted-printable bodies, RFC 2047
//! encoded words for non-ASCII header text, folded header lines, and
//! mailboxes (`Name <address>`).
//!
//! Lines end in LF: messages go to the local `sendmail` or into a maildir,
//! both of which use the local newline convention (the MTA writes CRLF on
//! the wire).

use base64::Engine;

/// Longest line we write (RFC 5322 recommends 78; quoted-printable allows 76).
const QP_LINE: usize = 76;
/// Encoded words may be 75 characters (`=?UTF-8?B?` + text + `?=`); ours
/// stay shorter so one fits after "Subject: " within 78 columns.
const WORD_OVERHEAD: usize = 12;
const WORD_WIDTH: usize = 66;

/// True when `text` can go into a body as 7-bit without encoding.
pub fn is_plain_ascii(text: &str) -> bool {
    text.bytes().all(|b| b == b'\n' || b == b'\t' || (32..127).contains(&b))
        && text.lines().all(|l| l.len() <= 998 && !l.starts_with("From "))
}

/// Quoted-printable (RFC 2045) of UTF-8 text, soft-wrapped at 76 columns.
pub fn quoted_printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let lines: Vec<&str> = text.split('\n').collect();
    for (n, line) in lines.iter().enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let bytes = line.as_bytes();
        let mut col = 0;
        for (i, &b) in bytes.iter().enumerate() {
            let last = i + 1 == bytes.len();
            // Trailing white space would be stripped in transit; "From " at a
            // line start would be mangled by mbox writers.
            let literal = match b {
                b' ' | b'\t' => !last,
                b'F' if i == 0 => !line.starts_with("From "),
                b'.' if i == 0 => bytes.len() > 1,
                b'=' => false,
                33..=126 => true,
                _ => false,
            };
            let token_len = if literal { 1 } else { 3 };
            // Keep room for the "=" of a soft break, unless this is the end.
            let limit = if last { QP_LINE } else { QP_LINE - 1 };
            if col + token_len > limit {
                out.push_str("=\n");
                col = 0;
            }
            if literal {
                out.push(b as char);
            } else {
                out.push_str(&format!("={b:02X}"));
            }
            col += token_len;
        }
        if n + 1 < lines.len() {
            out.push('\n');
        }
    }
    out
}

fn needs_encoding(text: &str) -> bool {
    text.chars().any(|c| !(' '..='~').contains(&c)) || text.contains("=?")
}

/// Header text (a Subject, a display name) as it goes after `Name: `;
/// `used` is how many columns the header name already took. Words that are
/// not plain ASCII become UTF-8 encoded words (RFC 2047), the rest stays
/// readable (so `[#42]` is visible to any filter); lines fold at spaces.
pub fn header_text(text: &str, used: usize) -> String {
    let clean: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let words: Vec<&str> = clean.split(' ').collect();
    // Atoms: plain words, and encoded words carrying runs of non-ASCII
    // words (the spaces inside a run are encoded too: white space between
    // encoded words is dropped by decoders).
    let mut atoms: Vec<String> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if !needs_encoding(words[i]) {
            atoms.push(words[i].to_string());
            i += 1;
            continue;
        }
        let mut j = i;
        while j < words.len() && needs_encoding(words[j]) {
            j += 1;
        }
        let run = words[i..j].join(" ");
        let mut chunk = String::new();
        for c in run.chars() {
            if chunk.len() + c.len_utf8() > raw_room(WORD_WIDTH) {
                atoms.push(encoded_word(&chunk));
                chunk.clear();
            }
            chunk.push(c);
        }
        atoms.push(encoded_word(&chunk));
        i = j;
    }
    let mut out = String::new();
    let mut col = used;
    for (n, atom) in atoms.iter().enumerate() {
        if n > 0 {
            if col + 1 + atom.len() > 78 && col > 1 {
                out.push_str("\n ");
                col = 1;
            } else {
                out.push(' ');
                col += 1;
            }
        }
        out.push_str(atom);
        col += atom.len();
    }
    out
}

/// How many raw bytes fit in an encoded word of `width` characters.
fn raw_room(width: usize) -> usize {
    (width.saturating_sub(WORD_OVERHEAD) / 4 * 3).max(3)
}

fn encoded_word(text: &str) -> String {
    format!("=?UTF-8?B?{}?=", base64::engine::general_purpose::STANDARD.encode(text.as_bytes()))
}

/// A header list of Message-IDs, one per folded line.
pub fn id_list(ids: &[String]) -> String {
    ids.iter().map(|id| format!("<{id}>")).collect::<Vec<_>>().join("\n ")
}

/// An email address with an optional display name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    pub name: Option<String>,
    pub email: String,
}

impl Mailbox {
    /// Parses `Name <addr>`, `"Name" <addr>` or a bare address.
    pub fn parse(text: &str) -> crate::Result<Mailbox> {
        let text = text.trim();
        let (name, addr) = match (text.rfind('<'), text.ends_with('>')) {
            (Some(open), true) => {
                let name = text[..open].trim().trim_matches('"').trim();
                (Some(name).filter(|n| !n.is_empty()).map(str::to_string), &text[open + 1..text.len() - 1])
            }
            _ => (None, text),
        };
        let email = crate::domain::normalize_email(addr)?;
        Ok(Mailbox { name, email })
    }

    /// The mailbox as a header value after `Name: ` (`used` columns taken).
    pub fn header(&self, used: usize) -> String {
        match self.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
            None => self.email.clone(),
            Some(name) if needs_encoding(name) => format!("{} <{}>", header_text(name, used), self.email),
            Some(name) if name.chars().any(|c| "()<>[]:;@\\,.\"".contains(c)) => {
                let quoted = name.replace('\\', "\\\\").replace('"', "\\\"");
                format!("\"{quoted}\" <{}>", self.email)
            }
            Some(name) => format!("{name} <{}>", self.email),
        }
    }

    /// The part after `@`.
    pub fn domain(&self) -> &str {
        crate::domain::email_domain(&self.email)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_printable_wraps_and_escapes() {
        let qp = quoted_printable("Café = open\nline with trailing space \nFrom here");
        assert_eq!(qp, "Caf=C3=A9 =3D open\nline with trailing space=20\n=46rom here");
        let long = "x".repeat(200);
        let qp = quoted_printable(&long);
        assert!(qp.lines().all(|l| l.len() <= 76), "{qp}");
        assert_eq!(qp.replace("=\n", ""), long);
        // An escape sequence is never split by a soft break.
        let qp = quoted_printable(&"é".repeat(60));
        for line in qp.lines() {
            assert!(line.len() <= 76);
            let body = line.strip_suffix('=').unwrap_or(line);
            assert_eq!(body.len() % 3, 0, "{line}");
        }
    }

    #[test]
    fn headers_encode_non_ascii_in_short_words() {
        assert_eq!(header_text("Printer jammed", 9), "Printer jammed");
        assert_eq!(
            header_text("[#3] Tableau numérique en panne", 9),
            "[#3] Tableau =?UTF-8?B?bnVtw6lyaXF1ZQ==?= en panne"
        );
        let enc = header_text("Imprimante en panne — salle 12, s'il vous plaît, c'est très urgent ! 😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀", 9);
        for (i, line) in enc.lines().enumerate() {
            let width = line.len() + if i == 0 { 9 } else { 0 };
            assert!(width <= 78, "{line:?}");
        }
        assert!(enc.starts_with("Imprimante en panne =?UTF-8?B?4oCU?= salle"), "{enc}");
        let raw = "=?utf-8?q?x?=";
        assert!(header_text(raw, 9).starts_with("=?UTF-8?B?"), "text that looks encoded is encoded");
    }

    #[test]
    fn mailboxes_parse_and_quote() {
        let m = Mailbox::parse("St Bede's IT <IT@Trust.sch.uk>").unwrap();
        assert_eq!(m, Mailbox { name: Some("St Bede's IT".into()), email: "it@trust.sch.uk".into() });
        assert_eq!(m.header(6), "St Bede's IT <it@trust.sch.uk>");
        let m = Mailbox { name: Some("Hughes, Rachel".into()), email: "r@x.uk".into() };
        assert_eq!(m.header(4), "\"Hughes, Rachel\" <r@x.uk>");
        let m = Mailbox { name: Some("Zoë".into()), email: "z@x.uk".into() };
        assert_eq!(m.header(4), "=?UTF-8?B?Wm/Dqw==?= <z@x.uk>");
        assert_eq!(Mailbox::parse("it@x.uk").unwrap().name, None);
        assert!(Mailbox::parse("IT <nonsense>").is_err());
    }
}
