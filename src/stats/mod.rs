//! Statistics over the cards of a vault and its review log (pure).
//!
//! [`card_stats`] counts cards by state and maturity per deck and builds the
//! due forecast and the interval and ease distributions; [`log_stats`]
//! reads the answers of the review log (undone ones dropped, future days
//! ignored): reviews per day, a 12-week calendar, answer buttons, true
//! retention, answer time and streaks. [`render`] draws them. Anki's
//! definitions are used: a card is *mature* from an interval of 21 days,
//! *true retention* is the share of non-Again answers to cards that had
//! already been learned (young or mature before the answer).

pub mod fsrs;
pub mod notes;
pub mod render;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Days, NaiveDate};
use serde::Serialize;

use crate::log::{Op, Record};
use crate::parse::{CardSchedule, CardState};
use crate::schedule::Response;

/// Interval (days) from which a card is mature.
pub const MATURE_DAYS: i64 = 21;
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

/// How a card stands today, for statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CardClass {
    New,
    Due,
    Overdue,
    Scheduled,
    /// A schedule whose date the plugin cannot read.
    Invalid,
}

/// One card, as statistics see it.
#[derive(Debug, Clone, PartialEq)]
pub struct CardInfo {
    pub decks: Vec<String>,
    pub class: CardClass,
    pub due: Option<NaiveDate>,
    pub interval: Option<i64>,
    pub ease: Option<i64>,
}

impl CardInfo {
    /// Classifies a card's schedule on `today` (FSRS due times compare with `now`).
    #[must_use]
    pub fn new(decks: Vec<String>, s: &CardSchedule, when: &crate::clock::When) -> CardInfo {
        let (today, now) = (when.today, when.now);
        let due = s.due_date(when.zone);
        let (interval, ease) = s.interval_ease();
        let class = match (s.state(today, now), due) {
            (CardState::New, _) => CardClass::New,
            (_, None) => CardClass::Invalid,
            (CardState::Due, Some(d)) if d < today => CardClass::Overdue,
            (CardState::Due, Some(_)) => CardClass::Due,
            (CardState::Scheduled, Some(_)) => CardClass::Scheduled,
        };
        CardInfo { decks, class, due, interval, ease }
    }

    /// Young or mature, for reviewed cards with an interval.
    #[must_use]
    pub fn mature(&self) -> Option<bool> {
        if self.class == CardClass::New {
            return None;
        }
        self.interval.map(|i| i >= MATURE_DAYS)
    }
}

/// Card counts. `new + due + scheduled + invalid == total`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub new: usize,
    /// Due today or earlier (the word `recall decks` uses too).
    pub due: usize,
    /// Of the due cards, those due before today.
    pub overdue: usize,
    pub scheduled: usize,
    pub invalid: usize,
    pub young: usize,
    pub mature: usize,
    pub total: usize,
}

impl Counts {
    fn add(&mut self, c: &CardInfo) {
        self.total += 1;
        match c.class {
            CardClass::New => self.new += 1,
            CardClass::Due => self.due += 1,
            CardClass::Overdue => {
                self.due += 1;
                self.overdue += 1;
            }
            CardClass::Scheduled => self.scheduled += 1,
            CardClass::Invalid => self.invalid += 1,
        }
        match c.mature() {
            Some(true) => self.mature += 1,
            Some(false) => self.young += 1,
            None => {}
        }
    }
}

/// One deck's counts (parents include their subdecks).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeckCounts {
    pub deck: String,
    pub depth: usize,
    #[serde(flatten)]
    pub counts: Counts,
}

/// Counts of all cards, and per deck.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cards {
    #[serde(flatten)]
    pub all: Counts,
    pub decks: Vec<DeckCounts>,
}

/// Cards due on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayCount {
    pub date: NaiveDate,
    pub cards: usize,
}

