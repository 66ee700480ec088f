//! Anki's days as calendar dates.
//!
//! A review card is due `due` days after the collection's creation day; Anki
//! counts a day as starting at the rollover hour in local time. With the
//! creation offset recorded (every collection since Anki 2.1.20), the day
//! the collection was created is the date of `crt` at that offset, and day
//! `n` is that date plus `n`; older collections are read the same way at the
//! local offset. A review at a given instant belongs to the local date of
//! that instant less the rollover hours (a 2 am review with the default 4 am
//! rollover counts for the day before).
//!
//! The time zone is a value ([`Zone`]): the command passes the vault's,
//! tests a fixed one.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime, Utc};

use crate::anki::Collection;
use crate::clock::Zone;

/// Converts a collection's day numbers and timestamps to local dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Calendar {
    /// The collection's day 0.
    pub day0: NaiveDate,
    /// The hour the day starts.
    pub rollover: u8,
    pub zone: Zone,
}

impl Calendar {
    /// The calendar of `col` read in `zone`; `None` when its creation time
    /// is not a date.
    #[must_use]
    pub fn new(col: &Collection, zone: Zone) -> Option<Calendar> {
        let created = DateTime::from_timestamp(col.crt, 0)?;
        let day0 = match col.creation_offset {
            Some(minutes_west) => {
                created.with_timezone(&FixedOffset::west_opt(minutes_west * 60)?).date_naive()
            }
            None => zone.date(created),
        };
        Some(Calendar { day0, rollover: col.rollover, zone })
    }

    /// The date of Anki day `n` (a review card's `due`).
    #[must_use]
    pub fn date_of_day(&self, n: i64) -> Option<NaiveDate> {
        self.day0.checked_add_signed(Duration::try_days(n)?)
    }

    /// The local time of an instant in milliseconds (a review id), with its
    /// UTC offset.
    #[must_use]
    pub fn local(&self, ms: i64) -> Option<DateTime<FixedOffset>> {
        let utc = DateTime::from_timestamp_millis(ms)?;
        let offset = (self.zone.local(utc) - utc.naive_utc()).num_seconds();
        Some(utc.with_timezone(&FixedOffset::east_opt(i32::try_from(offset).ok()?)?))
    }

    /// The Anki day (as a date) an instant in milliseconds belongs to.
    #[must_use]
    pub fn day_of(&self, ms: i64) -> Option<NaiveDate> {
        let local = self.local(ms)?;
        Some((local.naive_local() - Duration::hours(i64::from(self.rollover))).date())
    }

    /// The instant of `date` at the local time of day of `at`: an FSRS due
    /// on Anki's due day, at the hour of the last review.
    #[must_use]
    pub fn on_day_at(&self, date: NaiveDate, at: DateTime<Utc>) -> DateTime<Utc> {
        let time: NaiveTime = self.zone.local(at).time();
        self.zone.instant(date.and_time(time))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anki::Format;

    fn col(crt: i64, creation_offset: Option<i32>, rollover: u8) -> Collection {
        Collection {
            format: Format::Anki21b,
            schema: 18,
            crt,
            creation_offset,
            rollover,
            fsrs: false,
            note_types: std::collections::BTreeMap::new(),
            notes: Vec::new(),
            cards: Vec::new(),
            revlog: Vec::new(),
        }
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn ms(s: &str) -> i64 {
        DateTime::parse_from_rfc3339(s).expect("time").timestamp_millis()
    }

    #[test]
    fn due_days_count_from_the_creation_date_at_its_offset() {
        let utc = Zone::utc();
        // Anki's own new collection: created at 04:00 UTC on 2026-12-01.
        let c = col(1_796_097_600, Some(0), 4);
        let cal = Calendar::new(&c, utc).expect("calendar");
        assert_eq!(cal.day0, d("2026-12-01"));
        assert_eq!(cal.date_of_day(72), Some(d("2027-02-11")));
        assert_eq!(cal.date_of_day(-11), Some(d("2026-11-20")));
        assert_eq!(cal.date_of_day(i64::MAX), None);
        // Created at 23:30 UTC, in a zone 10 hours east (creationOffset −600):
        // the next local day.
        let c = col(ms("2026-12-01T23:30:00Z") / 1000, Some(-600), 4);
        assert_eq!(Calendar::new(&c, utc).expect("cal").day0, d("2026-12-02"));
        // No creation offset: the local one is used.
        let east = Zone::Fixed(FixedOffset::east_opt(10 * 3600).expect("east"));
        let c = col(ms("2026-12-01T23:30:00Z") / 1000, None, 4);
        assert_eq!(Calendar::new(&c, east).expect("cal").day0, d("2026-12-02"));
    }

    #[test]
    fn reviews_before_the_rollover_count_for_the_day_before() {
        let berlin = Zone::Fixed(FixedOffset::east_opt(3600).expect("cet"));
        let cal = Calendar::new(&col(1_796_097_600, Some(0), 4), berlin).expect("calendar");
        // 02:30 UTC = 03:30 local: before 4 am, the day before.
        assert_eq!(cal.day_of(ms("2026-12-05T02:30:00Z")), Some(d("2026-12-04")));
        assert_eq!(cal.day_of(ms("2026-12-05T03:00:00Z")), Some(d("2026-12-05")));
        let cal = Calendar { rollover: 0, ..cal };
        assert_eq!(cal.day_of(ms("2026-12-04T23:30:00Z")), Some(d("2026-12-05")));
        assert_eq!(cal.day_of(i64::MAX), None);
        assert_eq!(
            cal.local(ms("2026-12-05T02:30:00Z")).map(|t| t.to_rfc3339()),
            Some("2026-12-05T03:30:00+01:00".into())
        );
        let at = DateTime::parse_from_rfc3339("2026-12-05T18:15:00Z").expect("t").to_utc();
        assert_eq!(cal.on_day_at(d("2026-12-20"), at).to_rfc3339(), "2026-12-20T18:15:00+00:00");
    }
}
