//! The index vocabulary in memory (loaded from the `articles_vocab` fts5vocab
//! table plus the synonym words): exact and prefix look-ups, document
//! frequencies for weighting, and typo correction by edit distance.

/// The English endings `Vocab::forms` accepts after a base word.
pub const FORM_ENDINGS: &[&str] = &["", "s", "es", "e", "ed", "d", "ing", "er", "ers", "ies", "y", "ied"];

/// Sorted terms with the number of articles containing each. The terms
/// live in one string (for a saved vocabulary, the saved text itself) with
/// an index into it: a one-shot `deskside suggest` loads the vocabulary
/// once, and allocating (then freeing) a string per term was most of that.
#[derive(Debug, Clone, Default)]
pub struct Vocab {
    text: String,
    entries: Vec<Entry>,
    /// Number of articles indexed (for idf).
    pub docs: u32,
}

/// Entries reserved beyond a saved vocabulary's own for the synonym words.
const EXTRA_ROOM: usize = 512;

/// One term: `text[start..end]`, in `df` articles.
#[derive(Debug, Clone, Copy)]
struct Entry {
    start: usize,
    end: usize,
    df: u32,
}

impl Vocab {
    pub fn new(mut terms: Vec<(String, u32)>, docs: u32) -> Vocab {
        if !terms.is_sorted_by(|a, b| a.0 <= b.0) {
            terms.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        }
        terms.dedup_by(|b, a| {
            if a.0 == b.0 {
                a.1 = a.1.max(b.1);
                true
            } else {
                false
            }
        });
        let mut text = String::with_capacity(terms.iter().map(|(t, _)| t.len()).sum());
        let mut entries = Vec::with_capacity(terms.len());
        for (t, df) in &terms {
            let start = text.len();
            text.push_str(t);
            entries.push(Entry { start, end: text.len(), df: *df });
        }
        Vocab { text, entries, docs }
    }

    /// A vocabulary saved as `to_lines` text, used as it is (no string per
    /// term); None when any line is not of that form (the saved copy is
    /// then rebuilt rather than trusted).
    pub fn from_saved(text: String, docs: u32) -> Option<Vocab> {
        let bytes = text.as_bytes();
        let lines = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
        // Room for the synonyms `with_extra` adds, so it need not move them all.
        let mut entries: Vec<Entry> = Vec::with_capacity(lines + EXTRA_ROOM);
        let mut sorted = true;
        let mut start = 0;
        // By hand rather than split and parse: this is most of loading.
        while start < bytes.len() {
            let end = start + bytes[start..].iter().position(|&b| b == b'\t' || b == b'\n')?;
            if bytes[end] != b'\t' {
                return None;
            }
            let (mut at, mut df) = (end + 1, 0u32);
            while at < bytes.len() && bytes[at] != b'\n' {
                let digit = bytes[at].wrapping_sub(b'0');
                if digit > 9 {
                    return None;
                }
                df = df.checked_mul(10)?.checked_add(u32::from(digit))?;
                at += 1;
            }
            if at == end + 1 {
                return None;
            }
            if let Some(last) = entries.last() {
                sorted &= text[last.start..last.end] < text[start..end];
            }
            entries.push(Entry { start, end, df });
            start = at + 1;
        }
        if !sorted {
            // Not written by `to_lines` from a sorted list: sorted here.
            return from_lines(&text).map(|terms| Vocab::new(terms, docs));
        }
        Some(Vocab { text, entries, docs })
    }