/// The due forecast.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Forecast {
    pub overdue: usize,
    /// Cards due in the forecast's days (overdue ones not included).
    pub total: usize,
    pub days: Vec<DayCount>,
}

/// One bucket of a distribution; `to` is `None` for an open last bucket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bucket {
    pub label: String,
    pub from: i64,
    pub to: Option<i64>,
    pub cards: usize,
}

/// A distribution of intervals or eases.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Distribution {
    pub count: usize,
    pub average: Option<f64>,
    pub buckets: Vec<Bucket>,
}

/// Interval buckets: `(from, to, label)`.
const INTERVAL_BUCKETS: [(i64, Option<i64>, &str); 12] = [
    (i64::MIN, Some(1), "≤1 d"),
    (2, Some(3), "2–3 d"),
    (4, Some(7), "4–7 d"),
    (8, Some(14), "1–2 wk"),
    (15, Some(20), "15–20 d"),
    (21, Some(30), "3 wk–1 mo"),
    (31, Some(60), "1–2 mo"),
    (61, Some(90), "2–3 mo"),
    (91, Some(180), "3–6 mo"),
    (181, Some(365), "6–12 mo"),
    (366, Some(730), "1–2 y"),
    (731, None, "> 2 y"),
];

/// A distribution being counted, one value at a time.
#[derive(Debug, Clone)]
struct Tally {
    buckets: Vec<(i64, Option<i64>, String)>,
    cards: Vec<usize>,
    count: usize,
    sum: i64,
}

impl Tally {
    fn new(buckets: Vec<(i64, Option<i64>, String)>) -> Tally {
        let cards = vec![0; buckets.len()];
        Tally { buckets, cards, count: 0, sum: 0 }
    }

    fn add(&mut self, v: i64) {
        self.count += 1;
        self.sum += v;
        if let Some(i) = self.buckets.iter().position(|(from, to, _)| v >= *from && to.is_none_or(|t| v <= t))
        {
            self.cards[i] += 1;
        }
    }

    fn finish(self) -> Distribution {
        let mut out: Vec<Bucket> = self
            .buckets
            .into_iter()
            .zip(self.cards)
            .map(|((from, to, label), cards)| Bucket { label, from, to, cards })
            .collect();
        // The first bucket's open lower end is shown as its lowest sensible value.
        if let Some(first) = out.first_mut() {
            first.from = first.from.max(0);
        }
        let count = self.count;
        Distribution { count, average: (count > 0).then(|| self.sum as f64 / count as f64), buckets: out }
    }
}

fn ease_buckets() -> Vec<(i64, Option<i64>, String)> {
    let mut v = vec![(i64::MIN, Some(149), "≤149".to_owned())];
    let mut from = 150;
    while from < 350 {
        v.push((from, Some(from + 19), format!("{from}–{}", from + 19)));
        from += 20;
    }
    v.push((350, None, "≥350".to_owned()));
    v
}

/// Every deck path with its ancestors (`a/b/c` → `a`, `a/b`, `a/b/c`).
fn with_ancestors(decks: &[String]) -> BTreeSet<&str> {
    let mut out = BTreeSet::new();
    for d in decks {
        for (i, _) in d.match_indices('/') {
            out.insert(&d[..i]);
        }
        out.insert(d.as_str());
    }
    out
}

/// Counts, forecast and distributions of `cards` on `today`, the forecast
/// covering `days` days from today.
#[must_use]
pub fn card_stats(
    cards: &[CardInfo],
    today: NaiveDate,
    days: u32,
) -> (Cards, Forecast, Distribution, Distribution) {
    let mut tally = CardTally::new();
    for c in cards {
        tally.add(c);
    }
    tally.finish(today, days)
}

/// [`card_stats`] gathered one card at a time: counts, not cards, so a
/// vault's statistics take the same memory however many cards it has.
#[derive(Debug, Clone)]
pub struct CardTally {
    all: Counts,
    per_deck: BTreeMap<String, Counts>,
    /// Cards due today or later, by due day.
    per_day: BTreeMap<NaiveDate, usize>,
    overdue: usize,
    intervals: Tally,
    eases: Tally,
}

