//! The review session: a state machine over a queue of cards, with no
//! knowledge of terminals.
//!
//! `show → reveal → answer (Again / Hard / Good / Easy / Reset) | skip |
//! bury | undo | quit`. Every answer is written into its note at once through
//! a [`Store`] (the one write path on disk, or memory in tests) and logged;
//! undo takes back answers, skips and buries, restoring a note's previous
//! comment bytes. The card on screen is fixed until an action moves on; the
//! next one is a (re)learning card whose step is due (FSRS), else the next
//! card of the queue, else the learning card due first (shown early, with
//! its wait). SM-2's Again (and Reset) move the card to the end of its
//! deck's stretch, as the plugin does. The session reads the time from the
//! [`Clock`] it is given, never from the system. The terminal UI and the
//! plain line mode only map input to [`Session`] methods and render
//! [`Session::view`].
//!
//! This file holds the state machine's types and its moves on screen
//! (`advance`, skip, bury); `answer` and `undo` its two writing moves,
//! `slots` where cards wait, `reload` the notes read again, `view` what a
//! renderer shows, `queue` the queue built before it starts.

mod answer;
pub mod cards;
pub mod decks;
pub mod due;
pub mod notes;
pub mod notes_plain;
pub mod plain;
pub mod queue;
mod reload;
mod slots;
pub mod store;
mod undo;
pub mod view;

#[cfg(test)]
mod fsrs_tests;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};

use crate::clock::{Clock, When, Zone};
use crate::edit::Edit;
use crate::log::Record;
use crate::note_path::NotePath;
use crate::parse::cloze::Clozes;
use crate::parse::{LineNo, Note, ParseOptions, QuestionHash};
use crate::schedule::{Histogram, Response, Scheduler};
use crate::settings::Settings;
pub use cards::{Mode, done_today, fingerprint, headings_above, note_cards, note_due_counts};
pub use decks::DeckRow;
pub use queue::{Cards, Order, Phase, QueueCard};
pub use store::{DiskStore, MemStore, Store};
pub use view::{CardInfo, CardView, Progress, Summary};

/// What the session needs besides its cards.
pub struct Context {
    pub settings: Settings,
    pub clozes: Clozes,
    pub zone: Zone,
    /// The review day (`--today`, or the local date when the session began).
    pub today: NaiveDate,
    pub scheduler: Box<dyn Scheduler>,
    /// The FSRS parameters (for retrievability in the card info).
    pub fsrs: crate::schedule::fsrs::Parameters,
    pub mode: Mode,
}

impl Context {
    fn parse_options(&self, now: DateTime<Utc>) -> ParseOptions<'_> {
        ParseOptions {
            settings: &self.settings,
            clozes: &self.clozes,
            today: self.today,
            now,
            zone: self.zone,
            detail: crate::parse::Detail::Full,
        }
    }
}

/// A note the session holds cards of.
#[derive(Debug, Clone)]
pub struct SessionNote {
    pub path: NotePath,
    pub note: Note,
}

/// Something the session reports to the user (a write refused, a note
/// that vanished). Not fatal: the session goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice(pub String);

/// Where a card waits.
#[derive(Debug, Clone, PartialEq)]
enum Slot {
    /// In the queue, in order.
    Queue,
    /// In (re)learning, due at this instant.
    Learning(DateTime<Utc>),
}

/// The card on screen.
#[derive(Debug, Clone)]
struct Shown {
    card: QueueCard,
    /// Where it came from (an undo puts it back there).
    from: Slot,
    revealed: bool,
    at: DateTime<Utc>,
}

/// What an action took away, for undo.
#[derive(Debug, Clone)]
enum Action {
    Answer(Box<Answered>),
    /// Skipped or buried: the card on screen and its siblings that left.
    Removed {
        card: Shown,
        siblings: Vec<(QueueCard, Slot)>,
        buried: Option<QuestionHash>,
    },
}

