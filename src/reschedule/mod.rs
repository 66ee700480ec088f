//! Batch re-scheduling, pure: which new schedule each selected card gets.
//!
//! Operations: shift due dates, spread a backlog over the coming days, set
//! due dates Anki-style, reset cards to new, re-run the plugin's load
//! balancing, cap intervals and eases to the current settings, and bring
//! every card due on or after an exam into the days before it ([`exam`]). The
//! command turns the changes into one edit per question (see
//! [`crate::edit::plan::plan_siblings`]) and writes them.

pub mod exam;
pub mod fsrs;
pub mod select;

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};

use crate::parse::CardSchedule;
use crate::schedule::{Ease, Histogram, Interval, WholeEase, WholeInterval, add_days};
use crate::session::queue::Rng;
use crate::settings::Settings;

/// One operation of `recall reschedule`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// Move every due date by this many days (negative: earlier).
    Shift(i64),
    /// Spread the due and overdue cards over this many days from today.
    Spread(u32),
    /// Due in a day of this range (`0`, `3-7`); `!` also sets the interval.
    SetDue { from: u32, to: u32, set_interval: bool },
    /// Back to new.
    Reset,
    /// The plugin's load balancing again, within each card's fuzz range.
    Rebalance,
    /// Apply `maximumInterval` and the ease floor of 130.
    Cap,
    /// Bring every card due on or after `date` into the days before it,
    /// levelled (local dates in `zone`).
    Exam { date: NaiveDate, zone: crate::clock::Zone },
}

impl Operation {
    /// A short name for messages and the log (`shift 7`, `set-due 3-7!`).
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Operation::Shift(d) => format!("shift {d}"),
            Operation::Spread(d) => format!("spread {d}"),
            Operation::SetDue { from, to, set_interval } => {
                let bang = if *set_interval { "!" } else { "" };
                if from == to {
                    format!("set-due {from}{bang}")
                } else {
                    format!("set-due {from}-{to}{bang}")
                }
            }
            Operation::Reset => "reset".into(),
            Operation::Rebalance => "rebalance".into(),
            Operation::Cap => "cap".into(),
            Operation::Exam { date, .. } => format!("exam {date}"),
        }
    }
}

/// A `--set-due` range: `0`, `5`, `3-7`, each optionally followed by `!`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueRange {
    pub from: u32,
    pub to: u32,
    pub set_interval: bool,
}

impl FromStr for DueRange {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || {
            format!(
                "`{s}` is not a day or a range of days from today (0, 5, 3-7, with ! to set the interval)"
            )
        };
        let (body, set_interval) = match s.strip_suffix('!') {
            Some(b) => (b, true),
            None => (s, false),
        };
        let (from, to) = if let Some((a, b)) = body.split_once('-') {
            (a.trim().parse().map_err(|_| bad())?, b.trim().parse().map_err(|_| bad())?)
        } else {
            let d: u32 = body.trim().parse().map_err(|_| bad())?;
            (d, d)
        };
        if from > to {
            return Err(bad());
        }
        Ok(DueRange { from, to, set_interval })
    }
}

/// The new schedule of one card.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    Set {
        due: NaiveDate,
        interval: Interval,
        ease: Ease,
    },
    MakeNew,
    /// An FSRS card's new segment (see [`fsrs`]).
    Fsrs(Box<crate::schedule::fsrs::FsrsSegment>),
    /// An FSRS card due at this instant instead; its memory state stays.
    FsrsDue {
        due: DateTime<Utc>,
    },
}

impl Change {
    /// The schedule a card has after the change (`None`: new), from the
    /// one it had before.
    #[must_use]
    pub fn applied(&self, before: &CardSchedule) -> Option<crate::schedule::Schedule> {
        use crate::schedule::{Schedule, Sm2};
        match self {
            Change::Set { due, interval, ease } => {
                Some(Schedule::Sm2(Sm2 { due: *due, interval: *interval, ease: *ease }))
            }
            Change::MakeNew => None,
            Change::Fsrs(seg) => Some(Schedule::Fsrs(seg.clone())),
            Change::FsrsDue { due } => match before {
                CardSchedule::Fsrs(f) => Some(Schedule::Fsrs(Box::new(crate::schedule::fsrs::FsrsSegment {
                    due: crate::schedule::fsrs::Stamp::At(*due),
                    ..(**f).clone()
                }))),
                _ => None,
            },
        }
    }
}

/// A selected card and its current schedule.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub schedule: CardSchedule,
}

