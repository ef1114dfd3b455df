//! Markdown to HTML for the self-help site, written for safety first: every
//! character of stored text is escaped (raw HTML in an article shows as
//! text), links keep only http(s), mailto and tel targets or relative ones
//! (never `javascript:` or `data:`), images become plain links (the site
//! loads nothing from elsewhere), and the output is always well formed.
//! Blocks: headings, paragraphs, bullet and numbered lists (nested), fenced
//! code, block quotes, tables and rules; inline: emphasis, code, links.

pub use super::escape::{escape, escape_char};
use super::inline;
use std::collections::HashSet;

/// Deeper nesting (quotes in lists in quotes ...) is shown as plain text:
/// hostile input must not exhaust the stack.
const MAX_DEPTH: usize = 8;

/// Ids the page templates use: a body heading never takes one of them.
const RESERVED_IDS: &[&str] = &[
    "main",
    "q",
    "search-form",
    "search-hint",
    "search-status",
    "search-results",
    "results",
    "results-heading",
    "browse",
    "article-title",
    "tags-heading",
    "more-help",
    "contact",
    "contact-heading",
    "no-results",
    "no-results-heading",
    "no-results-wrap",
    "related-heading",
];

/// Renders an article body. Its headings sit under the page's `<h1>` (the
/// title): a body that uses `#` itself is shifted down one level.
pub fn render(md: &str) -> String {
    let lines: Vec<String> = md.replace("\r\n", "\n").replace('\r', "\n").lines().map(expand_tabs).collect();
    let shift = usize::from(lines.iter().any(|l| heading(l).is_some_and(|(level, _)| level == 1)));
    let ids = RESERVED_IDS.iter().map(|s| s.to_string()).collect();
    let mut r = Renderer { out: String::new(), ids, shift };
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    r.blocks(&refs, 0, false);
    r.out
}

/// A heading's `id`: lower-case words joined by hyphens.
pub fn anchor(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Leading tabs count as four columns, as in Markdown.
fn expand_tabs(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        match c {
            ' ' => out.push(' '),
            '\t' => out.push_str(&" ".repeat(4 - out.len() % 4)),
            _ => break,
        }
        rest = &rest[1..];
    }
    out.push_str(rest);
    out
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn blank(line: &str) -> bool {
    line.trim().is_empty()
}

/// (level, text) of an ATX heading (`## Fix`).
fn heading(line: &str) -> Option<(usize, &str)> {
    if indent(line) > 3 {
        return None;
    }
    let t = line.trim_start();
    let level = t.chars().take_while(|&c| c == '#').count();
    let rest = &t[level.min(t.len())..];
    if !(1..=6).contains(&level) || !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    let text = rest.trim().trim_end_matches('#').trim_end();
    Some((level, text))
}

/// `---`, `***` or `___` (spaces allowed between).
fn rule(line: &str) -> bool {
    let t: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    let first = t.chars().next();
    indent(line) <= 3
        && t.len() >= 3
        && matches!(first, Some('-' | '*' | '_'))
        && t.chars().all(|c| Some(c) == first)
}

/// The fence string (```` ``` ```` or `~~~`, possibly longer) opening a code block.
fn fence(line: &str) -> Option<(char, usize)> {
    if indent(line) > 3 {
        return None;
    }
    let t = line.trim_start();
    let ch = t.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let n = t.chars().take_while(|&c| c == ch).count();
    // A backtick fence's info string cannot contain backticks (that is inline code).
    (n >= 3 && !(ch == '`' && t[n..].contains('`'))).then_some((ch, n))
}

fn quote(line: &str) -> bool {
    indent(line) <= 3 && line.trim_start().starts_with('>')
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marker {
    Bullet(char),
    /// The delimiter after the number (`.` or `)`).
    Number(char),
}

struct Item<'a> {
    marker: Marker,
    start: u64,
    /// The column where the item's text starts: continuation lines are
    /// indented at least this far.
    content: usize,
    text: &'a str,
}

fn list_item(line: &str) -> Option<Item<'_>> {
    let ind = indent(line);
    let t = &line[ind..];
    let first = t.chars().next()?;
    let (marker, start, len) = if matches!(first, '-' | '*' | '+') {
        (Marker::Bullet(first), 1, 1)
    } else {
        let digits = t.chars().take_while(char::is_ascii_digit).count();
        let delim = t[digits..].chars().next()?;
        if digits == 0 || digits > 9 || !matches!(delim, '.' | ')') {
            return None;
        }
        (Marker::Number(delim), t[..digits].parse().ok()?, digits + 1)
    };
    let after = &t[len..];
    if after.is_empty() {
        return Some(Item { marker, start, content: ind + len + 1, text: "" });
    }
    if !after.starts_with(' ') {
        return None;
    }
    let spaces = after.len() - after.trim_start_matches(' ').len();
    // Five or more spaces: the text is indented code in CommonMark; here
    // the item simply starts after one space.
    let spaces = if spaces > 4 { 1 } else { spaces };
    Some(Item { marker, start, content: ind + len + spaces, text: after.trim_start_matches(' ') })
}

