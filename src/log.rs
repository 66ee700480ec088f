//! The review log: `<vault>/.recall/reviews.jsonl`, one JSON object a line,
//! append-only.
//!
//! Every answer (session or `grade`), every note review, every batch change
//! (`reschedule`) and every undo appends a record. Nothing is ever rewritten: an undo is a new
//! record whose `undoes` names the record it cancels, and readers drop both
//! (see [`effective`]). Each append is one `write` of a whole line to a file
//! opened with `O_APPEND`, then fsynced, so concurrent writers never
//! interleave within a line.

use std::collections::HashSet;
use std::fs::{self, OpenOptions};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{DateTime, NaiveDate, Utc};

use crate::clock::Zone;
use serde::{Deserialize, Serialize};

use crate::error::{Error, IoResultExt};
use crate::note_path::NotePath;
use crate::parse::{LineNo, QuestionHash};
use crate::schedule::{Response, Schedule};

/// The log's path inside a vault.
pub const LOG_PATH: &str = ".recall/reviews.jsonl";

/// What produced a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Op {
    /// An answer in a review session.
    Review,
    /// `recall grade`.
    Grade,
    /// Cancels the record named in `undoes`.
    Undo,
    /// A `recall reschedule` operation (its name in `detail`).
    Reschedule,
    /// A `recall check --fix` repair.
    Fix,
    /// `recall import`: a review done in Anki (its id in `detail`), or a
    /// schedule taken from Anki.
    Import,
    /// A note review (`recall grade PATH RESPONSE`): the note's `sr-*`
    /// front matter changed. `line` and `sibling` are 0 and `hash` empty;
    /// `decks` are the note's review decks (`#review`).
    NoteReview,
    /// An answer in cram mode (`recall review --cram`): nothing was
    /// written to the note, and schedules and statistics ignore it.
    Cram,
}

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Unique id: timestamp, process id and a counter.
    pub id: String,
    /// Local time of the record, RFC 3339 with offset.
    pub ts: String,
    /// The review day (`--today`, or the local date).
    pub day: NaiveDate,
    pub op: Op,
    /// Vault-relative path of the note.
    pub path: NotePath,
    /// 1-based first line of the question when the record was made (0 for
    /// a note review).
    pub line: LineNo,
    /// The question's hash (the plugin's cyrb53 of its text without
    /// schedule; empty for a note review).
    pub hash: QuestionHash,
    pub sibling: usize,
    /// The answer, for reviews and grades.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<Response>,
    /// Schedule before (`null` for a new card).
    pub before: Option<Schedule>,
    /// Schedule after (`null` when the card became new again).
    pub after: Option<Schedule>,
    /// Time from showing the card to answering it, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ms: Option<u64>,
    /// Decks of the card.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decks: Vec<String>,
    /// For `undo`: the id of the cancelled record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undoes: Option<String>,
    /// Free-form detail, e.g. the reschedule operation (`shift 7`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// When a record was made: its unique id (local time, process id and a
/// counter) and its local timestamp. Made from the command's clock, so a
/// pinned `--now` gives reproducible logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub id: String,
    pub ts: String,
}

impl Stamp {
    /// A new stamp for the instant `now`, shown in `zone`.
    #[must_use]
    pub fn at(now: DateTime<Utc>, zone: Zone) -> Stamp {
        let local = zone.local(now);
        let id = format!(
            "{}-{}-{}",
            local.format("%Y%m%dT%H%M%S%.3f"),
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        Stamp { id, ts: zone.rfc3339(now) }
    }
}

/// The card a record is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardRef {
    pub path: NotePath,
    /// 1-based first line of the question when the record was made (0 for
    /// a note).
    pub line: LineNo,
    pub hash: QuestionHash,
    pub sibling: usize,
    pub decks: Vec<String>,
}

impl Record {
    fn base(stamp: Stamp, day: NaiveDate, op: Op, card: CardRef) -> Record {
        Record {
            id: stamp.id,
            ts: stamp.ts,
            day,
            op,
            path: card.path,
            line: card.line,
            hash: card.hash,
            sibling: card.sibling,
            response: None,
            before: None,
            after: None,
            ms: None,
            decks: card.decks,
            undoes: None,
            detail: None,
        }
    }

    /// An answer: in a session (`Op::Review`, with the time taken) or by
    /// `recall grade` (`Op::Grade`).
    #[must_use]
    #[expect(clippy::too_many_arguments, reason = "an answer record names every field it logs")]
    pub fn answer(
        stamp: Stamp,
        day: NaiveDate,
        op: Op,
        card: CardRef,
        response: Response,
        before: Option<Schedule>,
        after: Option<Schedule>,
        ms: Option<u64>,
    ) -> Record {
        Record { response: Some(response), before, after, ms, ..Record::base(stamp, day, op, card) }
    }

    /// The record that cancels `of` (its schedules swapped).
    #[must_use]
    pub fn undo(stamp: Stamp, day: NaiveDate, of: &Record) -> Record {
        Record {
            id: stamp.id,
            ts: stamp.ts,
            day,
            op: Op::Undo,
            response: None,
            before: of.after.clone(),
            after: of.before.clone(),
            ms: None,
            undoes: Some(of.id.clone()),
            ..of.clone()
        }
    }

