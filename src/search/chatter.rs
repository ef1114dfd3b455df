//! Words that say when or where a problem happens, not what it is: "wifi
//! keeps dropping in room 12", "projector not working in the hall", "taking
//! ages to log in every morning". Staff write them in every other request,
//! and no answer is about them; yet a knowledge base uses them here and
//! there ("the hall", "12 pages"), so as words of the question they count
//! against every right answer that lacks them (a rare word weighs most) and
//! pick unrelated candidates. They are left out of a question that has
//! other words (see `query::Query::parse`); typed alone they are searched.

/// Times, places and chat. Kept short on purpose: only words that cannot
/// name an IT problem or a thing in school IT. Sorted, for binary search.
/// Weekdays are not here: in a request they usually date what is asked for
/// ("a new starter on Monday"), and as words of the question they keep the
/// acknowledgement from offering an article on a request it cannot answer
/// (tests/ack_relevance.rs fell below its precision floor without them).
const CHATTER: &[&str] = &[
    "afternoon",
    "afternoons",
    "ages",
    "always",
    "annoying",
    "anymore",
    "anyway",
    "apparently",
    "basically",
    "block",
    "building",
    "cheers",
    "corridor",
    "daily",
    "evening",
    "every",
    "everyday",
    "hall",
    "hello",
    "hey",
    "hiya",
    "lately",
    "literally",
    "morning",
    "mornings",
    "recently",
    "room",
    "sometimes",
    "thing",
    "things",
    "today",
    "tomorrow",
    "tonight",
    "weekend",
    "yesterday",
];

/// Numbers this short are room numbers, counts, year groups and times
/// ("room 12", "40 copies", "year 7"); longer ones may be error codes.
const MAX_CHATTER_DIGITS: usize = 3;

/// Whether `word` (a token from `tokenize::words`) is chatter.
pub fn is_chatter(word: &str) -> bool {
    let number =
        !word.is_empty() && word.len() <= MAX_CHATTER_DIGITS && word.bytes().all(|b| b.is_ascii_digit());
    number || CHATTER.binary_search(&word).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_sorted_and_numbers_are_short() {
        let mut sorted = CHATTER.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, CHATTER);
        assert!(is_chatter("12") && is_chatter("7") && is_chatter("room") && is_chatter("morning"));
        assert!(!is_chatter("1603") && !is_chatter("0x80070005") && !is_chatter("2fa"));
        assert!(!is_chatter("projector") && !is_chatter("classroom") && !is_chatter(""));
    }
}
