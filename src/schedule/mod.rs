//! The plugin's SM-2-OSR scheduler and load balancing (spec §c), pure.
//!
//! `today` is always an argument. Intervals and eases are [`Interval`] and
//! [`Ease`] (JavaScript numbers: the plugin writes one-decimal intervals when
//! load balancing is off), apart from the whole values a card's comment
//! holds ([`units`]); every rounding step mirrors the plugin's.

pub mod fsrs;
pub mod params;
pub mod scheduler;
pub mod units;
pub mod value;

pub use scheduler::{Answered, CardContext, ScheduleError, Scheduler};
pub use units::{Ease, Interval, WholeEase, WholeInterval};
pub use value::{Schedule, Sm2};

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::Serialize;

use crate::clock::When;
use crate::parse::{CardSchedule, Note, js_round};
use crate::settings::Settings;

/// An answer to a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Response {
    Again,
    Hard,
    Good,
    Easy,
    /// Back to interval 1 and base ease, due today (the plugin's Reset).
    Reset,
}

impl Response {
    /// The four answer buttons, in key order 1-4.
    pub const BUTTONS: [Response; 4] = [Response::Again, Response::Hard, Response::Good, Response::Easy];

    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Response::Again => "again",
            Response::Hard => "hard",
            Response::Good => "good",
            Response::Easy => "easy",
            Response::Reset => "reset",
        }
    }
}

impl fmt::Display for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl<'de> serde::Deserialize<'de> for Response {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <String as serde::Deserialize>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl FromStr for Response {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "again" | "1" => Ok(Response::Again),
            "hard" | "2" => Ok(Response::Hard),
            "good" | "3" => Ok(Response::Good),
            "easy" | "4" => Ok(Response::Easy),
            "reset" => Ok(Response::Reset),
            other => Err(format!("unknown answer `{other}` (again, hard, good, easy or reset)")),
        }
    }
}

/// Cards (or notes) due per day, keyed by days from today (overdue ≤ 0).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Histogram {
    counts: HashMap<i64, u32>,
}

impl Histogram {
    /// Builds a histogram from `(days, count)` pairs as given.
    pub fn from_counts(pairs: impl IntoIterator<Item = (i64, u32)>) -> Histogram {
        Histogram { counts: pairs.into_iter().collect() }
    }

    /// One more card due in `days`.
    pub fn increment(&mut self, days: i64) {
        *self.counts.entry(days).or_insert(0) += 1;
    }

    /// One card fewer due in `days` (entries stay, at zero, like the plugin's).
    pub fn decrement(&mut self, days: i64) {
        if let Some(c) = self.counts.get_mut(&days) {
            *c = c.saturating_sub(1);
        }
    }

    /// Sets the entry for `days` (`None` removes it).
    pub fn set(&mut self, days: i64, count: Option<u32>) {
        match count {
            Some(c) => {
                self.counts.insert(days, c);
            }
            None => {
                self.counts.remove(&days);
            }
        }
    }

    /// The count for `days`, if the day has an entry.
    #[must_use]
    pub fn get(&self, days: i64) -> Option<u32> {
        self.counts.get(&days).copied()
    }

    /// The plugin's `findLeastUsedIntervalOverRange`: keep `target` if nothing
    /// is due then; else scan `t-1, t+1, …, t-f, t+f`, taking the first empty
    /// day at once, otherwise the strictly least used (first on ties).
    #[must_use]
    pub fn least_used(&self, target: i64, fuzz: i64) -> i64 {
        let Some(mut best_count) = self.get(target) else {
            return target;
        };
        let mut best = target;
        for i in 1..=fuzz {
            for day in [target - i, target + i] {
                match self.get(day) {
                    None => return day,
                    Some(c) if c < best_count => {
                        best = day;
                        best_count = c;
                    }
                    Some(_) => {}
                }
            }
        }
        best
    }

    /// Days with their counts, sorted by day.
    #[must_use]
    pub fn sorted(&self) -> Vec<(i64, u32)> {
        let mut v: Vec<_> = self.counts.iter().map(|(&k, &c)| (k, c)).collect();
        v.sort_unstable();
        v
    }
}

