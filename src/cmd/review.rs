//! `recall review`: the daily session, full-screen or in plain line mode.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use chrono::NaiveDate;

use crate::cli::{Global, ReviewArgs};
use crate::error::Error;
use crate::log::Record;
use crate::schedule::{Histogram, card_keys};
use crate::session::decks::{deck_tree, only, single_deck};
use crate::session::store::read_buried;
use crate::session::{
    Cards, Context, DiskStore, Mode, Order, Session, done_today, fingerprint, note_cards, queue,
};
use crate::settings::RecallConfig;
use crate::vault::Vault;

/// Runs `recall review` (or, with `--notes`, the note review).
pub fn run(global: &Global, args: &ReviewArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    if args.notes {
        return super::review_notes::run(global, args, out);
    }
    let first = args.paths.first().map(std::path::PathBuf::as_path);
    let decks = crate::resolve_decks(global, first, &args.deck)?;
    let root = crate::vault::discover(global.vault.as_deref(), first)?;
    let scopes = crate::vault::scopes(&root, &args.paths)?;
    // Each note gives its histogram entries; notes with cards to review
    // today are kept whole, the others are dropped at once.
    let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
    let plain = args.plain || dumb || !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal();
    // The full screen shows the warnings itself (its alternate screen would
    // hide them) and prints them when it is left.
    let mode = match (args.cram, args.ahead) {
        (true, _) => Mode::Cram,
        (false, Some(days)) => Mode::Ahead(days),
        (false, None) => Mode::Normal,
    };
    let Scanned { vault, histogram, notes, mut cards } = scan(global, &root, &scopes, &decks, mode)?;
    if plain {
        crate::print_warnings(&vault);
    }
    let buried: std::collections::HashSet<u64> =
        read_buried(&vault.root, vault.today).iter().filter_map(crate::parse::QuestionHash::value).collect();
    if !buried.is_empty() {
        cards.retain(|c| !buried.contains(&c.hash));
    }

    // An error before the full screen starts still shows the warnings.
    let warned = |e: Error| {
        if !plain {
            crate::print_warnings(&vault);
        }
        e
    };
    let recall_cfg = &vault.config.recall;
    let order = queue_order(args, &vault).map_err(warned)?;
    let (records, _) = crate::log::read(&vault.root).map_err(warned)?;
    let (new_limit, review_limit) = limits(args, recall_cfg, &records, vault.today, mode);
    let seed = args.seed.unwrap_or_else(|| vault.now.timestamp_nanos_opt().map_or(0, |n| n as u64));
    let random_decks = vault.config.settings.flashcard_deck_order == crate::settings::DeckOrder::Random;
    let limited = |c: Cards| queue::build(c, order, random_decks, seed, new_limit, review_limit);
    // The start screen: the deck tree, unless a deck was asked for, there
    // is only one, or the review is in plain lines.
    let tree =
        (!plain && args.deck.is_empty() && !single_deck(cards.iter())).then(|| deck_tree(&cards, limited));
    let queue = if tree.is_some() { limited(cards.clone()) } else { limited(std::mem::take(&mut cards)) };

    if !plain && queue.is_empty() {
        crate::print_warnings(&vault);
    }
    if queue.is_empty() {
        return nothing_to_review(out, &histogram, mode);
    }
    let ctx = context(&vault, mode);
    let store = DiskStore { root: vault.root.clone() };
    let clock = crate::session_clock(global, &vault.when());
    let options = crate::tui::Options {
        reading_width: recall_cfg.reading_width.unwrap_or(crate::settings::READING_WIDTH),
        warnings: crate::vault_warning_lines(&vault),
    };
    if let Some(rows) = tree {
        let start = |deck: Option<&str>| {
            let queue = match deck {
                Some(d) => limited(only(&cards, d)),
                None => queue,
            };
            Session::new_lazy(ctx, clock, store, notes, queue, histogram)
        };
        if let Some(summary) = crate::tui::run_from_decks(&rows, &vault.root, &options, start)? {
            writeln!(out, "{}", crate::tui::summary_lines(&summary).join("\n")).map_err(Error::stdout)?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let mut session = Session::new_lazy(ctx, clock, store, notes, queue, histogram);
    if plain {
        let stdin = std::io::stdin();
        let mut input = stdin.lock();
        let width = crate::tui::terminal_width().map_or(crate::session::plain::WIDTH, usize::from);
        crate::session::plain::run(&mut session, &mut input, out, width)?;
    } else {
        let summary = crate::tui::run(&mut session, &vault.root, &options)?;
        writeln!(out, "{}", crate::tui::summary_lines(&summary).join("\n")).map_err(Error::stdout)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The vault scanned for a review: its due-date histogram, and the notes
/// with cards to review (their fingerprints) and those cards.
struct Scanned {
    vault: Vault,
    histogram: Histogram,
    notes: Vec<(crate::note_path::NotePath, u64)>,
    cards: Cards,
}

fn scan(
    global: &Global,
    root: &Path,
    scopes: &[String],
    decks: &[String],
    mode: Mode,
) -> Result<Scanned, Error> {
    // Each note gives its histogram entries and its queue cards on the
    // worker threads; the notes themselves are dropped at once (a note is
    // read again when one of its cards comes up), and the results are added
    // up as they come instead of being held note by note.
    let mut histogram = Histogram::default();
    let mut notes = Vec::new();
    let mut cards = Cards::default();
    // The queue keeps of each card its address and its question's hash
    // only; the note of a card is read and parsed in full when the card
    // comes up.
    let load =
        crate::vault::LoadOptions { detail: crate::parse::Detail::Queue, ..crate::load_options(global) };
    let per_note = |n: crate::vault::VaultNote, opts: &crate::parse::ParseOptions| {
        let keys: Vec<i64> = card_keys(&n.note, opts.today, opts.now).collect();
        let path = std::sync::Arc::new(n.path);
        let cards = if Vault::in_scope(&path, scopes) {
            note_cards(&path, &n.note, &opts.when(), mode, &[], decks)
        } else {
            Cards::default()
        };
        let keep = (!cards.is_empty()).then(|| (((*path).clone(), fingerprint(&n.note.text)), cards));
        (keys, keep)
    };
    let vault = crate::vault::scan_each(root, &load, per_note, |(keys, keep)| {
        for k in keys {
            histogram.increment(k);
        }
        if let Some((note, c)) = keep {
            notes.push(note);
            cards.append(c);
        }
        Ok(())
    })?;
    Ok(Scanned { vault, histogram, notes, cards })
}

/// The queue order: `--order`, else `order:` in recall's config, else the
/// plugin's `flashcardCardOrder`.
fn queue_order(args: &ReviewArgs, vault: &Vault) -> Result<Order, Error> {
    Ok(match (&args.order, &vault.config.recall.order) {
        (Some(o), _) => *o,
        (None, Some(name)) => name.parse::<Order>().map_err(|e| Error::Settings {
            path: vault.root.join(crate::settings::RECALL_CONFIG),
            message: format!("order: {e}"),
        })?,
        (None, None) => Order::from_plugin(vault.config.settings.flashcard_card_order),
    })
}

/// The new and review cards still allowed today: the daily limits less
/// the answers already logged today (cram is outside them).
fn limits(
    args: &ReviewArgs,
    recall_cfg: &RecallConfig,
    records: &[Record],
    today: NaiveDate,
    mode: Mode,
) -> (Option<usize>, Option<usize>) {
    let (new_done, reviews_done) = done_today(records, today);
    // Cram is outside the daily limits (nothing is scheduled).
    if mode == Mode::Cram {
        (args.new, args.limit)
    } else {
        (
            args.new.or(recall_cfg.new_per_day).map(|n| n.saturating_sub(new_done)),
            args.limit.or(recall_cfg.reviews_per_day).map(|n| n.saturating_sub(reviews_done)),
        )
    }
}

/// What an empty queue says: nothing today, and when the next cards are due.
fn nothing_to_review(out: &mut dyn Write, histogram: &Histogram, mode: Mode) -> Result<ExitCode, Error> {
    let next = histogram.sorted().into_iter().find(|&(d, n)| d > 0 && n > 0);
    let when = match next {
        Some((1, n)) => format!(" {n} card{} due tomorrow.", if n == 1 { "" } else { "s" }),
        Some((d, n)) => format!(" {n} card{} due in {d} days.", if n == 1 { "" } else { "s" }),
        None => String::new(),
    };
    let what = if mode == Mode::Cram { "Nothing to cram" } else { "Nothing to review today" };
    writeln!(out, "{what}.{when}").map_err(Error::stdout)?;
    Ok(ExitCode::SUCCESS)
}

/// What the session needs of the vault besides its cards.
fn context(vault: &Vault, mode: Mode) -> Context {
    Context {
        settings: vault.config.settings.clone(),
        clozes: vault.clozes.clone(),
        zone: vault.zone,
        today: vault.today,
        scheduler: vault.scheduler(),
        fsrs: vault.fsrs_parameters(),
        mode,
    }
}
