//! One module per subcommand, plus what several of them share.

pub mod cards;
pub mod check;
pub mod completions;
pub mod decks;
pub mod due;
pub mod export;
pub mod grade;
pub mod import;
pub mod man;
pub mod notes;
pub mod optimize;
pub mod reschedule;
pub mod reschedule_notes;
pub mod review;
pub mod review_notes;
pub mod schedule;
pub mod stats;

use serde::Serialize;

use crate::parse::{CardSchedule, CardState, QuestionKind};
use crate::schedule::{Histogram, WholeEase, WholeInterval, histogram_key};
use crate::vault::Vault;

/// One reviewable card, as `cards --json` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct CardRow {
    pub path: String,
    /// The plugin's 1-based question range (the conformance corpus's).
    pub line: usize,
    pub end_line: usize,
    /// `PATH:LINE` naming this question alone (its own first text line),
    /// what `grade` takes; with `#SIBLING` for the other siblings.
    pub address: String,
    pub kind: QuestionKind,
    pub sibling: usize,
    pub decks: Vec<String>,
    pub front: String,
    pub back: String,
    pub due: Option<String>,
    pub interval: Option<WholeInterval>,
    pub ease: Option<WholeEase>,
    pub state: CardState,
    /// FSRS cards: stability, difficulty, retrievability now and state.
    #[serde(flatten)]
    pub memory: crate::schedule::fsrs::MemoryView,
}

/// The cards of one note (none when it has no deck), in line and sibling
/// order.
#[must_use]
pub fn note_rows(
    path: &str,
    note: &crate::parse::Note,
    opts: &crate::parse::ParseOptions,
    fsrs: &crate::schedule::fsrs::Parameters,
) -> Vec<CardRow> {
    let mut rows = Vec::new();
    if !note.has_deck {
        return rows;
    }
    for q in &note.questions {
        let sides = q.sides(&note.text, opts.settings, opts.clozes);
        for (i, (front, back)) in sides.into_iter().enumerate() {
            let sched = q.schedule(i);
            let (interval, ease) = sched.interval_ease();
            rows.push(CardRow {
                path: path.to_owned(),
                line: q.first_line_no().get(),
                end_line: q.last_line_no().get(),
                address: if i == 0 {
                    format!("{path}:{}", q.text_line_no())
                } else {
                    format!("{path}:{}#{i}", q.text_line_no())
                },
                kind: q.kind,
                sibling: i,
                decks: q.decks.to_vec(),
                front,
                back,
                due: sched.due_date(opts.zone).map(|d| d.format("%Y-%m-%d").to_string()),
                interval,
                ease,
                state: sched.state(opts.today, opts.now),
                memory: crate::schedule::fsrs::MemoryView::of(sched.fsrs(), fsrs, opts.now),
            });
        }
    }
    rows
}

/// The plugin's card due-date histogram over the whole vault: every
/// scheduled card of every note with a deck, counted once.
#[must_use]
pub fn vault_histogram(vault: &Vault) -> Histogram {
    let mut h = Histogram::default();
    for n in vault.notes.iter().filter(|n| n.note.has_deck) {
        for q in &n.note.questions {
            for i in 0..q.card_count() {
                let s = q.schedule(i);
                if matches!(s, CardSchedule::New) {
                    continue;
                }
                if let Some(k) = histogram_key(&s, vault.today, vault.now) {
                    h.increment(k);
                }
            }
        }
    }
    h
}

/// The width of the terminal on stdout, or a default when not a terminal.
#[must_use]
pub fn terminal_width() -> usize {
    use std::io::IsTerminal;
    if std::io::stdout().is_terminal()
        && let Ok((w, _)) = crossterm::terminal::size()
    {
        return usize::from(w).max(40);
    }
    120
}

/// True when output may be coloured: stdout is a terminal and `NO_COLOR`
/// is unset or empty (no-color.org).
#[must_use]
pub fn color_enabled() -> bool {
    use std::io::IsTerminal;
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}

/// Writes a batch of notes through [`crate::writeback::write_batch`] as a
/// command on a terminal does: Ctrl-C stops it between notes, a progress
/// bar shows on stderr when stderr is a terminal, and each note that could
/// not be written is reported there.
#[must_use]
pub fn write_batch_interactive(
    vault: &Vault,
    writes: &[(crate::writeback::NoteWrite<'_>, Vec<crate::log::Record>)],
) -> crate::writeback::BatchReport {
    use std::io::{IsTerminal, Write};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst));
    let bar = if std::io::stderr().is_terminal() {
        indicatif::ProgressBar::new(writes.len() as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    let stamp = || crate::log::Stamp::at(vault.now, vault.zone);
    let report = crate::writeback::write_batch(&vault.root, writes, &stop, &|| bar.inc(1), &stamp);
    bar.finish_and_clear();
    let mut err = std::io::stderr().lock();
    for e in &report.errors {
        let _ = writeln!(err, "error: {}", crate::sanitize::one_line(e));
    }
    report
}
