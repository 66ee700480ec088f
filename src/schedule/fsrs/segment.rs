//! The FSRS segment of a schedule comment (spec §b.4):
//! `fsrs,<due>,<interval>,<stability>,<difficulty>,<state>,<reps>,<lapses>,<learningSteps>,<lastReview|->`.
//!
//! Read as the plugin reads it: numbers with `parseFloat`/`parseInt`
//! (so `NaN` is kept), timestamps with `moment(str)`. recall reads the
//! ISO-8601 forms moment parses itself, which include everything the plugin
//! writes: a calendar date (`2024-01-05`, `2024-01`, `20240105`), optionally
//! a time after `T` or a space (`09`, `09:10`, `09:10:00`, `09:10:00.123`
//! with any number of fraction digits, or `0910`, `091000` after a basic
//! date), and after a time optionally `Z` or an offset (`+01:00`, `+0100`,
//! `+01`). Leading white space is allowed, trailing is not. A timestamp
//! with no zone is local time for moment: it is kept as [`Stamp::Floating`]
//! for the caller to place (read as UTC otherwise). Anything else — ISO week
//! and ordinal dates, six-digit years, and the forms moment hands to
//! `new Date()` (RFC 2822, `Jan 5 2024`, a lowercase `z`) — is kept verbatim
//! as [`Stamp::Invalid`], as if moment had not read it.
//!
//! Written as the plugin writes it: timestamps with `toISOString()`,
//! numbers with JavaScript's `Number→String`. An unreadable timestamp is
//! written back as it was, so writing what was read and reading it again
//! gives the same segment — except for a count of 1e21 or more, which
//! JavaScript writes as `1e+21` and `parseInt` then reads as 1: the plugin
//! drifts the same way, and recall follows it.

use chrono::{DateTime, Days, NaiveDate, NaiveDateTime, NaiveTime, Utc};

use super::js::{from_millis, is_js_space, js_number_string, js_parse_float, js_parse_int, to_iso_string};
use super::{Card, FsrsError, State};

/// A timestamp of a segment, as moment read it.
#[derive(Debug, Clone, PartialEq)]
pub enum Stamp {
    /// An instant (the text had `Z` or an offset).
    At(DateTime<Utc>),
    /// A local date and time with no zone (moment reads it in local time).
    Floating(NaiveDateTime),
    /// Text that is not a timestamp recall reads, kept verbatim.
    Invalid(String),
}

impl Stamp {
    /// Reads a timestamp field the way `moment(text)` does (see the module
    /// docs for the forms recall reads).
    #[must_use]
    pub fn parse(text: &str) -> Stamp {
        match parse_moment(text) {
            Some(Parsed::At(t)) => Stamp::At(t),
            Some(Parsed::Floating(t)) => Stamp::Floating(t),
            None => Stamp::Invalid(text.to_owned()),
        }
    }

    /// The instant, taking a zone-less time as UTC; `None` when invalid.
    #[must_use]
    pub fn instant(&self) -> Option<DateTime<Utc>> {
        match self {
            Stamp::At(t) => Some(*t),
            Stamp::Floating(t) => Some(t.and_utc()),
            Stamp::Invalid(_) => None,
        }
    }

    /// Places a zone-less time with `local` (the caller's time zone);
    /// `None` from `local` makes it invalid.
    #[must_use]
    pub fn placed(self, local: impl Fn(NaiveDateTime) -> Option<DateTime<Utc>>) -> Stamp {
        match self {
            Stamp::Floating(t) => match local(t) {
                Some(at) => Stamp::At(at),
                None => Stamp::Invalid(t.format("%Y-%m-%dT%H:%M:%S%.3f").to_string()),
            },
            other => other,
        }
    }

    pub fn format(&self) -> String {
        match self {
            Stamp::Invalid(raw) => raw.clone(),
            _ => self.instant().map(to_iso_string).unwrap_or_default(),
        }
    }
}

