//! `recall reschedule`: batch changes to a vault's schedules, dry run first.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;
use std::process::ExitCode;

use chrono::{Days, NaiveDate};
use serde_json::json;

use crate::cli::{Global, RescheduleArgs, StateFilter};
use crate::edit::plan::{SiblingChange, plan_siblings};
use crate::edit::{Edit, splice, unified_diff};
use crate::error::Error;
use crate::log::{CardRef, Op, Record, Stamp};
use crate::parse::{CardSchedule, CardState, Note, Question, cyrb53, parse_note};
use crate::reschedule::exam::{ExamPlan, plan_exam};
use crate::reschedule::fsrs::{fsrs_note, plan};
use crate::reschedule::{Change, Operation, Target};
use crate::schedule::Schedule;
use crate::schedule::histogram_key;
use crate::settings::Settings;
use crate::vault::Vault;
use crate::writeback::NoteWrite;

use super::{terminal_width, vault_histogram};
use crate::deck::deck_matches;

/// Days shown in the before / after chart.
pub(super) const CHART_DAYS: i64 = 30;

/// A selected card with where it lives.
struct Selected {
    note: usize,
    question: usize,
    sibling: usize,
    hash: crate::parse::QuestionHash,
    target: Target,
}

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

fn sibling_change(c: &Change, before: &CardSchedule) -> SiblingChange {
    match c.applied(before) {
        Some(s) => SiblingChange::Set(s.segment()),
        None => SiblingChange::New,
    }
}

/// Plans the edits of one note: one per changed question.
fn plan_note(
    note: &Note,
    changes: &BTreeMap<usize, Vec<(usize, Change)>>,
    settings: &Settings,
) -> Result<Vec<Edit>, String> {
    let mut edits = Vec::new();
    for (&qi, sibs) in changes {
        let Some(q) = note.questions.get(qi) else { continue };
        let sc: Vec<(usize, SiblingChange)> =
            sibs.iter().map(|(s, c)| (*s, sibling_change(c, &q.schedule(*s)))).collect();
        match plan_siblings(note, q, &sc, settings) {
            Ok(Some(e)) => edits.push(e),
            Ok(None) => {}
            Err(e) => return Err(format!("line {}: {e}", q.first_line + 1)),
        }
    }
    Ok(edits)
}

