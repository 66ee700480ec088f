//! Tests of the cloze reader: patterns of every shape, the one cloze type per question, card counts, spans and marks.

use super::*;

fn default() -> Clozes {
    Clozes::new(&["==[123;;]answer[;;hint]==".to_owned()])
}

fn fronts(c: &Clozes, text: &str) -> Vec<String> {
    c.expand(text).1.into_iter().map(|(f, _)| f).collect()
}

/// Outputs of the plugin's own clozecraft 0.4 (spec §j.1): each pattern's
/// deletions are replaced in turn over the whole text.
#[test]
fn nested_and_crossing_deletions_of_two_patterns_like_the_plugin() {
    let c = Clozes::new(&["==[123;;]answer[;;hint]==".to_owned(), "**[123;;]answer[;;hint]**".to_owned()]);
    let (kind, cards) = c.expand("A **b** C ==d **e**== F");
    assert_eq!(kind, Some(ClozeType::Simple));
    let want = [
        ("A b C [...] F", "A b C d e F"),
        ("A [...] C d e F", "A b C d e F"),
        ("A b C d [...] F", "A b C d e F"),
    ];
    assert_eq!(cards, want.map(|(f, b)| (f.to_owned(), b.to_owned())));
    let cards = c.expand("**x ==y** z==").1;
    let want = [("**x [...]", "**x y** z"), ("**x y** z", "**x y** z")];
    assert_eq!(cards, want.map(|(f, b)| (f.to_owned(), b.to_owned())));
    let cards = c.expand("==a== ==a== **a**").1;
    let fronts: Vec<&str> = cards.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(fronts, ["[...] a a", "a [...] a", "a a [...]"]);
    // `$` is shown as written (the plugin's replace would read `$&`).
    assert_eq!(default().expand("x ==$&== y").1, [("x [...] y".to_owned(), "x $& y".to_owned())]);
}

#[test]
fn hidden_deletions_have_their_own_marks() {
    let c = default();
    let cards = c.expand_marked("==ah;;one== ==ha;;two==", ('<', '>'), ('{', '}'));
    assert_eq!(cards[0], ("<[...]> {[...]}".to_owned(), "<one> {[...]}".to_owned()));
}

#[test]
fn simple_with_hints() {
    let c = default();
    assert_eq!(
        fronts(&c, "The ==KRaft;;consensus protocol== quorum and ==x=="),
        vec!["The [consensus protocol] quorum and x", "The KRaft quorum and [...]"]
    );
}

#[test]
fn numbered_wins_and_leaves_simple_literal() {
    let c = default();
    let (kind, cards) = c.expand("==1;;classic== wins and ==plain== stays");
    assert_eq!(kind, Some(ClozeType::Classic));
    assert_eq!(cards[0].0, "[...] wins and ==plain== stays");
    let cards = fronts(&c, "==1;;a== and ==3;;c==");
    assert_eq!(cards, vec!["[...] and c", "a and c", "a and [...]"]);
}

#[test]
fn overlapping_actions() {
    let c = default();
    let (_, cards) = c.expand("==as;;poll()== then ==sa;;commitSync()== and ==h;;close()==");
    assert_eq!(cards[0].0, "[...] then commitSync() and [...]");
    assert_eq!(cards[0].1, "poll() then commitSync() and [...]");
    assert_eq!(cards[1].0, "poll() then [...] and close()");
    assert_eq!(c.expand("==has;;possesses==").1.len(), 3);
}

#[test]
fn asked_and_hidden_deletions_get_their_own_marks() {
    let c = default();
    let cards = c.expand_marked("==as;;poll()== then ==h;;close()==", ('<', '>'), ('{', '}'));
    assert_eq!(cards[0], ("<[...]> then {[...]}".to_owned(), "<poll()> then {[...]}".to_owned()));
    assert_eq!(cards[1].0, "poll() then close()");
}

#[test]
fn several_patterns_number_simple_clozes_in_pattern_order() {
    let c = Clozes::new(&["==[123;;]answer[;;hint]==".to_owned(), "{{[123;;]answer[;;hint]}}".to_owned()]);
    assert_eq!(
        fronts(&c, "Both {{curly}} and ==highlight== deletions count"),
        vec!["Both curly and [...] deletions count", "Both [...] and highlight deletions count"]
    );
}

/// Found by fuzzing (fuzz target edit timed out): one numbered cloze
/// with a huge number made every loop over the question's cards endless.
#[test]
fn a_huge_cloze_number_gives_a_bounded_number_of_cards() {
    let c = default();
    for text in ["==99999999999;;x==", "==18446744073709551615;;x== and ==2;;y=="] {
        assert_eq!(c.card_count(text), MAX_NUMBERED_CARDS, "{text}");
        assert_eq!(c.expand(text).1.len(), MAX_NUMBERED_CARDS, "{text}");
    }
    assert_eq!(c.card_count("==3;;x=="), 3);
}

