//! Inline Markdown (emphasis, code, links) to HTML. An opening marker
//! becomes a tag only when its closer is found, and what lies between is
//! rendered on its own, so the output is always balanced. Searches that
//! fail are remembered, so hostile text (thousands of lone `*` or `[`)
//! stays linear rather than quadratic.

use super::escape::{escape, escape_char};
use std::collections::HashMap;

/// Emphasis inside emphasis inside a link ... deeper than this is text.
const MAX_DEPTH: usize = 16;
/// The longest link target looked for between `(` and `)`.
const MAX_URL: usize = 2048;

/// Inline Markdown as HTML.
pub fn render(text: &str) -> String {
    Parser::new(text, false).all()
}

/// Inline Markdown as plain text: what a reader sees, without markup.
pub fn plain(text: &str) -> String {
    Parser::new(text, true).all()
}

/// A link target the site may use: http(s), mailto and tel, or a relative
/// one. Anything with another scheme (`javascript:`, `data:`, `file:`),
/// spaces or control characters is refused.
pub fn safe_url(url: &str) -> bool {
    if url.is_empty() || url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return false;
    }
    let Some(colon) = url.find(':') else { return true };
    let scheme = &url[..colon];
    let is_scheme = scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    // A colon after a `/`, `?` or `#` is part of a relative path, not a scheme.
    let before_path = url.find(['/', '?', '#']).is_none_or(|p| colon < p);
    if !before_path {
        return true;
    }
    // Anything else with a colon up front must be a scheme we allow: text
    // that is not a valid scheme ("![javascript:...") is refused rather than
    // trusted to be read as a relative path.
    is_scheme && ["http", "https", "mailto", "tel"].contains(&scheme.to_ascii_lowercase().as_str())
}

struct Parser {
    c: Vec<char>,
    plain: bool,
    /// (marker, run length, end of range) -> the earliest start from which
    /// no closer was found: later starts cannot find one either.
    failed: HashMap<(char, usize, usize), usize>,
    /// The last search for `]`: (searched from, found at).
    bracket: Option<(usize, Option<usize>)>,
    /// `]` position -> the `)` closing the link target after it.
    parens: HashMap<usize, Option<usize>>,
}

impl Parser {
    fn new(text: &str, plain: bool) -> Parser {
        Parser {
            c: text.chars().collect(),
            plain,
            failed: HashMap::new(),
            bracket: None,
            parens: HashMap::new(),
        }
    }

    fn all(mut self) -> String {
        let mut out = String::new();
        self.run(0, self.c.len(), 0, false, &mut out);
        out
    }

    fn push(&self, c: char, out: &mut String) {
        if self.plain {
            out.push(c);
        } else {
            escape_char(c, out);
        }
    }

    fn push_str(&self, s: &str, out: &mut String) {
        if self.plain {
            out.push_str(s);
        } else {
            out.push_str(&escape(s));
        }
    }

    fn tag(&self, t: &str, out: &mut String) {
        if !self.plain {
            out.push_str(t);
        }
    }

    fn text(&self, from: usize, to: usize) -> String {
        self.c[from..to].iter().collect()
    }

    fn run(&mut self, start: usize, end: usize, depth: usize, in_link: bool, out: &mut String) {
        if depth > MAX_DEPTH {
            let t = self.text(start, end);
            self.push_str(&t, out);
            return;
        }
        let mut i = start;
        while i < end {
            let ch = self.c[i];
            i = match ch {
                '\\' if i + 1 < end && self.c[i + 1].is_ascii_punctuation() => {
                    self.push(self.c[i + 1], out);
                    i + 2
                }
                '`' => self.code(i, end, out),
                '*' | '_' => self.emphasis(i, end, depth, in_link, out),
                '!' if !in_link && self.c.get(i + 1) == Some(&'[') => {
                    match self.link(i + 1, end, depth, true, out) {
                        Some(next) => next,
                        None => {
                            self.push('!', out);
                            i + 1
                        }
                    }
                }
                '[' if !in_link => match self.link(i, end, depth, false, out) {
                    Some(next) => next,
                    None => {
                        self.push('[', out);
                        i + 1
                    }
                },
                '<' if !in_link => self.autolink(i, end, out),
                'h' | 'H' if !in_link && self.bare_url_at(i) => self.bare_url(i, end, out),
                c => {
                    self.push(c, out);
                    i + 1
                }
            };
        }
    }