/// The fields of an FSRS segment, as the plugin holds them after reading.
#[derive(Debug, Clone, PartialEq)]
pub struct FsrsSegment {
    pub due: Stamp,
    /// `scheduled_days`.
    pub interval: f64,
    pub stability: f64,
    pub difficulty: f64,
    pub state: f64,
    pub reps: f64,
    pub lapses: f64,
    pub learning_steps: f64,
    /// `None` for `-` (never reviewed) or a missing field; moment reads a
    /// missing field as the current time, which ts-fsrs schedules exactly
    /// like no last review.
    pub last_review: Option<Stamp>,
}

impl FsrsSegment {
    /// The same fields, a NaN (a missing or unreadable number, which the
    /// plugin keeps) equal to a NaN, which `==` never finds.
    #[must_use]
    pub fn same_fields(&self, other: &FsrsSegment) -> bool {
        let n = |a: f64, b: f64| a == b || (a.is_nan() && b.is_nan());
        self.due == other.due
            && self.last_review == other.last_review
            && n(self.interval, other.interval)
            && n(self.stability, other.stability)
            && n(self.difficulty, other.difficulty)
            && n(self.state, other.state)
            && n(self.reps, other.reps)
            && n(self.lapses, other.lapses)
            && n(self.learning_steps, other.learning_steps)
    }

    /// Reads a trimmed segment without its `!` (`fsrs,2024-…`). `None` when
    /// the plugin would not read it as FSRS: no `fsrs,` prefix, or a due of
    /// `-` (the plugin then treats the card as new).
    #[must_use]
    pub fn parse(raw: &str) -> Option<FsrsSegment> {
        let rest = raw.strip_prefix("fsrs,")?;
        let fields: Vec<&str> = rest.split(',').collect();
        let field = |i: usize| fields.get(i).copied();
        let due = field(0).unwrap_or_default();
        if due == "-" {
            return None;
        }
        let float = |i: usize| field(i).map_or(f64::NAN, js_parse_float);
        let int = |i: usize| field(i).map_or(f64::NAN, js_parse_int);
        Some(FsrsSegment {
            due: Stamp::parse(due),
            interval: float(1),
            stability: float(2),
            difficulty: float(3),
            state: int(4),
            reps: int(5),
            lapses: int(6),
            learning_steps: int(7),
            last_review: field(8).filter(|s| *s != "-").map(Stamp::parse),
        })
    }

    /// The segment of a card ts-fsrs returned.
    #[must_use]
    pub fn from_card(card: &Card) -> FsrsSegment {
        FsrsSegment {
            due: Stamp::At(card.due),
            interval: card.scheduled_days,
            stability: card.stability,
            difficulty: card.difficulty,
            state: card.state.number(),
            reps: card.reps,
            lapses: card.lapses,
            learning_steps: card.learning_steps,
            last_review: card.last_review.map(Stamp::At),
        }
    }

    /// Places zone-less timestamps in the caller's time zone.
    #[must_use]
    pub fn placed(self, local: impl Fn(NaiveDateTime) -> Option<DateTime<Utc>> + Copy) -> FsrsSegment {
        FsrsSegment {
            due: self.due.placed(local),
            last_review: self.last_review.map(|s| s.placed(local)),
            ..self
        }
    }

    /// The card the plugin hands to ts-fsrs (`toFsrsCardInput(now)`).
    /// Fails where ts-fsrs or the plugin cannot go on: a due that is not a
    /// timestamp (the plugin never shows such a card), a state other than
    /// 0-3, or an unreadable last review on a card that is not new.
    pub fn to_card(&self, now: DateTime<Utc>) -> Result<Card, FsrsError> {
        let due = self.due.instant().ok_or_else(|| FsrsError::InvalidDue(self.due.format()))?;
        let state = State::from_number(self.state).ok_or(FsrsError::UnknownState(self.state))?;
        let last_review = match &self.last_review {
            None => None,
            Some(stamp) => match stamp.instant() {
                Some(t) => Some(t),
                // A new card's last review is never read.
                None if state == State::New => None,
                None => return Err(FsrsError::InvalidLastReview(stamp.format())),
            },
        };
        let since = super::js::millis(now) - super::js::millis(last_review.unwrap_or(now));
        Ok(Card {
            due,
            stability: self.stability,
            difficulty: self.difficulty,
            elapsed_days: super::js::js_max(0.0, (since / 86_400_000.0).trunc()),
            scheduled_days: self.interval,
            learning_steps: self.learning_steps,
            reps: self.reps,
            lapses: self.lapses,
            state,
            last_review,
        })
    }

