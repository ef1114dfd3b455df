//! Our own tokenizer, shaped like SQLite's `unicode61 remove_diacritics 2`:
//! letters and digits make tokens, everything else separates them, case and
//! common diacritics are folded. User text only ever reaches FTS5 as tokens
//! produced here, each one quoted, so no query syntax can leak through.

/// A token with its byte range in the original text (for snippets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// Splits `text` into lower-case, diacritic-folded tokens with their offsets.
pub fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    scan(text, |w, start, end| out.push(Token { text: w.to_string(), start, end }));
    out
}

/// Calls `f` with each token of `text` and its byte range, in order: the
/// tokens of `tokens` without a string each (analysing candidates for
/// ranking splits whole article bodies on every search).
pub fn scan(text: &str, mut f: impl FnMut(&str, usize, usize)) {
    let mut current = String::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if c.is_ascii_alphanumeric() {
            if current.is_empty() {
                start = i;
            }
            current.push(c.to_ascii_lowercase());
        } else if !c.is_ascii() && c.is_alphanumeric() {
            if current.is_empty() {
                start = i;
            }
            for lower in c.to_lowercase() {
                current.push(fold(lower));
            }
        } else if !current.is_empty() {
            f(&current, start, i);
            current.clear();
        }
    }
    if !current.is_empty() {
        f(&current, start, text.len());
    }
}

/// Just the token texts.
pub fn words(text: &str) -> Vec<String> {
    tokens(text).into_iter().map(|t| t.text).collect()
}

/// Folds the accented Latin letters staff are likely to type to their base
/// letter, as `remove_diacritics` does in the index.
pub fn fold(c: char) -> char {
    match c {
        'à'..='å' | 'ā' | 'ă' | 'ą' => 'a',
        'ç' | 'ć' | 'č' => 'c',
        'è'..='ë' | 'ē' | 'ė' | 'ę' | 'ě' => 'e',
        'ì'..='ï' | 'ī' | 'į' => 'i',
        'ñ' | 'ń' | 'ň' => 'n',
        'ò'..='ö' | 'ø' | 'ō' | 'ő' => 'o',
        'ù'..='ü' | 'ū' | 'ů' | 'ű' => 'u',
        'ý' | 'ÿ' => 'y',
        'ś' | 'š' => 's',
        'ź' | 'ż' | 'ž' => 'z',
        'ł' => 'l',
        'ř' => 'r',
        'ť' => 't',
        'ď' => 'd',
        c => c,
    }
}

/// Words that carry no meaning for finding an answer: function words and
/// the filler of helpdesk requests ("please help, it is not working").
const STOPWORDS: &[&str] = &[
    "a", "about", "after", "again", "all", "also", "am", "an", "and", "any", "anyone", "are", "aren", "as",
    "at", "be", "been", "but", "by", "can", "cannot", "cant", "could", "couldn", "d", "did", "didn", "do",
    "does", "doesn", "doesnt", "don", "dont", "for", "from", "get", "gets", "got", "had", "has", "hasn",
    "have", "haven", "he", "help", "her", "hi", "his", "how", "i", "if", "im", "in", "into", "is", "isn",
    "isnt", "it", "its", "ive", "just", "keep", "keeps", "ll", "m", "me", "my", "need", "needs", "no", "not",
    "of", "ok", "on", "or", "our", "please", "re", "s", "she", "should", "shouldn", "so", "some", "still",
    "t", "thanks", "that", "the", "their", "them", "then", "there", "they", "this", "to", "too", "up", "ve",
    "very", "was", "wasn", "we", "were", "what", "when", "where", "which", "who", "why", "will", "with",
    "won", "wont", "would", "wouldn", "you", "your",
];

/// The stopword list (sorted), for the self-help site's script.
pub fn stopwords() -> &'static [&'static str] {
    STOPWORDS
}

pub fn is_stopword(word: &str) -> bool {
    STOPWORDS.binary_search(&word).is_ok()
}

/// A light English stem used as a prefix: "jammed" -> "jam", "printing" ->
/// "print", "passwords" -> "password", "batteries" -> "batter". Returns
/// None when nothing sensible can be stripped. Matching the stem as a prefix
/// ("jam*") finds the other forms without a stemming tokenizer in the index,
/// which keeps the index vocabulary made of real words for typo correction.
pub fn stem(word: &str) -> Option<String> {
    if !word.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let strip = |suffix: &str, min: usize| -> Option<String> {
        let base = word.strip_suffix(suffix)?;
        (base.len() >= min).then(|| undouble(base))
    };
    let stemmed = if word.ends_with("ies") {
        strip("ies", 4)
    } else if word.ends_with("ing") {
        strip("ing", 3)
    } else if word.ends_with("ed") {
        strip("ed", 3)
    } else if word.ends_with("ers") {
        strip("ers", 4)
    } else if word.ends_with("er") {
        strip("er", 4)
    } else if word.ends_with("es") && !word.ends_with("ses") {
        strip("es", 4)
    } else if word.ends_with('s') && !word.ends_with("ss") && !word.ends_with("us") && !word.ends_with("is") {
        strip("s", 3)
    } else {
        None
    };
    stemmed.filter(|s| s.len() >= 3 && s != word)
}

/// "jamm" -> "jam", "scann" -> "scan" (but "fill" and "pass" stay).
fn undouble(base: &str) -> String {
    let b = base.as_bytes();
    let n = b.len();
    if n >= 4 && b[n - 1] == b[n - 2] && !matches!(b[n - 1], b'l' | b's' | b'z' | b'f') {
        base[..n - 1].to_string()
    } else {
        base.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_lowercased_folded_and_split_on_punctuation() {
        assert_eq!(
            words("Wi-Fi on the SchoolStaff network!"),
            ["wi", "fi", "on", "the", "schoolstaff", "network"]
        );
        assert_eq!(words("Café déjà vu"), ["cafe", "deja", "vu"]);
        assert_eq!(words("H: drive, 23smithj"), ["h", "drive", "23smithj"]);
        assert_eq!(words("\"NEAR(\" * -x AND OR 😀"), ["near", "x", "and", "or"]);
        assert!(words("😀 🖨️ *** \"\" ()").is_empty());
    }

    #[test]
    fn offsets_point_into_the_original_text() {
        let text = "Über printer — jammed";
        for t in tokens(text) {
            assert_eq!(text[t.start..t.end].to_lowercase().replace('ü', "u"), t.text);
        }
    }

    #[test]
    fn stopwords_are_sorted_for_binary_search() {
        let mut sorted = STOPWORDS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, STOPWORDS);
        assert!(is_stopword("the") && is_stopword("please") && !is_stopword("printer"));
    }

    #[test]
    fn stems_strip_common_suffixes() {
        let cases = [
            ("jammed", Some("jam")),
            ("jamming", Some("jam")),
            ("printing", Some("print")),
            ("printer", Some("print")),
            ("scanner", Some("scan")),
            ("passwords", Some("password")),
            ("batteries", Some("batter")),
            ("locked", Some("lock")),
            ("paper", None),
            ("access", None),
            ("sims", Some("sim")),
            ("jam", None),
            ("wifi", None),
            ("2fa", None),
        ];
        for (word, want) in cases {
            assert_eq!(stem(word).as_deref(), want, "{word}");
        }
    }
}
