//! What a renderer shows of a session: the card on screen, the progress
//! counts, the card's info and history, the end summary. Built from the
//! session on demand; reading them changes nothing.

use chrono::{DateTime, NaiveDate, Utc};

use super::{Phase, Session, Store, headings_above};
use crate::log::{Op, Record};
use crate::note_path::NotePath;
use crate::parse::{CardSchedule, LineNo, QuestionKind};
use crate::schedule::{CardContext, Response, Schedule, note_ease};

/// One card on screen: what a renderer needs.
#[derive(Debug, Clone, PartialEq)]
pub struct CardView {
    pub path: NotePath,
    /// 1-based first line of the question (its address).
    pub line: LineNo,
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
    pub phase: Phase,
    pub revealed: bool,
    /// What each answer would give, as the buttons show it: `(response,
    /// label)` with labels such as `10m`, `3d`, `1.2mo` (`None`: the
    /// answer cannot be computed, as in the plugin).
    pub intervals: Vec<(Response, Option<String>)>,
    /// A learning card shown before its step is due (nothing else is
    /// left): how long until it is due.
    pub waiting: Option<chrono::Duration>,
    /// When the card was put on screen (for a timer).
    pub shown_at: DateTime<Utc>,
    /// Cram mode: nothing is written.
    pub cram: bool,
}

/// Counts for the progress line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    pub done: usize,
    pub left: usize,
    pub new_left: usize,
    pub learning_left: usize,
    pub review_left: usize,
}

/// The end-of-session summary.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Summary {
    /// Answers per button: Again, Hard, Good, Easy.
    pub answers: [usize; 4],
    pub reset: usize,
    pub reviewed: usize,
    pub skipped: usize,
    pub buried: usize,
    pub undone: usize,
    pub seconds: u64,
    /// Answers to review cards, and how many of them were not Again (this
    /// session's retention).
    pub review_answers: usize,
    pub review_recalled: usize,
    /// Cards still due today after the limits (left in the session).
    pub left_today: usize,
    /// Days until the next card is due after today, and how many.
    pub next_due: Option<(i64, u32)>,
}

impl Summary {
    /// This session's retention on review cards, when it answered any.
    #[must_use]
    pub fn retention(&self) -> Option<f64> {
        (self.review_answers > 0).then(|| self.review_recalled as f64 / self.review_answers as f64)
    }
}

/// What `i` shows: where the card is, its schedule and its history.
#[derive(Debug, Clone, PartialEq)]
pub struct CardInfo {
    pub path: NotePath,
    /// 1-based first line of the question (its address).
    pub line: LineNo,
    pub sibling: usize,
    pub kind: QuestionKind,
    pub decks: Vec<String>,
    /// `new`, or the schedule in words (FSRS: with its memory state and
    /// today's retrievability).
    pub schedule: Vec<String>,
    /// The card's answers from the review log, oldest first.
    pub history: Vec<HistoryLine>,
}

/// One answer of a card's history.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryLine {
    pub day: NaiveDate,
    /// `review`, `grade`, `cram`, `import`, `reschedule`, …
    pub op: String,
    pub response: Option<Response>,
    /// The interval after, in words (`3d`, `10m`).
    pub interval: Option<String>,
    pub ms: Option<u64>,
}

impl<S: Store> Session<S> {
    /// Progress of the session.
    #[must_use]
    pub fn progress(&self) -> Progress {
        // One pass, nothing collected: the queue may hold a vault's cards.
        let mut p = Progress { done: self.summary.reviewed, ..Progress::default() };
        for c in self.cards() {
            p.left += 1;
            match c.phase {
                Phase::New => p.new_left += 1,
                Phase::Learning => p.learning_left += 1,
                Phase::Review => p.review_left += 1,
            }
        }
        p
    }

