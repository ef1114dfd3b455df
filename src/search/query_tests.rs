//! Query::parse's tests (kept beside it; see `query.rs`).

use super::*;

fn vocab() -> Vocab {
    let words = "printer printing jammed jam paper password reset wi fi wifi smartboard board interactive \
                 whiteboard projector copier login log staff onedrive drive shared the in";
    Vocab::new(words.split_whitespace().map(|w| (w.to_string(), 3)).collect(), 57)
        .with_extra(Synonyms::builtin().words())
}

fn parse(text: &str) -> Query {
    Query::parse(text, &vocab(), Synonyms::builtin(), true)
}

fn alternatives(q: &Query, group: usize) -> Vec<String> {
    q.groups[group].variants.iter().map(|v| v.to_fts(false)).collect()
}

#[test]
fn typos_are_corrected_only_when_nothing_matches() {
    let q = parse("pritner jammed");
    assert_eq!(q.groups.len(), 2);
    assert!(alternatives(&q, 0).contains(&"\"printer\"".to_string()), "{:?}", alternatives(&q, 0));
    assert_eq!(q.groups[1].variants[0].origin, Origin::Typed);
    assert!(!q.groups[1].variants.iter().any(|v| v.origin == Origin::Correction));
    let q = parse("pasword reset");
    assert!(alternatives(&q, 0).contains(&"\"password\"".to_string()));
    assert!(alternatives(&q, 1).contains(&"\"reset\"*".to_string()), "the last word is being typed");
}

#[test]
fn hyphenated_and_joined_words_meet() {
    let q = parse("wifi");
    let alts = alternatives(&q, 0);
    assert!(alts.contains(&"\"wi fi\"".to_string()), "{alts:?}");
    let q = parse("Wi-Fi down");
    let alts = alternatives(&q, 0);
    assert!(alts.contains(&"\"wifi\"*".to_string()) || alts.contains(&"\"wifi\"".to_string()), "{alts:?}");
    assert_eq!(q.groups[0].typed, "wi fi");
}

#[test]
fn phrases_and_their_synonyms_form_one_group() {
    let q = parse("interactive board pen");
    assert_eq!(q.groups[0].typed, "interactive board");
    let alts = alternatives(&q, 0);
    assert!(alts.contains(&"(\"interactive\" AND \"board\")".to_string()), "{alts:?}");
    assert!(alts.iter().any(|a| a.starts_with("\"smartboard\"")), "{alts:?}");
    let q = parse("smartboard");
    assert!(alternatives(&q, 0).iter().any(|a| a.starts_with("\"interactive board\"")));
}

#[test]
fn stopwords_go_and_the_last_word_is_a_prefix() {
    let q = parse("my printer is not printing");
    let typed: Vec<&str> = q.groups.iter().map(|g| g.typed.as_str()).collect();
    assert_eq!(typed, ["printer", "printing"]);
    assert!(alternatives(&q, 1).contains(&"\"printing\"*".to_string()));
    assert!(
        alternatives(&q, 1).contains(&"\"printer\"".to_string()),
        "forms of the stem: {:?}",
        alternatives(&q, 1)
    );
    let q = parse("pa");
    assert_eq!(alternatives(&q, 0), ["\"pa\""], "two letters are not expanded");
    assert!(parse("the and of").is_empty());
}

fn typed(q: &Query) -> Vec<&str> {
    q.groups.iter().map(|g| g.typed.as_str()).collect()
}

#[test]
fn a_letter_that_hopped_over_the_space_is_put_back() {
    let vocab = Vocab::new(
        ["open", "printer", "jammed", "ssl", "slow", "tray", "in"]
            .iter()
            .map(|w| (w.to_string(), 3))
            .collect(),
        57,
    );
    let parse = |t: &str| Query::parse(t, &vocab, Synonyms::builtin(), true);
    assert_eq!(typed(&parse("won' topen")), ["open"], "won't open");
    assert_eq!(typed(&parse("printe rjammed")), ["printer", "jammed"]);
    assert_eq!(typed(&parse("int ray")), ["tray"], "in tray");
    assert_eq!(typed(&parse("printer is sl")), ["printer", "sl"], "a word being typed did not hop");
    assert_eq!(typed(&parse("printer xqzvw")), ["printer", "xqzvw"], "unknown words stay as typed");
}