/// What an answer changed, kept for undo.
#[derive(Debug, Clone)]
struct Answered {
    card: Shown,
    response: Response,
    /// The edit written (`None` in cram mode: nothing was written).
    written: Option<Edit>,
    /// The edit landed where it was planned. When the note had changed on
    /// disk the store re-planned it elsewhere, and an undo must find the
    /// question again instead of reversing `written` at its planned range.
    as_planned: bool,
    /// The note's text right after the answer.
    text_after: String,
    /// The comment bytes before the answer (`None`: no comment existed).
    old_comment: Option<String>,
    record: Record,
    /// Where the card went: back to the queue or learning, or nowhere.
    requeued: Option<Slot>,
    /// Siblings this answer buried (the `burySiblingCards` setting).
    siblings: Vec<(QueueCard, Slot)>,
    /// Histogram entries before the answer, to put back on undo.
    histogram_before: Vec<(i64, Option<u32>)>,
}

/// What an undo took back (for the status line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Undone {
    Answer { response: Response, path: NotePath, line: LineNo },
    Skip { path: NotePath, line: LineNo },
    Bury { path: NotePath, line: LineNo, cards: usize },
}

/// A review session.
pub struct Session<S: Store> {
    ctx: Context,
    clock: Arc<dyn Clock>,
    store: S,
    notes: HashMap<NotePath, SessionNote>,
    /// Notes with queued cards that are read only when one of their cards
    /// comes up, with the fingerprint of the text the queue was built from.
    unloaded: HashMap<NotePath, u64>,
    queue: std::collections::VecDeque<QueueCard>,
    learning: Vec<(DateTime<Utc>, QueueCard)>,
    current: Option<Shown>,
    started: DateTime<Utc>,
    histogram: Histogram,
    history: Vec<Action>,
    summary: Summary,
    /// Questions buried for the day (hashes), from the store and this session.
    buried: Vec<QuestionHash>,
    notices: Vec<Notice>,
}

impl<S: Store> Session<S> {
    /// A session over `queue` (already ordered and limited), the notes that
    /// hold its cards, and the vault's due-date histogram.
    pub fn new(
        ctx: Context,
        clock: Arc<dyn Clock>,
        store: S,
        notes: Vec<SessionNote>,
        queue: Vec<QueueCard>,
        histogram: Histogram,
    ) -> Self {
        let notes = notes.into_iter().map(|n| (n.path.clone(), n)).collect();
        Session::start(ctx, clock, store, notes, HashMap::new(), queue, histogram)
    }

    /// A session whose notes are read from the store only when one of their
    /// cards comes up: a large vault is never held in memory whole, and the
    /// first card shows as soon as the queue is built. `unloaded` gives each
    /// note's [`fingerprint`] as scanned; a note that changed since is
    /// re-read and its cards found again by their text, as after an edit.
    pub fn new_lazy(
        ctx: Context,
        clock: Arc<dyn Clock>,
        store: S,
        unloaded: Vec<(NotePath, u64)>,
        queue: Vec<QueueCard>,
        histogram: Histogram,
    ) -> Self {
        Session::start(ctx, clock, store, HashMap::new(), unloaded.into_iter().collect(), queue, histogram)
    }

    /// A session with these notes read and these to read, its first card
    /// on screen.
    fn start(
        ctx: Context,
        clock: Arc<dyn Clock>,
        store: S,
        notes: HashMap<NotePath, SessionNote>,
        unloaded: HashMap<NotePath, u64>,
        queue: Vec<QueueCard>,
        histogram: Histogram,
    ) -> Self {
        let buried = store.buried(ctx.today);
        let started = clock.now();
        let mut s = Session {
            ctx,
            clock,
            store,
            notes,
            unloaded,
            queue: queue.into(),
            learning: Vec::new(),
            current: None,
            started,
            histogram,
            history: Vec::new(),
            summary: Summary::default(),
            buried,
            notices: Vec::new(),
        };
        s.advance();
        s
    }