    /// Adds words (synonyms) that may not occur in any article yet, with a
    /// document frequency of 0.
    pub fn with_extra<'a>(mut self, extra: impl Iterator<Item = &'a str>) -> Vocab {
        let mut extra: Vec<&str> = extra.filter(|w| !self.contains(w)).collect();
        extra.sort_unstable();
        extra.dedup();
        let places: Vec<usize> =
            extra.iter().map(|w| self.entries.partition_point(|e| self.term(e) < *w)).collect();
        // Merged in place from the end: each run of old entries moves once.
        let old = self.entries.len();
        self.entries.resize(old + extra.len(), Entry { start: 0, end: 0, df: 0 });
        let (mut read, mut write) = (old, old + extra.len());
        for (w, at) in extra.iter().zip(places).rev() {
            self.entries.copy_within(at..read, write - (read - at));
            write -= read - at + 1;
            read = at;
            let start = self.text.len();
            self.text.push_str(w);
            self.entries[write] = Entry { start, end: self.text.len(), df: 0 };
        }
        self
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn term(&self, e: &Entry) -> &str {
        &self.text[e.start..e.end]
    }

    fn find(&self, term: &str) -> Result<usize, usize> {
        self.entries.binary_search_by(|e| self.term(e).cmp(term))
    }

    pub fn contains(&self, term: &str) -> bool {
        self.find(term).is_ok()
    }

    /// Articles containing `term` (0 when unknown or only a synonym).
    pub fn df(&self, term: &str) -> u32 {
        self.find(term).map(|i| self.entries[i].df).unwrap_or(0)
    }

    /// Terms starting with `prefix`, with their article counts.
    pub fn with_prefix<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a str, u32)> + 'a {
        let start = self.entries.partition_point(|e| self.term(e) < prefix);
        self.entries[start..]
            .iter()
            .map(|e| (self.term(e), e.df))
            .take_while(move |(t, _)| t.starts_with(prefix))
    }

    pub fn has_prefix(&self, prefix: &str) -> bool {
        self.with_prefix(prefix).next().is_some()
    }

    /// Articles containing any term that starts with `prefix` (an upper
    /// bound: the largest single term's count).
    pub fn prefix_df(&self, prefix: &str) -> u32 {
        self.with_prefix(prefix).map(|(_, n)| n).max().unwrap_or(0)
    }

    /// The known word forms built on `base` with an English ending
    /// ("jam" -> jam, jams, jammed, jamming; not "jamf"), most common first.
    /// Matching these exactly instead of `base*` keeps unrelated words out
    /// and costs FTS5 no prefix merge.
    pub fn forms(&self, base: &str, max: usize) -> Vec<String> {
        let last = base.chars().last();
        let mut found: Vec<(u32, &str)> = self
            .with_prefix(base)
            .filter(|(t, _)| {
                let rest = &t[base.len()..];
                let rest = match (last, rest.chars().next()) {
                    (Some(l), Some(r)) if l == r && rest.len() > 1 => &rest[r.len_utf8()..],
                    _ => rest,
                };
                FORM_ENDINGS.contains(&rest)
            })
            .map(|(t, n)| (n, t))
            .collect();
        found.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
        found.into_iter().take(max).map(|(_, t)| t.to_string()).collect()
    }

    /// The most common words that `start` is the beginning of, at most four
    /// letters longer (a shortened word, not a different one).
    pub fn completions(&self, start: &str, max: usize) -> Vec<(String, u32)> {
        let len = start.chars().count();
        let mut found: Vec<(String, u32)> = self
            .with_prefix(start)
            .filter(|(t, n)| *n > 0 && t.chars().count() <= len + 4 && *t != start)
            .map(|(t, n)| (t.to_string(), n))
            .collect();
        found.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        found.truncate(max);
        found
    }

    /// An inverse document frequency weight, at least 0.1.
    pub fn idf(&self, df: u32) -> f64 {
        let n = f64::from(self.docs.max(1));
        (1.0 + (n - f64::from(df) + 0.5) / (f64::from(df) + 0.5)).ln().max(0.1)
    }

    /// The closest known words to a word that matched nothing: within one
    /// edit for 4-5 letters, two for longer words (transposed letters count
    /// as one edit, so "pritner" finds "printer"). Only the best distance is
    /// kept; ties go to the more common word. Short words are never
    /// corrected: too many real words are one letter apart. Candidates share
    /// the first letter (other typos there are rare), which keeps the scan
    /// cheap, or begin with the first two letters swapped back ("poen" ->
    /// "open", "ajmmed" -> "jammed": fast typists swap those as often as any).
    pub fn corrections(&self, word: &str, max: usize) -> Vec<String> {
        let len = word.chars().count();
        let limit = match len {
            0..=3 => return Vec::new(),
            4..=5 => 1,
            _ => 2,
        };
        let mut best: Vec<(usize, u32, &str)> = Vec::new();
        let mut best_d = limit + 1;
        let swapped = swapped_start(word);
        for (term, df) in self.same_initial(word).chain(swapped.iter().flat_map(|p| self.with_prefix(p))) {
            let tlen = term.chars().count();
            if tlen.abs_diff(len) > best_d.min(limit) || tlen < 3 {
                continue;
            }
            if let Some(d) = distance(word, term, best_d.min(limit)) {
                if d == 0 {
                    continue;
                }
                if d < best_d {
                    best_d = d;
                    best.clear();
                }
                if d == best_d {
                    best.push((d, df, term));
                }
            }
        }
        // Among words as close, those that differ from the typed one only
        // in vowels come first: an unstressed vowel is the commonest
        // misspelling ("authenticater" is "authenticator", not
        // "authenticate"; "seperate", "projecter").
        let skeleton = consonants(word);
        best.sort_by(|a, b| {
            let same = |t: &str| consonants(t) == skeleton;
            same(b.2).cmp(&same(a.2)).then(b.1.cmp(&a.1)).then(a.2.cmp(b.2))
        });
        best.into_iter().take(max).map(|(_, _, t)| t.to_string()).collect()
    }

    /// Corrections for a half-typed last word that is the prefix of no
    /// known word: known prefixes within one edit ("pasw" -> "passw").
    pub fn prefix_corrections(&self, prefix: &str, max: usize) -> Vec<String> {
        let len = prefix.chars().count();
        if len < 4 {
            return Vec::new();
        }
        let mut found: Vec<(u32, String)> = Vec::new();
        let swapped = swapped_start(prefix);
        for (term, df) in self.same_initial(prefix).chain(swapped.iter().flat_map(|p| self.with_prefix(p))) {
            // A letter missed (the commonest slip) or one mistyped.
            for cut in [len + 1, len] {
                let Some(p) = char_prefix(term, cut) else { continue };
                if distance(prefix, p, 1) == Some(1) {
                    match found.iter_mut().find(|(_, f)| f == p) {
                        Some(f) => f.0 = f.0.max(df),
                        None => found.push((df, p.to_string())),
                    }
                }
            }
        }
        found.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.len().cmp(&a.1.len())).then(a.1.cmp(&b.1)));
        found.into_iter().take(max).map(|(_, p)| p).collect()
    }

    /// The terms starting with the same letter as `word`.
    fn same_initial<'a>(&'a self, word: &str) -> impl Iterator<Item = (&'a str, u32)> + 'a {
        let first: String = word.chars().take(1).collect();
        let start = self.entries.partition_point(|e| self.term(e) < first.as_str());
        self.entries[start..]
            .iter()
            .map(|e| (self.term(e), e.df))
            .take_while(move |(t, _)| t.starts_with(first.as_str()))
    }
}

