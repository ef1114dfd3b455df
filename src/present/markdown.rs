//! Markdown for a terminal, kept simple and safe: headings, lists, quotes,
//! code blocks, tables as written, emphasis and inline code; paragraphs
//! wrapped to the width. Every line goes through `format::safe` first, so
//! stored text can never drive the terminal; styling (bold, underline) is
//! added afterwards, only when asked for.

use super::format::safe;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Style {
    bold: bool,
    italic: bool,
    code: bool,
}

impl Style {
    fn ansi(self) -> String {
        let mut codes = Vec::new();
        if self.bold {
            codes.push("1");
        }
        if self.italic {
            codes.push("3");
        }
        if self.code {
            codes.push("36");
        }
        if codes.is_empty() {
            String::new()
        } else {
            format!("\x1b[{}m", codes.join(";"))
        }
    }
}

const RESET: &str = "\x1b[0m";

/// Renders `md` for a terminal `width` columns wide; `styled` adds ANSI
/// bold/italic/colour (only for a real terminal).
pub fn render(md: &str, width: usize, styled: bool) -> String {
    let width = width.clamp(30, 200);
    let mut out =
        Renderer { out: String::new(), width, styled, paragraph: Vec::new(), indent: String::new() };
    let mut in_code = false;
    for raw in md.lines() {
        let line = safe(raw, false);
        let trimmed = line.trim();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            out.flush();
            in_code = !in_code;
            continue;
        }
        if in_code {
            out.code_line(&line);
            continue;
        }
        if trimmed.is_empty() {
            out.flush();
            out.blank();
            continue;
        }
        if let Some(level) = heading_level(trimmed) {
            out.flush();
            out.heading(trimmed[level..].trim().trim_end_matches('#').trim(), level);
            continue;
        }
        if trimmed.starts_with('|') {
            out.flush();
            out.table_row(trimmed);
            continue;
        }
        let depth = (line.len() - line.trim_start().len()) / 2;
        if let Some(item) = list_item(trimmed) {
            out.flush();
            let pad = "  ".repeat(depth + 1);
            out.indent = format!("{pad}{}", " ".repeat(item.0.chars().count() + 1));
            out.paragraph.push(format!("\u{0}{pad}{} ", item.0));
            out.paragraph.push(item.1.to_string());
            continue;
        }
        if let Some(quote) = trimmed.strip_prefix('>') {
            out.flush();
            out.indent = "  │ ".into();
            out.paragraph.push("\u{0}  │ ".into());
            out.paragraph.push(quote.trim().to_string());
            continue;
        }
        out.paragraph.push(trimmed.to_string());
    }
    out.flush();
    let text = out.out.trim_end().to_string();
    // Collapse runs of blank lines left by the source's spacing.
    let mut result = String::with_capacity(text.len() + 1);
    let mut blank = 0;
    for l in text.lines() {
        blank = if l.trim().is_empty() { blank + 1 } else { 0 };
        if blank <= 1 {
            result.push_str(l.trim_end());
            result.push('\n');
        }
    }
    result
}

fn heading_level(line: &str) -> Option<usize> {
    let level = line.chars().take_while(|&c| c == '#').count();
    (1..=6).contains(&level).then_some(level).filter(|&l| line[l..].starts_with(' '))
}

/// ("•", rest) for "- rest", ("3.", rest) for "3. rest".
fn list_item(line: &str) -> Option<(String, &str)> {
    for marker in ["- ", "* ", "+ "] {
        if let Some(rest) = line.strip_prefix(marker) {
            return Some(("•".into(), rest.trim()));
        }
    }
    let dot = line.find(". ")?;
    let n = &line[..dot];
    (!n.is_empty() && n.len() <= 3 && n.chars().all(|c| c.is_ascii_digit()))
        .then(|| (format!("{n}."), line[dot + 2..].trim()))
}

