//! Building the review queue the way the plugin orders cards (spec §g.5):
//! decks in name order (or random), each deck finished before the next;
//! within a deck new and due cards in note order, or picked at random, new
//! or due first; or every card of every deck at random. Limits cap the new
//! and the review cards taken.

use std::cmp::Ordering;
use std::str::FromStr;
use std::sync::Arc;

use crate::note_path::NotePath;
use crate::parse::QuestionHash;

/// One card in the queue. A queue can hold hundreds of thousands, so a card
/// owns no text and is 40 bytes: its note's path is shared with the note's
/// other cards, its deck is a number (see [`Cards`]), its question's hash is
/// kept as the number it prints, and its indices are 32-bit (a note is at
/// most [`crate::vault::MAX_NOTE_BYTES`], so none comes near `u32::MAX`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueCard {
    pub path: Arc<NotePath>,
    /// The question's hash (text without schedule), as
    /// [`crate::parse::Question::hash_value`] gives it; see
    /// [`QueueCard::question_hash`].
    pub hash: u64,
    /// Index of the question in its note; see [`QueueCard::question`].
    question: u32,
    sibling: u32,
    /// The number of the question's line (its address), to find it again
    /// after edits; see [`QueueCard::line`].
    line: u32,
    /// The card's deck (its first one) for ordering: its index in the deck
    /// names of the [`Cards`] it was gathered in.
    pub deck: u32,
    /// Position of that deck in the deck order; Again requeues within it.
    deck_rank: u32,
    pub is_new: bool,
    /// New, learning or review, for the progress counts (a card moves on
    /// as it is answered).
    pub phase: Phase,
}

