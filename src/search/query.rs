//! Turns what someone typed into a forgiving query: one group per thing they
//! meant, each group a set of alternatives (as typed, stems, synonyms, typo
//! corrections, joined or split compounds). FTS5 MATCH text is generated only
//! from our own tokens, every one quoted, so quotes, `*`, `NEAR(`, `-`,
//! AND/OR/NOT, unicode and emoji in the input can never become syntax.

use super::chatter::is_chatter;
use super::repair::{complete_short, mend_hops};
use super::synonyms::{Synonyms, MAX_PHRASE};
use super::tokenize::{is_stopword, stem, words};
use super::vocab::Vocab;

/// Where an alternative came from; matches of weaker kinds count a little less.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Typed,
    Stem,
    Compound,
    Synonym,
    Correction,
    /// Another form or a synonym of a correction ("ajmmed" -> "jammed" ->
    /// "paper jam"): one guess on top of another.
    Related,
}

impl Origin {
    /// How much a match of this kind is worth next to the word as typed.
    pub fn quality(self) -> f64 {
        match self {
            Origin::Typed | Origin::Compound => 1.0,
            Origin::Stem => 0.9,
            Origin::Synonym => 0.8,
            Origin::Correction => 0.85,
            // Below the correction itself, so the word the typist most
            // likely meant ranks first ("toner ajmmed": "jammed" over "jam").
            Origin::Related => 0.75,
        }
    }
}

/// One alternative: a word, a phrase, or (loose) words that must all occur.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub tokens: Vec<String>,
    /// The last token matches as a prefix (the word being typed).
    pub prefix: bool,
    /// All tokens anywhere, rather than as a phrase; each token may then
    /// also match its other forms (`forms[i]`, e.g. "jams" for "jam").
    pub loose: bool,
    pub forms: Vec<Vec<String>>,
    pub origin: Origin,
    /// For a prefix: the known words it begins (see `Variant::to_fts`).
    pub completions: Vec<String>,
    /// Every word it picks candidates by is in more than half the articles
    /// ("log in" picks by "log"): see `Group::common`.
    pub common: bool,
}

impl Variant {
    pub(super) fn word(w: &str, prefix: bool, origin: Origin) -> Variant {
        Variant {
            tokens: vec![w.to_string()],
            prefix,
            loose: false,
            forms: Vec::new(),
            origin,
            completions: Vec::new(),
            common: false,
        }
    }

    fn phrase(tokens: &[String], origin: Origin) -> Variant {
        Variant {
            tokens: tokens.to_vec(),
            prefix: false,
            loose: false,
            forms: Vec::new(),
            origin,
            completions: Vec::new(),
            common: false,
        }
    }

    /// The tokens that pick candidates: a stopword among others narrows
    /// nothing (see `to_fts`).
    fn telling(&self) -> Vec<usize> {
        let telling: Vec<usize> = (0..self.tokens.len()).filter(|&i| !is_stopword(&self.tokens[i])).collect();
        if telling.is_empty() {
            (0..self.tokens.len()).collect()
        } else {
            telling
        }
    }

    /// The words token `i` may be (itself, and for loose variants its forms).
    pub fn alternatives(&self, i: usize) -> &[String] {
        match self.forms.get(i) {
            Some(f) if self.loose && !f.is_empty() => f,
            _ => std::slice::from_ref(&self.tokens[i]),
        }
    }

    /// Whether token `i` is matched as a prefix.
    pub fn is_prefix(&self, i: usize) -> bool {
        self.prefix && i + 1 == self.tokens.len()
    }

    /// Whether `word` (from a document) matches token `i`.
    pub fn token_matches(&self, i: usize, word: &str) -> bool {
        if self.is_prefix(i) {
            word.starts_with(self.tokens[i].as_str())
        } else {
            self.alternatives(i).iter().any(|a| a == word)
        }
    }