    /// A batch change of one card (`reschedule`, `import`), `detail` naming
    /// the run.
    #[must_use]
    pub fn batch(
        stamp: Stamp,
        day: NaiveDate,
        op: Op,
        card: CardRef,
        before: Option<Schedule>,
        after: Option<Schedule>,
        detail: String,
    ) -> Record {
        Record { before, after, detail: Some(detail), ..Record::base(stamp, day, op, card) }
    }

    /// A mark that a batch run completed (no card).
    #[must_use]
    pub fn run_mark(stamp: Stamp, day: NaiveDate, op: Op, detail: String) -> Record {
        let card = CardRef {
            path: NotePath::default(),
            line: LineNo::new(0),
            hash: crate::parse::QuestionHash::default(),
            sibling: 0,
            decks: Vec::new(),
        };
        Record { detail: Some(detail), ..Record::base(stamp, day, op, card) }
    }

    /// A `check --fix` repair at `line`.
    #[must_use]
    pub fn fix(stamp: Stamp, day: NaiveDate, card: CardRef, detail: String) -> Record {
        Record { detail: Some(detail), ..Record::base(stamp, day, Op::Fix, card) }
    }
}

/// The log file of the vault at `root`.
#[must_use]
pub fn log_path(root: &Path) -> PathBuf {
    root.join(LOG_PATH)
}

/// Appends records to the vault's log (creating `.recall/`).
pub fn append(root: &Path, records: &[Record]) -> Result<(), Error> {
    if records.is_empty() {
        return Ok(());
    }
    let path = log_path(root);
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).with_path(dir)?;
    }
    let mut buf = String::new();
    for r in records {
        let line = serde_json::to_string(r)
            .map_err(|e| Error::Json { what: path.display().to_string(), source: e })?;
        buf.push_str(&line);
        buf.push('\n');
    }
    let mut f = OpenOptions::new().create(true).append(true).open(&path).with_path(&path)?;
    f.write_all(buf.as_bytes()).with_path(&path)?;
    f.sync_data().with_path(&path)?;
    Ok(())
}

/// A line of the log that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    pub line: usize,
    pub message: String,
}

/// Reads every record of the vault's log (none when there is no log yet).
/// Unreadable lines (a torn last line after a crash, a hand edit) are
/// returned separately, never fatal.
pub fn read(root: &Path) -> Result<(Vec<Record>, Vec<BadLine>), Error> {
    let path = log_path(root);
    let file = match fs::File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((Vec::new(), Vec::new())),
        Err(e) => return Err(Error::io(&path, e)),
    };
    let mut records = Vec::new();
    let mut bad = Vec::new();
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                bad.push(BadLine { line: i + 1, message: e.to_string() });
                continue;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Record>(&line) {
            Ok(r) => records.push(r),
            Err(e) => bad.push(BadLine { line: i + 1, message: e.to_string() }),
        }
    }
    Ok((records, bad))
}

/// The effective records about one card, in log order.
#[must_use]
pub fn card_history<'r>(records: &'r [Record], path: &str, hash: &str, sibling: usize) -> Vec<&'r Record> {
    effective(records)
        .into_iter()
        .filter(|r| r.path == path && r.hash == hash && r.sibling == sibling && r.response.is_some())
        .collect()
}

/// The records that still count: undo records and the records they cancel
/// are dropped.
#[must_use]
pub fn effective(records: &[Record]) -> Vec<&Record> {
    let undone: HashSet<&str> = records.iter().filter_map(|r| r.undoes.as_deref()).collect();
    records.iter().filter(|r| r.op != Op::Undo && !undone.contains(r.id.as_str())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::{Ease, Interval};

    fn record(id: &str, op: Op, undoes: Option<&str>) -> Record {
        Record {
            id: id.into(),
            ts: "2024-06-20T09:00:00.000+00:00".into(),
            day: NaiveDate::from_ymd_opt(2024, 6, 20).expect("date"),
            op,
            path: "n.md".into(),
            line: LineNo::new(3),
            hash: "abc".into(),
            sibling: 0,
            response: Some(Response::Good),
            before: None,
            after: Some(Schedule::Sm2(crate::schedule::Sm2 {
                due: NaiveDate::from_ymd_opt(2024, 6, 23).expect("date"),
                interval: Interval(3.0),
                ease: Ease(250.0),
            })),
            ms: Some(1200),
            decks: vec!["flashcards".into()],
            undoes: undoes.map(str::to_owned),
            detail: None,
        }
    }

    #[test]
    fn append_read_and_undo() {
        let dir = tempfile::tempdir().expect("tempdir");
        append(dir.path(), &[record("a", Op::Review, None), record("b", Op::Review, None)]).expect("append");
        append(dir.path(), &[record("c", Op::Undo, Some("a"))]).expect("append");
        let mut f = OpenOptions::new().append(true).open(log_path(dir.path())).expect("open");
        f.write_all(b"{\"torn\": ").expect("write");
        let (records, bad) = read(dir.path()).expect("read");
        assert_eq!(records.len(), 3);
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].line, 4);
        let ids: Vec<&str> = effective(&records).iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, vec!["b"]);
    }

    #[test]
    fn no_log_yet_is_empty() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert_eq!(read(dir.path()).expect("read"), (Vec::new(), Vec::new()));
    }
}
