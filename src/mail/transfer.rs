//! Undoing a part's Content-Transfer-Encoding on its raw bytes, and nothing
//! more. mail-parser also converts a text part from its charset to UTF-8,
//! which is right for reading a body but wrong for a kept file: a
//! windows-1252 CSV must be saved as the windows-1252 bytes that were sent
//! (issue 20), so attachments are decoded here from the message's own bytes.

use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;

/// Base64 as mail carries it: line breaks and stray characters between the
/// groups are ignored (RFC 2045 §6.8), padding may be missing. None when
/// what remains is not base64 (a length no encoder produces).
pub fn base64(raw: &[u8]) -> Option<Vec<u8>> {
    let clean: Vec<u8> =
        raw.iter().copied().filter(|b| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/').collect();
    let engine = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::RequireNone)
            .with_decode_allow_trailing_bits(true),
    );
    engine.decode(clean).ok()
}

/// Quoted-printable (RFC 2045 §6.7): `=XX` is a byte, `=` at a line's end
/// joins it to the next, hard line breaks stay exactly as sent (CRLF or a
/// bare LF), and unencoded spaces or tabs before a hard break go (transport
/// padding, rule 3). A `=` not followed by two hex digits is kept as it
/// stands, as the RFC advises for robustness.
pub fn quoted_printable(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    // Where trailing white space of the current line starts in `out`.
    let mut ws_from: Option<usize> = None;
    let mut i = 0;
    while let Some(&b) = raw.get(i) {
        match b {
            b'=' => {
                if let Some(byte) = hex_pair(raw.get(i + 1).copied(), raw.get(i + 2).copied()) {
                    out.push(byte);
                    ws_from = None;
                    i += 3;
                    continue;
                }
                // A soft line break: `=`, optional padding, then CRLF or LF.
                let mut j = i + 1;
                while matches!(raw.get(j), Some(b' ' | b'\t')) {
                    j += 1;
                }
                match (raw.get(j), raw.get(j + 1)) {
                    (Some(b'\r'), Some(b'\n')) => i = j + 2,
                    (Some(b'\n'), _) => i = j + 1,
                    (None, _) => i = j,
                    _ => {
                        out.push(b'=');
                        ws_from = None;
                        i += 1;
                    }
                }
            }
            b'\r' if raw.get(i + 1) == Some(&b'\n') => {
                trim(&mut out, &mut ws_from);
                out.extend_from_slice(b"\r\n");
                i += 2;
            }
            b'\n' => {
                trim(&mut out, &mut ws_from);
                out.push(b'\n');
                i += 1;
            }
            b' ' | b'\t' => {
                ws_from.get_or_insert(out.len());
                out.push(b);
                i += 1;
            }
            _ => {
                out.push(b);
                ws_from = None;
                i += 1;
            }
        }
    }
    // The last line ends at the boundary: its padding goes too.
    trim(&mut out, &mut ws_from);
    out
}

fn trim(out: &mut Vec<u8>, ws_from: &mut Option<usize>) {
    if let Some(at) = ws_from.take() {
        out.truncate(at);
    }
}

fn hex_pair(hi: Option<u8>, lo: Option<u8>) -> Option<u8> {
    let digit = |c: u8| char::from(c).to_digit(16).and_then(|d| u8::try_from(d).ok());
    Some(digit(hi?)? << 4 | digit(lo?)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_printable_keeps_bytes_and_line_ends() {
        assert_eq!(quoted_printable(b"caf=E9 =A3=80\r\nnext"), b"caf\xe9 \xa3\x80\r\nnext");
        assert_eq!(quoted_printable(b"a\nb=e9"), b"a\nb\xe9", "bare LF kept, lower-case hex");
        assert_eq!(quoted_printable(b"long=\r\nline= \nend="), b"longlineend");
        assert_eq!(quoted_printable(b"pad  \r\nx=3D=Zq"), b"pad\r\nx==Zq");
        assert_eq!(quoted_printable(b"tail=20\t"), b"tail ");
    }

    #[test]
    fn base64_ignores_line_breaks_and_missing_padding() {
        assert_eq!(base64(b"6aOA\r\nAA==\r\n"), Some(b"\xe9\xa3\x80\x00".to_vec()));
        assert_eq!(base64(b"6aOAAA"), Some(b"\xe9\xa3\x80\x00".to_vec()));
        assert_eq!(base64(b"6aOAA"), None);
    }
}
