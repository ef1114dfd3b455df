//! Rendering for the CLI: `--json` objects, plain tables, times, and text
//! made safe for a terminal.

use crate::domain::Timestamp;
use chrono::Local;
use serde::Serialize;

pub use crate::text::safe;

/// Prints `value` as pretty JSON on stdout.
pub fn json<T: Serialize + ?Sized>(value: &T) -> crate::Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(|e| crate::Error::runtime(e.to_string()))?;
    println!("{}", escape_c1(&text));
    Ok(())
}

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

/// A local time, minute precision.
pub fn time(t: Timestamp) -> String {
    t.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string()
}

pub fn opt_time(t: Option<Timestamp>) -> String {
    t.map(time).unwrap_or_else(|| "-".into())
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

/// A plain text table: columns padded to their widest cell.
pub fn table(headers: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut out = String::new();
        for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
            if i + 1 == cells.len() {
                out.push_str(cell);
            } else {
                out.push_str(&format!("{cell:<w$}  ", w = *w));
            }
        }
        println!("{}", out.trim_end());
    };
    line(headers.to_vec());
    for row in rows {
        line(row.iter().map(String::as_str).collect());
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
