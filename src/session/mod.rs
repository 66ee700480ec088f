//! The review session: a state machine over a queue of cards, with no
//! knowledge of terminals.
//!
//! `show → reveal → answer (Again / Hard / Good / Easy / Reset) | skip |
//! bury | undo | quit`. Every answer is written into its note at once through
//! a [`Store`] (the write-back engine on disk, or memory in tests) and logged;
//! undo restores the previous comment bytes and logs an undo record. Again
//! (and Reset) move the card to the end of its deck's queue, as the plugin
//! does; skip drops the whole question for this session; bury drops it for
//! the day. The terminal UI and the plain line mode only map input to
//! [`Session`] methods and render [`Session::view`].

pub mod plain;
pub mod queue;
pub mod store;

use std::collections::HashMap;
use std::time::Instant;

use chrono::{DateTime, NaiveDate, Utc};

use crate::edit::Edit;
use crate::edit::plan::{plan_schedule, replan_schedule};
use crate::error::Error;
use crate::log::{LoggedSchedule, Op, Record};
use crate::parse::cloze::Clozes;
use crate::parse::{CardSchedule, Note, ParseOptions, QuestionKind, parse_note};
use crate::schedule::{Histogram, Next, Response, histogram_key, note_ease, schedule_card};
use crate::settings::Settings;
pub use queue::{Order, QueueCard};
pub use store::{DiskStore, MemStore, Store};

/// What the session needs besides its cards.
#[derive(Debug, Clone)]
pub struct Context {
    pub settings: Settings,
    pub clozes: Clozes,
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
    pub zone: crate::clock::Zone,
}

impl Context {
    /// The moment the session works at.
    #[must_use]
    pub fn when(&self) -> crate::clock::When {
        crate::clock::When { today: self.today, now: self.now, zone: self.zone }
    }

    fn parse_options(&self) -> ParseOptions<'_> {
        ParseOptions {
            settings: &self.settings,
            clozes: &self.clozes,
            today: self.today,
            now: self.now,
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

/// One card on screen: what a renderer needs.
#[derive(Debug, Clone, PartialEq)]
pub struct CardView {
    pub path: String,
    /// 1-based first line of the question.
    pub line: usize,
    pub sibling: usize,
    pub kind: QuestionKind,
    pub decks: Vec<String>,
    /// Headings above the question (the plugin's context breadcrumb).
    pub context: Vec<String>,
    pub front: String,
    pub back: String,
    /// Front and back with cloze deletions marked for highlighting.
    pub front_marked: String,
    pub back_marked: String,
    pub is_new: bool,
    pub revealed: bool,
    /// What each answer would schedule: `(response, interval in days)`.
    pub intervals: Vec<(Response, f64)>,
}

/// Counts for the progress gauge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    pub done: usize,
    pub left: usize,
    pub new_left: usize,
    pub review_left: usize,
}

/// The end-of-session summary.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Summary {
    pub answers: [usize; 4],
    pub reset: usize,
    pub reviewed: usize,
    pub skipped: usize,
    pub buried: usize,
    pub undone: usize,
    pub seconds: u64,
    /// Days until the next card is due after this session, and how many.
    pub next_due: Option<(i64, u32)>,
}

/// Something the session reports to the user (a write refused, a note
/// that vanished). Not fatal: the session goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice(pub String);

/// What an answer changed, kept for undo.
#[derive(Debug, Clone)]
struct Done {
    card: QueueCard,
    response: Response,
    /// The comment bytes before the answer (`None`: no comment existed).
    old_comment: Option<String>,
    /// What the answer inserted or replaced with.
    written: Edit,
    /// The note's text right after the answer.
    text_after: String,
    record_id: String,
    before: CardSchedule,
    next: Next,
    /// Queue entries this answer removed (siblings buried by the setting).
    removed: Vec<QueueCard>,
    /// The card went back into the queue (Again / Reset).
    requeued: bool,
    /// Position the card had in the queue.
    position: usize,
    /// Histogram entries before the answer, to put back on undo.
    histogram_before: Vec<(i64, Option<u32>)>,
}

