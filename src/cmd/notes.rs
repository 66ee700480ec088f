//! `recall notes [PATH…] [--json] [--deck D]` (the note review queue) and
//! `recall grade PATH easy|good|hard` (one note review), wired to
//! [`crate::notes`].

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use serde_json::{Value, json};

use crate::cli::{Global, GradeArgs, NotesArgs};
use crate::edit::{splice, unified_diff};
use crate::error::Error;
use crate::log::Stamp;
use crate::notes::answer::review_record;
use crate::notes::{self, EditError, NoteError, NoteIndex, QueuedNote, ReadSchedule};
use crate::parse::comment::js_number;
use crate::sanitize::{one_line, truncate};
use crate::schedule::{Response, Sm2};
use crate::vault::{Vault, VaultNote};
use crate::writeback::{NoteWrite, write_and_log};

/// Scans the vault into its note index, keeping the note at `keep` whole.
pub(crate) fn load(
    global: &Global,
    first: Option<&Path>,
    keep: Option<&str>,
) -> Result<(Vault, NoteIndex, Option<VaultNote>), Error> {
    let (vault, per_note) = crate::scan_vault(global, first, |n, opts| {
        let facts = notes::facts(&n.path, &n.note, opts.settings);
        let kept = (keep == Some(n.path.as_str())).then_some(n);
        (facts, kept)
    })?;
    let mut facts = Vec::with_capacity(per_note.len());
    let mut kept = None;
    for (f, k) in per_note {
        facts.push(f);
        kept = kept.or(k);
    }
    let index = notes::index(facts, &vault.ignored_notes, &vault.config.settings, vault.today);
    Ok((vault, index, kept))
}

/// A number as JavaScript prints it, as JSON (`10`, `4.5`; `null` for NaN).
fn js_json(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        Value::from(x as i64)
    } else {
        serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
    }
}

/// One `notes --json` row, fields in the documented order.
#[derive(serde::Serialize)]
struct Row<'a> {
    deck: &'a str,
    path: &'a str,
    due: Option<String>,
    interval: Option<Value>,
    ease: Option<Value>,
    state: &'static str,
    rank: Value,
}

fn row_json(q: &QueuedNote) -> Row<'_> {
    Row {
        deck: &q.deck,
        path: &q.path,
        due: q.due.map(|d| d.format("%Y-%m-%d").to_string()),
        interval: q.interval.map(js_json),
        ease: q.ease.map(js_json),
        state: q.state.name(),
        rank: js_json(q.rank),
    }
}