    /// The exact segment text the plugin writes, with its `!`.
    #[must_use]
    pub fn format(&self) -> String {
        let n = js_number_string;
        format!(
            "!fsrs,{},{},{},{},{},{},{},{},{}",
            self.due.format(),
            n(self.interval),
            n(self.stability),
            n(self.difficulty),
            n(self.state),
            n(self.reps),
            n(self.lapses),
            n(self.learning_steps),
            self.last_review.as_ref().map_or_else(|| "-".to_owned(), Stamp::format)
        )
    }
}

enum Parsed {
    At(DateTime<Utc>),
    Floating(NaiveDateTime),
}

/// A run of ASCII digits at the start of `s`.
fn digits(s: &str) -> &str {
    &s[..s.bytes().take_while(u8::is_ascii_digit).count()]
}

fn number(s: &str) -> u32 {
    s.parse().unwrap_or(u32::MAX)
}

/// moment's ISO-8601 reading (plus its `/Date(ms)` form), `None` where it
/// would not read the text.
#[expect(
    clippy::too_many_lines,
    reason = "moment's ISO-8601 reading, date then time then offset, kept in moment's order"
)]
fn parse_moment(text: &str) -> Option<Parsed> {
    let lower = text.to_ascii_lowercase();
    if let Some(ms) = lower.strip_prefix("/date(").or_else(|| lower.strip_prefix("date(")) {
        let neg = ms.starts_with('-');
        let body = digits(if neg { &ms[1..] } else { ms });
        if !body.is_empty() {
            let v: f64 = body.parse().ok()?;
            return from_millis(if neg { -v } else { v }).map(Parsed::At);
        }
    }
    let s = text.trim_start_matches(is_js_space);
    // Date: YYYY-MM-DD, YYYY-MM (no time allowed), or basic YYYYMMDD.
    let year = s.get(..4).unwrap_or_default();
    if year.len() != 4 || digits(year).len() != 4 {
        return None;
    }
    let rest = &s[4..];
    let (month, day, rest, basic, allow_time) = if let Some(r) = rest.strip_prefix('-') {
        let m = r.get(..2).unwrap_or_default();
        if digits(m).len() != 2 {
            return None;
        }
        let r = &r[2..];
        match r.strip_prefix('-') {
            Some(r2) => {
                let d = r2.get(..2).unwrap_or_default();
                if digits(d).len() != 2 || !digits(&r2[2..]).is_empty() {
                    return None;
                }
                (number(m), number(d), &r2[2..], false, true)
            }
            None if r.is_empty() || !r.as_bytes()[0].is_ascii_digit() => (number(m), 1, r, false, false),
            None => return None,
        }
    } else {
        let run = digits(rest);
        if run.len() != 4 {
            return None;
        }
        (number(&run[..2]), number(&run[2..]), &rest[4..], true, true)
    };
    let date = NaiveDate::from_ymd_opt(number(year) as i32, month, day)?;
    if rest.is_empty() {
        return Some(Parsed::Floating(date.and_time(NaiveTime::MIN)));
    }
    let time = rest.strip_prefix('T').or_else(|| rest.strip_prefix(' '))?;
    if !allow_time {
        return None;
    }
    // Time: HH[:mm[:ss[.f]]] (extended) or HH[mm[ss[.f]]] (basic).
    let mut fields = [0u32; 3];
    let mut at = time;
    for (i, field) in fields.iter_mut().enumerate() {
        let body = if i == 0 {
            Some(at)
        } else if basic {
            at.as_bytes().first().filter(|b| b.is_ascii_digit()).map(|_| at)
        } else {
            at.strip_prefix(':')
        };
        let Some(body) = body else { break };
        let two = body.get(..2).unwrap_or_default();
        if digits(two).len() != 2 {
            return None;
        }
        *field = number(two);
        at = &body[2..];
        if i == 2 || (basic && digits(at).is_empty()) {
            break;
        }
    }
    let seconds_given = time.len() - at.len() >= if basic { 6 } else { 8 };
    let mut millis = 0u32;
    if seconds_given && let Some(frac) = at.strip_prefix(['.', ',']) {
        let f = digits(frac);
        if f.is_empty() {
            return None;
        }
        // moment: toInt(('0.' + digits) * 1000), truncating.
        millis = (format!("0.{f}").parse::<f64>().unwrap_or(0.0) * 1000.0).trunc() as u32;
        at = &frac[f.len()..];
    }
    // Zone: Z (white space allowed before it) or ±HH[[:]mm].
    let offset_minutes = if at.is_empty() {
        None
    } else if at.trim_start_matches(is_js_space) == "Z" {
        Some(0i64)
    } else {
        let sign = match at.as_bytes()[0] {
            b'+' => 1,
            b'-' => -1,
            _ => return None,
        };
        let z = &at[1..];
        let h = digits(z);
        let (hours, minutes) = match (h.len(), z.len()) {
            (2, 2) => (number(h), 0),
            (2, 5) if z.as_bytes()[2] == b':' && digits(&z[3..]).len() == 2 => (number(h), number(&z[3..])),
            (4, 4) => (number(&h[..2]), number(&h[2..])),
            _ => return None,
        };
        Some(sign * (i64::from(hours) * 60 + i64::from(minutes)))
    };
    let [hour, minute, second] = fields;
    let (date, hour) = if hour == 24 && minute == 0 && second == 0 && millis == 0 {
        (date.checked_add_days(Days::new(1))?, 0)
    } else {
        (date, hour)
    };
    let naive = date.and_hms_milli_opt(hour, minute, second, millis)?;
    match offset_minutes {
        None => Some(Parsed::Floating(naive)),
        Some(m) => naive.and_utc().checked_sub_signed(chrono::Duration::minutes(m)).map(Parsed::At),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32, ms: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, s).single().expect("valid")
            + chrono::Duration::milliseconds(i64::from(ms))
    }

    #[test]
    fn reads_the_timestamps_moment_reads() {
        let at = |s: &str| match Stamp::parse(s) {
            Stamp::At(t) => Some(to_iso_string(t)),
            _ => None,
        };
        let floating = |s: &str| match Stamp::parse(s) {
            Stamp::Floating(t) => Some(t.format("%Y-%m-%dT%H:%M:%S%.3f").to_string()),
            _ => None,
        };
        assert_eq!(at("2024-01-05T09:10:00.000Z").as_deref(), Some("2024-01-05T09:10:00.000Z"));
        assert_eq!(at("2024-01-05T09:10:00Z").as_deref(), Some("2024-01-05T09:10:00.000Z"));
        assert_eq!(at("2024-01-05T09:10Z").as_deref(), Some("2024-01-05T09:10:00.000Z"));
        assert_eq!(at("2024-01-05 09:10:00.5 Z").as_deref(), Some("2024-01-05T09:10:00.500Z"));
        assert_eq!(at("2024-01-05T10:10:00+01:00").as_deref(), Some("2024-01-05T09:10:00.000Z"));
        assert_eq!(at("2024-01-05T10:40:00+0130").as_deref(), Some("2024-01-05T09:10:00.000Z"));
        assert_eq!(at("2024-01-05T04:10:00-05").as_deref(), Some("2024-01-05T09:10:00.000Z"));
        assert_eq!(at("2024-01-05T09:10:00,1239Z").as_deref(), Some("2024-01-05T09:10:00.123Z"));
        // moment's own float rounding: ('0.57' * 1000) truncated.
        assert_eq!(at("2024-01-05T09:10:00.57Z").as_deref(), Some("2024-01-05T09:10:00.570Z"));
        assert_eq!(at("20240105T091000Z").as_deref(), Some("2024-01-05T09:10:00.000Z"));
        assert_eq!(at("  2024-01-05T09:10:00.000Z").as_deref(), Some("2024-01-05T09:10:00.000Z"));
        assert_eq!(at("2024-01-05T24:00:00Z").as_deref(), Some("2024-01-06T00:00:00.000Z"));
        assert_eq!(at("/Date(1704445800000)").as_deref(), Some("2024-01-05T09:10:00.000Z"));
        assert_eq!(floating("2024-01-05").as_deref(), Some("2024-01-05T00:00:00.000"));
        assert_eq!(floating("2024-01").as_deref(), Some("2024-01-01T00:00:00.000"));
        assert_eq!(floating("2024-01-05T09:10").as_deref(), Some("2024-01-05T09:10:00.000"));
        for bad in [
            "",
            "garbage",
            "2024-01-05T09:10:00.000Z ",
            "2024-01-05T09:10:00.000z",
            "2024-13-05T09:10:00Z",
            "2024-02-30",
            "2024-01-05T24:00:01Z",
            "2024-01-05T09:60Z",
            "2024-01T09:10Z",
            "2024-W01-1",
            "+002024-01-05T00:00:00Z",
            "Fri, 05 Jan 2024 09:10:00 GMT",
            "2024-01-05T09:10:00.Z",
            "2024-01-05T0910Z",
        ] {
            assert_eq!(Stamp::parse(bad), Stamp::Invalid(bad.to_owned()), "{bad:?}");
        }
    }

    #[test]
    fn parses_fields_like_parse_float_and_parse_int() {
        let s = FsrsSegment::parse(
            "fsrs,2024-01-05T09:10:00.000Z,0,2.3065,2.11810397,1,1,0,1,2024-01-05T09:00:00.000Z",
        )
        .expect("fsrs");
        assert_eq!(s.due, Stamp::At(utc(2024, 1, 5, 9, 10, 0, 0)));
        assert_eq!((s.interval, s.stability, s.difficulty), (0.0, 2.3065, 2.118_103_97));
        assert_eq!((s.state, s.reps, s.lapses, s.learning_steps), (1.0, 1.0, 0.0, 1.0));
        assert_eq!(s.last_review, Some(Stamp::At(utc(2024, 1, 5, 9, 0, 0, 0))));

        let odd =
            FsrsSegment::parse("fsrs,2024-01-05T09:10:00.000Z,2.5x,abc, 3e1,2.9,-1,0x10").expect("fsrs");
        assert_eq!(odd.interval, 2.5);
        assert!(odd.stability.is_nan());
        assert_eq!((odd.difficulty, odd.state, odd.reps, odd.lapses), (30.0, 2.0, -1.0, 16.0));
        assert!(odd.learning_steps.is_nan());
        assert_eq!(odd.last_review, None);
        assert_eq!(odd.format(), "!fsrs,2024-01-05T09:10:00.000Z,2.5,NaN,30,2,-1,16,NaN,-");

        assert_eq!(FsrsSegment::parse("fsrs,-,0,0,0,0,0,0,0,-"), None);
        assert_eq!(FsrsSegment::parse("2024-01-05,3,250"), None);
        assert_eq!(FsrsSegment::parse("fsrs"), None);
        assert_eq!(FsrsSegment::parse("FSRS,2024-01-05T09:10:00.000Z,0,0,0,0,0,0,0,-"), None);
        let empty = FsrsSegment::parse("fsrs,").expect("fsrs");
        assert_eq!(empty.due, Stamp::Invalid(String::new()));
        assert_eq!(empty.format(), "!fsrs,,NaN,NaN,NaN,NaN,NaN,NaN,NaN,-");
    }

    proptest::proptest! {
        /// Whatever the text, reading never panics and writing what was
        /// read, then reading and writing again, changes nothing.
        #[test]
        fn any_text_reads_and_writes_stably(fields in proptest::collection::vec("[-+.,:TZ0-9 eéx/()]{0,12}|\\PC{0,6}", 0..11)) {
            let raw = format!("fsrs,{}", fields.join(","));
            if let Some(seg) = FsrsSegment::parse(&raw) {
                let once = seg.format();
                let again = FsrsSegment::parse(&once[1..]).map(|s| s.format());
                proptest::prop_assert_eq!(Some(once), again);
            }
        }
    }

    #[test]
    fn format_then_parse_is_stable() {
        for raw in [
            "fsrs,2024-01-05T09:10:00.000Z,0,2.3065,2.11810397,1,1,0,1,2024-01-05T09:00:00.000Z",
            "fsrs,2024-02-09T09:00:00.000Z,35,35.43659773,5.48972837,2,4,0,0,2024-01-05T09:00:00.000Z",
            "fsrs,2024-12-28T19:11:00.000Z,0,0,0,0,0,0,0,-",
            "fsrs,+012345-01-01T00:00:00.000Z,1e+21,1e-7,NaN,3,0,0,0,-",
            "fsrs,someday,1,1,1,2,1,0,0,2024-01-05",
            "fsrs,2024-01-05T10:10:00+01:00,1.50,2.30650000,5,2,3,0,0,2024-01-05T09:00Z",
        ] {
            let once = FsrsSegment::parse(raw).expect("fsrs").format();
            let twice = FsrsSegment::parse(&once[1..]).expect("fsrs").format();
            assert_eq!(once, twice, "{raw}");
        }
        let norm =
            FsrsSegment::parse("fsrs,2024-01-05T10:10:00+01:00,1.50,2.30650000,5,2,3,0,0,2024-01-05T09:00Z")
                .expect("fsrs")
                .format();
        assert_eq!(norm, "!fsrs,2024-01-05T09:10:00.000Z,1.5,2.3065,5,2,3,0,0,2024-01-05T09:00:00.000Z");
    }

    #[test]
    fn to_card_reads_what_ts_fsrs_needs() {
        let now = utc(2024, 1, 20, 12, 0, 0, 0);
        let s = FsrsSegment::parse(
            "fsrs,2024-02-09T09:00:00.000Z,35,35.43659773,5.48972837,2,4,0,0,2024-01-05T09:00:00.000Z",
        )
        .expect("fsrs");
        let card = s.to_card(now).expect("card");
        assert_eq!(card.state, State::Review);
        assert_eq!(card.elapsed_days, 15.0);
        assert_eq!(card.scheduled_days, 35.0);
        assert_eq!(
            FsrsSegment::from_card(&card).format(),
            format!(
                "!{}",
                "fsrs,2024-02-09T09:00:00.000Z,35,35.43659773,5.48972837,2,4,0,0,2024-01-05T09:00:00.000Z"
            )
        );
        let bad_state = FsrsSegment::parse("fsrs,2024-02-09T09:00:00.000Z,35,35,5,7,4,0,0,-").expect("fsrs");
        assert_eq!(bad_state.to_card(now), Err(FsrsError::UnknownState(7.0)));
        let bad_due = FsrsSegment::parse("fsrs,someday,35,35,5,2,4,0,0,-").expect("fsrs");
        assert_eq!(bad_due.to_card(now), Err(FsrsError::InvalidDue("someday".into())));
        let bad_last = FsrsSegment::parse("fsrs,2024-02-09T09:00:00.000Z,35,35,5,2,4,0,0,x").expect("fsrs");
        assert_eq!(bad_last.to_card(now), Err(FsrsError::InvalidLastReview("x".into())));
        let new_bad_last = FsrsSegment::parse("fsrs,2024-02-09T09:00:00.000Z,0,0,0,0,0,0,0,x").expect("fsrs");
        assert_eq!(new_bad_last.to_card(now).expect("new card").last_review, None);
        let floating = FsrsSegment::parse("fsrs,2024-02-09T10:00,1,1,5,2,1,0,0,2024-02-08")
            .expect("fsrs")
            .placed(|t| Some(t.and_utc() - chrono::Duration::hours(1)));
        assert_eq!(floating.due, Stamp::At(utc(2024, 2, 9, 9, 0, 0, 0)));
        assert_eq!(floating.last_review, Some(Stamp::At(utc(2024, 2, 7, 23, 0, 0, 0))));
    }
}
