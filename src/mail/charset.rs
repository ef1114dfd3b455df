//! Bytes that are not what they claim. Mail in the wild has header lines
//! in raw 8-bit Latin-1 (RFC 5322 allows only ASCII; old clients and
//! scripts send it anyway) and bodies labelled UTF-8 that are really
//! Latin-1. Reading either as UTF-8 gives replacement characters, so bytes
//! that are not valid UTF-8 are read as Windows-1252 (the superset of
//! Latin-1 that such mail is written in, as WHATWG's encoding standard
//! also decides for "iso-8859-1").

use encoding_rs::WINDOWS_1252;
use std::borrow::Cow;

/// The bytes a parser can read: line ends of old Macs (CR alone, as
/// sisimai's corpus keeps some) become LF, and leading blank lines go.
pub fn readable(raw: &[u8]) -> Cow<'_, [u8]> {
    if raw.contains(&b'\r') && !raw.contains(&b'\n') {
        let lf: Vec<u8> = raw.iter().map(|&b| if b == b'\r' { b'\n' } else { b }).collect();
        return Cow::Owned(skip_blank_lines(&lf).to_vec());
    }
    Cow::Borrowed(skip_blank_lines(raw))
}

/// The message without leading lines that are empty or only white space
/// (left by scripts and some fetchers): a parser takes the first empty
/// line as the end of the headers and would find none.
pub fn skip_blank_lines(raw: &[u8]) -> &[u8] {
    let mut rest = raw;
    loop {
        let line_end = rest.iter().position(|&b| b == b'\n');
        match line_end {
            Some(end) if rest.get(..end).is_some_and(|l| l.iter().all(|b| b.is_ascii_whitespace())) => {
                rest = rest.get(end + 1..).unwrap_or_default();
            }
            _ => return rest,
        }
    }
}

/// Text from bytes: UTF-8 when they are valid UTF-8, else Windows-1252.
pub fn text(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => WINDOWS_1252.decode_without_bom_handling(bytes).0,
    }
}

/// The message with every header line of its top-level header block that
/// is not valid UTF-8 rewritten as UTF-8 from Windows-1252, so a raw 8-bit
/// Latin-1 Subject reads "Café", not "Caf\u{FFFD}". Lines that are valid
/// UTF-8 (ASCII, encoded words, or UTF-8 as RFC 6532 allows) are kept as
/// they are, and so is the body. Borrowed when nothing needed rewriting.
pub fn headers_as_utf8(raw: &[u8]) -> Cow<'_, [u8]> {
    let end = header_end(raw);
    let head = raw.get(..end).unwrap_or(raw);
    if std::str::from_utf8(head).is_ok() {
        return Cow::Borrowed(raw);
    }
    let mut out = Vec::with_capacity(raw.len() + 64);
    for line in head.split_inclusive(|&b| b == b'\n') {
        out.extend_from_slice(text(line).as_bytes());
    }
    out.extend_from_slice(raw.get(end..).unwrap_or_default());
    Cow::Owned(out)
}

/// Where the top-level header block ends (the start of its empty line).
fn header_end(raw: &[u8]) -> usize {
    let mut at = 0;
    for line in raw.split_inclusive(|&b| b == b'\n') {
        if line == b"\n" || line == b"\r\n" {
            return at;
        }
        at += line.len();
    }
    raw.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_leading_lines_go_and_nothing_else() {
        assert_eq!(skip_blank_lines(b" \t\r\n\nFrom: a@b\n\nx"), b"From: a@b\n\nx");
        assert_eq!(skip_blank_lines(b"From: a@b\n\n \n"), b"From: a@b\n\n \n");
        assert_eq!(skip_blank_lines(b"  \n \n"), b"");
        assert_eq!(skip_blank_lines(b"   "), b"   ", "no line end: left for the reader to refuse");
        assert_eq!(&*readable(b"\rFrom: a@b\rSubject: x\r\rbody\r"), b"From: a@b\nSubject: x\n\nbody\n");
        assert_eq!(&*readable(b"From: a@b\r\n\r\nx\ry"), b"From: a@b\r\n\r\nx\ry", "CRLF is kept");
    }

    #[test]
    fn latin1_header_lines_become_utf8_and_the_body_is_untouched() {
        let raw = b"Subject: Caf\xe9 \x96 r\xe9seau\r\nFrom: a@b\r\n\r\nbody \xe9\r\n";
        let mut want = "Subject: Café – réseau\r\nFrom: a@b\r\n".as_bytes().to_vec();
        want.extend_from_slice(b"\r\nbody \xe9\r\n");
        assert_eq!(&*headers_as_utf8(raw), want.as_slice());
        let utf8 = "Subject: Café\n\nbody \u{e9}".as_bytes();
        assert!(matches!(headers_as_utf8(utf8), Cow::Borrowed(_)), "valid UTF-8 is kept as it is");
        assert_eq!(text(b"caf\xe9"), "café");
        assert_eq!(text("café".as_bytes()), "café");
    }
}
