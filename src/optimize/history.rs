//! Review histories for the FSRS optimizer, built from the review log (pure).
//!
//! A card is `(path, question hash, sibling)` ([`CardKey`]): the line a
//! question sits on changes when text above it moves, the hash only when the
//! question itself is edited. Only answers count: `review` and `grade`
//! records with Again, Hard, Good or Easy. Undone records are gone before
//! this module sees the log ([`crate::log::effective`]); reschedules, fixes
//! and note reviews are not answers and are left out (every op is named in
//! `kind`, so a new one must be decided there). A Reset answer, or a
//! reschedule that makes the card new, starts the card's history over, as
//! Anki drops the history before a reset.
//!
//! FSRS learns a card's initial stability from its first answer, so a
//! history is used only when it starts with the card's first answer: an
//! answer to a new card (`before` is `null`) or the first answer after a
//! reset. Cards already scheduled when the log began are counted and left
//! out (Anki leaves out cards without their first learning step).
//!
//! [`dataset`] turns the histories into the `fsrs` crate's training items
//! the way Anki builds them: a card's answers ordered by time, `delta_t` the
//! number of review days since the previous answer (0 for the first answer
//! and for same-day repeats), one item per answer after the first holding
//! every answer up to it, kept only when that answer came on a later day
//! than the previous one (what FSRS predicts is recall after a gap of days).
//! Items are ordered by the time of their last answer, which the crate's
//! recency weighting expects.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate};
use fsrs::{FSRSItem, FSRSReview};

use crate::log::{Op, Record};
use crate::schedule::Response;

/// A card's identity in the log, which survives lines moving.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CardKey {
    pub path: crate::note_path::NotePath,
    pub hash: crate::parse::QuestionHash,
    pub sibling: usize,
}

/// One answer of a card's history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer {
    /// The review day of the answer.
    pub day: NaiveDate,
    /// The FSRS rating: 1 Again, 2 Hard, 3 Good, 4 Easy.
    pub rating: u32,
    /// Position of the answer among all answers in time order.
    pub seq: usize,
}

/// A card's answers in time order, from its first answer on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardHistory {
    pub key: CardKey,
    pub answers: Vec<Answer>,
}

/// The usable histories of a log, and what was left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Histories {
    /// Histories that start with the card's first answer, ordered by card.
    pub cards: Vec<CardHistory>,
    /// Cards whose answers in the log begin after their first answer (they
    /// were already scheduled when the log began): left out.
    pub started_before_log: usize,
    /// Answers of those cards.
    pub started_before_log_answers: usize,
}

/// What a record means for a card's history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// An answer with this FSRS rating.
    Answer(u32),
    /// The card starts over (Reset, or rescheduled to new).
    Restart,
    /// Not part of the history.
    Ignore,
}

/// How one record counts. The match lists every op on purpose: a new kind
/// of record must be decided here (an import of Anki reviews answers like
/// `review`; a cram session's answers do not follow the schedule and are
/// ignored).
fn kind(r: &Record) -> Kind {
    if r.hash.is_empty() {
        // Note reviews, and the summary record of a batch reschedule.
        return Kind::Ignore;
    }
    match r.op {
        Op::Review | Op::Grade | Op::Import => match r.response {
            Some(Response::Again) => Kind::Answer(1),
            Some(Response::Hard) => Kind::Answer(2),
            Some(Response::Good) => Kind::Answer(3),
            Some(Response::Easy) => Kind::Answer(4),
            Some(Response::Reset) => Kind::Restart,
            None => Kind::Ignore,
        },
        Op::Reschedule if r.before.is_some() && r.after.is_none() => Kind::Restart,
        Op::Reschedule | Op::Fix | Op::Undo | Op::NoteReview | Op::Cram => Kind::Ignore,
    }
}

/// A card's history while the log is read.
#[derive(Default)]
struct Building {
    answers: Vec<Answer>,
    /// Whether the answers start with the card's first answer (`None`
    /// before the first answer).
    complete: Option<bool>,
    /// The next answer starts the history over (after a reset).
    fresh: bool,
}

