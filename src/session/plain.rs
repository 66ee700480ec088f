//! The plain line mode: one card at a time as text, answers read as lines.
//! For scripts, dumb terminals and screen readers; used automatically when
//! stdin or stdout is not a terminal.
//!
//! Input lines: empty = show the answer, `1`-`4` or `again|hard|good|easy`
//! (`reset` too), `skip`, `undo`, `bury`, `info`, `quit`. End of input quits.

use std::io::{BufRead, Write};

use super::{Phase, Session, Store, Summary, Undone};
use crate::error::Error;
use crate::render::{plain, summary_lines};
use crate::sanitize::one_line;
use crate::schedule::Response;

const INDENT: &str = "   ";
const PROMPT_FRONT: &str = "(enter: show answer · skip · bury · undo · info · quit)";
const PROMPT_BACK: &str = "(1 again · 2 hard · 3 good · 4 easy · reset · skip · bury · undo · info · quit)";

/// The width the card text is wrapped to when the output is no terminal.
pub const WIDTH: usize = 80;

/// Runs a session reading answers from `input`, printing to `out`; card
/// text is wrapped to `width` columns (see [`WIDTH`]).
#[expect(clippy::too_many_lines, reason = "a step of issue 14 in progress breaks it up")]
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
                    .map(|(i, (r, ivl))| format!("{} {} {}", i + 1, r.name(), ivl.as_deref().unwrap_or("–")))
                    .collect();
                writeln!(out, "{}", buttons.join(" · ")).map_err(Error::stdout)?;
                writeln!(out, "{PROMPT_BACK}").map_err(Error::stdout)?;
            } else {
                let mut state = match card.phase {
                    Phase::New => "new".to_owned(),
                    Phase::Learning => "learning".to_owned(),
                    Phase::Review => "review".to_owned(),
                };
                if card.cram {
                    state.push_str(" · cram");
                }
                if let Some(w) = card.waiting {
                    state.push_str(&format!(" · due in {}m", (w.num_seconds() + 59) / 60));
                }
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
                let n = session.bury();
                writeln!(out, "buried until tomorrow: {n} card{}", if n == 1 { "" } else { "s" })
                    .map_err(Error::stdout)?;
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
            "info" | "i" => {
                if let Some(info) = session.card_info() {
                    for l in info_lines(&info) {
                        writeln!(out, "{}", one_line(&l)).map_err(Error::stdout)?;
                    }
                }
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

/// What an undo took back, as one line.
#[must_use]
pub fn undone_text(u: &Undone) -> String {
    match u {
        Undone::Answer { response, path, line } => {
            let name = response.name();
            let name: String =
                name.chars().take(1).flat_map(char::to_uppercase).chain(name.chars().skip(1)).collect();
            format!("undid {name} on {path}:{line}")
        }
        Undone::Skip { path, line } => format!("undid the skip of {path}:{line}"),
        Undone::Bury { path, line, cards } => {
            format!("undid the bury of {path}:{line} ({cards} card{})", if *cards == 1 { "" } else { "s" })
        }
    }
}

/// A card's info (`i`) as lines: where it is, its schedule, its history.
#[must_use]
pub fn info_lines(info: &super::CardInfo) -> Vec<String> {
    let mut out = vec![format!(
        "{}:{}#{} · {} · {}",
        info.path,
        info.line,
        info.sibling,
        info.kind.name(),
        info.decks.join(", ")
    )];
    out.extend(info.schedule.iter().cloned());
    if info.history.is_empty() {
        out.push("history: no answers in the review log".into());
    } else {
        out.push("history:".into());
        for h in &info.history {
            let resp = h.response.map_or("-", |r| r.name());
            let ivl = h.interval.as_deref().map_or(String::new(), |i| format!(" → {i}"));
            let ms = h.ms.map_or(String::new(), |ms| format!(" ({:.1}s)", ms as f64 / 1000.0));
            out.push(format!("  {} {} {resp}{ivl}{ms}", h.day, h.op));
        }
    }
    out
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