/// Whether a line starts a block other than a paragraph (and so ends one).
fn interrupts(line: &str) -> bool {
    heading(line).is_some() || rule(line) || fence(line).is_some() || quote(line) || list_item(line).is_some()
}

fn table_separator(line: &str) -> bool {
    let t = line.trim();
    t.contains('-')
        && t.contains('|')
        && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
        && cells(t).iter().all(|c| !c.is_empty())
}

/// Cells of a table row; `\|` is a literal bar.
fn cells(line: &str) -> Vec<String> {
    let t = line.trim();
    let t = t.strip_prefix('|').unwrap_or(t);
    let t = if t.ends_with('|') && !t.ends_with("\\|") { &t[..t.len() - 1] } else { t };
    let mut out = vec![String::new()];
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                chars.next();
                if let Some(s) = out.last_mut() {
                    s.push('|');
                }
            }
            '|' => out.push(String::new()),
            c => {
                if let Some(s) = out.last_mut() {
                    s.push(c);
                }
            }
        }
    }
    out.into_iter().map(|c| c.trim().to_string()).collect()
}

/// Removes up to `n` leading spaces.
fn dedent(line: &str, n: usize) -> &str {
    &line[indent(line).min(n)..]
}

struct Renderer {
    out: String,
    /// Heading ids already used on the page.
    ids: HashSet<String>,
    shift: usize,
}

impl Renderer {
    /// Renders a run of lines as blocks. In a `tight` list item a paragraph
    /// has no `<p>` around it.
    fn blocks(&mut self, lines: &[&str], depth: usize, tight: bool) {
        if depth > MAX_DEPTH {
            let text: Vec<&str> = lines.iter().map(|l| l.trim()).filter(|l| !l.is_empty()).collect();
            self.out.push_str(&format!("<p>{}</p>\n", escape(&text.join("\n"))));
            return;
        }
        let mut i = 0;
        while i < lines.len() {
            let line = lines[i];
            if blank(line) {
                i += 1;
            } else if let Some((ch, n)) = fence(line) {
                i = self.code(lines, i, ch, n);
            } else if let Some((level, text)) = heading(line) {
                self.heading(level, text);
                i += 1;
            } else if rule(line) {
                self.out.push_str("<hr>\n");
                i += 1;
            } else if quote(line) {
                i = self.quote(lines, i, depth);
            } else if line.contains('|') && lines.get(i + 1).is_some_and(|l| table_separator(l)) {
                i = self.table(lines, i);
            } else if list_item(line).is_some() {
                i = self.list(lines, i, depth);
            } else {
                i = self.paragraph(lines, i, tight);
            }
        }
    }

    fn code(&mut self, lines: &[&str], start: usize, ch: char, n: usize) -> usize {
        let open = lines[start];
        let ind = indent(open);
        let info = open.trim_start()[n..].trim();
        let lang: String = info
            .split_whitespace()
            .next()
            .unwrap_or("")
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+'))
            .take(30)
            .collect();
        let mut end = start + 1;
        let mut body = Vec::new();
        while end < lines.len() {
            let l = lines[end];
            let t = l.trim();
            if indent(l) <= 3 && t.chars().take_while(|&c| c == ch).count() >= n && t.chars().all(|c| c == ch)
            {
                end += 1;
                break;
            }
            body.push(dedent(l, ind));
            end += 1;
        }
        let class = if lang.is_empty() { String::new() } else { format!(" class=\"language-{lang}\"") };
        let mut text = escape(&body.join("\n"));
        if !text.is_empty() {
            text.push('\n');
        }
        self.out.push_str(&format!("<pre><code{class}>{text}</code></pre>\n"));
        end
    }