/// The histories in `records` (already [`crate::log::effective`], in log
/// order). Records are put in time order by review day, then by their
/// timestamp, then by their place in the log.
#[must_use]
pub fn histories(records: &[&Record]) -> Histories {
    let mut order: Vec<(NaiveDate, i64, usize)> = records
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let ms = DateTime::parse_from_rfc3339(&r.ts).map_or(i64::MIN, |t| t.timestamp_millis());
            (r.day, ms, i)
        })
        .collect();
    order.sort_unstable();

    let mut cards: BTreeMap<CardKey, Building> = BTreeMap::new();
    let mut seq = 0;
    for &(day, _, i) in &order {
        let r = records[i];
        let k = kind(r);
        if k == Kind::Ignore {
            continue;
        }
        let key = CardKey { path: r.path.clone(), hash: r.hash.clone(), sibling: r.sibling };
        let card = cards.entry(key).or_default();
        match k {
            Kind::Answer(rating) => {
                if card.fresh {
                    *card = Building { complete: Some(true), ..Building::default() };
                } else if card.complete.is_none() {
                    card.complete = Some(r.before.is_none());
                }
                card.answers.push(Answer { day, rating, seq });
                seq += 1;
            }
            Kind::Restart => *card = Building { fresh: true, ..Building::default() },
            Kind::Ignore => {}
        }
    }

    let mut out = Histories::default();
    for (key, card) in cards {
        match card.complete {
            Some(true) => out.cards.push(CardHistory { key, answers: card.answers }),
            Some(false) => {
                out.started_before_log += 1;
                out.started_before_log_answers += card.answers.len();
            }
            None => {}
        }
    }
    out
}

/// Training items for the `fsrs` crate, with what they came from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dataset {
    /// One item per predicted answer, ordered by the time of that answer.
    pub items: Vec<FSRSItem>,
    /// The card of each item (its index in [`Histories::cards`]).
    pub card_ids: Vec<i64>,
    /// The review day of each item's last answer.
    pub days: Vec<NaiveDate>,
    /// Cards with at least one item.
    pub cards: usize,
    /// Answers of those cards (first answers and same-day repeats included).
    pub reviews: usize,
}

impl Dataset {
    /// The items whose last answer falls on or after `from` (a held-out
    /// tail of the history), with their cards.
    #[must_use]
    pub fn from_day(&self, from: NaiveDate) -> (Vec<FSRSItem>, Vec<i64>) {
        let keep = |i: &usize| self.days[*i] >= from;
        let idx: Vec<usize> = (0..self.items.len()).filter(keep).collect();
        (
            idx.iter().map(|&i| self.items[i].clone()).collect(),
            idx.iter().map(|&i| self.card_ids[i]).collect(),
        )
    }
}

/// The training items of `histories` (see the module docs).
#[must_use]
pub fn dataset(histories: &Histories) -> Dataset {
    let mut items: Vec<(usize, i64, NaiveDate, FSRSItem)> = Vec::new();
    let mut cards = 0;
    let mut reviews = 0;
    for (card_id, h) in histories.cards.iter().enumerate() {
        let mut prev: Option<NaiveDate> = None;
        let all: Vec<FSRSReview> = h
            .answers
            .iter()
            .map(|a| {
                let delta_t = prev.map_or(0, |p| (a.day - p).num_days().max(0) as u32);
                prev = Some(a.day);
                FSRSReview { rating: a.rating, delta_t }
            })
            .collect();
        let before = items.len();
        for (i, a) in h.answers.iter().enumerate().skip(1) {
            if all[i].delta_t > 0 {
                items.push((a.seq, card_id as i64, a.day, FSRSItem { reviews: all[..=i].to_vec() }));
            }
        }
        if items.len() > before {
            cards += 1;
            reviews += h.answers.len();
        }
    }
    items.sort_by_key(|(seq, ..)| *seq);
    let mut d = Dataset { cards, reviews, ..Dataset::default() };
    for (_, card, day, item) in items {
        d.items.push(item);
        d.card_ids.push(card);
        d.days.push(day);
    }
    d
}

#[cfg(test)]
mod tests;
