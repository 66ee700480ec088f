//! FSRS scheduling exactly as the plugin does it with ts-fsrs 5.4.1 (spec
//! §b.4, §c.7, §i), pure: no clock, no time zone, no settings.
//!
//! Every value is computed the way JavaScript computes it, in `f64`, with
//! V8's own `exp`/`log`/`pow` ([`jsmath`]) and JavaScript's rounding and
//! `NaN` rules ([`js`]), so a segment recall writes is byte-identical to the
//! plugin's. Counts (`reps`, `lapses`, `learning_steps`) are `f64` too:
//! a hand-edited segment can hold `NaN` or a negative count, and the plugin
//! schedules such a card (writing `NaN` back) rather than refusing it.
//!
//! Where ts-fsrs throws, [`next`] returns an [`FsrsError`]; the caller
//! decides what to do (spec README: answer with the last review taken as now).

// Exact comparisons are the point here: every value must equal JavaScript's
// bit for bit, so no comparison may have a margin.
#![expect(clippy::float_cmp, reason = "ts-fsrs compares these values exactly, and so must we")]

mod algorithm;
pub mod js;
pub mod jsmath;
mod memory;
mod segment;

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};

use super::units::{Ease, Interval};

pub use algorithm::{next, retrievability};
pub use js::{js_number_string, js_to_fixed, to_iso_string};
pub use memory::MemoryView;
pub use segment::{FsrsSegment, Stamp};

/// ts-fsrs's default FSRS-6 weights, which the plugin uses.
pub const DEFAULT_WEIGHTS: [f64; 21] = [
    0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796, 1.4835, 0.0614,
    0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542,
];

/// Why ts-fsrs (or the plugin) cannot schedule a card.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FsrsError {
    /// The last review lies on a later UTC calendar day than now (ts-fsrs:
    /// `Invalid delta_t`).
    #[error("the last review is {} day(s) after now (ts-fsrs: Invalid delta_t)", -days)]
    InvalidDeltaT { days: f64 },
    /// A reviewed card with difficulty below 1 or stability below 0.001.
    #[error("invalid memory state: difficulty {difficulty}, stability {stability}")]
    InvalidMemoryState { difficulty: f64, stability: f64 },
    /// `request_retention` outside (0, 1].
    #[error("the desired retention {0} is not in (0, 1]")]
    InvalidRetention(f64),
    /// A computed date is not a valid JavaScript date (a `NaN` interval, or
    /// beyond the range of dates); the plugin fails writing it.
    #[error("the next due date is not a valid date")]
    InvalidDate,
    /// The card's learning step is not a whole number (ts-fsrs fails).
    #[error("the learning step {0} is not a whole number")]
    InvalidLearningStep(f64),
    /// The segment's state is not 0-3 (ts-fsrs fails).
    #[error("the FSRS state {0} is not 0, 1, 2 or 3")]
    UnknownState(f64),
    /// The segment's due is not a timestamp recall reads.
    #[error("the FSRS due `{0}` is not a timestamp")]
    InvalidDue(String),
    /// The segment's last review is not a timestamp recall reads, and the
    /// card is not new (the plugin would compute with `NaN`).
    #[error("the FSRS last review `{0}` is not a timestamp")]
    InvalidLastReview(String),
    /// A reviewed card without a last review has no retrievability
    /// (ts-fsrs: `Invalid date`).
    #[error("a reviewed card without a last review has no retrievability")]
    NoLastReview,
    /// A learning step that is not `<n>m`, `<n>h` or `<n>d`.
    #[error("`{0}` is not a learning step (write 10m, 1h or 2d)")]
    InvalidStep(String),
}

/// A card's FSRS state, numbered as in the segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    New = 0,
    Learning = 1,
    Review = 2,
    Relearning = 3,
}

impl State {
    /// The state a segment's `parseInt`ed number names (`-0` is New).
    #[must_use]
    pub fn from_number(n: f64) -> Option<State> {
        [State::New, State::Learning, State::Review, State::Relearning].into_iter().find(|s| s.number() == n)
    }

    /// The state's name in listings (`new`, `learning`, `review`,
    /// `relearning`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            State::New => "new",
            State::Learning => "learning",
            State::Review => "review",
            State::Relearning => "relearning",
        }
    }

    /// The number written in the segment.
    #[must_use]
    pub fn number(self) -> f64 {
        f64::from(self as u8)
    }
}

/// An answer, numbered as ts-fsrs numbers grades (1-4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rating {
    Again = 1,
    Hard = 2,
    Good = 3,
    Easy = 4,
}

impl Rating {
    /// The four answers in button order.
    pub const ALL: [Rating; 4] = [Rating::Again, Rating::Hard, Rating::Good, Rating::Easy];

