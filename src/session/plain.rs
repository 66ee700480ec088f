//! The plain line mode: one card at a time as text, answers read as lines.
//! For scripts, dumb terminals and screen readers; used automatically when
//! stdin or stdout is not a terminal.
//!
//! Input lines: empty = show the answer, `1`-`4` or `again|hard|good|easy`
//! (`reset` too), `skip`, `undo`, `bury`, `info`, `quit`. End of input quits.

use std::io::{BufRead, Write};

use super::{CardView, Phase, Progress, Session, Store, Summary, Undone};
use crate::error::Error;
use crate::note_path::NotePath;
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
pub fn run<S: Store>(
    session: &mut Session<S>,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    width: usize,
) -> Result<Summary, Error> {
    let mut shown: Option<(NotePath, crate::parse::LineNo, usize, bool)> = None;
    loop {
        for n in session.take_notices() {
            writeln!(out, "note: {}", one_line(&n.0)).map_err(Error::stdout)?;
        }
        let Some(card) = session.view() else { break };
        let key = (card.path.clone(), card.line, card.sibling, card.revealed);
        if shown.as_ref() != Some(&key) {
            print_card(out, &card, session.progress(), width).map_err(Error::stdout)?;
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
        match act(session, &word, card.revealed, out).map_err(Error::stdout)? {
            Next::Same => {}
            Next::Redraw => shown = None,
            Next::Quit => break,
        }
    }
    let summary = session.summary();
    writeln!(out, "\n{}", summary_lines(&summary).join("\n")).map_err(Error::stdout)?;
    Ok(summary)
}

/// What follows an input line.
enum Next {
    /// The card on screen is not drawn again.
    Same,
    /// The card on screen (maybe another) is drawn again.
    Redraw,
    Quit,
}

/// The card's front (with its header line) or, once revealed, its back and
/// the answer buttons.
fn print_card(out: &mut dyn Write, card: &CardView, p: Progress, width: usize) -> std::io::Result<()> {
    if card.revealed {
        print_side(out, "A:", &card.back_marked, width)?;
        let buttons: Vec<String> = card
            .intervals
            .iter()
            .enumerate()
            .map(|(i, (r, ivl))| format!("{} {} {}", i + 1, r.name(), ivl.as_deref().unwrap_or("–")))
            .collect();
        writeln!(out, "{}", buttons.join(" · "))?;
        return writeln!(out, "{PROMPT_BACK}");
    }
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
    )?;
    if !card.context.is_empty() {
        writeln!(out, "{}", one_line(&card.context.join(" › ")))?;
    }
    print_side(out, "Q:", &card.front_marked, width)?;
    writeln!(out, "{PROMPT_FRONT}")
}

/// Does what an input line (trimmed, lower case) asks of the card on
/// screen; an error of the session is printed, not returned.
fn act<S: Store>(
    session: &mut Session<S>,
    word: &str,
    revealed: bool,
    out: &mut dyn Write,
) -> std::io::Result<Next> {
    match word {
        "" if !revealed => session.reveal(),
        "" => writeln!(out, "{PROMPT_BACK}")?,
        "skip" | "s" => {
            session.skip();
            return Ok(Next::Redraw);
        }
        "bury" | "b" => {
            let n = session.bury();
            writeln!(out, "buried until tomorrow: {n} card{}", if n == 1 { "" } else { "s" })?;
            return Ok(Next::Redraw);
        }
        "undo" | "u" => {
            match session.undo() {
                Ok(Some(u)) => writeln!(out, "{}", undone_text(&u))?,
                Ok(None) => writeln!(out, "nothing to undo")?,
                Err(e) => writeln!(out, "error: {}", one_line(&e.to_string()))?,
            }
            return Ok(Next::Redraw);
        }
        "info" | "i" => {
            if let Some(info) = session.card_info() {
                for l in info_lines(&info) {
                    writeln!(out, "{}", one_line(&l))?;
                }
            }
        }
        "quit" | "q" | "exit" => return Ok(Next::Quit),
        other => match other.parse::<Response>() {
            Ok(r) if revealed || r == Response::Reset => {
                if let Err(e) = session.answer(r) {
                    writeln!(out, "error: {}", one_line(&e.to_string()))?;
                }
                return Ok(Next::Redraw);
            }
            Ok(_) => writeln!(out, "show the answer first (an empty line)")?,
            Err(_) => writeln!(
                out,
                "unknown input `{}`: {}",
                one_line(other),
                if revealed { PROMPT_BACK } else { PROMPT_FRONT }
            )?,
        },
    }
    Ok(Next::Same)
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
