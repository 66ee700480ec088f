//! `recall grade PATH:LINE[#SIBLING] RESPONSE`: grade one card and write its
//! new schedule into the note, without a session. A target without a
//! `:LINE` suffix is a note: [`super::notes::grade`] reviews it.

use std::io::Write;
use std::process::ExitCode;

use serde_json::json;

use crate::answer::{CardAt, Named, Target, commit, locate_note, plan_answer, question_at};
use crate::cli::{Global, GradeArgs};
use crate::clock::Zone;
use crate::edit::{splice, unified_diff};
use crate::error::Error;
use crate::log::{Op, Stamp};
use crate::parse::CardSchedule;
use crate::schedule::{Histogram, Schedule, card_keys};
use crate::vault::{Vault, VaultNote};

/// A schedule as `grade --json` prints it.
fn schedule_json(s: &Schedule, zone: Zone) -> serde_json::Value {
    let mut j = json!({
        "due": s.due_date(zone).map(|d| d.format("%Y-%m-%d").to_string()),
        "interval": s.interval(),
        "ease": s.ease(),
    });
    if let Schedule::Fsrs(_) = s {
        j["segment"] = json!(s.segment());
    }
    j
}

fn before_json(s: &CardSchedule, zone: Zone) -> serde_json::Value {
    match s {
        CardSchedule::New => serde_json::Value::Null,
        other => {
            if let Some(s) = other.to_schedule() {
                schedule_json(&s, zone)
            } else {
                let (i, e) = other.interval_ease();
                json!({"due": other.due_date(zone).map(|d| d.format("%Y-%m-%d").to_string()), "interval": i, "ease": e})
            }
        }
    }
}

fn show(s: &CardSchedule, zone: Zone) -> String {
    match s {
        CardSchedule::New => "new".into(),
        other => {
            let (i, e) = other.interval_ease();
            let f = |v: Option<String>| v.unwrap_or_else(|| "?".to_owned());
            let due = other
                .due_date(zone)
                .map_or_else(|| "unreadable date".to_owned(), |d| d.format("%Y-%m-%d").to_string());
            format!(
                "due {due}, interval {}, ease {}",
                f(i.map(|i| i.to_string())),
                f(e.map(|e| e.to_string()))
            )
        }
    }
}

fn show_after(s: &Schedule, zone: Zone) -> String {
    let n = crate::parse::comment::js_number;
    match s {
        Schedule::Sm2(s) => {
            format!("due {}, interval {}, ease {}", s.due.format("%Y-%m-%d"), n(s.interval.0), n(s.ease.0))
        }
        Schedule::Fsrs(f) => format!(
            "due {}, interval {}, stability {}, difficulty {}",
            f.due
                .instant()
                .map_or_else(|| "?".to_owned(), |t| zone.local(t).format("%Y-%m-%d %H:%M").to_string()),
            n(f.interval),
            n(f.stability),
            n(f.difficulty)
        ),
    }
}

/// The note `rel` and the index of the question `target` names in it, or
/// why that card cannot be graded.
fn gradable(
    vault: &Vault,
    rel: &str,
    found: Option<VaultNote>,
    target: &Target,
) -> Result<(VaultNote, usize), Error> {
    let Some(vn) = found else {
        let why = vault.warnings.iter().find(|w| w.path == rel).map_or_else(
            || {
                "it is not a note of the vault (ignored by noteFoldersToIgnore, or in a dot-folder)"
                    .to_owned()
            },
            |w| w.message.clone(),
        );
        return Err(Error::Refused {
            message: format!("{rel}: the note cannot be graded: {why}"),
            hint: None,
        });
    };
    let note = &vn.note;
    if !note.has_deck {
        return Err(Error::Refused {
            message: format!(
                "{}: the note has no flashcard deck, so the plugin does not review its cards",
                vn.path
            ),
            hint: Some(format!(
                "add a flashcard tag such as {} to the note",
                vault.config.settings.flashcard_tags.first().map_or("#flashcards", String::as_str)
            )),
        });
    }
    let qi = question_at(note, target.line).ok_or_else(|| {
        let near: Vec<String> = note.questions.iter().take(8).map(|q| q.text_line_no().to_string()).collect();
        Error::Refused {
            message: format!("{}:{}: no card on this line", vn.path, target.line),
            hint: (!near.is_empty()).then(|| format!("cards start on lines {}", near.join(", "))),
        }
    })?;
    let q = &note.questions[qi];
    if target.sibling >= q.card_count() {
        return Err(Error::Refused {
            message: format!(
                "{}:{}#{}: the question has {} card(s), numbered from 0",
                vn.path,
                q.text_line_no().get(),
                target.sibling,
                q.card_count()
            ),
            hint: None,
        });
    }
    Ok((vn, qi))
}

