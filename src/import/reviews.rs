//! Anki's review log as records of recall's (`Op::Import`), so `stats`
//! counts the reviews done on the phone.
//!
//! Each answer row (ease 1–4) of a matched card becomes one record: the
//! answer, the time taken, the day (Anki's, rollover honoured) and the
//! schedule before and after. "After" is what the row says (interval in
//! days, or 0 while learning, from that day; ease from the row, except in
//! FSRS collections whose rows hold the difficulty there); "before" is the
//! previous row's "after", and for a card's first row the note's schedule
//! (none when the row is a new card's first step). Manual rows (ease 0)
//! update the chain but are not answers. A row whose Anki id is already in
//! the log is not logged again.

use std::collections::HashSet;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate};

use super::days::Calendar;
use super::matching::CardKey;
use super::{anki_review_id, review_detail};
use crate::anki::Review;
use crate::log::{Op, Record};
use crate::parse::CardSchedule;
use crate::schedule::Response;
use crate::schedule::{Ease, Interval, Schedule, Sm2, WholeInterval};
use crate::vault::Vault;

/// One Anki answer to log.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedReview {
    pub key: CardKey,
    /// Anki's review id (milliseconds since the epoch).
    pub anki_id: i64,
    /// The review day.
    pub day: NaiveDate,
    /// When, in local time.
    pub at: DateTime<FixedOffset>,
    pub response: Response,
    /// Time taken.
    pub ms: Option<u64>,
    pub before: Option<Schedule>,
    pub after: Option<Schedule>,
}

/// The Anki review ids the log already holds (effective imports).
#[must_use]
pub fn logged_ids(records: &[&Record]) -> HashSet<i64> {
    records
        .iter()
        .filter(|r| r.op == Op::Import)
        .filter_map(|r| r.detail.as_deref().and_then(anki_review_id))
        .collect()
}

fn response(ease: i64) -> Option<Response> {
    match ease {
        1 => Some(Response::Again),
        2 => Some(Response::Hard),
        3 => Some(Response::Good),
        4 => Some(Response::Easy),
        _ => None,
    }
}

/// The records-to-be of one card's rows (in time order); also returns how
/// many answers were already logged.
#[must_use]
pub fn chain<S: std::hash::BuildHasher>(
    key: CardKey,
    rows: &[&Review],
    current: &CardSchedule,
    base_ease: f64,
    fsrs: bool,
    cal: &Calendar,
    logged: &HashSet<i64, S>,
) -> (Vec<ImportedReview>, usize) {
    let mut out = Vec::new();
    let mut already = 0;
    let first_is_new = rows.first().is_some_and(|r| r.kind == 0 && r.last_ivl == 0);
    let mut before = if first_is_new { None } else { current.to_schedule() };
    let mut ease = current.interval_ease().1.map_or(Ease(base_ease), Ease::from);
    for row in rows {
        let (Some(day), Some(at)) = (cal.day_of(row.id), cal.local(row.id)) else { continue };
        if !fsrs && row.factor > 0 {
            ease = super::ease_of_factor(row.factor);
        }
        let after = if row.kind == 4 && row.ivl == 0 {
            // Forgotten (reset to new) in Anki.
            None
        } else {
            let days = row.ivl.clamp(0, 36_500);
            let due = day.checked_add_signed(Duration::days(days)).unwrap_or(day);
            Some(Schedule::Sm2(Sm2 { due, interval: Interval::from(WholeInterval(days)), ease }))
        };
        if let Some(resp) = response(row.ease) {
            if logged.contains(&row.id) {
                already += 1;
            } else {
                out.push(ImportedReview {
                    key,
                    anki_id: row.id,
                    day,
                    at,
                    response: resp,
                    ms: u64::try_from(row.time).ok().filter(|&t| t > 0 && t < 86_400_000),
                    before: before.clone(),
                    after: after.clone(),
                });
            }
        }
        before = after;
    }
    (out, already)
}

