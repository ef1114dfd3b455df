//! A MATCH expression from `query` (quoted words and phrases joined by AND,
//! OR and parentheses) evaluated over rowid lists in Rust.
//!
//! Why: FTS5 evaluates an AND (or a phrase) by walking its terms' doclists
//! until they meet, and only then checks the rowid bounds of the query. When
//! the words seldom meet in one ticket, that walk reads back through the
//! whole history, whatever window the query asks for (the 10M scale curve).
//! A single word with rowid bounds is a seek in its doclist index, so the
//! ticket search asks FTS5 for each word alone within a window of recent
//! tickets and combines the lists here. A phrase is taken as all its words
//! (a superset: the re-ranking reads the text itself).

use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// One word, as a MATCH expression of its own (quoted).
    Word(String),
    And(Vec<Expr>),
    Or(Vec<Expr>),
}

#[derive(Debug, PartialEq)]
enum Tok {
    Open,
    Close,
    And,
    Or,
    /// The text between quotes (unescaped) and whether a `*` followed.
    Quoted(String, bool),
}

fn lex(s: &str) -> Option<Vec<Tok>> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '(' => out.push(Tok::Open),
            ')' => out.push(Tok::Close),
            '"' => {
                let mut text = String::new();
                loop {
                    match chars.next()? {
                        '"' if chars.peek() == Some(&'"') => {
                            chars.next();
                            text.push('"');
                        }
                        '"' => break,
                        c => text.push(c),
                    }
                }
                let star = chars.peek() == Some(&'*');
                if star {
                    chars.next();
                }
                out.push(Tok::Quoted(text, star));
            }
            c if c.is_ascii_alphabetic() => {
                let mut word = String::from(c);
                while let Some(&c) = chars.peek().filter(|c| c.is_ascii_alphabetic()) {
                    word.push(c);
                    chars.next();
                }
                out.push(match word.as_str() {
                    "AND" => Tok::And,
                    "OR" => Tok::Or,
                    _ => return None,
                });
            }
            _ => return None,
        }
    }
    Some(out)
}

fn quote(word: &str, star: bool) -> String {
    format!("\"{}\"{}", word.replace('"', "\"\""), if star { "*" } else { "" })
}

struct Parser {
    toks: Vec<Tok>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at)
    }

    /// or := and (OR and)*  — AND binds tighter, as in FTS5.
    fn or(&mut self) -> Option<Expr> {
        let mut parts = vec![self.and()?];
        while self.peek() == Some(&Tok::Or) {
            self.at += 1;
            parts.push(self.and()?);
        }
        Some(if parts.len() == 1 { parts.remove(0) } else { Expr::Or(parts) })
    }

    /// and := primary ((AND)? primary)*
    fn and(&mut self) -> Option<Expr> {
        let mut parts = vec![self.primary()?];
        loop {
            match self.peek() {
                Some(Tok::And) => self.at += 1,
                Some(Tok::Open | Tok::Quoted(..)) => {}
                _ => break,
            }
            parts.push(self.primary()?);
        }
        Some(if parts.len() == 1 { parts.remove(0) } else { Expr::And(parts) })
    }

    fn primary(&mut self) -> Option<Expr> {
        let tok = self.toks.get(self.at)?;
        self.at += 1;
        match tok {
            Tok::Open => {
                let e = self.or()?;
                (self.toks.get(self.at) == Some(&Tok::Close)).then_some(())?;
                self.at += 1;
                Some(e)
            }
            Tok::Quoted(text, star) => {
                let words: Vec<&str> = text.split_whitespace().collect();
                let last = words.len().checked_sub(1)?;
                let mut parts: Vec<Expr> =
                    words.iter().enumerate().map(|(i, w)| Expr::Word(quote(w, *star && i == last))).collect();
                Some(if parts.len() == 1 { parts.remove(0) } else { Expr::And(parts) })
            }
            _ => None,
        }
    }
}

impl Expr {
    /// Parses what `Query::fts_all` / `fts_any` build; None for anything else.
    pub fn parse(fts: &str) -> Option<Expr> {
        let mut p = Parser { toks: lex(fts)?, at: 0 };
        let e = p.or()?;
        (p.at == p.toks.len()).then_some(e)
    }

    /// The distinct words to look up.
    pub fn words(&self, out: &mut Vec<String>) {
        match self {
            Expr::Word(w) => {
                if !out.contains(w) {
                    out.push(w.clone());
                }
            }
            Expr::And(v) | Expr::Or(v) => v.iter().for_each(|e| e.words(out)),
        }
    }

    /// The rowids matching, ascending, given each word's ascending rowids
    /// (a word missing from `lists` matches nothing).
    pub fn eval(&self, lists: &HashMap<String, Vec<i64>>) -> Vec<i64> {
        match self {
            Expr::Word(w) => lists.get(w).cloned().unwrap_or_default(),
            Expr::And(v) => {
                let mut sets: Vec<Vec<i64>> = v.iter().map(|e| e.eval(lists)).collect();
                sets.sort_by_key(Vec::len);
                let mut it = sets.into_iter();
                let first = it.next().unwrap_or_default();
                it.fold(first, |acc, s| acc.into_iter().filter(|id| s.binary_search(id).is_ok()).collect())
            }
            Expr::Or(v) => {
                let mut all: Vec<i64> = v.iter().flat_map(|e| e.eval(lists)).collect();
                all.sort_unstable();
                all.dedup();
                all
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Expr::{self, And, Or, Word};
    use std::collections::HashMap;

    fn w(s: &str) -> Expr {
        Word(format!("\"{s}\""))
    }

    #[test]
    fn parses_what_the_query_builds() {
        let e = Expr::parse(r#"("ipads" OR "tablet") AND ("paper jam" OR "jam") AND "missing""#).unwrap();
        assert_eq!(
            e,
            And(vec![
                Or(vec![w("ipads"), w("tablet")]),
                Or(vec![And(vec![w("paper"), w("jam")]), w("jam")]),
                w("missing")
            ])
        );
        // AND binds tighter than OR; quotes inside a word are kept escaped.
        assert_eq!(
            Expr::parse(r#""a" OR "b" AND "c""d""#).unwrap(),
            Or(vec![w("a"), And(vec![w("b"), Word("\"c\"\"d\"".into())])])
        );
        assert_eq!(Expr::parse(r#""pri"*"#).unwrap(), Word("\"pri\"*".into()));
        for bad in ["", "(\"a\"", "\"a\" NOT \"b\"", "\"a", "a", "\"a\" OR", "()"] {
            assert_eq!(Expr::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn evaluates_over_rowid_lists() {
        let lists: HashMap<String, Vec<i64>> =
            [("paper", vec![1, 3, 5, 9]), ("jam", vec![3, 4, 9]), ("wifi", vec![2])]
                .into_iter()
                .map(|(k, v)| (format!("\"{k}\""), v))
                .collect();
        let e = Expr::parse(r#""paper jam" OR "wifi""#).unwrap();
        assert_eq!(e.eval(&lists), [2, 3, 9]);
        let mut words = Vec::new();
        e.words(&mut words);
        assert_eq!(words, ["\"paper\"", "\"jam\"", "\"wifi\""]);
        assert_eq!(Expr::parse(r#""paper" AND "toner""#).unwrap().eval(&lists), Vec::<i64>::new());
    }
}
