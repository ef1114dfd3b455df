//! The school IT synonym list (assets/synonyms.toml, embedded in the binary).
//! Terms are kept as token sequences from our tokenizer, so "wi-fi" and
//! "wi fi" are the same term and a multi-word term is matched as a phrase.

use super::tokenize::words;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::OnceLock;

const SYNONYMS: &str = include_str!("../../assets/synonyms.toml");

/// The longest term, in tokens, that is looked up as one phrase.
pub const MAX_PHRASE: usize = 3;

#[derive(Debug, Default)]
pub struct Synonyms {
    sets: Vec<Vec<Vec<String>>>,
    /// term (as tokens) -> the sets it belongs to
    index: HashMap<Vec<String>, Vec<usize>>,
}

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    set: Vec<SetDef>,
}

#[derive(Deserialize)]
struct SetDef {
    terms: Vec<String>,
}

impl Synonyms {
    /// The embedded list, parsed once.
    pub fn builtin() -> &'static Synonyms {
        static BUILTIN: OnceLock<Synonyms> = OnceLock::new();
        // The file is part of the binary and checked by a unit test, so a
        // parse failure cannot reach a user; fall back to no synonyms anyway.
        BUILTIN.get_or_init(|| Synonyms::parse(SYNONYMS).unwrap_or_default())
    }

    pub fn parse(text: &str) -> Result<Synonyms, String> {
        let file: File = toml::from_str(text).map_err(|e| e.message().to_string())?;
        let mut syn = Synonyms::default();
        for def in file.set {
            let mut set: Vec<Vec<String>> = Vec::new();
            for term in &def.terms {
                let tokens = words(term);
                if tokens.is_empty() || tokens.len() > MAX_PHRASE {
                    return Err(format!("synonym term '{term}' must have 1 to {MAX_PHRASE} words"));
                }
                if !set.contains(&tokens) {
                    set.push(tokens);
                }
            }
            if set.len() < 2 {
                continue;
            }
            let id = syn.sets.len();
            for term in &set {
                syn.index.entry(term.clone()).or_default().push(id);
            }
            syn.sets.push(set);
        }
        Ok(syn)
    }

    /// Whether `term` (as tokens) is in the list.
    pub fn contains(&self, term: &[String]) -> bool {
        self.index.contains_key(term)
    }

    /// The other terms of every set `term` belongs to.
    pub fn alternatives(&self, term: &[String]) -> Vec<&[String]> {
        let mut out: Vec<&[String]> = Vec::new();
        for &set in self.index.get(term).map(Vec::as_slice).unwrap_or(&[]) {
            for other in &self.sets[set] {
                if other.as_slice() != term && !out.contains(&other.as_slice()) {
                    out.push(other);
                }
            }
        }
        out
    }

    /// A canonical representative of `word` (the first single-word term of
    /// its first set), so "photocopier" and "copier" compare equal.
    pub fn canonical<'a>(&'a self, word: &'a str) -> &'a str {
        let key = [word.to_string()];
        self.index
            .get(key.as_slice())
            .and_then(|sets| self.sets[sets[0]].iter().find(|t| t.len() == 1))
            .map(|t| t[0].as_str())
            .unwrap_or(word)
    }

    /// The sets as token sequences (each term once, sets of two or more),
    /// for the self-help site's script.
    pub fn sets(&self) -> &[Vec<Vec<String>>] {
        &self.sets
    }

    /// Every single word used in the list (added to the typo vocabulary).
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.sets.iter().flatten().filter(|t| t.len() == 1).map(|t| t[0].as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<String> {
        words(s)
    }

    #[test]
    fn the_embedded_list_parses() {
        Synonyms::parse(SYNONYMS).expect("assets/synonyms.toml is valid");
        assert!(Synonyms::builtin().contains(&toks("wifi")));
    }

    #[test]
    fn hyphens_and_spaces_are_the_same_term() {
        let syn = Synonyms::builtin();
        let alts = syn.alternatives(&toks("wi-fi"));
        assert!(alts.contains(&toks("wifi").as_slice()), "{alts:?}");
        assert!(alts.contains(&toks("wireless").as_slice()));
        assert_eq!(syn.alternatives(&toks("Wi Fi")), alts);
    }

    #[test]
    fn phrases_expand_both_ways() {
        let syn = Synonyms::builtin();
        let alts = syn.alternatives(&toks("smartboard"));
        assert!(alts.contains(&toks("interactive board").as_slice()), "{alts:?}");
        let back = syn.alternatives(&toks("interactive board"));
        assert!(back.contains(&toks("smartboard").as_slice()), "{back:?}");
        assert!(!back.contains(&toks("interactive board").as_slice()), "a term is not its own alternative");
        assert!(syn.alternatives(&toks("kyocera")).is_empty());
    }

    #[test]
    fn canonical_forms_unify_a_set() {
        let syn = Synonyms::builtin();
        assert_eq!(syn.canonical("photocopier"), syn.canonical("copier"));
        assert_eq!(syn.canonical("visualizer"), "visualiser");
        assert_eq!(syn.canonical("kyocera"), "kyocera");
    }

    #[test]
    fn bad_lists_are_refused() {
        assert!(Synonyms::parse("[[set]]\nterms = [\"a b c d\", \"x\"]").is_err());
        assert!(Synonyms::parse("not toml [").is_err());
        let one = Synonyms::parse("[[set]]\nterms = [\"alone\"]").unwrap();
        assert!(!one.contains(&toks("alone")), "a set of one is no synonym");
    }
}
