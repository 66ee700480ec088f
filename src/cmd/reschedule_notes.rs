//! `recall reschedule --notes`: the batch operations on note schedules
//! (front matter), with the card command's guarantees: a dry run first,
//! `--diff`, `--apply` through [`write_batch`] (log first, each note
//! atomic), and a re-run that finishes an interrupted one and applies
//! nothing twice. The changes are [`crate::reschedule::compute`]'s, on the
//! note histogram; notes always use SM-2.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::json;

use super::reschedule::{chart, chart_days, mark_complete, operation, signature};
use crate::cli::{Global, RescheduleArgs, StateFilter};
use crate::edit::{Edit, splice, unified_diff};
use crate::error::Error;
use crate::log::{CardRef, Op, Record, Stamp};
use crate::notes::answer::logged;
use crate::notes::{self, NoteState, ReadSchedule};
use crate::parse::CardSchedule;
use crate::reschedule::{Change, Target, compute};
use crate::schedule::{Ease, Interval, Schedule, Sm2};
use crate::vault::Vault;
use crate::writeback::NoteWrite;

/// A note of the review queue with its text.
struct Held {
    path: crate::note_path::NotePath,
    abs: PathBuf,
    text: String,
}

/// One selected note and what it becomes.
struct Planned {
    held: usize,
    decks: Vec<String>,
    before: Option<ReadSchedule>,
    change: Change,
    edits: Vec<Edit>,
}

/// A note's schedule as the batch operations read it (the nearest whole
/// days and ease, as card schedules hold them; the note's own values are
/// put back when they stay, see [`keep_own`]).
fn target(s: Option<ReadSchedule>) -> CardSchedule {
    match s {
        None => CardSchedule::New,
        Some(s) => CardSchedule::Sm2 {
            due: s.due,
            interval: s.interval.is_finite().then(|| Interval(s.interval).nearest()),
            ease: s.ease.is_finite().then(|| Ease(s.ease).nearest()),
        },
    }
}

/// `change` with the note's own interval and ease where the operation kept
/// them (a 4.5-day interval stays 4.5, not 5).
fn keep_own(change: Change, before: Option<ReadSchedule>) -> Change {
    match (change, before) {
        (Change::Set { due, interval, ease }, Some(b)) => {
            let pick = |new: f64, own: f64| if (own.round() - new).abs() < 1e-9 { own } else { new };
            Change::Set {
                due,
                interval: Interval(pick(interval.0, b.interval)),
                ease: Ease(pick(ease.0, b.ease)),
            }
        }
        (c, _) => c,
    }
}

fn after_schedule(c: &Change) -> Option<Schedule> {
    match c {
        Change::Set { due, interval, ease } => {
            Some(Schedule::Sm2(Sm2 { due: *due, interval: *interval, ease: *ease }))
        }
        Change::MakeNew | Change::Fsrs(_) | Change::FsrsDue { .. } => None,
    }
}

fn plan(text: &str, c: &Change) -> Result<Vec<Edit>, notes::EditError> {
    match c {
        Change::Set { due, interval, ease } => {
            notes::plan_edit(text, &Sm2 { due: *due, interval: *interval, ease: *ease })
        }
        Change::MakeNew => notes::plan_clear(text),
        // Notes are always SM-2: no operation gives them an FSRS change.
        Change::Fsrs(_) | Change::FsrsDue { .. } => Ok(Vec::new()),
    }
}

