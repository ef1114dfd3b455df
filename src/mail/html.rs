//! HTML mail bodies turned into readable plain text: paragraphs and line
//! breaks kept, lists as "- item", links as "text <url>", tables as rows,
//! `<blockquote>` as "> " lines (so quoted history can be trimmed like in
//! plain mail), entities decoded, and styles, scripts and images dropped.
//!
//! Deliberately a forgiving scanner rather than a full HTML parser: mail
//! HTML is rarely well formed, and all we need is the words in order.

/// Elements whose content is never text for a reader.
const SKIP: &[&str] = &["head", "style", "script", "title", "template", "noscript", "xml", "svg", "object"];
/// Elements that start and end on their own line.
const BLOCK: &[&str] = &[
    "div",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "nav",
    "aside",
    "address",
    "center",
    "form",
    "fieldset",
    "table",
    "tbody",
    "thead",
    "tfoot",
    "dl",
    "dd",
    "dt",
    "figure",
    "figcaption",
    "ul",
    "ol",
];
/// Elements separated from their neighbours by a blank line.
const PARAGRAPH: &[&str] = &["p", "h1", "h2", "h3", "h4", "h5", "h6", "pre"];

struct Writer {
    lines: Vec<String>,
    line: String,
    /// `<blockquote>` depth: each level prefixes "> ".
    quote: usize,
    /// The quote depth the current line was started at.
    line_quote: usize,
    pending_space: bool,
    pending_blank: bool,
    pre: usize,
    /// Counters of the open `<ol>` lists (None for `<ul>`).
    lists: Vec<Option<usize>>,
    /// The href of the open `<a>` and where its text began.
    link: Option<(String, usize)>,
    cells_in_row: usize,
}

impl Writer {
    fn new() -> Writer {
        Writer {
            lines: Vec::new(),
            line: String::new(),
            quote: 0,
            line_quote: 0,
            pending_space: false,
            pending_blank: false,
            pre: 0,
            lists: Vec::new(),
            link: None,
            cells_in_row: 0,
        }
    }

    fn text(&mut self, s: &str) {
        if self.pre > 0 {
            for (i, part) in s.split('\n').enumerate() {
                if i > 0 {
                    self.newline();
                }
                self.push_word(part);
            }
            return;
        }
        for (i, word) in s.split(|c: char| c.is_whitespace() || c == '\u{a0}').enumerate() {
            if i > 0 {
                self.pending_space = true;
            }
            if !word.is_empty() {
                if self.pending_space && !self.line.is_empty() {
                    self.line.push(' ');
                }
                self.pending_space = false;
                self.push_word(word);
            }
        }
    }

    fn push_word(&mut self, word: &str) {
        if self.line.is_empty() {
            if self.pending_blank && !self.lines.is_empty() {
                self.blank_line();
            }
            self.pending_blank = false;
            self.line_quote = self.quote;
        }
        self.line.push_str(word);
    }

    fn blank_line(&mut self) {
        if self.lines.last().is_some_and(|l| !is_blank(l)) {
            self.lines.push(String::new());
        }
    }

    /// Ends the current line (if it has text).
    fn newline(&mut self) {
        if !self.line.is_empty() {
            let text = std::mem::take(&mut self.line);
            self.lines.push(format!("{}{}", "> ".repeat(self.line_quote), text.trim_end()));
        }
        self.pending_space = false;
    }

    /// Ends the line and asks for a blank line before the next text.
    fn paragraph(&mut self) {
        self.newline();
        self.pending_blank = true;
    }

    fn finish(mut self) -> String {
        self.newline();
        let mut out: Vec<String> = Vec::new();
        for line in self.lines {
            if is_blank(&line) && out.last().is_none_or(|l| is_blank(l)) {
                continue;
            }
            out.push(line);
        }
        while out.last().is_some_and(|l| is_blank(l)) {
            out.pop();
        }
        // A gap inside a quote stays inside it: "> a", ">", "> b".
        for i in 1..out.len().saturating_sub(1) {
            if is_blank(&out[i]) {
                let depth = quote_depth(&out[i - 1]).min(quote_depth(&out[i + 1]));
                out[i] = "> ".repeat(depth).trim_end().to_string();
            }
        }
        out.join("\n")
    }
}

