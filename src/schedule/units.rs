//! Interval and ease, as a card's comment holds them and as the scheduler
//! computes them, in two kinds of type that cannot be mixed up.
//!
//! The plugin reads a card's `!date,interval,ease` with `parseInt` (spec
//! §b.1): `3.7` → 3, ` 250.9 ` → 250, `x` → `NaN`. Those as-read values are
//! [`WholeInterval`] (days) and [`WholeEase`] (×100), `None` where the
//! plugin reads `NaN`. The scheduler computes in JavaScript numbers (§c.2)
//! and may produce fractions (`2.5` without load balancing, §c.3): those are
//! [`Interval`] and [`Ease`]. The ways between them:
//!
//! * whole → number: [`From`] (`Interval::from(w)`), the number JavaScript
//!   holds after `parseInt` — the same value;
//! * number → whole: [`Interval::read_back`] / [`Ease::read_back`], what
//!   `parseInt` reads after the plugin writes the number (§b.2: `2.5` is
//!   written and read back as 2, §c.3);
//! * number → whole, recall's own rule: [`Interval::nearest`] /
//!   [`Ease::nearest`], for the stand-in card schedules recall makes of a
//!   note's `parseFloat` front matter or an FSRS interval.
//!
//! All four serialize as the bare number (`3`, `250`; `3.0`, `250.0`), as
//! the integers and floats they replace did.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::parse::js::js_parse_int;

/// The plugin's ease floor: Hard and Again never lower an ease below it
/// (spec §c.2), and `reschedule --cap` lifts eases to it.
const EASE_FLOOR: i64 = 130;

/// A card's interval in whole days as the plugin reads it (`parseInt`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct WholeInterval(pub i64);

/// A card's ease (×100, `250` for 2.5) as the plugin reads it (`parseInt`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct WholeEase(pub i64);

/// An interval in days as the scheduler computes it (a JavaScript number:
/// one decimal at most once scheduled, §c.2).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Interval(pub f64);

/// An ease (×100) as the scheduler computes it (a JavaScript number).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Ease(pub f64);

impl WholeInterval {
    /// A field of a `date,interval,ease` segment read with `parseInt`
    /// (`None` for `NaN`; huge values saturate at the `i64` range).
    #[must_use]
    pub fn parse(field: &str) -> Option<WholeInterval> {
        js_parse_int(field).map(WholeInterval)
    }
}

impl WholeEase {
    /// The ease floor, 130 (spec §c.2).
    pub const FLOOR: WholeEase = WholeEase(EASE_FLOOR);

    /// A field of a `date,interval,ease` segment read with `parseInt`
    /// (`None` for `NaN`; huge values saturate at the `i64` range).
    #[must_use]
    pub fn parse(field: &str) -> Option<WholeEase> {
        js_parse_int(field).map(WholeEase)
    }
}

impl fmt::Display for WholeInterval {
    /// The integer, as the plugin writes it (`3`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Display for WholeEase {
    /// The integer, as the plugin writes it (`250`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl From<WholeInterval> for Interval {
    /// The number the plugin computes with after `parseInt`: the same value
    /// (exact up to 2^53 days; beyond, the nearest double, as in JavaScript).
    fn from(w: WholeInterval) -> Interval {
        Interval(w.0 as f64)
    }
}

impl From<WholeEase> for Ease {
    /// The number the plugin computes with after `parseInt`: the same value.
    fn from(w: WholeEase) -> Ease {
        Ease(w.0 as f64)
    }
}

/// `parseInt(String(x))` for the numbers the scheduler produces: the
/// fraction dropped (towards zero), `None` for `NaN` and the infinities
/// (which print as `NaN` / `Infinity`). Equal to JavaScript for 0 and every
/// `1e-6 ≤ |x| < 1e21`; outside, JavaScript prints an exponent (`1e+21`)
/// and reads its first digit, where this gives 0 or saturates at the `i64`
/// range. Notes themselves are always written as text and read again, so
/// this only models the round trip (for comparisons and display).
fn parse_int_of(x: f64) -> Option<i64> {
    x.is_finite().then_some(x as i64)
}

/// `x` rounded half away from zero, saturating at the `i64` range; `NaN`
/// gives 0.
fn nearest_of(x: f64) -> i64 {
    x.round() as i64
}

impl Interval {
    /// The whole days the plugin reads back once this interval is written
    /// into a card's comment (`2.5` → 2): `parseInt(String(x))`, the fraction dropped, `None`
    /// for `NaN` and the infinities. Exact for 0 and `1e-6 ≤ |x| < 1e21` (all
    /// the scheduler produces); outside, JavaScript prints an exponent and
    /// reads its first digit, where this gives 0 or saturates.
    #[must_use]
    pub fn read_back(self) -> Option<WholeInterval> {
        parse_int_of(self.0).map(WholeInterval)
    }