    /// This alternative as FTS5 query text: every token quoted. `lean`
    /// (the big ticket index) matches a half-typed word as itself or one of
    /// the words it is known to begin, rather than as a prefix: FTS5 merges
    /// the whole doclist of every word a prefix begins, on every keystroke,
    /// which at a million tickets is most of a search. A ticket whose only
    /// match is a word the knowledge base has never used is found once the
    /// word is typed out.
    pub fn to_fts(&self, lean: bool) -> String {
        let quoted = |t: &str| format!("\"{}\"", t.replace('"', "\"\""));
        let any = |alts: Vec<String>| {
            if alts.len() == 1 {
                alts.into_iter().next().unwrap_or_default()
            } else {
                format!("({})", alts.join(" OR "))
            }
        };
        let last = self.tokens.len().saturating_sub(1);
        // The words a half-typed last token may be.
        let endings = || std::iter::once(&self.tokens[last]).chain(&self.completions);
        // A stopword among loose words ("log" and "in") narrows nothing:
        // it is left to the re-ranking, which still counts it, rather than
        // walking its doclist (it is in nearly every document). The same
        // goes for a phrase ("sign in"): checking the positions of such a
        // word in a million tickets cost more than the rest of the search
        // (3 ms of 3.5), so the phrase's other words find candidates and
        // the re-ranking checks the phrase itself.
        let telling = self.telling();
        let as_words = self.tokens.len() > 1 && (self.loose || telling.len() < self.tokens.len());
        if as_words {
            let parts: Vec<String> = telling
                .into_iter()
                .map(|i| match (self.is_prefix(i), lean) {
                    (true, false) => format!("{}*", quoted(&self.tokens[i])),
                    (true, true) => any(endings().map(|w| quoted(w)).collect()),
                    _ => any(self.alternatives(i).iter().map(|a| quoted(a)).collect()),
                })
                .collect();
            format!("({})", parts.join(" AND "))
        } else if self.prefix && lean {
            let head = &self.tokens[..last];
            any(endings().map(|w| quoted(&[head, std::slice::from_ref(w)].concat().join(" "))).collect())
        } else {
            let star = if self.prefix { "*" } else { "" };
            format!("{}{star}", quoted(&self.tokens.join(" ")))
        }
    }
}

/// What one part of the input meant, with its alternatives.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// The words as typed (for explaining a match).
    pub typed: String,
    pub variants: Vec<Variant>,
    /// Some alternative is known to the index vocabulary (or the synonym
    /// list); unknown groups (names, gibberish) are not required to match.
    pub known: bool,
    /// Importance: the rarer the word in the knowledge base, the more it
    /// says about which answer is wanted.
    pub weight: f64,
    /// The last thing typed (possibly half a word).
    pub last: bool,
    /// One of its words is in more than half the articles: FTS5's bm25
    /// gives such a word no weight (its idf is clamped to zero), so it
    /// cannot pick candidates, yet ranking every article it is in is most
    /// of a forgiving search's cost.
    pub common: bool,
}

impl Group {
    pub(super) fn push(&mut self, v: Variant) {
        if !self.variants.iter().any(|x| x.tokens == v.tokens && x.loose == v.loose && x.prefix == v.prefix) {
            self.variants.push(v);
        }
    }

    /// `lean` (for the big ticket index) keeps the first few alternatives:
    /// each one is another doclist to merge on every keystroke. `telling`
    /// leaves out common alternatives (see `Variant::common`).
    fn to_fts(&self, lean: bool, telling: bool) -> Option<String> {
        let take = if lean { LEAN_VARIANTS } else { usize::MAX };
        let mut parts: Vec<String> = Vec::new();
        let variants = self.variants.iter().filter(|v| !(telling && v.common)).take(take);
        for part in variants.map(|v| v.to_fts(lean)) {
            // A half-typed word and a form of it may read the same here.
            if !parts.contains(&part) {
                parts.push(part);
            }
        }
        match parts.len() {
            0 => None,
            1 => Some(parts.into_iter().next().unwrap_or_default()),
            _ => Some(format!("({})", parts.join(" OR "))),
        }
    }
}

/// A parsed query: groups in the order typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    pub groups: Vec<Group>,
}

/// Limits that keep a search cheap on a big index.
pub const MAX_GROUPS: usize = 12;
pub const MAX_VARIANTS: usize = 16;
/// Alternatives per group searched in the ticket index.
const LEAN_VARIANTS: usize = 8;
/// Known words a half-typed word may be, in the ticket index.
const LEAN_COMPLETIONS: usize = 6;
/// Other forms of a word tried ("jammed" -> jam, jams, jamming).
pub const MAX_FORMS: usize = 5;
/// An unknown word of at least this many letters may be the start of a
/// known one ("forgot" -> "forgotten").
pub const MIN_COMPLETION: usize = 4;
/// The last word is matched as a prefix (search as you type) only from this
/// many letters: "p*" would rank a large part of the index for nothing.
pub const MIN_PREFIX: usize = 3;