fn is_blank(line: &str) -> bool {
    line.chars().all(|c| c == '>' || c.is_whitespace())
}

fn quote_depth(line: &str) -> usize {
    let mut rest = line;
    let mut depth = 0;
    while let Some(r) = rest.strip_prefix('>') {
        depth += 1;
        rest = r.strip_prefix(' ').unwrap_or(r);
    }
    depth
}

/// Plain text of an HTML document or fragment.
pub fn html_to_text(html: &str) -> String {
    let mut w = Writer::new();
    let mut skip: Option<String> = None;
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            if skip.is_none() {
                w.text(&decode_entities(rest));
            }
            break;
        };
        if lt > 0 && skip.is_none() {
            w.text(&decode_entities(&rest[..lt]));
        }
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map(|e| &after[e + 3..]).unwrap_or("");
            continue;
        }
        let Some(tag_end) = tag_end(rest) else {
            // A lone '<' that opens no tag is text.
            if skip.is_none() {
                w.text("<");
            }
            rest = &rest[1..];
            continue;
        };
        let tag = &rest[1..tag_end];
        rest = &rest[tag_end + 1..];
        let (closing, name, attrs) = split_tag(tag);
        if let Some(open) = &skip {
            if closing && name == *open {
                skip = None;
            }
            continue;
        }
        if name.is_empty() || name.starts_with('!') || name.starts_with('?') {
            continue;
        }
        if !closing && SKIP.contains(&name.as_str()) && !tag.ends_with('/') {
            skip = Some(name);
            continue;
        }
        element(&mut w, closing, &name, attrs);
    }
    w.finish()
}

fn element(w: &mut Writer, closing: bool, name: &str, attrs: &str) {
    match name {
        "br" => {
            if w.line.is_empty() && !w.pending_blank {
                // An empty line in the source is an intended gap.
                w.lines.push(String::new());
            }
            w.newline();
        }
        "hr" => {
            w.newline();
            w.lines.push(format!("{}{}", "> ".repeat(w.quote), "-".repeat(32)));
        }
        "blockquote" => {
            w.paragraph();
            w.quote = if closing { w.quote.saturating_sub(1) } else { w.quote + 1 };
        }
        "pre" => {
            w.paragraph();
            w.pre = if closing { w.pre.saturating_sub(1) } else { w.pre + 1 };
        }
        "ul" | "ol" => {
            w.newline();
            if closing {
                w.lists.pop();
            } else {
                w.lists.push((name == "ol").then_some(0));
            }
        }
        "li" if !closing => {
            w.newline();
            let depth = w.lists.len().saturating_sub(1);
            let marker = match w.lists.last_mut() {
                Some(Some(n)) => {
                    *n += 1;
                    format!("{n}. ")
                }
                _ => "- ".to_string(),
            };
            w.push_word(&format!("{}{marker}", "  ".repeat(depth)));
        }
        "li" => w.newline(),
        "tr" => {
            w.newline();
            w.cells_in_row = 0;
        }
        "td" | "th" if !closing => {
            if w.cells_in_row > 0 && !w.line.is_empty() {
                w.line.push_str("  ");
            }
            w.cells_in_row += 1;
        }
        "a" if !closing => {
            let start = if w.line.is_empty() { 0 } else { w.line.len() + usize::from(w.pending_space) };
            w.link = attr(attrs, "href").map(|h| (h, start));
        }
        "a" => {
            if let Some((href, start)) = w.link.take() {
                let shown = w.line.get(start..).unwrap_or("").trim().to_string();
                let target = href.strip_prefix("mailto:").unwrap_or(&href);
                let useful = href.starts_with("http") || href.starts_with("mailto:");
                if useful && !shown.is_empty() && shown != target && !target.contains(' ') {
                    w.line.push_str(&format!(" <{target}>"));
                }
            }
        }
        "img" => {
            // Pasted screenshots and signature logos: the attachment list names them.
        }
        n if PARAGRAPH.contains(&n) => w.paragraph(),
        n if BLOCK.contains(&n) => w.newline(),
        _ => {}
    }
}

/// Where a tag that starts at `s[0] == '<'` ends (the index of its '>'),
/// honouring quoted attribute values; None when it is not a tag.
fn tag_end(s: &str) -> Option<usize> {
    let next = s[1..].chars().next()?;
    if !(next.is_ascii_alphabetic() || next == '/' || next == '!' || next == '?') {
        return None;
    }
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices().skip(1) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}

