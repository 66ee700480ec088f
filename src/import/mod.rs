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
pub mod matching;
pub mod plan;
pub mod reviews;
pub mod summary;

#[cfg(test)]
mod scenarios;

use std::str::FromStr;

use chrono::NaiveDate;

use crate::anki::Collection;
use crate::parse::comment::format_sm2;

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
    Sm2 { due: NaiveDate, interval: f64, ease: f64 },
    /// `!fsrs,…` from Anki's FSRS memory state (FSRS vaults only).
    Fsrs(FsrsState),
}

/// What Anki knows of an FSRS card, for the plugin's `!fsrs,…` segment.
#[derive(Debug, Clone, PartialEq)]
pub struct FsrsState {
    pub stability: f64,
    pub difficulty: f64,
    /// 0 new, 1 learning, 2 review, 3 relearning (Anki's card type, which
    /// numbers them as ts-fsrs does).
    pub state: u8,
    pub due: FsrsDue,
    /// Days (0 while learning).
    pub interval: i64,
    pub reps: i64,
    pub lapses: i64,
    /// Anki's `left` (learning steps left, in its encoding).
    pub left: i64,
    /// The last review, milliseconds since the epoch.
    pub last_review_ms: Option<i64>,
}

/// When an FSRS card is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FsrsDue {
    /// A review card: that day.
    Day(NaiveDate),
    /// A learning card: that instant (Unix seconds).
    At(i64),
}

/// Why a segment cannot be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SegmentError {
    #[error(
        "not yet supported for FSRS vaults: recall cannot write FSRS schedules (`!fsrs,…`) yet, so this card keeps its schedule"
    )]
    FsrsNotSupported,
}

/// The `!segment` text of `write`.
pub fn segment(write: &Write) -> Result<String, SegmentError> {
    match write {
        Write::Sm2 { due, interval, ease } => Ok(format_sm2(*due, *interval, *ease)),
        Write::Fsrs(_) => Err(SegmentError::FsrsNotSupported),
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
        assert_eq!(segment(&Write::Sm2 { due, interval: 3.0, ease: 250.0 }), Ok("!2026-12-04,3,250".into()));
        assert_eq!(segment(&Write::Sm2 { due, interval: 0.0, ease: 230.0 }), Ok("!2026-12-04,0,230".into()));
        let fsrs = FsrsState {
            stability: 2.3,
            difficulty: 5.0,
            state: 2,
            due: FsrsDue::Day(due),
            interval: 3,
            reps: 1,
            lapses: 0,
            left: 0,
            last_review_ms: None,
        };
        assert_eq!(segment(&Write::Fsrs(fsrs)), Err(SegmentError::FsrsNotSupported));
        assert_eq!(anki_review_id(&review_detail(1_796_118_027_333)), Some(1_796_118_027_333));
        assert_eq!(anki_review_id("anki schedule"), None);
        assert_eq!("vault".parse(), Ok(Prefer::Vault));
        assert!("newest".parse::<Prefer>().is_err());
    }
}
