//! Time: the one place below the commands that knows what "now" is.
//!
//! Everything date-dependent takes a [`When`] (today's local date, the
//! instant `now`, and the time zone that turns one into the other) or asks a
//! [`Clock`] handed down by the command. Only [`SystemClock`] reads the real
//! clock; tests and `--now` / `--today` use a [`FixedClock`], which a test
//! can advance. The time zone is a value too ([`Zone`]): the process's local
//! zone (`TZ`), or a fixed offset in tests.

use std::sync::Mutex;

use chrono::{
    DateTime, Duration, FixedOffset, Local, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc,
};

/// The time zone that local dates and times are read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Zone {
    /// The process's local zone (`TZ`), as Obsidian and the plugin use it.
    #[default]
    Local,
    /// A fixed offset from UTC (tests).
    Fixed(FixedOffset),
}

impl Zone {
    /// UTC, as a fixed zone.
    #[must_use]
    pub fn utc() -> Zone {
        Zone::Fixed(FixedOffset::east_opt(0).unwrap_or_else(|| unreachable!("0 is a valid offset")))
    }

    /// The local date and time of an instant.
    #[must_use]
    pub fn local(self, t: DateTime<Utc>) -> NaiveDateTime {
        match self {
            Zone::Local => t.with_timezone(&Local).naive_local(),
            Zone::Fixed(o) => t.with_timezone(&o).naive_local(),
        }
    }

    /// An instant as local RFC 3339 with milliseconds and the offset.
    #[must_use]
    pub fn rfc3339(self, t: DateTime<Utc>) -> String {
        let f = chrono::SecondsFormat::Millis;
        match self {
            Zone::Local => t.with_timezone(&Local).to_rfc3339_opts(f, false),
            Zone::Fixed(o) => t.with_timezone(&o).to_rfc3339_opts(f, false),
        }
    }

    /// The local calendar date of an instant.
    #[must_use]
    pub fn date(self, t: DateTime<Utc>) -> NaiveDate {
        self.local(t).date()
    }

    /// The instant of a local date and time. A time that a daylight-saving
    /// change skips is read as the first valid instant after it; one that
    /// happens twice as the earlier one (what moment does).
    #[must_use]
    pub fn instant(self, local: NaiveDateTime) -> DateTime<Utc> {
        fn pick<Tz: TimeZone>(tz: &Tz, local: NaiveDateTime) -> DateTime<Utc> {
            let mut probe = local;
            for _ in 0..4 {
                match tz.from_local_datetime(&probe) {
                    LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => return t.with_timezone(&Utc),
                    LocalResult::None => probe += Duration::minutes(30),
                }
            }
            Utc.from_utc_datetime(&local)
        }
        match self {
            Zone::Local => pick(&Local, local),
            Zone::Fixed(o) => pick(&o, local),
        }
    }

    /// The instant of local midnight at the start of `date`.
    #[must_use]
    pub fn midnight(self, date: NaiveDate) -> DateTime<Utc> {
        self.instant(date.and_time(NaiveTime::MIN))
    }
}

/// The moment a command works at: today's local date, the instant `now`
/// and the zone. `today` is usually the local date of `now`; the plugin's
/// `startOfDay` may make it the day before (spec §g.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct When {
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
    pub zone: Zone,
}

impl When {
    /// 12:00 local time of `today`: what a pinned day means.
    #[must_use]
    pub fn noon_of(today: NaiveDate, zone: Zone) -> When {
        let noon = NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default();
        When { today, now: zone.instant(today.and_time(noon)), zone }
    }

    /// `now` with `today` its local date, after the plugin's start-of-day
    /// rule: a boundary `HH:MM:SS` applies only when all three are non-zero.
    #[must_use]
    pub fn at(now: DateTime<Utc>, zone: Zone, start_of_day: &str) -> When {
        let local = zone.local(now);
        let mut today = local.date();
        let parts: Vec<u32> = start_of_day.split(':').filter_map(|p| p.trim().parse().ok()).collect();
        if let [h, m, s] = parts[..]
            && h != 0
            && m != 0
            && s != 0
            && let Some(boundary) = NaiveTime::from_hms_opt(h, m, s)
            && local.time() < boundary
        {
            today = today.pred_opt().unwrap_or(today);
        }
        When { today, now, zone }
    }

    /// `now` as local date and time.
    #[must_use]
    pub fn local_now(&self) -> NaiveDateTime {
        self.zone.local(self.now)
    }

    /// The same moment with `now` replaced (a session as time passes).
    #[must_use]
    pub fn with_now(&self, now: DateTime<Utc>) -> When {
        When { now, ..*self }
    }
}

/// Where "now" comes from.
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;
}

/// The real clock. Only commands create one.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until told to move (`--now`, tests).
#[derive(Debug)]
pub struct FixedClock {
    now: Mutex<DateTime<Utc>>,
}

impl FixedClock {
    #[must_use]
    pub fn new(now: DateTime<Utc>) -> FixedClock {
        FixedClock { now: Mutex::new(now) }
    }

    /// Moves the clock forward (or back, for a negative duration).
    pub fn advance(&self, by: Duration) {
        let mut now = self.now.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *now += by;
    }

