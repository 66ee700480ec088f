//! What the listings say of a card's FSRS memory: stability, difficulty,
//! today's retrievability and the state, as `cards --json` and the JSON
//! export print them (all `null` for an SM-2 or new card).

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{FsrsSegment, Parameters, State, js, retrievability};

/// A card's FSRS memory as the listings show it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct MemoryView {
    pub stability: Option<f64>,
    pub difficulty: Option<f64>,
    /// The probability of recall at the command's moment (8 decimals, as
    /// ts-fsrs rounds it); `None` before the first review.
    pub retrievability: Option<f64>,
    /// `new`, `learning`, `review` or `relearning`.
    pub fsrs_state: Option<&'static str>,
}

impl MemoryView {
    /// The view of `segment` at `now`; the default (every field `None`)
    /// without one.
    #[must_use]
    pub fn of(segment: Option<&FsrsSegment>, params: &Parameters, now: DateTime<Utc>) -> MemoryView {
        let Some(f) = segment else { return MemoryView::default() };
        let finite = |x: f64| x.is_finite().then_some(x);
        let retrievability = f
            .to_card(now)
            .ok()
            .filter(|c| c.last_review.is_some())
            .and_then(|c| retrievability(params, &c, now).ok())
            .filter(|r| r.is_finite())
            .map(js::round8);
        MemoryView {
            stability: finite(f.stability),
            difficulty: finite(f.difficulty),
            retrievability,
            fsrs_state: State::from_number(f.state).map(State::name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).map(|d| d.with_timezone(&Utc)).expect("time")
    }

    #[test]
    fn a_review_card_shows_its_memory_and_today_retrievability() {
        let seg =
            FsrsSegment::parse("fsrs,2026-12-10T09:00:00.000Z,10,10.5,5.25,2,4,0,0,2026-11-30T09:00:00.000Z")
                .expect("segment");
        let params = Parameters::plugin(0.9, 36500.0);
        let on_review_day = MemoryView::of(Some(&seg), &params, at("2026-11-30T09:00:00Z"));
        assert_eq!(on_review_day.stability, Some(10.5));
        assert_eq!(on_review_day.difficulty, Some(5.25));
        assert_eq!(on_review_day.fsrs_state, Some("review"));
        assert_eq!(on_review_day.retrievability, Some(1.0));
        // Eleven days on (ts-fsrs 5.4.1's `get_retrievability` gives the same).
        let later = MemoryView::of(Some(&seg), &params, at("2026-12-11T09:00:00Z"));
        assert_eq!(later.retrievability, Some(0.896_772_27));
    }

    #[test]
    fn sm2_and_new_cards_show_nulls() {
        let params = Parameters::plugin(0.9, 36500.0);
        assert_eq!(MemoryView::of(None, &params, at("2026-12-01T00:00:00Z")), MemoryView::default());
        let new = FsrsSegment::parse("fsrs,2026-12-01T09:00:00.000Z,0,0,0,0,0,0,0,-").expect("segment");
        let v = MemoryView::of(Some(&new), &params, at("2026-12-01T10:00:00Z"));
        assert_eq!((v.retrievability, v.fsrs_state), (None, Some("new")));
    }
}