    /// The card on screen, if any.
    #[must_use]
    pub fn view(&self) -> Option<CardView> {
        let shown = self.current.as_ref()?;
        let card = &shown.card;
        let sn = self.notes.get(&*card.path)?;
        let q = sn.note.questions.get(card.question())?;
        let settings = &self.ctx.settings;
        let sides = q.sides(&sn.note.text, settings, &self.ctx.clozes);
        let (front, back) = sides.get(card.sibling()).cloned().unwrap_or_default();
        let (front_marked, back_marked) = q
            .sides_marked(&sn.note.text, settings, &self.ctx.clozes)
            .get(card.sibling())
            .cloned()
            .unwrap_or_default();
        let schedule = q.schedule(card.sibling());
        let when = self.when();
        let intervals = if self.ctx.mode == super::Mode::Cram {
            Response::BUTTONS
                .into_iter()
                .map(|r| (r, Some(if r == Response::Again { "again".to_owned() } else { "done".to_owned() })))
                .collect()
        } else {
            let ctx =
                CardContext { note_ease: note_ease(&sn.note, settings), histogram: Some(&self.histogram) };
            let preview = self.ctx.scheduler.preview(&schedule, &when, &ctx);
            Response::BUTTONS
                .into_iter()
                .zip(preview)
                .map(|(r, s)| (r, s.map(|s| s.button_label(&when))))
                .collect()
        };
        let waiting = match shown.from {
            super::Slot::Learning(due) if due > when.now => Some(due - when.now),
            _ => None,
        };
        Some(CardView {
            path: (*card.path).clone(),
            line: q.text_line_no(),
            sibling: card.sibling(),
            kind: q.kind,
            decks: q.decks.to_vec(),
            context: headings_above(&sn.note, q.first_line),
            front,
            back,
            front_marked,
            back_marked,
            is_new: matches!(schedule, CardSchedule::New),
            phase: card.phase,
            revealed: shown.revealed,
            intervals,
            waiting,
            shown_at: shown.at,
            cram: self.ctx.mode == super::Mode::Cram,
        })
    }

    /// How long the card has been on screen.
    #[must_use]
    pub fn time_on_card(&self) -> chrono::Duration {
        self.current.as_ref().map_or_else(chrono::Duration::zero, |c| self.clock.now() - c.at)
    }

    /// The card on screen's info and history (`i`).
    #[must_use]
    pub fn card_info(&self) -> Option<CardInfo> {
        let card = &self.current.as_ref()?.card;
        let sn = self.notes.get(&*card.path)?;
        let q = sn.note.questions.get(card.question())?;
        let when = self.when();
        let schedule = describe(&q.schedule(card.sibling()), &when, self);
        let history = self
            .store
            .history(&card.path, &card.question_hash(), card.sibling())
            .iter()
            .map(|r| history_line(r, &when))
            .collect();
        Some(CardInfo {
            path: (*card.path).clone(),
            line: q.text_line_no(),
            sibling: card.sibling(),
            kind: q.kind,
            decks: q.decks.to_vec(),
            schedule,
            history,
        })
    }
}

fn describe<S: Store>(s: &CardSchedule, when: &crate::clock::When, session: &Session<S>) -> Vec<String> {
    let n = crate::parse::comment::js_number;
    match s {
        CardSchedule::New => vec!["new: never answered".into()],
        CardSchedule::Sm2 { due, interval, ease } => vec![format!(
            "SM-2: due {}, interval {}, ease {}",
            due.map_or_else(|| "unreadable".to_owned(), |d| d.to_string()),
            interval.map_or_else(|| "?".to_owned(), |i| i.to_string()),
            ease.map_or_else(|| "?".to_owned(), |e| e.to_string())
        )],
        CardSchedule::Fsrs(f) => {
            let due = f.due.instant().map_or_else(
                || "unreadable".to_owned(),
                |t| when.zone.local(t).format("%Y-%m-%d %H:%M").to_string(),
            );
            let state = match f.state as i64 {
                0 => "new",
                1 => "learning",
                2 => "review",
                3 => "relearning",
                _ => "unknown",
            };
            let mut lines = vec![
                format!("FSRS: due {due}, interval {} days, {state}", n(f.interval)),
                format!(
                    "stability {} days, difficulty {}, reps {}, lapses {}",
                    n(f.stability),
                    n(f.difficulty),
                    n(f.reps),
                    n(f.lapses)
                ),
            ];
            if let Ok(card) = f.to_card(when.now)
                && let Ok(r) =
                    crate::schedule::fsrs::retrievability(&session_params(session), &card, when.now)
            {
                lines.push(format!("retrievability now {:.0}%", r * 100.0));
            }
            lines
        }
    }
}

fn session_params<S: Store>(session: &Session<S>) -> crate::schedule::fsrs::Parameters {
    session.ctx.fsrs.clone()
}

fn history_line(r: &Record, when: &crate::clock::When) -> HistoryLine {
    let op = match r.op {
        Op::Review => "review",
        Op::Grade => "grade",
        Op::Cram => "cram",
        Op::Import => "import",
        Op::Reschedule => "reschedule",
        Op::Fix => "fix",
        Op::NoteReview => "note review",
        Op::Undo => "undo",
    };
    let interval = r.after.as_ref().map(|s: &Schedule| match s {
        Schedule::Fsrs(f) if f.interval < 1.0 => {
            let at =
                crate::clock::When { now: crate::clock::parse_instant(&r.ts).unwrap_or(when.now), ..*when };
            s.button_label(&at)
        }
        other => crate::schedule::value::days_label(other.interval().0),
    });
    HistoryLine { day: r.day, op: op.into(), response: r.response, interval, ms: r.ms }
}
