//! `recall import`: the reviews done in Anki or AnkiDroid back into the
//! notes (schedules) and the review log, dry run first.
//!
//! Reads the package ([`crate::anki`]), plans ([`crate::import`]) and, with
//! `--apply`, writes through the one batch writer
//! ([`crate::writeback::write_batch`]): the answers of a note's changed
//! cards and their schedule records are logged with the note's batch; the
//! answers of cards whose schedule stays are logged first, on their own.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{BufReader, Write};
use std::process::ExitCode;

use crate::anki::{Limits, PackageError, read_package};
use crate::cli::{Global, ImportArgs};
use crate::edit::plan::SiblingChange;
use crate::edit::{Edit, splice, unified_diff};
use crate::error::Error;
use crate::export::{Selection, collect};
use crate::import::edits::{QuestionChanges, plan_note};
use crate::import::plan::CardPlan;
use crate::import::summary::{Done, Summary};
use crate::import::{
    Calendar, ImportedReview, SCHEDULE_DETAIL, Write as Target, match_cards, plan, reviews, segment,
};
use crate::log::{CardRef, Op, Record, Stamp};
use crate::vault::Vault;
use crate::writeback::NoteWrite;

/// Runs `recall import` (see the module docs).
#[expect(
    clippy::too_many_lines,
    reason = "read the package, match, plan, apply under the lock and log, print: one command's steps in order"
)]
pub fn run(global: &Global, args: &ImportArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let vault = crate::load_vault(global, None)?;
    let refused = |error: PackageError| Error::Import { path: args.file.clone(), error };
    let file = File::open(&args.file).map_err(|e| Error::io(&args.file, e))?;
    let col = read_package(BufReader::new(file), &Limits::default()).map_err(refused)?;
    let cal = Calendar::new(&col, vault.zone)
        .ok_or_else(|| refused(PackageError::BadSchema("its creation time is not a date".into())))?;

    let exported = collect(vault, &Selection::default(), &|_| 0);
    let matching = match_cards(vault, &exported, &col);
    let (records, _) = crate::log::read(&vault.root)?;
    let effective = crate::log::effective(&records);
    let plan = plan(vault, &col, matching, &effective, args.prefer, &cal);
    // Schedule changes an earlier, interrupted run of this import logged
    // (its batch is logged before its notes are written): not twice.
    let logged_schedules: std::collections::HashSet<ScheduleKey> = effective
        .iter()
        .filter(|r| r.op == Op::Import && r.detail.as_deref() == Some(SCHEDULE_DETAIL))
        .map(|r| schedule_key(r))
        .collect();

    // New segments, by note and question; then one edit per question.
    let mut by_note: BTreeMap<usize, QuestionChanges> = BTreeMap::new();
    for (c, w) in plan.writes() {
        by_note
            .entry(c.key.note)
            .or_default()
            .entry(c.key.question)
            .or_default()
            .push((c.key.sibling, SiblingChange::Set(segment(w))));
    }
    let mut plans: Vec<(usize, Vec<Edit>)> = Vec::new();
    let mut err = std::io::stderr().lock();
    for (&ni, qs) in &by_note {
        let n = &vault.notes[ni];
        match plan_note(&n.note, qs, &vault.config.settings) {
            Ok(edits) if !edits.is_empty() => plans.push((ni, edits)),
            Ok(_) => {}
            Err(e) => {
                let _ = writeln!(
                    err,
                    "warning: {}",
                    crate::sanitize::one_line(&format!("{}:{e}; left alone", n.path))
                );
            }
        }
    }
    let planned: BTreeSet<usize> = plans.iter().map(|(ni, _)| *ni).collect();
    let changed: Vec<(&CardPlan, &Target)> =
        plan.writes().filter(|(c, _)| planned.contains(&c.key.note)).collect();

    if args.diff {
        for (ni, edits) in &plans {
            let n = &vault.notes[*ni];
            write!(out, "{}", unified_diff(&n.path, &n.note.text, &splice(&n.note.text, edits)))
                .map_err(Error::stdout)?;
        }
    }

    let mut done = Done { applied: args.apply, cards: changed.len(), notes: plans.len(), ..Done::default() };
    let mut failed = false;
    if args.apply {
        // Answers of cards whose note is not written go first, on their own.
        let loose: Vec<Record> = plan
            .reviews
            .iter()
            .filter(|r| !planned.contains(&r.key.note))
            .map(|r| reviews::record(vault, r, Stamp::at(vault.now, vault.zone).id))
            .collect();
        crate::log::append(&vault.root, &loose)?;

        let mut answers: BTreeMap<usize, Vec<&ImportedReview>> = BTreeMap::new();
        for r in plan.reviews.iter().filter(|r| planned.contains(&r.key.note)) {
            answers.entry(r.key.note).or_default().push(r);
        }
        let mut schedules: BTreeMap<usize, Vec<(&CardPlan, &Target)>> = BTreeMap::new();
        for &(c, w) in &changed {
            schedules.entry(c.key.note).or_default().push((c, w));
        }
        let relocators: Vec<_> = plans
            .iter()
            .map(|(ni, _)| {
                let n = &vault.notes[*ni];
                let qs = &by_note[ni];
                move |text: &str| vault.replan(&n.path, &n.note, qs, text, plan_note)
            })
            .collect();
        let writes: Vec<(NoteWrite<'_>, Vec<Record>)> = plans
            .iter()
            .zip(&relocators)
            .map(|((ni, edits), reloc)| {
                let n = &vault.notes[*ni];
                let mut recs: Vec<Record> = answers
                    .get(ni)
                    .into_iter()
                    .flatten()
                    .map(|r| reviews::record(vault, r, Stamp::at(vault.now, vault.zone).id))
                    .collect();
                recs.extend(
                    schedules
                        .get(ni)
                        .into_iter()
                        .flatten()
                        .map(|(c, w)| schedule_record(vault, c, w))
                        .filter(|r| !logged_schedules.contains(&schedule_key(r))),
                );
                let write = NoteWrite {
                    path: &n.path,
                    abs: &n.abs,
                    original: &n.note.text,
                    edits: edits.clone(),
                    relocate: reloc,
                };
                (write, recs)
            })
            .collect();
        let report = super::write_batch_interactive(vault, &writes);
        done.written = report.written;
        done.interrupted = report.interrupted;
        failed = report.interrupted || !report.errors.is_empty();
    }

    let file = args
        .file
        .file_name()
        .map_or_else(|| args.file.display().to_string(), |f| f.to_string_lossy().into_owned());
    let summary =
        Summary { file: &file, vault, col: &col, plan: &plan, cal: &cal, prefer: args.prefer, done };
    if args.json {
        writeln!(out, "{}", summary.json()).map_err(Error::stdout)?;
    } else {
        write!(out, "{}", summary.text()).map_err(Error::stdout)?;
    }
    Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// A logged schedule change: card, before and after (as segments).
type ScheduleKey =
    (crate::note_path::NotePath, crate::parse::QuestionHash, usize, Option<String>, Option<String>);

fn schedule_key(r: &Record) -> ScheduleKey {
    let seg = |s: &Option<crate::schedule::Schedule>| s.as_ref().map(crate::schedule::Schedule::segment);
    (r.path.clone(), r.hash.clone(), r.sibling, seg(&r.before), seg(&r.after))
}

/// The log record of a schedule taken from Anki.
fn schedule_record(vault: &Vault, c: &CardPlan, w: &Target) -> Record {
    let n = &vault.notes[c.key.note];
    let q = &n.note.questions[c.key.question];
    let card = CardRef {
        path: n.path.clone(),
        line: q.text_line_no(),
        hash: q.hash(&n.note.text),
        sibling: c.key.sibling,
        decks: q.decks.to_vec(),
    };
    Record::batch(
        Stamp::at(vault.now, vault.zone),
        vault.today,
        Op::Import,
        card,
        c.before.to_schedule(),
        Some(w.to_schedule()),
        SCHEDULE_DETAIL.to_owned(),
    )
}
