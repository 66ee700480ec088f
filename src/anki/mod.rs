//! Reading an Anki package (`.apkg`, `.colpkg`) that Anki or AnkiDroid
//! exported, into a plain [`Collection`].
//!
//! Formats: the current one (`collection.anki21b`, a zstd-compressed SQLite
//! collection of schema 18, a protobuf `meta` naming the version and a zstd
//! protobuf `media` list) and the legacy ones (`collection.anki21` or
//! `collection.anki2`, schema 11, a JSON `media` map). A current export also
//! holds a dummy `collection.anki2` ("please update Anki"): `meta` says which
//! file is real, and without `meta` the newest file present is read.
//!
//! The package is untrusted input. [`package`] opens the zip, refuses entry
//! and media names that leave the package, and bounds every decompressed
//! entry (absolute size and ratio to its compressed size), so a zip bomb is
//! refused with bounded memory; no media is ever extracted. [`db`] opens the
//! collection bytes in memory, read-only, with views and triggers off and a
//! cap on the size of any value, and checks the schema version, the tables
//! (real tables, not views) and the columns it reads before reading them.

pub mod db;
pub mod package;
pub mod proto;
pub mod zstd;

use std::collections::BTreeMap;
use std::io::{Read, Seek};

pub use package::Limits;

/// Which collection file of the package was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `collection.anki2` (the oldest layout, schema 11).
    Anki2,
    /// `collection.anki21` (legacy layout of Anki 2.1, schema 11).
    Anki21,
    /// `collection.anki21b` (current layout: zstd, schema 18).
    Anki21b,
}

impl Format {
    /// The file name inside the package.
    #[must_use]
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Anki2 => "collection.anki2",
            Format::Anki21 => "collection.anki21",
            Format::Anki21b => "collection.anki21b",
        }
    }
}

/// Why a package could not be read. Messages describe the package; the
/// command adds its path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PackageError {
    #[error("not an Anki package: {0}")]
    NotZip(String),
    #[error("not an Anki package: it holds no collection.anki21b, collection.anki21 or collection.anki2")]
    NoCollection,
    #[error("package format version {0} is not one recall reads (1 to 3)")]
    UnknownVersion(u64),
    #[error("its `{entry}` is damaged or cut short: {message}")]
    Damaged { entry: String, message: String },
    #[error("its `{entry}` decompresses to more than {limit} bytes; refused as a possible zip bomb")]
    TooLarge { entry: String, limit: u64 },
    #[error("its `{entry}` cannot be decompressed: {error}")]
    Zstd { entry: String, error: zstd::ZstdError },
    #[error("it holds a file named `{name}`, which points outside the package; refused")]
    UnsafeName { name: String },
    #[error("its media list cannot be read: {0}")]
    BadMedia(String),
    #[error("its `{entry}` is not an SQLite database")]
    NotSqlite { entry: String },
    #[error("its collection has schema version {0}, which is not one recall reads (11 to 18)")]
    UnknownSchema(i64),
    #[error("its collection is not one Anki writes: {0}")]
    BadSchema(String),
    #[error("its collection cannot be read: {0}")]
    Sqlite(String),
    #[error("it has no scheduling: every card is new and there are no reviews")]
    NoScheduling,
}

impl PackageError {
    /// What the user can do about it, when there is something.
    #[must_use]
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            PackageError::NoScheduling => Some(
                "export it from Anki or AnkiDroid again with scheduling (\"Include scheduling information\")",
            ),
            PackageError::UnknownVersion(_) | PackageError::UnknownSchema(_) => {
                Some("export it again with \"Support older Anki versions\" (legacy format), or update recall")
            }
            PackageError::NotZip(_) | PackageError::NoCollection => {
                Some("give the .apkg or .colpkg file that Anki or AnkiDroid exported")
            }
            _ => None,
        }
    }
}

/// An Anki collection: what `recall import` needs of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Collection {
    pub format: Format,
    /// `col.ver`.
    pub schema: i64,
    /// `col.crt`: when the collection was created (Unix seconds). Review
    /// cards are due in days from that day.
    pub crt: i64,
    /// `creationOffset`: the UTC offset at creation, minutes west of UTC
    /// (`None` in collections from before Anki kept it).
    pub creation_offset: Option<i32>,
    /// The hour the day starts (`rollover`, default 4).
    pub rollover: u8,
    /// The collection schedules (or scheduled) with FSRS: the `fsrs` config
    /// key, or a card with an FSRS memory state (an `.apkg` does not carry
    /// the key). Its review rows then hold difficulties, not eases.
    pub fsrs: bool,
    /// Note type id → name.
    pub note_types: BTreeMap<i64, String>,
    pub notes: Vec<Note>,
    pub cards: Vec<Card>,
    pub revlog: Vec<Review>,
}