/// Runs `reschedule --notes`.
#[expect(
    clippy::too_many_lines,
    reason = "scan, select, plan, write and report of one batch, as the card command"
)]
pub fn run(global: &Global, args: &RescheduleArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    if args.exam.is_some() {
        return Err(Error::Usage(
            "--exam brings flashcards before an exam; it does not apply to --notes".into(),
        ));
    }
    let first = args.paths.first().map(PathBuf::as_path);
    let root = crate::vault::discover(global.vault.as_deref(), first)?;
    let scopes = crate::vault::scopes(&root, &args.paths)?;
    let (vault, per_note) = crate::scan_vault(global, first, |n, opts| {
        let facts = notes::facts(&n.path, &n.note, opts.settings);
        let keep = (facts.in_queue() && Vault::in_scope(&n.path, &scopes)).then(|| Held {
            path: n.path.clone(),
            abs: n.abs.clone(),
            text: n.note.text.clone(),
        });
        (facts, keep)
    })?;
    let op = operation(args, vault.zone);
    let mut facts = Vec::with_capacity(per_note.len());
    let mut held = Vec::new();
    for (f, k) in per_note {
        facts.push(f);
        held.extend(k);
    }
    let index = notes::index(facts, &vault.ignored_notes, &vault.config.settings, vault.today);
    let today = vault.today;
    let settings = &vault.config.settings;
    let sig = signature(args, op, today, &scopes);
    let detail = format!("{} | notes | run {sig}", op.describe());

    // A previous run of this same command that did not complete: skip the
    // notes it changed that still have the schedule it gave them.
    let (records, _) = crate::log::read(&vault.root)?;
    let effective = crate::log::effective(&records);
    let completed = effective
        .iter()
        .any(|r| r.op == Op::Reschedule && r.detail.as_deref() == Some(&format!("{detail} | complete")));
    let already: HashMap<&str, Option<Schedule>> = if completed {
        HashMap::new()
    } else {
        effective
            .iter()
            .filter(|r| r.op == Op::Reschedule && r.detail.as_deref() == Some(detail.as_str()))
            .map(|r| (r.path.as_str(), r.after.clone()))
            .collect()
    };
    let wanted_deck = |d: &str| {
        args.deck.is_empty()
            || args.deck.iter().any(|f| f.trim_start_matches('#') == d.trim_start_matches('#'))
    };
    let mut resumed = 0usize;
    let mut selected: Vec<(usize, Vec<String>, Option<ReadSchedule>)> = Vec::new();
    for (hi, h) in held.iter().enumerate() {
        let Some(f) = index.get(&h.path) else { continue };
        if !f.decks.iter().any(|d| wanted_deck(d)) {
            continue;
        }
        let state = match f.schedule {
            None => NoteState::New,
            Some(s) if s.due.is_some_and(|d| d <= today) => NoteState::Due,
            Some(_) => NoteState::Scheduled,
        };
        if let Some(want) = args.state {
            let want = match want {
                StateFilter::New => NoteState::New,
                StateFilter::Due => NoteState::Due,
                StateFilter::Scheduled => NoteState::Scheduled,
            };
            if state != want {
                continue;
            }
        }
        let due = f.schedule.and_then(|s| s.due);
        if args.due_before.is_some_and(|b| due.is_none_or(|d| d >= b))
            || args.due_after.is_some_and(|a| due.is_none_or(|d| d <= a))
        {
            continue;
        }
        if let Some(after) = already.get(h.path.as_str())
            && *after == f.schedule.and_then(logged)
        {
            resumed += 1;
            continue;
        }
        selected.push((hi, f.decks.clone(), f.schedule));
    }

    let histogram = index.histogram().clone();
    let targets: Vec<Target> = selected.iter().map(|(_, _, s)| Target { schedule: target(*s) }).collect();
    let changes = compute(op, &targets, today, settings, &histogram, args.seed.unwrap_or(0x5EED));
    let mut after = histogram.clone();
    let mut plans: Vec<Planned> = Vec::new();
    let mut err = std::io::stderr().lock();
    for ((hi, decks, before), change) in selected.into_iter().zip(changes) {
        let Some(change) = change else { continue };
        let change = keep_own(change, before);
        let h = &held[hi];
        match plan(&h.text, &change) {
            Ok(edits) if !edits.is_empty() => {
                let n = decks.len() as u32;
                for _ in 0..n {
                    if let Some(d) = before.and_then(|s| s.due) {
                        after.decrement((d - today).num_days());
                    }
                    if let Change::Set { due, .. } = change {
                        after.increment((due - today).num_days());
                    }
                }
                plans.push(Planned { held: hi, decks, before, change, edits });
            }
            Ok(_) => {}
            Err(e) => {
                let _ = writeln!(err, "warning: {}: {e}; left alone", crate::sanitize::one_line(&h.path));
            }
        }
    }
    if resumed > 0 {
        let _ = writeln!(
            err,
            "note: finishing an interrupted run of `{}`: {resumed} note(s) were already done",
            op.describe()
        );
    }
    if args.diff {
        for p in &plans {
            let h = &held[p.held];
            let new = splice(&h.text, &p.edits);
            write!(out, "{}", unified_diff(&h.path, &h.text, &new)).map_err(Error::stdout)?;
        }
    }

    let (mut written, mut interrupted, mut failed) = (0usize, false, false);
    if args.apply && !plans.is_empty() {
        let relocators: Vec<_> = plans.iter().map(|p| move |text: &str| plan(text, &p.change).ok()).collect();
        let writes: Vec<(NoteWrite<'_>, Vec<Record>)> = plans
            .iter()
            .zip(&relocators)
            .map(|(p, reloc)| {
                let h = &held[p.held];
                let card = CardRef {
                    path: h.path.clone(),
                    line: crate::parse::LineNo::new(0),
                    hash: crate::parse::QuestionHash::default(),
                    sibling: 0,
                    decks: p.decks.clone(),
                };
                let record = Record::batch(
                    Stamp::at(vault.now, vault.zone),
                    today,
                    Op::Reschedule,
                    card,
                    p.before.and_then(logged),
                    after_schedule(&p.change),
                    detail.clone(),
                );
                let write = NoteWrite {
                    path: &h.path,
                    abs: &h.abs,
                    original: &h.text,
                    edits: p.edits.clone(),
                    relocate: reloc,
                };
                (write, vec![record])
            })
            .collect();
        let report = super::write_batch_interactive(&vault, &writes);
        (written, interrupted, failed) = (report.written, report.interrupted, !report.errors.is_empty());
        if !interrupted && !failed {
            mark_complete(&vault, &detail);
        }
    }
    drop(err);

    let count = plans.len();
    let days = chart_days(&histogram, &after, today);
    if args.json {
        let j = json!({
            "operation": op.describe(),
            "applied": args.apply,
            "notes": count,
            "written": written,
            "interrupted": interrupted,
            "days": days.iter().map(|(d, b, a)| json!({"day": d.to_string(), "before": b, "after": a})).collect::<Vec<_>>(),
            "changes": plans.iter().map(|p| json!({
                "path": held[p.held].path,
                "before": p.before.and_then(logged),
                "after": after_schedule(&p.change),
            })).collect::<Vec<_>>(),
        });
        writeln!(out, "{}", crate::json::to_string(&j).map_err(Error::json_out)?).map_err(Error::stdout)?;
    } else {
        let verb = if args.apply { "changed" } else { "would change" };
        writeln!(
            out,
            "reschedule --notes {}: {count} note{} {verb}.",
            op.describe(),
            if count == 1 { "" } else { "s" }
        )
        .map_err(Error::stdout)?;
        if args.apply {
            writeln!(out, "{written} of {count} notes written.").map_err(Error::stdout)?;
        } else if count > 0 {
            writeln!(out, "Dry run: nothing was written. --diff shows the changes, --apply writes them.")
                .map_err(Error::stdout)?;
        }
        if interrupted {
            writeln!(
                out,
                "Interrupted: run the same command again to finish the other {} notes.",
                count - written
            )
            .map_err(Error::stdout)?;
        }
        writeln!(out).map_err(Error::stdout)?;
        chart(out, &days).map_err(Error::stdout)?;
    }
    Ok(if interrupted || failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}