    fn heading(&mut self, level: usize, text: &str) {
        let level = (level + self.shift).min(6);
        let base = anchor(&inline::plain(text));
        let base = if base.is_empty() { "section".to_string() } else { base };
        let mut id = base.clone();
        let mut n = 2;
        while !self.ids.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        self.out.push_str(&format!("<h{level} id=\"{}\">{}</h{level}>\n", escape(&id), inline::render(text)));
    }

    fn quote(&mut self, lines: &[&str], start: usize, depth: usize) -> usize {
        let mut inner = Vec::new();
        let mut i = start;
        while i < lines.len() && quote(lines[i]) {
            let t = lines[i].trim_start();
            let t = &t[1..];
            inner.push(t.strip_prefix(' ').unwrap_or(t));
            i += 1;
        }
        self.out.push_str("<blockquote>\n");
        self.blocks(&inner, depth + 1, false);
        self.out.push_str("</blockquote>\n");
        i
    }

    fn table(&mut self, lines: &[&str], start: usize) -> usize {
        let head = cells(lines[start]);
        let mut i = start + 2;
        self.out.push_str("<div class=\"table-wrap\"><table>\n<thead><tr>");
        for c in &head {
            self.out.push_str(&format!("<th scope=\"col\">{}</th>", inline::render(c)));
        }
        self.out.push_str("</tr></thead>\n<tbody>\n");
        while i < lines.len() && !blank(lines[i]) && lines[i].contains('|') {
            let mut row = cells(lines[i]);
            row.resize(head.len(), String::new());
            self.out.push_str("<tr>");
            for c in &row {
                self.out.push_str(&format!("<td>{}</td>", inline::render(c)));
            }
            self.out.push_str("</tr>\n");
            i += 1;
        }
        self.out.push_str("</tbody>\n</table></div>\n");
        i
    }

    fn paragraph(&mut self, lines: &[&str], start: usize, tight: bool) -> usize {
        let mut text = vec![lines[start].trim()];
        let mut i = start + 1;
        while i < lines.len() && !blank(lines[i]) && !interrupts(lines[i]) {
            text.push(lines[i].trim());
            i += 1;
        }
        let html = inline::render(&text.join("\n"));
        if tight {
            self.out.push_str(&html);
            self.out.push('\n');
        } else {
            self.out.push_str(&format!("<p>{html}</p>\n"));
        }
        i
    }