/// A count or index as a card keeps it (see [`QueueCard`]).
fn narrow(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl QueueCard {
    /// Sibling `sibling` of question `question` (at `line`) of the note at
    /// `path`, in deck `deck` of its [`Cards`]; new when `phase` is.
    #[must_use]
    pub fn new(
        path: Arc<NotePath>,
        (question, sibling): (usize, usize),
        line: crate::parse::LineNo,
        hash: u64,
        phase: Phase,
        deck: u32,
    ) -> QueueCard {
        QueueCard {
            path,
            hash,
            question: narrow(question),
            sibling: narrow(sibling),
            line: narrow(line.get()),
            deck,
            deck_rank: 0,
            is_new: phase == Phase::New,
            phase,
        }
    }

    /// The question's hash as the log and the bury list write it.
    #[must_use]
    pub fn question_hash(&self) -> QuestionHash {
        QuestionHash::of_value(self.hash)
    }

    /// Index of the question in its note.
    #[must_use]
    pub fn question(&self) -> usize {
        self.question as usize
    }

    /// Which of the question's cards this is.
    #[must_use]
    pub fn sibling(&self) -> usize {
        self.sibling as usize
    }

    /// The question's line (its address).
    #[must_use]
    pub fn line(&self) -> crate::parse::LineNo {
        crate::parse::LineNo::new(self.line as usize)
    }

    /// Position of the card's deck in the deck order.
    #[must_use]
    pub fn deck_rank(&self) -> usize {
        self.deck_rank as usize
    }

    /// Points the card at question `question` (at `line`, hashing to `hash`)
    /// of its note, after the note was read again.
    pub fn repoint(&mut self, question: usize, line: crate::parse::LineNo, hash: u64) {
        self.question = narrow(question);
        self.line = narrow(line.get());
        self.hash = hash;
    }
}

/// Cards gathered for a queue, in note order, and the names of their decks:
/// a card's `deck` indexes `decks`, where each name is once, so two cards
/// are in the same deck exactly when their numbers are equal.
///
/// The cards are kept in blocks of [`BLOCK`] (the first one grows up to
/// that): a vault's queue is gathered note by note, and one list doubling
/// as it grew had the kernel clear about three times its final size in
/// fresh pages, and copied it at every doubling.
#[derive(Debug, Clone, Default)]
pub struct Cards {
    blocks: Vec<Vec<QueueCard>>,
    /// Kept with `index` by [`Cards::deck`]: read them with [`Cards::decks`].
    decks: Vec<String>,
    /// Each name's index in `decks`, once there are more than [`FEW_DECKS`]
    /// (a note's own cards are in one or two).
    index: std::collections::HashMap<String, u32>,
}

/// Deck names looked up one by one rather than through an index.
const FEW_DECKS: usize = 8;

/// Cards in a full block of [`Cards`] (1.25 MiB).
const BLOCK: usize = 1 << 15;

impl Cards {
    /// No cards, and the deck names `decks` (distinct) to number them by.
    #[must_use]
    pub fn with_decks(decks: Vec<String>) -> Cards {
        let index = decks.iter().zip(0..).map(|(d, i)| (d.clone(), i)).collect();
        Cards { blocks: Vec::new(), decks, index }
    }

    /// The number of deck `name`, added if it is new.
    pub fn deck(&mut self, name: &str) -> u32 {
        let found = if self.index.is_empty() {
            self.decks.iter().position(|d| d == name).map(narrow)
        } else {
            self.index.get(name).copied()
        };
        if let Some(i) = found {
            return i;
        }
        let i = narrow(self.decks.len());
        self.decks.push(name.to_owned());
        if !self.index.is_empty() {
            self.index.insert(name.to_owned(), i);
        } else if self.decks.len() > FEW_DECKS {
            self.index = self.decks.iter().zip(0..).map(|(d, i)| (d.clone(), i)).collect();
        }
        i
    }

    /// Adds a card after the others (its `deck` numbered in these).
    pub fn push(&mut self, card: QueueCard) {
        match self.blocks.last_mut() {
            Some(b) if b.len() < b.capacity() || b.capacity() < BLOCK => b.push(card),
            // The first block grows as a note's few cards need; the next
            // ones are full blocks at once.
            None => self.blocks.push(vec![card]),
            Some(_) => {
                let mut b = Vec::with_capacity(BLOCK);
                b.push(card);
                self.blocks.push(b);
            }
        }
    }

    /// Appends `other`'s cards after these, their decks renumbered in ours.
    pub fn append(&mut self, other: Cards) {
        let ids: Vec<u32> = other.decks.iter().map(|d| self.deck(d)).collect();
        for mut c in other.blocks.into_iter().flatten() {
            c.deck = ids.get(c.deck as usize).copied().unwrap_or(c.deck);
            self.push(c);
        }
    }

    /// The cards, in note order.
    pub fn iter(&self) -> impl Iterator<Item = &QueueCard> {
        self.blocks.iter().flatten()
    }

    /// How many cards there are.
    #[must_use]
    pub fn len(&self) -> usize {
        self.blocks.iter().map(Vec::len).sum()
    }

    /// True when there is no card.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.blocks.iter().all(Vec::is_empty)
    }

    /// Keeps only the cards `keep` keeps, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&QueueCard) -> bool) {
        for b in &mut self.blocks {
            b.retain(&mut keep);
        }
    }

    /// The same decks with only the cards `keep` keeps.
    #[must_use]
    pub fn filtered(&self, keep: impl Fn(&QueueCard) -> bool) -> Cards {
        let mut out = self.no_cards();
        for c in self.iter().filter(|c| keep(c)) {
            out.push(c.clone());
        }
        out
    }

    /// The deck names, by number.
    #[must_use]
    pub fn decks(&self) -> &[String] {
        &self.decks
    }

    /// The name of a card's deck.
    #[must_use]
    pub fn deck_name(&self, card: &QueueCard) -> &str {
        self.decks.get(card.deck as usize).map_or("", String::as_str)
    }

    /// The cards in one list at its exact size, each block let go once it
    /// is copied.
    fn into_list(self) -> (Vec<QueueCard>, Vec<String>) {
        let mut list = Vec::with_capacity(self.len());
        for b in self.blocks {
            list.extend(b);
        }
        (list, self.decks)
    }

    fn no_cards(&self) -> Cards {
        Cards { blocks: Vec::new(), decks: self.decks.clone(), index: self.index.clone() }
    }
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
    cards: Cards,
    order: Order,
    random_decks: bool,
    seed: u64,
    new_limit: Option<usize>,
    review_limit: Option<usize>,
) -> Vec<QueueCard> {
    let mut rng = Rng::new(seed);
    let (mut cards, names) = cards.into_list();
    // The decks that have cards, by number, in the deck order (a deck
    // without cards would change what a random deck order draws).
    let mut used = vec![false; names.len()];
    for c in &cards {
        if let Some(u) = used.get_mut(c.deck as usize) {
            *u = true;
        }
    }
    let mut decks: Vec<usize> = (0..names.len()).filter(|&i| used[i]).collect();
    decks.sort_by(|&a, &b| deck_cmp(&names[a], &names[b]));
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
        let mut rank = vec![0u32; names.len()];
        for (r, &d) in (0..).zip(&decks) {
            rank[d] = r;
        }
        let new_first = matches!(order, Order::NewFirstSequential | Order::NewFirstRandom);
        // Group 2r + 1 is deck r's cards that come second.
        let group = |c: &QueueCard| 2 * c.deck_rank() + usize::from(c.is_new != new_first);
        let mut starts = vec![0usize; 2 * decks.len() + 1];
        for c in &mut cards {
            c.deck_rank = rank.get(c.deck as usize).copied().unwrap_or(0);
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

    /// Cards of one note each, `(path, deck, is_new)`, gathered in order.
    fn gather(list: &[(&str, &str, bool)]) -> Cards {
        let mut all = Cards::default();
        for &(path, deck, is_new) in list {
            let mut one = Cards::default();
            let deck = one.deck(deck);
            let phase = if is_new { Phase::New } else { Phase::Review };
            let line = crate::parse::LineNo::new(1);
            one.push(QueueCard::new(
                Arc::new(path.into()),
                (0, 0),
                line,
                crate::parse::cyrb53(path, 0),
                phase,
                deck,
            ));
            all.append(one);
        }
        all
    }

    fn paths(q: &[QueueCard]) -> Vec<&str> {
        q.iter().map(|c| c.path.as_str()).collect()
    }

    #[test]
    fn decks_in_tree_order_due_first() {
        let cards = gather(&[
            ("b1", "f/b", false),
            ("a-new", "f/a", true),
            ("a-due", "f/a", false),
            ("ab", "f a", false),
        ]);
        assert_eq!(cards.decks, ["f/b", "f/a", "f a"]);
        assert_eq!(cards.iter().map(|c| c.deck).collect::<Vec<_>>(), [0, 1, 1, 2]);
        let q = build(cards, Order::DueFirstSequential, false, 1, None, None);
        assert_eq!(paths(&q), vec!["a-due", "a-new", "b1", "ab"]);
        assert_eq!(q.iter().map(QueueCard::deck_rank).collect::<Vec<_>>(), vec![0, 0, 1, 2]);
    }

    #[test]
    fn new_first_and_limits() {
        let cards = gather(&[("d1", "x", false), ("n1", "x", true), ("n2", "x", true), ("d2", "x", false)]);
        let q = build(cards.clone(), Order::NewFirstSequential, false, 1, Some(1), None);
        assert_eq!(paths(&q), vec!["n1", "d1", "d2"]);
        let q = build(cards, Order::DueFirstSequential, false, 1, None, Some(1));
        assert_eq!(paths(&q), vec!["d1", "n1", "n2"]);
    }

    /// The order as it was built before the cards were moved in place: each
    /// deck's new and due cards bucketed, then shuffled new before due.
    fn bucketed(cards: &Cards, order: Order, random_decks: bool, seed: u64) -> Vec<QueueCard> {
        let mut rng = Rng::new(seed);
        let mut decks: Vec<&str> = {
            let mut seen = std::collections::HashSet::new();
            cards.iter().map(|c| cards.deck_name(c)).filter(|d| seen.insert(*d)).collect()
        };
        decks.sort_by(|a, b| deck_cmp(a, b));
        if random_decks {
            rng.shuffle(&mut decks);
        }
        let mut buckets: Vec<(Vec<QueueCard>, Vec<QueueCard>)> = vec![(Vec::new(), Vec::new()); decks.len()];
        for c in cards.iter() {
            let r = decks.iter().position(|d| *d == cards.deck_name(c)).expect("deck");
            let c = QueueCard { deck_rank: narrow(r), ..c.clone() };
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
        let names: Vec<String> = (0..300).map(|i| format!("c{i}")).collect();
        let list: Vec<(&str, &str, bool)> = (0..300)
            .map(|i: usize| (names[i].as_str(), decks[(i * 7 + i / 13) % decks.len()], (i * 11) % 5 < 2))
            .collect();
        let cards = gather(&list);
        // The same cards numbered against a table that also has decks
        // without cards, in another order: the same queue.
        let mut padded = Cards::with_decks(vec!["unused".into(), "g".into(), "a/unused".into()]);
        padded.append(cards.clone());
        assert_eq!(padded.decks.len(), 7);
        for (_, order) in Order::NAMES.into_iter().filter(|(_, o)| *o != Order::EveryCardRandom) {
            for (seed, random_decks) in [(1, false), (2, true), (99, false), (5, true)] {
                let q = build(cards.clone(), order, random_decks, seed, None, None);
                let by_name = |q: &[QueueCard], c: &Cards| {
                    q.iter().map(|x| (x.path.to_string(), c.deck_name(x).to_owned())).collect::<Vec<_>>()
                };
                assert_eq!(q, bucketed(&cards, order, random_decks, seed), "{order:?}, seed {seed}");
                let p = build(padded.clone(), order, random_decks, seed, None, None);
                assert_eq!(by_name(&p, &padded), by_name(&q, &cards), "{order:?}, seed {seed}");
            }
        }
    }

    #[test]
    fn random_orders_are_reproducible_by_seed() {
        let names: Vec<String> = (0..20).map(|i| format!("c{i}")).collect();
        let list: Vec<(&str, &str, bool)> = (0..20).map(|i| (names[i].as_str(), "x", i % 3 == 0)).collect();
        let cards = gather(&list);
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