    /// ts-fsrs's grade number, as the formulas use it.
    #[must_use]
    pub fn grade(self) -> f64 {
        f64::from(self as u8)
    }
}

/// A learning or relearning step, in whole minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Step {
    pub minutes: u32,
}

impl Step {
    /// A step of `n` minutes.
    #[must_use]
    pub fn minutes(n: u32) -> Step {
        Step { minutes: n }
    }

    fn as_f64(self) -> f64 {
        f64::from(self.minutes)
    }
}

impl FromStr for Step {
    type Err = FsrsError;

    /// ts-fsrs's step strings: `parseInt` of all but the last character,
    /// times 1, 60 or 1440 for a last character `m`, `h` or `d`.
    fn from_str(s: &str) -> Result<Step, FsrsError> {
        let bad = || FsrsError::InvalidStep(s.to_owned());
        let unit = s.chars().last().ok_or_else(bad)?;
        let value = js::js_parse_int(&s[..s.len() - unit.len_utf8()]);
        if !(value >= 0.0 && value.is_finite()) {
            return Err(bad());
        }
        let factor = match unit {
            'm' => 1.0,
            'h' => 60.0,
            'd' => 1440.0,
            _ => return Err(bad()),
        };
        let minutes = value * factor;
        if minutes > f64::from(u32::MAX) {
            return Err(bad());
        }
        Ok(Step { minutes: minutes as u32 })
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}m", self.minutes)
    }
}

/// The scheduler's parameters (ts-fsrs's `FSRSParameters` without fuzz,
/// which the plugin leaves off).
#[derive(Debug, Clone, PartialEq)]
pub struct Parameters {
    pub w: [f64; 21],
    pub request_retention: f64,
    pub maximum_interval: f64,
    pub enable_short_term: bool,
    pub learning_steps: Vec<Step>,
    pub relearning_steps: Vec<Step>,
}

impl Parameters {
    /// What the plugin passes to ts-fsrs: the default weights and steps
    /// (1m, 10m; relearning 10m), short-term mode on, `fsrsDesiredRetention`
    /// and `maximumInterval`. Like ts-fsrs, a retention or maximum of 0 or
    /// `NaN` falls back to ts-fsrs's defaults (0.9 and 36500 days).
    #[must_use]
    pub fn plugin(desired_retention: f64, maximum_interval: f64) -> Parameters {
        let or = |v: f64, default: f64| if v == 0.0 || v.is_nan() { default } else { v };
        Parameters {
            w: DEFAULT_WEIGHTS,
            request_retention: or(desired_retention, 0.9),
            maximum_interval: or(maximum_interval, 36500.0),
            enable_short_term: true,
            learning_steps: vec![Step::minutes(1), Step::minutes(10)],
            relearning_steps: vec![Step::minutes(10)],
        }
    }

    /// These parameters with other weights (an optimizer's), clipped to
    /// ts-fsrs's bounds the way its constructor clips them (the bounds of
    /// w17 and w18 depend on the number of relearning steps, w19's on
    /// short-term mode). Setting `w` directly skips the clipping.
    #[must_use]
    pub fn with_weights(self, w: [f64; 21]) -> Parameters {
        let w = algorithm::clip_weights(&w, self.relearning_steps.len(), self.enable_short_term);
        Parameters { w, ..self }
    }
}

/// A card as ts-fsrs sees it. Numbers are what JavaScript holds: the
/// segment's fields read with `parseFloat`/`parseInt` may be fractional,
/// negative or `NaN`.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    pub due: DateTime<Utc>,
    pub stability: f64,
    pub difficulty: f64,
    /// Days since the last review (written by the scheduler; informational
    /// on input, where ts-fsrs recomputes it).
    pub elapsed_days: f64,
    /// The interval in days: 0 while (re)learning.
    pub scheduled_days: f64,
    pub learning_steps: f64,
    pub reps: f64,
    pub lapses: f64,
    pub state: State,
    pub last_review: Option<DateTime<Utc>>,
}

impl Card {
    /// True while the card is in a sub-day (re)learning step: the plugin
    /// re-queues it in the session when it falls due.
    #[must_use]
    pub fn is_short_term(&self) -> bool {
        self.scheduled_days < 1.0
    }
}

/// ts-fsrs's `createEmptyCard(now)`: a new card due now.
#[must_use]
pub fn empty_card(now: DateTime<Utc>) -> Card {
    Card {
        due: now,
        stability: 0.0,
        difficulty: 0.0,
        elapsed_days: 0.0,
        scheduled_days: 0.0,
        learning_steps: 0.0,
        reps: 0.0,
        lapses: 0.0,
        state: State::New,
        last_review: None,
    }
}

/// The plugin's Reset under FSRS: an empty card due now, written
/// `!fsrs,<now>,0,0,0,0,0,0,0,-`.
#[must_use]
pub fn reset_card(now: DateTime<Utc>) -> Card {
    empty_card(now)
}