struct Renderer {
    out: String,
    width: usize,
    styled: bool,
    /// Lines of the current paragraph; a line starting with NUL is a
    /// prefix (bullet, quote bar) printed as is.
    paragraph: Vec<String>,
    /// Hanging indent for wrapped lines of the current block.
    indent: String,
}

impl Renderer {
    fn blank(&mut self) {
        self.out.push('\n');
    }

    fn code_line(&mut self, line: &str) {
        let text = format!("    {line}");
        if self.styled {
            self.out.push_str(&format!("{}{text}{RESET}\n", Style { code: true, ..Style::default() }.ansi()));
        } else {
            self.out.push_str(&text);
            self.out.push('\n');
        }
    }

    fn heading(&mut self, text: &str, level: usize) {
        let plain: String = spans(text).into_iter().map(|(t, _)| t).collect();
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
        if self.styled {
            let under = if level <= 2 { ";4" } else { "" };
            self.out.push_str(&format!("\x1b[1{under}m{plain}{RESET}\n"));
        } else {
            self.out.push_str(&plain);
            self.out.push('\n');
            if level <= 2 {
                let rule = if level == 1 { '=' } else { '-' };
                self.out.push_str(&rule.to_string().repeat(plain.chars().count().min(self.width)));
                self.out.push('\n');
            }
        }
    }

    fn table_row(&mut self, line: &str) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        if cells.iter().all(|c| c.chars().all(|ch| matches!(ch, '-' | ':' | ' '))) {
            self.out.push_str(&"─".repeat(line.chars().count().min(self.width)));
        } else {
            let text: Vec<String> =
                cells.iter().map(|c| spans(c).into_iter().map(|(t, _)| t).collect::<String>()).collect();
            self.out.push_str(&text.join(" │ "));
        }
        self.out.push('\n');
    }

    /// Wraps the collected paragraph to the width.
    fn flush(&mut self) {
        if self.paragraph.is_empty() {
            return;
        }
        let mut prefix = String::new();
        let mut text = Vec::new();
        for part in self.paragraph.drain(..) {
            match part.strip_prefix('\u{0}') {
                Some(p) => prefix = p.to_string(),
                None => text.push(part),
            }
        }
        let indent = std::mem::take(&mut self.indent);
        // Words may be made of differently styled pieces ("`Cover 1`.").
        let mut words: Vec<Vec<(String, Style)>> = vec![Vec::new()];
        for (t, st) in spans(&text.join(" ")) {
            for (k, piece) in t.split(char::is_whitespace).enumerate() {
                if k > 0 && words.last().is_some_and(|w| !w.is_empty()) {
                    words.push(Vec::new());
                }
                if !piece.is_empty() {
                    if let Some(w) = words.last_mut() {
                        w.push((piece.to_string(), st));
                    }
                }
            }
        }
        let mut line = prefix.clone();
        let mut visible = prefix.chars().count();
        let mut at_start = true;
        for w in words.into_iter().filter(|w| !w.is_empty()) {
            let n: usize = w.iter().map(|(p, _)| p.chars().count()).sum();
            if !at_start && visible + 1 + n > self.width {
                self.out.push_str(line.trim_end());
                self.out.push('\n');
                line = indent.clone();
                visible = indent.chars().count();
                at_start = true;
            }
            if !at_start {
                line.push(' ');
                visible += 1;
            }
            for (piece, st) in w {
                if self.styled && st != Style::default() {
                    line.push_str(&format!("{}{piece}{RESET}", st.ansi()));
                } else {
                    line.push_str(&piece);
                }
            }
            visible += n;
            at_start = false;
        }
        self.out.push_str(line.trim_end());
        self.out.push('\n');
    }
}