#[test]
fn fast_count_agrees_with_the_regexes() {
    let patterns = [
        vec!["==[123;;]answer[;;hint]==".to_owned()],
        vec!["==[123;;]answer[;;hint]==".to_owned(), "{{[123;;]answer[;;hint]}}".to_owned()],
        vec!["**[123;;]answer[;;hint]**".to_owned()],
        vec!["==[123]answer==".to_owned()],
        vec!["==[1232]answer[;;hint]==".to_owned()],
    ];
    let texts = [
        "a ==b== c ==d;;e== f",
        "====x== ==",
        "==a\nb== ==c==",
        "x ==é== {{y}} ==;;== ==z;;h;;i==",
        "==1;;a== ==b==",
        "==ash;;x== ==q==",
        "**b** **c;;d**x**",
        "== a == == b==",
        "==x==y==z==",
        // Found by fuzzing: an overlapping or numbered deletion that opens
        // inside a longer run of the opening's characters.
        "===sa;;f==",
        "===2;;f==",
        "x ****2;;b** ==a==",
        // Words that start like a sequence but are none, and sequences
        // the exact test must still see.
        "==segment== ==schema== ==2x== ==hash==",
        "==ash;x== ==12;x== ==a;;b==",
        "==sash;;b== ==h==",
        "==12;;b== ==s==",
        "==\u{663};;x== ==y==",
        "==1\u{663};;x==",
        "==é==",
        "==s",
        "==12",
        // Found by fuzzing: an empty hint runs on to the next closing.
        "resolves ==names== to ==addresses;;== and runs on port ==53==",
        "==x;;== y ==z== ==w==",
        "==x;== y ==z;;h==",
        // Deletions on several lines (the line end is found once a line),
        // with and without the hint's or the sequence's literal.
        "==a== ==b\n==c== x\r\n==d==\n\n==e",
        "==a==\n==1;;b==",
        "==a\n== ==b;;h==\n==c==",
    ];
    // Digits of other scripts number no cloze, as in JavaScript.
    assert_eq!(default().card_count("==\u{663};;x== ==y=="), 2);
    assert_eq!(default().card_count_by_regex("==\u{663};;x== ==y=="), 2);
    for ps in &patterns {
        let c = Clozes::new(ps);
        for t in texts {
            let slow = {
                let (kind, dels) = c.deletions_by_regex(t);
                kind.map_or(0, |k| count_cards(k, &dels))
            };
            assert_eq!(c.deletions(t), c.deletions_by_regex(t), "{ps:?} {t:?}");
            assert_eq!(c.card_count(t), slow, "{ps:?} {t:?}");
            assert_eq!(c.card_count_by_regex(t), slow, "{ps:?} {t:?}");
            for line in t.lines() {
                assert_eq!(c.is_cloze_line(line), c.is_cloze_line_by_regex(line), "{ps:?} {line:?}");
            }
        }
    }
}

#[test]
fn spans_name_the_cards_that_ask_them() {
    let c = default();
    let spans = c.spans("==1;;a== and ==3;;c;;hint== and ==1;;again==");
    let got: Vec<_> = spans.iter().map(|s| (s.answer.as_str(), s.hint.as_deref(), s.cards.clone())).collect();
    assert_eq!(got, vec![("a", None, vec![0]), ("c", Some("hint"), vec![2]), ("again", None, vec![0])]);
    assert_eq!(spans[0].range, 0..8);
    let simple = c.spans("The ==KRaft;;consensus== quorum and ==x==");
    assert_eq!(simple.iter().map(|s| s.cards.clone()).collect::<Vec<_>>(), vec![vec![0], vec![1]]);
    let overlapping = c.spans("==as;;poll()== then ==sa;;commit()== and ==h;;close()==");
    let cards: Vec<_> = overlapping.iter().map(|s| s.cards.clone()).collect();
    assert_eq!(cards, vec![vec![0], vec![1], vec![]]);
    assert!(c.spans("no clozes").is_empty());
}

#[test]
fn bold_pattern_and_detection() {
    let c = Clozes::new(&["**[123;;]answer[;;hint]**".to_owned()]);
    assert!(c.is_cloze_line("Bold **deletions** here"));
    assert!(!c.is_cloze_line("==not== here"));
    assert!(!Clozes::new(&[]).is_cloze_line("==x=="));
}

#[test]
fn custom_pattern_with_escaped_brackets() {
    let c = Clozes::new(&[r"==answer==[^\[hint\]][\[^123\]]".to_owned()]);
    let (kind, cards) = c.expand("A ==leader==^[role][^1] and ==ISR==[^2]");
    assert_eq!(kind, Some(ClozeType::Classic));
    assert_eq!(cards.len(), 2);
    assert_eq!(cards[0].0, "A [role] and ISR");
}