/// The plugin's interval of an SM-2 schedule converted to FSRS:
/// `max(1, round(interval ?? 1))` (`None` is JavaScript's `null`; an
/// interval the plugin reads as `NaN` stays `NaN`).
#[must_use]
pub fn sm2_interval(interval: Option<Interval>) -> f64 {
    js::js_max(1.0, js::js_round(interval.map_or(1.0, |i| i.0)))
}

/// The plugin's `easeToDifficulty`: ease 130-370 mapped onto difficulty
/// 10-1 (`None` gives 5.5, `NaN` stays `NaN`).
#[must_use]
pub fn ease_to_difficulty(ease: Option<Ease>) -> f64 {
    let Some(Ease(ease)) = ease else { return 5.5 };
    let normalized = (clamp(ease, 130.0, 370.0) - 130.0) / (370.0 - 130.0);
    clamp(10.0 - normalized * 9.0, 1.0, 10.0)
}

/// The plugin's `difficultyToEase`: the ease shown for an FSRS card.
#[must_use]
pub fn difficulty_to_ease(difficulty: f64) -> Ease {
    let normalized = (10.0 - clamp(difficulty, 1.0, 10.0)) / 9.0;
    Ease(js::js_round(130.0 + normalized * (370.0 - 130.0)))
}

/// The plugin's `clamp`: `Math.min(max, Math.max(min, value))`.
fn clamp(value: f64, min: f64, max: f64) -> f64 {
    js::js_min(max, js::js_max(min, value))
}

/// The plugin's conversion of an SM-2 schedule (`!date,interval,ease`) to an
/// FSRS card. `due` is local midnight of the SM-2 date as an instant; the
/// last review is `sm2_interval(interval)` days before it, counted as whole
/// 24-hour days (moment counts local calendar days: the same instant unless
/// a daylight-saving change lies in between; use [`from_sm2_at`] to give it).
#[must_use]
pub fn from_sm2(
    due: DateTime<Utc>,
    interval: Option<Interval>,
    ease: Option<Ease>,
    now: DateTime<Utc>,
) -> Card {
    let i = sm2_interval(interval);
    // moment's `subtract(NaN, "d")` subtracts nothing.
    let days = if i.is_nan() { 0.0 } else { i };
    let last = js::from_millis(js::millis(due) - days * 86_400_000.0).unwrap_or(due);
    from_sm2_at(due, last, interval, ease, now)
}

/// [`from_sm2`] with the last review given: local midnight of the SM-2 date
/// less `sm2_interval(interval)` calendar days, as an instant.
#[must_use]
pub fn from_sm2_at(
    due: DateTime<Utc>,
    last_review: DateTime<Utc>,
    interval: Option<Interval>,
    ease: Option<Ease>,
    now: DateTime<Utc>,
) -> Card {
    let i = sm2_interval(interval);
    Card {
        due,
        stability: js::js_max(0.1, i),
        difficulty: ease_to_difficulty(ease),
        elapsed_days: moment_days(now, last_review),
        scheduled_days: i,
        learning_steps: 0.0,
        reps: js::js_max(1.0, js::js_round(jsmath::log2(i + 1.0))),
        lapses: 0.0,
        state: State::Review,
        last_review: Some(last_review),
    }
}

/// `Math.max(0, now.diff(last, "days"))`: whole 24-hour days, truncated
/// (moment's daylight-saving correction left out; ts-fsrs recomputes the
/// value anyway).
fn moment_days(now: DateTime<Utc>, last: DateTime<Utc>) -> f64 {
    js::js_max(0.0, ((js::millis(now) - js::millis(last)) / 86_400_000.0).trunc())
}

/// The label of a review button for the card an answer would give: minutes
/// until due (rounded up; `N hr` from an hour) while it is short-term,
/// otherwise the plugin's `textInterval` of its interval.
#[must_use]
pub fn button_text(now: DateTime<Utc>, card_after: &Card) -> String {
    if card_after.is_short_term() {
        let minutes = ((js::millis(card_after.due) - js::millis(now)) / 60_000.0).ceil();
        if minutes < 60.0 {
            return format!("{} min", js_number_string(minutes));
        }
        return format!("{} hr", js_number_string((minutes / 60.0).ceil()));
    }
    let days = card_after.scheduled_days;
    let months = js::js_round(days / 3.043_75) / 10.0;
    let years = js::js_round(days / 36.525) / 10.0;
    if months < 1.0 {
        format!("{} day(s)", js_number_string(days))
    } else if years < 1.0 {
        format!("{} month(s)", js_number_string(months))
    } else {
        format!("{} year(s)", js_number_string(years))
    }
}

#[cfg(test)]
mod tests;
