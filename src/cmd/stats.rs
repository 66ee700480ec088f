//! `recall stats [PATH…] [--deck D] [--days N] [--json]`: card states per
//! deck, the due forecast, interval and ease distributions, and the review
//! history from the log, drawn for the terminal or as JSON.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::cli::{Global, StatsArgs};
use crate::error::Error;
use crate::log::{self, Record};
use crate::schedule::fsrs::MemoryView;
use crate::settings::Algorithm;
use crate::stats::fsrs::{MemoryTally, fsrs_stats};
use crate::stats::notes::NoteTally;
use crate::stats::render::{RenderOptions, render};
use crate::stats::{CardInfo, CardTally, Stats};
use crate::vault::{self, Vault};

use super::{color_enabled, terminal_width};
use crate::deck::deck_matches;

pub fn run(global: &Global, args: &StatsArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let first = args.paths.first().map(PathBuf::as_path);
    // A `--deck` may name a review deck only: no card is in it.
    let (decks, note_decks) = crate::resolve_card_and_note_decks(global, first, &args.deck)?;
    let root = vault::discover(global.vault.as_deref(), first)?;
    let scopes = vault::scopes(&root, &args.paths)?;
    let wanted = |d: &String| args.deck.is_empty() || decks.iter().any(|f| deck_matches(d, f));
    // Each note is reduced to its cards' decks and schedules on the worker
    // threads (the counting parse is enough: tests/cli/counts.rs); the
    // cards are counted as they come and dropped.
    let (config, params) = crate::settings_and_fsrs(global, &root)?;
    let mut tally = CardTally::new();
    let mut memory = MemoryTally::new();
    // Notes tagged for review, in the review decks `--deck` names (a
    // flashcard deck holds no notes), compared as `recall notes` does.
    let mut review_notes = Vec::new();
    let wanted_note = |deck: &str| {
        args.deck.is_empty()
            || args.deck.iter().any(|d| d.trim_start_matches('#') == deck.trim_start_matches('#'))
    };
    let vault = crate::scan_vault_each_with(
        global,
        &root,
        config,
        crate::parse::Detail::Counts,
        |n, opts| {
            let note = (Vault::in_scope(&n.path, &scopes))
                .then(|| crate::notes::queue_entry(&n.note, opts.settings))
                .flatten()
                .map(|(decks, schedule)| {
                    (decks.into_iter().filter(|d| wanted_note(d)).collect::<Vec<_>>(), schedule)
                })
                .filter(|(decks, _)| !decks.is_empty());
            let mut cards = Vec::new();
            let mut fsrs = Vec::new();
            if n.note.has_deck && Vault::in_scope(&n.path, &scopes) {
                for q in &n.note.questions {
                    let decks: Vec<String> = q.decks.iter().filter(|d| wanted(d)).cloned().collect();
                    if decks.is_empty() {
                        continue;
                    }
                    for i in 0..q.card_count() {
                        let s = q.schedule(i);
                        cards.push(CardInfo::new(decks.clone(), &s, &opts.when()));
                        if let Some(f) = s.fsrs() {
                            fsrs.push(MemoryView::of(Some(f), &params, opts.now));
                        }
                    }
                }
            }
            (cards, fsrs, note)
        },
        |(cards, fsrs, note)| {
            for c in &cards {
                tally.add(c);
            }
            for m in &fsrs {
                memory.add(m);
            }
            review_notes.extend(note);
            Ok(())
        },
    )?;

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
        .filter(|r| Vault::in_scope(&r.path, &scopes) && (args.deck.is_empty() || r.decks.iter().any(wanted)))
        .collect();
    let filters: Vec<String> = decks.iter().chain(&note_decks).cloned().collect();
    let mut stats =
        Stats::from_tally(tally, &records, present, bad.len(), vault.today, args.days, filters.clone());
    stats.fsrs_memory = memory.finish();
    let mut note_tally = NoteTally::default();
    for (decks, schedule) in &review_notes {
        note_tally.add(decks, *schedule, vault.today);
    }
    stats.notes = note_tally.finish(&vault.config.settings.tags_to_review, vault.today, args.days);
    let config = &vault.config;
    if config.settings.algorithm == Algorithm::Fsrs {
        let own = config.recall.fsrs_weights.is_some();
        stats.fsrs = Some(fsrs_stats(&stats.log, config.settings.fsrs_desired_retention, own));
    }

    if args.json {
        crate::json::to_writer_pretty(&mut *out, &stats).map_err(Error::json_out)?;
        writeln!(out).map_err(Error::stdout)?;
        return Ok(ExitCode::SUCCESS);
    }
    let no_cards = if filters.is_empty() {
        format!("no cards: no note has a flashcard tag ({})", vault.config.settings.flashcard_tags.join(", "))
    } else {
        format!("no cards in {}", filters.join(", "))
    };
    let text = render(&stats, &RenderOptions { width: terminal_width(), color: color_enabled(), no_cards });
    out.write_all(text.as_bytes()).map_err(Error::stdout)?;
    Ok(ExitCode::SUCCESS)
}
