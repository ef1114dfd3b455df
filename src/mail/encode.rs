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

/// `"Name"` without its quotes and escapes, as written in a config file.
fn unquote(name: &str) -> String {
    match name.strip_prefix('"').and_then(|n| n.strip_suffix('"')) {
        Some(inner) => {
            let mut out = String::new();
            let mut chars = inner.chars();
            while let Some(c) = chars.next() {
                out.push(if c == '\\' { chars.next().unwrap_or(c) } else { c });
            }
            out
        }
        None => name.to_string(),
    }
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

/// True when `id` can go between angle brackets in Message-ID, In-Reply-To
/// or References as it is: printable ASCII with no white space and nothing
/// that ends the bracket, starts another address or quotes (so an inbound
/// Message-ID carrying `>`, a comma or a line break never reaches a header).
pub fn is_safe_msg_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 250 && id.chars().all(|c| c.is_ascii_graphic() && !"<>()\\\",;".contains(c))
}

/// A header list of Message-IDs, one per folded line; unsafe ones are left out.
pub fn id_list(ids: &[String]) -> String {
    ids.iter().filter(|id| is_safe_msg_id(id)).map(|id| format!("<{id}>")).collect::<Vec<_>>().join("\n ")
}

/// A display name as one line: control characters and white space of any
/// kind become single spaces, trimmed.
pub fn clean_name(name: &str) -> String {
    super::inbound::clean_line(name)
}

/// A display name as an RFC 5322 phrase that cannot be read as anything
/// else: plain ASCII words stay as atoms, other ASCII names become a quoted
/// string with `"` and `\` escaped, and a name holding any non-ASCII (or
/// something that looks like an encoded word) is encoded whole, in base64
/// encoded words, so no comma, `<`, `@` or `:` of it is ever seen raw.
/// Returns the phrase's pieces, to be joined by folding white space.
fn phrase(name: &str, used: usize, rest: usize) -> Vec<String> {
    if name.is_ascii() && !name.contains("=?") {
        let single = if name.split(' ').all(|w| !w.is_empty() && w.chars().all(crate::domain::is_atext)) {
            name.to_string()
        } else {
            format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))
        };
        // A long name is encoded instead, because encoded words fold safely.
        if used + single.len() + rest <= 78 {
            return vec![single];
        }
    }
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in name.chars() {
        if chunk.len() + c.len_utf8() > raw_room(WORD_WIDTH) {
            words.push(encoded_word(&chunk));
            chunk.clear();
        }
        chunk.push(c);
    }
    words.push(encoded_word(&chunk));
    words
}

/// An email address with an optional display name. Build it with
/// [`Mailbox::new`] or [`Mailbox::parse`], which validate the address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    pub name: Option<String>,
    pub email: String,
}

impl Mailbox {
    /// A mailbox from a stored address and name: the address must be one
    /// valid addr-spec; the name is kept as one clean line (none if empty).
    pub fn new(email: &str, name: Option<&str>) -> crate::Result<Mailbox> {
        let email = crate::domain::normalize_email(email)?;
        let name = name.map(clean_name).filter(|n| !n.is_empty());
        Ok(Mailbox { name, email })
    }

    /// Parses `Name <addr>`, `"Name" <addr>` or a bare address.
    pub fn parse(text: &str) -> crate::Result<Mailbox> {
        let text = text.trim();
        let (name, addr) = match (text.rfind('<'), text.ends_with('>')) {
            (Some(open), true) => (Some(text[..open].trim()), &text[open + 1..text.len() - 1]),
            _ => (None, text),
        };
        let quoted = name.is_some_and(|n| n.len() >= 2 && n.starts_with('"') && n.ends_with('"'));
        if name.is_some_and(|n| !quoted && n.contains(['<', '>'])) {
            return Err(crate::Error::invalid(format!(
                "invalid mailbox '{}': expected one address, as Name <name@domain>",
                clean_name(text)
            )));
        }
        let name = name.map(unquote);
        Mailbox::new(addr, name.as_deref())
    }