/// Splits inline Markdown into styled runs: `**bold**`, `*italic*` or
/// `_italic_`, `` `code` `` and links (`[text](url)` becomes "text <url>").
fn spans(text: &str) -> Vec<(String, Style)> {
    let mut out: Vec<(String, Style)> = Vec::new();
    let mut style = Style::default();
    let mut cur = String::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let flush = |cur: &mut String, out: &mut Vec<(String, Style)>, style: Style| {
        if !cur.is_empty() {
            out.push((std::mem::take(cur), style));
        }
    };
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            flush(&mut cur, &mut out, style);
            style.code = !style.code;
            i += 1;
            continue;
        }
        if style.code {
            cur.push(c);
            i += 1;
            continue;
        }
        if c == '*' && chars.get(i + 1) == Some(&'*') {
            flush(&mut cur, &mut out, style);
            style.bold = !style.bold;
            i += 2;
            continue;
        }
        if c == '*' || c == '_' {
            // Emphasis opens before a word and closes after one; an
            // underscore inside a word (adm_smith) is just a character.
            let prev_word = i > 0 && chars[i - 1].is_alphanumeric();
            let prev_space = i == 0 || chars[i - 1].is_whitespace();
            let next_word = chars.get(i + 1).is_some_and(|ch| ch.is_alphanumeric());
            let next_space = chars.get(i + 1).is_none_or(|ch| ch.is_whitespace());
            let toggle = if style.italic { !next_word && !prev_space } else { !prev_word && !next_space };
            if toggle {
                flush(&mut cur, &mut out, style);
                style.italic = !style.italic;
                i += 1;
                continue;
            }
        }
        if c == '[' {
            let rest: String = chars[i..].iter().collect();
            if let Some(mid) = rest.find("](") {
                if let Some(end) = rest[mid..].find(')') {
                    let label = &rest[1..mid];
                    let url = &rest[mid + 2..mid + end];
                    cur.push_str(label);
                    if !url.is_empty() && url != label {
                        cur.push_str(&format!(" <{url}>"));
                    }
                    i += rest[..mid + end + 1].chars().count();
                    continue;
                }
            }
        }
        cur.push(c);
        i += 1;
    }
    flush(&mut cur, &mut out, style);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const MD: &str = "# Paper jam\n\nThe **copier** says *Paper jam* - see `Cover 1`.\n\n## Fix\n\n1. Open the cover.\n2. Pull the paper out slowly, in the direction it travels, without tearing it.\n- A bullet\n  - nested\n\n> Careful: hot.\n\n```\nStart-ADSyncSyncCycle -PolicyType Delta\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nSee [the guide](https://example.org/g).";

    #[test]
    fn plain_rendering_is_readable() {
        let out = render(MD, 40, false);
        assert!(out.starts_with("Paper jam\n=========\n"), "{out}");
        assert!(out.contains("The copier says Paper jam - see Cover 1.\n"), "{out}");
        assert!(out.contains("Fix\n---\n"), "{out}");
        assert!(out.contains("  1. Open the cover.\n"), "{out}");
        assert!(out.contains("  2. Pull the paper out slowly, in the\n     direction it travels"), "{out}");
        assert!(out.contains("  • A bullet\n    • nested\n"), "{out}");
        assert!(out.contains("  │ Careful: hot.\n"), "{out}");
        assert!(out.contains("    Start-ADSyncSyncCycle -PolicyType Delta\n"), "{out}");
        assert!(out.contains("a │ b\n"), "{out}");
        assert!(out.contains("the guide <https://example.org/g>"), "{out}");
        assert!(!out.contains("**") && !out.contains('`') && !out.contains('\x1b'), "{out}");
        assert!(out.lines().all(|l| l.chars().count() <= 45), "{out}");
    }

    #[test]
    fn styled_rendering_adds_only_our_escapes() {
        let out = render("**Bold** text\x1b[2J and _it_", 80, true);
        assert!(out.contains("\x1b[1mBold\x1b[0m"), "{out:?}");
        assert!(out.contains("^[[2J"), "stored escapes are made visible: {out:?}");
        assert!(out.contains("\x1b[3mit\x1b[0m"), "{out:?}");
    }

    #[test]
    fn underscores_inside_words_stay() {
        let out = render("Use adm_smith and snake_case_name.", 80, false);
        assert!(out.contains("adm_smith and snake_case_name."), "{out}");
    }
}
