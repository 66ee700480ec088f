//! `reschedule --exam DATE`, pure: every selected card that would next be
//! due on or after the exam is brought forward into the days before it
//! (today up to the day before the exam), levelled the way `--spread`
//! levels a backlog: each day filled up to the same height on top of what
//! is already due then, the cards due soonest on the earliest days.
//!
//! SM-2 cards keep their interval and ease, as `--spread` keeps them; FSRS
//! cards keep their memory state (stability, difficulty, reps, lapses, last
//! review) and only their due moves, to the same time of day. Cards due
//! before the exam and new cards stay; the plan says how many new cards a
//! day would have to be learned to have seen every one before the exam.

use chrono::{NaiveDate, NaiveDateTime};

use super::{Change, Target};
use crate::clock::Zone;
use crate::parse::CardSchedule;
use crate::schedule::{Ease, Histogram, Interval};

/// What `--exam` would do.
#[derive(Debug, Clone, PartialEq)]
pub struct ExamPlan {
    /// One entry per target (`None`: left as it is).
    pub changes: Vec<Option<Change>>,
    /// The days before the exam, today included.
    pub days: u32,
    /// New cards among the targets.
    pub new_cards: usize,
    /// New cards to learn a day to have seen every one before the exam
    /// (`None` when there is none).
    pub new_per_day: Option<usize>,
}

/// Plans `--exam exam` over `targets`; `histogram` holds every scheduled
/// card of the vault (the targets included), keyed by days from `today`.
/// `None` when the exam is not after today (there is no day before it).
#[must_use]
pub fn plan_exam(
    targets: &[Target],
    today: NaiveDate,
    exam: NaiveDate,
    zone: Zone,
    histogram: &Histogram,
) -> Option<ExamPlan> {
    let days = (exam - today).num_days();
    if days <= 0 {
        return None;
    }
    let days_u = u32::try_from(days).ok()?;
    let window = usize::try_from(days).ok()?;
    let mut movers: Vec<(usize, NaiveDate)> = targets
        .iter()
        .enumerate()
        .filter(|(_, t)| movable(&t.schedule))
        .filter_map(|(i, t)| t.schedule.due_date(zone).filter(|d| *d >= exam).map(|d| (i, d)))
        .collect();
    movers.sort_by_key(|&(i, d)| (d, i));
    // What is due on each day before the exam already; overdue cards count today.
    let mut load: Vec<i64> = (0..days).map(|d| i64::from(histogram.get(d).unwrap_or(0))).collect();
    load[0] += histogram.sorted().iter().filter(|(d, _)| *d < 0).map(|&(_, n)| i64::from(n)).sum::<i64>();
    let mut take = vec![0usize; window];
    for _ in 0..movers.len() {
        let day = load.iter().enumerate().min_by_key(|&(d, l)| (*l, d)).map_or(0, |(d, _)| d);
        take[day] += 1;
        load[day] += 1;
    }
    let mut changes = vec![None; targets.len()];
    let mut next = movers.into_iter();
    for (day, n) in take.into_iter().enumerate() {
        let Some(date) = today.checked_add_days(chrono::Days::new(day as u64)) else { continue };
        for (i, _) in next.by_ref().take(n) {
            changes[i] = moved_to(&targets[i].schedule, date, zone);
        }
    }
    let new_cards = targets.iter().filter(|t| matches!(t.schedule, CardSchedule::New)).count();
    let new_per_day = (new_cards > 0).then(|| new_cards.div_ceil(window));
    Some(ExamPlan { changes, days: days_u, new_cards, new_per_day })
}

/// A card `--exam` can move: a readable SM-2 schedule, or an FSRS one with
/// a readable due.
fn movable(s: &CardSchedule) -> bool {
    match s {
        CardSchedule::New => false,
        CardSchedule::Sm2 { due, interval, ease } => due.is_some() && interval.is_some() && ease.is_some(),
        CardSchedule::Fsrs(f) => f.due.instant().is_some(),
    }
}

