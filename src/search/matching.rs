//! Checks in Rust which groups of a query a candidate matched and where
//! (title or body): FTS5 finds candidates, this says how well each answers
//! the whole question, for ranking and for snippets.

use super::query::{Query, Variant};
use super::tokenize::scan;

/// How much a match in each field of an article counts (see `coverage`):
/// the title says most, the category least.
pub const TITLE_FACTOR: f64 = 1.0;
pub const TAGS_FACTOR: f64 = 0.9;
pub const CATEGORY_FACTOR: f64 = 0.5;
pub const BODY_FACTOR: f64 = 0.6;

/// A field's words, for repeated look-ups: each distinct word once, sorted,
/// and the text as positions into that list (for phrases). The distinct
/// words share one string: analysing a candidate's text is most of a
/// search's work outside SQLite, and a string per word made it mostly
/// allocation (and freeing, when the cache of analysed articles turns over).
#[derive(Debug, Clone, Default)]
pub struct FieldWords {
    /// The distinct words end to end, in sorted order.
    text: String,
    /// Where each distinct word ends in `text` (it starts where the one
    /// before it ends).
    ends: Vec<usize>,
    seq: Vec<u32>,
}

impl FieldWords {
    pub fn new(text: &str) -> FieldWords {
        let (mut all, mut all_ends) = (String::new(), Vec::new());
        scan(text, |w, _, _| {
            all.push_str(w);
            all_ends.push(all.len());
        });
        let word = |i: usize| &all[if i == 0 { 0 } else { all_ends[i - 1] }..all_ends[i]];
        let mut order: Vec<usize> = (0..all_ends.len()).collect();
        order.sort_unstable_by(|&a, &b| word(a).cmp(word(b)));
        let mut f = FieldWords { text: String::with_capacity(all.len()), ends: Vec::new(), seq: Vec::new() };
        f.seq.resize(all_ends.len(), 0);
        let mut last: Option<&str> = None;
        for i in order {
            let w = word(i);
            if last != Some(w) {
                f.text.push_str(w);
                f.ends.push(f.text.len());
                last = Some(w);
            }
            f.seq[i] = u32::try_from(f.ends.len() - 1).unwrap_or(u32::MAX);
        }
        f.text.shrink_to_fit();
        f
    }

    /// The `i`th distinct word (in sorted order).
    fn word(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }

