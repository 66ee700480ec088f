//! `recall cards`: list cards as a table or as JSON.

use std::io::{IsTerminal, Write};

use crate::cli::{CardsArgs, Global, StateFilter};
use crate::error::Error;
use crate::parse::CardState;
use crate::sanitize::{one_line, truncate};

use super::{CardRow, note_rows, terminal_width};
use crate::deck::deck_matches;
use crate::vault::Vault;

pub fn run(global: &Global, args: &CardsArgs, out: &mut dyn Write) -> Result<std::process::ExitCode, Error> {
    let first = args.paths.first().map(std::path::PathBuf::as_path);
    let decks = crate::resolve_decks(global, first, &args.deck)?;
    let root = crate::vault::discover(global.vault.as_deref(), first)?;
    let scopes = crate::vault::scopes(&root, &args.paths)?;
    let want = args.state.map(|state| match state {
        StateFilter::New => CardState::New,
        StateFilter::Due => CardState::Due,
        StateFilter::Scheduled => CardState::Scheduled,
    });
    // Every note becomes its rows (texts included) on the worker threads.
    let (_, per_note) = crate::scan_vault(global, first, |n, opts| {
        if !Vault::in_scope(&n.path, &scopes) {
            return Vec::new();
        }
        let mut rows = note_rows(&n.path, &n.note, opts);
        if !decks.is_empty() {
            rows.retain(|r| r.decks.iter().any(|d| decks.iter().any(|f| deck_matches(d, f))));
        }
        if let Some(want) = want {
            rows.retain(|r| r.state == want);
        }
        rows
    })?;
    let per_note = std::mem::ManuallyDrop::new(per_note);
    let rows: Vec<&CardRow> = per_note.iter().flatten().collect();
    if args.json {
        // One card per line: still one JSON array, quick to write and to grep.
        let mut buf = Vec::with_capacity(rows.len() * 256);
        buf.push(b'[');
        for (i, r) in rows.iter().enumerate() {
            buf.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
            crate::json::to_writer(&mut buf, r).map_err(Error::json_out)?;
        }
        buf.extend_from_slice(b"\n]\n");
        out.write_all(&buf).map_err(Error::stdout)?;
        return Ok(std::process::ExitCode::SUCCESS);
    }
    // The address is never cut (it is what `grade` takes). Outside a
    // terminal nothing is cut; on one, only the front is, to the width.
    let tty = std::io::stdout().is_terminal();
    let width = terminal_width();
    let loc_w = rows.iter().map(|r| display_width(&one_line(&r.address))).max().unwrap_or(10);
    let deck_w = rows.iter().map(|r| display_width(&one_line(&r.decks.join(",")))).max().unwrap_or(4).max(4);
    for r in &rows {
        let loc = one_line(&r.address);
        let deck = one_line(&r.decks.join(","));
        let due = r.due.clone().unwrap_or_else(|| "-".into());
        let front = one_line(r.front.trim());
        let front = if tty {
            let used = loc_w + deck_w + 9 + 10 + 4;
            truncate(&front, width.saturating_sub(used).max(10))
        } else {
            front
        };
        let (lp, dp) = (loc_w - display_width(&loc), deck_w - display_width(&deck));
        writeln!(out, "{loc}{:lp$} {deck}{:dp$} {:<9} {due:<10} {front}", "", "", r.state.name())
            .map_err(Error::stdout)?;
    }
    Ok(std::process::ExitCode::SUCCESS)
}

fn display_width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}
