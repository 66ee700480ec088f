//! The start screen's deck tree, pure: every deck of today's cards with
//! its parents, and the new / learning / review counts a session of that
//! deck would have after the daily limits. "All decks" comes first, so
//! choosing nothing reviews everything.

use super::queue::{Cards, Phase, QueueCard};
use crate::deck::{deck_matches, with_parents};

/// One row of the deck tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeckRow {
    /// The deck's full path (`None`: all decks).
    pub deck: Option<String>,
    /// What the row shows: the last name of the path, or `All decks`.
    pub name: String,
    /// 0 for all decks and top-level decks, one more per `/`.
    pub depth: usize,
    pub new: usize,
    pub learning: usize,
    pub review: usize,
}

/// The rows of the start screen for today's `cards` (before limits).
/// `limited` builds the queue a session would have from some of them
/// (order and daily limits applied), so each row counts what choosing it
/// would really review. A card belongs to the deck it is ordered under
/// (its first deck, or the one `--deck` matched).
#[must_use]
pub fn deck_tree(cards: &Cards, limited: impl Fn(Cards) -> Vec<QueueCard>) -> Vec<DeckRow> {
    let counts = |q: &[QueueCard]| {
        let n = |p: Phase| q.iter().filter(|c| c.phase == p).count();
        (n(Phase::New), n(Phase::Learning), n(Phase::Review))
    };
    let (new, learning, review) = counts(&limited(cards.clone()));
    let mut rows = vec![DeckRow { deck: None, name: "All decks".into(), depth: 0, new, learning, review }];
    let mut used = vec![false; cards.decks().len()];
    for c in cards.iter() {
        if let Some(u) = used.get_mut(c.deck as usize) {
            *u = true;
        }
    }
    let named = cards.decks().iter().zip(used).filter(|(_, u)| *u).map(|(d, _)| d.as_str());
    for deck in with_parents(named) {
        let (new, learning, review) = counts(&limited(only(cards, &deck)));
        let name = deck.rsplit('/').next().unwrap_or(&deck).to_owned();
        let depth = deck.matches('/').count();
        rows.push(DeckRow { deck: Some(deck), name, depth, new, learning, review });
    }
    rows
}

/// True when the start screen has nothing to choose: the cards are all in
/// one deck.
#[must_use]
pub fn single_deck<'a>(cards: impl IntoIterator<Item = &'a QueueCard>) -> bool {
    let mut cards = cards.into_iter();
    cards.next().is_none_or(|first| cards.all(|c| c.deck == first.deck))
}

/// The cards of `deck` and its subdecks.
#[must_use]
pub fn only(cards: &Cards, deck: &str) -> Cards {
    let inside: Vec<bool> = cards.decks().iter().map(|d| deck_matches(d, deck)).collect();
    cards.filtered(|c| inside.get(c.deck as usize).copied().unwrap_or(false))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::queue::{Order, build};

    fn card(cards: &mut Cards, deck: &str, line: usize, phase: Phase) {
        let deck = cards.deck(deck);
        let path = std::sync::Arc::new(format!("n{line}.md").into());
        cards.push(QueueCard::new(
            path,
            (line, 0),
            crate::parse::LineNo::new(line),
            line as u64,
            phase,
            deck,
        ));
    }

    #[test]
    fn every_deck_with_its_parents_and_counts_after_the_limits() {
        let mut cards = Cards::default();
        for i in 0..5 {
            card(&mut cards, "flashcards/kafka/producers", i, Phase::New);
        }
        card(&mut cards, "flashcards/kafka", 10, Phase::Review);
        card(&mut cards, "flashcards/kafka/producers", 11, Phase::Learning);
        card(&mut cards, "flashcards/sql", 12, Phase::Review);
        card(&mut cards, "flashcards/sql", 13, Phase::New);
        // At most 2 new cards a session.
        let rows = deck_tree(&cards, |c| build(c, Order::DueFirstSequential, false, 1, Some(2), None));
        let shown: Vec<(&str, usize, usize, usize, usize)> =
            rows.iter().map(|r| (r.name.as_str(), r.depth, r.new, r.learning, r.review)).collect();
        assert_eq!(
            shown,
            vec![
                ("All decks", 0, 2, 1, 2),
                ("flashcards", 0, 2, 1, 2),
                ("kafka", 1, 2, 1, 1),
                ("producers", 2, 2, 1, 0),
                ("sql", 1, 1, 0, 1),
            ]
        );
        assert_eq!(rows[3].deck.as_deref(), Some("flashcards/kafka/producers"));
        assert_eq!(only(&cards, "flashcards/kafka").len(), 7);
        assert_eq!(
            only(&cards, "flashcards/sql").iter().map(QueueCard::question).collect::<Vec<_>>(),
            [12, 13]
        );
        assert!(!single_deck(cards.iter()));
        assert!(single_deck(cards.iter().take(5)));
        assert!(single_deck(&[]));
    }
}
