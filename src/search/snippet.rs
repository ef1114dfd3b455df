//! Short snippets that show why a result matched: the stretch of text with
//! the most of the query's groups, on one line, with the matched words'
//! byte ranges (so a face can highlight them; the text itself stays plain).

use super::query::Query;
use super::tokenize::{tokens, Token};
pub use crate::domain::markdown::plain_markdown;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Snippet {
    pub text: String,
    /// Byte ranges of matched words within `text`.
    pub highlights: Vec<(usize, usize)>,
}

/// Words either side of the best match.
const WINDOW: usize = 20;

/// The best window of `text` for `q`, or None when nothing in it matches.
pub fn best(text: &str, q: &Query) -> Option<Snippet> {
    let toks = tokens(text);
    if toks.is_empty() {
        return None;
    }
    // For each token, the group it helps match (phrases mark every word).
    let mut hit: Vec<Option<usize>> = vec![None; toks.len()];
    for (gi, g) in q.groups.iter().enumerate() {
        for v in &g.variants {
            let n = v.tokens.len();
            if v.loose || n == 1 {
                for (k, t) in toks.iter().enumerate() {
                    if hit[k].is_none() && (0..n).any(|i| v.token_matches(i, &t.text)) {
                        hit[k] = Some(gi);
                    }
                }
            } else {
                for start in 0..toks.len().saturating_sub(n - 1) {
                    let ok = (0..n).all(|i| v.token_matches(i, &toks[start + i].text));
                    if ok {
                        for slot in &mut hit[start..start + n] {
                            slot.get_or_insert(gi);
                        }
                    }
                }
            }
        }
    }
    if hit.iter().all(Option::is_none) {
        return None;
    }
    // The window with the most distinct groups, then the most hits.
    let mut best = (0usize, 0usize, 0usize);
    for start in 0..toks.len() {
        if hit[start].is_none() {
            continue;
        }
        let end = (start + WINDOW).min(toks.len());
        let mut groups: Vec<usize> = hit[start..end].iter().flatten().copied().collect();
        let hits = groups.len();
        groups.sort_unstable();
        groups.dedup();
        if (groups.len(), hits) > (best.1, best.2) {
            best = (start, groups.len(), hits);
        }
    }
    // Start a few words before the first match, for context.
    let from = best.0.saturating_sub(4);
    let to = (from + WINDOW).min(toks.len());
    Some(render(text, &toks, &hit, from, to))
}

fn render(text: &str, toks: &[Token], hit: &[Option<usize>], from: usize, to: usize) -> Snippet {
    let mut out = Snippet::default();
    if from > 0 {
        out.text.push('…');
    }
    for k in from..to {
        if k > from {
            let gap = &text[toks[k - 1].end..toks[k].start];
            push_gap(&mut out.text, gap);
        }
        let word = &text[toks[k].start..toks[k].end];
        let start = out.text.len();
        out.text.push_str(word);
        if hit[k].is_some() {
            out.highlights.push((start, out.text.len()));
        }
    }
    // Keep closing punctuation, then mark a cut.
    if let Some(last) = toks.get(to.wrapping_sub(1)) {
        let tail: String =
            text[last.end..].chars().take_while(|c| matches!(c, '.' | '!' | '?' | ')')).collect();
        out.text.push_str(&tail);
    }
    if to < toks.len() {
        out.text.push('…');
    }
    out
}

/// Separators between words on one line: whitespace runs become one space,
/// control characters go.
fn push_gap(out: &mut String, gap: &str) {
    let mut space = false;
    for c in gap.chars() {
        if c.is_whitespace() || c.is_control() {
            space = true;
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    if space || gap.is_empty() {
        out.push(' ');
    }
}

/// The opening of a text, on one line, when nothing in it matched.
pub fn opening(text: &str, words: usize) -> String {
    let toks = tokens(text);
    if toks.is_empty() {
        return String::new();
    }
    let none = vec![None; toks.len()];
    render(text, &toks, &none, 0, words.min(toks.len())).text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::synonyms::Synonyms;
    use crate::search::vocab::Vocab;

    fn query(text: &str) -> Query {
        let vocab = Vocab::new(
            ["paper", "jam", "jammed", "tray", "printer", "cover"]
                .iter()
                .map(|w| (w.to_string(), 3))
                .collect(),
            10,
        );
        Query::parse(text, &vocab, Synonyms::builtin(), true)
    }

    #[test]
    fn the_snippet_is_the_stretch_with_the_most_matches() {
        let text =
            "Welcome to the guide. It covers many things that are not relevant at all to anything here. \
                    Then, much later: if the paper is jammed in tray 2, open the cover slowly.";
        let s = best(text, &query("jammed tray")).unwrap();
        assert!(s.text.contains("jammed in tray 2"), "{s:?}");
        assert!(s.text.starts_with('…'));
        let marked: Vec<&str> = s.highlights.iter().map(|&(a, b)| &s.text[a..b]).collect();
        assert_eq!(marked, ["jammed", "tray"]);
        assert!(best(text, &query("toner")).is_none());
    }

    #[test]
    fn snippets_are_one_line_without_control_characters() {
        let s = best("Paper\n\n\tjam\x1b[31m here", &query("paper jam")).unwrap();
        assert!(!s.text.chars().any(char::is_control), "{s:?}");
        assert!(s.text.starts_with("Paper jam"), "{s:?}");
    }

    #[test]
    fn openings_are_cut_with_an_ellipsis() {
        assert_eq!(opening("one two three four", 2), "one two…");
        assert_eq!(opening("one two.", 5), "one two.");
        assert_eq!(opening("", 5), "");
    }
}
