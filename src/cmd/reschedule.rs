//! `recall reschedule`: batch changes to a vault's schedules, dry run first.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{Days, NaiveDate};
use serde_json::json;

use crate::cli::{Global, RescheduleArgs, StateFilter};
use crate::edit::plan::{SiblingChange, plan_siblings};
use crate::edit::{Edit, splice, unified_diff};
use crate::error::Error;
use crate::log::{CardRef, Op, Record, Stamp};
use crate::parse::comment::format_sm2;
use crate::parse::{CardSchedule, CardState, Note, Question, cyrb53, parse_note};
use crate::reschedule::{Change, Operation, Target, compute};
use crate::schedule::histogram_key;
use crate::schedule::{Schedule, Sm2};
use crate::session::fingerprint;
use crate::settings::Settings;
use crate::vault::Vault;
use crate::writeback::{NoteWrite, write_batch};

use super::terminal_width;
use crate::deck::deck_matches;

/// Days shown in the before / after chart.
const CHART_DAYS: i64 = 30;

/// A selected card with where it lives.
struct Selected {
    note: usize,
    question: usize,
    sibling: usize,
    /// The question's first line (0-based).
    line: usize,
    hash: String,
}

fn operation(args: &RescheduleArgs) -> Operation {
    if let Some(d) = args.shift {
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
fn signature(args: &RescheduleArgs, op: Operation, today: NaiveDate, scopes: &[String]) -> String {
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

fn change_schedule(c: &Change) -> Option<Schedule> {
    match c {
        Change::Set { due, interval, ease } => {
            Some(Schedule::Sm2(Sm2 { due: *due, interval: *interval, ease: *ease }))
        }
        Change::MakeNew => None,
    }
}

fn sibling_change(c: &Change) -> SiblingChange {
    match c {
        Change::Set { due, interval, ease } => SiblingChange::Set(format_sm2(*due, *interval, *ease)),
        Change::MakeNew => SiblingChange::New,
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
        let sc: Vec<(usize, SiblingChange)> = sibs.iter().map(|(s, c)| (*s, sibling_change(c))).collect();
        match plan_siblings(note, q, &sc, settings) {
            Ok(Some(e)) => edits.push(e),
            Ok(None) => {}
            Err(e) => return Err(format!("line {}: {e}", q.first_line + 1)),
        }
    }
    Ok(edits)
}

/// One note's card changes by question, as [`plan_note`] takes them.
fn by_question(changes: &[(&Selected, &Target, Change)]) -> BTreeMap<usize, Vec<(usize, Change)>> {
    let mut out: BTreeMap<usize, Vec<(usize, Change)>> = BTreeMap::new();
    for (sel, _, change) in changes {
        out.entry(sel.question).or_default().push((sel.sibling, *change));
    }
    out
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

/// Card → the schedule an interrupted run of this same command gave it
/// (none when that run completed). A card is skipped only when it still has
/// exactly that schedule, so a run killed between a note's write and its
/// log line neither repeats nor loses a change.
fn already_done(
    effective: &[&Record],
    op: Operation,
    args: &RescheduleArgs,
    today: NaiveDate,
    scopes: &[String],
) -> HashMap<(String, String, usize), Option<Schedule>> {
    let detail = format!("{} | run {}", op.describe(), signature(args, op, today, scopes));
    let completed = effective
        .iter()
        .any(|r| r.op == Op::Reschedule && r.detail.as_deref() == Some(&format!("{detail} | complete")));
    if completed {
        return HashMap::new();
    }
    effective
        .iter()
        .filter(|r| r.op == Op::Reschedule && r.detail.as_deref() == Some(detail.as_str()))
        .map(|r| ((r.path.clone(), r.hash.clone(), r.sibling), r.after.clone()))
        .collect()
}

/// What the first pass keeps of a note: where it is, its fingerprint, the
/// histogram entries of its cards and the cards the command selects.
struct Scanned {
    path: String,
    fingerprint: u64,
    keys: Vec<i64>,
    cards: Vec<Candidate>,
    fsrs_skipped: usize,
    resumed: usize,
}

/// A card the first pass selected, with what is needed of its question
/// once the note is gone.
struct Candidate {
    question: usize,
    sibling: usize,
    line: usize,
    hash: String,
    schedule: CardSchedule,
}

pub fn run(global: &Global, args: &RescheduleArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let op = operation(args);
    let first = args.paths.first().map(std::path::PathBuf::as_path);
    let decks = crate::resolve_decks(global, first, &args.deck)?;
    let root = crate::vault::discover(global.vault.as_deref(), first)?;
    let scopes = crate::vault::scopes(&root, &args.paths)?;
    // The log comes first: the scan below selects against it on the workers.
    let (records, _) = crate::log::read(&root)?;
    let effective = crate::log::effective(&records);

    // First pass: every note is read on the workers and only its selected
    // cards and its histogram entries are kept; the notes with changes are
    // read again below. Holding the whole vault cost 600 MB on 50,000 notes.
    let want_state = args.state.map(|w| match w {
        StateFilter::New => CardState::New,
        StateFilter::Due => CardState::Due,
        StateFilter::Scheduled => CardState::Scheduled,
    });
    let already_of = std::sync::OnceLock::new();
    let select = |n: crate::vault::VaultNote, opts: &crate::parse::ParseOptions| {
        let (today, now) = (opts.today, opts.now);
        let mut s = Scanned {
            fingerprint: 0,
            keys: Vec::new(),
            cards: Vec::new(),
            fsrs_skipped: 0,
            resumed: 0,
            path: String::new(),
        };
        if !n.note.has_deck {
            return s;
        }
        for q in &n.note.questions {
            for i in 0..q.card_count() {
                let sc = q.schedule(i);
                if !matches!(sc, CardSchedule::New)
                    && let Some(k) = histogram_key(&sc, today, now)
                {
                    s.keys.push(k);
                }
            }
        }
        if !Vault::in_scope(&n.path, &scopes) {
            return s;
        }
        let already: &HashMap<(String, String, usize), Option<Schedule>> =
            already_of.get_or_init(|| already_done(&effective, op, args, today, &scopes));
        for (qi, q) in n.note.questions.iter().enumerate() {
            if !decks.is_empty() && !q.decks.iter().any(|d| decks.iter().any(|f| deck_matches(d, f))) {
                continue;
            }
            let hash = q.hash(&n.note.text);
            for sibling in 0..q.card_count() {
                let schedule = q.schedule(sibling);
                let state = schedule.state(today, now);
                if want_state.is_some_and(|w| state != w) {
                    continue;
                }
                let due = schedule.due_date(opts.zone);
                if args.due_before.is_some_and(|b| due.is_none_or(|d| d >= b))
                    || args.due_after.is_some_and(|a| due.is_none_or(|d| d <= a))
                {
                    continue;
                }
                if matches!(schedule, CardSchedule::Fsrs { .. }) {
                    s.fsrs_skipped += 1;
                    continue;
                }
                if !already.is_empty()
                    && let Some(after) = already.get(&(n.path.clone(), hash.clone(), sibling))
                    && *after == schedule.to_schedule()
                {
                    s.resumed += 1;
                    continue;
                }
                s.cards.push(Candidate {
                    question: qi,
                    sibling,
                    line: q.first_line,
                    hash: hash.clone(),
                    schedule,
                });
            }
        }
        s.fingerprint = fingerprint(&n.note.text);
        s.path = n.path;
        s
    };
    let mut histogram = crate::schedule::Histogram::default();
    // The selected cards, and beside them (as `compute` takes them) their schedules.
    let mut selected: Vec<Selected> = Vec::new();
    let mut targets: Vec<Target> = Vec::new();
    let (mut fsrs_skipped, mut resumed) = (0usize, 0usize);
    let mut paths: Vec<(String, u64)> = Vec::new();
    let vault = crate::scan_vault_each(global, first, crate::parse::Detail::Full, select, |s| {
        for k in s.keys {
            histogram.increment(k);
        }
        fsrs_skipped += s.fsrs_skipped;
        resumed += s.resumed;
        if s.cards.is_empty() {
            return Ok(());
        }
        let ni = paths.len();
        paths.push((s.path, s.fingerprint));
        for c in s.cards {
            selected.push(Selected {
                note: ni,
                question: c.question,
                sibling: c.sibling,
                line: c.line,
                hash: c.hash,
            });
            targets.push(Target { schedule: c.schedule });
        }
        Ok(())
    })?;
    let vault = &vault;
    let today = vault.today;
    let settings = &vault.config.settings;
    let sig = signature(args, op, today, &scopes);
    let detail = format!("{} | run {sig}", op.describe());

    let seed = args.seed.unwrap_or(0x5EED);
    let changes = compute(op, &targets, today, settings, &histogram, seed);

    // The changes, in note order (by question within a note: see `by_question`).
    let mut after = histogram.clone();
    let mut card_changes: Vec<(&Selected, &Target, Change)> = Vec::new();
    for ((sel, target), change) in selected.iter().zip(&targets).zip(&changes) {
        let Some(change) = change else { continue };
        if let Some(k) = histogram_key(&target.schedule, today, vault.now) {
            after.decrement(k);
        }
        if let Change::Set { due, .. } = change {
            after.increment((*due - today).num_days());
        }
        card_changes.push((sel, target, *change));
    }

    // Second pass: the notes with changes are read again and their edits
    // planned on the workers, up front: a note that cannot be edited is
    // reported, not half-done. The notes are kept only when they are to
    // be shown (--diff) or written (--apply).
    // Each note's card changes (`card_changes` is in note order).
    let changes_of = |ni: usize| {
        let lo = card_changes.partition_point(|(sel, _, _)| sel.note < ni);
        let hi = card_changes.partition_point(|(sel, _, _)| sel.note <= ni);
        &card_changes[lo..hi]
    };
    let mut changed: Vec<usize> = card_changes.iter().map(|(sel, _, _)| sel.note).collect();
    changed.dedup();
    let by_path: HashMap<&str, usize> = changed.iter().map(|&ni| (paths[ni].0.as_str(), ni)).collect();
    let keep_notes = args.diff || args.apply;
    let mut plans: Vec<(usize, Vec<Edit>)> = Vec::new();
    let mut kept: HashMap<usize, crate::vault::VaultNote> = HashMap::new();
    let mut problems = Vec::new();
    let mut seen = HashSet::new();
    let replan = |n: crate::vault::VaultNote, _: &crate::parse::ParseOptions| {
        let &ni = by_path.get(n.path.as_str())?;
        if fingerprint(&n.note.text) != paths[ni].1 {
            return Some((ni, Err(" changed while it was being read".to_owned()), None));
        }
        let plan = plan_note(&n.note, &by_question(changes_of(ni)), settings);
        let keep = (keep_notes && plan.as_ref().is_ok_and(|e| !e.is_empty())).then_some(n);
        Some((ni, plan, keep))
    };
    let load = crate::vault::LoadOptions { check_state: false, ..crate::load_options(global) };
    crate::vault::scan_each(&vault.root, &load, replan, |r| {
        let Some((ni, plan, keep)) = r else { return Ok(()) };
        seen.insert(ni);
        match plan {
            Ok(edits) if !edits.is_empty() => plans.push((ni, if keep_notes { edits } else { Vec::new() })),
            Ok(_) => {}
            Err(e) => problems.push(format!("{}:{e}; left alone", paths[ni].0)),
        }
        if let Some(n) = keep {
            kept.insert(ni, n);
        }
        Ok(())
    })?;
    for &ni in changed.iter().filter(|ni| !seen.contains(ni)) {
        problems.push(format!("{}: gone while being read; left alone", paths[ni].0));
    }
    let planned: HashSet<usize> = plans.iter().map(|(ni, _)| *ni).collect();
    card_changes.retain(|(sel, _, _)| planned.contains(&sel.note));
    let mut err = std::io::stderr().lock();
    for p in &problems {
        let _ = writeln!(err, "warning: {}", crate::sanitize::one_line(p));
    }
    if fsrs_skipped > 0 {
        let _ = writeln!(err, "note: {fsrs_skipped} FSRS card(s) left alone (recall does not schedule FSRS)");
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
            let Some(n) = kept.get(ni) else { continue };
            let new = splice(&n.note.text, edits);
            write!(out, "{}", unified_diff(&n.path, &n.note.text, &new)).map_err(Error::stdout)?;
        }
    }

    // Apply, note by note.
    let mut written = 0usize;
    let mut interrupted = false;
    let mut write_errors = Vec::new();
    if args.apply && !plans.is_empty() {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let _ = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst));
        let bar = if std::io::stderr().is_terminal() {
            indicatif::ProgressBar::new(plans.len() as u64)
        } else {
            indicatif::ProgressBar::hidden()
        };
        // Each note's card changes, by note (`card_changes` is in note order).
        let changes_of = |ni: usize| {
            let lo = card_changes.partition_point(|(sel, _, _)| sel.note < ni);
            let hi = card_changes.partition_point(|(sel, _, _)| sel.note <= ni);
            &card_changes[lo..hi]
        };
        let by_note: HashMap<usize, BTreeMap<usize, Vec<(usize, Change)>>> =
            plans.iter().map(|(ni, _)| (*ni, by_question(changes_of(*ni)))).collect();
        let relocators: Vec<_> = plans
            .iter()
            .filter_map(|(ni, _)| {
                let n = kept.get(ni)?;
                let qs = by_note.get(ni)?;
                Some(move |text: &str| relocate(vault, &n.path, &n.note, qs, text))
            })
            .collect();
        let writes: Vec<(NoteWrite<'_>, Vec<Record>)> = plans
            .iter()
            .filter_map(|(ni, edits)| Some((kept.get(ni)?, *ni, edits)))
            .zip(&relocators)
            .map(|((n, ni, edits), reloc)| {
                let records = changes_of(ni)
                    .iter()
                    .map(|(sel, target, change)| {
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
                            target.schedule.to_schedule(),
                            change_schedule(change),
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
        let report =
            write_batch(&vault.root, &writes, &stop, &|| bar.inc(1), &|| Stamp::at(vault.now, vault.zone));
        written = report.written;
        interrupted = report.interrupted;
        write_errors = report.errors;
        bar.finish_and_clear();
        if !interrupted && write_errors.is_empty() {
            let done = Record::run_mark(
                Stamp::at(vault.now, vault.zone),
                today,
                Op::Reschedule,
                format!("{detail} | complete"),
            );
            let _ = crate::log::append(&vault.root, &[done]);
        }
        for e in &write_errors {
            let _ = writeln!(err, "error: {}", crate::sanitize::one_line(e));
        }
    }

    let cards = card_changes.len();
    let notes = plans.len();
    let (load_before, load_after) = (due_per_day(&histogram, CHART_DAYS), due_per_day(&after, CHART_DAYS));
    let days: Vec<(NaiveDate, u32, u32)> = (0..CHART_DAYS)
        .map(|d| {
            let date = today.checked_add_days(Days::new(d as u64)).unwrap_or(today);
            (date, load_before[d as usize], load_after[d as usize])
        })
        .collect();
    if args.json {
        let j = json!({
            "operation": op.describe(),
            "applied": args.apply,
            "cards": cards,
            "notes": notes,
            "written": written,
            "interrupted": interrupted,
            "fsrs_skipped": fsrs_skipped,
            "days": days.iter().map(|(d, b, a)| json!({"day": d.to_string(), "before": b, "after": a})).collect::<Vec<_>>(),
            "changes": card_changes.iter().map(|(sel, target, change)| {
                json!({
                    "path": paths[sel.note].0,
                    "line": sel.line + 1,
                    "sibling": sel.sibling,
                    "before": target.schedule.to_schedule(),
                    "after": change_schedule(change),
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
    Ok(if interrupted || !write_errors.is_empty() { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// Cards due on each of the next `days` days (0 is today) by a due-date
/// histogram: overdue cards are due today, so they count on day 0.
fn due_per_day(h: &crate::schedule::Histogram, days: i64) -> Vec<u32> {
    let mut out = vec![0u32; usize::try_from(days).unwrap_or(0)];
    for (d, n) in h.sorted() {
        if let Some(slot) = usize::try_from(d.max(0)).ok().and_then(|i| out.get_mut(i)) {
            *slot += n;
        }
    }
    out
}

/// The before / after due counts per day as two bar columns.
fn chart(out: &mut dyn Write, days: &[(NaiveDate, u32, u32)]) -> std::io::Result<()> {
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
