//! `recall reschedule`: batch changes to a vault's schedules, dry run first.
//!
//! The selection and the planning are [`crate::reschedule::select`]'s; this
//! file reads the vault for them (twice: the selected cards first, then the
//! notes with changes), shows the result and writes it.

use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;

use crate::cli::{Global, RescheduleArgs, StateFilter};
use crate::clock::When;
use crate::edit::{Edit, splice, unified_diff};
use crate::error::Error;
use crate::log::{CardRef, Op, Record, Stamp};
use crate::parse::{CardSchedule, CardState, cyrb53};
use crate::reschedule::fsrs::fsrs_note;
use crate::reschedule::select::{
    Done, Filter, already_done, by_question, move_card, plan_changes, plan_note, select_note,
};
use crate::reschedule::{Change, Operation, Target};
use crate::schedule::Histogram;
use crate::session::fingerprint;
use crate::vault::{Vault, VaultNote};
use crate::writeback::NoteWrite;

mod show;

use show::{Summary, write_json, write_text};
pub(super) use show::{chart, chart_days};

pub(super) fn operation(args: &RescheduleArgs, zone: crate::clock::Zone) -> Operation {
    if let Some(date) = args.exam {
        Operation::Exam { date, zone }
    } else if let Some(d) = args.shift {
        Operation::Shift(d)
    } else if let Some(d) = args.spread {
        Operation::Spread(d)
    } else if let Some(r) = args.set_due {
        Operation::SetDue { from: r.from, to: r.to, set_interval: r.set_interval }
    } else if args.reset {
        Operation::Reset
    } else if args.rebalance {
        Operation::Rebalance
    } else {
        Operation::Cap
    }
}

/// Identifies "the same command" for resuming: operation, filters, paths, day.
pub(super) fn signature(args: &RescheduleArgs, op: Operation, today: NaiveDate, scopes: &[String]) -> String {
    let key = format!(
        "{}|{:?}|{:?}|{:?}|{:?}|{:?}|{}|{:?}",
        op.describe(),
        args.deck,
        args.state.map(|s| format!("{s:?}")),
        args.due_before,
        args.due_after,
        scopes,
        today,
        args.seed
    );
    format!("{:x}", cyrb53(&key, 7))
}

/// A note the first pass selected cards of: where it is and what it held.
struct Seen {
    path: crate::note_path::NotePath,
    abs: PathBuf,
    fingerprint: u64,
}

/// A selected card: its note (an index into [`Selection::notes`]), its
/// question and sibling, and the question's first line (0-based).
struct Selected {
    note: usize,
    question: usize,
    sibling: usize,
    line: usize,
}

/// What the first pass keeps of the vault: the selected cards, and beside
/// them (as the planning takes them) their schedules.
#[derive(Default)]
struct Selection {
    notes: Vec<Seen>,
    cards: Vec<Selected>,
    targets: Vec<Target>,
    histogram: Histogram,
    fsrs_skipped: usize,
    resumed: usize,
}

impl Selection {
    /// The schedule card `c` has now.
    fn schedule(&self, c: usize) -> &CardSchedule {
        &self.targets[c].schedule
    }
}

/// A planned change: the card (an index into [`Selection::cards`]) and its change.
type CardChange = (usize, Change);

/// A changed note read again and planned: its edits, and the note itself
/// when it is to be shown (`--diff`) or written (`--apply`); a dry run
/// keeps neither.
struct Plan {
    note: usize,
    edits: Vec<Edit>,
    /// Boxed: a dry run has one result per changed note, mostly `None`.
    held: Option<Box<VaultNote>>,
}

/// The first pass: every note is read on the workers and only its
/// selected cards and its histogram entries are kept (holding the whole
/// vault cost 600 MB on 50,000 notes).
fn first_pass(
    global: &Global,
    args: &RescheduleArgs,
    filter: &Filter<'_>,
    effective: &[&Record],
) -> Result<(Vault, Selection), Error> {
    let first = args.paths.first().map(PathBuf::as_path);
    let already = std::sync::OnceLock::new();
    let select = |n: VaultNote, opts: &crate::parse::ParseOptions| {
        let when = When { today: opts.today, now: opts.now, zone: opts.zone };
        let already: &Done = already.get_or_init(|| {
            let sig = signature(args, filter.op, when.today, filter.scopes);
            already_done(effective, &format!("{} | run {sig}", filter.op.describe()))
        });
        let s = select_note(&n.path, &n.note, filter, already, &when);
        let seen = (!s.cards.is_empty()).then(|| Seen {
            fingerprint: fingerprint(&n.note.text),
            path: n.path,
            abs: n.abs,
        });
        (s, seen)
    };
    let mut sel = Selection::default();
    let vault = crate::scan_vault_each(global, first, crate::parse::Detail::Full, select, |(s, seen)| {
        for k in s.keys {
            sel.histogram.increment(k);
        }
        sel.fsrs_skipped += s.fsrs_skipped;
        sel.resumed += s.resumed;
        if let Some(seen) = seen {
            let note = sel.notes.len();
            sel.notes.push(seen);
            for c in s.cards {
                sel.cards.push(Selected { note, question: c.question, sibling: c.sibling, line: c.line });
                sel.targets.push(Target { schedule: c.schedule });
            }
        }
        Ok(())
    })?;
    Ok((vault, sel))
}