/// The SM-2 schedule of a card, when it has a readable one.
fn sm2(s: &CardSchedule) -> Option<(NaiveDate, WholeInterval, WholeEase)> {
    match s {
        CardSchedule::Sm2 { due: Some(d), interval: Some(i), ease: Some(e) } => Some((*d, *i, *e)),
        _ => None,
    }
}

/// The plugin's fuzz radius for an interval (spec §c.2).
#[must_use]
pub fn fuzz_radius(interval: WholeInterval) -> i64 {
    let ivl = Interval::from(interval).0;
    if ivl <= 7.0 {
        0
    } else if ivl <= 21.0 {
        1
    } else if ivl <= 180.0 {
        ((ivl * 0.05).floor() as i64).min(3)
    } else {
        ((ivl * 0.025).floor() as i64).min(7)
    }
}

/// Computes each target's change (`None`: left as it is). `histogram` holds
/// every scheduled card of the vault, the targets included, keyed by days
/// from `today`.
#[must_use]
pub fn compute(
    op: Operation,
    targets: &[Target],
    today: NaiveDate,
    settings: &Settings,
    histogram: &Histogram,
    seed: u64,
) -> Vec<Option<Change>> {
    match op {
        Operation::Shift(days) => targets
            .iter()
            .map(|t| {
                let (due, ivl, ease) = sm2(&t.schedule)?;
                (days != 0).then(|| Change::Set {
                    due: add_days(due, days as f64),
                    interval: Interval::from(ivl),
                    ease: Ease::from(ease),
                })
            })
            .collect(),
        Operation::Spread(days) => spread(targets, today, histogram, days),
        Operation::SetDue { from, to, set_interval } => {
            let mut rng = Rng::new(seed);
            targets
                .iter()
                .map(|t| {
                    let span = u64::from(to - from) + 1;
                    let offset = u64::from(from) + rng.next_u64() % span;
                    let due = add_days(today, offset as f64);
                    let (ivl, ease) = match sm2(&t.schedule) {
                        Some((_, i, e)) => (Interval::from(i), Ease::from(e)),
                        None => (Interval(1.0), Ease(settings.base_ease)),
                    };
                    let interval = if set_interval { Interval((offset as f64).max(1.0)) } else { ivl };
                    let change = Change::Set { due, interval, ease };
                    let same = sm2(&t.schedule).is_some_and(|(d, i, e)| {
                        d == due
                            && (Interval::from(i).0 - interval.0).abs() < 1e-9
                            && (Ease::from(e).0 - ease.0).abs() < 1e-9
                    });
                    (!same).then_some(change)
                })
                .collect()
        }
        Operation::Reset => targets
            .iter()
            .map(|t| (!matches!(t.schedule, CardSchedule::New)).then_some(Change::MakeNew))
            .collect(),
        Operation::Rebalance => rebalance(targets, today, histogram),
        Operation::Exam { date, zone } => exam::plan_exam(targets, today, date, zone, histogram)
            .map_or_else(|| vec![None; targets.len()], |p| p.changes),
        Operation::Cap => targets
            .iter()
            .map(|t| {
                let (due, ivl, ease) = sm2(&t.schedule)?;
                let max = WholeInterval(settings.maximum_interval.floor() as i64);
                let new_ivl = ivl.min(max.max(WholeInterval(1)));
                let new_ease = ease.max(WholeEase::FLOOR);
                if new_ivl == ivl && new_ease == ease {
                    return None;
                }
                // The due date moves with the interval: same last review.
                let due = add_days(due, (new_ivl.0 - ivl.0) as f64);
                Some(Change::Set { due, interval: Interval::from(new_ivl), ease: Ease::from(new_ease) })
            })
            .collect(),
    }
}

/// Spreads due and overdue targets over days `0..days` from today: each day
/// is filled up to the same level on top of what is already due then (the
/// other cards), oldest cards on the earliest days. Interval and ease stay.
fn spread(targets: &[Target], today: NaiveDate, histogram: &Histogram, days: u32) -> Vec<Option<Change>> {
    let days = i64::from(days.max(1));
    let mut movers: Vec<(usize, NaiveDate)> = targets
        .iter()
        .enumerate()
        .filter_map(|(i, t)| sm2(&t.schedule).filter(|(d, _, _)| *d <= today).map(|(d, _, _)| (i, d)))
        .collect();
    movers.sort_by_key(|&(i, d)| (d, i));
    // Load per day from the cards that stay where they are.
    let mut load: Vec<i64> = (0..days).map(|d| i64::from(histogram.get(d).unwrap_or(0))).collect();
    load[0] -= movers.iter().filter(|&&(_, d)| d == today).count() as i64;
    // How many movers each day takes: always the least loaded, earliest first.
    let mut take = vec![0usize; days as usize];
    for _ in 0..movers.len() {
        let (day, _) = load.iter().enumerate().min_by_key(|&(d, l)| (*l, d)).unwrap_or((0, &0));
        take[day] += 1;
        load[day] += 1;
    }
    let mut out = vec![None; targets.len()];
    let mut next = movers.into_iter();
    for (day, n) in take.into_iter().enumerate() {
        for (i, old_due) in next.by_ref().take(n) {
            let due = add_days(today, day as f64);
            if due != old_due
                && let Some((_, ivl, ease)) = sm2(&targets[i].schedule)
            {
                out[i] = Some(Change::Set { due, interval: Interval::from(ivl), ease: Ease::from(ease) });
            }
        }
    }
    out
}