/// A review session.
pub struct Session<S: Store> {
    ctx: Context,
    store: S,
    notes: HashMap<String, SessionNote>,
    /// Notes with queued cards that are read only when one of their cards
    /// comes up, with the fingerprint of the text the queue was built from.
    unloaded: HashMap<String, u64>,
    queue: Vec<QueueCard>,
    revealed: bool,
    shown_at: Instant,
    started: Instant,
    histogram: Histogram,
    history: Vec<Done>,
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
        store: S,
        notes: Vec<SessionNote>,
        queue: Vec<QueueCard>,
        histogram: Histogram,
    ) -> Self {
        let buried = store.buried(ctx.today);
        Session {
            ctx,
            store,
            notes: notes.into_iter().map(|n| (n.path.clone(), n)).collect(),
            unloaded: HashMap::new(),
            queue,
            revealed: false,
            shown_at: Instant::now(),
            started: Instant::now(),
            histogram,
            history: Vec::new(),
            summary: Summary::default(),
            buried,
            notices: Vec::new(),
        }
    }

    /// A session whose notes are read from the store only when one of their
    /// cards comes up: a large vault is never held in memory whole, and the
    /// first card shows as soon as the queue is built. `unloaded` gives each
    /// note's [`fingerprint`] as scanned; a note that changed since is
    /// re-read and its cards found again by their text, as after an edit.
    pub fn new_lazy(
        ctx: Context,
        store: S,
        unloaded: Vec<(String, u64)>,
        queue: Vec<QueueCard>,
        histogram: Histogram,
    ) -> Self {
        let mut s = Session::new(ctx, store, Vec::new(), queue, histogram);
        s.unloaded = unloaded.into_iter().collect();
        s.load_head();
        s
    }

    /// Reads the note of the card at the head of the queue if it is not
    /// loaded yet; cards of a note that is gone or changed beyond
    /// recognition leave with a notice, and the next head is tried.
    fn load_head(&mut self) {
        loop {
            let Some(card) = self.queue.first() else { return };
            if self.notes.contains_key(&card.path) {
                return;
            }
            let path = card.path.clone();
            let Some(scanned) = self.unloaded.remove(&path) else { return };
            match self.store.read(&path) {
                Ok(text) if fingerprint(&text) == scanned => {
                    let note = parse_note(text, folder_of(&path), &self.ctx.parse_options(), false);
                    self.notes.insert(path.clone(), SessionNote { path, note });
                }
                Ok(text) => self.reload(&path, &text),
                Err(e) => self.drop_note(&path, &e),
            }
        }
    }

    /// Removes a note that can no longer be read, and its queued cards.
    fn drop_note(&mut self, path: &str, e: &Error) {
        self.notes.remove(path);
        self.queue.retain(|c| c.path != path);
        self.notices.push(Notice(format!("{path}: {e}; its cards left the session")));
    }

    /// The store (for tests and the shell).
    pub fn store(&self) -> &S {
        &self.store
    }

    /// True when no card is left.
    #[must_use]
    pub fn is_done(&self) -> bool {
        self.queue.is_empty()
    }

    /// Messages for the user since the last call.
    pub fn take_notices(&mut self) -> Vec<Notice> {
        std::mem::take(&mut self.notices)
    }

    /// Progress of the session.
    #[must_use]
    pub fn progress(&self) -> Progress {
        let new_left = self.queue.iter().filter(|c| c.is_new).count();
        Progress {
            done: self.summary.reviewed,
            left: self.queue.len(),
            new_left,
            review_left: self.queue.len() - new_left,
        }
    }

    /// The card on screen, if any.
    #[must_use]
    pub fn view(&self) -> Option<CardView> {
        let card = self.queue.first()?;
        let sn = self.notes.get(&card.path)?;
        let q = sn.note.questions.get(card.question)?;
        let sides = q.sides(&sn.note.text, &self.ctx.settings, &self.ctx.clozes);
        let (front, back) = sides.get(card.sibling).cloned().unwrap_or_default();
        let (front_marked, back_marked) = q
            .sides_marked(&sn.note.text, &self.ctx.settings, &self.ctx.clozes)
            .get(card.sibling)
            .cloned()
            .unwrap_or_default();
        let schedule = q.schedule(card.sibling);
        let ease_seed = note_ease(&sn.note, &self.ctx.settings);
        let intervals = Response::BUTTONS
            .iter()
            .filter_map(|&r| {
                schedule_card(
                    &schedule,
                    r,
                    &self.ctx.when(),
                    &self.ctx.settings,
                    ease_seed,
                    Some(&self.histogram),
                )
                .map(|n| (r, n.interval))
            })
            .collect();
        Some(CardView {
            path: card.path.clone(),
            line: q.first_line + 1,
            sibling: card.sibling,
            kind: q.kind,
            decks: q.decks.to_vec(),
            context: headings_above(&sn.note, q.first_line),
            front,
            back,
            front_marked,
            back_marked,
            is_new: matches!(schedule, CardSchedule::New),
            revealed: self.revealed,
            intervals,
        })
    }

    /// Shows the back of the current card.
    pub fn reveal(&mut self) {
        if !self.queue.is_empty() {
            self.revealed = true;
        }
    }

    /// Answers the current card: writes its new schedule and logs it.
    pub fn answer(&mut self, response: Response) -> Result<(), Error> {
        let r = self.answer_head(response);
        self.load_head();
        r
    }

    fn answer_head(&mut self, response: Response) -> Result<(), Error> {
        let Some(card) = self.queue.first().cloned() else {
            return Ok(());
        };
        let ms = u64::try_from(self.shown_at.elapsed().as_millis()).unwrap_or(u64::MAX);
        let Some(sn) = self.notes.get(&card.path) else {
            self.drop_current(format!("{}: the note is no longer loaded; card skipped", card.path));
            return Ok(());
        };
        let note = &sn.note;
        let Some(q) = note.questions.get(card.question) else {
            self.drop_current(format!("{}: the card is gone from the note; skipped", card.path));
            return Ok(());
        };
        let before = q.schedule(card.sibling);
        let seed = note_ease(note, &self.ctx.settings);
        let Some(next) = schedule_card(
            &before,
            response,
            &self.ctx.when(),
            &self.ctx.settings,
            seed,
            Some(&self.histogram),
        ) else {
            // Reset on a new card changes nothing; like the plugin, it goes to the back.
            self.requeue_current();
            self.summary.reset += 1;
            return Ok(());
        };
        let edit =
            plan_schedule(note, q, card.sibling, next.due, next.interval, next.ease, &self.ctx.settings)
                .map_err(|e| Error::Refused {
                    message: format!("{}:{}: {e}", card.path, q.first_line + 1),
                    hint: None,
                })?;
        let old_comment = q.comment.as_ref().map(|c| note.text[c.clone()].to_owned());
        let hash = q.hash(&note.text);
        let decks = q.decks.to_vec();
        let old_text = note.text.clone();
        let opts = self.ctx.parse_options();
        let folder = folder_of(&card.path);
        let sibling = card.sibling;
        let relocate = |text: &str| -> Option<Vec<Edit>> {
            let fresh = parse_note(text.to_owned(), folder, &opts, true);
            replan_schedule(&fresh, note, q, sibling, &next, &self.ctx.settings).map(|e| vec![e])
        };
        let written = self.store.write(&card.path, &old_text, std::slice::from_ref(&edit), &relocate);
        let text_after = match written {
            Ok(text) => text,
            Err(e) => {
                // The note may have changed or gone: look at it again, so
                // cards that no longer exist leave the session (with a
                // notice) instead of failing again.
                self.note_changed(&card.path);
                return Err(e);
            }
        };
        // The edit actually applied (relocated or not) is found again on the new text.
        self.reload(&card.path, &text_after);

        let old_key = histogram_key(&before, self.ctx.today, self.ctx.now);
        let new_key = next.interval as i64;
        let histogram_before: Vec<(i64, Option<u32>)> =
            old_key.into_iter().chain([new_key]).map(|k| (k, self.histogram.get(k))).collect();
        if let Some(k) = old_key {
            self.histogram.decrement(k);
        }
        self.histogram.increment(new_key);
        let record = Record {
            id: crate::log::new_id(),
            ts: crate::log::now_stamp(),
            day: self.ctx.today,
            op: Op::Review,
            path: card.path.clone(),
            line: card.line,
            hash: hash.clone(),
            sibling: card.sibling,
            response: Some(response),
            before: logged(&before, self.ctx.zone),
            after: Some(LoggedSchedule { due: next.due, interval: next.interval, ease: next.ease }),
            ms: Some(ms),
            decks,
            undoes: None,
            detail: None,
        };
        if let Err(e) = self.store.log(std::slice::from_ref(&record)) {
            self.notices.push(Notice(format!("the answer was written but not logged: {e}")));
        }

        // Queue: Again (due today) and Reset go to the back of the deck; others leave.
        let requeue = next.interval < 1.0 || response == Response::Reset;
        let mut removed = Vec::new();
        if self.ctx.settings.bury_sibling_cards {
            let siblings: Vec<usize> = self
                .queue
                .iter()
                .enumerate()
                .skip(1)
                .filter(|(_, c)| c.path == card.path && c.hash == card.hash && c.sibling != card.sibling)
                .map(|(i, _)| i)
                .collect();
            for i in siblings.into_iter().rev() {
                removed.push(self.queue.remove(i));
            }
            if !removed.is_empty() {
                self.bury_hash(&card.hash);
            }
        }
        if requeue {
            self.requeue_current();
        } else {
            self.queue.remove(0);
            self.revealed = false;
            self.shown_at = Instant::now();
        }
        match response {
            Response::Again => self.summary.answers[0] += 1,
            Response::Hard => self.summary.answers[1] += 1,
            Response::Good => self.summary.answers[2] += 1,
            Response::Easy => self.summary.answers[3] += 1,
            Response::Reset => self.summary.reset += 1,
        }
        self.summary.reviewed += 1;
        self.history.push(Done {
            card,
            response,
            old_comment,
            written: edit,
            text_after,
            record_id: record.id,
            before,
            next,
            removed,
            requeued: requeue,
            position: 0,
            histogram_before,
        });
        Ok(())
    }

    /// Undoes the last answer: the note gets its previous comment bytes
    /// back, the log an undo record, and the card is shown again.
    /// Returns false when there is nothing to undo.
    pub fn undo(&mut self) -> Result<bool, Error> {
        let r = self.undo_last();
        self.load_head();
        r
    }

    fn undo_last(&mut self) -> Result<bool, Error> {
        let Some(done) = self.history.pop() else {
            return Ok(false);
        };
        let path = done.card.path.clone();
        let current = self.store.read(&path)?;
        let edit = if current == done.text_after {
            let start = done.written.range.start;
            Some(Edit {
                range: start..start + done.written.new.len(),
                old: done.written.new.clone(),
                new: done.written.old.clone(),
            })
        } else {
            self.reverse_on_changed_text(&done, &current)
        };
        let Some(edit) = edit else {
            self.history.push(done);
            return Err(Error::Refused {
                message: format!(
                    "{path}: the card changed since it was answered; its answer cannot be undone"
                ),
                hint: None,
            });
        };
        let text = self.store.write(&path, &current, std::slice::from_ref(&edit), &|_| None)?;
        self.reload(&path, &text);
        for &(k, v) in done.histogram_before.iter().rev() {
            self.histogram.set(k, v);
        }
        let record = Record {
            id: crate::log::new_id(),
            ts: crate::log::now_stamp(),
            day: self.ctx.today,
            op: Op::Undo,
            path: path.clone(),
            line: done.card.line,
            hash: done.card.hash.clone(),
            sibling: done.card.sibling,
            response: None,
            before: Some(LoggedSchedule {
                due: done.next.due,
                interval: done.next.interval,
                ease: done.next.ease,
            }),
            after: logged(&done.before, self.ctx.zone),
            ms: None,
            decks: Vec::new(),
            undoes: Some(done.record_id.clone()),
            detail: None,
        };
        if let Err(e) = self.store.log(std::slice::from_ref(&record)) {
            self.notices.push(Notice(format!("the undo was written but not logged: {e}")));
        }
        if done.requeued
            && let Some(i) = self.queue.iter().rposition(|c| {
                c.path == done.card.path && c.hash == done.card.hash && c.sibling == done.card.sibling
            })
        {
            self.queue.remove(i);
        }
        // Siblings buried by this answer come back after the card.
        for (k, c) in done.removed.iter().rev().enumerate() {
            self.queue.insert((done.position + 1 + k).min(self.queue.len()), c.clone());
        }
        if !done.removed.is_empty() {
            self.buried.retain(|h| h != &done.card.hash);
            let _ = self.store.set_buried(self.ctx.today, &self.buried);
        }
        self.queue.insert(done.position.min(self.queue.len()), done.card.clone());
        match done.response {
            Response::Again => self.summary.answers[0] -= 1,
            Response::Hard => self.summary.answers[1] -= 1,
            Response::Good => self.summary.answers[2] -= 1,
            Response::Easy => self.summary.answers[3] -= 1,
            Response::Reset => self.summary.reset -= 1,
        }
        self.summary.reviewed -= 1;
        self.summary.undone += 1;
        self.revealed = false;
        self.shown_at = Instant::now();
        Ok(true)
    }

    /// The reverse of an answer's edit when the note changed after it: the
    /// question is found again by its text, and its comment must still be
    /// the one the answer wrote.
    fn reverse_on_changed_text(&self, done: &Done, current: &str) -> Option<Edit> {
        let fresh =
            parse_note(current.to_owned(), folder_of(&done.card.path), &self.ctx.parse_options(), true);
        let q = fresh
            .questions
            .iter()
            .filter(|q| q.hash(&fresh.text) == done.card.hash)
            .min_by_key(|q| q.first_line.abs_diff(done.card.line.saturating_sub(1)))?;
        let span = q.comment.clone()?;
        let comment = &current[span.clone()];
        let written_comment = done.written.new.trim_start_matches(['\r', '\n', ' ']);
        let written_comment = written_comment
            .strip_prefix("> [!sr|card-metadata] ")
            .map_or(written_comment, |_| written_comment);
        if !done.written.new.ends_with(comment) || !written_comment.ends_with(comment) {
            return None;
        }
        if let Some(old) = &done.old_comment {
            return Some(Edit { range: span, old: comment.to_owned(), new: old.clone() });
        }
        let start = span.end.checked_sub(done.written.new.len())?;
        (current.get(start..span.end) == Some(done.written.new.as_str())).then(|| Edit {
            range: start..span.end,
            old: done.written.new.clone(),
            new: String::new(),
        })
    }

    /// Skips the current question for this session (all its siblings).
    pub fn skip(&mut self) {
        let Some(card) = self.queue.first().cloned() else { return };
        self.queue.retain(|c| !(c.path == card.path && c.hash == card.hash));
        self.summary.skipped += 1;
        self.revealed = false;
        self.shown_at = Instant::now();
        self.load_head();
    }

    /// Buries the current question (all its siblings) until tomorrow.
    pub fn bury(&mut self) {
        let Some(card) = self.queue.first().cloned() else { return };
        let before = self.queue.len();
        self.queue.retain(|c| !(c.path == card.path && c.hash == card.hash));
        self.summary.buried += before - self.queue.len();
        self.bury_hash(&card.hash);
        self.revealed = false;
        self.shown_at = Instant::now();
        self.load_head();
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
    /// queued cards are found again by their text; vanished ones leave.
    pub fn note_changed(&mut self, path: &str) {
        match self.store.read(path) {
            Ok(text) => self.reload(path, &text),
            Err(e) => self.drop_note(path, &e),
        }
        self.revealed = false;
        self.load_head();
    }

    /// The end-of-session summary.
    #[must_use]
    pub fn summary(&self) -> Summary {
        let mut s = self.summary.clone();
        s.seconds = self.started.elapsed().as_secs();
        s.next_due = self.histogram.sorted().into_iter().find(|&(d, n)| d > 0 && n > 0);
        s
    }

    fn requeue_current(&mut self) {
        if self.queue.is_empty() {
            return;
        }
        let card = self.queue.remove(0);
        // Back of its deck's stretch of the queue (the plugin's end of list).
        let end = self.queue.iter().position(|c| c.deck_rank != card.deck_rank).unwrap_or(self.queue.len());
        self.queue.insert(end, card);
        self.revealed = false;
        self.shown_at = Instant::now();
    }

    fn drop_current(&mut self, message: String) {
        if !self.queue.is_empty() {
            self.queue.remove(0);
        }
        self.notices.push(Notice(message));
        self.revealed = false;
    }

    /// Re-parses a note from `text` and re-points its queued cards.
    fn reload(&mut self, path: &str, text: &str) {
        let fresh = parse_note(text.to_owned(), folder_of(path), &self.ctx.parse_options(), true);
        let mut gone = Vec::new();
        for (i, c) in self.queue.iter_mut().enumerate().filter(|(_, c)| c.path == path) {
            let found = fresh
                .questions
                .iter()
                .enumerate()
                .filter(|(_, q)| q.hash(&fresh.text) == c.hash && c.sibling < q.card_count())
                .min_by_key(|(_, q)| q.first_line.abs_diff(c.line.saturating_sub(1)));
            match found {
                Some((qi, q)) => {
                    c.question = qi;
                    c.line = q.first_line + 1;
                }
                None => gone.push(i),
            }
        }
        for i in gone.into_iter().rev() {
            let c = self.queue.remove(i);
            self.notices.push(Notice(format!(
                "{}:{}: the card changed or was removed; it left the session",
                c.path, c.line
            )));
        }
        self.notes.insert(path.to_owned(), SessionNote { path: path.to_owned(), note: fresh });
    }

    /// The decks and notes of the queue (for tests).
    #[must_use]
    pub fn queue(&self) -> &[QueueCard] {
        &self.queue
    }
}

