//! One note review as the log records it, shared by `recall grade PATH`
//! and the note session so both log exactly the same thing: an
//! [`Op::NoteReview`] record with no line, hash or sibling, the note's
//! review decks, the schedule read before (when it was a complete one)
//! and the new one.

use chrono::NaiveDate;

use super::ReadSchedule;
use crate::log::{CardRef, Op, Record, Stamp};
use crate::schedule::{Ease, Interval, Response, Schedule, Sm2};

/// The schedule a record logs as `before`: only a readable, complete one.
#[must_use]
pub fn logged(s: ReadSchedule) -> Option<Schedule> {
    if !s.readable_numbers() {
        return None;
    }
    Some(Schedule::Sm2(Sm2 { due: s.due?, interval: Interval(s.interval), ease: Ease(s.ease) }))
}

/// The record of reviewing the note at `path` (in `decks`) `response` on
/// `day`, from `before` to `next`.
#[must_use]
pub fn review_record(
    stamp: Stamp,
    day: NaiveDate,
    path: &str,
    decks: Vec<String>,
    response: Response,
    before: Option<ReadSchedule>,
    next: &Sm2,
) -> Record {
    let card = CardRef {
        path: path.into(),
        line: crate::parse::LineNo::new(0),
        hash: crate::parse::QuestionHash::default(),
        sibling: 0,
        decks,
    };
    Record::answer(
        stamp,
        day,
        Op::NoteReview,
        card,
        response,
        before.and_then(logged),
        Some(Schedule::Sm2(*next)),
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreadable_schedule_logs_no_before() {
        let day = NaiveDate::from_ymd_opt(2024, 6, 1).expect("date");
        let ok = ReadSchedule { due: Some(day), interval: 3.0, ease: 250.0 };
        assert!(logged(ok).is_some());
        assert!(logged(ReadSchedule { interval: f64::NAN, ..ok }).is_none());
        assert!(logged(ReadSchedule { due: None, ..ok }).is_none());
        let next = Sm2 { due: day, interval: Interval(4.0), ease: Ease(270.0) };
        let stamp = Stamp { id: "i".into(), ts: "t".into() };
        let r = review_record(stamp, day, "a.md", vec!["#review".into()], Response::Easy, Some(ok), &next);
        assert_eq!(r.op, Op::NoteReview);
        assert_eq!(r.path, "a.md");
        assert_eq!(r.line, 0);
        assert_eq!(r.after, Some(Schedule::Sm2(next)));
    }
}
