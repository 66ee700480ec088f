//! Answering the card on screen: its new schedule, the edit written into its
//! note through the [`Store`] (re-planned if the note changed), the log
//! record, the histogram, siblings buried by the setting, and where the card
//! goes next. In cram mode only the log is written.

use std::collections::HashMap;

use super::{Action, Answered, Mode, Notice, Phase, QueueCard, Session, SessionNote, Shown, Slot, Store};
use crate::clock::When;
use crate::edit::Edit;
use crate::edit::plan::plan_comment;
use crate::error::Error;
use crate::log::{CardRef, Op, Record, Stamp};
use crate::note_path::NotePath;
use crate::parse::{CardSchedule, Note, ParseOptions, Question, parse_note};
use crate::schedule::{CardContext, Response, Schedule, histogram_key, note_ease};

impl<S: Store> Session<S> {
    /// Answers the current card: writes its new schedule and logs it (in
    /// cram mode, logs only).
    pub fn answer(&mut self, response: Response) -> Result<(), Error> {
        let r = self.answer_current(response);
        self.advance();
        r
    }

    pub(super) fn answer_current(&mut self, response: Response) -> Result<(), Error> {
        let Some(shown) = self.current.clone() else {
            return Ok(());
        };
        let card = shown.card.clone();
        let when = self.when();
        let ms = u64::try_from((when.now - shown.at).num_milliseconds()).unwrap_or(0);
        let (note, q) = match shown_question(&self.notes, &card) {
            Ok(found) => found,
            Err(notice) => {
                self.current = None;
                self.notices.push(notice);
                return Ok(());
            }
        };
        let before = q.schedule(card.sibling());
        let card_ref = card_ref(&card, q);
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
            let text_after = note.text.clone();
            self.answer_cram(shown, response, record, text_after);
            return Ok(());
        }
        let refused = |e: String| Error::Refused {
            message: format!("{}:{}: {e}", card.path, q.text_line_no()),
            hint: None,
        };
        let ctx =
            CardContext { note_ease: note_ease(note, &self.ctx.settings), histogram: Some(&self.histogram) };
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
            self.notices.push(Notice(format!("{}:{}: {n}", card.path, q.text_line_no())));
        }
        let schedule = answered.schedule;
        let segment = schedule.segment();
        let edit = plan_comment(note, q, card.sibling(), &segment, &self.ctx.settings)
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
        // What the note reads if the edit lands where it was planned (the
        // store re-plans it when the note changed on disk).
        let planned = crate::edit::splice(&note.text, std::slice::from_ref(&edit));
        let committed = {
            let opts = self.ctx.parse_options(when.now);
            let relocate = relocator(&opts, note, q, &card, &segment);
            self.store.commit(
                &card.path,
                &note.text,
                std::slice::from_ref(&edit),
                &relocate,
                std::slice::from_ref(&record),
            )
        };
        let text_after = self.written_text(&card.path, committed)?;
        let as_planned = text_after == planned;
        // The edit actually applied (relocated or not) is found again on the new text.
        self.reload(&card.path, &text_after, false);
        let histogram_before = self.move_in_histogram(&before, &schedule, &when);
        let siblings = self.bury_siblings_of(&card);
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

    /// The note's text after an answer's write, or the write's error once
    /// the note is read again: if it changed or is gone, cards that no
    /// longer exist leave the session (with a notice) instead of failing
    /// again.
    pub(super) fn written_text(
        &mut self,
        path: &str,
        committed: Result<(String, Option<Error>), Error>,
    ) -> Result<String, Error> {
        match committed {
            Ok((text, log_error)) => {
                if let Some(e) = log_error {
                    self.notices.push(Notice(format!("the answer was written but not logged: {e}")));
                }
                Ok(text)
            }
            Err(e) => {
                self.note_changed_inner(path, false);
                Err(e)
            }
        }
    }

    /// A cram answer: logged (as cram), never written; Again brings the
    /// card back at the end of its deck.
    pub(super) fn answer_cram(
        &mut self,
        shown: Shown,
        response: Response,
        record: Record,
        text_after: String,
    ) {
        if let Err(e) = self.store.log(std::slice::from_ref(&record)) {
            self.notices.push(Notice(format!("the cram answer was not logged: {e}")));
        }
        let requeued = (response == Response::Again).then(|| self.requeue(shown.card.clone(), None));
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
    }

    /// Moves the card in the due-date histogram from its old day to its new
    /// one; returns the entries as they were, for undo.
    pub(super) fn move_in_histogram(
        &mut self,
        before: &CardSchedule,
        after: &Schedule,
        when: &When,
    ) -> Vec<(i64, Option<u32>)> {
        let old_key = histogram_key(before, when.today, when.now);
        let new_key = schedule_key(after, when);
        let histogram_before: Vec<(i64, Option<u32>)> =
            old_key.into_iter().chain(new_key).map(|k| (k, self.histogram.get(k))).collect();
        if let Some(k) = old_key {
            self.histogram.decrement(k);
        }
        if let Some(k) = new_key {
            self.histogram.increment(k);
        }
        histogram_before
    }

    /// Siblings buried by the `burySiblingCards` setting leave with the answer.
    pub(super) fn bury_siblings_of(&mut self, card: &QueueCard) -> Vec<(QueueCard, Slot)> {
        if !self.ctx.settings.bury_sibling_cards {
            return Vec::new();
        }
        let siblings = self.take_siblings(card);
        if !siblings.is_empty() {
            self.bury_hash(&card.question_hash());
        }
        siblings
    }

    /// Counts an answer and makes it undoable.
    pub(super) fn finish_answer(&mut self, a: Answered) {
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
    pub(super) fn requeue_after(
        &mut self,
        card: QueueCard,
        s: &Schedule,
        r: Response,
        when: &When,
    ) -> Option<Slot> {
        if s.is_short_term() {
            let due = s.due_instant(when.zone)?;
            if when.zone.date(due) > when.today {
                return None;
            }
            return Some(self.requeue(card, Some(due)));
        }
        let sm2_today = matches!(s, Schedule::Sm2(x) if x.interval.0 < 1.0);
        (sm2_today || r == Response::Reset).then(|| self.requeue(card, None))
    }
}

