//! Small text helpers every face renders with: ages, cut-to-width cells
//! and JSON made safe for a terminal.

use crate::domain::Timestamp;

pub use crate::text::safe;

/// JSON with DEL and the C1 control characters written as `\u` escapes.
/// serde_json escapes only those below U+0020, but a terminal acts on a raw
/// U+009B as it does on ESC [, and `--json` output is read on terminals too.
/// Structural JSON is ASCII, so these only occur inside strings, where the
/// escape means the same character.
pub fn escape_c1(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if ('\u{7f}'..='\u{9f}').contains(&c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// "5m", "3h", "2d": how long ago `t` was.
pub fn age(t: Timestamp, now: Timestamp) -> String {
    let mins = (now - t).num_minutes().max(0);
    match mins {
        0..=59 => format!("{mins}m"),
        60..=2879 => format!("{}h", mins / 60),
        _ => format!("{}d", mins / 1440),
    }
}

/// Cuts `s` to `width` characters, marking the cut with an ellipsis.
pub fn fit(s: &str, width: usize) -> String {
    let s = safe(s, false);
    if s.chars().count() <= width {
        s
    } else {
        let mut cut: String = s.chars().take(width.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn json_never_carries_raw_c1_controls() {
        let text =
            serde_json::to_string(&serde_json::json!({ "subject": "a\u{9b}31mb\u{7f}c\u{85}é" })).unwrap();
        let safe = super::escape_c1(&text);
        assert!(!safe.chars().any(|c| ('\u{7f}'..='\u{9f}').contains(&c)), "{safe:?}");
        assert_eq!(safe, r#"{"subject":"a\u009b31mb\u007fc\u0085é"}"#);
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back["subject"], "a\u{9b}31mb\u{7f}c\u{85}é", "the same text once parsed");
    }

    use super::*;

    #[test]
    fn fit_cuts_with_ellipsis() {
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("abc", 4), "abc");
    }
}