/// A word without its vowels: "authenticator" -> "thntctr".
fn consonants(word: &str) -> String {
    word.chars().filter(|c| !matches!(c, 'a' | 'e' | 'i' | 'o' | 'u')).collect()
}

/// Terms with their article counts as "term<TAB>count" lines, the form a
/// vocabulary is saved in between processes (FTS5 tokens hold no whitespace).
pub fn to_lines(terms: &[(String, u32)]) -> String {
    let mut out = String::with_capacity(terms.len() * 12);
    for (t, n) in terms {
        out.push_str(t);
        out.push('\t');
        out.push_str(&n.to_string());
        out.push('\n');
    }
    out
}

/// Reads `to_lines` back; None when any line is not of that form (the saved
/// copy is then rebuilt rather than trusted).
pub fn from_lines(text: &str) -> Option<Vec<(String, u32)>> {
    text.lines()
        .map(|l| {
            let (t, n) = l.split_once('\t')?;
            Some((t.to_string(), n.parse().ok()?))
        })
        .collect()
}

/// The first two letters of `word` swapped ("poen" -> "op"); None for a
/// word with fewer than two letters or two equal ones.
fn swapped_start(word: &str) -> Option<String> {
    let mut c = word.chars();
    match (c.next(), c.next()) {
        (Some(a), Some(b)) if a != b => Some([b, a].iter().collect()),
        _ => None,
    }
}

