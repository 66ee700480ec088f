//! Note review counts for `stats`: new / due / scheduled notes per review
//! deck (a `tagsToReview` tag) and the note forecast, pure.
//!
//! A note counts once in `all` and once in every review deck it is in.
//! Due means `sr-due` ≤ today (overdue included), as `recall notes` says;
//! the forecast counts each scheduled note once on its due day, overdue
//! ones apart, as the card forecast does. A note whose `sr-due` cannot be
//! read is scheduled and in no day of the forecast.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use serde::Serialize;

use crate::notes::ReadSchedule;

/// New, due and scheduled notes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct NoteCounts {
    pub total: usize,
    pub new: usize,
    pub due: usize,
    pub scheduled: usize,
}

/// The counts of one review deck.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoteDeckCounts {
    pub deck: String,
    #[serde(flatten)]
    pub counts: NoteCounts,
}

/// Notes due on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoteDay {
    pub date: NaiveDate,
    pub notes: usize,
}

/// The note forecast.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoteForecast {
    /// Notes due before today.
    pub overdue: usize,
    /// Notes due in the forecast's days (overdue ones not included).
    pub total: usize,
    pub days: Vec<NoteDay>,
}

/// Everything `stats` says about note review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoteStats {
    pub all: NoteCounts,
    /// In `tagsToReview` order, only decks with a note.
    pub decks: Vec<NoteDeckCounts>,
    pub forecast: NoteForecast,
}

/// Notes counted one at a time.
#[derive(Debug, Clone, Default)]
pub struct NoteTally {
    all: NoteCounts,
    per_deck: BTreeMap<String, NoteCounts>,
    per_day: BTreeMap<NaiveDate, usize>,
    overdue: usize,
}

#[derive(Clone, Copy)]
enum Class {
    New,
    Due,
    Scheduled,
}

impl NoteCounts {
    fn add(&mut self, c: Class) {
        self.total += 1;
        match c {
            Class::New => self.new += 1,
            Class::Due => self.due += 1,
            Class::Scheduled => self.scheduled += 1,
        }
    }
}

impl NoteTally {
    /// Counts a note of the review queue (its decks and schedule).
    pub fn add(&mut self, decks: &[String], schedule: Option<ReadSchedule>, today: NaiveDate) {
        let class = match schedule.map(|s| s.due) {
            None => Class::New,
            Some(Some(d)) if d <= today => Class::Due,
            Some(_) => Class::Scheduled,
        };
        self.all.add(class);
        for d in decks {
            self.per_deck.entry(d.clone()).or_default().add(class);
        }
        match schedule.and_then(|s| s.due) {
            Some(d) if d < today => self.overdue += 1,
            Some(d) => *self.per_day.entry(d).or_default() += 1,
            None => {}
        }
    }

    /// The counts, decks in `order` (`tagsToReview`), and the forecast of
    /// `days` days from `today`.
    #[must_use]
    pub fn finish(mut self, order: &[String], today: NaiveDate, days: u32) -> NoteStats {
        let decks = order
            .iter()
            .filter_map(|d| self.per_deck.remove(d).map(|counts| NoteDeckCounts { deck: d.clone(), counts }))
            .collect();
        let mut per_day = vec![0usize; days as usize];
        for (d, n) in self.per_day {
            let off = (d - today).num_days();
            if let Some(slot) = usize::try_from(off).ok().and_then(|o| per_day.get_mut(o)) {
                *slot += n;
            }
        }
        let forecast = NoteForecast {
            overdue: self.overdue,
            total: per_day.iter().sum(),
            days: per_day
                .into_iter()
                .enumerate()
                .map(|(i, notes)| NoteDay {
                    date: today.checked_add_days(Days::new(i as u64)).unwrap_or(NaiveDate::MAX),
                    notes,
                })
                .collect(),
        };
        NoteStats { all: self.all, decks, forecast }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn at(due: Option<&str>) -> ReadSchedule {
        ReadSchedule { due: due.map(d), interval: 3.0, ease: 250.0 }
    }

    #[test]
    fn counts_per_deck_and_the_forecast() {
        let today = d("2024-06-20");
        let review = vec!["#review".to_owned()];
        let both = vec!["#review".to_owned(), "#study".to_owned()];
        let mut t = NoteTally::default();
        t.add(&review, None, today);
        t.add(&both, Some(at(Some("2024-06-18"))), today);
        t.add(&review, Some(at(Some("2024-06-20"))), today);
        t.add(&both, Some(at(Some("2024-06-22"))), today);
        t.add(&review, Some(at(None)), today);
        t.add(&review, Some(at(Some("2024-09-01"))), today);
        let s = t.finish(&["#study".into(), "#review".into(), "#none".into()], today, 7);
        assert_eq!(s.all, NoteCounts { total: 6, new: 1, due: 2, scheduled: 3 });
        let decks: Vec<(&str, NoteCounts)> = s.decks.iter().map(|x| (x.deck.as_str(), x.counts)).collect();
        assert_eq!(
            decks,
            [
                ("#study", NoteCounts { total: 2, new: 0, due: 1, scheduled: 1 }),
                ("#review", NoteCounts { total: 6, new: 1, due: 2, scheduled: 3 }),
            ]
        );
        assert_eq!(s.forecast.overdue, 1);
        assert_eq!(s.forecast.total, 2);
        let days: Vec<usize> = s.forecast.days.iter().map(|x| x.notes).collect();
        assert_eq!(days, [1, 0, 1, 0, 0, 0, 0]);
        assert_eq!(s.forecast.days[0].date, today);
    }
}
