//! Building the review queue the way the plugin orders cards (spec §g.5):
//! decks in name order (or random), each deck finished before the next;
//! within a deck new and due cards in note order, or picked at random, new
//! or due first; or every card of every deck at random. Limits cap the new
//! and the review cards taken.

use std::cmp::Ordering;
use std::str::FromStr;

use crate::note_path::NotePath;

/// One card in the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueCard {
    pub path: NotePath,
    /// Index of the question in its note.
    pub question: usize,
    pub sibling: usize,
    /// The question's line (its address), to find it again after edits.
    pub line: crate::parse::LineNo,
    /// The question's hash (text without schedule).
    pub hash: crate::parse::QuestionHash,
    pub is_new: bool,
    /// New, learning or review, for the progress counts (a card moves on
    /// as it is answered).
    pub phase: Phase,
    /// The card's deck (its first one) for ordering.
    pub deck: String,
    /// Position of that deck in the deck order; Again requeues within it.
    pub deck_rank: usize,
}

/// Where a card is in its life, as the progress line counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Never answered.
    New,
    /// In (re)learning: an FSRS step due within the day, or answered Again
    /// this session.
    Learning,
    /// A review card.
    Review,
}

/// The plugin's `flashcardCardOrder`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    NewFirstSequential,
    NewFirstRandom,
    DueFirstSequential,
    DueFirstRandom,
    EveryCardRandom,
}

impl Order {
    /// All orders with their command-line names.
    pub const NAMES: [(&'static str, Order); 5] = [
        ("new-first", Order::NewFirstSequential),
        ("new-first-random", Order::NewFirstRandom),
        ("due-first", Order::DueFirstSequential),
        ("due-first-random", Order::DueFirstRandom),
        ("random", Order::EveryCardRandom),
    ];

    /// The plugin's setting value (`DueFirstRandom`, …); unknown values give
    /// the plugin's default.
    #[must_use]
    pub fn from_plugin(o: crate::settings::CardOrder) -> Order {
        use crate::settings::CardOrder;
        match o {
            CardOrder::NewFirstSequential => Order::NewFirstSequential,
            CardOrder::NewFirstRandom => Order::NewFirstRandom,
            CardOrder::DueFirstSequential => Order::DueFirstSequential,
            CardOrder::EveryCardRandomDeckAndCard => Order::EveryCardRandom,
            CardOrder::DueFirstRandom => Order::DueFirstRandom,
        }
    }
}

impl FromStr for Order {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Order::NAMES.iter().find(|(n, _)| *n == s).map(|(_, o)| *o).ok_or_else(|| {
            let names: Vec<&str> = Order::NAMES.iter().map(|(n, _)| *n).collect();
            format!("unknown order `{s}` (one of {})", names.join(", "))
        })
    }
}

/// A small deterministic generator (SplitMix64), so `--seed` reproduces a
/// session's order.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    #[must_use]
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Fisher–Yates shuffle.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next_u64() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

/// Compares deck paths folder by folder (`a` < `a/b` < `a b`), the deck
/// tree's depth-first order.
fn deck_cmp(a: &str, b: &str) -> Ordering {
    a.split('/').cmp(b.split('/'))
}

