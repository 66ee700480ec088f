//! Card statistics: cards counted by state and maturity per deck (a parent
//! deck includes its subdecks, each card once), the due forecast, and the
//! interval and ease distributions, as [`CardTally`] counts them card by
//! card.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::MATURE_DAYS;
use crate::parse::{CardSchedule, CardState};
use crate::schedule::{WholeEase, WholeInterval};

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
    pub interval: Option<WholeInterval>,
    pub ease: Option<WholeEase>,
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
pub(super) const INTERVAL_BUCKETS: [(i64, Option<i64>, &str); 12] = [
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
pub(super) struct Tally {
    buckets: Vec<(i64, Option<i64>, String)>,
    cards: Vec<usize>,
    count: usize,
    sum: i64,
}

impl Tally {
    pub(super) fn new(buckets: Vec<(i64, Option<i64>, String)>) -> Tally {
        let cards = vec![0; buckets.len()];
        Tally { buckets, cards, count: 0, sum: 0 }
    }

    pub(super) fn add(&mut self, v: i64) {
        self.count += 1;
        self.sum += v;
        if let Some(i) = self.buckets.iter().position(|(from, to, _)| v >= *from && to.is_none_or(|t| v <= t))
        {
            self.cards[i] += 1;
        }
    }

    pub(super) fn finish(self) -> Distribution {
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
                self.intervals.add(i.0);
            }
            if let Some(e) = c.ease {
                self.eases.add(e.0);
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

#[cfg(test)]
mod tests {
    use super::*;

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
        CardInfo {
            decks: decks.iter().map(|s| (*s).to_owned()).collect(),
            class,
            due,
            interval: ivl.map(WholeInterval),
            ease: ease.map(WholeEase),
        }
    }

    #[test]
    fn classifies_schedules() {
        let when = crate::clock::When::noon_of(TODAY, crate::clock::Zone::utc());
        let c = |s: CardSchedule| CardInfo::new(vec![], &s, &when).class;
        let sm2 =
            |due| CardSchedule::Sm2 { due, interval: Some(WholeInterval(3)), ease: Some(WholeEase(250)) };
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
}