    /// The mailbox as a header value after `Name: ` (`used` columns taken):
    /// `addr`, `Name <addr>`, `"Name, with specials" <addr>` or encoded
    /// words and `<addr>`, folded within 78 columns. The address is checked
    /// again here (a Mailbox built by hand could hold anything): an invalid
    /// one becomes the `.invalid` placeholder rather than a second recipient.
    pub fn header(&self, used: usize) -> String {
        let email = crate::domain::normalize_email(&self.email)
            .unwrap_or_else(|_| "invalid-address@deskside.invalid".to_string());
        let name = self.name.as_deref().map(clean_name).unwrap_or_default();
        if name.is_empty() {
            return email;
        }
        let addr = format!("<{email}>");
        let words = phrase(&name, used, addr.len() + 1);
        let mut out = String::new();
        let mut col = used;
        for word in words.iter().chain(std::iter::once(&addr)) {
            if !out.is_empty() {
                if col + 1 + word.len() > 78 {
                    out.push_str("\n ");
                    col = 1;
                } else {
                    out.push(' ');
                    col += 1;
                }
            }
            out.push_str(word);
            col += word.len();
        }
        out
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
        let m = Mailbox::parse(r#""IT \"Help\" Desk" <it@x.uk>"#).unwrap();
        assert_eq!(m.name.as_deref(), Some(r#"IT "Help" Desk"#));
        assert!(Mailbox::parse("a@x.uk, evil@y.uk").is_err());
        assert!(Mailbox::parse("IT <a@x.uk>, <evil@y.uk>").is_err());
    }

    /// Names that once added recipients or broke the header, and names
    /// that look like syntax.
    pub(crate) const HOSTILE_NAMES: [&str; 22] = [
        "Zoë <evil@attacker.example>, Bob",
        "O'Brien, Seán",
        "O'Brien, Sean",
        "Evil <evil@attacker.example>, Bob",
        "a\"b, <evil@attacker.example>",
        "back\\slash\\\", evil@attacker.example",
        "<evil@attacker.example>",
        "evil@attacker.example",
        "undisclosed: evil@attacker.example;",
        "Bob; evil@attacker.example",
        "Bob\r\nBcc: evil@attacker.example",
        "Bob\nCc: evil@attacker.example\n",
        "Nul\0Byte, evil@attacker.example",
        "=?utf-8?q?evil=40attacker.example?=",
        "=?UTF-8?B?ZXZpbEBhdHRhY2tlci5leGFtcGxl?= <evil@attacker.example>",
        "Zoë =?utf-8?q?x?= (comment) [x]",
        "(comment) evil@attacker.example",
        "\"Quoted\" <evil@attacker.example>",
        "Tab\there, evil@attacker.example",
        "Ünïcödé, <evil@attacker.example>, \u{2028}line, \u{202e}bidi",
        "A very long name that goes on and on, with commas, <angle@brackets.example> and colons: and semicolons; well beyond seventy-eight columns of a header line",
        "Ẓ😀ë, <evil@attacker.example> and a long tail of accented words: é è ê ë ï î ô ö ù û ü ç à â ä æ œ ÿ ñ, repeated: é è ê ë ï î ô ö ù û ü",
    ];

    #[test]
    fn no_display_name_adds_a_recipient() {
        for name in HOSTILE_NAMES {
            for used in [4, 6] {
                let m = Mailbox::new("newpupil@school.sch.uk", Some(name)).unwrap();
                let value = m.header(used);
                assert!(value.is_ascii(), "{value}");
                for (i, line) in value.lines().enumerate() {
                    let width = line.len() + if i == 0 { used } else { 0 };
                    assert!(width <= 78, "{width}: {value}");
                    assert!(
                        i == 0 || line.starts_with(' '),
                        "a continuation line starts with white space: {value:?}"
                    );
                }
                let text = format!("To: {value}\nSubject: x\n\nbody\n");
                let parsed = mail_parser::MessageParser::default().parse(text.as_bytes()).unwrap();
                let to: Vec<_> = parsed.to().unwrap().iter().collect();
                assert_eq!(to.len(), 1, "{name:?} -> {value}");
                assert_eq!(to[0].address(), Some("newpupil@school.sch.uk"), "{name:?} -> {value}");
                assert_eq!(to[0].name(), Some(clean_name(name).as_str()), "{name:?} -> {value}");
                // Nothing but the one header came out of it.
                assert_eq!(parsed.headers().len(), 2, "{value}");
            }
        }
    }

    #[test]
    fn names_are_atoms_quoted_strings_or_encoded_whole() {
        let h = |n: &str| Mailbox::new("a@x.uk", Some(n)).unwrap().header(4);
        assert_eq!(h("Rachel Hughes"), "Rachel Hughes <a@x.uk>");
        assert_eq!(h("St Bede's IT"), "St Bede's IT <a@x.uk>");
        assert_eq!(h("O'Brien, Sean"), "\"O'Brien, Sean\" <a@x.uk>");
        assert_eq!(h("a\"b\\c"), "\"a\\\"b\\\\c\" <a@x.uk>");
        assert_eq!(h("Bob\r\nBcc: e@y.uk"), "\"Bob Bcc: e@y.uk\" <a@x.uk>");
        assert_eq!(h("  \t\r\n "), "a@x.uk", "a name of nothing but white space is left out");
        // Any non-ASCII: the whole name is one run of encoded words.
        let enc = h("O'Brien, Seán");
        assert!(enc.starts_with("=?UTF-8?B?") && !enc.contains(','), "{enc}");
        assert_eq!(enc.matches('<').count(), 1);
        // A hand-built mailbox with a bad address never writes it.
        let bad = Mailbox { name: None, email: "a@x.uk, evil@y.uk".into() };
        assert_eq!(bad.header(4), "invalid-address@deskside.invalid");
    }

    #[test]
    fn unsafe_message_ids_are_left_out() {
        assert!(is_safe_msg_id("CAF=x+y@mail.gmail.com"));
        for bad in ["", "a b@x", "a>b@x", "a@x>, <evil@y", "a@x\r\nBcc: e@y", "a,b@x", "a\"b@x", "é@x"] {
            assert!(!is_safe_msg_id(bad), "{bad:?}");
        }
        let ids = vec!["ok@x".to_string(), "bad>@x\nBcc: e@y".to_string(), "ok2@x".to_string()];
        assert_eq!(id_list(&ids), "<ok@x>\n <ok2@x>");
    }
}
