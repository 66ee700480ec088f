//! `recall review --notes`: the note review session, full-screen or in
//! plain line mode, over [`crate::session::notes::NoteSession`].

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use crate::cli::{Global, ReviewArgs};
use crate::error::Error;
use crate::session::DiskStore;
use crate::session::notes::{NoteContext, NoteSession, session_queue};
use crate::vault::Vault;

/// Runs the note session (`review --notes`).
pub fn run(global: &Global, args: &ReviewArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let first = args.paths.first().map(std::path::PathBuf::as_path);
    let root = crate::vault::discover(global.vault.as_deref(), first)?;
    let scopes = crate::vault::scopes(&root, &args.paths)?;
    let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
    let plain = args.plain || dumb || !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal();
    let (vault, index, _) = super::notes::load(global, first, None)?;
    let wanted = |deck: &str| {
        args.deck.is_empty()
            || args.deck.iter().any(|d| d.trim_start_matches('#') == deck.trim_start_matches('#'))
    };
    let queue =
        session_queue(crate::notes::queue(&index), |q| wanted(&q.deck) && Vault::in_scope(&q.path, &scopes));
    if queue.is_empty() {
        writeln!(out, "No notes to review today.").map_err(Error::stdout)?;
        return Ok(ExitCode::SUCCESS);
    }
    let ctx = NoteContext {
        settings: vault.config.settings.clone(),
        clozes: vault.clozes.clone(),
        zone: vault.zone,
        today: vault.today,
    };
    let store = DiskStore { root: vault.root.clone() };
    let clock = crate::session_clock(global, &vault.when());
    let mut session = NoteSession::new(ctx, clock, store, index, queue);
    if plain {
        let stdin = std::io::stdin();
        let mut input = stdin.lock();
        let width = crate::tui::terminal_width().map_or(crate::session::plain::WIDTH, usize::from);
        crate::session::notes_plain::run(&mut session, &mut input, out, width)?;
    } else {
        let reading_width = vault.config.recall.reading_width.unwrap_or(crate::settings::READING_WIDTH);
        let summary = crate::tui::notes::run(&mut session, &vault.root, reading_width)?;
        let lines = crate::session::notes_plain::summary_lines(&summary);
        writeln!(out, "{}", lines.join("\n")).map_err(Error::stdout)?;
    }
    Ok(ExitCode::SUCCESS)
}