pub fn run(global: &Global, args: &GradeArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let target = match Named::classify(global.vault.as_deref(), &args.target) {
        Named::Card(t) => t,
        Named::Note(path) => {
            let (root, rel) = locate_note(global.vault.as_deref(), &path)?;
            let global = &Global { vault: Some(root), ..global.clone() };
            return super::notes::grade(global, args, &rel, out);
        }
    };
    let (root, rel) = locate_note(global.vault.as_deref(), &target.path)?;
    let global = &Global { vault: Some(root), ..global.clone() };
    // Only the graded note is kept; the others give their due dates for the
    // load balancing histogram and are dropped.
    let (vault, per_note) = crate::scan_vault(global, None, |n, opts| {
        let keys: Vec<i64> = card_keys(&n.note, opts.today, opts.now).collect();
        let keep = (n.path == rel).then_some(n);
        (keys, keep)
    })?;
    let mut histogram = Histogram::default();
    let mut found = None;
    for (keys, keep) in per_note {
        for k in keys {
            histogram.increment(k);
        }
        found = found.or(keep);
    }
    let vault = &vault;
    let (vn, qi) = gradable(vault, &rel, found, &target)?;
    let note = &vn.note;
    let q = &note.questions[qi];
    let when = vault.when();
    let opts = vault.parse_options();
    let scheduler = vault.scheduler();
    let loc = format!("{}:{}#{}", vn.path, q.text_line_no(), target.sibling);
    let card = CardAt { path: &vn.path, note, question: qi, sibling: target.sibling };
    let planned = plan_answer(card, args.response, &when, scheduler.as_ref(), Some(&histogram), &opts)?;
    let Some(planned) = planned else {
        // Reset on a new card: the plugin changes nothing.
        if args.json {
            let j = json!({"path": vn.path, "line": q.first_line_no().get(), "address": loc, "sibling": target.sibling,
                "response": args.response, "before": null, "after": null, "written": false});
            writeln!(out, "{j}").map_err(Error::stdout)?;
        } else {
            writeln!(out, "{loc} reset: the card is new; nothing to change").map_err(Error::stdout)?;
        }
        return Ok(ExitCode::SUCCESS);
    };
    if let Some(n) = &planned.after.notice {
        eprintln!("note: {loc}: {n}");
    }
    let written = if args.dry_run {
        let new_text = splice(&note.text, std::slice::from_ref(&planned.edit));
        write!(out, "{}", unified_diff(&vn.path, &note.text, &new_text)).map_err(Error::stdout)?;
        false
    } else {
        let stamp = Stamp::at(when.now, when.zone);
        let w = commit(&vault.root, &vn.abs, card, &planned, (Op::Grade, args.response, stamp, None), &opts)?;
        // The note holds the schedule; a log that cannot be written is a
        // warning, not a failed grade.
        if let Some(e) = w.log_error {
            eprintln!("warning: the grade was written but not logged: {e}");
        }
        true
    };
    if args.json {
        let j = json!({
            "path": vn.path, "line": q.first_line_no().get(), "address": loc, "sibling": target.sibling,
            "response": args.response,
            "before": before_json(&planned.before, vault.zone),
            "after": schedule_json(&planned.after.schedule, vault.zone),
            "written": written,
        });
        writeln!(out, "{j}").map_err(Error::stdout)?;
    } else if !args.dry_run {
        writeln!(
            out,
            "{loc} {}: {} → {}",
            args.response,
            show(&planned.before, vault.zone),
            show_after(&planned.after.schedule, vault.zone)
        )
        .map_err(Error::stdout)?;
    }
    Ok(ExitCode::SUCCESS)
}