/// The plugin's `osrSchedule`: next `(interval, ease)` for an answer.
#[must_use]
pub fn osr_schedule(
    response: Response,
    interval: Interval,
    ease: Ease,
    delay_days: f64,
    settings: &Settings,
    histogram: Option<&Histogram>,
) -> (Interval, Ease) {
    let d = delay_days.floor().max(0.0);
    let mut ivl = interval.0.max(1.0);
    let Ease(mut ease) = ease;
    match response {
        Response::Easy => {
            ease += 20.0;
            ivl = ((ivl + d) * ease) / 100.0;
            ivl *= settings.easy_bonus;
        }
        Response::Good => ivl = ((ivl + d / 2.0) * ease) / 100.0,
        Response::Hard => {
            ease = (ease - 20.0).max(Ease::FLOOR.0);
            ivl = ((ivl + d / 4.0) * settings.lapses_interval_change).max(1.0);
        }
        Response::Again => {
            ease = (ease - 20.0).max(Ease::FLOOR.0);
            ivl = 0.0;
        }
        Response::Reset => {}
    }
    if settings.load_balance
        && let Some(h) = histogram
    {
        {
            ivl = js_round(ivl);
            if ivl > 7.0 {
                let fuzz = if ivl <= 21.0 {
                    1.0
                } else if ivl <= 180.0 {
                    (ivl * 0.05).floor().min(3.0)
                } else {
                    (ivl * 0.025).floor().min(7.0)
                };
                ivl = h.least_used(ivl as i64, fuzz as i64) as f64;
            }
        }
    }
    ivl = ivl.min(settings.maximum_interval);
    ivl = js_round(ivl * 10.0) / 10.0;
    (Interval(ivl), Ease(ease))
}

/// `today + interval` days the way moment adds fractional days (rounded half
/// away from zero).
#[must_use]
pub fn add_days(today: NaiveDate, interval: f64) -> NaiveDate {
    let days = interval.abs().round() * interval.signum();
    if days >= 0.0 {
        today.checked_add_days(Days::new(days as u64)).unwrap_or(NaiveDate::MAX)
    } else {
        today.checked_sub_days(Days::new((-days) as u64)).unwrap_or(NaiveDate::MIN)
    }
}

/// What the plugin's SM-2-OSR computes when a card with `schedule` is
/// answered at `when`. `note_ease` seeds new cards of notes with `sr-*`
/// front matter. `None` means nothing changes (Reset on a new card).
#[must_use]
pub fn schedule_card(
    schedule: &CardSchedule,
    response: Response,
    when: &When,
    settings: &Settings,
    note_ease: Option<Ease>,
    histogram: Option<&Histogram>,
) -> Option<Schedule> {
    sm2_answer(schedule, response, when, settings, note_ease, histogram).map(Schedule::Sm2)
}

/// [`schedule_card`] as the SM-2 value (what notes use as well).
#[must_use]
pub fn sm2_answer(
    schedule: &CardSchedule,
    response: Response,
    when: &When,
    settings: &Settings,
    note_ease: Option<Ease>,
    histogram: Option<&Histogram>,
) -> Option<Sm2> {
    let today = when.today;
    if response == Response::Reset {
        return match schedule {
            CardSchedule::New => None,
            _ => Some(Sm2 { due: today, interval: Interval(1.0), ease: Ease(settings.base_ease) }),
        };
    }
    let (interval, ease, delay) = match schedule {
        CardSchedule::Sm2 { due, interval: Some(i), ease: Some(e) } => {
            // Spec §c.4: the plugin's delay is `due − today` (sign inverted since 1.10).
            let delay = due.map_or(0.0, |d| (d - today).num_days() as f64);
            (Interval::from(*i), Ease::from(*e), delay)
        }
        CardSchedule::Fsrs(f) if f.interval.is_finite() && f.difficulty.is_finite() => {
            // Spec §j.3: an FSRS sibling's delay is `now − due`, the other
            // way round from SM-2 segments: overdue days earn credit. Its
            // interval is read with parseFloat, its ease from the difficulty.
            let delay =
                f.due.instant().map_or(0.0, |d| (when.now - d).num_milliseconds() as f64 / 86_400_000.0);
            (Interval(f.interval), fsrs::difficulty_to_ease(f.difficulty), delay)
        }
        _ => {
            let ease = note_ease.map_or(settings.base_ease, |e| js_round(e.0));
            (Interval(1.0), Ease(ease), 0.0)
        }
    };
    let (ivl, ease) = osr_schedule(response, interval, ease, delay, settings, histogram);
    Some(Sm2 { due: add_days(today, ivl.0), interval: ivl, ease })
}

