//! The plain line mode: one card at a time as text, answers read as lines.
//! For scripts, dumb terminals and screen readers; used automatically when
//! stdin or stdout is not a terminal.
//!
//! Input lines: empty = show the answer, `1`-`4` or `again|hard|good|easy`
//! (`reset` too), `skip`, `undo`, `bury`, `quit`. End of input quits.

use std::io::{BufRead, Write};

use super::{Session, Store, Summary};
use crate::error::Error;
use crate::render::{interval_text, plain, summary_lines};
use crate::sanitize::one_line;
use crate::schedule::Response;

const INDENT: &str = "   ";
const PROMPT_FRONT: &str = "(enter: show answer · skip · bury · undo · quit)";
const PROMPT_BACK: &str = "(1 again · 2 hard · 3 good · 4 easy · skip · bury · undo · quit)";

/// The width the card text is wrapped to when the output is no terminal.
pub const WIDTH: usize = 80;

/// Runs a session reading answers from `input`, printing to `out`; card
/// text is wrapped to `width` columns (see [`WIDTH`]).
pub fn run<S: Store>(
    session: &mut Session<S>,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    width: usize,
) -> Result<Summary, Error> {
    let mut shown: Option<(String, usize, usize, bool)> = None;
    loop {
        for n in session.take_notices() {
            writeln!(out, "note: {}", one_line(&n.0)).map_err(Error::stdout)?;
        }
        let Some(card) = session.view() else { break };
        let key = (card.path.clone(), card.line, card.sibling, card.revealed);
        if shown.as_ref() != Some(&key) {
            let p = session.progress();
            if card.revealed {
                print_side(out, "A:", &card.back_marked, width).map_err(Error::stdout)?;
                let buttons: Vec<String> = card
                    .intervals
                    .iter()
                    .enumerate()
                    .map(|(i, (r, ivl))| format!("{} {} {}", i + 1, r.name(), interval_text(*ivl)))
                    .collect();
                writeln!(out, "{}", buttons.join(" · ")).map_err(Error::stdout)?;
                writeln!(out, "{PROMPT_BACK}").map_err(Error::stdout)?;
            } else {
                let state = if card.is_new { "new" } else { "review" };
                writeln!(
                    out,
                    "\n[{}/{}] {}:{} · {} · {state}",
                    p.done + 1,
                    p.done + p.left,
                    one_line(&card.path),
                    card.line,
                    one_line(&card.decks.join(", "))
                )
                .map_err(Error::stdout)?;
                if !card.context.is_empty() {
                    writeln!(out, "{}", one_line(&card.context.join(" › "))).map_err(Error::stdout)?;
                }
                print_side(out, "Q:", &card.front_marked, width).map_err(Error::stdout)?;
                writeln!(out, "{PROMPT_FRONT}").map_err(Error::stdout)?;
            }
            shown = Some(key);
        }
        write!(out, "> ").map_err(Error::stdout)?;
        out.flush().map_err(Error::stdout)?;
        let mut line = String::new();
        if input.read_line(&mut line).map_err(Error::stdin)? == 0 {
            writeln!(out).map_err(Error::stdout)?;
            break;
        }
        let word = line.trim().to_ascii_lowercase();
        match word.as_str() {
            "" if !card.revealed => session.reveal(),
            "" => writeln!(out, "{PROMPT_BACK}").map_err(Error::stdout)?,
            "skip" | "s" => {
                session.skip();
                shown = None;
            }
            "bury" | "b" => {
                session.bury();
                shown = None;
            }
            "undo" | "u" => {
                match session.undo() {
                    Ok(true) => writeln!(out, "undone").map_err(Error::stdout)?,
                    Ok(false) => writeln!(out, "nothing to undo").map_err(Error::stdout)?,
                    Err(e) => writeln!(out, "error: {}", one_line(&e.to_string())).map_err(Error::stdout)?,
                }
                shown = None;
            }
            "quit" | "q" | "exit" => break,
            other => match other.parse::<Response>() {
                Ok(r) if card.revealed || r == Response::Reset => {
                    if let Err(e) = session.answer(r) {
                        writeln!(out, "error: {}", one_line(&e.to_string())).map_err(Error::stdout)?;
                    }
                    shown = None;
                }
                Ok(_) => writeln!(out, "show the answer first (an empty line)").map_err(Error::stdout)?,
                Err(_) => writeln!(
                    out,
                    "unknown input `{}`: {}",
                    one_line(other),
                    if card.revealed { PROMPT_BACK } else { PROMPT_FRONT }
                )
                .map_err(Error::stdout)?,
            },
        }
    }
    let summary = session.summary();
    writeln!(out, "\n{}", summary_lines(&summary).join("\n")).map_err(Error::stdout)?;
    Ok(summary)
}

/// One side of a card: on the label's line when it is one line, else
/// indented under it. Wrapped to `width` minus the indent.
fn print_side(out: &mut dyn Write, label: &str, text: &str, width: usize) -> std::io::Result<()> {
    let lines = plain(text, width.saturating_sub(INDENT.len()).max(20));
    match lines.as_slice() {
        [] => writeln!(out, "{label}"),
        [one] => writeln!(out, "{label} {one}"),
        many => {
            writeln!(out, "{label}")?;
            for l in many {
                if l.is_empty() {
                    writeln!(out)?;
                } else {
                    writeln!(out, "{INDENT}{l}")?;
                }
            }
            Ok(())
        }
    }
}