/// (closing, lower-case name, attribute text) of a tag's inside.
fn split_tag(tag: &str) -> (bool, String, &str) {
    let (closing, tag) = match tag.strip_prefix('/') {
        Some(t) => (true, t),
        None => (false, tag),
    };
    let end = tag.find(|c: char| c.is_whitespace() || c == '/').unwrap_or(tag.len());
    let name = tag[..end].to_ascii_lowercase();
    // Namespaced Office tags (o:p, v:shape) carry nothing readable.
    let name = if name.contains(':') { String::new() } else { name };
    (closing, name, &tag[end..])
}

/// The value of attribute `name` in a tag's attribute text.
fn attr(attrs: &str, name: &str) -> Option<String> {
    let lower = attrs.to_ascii_lowercase();
    let mut from = 0;
    while let Some(pos) = lower[from..].find(name) {
        let at = from + pos;
        from = at + name.len();
        let before_ok = at == 0 || lower.as_bytes()[at - 1].is_ascii_whitespace();
        let after = lower[from..].trim_start();
        if !before_ok || !after.starts_with('=') {
            continue;
        }
        let value_start = attrs.len() - after.len() + 1;
        let value = attrs[value_start..].trim_start();
        let v = match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or(""),
            _ => value.split(|c: char| c.is_whitespace() || c == '>').next().unwrap_or(""),
        };
        return Some(decode_entities(v).trim().to_string());
    }
    None
}

/// Decodes `&amp;`, `&eacute;`, `&#233;`, `&#xE9;` ... (the full HTML5
/// table, through mail-parser); an unknown or unterminated one is kept.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest[1..]
            .char_indices()
            .take(32)
            .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '#'))
            .map(|(i, c)| (i + 1, c));
        match end {
            Some((semi, ';')) if semi > 1 => {
                mail_parser::decoders::html::add_html_token(&mut out, &rest.as_bytes()[..=semi], false);
                rest = &rest[semi + 1..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_breaks_and_entities() {
        let html = "<html><head><style>p{color:red}</style><title>x</title></head><body>\
            <p>Hello&nbsp;team,</p><p>The printer in room&nbsp;12 says &quot;PC LOAD LETTER&quot;<br>\
            and won&#39;t print &amp; the caf&eacute; one is fine.</p><div>Thanks</div></body></html>";
        assert_eq!(
            html_to_text(html),
            "Hello team,\n\nThe printer in room 12 says \"PC LOAD LETTER\"\nand won't print & the café one is fine.\n\nThanks"
        );
    }

    #[test]
    fn lists_links_tables_and_quotes() {
        let html = "<ul><li>one</li><li>two</li></ul><ol><li>first</li><li>second</li></ol>\
            <p>See <a href=\"https://help.example.org/kb/12\">the guide</a> or \
            <a href=\"https://x.org\">https://x.org</a></p>\
            <table><tr><td>Room</td><td>12</td></tr><tr><td>Asset</td><td>PC-044</td></tr></table>\
            <blockquote><p>old text</p><blockquote>older</blockquote></blockquote><p>after</p>";
        assert_eq!(
            html_to_text(html),
            "- one\n- two\n1. first\n2. second\n\nSee the guide <https://help.example.org/kb/12> or https://x.org\n\n\
             Room  12\nAsset  PC-044\n\n> old text\n>\n> > older\n\nafter"
        );
    }

    #[test]
    fn broken_html_never_loses_text() {
        assert_eq!(html_to_text("a < b and c > d"), "a < b and c > d");
        assert_eq!(html_to_text("<p>unclosed <b>bold"), "unclosed bold");
        assert_eq!(html_to_text("x <!-- hidden --> y <o:p></o:p>z"), "x y z");
        assert_eq!(html_to_text("<script>alert(1)</script>ok"), "ok");
        assert_eq!(html_to_text("&bogus; &amp &#x41;"), "&bogus; &amp A");
        assert_eq!(html_to_text("<a href='x>y'>t</a>"), "t");
        assert_eq!(html_to_text("<pre>  keep\n    this</pre>"), "  keep\n    this");
    }
}