/// The same changes on a note's new text: each question found again by its
/// text (nearest to where it was).
fn relocate(
    vault: &Vault,
    path: &str,
    old: &Note,
    changes: &BTreeMap<usize, Vec<(usize, Change)>>,
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

#[expect(clippy::too_many_lines, reason = "a step of issue 14 in progress breaks it up")]
pub fn run(global: &Global, args: &RescheduleArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    if args.notes {
        return super::reschedule_notes::run(global, args, out);
    }
    let vault = crate::load_vault(global, args.paths.first().map(std::path::PathBuf::as_path))?;
    let op = operation(args, vault.zone);
    if let Operation::Exam { date, .. } = op
        && date <= vault.today
    {
        return Err(Error::Usage(format!(
            "--exam {date} is not after today ({}): there is no day before it to study in",
            vault.today
        )));
    }
    let decks = if args.deck.is_empty() {
        Vec::new()
    } else {
        let known = crate::deck::with_parents(
            vault
                .notes
                .iter()
                .filter(|n| n.note.has_deck)
                .flat_map(|n| n.note.questions.iter())
                .flat_map(|q| q.decks.iter().map(String::as_str)),
        );
        crate::deck::resolve(&args.deck, &known)?
    };
    let scopes = vault.scopes(&args.paths)?;
    let today = vault.today;
    let settings = &vault.config.settings;
    let sig = signature(args, op, today, &scopes);
    let detail = format!("{} | run {sig}", op.describe());

    // A previous run of this same command that did not complete: skip what it did.
    let (records, _) = crate::log::read(&vault.root)?;
    let effective = crate::log::effective(&records);
    let completed = effective
        .iter()
        .any(|r| r.op == Op::Reschedule && r.detail.as_deref() == Some(&format!("{detail} | complete")));
    // Card → the schedule that run gave it. A card is skipped only when it
    // still has exactly that schedule, so a run killed between a note's
    // write and its log line neither repeats nor loses a change.
    let already: HashMap<_, Option<Schedule>> = if completed {
        HashMap::new()
    } else {
        effective
            .iter()
            .filter(|r| r.op == Op::Reschedule && r.detail.as_deref() == Some(detail.as_str()))
            .map(|r| ((r.path.clone(), r.hash.clone(), r.sibling), r.after.clone()))
            .collect()
    };
    let mut resumed = 0usize;

    let mut selected: Vec<Selected> = Vec::new();
    let mut fsrs_skipped = 0usize;
    for (ni, n) in vault.notes.iter().enumerate() {
        if !n.note.has_deck || !Vault::in_scope(&n.path, &scopes) {
            continue;
        }
        for (qi, q) in n.note.questions.iter().enumerate() {
            if !decks.is_empty() && !q.decks.iter().any(|d| decks.iter().any(|f| deck_matches(d, f))) {
                continue;
            }
            let hash = q.hash(&n.note.text);
            for sibling in 0..q.card_count() {
                let schedule = q.schedule(sibling);
                let state = schedule.state(today, vault.now);
                if let Some(want) = args.state {
                    let want = match want {
                        StateFilter::New => CardState::New,
                        StateFilter::Due => CardState::Due,
                        StateFilter::Scheduled => CardState::Scheduled,
                    };
                    if state != want {
                        continue;
                    }
                }
                let due = schedule.due_date(vault.zone);
                if args.due_before.is_some_and(|b| due.is_none_or(|d| d >= b))
                    || args.due_after.is_some_and(|a| due.is_none_or(|d| d <= a))
                {
                    continue;
                }
                if matches!(schedule, CardSchedule::Fsrs { .. }) && fsrs_note(op).is_some() {
                    fsrs_skipped += 1;
                }
                if let Some(after) = already.get(&(n.path.clone(), hash.clone(), sibling))
                    && *after == schedule.to_schedule()
                {
                    resumed += 1;
                    continue;
                }
                selected.push(Selected {
                    note: ni,
                    question: qi,
                    sibling,
                    hash: hash.clone(),
                    target: Target { schedule },
                });
            }
        }
    }

    let histogram = vault_histogram(vault);
    let targets: Vec<Target> = selected.iter().map(|s| s.target.clone()).collect();
    let seed = args.seed.unwrap_or(0x5EED);
    let (changes, exam) = match op {
        Operation::Exam { date, zone } => {
            let plan = plan_exam(&targets, today, date, zone, &histogram);
            let changes = plan.as_ref().map_or_else(|| vec![None; targets.len()], |p| p.changes.clone());
            (changes, plan.map(|p| (date, p)))
        }
        _ => (plan(op, &targets, &vault.when(), settings, &histogram, seed), None),
    };

    // Group by note and question.
    let mut by_note: BTreeMap<usize, BTreeMap<usize, Vec<(usize, Change)>>> = BTreeMap::new();
    let mut after = histogram.clone();
    let mut card_changes: Vec<(&Selected, Change)> = Vec::new();
    for (sel, change) in selected.iter().zip(&changes) {
        let Some(change) = change else { continue };
        by_note
            .entry(sel.note)
            .or_default()
            .entry(sel.question)
            .or_default()
            .push((sel.sibling, change.clone()));
        if let Some(k) = histogram_key(&sel.target.schedule, today, vault.now) {
            after.decrement(k);
        }
        match change {
            Change::Set { due, .. } => after.increment((*due - today).num_days()),
            Change::FsrsDue { due } => after.increment((vault.zone.date(*due) - today).num_days()),
            Change::Fsrs(seg) => {
                if let Some(d) = seg.due.instant() {
                    after.increment((vault.zone.date(d) - today).num_days());
                }
            }
            Change::MakeNew => {}
        }
        card_changes.push((sel, change.clone()));
    }

    // Plan every note's edits up front: a note that cannot be edited is reported, not half-done.
    let mut plans: Vec<(usize, Vec<Edit>)> = Vec::new();
    let mut problems = Vec::new();
    for (&ni, qs) in &by_note {
        let n = &vault.notes[ni];
        match plan_note(&n.note, qs, settings) {
            Ok(edits) if !edits.is_empty() => plans.push((ni, edits)),
            Ok(_) => {}
            Err(e) => problems.push(format!("{}:{e}; left alone", n.path)),
        }
    }
    let planned: HashSet<usize> = plans.iter().map(|(ni, _)| *ni).collect();
    card_changes.retain(|(sel, _)| planned.contains(&sel.note));
    let mut err = std::io::stderr().lock();
    for p in &problems {
        let _ = writeln!(err, "warning: {}", crate::sanitize::one_line(p));
    }
    if fsrs_skipped > 0 {
        let why = fsrs_note(op).unwrap_or_default();
        let _ = writeln!(err, "note: {fsrs_skipped} FSRS card(s) left alone by {}: {why}", op.describe());
    }
    if resumed > 0 {
        let _ = writeln!(
            err,
            "note: finishing an interrupted run of `{}`: {resumed} card(s) were already done",
            op.describe()
        );
    }

    if args.diff {
        for (ni, edits) in &plans {
            let n = &vault.notes[*ni];
            let new = splice(&n.note.text, edits);
            write!(out, "{}", unified_diff(&n.path, &n.note.text, &new)).map_err(Error::stdout)?;
        }
    }

    // Apply, note by note.
    let (mut written, mut interrupted, mut failed) = (0usize, false, false);
    if args.apply && !plans.is_empty() {
        // Each note's card changes, by note (`card_changes` is in note order).
        let changes_of = |ni: usize| {
            let lo = card_changes.partition_point(|(sel, _)| sel.note < ni);
            let hi = card_changes.partition_point(|(sel, _)| sel.note <= ni);
            &card_changes[lo..hi]
        };
        let relocators: Vec<_> = plans
            .iter()
            .map(|(ni, _)| {
                let n = &vault.notes[*ni];
                let qs = &by_note[ni];
                move |text: &str| relocate(vault, &n.path, &n.note, qs, text)
            })
            .collect();
        let writes: Vec<(NoteWrite<'_>, Vec<Record>)> = plans
            .iter()
            .zip(&relocators)
            .map(|((ni, edits), reloc)| {
                let n = &vault.notes[*ni];
                let records = changes_of(*ni)
                    .iter()
                    .map(|(sel, change)| {
                        let q = &n.note.questions[sel.question];
                        let card = CardRef {
                            path: n.path.clone(),
                            line: q.text_line + 1,
                            hash: sel.hash.clone(),
                            sibling: sel.sibling,
                            decks: q.decks.to_vec(),
                        };
                        Record::batch(
                            Stamp::at(vault.now, vault.zone),
                            today,
                            Op::Reschedule,
                            card,
                            sel.target.schedule.to_schedule(),
                            change.applied(&sel.target.schedule),
                            detail.clone(),
                        )
                    })
                    .collect();
                let write = NoteWrite {
                    path: &n.path,
                    abs: &n.abs,
                    original: &n.note.text,
                    edits: edits.clone(),
                    relocate: reloc,
                };
                (write, records)
            })
            .collect();
        let report = super::write_batch_interactive(vault, &writes);
        (written, interrupted, failed) = (report.written, report.interrupted, !report.errors.is_empty());
        if !interrupted && !failed {
            mark_complete(vault, &detail);
        }
    }

    let cards = card_changes.len();
    let notes = plans.len();
    let days = chart_days(&histogram, &after, today);
    if args.json {
        let j = json!({
            "operation": op.describe(),
            "applied": args.apply,
            "cards": cards,
            "notes": notes,
            "written": written,
            "interrupted": interrupted,
            "fsrs_skipped": fsrs_skipped,
            "exam": exam.as_ref().map(|(date, p)| json!({
                "date": date.to_string(),
                "days": p.days,
                "new_cards": p.new_cards,
                "new_per_day": p.new_per_day,
            })),
            "days": days.iter().map(|(d, b, a)| json!({"day": d.to_string(), "before": b, "after": a})).collect::<Vec<_>>(),
            "changes": card_changes.iter().map(|(sel, change)| {
                let n = &vault.notes[sel.note];
                json!({
                    "path": n.path,
                    "line": n.note.questions[sel.question].first_line + 1,
                    "sibling": sel.sibling,
                    "before": sel.target.schedule.to_schedule(),
                    "after": change.applied(&sel.target.schedule),
                })
            }).collect::<Vec<_>>(),
        });
        writeln!(out, "{}", crate::json::to_string(&j).map_err(Error::json_out)?).map_err(Error::stdout)?;
    } else {
        let verb = if args.apply { "changed" } else { "would change" };
        writeln!(
            out,
            "reschedule {}: {cards} card{} in {notes} note{} {verb}.",
            op.describe(),
            if cards == 1 { "" } else { "s" },
            if notes == 1 { "" } else { "s" }
        )
        .map_err(Error::stdout)?;
        if let Some((date, plan)) = &exam {
            writeln!(out, "{}", exam_line(*date, plan)).map_err(Error::stdout)?;
        }
        if args.apply {
            writeln!(out, "{written} of {notes} notes written.").map_err(Error::stdout)?;
        } else if cards > 0 {
            writeln!(out, "Dry run: nothing was written. --diff shows the changes, --apply writes them.")
                .map_err(Error::stdout)?;
        }
        if interrupted {
            writeln!(
                out,
                "Interrupted: run the same command again to finish the other {} notes.",
                notes - written
            )
            .map_err(Error::stdout)?;
        }
        writeln!(out).map_err(Error::stdout)?;
        chart(out, &days).map_err(Error::stdout)?;
    }
    Ok(if interrupted || failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// What `--exam` says about the new cards of the selection.
fn exam_line(date: NaiveDate, plan: &ExamPlan) -> String {
    let days = format!("{} day{}", plan.days, if plan.days == 1 { "" } else { "s" });
    match plan.new_per_day {
        Some(n) => format!(
            "Before the exam on {date} ({days}, today included): learn {n} new card{} a day to see all {} new card{}.",
            if n == 1 { "" } else { "s" },
            plan.new_cards,
            if plan.new_cards == 1 { "" } else { "s" }
        ),
        None => format!("Before the exam on {date} ({days}, today included): no new cards to learn."),
    }
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

/// The chart's days: each with its due count before and after.
pub(super) fn chart_days(
    before: &crate::schedule::Histogram,
    after: &crate::schedule::Histogram,
    today: NaiveDate,
) -> Vec<(NaiveDate, u32, u32)> {
    let (load_before, load_after) = (due_per_day(before, CHART_DAYS), due_per_day(after, CHART_DAYS));
    (0..CHART_DAYS)
        .map(|d| {
            let date = today.checked_add_days(Days::new(d as u64)).unwrap_or(today);
            (date, load_before[d as usize], load_after[d as usize])
        })
        .collect()
}

/// Cards due on each of the next `days` days (0 is today) by a due-date
/// histogram: overdue cards are due today, so they count on day 0.
pub(super) fn due_per_day(h: &crate::schedule::Histogram, days: i64) -> Vec<u32> {
    let mut out = vec![0u32; usize::try_from(days).unwrap_or(0)];
    for (d, n) in h.sorted() {
        if let Some(slot) = usize::try_from(d.max(0)).ok().and_then(|i| out.get_mut(i)) {
            *slot += n;
        }
    }
    out
}

/// The before / after due counts per day as two bar columns.
pub(super) fn chart(out: &mut dyn Write, days: &[(NaiveDate, u32, u32)]) -> std::io::Result<()> {
    let max = days.iter().map(|&(_, b, a)| b.max(a)).max().unwrap_or(0).max(1);
    let width = (terminal_width().saturating_sub(30) / 2).clamp(5, 40);
    let bar = |n: u32| -> String {
        let cells = (f64::from(n) / f64::from(max) * width as f64).ceil() as usize;
        "█".repeat(cells.min(width))
    };
    writeln!(out, "due per day      {:>5} {:<width$}  {:>5}", "before", "", "after")?;
    for (date, b, a) in days {
        writeln!(out, "{:<15}  {b:>5} {:<width$}  {a:>5} {}", date.format("%a %d %b"), bar(*b), bar(*a))?;
    }
    writeln!(out, "(today counts the overdue cards too)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overdue_cards_are_due_today() {
        let h = crate::schedule::Histogram::from_counts([(-30, 4), (-1, 2), (0, 1), (2, 5), (40, 9)]);
        assert_eq!(due_per_day(&h, 4), vec![7, 0, 5, 0]);
        assert_eq!(due_per_day(&crate::schedule::Histogram::default(), 2), vec![0, 0]);
    }
}