/// The reviewable cards of one note: due and new cards not buried today,
/// in the decks matching `decks` (all when empty), in note order.
#[must_use]
pub fn note_cards(
    path: &str,
    note: &Note,
    today: NaiveDate,
    now: DateTime<Utc>,
    buried: &[String],
    decks: &[String],
) -> Vec<QueueCard> {
    let mut out = Vec::new();
    if !note.has_deck {
        return out;
    }
    for (qi, q) in note.questions.iter().enumerate() {
        let deck = if decks.is_empty() {
            q.decks.first()
        } else {
            q.decks.iter().find(|d| decks.iter().any(|f| crate::deck::deck_matches(d, f)))
        };
        let Some(deck) = deck else { continue };
        let hash = q.hash(&note.text);
        if buried.contains(&hash) {
            continue;
        }
        for sibling in 0..q.card_count() {
            let state = q.schedule(sibling).state(today, now);
            if state == crate::parse::CardState::Scheduled {
                continue;
            }
            out.push(QueueCard {
                path: path.to_owned(),
                question: qi,
                sibling,
                line: q.first_line + 1,
                hash: hash.clone(),
                is_new: state == crate::parse::CardState::New,
                deck: deck.clone(),
                deck_rank: 0,
            });
        }
    }
    out
}

/// New cards and reviews already done on `day`, from the review log (undone
/// answers do not count; a card counts once).
#[must_use]
pub fn done_today(records: &[Record], day: NaiveDate) -> (usize, usize) {
    let mut new = std::collections::HashSet::new();
    let mut reviews = std::collections::HashSet::new();
    for r in crate::log::effective(records) {
        if r.day != day || !matches!(r.op, Op::Review | Op::Grade) {
            continue;
        }
        let key = (r.path.as_str(), r.hash.as_str(), r.sibling);
        if r.before.is_none() {
            new.insert(key);
        } else if !new.contains(&key) {
            reviews.insert(key);
        }
    }
    (new.len(), reviews.len())
}

