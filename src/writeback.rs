//! The one write path for notes: every command that changes a note goes
//! through here — `grade`, the review session's disk store, `reschedule
//! --apply`, `check --fix`, note review and `import`.
//!
//! A [`NoteWrite`] is a note's planned edits with the text they were planned
//! on and how to re-plan them on a text that changed. [`write_and_log`]
//! applies one under its folder's lock ([`crate::edit::apply::apply_edits`]:
//! re-read, relocate or refuse, atomic write) and then appends its records to
//! the review log: a failed write leaves no log line. [`write_batch`] writes
//! many notes the way a batch must survive a kill: the log lines of a batch
//! of notes are synced first, then its notes are written a few at a time
//! from different folders, and the log lines of a note that could not be
//! written are cancelled by undo records. A re-run finds each card either
//! still old (its logged change is applied again) or already new (skipped).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::edit::Edit;
use crate::edit::apply::{Outcome, apply_edits};
use crate::error::Error;
use crate::log::Record;

/// Notes of a batch written at once. The writes wait on fsync, not on the
/// CPU, so a few more than the cores overlap them (docs/performance.md).
pub const WRITERS: usize = 4;

/// Notes whose log lines are synced together before they are written.
pub const BATCH: usize = 64;

/// Re-plans a note's edits on its current text (`None`: refuse).
pub type Relocate<'a> = dyn Fn(&str) -> Option<Vec<Edit>> + Sync + 'a;

/// One note's planned change.
pub struct NoteWrite<'a> {
    /// Vault-relative path, for messages and the order of a batch.
    pub path: &'a str,
    /// Where the note is on disk.
    pub abs: &'a Path,
    /// The text the edits were planned on.
    pub original: &'a str,
    pub edits: Vec<Edit>,
    pub relocate: &'a Relocate<'a>,
}

/// How a note write went.
#[derive(Debug)]
pub struct Written {
    pub outcome: Outcome,
    /// The note's text now.
    pub text: String,
    /// The note was written but its records could not be logged.
    pub log_error: Option<Error>,
}

/// Writes one note, then logs `records` (see the module docs).
pub fn write_and_log(root: &Path, write: &NoteWrite<'_>, records: &[Record]) -> Result<Written, Error> {
    let (outcome, text) = apply_edits(write.abs, write.original, &write.edits, write.relocate)?;
    let log_error = crate::log::append(root, records).err();
    Ok(Written { outcome, text, log_error })
}

/// What a batch did.
#[derive(Debug, Default)]
pub struct BatchReport {
    /// Notes written.
    pub written: usize,
    /// Stopped by the `stop` flag before every note was written.
    pub interrupted: bool,
    /// One message per note that could not be written (or a log failure).
    pub errors: Vec<String>,
}

/// Writes every note of `notes` with its records, log first, in batches
/// (see the module docs). `stop` is checked before every note; `on_note`
/// is called after each note is done (a progress bar).
pub fn write_batch(
    root: &Path,
    notes: &[(NoteWrite<'_>, Vec<Record>)],
    stop: &AtomicBool,
    on_note: &(dyn Fn() + Sync),
    undo_stamp: &(dyn Fn() -> crate::log::Stamp + Sync),
) -> BatchReport {
    let mut report = BatchReport::default();
    let order = interleave_folders(notes);
    for batch in order.chunks(BATCH) {
        if stop.load(Ordering::SeqCst) {
            report.interrupted = true;
            break;
        }
        let all: Vec<Record> = batch.iter().flat_map(|(_, r)| r.iter().cloned()).collect();
        if let Err(e) = crate::log::append(root, &all) {
            report.errors.push(format!("the review log could not be written, so nothing more was: {e}"));
            break;
        }
        // The notes of a batch are written by a few threads at once, so
        // their fsyncs overlap; each write is atomic on its own, and a
        // Ctrl-C stops every writer before its next note.
        let next = AtomicUsize::new(0);
        let failed: Mutex<Vec<(usize, Error)>> = Mutex::new(Vec::new());
        let done = AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for _ in 0..WRITERS.min(batch.len()) {
                scope.spawn(|| {
                    loop {
                        if stop.load(Ordering::SeqCst) {
                            break;
                        }
                        let i = next.fetch_add(1, Ordering::SeqCst);
                        let Some((w, _)) = batch.get(i) else { break };
                        match apply_edits(w.abs, w.original, &w.edits, w.relocate) {
                            Ok(_) => {
                                done.fetch_add(1, Ordering::SeqCst);
                            }
                            Err(e) => {
                                if let Ok(mut f) = failed.lock() {
                                    f.push((i, e));
                                }
                            }
                        }
                        on_note();
                    }
                });
            }
        });
        report.written += done.into_inner();
        let mut failed = failed.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
        failed.sort_by_key(|(i, _)| *i);
        for (i, e) in failed {
            // Cancel the log lines of a note that was not written.
            let undo: Vec<Record> = batch[i].1.iter().map(|r| Record::undo(undo_stamp(), r.day, r)).collect();
            let _ = crate::log::append(root, &undo);
            report.errors.push(e.to_string());
        }
        if stop.load(Ordering::SeqCst) && next.into_inner() < batch.len() {
            report.interrupted = true;
            break;
        }
    }
    report
}