impl Query {
    /// Builds the query for `text`. The last word is treated as possibly
    /// half-typed when `as_you_type` is set.
    pub fn parse(text: &str, vocab: &Vocab, syn: &Synonyms, as_you_type: bool) -> Query {
        let raw = mend_hops(words(text), vocab, as_you_type);
        // Chatter ("room 12", "every morning") is left out when something
        // else was asked: see `chatter`.
        let skip_chatter = raw.iter().any(|w| !is_stopword(w) && !is_chatter(w));
        let mut groups = Vec::new();
        let mut i = 0;
        while i < raw.len() && groups.len() < MAX_GROUPS {
            let is_last = |end: usize| as_you_type && end == raw.len();
            // The longest synonym phrase starting here ("interactive board").
            let phrase = (2..=MAX_PHRASE.min(raw.len() - i))
                .rev()
                .find(|&n| syn.contains(&raw[i..i + n]) && !raw[i..i + n].iter().all(|w| is_stopword(w)));
            if let Some(n) = phrase {
                groups.push(phrase_group(&raw[i..i + n], is_last(i + n), vocab, syn));
                i += n;
                continue;
            }
            // Two typed words that the index knows as one ("wi fi", "log in").
            if i + 1 < raw.len() && !is_stopword(&raw[i]) {
                let joined = format!("{}{}", raw[i], raw[i + 1]);
                if vocab.df(&joined) > 0 && joined.len() >= 4 {
                    let mut g = phrase_group(&raw[i..i + 2], is_last(i + 2), vocab, syn);
                    g.push(Variant::word(&joined, false, Origin::Compound));
                    add_synonyms(&mut g, std::slice::from_ref(&joined), vocab, syn, Origin::Compound);
                    g.known = true;
                    groups.push(g);
                    i += 2;
                    continue;
                }
            }
            let w = &raw[i];
            let said_nothing = is_stopword(w) || (skip_chatter && is_chatter(w));
            if !said_nothing {
                let mut g = word_group(w, is_last(i + 1), vocab, syn);
                if is_last(i + 1) && i > 0 && w.chars().count() < MIN_PREFIX {
                    complete_short(&mut g, w, vocab);
                }
                groups.push(g);
            }
            i += 1;
        }
        for g in &mut groups {
            g.variants.truncate(MAX_VARIANTS);
            g.weight = weight(g, vocab);
            for v in &mut g.variants {
                v.common = is_common_variant(v, vocab);
            }
            g.common = g.variants.iter().any(|v| v.common && v.tokens.len() == 1);
            for v in g.variants.iter_mut().filter(|v| v.prefix) {
                let last = v.tokens.last().map(String::as_str).unwrap_or("");
                v.completions =
                    vocab.completions(last, LEAN_COMPLETIONS).into_iter().map(|(w, _)| w).collect();
            }
        }
        Query { groups }
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// Every known group must match: the precise first pass.
    pub fn fts_all(&self, lean: bool) -> Option<String> {
        let parts: Vec<String> =
            self.groups.iter().filter(|g| g.known).filter_map(|g| g.to_fts(lean, false)).collect();
        (!parts.is_empty()).then(|| parts.join(" AND "))
    }

    /// Any group may match: the forgiving second pass.
    pub fn fts_any(&self, lean: bool) -> Option<String> {
        let parts: Vec<String> = self.groups.iter().filter_map(|g| g.to_fts(lean, false)).collect();
        (!parts.is_empty()).then(|| parts.join(" OR "))
    }

    /// The forgiving pass over the articles without common groups (see
    /// `Group::common`); None when that leaves nothing to search.
    pub fn fts_any_telling(&self) -> Option<String> {
        let parts: Vec<String> =
            self.groups.iter().filter(|g| !g.common).filter_map(|g| g.to_fts(false, true)).collect();
        (!parts.is_empty()).then(|| parts.join(" OR "))
    }

    /// Whether the first pass can differ from the second.
    pub fn has_several_known(&self) -> bool {
        self.groups.iter().filter(|g| g.known).count() > 1
    }
}

fn weight(g: &Group, vocab: &Vocab) -> f64 {
    if !g.known {
        return 0.0;
    }
    // The typed word's own frequency decides (a synonym being common does
    // not make the word typed less telling); fall back to the best variant.
    let df_of = |t: &str, prefix: bool| if prefix { vocab.prefix_df(t) } else { vocab.df(t) };
    let df = g
        .variants
        .iter()
        .map(|v| {
            // A phrase is as telling as its rarest word.
            (0..v.tokens.len())
                .map(|i| df_of(&v.tokens[i], v.is_prefix(i)))
                .filter(|&n| n > 0)
                .min()
                .unwrap_or(0)
        })
        .find(|&n| n > 0)
        .unwrap_or(1);
    vocab.idf(df)
}

/// Whether every word `v` picks candidates by, in each of its forms, is in
/// more than half the articles: bm25 gives it no weight, and it matches
/// most of them. A group with such a single word is common as a whole (the
/// word is a lower bound on the group's matches); other groups only leave
/// such alternatives out of the forgiving pass ("log in", among the ways
/// to say "login", picks by "log", in 58% of a large knowledge base).
fn is_common_variant(v: &Variant, vocab: &Vocab) -> bool {
    let half = vocab.docs / 2;
    half > 0
        && v.telling()
            .into_iter()
            .all(|i| !v.is_prefix(i) && v.alternatives(i).iter().all(|a| vocab.df(a) > half))
}

fn add_synonyms(g: &mut Group, term: &[String], vocab: &Vocab, syn: &Synonyms, origin: Origin) {
    let origin = if origin == Origin::Typed || origin == Origin::Compound { Origin::Synonym } else { origin };
    for alt in syn.alternatives(term) {
        g.push(Variant::phrase(alt, origin));
        if alt.len() == 1 {
            add_forms(g, &alt[0], vocab, origin);
        }
    }
}

/// Other known forms of `base` ("copier" -> "copiers").
fn add_forms(g: &mut Group, base: &str, vocab: &Vocab, origin: Origin) -> bool {
    let forms = vocab.forms(base, MAX_FORMS);
    for f in &forms {
        g.push(Variant::word(f, false, origin));
    }
    !forms.is_empty()
}

/// Forms of each word of a phrase: its own and its stem's.
fn word_forms(w: &str, vocab: &Vocab) -> Vec<String> {
    let mut forms = vec![w.to_string()];
    for base in std::iter::once(w.to_string()).chain(stem(w)) {
        for f in vocab.forms(&base, MAX_FORMS) {
            if !forms.contains(&f) {
                forms.push(f);
            }
        }
    }
    forms
}

fn phrase_group(tokens: &[String], last: bool, vocab: &Vocab, syn: &Synonyms) -> Group {
    let mut g = Group {
        typed: tokens.join(" "),
        variants: Vec::new(),
        known: false,
        weight: 0.0,
        last,
        common: false,
    };
    let prefix = last && tokens.last().is_some_and(|t| t.chars().count() >= MIN_PREFIX);
    let forms = tokens.iter().map(|t| word_forms(t, vocab)).collect();
    g.push(Variant {
        tokens: tokens.to_vec(),
        prefix,
        loose: true,
        forms,
        origin: Origin::Typed,
        completions: Vec::new(),
        common: false,
    });
    add_synonyms(&mut g, tokens, vocab, syn, Origin::Typed);
    g.known = g.variants.iter().any(|v| v.tokens.iter().all(|t| vocab.contains(t))) || syn.contains(tokens);
    g
}

fn word_group(w: &str, last: bool, vocab: &Vocab, syn: &Synonyms) -> Group {
    let mut g =
        Group { typed: w.to_string(), variants: Vec::new(), known: false, weight: 0.0, last, common: false };
    let len = w.chars().count();
    let prefix = last && len >= MIN_PREFIX;
    g.push(Variant::word(w, prefix, Origin::Typed));
    let mut known = if prefix { vocab.has_prefix(w) } else { vocab.contains(w) };
    known |= add_forms(&mut g, w, vocab, Origin::Stem);
    if let Some(s) = stem(w) {
        known |= add_forms(&mut g, &s, vocab, Origin::Stem);
    }
    let key = [w.to_string()];
    add_synonyms(&mut g, &key, vocab, syn, Origin::Typed);
    if let Some(one) = w.strip_suffix('s').filter(|one| one.len() >= 3) {
        add_synonyms(&mut g, &[one.to_string()], vocab, syn, Origin::Typed);
    }
    known |= syn.contains(&key);
    if !known && len >= MIN_COMPLETION {
        // A shortened or irregular word: "forgot" -> "forgotten",
        // "onedriv" -> "onedrive".
        for (t, _) in vocab.completions(w, MAX_FORMS) {
            g.push(Variant::word(&t, false, Origin::Stem));
            known = true;
        }
    }
    if !known {
        // Only words that match nothing as typed are corrected.
        let mut fixes = vocab.corrections(w, 2);
        if fixes.is_empty() && last {
            fixes = vocab.prefix_corrections(w, 2);
            for p in &fixes {
                g.push(Variant::word(p, true, Origin::Correction));
            }
        } else {
            for f in &fixes {
                g.push(Variant::word(f, false, Origin::Correction));
                add_forms(&mut g, f, vocab, Origin::Related);
                add_synonyms(&mut g, std::slice::from_ref(f), vocab, syn, Origin::Related);
            }
        }
        if fixes.is_empty() {
            if let Some((a, b)) = split_compound(w, vocab) {
                g.push(Variant::phrase(&[a, b], Origin::Compound));
                known = true;
            }
        }
        known |= !fixes.is_empty();
    }
    g.known = known;
    g
}

/// "wifi" -> ("wi", "fi") when the index only knows the parts as a phrase.
fn split_compound(w: &str, vocab: &Vocab) -> Option<(String, String)> {
    let chars: Vec<char> = w.chars().collect();
    (2..chars.len().saturating_sub(1))
        .map(|k| (chars[..k].iter().collect::<String>(), chars[k..].iter().collect::<String>()))
        .filter(|(a, b)| vocab.df(a) > 0 && vocab.df(b) > 0)
        .max_by_key(|(a, b)| vocab.df(a).min(vocab.df(b)))
}

#[cfg(test)]
#[path = "query_tests.rs"]
mod tests;
