//! HTML escaping for everything the site writes: the Markdown renderer
//! (blocks and inline) and the pages both use it.

/// Escapes text for HTML content and attribute values; control characters
/// (not valid in HTML) become U+FFFD.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        escape_char(c, &mut out);
    }
    out
}

/// Appends one character, escaped as `escape` does.
pub fn escape_char(c: char, out: &mut String) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' => out.push_str("&quot;"),
        '\'' => out.push_str("&#39;"),
        '\n' | '\t' => out.push(c),
        c if c.is_control() => out.push('\u{fffd}'),
        c => out.push(c),
    }
}