/// `notes` (in path order) reordered so that the folders take turns: the
/// first note of every folder, then the second of every folder, and so on.
/// A folder's notes are written one at a time (its lock), so writers
/// working at the same moment are then mostly in different folders.
fn interleave_folders<'n, 'a>(
    notes: &'n [(NoteWrite<'a>, Vec<Record>)],
) -> Vec<&'n (NoteWrite<'a>, Vec<Record>)> {
    let mut folders: BTreeMap<&str, Vec<&(NoteWrite<'a>, Vec<Record>)>> = BTreeMap::new();
    for n in notes {
        let path = n.0.path;
        folders.entry(crate::note_path::folder_or_root(path)).or_default().push(n);
    }
    let longest = folders.values().map(Vec::len).max().unwrap_or(0);
    (0..longest).flat_map(|i| folders.values().filter_map(move |f| f.get(i).copied())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(at: usize, new: &str) -> Edit {
        Edit { range: at..at, old: String::new(), new: new.to_owned() }
    }

    #[test]
    fn folders_take_turns() {
        let never = |_: &str| None;
        let paths = ["a/1.md", "a/2.md", "a/3.md", "b/1.md", "c/1.md", "c/2.md"];
        let abs = Path::new("/nonexistent");
        let notes: Vec<(NoteWrite<'_>, Vec<Record>)> = paths
            .iter()
            .map(|p| {
                (NoteWrite { path: p, abs, original: "", edits: Vec::new(), relocate: &never }, Vec::new())
            })
            .collect();
        let order: Vec<&str> = interleave_folders(&notes).iter().map(|n| n.0.path).collect();
        assert_eq!(order, ["a/1.md", "b/1.md", "c/1.md", "a/2.md", "c/2.md", "a/3.md"]);
    }

    #[test]
    fn a_batch_writes_every_note_and_reports_the_ones_that_failed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::write(root.join("a.md"), "A").expect("write");
        std::fs::write(root.join("b.md"), "B").expect("write");
        let never = |_: &str| None;
        let (a, b, gone) = (root.join("a.md"), root.join("b.md"), root.join("gone.md"));
        let notes = vec![
            (
                NoteWrite {
                    path: "a.md",
                    abs: &a,
                    original: "A",
                    edits: vec![edit(1, "1")],
                    relocate: &never,
                },
                vec![],
            ),
            (
                NoteWrite {
                    path: "b.md",
                    abs: &b,
                    original: "B",
                    edits: vec![edit(1, "2")],
                    relocate: &never,
                },
                vec![],
            ),
            (
                NoteWrite { path: "gone.md", abs: &gone, original: "G", edits: vec![], relocate: &never },
                vec![],
            ),
        ];
        let stop = AtomicBool::new(false);
        let report = write_batch(root, &notes, &stop, &|| {}, &|| crate::log::Stamp {
            id: "u".into(),
            ts: "t".into(),
        });
        assert_eq!(report.written, 2);
        assert!(!report.interrupted);
        assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
        assert_eq!(std::fs::read_to_string(&a).expect("read"), "A1");
        assert_eq!(std::fs::read_to_string(&b).expect("read"), "B2");
    }

    #[test]
    fn a_stopped_batch_writes_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::write(root.join("a.md"), "A").expect("write");
        let never = |_: &str| None;
        let a = root.join("a.md");
        let notes = vec![(
            NoteWrite { path: "a.md", abs: &a, original: "A", edits: vec![edit(1, "1")], relocate: &never },
            vec![],
        )];
        let stop = AtomicBool::new(true);
        let report = write_batch(root, &notes, &stop, &|| {}, &|| crate::log::Stamp {
            id: "u".into(),
            ts: "t".into(),
        });
        assert!(report.interrupted);
        assert_eq!(std::fs::read_to_string(&a).expect("read"), "A");
    }
}