/// One row of `notes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub id: i64,
    pub guid: String,
    /// Note type id.
    pub mid: i64,
    /// `flds` split on the unit separator.
    pub fields: Vec<String>,
}

/// One row of `cards`.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    pub id: i64,
    pub nid: i64,
    /// Template (or cloze number − 1).
    pub ord: i64,
    /// `type`: 0 new, 1 learning, 2 review, 3 relearning.
    pub kind: i64,
    /// `queue`: −3/−2 buried, −1 suspended, 0 new, 1 learning, 2 review,
    /// 3 learning across days, 4 preview.
    pub queue: i64,
    /// Review cards: days from the creation day; learning: a Unix time;
    /// new: a position.
    pub due: i64,
    /// Interval in days (review cards).
    pub ivl: i64,
    /// Ease × 1000 (2500 = 250 %).
    pub factor: i64,
    pub reps: i64,
    pub lapses: i64,
    pub left: i64,
    /// The due of a card in a filtered deck before it moved there.
    pub odue: i64,
    /// The deck a card in a filtered deck came from (0 otherwise).
    pub odid: i64,
    /// FSRS memory state from `data` (`s`, `d`), when there is one.
    pub memory: Option<Memory>,
    /// Last review (Unix seconds) from `data` (`lrt`), in recent versions.
    pub last_review: Option<i64>,
}

/// An FSRS memory state.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Memory {
    pub stability: f64,
    pub difficulty: f64,
}

/// One row of `revlog`: an answer (or a manual change) in Anki.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Review {
    /// When it happened, in milliseconds since the epoch (unique).
    pub id: i64,
    pub cid: i64,
    /// 1 Again, 2 Hard, 3 Good, 4 Easy; 0 for manual changes.
    pub ease: i64,
    /// Interval after: days when positive, seconds when negative.
    pub ivl: i64,
    pub last_ivl: i64,
    /// Ease × 1000 after (FSRS collections store the difficulty here).
    pub factor: i64,
    /// Time taken, in milliseconds.
    pub time: i64,
    /// 0 learning, 1 review, 2 relearning, 3 filtered, 4 manual, 5 rescheduled.
    pub kind: i64,
}

/// Reads the package in `file` (a zip) within `limits`.
pub fn read_package<R: Read + Seek>(file: R, limits: &Limits) -> Result<Collection, PackageError> {
    let pkg = package::open(file, limits)?;
    let col = db::read(&pkg.collection, pkg.format)?;
    if col.revlog.is_empty() && col.cards.iter().all(|c| c.kind == 0) {
        return Err(PackageError::NoScheduling);
    }
    Ok(col)
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use proptest::prelude::*;

    use super::*;

    /// Packages Anki 26 wrote (its dummy `collection.anki2` left out) and
    /// one of recall's own: the fuzz seeds.
    const CURRENT: &[u8] = include_bytes!("../../fuzz/seeds/anki/anki-current.apkg");
    const LEGACY: &[u8] = include_bytes!("../../fuzz/seeds/anki/anki-legacy.apkg");
    const RECALL: &[u8] = include_bytes!("../../fuzz/seeds/anki/recall-export.apkg");

    #[test]
    fn reads_what_anki_writes_in_both_formats() {
        for (bytes, format) in [(CURRENT, Format::Anki21b), (LEGACY, Format::Anki21)] {
            let col = read_package(Cursor::new(bytes), &Limits::default()).expect("read");
            assert_eq!(col.format, format);
            assert_eq!((col.notes.len(), col.cards.len(), col.revlog.len()), (4, 6, 12), "{format:?}");
            assert_eq!(col.schema, if format == Format::Anki21b { 18 } else { 11 });
            assert_eq!((col.rollover, col.creation_offset), (4, Some(0)));
            assert!(col.fsrs, "the cards carry FSRS memory states");
            assert!(col.note_types.values().any(|n| n == "recall Cloze"), "{:?}", col.note_types);
            assert!(col.revlog.windows(2).all(|w| w[0].id < w[1].id));
        }
        // recall's own export has scheduling (a review card) but no reviews.
        let col = read_package(Cursor::new(RECALL), &Limits::default()).expect("read");
        assert_eq!((col.format, col.revlog.len()), (Format::Anki2, 0));
        assert!(col.cards.iter().any(|c| c.kind == 2));
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
        #[test]
        fn damaged_packages_fail_cleanly(
            which in 0usize..3,
            flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        ) {
            let mut bytes = [CURRENT, LEGACY, RECALL][which].to_vec();
            for (at, value) in flips {
                let i = at.index(bytes.len());
                bytes[i] = value;
            }
            let limits = Limits { max_bytes: 8 << 20, max_ratio: 100, floor: 1 << 20 };
            let _ = read_package(Cursor::new(bytes), &limits);
        }
    }
}
