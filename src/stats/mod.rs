//! Statistics over the cards of a vault and its review log (pure).
//!
//! [`card_stats`] (the `cards` file) counts cards by state and maturity
//! per deck and builds the due forecast and the interval and ease
//! distributions; [`log_stats`] (the `history` file) reads the answers of
//! the review log (undone ones dropped, future days ignored): reviews per
//! day, a 12-week calendar, answer buttons, true retention, answer time and
//! streaks. [`render`] draws them. Anki's definitions are used: a card is
//! *mature* from an interval of 21 days,
//! *true retention* is the share of non-Again answers to cards that had
//! already been learned (young or mature before the answer).

mod cards;
pub mod fsrs;
mod history;
pub mod notes;
pub mod render;

use chrono::NaiveDate;
use serde::Serialize;

use crate::log::Record;
use crate::schedule::WholeInterval;
pub use cards::{
    Bucket, CardClass, CardInfo, CardTally, Cards, Counts, DayCount, DeckCounts, Distribution, Forecast,
    card_stats,
};
use cards::{INTERVAL_BUCKETS, Tally};
pub use history::{
    AnswerTime, ButtonCounts, Buttons, HeatDay, Heatmap, LogStats, Rate, Retention, ReviewDay, Streak,
    answers, log_stats,
};

/// Interval (days) from which a card is mature.
pub const MATURE_DAYS: WholeInterval = WholeInterval(21);
/// Weeks in the calendar heatmap.
pub const HEATMAP_WEEKS: u64 = 12;

/// `recall stats --help`: the JSON fields.
pub const HELP: &str = "\
Cards are counted per deck (a parent deck includes its subdecks, each card
once); `new` cards were never reviewed, `due` cards are due today or
earlier (what a review shows today, as in `recall decks`), `overdue` ones
are those of them due before today, `scheduled` ones are due later,
`invalid` ones have a date the plugin cannot read. Among reviewed cards,
`young` ones have an interval under 21 days, `mature` ones 21 or more
(Anki's definition). History comes from the review log
.recall/reviews.jsonl (answers from sessions and `recall grade`; undone
answers are dropped). Without a log, the card statistics are shown and the
history says there is none yet.

--days N (default 30) sets the forecast ahead and the history behind (reviews
per day, answer buttons, answer time). The calendar covers 12 weeks;
retention is shown for today, 7 days, 30 days, 365 days and all time.

--json prints one object with these stable fields:
  today, days, decks (the --deck filters)
  cards      {new, due, overdue, scheduled, invalid, young, mature, total,
              decks: [{deck, depth, <the same counts>}]}  (deck tree order;
              overdue is part of due: new + due + scheduled + invalid = total)
  forecast   {overdue, total, days: [{date, cards}]}  (days[0] is today;
              overdue cards are not in days)
  intervals  {count, average, buckets: [{label, from, to, cards}]}
  eases      {count, average, buckets: [{label, from, to, cards}]}
             (to is null for the open last bucket; average null when empty)
  log        {present, answers, bad_lines, first_day, days_studied,
              reviews_per_day: [{date, reviews, new, again, ms}],
              heatmap: {from, to, days: [{date, reviews}]},
              buttons: {new, young, mature, total: {again, hard, good, easy}},
              retention: [{period, from, young, mature, total:
                           {passed, failed, rate}}]  (period: today, 7d, 30d,
                           365d, all; rate is null without answers),
              answer_time: {timed, total_ms, average_ms},
              streak: {current, longest, studied_today}}
  notes      {all: {total, new, due, scheduled}, decks: [{deck, <the same
              counts>}] (review tags, tagsToReview order; a note counts in
              each of its decks and once in all), forecast: {overdue, total,
              days: [{date, notes}]}}  (due: sr-due today or earlier)
  fsrs       (vaults whose algorithm is FSRS) {desired_retention,
              true_retention_30d, true_retention_all (total rates above, null
              without answers), own_weights (fsrs-weights is set)}
  fsrs_memory (cards with an FSRS segment, if any) {cards, stability,
              difficulty (distributions as above; stability in days),
              average_retrievability (now, over reviewed cards)}
Answers are counted in new / young / mature by the card's interval before
the answer; `ms` is the answer time in milliseconds (answers from `recall
grade` are not timed).";

/// All statistics, as `stats --json` prints them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    pub today: NaiveDate,
    pub days: u32,
    /// The `--deck` filters (empty: all decks).
    pub decks: Vec<String>,
    pub cards: Cards,
    pub forecast: Forecast,
    pub intervals: Distribution,
    pub eases: Distribution,
    pub log: LogStats,
    /// Note review: notes per review deck and the note forecast.
    pub notes: notes::NoteStats,
    /// FSRS vaults only: true retention against the desired one, and
    /// whether recall uses the user's own weights.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fsrs: Option<fsrs::FsrsStats>,
    /// The memory of the cards with an FSRS segment (absent without any).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fsrs_memory: Option<fsrs::FsrsMemory>,
}

impl Stats {
    /// Computes everything.
    #[must_use]
    pub fn compute(
        cards: &[CardInfo],
        records: &[&Record],
        log_present: bool,
        bad_lines: usize,
        today: NaiveDate,
        days: u32,
        decks: Vec<String>,
    ) -> Stats {
        let mut tally = CardTally::new();
        for c in cards {
            tally.add(c);
        }
        Stats::from_tally(tally, records, log_present, bad_lines, today, days, decks)
    }

    /// Computes everything from cards counted in `tally` (see [`CardTally`]).
    #[must_use]
    pub fn from_tally(
        tally: CardTally,
        records: &[&Record],
        log_present: bool,
        bad_lines: usize,
        today: NaiveDate,
        days: u32,
        decks: Vec<String>,
    ) -> Stats {
        let (cards, forecast, intervals, eases) = tally.finish(today, days);
        let log = log_stats(records, log_present, bad_lines, today, days);
        let notes = notes::NoteTally::default().finish(&[], today, days);
        Stats {
            today,
            days,
            decks,
            cards,
            forecast,
            intervals,
            eases,
            log,
            notes,
            fsrs: None,
            fsrs_memory: None,
        }
    }
}
