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

pub mod cards;
pub mod decks;
pub mod due;
pub mod notes;
pub mod notes_plain;
pub mod plain;
pub mod queue;
pub mod store;
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
use crate::edit::plan::plan_comment;
use crate::error::Error;
use crate::log::{CardRef, Op, Record, Stamp};
use crate::parse::cloze::Clozes;
use crate::parse::{Note, ParseOptions, parse_note};
use crate::schedule::{CardContext, Histogram, Response, Schedule, Scheduler, histogram_key, note_ease};
use crate::settings::Settings;
pub use cards::{Mode, done_today, fingerprint, headings_above, note_cards, note_due_counts};
pub use decks::DeckRow;
pub use queue::{Order, Phase, QueueCard};
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
    pub path: String,
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
        buried: Option<String>,
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
    Answer { response: Response, path: String, line: usize },
    Skip { path: String, line: usize },
    Bury { path: String, line: usize, cards: usize },
}

/// A review session.
pub struct Session<S: Store> {
    ctx: Context,
    clock: Arc<dyn Clock>,
    store: S,
    notes: HashMap<String, SessionNote>,
    /// Notes with queued cards that are read only when one of their cards
    /// comes up, with the fingerprint of the text the queue was built from.
    unloaded: HashMap<String, u64>,
    queue: std::collections::VecDeque<QueueCard>,
    learning: Vec<(DateTime<Utc>, QueueCard)>,
    current: Option<Shown>,
    started: DateTime<Utc>,
    histogram: Histogram,
    history: Vec<Action>,
    summary: Summary,
    /// Questions buried for the day (hashes), from the store and this session.
    buried: Vec<String>,
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
        unloaded: Vec<(String, u64)>,
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
        notes: HashMap<String, SessionNote>,
        unloaded: HashMap<String, u64>,
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
            if !self.notes.contains_key(&path) {
                self.load(&path);
            }
        }
    }

    /// Reads a note that is not loaded yet (see [`Session::new_lazy`]).
    fn load(&mut self, path: &str) {
        let Some(scanned) = self.unloaded.remove(path) else {
            return;
        };
        let now = self.clock.now();
        match self.store.read(path) {
            Ok(text) if fingerprint(&text) == scanned => {
                let note = parse_note(text, folder_of(path), &self.ctx.parse_options(now), false);
                self.notes.insert(path.to_owned(), SessionNote { path: path.to_owned(), note });
            }
            Ok(text) => self.reload(path, &text, false),
            Err(e) => self.drop_note(path, &e),
        }
    }

    /// Removes a note that can no longer be read, and its cards.
    fn drop_note(&mut self, path: &str, e: &Error) {
        self.notes.remove(path);
        self.queue.retain(|c| c.path != path);
        self.learning.retain(|(_, c)| c.path != path);
        if self.current.as_ref().is_some_and(|s| s.card.path == path) {
            self.current = None;
        }
        self.notices.push(Notice(format!("{path}: {e}; its cards left the session")));
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

    /// Answers the current card: writes its new schedule and logs it (in
    /// cram mode, logs only).
    pub fn answer(&mut self, response: Response) -> Result<(), Error> {
        let r = self.answer_current(response);
        self.advance();
        r
    }

    #[expect(clippy::too_many_lines, reason = "a step of issue 14 in progress breaks it up")]
    fn answer_current(&mut self, response: Response) -> Result<(), Error> {
        let Some(shown) = self.current.clone() else {
            return Ok(());
        };
        let card = shown.card.clone();
        let when = self.when();
        let ms = u64::try_from((when.now - shown.at).num_milliseconds()).unwrap_or(0);
        let Some(sn) = self.notes.get(&card.path) else {
            self.current = None;
            self.notices.push(Notice(format!("{}: the note is no longer loaded; card skipped", card.path)));
            return Ok(());
        };
        let note = &sn.note;
        let Some(q) = note.questions.get(card.question) else {
            self.current = None;
            self.notices.push(Notice(format!("{}: the card is gone from the note; skipped", card.path)));
            return Ok(());
        };
        let before = q.schedule(card.sibling);
        let card_ref = CardRef {
            path: card.path.clone(),
            line: card.line,
            hash: card.hash.clone(),
            sibling: card.sibling,
            decks: q.decks.to_vec(),
        };
        let stamp = Stamp::at(when.now, when.zone);
        if self.ctx.mode == Mode::Cram {
            // Cram: nothing is written; the answer is logged as cram.
            let record = Record::answer(
                stamp,
                when.today,
                Op::Cram,
                card_ref,
                response,
                before.to_schedule(),
                None,
                Some(ms),
            );
            if let Err(e) = self.store.log(std::slice::from_ref(&record)) {
                self.notices.push(Notice(format!("the cram answer was not logged: {e}")));
            }
            let text_after = note.text.clone();
            let requeued = (response == Response::Again).then(|| self.requeue(card.clone(), None));
            self.finish_answer(Answered {
                card: shown,
                response,
                written: None,
                as_planned: true,
                text_after,
                old_comment: None,
                record,
                requeued,
                siblings: Vec::new(),
                histogram_before: Vec::new(),
            });
            return Ok(());
        }
        let ctx =
            CardContext { note_ease: note_ease(note, &self.ctx.settings), histogram: Some(&self.histogram) };
        let refused = |e: String| Error::Refused {
            message: format!("{}:{}: {e}", card.path, q.text_line + 1),
            hint: None,
        };
        let answered =
            self.ctx.scheduler.answer(&before, response, &when, &ctx).map_err(|e| refused(e.to_string()))?;
        let Some(answered) = answered else {
            // Reset on a new card changes nothing; like the plugin, it goes to the back.
            self.current = None;
            self.requeue(card, None);
            self.summary.reset += 1;
            return Ok(());
        };
        if let Some(n) = &answered.notice {
            self.notices.push(Notice(format!("{}:{}: {n}", card.path, q.text_line + 1)));
        }
        let schedule = answered.schedule;
        let segment = schedule.segment();
        let edit = plan_comment(note, q, card.sibling, &segment, &self.ctx.settings)
            .map_err(|e| refused(e.to_string()))?;
        let old_comment = q.comment.as_ref().map(|c| note.text[c.clone()].to_owned());
        let record = Record::answer(
            stamp,
            when.today,
            Op::Review,
            card_ref,
            response,
            before.to_schedule(),
            Some(schedule.clone()),
            Some(ms),
        );
        let old_text = note.text.clone();
        let opts = self.ctx.parse_options(when.now);
        let folder = folder_of(&card.path);
        let sibling = card.sibling;
        let relocate = |text: &str| -> Option<Vec<Edit>> {
            let fresh = parse_note(text.to_owned(), folder, &opts, true);
            crate::edit::plan::replan_comment(&fresh, note, q, sibling, &segment, opts.settings)
                .map(|e| vec![e])
        };
        let committed = self.store.commit(
            &card.path,
            &old_text,
            std::slice::from_ref(&edit),
            &relocate,
            std::slice::from_ref(&record),
        );
        let text_after = match committed {
            Ok((text, log_error)) => {
                if let Some(e) = log_error {
                    self.notices.push(Notice(format!("the answer was written but not logged: {e}")));
                }
                text
            }
            Err(e) => {
                // The note may have changed or gone: look at it again, so
                // cards that no longer exist leave the session (with a
                // notice) instead of failing again.
                self.note_changed_inner(&card.path, false);
                return Err(e);
            }
        };
        let as_planned = text_after == crate::edit::splice(&old_text, std::slice::from_ref(&edit));
        // The edit actually applied (relocated or not) is found again on the new text.
        self.reload(&card.path, &text_after, false);

        let old_key = histogram_key(&before, when.today, when.now);
        let new_key = schedule_key(&schedule, &when);
        let histogram_before: Vec<(i64, Option<u32>)> =
            old_key.into_iter().chain(new_key).map(|k| (k, self.histogram.get(k))).collect();
        if let Some(k) = old_key {
            self.histogram.decrement(k);
        }
        if let Some(k) = new_key {
            self.histogram.increment(k);
        }
        // Siblings buried by the setting leave with the answer.
        let mut siblings = Vec::new();
        if self.ctx.settings.bury_sibling_cards {
            siblings = self.take_siblings(&card);
            if !siblings.is_empty() {
                self.bury_hash(&card.hash);
            }
        }
        let requeued = self.requeue_after(card, &schedule, response, &when);
        self.finish_answer(Answered {
            card: shown,
            response,
            written: Some(edit),
            as_planned,
            text_after,
            old_comment,
            record,
            requeued,
            siblings,
            histogram_before,
        });
        Ok(())
    }

    /// Counts an answer and makes it undoable.
    fn finish_answer(&mut self, a: Answered) {
        self.current = None;
        match a.response {
            Response::Again => self.summary.answers[0] += 1,
            Response::Hard => self.summary.answers[1] += 1,
            Response::Good => self.summary.answers[2] += 1,
            Response::Easy => self.summary.answers[3] += 1,
            Response::Reset => self.summary.reset += 1,
        }
        if a.card.card.phase == Phase::Review && a.response != Response::Reset {
            self.summary.review_answers += 1;
            self.summary.review_recalled += usize::from(a.response != Response::Again);
        }
        self.summary.reviewed += 1;
        self.history.push(Action::Answer(Box::new(a)));
    }

    /// Where an answered card goes: an FSRS step due today comes back when
    /// it is due; SM-2's Again (due today) and Reset go to the back of the
    /// deck; others leave.
    fn requeue_after(&mut self, card: QueueCard, s: &Schedule, r: Response, when: &When) -> Option<Slot> {
        if s.is_short_term() {
            let due = s.due_instant(when.zone)?;
            if when.zone.date(due) > when.today {
                return None;
            }
            return Some(self.requeue(card, Some(due)));
        }
        let sm2_today = matches!(s, Schedule::Sm2(x) if x.interval < 1.0);
        (sm2_today || r == Response::Reset).then(|| self.requeue(card, None))
    }

    /// Puts a card back: into learning until `due`, or at the back of its
    /// deck's stretch of the queue (the plugin's end of list).
    fn requeue(&mut self, mut card: QueueCard, due: Option<DateTime<Utc>>) -> Slot {
        card.is_new = false;
        card.phase = Phase::Learning;
        if let Some(due) = due {
            self.learning.push((due, card));
            return Slot::Learning(due);
        }
        let end = self.queue.iter().position(|c| c.deck_rank > card.deck_rank).unwrap_or(self.queue.len());
        self.queue.insert(end, card);
        Slot::Queue
    }

    /// Removes and returns the other queued siblings of `card`'s question.
    fn take_siblings(&mut self, card: &QueueCard) -> Vec<(QueueCard, Slot)> {
        let same = |c: &QueueCard| c.path == card.path && c.hash == card.hash && c.sibling != card.sibling;
        let mut out: Vec<(QueueCard, Slot)> =
            self.queue.iter().filter(|c| same(c)).map(|c| (c.clone(), Slot::Queue)).collect();
        out.extend(
            self.learning.iter().filter(|(_, c)| same(c)).map(|(d, c)| (c.clone(), Slot::Learning(*d))),
        );
        self.queue.retain(|c| !same(c));
        self.learning.retain(|(_, c)| !same(c));
        out
    }

    /// Undoes the last answer, skip or bury: a note gets its previous
    /// comment bytes back, the log an undo record, and the card is shown
    /// again. `None` when there is nothing to undo.
    pub fn undo(&mut self) -> Result<Option<Undone>, Error> {
        let r = self.undo_last();
        self.advance();
        r
    }

    /// Puts the card on screen back where it came from (an undone card
    /// takes its place).
    fn shelve_current(&mut self) {
        if let Some(c) = self.current.take() {
            match c.from {
                Slot::Queue => self.queue.push_front(c.card),
                Slot::Learning(due) => self.learning.push((due, c.card)),
            }
        }
    }

    fn restore(&mut self, siblings: Vec<(QueueCard, Slot)>) {
        for (c, slot) in siblings.into_iter().rev() {
            match slot {
                Slot::Queue => self.queue.push_front(c),
                Slot::Learning(due) => self.learning.push((due, c)),
            }
        }
    }

    fn undo_last(&mut self) -> Result<Option<Undone>, Error> {
        let Some(action) = self.history.pop() else {
            return Ok(None);
        };
        match action {
            Action::Removed { card, siblings, buried } => {
                self.shelve_current();
                let (path, line) = (card.card.path.clone(), card.card.line);
                let cards = siblings.len() + 1;
                self.restore(siblings);
                let undone = if let Some(hash) = buried {
                    self.buried.retain(|h| h != &hash);
                    if let Err(e) = self.store.set_buried(self.ctx.today, &self.buried) {
                        self.notices.push(Notice(format!("could not unbury the card: {e}")));
                    }
                    self.summary.buried = self.summary.buried.saturating_sub(cards);
                    Undone::Bury { path, line, cards }
                } else {
                    self.summary.skipped = self.summary.skipped.saturating_sub(1);
                    Undone::Skip { path, line }
                };
                self.current = Some(Shown { revealed: false, at: self.clock.now(), ..card });
                Ok(Some(undone))
            }
            Action::Answer(done) => match self.undo_answer(&done) {
                Ok(()) => {
                    let undone = Undone::Answer {
                        response: done.response,
                        path: done.card.card.path.clone(),
                        line: done.card.card.line,
                    };
                    self.shelve_current();
                    // Remove the card from where the answer put it.
                    let same = |c: &QueueCard| {
                        c.path == done.card.card.path
                            && c.hash == done.card.card.hash
                            && c.sibling == done.card.card.sibling
                    };
                    match &done.requeued {
                        Some(Slot::Queue) => {
                            if let Some(i) = self.queue.iter().rposition(same) {
                                self.queue.remove(i);
                            }
                        }
                        Some(Slot::Learning(_)) => {
                            if let Some(i) = self.learning.iter().rposition(|(_, c)| same(c)) {
                                self.learning.remove(i);
                            }
                        }
                        None => {}
                    }
                    if !done.siblings.is_empty() {
                        self.buried.retain(|h| h != &done.card.card.hash);
                        let _ = self.store.set_buried(self.ctx.today, &self.buried);
                    }
                    let d = *done;
                    self.restore(d.siblings);
                    match d.response {
                        Response::Again => self.summary.answers[0] -= 1,
                        Response::Hard => self.summary.answers[1] -= 1,
                        Response::Good => self.summary.answers[2] -= 1,
                        Response::Easy => self.summary.answers[3] -= 1,
                        Response::Reset => self.summary.reset -= 1,
                    }
                    if d.card.card.phase == Phase::Review && d.response != Response::Reset {
                        self.summary.review_answers -= 1;
                        self.summary.review_recalled -= usize::from(d.response != Response::Again);
                    }
                    self.summary.reviewed -= 1;
                    self.summary.undone += 1;
                    self.current = Some(Shown { revealed: false, at: self.clock.now(), ..d.card });
                    Ok(Some(undone))
                }
                Err(e) => {
                    self.history.push(Action::Answer(done));
                    Err(e)
                }
            },
        }
    }

    /// Restores the note's bytes of an answer and logs the undo.
    fn undo_answer(&mut self, done: &Answered) -> Result<(), Error> {
        let when = self.when();
        let undo = Record::undo(Stamp::at(when.now, when.zone), when.today, &done.record);
        let Some(written) = &done.written else {
            // Cram: only the log to correct.
            return self.store.log(std::slice::from_ref(&undo));
        };
        let path = done.card.card.path.clone();
        let current = self.store.read(&path)?;
        let edit = if done.as_planned && current == done.text_after {
            let start = written.range.start;
            Some(Edit {
                range: start..start + written.new.len(),
                old: written.new.clone(),
                new: written.old.clone(),
            })
        } else {
            self.reverse_on_changed_text(done, written, &current)
        };
        let Some(edit) = edit else {
            return Err(Error::Refused {
                message: format!(
                    "{path}: the card changed since it was answered; its answer cannot be undone"
                ),
                hint: None,
            });
        };
        let (text, log_error) = self.store.commit(
            &path,
            &current,
            std::slice::from_ref(&edit),
            &|_| None,
            std::slice::from_ref(&undo),
        )?;
        if let Some(e) = log_error {
            self.notices.push(Notice(format!("the undo was written but not logged: {e}")));
        }
        self.reload(&path, &text, false);
        for &(k, v) in done.histogram_before.iter().rev() {
            self.histogram.set(k, v);
        }
        Ok(())
    }

    /// The reverse of an answer's edit when the note changed after it: the
    /// question is found again by its text, and its comment must still be
    /// the one the answer wrote.
    fn reverse_on_changed_text(&self, done: &Answered, written: &Edit, current: &str) -> Option<Edit> {
        let fresh = parse_note(
            current.to_owned(),
            folder_of(&done.card.card.path),
            &self.ctx.parse_options(self.clock.now()),
            true,
        );
        let q = fresh
            .questions
            .iter()
            .filter(|q| q.hash(&fresh.text) == done.card.card.hash)
            .min_by_key(|q| q.text_line.abs_diff(done.card.card.line.saturating_sub(1)))?;
        let span = q.comment.clone()?;
        let comment = &current[span.clone()];
        let written_comment = written.new.trim_start_matches(['\r', '\n', ' ']);
        if !written.new.ends_with(comment) || !written_comment.ends_with(comment) {
            return None;
        }
        if let Some(old) = &done.old_comment {
            return Some(Edit { range: span, old: comment.to_owned(), new: old.clone() });
        }
        let start = span.end.checked_sub(written.new.len())?;
        (current.get(start..span.end) == Some(written.new.as_str())).then(|| Edit {
            range: start..span.end,
            old: written.new.clone(),
            new: String::new(),
        })
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
        let hash = card.card.hash.clone();
        self.bury_hash(&hash);
        self.history.push(Action::Removed { card, siblings, buried: Some(hash) });
        self.advance();
        n
    }

    fn bury_hash(&mut self, hash: &str) {
        if !self.buried.iter().any(|h| h == hash) {
            self.buried.push(hash.to_owned());
        }
        if let Err(e) = self.store.set_buried(self.ctx.today, &self.buried) {
            self.notices.push(Notice(format!("could not remember the buried card for today: {e}")));
        }
    }

    /// Re-reads a note that changed outside the session (after `e`dit):
    /// queued cards are found again by their text; the card on screen also
    /// by its schedule comment or its place, so a card whose front was just
    /// edited stays (with its new text). Cards really gone leave.
    pub fn note_changed(&mut self, path: &str) {
        self.note_changed_inner(path, true);
        self.advance();
    }

    fn note_changed_inner(&mut self, path: &str, edited: bool) {
        match self.store.read(path) {
            Ok(text) => self.reload(path, &text, edited),
            Err(e) => self.drop_note(path, &e),
        }
        if let Some(c) = &mut self.current {
            c.revealed = false;
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

    /// Re-parses a note from `text` and re-points its cards (see
    /// [`Session::note_changed`]; `edited` allows the looser match for the
    /// card on screen).
    fn reload(&mut self, path: &str, text: &str, edited: bool) {
        let fresh =
            parse_note(text.to_owned(), folder_of(path), &self.ctx.parse_options(self.clock.now()), true);
        let old = self.notes.get(path).map(|n| n.note.clone());
        let hashes: Vec<String> = fresh.questions.iter().map(|q| q.hash(&fresh.text)).collect();
        let find = |c: &QueueCard| -> Option<usize> {
            hashes
                .iter()
                .enumerate()
                .filter(|(i, h)| **h == c.hash && c.sibling < fresh.questions[*i].card_count())
                .min_by_key(|(i, _)| fresh.questions[*i].text_line.abs_diff(c.line.saturating_sub(1)))
                .map(|(i, _)| i)
        };
        let repoint = |c: &mut QueueCard, qi: usize| {
            c.question = qi;
            c.line = fresh.questions[qi].text_line + 1;
            c.hash.clone_from(&hashes[qi]);
        };
        let mut gone: Vec<QueueCard> = Vec::new();
        let mut claimed: Vec<usize> = Vec::new();
        for c in self.queue.iter_mut().filter(|c| c.path == path) {
            match find(c) {
                Some(qi) => {
                    claimed.push(qi);
                    repoint(c, qi);
                }
                None => gone.push(c.clone()),
            }
        }
        for (_, c) in self.learning.iter_mut().filter(|(_, c)| c.path == path) {
            match find(c) {
                Some(qi) => {
                    claimed.push(qi);
                    repoint(c, qi);
                }
                None => gone.push(c.clone()),
            }
        }
        let mut current_gone = false;
        if let Some(cur) = self.current.as_mut().filter(|c| c.card.path == path) {
            let found = find(&cur.card).or_else(|| {
                // An edit may have changed the card's text: find it by its
                // schedule comment, else the question at its place.
                if !edited {
                    return None;
                }
                let old_q = old.as_ref().and_then(|n| n.questions.get(cur.card.question));
                let old_comment = old_q
                    .and_then(|q| q.comment.clone())
                    .and_then(|r| old.as_ref().map(|n| n.text[r].to_owned()));
                let free =
                    |i: &usize| !claimed.contains(i) && cur.card.sibling < fresh.questions[*i].card_count();
                let by_comment = old_comment.and_then(|oc| {
                    (0..fresh.questions.len()).filter(free).find(|&i| {
                        fresh.questions[i].comment.as_ref().is_some_and(|r| fresh.text[r.clone()] == oc)
                    })
                });
                by_comment.or_else(|| {
                    let line = cur.card.line.saturating_sub(1);
                    (0..fresh.questions.len())
                        .filter(free)
                        .filter(|&i| {
                            fresh.questions[i].owns_line(line)
                                || fresh.questions[i].text_line.abs_diff(line) <= 2
                        })
                        .min_by_key(|&i| fresh.questions[i].text_line.abs_diff(line))
                })
            });
            match found {
                Some(qi) => repoint(&mut cur.card, qi),
                None => current_gone = true,
            }
        }
        self.queue.retain(|c| !(c.path == path && gone.contains(c)));
        self.learning.retain(|(_, c)| !(c.path == path && gone.contains(c)));
        if current_gone && let Some(c) = self.current.take() {
            gone.push(c.card);
        }
        for c in gone {
            self.notices.push(Notice(format!(
                "{}:{}: the card changed or was removed; it left the session",
                c.path, c.line
            )));
        }
        self.notes.insert(path.to_owned(), SessionNote { path: path.to_owned(), note: fresh });
    }

    /// The queued cards, in order (for tests).
    #[must_use]
    pub fn queue(&self) -> Vec<&QueueCard> {
        self.current
            .iter()
            .map(|c| &c.card)
            .chain(self.queue.iter())
            .chain(self.learning.iter().map(|(_, c)| c))
            .collect()
    }
}

/// The histogram key of a new schedule: days from today (SM-2) or from now
/// (FSRS), as the plugin keys its histogram.
fn schedule_key(s: &Schedule, when: &When) -> Option<i64> {
    match s {
        Schedule::Sm2(x) => Some(x.interval.round() as i64),
        Schedule::Fsrs(f) => f.due.instant().map(|d| {
            let ms = (d - when.now).num_milliseconds();
            ms.div_euclid(86_400_000) + i64::from(ms.rem_euclid(86_400_000) != 0)
        }),
    }
}

/// The folder of a vault-relative path (`None` at the root).
fn folder_of(path: &str) -> Option<&str> {
    path.rfind('/').map(|i| &path[..i])
}
