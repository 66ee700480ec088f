//! The note review session (`recall review --notes`): a state machine over
//! the note queue, with no knowledge of terminals.
//!
//! `show → answer (Easy / Good / Hard) | skip | undo | quit`, one note at a
//! time in the order [`crate::notes::queue`] gives (due notes, then new
//! ones, per review deck; a note in several decks comes once). Every answer
//! is planned as the minimal front-matter edit ([`crate::notes::plan_edit`])
//! and written and logged at once through the [`Store`], exactly as
//! `recall grade PATH RESPONSE` writes and logs it
//! ([`crate::notes::answer::review_record`]). The [`NoteIndex`] is updated
//! after each answer as the plugin updates its queue, so the next note is
//! load balanced against this one. With `burySiblingCards`, every question
//! of a reviewed note is buried for the day (spec §e). Undo restores the
//! note's bytes, its place in the index and the bury list.

use std::collections::VecDeque;
use std::sync::Arc;

use chrono::NaiveDate;

use super::{Notice, Store};
use crate::clock::{Clock, Zone};
use crate::edit::Edit;
use crate::error::Error;
use crate::log::{Record, Stamp};
use crate::notes::answer::review_record;
use crate::notes::{self, NoteIndex, NoteState, QueuedNote, ReadSchedule};
use crate::parse::cloze::Clozes;
use crate::parse::{Detail, Note, ParseOptions, QuestionHash, parse_note};
use crate::schedule::Response;
use crate::settings::Settings;

/// The answers a note takes, in the order the plugin's buttons show them.
pub const NOTE_RESPONSES: [Response; 3] = [Response::Easy, Response::Good, Response::Hard];

/// What the note session needs besides its queue.
pub struct NoteContext {
    pub settings: Settings,
    pub clozes: Clozes,
    pub zone: Zone,
    /// The review day (`--today`, or the local date when the session began).
    pub today: NaiveDate,
}

/// The note on screen, as the shells show it.
#[derive(Debug, Clone, PartialEq)]
pub struct NoteView {
    pub path: String,
    /// The review deck it came from (`#review`).
    pub deck: String,
    pub state: NoteState,
    /// The schedule read from the front matter (`None`: a new note).
    pub schedule: Option<ReadSchedule>,
    /// The note's text below its front matter (the whole text without one).
    pub body: String,
    /// 1-based line of the note where `body` starts.
    pub body_line: usize,
    /// Easy, Good, Hard with the interval each gives (`None`: cannot be
    /// answered, see the notices).
    pub intervals: Vec<(Response, Option<f64>)>,
}

/// How far the session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NoteProgress {
    pub done: usize,
    pub left: usize,
}

/// The end-of-session summary.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NoteSummary {
    pub reviewed: usize,
    /// Easy, Good, Hard.
    pub answers: [usize; 3],
    pub skipped: usize,
    pub undone: usize,
    /// Flashcards buried by `burySiblingCards`.
    pub buried_questions: usize,
    /// Notes still due or new in the queue.
    pub left: usize,
}

/// What an undo took back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoteUndone {
    Answer { response: Response, path: String },
    Skip { path: String },
}

#[derive(Debug, Clone)]
struct Shown {
    item: QueuedNote,
    text: String,
}

#[derive(Debug, Clone)]
enum Action {
    Answer(Box<Answered>),
    Skip(Shown),
}

#[derive(Debug, Clone)]
struct Answered {
    shown: Shown,
    response: Response,
    edits: Vec<Edit>,
    /// `edits` landed where they were planned (the note had not changed on
    /// disk since it was read); else their reverse is not known.
    as_planned: bool,
    text_after: String,
    record: Record,
    facts_before: (Option<ReadSchedule>, Option<f64>),
    /// Question hashes this answer added to the bury list.
    buried: Vec<QuestionHash>,
    /// Other entries of the same note (other decks) that left the queue.
    others: Vec<(usize, QueuedNote)>,
}

/// A note review session.
pub struct NoteSession<S: Store> {
    ctx: NoteContext,
    clock: Arc<dyn Clock>,
    store: S,
    index: NoteIndex,
    queue: VecDeque<QueuedNote>,
    current: Option<Shown>,
    history: Vec<Action>,
    summary: NoteSummary,
    buried: Vec<QuestionHash>,
    notices: Vec<Notice>,
}