/// The cards of `changes` (in note order) that belong to note `ni`.
fn changes_of<'a>(sel: &Selection, changes: &'a [CardChange], ni: usize) -> &'a [CardChange] {
    let lo = changes.partition_point(|(c, _)| sel.cards[*c].note < ni);
    let hi = changes.partition_point(|(c, _)| sel.cards[*c].note <= ni);
    &changes[lo..hi]
}

/// Note `ni`'s changes by question, as [`plan_note`] takes them.
fn questions_of(sel: &Selection, changes: &[CardChange], ni: usize) -> BTreeMap<usize, Vec<(usize, Change)>> {
    by_question(changes_of(sel, changes, ni).iter().map(|(c, ch)| {
        let card = &sel.cards[*c];
        (card.question, card.sibling, ch)
    }))
}

/// The second pass: the notes with changes are read again on the workers
/// (a note changed since the first pass is left alone) and their edits
/// planned up front: a note that cannot be edited is reported, not
/// half-done. Returns the plans with edits and the problems.
fn second_pass(
    vault: &Vault,
    sel: &Selection,
    changes: &[CardChange],
    keep: bool,
) -> (Vec<Plan>, Vec<String>) {
    let mut changed: Vec<usize> = changes.iter().map(|(c, _)| sel.cards[*c].note).collect();
    changed.dedup();
    let planned = crate::vault::parallel_map(&changed, |&ni| {
        let seen = &sel.notes[ni];
        let n = match vault.read_note(&seen.path, &seen.abs) {
            Ok(n) if fingerprint(&n.note.text) == seen.fingerprint => n,
            Ok(_) => return (ni, Err(" changed while it was being read".to_owned()), None),
            Err(_) => return (ni, Err(" gone while it was being read".to_owned()), None),
        };
        // A dry run only counts: the edits and the note go at once.
        let plan = plan_note(&n.note, &questions_of(sel, changes, ni), &vault.config.settings)
            .map(|edits| (!edits.is_empty()).then(|| if keep { edits } else { Vec::new() }));
        let held = (keep && plan.as_ref().is_ok_and(Option::is_some)).then(|| Box::new(n));
        (ni, plan, held)
    });
    let (mut plans, mut problems) = (Vec::new(), Vec::new());
    for (note, plan, held) in planned {
        match plan {
            Ok(Some(edits)) => plans.push(Plan { note, edits, held }),
            Ok(None) => {}
            Err(e) => problems.push(format!("{}:{e}; left alone", sel.notes[note].path)),
        }
    }
    (plans, problems)
}