/// The log record of an imported review (`id` from a [`crate::log::Stamp`]).
#[must_use]
pub fn record(vault: &Vault, r: &ImportedReview, id: String) -> Record {
    let n = &vault.notes[r.key.note];
    let q = &n.note.questions[r.key.question];
    Record {
        id,
        ts: r.at.to_rfc3339_opts(chrono::SecondsFormat::Millis, false),
        day: r.day,
        op: Op::Import,
        path: n.path.clone(),
        line: q.first_line_no(),
        hash: q.hash(&n.note.text),
        sibling: r.key.sibling,
        response: Some(r.response),
        before: r.before.clone(),
        after: r.after.clone(),
        ms: r.ms,
        decks: q.decks.to_vec(),
        undoes: None,
        detail: Some(review_detail(r.anki_id)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anki::{Collection, Format};
    use crate::clock::Zone;
    use crate::schedule::WholeEase;

    fn collection() -> Collection {
        Collection {
            format: Format::Anki21b,
            schema: 18,
            crt: 1_796_097_600,
            creation_offset: Some(0),
            rollover: 4,
            fsrs: false,
            note_types: std::collections::BTreeMap::new(),
            notes: Vec::new(),
            cards: Vec::new(),
            revlog: Vec::new(),
        }
    }

    fn row(id: i64, ease: i64, ivl: i64, last_ivl: i64, factor: i64, kind: i64) -> Review {
        Review { id, cid: 1, ease, ivl, last_ivl, factor, time: 4200, kind }
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn a_new_card_learnt_then_reviewed() {
        let cal = Calendar::new(&collection(), Zone::utc()).expect("calendar");
        let key = CardKey { note: 0, question: 0, sibling: 1 };
        // 2026-12-01 10:00 UTC: Good (learning, 10 min), Good (graduates, 1 day);
        // next day Good (3 days); a manual reschedule (not an answer).
        let t = 1_796_119_200_000;
        let rows = [
            row(t, 3, -600, 0, 0, 0),
            row(t + 600_000, 3, 1, -600, 2500, 0),
            row(t + 86_400_000, 3, 3, 1, 2500, 1),
            row(t + 90_000_000, 0, 5, 3, 2500, 4),
        ];
        let refs: Vec<&Review> = rows.iter().collect();
        let (got, already) = chain(key, &refs, &CardSchedule::New, 250.0, false, &cal, &HashSet::from([t]));
        assert_eq!(already, 1);
        assert_eq!(got.len(), 2, "the first is logged already, the manual row is no answer");
        assert_eq!(got[0].day, d("2026-12-01"));
        assert_eq!(
            got[0].before,
            Some(Schedule::Sm2(Sm2 { due: d("2026-12-01"), interval: Interval(0.0), ease: Ease(250.0) }))
        );
        assert_eq!(
            got[0].after,
            Some(Schedule::Sm2(Sm2 { due: d("2026-12-02"), interval: Interval(1.0), ease: Ease(250.0) }))
        );
        assert_eq!(got[1].response, Response::Good);
        assert_eq!(
            got[1].after,
            Some(Schedule::Sm2(Sm2 { due: d("2026-12-05"), interval: Interval(3.0), ease: Ease(250.0) }))
        );
        assert_eq!(got[1].ms, Some(4200));
        assert_eq!(got[1].at.to_rfc3339(), "2026-12-02T10:00:00+00:00");
        let (all, _) = chain(key, &refs, &CardSchedule::New, 250.0, false, &cal, &HashSet::new());
        assert_eq!(all[0].before, None, "a new card's first step");
    }

    #[test]
    fn a_review_card_lapses_and_fsrs_factors_are_not_eases() {
        let cal = Calendar::new(&collection(), Zone::utc()).expect("calendar");
        let key = CardKey { note: 0, question: 0, sibling: 0 };
        let current = CardSchedule::Sm2 {
            due: Some(d("2026-11-20")),
            interval: Some(WholeInterval(13)),
            ease: Some(WholeEase(230)),
        };
        let rows = [row(1_796_119_200_000, 1, -600, 13, 2100, 1)];
        let refs: Vec<&Review> = rows.iter().collect();
        let (got, _) = chain(key, &refs, &current, 250.0, false, &cal, &HashSet::new());
        assert_eq!(got[0].response, Response::Again);
        assert_eq!(
            got[0].before,
            Some(Schedule::Sm2(Sm2 { due: d("2026-11-20"), interval: Interval(13.0), ease: Ease(230.0) }))
        );
        assert_eq!(
            got[0].after,
            Some(Schedule::Sm2(Sm2 { due: d("2026-12-01"), interval: Interval(0.0), ease: Ease(210.0) }))
        );
        let (fsrs, _) = chain(key, &refs, &current, 250.0, true, &cal, &HashSet::new());
        assert_eq!(
            fsrs[0].after.as_ref().map(Schedule::ease),
            Some(Ease(230.0)),
            "FSRS rows hold the difficulty"
        );
    }
}