#[test]
fn two_letters_after_other_words_stand_for_common_words_they_begin() {
    let vocab = Vocab::new(
        [("wifi", 9), ("slow", 7), ("slot", 4), ("sleeve", 1)]
            .iter()
            .map(|(w, n)| (w.to_string(), *n))
            .collect(),
        57,
    );
    let q = Query::parse("wifi very sl", &vocab, Synonyms::builtin(), true);
    assert_eq!(typed(&q), ["wifi", "sl"]);
    let alts = alternatives(&q, 1);
    assert!(q.groups[1].known, "{alts:?}");
    assert!(alts.contains(&"\"slow\"".to_string()) && alts.contains(&"\"slot\"".to_string()), "{alts:?}");
    assert!(!alts.iter().any(|a| a.contains("sleeve")), "a rare word is no likely ending: {alts:?}");
    assert!(!alts.iter().any(|a| a.contains('*')), "no prefix scan for two letters: {alts:?}");
    let alone = Query::parse("sl", &vocab, Synonyms::builtin(), true);
    assert_eq!(alternatives(&alone, 0), ["\"sl\""], "nothing typed before: left alone");
    let done = Query::parse("wifi very sl", &vocab, Synonyms::builtin(), false);
    assert_eq!(alternatives(&done, 1), ["\"sl\""], "a finished text's short word is a word");
}

#[test]
fn unknown_words_are_not_required() {
    let q = parse("printer xqzvw");
    assert!(q.groups[0].known && !q.groups[1].known);
    assert_eq!(q.groups[1].weight, 0.0);
    let all = q.fts_all(false).unwrap();
    assert!(!all.contains("xqzvw"), "{all}");
    assert!(q.fts_any(false).unwrap().contains("\"xqzvw\""));
}

#[test]
fn chatter_is_left_out_unless_it_is_all_there_is() {
    let q = parse("wifi keeps dropping in room 12 every morning since");
    let typed: Vec<&str> = q.groups.iter().map(|g| g.typed.as_str()).collect();
    assert_eq!(typed, ["wifi", "dropping", "since"]);
    let q = parse("room 12");
    let typed: Vec<&str> = q.groups.iter().map(|g| g.typed.as_str()).collect();
    assert_eq!(typed, ["room", "12"], "nothing else was asked");
    let q = parse("error 1603 in room 12");
    let typed: Vec<&str> = q.groups.iter().map(|g| g.typed.as_str()).collect();
    assert_eq!(typed, ["error", "1603"], "a long number may be an error code");
}

#[test]
fn hostile_text_only_ever_becomes_quoted_tokens() {
    let nasty = [
        "\"",
        "\"\"\"",
        "*",
        "**",
        "NEAR(",
        "NEAR(a b, 2)",
        "-",
        "--",
        "a AND",
        "OR OR",
        "NOT x",
        "^x",
        "col:thing",
        "(",
        ")",
        "{a b}:c",
        "'",
        "\\",
        "x\"y",
        "😀🖨️",
        "printer -jam",
        "a + b",
        "\0",
        "ﷺ",
        "Ǆ",
        "ß",
        "İstanbul",
        "١٢٣",
        "日本語のプリンター",
    ];
    for text in nasty {
        let q = parse(text);
        let all = [q.fts_all(false), q.fts_any(false), q.fts_all(true), q.fts_any(true), q.fts_any_telling()];
        for expr in all.into_iter().flatten() {
            // Outside quotes only our own syntax may appear.
            let mut outside = String::new();
            let mut inside = false;
            for c in expr.chars() {
                if c == '"' {
                    inside = !inside;
                } else if !inside {
                    outside.push(c);
                }
            }
            assert!(!inside, "unbalanced quotes in {expr:?} from {text:?}");
            let cleaned = outside.replace(" AND ", " ").replace(" OR ", " ");
            assert!(
                cleaned.chars().all(|c| matches!(c, '(' | ')' | '*' | ' ')),
                "{text:?} leaked syntax: {expr:?}"
            );
        }
    }
}

#[test]
fn half_typed_words_are_known_words_in_the_ticket_index() {
    let q = parse("printer jam");
    let articles = q.fts_any(false).unwrap();
    let tickets = q.fts_any(true).unwrap();
    assert!(articles.contains("\"jam\"*"), "{articles}");
    assert!(!tickets.contains('*'), "no prefix scan in the ticket index: {tickets}");
    assert!(tickets.contains("\"jam\"") && tickets.contains("\"jammed\""), "{tickets}");
}