    /// A bullet or numbered list starting at `start`; items continue on
    /// lines indented to their text, and lazily on the next line.
    fn list(&mut self, lines: &[&str], start: usize, depth: usize) -> usize {
        let Some(first) = list_item(lines[start]) else { return start + 1 };
        let kind = first.marker;
        let mut items: Vec<Vec<&str>> = Vec::new();
        let mut loose = false;
        let mut i = start;
        while let Some(item) = lines.get(i).and_then(|l| list_item(l)).filter(|it| it.marker == kind) {
            let mut body = vec![item.text];
            i += 1;
            while let Some(&l) = lines.get(i) {
                if blank(l) {
                    let next = (i..lines.len()).find(|&j| !blank(lines[j]));
                    match next {
                        Some(j) if indent(lines[j]) >= item.content => {
                            loose = true;
                            body.extend(std::iter::repeat_n("", j - i));
                            i = j;
                        }
                        Some(j) if list_item(lines[j]).is_some_and(|it| it.marker == kind) => {
                            loose = true;
                            i = j;
                            break;
                        }
                        _ => break,
                    }
                } else if indent(l) >= item.content {
                    body.push(dedent(l, item.content));
                    i += 1;
                } else if list_item(l).is_some() || interrupts(l) || body.last().is_none_or(|b| blank(b)) {
                    break;
                } else {
                    // A lazy continuation of the item's paragraph.
                    body.push(l.trim_start());
                    i += 1;
                }
            }
            items.push(body);
        }
        let (open, close) = match kind {
            Marker::Bullet(_) => ("<ul>".to_string(), "</ul>"),
            Marker::Number(_) if first.start != 1 => (format!("<ol start=\"{}\">", first.start), "</ol>"),
            Marker::Number(_) => ("<ol>".to_string(), "</ol>"),
        };
        self.out.push_str(&open);
        self.out.push('\n');
        for body in items {
            self.out.push_str("<li>");
            self.blocks(&body, depth + 1, !loose);
            if self.out.ends_with('\n') {
                self.out.pop();
            }
            self.out.push_str("</li>\n");
        }
        self.out.push_str(close);
        self.out.push('\n');
        i
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_everywhere() {
        let out = render(
            "# <script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n- <b>bold</b>\n\n```\n</code><script>\n```",
        );
        assert!(!out.contains("<script"), "{out}");
        assert!(!out.contains("<img"), "{out}");
        assert!(!out.contains("<b>"), "{out}");
        assert!(out.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{out}");
        assert!(out.contains("<pre><code>&lt;/code&gt;&lt;script&gt;\n</code></pre>"), "{out}");
        assert_eq!(escape("a\u{0}b\"'&"), "a\u{fffd}b&quot;&#39;&amp;");
    }

    #[test]
    fn headings_lists_and_code() {
        let md = "## Fix\n\n1. Open **Cover 1**.\n2. Pull the paper out:\n   - slowly\n   - *gently*\n3. Close it.\n\n- a `Tray 2` bullet\n\n```powershell\nGet-Item x\n```\n\n---\n\n> Careful: hot.";
        let out = render(md);
        assert!(out.contains("<h2 id=\"fix\">Fix</h2>"), "{out}");
        assert!(
            out.contains("<ol>\n<li>Open <strong>Cover 1</strong>.</li>\n<li>Pull the paper out:\n<ul>\n<li>slowly</li>\n<li><em>gently</em></li>\n</ul></li>\n<li>Close it.</li>\n</ol>"),
            "{out}"
        );
        assert!(out.contains("<ul>\n<li>a <code>Tray 2</code> bullet</li>\n</ul>"), "{out}");
        assert!(out.contains("<pre><code class=\"language-powershell\">Get-Item x\n</code></pre>"), "{out}");
        assert!(out.contains("<hr>"), "{out}");
        assert!(out.contains("<blockquote>\n<p>Careful: hot.</p>\n</blockquote>"), "{out}");
    }

    #[test]
    fn a_body_with_its_own_title_heading_is_shifted_down() {
        let out = render("# Title\n\n## Part\n\n## Part");
        assert!(out.contains("<h2 id=\"title\">Title</h2>"), "{out}");
        assert!(out.contains("<h3 id=\"part\">Part</h3>\n<h3 id=\"part-2\">Part</h3>"), "{out}");
        let out = render("## Main\n\n## Results");
        assert!(
            out.contains("id=\"main-2\"") && out.contains("id=\"results-2\""),
            "page ids stay unique: {out}"
        );
    }

    #[test]
    fn loose_lists_get_paragraphs_and_numbers_keep_their_start() {
        let out = render("3. one\n\n4. two\n   more of two\n");
        assert!(
            out.contains("<ol start=\"3\">\n<li><p>one</p></li>\n<li><p>two\nmore of two</p></li>\n</ol>"),
            "{out}"
        );
        let lazy = render("- one\ncontinued\n- two");
        assert!(lazy.contains("<li>one\ncontinued</li>\n<li>two</li>"), "{lazy}");
    }

    #[test]
    fn tables_render_with_header_cells() {
        let out = render("| Message | Meaning |\n|---|---|\n| *Locked* | wait \\| retry |\n");
        assert!(out.contains("<th scope=\"col\">Message</th><th scope=\"col\">Meaning</th>"), "{out}");
        assert!(out.contains("<td><em>Locked</em></td><td>wait | retry</td>"), "{out}");
    }

    #[test]
    fn hostile_nesting_is_bounded_and_balanced() {
        let deep = ">".repeat(5000) + " x";
        let out = render(&deep);
        assert_eq!(out.matches("<blockquote>").count(), out.matches("</blockquote>").count());
        let list: String = (0..200).map(|i| format!("{}- x\n", "  ".repeat(i))).collect();
        let out = render(&list);
        assert_eq!(out.matches("<ul>").count(), out.matches("</ul>").count());
        let stars = "*a **b ".repeat(20_000);
        let out = render(&stars);
        assert_eq!(out.matches("<em>").count(), out.matches("</em>").count());
        assert_eq!(out.matches("<strong>").count(), out.matches("</strong>").count());
    }
}
