//! Repairs of what was typed before it is searched: a letter that hopped
//! over a space ("won' topen"), and a two-letter word being typed after
//! others ("very sl"). Split from `query` so the parse reads as one thing.

use super::query::{Group, Origin, Variant};
use super::tokenize::is_stopword;
use super::vocab::Vocab;

/// Known words a two-letter word being typed after others may become.
const SHORT_COMPLETIONS: usize = 4;

/// A word cut at two letters after other words ("wifi very sl"): too short
/// to match as a prefix (it would rank most of the index), so it stands for
/// the most common known words it begins, matched as they are: the few in
/// at least half as many articles as the commonest (two letters say little,
/// and a rare "sleeve" matching as well as "slow" pulled the wrong articles up).
pub(super) fn complete_short(g: &mut Group, w: &str, vocab: &Vocab) {
    let mut found: Vec<(&str, u32)> = vocab.with_prefix(w).filter(|(t, n)| *n > 0 && *t != w).collect();
    found.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let top = found.first().map(|(_, n)| *n).unwrap_or(0);
    for (t, _) in found.into_iter().take_while(|(_, n)| *n * 2 >= top).take(SHORT_COMPLETIONS) {
        g.push(Variant::word(t, false, Origin::Stem));
        g.known = true;
    }
}

/// Whether `w` reads as a word: known to the index, a stopword, or (the
/// word being typed, however short yet) the start of a known word.
fn reads_as_word(w: &str, vocab: &Vocab, typing: bool) -> bool {
    is_stopword(w) || vocab.contains(w) || (typing && vocab.has_prefix(w))
}

/// A letter that hopped over a space ("won' topen", "printe rjammed", both
/// fast typists' slips): where one of two neighbouring words reads as no
/// word and moving one letter across the space between them makes both
/// read as words, they are taken that way. Nothing else is re-split.
pub(super) fn mend_hops(mut raw: Vec<String>, vocab: &Vocab, as_you_type: bool) -> Vec<String> {
    for i in 0..raw.len().saturating_sub(1) {
        let typing = as_you_type && i + 2 == raw.len();
        let (a, b) = (&raw[i], &raw[i + 1]);
        if reads_as_word(a, vocab, false) && reads_as_word(b, vocab, typing) {
            continue;
        }
        let mut tries = Vec::with_capacity(2);
        if let Some(first) = b.chars().next() {
            tries.push((format!("{a}{first}"), b[first.len_utf8()..].to_string()));
        }
        if let Some(last) = a.chars().last() {
            tries.push((a[..a.len() - last.len_utf8()].to_string(), format!("{last}{b}")));
        }
        let mended = tries.into_iter().find(|(x, y)| {
            let only_stopwords = is_stopword(x) && is_stopword(y);
            !x.is_empty()
                && !y.is_empty()
                && !only_stopwords
                && reads_as_word(x, vocab, false)
                && reads_as_word(y, vocab, typing)
        });
        if let Some((x, y)) = mended {
            (raw[i], raw[i + 1]) = (x, y);
        }
    }
    raw
}