impl Default for CardTally {
    fn default() -> CardTally {
        CardTally::new()
    }
}

impl CardTally {
    /// Nothing counted yet.
    #[must_use]
    pub fn new() -> CardTally {
        let interval_buckets: Vec<(i64, Option<i64>, String)> =
            INTERVAL_BUCKETS.iter().map(|(a, b, l)| (*a, *b, (*l).to_owned())).collect();
        CardTally {
            all: Counts::default(),
            per_deck: BTreeMap::new(),
            per_day: BTreeMap::new(),
            overdue: 0,
            intervals: Tally::new(interval_buckets),
            eases: Tally::new(ease_buckets()),
        }
    }

    /// Counts one card.
    pub fn add(&mut self, c: &CardInfo) {
        self.all.add(c);
        for d in with_ancestors(&c.decks) {
            match self.per_deck.get_mut(d) {
                Some(counts) => counts.add(c),
                None => self.per_deck.entry(d.to_owned()).or_default().add(c),
            }
        }
        match (c.class, c.due) {
            (CardClass::Overdue, _) => self.overdue += 1,
            (CardClass::Due | CardClass::Scheduled, Some(d)) => *self.per_day.entry(d).or_default() += 1,
            _ => {}
        }
        if c.class != CardClass::New {
            if let Some(i) = c.interval {
                self.intervals.add(i);
            }
            if let Some(e) = c.ease {
                self.eases.add(e);
            }
        }
    }

    /// The counts, the forecast of `days` days from `today` and the interval
    /// and ease distributions.
    #[must_use]
    pub fn finish(self, today: NaiveDate, days: u32) -> (Cards, Forecast, Distribution, Distribution) {
        // Tree order: a deck right before its subdecks (`a`, `a/b`, `a-c`).
        let mut decks: Vec<DeckCounts> = self
            .per_deck
            .into_iter()
            .map(|(d, counts)| DeckCounts { depth: d.matches('/').count(), deck: d, counts })
            .collect();
        decks.sort_by(|a, b| a.deck.split('/').cmp(b.deck.split('/')));
        let mut per_day = vec![0usize; days as usize];
        for (d, n) in self.per_day {
            let off = (d - today).num_days();
            if let Some(slot) = usize::try_from(off).ok().and_then(|o| per_day.get_mut(o)) {
                *slot += n;
            }
        }
        let total = per_day.iter().sum();
        let forecast = Forecast {
            overdue: self.overdue,
            total,
            days: per_day
                .into_iter()
                .enumerate()
                .map(|(i, cards)| DayCount {
                    date: today.checked_add_days(Days::new(i as u64)).unwrap_or(NaiveDate::MAX),
                    cards,
                })
                .collect(),
        };
        (Cards { all: self.all, decks }, forecast, self.intervals.finish(), self.eases.finish())
    }
}

/// Reviews on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewDay {
    pub date: NaiveDate,
    pub reviews: usize,
    /// Answers to new cards.
    pub new: usize,
    pub again: usize,
    /// Answer time, where timed.
    pub ms: u64,
}

/// Reviews per day of the calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeatDay {
    pub date: NaiveDate,
    pub reviews: usize,
}

/// The calendar: `from` is a Monday, 11 weeks before today's week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heatmap {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub days: Vec<HeatDay>,
}

/// Answers per button.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ButtonCounts {
    pub again: usize,
    pub hard: usize,
    pub good: usize,
    pub easy: usize,
}

impl ButtonCounts {
    fn add(&mut self, r: Response) {
        match r {
            Response::Again => self.again += 1,
            Response::Hard => self.hard += 1,
            Response::Good => self.good += 1,
            Response::Easy => self.easy += 1,
            Response::Reset => {}
        }
    }

