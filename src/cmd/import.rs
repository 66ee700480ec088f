//! `recall import`: the reviews done in Anki or AnkiDroid back into the
//! notes (schedules) and the review log, dry run first.
//!
//! Reads the package ([`crate::anki`]), plans ([`crate::import`]) and, with
//! `--apply`, writes through the batch writer `reschedule --apply` uses:
//! the reviews of a note's changed cards and its schedule records are
//! logged with the note's batch; the reviews of cards whose schedule stays
//! are logged first.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{BufReader, Write};
use std::process::ExitCode;

use chrono::{FixedOffset, Local, Offset, TimeZone, Utc};

use super::batch::{QuestionChanges, plan_note, write_notes};
use crate::anki::{Limits, PackageError, read_package};
use crate::cli::{Global, ImportArgs};
use crate::edit::plan::SiblingChange;
use crate::edit::{Edit, splice, unified_diff};
use crate::error::Error;
use crate::export::{Selection, collect};
use crate::import::summary::{Done, Summary};
use crate::import::{
    Calendar, CardKey, ImportedReview, SCHEDULE_DETAIL, Write as Target, match_cards, plan, reviews, segment,
};
use crate::log::{LoggedSchedule, Op, Record};

/// The system's UTC offset at an instant (Unix seconds).
fn local_offset(t: i64) -> FixedOffset {
    Local.timestamp_opt(t, 0).earliest().map_or_else(|| Utc.fix(), |d| d.offset().fix())
}

pub fn run(global: &Global, args: &ImportArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let vault = crate::load_vault(global, None)?;
    let package_error = |error: PackageError| Error::Package { path: args.file.clone(), error };
    let file = File::open(&args.file).map_err(|e| Error::io(&args.file, e))?;
    let col = read_package(BufReader::new(file), &Limits::default()).map_err(package_error)?;
    let offset_at = local_offset;
    let cal = Calendar::new(&col, &offset_at)
        .ok_or_else(|| package_error(PackageError::BadSchema("its creation time is not a date".into())))?;

    let exported = collect(vault, &Selection::default(), &|_| 0);
    let matching = match_cards(vault, &exported, &col);
    let (records, _) = crate::log::read(&vault.root)?;
    let effective = crate::log::effective(&records);
    let plan = plan(vault, &col, matching, &effective, args.prefer, &cal);

    // Segments, grouped by note and question.
    let mut by_note: BTreeMap<usize, QuestionChanges> = BTreeMap::new();
    let mut fsrs_unsupported = 0usize;
    for (c, w) in plan.writes() {
        match segment(w) {
            Ok(seg) => by_note
                .entry(c.key.note)
                .or_default()
                .entry(c.key.question)
                .or_default()
                .push((c.key.sibling, SiblingChange::Set(seg))),
            Err(_) => fsrs_unsupported += 1,
        }
    }
    let settings = &vault.config.settings;
    let mut plans: Vec<(usize, Vec<Edit>)> = Vec::new();
    let mut err = std::io::stderr().lock();
    for (&ni, qs) in &by_note {
        let n = &vault.notes[ni];
        match plan_note(&n.note, qs, settings) {
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
    by_note.retain(|ni, _| planned.contains(ni));
    let changed: Vec<(CardKey, &crate::import::plan::CardPlan, &Target)> = plan
        .writes()
        .filter(|(c, _)| {
            by_note.get(&c.key.note).is_some_and(|qs| {
                qs.get(&c.key.question).is_some_and(|s| s.iter().any(|(i, _)| *i == c.key.sibling))
            })
        })
        .map(|(c, w)| (c.key, c, w))
        .collect();

    let io = |e: std::io::Error| Error::Io { path: "<stdout>".into(), source: e };
    if args.diff {
        for (ni, edits) in &plans {
            let n = &vault.notes[*ni];
            write!(out, "{}", unified_diff(&n.path, &n.note.text, &splice(&n.note.text, edits)))
                .map_err(io)?;
        }
    }

    let mut done = Done {
        applied: args.apply,
        cards: changed.len(),
        notes: plans.len(),
        fsrs_unsupported,
        ..Done::default()
    };
    let mut failed = false;
    if args.apply {
        // Reviews of cards whose note is not written go first, on their own.
        let loose: Vec<Record> = plan
            .reviews
            .iter()
            .filter(|r| !planned.contains(&r.key.note))
            .map(|r| reviews::record(vault, r, crate::log::new_id()))
            .collect();
        crate::log::append(&vault.root, &loose)?;
        // A note's log lines: its cards' answers, then their new schedules.
        let mut per_note: BTreeMap<usize, (Vec<&ImportedReview>, Vec<usize>)> = BTreeMap::new();
        for r in plan.reviews.iter().filter(|r| planned.contains(&r.key.note)) {
            per_note.entry(r.key.note).or_default().0.push(r);
        }
        for (i, (key, _, _)) in changed.iter().enumerate() {
            per_note.entry(key.note).or_default().1.push(i);
        }
        let records_of = |ni: usize| -> Vec<Record> {
            let Some((answers, schedules)) = per_note.get(&ni) else { return Vec::new() };
            let mut recs: Vec<Record> =
                answers.iter().map(|r| reviews::record(vault, r, crate::log::new_id())).collect();
            for &i in schedules {
                let (key, c, w) = changed[i];
                recs.push(schedule_record(vault, key, c, w));
            }
            recs
        };
        let written = write_notes(vault, &plans, &by_note, &records_of);
        done.written = written.written;
        done.interrupted = written.interrupted;
        for e in &written.errors {
            let _ = writeln!(err, "error: {}", crate::sanitize::one_line(e));
        }
        failed = written.interrupted || !written.errors.is_empty();
    }

    let file = args
        .file
        .file_name()
        .map_or_else(|| args.file.display().to_string(), |f| f.to_string_lossy().into_owned());
    let summary =
        Summary { file: &file, vault, col: &col, plan: &plan, cal: &cal, prefer: args.prefer, done };
    if args.json {
        writeln!(out, "{}", summary.json()).map_err(io)?;
    } else {
        write!(out, "{}", summary.text()).map_err(io)?;
    }
    Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// The log record of a schedule taken from Anki.
fn schedule_record(
    vault: &crate::vault::Vault,
    key: CardKey,
    c: &crate::import::plan::CardPlan,
    w: &Target,
) -> Record {
    let n = &vault.notes[key.note];
    let q = &n.note.questions[key.question];
    let after = match w {
        Target::Sm2 { due, interval, ease } => {
            Some(LoggedSchedule { due: *due, interval: *interval, ease: *ease })
        }
        Target::Fsrs(_) => None,
    };
    Record {
        id: crate::log::new_id(),
        ts: crate::log::now_stamp(),
        day: vault.today,
        op: Op::Import,
        path: n.path.clone(),
        line: q.first_line + 1,
        hash: q.hash(&n.note.text),
        sibling: key.sibling,
        response: None,
        before: LoggedSchedule::of(&c.before),
        after,
        ms: None,
        decks: q.decks.to_vec(),
        undoes: None,
        detail: Some(SCHEDULE_DETAIL.to_owned()),
    }
}
