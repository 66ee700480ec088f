//! `recall grade PATH:LINE[#SIBLING] RESPONSE`: grade one card and write its
//! new schedule into the note, without a session. A target without a
//! `:LINE` suffix is a note: [`super::notes::grade`] reviews it.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;
use serde_json::json;

use crate::cli::{Global, GradeArgs};
use crate::edit::apply::apply_edits;
use crate::edit::plan::{plan_schedule, replan_schedule};
use crate::edit::{Edit, splice, unified_diff};
use crate::error::Error;
use crate::parse::{CardSchedule, Note, Question, parse_note};
use crate::schedule::{Next, histogram_key, note_ease, schedule_card};
use crate::vault::Vault;

/// A parsed `PATH:LINE[#SIBLING]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub path: String,
    pub line: usize,
    pub sibling: usize,
}

impl Target {
    /// Parses `PATH:LINE[#SIBLING]` (the path may itself hold `:` or `#`).
    pub fn parse(s: &str) -> Result<Target, Error> {
        let bad =
            || Error::Usage(format!("`{s}` is not PATH:LINE or PATH:LINE#SIBLING (LINE counts from 1)"));
        let (rest, sibling) = match s.rsplit_once('#') {
            Some((r, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => {
                (r, n.parse().map_err(|_| bad())?)
            }
            _ => (s, 0),
        };
        let (path, line) = rest.rsplit_once(':').ok_or_else(bad)?;
        let line: usize = line.parse().map_err(|_| bad())?;
        if line == 0 || path.is_empty() {
            return Err(bad());
        }
        Ok(Target { path: path.to_owned(), line, sibling })
    }
}

/// The question at 1-based `line`: the one starting there, else the last
/// one whose range holds it.
#[must_use]
pub fn question_at(note: &Note, line: usize) -> Option<usize> {
    let l = line.checked_sub(1)?;
    note.questions
        .iter()
        .position(|q| q.first_line == l)
        .or_else(|| note.questions.iter().rposition(|q| q.contains_line(l)))
}

#[derive(Serialize)]
struct ScheduleJson {
    due: Option<String>,
    interval: Option<f64>,
    ease: Option<f64>,
}

fn before_json(s: &CardSchedule) -> Option<ScheduleJson> {
    match s {
        CardSchedule::New => None,
        other => {
            let (i, e) = other.interval_ease();
            Some(ScheduleJson {
                due: other.due_date().map(|d| d.format("%Y-%m-%d").to_string()),
                interval: i.map(|v| v as f64),
                ease: e.map(|v| v as f64),
            })
        }
    }
}

/// A card's schedule as the review log records it (`None` when new or unreadable).
#[must_use]
pub fn logged(s: &CardSchedule) -> Option<crate::log::LoggedSchedule> {
    let (i, e) = s.interval_ease();
    Some(crate::log::LoggedSchedule { due: s.due_date()?, interval: i? as f64, ease: e? as f64 })
}

fn show(s: &CardSchedule) -> String {
    match s {
        CardSchedule::New => "new".into(),
        other => {
            let (i, e) = other.interval_ease();
            let f = |v: Option<i64>| v.map_or_else(|| "?".to_owned(), |v| v.to_string());
            let due = other
                .due_date()
                .map_or_else(|| "unreadable date".to_owned(), |d| d.format("%Y-%m-%d").to_string());
            format!("due {due}, interval {}, ease {}", f(i), f(e))
        }
    }
}

/// What a grade target names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GradeTarget {
    /// `PATH:LINE[#SIBLING]`.
    Card(Target),
    /// A note's `PATH`.
    Note(String),
}

/// A card when the target ends in `:LINE[#SIBLING]` and is not itself the
/// name of a file (a note may have `:` in its name), else a note.
#[must_use]
pub fn classify(root: &Path, s: &str) -> GradeTarget {
    let is_file = |p: &str| root.join(p.trim_start_matches("./")).is_file() || Path::new(p).is_file();
    match Target::parse(s) {
        Ok(t) if !is_file(s) => GradeTarget::Card(t),
        _ => GradeTarget::Note(s.to_owned()),
    }
}

/// Resolves the target's path to a vault-relative path: as given (relative
/// to the vault), else as a path from the current folder inside the vault.
/// `hint` says how to name it when neither exists.
pub fn resolve(root: &Path, path: &str, hint: &str) -> Result<String, Error> {
    let rel = path.trim_start_matches("./").replace('\\', "/");
    if root.join(&rel).is_file() {
        return Ok(rel);
    }
    if Path::new(path).is_file()
        && let Ok(scopes) = crate::vault::scopes(root, &[path.into()])
        && let Some(s) = scopes.into_iter().next()
    {
        return Ok(s);
    }
    Err(Error::Refused {
        message: format!("{path}: no such note in the vault {}", root.display()),
        hint: Some(hint.into()),
    })
}

/// Re-plans an edit on a note's new text (see [`replan_schedule`]).
#[must_use]
pub fn relocate(
    vault: &Vault,
    folder: Option<&str>,
    old: &Note,
    old_q: &Question,
    sibling: usize,
    next: &Next,
    text: &str,
) -> Option<Vec<Edit>> {
    let note = parse_note(text.to_owned(), folder, &vault.parse_options(), true);
    replan_schedule(&note, old, old_q, sibling, next, &vault.config.settings).map(|e| vec![e])
}

pub fn run(global: &Global, args: &GradeArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let root = crate::vault::discover(global.vault.as_deref(), None)?;
    let target = match classify(&root, &args.target) {
        GradeTarget::Card(t) => t,
        GradeTarget::Note(path) => return super::notes::grade(global, args, &root, &path, out),
    };
    let rel = resolve(&root, &target.path, "give the path relative to the vault, e.g. Kafka/Producer.md:12")?;
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
        return Err(Error::Refused {
            message: format!("{rel}: the note could not be read (see the warning above)"),
            hint: None,
        });
    };
    let vn = &vn;
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
        let near: Vec<String> =
            note.questions.iter().take(8).map(|q| (q.first_line + 1).to_string()).collect();
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
    let loc = format!("{}:{}#{}", vn.path, q.first_line + 1, target.sibling);
    let Some(next) =
        schedule_card(&before, args.response, vault.today, settings, ease_seed, Some(&histogram))
    else {
        // Reset on a new card: the plugin changes nothing.
        if args.json {
            let j = json!({"path": vn.path, "line": q.first_line + 1, "sibling": target.sibling,
                "response": args.response, "before": null, "after": null, "written": false});
            writeln!(out, "{j}").map_err(stdout_err)?;
        } else {
            writeln!(out, "{loc} reset: the card is new; nothing to change").map_err(stdout_err)?;
        }
        return Ok(ExitCode::SUCCESS);
    };
    let edit = plan_schedule(note, q, target.sibling, next.due, next.interval, next.ease, settings).map_err(
        |e| Error::Refused { message: format!("{}:{}: {e}", vn.path, q.first_line + 1), hint: None },
    )?;