/// The session's queue from the whole note queue: the due and new notes,
/// each note once (its first deck), those `keep` accepts.
#[must_use]
pub fn session_queue(all: Vec<QueuedNote>, keep: impl Fn(&QueuedNote) -> bool) -> Vec<QueuedNote> {
    let mut seen = std::collections::HashSet::new();
    all.into_iter()
        .filter(|q| q.state != NoteState::Scheduled && keep(q))
        .filter(|q| seen.insert(q.path.clone()))
        .collect()
}

impl<S: Store> NoteSession<S> {
    /// A session over `queue` (see [`session_queue`]) of the notes in `index`.
    pub fn new(
        ctx: NoteContext,
        clock: Arc<dyn Clock>,
        store: S,
        index: NoteIndex,
        queue: Vec<QueuedNote>,
    ) -> Self {
        let buried = store.buried(ctx.today);
        let mut s = NoteSession {
            ctx,
            clock,
            store,
            index,
            queue: queue.into(),
            current: None,
            history: Vec::new(),
            summary: NoteSummary::default(),
            buried,
            notices: Vec::new(),
        };
        s.advance();
        s
    }

    fn parse(&self, path: &str, text: &str) -> Note {
        let opts = ParseOptions {
            settings: &self.ctx.settings,
            clozes: &self.ctx.clozes,
            today: self.ctx.today,
            now: self.clock.now(),
            zone: self.ctx.zone,
            detail: Detail::Full,
        };
        parse_note(text.to_owned(), crate::note_path::folder(path), &opts, true)
    }

    /// Shows the next note of the queue; notes that cannot be read leave
    /// with a notice.
    fn advance(&mut self) {
        while self.current.is_none() {
            let Some(item) = self.queue.pop_front() else { return };
            match self.store.read(&item.path) {
                Ok(text) => self.current = Some(Shown { item, text }),
                Err(e) => self.notices.push(Notice(format!("{}: {e}; it left the session", item.path))),
            }
        }
    }

    /// The store (for tests and the shell).
    pub fn store(&self) -> &S {
        &self.store
    }

    /// True when no note is left.
    #[must_use]
    pub fn is_done(&self) -> bool {
        self.current.is_none()
    }

    /// Messages for the user since the last call.
    pub fn take_notices(&mut self) -> Vec<Notice> {
        std::mem::take(&mut self.notices)
    }

    /// The note on screen.
    #[must_use]
    pub fn view(&self) -> Option<NoteView> {
        let shown = self.current.as_ref()?;
        let path = &shown.item.path;
        let note = self.parse(path, &shown.text);
        let (body, body_line) = match note.frontmatter.as_ref().and_then(|f| note.lines.get(f.end_line + 1)) {
            Some(l) => (shown.text[l.start..].to_owned(), note_line(&note, l.start)),
            None if note.frontmatter.is_some() => (String::new(), note.lines.len() + 1),
            None => (shown.text.trim_start_matches('\u{feff}').to_owned(), 1),
        };
        let intervals = NOTE_RESPONSES
            .iter()
            .map(|&r| (r, self.index.schedule(path, r, &self.ctx.settings).ok().map(|s| s.interval.0)))
            .collect();
        Some(NoteView {
            path: path.clone(),
            deck: shown.item.deck.clone(),
            state: shown.item.state,
            schedule: self.index.get(path).and_then(|f| f.schedule),
            body,
            body_line,
            intervals,
        })
    }

    /// How many notes are done and left.
    #[must_use]
    pub fn progress(&self) -> NoteProgress {
        NoteProgress {
            done: self.summary.reviewed + self.summary.skipped,
            left: self.queue.len() + usize::from(self.current.is_some()),
        }
    }

    /// The end-of-session summary.
    #[must_use]
    pub fn summary(&self) -> NoteSummary {
        NoteSummary { left: self.progress().left, ..self.summary.clone() }
    }