/// Writes the planned notes, logging each card's change; returns how many
/// notes were written, whether it was interrupted and whether a write failed.
fn apply(
    vault: &Vault,
    sel: &Selection,
    plans: &[Plan],
    changes: &[CardChange],
    detail: &str,
) -> (usize, bool, bool) {
    let held: Vec<(&Plan, &VaultNote)> =
        plans.iter().filter_map(|p| Some((p, &**p.held.as_ref()?))).collect();
    let by_note: Vec<BTreeMap<usize, Vec<(usize, Change)>>> =
        held.iter().map(|(p, _)| questions_of(sel, changes, p.note)).collect();
    let relocators: Vec<_> = held
        .iter()
        .zip(&by_note)
        .map(|((_, n), qs)| move |text: &str| vault.replan(&n.path, &n.note, qs, text, plan_note))
        .collect();
    let writes: Vec<(NoteWrite<'_>, Vec<Record>)> = held
        .iter()
        .zip(&relocators)
        .map(|((p, n), reloc)| {
            let records = changes_of(sel, changes, p.note)
                .iter()
                .map(|(c, change)| {
                    let card = &sel.cards[*c];
                    let q = &n.note.questions[card.question];
                    let at = CardRef {
                        path: n.path.clone(),
                        line: q.text_line_no(),
                        hash: q.hash(&n.note.text),
                        sibling: card.sibling,
                        decks: q.decks.to_vec(),
                    };
                    Record::batch(
                        Stamp::at(vault.now, vault.zone),
                        vault.today,
                        Op::Reschedule,
                        at,
                        sel.schedule(*c).to_schedule(),
                        change.applied(sel.schedule(*c)),
                        detail.to_owned(),
                    )
                })
                .collect();
            let write = NoteWrite {
                path: &n.path,
                abs: &n.abs,
                original: &n.note.text,
                edits: p.edits.clone(),
                relocate: reloc,
            };
            (write, records)
        })
        .collect();
    let report = super::write_batch_interactive(vault, &writes);
    let (interrupted, failed) = (report.interrupted, !report.errors.is_empty());
    if !interrupted && !failed {
        mark_complete(vault, detail);
    }
    (report.written, interrupted, failed)
}

/// The notes on stderr: problems, FSRS cards left alone, a resumed run.
fn warn(problems: &[String], sel: &Selection, op: Operation) {
    let mut err = std::io::stderr().lock();
    for p in problems {
        let _ = writeln!(err, "warning: {}", crate::sanitize::one_line(p));
    }
    if sel.fsrs_skipped > 0 {
        let why = fsrs_note(op).unwrap_or_default();
        let _ =
            writeln!(err, "note: {} FSRS card(s) left alone by {}: {why}", sel.fsrs_skipped, op.describe());
    }
    if sel.resumed > 0 {
        let _ = writeln!(
            err,
            "note: finishing an interrupted run of `{}`: {} card(s) were already done",
            op.describe(),
            sel.resumed
        );
    }
}

pub fn run(global: &Global, args: &RescheduleArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    if args.notes {
        return super::reschedule_notes::run(global, args, out);
    }
    let first = args.paths.first().map(PathBuf::as_path);
    let decks = crate::resolve_decks(global, first, &args.deck)?;
    let root = crate::vault::discover(global.vault.as_deref(), first)?;
    let scopes = crate::vault::scopes(&root, &args.paths)?;
    // The log comes first: the first pass selects against it on the workers.
    let (records, _) = crate::log::read(&root)?;
    let effective = crate::log::effective(&records);
    let filter = Filter {
        decks: &decks,
        state: args.state.map(|w| match w {
            StateFilter::New => CardState::New,
            StateFilter::Due => CardState::Due,
            StateFilter::Scheduled => CardState::Scheduled,
        }),
        due_before: args.due_before,
        due_after: args.due_after,
        scopes: &scopes,
        op: operation(args, crate::load_options(global).zone),
    };
    let (vault, sel) = first_pass(global, args, &filter, &effective)?;
    let vault = &vault;
    let op = operation(args, vault.zone);
    if let Operation::Exam { date, .. } = op
        && date <= vault.today
    {
        return Err(Error::Usage(format!(
            "--exam {date} is not after today ({}): there is no day before it to study in",
            vault.today
        )));
    }
    let when = vault.when();
    let detail = format!("{} | run {}", op.describe(), signature(args, op, vault.today, &scopes));
    let seed = args.seed.unwrap_or(0x5EED);
    let (planned, exam) = plan_changes(op, &sel.targets, &when, &vault.config.settings, &sel.histogram, seed);
    // The changes in note order.
    let mut changes: Vec<CardChange> = Vec::with_capacity(planned.iter().flatten().count());
    changes.extend(planned.into_iter().enumerate().filter_map(|(i, c)| Some((i, c?))));
    let mut after = sel.histogram.clone();
    for (c, change) in &changes {
        move_card(&mut after, sel.schedule(*c), change, &when);
    }
    let (plans, problems) = second_pass(vault, &sel, &changes, args.diff || args.apply);
    let planned_notes: HashSet<usize> = plans.iter().map(|p| p.note).collect();
    changes.retain(|(c, _)| planned_notes.contains(&sel.cards[*c].note));
    warn(&problems, &sel, op);
    if args.diff {
        for n in plans.iter().filter_map(|p| Some((p.held.as_ref()?, &p.edits))) {
            let new = splice(&n.0.note.text, n.1);
            write!(out, "{}", unified_diff(&n.0.path, &n.0.note.text, &new)).map_err(Error::stdout)?;
        }
    }
    let (written, interrupted, failed) = if args.apply && !plans.is_empty() {
        apply(vault, &sel, &plans, &changes, &detail)
    } else {
        (0, false, false)
    };
    let o = Summary {
        op,
        applied: args.apply,
        cards: changes.len(),
        notes: plans.len(),
        written,
        interrupted,
        fsrs_skipped: sel.fsrs_skipped,
        exam: exam.as_ref(),
        days: chart_days(&sel.histogram, &after, vault.today),
    };
    if args.json {
        write_json(out, &o, &sel, &changes)?;
    } else {
        write_text(out, &o).map_err(Error::stdout)?;
    }
    Ok(if interrupted || failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// Logs that the run named by `detail` finished, so running the same
/// command again starts afresh instead of resuming it.
pub(super) fn mark_complete(vault: &Vault, detail: &str) {
    let done = Record::run_mark(
        Stamp::at(vault.now, vault.zone),
        vault.today,
        Op::Reschedule,
        format!("{detail} | complete"),
    );
    let _ = crate::log::append(&vault.root, &[done]);
}