    fn run_len(&self, i: usize, end: usize) -> usize {
        let ch = self.c[i];
        self.c[i..end].iter().take_while(|&&c| c == ch).count()
    }

    /// `` `code` ``: a run of backticks closed by a run of the same length.
    fn code(&mut self, i: usize, end: usize, out: &mut String) -> usize {
        let n = self.run_len(i, end);
        let key = ('`', n, end);
        let mut close = None;
        if self.failed.get(&key).is_none_or(|&from| i < from) {
            let mut j = i + n;
            while j < end {
                if self.c[j] == '`' {
                    let m = self.run_len(j, end);
                    if m == n {
                        close = Some(j);
                        break;
                    }
                    j += m;
                } else {
                    j += 1;
                }
            }
            if close.is_none() {
                self.failed.insert(key, i);
            }
        }
        let Some(j) = close else {
            self.push_str(&"`".repeat(n), out);
            return i + n;
        };
        let mut body = self.text(i + n, j).replace('\n', " ");
        if body.len() > 2 && body.starts_with(' ') && body.ends_with(' ') && !body.trim().is_empty() {
            body = body[1..body.len() - 1].to_string();
        }
        self.tag("<code>", out);
        self.push_str(&body, out);
        self.tag("</code>", out);
        j + n
    }

    /// `*em*`, `_em_`, `**strong**`, `__strong__`. An underscore inside a
    /// word (adm_smith) is just a character.
    fn emphasis(&mut self, i: usize, end: usize, depth: usize, in_link: bool, out: &mut String) -> usize {
        let d = self.c[i];
        let len = if self.run_len(i, end) >= 2 { 2 } else { 1 };
        let after = (i + len < end).then(|| self.c[i + len]);
        let before = i.checked_sub(1).map(|p| self.c[p]);
        let opens = after.is_some_and(|c| !c.is_whitespace())
            && (d == '*' || !before.is_some_and(char::is_alphanumeric));
        let close = if opens { self.closer(d, len, i + len + 1, end, i) } else { None };
        let Some(j) = close else {
            self.push(d, out);
            return i + 1;
        };
        let (open_tag, close_tag) = if len == 2 { ("<strong>", "</strong>") } else { ("<em>", "</em>") };
        self.tag(open_tag, out);
        self.run(i + len, j, depth + 1, in_link, out);
        self.tag(close_tag, out);
        j + len
    }

    fn closer(&mut self, d: char, len: usize, from: usize, end: usize, opener: usize) -> Option<usize> {
        let key = (d, len, end);
        if self.failed.get(&key).is_some_and(|&f| opener >= f) {
            return None;
        }
        let mut j = from;
        while j < end {
            if self.c[j] != d {
                j += 1;
                continue;
            }
            let r = self.run_len(j, end);
            let before_ok = !self.c[j - 1].is_whitespace();
            let after = self.c.get(j + len).copied();
            let after_ok = d == '*' || !after.is_some_and(char::is_alphanumeric);
            let fits = if len == 2 { r >= 2 } else { r == 1 };
            if fits && before_ok && after_ok {
                return Some(j);
            }
            j += r;
        }
        self.failed.insert(key, opener);
        None
    }

    /// The first `]` at or after `from`.
    fn next_bracket(&mut self, from: usize) -> Option<usize> {
        if let Some((searched, found)) = self.bracket {
            if searched <= from && found.is_none_or(|f| from <= f) {
                return found;
            }
        }
        let found = (from..self.c.len()).find(|&k| self.c[k] == ']');
        self.bracket = Some((from, found));
        found
    }

    /// The `)` ending a link target that starts at `open + 1`.
    fn close_paren(&mut self, bracket: usize) -> Option<usize> {
        if let Some(&known) = self.parens.get(&bracket) {
            return known;
        }
        let mut depth = 0;
        let mut found = None;
        for k in bracket + 2..(bracket + 2 + MAX_URL).min(self.c.len()) {
            match self.c[k] {
                '\n' => break,
                '(' => depth += 1,
                ')' if depth == 0 => {
                    found = Some(k);
                    break;
                }
                ')' => depth -= 1,
                _ => {}
            }
        }
        self.parens.insert(bracket, found);
        found
    }