    fn has(&self, token: &str, prefix: bool) -> bool {
        let (mut lo, mut hi) = (0, self.ends.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.word(mid) < token {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo < self.ends.len() && {
            let t = self.word(lo);
            if prefix {
                t.starts_with(token)
            } else {
                t == token
            }
        }
    }

    /// Whether the field contains the variant (a word, all words, or a phrase).
    pub fn matches(&self, v: &Variant) -> bool {
        let n = v.tokens.len();
        let each = |i: usize| {
            if v.is_prefix(i) {
                self.has(&v.tokens[i], true)
            } else {
                v.alternatives(i).iter().any(|a| self.has(a, false))
            }
        };
        if !(0..n).all(each) {
            return false;
        }
        if n == 1 || v.loose {
            return true;
        }
        self.seq
            .windows(n)
            .any(|w| w.iter().enumerate().all(|(i, &have)| v.token_matches(i, self.word(have as usize))))
    }
}

/// How much of the question a candidate answers, from 0 to 1: each known
/// group counts by its weight, times the best (field factor x alternative
/// quality) among its matches. `fields` pairs each field with its factor
/// (a match in the title says more than one in the body).
pub fn coverage(q: &Query, fields: &[(&FieldWords, f64)]) -> f64 {
    coverage_at_most(q, fields, 0.0)
}

/// `coverage` of a candidate with one more field not analysed yet, whose
/// factor is `unread`: the most it can reach, taking that field to hold
/// every alternative. Ranking analyses a long body only while the article
/// could still make the list (see `service::suggest::rank_articles`).
pub fn coverage_at_most(q: &Query, fields: &[(&FieldWords, f64)], unread: f64) -> f64 {
    let total: f64 = q.groups.iter().map(|g| g.weight).sum();
    if total <= 0.0 {
        return 0.0;
    }
    let got: f64 = q
        .groups
        .iter()
        .filter(|g| g.weight > 0.0)
        .map(|g| {
            let best = g
                .variants
                .iter()
                .map(|v| {
                    let field = fields.iter().filter(|(f, _)| f.matches(v)).map(|(_, factor)| *factor);
                    field.fold(unread, f64::max) * v.origin.quality()
                })
                .fold(0.0, f64::max);
            g.weight * best
        })
        .sum();
    (got / total).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::query::Origin;
    use crate::search::synonyms::Synonyms;
    use crate::search::vocab::Vocab;

    fn v(tokens: &[&str], prefix: bool, loose: bool) -> Variant {
        let tokens: Vec<String> = tokens.iter().map(|t| t.to_string()).collect();
        let forms = tokens.iter().map(|t| vec![t.clone(), format!("{t}s")]).collect();
        Variant {
            tokens,
            prefix,
            loose,
            forms,
            origin: Origin::Typed,
            completions: Vec::new(),
            common: false,
        }
    }

    #[test]
    fn words_phrases_and_prefixes() {
        let f = FieldWords::new("Connecting to the SchoolStaff Wi-Fi from a laptop");
        assert!(f.matches(&v(&["laptop"], false, false)));
        assert!(f.matches(&v(&["connect"], true, false)));
        assert!(!f.matches(&v(&["connect"], false, false)));
        assert!(f.matches(&v(&["wi", "fi"], false, false)));
        assert!(!f.matches(&v(&["fi", "wi"], false, false)), "a phrase keeps its order");
        assert!(f.matches(&v(&["fi", "wi"], false, true)), "loose words need not");
        assert!(!f.matches(&v(&["staff", "wi"], true, true)), "schoolstaff is not staff");
        assert!(f.matches(&v(&["wi", "lap"], true, true)), "the last loose word is a prefix");
        assert!(!f.matches(&v(&["lap", "wi"], true, true)), "only the last");
        assert!(f.matches(&v(&["laptop", "connecting"], false, true)));
        let forms = v(&["laptop", "connecting"], false, true);
        assert!(FieldWords::new("two laptops, connecting").matches(&forms), "loose words match their forms");
        assert!(f.matches(&v(&["the", "school"], true, false)));
    }

    #[test]
    fn coverage_prefers_the_title_and_whole_answers() {
        let vocab = Vocab::new(
            ["paper", "jam", "jams", "copier", "toner"].iter().map(|w| (w.to_string(), 5)).collect(),
            50,
        );
        let q = Query::parse("paper jam copier", &vocab, Synonyms::builtin(), false);
        let title = FieldWords::new("Clearing a paper jam on the copier");
        let empty = FieldWords::new("");
        let body = FieldWords::new("If paper jams in the copier, open the cover");
        let in_title = coverage(&q, &[(&title, 1.0), (&empty, 0.6)]);
        let in_body = coverage(&q, &[(&empty, 1.0), (&body, 0.6)]);
        let toner = coverage(&q, &[(&FieldWords::new("Replacing toner in the copier"), 1.0)]);
        assert!(in_title > 0.95, "{in_title}");
        assert!(in_body < in_title && in_body > toner, "{in_body} {toner}");
        assert!(toner > 0.0 && toner <= 0.5, "one of two parts of the question: {toner}");
        let bound = coverage_at_most(&q, &[(&empty, 1.0)], 0.6);
        assert!(bound >= in_body && bound < in_title, "a body not read yet: {bound}");
        assert_eq!(coverage_at_most(&q, &[(&title, 1.0)], 0.6), in_title, "a title match already decides");
    }
}