    let written = if args.dry_run {
        let new_text = splice(&note.text, std::slice::from_ref(&edit));
        write!(out, "{}", unified_diff(&vn.path, &note.text, &new_text)).map_err(stdout_err)?;
        false
    } else {
        let folder = vn.folder();
        apply_edits(&vn.abs, &note.text, std::slice::from_ref(&edit), &|text| {
            relocate(vault, folder, note, q, target.sibling, &next, text)
        })?;
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
            before: logged(&before),
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
        if let Err(e) = crate::log::append(&vault.root, &[record]) {
            eprintln!("warning: the grade was written but not logged: {e}");
        }
        true
    };
    if args.json {
        let j = json!({
            "path": vn.path, "line": q.first_line + 1, "sibling": target.sibling,
            "response": args.response,
            "before": before_json(&before),
            "after": {"due": next.due.format("%Y-%m-%d").to_string(), "interval": next.interval, "ease": next.ease},
            "written": written,
        });
        writeln!(out, "{j}").map_err(stdout_err)?;
    } else if !args.dry_run {
        writeln!(
            out,
            "{loc} {}: {} → due {}, interval {}, ease {}",
            args.response,
            show(&before),
            next.due.format("%Y-%m-%d"),
            crate::parse::comment::js_number(next.interval),
            crate::parse::comment::js_number(next.ease)
        )
        .map_err(stdout_err)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn stdout_err(e: std::io::Error) -> Error {
    Error::Io { path: "<stdout>".into(), source: e }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse_from_the_right() {
        assert_eq!(
            Target::parse("Kafka/a:b.md:12#1").expect("ok"),
            Target { path: "Kafka/a:b.md".into(), line: 12, sibling: 1 }
        );
        assert_eq!(Target::parse("n.md:3").expect("ok").sibling, 0);
        assert_eq!(Target::parse("C#.md:3").expect("ok").path, "C#.md");
        assert!(Target::parse("n.md").is_err());
        assert!(Target::parse("n.md:0").is_err());
    }
}
