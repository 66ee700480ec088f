//! `recall grade PATH:LINE[#SIBLING] RESPONSE`: grade one card and write its
//! new schedule into the note, without a session. A target without a
//! `:LINE` suffix is a note: [`super::notes::grade`] reviews it.

use std::io::Write;
use std::process::ExitCode;

use serde::Serialize;
use serde_json::json;

use crate::answer::{Named, locate_note, question_at, relocate};
use crate::cli::{Global, GradeArgs};
use crate::clock::Zone;
use crate::edit::plan::plan_schedule;
use crate::edit::{splice, unified_diff};
use crate::error::Error;
use crate::parse::CardSchedule;
use crate::parse::comment::format_sm2;
use crate::schedule::{histogram_key, note_ease, schedule_card};
use crate::writeback::{NoteWrite, write_and_log};

#[derive(Serialize)]
struct ScheduleJson {
    due: Option<String>,
    interval: Option<f64>,
    ease: Option<f64>,
}

fn before_json(s: &CardSchedule, zone: Zone) -> Option<ScheduleJson> {
    match s {
        CardSchedule::New => None,
        other => {
            let (i, e) = other.interval_ease();
            Some(ScheduleJson {
                due: other.due_date(zone).map(|d| d.format("%Y-%m-%d").to_string()),
                interval: i.map(|v| v as f64),
                ease: e.map(|v| v as f64),
            })
        }
    }
}

/// A card's schedule as the review log records it (`None` when new or unreadable).
#[must_use]
pub fn logged(s: &CardSchedule, zone: Zone) -> Option<crate::log::LoggedSchedule> {
    crate::log::LoggedSchedule::of(s, zone)
}

fn show(s: &CardSchedule, zone: Zone) -> String {
    match s {
        CardSchedule::New => "new".into(),
        other => {
            let (i, e) = other.interval_ease();
            let f = |v: Option<i64>| v.map_or_else(|| "?".to_owned(), |v| v.to_string());
            let due = other
                .due_date(zone)
                .map_or_else(|| "unreadable date".to_owned(), |d| d.format("%Y-%m-%d").to_string());
            format!("due {due}, interval {}, ease {}", f(i), f(e))
        }
    }
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
        let mut keys = Vec::new();
        if n.note.has_deck {
            for q in &n.note.questions {
                for i in 0..q.card_count() {
                    if let Some(k) = histogram_key(&q.schedule(i), opts.today, opts.now) {
                        keys.push(k);
                    }
                }
            }
        }
        let keep = (n.path == rel).then_some(n);
        (keys, keep)
    })?;
    let mut histogram = crate::schedule::Histogram::default();
    let mut found = None;
    for (keys, keep) in per_note {
        for k in keys {
            histogram.increment(k);
        }
        found = found.or(keep);
    }
    let vault = &vault;
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
    let vn = &vn;
    let note = &vn.note;
    if vault.config.settings.algorithm == crate::settings::Algorithm::Fsrs {
        // Scheduling an FSRS vault with SM-2 would throw away every card's
        // memory state: refuse instead of destroying it.
        return Err(Error::Refused {
            message: format!(
                "{}: the vault is set to FSRS, which recall cannot schedule yet; nothing was written",
                vn.path
            ),
            hint: Some("answer FSRS cards in Obsidian for now".into()),
        });
    }
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
        let near: Vec<String> =
            note.questions.iter().take(8).map(|q| (q.text_line + 1).to_string()).collect();
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
                q.first_line + 1,
                target.sibling,
                q.card_count()
            ),
            hint: None,
        });
    }
    let before = q.schedule(target.sibling);
    let settings = &vault.config.settings;
    let ease_seed = note_ease(note, settings);
    let loc = format!("{}:{}#{}", vn.path, q.text_line + 1, target.sibling);
    let Some(next) =
        schedule_card(&before, args.response, &vault.when(), settings, ease_seed, Some(&histogram))
    else {
        // Reset on a new card: the plugin changes nothing.
        if args.json {
            let j = json!({"path": vn.path, "line": q.first_line + 1, "sibling": target.sibling,
                "response": args.response, "before": null, "after": null, "written": false});
            writeln!(out, "{j}").map_err(Error::stdout)?;
        } else {
            writeln!(out, "{loc} reset: the card is new; nothing to change").map_err(Error::stdout)?;
        }
        return Ok(ExitCode::SUCCESS);
    };
    let edit = plan_schedule(note, q, target.sibling, next.due, next.interval, next.ease, settings).map_err(
        |e| Error::Refused { message: format!("{}:{}: {e}", vn.path, q.first_line + 1), hint: None },
    )?;

    let written = if args.dry_run {
        let new_text = splice(&note.text, std::slice::from_ref(&edit));
        write!(out, "{}", unified_diff(&vn.path, &note.text, &new_text)).map_err(Error::stdout)?;
        false
    } else {
        let folder = vn.folder();
        let segment = format_sm2(next.due, next.interval, next.ease);
        let opts = vault.parse_options();
        let reloc = |text: &str| relocate(&opts, folder, note, q, target.sibling, &segment, text);
        let write = NoteWrite {
            path: &vn.path,
            abs: &vn.abs,
            original: &note.text,
            edits: vec![edit.clone()],
            relocate: &reloc,
        };
        let record = crate::log::Record {
            id: crate::log::new_id(),
            ts: crate::log::now_stamp(),
            day: vault.today,
            op: crate::log::Op::Grade,
            path: vn.path.clone(),
            line: q.first_line + 1,
            hash: q.hash(&note.text),
            sibling: target.sibling,
            response: Some(args.response),
            before: logged(&before, vault.zone),
            after: Some(crate::log::LoggedSchedule {
                due: next.due,
                interval: next.interval,
                ease: next.ease,
            }),
            ms: None,
            decks: q.decks.to_vec(),
            undoes: None,
            detail: None,
        };
        // The note holds the schedule; a log that cannot be written is a
        // warning, not a failed grade.
        if let Some(e) = write_and_log(&vault.root, &write, &[record])?.log_error {
            eprintln!("warning: the grade was written but not logged: {e}");
        }
        true
    };
    if args.json {
        let j = json!({
            "path": vn.path, "line": q.first_line + 1, "sibling": target.sibling,
            "response": args.response,
            "before": before_json(&before, vault.zone),
            "after": {"due": next.due.format("%Y-%m-%d").to_string(), "interval": next.interval, "ease": next.ease},
            "written": written,
        });
        writeln!(out, "{j}").map_err(Error::stdout)?;
    } else if !args.dry_run {
        writeln!(
            out,
            "{loc} {}: {} → due {}, interval {}, ease {}",
            args.response,
            show(&before, vault.zone),
            next.due.format("%Y-%m-%d"),
            crate::parse::comment::js_number(next.interval),
            crate::parse::comment::js_number(next.ease)
        )
        .map_err(Error::stdout)?;
    }
    Ok(ExitCode::SUCCESS)
}
