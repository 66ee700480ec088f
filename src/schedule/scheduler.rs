//! The scheduler seam: SM-2-OSR and FSRS behind one interface. The review
//! session, `grade`, `reschedule`, `import` and the `schedule` filter ask a
//! [`Scheduler`] what an answer gives; none of them names an algorithm.
//!
//! Both follow the plugin (spec §c, §c.7): the vault's `algorithm` picks one
//! for flashcards; a card whose segment belongs to the other algorithm is
//! converted the plugin's way (an SM-2 segment under FSRS is turned into an
//! FSRS card; an FSRS segment under SM-2 is read with its derived ease and
//! the FSRS delay rule, spec §j.3).

use chrono::Days;

use super::fsrs::{self, FsrsError, Parameters, Rating};
use super::units::{Ease, Interval};
use super::value::Schedule;
use super::{Histogram, Response, schedule_card};
use crate::clock::When;
use crate::parse::CardSchedule;
use crate::settings::{Algorithm, Settings};

/// What an answer needs besides the card's schedule.
#[derive(Debug, Clone, Copy, Default)]
pub struct CardContext<'a> {
    /// The note's ease entry, which seeds new SM-2 cards (spec §e).
    pub note_ease: Option<Ease>,
    /// The vault's due-date histogram, for SM-2 load balancing.
    pub histogram: Option<&'a Histogram>,
}

/// What an answer gives.
#[derive(Debug, Clone, PartialEq)]
pub struct Answered {
    pub schedule: Schedule,
    /// Set when recall answered where the plugin cannot (a last review in
    /// the future): what it did instead, for the user.
    pub notice: Option<String>,
}

/// Why a card cannot be answered.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScheduleError {
    #[error("the card's FSRS state cannot be scheduled: {0}")]
    Fsrs(#[from] FsrsError),
}

/// A flashcard scheduler.
pub trait Scheduler: Send + Sync {
    /// Which algorithm this is.
    fn algorithm(&self) -> Algorithm;

    /// The schedule `response` gives the card at `at`; `None` when nothing
    /// changes (Reset on a new card).
    fn answer(
        &self,
        card: &CardSchedule,
        response: Response,
        at: &When,
        ctx: &CardContext<'_>,
    ) -> Result<Option<Answered>, ScheduleError>;

    /// What each of the four buttons would give, as the plugin's review
    /// screen shows them: `None` where the plugin cannot compute one.
    fn preview(&self, card: &CardSchedule, at: &When, ctx: &CardContext<'_>) -> [Option<Schedule>; 4] {
        Response::BUTTONS.map(|r| self.answer(card, r, at, ctx).ok().flatten().map(|a| a.schedule))
    }
}

/// The scheduler a vault's settings choose. `params` are the FSRS
/// parameters (the plugin's, or the user's fitted weights).
#[must_use]
pub fn for_settings(settings: &Settings, params: Parameters) -> Box<dyn Scheduler> {
    match settings.algorithm {
        Algorithm::Sm2Osr => Box::new(Sm2Osr { settings: settings.clone() }),
        Algorithm::Fsrs => Box::new(Fsrs { params }),
    }
}

/// The plugin's SM-2-OSR with load balancing.
#[derive(Debug, Clone)]
pub struct Sm2Osr {
    pub settings: Settings,
}

impl Scheduler for Sm2Osr {
    fn algorithm(&self) -> Algorithm {
        Algorithm::Sm2Osr
    }

    fn answer(
        &self,
        card: &CardSchedule,
        response: Response,
        at: &When,
        ctx: &CardContext<'_>,
    ) -> Result<Option<Answered>, ScheduleError> {
        Ok(schedule_card(card, response, at, &self.settings, ctx.note_ease, ctx.histogram)
            .map(|schedule| Answered { schedule, notice: None }))
    }
}

/// ts-fsrs 5.4.1 with the plugin's parameters (spec §c.7).
#[derive(Debug, Clone)]
pub struct Fsrs {
    pub params: Parameters,
}

impl Fsrs {
    /// The FSRS card the plugin schedules for a sibling (`None`: new).
    pub fn card(card: &CardSchedule, at: &When) -> Result<Option<fsrs::Card>, ScheduleError> {
        match card {
            CardSchedule::Sm2 { due: Some(date), interval: Some(interval), ease: Some(ease) } => {
                // The plugin counts the interval back from local midnight of
                // the SM-2 date, in local calendar days.
                let (interval, ease) = (Interval::from(*interval), Ease::from(*ease));
                let i = fsrs::sm2_interval(Some(interval));
                let last = date.checked_sub_days(Days::new(i as u64)).unwrap_or(*date);
                let (due, last) = (at.zone.midnight(*date), at.zone.midnight(last));
                Ok(Some(fsrs::from_sm2_at(due, last, Some(interval), Some(ease), at.now)))
            }
            // New, or an unreadable SM-2 date, interval or ease: new (spec README).
            CardSchedule::New | CardSchedule::Sm2 { .. } => Ok(None),
            CardSchedule::Fsrs(seg) => Ok(Some(seg.to_card(at.now)?)),
        }
    }

    fn next(&self, card: &fsrs::Card, rating: Rating, at: &When) -> Result<fsrs::Card, FsrsError> {
        fsrs::next(&self.params, card, at.now, rating)
    }
}

fn rating(r: Response) -> Option<Rating> {
    match r {
        Response::Again => Some(Rating::Again),
        Response::Hard => Some(Rating::Hard),
        Response::Good => Some(Rating::Good),
        Response::Easy => Some(Rating::Easy),
        Response::Reset => None,
    }
}

impl Scheduler for Fsrs {
    fn algorithm(&self) -> Algorithm {
        Algorithm::Fsrs
    }

    fn answer(
        &self,
        card: &CardSchedule,
        response: Response,
        at: &When,
        _ctx: &CardContext<'_>,
    ) -> Result<Option<Answered>, ScheduleError> {
        let current = Fsrs::card(card, at)?;
        let Some(rating) = rating(response) else {
            // Reset: an empty New card due now; on a new card nothing changes.
            return Ok(current.map(|_| Answered {
                schedule: Schedule::from_fsrs(&fsrs::reset_card(at.now)),
                notice: None,
            }));
        };
        let current = current.unwrap_or_else(|| fsrs::empty_card(at.now));
        match self.next(&current, rating, at) {
            Ok(c) => Ok(Some(Answered { schedule: Schedule::from_fsrs(&c), notice: None })),
            // The plugin cannot answer a card last reviewed after now (it
            // throws and writes nothing); recall answers it as if last
            // reviewed now, and says so (spec README).
            Err(FsrsError::InvalidDeltaT { .. }) => {
                let c = self.next(&fsrs::Card { last_review: Some(at.now), ..current }, rating, at)?;
                Ok(Some(Answered {
                    schedule: Schedule::from_fsrs(&c),
                    notice: Some(
                        "the card's last review lies in the future (a clock or a hand edit), so it was answered as if last reviewed now; the plugin cannot answer it".into(),
                    ),
                }))
            }
            Err(e) => Err(e.into()),
        }
    }

    fn preview(&self, card: &CardSchedule, at: &When, _ctx: &CardContext<'_>) -> [Option<Schedule>; 4] {
        let Ok(current) = Fsrs::card(card, at) else { return [None, None, None, None] };
        let current = current.unwrap_or_else(|| fsrs::empty_card(at.now));
        Rating::ALL.map(|r| self.next(&current, r, at).ok().map(|c| Schedule::from_fsrs(&c)))
    }
}