    /// `[text](url)` or, for an image, `![alt](url)`: an image becomes a
    /// plain link to it (the site loads nothing from elsewhere).
    fn link(&mut self, i: usize, end: usize, depth: usize, image: bool, out: &mut String) -> Option<usize> {
        let j = self.next_bracket(i + 1).filter(|&j| j + 1 < end && self.c[j + 1] == '(')?;
        let close = self.close_paren(j).filter(|&k| k < end)?;
        let inner = self.text(j + 2, close);
        let inner = inner.trim();
        let (url, title) = match inner.strip_prefix('<') {
            Some(rest) => rest.split_once('>').unwrap_or((rest, "")),
            None => inner.split_once(char::is_whitespace).unwrap_or((inner, "")),
        };
        // After the target only a quoted title may follow; anything else
        // means this was not a link at all.
        let title = title.trim();
        let quoted =
            |open: char, close: char| title.len() >= 2 && title.starts_with(open) && title.ends_with(close);
        if !(title.is_empty() || quoted('"', '"') || quoted('\'', '\'') || quoted('(', ')')) {
            return None;
        }
        let href = (!self.plain && safe_url(url)).then(|| escape(url));
        if image {
            let alt = plain(&self.text(i + 1, j));
            let alt = if alt.trim().is_empty() { "image".to_string() } else { alt };
            match href {
                Some(h) => out.push_str(&format!("<a href=\"{h}\">Image: {}</a>", escape(&alt))),
                None => self.push_str(&alt, out),
            }
        } else {
            if let Some(h) = &href {
                out.push_str(&format!("<a href=\"{h}\">"));
            }
            self.run(i + 1, j, depth + 1, true, out);
            if href.is_some() {
                out.push_str("</a>");
            }
        }
        Some(close + 1)
    }

    /// `<https://...>` or `<someone@school.sch.uk>`; any other `<` is text.
    fn autolink(&mut self, i: usize, end: usize, out: &mut String) -> usize {
        let close = (i + 1..end.min(i + 1 + MAX_URL))
            .take_while(|&k| !self.c[k].is_whitespace() && self.c[k] != '<')
            .find(|&k| self.c[k] == '>');
        if let Some(k) = close {
            let s = self.text(i + 1, k);
            let lower = s.to_ascii_lowercase();
            let href = if ["http://", "https://", "mailto:"].iter().any(|p| lower.starts_with(p)) {
                Some(s.clone())
            } else if s.contains('@') && !s.contains(':') && !s.starts_with('@') && !s.ends_with('@') {
                Some(format!("mailto:{s}"))
            } else {
                None
            };
            if let Some(h) = href.filter(|h| safe_url(h)) {
                if self.plain {
                    out.push_str(&s);
                } else {
                    out.push_str(&format!("<a href=\"{}\">{}</a>", escape(&h), escape(&s)));
                }
                return k + 1;
            }
        }
        self.push('<', out);
        i + 1
    }

    fn bare_url_at(&self, i: usize) -> bool {
        let starts = |p: &str| {
            p.chars()
                .enumerate()
                .all(|(k, pc)| self.c.get(i + k).is_some_and(|c| c.to_ascii_lowercase() == pc))
        };
        let word_start =
            i == 0 || !(self.c[i - 1].is_alphanumeric() || matches!(self.c[i - 1], '/' | '.' | '-'));
        word_start && (starts("http://") || starts("https://"))
    }

