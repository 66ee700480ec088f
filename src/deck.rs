//! Deck filters: what `--deck D` selects.
//!
//! A deck is a path of names (`flashcards/kafka/producers`, no `#`). A
//! filter names a deck by its full path or by any unique tail of it
//! (`producers`, `kafka/producers`), and selects that deck and its subdecks.
//! A filter that names no deck of the vault, or several, is an error that
//! lists the closest decks or the candidates: a typo must not silently
//! select nothing.

use std::collections::BTreeSet;

use crate::error::Error;

/// True when `deck` is `filter` or one of its subdecks (`filter` is a full
/// deck path, `#` and a trailing `/` allowed).
#[must_use]
pub fn deck_matches(deck: &str, filter: &str) -> bool {
    let filter = filter.trim_start_matches('#').trim_end_matches('/');
    deck == filter || (deck.starts_with(filter) && deck.as_bytes().get(filter.len()) == Some(&b'/'))
}

/// Every deck path the given decks imply: each deck and its parents.
#[must_use]
pub fn with_parents<'a>(decks: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for d in decks {
        let mut end = 0;
        for (i, c) in d.char_indices() {
            if c == '/' {
                out.insert(d[..i].to_owned());
            }
            end = i + c.len_utf8();
        }
        if end > 0 {
            out.insert(d.to_owned());
        }
    }
    out
}

/// Turns `filters` into full deck paths of `known` (every deck and parent
/// of the vault, see [`with_parents`]).
pub fn resolve(filters: &[String], known: &BTreeSet<String>) -> Result<Vec<String>, Error> {
    let mut out = Vec::with_capacity(filters.len());
    for f in filters {
        let want = f.trim_start_matches('#').trim_end_matches('/');
        if known.contains(want) {
            out.push(want.to_owned());
            continue;
        }
        let tails: Vec<&String> = known
            .iter()
            .filter(|d| {
                d.len() > want.len() && d.ends_with(want) && d.as_bytes()[d.len() - want.len() - 1] == b'/'
            })
            .collect();
        match tails.as_slice() {
            [one] => out.push((*one).clone()),
            [] => {
                let near = closest(want, known);
                let hint = if near.is_empty() {
                    "`recall decks` lists the vault's decks".to_owned()
                } else {
                    format!("did you mean {}? (`recall decks` lists them all)", near.join(", "))
                };
                return Err(Error::Refused {
                    message: format!("--deck {f}: no such deck in the vault"),
                    hint: Some(hint),
                });
            }
            many => {
                let list: Vec<&str> = many.iter().map(|s| s.as_str()).collect();
                return Err(Error::Refused {
                    message: format!("--deck {f} names several decks: {}", list.join(", ")),
                    hint: Some("give more of the path, e.g. the full deck".into()),
                });
            }
        }
    }
    Ok(out)
}

/// Up to three decks whose name is closest to `want`.
fn closest(want: &str, known: &BTreeSet<String>) -> Vec<String> {
    let want_l = want.to_lowercase();
    let mut scored: Vec<(usize, &String)> = known
        .iter()
        .map(|d| {
            let dl = d.to_lowercase();
            let last = dl.rsplit('/').next().unwrap_or(&dl);
            let score = if dl.contains(&want_l) {
                0
            } else {
                levenshtein(&want_l, last).min(levenshtein(&want_l, &dl))
            };
            (score, d)
        })
        .filter(|(score, _)| *score <= want.chars().count().max(3) / 2 + 1)
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, d)| d.clone()).collect()
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> BTreeSet<String> {
        with_parents([
            "flashcards/kafka/producers",
            "flashcards/kafka/consumers",
            "flashcards/exam/producers",
        ])
    }

    #[test]
    fn full_paths_and_unique_tails_resolve() {
        let k = known();
        let r = |f: &str| resolve(&[f.to_owned()], &k);
        assert_eq!(r("flashcards/kafka").expect("ok"), ["flashcards/kafka"]);
        assert_eq!(r("#flashcards/kafka/").expect("ok"), ["flashcards/kafka"]);
        assert_eq!(r("kafka").expect("ok"), ["flashcards/kafka"]);
        assert_eq!(r("consumers").expect("ok"), ["flashcards/kafka/consumers"]);
        assert_eq!(r("kafka/producers").expect("ok"), ["flashcards/kafka/producers"]);
    }

    #[test]
    fn ambiguous_and_unknown_filters_are_errors_that_help() {
        let k = known();
        let e = resolve(&["producers".to_owned()], &k).expect_err("ambiguous");
        assert!(e.to_string().contains("flashcards/exam/producers, flashcards/kafka/producers"), "{e}");
        let e = resolve(&["kafak".to_owned()], &k).expect_err("unknown");
        assert!(e.to_string().contains("no such deck"), "{e}");
        assert!(e.hint().is_some_and(|h| h.contains("flashcards/kafka")), "{:?}", e.hint());
    }

    #[test]
    fn subdecks_match_their_parents_only_at_a_slash() {
        assert!(deck_matches("flashcards/kafka/x", "flashcards/kafka"));
        assert!(deck_matches("flashcards/kafka", "flashcards/kafka"));
        assert!(!deck_matches("flashcards/kafkaesque", "flashcards/kafka"));
    }
}
