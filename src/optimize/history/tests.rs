//! Histories from hand-written logs: what counts, in what order, and the
//! items the crate gets.

use chrono::NaiveDate;
use fsrs::FSRSReview;

use super::*;
use crate::log::effective;
use crate::schedule::{Ease, Interval, Schedule, Sm2};

fn d(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 3, day).expect("date")
}

fn sched(day: u32) -> Schedule {
    Schedule::Sm2(Sm2 { due: d(day), interval: Interval(1.0), ease: Ease(250.0) })
}

/// A record of card `hash` (in `n.md`, sibling 0) on March `day` at
/// 09:`minute`.
fn rec(id: &str, day: u32, minute: u32, op: Op, hash: &str, response: Option<Response>, new: bool) -> Record {
    Record {
        id: id.into(),
        ts: format!("2024-03-{day:02}T09:{minute:02}:00.000+01:00"),
        day: d(day),
        op,
        path: "n.md".into(),
        line: crate::parse::LineNo::new(3),
        hash: hash.into(),
        sibling: 0,
        response,
        before: if new { None } else { Some(sched(day)) },
        after: Some(sched(day + 1)),
        ms: None,
        decks: vec![],
        undoes: None,
        detail: None,
    }
}

fn answer(id: &str, day: u32, minute: u32, hash: &str, r: Response, new: bool) -> Record {
    rec(id, day, minute, Op::Review, hash, Some(r), new)
}

fn reviews(pairs: &[(u32, u32)]) -> Vec<FSRSReview> {
    pairs.iter().map(|&(rating, delta_t)| FSRSReview { rating, delta_t }).collect()
}

fn build(records: &[Record]) -> (Histories, Dataset) {
    let eff = effective(records);
    let h = histories(&eff);
    let ds = dataset(&h);
    (h, ds)
}

use Response::{Again, Easy, Good, Hard, Reset};

#[test]
fn one_card_gives_one_item_per_later_day_answer() {
    let log = [
        answer("1", 1, 0, "q", Good, true),
        answer("2", 1, 10, "q", Good, false),
        answer("3", 3, 0, "q", Good, false),
        answer("4", 10, 0, "q", Again, false),
        answer("5", 10, 10, "q", Hard, false),
        answer("6", 11, 0, "q", Easy, false),
    ];
    let (h, ds) = build(&log);
    assert_eq!(h.cards.len(), 1);
    assert_eq!(h.cards[0].answers.iter().map(|a| a.rating).collect::<Vec<_>>(), [3, 3, 3, 1, 2, 4]);
    let all = [(3, 0), (3, 0), (3, 2), (1, 7), (2, 0), (4, 1)];
    // The same-day repeats (answers 2 and 5) are in the histories of later
    // items but are no item of their own.
    let expected: Vec<_> = [3, 4, 6].iter().map(|&n| FSRSItem { reviews: reviews(&all[..n]) }).collect();
    assert_eq!(ds.items, expected);
    assert_eq!(ds.days, [d(3), d(10), d(11)]);
    assert_eq!((ds.cards, ds.reviews), (1, 6));
}

#[test]
fn a_card_is_its_path_hash_and_sibling_whatever_its_line() {
    let mut moved = answer("2", 4, 0, "q", Good, false);
    moved.line = crate::parse::LineNo::new(40);
    let mut sibling = answer("3", 4, 5, "q", Good, true);
    sibling.sibling = 1;
    let mut renamed = answer("4", 5, 0, "q", Good, false);
    renamed.path = "other.md".into();
    let log = [answer("1", 1, 0, "q", Good, true), moved, sibling, renamed];
    let (h, ds) = build(&log);
    let keys: Vec<(&str, usize, usize)> =
        h.cards.iter().map(|c| (c.key.path.as_str(), c.key.sibling, c.answers.len())).collect();
    assert_eq!(keys, [("n.md", 0, 2), ("n.md", 1, 1)]);
    // The renamed note's card starts mid-way: it is left out and counted.
    assert_eq!((h.started_before_log, h.started_before_log_answers), (1, 1));
    assert_eq!(ds.items, [FSRSItem { reviews: reviews(&[(3, 0), (3, 3)]) }]);
}

#[test]
fn undone_reschedule_fix_and_note_records_are_not_answers() {
    let mut undo = rec("u", 2, 1, Op::Undo, "q", None, false);
    undo.undoes = Some("2".into());
    let mut note = rec("n", 3, 0, Op::NoteReview, "", Some(Again), false);
    note.line = crate::parse::LineNo::new(0);
    let log = [
        answer("1", 1, 0, "q", Good, true),
        answer("2", 2, 0, "q", Again, false),
        undo,
        rec("r", 2, 5, Op::Reschedule, "q", None, false),
        rec("f", 2, 6, Op::Fix, "q", None, false),
        note,
        answer("3", 4, 0, "q", Good, false),
    ];
    let (h, ds) = build(&log);
    assert_eq!(
        h.cards[0].answers.iter().map(|a| (a.day, a.rating)).collect::<Vec<_>>(),
        [(d(1), 3), (d(4), 3)]
    );
    assert_eq!(ds.items, [FSRSItem { reviews: reviews(&[(3, 0), (3, 3)]) }]);
}

#[test]
fn a_reset_starts_the_history_over() {
    let mut to_new = rec("r", 6, 0, Op::Reschedule, "p", None, false);
    to_new.after = None;
    let log = [
        answer("1", 1, 0, "q", Good, true),
        answer("2", 3, 0, "q", Good, false),
        answer("3", 5, 0, "q", Reset, false),
        // After a Reset the card has a schedule again, but its history
        // starts here.
        answer("4", 5, 1, "q", Hard, false),
        answer("5", 7, 0, "q", Good, false),
        // A card scheduled before the log, then rescheduled to new.
        answer("6", 2, 0, "p", Good, false),
        to_new,
        answer("7", 8, 0, "p", Again, true),
        answer("8", 9, 0, "p", Good, false),
    ];
    let (h, ds) = build(&log);
    assert_eq!(h.started_before_log, 0);
    assert_eq!(
        ds.items,
        [FSRSItem { reviews: reviews(&[(2, 0), (3, 2)]) }, FSRSItem { reviews: reviews(&[(1, 0), (3, 1)]) }]
    );
}

#[test]
fn records_are_put_in_time_order_and_items_follow_the_clock() {
    // Appended out of order (an import of older answers comes later).
    let log = [
        answer("3", 9, 0, "a", Good, false),
        answer("1", 1, 0, "a", Good, true),
        answer("4", 6, 30, "b", Good, false),
        answer("2", 2, 0, "b", Again, true),
        // Same day, later in the log but earlier on the clock.
        answer("5", 6, 10, "b", Hard, false),
    ];
    let (_, ds) = build(&log);
    assert_eq!(
        ds.items,
        [FSRSItem { reviews: reviews(&[(1, 0), (2, 4)]) }, FSRSItem { reviews: reviews(&[(3, 0), (3, 8)]) },]
    );
    // Card ids follow the card order (a < b), items the clock.
    assert_eq!(ds.card_ids, [1, 0]);
    assert_eq!(ds.from_day(d(7)).0, vec![FSRSItem { reviews: reviews(&[(3, 0), (3, 8)]) }]);
}

#[test]
fn same_day_answers_alone_give_no_item() {
    let log = [answer("1", 1, 0, "q", Good, true), answer("2", 1, 10, "q", Good, false)];
    let (h, ds) = build(&log);
    assert_eq!(h.cards.len(), 1);
    assert_eq!(ds, Dataset::default());
}
