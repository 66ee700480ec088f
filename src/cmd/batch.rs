//! Writing planned schedule changes to many notes at once: the batch writer
//! of `reschedule --apply` and `import --apply`.
//!
//! Each note's changes are per question and sibling ([`QuestionChanges`]);
//! [`plan_note`] turns them into one edit per question, [`relocate`] finds
//! the questions again when a note changed on disk, and [`write_notes`]
//! applies the edits through [`apply_edits`] with the log lines of each batch
//! written (and synced) before its notes, a few writers at once, Ctrl-C
//! stopping between notes, and the log lines of a note that could not be
//! written cancelled by undo records.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::edit::Edit;
use crate::edit::apply::apply_edits;
use crate::edit::plan::{SiblingChange, plan_siblings};
use crate::error::Error;
use crate::log::{Op, Record};
use crate::parse::{Note, Question, parse_note};
use crate::settings::Settings;
use crate::vault::Vault;

/// Notes written at once. The writes wait on fsync, not on the CPU, so a
/// few more than the cores overlap them (docs/performance.md).
const WRITERS: usize = 4;

/// Notes per batch (one log append each).
const BATCH: usize = 64;

/// The changes to one note: question index → (sibling, change).
pub type QuestionChanges = BTreeMap<usize, Vec<(usize, SiblingChange)>>;

/// Plans the edits of one note: one per changed question.
pub fn plan_note(note: &Note, changes: &QuestionChanges, settings: &Settings) -> Result<Vec<Edit>, String> {
    let mut edits = Vec::new();
    for (&qi, sibs) in changes {
        let Some(q) = note.questions.get(qi) else { continue };
        match plan_siblings(note, q, sibs, settings) {
            Ok(Some(e)) => edits.push(e),
            Ok(None) => {}
            Err(e) => return Err(format!("line {}: {e}", q.first_line + 1)),
        }
    }
    Ok(edits)
}

/// The same changes on a note's new text: each question found again by its
/// text (nearest to where it was).
#[must_use]
pub fn relocate(
    vault: &Vault,
    path: &str,
    old: &Note,
    changes: &QuestionChanges,
    text: &str,
) -> Option<Vec<Edit>> {
    let folder = path.rfind('/').map(|i| &path[..i]);
    let fresh = parse_note(text.to_owned(), folder, &vault.parse_options(), true);
    let mut moved = BTreeMap::new();
    for (&qi, sibs) in changes {
        let q: &Question = old.questions.get(qi)?;
        let (ni, _) = fresh
            .questions
            .iter()
            .enumerate()
            .filter(|(_, q2)| q2.text(&fresh.text) == q.text(&old.text))
            .min_by_key(|(_, q2)| q2.first_line.abs_diff(q.first_line))?;
        moved.insert(ni, sibs.clone());
    }
    plan_note(&fresh, &moved, &vault.config.settings).ok()
}

/// What [`write_notes`] did.
#[derive(Debug, Default)]
pub struct Written {
    /// Notes written.
    pub written: usize,
    /// Ctrl-C stopped it before every note was written.
    pub interrupted: bool,
    /// Notes (or the log) that could not be written, as messages.
    pub errors: Vec<String>,
}

/// Writes `plans` (note index → edits, in path order). `changes` holds each
/// planned note's changes (to re-plan a note changed on disk);
/// `records_of(note)` gives the log lines of a note's changes, appended
/// before the note is written.
pub fn write_notes(
    vault: &Vault,
    plans: &[(usize, Vec<Edit>)],
    changes: &BTreeMap<usize, QuestionChanges>,
    records_of: &dyn Fn(usize) -> Vec<Record>,
) -> Written {
    let mut out = Written::default();
    if plans.is_empty() {
        return out;
    }
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst));
    let bar = if std::io::stderr().is_terminal() {
        indicatif::ProgressBar::new(plans.len() as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    let empty = QuestionChanges::new();
    // Notes go in batches: the log lines of a batch are written (and
    // synced) once, before its notes. A run killed after the log but
    // before a note's write finds the card unchanged and applies it
    // again; one killed after the write finds both and skips the card.
    // A folder's notes are written one at a time (its lock), so the
    // notes go out with the folders taking turns: writers working at
    // the same moment are then mostly in different folders.
    let order = interleave_folders(plans, |ni| vault.notes[ni].path.as_str());
    for batch in order.chunks(BATCH) {
        if stop.load(Ordering::SeqCst) {
            out.interrupted = true;
            break;
        }
        let batch_records: Vec<Vec<Record>> = batch.iter().map(|(ni, _)| records_of(*ni)).collect();
        let all: Vec<Record> = batch_records.iter().flatten().cloned().collect();
        if let Err(e) = crate::log::append(&vault.root, &all) {
            out.errors.push(format!("the review log could not be written, so nothing more was: {e}"));
            break;
        }
        // The notes of a batch are written by a few threads at once, so
        // their fsyncs overlap; each write is atomic on its own, and a
        // Ctrl-C stops every writer before its next note.
        let next = AtomicUsize::new(0);
        let failed: std::sync::Mutex<Vec<(usize, Error)>> = std::sync::Mutex::new(Vec::new());
        let done = AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for _ in 0..WRITERS.min(batch.len()) {
                scope.spawn(|| {
                    loop {
                        if stop.load(Ordering::SeqCst) {
                            break;
                        }
                        let i = next.fetch_add(1, Ordering::SeqCst);
                        let Some((ni, edits)) = batch.get(i) else { break };
                        let n = &vault.notes[*ni];
                        let qs = changes.get(ni).unwrap_or(&empty);
                        match apply_edits(&n.abs, &n.note.text, edits, &|text| {
                            relocate(vault, &n.path, &n.note, qs, text)
                        }) {
                            Ok(_) => {
                                done.fetch_add(1, Ordering::SeqCst);
                            }
                            Err(e) => {
                                if let Ok(mut f) = failed.lock() {
                                    f.push((i, e));
                                }
                            }
                        }
                        bar.inc(1);
                    }
                });
            }
        });
        out.written += done.into_inner();
        let mut failed = failed.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
        failed.sort_by_key(|(i, _)| *i);
        for (i, e) in failed {
            // Cancel the log lines of a note that was not written.
            let undo: Vec<Record> = batch_records[i]
                .iter()
                .map(|r| Record {
                    id: crate::log::new_id(),
                    op: Op::Undo,
                    undoes: Some(r.id.clone()),
                    before: r.after,
                    after: r.before,
                    ..r.clone()
                })
                .collect();
            let _ = crate::log::append(&vault.root, &undo);
            out.errors.push(e.to_string());
        }
        if stop.load(Ordering::SeqCst) && next.into_inner() < batch.len() {
            out.interrupted = true;
            break;
        }
    }
    bar.finish_and_clear();
    out
}

/// `plans` (in path order) reordered so that the folders take turns: the
/// first note of every folder, then the second of every folder, and so on.
fn interleave_folders<'p>(
    plans: &'p [(usize, Vec<Edit>)],
    path_of: impl Fn(usize) -> &'p str,
) -> Vec<&'p (usize, Vec<Edit>)> {
    let mut folders: BTreeMap<&str, Vec<&(usize, Vec<Edit>)>> = BTreeMap::new();
    for p in plans {
        let path = path_of(p.0);
        folders.entry(path.rfind('/').map_or("", |i| &path[..i])).or_default().push(p);
    }
    let longest = folders.values().map(Vec::len).max().unwrap_or(0);
    (0..longest).flat_map(|i| folders.values().filter_map(move |f| f.get(i).copied())).collect()
}
