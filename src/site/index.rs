//! The search index of the self-help site: the published public articles
//! as data, and everything the site's script needs to forgive what people
//! type as `deskside suggest` does. The rules stay in `crate::search`; the
//! index carries their data (the synonym sets, the stopwords, the letters
//! folded, the word endings, the limits and weights) and a vocabulary with
//! document frequencies counted over these articles only, so a typo is
//! corrected towards words the site can actually show, and nothing of an
//! internal article, even a word, is in the file.

use super::{article_file, category_label, pages, safe_json, ARTICLES_DIR};
use crate::domain::Article;
use crate::domain::ArticleId;
use crate::search::query::{Origin, MAX_FORMS, MAX_GROUPS, MAX_VARIANTS, MIN_COMPLETION, MIN_PREFIX};
use crate::search::synonyms::{Synonyms, MAX_PHRASE};
use crate::search::{matching, rank, tokenize, vocab};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// One article of the index.
#[derive(Debug, Serialize)]
struct Entry<'a> {
    id: ArticleId,
    title: &'a str,
    url: String,
    category: Option<&'a str>,
    category_label: String,
    tags: &'a [String],
    summary: String,
    /// The body as plain text.
    text: String,
}

/// Known words and in how many of the site's articles each occurs
/// (`terms[i]` in `df[i]` articles; sorted; synonym words not used in any
/// article have 0).
#[derive(Debug, Serialize)]
struct VocabData {
    docs: usize,
    terms: Vec<String>,
    df: Vec<u32>,
}

/// The constants of `crate::search` the script applies.
#[derive(Debug, Serialize)]
struct Rules {
    min_prefix: usize,
    min_completion: usize,
    max_forms: usize,
    max_groups: usize,
    max_variants: usize,
    max_phrase: usize,
    /// Results answering less of the question are not shown (as in suggest).
    min_coverage: f64,
    coverage_share: f64,
    /// Worth of a match by where the word came from.
    quality: BTreeMap<&'static str, f64>,
    /// Worth of a match by field (coverage).
    fields: BTreeMap<&'static str, f64>,
    /// bm25 weights of the fields, as in the database's index.
    bm25_weights: BTreeMap<&'static str, f64>,
    /// The first, strict pass (every known word) is widened by the
    /// forgiving one when it finds fewer than this.
    strict_enough: usize,
}

#[derive(Debug, Serialize)]
struct SearchIndex<'a> {
    site: &'a str,
    articles: Vec<Entry<'a>>,
    vocab: VocabData,
    synonyms: &'a [Vec<Vec<String>>],
    stopwords: &'static [&'static str],
    /// Accented letters (lower case) and the letter they are searched as.
    fold: BTreeMap<String, String>,
    endings: &'static [&'static str],
    rules: Rules,
}

/// A body as plain words for searching.
fn plain_text(md: &str) -> String {
    crate::domain::markdown::plain_markdown(md).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The words of an article as the database indexes them (title, tags,
/// category, body).
fn article_words(a: &Article) -> BTreeSet<String> {
    let mut words = BTreeSet::new();
    for text in
        [a.title.as_str(), &a.tags.join(", "), a.category.as_deref().unwrap_or(""), &plain_text(&a.body)]
    {
        words.extend(tokenize::words(text));
    }
    words
}

fn vocabulary(articles: &[&Article], syn: &Synonyms) -> VocabData {
    let mut df: BTreeMap<String, u32> = BTreeMap::new();
    for a in articles {
        for w in article_words(a) {
            *df.entry(w).or_default() += 1;
        }
    }
    for w in syn.words() {
        df.entry(w.to_string()).or_default();
    }
    let (terms, df) = df.into_iter().unzip();
    VocabData { docs: articles.len(), terms, df }
}

/// The letters `tokenize::fold` changes, for the script's tokenizer.
fn fold_table() -> BTreeMap<String, String> {
    ('\u{c0}'..='\u{24f}')
        .filter(|&c| tokenize::fold(c) != c)
        .map(|c| (c.to_string(), tokenize::fold(c).to_string()))
        .collect()
}

fn rules() -> Rules {
    let origins = [
        ("typed", Origin::Typed),
        ("stem", Origin::Stem),
        ("compound", Origin::Compound),
        ("synonym", Origin::Synonym),
        ("correction", Origin::Correction),
        ("related", Origin::Related),
    ];
    let w = crate::search::COLUMN_WEIGHTS;
    Rules {
        min_prefix: MIN_PREFIX,
        min_completion: MIN_COMPLETION,
        max_forms: MAX_FORMS,
        max_groups: MAX_GROUPS,
        max_variants: MAX_VARIANTS,
        max_phrase: MAX_PHRASE,
        min_coverage: rank::MIN_COVERAGE,
        coverage_share: rank::COVERAGE_SHARE,
        quality: origins.into_iter().map(|(k, o)| (k, o.quality())).collect(),
        fields: BTreeMap::from([
            ("title", matching::TITLE_FACTOR),
            ("tags", matching::TAGS_FACTOR),
            ("category", matching::CATEGORY_FACTOR),
            ("body", matching::BODY_FACTOR),
        ]),
        bm25_weights: BTreeMap::from([("title", w[0]), ("tags", w[1]), ("category", w[2]), ("body", w[3])]),
        strict_enough: crate::service::suggest::ARTICLE_CANDIDATES / 2,
    }
}

/// The index as JSON safe to put anywhere (see `safe_json`). `articles`
/// must already be only what the site shows.
pub fn search_index(site: &str, articles: &[&Article]) -> String {
    let syn = Synonyms::builtin();
    let entries = articles
        .iter()
        .map(|a| Entry {
            id: a.id,
            title: &a.title,
            url: format!("{ARTICLES_DIR}/{}", article_file(a)),
            category: a.category.as_deref(),
            category_label: category_label(a.category.as_deref()),
            tags: &a.tags,
            summary: pages::short_summary(&a.body),
            text: plain_text(&a.body),
        })
        .collect();
    safe_json(&SearchIndex {
        site,
        articles: entries,
        vocab: vocabulary(articles, syn),
        synonyms: syn.sets(),
        stopwords: tokenize::stopwords(),
        fold: fold_table(),
        endings: vocab::FORM_ENDINGS,
        rules: rules(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fold_table_is_the_tokenizers() {
        let t = fold_table();
        assert_eq!(t.get("é").map(String::as_str), Some("e"));
        assert_eq!(t.get("ł").map(String::as_str), Some("l"));
        assert!(!t.contains_key("ß") && !t.contains_key("a"));
        for (from, to) in &t {
            assert_eq!(tokenize::words(from), std::slice::from_ref(to), "{from}");
        }
    }
}
