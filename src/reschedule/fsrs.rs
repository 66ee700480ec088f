//! FSRS cards in batch re-scheduling (pure). The day-level operations
//! (shift, spread, set-due, and any later one that moves due dates) see an
//! FSRS card through a stand-in SM-2 schedule — its local due day and its
//! `scheduled_days` — and their verdict is carried back onto the segment:
//! the due instant moves by the same number of days (its time of day kept),
//! and stability, difficulty, state, reps, lapses, learning step and last
//! review stay, so the card's memory is not touched. With `set-due …!` the
//! interval (`scheduled_days`) is set as well.
//!
//! Reset writes the plugin's Reset for FSRS: an empty card due now
//! (`!fsrs,<now>,0,0,0,0,0,0,0,-`); a card that is already new is left.
//! Rebalance and cap leave FSRS cards alone: the plugin load-balances only
//! SM-2 intervals (FSRS runs without fuzz), and FSRS applies
//! `maximumInterval` itself at the card's next answer.

use chrono::NaiveDate;

use super::{Change, Operation, Target, compute};
use crate::clock::When;
use crate::parse::CardSchedule;
use crate::schedule::fsrs::{self, FsrsSegment, Stamp};
use crate::schedule::{Histogram, Interval, Schedule, WholeEase};
use crate::settings::Settings;

/// What the operation does with FSRS cards, for the command's message
/// (`None`: they take part like the others).
#[must_use]
pub fn fsrs_note(op: Operation) -> Option<&'static str> {
    match op {
        Operation::Rebalance => Some("the plugin load-balances SM-2 intervals only (FSRS has no fuzz)"),
        Operation::Cap => Some("FSRS applies maximumInterval itself when the card is next answered"),
        _ => None,
    }
}

/// Each target's change, FSRS cards included (see the module docs).
/// `when` gives today, the zone of the due days and the moment of a reset.
#[must_use]
pub fn plan(
    op: Operation,
    targets: &[Target],
    when: &When,
    settings: &Settings,
    histogram: &Histogram,
    seed: u64,
) -> Vec<Option<Change>> {
    // Without FSRS cards this is `compute` itself: no copy of a large selection.
    if !targets.iter().any(|t| matches!(t.schedule, CardSchedule::Fsrs(_))) {
        return compute(op, targets, when.today, settings, histogram, seed);
    }
    let left_alone = fsrs_note(op).is_some();
    let stand_ins: Vec<Target> = targets
        .iter()
        .map(|t| match &t.schedule {
            CardSchedule::Fsrs(_) if left_alone || op == Operation::Reset => {
                Target { schedule: CardSchedule::New }
            }
            CardSchedule::Fsrs(f) => Target { schedule: stand_in(f, when) },
            _ => t.clone(),
        })
        .collect();
    let changes = compute(op, &stand_ins, when.today, settings, histogram, seed);
    targets
        .iter()
        .zip(changes)
        .map(|(t, change)| {
            let CardSchedule::Fsrs(f) = &t.schedule else { return change };
            match op {
                Operation::Reset => reset(f, when),
                _ if left_alone => None,
                _ => match change? {
                    Change::Set { due, interval, .. } => moved(f, when, due, interval, op),
                    Change::MakeNew | Change::Fsrs(_) | Change::FsrsDue { .. } => None,
                },
            }
        })
        .collect()
}

/// The SM-2 schedule a day-level operation sees for an FSRS card.
fn stand_in(f: &FsrsSegment, when: &When) -> CardSchedule {
    match f.due.instant() {
        Some(due) if fsrs::State::from_number(f.state).is_some_and(|s| s != fsrs::State::New) => {
            CardSchedule::Sm2 {
                due: Some(when.zone.date(due)),
                interval: Some(Interval(f.interval).nearest()),
                ease: Some(WholeEase(250)),
            }
        }
        // New, or a due recall cannot read: nothing to move.
        _ => CardSchedule::New,
    }
}

/// The segment with its due moved to `day` (time of day kept); the
/// interval set too by `set-due …!`.
fn moved(f: &FsrsSegment, when: &When, day: NaiveDate, interval: Interval, op: Operation) -> Option<Change> {
    let due = f.due.instant()?;
    let days = (day - when.zone.date(due)).num_days();
    let set_interval = matches!(op, Operation::SetDue { set_interval: true, .. });
    if days == 0 && !(set_interval && (interval.0 - f.interval).abs() > 1e-9) {
        return None;
    }
    let mut seg = f.clone();
    seg.due = Stamp::At(due + chrono::Duration::days(days));
    if set_interval {
        seg.interval = interval.0;
    }
    Some(Change::Fsrs(Box::new(seg)))
}

