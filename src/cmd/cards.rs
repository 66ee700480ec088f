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
    let (config, fsrs) = crate::settings_and_fsrs(global, &root)?;
    let want = args.state.map(|state| match state {
        StateFilter::New => CardState::New,
        StateFilter::Due => CardState::Due,
        StateFilter::Scheduled => CardState::Scheduled,
    });
    let select = |n: &crate::vault::VaultNote, opts: &crate::parse::ParseOptions| {
        if !Vault::in_scope(&n.path, &scopes) {
            return Vec::new();
        }
        let mut rows = note_rows(&n.path, &n.note, opts, &fsrs);
        if !decks.is_empty() {
            rows.retain(|r| r.decks.iter().any(|d| decks.iter().any(|f| deck_matches(d, f))));
        }
        if let Some(want) = want {
            rows.retain(|r| r.state == want);
        }
        rows
    };
    if args.json {
        return print_json(global, &root, config, &select, out);
    }
    // Every note becomes its rows (texts included) on the worker threads;
    // the table needs them all for its column widths.
    let mut per_note = Vec::new();
    crate::scan_vault_each_with(
        global,
        &root,
        config,
        crate::parse::Detail::Full,
        |n, opts| select(&n, opts),
        |rows| {
            per_note.push(rows);
            Ok(())
        },
    )?;
    let per_note = std::mem::ManuallyDrop::new(per_note);
    let rows: Vec<&CardRow> = per_note.iter().flatten().collect();
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

/// `cards --json`: one JSON array, one card per line (quick to write and to
/// grep). Each note's rows are serialised on the worker threads and printed
/// as soon as the notes before it are, so memory stays flat however large
/// the vault.
fn print_json(
    global: &Global,
    root: &std::path::Path,
    config: crate::settings::Config,
    select: &(dyn Fn(&crate::vault::VaultNote, &crate::parse::ParseOptions) -> Vec<CardRow> + Sync),
    out: &mut dyn Write,
) -> Result<std::process::ExitCode, Error> {
    let mut w = std::io::BufWriter::with_capacity(1 << 16, out);
    let mut started = false;
    crate::scan_vault_each_with(
        global,
        root,
        config,
        crate::parse::Detail::Full,
        |n, opts| {
            // Every row after a separator; the very first one's comma is
            // dropped below.
            let mut buf = Vec::new();
            for r in select(&n, opts) {
                buf.extend_from_slice(b",\n");
                crate::json::to_writer(&mut buf, &r)?;
            }
            Ok(buf)
        },
        |buf: Result<Vec<u8>, serde_json::Error>| {
            let buf = buf.map_err(Error::json_out)?;
            if buf.is_empty() {
                return Ok(());
            }
            let bytes = if started { &buf[..] } else { &buf[1..] };
            if !started {
                w.write_all(b"[").map_err(Error::stdout)?;
                started = true;
            }
            w.write_all(bytes).map_err(Error::stdout)
        },
    )?;
    if !started {
        w.write_all(b"[").map_err(Error::stdout)?;
    }
    w.write_all(b"\n]\n").and_then(|()| w.flush()).map_err(Error::stdout)?;
    Ok(std::process::ExitCode::SUCCESS)
}

fn display_width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}
