//! `recall import`, pure: from an Anki [`Collection`] and the vault to what
//! is written (schedules only, never text) and what is logged.
//!
//! [`matching`] pairs Anki cards with the vault's siblings; [`plan`] decides
//! for each matched card whether Anki's schedule replaces the note's
//! ([`Write`], one value per sibling: the seam between deciding and
//! formatting) or the note keeps its own ([`Keep`]), lists the conflicts,
//! and turns Anki's review log into records for `.recall/reviews.jsonl`
//! ([`reviews`]); [`days`] converts Anki's day numbers to dates.
//!
//! Invariants: only cards with at least one Anki review (or manual change)
//! newer than what the package held before can change; a card whose new
//! segment equals its current one is left as it is, so importing the same
//! package twice changes nothing; reviews already in the log (by Anki
//! review id) are never logged again.

pub mod days;
pub mod edits;
pub mod matching;
pub mod plan;
pub mod reviews;
pub mod summary;

#[cfg(test)]
mod scenarios;

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};

use crate::anki::Collection;
use crate::schedule::fsrs::{FsrsSegment, Stamp};
use crate::schedule::{Ease, Interval, WholeInterval};

pub use days::Calendar;
pub use matching::{CardKey, Matching, match_cards};
pub use plan::{Conflict, Plan, VaultChange, plan};
pub use reviews::ImportedReview;

/// Which side wins when the vault and Anki both changed a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Prefer {
    /// The side that changed the card last.
    #[default]
    Latest,
    Anki,
    Vault,
}

impl FromStr for Prefer {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "latest" => Ok(Prefer::Latest),
            "anki" => Ok(Prefer::Anki),
            "vault" => Ok(Prefer::Vault),
            other => Err(format!("`{other}` is not one of latest, anki, vault")),
        }
    }
}

/// A side of the round trip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Anki,
    Vault,
}

/// What a sibling's schedule becomes.
#[derive(Debug, Clone, PartialEq)]
pub enum Write {
    /// `!due,interval,ease`.
    Sm2 { due: NaiveDate, interval: Interval, ease: Ease },
    /// `!fsrs,…` from Anki's FSRS memory state (FSRS vaults only).
    Fsrs(FsrsState),
}

/// An FSRS card as the plugin's `!fsrs,…` segment holds it, from Anki's
/// memory state.
#[derive(Debug, Clone, PartialEq)]
pub struct FsrsState {
    /// Review cards: Anki's due day at the time of day of the last review;
    /// learning cards: Anki's due instant.
    pub due: DateTime<Utc>,
    /// Days (0 while learning).
    pub interval: WholeInterval,
    pub stability: f64,
    pub difficulty: f64,
    /// 0 new, 1 learning, 2 review, 3 relearning (Anki's card type, which
    /// numbers them as ts-fsrs does).
    pub state: u8,
    pub reps: i64,
    pub lapses: i64,
    /// Learning steps done (ts-fsrs's `learning_steps`): the plugin's
    /// steps (two to learn, one to relearn) less those Anki has left.
    pub learning_steps: i64,
    pub last_review: Option<DateTime<Utc>>,
}

/// The `!segment` text of `write`, exactly as the plugin writes it.
#[must_use]
pub fn segment(write: &Write) -> String {
    write.to_schedule().segment()
}

/// Anki's ease factor (permille, `2500`) as the plugin's ease: a tenth of
/// it, rounded as `Math.round`, no lower than the plugin's floor of 130.
#[must_use]
pub fn ease_of_factor(factor: i64) -> Ease {
    Ease(crate::parse::js_round(factor as f64 / 10.0).max(Ease::FLOOR.0))
}