/// Moves each scheduled target with an interval over 7 days to the least
/// used day within its fuzz range around its due date, when that day is
/// lighter by at least two; the interval moves with the due date, as the
/// plugin's balancing sets it. Later cards see the earlier moves. (A second
/// run balances again around the new dates, as the plugin would.)
fn rebalance(targets: &[Target], today: NaiveDate, histogram: &Histogram) -> Vec<Option<Change>> {
    let mut h = histogram.clone();
    let mut order: Vec<(usize, NaiveDate)> =
        targets.iter().enumerate().filter_map(|(i, t)| sm2(&t.schedule).map(|(d, _, _)| (i, d))).collect();
    order.sort_by_key(|&(i, d)| (d, i));
    let mut out = vec![None; targets.len()];
    for (i, due) in order {
        let Some((_, ivl, ease)) = sm2(&targets[i].schedule) else { continue };
        let f = fuzz_radius(ivl);
        let key = (due - today).num_days();
        if f == 0 || key <= 0 {
            continue;
        }
        let count = |h: &Histogram, d: i64| i64::from(h.get(d).unwrap_or(0));
        let here = count(&h, key) - 1;
        let mut best = (here, 0i64);
        for delta in 1..=f {
            for d in [key - delta, key + delta] {
                if d > 0 && count(&h, d) < best.0 {
                    best = (count(&h, d), d - key);
                }
            }
        }
        if best.1 != 0 && best.0 + 1 < here + 1 {
            h.decrement(key);
            h.increment(key + best.1);
            let interval = Interval::from(WholeInterval((ivl.0 + best.1).max(1)));
            out[i] =
                Some(Change::Set { due: add_days(due, best.1 as f64), interval, ease: Ease::from(ease) });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn t(due: &str, ivl: i64, ease: i64) -> Target {
        Target {
            schedule: CardSchedule::Sm2 {
                due: Some(d(due)),
                interval: Some(WholeInterval(ivl)),
                ease: Some(WholeEase(ease)),
            },
        }
    }

    const TODAY: &str = "2024-06-20";

    fn dues(changes: &[Option<Change>]) -> Vec<Option<String>> {
        changes
            .iter()
            .map(|c| match c {
                Some(Change::Set { due, .. }) => Some(due.to_string()),
                Some(Change::MakeNew) => Some("new".into()),
                Some(Change::Fsrs(seg)) => Some(seg.format()),
                Some(Change::FsrsDue { due }) => Some(due.to_string()),
                None => None,
            })
            .collect()
    }

    #[test]
    fn shift_moves_scheduled_cards_only() {
        let targets = vec![t("2024-06-18", 3, 250), Target { schedule: CardSchedule::New }];
        let c =
            compute(Operation::Shift(7), &targets, d(TODAY), &Settings::default(), &Histogram::default(), 1);
        assert_eq!(
            c[0],
            Some(Change::Set { due: d("2024-06-25"), interval: Interval(3.0), ease: Ease(250.0) })
        );
        assert_eq!(c[1], None);
    }

    #[test]
    fn spread_fills_days_evenly_oldest_first_and_is_idempotent() {
        // Five overdue cards, two days, day 1 already has one card due.
        let targets: Vec<Target> = ["2024-06-10", "2024-06-01", "2024-06-15", "2024-06-20", "2024-06-12"]
            .iter()
            .map(|due| t(due, 5, 250))
            .collect();
        let mut h = Histogram::default();
        for tg in &targets {
            if let Some((due, _, _)) = sm2(&tg.schedule) {
                h.increment((due - d(TODAY)).num_days());
            }
        }
        h.increment(1);
        let c = compute(Operation::Spread(2), &targets, d(TODAY), &Settings::default(), &h, 1);
        // Day 0 gets 3 (the oldest), day 1 gets 2 on top of its 1.
        assert_eq!(
            dues(&c),
            vec![
                Some("2024-06-20".into()),
                Some("2024-06-20".into()),
                Some("2024-06-21".into()),
                Some("2024-06-21".into()),
                Some("2024-06-20".into())
            ]
        );
        // Again: only today's cards are due; they stay.
        let after: Vec<Target> = ["2024-06-20", "2024-06-20", "2024-06-21", "2024-06-21", "2024-06-20"]
            .iter()
            .map(|due| t(due, 5, 250))
            .collect();
        let mut h2 = Histogram::default();
        h2.increment(0);
        h2.increment(0);
        h2.increment(0);
        h2.increment(1);
        h2.increment(1);
        h2.increment(1);
        let again = compute(Operation::Spread(2), &after, d(TODAY), &Settings::default(), &h2, 1);
        assert!(again.iter().all(Option::is_none), "{again:?}");
    }

    #[test]
    fn set_due_ranges() {
        assert_eq!("0".parse::<DueRange>(), Ok(DueRange { from: 0, to: 0, set_interval: false }));
        assert_eq!("3-7!".parse::<DueRange>(), Ok(DueRange { from: 3, to: 7, set_interval: true }));
        assert!("7-3".parse::<DueRange>().is_err());
        assert!("x".parse::<DueRange>().is_err());
        let targets = vec![t("2024-06-10", 12, 250), Target { schedule: CardSchedule::New }];
        let c = compute(
            Operation::SetDue { from: 0, to: 0, set_interval: false },
            &targets,
            d(TODAY),
            &Settings::default(),
            &Histogram::default(),
            1,
        );
        assert_eq!(c[0], Some(Change::Set { due: d(TODAY), interval: Interval(12.0), ease: Ease(250.0) }));
        assert_eq!(c[1], Some(Change::Set { due: d(TODAY), interval: Interval(1.0), ease: Ease(250.0) }));
        let r = compute(
            Operation::SetDue { from: 3, to: 7, set_interval: true },
            &targets,
            d(TODAY),
            &Settings::default(),
            &Histogram::default(),
            9,
        );
        for ch in r.into_iter().flatten() {
            let Change::Set { due, interval, .. } = ch else { panic!("set") };
            let days = (due - d(TODAY)).num_days();
            assert!((3..=7).contains(&days));
            assert!((interval.0 - days as f64).abs() < f64::EPSILON);
        }
    }

    #[test]
    fn reset_and_cap() {
        let settings = Settings { maximum_interval: 100.0, ..Settings::default() };
        let targets =
            vec![t("2024-09-20", 200, 120), t("2024-06-25", 10, 250), Target { schedule: CardSchedule::New }];
        let reset = compute(Operation::Reset, &targets, d(TODAY), &settings, &Histogram::default(), 1);
        assert_eq!(reset, vec![Some(Change::MakeNew), Some(Change::MakeNew), None]);
        let cap = compute(Operation::Cap, &targets, d(TODAY), &settings, &Histogram::default(), 1);
        assert_eq!(
            cap[0],
            Some(Change::Set { due: d("2024-06-12"), interval: Interval(100.0), ease: Ease(130.0) })
        );
        assert_eq!(cap[1], None);
    }

    #[test]
    fn rebalance_stays_within_the_fuzz_range_and_settles() {
        // Ten cards on day 30 (interval 30: radius 1), days 29 and 31 empty.
        let targets: Vec<Target> = (0..10).map(|_| t("2024-07-20", 30, 250)).collect();
        let h = Histogram::from_counts([(30, 10)]);
        let c = compute(Operation::Rebalance, &targets, d(TODAY), &Settings::default(), &h, 1);
        let moved: Vec<String> = c
            .iter()
            .flatten()
            .map(|ch| match ch {
                Change::Set { due, .. } => due.to_string(),
                Change::MakeNew => "new".into(),
                Change::Fsrs(seg) => seg.format(),
                Change::FsrsDue { due } => due.to_string(),
            })
            .collect();
        assert!(moved.iter().all(|m| m == "2024-07-19" || m == "2024-07-21"));
        let mut counts = std::collections::BTreeMap::new();
        for ch in &c {
            let due = match ch {
                Some(Change::Set { due, .. }) => due.to_string(),
                _ => "2024-07-20".into(),
            };
            *counts.entry(due).or_insert(0) += 1;
        }
        assert!(counts.values().all(|&n| (3..=4).contains(&n)), "{counts:?}");
        // The interval follows the due date.
        for ch in c.iter().flatten() {
            if let Change::Set { due, interval, .. } = ch {
                assert!(
                    (interval.0 - 30.0 - (*due - d("2024-07-20")).num_days() as f64).abs() < f64::EPSILON
                );
            }
        }
    }
}