/// Every scheduled card of a note the plugin loads (one with a deck), as
/// histogram keys (see [`histogram_key`]).
pub fn card_keys(note: &Note, today: NaiveDate, now: DateTime<Utc>) -> impl Iterator<Item = i64> + '_ {
    note.questions
        .iter()
        .filter(move |_| note.has_deck)
        .flat_map(|q| (0..q.card_count()).map(move |i| q.schedule(i)))
        .filter_map(move |s| histogram_key(&s, today, now))
}

/// Days from `today` (or `now` for FSRS) to a card's due date, as the
/// plugin keys its histogram; `None` for new or unreadable schedules.
#[must_use]
pub fn histogram_key(schedule: &CardSchedule, today: NaiveDate, now: DateTime<Utc>) -> Option<i64> {
    match schedule {
        CardSchedule::New => None,
        CardSchedule::Sm2 { due, .. } => due.map(|d| (d - today).num_days()),
        CardSchedule::Fsrs(f) => f.due.instant().map(|d| {
            let ms = (d - now).num_milliseconds();
            ms.div_euclid(86_400_000) + i64::from(ms.rem_euclid(86_400_000) != 0)
        }),
    }
}

/// The plugin's note-ease entry for a note with `sr-*` front matter (spec
/// §e): the mean ease of its scheduled cards, pulled towards `baseEase`
/// when there are few, averaged with the note's own `sr-ease`. Cards count
/// only when the plugin loads them (the note has a deck). One unreadable
/// card ease makes the card average `NaN`, which the plugin takes as "no
/// average": `sr-ease` alone is the entry then (spec §j.2).
#[must_use]
pub fn note_ease(note: &Note, settings: &Settings) -> Option<Ease> {
    let sched = note.frontmatter.as_ref()?.note_schedule.as_ref()?;
    let cards = if note.has_deck { flashcard_average(note, settings) } else { 0.0 };
    let own = sched.ease;
    let usable = |x: f64| x != 0.0 && !x.is_nan();
    let ease = match (usable(cards), usable(own)) {
        (true, true) => f64::midpoint(cards, own),
        (true, false) => cards,
        (false, true) => own,
        (false, false) => return None,
    };
    Some(Ease(ease))
}