impl Write {
    /// The one schedule value this writes.
    #[must_use]
    pub fn to_schedule(&self) -> crate::schedule::Schedule {
        match self {
            Write::Sm2 { due, interval, ease } => crate::schedule::Schedule::Sm2(crate::schedule::Sm2 {
                due: *due,
                interval: *interval,
                ease: *ease,
            }),
            Write::Fsrs(f) => crate::schedule::Schedule::Fsrs(Box::new(FsrsSegment {
                due: Stamp::At(f.due),
                interval: Interval::from(f.interval).0,
                stability: f.stability,
                difficulty: f.difficulty,
                state: f64::from(f.state),
                reps: f.reps as f64,
                lapses: f.lapses as f64,
                learning_steps: f.learning_steps as f64,
                last_review: f.last_review.map(Stamp::At),
            })),
        }
    }
}

/// Why a matched card keeps the vault's schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Keep {
    /// Anki has no review of it.
    NoReviews,
    /// New in Anki (never answered there, or forgotten).
    NewInAnki,
    /// Suspended in Anki.
    Suspended,
    /// Buried in Anki.
    Buried,
    /// Anki's schedule is not one recall can read (a date out of range, an
    /// unknown queue).
    Unreadable,
    /// The note already holds Anki's schedule.
    Same,
    /// Both changed it and the vault's side wins (see [`Conflict`]).
    Conflict,
}

impl Keep {
    /// A short phrase for summaries.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Keep::NoReviews => "not reviewed in Anki",
            Keep::NewInAnki => "new in Anki",
            Keep::Suspended => "suspended in Anki",
            Keep::Buried => "buried in Anki",
            Keep::Unreadable => "with a schedule recall cannot read",
            Keep::Same => "already up to date",
            Keep::Conflict => "kept in a conflict",
        }
    }
}

/// The log `detail` of an imported review: the dedupe key.
#[must_use]
pub fn review_detail(anki_id: i64) -> String {
    format!("anki review {anki_id}")
}

/// The Anki review id in a record's `detail`, when it is an imported review.
#[must_use]
pub fn anki_review_id(detail: &str) -> Option<i64> {
    detail.strip_prefix("anki review ")?.parse().ok()
}

/// The log `detail` of a schedule written by an import.
pub const SCHEDULE_DETAIL: &str = "anki schedule";

/// A short name of the package layout, for the summary.
#[must_use]
pub fn describe_format(col: &Collection) -> &'static str {
    match col.format {
        crate::anki::Format::Anki21b => "current format",
        crate::anki::Format::Anki21 => "legacy format (anki21)",
        crate::anki::Format::Anki2 => "legacy format (anki2)",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_and_details() {
        let due = NaiveDate::from_ymd_opt(2026, 12, 4).expect("date");
        assert_eq!(
            segment(&Write::Sm2 { due, interval: Interval(3.0), ease: Ease(250.0) }),
            "!2026-12-04,3,250"
        );
        assert_eq!(
            segment(&Write::Sm2 { due, interval: Interval(0.0), ease: Ease(230.0) }),
            "!2026-12-04,0,230"
        );
        assert_eq!(ease_of_factor(2500), Ease(250.0));
        assert_eq!(ease_of_factor(2505), Ease(251.0));
        assert_eq!(ease_of_factor(1000), Ease::FLOOR);
        let at = |s: &str| DateTime::parse_from_rfc3339(s).expect("time").to_utc();
        let fsrs = FsrsState {
            due: at("2026-12-04T09:00:00Z"),
            interval: WholeInterval(3),
            stability: 3.1262,
            difficulty: 5.5,
            state: 2,
            reps: 4,
            lapses: 1,
            learning_steps: 0,
            last_review: Some(at("2026-12-01T09:00:00Z")),
        };
        assert_eq!(
            segment(&Write::Fsrs(fsrs.clone())),
            "!fsrs,2026-12-04T09:00:00.000Z,3,3.1262,5.5,2,4,1,0,2026-12-01T09:00:00.000Z"
        );
        let new = FsrsState { last_review: None, ..fsrs };
        assert!(segment(&Write::Fsrs(new)).ends_with(",-"));
        assert_eq!(anki_review_id(&review_detail(1_796_118_027_333)), Some(1_796_118_027_333));
        assert_eq!(anki_review_id("anki schedule"), None);
        assert_eq!("vault".parse(), Ok(Prefer::Vault));
        assert!("newest".parse::<Prefer>().is_err());
    }
}