    /// Answers the note on screen: its new schedule is written into its
    /// front matter and logged, then the next note comes.
    pub fn answer(&mut self, response: Response) -> Result<(), Error> {
        let Some(mut shown) = self.current.clone() else { return Ok(()) };
        let path = shown.item.path.clone();
        if self.store.read(&path).is_ok_and(|text| text != shown.text) {
            // Edited on disk since it was shown: answered as it is now (as
            // after `e`), so the edits are planned on the text they are
            // written to, and their reverse is known for an undo.
            self.note_changed();
            match &self.current {
                Some(s) if s.item.path == path => shown = s.clone(),
                _ => return Ok(()),
            }
        }
        let refused = |m: String| Error::Refused { message: format!("{path}: {m}"), hint: None };
        let next =
            self.index.schedule(&path, response, &self.ctx.settings).map_err(|e| refused(e.to_string()))?;
        let edits = notes::plan_edit(&shown.text, &next).map_err(|e| refused(e.to_string()))?;
        let facts = self.index.get(&path);
        let facts_before = (facts.and_then(|f| f.schedule), facts.and_then(|f| f.ease_entry));
        let decks = facts.map(|f| f.decks.clone()).unwrap_or_default();
        let now = self.clock.now();
        let record = review_record(
            Stamp::at(now, self.ctx.zone),
            self.ctx.today,
            &path,
            decks,
            response,
            facts_before.0,
            &next,
        );
        let reloc = |text: &str| notes::plan_edit(text, &next).ok();
        let (text_after, log_error) =
            self.store.commit(&path, &shown.text, &edits, &reloc, std::slice::from_ref(&record))?;
        if let Some(e) = log_error {
            self.notices.push(Notice(format!("the review was written but not logged: {e}")));
        }
        let as_planned = text_after == crate::edit::splice(&shown.text, &edits);
        self.index.record(&path, &next);
        let buried = if self.ctx.settings.bury_sibling_cards {
            self.bury_questions(&path, &text_after)
        } else {
            Vec::new()
        };
        let mut others = Vec::new();
        let mut i = 0;
        while i < self.queue.len() {
            if self.queue[i].path == path {
                if let Some(q) = self.queue.remove(i) {
                    others.push((i + others.len(), q));
                }
            } else {
                i += 1;
            }
        }
        self.summary.reviewed += 1;
        self.summary.answers[response_slot(response)] += 1;
        self.summary.buried_questions += buried.len();
        self.history.push(Action::Answer(Box::new(Answered {
            shown,
            response,
            edits,
            as_planned,
            text_after,
            record,
            facts_before,
            buried,
            others,
        })));
        self.current = None;
        self.advance();
        Ok(())
    }

    /// Adds every question of the note to the day's bury list (the plugin
    /// buries a reviewed note's questions with `burySiblingCards`); returns
    /// the hashes added.
    fn bury_questions(&mut self, path: &str, text: &str) -> Vec<QuestionHash> {
        let note = self.parse(path, text);
        let mut added = Vec::new();
        for q in &note.questions {
            let h = q.hash(&note.text);
            if !self.buried.contains(&h) && !added.contains(&h) {
                added.push(h);
            }
        }
        if !added.is_empty() {
            self.buried.extend(added.iter().cloned());
            if let Err(e) = self.store.set_buried(self.ctx.today, &self.buried) {
                self.notices.push(Notice(format!("could not bury the note's cards for today: {e}")));
            }
        }
        added
    }

    /// Skips the note on screen for this session.
    pub fn skip(&mut self) {
        let Some(shown) = self.current.take() else { return };
        self.summary.skipped += 1;
        self.history.push(Action::Skip(shown));
        self.advance();
    }