    /// All answers.
    #[must_use]
    pub fn total(&self) -> usize {
        self.again + self.hard + self.good + self.easy
    }
}

/// Answers per button, by what the card was before the answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Buttons {
    pub new: ButtonCounts,
    pub young: ButtonCounts,
    pub mature: ButtonCounts,
    pub total: ButtonCounts,
}

/// Passed (not Again) and failed answers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Rate {
    pub passed: usize,
    pub failed: usize,
    /// `passed / (passed + failed)`, `None` without answers.
    pub rate: Option<f64>,
}

impl Rate {
    fn add(&mut self, passed: bool) {
        if passed {
            self.passed += 1;
        } else {
            self.failed += 1;
        }
        self.rate = Some(self.passed as f64 / (self.passed + self.failed) as f64);
    }
}

/// True retention over one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Retention {
    /// `today`, `7d`, `30d`, `365d` or `all`.
    pub period: &'static str,
    /// First day of the period (`null` for all time without answers).
    pub from: Option<NaiveDate>,
    pub young: Rate,
    pub mature: Rate,
    pub total: Rate,
}

/// Answer time over the history window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct AnswerTime {
    /// Answers that have a time.
    pub timed: usize,
    pub total_ms: u64,
    pub average_ms: Option<f64>,
}

/// Days in a row with at least one answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Streak {
    /// Ending today, or yesterday while today has no answer yet.
    pub current: usize,
    pub longest: usize,
    pub studied_today: bool,
}

/// Everything from the review log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogStats {
    /// The vault has a review log.
    pub present: bool,
    /// Answers counted (all time, up to today).
    pub answers: usize,
    /// Lines of the log that could not be read.
    pub bad_lines: usize,
    pub first_day: Option<NaiveDate>,
    /// Days with answers in the history window.
    pub days_studied: usize,
    pub reviews_per_day: Vec<ReviewDay>,
    pub heatmap: Heatmap,
    pub buttons: Buttons,
    pub retention: Vec<Retention>,
    pub answer_time: AnswerTime,
    pub streak: Streak,
}

/// The answers among log records: reviews, grades and reviews imported
/// from Anki with a button, up to
/// `today`. `records` should already be [`crate::log::effective`].
#[must_use]
pub fn answers<'a>(records: &[&'a Record], today: NaiveDate) -> Vec<(&'a Record, Response)> {
    records
        .iter()
        .copied()
        .filter(|r| matches!(r.op, Op::Review | Op::Grade | Op::Import) && r.day <= today)
        .filter_map(|r| r.response.filter(|x| Response::BUTTONS.contains(x)).map(|x| (r, x)))
        .collect()
}

/// `n` days before `day`, or the earliest date there is (`--today` can be
/// any date).
fn days_before(day: NaiveDate, n: u64) -> NaiveDate {
    day.checked_sub_days(Days::new(n)).unwrap_or(NaiveDate::MIN)
}

/// What the card was before an answer: `None` new, else mature or not.
fn before_mature(r: &Record) -> Option<bool> {
    r.before.as_ref().map(|b| b.interval() >= MATURE_DAYS as f64)
}