/// Orders `cards` (in note order) and applies the limits.
#[must_use]
pub fn build(
    mut cards: Vec<QueueCard>,
    order: Order,
    random_decks: bool,
    seed: u64,
    new_limit: Option<usize>,
    review_limit: Option<usize>,
) -> Vec<QueueCard> {
    let mut rng = Rng::new(seed);
    // The distinct decks, then sorted: sorting one name per card (tens of
    // thousands) cost more than everything else before the first card.
    // Cards come in note order, so a card's deck is mostly its
    // predecessor's: only a change of deck is looked up.
    let mut decks: Vec<String> = {
        let mut seen = std::collections::HashSet::new();
        let mut last: Option<&str> = None;
        let mut out = Vec::new();
        for c in &cards {
            if last != Some(c.deck.as_str()) {
                last = Some(c.deck.as_str());
                if seen.insert(c.deck.as_str()) {
                    out.push(c.deck.clone());
                }
            }
        }
        out
    };
    decks.sort_by(|a, b| deck_cmp(a, b));
    if random_decks {
        rng.shuffle(&mut decks);
    }
    if order == Order::EveryCardRandom {
        rng.shuffle(&mut cards);
        for c in &mut cards {
            c.deck_rank = 0;
        }
    } else {
        // Each deck's new and due cards, in note order: their places found
        // by counting, and the cards moved there in place (a second queue of
        // hundreds of thousands of cards was most of `review`'s memory).
        let rank: std::collections::HashMap<&str, usize> =
            decks.iter().enumerate().map(|(i, d)| (d.as_str(), i)).collect();
        let new_first = matches!(order, Order::NewFirstSequential | Order::NewFirstRandom);
        // Group 2r + 1 is deck r's cards that come second.
        let group = |c: &QueueCard| 2 * c.deck_rank + usize::from(c.is_new != new_first);
        let mut starts = vec![0usize; 2 * decks.len() + 1];
        let mut last: Option<(&str, usize)> = None;
        for c in &mut cards {
            c.deck_rank = match last {
                Some((d, r)) if d == c.deck.as_str() => r,
                _ => {
                    let r = rank.get(c.deck.as_str()).copied().unwrap_or(0);
                    last = Some((c.deck.as_str(), r));
                    r
                }
            };
            starts[group(c) + 1] += 1;
        }
        for g in 1..starts.len() {
            starts[g] += starts[g - 1];
        }
        let mut next = starts.clone();
        let mut place: Vec<usize> = cards
            .iter()
            .map(|c| {
                let g = group(c);
                next[g] += 1;
                next[g] - 1
            })
            .collect();
        for i in 0..cards.len() {
            while place[i] != i {
                let j = place[i];
                cards.swap(i, j);
                place.swap(i, j);
            }
        }
        drop(place);
        if matches!(order, Order::NewFirstRandom | Order::DueFirstRandom) {
            for r in 0..decks.len() {
                let (first, second) =
                    (starts[2 * r]..starts[2 * r + 1], starts[2 * r + 1]..starts[2 * r + 2]);
                let (new, due) = if new_first { (first, second) } else { (second, first) };
                rng.shuffle(&mut cards[new]);
                rng.shuffle(&mut cards[due]);
            }
        }
    }
    let mut out = cards;
    let (mut new_left, mut due_left) = (new_limit.unwrap_or(usize::MAX), review_limit.unwrap_or(usize::MAX));
    out.retain(|c| {
        let left = if c.is_new { &mut new_left } else { &mut due_left };
        if *left == 0 {
            return false;
        }
        *left -= 1;
        true
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(path: &str, deck: &str, is_new: bool) -> QueueCard {
        QueueCard {
            path: path.into(),
            question: 0,
            sibling: 0,
            line: crate::parse::LineNo::new(1),
            hash: path.into(),
            is_new,
            phase: if is_new { Phase::New } else { Phase::Review },
            deck: deck.into(),
            deck_rank: 0,
        }
    }

    fn paths(q: &[QueueCard]) -> Vec<&str> {
        q.iter().map(|c| c.path.as_str()).collect()
    }

    #[test]
    fn decks_in_tree_order_due_first() {
        let cards = vec![
            card("b1", "f/b", false),
            card("a-new", "f/a", true),
            card("a-due", "f/a", false),
            card("ab", "f a", false),
        ];
        let q = build(cards, Order::DueFirstSequential, false, 1, None, None);
        assert_eq!(paths(&q), vec!["a-due", "a-new", "b1", "ab"]);
        assert_eq!(q.iter().map(|c| c.deck_rank).collect::<Vec<_>>(), vec![0, 0, 1, 2]);
    }

    #[test]
    fn new_first_and_limits() {
        let cards = vec![
            card("d1", "x", false),
            card("n1", "x", true),
            card("n2", "x", true),
            card("d2", "x", false),
        ];
        let q = build(cards.clone(), Order::NewFirstSequential, false, 1, Some(1), None);
        assert_eq!(paths(&q), vec!["n1", "d1", "d2"]);
        let q = build(cards, Order::DueFirstSequential, false, 1, None, Some(1));
        assert_eq!(paths(&q), vec!["d1", "n1", "n2"]);
    }

    /// The order as it was built before the cards were moved in place: each
    /// deck's new and due cards bucketed, then shuffled new before due.
    fn bucketed(cards: Vec<QueueCard>, order: Order, random_decks: bool, seed: u64) -> Vec<QueueCard> {
        let mut rng = Rng::new(seed);
        let mut decks: Vec<String> = {
            let mut seen = std::collections::HashSet::new();
            cards.iter().filter(|c| seen.insert(c.deck.as_str())).map(|c| c.deck.clone()).collect()
        };
        decks.sort_by(|a, b| deck_cmp(a, b));
        if random_decks {
            rng.shuffle(&mut decks);
        }
        let mut buckets: Vec<(Vec<QueueCard>, Vec<QueueCard>)> = vec![(Vec::new(), Vec::new()); decks.len()];
        for mut c in cards {
            let r = decks.iter().position(|d| *d == c.deck).expect("deck");
            c.deck_rank = r;
            if c.is_new { buckets[r].0.push(c) } else { buckets[r].1.push(c) }
        }
        let mut out = Vec::new();
        for (mut new, mut due) in buckets {
            if matches!(order, Order::NewFirstRandom | Order::DueFirstRandom) {
                rng.shuffle(&mut new);
                rng.shuffle(&mut due);
            }
            let new_first = matches!(order, Order::NewFirstSequential | Order::NewFirstRandom);
            let (first, second) = if new_first { (new, due) } else { (due, new) };
            out.extend(first.into_iter().chain(second));
        }
        out
    }

    #[test]
    fn cards_moved_in_place_come_in_the_bucketed_order() {
        let decks = ["f/b", "f/a", "f a", "g", "f"];
        let cards: Vec<QueueCard> = (0..300)
            .map(|i: usize| card(&format!("c{i}"), decks[(i * 7 + i / 13) % decks.len()], (i * 11) % 5 < 2))
            .collect();
        for (_, order) in Order::NAMES.into_iter().filter(|(_, o)| *o != Order::EveryCardRandom) {
            for (seed, random_decks) in [(1, false), (2, true), (99, false)] {
                let q = build(cards.clone(), order, random_decks, seed, None, None);
                assert_eq!(q, bucketed(cards.clone(), order, random_decks, seed), "{order:?}, seed {seed}");
            }
        }
    }

    #[test]
    fn random_orders_are_reproducible_by_seed() {
        let cards: Vec<QueueCard> = (0..20).map(|i| card(&format!("c{i}"), "x", i % 3 == 0)).collect();
        let a = build(cards.clone(), Order::DueFirstRandom, false, 7, None, None);
        let b = build(cards.clone(), Order::DueFirstRandom, false, 7, None, None);
        let c = build(cards.clone(), Order::DueFirstRandom, false, 8, None, None);
        assert_eq!(a, b);
        assert_ne!(paths(&a), paths(&c));
        assert!(a.iter().take(13).all(|c| !c.is_new), "due cards come first");
        let r = build(cards, Order::EveryCardRandom, false, 7, None, None);
        assert_eq!(r.len(), 20);
    }

    #[test]
    fn order_names() {
        assert_eq!("due-first".parse::<Order>(), Ok(Order::DueFirstSequential));
        assert!("sideways".parse::<Order>().is_err());
        assert_eq!(
            Order::from_plugin(crate::settings::CardOrder::EveryCardRandomDeckAndCard),
            Order::EveryCardRandom
        );
    }
}
