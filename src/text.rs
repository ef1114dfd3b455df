//! Text made safe for a terminal (stored text is shown, never obeyed), and
//! cut to a stored field's length.

/// Replaces control characters (escape sequences above all) with visible
/// `^X` forms so stored text can never drive the terminal. Newlines and tabs
/// are kept when `multiline`.
pub fn safe(text: &str, multiline: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\t' if multiline => out.push(c),
            '\n' | '\t' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 => {
                out.push('^');
                out.push(char::from_u32(c as u32 + 0x40).unwrap_or('?'));
            }
            '\u{7f}' => out.push_str("^?"),
            c if ('\u{80}'..='\u{9f}').contains(&c) => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Cuts text to `max` characters, marking the cut with an ellipsis.
pub fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_made_visible() {
        assert_eq!(safe("a\x1b[31mred\x07", false), "a^[[31mred^G");
        assert_eq!(safe("line1\nline2", true), "line1\nline2");
        assert_eq!(safe("line1\nline2", false), "line1 line2");
        assert_eq!(safe("\u{9b}2J", false), "\u{fffd}2J");
    }
}