/// The card due on `date` instead, everything else kept.
fn moved_to(s: &CardSchedule, date: NaiveDate, zone: Zone) -> Option<Change> {
    match s {
        CardSchedule::Sm2 { interval: Some(i), ease: Some(e), .. } => {
            Some(Change::Set { due: date, interval: Interval::from(*i), ease: Ease::from(*e) })
        }
        CardSchedule::Fsrs(f) => {
            let old = f.due.instant()?;
            let at = zone.instant(NaiveDateTime::new(date, zone.local(old).time()));
            Some(Change::FsrsDue { due: at })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::fsrs::{FsrsSegment, Stamp};
    use crate::schedule::{WholeEase, WholeInterval};

    const TODAY: &str = "2024-06-20";

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn sm2(due: &str) -> Target {
        Target {
            schedule: CardSchedule::Sm2 {
                due: Some(d(due)),
                interval: Some(WholeInterval(30)),
                ease: Some(WholeEase(250)),
            },
        }
    }

    fn histogram(targets: &[Target]) -> Histogram {
        let mut h = Histogram::default();
        for t in targets {
            if let Some(due) = t.schedule.due_date(Zone::utc()) {
                h.increment((due - d(TODAY)).num_days());
            }
        }
        h
    }

    #[test]
    fn cards_due_on_or_after_the_exam_come_before_it_level() {
        // Exam in 4 days; 9 cards after it, one due before it, one overdue, one new.
        let mut targets: Vec<Target> = (0..9).map(|i| sm2(&format!("2024-07-{:02}", 1 + i))).collect();
        targets.push(sm2("2024-06-24"));
        targets.push(sm2("2024-06-22"));
        targets.push(sm2("2024-06-01"));
        targets.push(Target { schedule: CardSchedule::New });
        let h = histogram(&targets);
        let plan = plan_exam(&targets, d(TODAY), d("2024-06-24"), Zone::utc(), &h).expect("a plan");
        assert_eq!((plan.days, plan.new_cards, plan.new_per_day), (4, 1, Some(1)));
        // The card due on the exam day moves; the others before it stay.
        assert!(plan.changes[9].is_some());
        assert_eq!(plan.changes[10], None);
        assert_eq!(plan.changes[11], None);
        assert_eq!(plan.changes[12], None);
        // Load per day: today 1 (overdue), day 2 has 1; ten movers level to 3 a day.
        let mut load = [1, 0, 1, 0];
        for c in plan.changes.iter().flatten() {
            let Change::Set { due, interval, ease } = c else { panic!("an SM-2 change") };
            assert!(*due < d("2024-06-24") && *due >= d(TODAY));
            assert_eq!((*interval, *ease), (Interval(30.0), Ease(250.0)), "interval and ease stay");
            load[usize::try_from((*due - d(TODAY)).num_days()).expect("day")] += 1;
        }
        assert_eq!(load, [3, 3, 3, 3]);
        // The soonest due go first.
        assert_eq!(
            plan.changes[0],
            Some(Change::Set { due: d(TODAY), interval: Interval(30.0), ease: Ease(250.0) })
        );
        // Applied, a second plan changes nothing.
        let after: Vec<Target> = targets
            .iter()
            .zip(&plan.changes)
            .map(|(t, c)| match c {
                Some(Change::Set { due, .. }) => sm2(&due.to_string()),
                _ => t.clone(),
            })
            .collect();
        let again =
            plan_exam(&after, d(TODAY), d("2024-06-24"), Zone::utc(), &histogram(&after)).expect("plan");
        assert!(again.changes.iter().all(Option::is_none), "{again:?}");
    }

    #[test]
    fn fsrs_cards_keep_their_memory_state_and_time_of_day() {
        let due = crate::clock::parse_instant("2024-08-01T09:30:00.000Z").expect("instant");
        let seg = FsrsSegment {
            due: Stamp::At(due),
            interval: 42.0,
            stability: 40.5,
            difficulty: 5.25,
            state: 2.0,
            reps: 6.0,
            lapses: 1.0,
            learning_steps: 0.0,
            last_review: Some(Stamp::At(due - chrono::Duration::days(42))),
        };
        let targets = vec![Target { schedule: CardSchedule::Fsrs(Box::new(seg)) }];
        let plan =
            plan_exam(&targets, d(TODAY), d("2024-06-23"), Zone::utc(), &histogram(&targets)).expect("plan");
        let want = crate::clock::parse_instant("2024-06-20T09:30:00.000Z").expect("instant");
        assert_eq!(plan.changes, vec![Some(Change::FsrsDue { due: want })]);
        assert_eq!(plan.new_per_day, None);
    }

    #[test]
    fn an_exam_today_or_before_has_no_plan() {
        let targets = vec![sm2("2024-07-01")];
        assert!(plan_exam(&targets, d(TODAY), d(TODAY), Zone::utc(), &Histogram::default()).is_none());
        assert!(plan_exam(&targets, d(TODAY), d("2024-06-01"), Zone::utc(), &Histogram::default()).is_none());
    }
}