fn char_prefix(s: &str, chars: usize) -> Option<&str> {
    match s.char_indices().nth(chars) {
        Some((i, _)) => Some(&s[..i]),
        None if s.chars().count() == chars => Some(s),
        None => None,
    }
}

/// Optimal-string-alignment edit distance (insertions, deletions,
/// substitutions and adjacent transpositions), or None when it exceeds
/// `max` (rows stop early once every cell is past the limit).
pub fn distance(a: &str, b: &str, max: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let w = b.len() + 1;
    let mut prev2 = vec![0usize; w];
    let mut prev: Vec<usize> = (0..w).collect();
    let mut cur = vec![0usize; w];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[b.len()];
    (d <= max).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab() -> Vocab {
        let words = [
            ("printer", 12),
            ("printing", 9),
            ("print", 5),
            ("password", 20),
            ("passcode", 2),
            ("promethean", 2),
            ("projector", 6),
            ("jammed", 1),
            ("scanner", 3),
            ("scanned", 1),
            ("the", 57),
        ];
        Vocab::new(words.iter().map(|(w, n)| (w.to_string(), *n)).collect(), 57)
    }

    #[test]
    fn edit_distance_counts_transpositions_as_one() {
        assert_eq!(distance("pritner", "printer", 2), Some(1));
        assert_eq!(distance("pasword", "password", 2), Some(1));
        assert_eq!(distance("abc", "abc", 0), Some(0));
        assert_eq!(distance("kitten", "sitting", 3), Some(3));
        assert_eq!(distance("kitten", "sitting", 2), None);
        assert_eq!(distance("", "ab", 2), Some(2));
        assert_eq!(distance("ünï", "uni", 2), Some(2));
    }

    #[test]
    fn typos_are_corrected_to_the_closest_common_word() {
        let v = vocab();
        assert_eq!(v.corrections("pritner", 2), ["printer"]);
        assert_eq!(v.corrections("pasword", 2), ["password"]);
        assert_eq!(v.corrections("promethian", 2), ["promethean"]);
        assert_eq!(v.corrections("projecter", 2), ["projector"]);
        assert_eq!(v.corrections("scaner", 2), ["scanner"]);
        assert!(v.corrections("xyzzyq", 2).is_empty());
        assert!(v.corrections("thw", 2).is_empty(), "short words are left alone");
    }

    #[test]
    fn a_vowel_slip_beats_a_more_common_word_as_close() {
        let words = [("authenticate", 30), ("authenticated", 20), ("authenticator", 4)];
        let v = Vocab::new(words.iter().map(|(w, n)| (w.to_string(), *n)).collect(), 57);
        assert_eq!(v.corrections("authenticater", 1), ["authenticator"]);
        assert_eq!(v.corrections("authenticater", 3)[1..], ["authenticate", "authenticated"]);
    }

    #[test]
    fn prefixes_and_frequencies() {
        let v = vocab();
        assert!(v.has_prefix("prin") && !v.has_prefix("prx"));
        assert_eq!(v.with_prefix("print").count(), 3);
        assert_eq!(v.df("password"), 20);
        assert_eq!(v.df("nope"), 0);
        assert_eq!(v.prefix_df("print"), 12);
        assert!(v.idf(1) > v.idf(50));
        let fixed = v.prefix_corrections("pasw", 3);
        assert!(!fixed.is_empty() && fixed.iter().all(|p| "password".starts_with(p.as_str())), "{fixed:?}");
        assert_eq!(v.prefix_corrections("prjec", 1), ["projec"]);
        assert!(v.prefix_corrections("prj", 3).is_empty(), "too short to guess");
    }

    #[test]
    fn forms_are_real_endings_only() {
        let v = Vocab::new(
            [
                "jam", "jams", "jammed", "jamming", "jamf", "january", "print", "printer", "printers",
                "printing", "prints",
            ]
            .iter()
            .map(|w| (w.to_string(), 1))
            .collect(),
            10,
        );
        assert_eq!(v.forms("jam", 10), ["jam", "jammed", "jamming", "jams"]);
        assert_eq!(v.forms("print", 10), ["print", "printer", "printers", "printing", "prints"]);
        assert!(v.forms("zzz", 10).is_empty());
    }

    #[test]
    fn a_swap_of_the_first_two_letters_is_one_edit() {
        let v = Vocab::new(
            [("open", 9), ("pen", 2), ("jammed", 4), ("jam", 3)]
                .iter()
                .map(|(w, n)| (w.to_string(), *n))
                .collect(),
            10,
        );
        assert_eq!(v.corrections("poen", 2), ["open", "pen"], "the commoner word first");
        assert_eq!(v.corrections("ajmmed", 2), ["jammed"]);
        assert_eq!(v.prefix_corrections("ajmm", 1), ["jamm"]);
        assert!(v.corrections("eopn", 2).is_empty(), "other first letters are still not guessed");
    }

    #[test]
    fn saved_lines_read_back() {
        let terms = vec![("jam".to_string(), 3), ("printer".to_string(), 12)];
        assert_eq!(from_lines(&to_lines(&terms)), Some(terms));
        assert_eq!(from_lines(""), Some(vec![]));
        assert_eq!(from_lines("jam\tx\n"), None, "a damaged copy is rebuilt, not trusted");
        assert_eq!(from_lines("jam 3\n"), None);
    }

    #[test]
    fn a_saved_vocabulary_answers_as_the_list_it_was_saved_from() {
        let built = vocab().with_extra(["wifi", "printer", "paper"].into_iter());
        let mut terms: Vec<(String, u32)> =
            built.with_prefix("").map(|(t, n)| (t.to_string(), n)).filter(|(_, n)| *n > 0).collect();
        let text = to_lines(&terms);
        let saved =
            Vocab::from_saved(text.clone(), 57).unwrap().with_extra(["wifi", "printer", "paper"].into_iter());
        let all = |v: &Vocab| v.with_prefix("").map(|(t, n)| (t.to_string(), n)).collect::<Vec<_>>();
        let mut want: Vec<(String, u32)> = terms.clone();
        want.extend([("paper".to_string(), 0), ("wifi".to_string(), 0)]);
        want.sort();
        assert_eq!(all(&built), want, "synonyms merged in order, counts kept");
        assert_eq!(all(&saved), all(&built));
        assert_eq!(saved.len(), built.len());
        for w in ["pritner", "pasword", "ajmmed", "scaner", "wifi", "print", "pasw", "jam"] {
            assert_eq!(saved.df(w), built.df(w), "{w}");
            assert_eq!(saved.corrections(w, 3), built.corrections(w, 3), "{w}");
            assert_eq!(saved.prefix_corrections(w, 3), built.prefix_corrections(w, 3), "{w}");
            assert_eq!(saved.forms(w, 5), built.forms(w, 5), "{w}");
            assert_eq!(saved.completions(w, 5), built.completions(w, 5), "{w}");
        }
        assert_eq!(saved.df("printer"), 12);
        assert!(saved.contains("wifi") && saved.df("wifi") == 0);

        // Saved out of order (by hand, or an older writer): sorted, not trusted blindly.
        terms.reverse();
        let shuffled = Vocab::from_saved(to_lines(&terms), 57).unwrap();
        assert_eq!(shuffled.df("printer"), 12);
        assert_eq!(shuffled.corrections("pritner", 2), ["printer"]);
        assert_eq!(shuffled.with_prefix("print").count(), 3);

        // Damaged: refused, so the caller rebuilds it from the index.
        assert!(Vocab::from_saved("jam\t3\nprinter\tx\n".into(), 57).is_none());
        assert!(Vocab::from_saved("jam 3\n".into(), 57).is_none());
        assert!(Vocab::from_saved(String::new(), 0).is_some_and(|v| v.is_empty()));
    }

    #[test]
    fn extra_words_join_without_counts() {
        let v = vocab().with_extra(["wifi", "printer"].into_iter());
        assert!(v.contains("wifi"));
        assert_eq!(v.df("wifi"), 0);
        assert_eq!(v.df("printer"), 12, "an existing count is kept");
    }
}