    /// A bare `https://...` in text becomes a link (as on GitHub); trailing
    /// punctuation stays outside it.
    fn bare_url(&mut self, i: usize, end: usize, out: &mut String) -> usize {
        let mut k = i;
        while k < end && !self.c[k].is_whitespace() && !matches!(self.c[k], '<' | '>' | '"') {
            k += 1;
        }
        loop {
            let last = self.c[k - 1];
            let opens = self.c[i..k].iter().filter(|&&c| c == '(').count();
            let closes = self.c[i..k].iter().filter(|&&c| c == ')').count();
            if matches!(last, '.' | ',' | ';' | ':' | '!' | '?' | '\'' | '*' | '_')
                || (last == ')' && closes > opens)
            {
                k -= 1;
            } else {
                break;
            }
        }
        let url = self.text(i, k);
        if !url.contains("//") || url.ends_with("//") || !safe_url(&url) {
            self.push(self.c[i], out);
            return i + 1;
        }
        if self.plain {
            out.push_str(&url);
        } else {
            out.push_str(&format!("<a href=\"{}\">{}</a>", escape(&url), escape(&url)));
        }
        k
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emphasis_code_and_escapes() {
        assert_eq!(
            render("The **copier** says *Paper jam*"),
            "The <strong>copier</strong> says <em>Paper jam</em>"
        );
        assert_eq!(render("_it_ and adm_smith_x"), "<em>it</em> and adm_smith_x");
        assert_eq!(render("`a <b> c` and ``x ` y``"), "<code>a &lt;b&gt; c</code> and <code>x ` y</code>");
        assert_eq!(render("2 * 3 * 4 and a*"), "2 * 3 * 4 and a*");
        assert_eq!(render("\\*not em\\*"), "*not em*");
        assert_eq!(render("**unclosed"), "**unclosed");
        assert_eq!(render("*a **b** c*"), "<em>a <strong>b</strong> c</em>");
    }

    #[test]
    fn a_colon_before_any_path_needs_an_allowed_scheme() {
        // Found by the property test: not a valid scheme, so not a link.
        assert!(!safe_url("![javascript:alert(1)12"));
        assert!(!render("![](![javascript:alert(1)12) ").contains("href"));
        assert!(safe_url("guide/page:2"));
        assert!(safe_url("https://example.org/a:b"));
        assert!(!safe_url("JavaScript:alert(1)"));
    }

    #[test]
    fn links_keep_only_safe_targets() {
        assert_eq!(
            render("See [the **guide**](https://example.org/g \"Guide\")."),
            "See <a href=\"https://example.org/g\">the <strong>guide</strong></a>."
        );
        assert_eq!(render("[click](javascript:alert(1))"), "click");
        assert_eq!(render("[x](JaVaScRiPt:alert(1))"), "x");
        assert_eq!(render("[x](data:text/html,hi)"), "x");
        assert_eq!(render("[x](java\tscript:alert(1))"), "[x](java\tscript:alert(1))");
        assert_eq!(render("[x](\"onmouseover=alert(1))"), "<a href=\"&quot;onmouseover=alert(1)\">x</a>");
        assert_eq!(
            render("[help](#fix) [w](https://en.wikipedia.org/wiki/Fuser_(printing))"),
            "<a href=\"#fix\">help</a> <a href=\"https://en.wikipedia.org/wiki/Fuser_(printing)\">w</a>"
        );
        assert_eq!(
            render("![diagram](https://x.org/a.png)"),
            "<a href=\"https://x.org/a.png\">Image: diagram</a>"
        );
        assert_eq!(render("[a] b [c"), "[a] b [c");
    }

    #[test]
    fn autolinks_and_bare_urls() {
        assert_eq!(
            render("Go to https://portal.example.org/reset. Or <it@school.sch.uk>."),
            "Go to <a href=\"https://portal.example.org/reset\">https://portal.example.org/reset</a>. Or <a href=\"mailto:it@school.sch.uk\">it@school.sch.uk</a>."
        );
        assert_eq!(render("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
        assert_eq!(render("(see https://x.org/a)"), "(see <a href=\"https://x.org/a\">https://x.org/a</a>)");
        assert_eq!(render("http:// alone"), "http:// alone");
    }

    #[test]
    fn plain_text_drops_markup() {
        assert_eq!(
            plain("1. Check the **username** in [SIMS](https://sims.example)"),
            "1. Check the username in SIMS"
        );
    }

    #[test]
    fn hostile_runs_stay_fast_and_balanced() {
        let text = "[".repeat(50_000) + &"](".repeat(50_000) + &"`".repeat(3) + &"_a".repeat(50_000);
        let out = render(&text);
        assert!(out.len() >= text.len());
        assert!(!out.contains("<a "));
    }
}
