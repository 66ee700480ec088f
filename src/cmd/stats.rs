//! `recall stats [PATH…] [--deck D] [--days N] [--json]`: card states per
//! deck, the due forecast, interval and ease distributions, and the review
//! history from the log, drawn for the terminal or as JSON.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::cli::{Global, StatsArgs};
use crate::error::Error;
use crate::log::{self, Record};
use crate::stats::render::{RenderOptions, render};
use crate::stats::{CardInfo, Stats};
use crate::vault::{self, Vault};

use super::{color_enabled, terminal_width};
use crate::deck::deck_matches;

pub fn run(global: &Global, args: &StatsArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let first = args.paths.first().map(PathBuf::as_path);
    let decks = crate::resolve_decks(global, first, &args.deck)?;
    let root = vault::discover(global.vault.as_deref(), first)?;
    let scopes = vault::scopes(&root, &args.paths)?;
    let wanted = |d: &String| decks.is_empty() || decks.iter().any(|f| deck_matches(d, f));
    // Each note is reduced to its cards' decks and schedules, then dropped.
    let (vault, per_note) = crate::scan_vault(global, first, |n, opts| {
        let mut cards = Vec::new();
        if n.note.has_deck && Vault::in_scope(&n.path, &scopes) {
            for q in &n.note.questions {
                let decks: Vec<String> = q.decks.iter().filter(|d| wanted(d)).cloned().collect();
                if decks.is_empty() {
                    continue;
                }
                for i in 0..q.card_count() {
                    cards.push(CardInfo::new(decks.clone(), &q.schedule(i), &opts.when()));
                }
            }
        }
        cards
    })?;
    let cards: Vec<CardInfo> = per_note.into_iter().flatten().collect();

    let present = log::log_path(&vault.root).exists();
    let (records, bad) = log::read(&vault.root)?;
    for b in bad.iter().take(5) {
        eprintln!(
            "warning: {}:{}: {}; line left out",
            log::LOG_PATH,
            b.line,
            crate::sanitize::one_line(&b.message)
        );
    }
    let records: Vec<&Record> = log::effective(&records)
        .into_iter()
        .filter(|r| Vault::in_scope(&r.path, &scopes) && (decks.is_empty() || r.decks.iter().any(wanted)))
        .collect();
    let stats = Stats::compute(&cards, &records, present, bad.len(), vault.today, args.days, decks.clone());

    if args.json {
        crate::json::to_writer_pretty(&mut *out, &stats).map_err(Error::json_out)?;
        writeln!(out).map_err(Error::stdout)?;
        return Ok(ExitCode::SUCCESS);
    }
    let no_cards = if decks.is_empty() {
        format!("no cards: no note has a flashcard tag ({})", vault.config.settings.flashcard_tags.join(", "))
    } else {
        format!("no cards in {}", decks.join(", "))
    };
    let text = render(&stats, &RenderOptions { width: terminal_width(), color: color_enabled(), no_cards });
    out.write_all(text.as_bytes()).map_err(Error::stdout)?;
    Ok(ExitCode::SUCCESS)
}