/// Statistics of the answers in `records` (effective ones, already filtered
/// to the notes and decks asked for); `days` is the history window.
#[must_use]
#[expect(clippy::too_many_lines, reason = "a step of issue 14 in progress breaks it up")]
pub fn log_stats(
    records: &[&Record],
    present: bool,
    bad_lines: usize,
    today: NaiveDate,
    days: u32,
) -> LogStats {
    let answers = answers(records, today);
    let window_from = days_before(today, u64::from(days) - 1);
    let mut per_day: BTreeMap<NaiveDate, ReviewDay> = BTreeMap::new();
    let mut all_days: BTreeSet<NaiveDate> = BTreeSet::new();
    let mut buttons = Buttons::default();
    let mut time = AnswerTime::default();
    for (r, resp) in &answers {
        all_days.insert(r.day);
        let d =
            per_day.entry(r.day).or_insert(ReviewDay { date: r.day, reviews: 0, new: 0, again: 0, ms: 0 });
        d.reviews += 1;
        d.new += usize::from(r.before.is_none());
        d.again += usize::from(*resp == Response::Again);
        d.ms += r.ms.unwrap_or(0);
        if r.day >= window_from {
            match before_mature(r) {
                None => buttons.new.add(*resp),
                Some(false) => buttons.young.add(*resp),
                Some(true) => buttons.mature.add(*resp),
            }
            buttons.total.add(*resp);
            if let Some(ms) = r.ms {
                time.timed += 1;
                time.total_ms += ms;
            }
        }
    }
    time.average_ms = (time.timed > 0).then(|| time.total_ms as f64 / time.timed as f64);
    let day_list =
        |from: NaiveDate| -> Vec<NaiveDate> { from.iter_days().take_while(|d| *d <= today).collect() };
    let reviews_per_day: Vec<ReviewDay> = day_list(window_from)
        .into_iter()
        .map(|d| {
            per_day.get(&d).cloned().unwrap_or(ReviewDay { date: d, reviews: 0, new: 0, again: 0, ms: 0 })
        })
        .collect();
    let days_studied = reviews_per_day.iter().filter(|d| d.reviews > 0).count();

    let monday = days_before(today, u64::from(today.weekday().num_days_from_monday()));
    let heat_from = days_before(monday, 7 * (HEATMAP_WEEKS - 1));
    let heatmap = Heatmap {
        from: heat_from,
        to: today,
        days: day_list(heat_from)
            .into_iter()
            .map(|d| HeatDay { date: d, reviews: per_day.get(&d).map_or(0, |x| x.reviews) })
            .collect(),
    };

    let first_day = all_days.first().copied();
    let periods: [(&'static str, Option<NaiveDate>); 5] = [
        ("today", Some(today)),
        ("7d", Some(days_before(today, 6))),
        ("30d", Some(days_before(today, 29))),
        ("365d", Some(days_before(today, 364))),
        ("all", first_day),
    ];
    let retention = periods
        .iter()
        .map(|&(period, from)| {
            let mut row = Retention {
                period,
                from,
                young: Rate::default(),
                mature: Rate::default(),
                total: Rate::default(),
            };
            for (r, resp) in &answers {
                if from.is_none_or(|f| r.day < f) {
                    continue;
                }
                let Some(mature) = before_mature(r) else { continue };
                let passed = *resp != Response::Again;
                if mature {
                    row.mature.add(passed);
                } else {
                    row.young.add(passed);
                }
                row.total.add(passed);
            }
            row
        })
        .collect();

    let studied = |d: NaiveDate| all_days.contains(&d);
    let studied_today = studied(today);
    let mut current = 0;
    let mut day = if studied_today { Some(today) } else { today.pred_opt() };
    while let Some(d) = day.filter(|d| studied(*d)) {
        current += 1;
        day = d.pred_opt();
    }
    let (mut longest, mut run, mut prev): (usize, usize, Option<NaiveDate>) = (0, 0, None);
    for &d in &all_days {
        run = if prev.and_then(|p| p.succ_opt()) == Some(d) { run + 1 } else { 1 };
        longest = longest.max(run);
        prev = Some(d);
    }

    LogStats {
        present,
        answers: answers.len(),
        bad_lines,
        first_day,
        days_studied,
        reviews_per_day,
        heatmap,
        buttons,
        retention,
        answer_time: time,
        streak: Streak { current, longest, studied_today },
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::{Schedule, Sm2};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    const TODAY: NaiveDate = match NaiveDate::from_ymd_opt(2024, 6, 20) {
        Some(d) => d,
        None => panic!("date"),
    };

    fn card(
        decks: &[&str],
        class: CardClass,
        due: Option<NaiveDate>,
        ivl: Option<i64>,
        ease: Option<i64>,
    ) -> CardInfo {
        CardInfo { decks: decks.iter().map(|s| (*s).to_owned()).collect(), class, due, interval: ivl, ease }
    }

    #[test]
    fn classifies_schedules() {
        let when = crate::clock::When::noon_of(TODAY, crate::clock::Zone::utc());
        let c = |s: CardSchedule| CardInfo::new(vec![], &s, &when).class;
        let sm2 = |due| CardSchedule::Sm2 { due, interval: Some(3), ease: Some(250) };
        assert_eq!(c(CardSchedule::New), CardClass::New);
        assert_eq!(c(sm2(Some(TODAY))), CardClass::Due);
        assert_eq!(c(sm2(Some(d(2024, 6, 1)))), CardClass::Overdue);
        assert_eq!(c(sm2(Some(d(2024, 7, 1)))), CardClass::Scheduled);
        assert_eq!(c(sm2(None)), CardClass::Invalid);
    }

    #[test]
    fn counts_per_deck_with_parents_and_forecast() {
        let cards = vec![
            card(&["f/k"], CardClass::New, None, None, None),
            card(&["f/k", "f/x"], CardClass::Due, Some(TODAY), Some(25), Some(250)),
            card(&["f"], CardClass::Overdue, Some(d(2024, 6, 1)), Some(3), Some(130)),
            card(&["f/x"], CardClass::Scheduled, Some(d(2024, 6, 22)), Some(800), Some(400)),
            card(&["f/x"], CardClass::Scheduled, Some(d(2024, 9, 1)), Some(60), Some(290)),
        ];
        let (c, f, iv, ea) = card_stats(&cards, TODAY, 7);
        assert_eq!(
            (c.all.new, c.all.due, c.all.overdue, c.all.scheduled, c.all.young, c.all.mature, c.all.total),
            (1, 2, 1, 2, 1, 3, 5)
        );
        let names: Vec<(&str, usize, usize)> =
            c.decks.iter().map(|d| (d.deck.as_str(), d.depth, d.counts.total)).collect();
        assert_eq!(names, vec![("f", 0, 5), ("f/k", 1, 2), ("f/x", 1, 3)]);
        assert_eq!(f.overdue, 1);
        assert_eq!(f.total, 2);
        assert_eq!(f.days.iter().map(|x| x.cards).collect::<Vec<_>>(), vec![1, 0, 1, 0, 0, 0, 0]);
        assert_eq!(iv.count, 4);
        assert_eq!(iv.average, Some((25.0 + 3.0 + 800.0 + 60.0) / 4.0));
        let nonzero: Vec<(&str, usize)> =
            iv.buckets.iter().filter(|b| b.cards > 0).map(|b| (b.label.as_str(), b.cards)).collect();
        assert_eq!(nonzero, vec![("2–3 d", 1), ("3 wk–1 mo", 1), ("1–2 mo", 1), ("> 2 y", 1)]);
        let eases: Vec<(&str, usize)> =
            ea.buckets.iter().filter(|b| b.cards > 0).map(|b| (b.label.as_str(), b.cards)).collect();
        assert_eq!(eases, vec![("≤149", 1), ("250–269", 1), ("290–309", 1), ("≥350", 1)]);
        assert_eq!(ea.buckets[0].from, 0);
    }

    #[test]
    fn decks_sort_as_a_tree() {
        let cards = vec![
            card(&["a-c"], CardClass::New, None, None, None),
            card(&["a/b"], CardClass::New, None, None, None),
        ];
        let (c, ..) = card_stats(&cards, TODAY, 1);
        let names: Vec<&str> = c.decks.iter().map(|d| d.deck.as_str()).collect();
        assert_eq!(names, vec!["a", "a/b", "a-c"]);
    }

    fn rec(day: NaiveDate, resp: Response, before_ivl: Option<f64>, ms: Option<u64>) -> Record {
        Record {
            id: format!("{day}-{resp}"),
            ts: String::new(),
            day,
            op: Op::Review,
            path: "n.md".into(),
            line: 1,
            hash: String::new(),
            sibling: 0,
            response: Some(resp),
            before: before_ivl.map(|interval| Schedule::Sm2(Sm2 { due: day, interval, ease: 250.0 })),
            after: None,
            ms,
            decks: vec![],
            undoes: None,
            detail: None,
        }
    }

    #[test]
    fn log_statistics_by_hand() {
        let recs = [
            rec(TODAY, Response::Good, Some(30.0), Some(4000)),
            rec(TODAY, Response::Again, Some(25.0), Some(8000)),
            rec(TODAY, Response::Good, None, None),
            rec(d(2024, 6, 19), Response::Hard, Some(3.0), Some(3000)),
            rec(d(2024, 6, 18), Response::Again, Some(2.0), None),
            rec(d(2024, 6, 10), Response::Easy, Some(40.0), None),
            rec(d(2024, 6, 21), Response::Good, Some(1.0), None), // the future: ignored
            rec(d(2024, 1, 1), Response::Good, Some(10.0), None), // outside the 30-day window
        ];
        let refs: Vec<&Record> = recs.iter().collect();
        let s = log_stats(&refs, true, 0, TODAY, 30);
        assert_eq!(s.answers, 7);
        assert_eq!(s.first_day, Some(d(2024, 1, 1)));
        assert_eq!(s.days_studied, 4);
        assert_eq!(s.reviews_per_day.len(), 30);
        let last = s.reviews_per_day.last().expect("today");
        assert_eq!((last.date, last.reviews, last.new, last.again, last.ms), (TODAY, 3, 1, 1, 12000));
        assert_eq!(s.buttons.new, ButtonCounts { again: 0, hard: 0, good: 1, easy: 0 });
        assert_eq!(s.buttons.young, ButtonCounts { again: 1, hard: 1, good: 0, easy: 0 });
        assert_eq!(s.buttons.mature, ButtonCounts { again: 1, hard: 0, good: 1, easy: 1 });
        assert_eq!(s.buttons.total.total(), 6);
        let today = &s.retention[0];
        assert_eq!((today.mature.passed, today.mature.failed), (1, 1));
        assert_eq!(today.young.rate, None);
        let week = &s.retention[1];
        assert_eq!(
            (week.young.passed, week.young.failed, week.total.passed, week.total.failed),
            (1, 1, 2, 2)
        );
        let all = &s.retention[4];
        assert_eq!((all.total.passed, all.total.failed), (4, 2));
        assert_eq!(all.from, Some(d(2024, 1, 1)));
        assert_eq!(s.answer_time, AnswerTime { timed: 3, total_ms: 15000, average_ms: Some(5000.0) });
        assert_eq!(s.streak, Streak { current: 3, longest: 3, studied_today: true });
        assert_eq!(s.heatmap.from, d(2024, 4, 1)); // a Monday, 11 weeks before the week of 2024-06-20
        assert_eq!(s.heatmap.days.len(), 81);
    }

    #[test]
    fn streak_survives_until_the_day_ends() {
        let recs = [
            rec(d(2024, 6, 19), Response::Good, None, None),
            rec(d(2024, 6, 18), Response::Good, None, None),
        ];
        let refs: Vec<&Record> = recs.iter().collect();
        let s = log_stats(&refs, true, 0, TODAY, 30);
        assert_eq!(s.streak, Streak { current: 2, longest: 2, studied_today: false });
        let none = log_stats(&[], false, 0, TODAY, 7);
        assert_eq!(none.streak, Streak::default());
        assert_eq!(none.reviews_per_day.len(), 7);
        assert!(none.retention.iter().all(|r| r.total.rate.is_none()));
    }
}
