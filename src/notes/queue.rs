//! The note review queue (spec §e, the plugin's `NoteReviewDeck`), pure.
//!
//! One deck per `tagsToReview` entry, in settings order, listed only when a
//! note is in it; a note appears once per deck it is in. Within a deck: due
//! notes (`sr-due` ≤ today) by due date, then PageRank (higher first); then
//! new notes by PageRank; then notes scheduled later by due date, then
//! PageRank. Equal keys keep path order (UTF-8 bytes), as the plugin's
//! stable sort keeps its load order. A note whose `sr-due` cannot be read
//! never comes due in the plugin; recall lists it last among the scheduled.

use std::cmp::Ordering;

use chrono::NaiveDate;
use serde::Serialize;

use super::NoteIndex;

/// Where a note stands today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NoteState {
    New,
    Due,
    Scheduled,
}

impl NoteState {
    /// The name used in JSON and tables.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            NoteState::New => "new",
            NoteState::Due => "due",
            NoteState::Scheduled => "scheduled",
        }
    }
}

/// One entry of the queue.
#[derive(Debug, Clone, PartialEq)]
pub struct QueuedNote {
    /// The review deck (a `tagsToReview` entry such as `#review`).
    pub deck: String,
    pub path: String,
    pub state: NoteState,
    /// `None` for new notes and unreadable dates.
    pub due: Option<NaiveDate>,
    /// As read (`None` for new notes, and for text that is no number).
    pub interval: Option<f64>,
    pub ease: Option<f64>,
    /// PageRank × 10 000.
    pub rank: f64,
}

/// The review queue of every deck, in order.
#[must_use]
pub fn queue(index: &NoteIndex) -> Vec<QueuedNote> {
    let today = index.today();
    let mut out = Vec::new();
    for deck in index.decks() {
        let mut entries: Vec<QueuedNote> = index
            .notes()
            .iter()
            .filter(|n| n.in_queue() && n.decks.contains(deck))
            .map(|n| {
                let number = |x: f64| (!x.is_nan()).then_some(x);
                let (state, due, interval, ease) = match n.schedule {
                    None => (NoteState::New, None, None, None),
                    Some(s) => {
                        let state = if s.due.is_some_and(|d| d <= today) {
                            NoteState::Due
                        } else {
                            NoteState::Scheduled
                        };
                        (state, s.due, number(s.interval), number(s.ease))
                    }
                };
                QueuedNote {
                    deck: deck.clone(),
                    path: n.path.clone(),
                    state,
                    due,
                    interval,
                    ease,
                    rank: index.rank(&n.path),
                }
            })
            .collect();
        // Stable: equal keys stay in path order.
        entries.sort_by(|a, b| group(a).cmp(&group(b)).then_with(|| order_in_group(a, b)));
        out.extend(entries);
    }
    out
}

fn group(n: &QueuedNote) -> u8 {
    match n.state {
        NoteState::Due => 0,
        NoteState::New => 1,
        NoteState::Scheduled => 2,
    }
}

fn order_in_group(a: &QueuedNote, b: &QueuedNote) -> Ordering {
    let by_date = match (a.due, b.due) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    by_date.then_with(|| b.rank.total_cmp(&a.rank))
}
