//! The note session in plain line mode (`recall review --notes --plain`):
//! the whole note as wrapped text, answers read as lines.
//!
//! Input lines: `easy` / `good` / `hard` (or `1` Easy, `2` Good, `3`
//! Hard, as the plugin's buttons are ordered; an empty line is Good),
//! `skip`, `undo`, `quit`. End of input quits.

use std::io::{BufRead, Write};

use super::Store;
use super::notes::{NoteSession, NoteSummary, NoteUndone, NoteView};
use crate::error::Error;
use crate::notes::NoteState;
use crate::parse::comment::js_number;
use crate::render::{interval_text, plain};
use crate::sanitize::one_line;
use crate::schedule::Response;

const PROMPT: &str = "(1 easy · 2 good · 3 hard · enter: good · skip · undo · quit)";

/// Runs a note session reading answers from `input`, printing to `out`;
/// the note is wrapped to `width` columns.
pub fn run<S: Store>(
    session: &mut NoteSession<S>,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    width: usize,
) -> Result<NoteSummary, Error> {
    let mut shown: Option<String> = None;
    loop {
        for n in session.take_notices() {
            writeln!(out, "note: {}", one_line(&n.0)).map_err(Error::stdout)?;
        }
        let Some(view) = session.view() else { break };
        if shown.as_deref() != Some(view.path.as_str()) {
            let p = session.progress();
            writeln!(out, "\n[{}/{}] {}", p.done + 1, p.done + p.left, header(&view))
                .map_err(Error::stdout)?;
            for line in plain(&view.body, width.saturating_sub(3).max(10)) {
                let indent = if line.is_empty() { "" } else { "   " };
                writeln!(out, "{indent}{line}").map_err(Error::stdout)?;
            }
            writeln!(out, "{}", buttons(&view)).map_err(Error::stdout)?;
            writeln!(out, "{PROMPT}").map_err(Error::stdout)?;
            shown = Some(view.path.clone());
        }
        write!(out, "> ").map_err(Error::stdout)?;
        out.flush().map_err(Error::stdout)?;
        let mut line = String::new();
        if input.read_line(&mut line).map_err(Error::stdin)? == 0 {
            writeln!(out).map_err(Error::stdout)?;
            break;
        }
        let word = line.trim().to_ascii_lowercase();
        let response = match word.as_str() {
            "" | "2" | "good" | "g" => Some(Response::Good),
            "1" | "easy" | "e" => Some(Response::Easy),
            "3" | "hard" | "h" => Some(Response::Hard),
            _ => None,
        };
        if let Some(r) = response {
            if let Err(e) = session.answer(r) {
                writeln!(out, "error: {}", one_line(&e.to_string())).map_err(Error::stdout)?;
            }
            shown = None;
            continue;
        }
        match word.as_str() {
            "skip" | "s" => {
                session.skip();
                shown = None;
            }
            "undo" | "u" => {
                match session.undo() {
                    Ok(Some(u)) => writeln!(out, "{}", undone_text(&u)).map_err(Error::stdout)?,
                    Ok(None) => writeln!(out, "nothing to undo").map_err(Error::stdout)?,
                    Err(e) => writeln!(out, "error: {}", one_line(&e.to_string())).map_err(Error::stdout)?,
                }
                shown = None;
            }
            "quit" | "q" | "exit" => break,
            other => writeln!(out, "unknown input `{}`: {PROMPT}", one_line(other)).map_err(Error::stdout)?,
        }
    }
    let summary = session.summary();
    writeln!(out, "\n{}", summary_lines(&summary).join("\n")).map_err(Error::stdout)?;
    Ok(summary)
}

/// `path · deck · state` and the schedule read, as one line.
#[must_use]
pub fn header(view: &NoteView) -> String {
    let state = match (view.state, view.schedule) {
        (NoteState::New, _) | (_, None) => "new".to_owned(),
        (state, Some(s)) => format!(
            "{} · due {}, interval {}, ease {}",
            state.name(),
            s.due.map_or_else(|| "unreadable date".to_owned(), |d| d.format("%Y-%m-%d").to_string()),
            js_number(s.interval),
            js_number(s.ease)
        ),
    };
    one_line(&format!("{} · {} · {state}", view.path, view.deck))
}

/// The three buttons with the interval each gives: `1 Easy 6d · 2 Good 4d · 3 Hard 2d`.
#[must_use]
pub fn buttons(view: &NoteView) -> String {
    view.intervals
        .iter()
        .enumerate()
        .map(|(i, (r, ivl))| {
            format!("{} {} {}", i + 1, label(*r), ivl.map_or_else(|| "–".to_owned(), interval_text))
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// An answer as its button says it.
#[must_use]
pub fn label(r: Response) -> &'static str {
    match r {
        Response::Easy => "Easy",
        Response::Good => "Good",
        Response::Hard => "Hard",
        Response::Again => "Again",
        Response::Reset => "Reset",
    }
}

/// What an undo took back, as one line.
#[must_use]
pub fn undone_text(u: &NoteUndone) -> String {
    match u {
        NoteUndone::Answer { response, path } => {
            format!("undid {} on {}", label(*response), one_line(path))
        }
        NoteUndone::Skip { path } => format!("undid the skip of {}", one_line(path)),
    }
}

/// The end-of-session summary as lines.
#[must_use]
pub fn summary_lines(s: &NoteSummary) -> Vec<String> {
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let mut out = vec![format!(
        "Reviewed {} note{} (easy {}, good {}, hard {}).",
        s.reviewed,
        plural(s.reviewed),
        s.answers[0],
        s.answers[1],
        s.answers[2]
    )];
    if s.skipped > 0 {
        out.push(format!("Skipped {} note{}.", s.skipped, plural(s.skipped)));
    }
    if s.buried_questions > 0 {
        out.push(format!(
            "Buried {} question{} of the reviewed notes until tomorrow (burySiblingCards).",
            s.buried_questions,
            plural(s.buried_questions)
        ));
    }
    out.push(if s.left == 0 {
        "No notes left to review today.".to_owned()
    } else {
        format!("{} note{} left to review.", s.left, plural(s.left))
    });
    out
}