    /// The moment now, on the session's clock.
    fn when(&self) -> When {
        When { today: self.ctx.today, now: self.clock.now(), zone: self.ctx.zone }
    }

    /// Puts the next card on screen when none is: a learning card whose step
    /// is due, else the queue's next card, else the learning card due first.
    /// Its note is read if it is not yet; cards of a note that is gone leave
    /// with a notice.
    fn advance(&mut self) {
        while self.current.is_none() {
            let now = self.clock.now();
            self.learning.sort_by_key(|(due, _)| *due);
            let next = if self.learning.first().is_some_and(|(due, _)| *due <= now) {
                let (due, card) = self.learning.remove(0);
                (card, Slot::Learning(due))
            } else if let Some(card) = self.queue.pop_front() {
                (card, Slot::Queue)
            } else if !self.learning.is_empty() {
                let (due, card) = self.learning.remove(0);
                (card, Slot::Learning(due))
            } else {
                return;
            };
            let (card, from) = next;
            let path = card.path.clone();
            self.current = Some(Shown { card, from, revealed: false, at: now });
            if !self.notes.contains_key(&*path) {
                self.load(&path);
            }
        }
    }

    /// The store (for tests and the shell).
    pub fn store(&self) -> &S {
        &self.store
    }

    /// True when no card is left.
    #[must_use]
    pub fn is_done(&self) -> bool {
        self.current.is_none()
    }

    /// Messages for the user since the last call.
    pub fn take_notices(&mut self) -> Vec<Notice> {
        std::mem::take(&mut self.notices)
    }

    /// Shows the back of the current card.
    pub fn reveal(&mut self) {
        if let Some(c) = &mut self.current {
            c.revealed = true;
        }
    }

    /// Skips the current question for this session (all its siblings).
    pub fn skip(&mut self) {
        let Some(card) = self.current.take() else { return };
        let siblings = self.take_siblings(&card.card);
        self.summary.skipped += 1;
        self.history.push(Action::Removed { card, siblings, buried: None });
        self.advance();
    }

    /// Buries the current question (all its siblings) until tomorrow.
    /// Returns how many cards left.
    pub fn bury(&mut self) -> usize {
        let Some(card) = self.current.take() else { return 0 };
        let siblings = self.take_siblings(&card.card);
        let n = siblings.len() + 1;
        self.summary.buried += n;
        let hash = card.card.question_hash();
        self.bury_hash(&hash);
        self.history.push(Action::Removed { card, siblings, buried: Some(hash) });
        self.advance();
        n
    }

    fn bury_hash(&mut self, hash: &QuestionHash) {
        if !self.buried.contains(hash) {
            self.buried.push(hash.clone());
        }
        if let Err(e) = self.store.set_buried(self.ctx.today, &self.buried) {
            self.notices.push(Notice(format!("could not remember the buried card for today: {e}")));
        }
    }
    /// The end-of-session summary.
    #[must_use]
    pub fn summary(&self) -> Summary {
        let mut s = self.summary.clone();
        s.seconds = u64::try_from((self.clock.now() - self.started).num_seconds()).unwrap_or(0);
        s.left_today = self.queue.len() + self.learning.len() + usize::from(self.current.is_some());
        s.next_due = self.histogram.sorted().into_iter().find(|&(d, n)| d > 0 && n > 0);
        s
    }

    /// The queued cards, in order (for tests).
    #[must_use]
    pub fn queue(&self) -> Vec<&QueueCard> {
        self.cards().collect()
    }

    /// The card on screen, then the queue, then the learning cards.
    fn cards(&self) -> impl Iterator<Item = &QueueCard> {
        self.current
            .iter()
            .map(|c| &c.card)
            .chain(self.queue.iter())
            .chain(self.learning.iter().map(|(_, c)| c))
    }
}