    /// Sets the clock.
    pub fn set(&self, to: DateTime<Utc>) {
        *self.now.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = to;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// What the command line pins: `--today` and `--now` (or their variables).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pin {
    pub today: Option<NaiveDate>,
    pub now: Option<DateTime<Utc>>,
}

impl Pin {
    /// True when either is pinned (a session then uses a fixed clock).
    #[must_use]
    pub fn is_pinned(&self) -> bool {
        self.today.is_some() || self.now.is_some()
    }

    /// The moment a command works at. `clock_now` is the real clock's
    /// reading, used when nothing is pinned. A pinned day alone means 12:00
    /// of it; a pinned instant gives today as its local date (start-of-day
    /// rule applied); both pinned must agree.
    pub fn resolve(&self, clock_now: DateTime<Utc>, zone: Zone, start_of_day: &str) -> Result<When, String> {
        match (self.today, self.now) {
            (Some(d), None) => Ok(When::noon_of(d, zone)),
            (None, Some(n)) => Ok(When::at(n, zone, start_of_day)),
            (Some(d), Some(n)) => {
                let w = When::at(n, zone, start_of_day);
                if w.today == d || zone.date(n) == d {
                    Ok(When { today: d, now: n, zone })
                } else {
                    Err(format!(
                        "--today {d} is not the local date of --now {} ({}); give one of them, or both for the same day",
                        n.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
                        zone.date(n)
                    ))
                }
            }
            (None, None) => Ok(When::at(clock_now, zone, start_of_day)),
        }
    }
}

/// Reads `YYYY-MM-DD` strictly: a four-digit year, two-digit month and day.
pub fn parse_day(s: &str) -> Result<NaiveDate, String> {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !digits(0..4) || !digits(5..7) || !digits(8..10) {
        return Err(format!("`{s}` is not a date: use YYYY-MM-DD with a four-digit year, e.g. 2026-12-01"));
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| format!("`{s}` is not a valid date (YYYY-MM-DD)"))
}

/// Reads an RFC 3339 timestamp strictly (`2026-12-01T09:30:00Z`, an
/// optional fraction, `Z` or an offset; a four-digit year).
pub fn parse_instant(s: &str) -> Result<DateTime<Utc>, String> {
    let bad = || {
        format!("`{s}` is not a time: use RFC 3339, e.g. 2026-12-01T09:30:00Z or 2026-12-01T10:30:00+01:00")
    };
    let b = s.as_bytes();
    if b.len() < 20 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' || !matches!(b[10], b'T' | b't')
    {
        return Err(bad());
    }
    DateTime::parse_from_rfc3339(s).map(|t| t.with_timezone(&Utc)).map_err(|_| bad())
}

/// Milliseconds from `a` to `b` (negative when `b` is earlier).
#[must_use]
pub fn millis_between(a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
    (b - a).num_milliseconds()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        parse_instant(s).expect("instant")
    }

    #[test]
    fn days_are_strict() {
        assert!(parse_day("2026-12-01").is_ok());
        for bad in ["26-12-01", "2026-1-01", "2026-12-1", "2026/12/01", "02026-12-01", "2026-13-01", ""] {
            assert!(parse_day(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn instants_are_strict() {
        assert_eq!(t("2024-06-20T12:00:00Z").to_rfc3339(), "2024-06-20T12:00:00+00:00");
        assert_eq!(
            t("2024-06-20T14:00:00.250+02:00").timestamp_millis(),
            t("2024-06-20T12:00:00.250Z").timestamp_millis()
        );
        for bad in ["2024-06-20", "24-06-20T12:00:00Z", "2024-06-20 12:00:00", "now"] {
            assert!(parse_instant(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn today_follows_the_zone_and_the_start_of_day_rule() {
        let plus2 = Zone::Fixed(FixedOffset::east_opt(2 * 3600).expect("offset"));
        let w = When::at(t("2024-06-20T23:30:00Z"), plus2, "00:00:00");
        assert_eq!(w.today, NaiveDate::from_ymd_opt(2024, 6, 21).expect("date"));
        // 04:00:00 has a zero part: ignored, as the plugin does.
        let w = When::at(t("2024-06-20T03:00:00Z"), Zone::utc(), "04:00:00");
        assert_eq!(w.today, NaiveDate::from_ymd_opt(2024, 6, 20).expect("date"));
        let w = When::at(t("2024-06-20T03:00:00Z"), Zone::utc(), "04:01:01");
        assert_eq!(w.today, NaiveDate::from_ymd_opt(2024, 6, 19).expect("date"));
    }

    #[test]
    fn noon_and_midnight() {
        let d = NaiveDate::from_ymd_opt(2024, 6, 20).expect("date");
        let plus2 = Zone::Fixed(FixedOffset::east_opt(2 * 3600).expect("offset"));
        assert_eq!(When::noon_of(d, plus2).now, t("2024-06-20T10:00:00Z"));
        assert_eq!(plus2.midnight(d), t("2024-06-19T22:00:00Z"));
    }

    #[test]
    fn a_fixed_clock_moves_only_when_told() {
        let c = FixedClock::new(t("2024-06-20T12:00:00Z"));
        assert_eq!(c.now(), c.now());
        c.advance(Duration::minutes(10));
        assert_eq!(c.now(), t("2024-06-20T12:10:00Z"));
    }
}
