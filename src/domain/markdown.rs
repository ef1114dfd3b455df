//! Markdown as plain text: what search matches and snippets read, and the
//! short summary of an article that acknowledgements and the self-help site show.

/// Longest summary quoted in a resolution message.
pub const SUMMARY_CHARS: usize = 400;

/// The gist of an article: the start of its fix section ("Fix", "Solution",
/// "Steps", "What to do") when it has one, else its first paragraph; plain
/// text cut at a word boundary.
pub fn summary(md: &str) -> String {
    let mut section: Option<Vec<&str>> = None;
    let mut first_paragraph: Vec<&str> = Vec::new();
    let mut paragraph_done = false;
    for line in md.lines() {
        let t = line.trim();
        if let Some(heading) = t.strip_prefix('#') {
            if section.as_ref().is_some_and(|s| !s.is_empty()) {
                break;
            }
            paragraph_done |= !first_paragraph.is_empty();
            let h = heading.trim_start_matches('#').trim().to_lowercase();
            if ["fix", "solution", "steps", "what to do", "how to"].iter().any(|k| h.starts_with(k)) {
                section = Some(Vec::new());
            }
            continue;
        }
        match &mut section {
            Some(lines) if !t.is_empty() => lines.push(t),
            Some(_) => {}
            None if !t.is_empty() && !paragraph_done => first_paragraph.push(t),
            None => paragraph_done |= !first_paragraph.is_empty(),
        }
    }
    let lines = section.filter(|s| !s.is_empty()).unwrap_or(first_paragraph);
    let plain = plain_markdown(&lines.join("\n"));
    let text = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= SUMMARY_CHARS {
        return text;
    }
    let mut cut: String = text.chars().take(SUMMARY_CHARS).collect();
    if let Some(space) = cut.rfind(' ') {
        cut.truncate(space);
    }
    cut.push('…');
    cut
}

/// Markdown reduced to plain text for matching and snippets: markers,
/// fences, link targets and table rules go; the words stay, line by line.
pub fn plain_markdown(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    for line in md.lines() {
        let mut l = line.trim();
        if l.starts_with("```")
            || l.starts_with("~~~")
            || l.chars().all(|c| matches!(c, '-' | '|' | ':' | ' ' | '=' | '*'))
        {
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            continue;
        }
        l = l.trim_start_matches('#').trim_start_matches('>').trim_start();
        for marker in ["- ", "* ", "+ "] {
            if let Some(rest) = l.strip_prefix(marker) {
                l = rest;
            }
        }
        if let Some(dot) = l.find(". ") {
            if dot > 0 && dot <= 3 && l[..dot].chars().all(|c| c.is_ascii_digit()) {
                l = &l[dot + 2..];
            }
        }
        out.push_str(&inline_plain(l));
        out.push('\n');
    }
    out
}

/// Drops emphasis and code markers and keeps a link's text, not its target.
fn inline_plain(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c == '!' && rest[1..].starts_with('[') {
            rest = &rest[1..];
            continue;
        }
        if c == '[' {
            if let Some(close) = rest.find("](") {
                if let Some(end) = rest[close..].find(')') {
                    out.push_str(&rest[1..close]);
                    rest = &rest[close + end + 1..];
                    continue;
                }
            }
        }
        match c {
            '*' | '`' => {}
            '|' => out.push(' '),
            _ => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_prefer_the_fix_section() {
        let md = "## Symptoms\n\n- It jams.\n\n## Fix\n\n1. Open **Cover 1**.\n2. Pull the paper out slowly.\n\n## More\n\nOther.";
        assert_eq!(summary(md), "Open Cover 1. Pull the paper out slowly.");
        assert_eq!(summary("Just restart it.\n\nThen more."), "Just restart it.");
        let long = format!("## Fix\n\n{}", "word ".repeat(200));
        let s = summary(&long);
        assert!(s.ends_with('…') && s.chars().count() <= SUMMARY_CHARS + 1, "{s}");
    }

    #[test]
    fn markdown_becomes_plain_words() {
        let md = "## Fix\n\n1. Open **Cover 1** and pull `slowly`.\n- See [the guide](https://x/y).\n\n| a | b |\n|---|---|\n```\ncode\n```";
        let plain = plain_markdown(md);
        assert!(plain.contains("Fix\n"), "{plain}");
        assert!(plain.contains("Open Cover 1 and pull slowly."), "{plain}");
        assert!(plain.contains("See the guide."), "{plain}");
        assert!(!plain.contains("https") && !plain.contains("**") && !plain.contains("---"), "{plain}");
        assert!(plain.contains("code"));
    }
}