    /// Takes back the last answer (restoring the note's bytes) or skip.
    pub fn undo(&mut self) -> Result<Option<NoteUndone>, Error> {
        let Some(action) = self.history.pop() else { return Ok(None) };
        match action {
            Action::Skip(shown) => {
                let path = shown.item.path.clone();
                self.shelve_current();
                self.summary.skipped -= 1;
                self.current = Some(self.refreshed(shown));
                Ok(Some(NoteUndone::Skip { path }))
            }
            Action::Answer(done) => {
                if let Err(e) = self.undo_answer(&done) {
                    self.history.push(Action::Answer(done));
                    return Err(e);
                }
                let d = *done;
                let path = d.shown.item.path.clone();
                self.shelve_current();
                for (i, q) in d.others {
                    let at = i.min(self.queue.len());
                    self.queue.insert(at, q);
                }
                self.summary.reviewed -= 1;
                self.summary.answers[response_slot(d.response)] -= 1;
                self.summary.buried_questions -= d.buried.len();
                self.summary.undone += 1;
                self.current = Some(self.refreshed(d.shown));
                Ok(Some(NoteUndone::Answer { response: d.response, path }))
            }
        }
    }

    /// Writes the note's old bytes back, logs the undo, and puts the index
    /// and the bury list back as they were.
    fn undo_answer(&mut self, done: &Answered) -> Result<(), Error> {
        let path = &done.shown.item.path;
        let current = self.store.read(path)?;
        if current != done.text_after || !done.as_planned {
            return Err(Error::Refused {
                message: format!(
                    "{path}: the note changed since it was reviewed; its review cannot be undone"
                ),
                hint: Some("edit its sr-due, sr-interval and sr-ease by hand".into()),
            });
        }
        let reverse = reverse_edits(&done.edits);
        let now = self.clock.now();
        let undo = Record::undo(Stamp::at(now, self.ctx.zone), self.ctx.today, &done.record);
        let (_, log_error) =
            self.store.commit(path, &current, &reverse, &|_| None, std::slice::from_ref(&undo))?;
        if let Some(e) = log_error {
            self.notices.push(Notice(format!("the undo was written but not logged: {e}")));
        }
        self.index.restore(path, done.facts_before.0, done.facts_before.1);
        if !done.buried.is_empty() {
            self.buried.retain(|h| !done.buried.contains(h));
            if let Err(e) = self.store.set_buried(self.ctx.today, &self.buried) {
                self.notices.push(Notice(format!("could not unbury the note's cards: {e}")));
            }
        }
        Ok(())
    }

    /// The note on screen goes back to the front of the queue.
    fn shelve_current(&mut self) {
        if let Some(c) = self.current.take() {
            self.queue.push_front(c.item);
        }
    }

    /// `shown` with its text read again (it may have changed).
    fn refreshed(&mut self, shown: Shown) -> Shown {
        match self.store.read(&shown.item.path) {
            Ok(text) => Shown { text, ..shown },
            Err(_) => shown,
        }
    }

    /// Re-reads the note on screen after it was edited outside the session
    /// (`e`): its text and its schedule are taken from disk.
    pub fn note_changed(&mut self) {
        let Some(shown) = self.current.take() else { return };
        let path = shown.item.path.clone();
        match self.store.read(&path) {
            Ok(text) => {
                let note = self.parse(&path, &text);
                let facts = notes::facts(&path, &note, &self.ctx.settings);
                self.index.restore(&path, facts.schedule, facts.ease_entry);
                self.current = Some(Shown { text, ..shown });
            }
            Err(e) => {
                self.notices.push(Notice(format!("{path}: {e}; it left the session")));
                self.advance();
            }
        }
    }
}

/// The 1-based line holding byte `at` of the note.
fn note_line(note: &Note, at: usize) -> usize {
    note.lines.iter().position(|l| l.start >= at).map_or(note.lines.len(), |i| i + 1)
}

fn response_slot(r: Response) -> usize {
    match r {
        Response::Easy => 0,
        Response::Good => 1,
        _ => 2,
    }
}

/// The edits that take `edits` (planned on a text, in order, not
/// overlapping) back on the text they produced.
#[must_use]
pub fn reverse_edits(edits: &[Edit]) -> Vec<Edit> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| e.range.start);
    let mut shift: isize = 0;
    sorted
        .into_iter()
        .map(|e| {
            let start = e.range.start.saturating_add_signed(shift);
            shift += e.new.len() as isize - e.old.len() as isize;
            Edit { range: start..start + e.new.len(), old: e.new.clone(), new: e.old.clone() }
        })
        .collect()
}

#[cfg(test)]
#[path = "notes_tests.rs"]
mod tests;