/// Re-plans an answer's edit on the note's new text when it changed since
/// it was read: the question is found again by its text.
fn relocator<'a>(
    opts: &'a ParseOptions<'a>,
    note: &'a Note,
    q: &'a Question,
    card: &'a QueueCard,
    segment: &'a str,
) -> impl Fn(&str) -> Option<Vec<Edit>> + Sync + 'a {
    move |text: &str| {
        let fresh = parse_note(text.to_owned(), crate::note_path::folder(&card.path), opts, true);
        crate::edit::plan::replan_comment(&fresh, note, q, card.sibling(), segment, opts.settings)
            .map(|e| vec![e])
    }
}

/// What the log records of the card answered.
fn card_ref(card: &QueueCard, q: &Question) -> CardRef {
    CardRef {
        path: (*card.path).clone(),
        line: card.line(),
        hash: card.question_hash(),
        sibling: card.sibling(),
        decks: q.decks.to_vec(),
    }
}

/// The note and question of the card on screen, or the notice to give
/// when either is gone.
fn shown_question<'a>(
    notes: &'a HashMap<NotePath, SessionNote>,
    card: &QueueCard,
) -> Result<(&'a Note, &'a Question), Notice> {
    let Some(sn) = notes.get(&*card.path) else {
        return Err(Notice(format!("{}: the note is no longer loaded; card skipped", card.path)));
    };
    let Some(q) = sn.note.questions.get(card.question()) else {
        return Err(Notice(format!("{}: the card is gone from the note; skipped", card.path)));
    };
    Ok((&sn.note, q))
}

/// The histogram key of a new schedule: days from today (SM-2) or from now
/// (FSRS), as the plugin keys its histogram.
fn schedule_key(s: &Schedule, when: &When) -> Option<i64> {
    match s {
        // The interval's whole days, as `add_days` counts them.
        Schedule::Sm2(x) => Some(x.interval.nearest().0),
        Schedule::Fsrs(f) => f.due.instant().map(|d| {
            let ms = (d - when.now).num_milliseconds();
            ms.div_euclid(86_400_000) + i64::from(ms.rem_euclid(86_400_000) != 0)
        }),
    }
}