/// The folder of a vault-relative path (`None` at the root).
/// A fingerprint of a note's text, to tell whether a note read later is
/// still the one its cards were queued from.
#[must_use]
pub fn fingerprint(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

fn folder_of(path: &str) -> Option<&str> {
    path.rfind('/').map(|i| &path[..i])
}

fn logged(s: &CardSchedule, zone: crate::clock::Zone) -> Option<LoggedSchedule> {
    crate::cmd::grade::logged(s, zone)
}

/// The headings above line `line` (0-based), outermost first: the plugin's
/// `showContextInCards` breadcrumb.
#[must_use]
pub fn headings_above(note: &Note, line: usize) -> Vec<String> {
    let mut stack: Vec<(usize, String)> = Vec::new();
    let mut fence = crate::parse::tags::FenceState::default();
    let from = note.frontmatter.as_ref().map_or(0, |f| f.end_line + 1);
    for i in from..line.min(note.lines.len()) {
        let l = note.line(i);
        if fence.in_code(l) {
            continue;
        }
        let level = l.bytes().take_while(|&b| b == b'#').count();
        if (1..=6).contains(&level) && l.as_bytes().get(level) == Some(&b' ') {
            stack.retain(|(lv, _)| *lv < level);
            stack.push((level, l[level + 1..].trim().to_owned()));
        }
    }
    stack.into_iter().map(|(_, h)| h).collect()
}

#[cfg(test)]
mod tests;
