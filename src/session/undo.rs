//! Undo: the last answer, skip or bury taken back. An answer's note gets its
//! previous comment bytes (found again by the question's text if the note
//! changed since), the log an undo record, and the card is shown again.

use super::{Action, Answered, Notice, Phase, QueueCard, Session, Shown, Slot, Store, Undone};
use crate::edit::Edit;
use crate::error::Error;
use crate::log::{Record, Stamp};
use crate::parse::parse_note;
use crate::schedule::Response;

impl<S: Store> Session<S> {
    /// Undoes the last answer, skip or bury: a note gets its previous
    /// comment bytes back, the log an undo record, and the card is shown
    /// again. `None` when there is nothing to undo.
    pub fn undo(&mut self) -> Result<Option<Undone>, Error> {
        let r = self.undo_last();
        self.advance();
        r
    }

    pub(super) fn undo_last(&mut self) -> Result<Option<Undone>, Error> {
        let Some(action) = self.history.pop() else {
            return Ok(None);
        };
        match action {
            Action::Removed { card, siblings, buried } => Ok(Some(self.undo_removed(card, siblings, buried))),
            Action::Answer(done) => match self.undo_answer(&done) {
                Ok(()) => Ok(Some(self.unanswer(*done))),
                Err(e) => {
                    self.history.push(Action::Answer(done));
                    Err(e)
                }
            },
        }
    }

    /// Brings back a skipped or buried card (and its siblings), unburied.
    pub(super) fn undo_removed(
        &mut self,
        card: Shown,
        siblings: Vec<(QueueCard, Slot)>,
        buried: Option<crate::parse::QuestionHash>,
    ) -> Undone {
        self.shelve_current();
        let (path, line) = ((*card.card.path).clone(), card.card.line());
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
        undone
    }

    /// Once an answer's note is restored: the card leaves where the answer
    /// put it and is shown again, its siblings come back, the counts go down.
    pub(super) fn unanswer(&mut self, d: Answered) -> Undone {
        let undone = Undone::Answer {
            response: d.response,
            path: (*d.card.card.path).clone(),
            line: d.card.card.line(),
        };
        self.shelve_current();
        // Remove the card from where the answer put it.
        let same = |c: &QueueCard| {
            c.path == d.card.card.path && c.hash == d.card.card.hash && c.sibling() == d.card.card.sibling()
        };
        match &d.requeued {
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
        if !d.siblings.is_empty() {
            self.buried.retain(|h| h.value() != Some(d.card.card.hash));
            let _ = self.store.set_buried(self.ctx.today, &self.buried);
        }
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
        undone
    }

    /// Restores the note's bytes of an answer and logs the undo.
    pub(super) fn undo_answer(&mut self, done: &Answered) -> Result<(), Error> {
        let when = self.when();
        let undo = Record::undo(Stamp::at(when.now, when.zone), when.today, &done.record);
        let Some(written) = &done.written else {
            // Cram: only the log to correct.
            return self.store.log(std::slice::from_ref(&undo));
        };
        let path = (*done.card.card.path).clone();
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
    pub(super) fn reverse_on_changed_text(
        &self,
        done: &Answered,
        written: &Edit,
        current: &str,
    ) -> Option<Edit> {
        let fresh = parse_note(
            current.to_owned(),
            crate::note_path::folder(&done.card.card.path),
            &self.ctx.parse_options(self.clock.now()),
            true,
        );
        let q = fresh
            .questions
            .iter()
            .filter(|q| q.hash_value(&fresh.text) == done.card.card.hash)
            .min_by_key(|q| q.text_line.abs_diff(done.card.card.line().index()))?;
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
}
