//! Review history: the answers of the review log (undone ones dropped,
//! future days ignored) as reviews per day, a 12-week calendar, answer
//! buttons, true retention, answer time and streaks.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Days, NaiveDate};
use serde::Serialize;

use super::{HEATMAP_WEEKS, MATURE_DAYS};
use crate::log::{Op, Record};
use crate::schedule::{Interval, Response};

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
    r.before.as_ref().map(|b| b.interval() >= Interval::from(MATURE_DAYS))
}

/// Statistics of the answers in `records` (effective ones, already filtered
/// to the notes and decks asked for); `days` is the history window.
#[must_use]
pub fn log_stats(
    records: &[&Record],
    present: bool,
    bad_lines: usize,
    today: NaiveDate,
    days: u32,
) -> LogStats {
    let answers = answers(records, today);
    let window_from = days_before(today, u64::from(days) - 1);
    let Tallied { per_day, all_days, buttons, time } = tally(&answers, window_from);
    let reviews_per_day: Vec<ReviewDay> = day_list(window_from, today)
        .into_iter()
        .map(|d| {
            per_day.get(&d).cloned().unwrap_or(ReviewDay { date: d, reviews: 0, new: 0, again: 0, ms: 0 })
        })
        .collect();
    let days_studied = reviews_per_day.iter().filter(|d| d.reviews > 0).count();
    let first_day = all_days.first().copied();
    LogStats {
        present,
        answers: answers.len(),
        bad_lines,
        first_day,
        days_studied,
        reviews_per_day,
        heatmap: heatmap(&per_day, today),
        buttons,
        retention: retention(&answers, today, first_day),
        answer_time: time,
        streak: streak(&all_days, today),
    }
}

/// The answers counted by day, and by button and time within the window.
struct Tallied {
    per_day: BTreeMap<NaiveDate, ReviewDay>,
    all_days: BTreeSet<NaiveDate>,
    buttons: Buttons,
    time: AnswerTime,
}

fn tally(answers: &[(&Record, Response)], window_from: NaiveDate) -> Tallied {
    let mut per_day: BTreeMap<NaiveDate, ReviewDay> = BTreeMap::new();
    let mut all_days: BTreeSet<NaiveDate> = BTreeSet::new();
    let mut buttons = Buttons::default();
    let mut time = AnswerTime::default();
    for (r, resp) in answers {
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
    Tallied { per_day, all_days, buttons, time }
}

/// The days from `from` to `today`.
fn day_list(from: NaiveDate, today: NaiveDate) -> Vec<NaiveDate> {
    from.iter_days().take_while(|d| *d <= today).collect()
}

/// The calendar: the weeks up to today's, from a Monday.
fn heatmap(per_day: &BTreeMap<NaiveDate, ReviewDay>, today: NaiveDate) -> Heatmap {
    let monday = days_before(today, u64::from(today.weekday().num_days_from_monday()));
    let heat_from = days_before(monday, 7 * (HEATMAP_WEEKS - 1));
    Heatmap {
        from: heat_from,
        to: today,
        days: day_list(heat_from, today)
            .into_iter()
            .map(|d| HeatDay { date: d, reviews: per_day.get(&d).map_or(0, |x| x.reviews) })
            .collect(),
    }
}

/// True retention for today, 7, 30 and 365 days, and all time (from
/// `first_day`).
fn retention(
    answers: &[(&Record, Response)],
    today: NaiveDate,
    first_day: Option<NaiveDate>,
) -> Vec<Retention> {
    let periods: [(&'static str, Option<NaiveDate>); 5] = [
        ("today", Some(today)),
        ("7d", Some(days_before(today, 6))),
        ("30d", Some(days_before(today, 29))),
        ("365d", Some(days_before(today, 364))),
        ("all", first_day),
    ];
    periods
        .iter()
        .map(|&(period, from)| {
            let mut row = Retention {
                period,
                from,
                young: Rate::default(),
                mature: Rate::default(),
                total: Rate::default(),
            };
            for (r, resp) in answers {
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
        .collect()
}

/// The current streak (ending today, or yesterday while today has no
/// answer yet) and the longest.
fn streak(all_days: &BTreeSet<NaiveDate>, today: NaiveDate) -> Streak {
    let studied = |d: NaiveDate| all_days.contains(&d);
    let studied_today = studied(today);
    let mut current = 0;
    let mut day = if studied_today { Some(today) } else { today.pred_opt() };
    while let Some(d) = day.filter(|d| studied(*d)) {
        current += 1;
        day = d.pred_opt();
    }
    let (mut longest, mut run, mut prev): (usize, usize, Option<NaiveDate>) = (0, 0, None);
    for &d in all_days {
        run = if prev.and_then(|p| p.succ_opt()) == Some(d) { run + 1 } else { 1 };
        longest = longest.max(run);
        prev = Some(d);
    }
    Streak { current, longest, studied_today }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::{Ease, Schedule, Sm2};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    const TODAY: NaiveDate = match NaiveDate::from_ymd_opt(2024, 6, 20) {
        Some(d) => d,
        None => panic!("date"),
    };

    fn rec(day: NaiveDate, resp: Response, before_ivl: Option<f64>, ms: Option<u64>) -> Record {
        Record {
            id: format!("{day}-{resp}"),
            ts: String::new(),
            day,
            op: Op::Review,
            path: "n.md".into(),
            line: crate::parse::LineNo::new(1),
            hash: crate::parse::QuestionHash::default(),
            sibling: 0,
            response: Some(resp),
            before: before_ivl.map(|interval| {
                Schedule::Sm2(Sm2 { due: day, interval: Interval(interval), ease: Ease(250.0) })
            }),
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
