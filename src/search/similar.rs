//! "Does an article already say this?" for turning a ticket into an article.
//!
//! A draft made from a ticket is short; the article that already answers it
//! is long. So similarity is *containment* of the draft in the article, not a
//! symmetric measure: the share of the draft's words (weighted by how rare
//! they are in the knowledge base) that the article also has, for the title
//! and for the whole text. Words are compared as stems of their synonym
//! set's canonical form ("photocopier jammed" ~ "copier jam"), and words no
//! article uses at all (names, room numbers) are ignored: they cannot tell
//! one article from another.

use super::synonyms::Synonyms;
use super::tokenize::{is_stopword, stem, words};
use super::vocab::Vocab;
use std::collections::BTreeSet;

/// At or above this, a draft is refused as a near-duplicate (unless forced).
///
/// Calibrated on the demo knowledge base (tests/duplicates.rs keeps it
/// honest): its 57 articles are all distinct answers, and the most similar
/// pair ("Can't log in to SIMS" inside "Requesting extra access in SIMS or
/// Arbor") scores 0.59; realistic tickets whose fix is an existing article
/// score 0.70 to 1.0, and tickets no article answers at most 0.48. 0.65
/// sits between, with a margin on each side.
pub const DUPLICATE_THRESHOLD: f64 = 0.65;

/// A text reduced to the words that identify its subject.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Profile {
    title: BTreeSet<String>,
    all: BTreeSet<String>,
}

/// The comparable form of a word, or None for words that say nothing.
fn key(word: &str, syn: &Synonyms) -> Option<String> {
    if word.chars().count() < 2 || is_stopword(word) || word.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    // "copiers" belongs to the set of "copier": try the singular too.
    let singular = word.strip_suffix('s').filter(|w| w.len() >= 3);
    let canonical = match singular {
        Some(one) if syn.canonical(word) == word => syn.canonical(one),
        _ => syn.canonical(word),
    };
    let canonical = if Some(canonical) == singular { word } else { canonical };
    Some(stem(canonical).unwrap_or_else(|| canonical.to_string()))
}

fn keys(text: &str, syn: &Synonyms) -> BTreeSet<String> {
    words(text).iter().filter_map(|w| key(w, syn)).collect()
}

impl Profile {
    /// `title` is what the text is called (an article's title and tags),
    /// `body` everything else.
    pub fn new(title: &str, body: &str, syn: &Synonyms) -> Profile {
        let title = keys(title, syn);
        let mut all = keys(body, syn);
        all.extend(title.iter().cloned());
        Profile { title, all }
    }
}

/// How much of `draft` the `article` already covers, from 0 to 1: half
/// from the draft's title words found in the article's title and tags, half
/// from all the draft's words found anywhere in the article.
pub fn containment(draft: &Profile, article: &Profile, vocab: &Vocab) -> f64 {
    let weight = |k: &String| {
        let df = vocab.prefix_df(k);
        (df > 0).then(|| vocab.idf(df))
    };
    let share = |mine: &BTreeSet<String>, theirs: &BTreeSet<String>| {
        let (mut have, mut total) = (0.0, 0.0);
        for k in mine {
            if let Some(w) = weight(k) {
                total += w;
                if theirs.contains(k) {
                    have += w;
                }
            }
        }
        if total > 0.0 {
            have / total
        } else {
            0.0
        }
    };
    0.5 * share(&draft.title, &article.title) + 0.5 * share(&draft.all, &article.all)
}

/// How alike two short texts are (two tickets), from 0 to 1, symmetric: the
/// share of the smaller one's words the other has, half for the titles
/// (subjects) and half for the whole texts. No corpus weighting: a burst's
/// tickets share everyday words ("wifi", "down") that a knowledge base uses
/// everywhere.
pub fn resemblance(a: &Profile, b: &Profile) -> f64 {
    resemblance_weighted(a, b, |_| 1.0)
}

/// `resemblance` with each word weighted (e.g. by how rare it is among the
/// texts compared, so "not working" says less than "wifi").
pub fn resemblance_weighted(a: &Profile, b: &Profile, weight: impl Fn(&str) -> f64) -> f64 {
    let overlap = |x: &BTreeSet<String>, y: &BTreeSet<String>| {
        let total = |s: &BTreeSet<String>| s.iter().map(|k| weight(k)).sum::<f64>();
        let small = total(x).min(total(y));
        if small <= 0.0 {
            return 0.0;
        }
        (x.intersection(y).map(|k| weight(k)).sum::<f64>() / small).min(1.0)
    };
    0.5 * overlap(&a.title, &b.title) + 0.5 * overlap(&a.all, &b.all)
}

impl Profile {
    /// Every word key of the text (title included).
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.all.iter().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab() -> Vocab {
        let words =
            "paper jam jammed copier printer toner cartridge tray cover clear clearing kyocera replace \
                     replacing empty low";
        Vocab::new(words.split_whitespace().map(|w| (w.to_string(), 4)).collect(), 50)
    }

    #[test]
    fn a_short_draft_inside_a_long_article_is_a_duplicate() {
        let syn = Synonyms::builtin();
        let article = Profile::new(
            "Clearing a paper jam on the Kyocera copiers printer copier paper jam",
            "Open the cover the screen names and pull the jammed paper out. Check the tray.",
            syn,
        );
        let draft = Profile::new("Photocopier paper jam", "Paper jammed in tray 2. Cleared it, Rachel.", syn);
        let other = Profile::new("Toner empty", "Replacing the toner cartridge when it is low.", syn);
        let v = vocab();
        let dup = containment(&draft, &article, &v);
        assert!(dup >= DUPLICATE_THRESHOLD, "{dup}");
        let not = containment(&other, &article, &v);
        assert!(not < 0.3, "{not}");
    }

    #[test]
    fn unknown_words_are_ignored_and_empty_drafts_match_nothing() {
        let syn = Synonyms::builtin();
        let v = vocab();
        let a = Profile::new("Paper jam", "paper jam", syn);
        let b = Profile::new("Paper jam Zebedee", "paper jam Zebedee 4B", syn);
        assert_eq!(containment(&b, &a, &v), 1.0);
        assert_eq!(containment(&Profile::new("", "", syn), &a, &v), 0.0);
    }
}