#[test]
fn phrases_with_a_stopword_find_candidates_by_their_other_words() {
    let q = parse("sign in broken");
    let log_in = q.groups[0].variants.iter().find(|v| v.tokens == ["log", "in"] && !v.loose);
    assert!(log_in.is_some(), "\"log in\" is one of its synonyms, as a phrase");
    for lean in [true, false] {
        let fts = q.fts_any(lean).unwrap();
        assert!(!fts.contains("\"log in\"") && fts.contains("\"log\""), "{fts}");
        assert!(!fts.contains("\"in\"") && !fts.contains(" in\""), "{fts}");
    }
    // The phrase itself still decides how well a text answers.
    let words = |t: &str| crate::search::matching::FieldWords::new(t);
    let v = log_in.unwrap();
    assert!(words("cannot log in today").matches(v));
    assert!(!words("the log shows nothing in it").matches(v));
}

#[test]
fn a_stopword_among_loose_words_is_left_to_ranking() {
    let q = parse("log in fails");
    let loose = q.groups[0].variants.iter().find(|v| v.loose).expect("a loose variant");
    assert_eq!(loose.tokens, ["log", "in"], "the words still count for coverage");
    let fts = loose.to_fts(false);
    assert!(fts.contains("\"log\"") && !fts.contains("\"in\""), "{fts}");
}

#[test]
fn words_in_most_articles_do_not_pick_candidates() {
    let vocab = Vocab::new(vec![("printer".into(), 40), ("toner".into(), 3)], 57);
    let q = Query::parse("printer toner", &vocab, Synonyms::builtin(), false);
    assert!(q.groups[0].common && !q.groups[1].common);
    let telling = q.fts_any_telling().unwrap();
    assert!(telling.contains("toner") && !telling.contains("printer"), "{telling}");
    assert!(q.fts_any(false).unwrap().contains("printer"), "the plain pass keeps it");
    let alone = Query::parse("printer", &vocab, Synonyms::builtin(), false);
    assert_eq!(alone.fts_any_telling(), None, "nothing else typed: the caller falls back");
}

#[test]
fn alternatives_picking_by_a_word_in_most_articles_leave_the_forgiving_pass() {
    let vocab = Vocab::new(vec![("log".into(), 40), ("login".into(), 3), ("logon".into(), 2)], 57);
    let q = Query::parse("login", &vocab, Synonyms::builtin(), false);
    let g = &q.groups[0];
    assert!(g.variants.iter().any(|v| v.tokens == ["log", "in"] && v.common), "{:?}", g.variants);
    assert!(!g.common, "\"login\" itself is telling");
    let telling = q.fts_any_telling().unwrap();
    assert!(telling.contains("\"login\"") && !telling.contains("\"log\""), "{telling}");
    assert!(q.fts_any(false).unwrap().contains("\"log\""), "the plain pass keeps it");
    assert!(q.fts_all(false).unwrap().contains("\"log\""), "a required group keeps every way to say it");
    // A phrase with a rare word still picks candidates by it.
    let vocab = Vocab::new(vec![("log".into(), 40), ("shows".into(), 3)], 57);
    let q = Query::parse("log shows", &vocab, Synonyms::builtin(), false);
    assert!(q.groups.iter().all(|g| g.variants.iter().all(|v| !v.common || v.tokens == ["log"])));
}

#[test]
fn a_corrected_word_ranks_its_own_form_above_its_synonyms() {
    let words = "toner jammed jam paper stuck printer";
    let vocab = Vocab::new(words.split_whitespace().map(|w| (w.to_string(), 3)).collect(), 57)
        .with_extra(Synonyms::builtin().words());
    let q = Query::parse("toner ajmmed", &vocab, Synonyms::builtin(), true);
    let origin = |tokens: &[&str]| q.groups[1].variants.iter().find(|v| v.tokens == tokens).map(|v| v.origin);
    assert_eq!(origin(&["jammed"]), Some(Origin::Correction), "{:?}", q.groups[1].variants);
    assert_eq!(origin(&["paper", "jam"]), Some(Origin::Related), "{:?}", q.groups[1].variants);
    let cover = |title: &str| {
        let f = crate::search::matching::FieldWords::new(title);
        crate::search::matching::coverage(&q, &[(&f, 1.0)])
    };
    let (jammed, jam) =
        (cover("Clearing toner when it is jammed"), cover("Clearing toner: paper jam in tray 2"));
    assert!(jammed > jam, "the word meant ranks above its synonym: {jammed} vs {jam}");
    assert!(jam > cover("Replacing toner"), "the synonym still counts: {jam}");
}