/// The plugin's `calculateFlashcardAvgEase`: 0 without scheduled cards,
/// `NaN` when one of them has an unreadable ease.
fn flashcard_average(note: &Note, settings: &Settings) -> f64 {
    let mut total = 0.0;
    let mut n = 0usize;
    for q in &note.questions {
        for i in 0..q.card_count() {
            let s = q.schedule(i);
            if matches!(s, CardSchedule::New) {
                continue;
            }
            total += s.interval_ease().1.map_or(f64::NAN, |e| Ease::from(e).0);
            n += 1;
        }
    }
    if n == 0 {
        return 0.0;
    }
    let c = ((n as f64 + 0.5).ln() / 64f64.ln()).min(1.0);
    (total / n as f64) * c + settings.base_ease * (1.0 - c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Zone;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn at(s: &str) -> When {
        When::noon_of(d(s), Zone::utc())
    }

    #[test]
    fn new_card_answers_with_defaults() {
        let s = Settings::default();
        let h = Histogram::default();
        let today = at("2024-01-05");
        let run = |r| sm2_answer(&CardSchedule::New, r, &today, &s, None, Some(&h)).expect("next");
        for (response, due, interval, ease) in [
            (Response::Good, "2024-01-08", 3.0, 250.0),
            (Response::Easy, "2024-01-09", 4.0, 270.0),
            (Response::Hard, "2024-01-06", 1.0, 230.0),
            (Response::Again, "2024-01-05", 0.0, 230.0),
        ] {
            assert_eq!(
                run(response),
                Sm2 { due: d(due), interval: Interval(interval), ease: Ease(ease) },
                "{response:?}"
            );
        }
        assert_eq!(sm2_answer(&CardSchedule::New, Response::Reset, &today, &s, None, Some(&h)), None);
    }

    #[test]
    fn worked_chain_from_the_spec() {
        // new Good → 3; Good → 8; Good → 20; Hard → 10 (230); Easy → 33 (250);
        // Good → 83; Again → 0 (230); Good → 2.
        let s = Settings::default();
        let h = Histogram::default();
        let mut today = d("2024-01-05");
        let mut sched = CardSchedule::New;
        let mut got = Vec::new();
        for r in [
            Response::Good,
            Response::Good,
            Response::Good,
            Response::Hard,
            Response::Easy,
            Response::Good,
            Response::Again,
            Response::Good,
        ] {
            let next = sm2_answer(&sched, r, &at(&today.to_string()), &s, None, Some(&h)).expect("next");
            got.push((next.interval.0, next.ease.0));
            // Written into the comment, then read back with parseInt.
            sched = CardSchedule::Sm2 {
                due: Some(next.due),
                interval: next.interval.read_back(),
                ease: next.ease.read_back(),
            };
            today = next.due;
        }
        assert_eq!(
            got,
            vec![
                (3.0, 250.0),
                (8.0, 250.0),
                (20.0, 250.0),
                (10.0, 230.0),
                (33.0, 250.0),
                (83.0, 250.0),
                (0.0, 230.0),
                (2.0, 230.0)
            ]
        );
    }

    #[test]
    fn overdue_cards_get_no_credit_early_ones_do() {
        let s = Settings::default();
        let h = Histogram::default();
        let sched = |due| CardSchedule::Sm2 {
            due: Some(d(due)),
            interval: Some(WholeInterval(10)),
            ease: Some(WholeEase(250)),
        };
        let today = at("2024-01-05");
        let late =
            sm2_answer(&sched("2024-01-01"), Response::Good, &today, &s, None, Some(&h)).expect("next");
        assert!((late.interval.0 - 25.0).abs() < f64::EPSILON);
        let early =
            sm2_answer(&sched("2024-01-09"), Response::Good, &today, &s, None, Some(&h)).expect("next");
        assert!((early.interval.0 - 30.0).abs() < f64::EPSILON);
    }

    #[test]
    fn load_balancing_picks_the_least_used_day() {
        let h = Histogram::from_counts([(49, 3), (50, 10), (51, 1)]);
        assert_eq!(h.least_used(50, 2), 48);
        let h = Histogram::from_counts([(49, 3), (50, 10), (51, 1), (48, 2), (52, 5)]);
        assert_eq!(h.least_used(50, 2), 51);
        assert_eq!(h.least_used(10, 1), 10);
    }

    #[test]
    fn fractional_intervals_without_load_balancing() {
        let s = Settings { load_balance: false, ..Settings::default() };
        let next =
            sm2_answer(&CardSchedule::New, Response::Good, &at("2024-01-05"), &s, None, None).expect("next");
        assert!((next.interval.0 - 2.5).abs() < f64::EPSILON);
        assert_eq!(next.due, d("2024-01-08"));
    }

    fn parsed(text: &str) -> Note {
        let s = Settings::default();
        let clozes = crate::parse::cloze::Clozes::new(&s.cloze_patterns);
        let today = d("2024-06-20");
        let opts = crate::parse::ParseOptions::at_noon(&s, &clozes, today);
        crate::parse::parse_note(text.to_owned(), None, &opts, false)
    }

    #[test]
    fn note_ease_mixes_cards_and_sr_ease() {
        let s = Settings::default();
        let fm = "---\ntags: [flashcards]\nsr-due: 2024-06-20\nsr-interval: 3\nsr-ease: 310\n---\n";
        // One card of ease 230: c = ln(1.5)/ln(64), average pulled towards 250.
        let n = parsed(&format!("{fm}a::b\n<!--SR:!2024-06-21,3,230-->\n"));
        let c = 1.5f64.ln() / 64f64.ln();
        let want = f64::midpoint(230.0 * c + 250.0 * (1.0 - c), 310.0);
        assert!((note_ease(&n, &s).expect("entry").0 - want).abs() < 1e-9);
        // No scheduled card, or no deck: sr-ease alone.
        assert_eq!(note_ease(&parsed(&format!("{fm}a::b\n")), &s), Some(Ease(310.0)));
        let no_deck =
            "---\nsr-due: 2024-06-20\nsr-interval: 3\nsr-ease: 310\n---\na::b\n<!--SR:!2024-06-21,3,230-->\n";
        assert_eq!(note_ease(&parsed(no_deck), &s), Some(Ease(310.0)));
        // No complete sr-* keys: no entry, whatever the cards say.
        assert_eq!(note_ease(&parsed("#flashcards\na::b\n<!--SR:!2024-06-21,3,230-->\n"), &s), None);
    }

    #[test]
    fn an_unreadable_card_ease_leaves_sr_ease_alone() {
        let s = Settings::default();
        let text = "---\ntags: [flashcards]\nsr-due: 2024-06-20\nsr-interval: 3\nsr-ease: 310\n---\na::b\n<!--SR:!2024-06-21,3,230-->\n\nc::d\n<!--SR:!2024-06-01,x,y-->\n";
        assert_eq!(note_ease(&parsed(text), &s), Some(Ease(310.0)));
    }
}