/// The plugin's Reset under FSRS; nothing for a card that is already new
/// and never reviewed.
fn reset(f: &FsrsSegment, when: &When) -> Option<Change> {
    let fresh = fsrs::State::from_number(f.state) == Some(fsrs::State::New) && f.last_review.is_none();
    if fresh {
        return None;
    }
    match Schedule::from_fsrs(&fsrs::reset_card(when.now)) {
        Schedule::Fsrs(seg) => Some(Change::Fsrs(seg)),
        Schedule::Sm2(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Zone;
    use crate::schedule::WholeInterval;

    const SEG: &str = "fsrs,2024-06-18T09:30:00.000Z,12,12.5,4.2,2,5,1,0,2024-06-06T09:30:00.000Z";

    fn when() -> When {
        When::noon_of(NaiveDate::from_ymd_opt(2024, 6, 20).expect("date"), Zone::utc())
    }

    fn target(seg: &str) -> Target {
        Target { schedule: CardSchedule::Fsrs(Box::new(FsrsSegment::parse(seg).expect("segment"))) }
    }

    fn run(op: Operation, seg: &str) -> Option<String> {
        let c = plan(op, &[target(seg)], &when(), &Settings::default(), &Histogram::default(), 1);
        match c.into_iter().next().flatten() {
            Some(Change::Fsrs(s)) => Some(s.format()),
            Some(other) => Some(format!("{other:?}")),
            None => None,
        }
    }

    #[test]
    fn shift_moves_the_due_and_keeps_the_memory() {
        assert_eq!(
            run(Operation::Shift(3), SEG).as_deref(),
            Some("!fsrs,2024-06-21T09:30:00.000Z,12,12.5,4.2,2,5,1,0,2024-06-06T09:30:00.000Z")
        );
        assert_eq!(run(Operation::Shift(0), SEG), None);
    }

    #[test]
    fn spread_brings_an_overdue_card_to_a_day_from_today() {
        let got = run(Operation::Spread(1), SEG).expect("moved");
        assert_eq!(got, "!fsrs,2024-06-20T09:30:00.000Z,12,12.5,4.2,2,5,1,0,2024-06-06T09:30:00.000Z");
    }

    #[test]
    fn set_due_with_bang_sets_the_interval_too() {
        let op = Operation::SetDue { from: 5, to: 5, set_interval: true };
        assert_eq!(
            run(op, SEG).as_deref(),
            Some("!fsrs,2024-06-25T09:30:00.000Z,5,12.5,4.2,2,5,1,0,2024-06-06T09:30:00.000Z")
        );
        let op = Operation::SetDue { from: 5, to: 5, set_interval: false };
        assert_eq!(
            run(op, SEG).as_deref(),
            Some("!fsrs,2024-06-25T09:30:00.000Z,12,12.5,4.2,2,5,1,0,2024-06-06T09:30:00.000Z")
        );
    }

    #[test]
    fn reset_writes_the_plugins_empty_card_once() {
        let reset = run(Operation::Reset, SEG).expect("reset");
        assert_eq!(reset, "!fsrs,2024-06-20T12:00:00.000Z,0,0,0,0,0,0,0,-");
        assert_eq!(run(Operation::Reset, reset.trim_start_matches('!')), None, "a reset card stays");
    }

    #[test]
    fn rebalance_and_cap_leave_fsrs_cards_and_say_why() {
        assert_eq!(run(Operation::Rebalance, SEG), None);
        assert_eq!(run(Operation::Cap, SEG), None);
        assert!(fsrs_note(Operation::Cap).is_some() && fsrs_note(Operation::Rebalance).is_some());
        assert_eq!(fsrs_note(Operation::Shift(1)), None);
    }

    #[test]
    fn sm2_cards_are_planned_as_before() {
        let t = Target {
            schedule: CardSchedule::Sm2 {
                due: Some(when().today),
                interval: Some(WholeInterval(4)),
                ease: Some(WholeEase(250)),
            },
        };
        let c = plan(
            Operation::Shift(2),
            std::slice::from_ref(&t),
            &when(),
            &Settings::default(),
            &Histogram::default(),
            1,
        );
        assert_eq!(
            c,
            compute(Operation::Shift(2), &[t], when().today, &Settings::default(), &Histogram::default(), 1)
        );
    }
}