/// `recall notes`.
pub fn run(global: &Global, args: &NotesArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let first = args.paths.first().map(std::path::PathBuf::as_path);
    let root = crate::vault::discover(global.vault.as_deref(), first)?;
    let scopes = crate::vault::scopes(&root, &args.paths)?;
    let (_, index, _) = load(global, first, None)?;
    let wanted = |deck: &str| {
        args.deck.is_empty()
            || args.deck.iter().any(|d| d.trim_start_matches('#') == deck.trim_start_matches('#'))
    };
    let rows: Vec<QueuedNote> = notes::queue(&index)
        .into_iter()
        .filter(|q| wanted(&q.deck) && Vault::in_scope(&q.path, &scopes))
        .collect();
    if args.json {
        let mut buf = Vec::with_capacity(rows.len() * 160);
        buf.push(b'[');
        for (i, r) in rows.iter().enumerate() {
            buf.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
            crate::json::to_writer(&mut buf, &row_json(r)).map_err(|e| stdout_err(e.into()))?;
        }
        buf.extend_from_slice(b"\n]\n");
        out.write_all(&buf).map_err(stdout_err)?;
        return Ok(ExitCode::SUCCESS);
    }
    let width = super::terminal_width();
    let deck_w = rows.iter().map(|r| r.deck.chars().count()).max().unwrap_or(4).clamp(4, width / 5);
    let path_w = rows.iter().map(|r| r.path.chars().count()).max().unwrap_or(4).clamp(4, width / 2);
    for r in &rows {
        let num = |x: Option<f64>| x.map_or_else(|| "-".to_owned(), js_number);
        let due = r.due.map_or_else(|| "-".to_owned(), |d| d.format("%Y-%m-%d").to_string());
        writeln!(
            out,
            "{:<deck_w$} {:<path_w$} {:<9} {due:<10} {:>8} {:>6} {:>6.0}",
            truncate(&one_line(&r.deck), deck_w),
            truncate(&one_line(&r.path), path_w),
            r.state.name(),
            num(r.interval),
            num(r.ease),
            r.rank,
        )
        .map_err(stdout_err)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `recall grade PATH easy|good|hard`: reviews the note at `path`.
pub fn grade(global: &Global, args: &GradeArgs, path: &str, out: &mut dyn Write) -> Result<ExitCode, Error> {
    if !matches!(args.response, Response::Easy | Response::Good | Response::Hard) {
        return Err(Error::Usage(format!(
            "{path}: a note is answered easy, good or hard; the plugin has no `{}` for notes (use PATH:LINE for a card)",
            args.response
        )));
    }
    let rel = path.to_owned();
    let (vault, index, kept) = load(global, None, Some(&rel))?;
    let settings = &vault.config.settings;
    let Some(vn) = kept else {
        let ignored =
            vault.ignored_notes.binary_search(&rel).is_ok() || crate::vault::is_ignored(&rel, settings);
        return Err(Error::Refused {
            message: if ignored {
                format!("{rel}: the note is in noteFoldersToIgnore, so the plugin does not review it")
            } else {
                format!("{rel}: the note could not be read (see the warning above)")
            },
            hint: None,
        });
    };
    if let Some(e) = vn.note.frontmatter.as_ref().and_then(|f| f.error.as_ref()) {
        return Err(Error::Refused {
            message: format!(
                "{rel}: the front matter is not valid YAML ({}); nothing was written",
                one_line(e)
            ),
            hint: Some(
                "fix the YAML between the two `---` lines; the plugin cannot write the schedule either"
                    .into(),
            ),
        });
    }
    let next = index.schedule(&rel, args.response, settings).map_err(|e| refused(&rel, &e, settings))?;
    let edits = notes::plan_edit(&vn.note.text, &next).map_err(|e| edit_refused(&rel, &e))?;
    let facts = index.get(&rel);
    let before = facts.and_then(|f| f.schedule);
    let written = if args.dry_run {
        let new_text = splice(&vn.note.text, &edits);
        write!(out, "{}", unified_diff(&rel, &vn.note.text, &new_text)).map_err(stdout_err)?;
        false
    } else {
        let decks = facts.map(|f| f.decks.clone()).unwrap_or_default();
        let stamp = Stamp::at(vault.now, vault.zone);
        let record = review_record(stamp, vault.today, &rel, decks, args.response, before, &next);
        let reloc = |text: &str| notes::plan_edit(text, &next).ok();
        let write = NoteWrite { path: &rel, abs: &vn.abs, original: &vn.note.text, edits, relocate: &reloc };
        // The note holds the schedule; a log that cannot be written is a
        // warning, not a failed review.
        if let Some(e) = write_and_log(&vault.root, &write, &[record])?.log_error {
            eprintln!("warning: the review was written but not logged: {e}");
        }
        true
    };
    if args.json {
        let j = json!({
            "path": rel, "note": true, "response": args.response,
            "before": before.map(|s| json!({
                "due": s.due.map(|d| d.format("%Y-%m-%d").to_string()),
                "interval": js_json(s.interval), "ease": js_json(s.ease),
            })),
            "after": {"due": next.due.format("%Y-%m-%d").to_string(),
                      "interval": js_json(next.interval.0), "ease": js_json(next.ease.0)},
            "written": written,
        });
        let j = crate::json::to_string(&j).map_err(|e| stdout_err(e.into()))?;
        writeln!(out, "{j}").map_err(stdout_err)?;
    } else if !args.dry_run {
        writeln!(out, "{} {}: {} → {}", one_line(&rel), args.response, show(before), show_next(&next))
            .map_err(stdout_err)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn show(s: Option<ReadSchedule>) -> String {
    match s {
        None => "new".into(),
        Some(s) => format!(
            "due {}, interval {}, ease {}",
            s.due.map_or_else(|| "unreadable date".to_owned(), |d| d.format("%Y-%m-%d").to_string()),
            js_number(s.interval),
            js_number(s.ease)
        ),
    }
}

fn show_next(n: &Sm2) -> String {
    format!(
        "due {}, interval {}, ease {}",
        n.due.format("%Y-%m-%d"),
        js_number(n.interval.0),
        js_number(n.ease.0)
    )
}

fn refused(rel: &str, e: &NoteError, settings: &crate::settings::Settings) -> Error {
    let hint = match e {
        NoteError::NotTagged(_) => Some(format!(
            "add a review tag such as {} to the note (front matter `tags` or the body)",
            settings.tags_to_review.first().map_or("#review", String::as_str)
        )),
        NoteError::IgnoredTag(_) => Some("remove the tag, or take it out of noteTagsToIgnore".into()),
        NoteError::Response(_) | NoteError::Unknown => None,
    };
    Error::Refused { message: format!("{rel}: {e}"), hint }
}

fn edit_refused(rel: &str, e: &EditError) -> Error {
    Error::Refused { message: format!("{rel}: {e}"), hint: None }
}

fn stdout_err(e: std::io::Error) -> Error {
    Error::Io { path: "<stdout>".into(), source: e }
}