    /// The nearest whole days (`4.5` → 5, `-2.5` → -3), saturating at the
    /// `i64` range, `NaN` giving 0: recall's rule for the card schedule a
    /// note or an FSRS card stands in for in day-level batch operations
    /// (not something the plugin reads; callers that must keep an
    /// unreadable number unreadable check [`f64::is_finite`] first).
    #[must_use]
    pub fn nearest(self) -> WholeInterval {
        WholeInterval(nearest_of(self.0))
    }
}

impl Ease {
    /// The ease floor, 130 (spec §c.2).
    pub const FLOOR: Ease = Ease(130.0);

    /// The whole ease the plugin reads back once this ease is written into
    /// a card's comment (`250.9` → 250; see [`Interval::read_back`]).
    #[must_use]
    pub fn read_back(self) -> Option<WholeEase> {
        parse_int_of(self.0).map(WholeEase)
    }

    /// The nearest whole ease (see [`Interval::nearest`]).
    #[must_use]
    pub fn nearest(self) -> WholeEase {
        WholeEase(nearest_of(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_read_with_parse_int() {
        assert_eq!(WholeInterval::parse("3.7"), Some(WholeInterval(3)));
        assert_eq!(WholeEase::parse(" 250.9 "), Some(WholeEase(250)));
        assert_eq!(WholeInterval::parse("12abc"), Some(WholeInterval(12)));
        // Unreadable fields stay unreadable.
        assert_eq!(WholeInterval::parse("x"), None);
        assert_eq!(WholeEase::parse(""), None);
        // Huge values saturate instead of wrapping.
        assert_eq!(WholeInterval::parse("99999999999999999999999"), Some(WholeInterval(i64::MAX)));
    }

    #[test]
    fn whole_values_are_the_numbers_the_scheduler_sees() {
        assert_eq!(Interval::from(WholeInterval(36_525)), Interval(36_525.0));
        assert_eq!(Ease::from(WholeEase(250)), Ease(250.0));
        assert_eq!(Interval::from(WholeInterval(-3)), Interval(-3.0));
        // Beyond 2^53 the nearest double, as JavaScript holds it.
        assert_eq!(Interval::from(WholeInterval(i64::MAX)), Interval(9_223_372_036_854_775_807.0));
    }

    #[test]
    fn written_fractions_read_back_truncated() {
        // Spec §c.3: `2.5` is written and read back as 2; §c.2's chain.
        assert_eq!(Interval(2.5).read_back(), Some(WholeInterval(2)));
        assert_eq!(Interval(82.5).read_back(), Some(WholeInterval(82)));
        assert_eq!(Interval(0.0).read_back(), Some(WholeInterval(0)));
        assert_eq!(Interval(-0.5).read_back(), Some(WholeInterval(0)));
        assert_eq!(Ease(250.9).read_back(), Some(WholeEase(250)));
        // What `NaN` and `Infinity` print as reads as NaN.
        assert_eq!(Interval(f64::NAN).read_back(), None);
        assert_eq!(Ease(f64::INFINITY).read_back(), None);
        // Huge values saturate.
        assert_eq!(Interval(1e300).read_back(), Some(WholeInterval(i64::MAX)));
        // The round trip through the comment's text agrees in range.
        for x in [0.0, 1.0, 2.5, 6.3, 82.5, 36_525.0, 1e20] {
            let written = crate::parse::js::js_number(x);
            assert_eq!(Interval(x).read_back(), WholeInterval::parse(&written), "{written}");
        }
    }

    #[test]
    fn nearest_rounds_half_away_from_zero() {
        assert_eq!(Interval(4.5).nearest(), WholeInterval(5));
        assert_eq!(Interval(4.4).nearest(), WholeInterval(4));
        assert_eq!(Interval(-2.5).nearest(), WholeInterval(-3));
        assert_eq!(Ease(250.5).nearest(), WholeEase(251));
        // Not finite: saturated, NaN as 0 (the stand-in of an FSRS card).
        assert_eq!(Ease(f64::NAN).nearest(), WholeEase(0));
        assert_eq!(Interval(f64::INFINITY).nearest(), WholeInterval(i64::MAX));
        assert_eq!(Interval(f64::NEG_INFINITY).nearest(), WholeInterval(i64::MIN));
    }

    #[test]
    fn the_ease_floor_is_the_same_in_both_kinds() {
        assert_eq!(Ease::from(WholeEase::FLOOR), Ease::FLOOR);
        assert_eq!(Ease::FLOOR.read_back(), Some(WholeEase::FLOOR));
    }

    #[test]
    fn serialized_as_the_bare_numbers() {
        let j = serde_json::to_string(&(WholeInterval(3), WholeEase(250), Interval(3.0), Ease(2.5)))
            .expect("json");
        assert_eq!(j, "[3,250,3.0,2.5]");
        let back: (Option<WholeInterval>, Interval) = serde_json::from_str("[null,4.5]").expect("read");
        assert_eq!(back, (None, Interval(4.5)));
    }
}
