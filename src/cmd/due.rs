//! `recall due [PATH…] [--deck D] [--json]`: how many cards a review would
//! show now, after the daily limits, for prompts and status bars.

use std::collections::HashSet;
use std::io::Write;
use std::process::ExitCode;

use crate::cli::{DueArgs, Global};
use crate::error::Error;
use crate::session::due::DueCounts;
use crate::session::store::read_bury_list;
use crate::session::{Mode, Order, done_today, note_cards, note_due_counts, queue};
use crate::vault::Vault;

/// One note's share of the count: counted on the worker when no daily
/// limit applies, else its cards for the queue.
enum Part {
    Counted(DueCounts),
    Cards(crate::session::Cards),
}

pub fn run(global: &Global, args: &DueArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let first = args.paths.first().map(std::path::PathBuf::as_path);
    let decks = crate::resolve_decks(global, first, &args.deck)?;
    let root = crate::vault::discover(global.vault.as_deref(), first)?;
    let scopes = crate::vault::scopes(&root, &args.paths)?;
    // Buried questions are known by their hash, which needs the question's
    // text (the queue's parse keeps it, as for `review`); without a bury
    // list for about today (the exact day is known only once the scan
    // resolves the start of the day), the counting parse is enough. The
    // list is read once.
    let load = crate::load_options(global);
    let probe =
        load.pin.today.or(load.pin.now.map(|t| t.date_naive())).unwrap_or(load.clock_now.date_naive());
    let bury_list = read_bury_list(&root)
        .filter(|(day, questions)| !questions.is_empty() && (*day - probe).num_days().abs() <= 1);
    let detail = if bury_list.is_some() { crate::parse::Detail::Queue } else { crate::parse::Detail::Counts };
    // Without daily limits every card counts, whatever the order: each
    // note's cards are counted on the workers and nothing is kept. The
    // settings read here are the scan's.
    let config = crate::settings::load(&root, &load.overrides)?;
    let unlimited = config.recall.new_per_day.is_none() && config.recall.reviews_per_day.is_none();
    // Kept as the hashes' values, as the queue cards keep them.
    let buried_today: std::sync::OnceLock<HashSet<u64>> = std::sync::OnceLock::new();
    let buried_on = |today| -> &HashSet<u64> {
        buried_today.get_or_init(|| match &bury_list {
            Some((day, questions)) if *day == today => {
                questions.iter().filter_map(crate::parse::QuestionHash::value).collect()
            }
            _ => HashSet::new(),
        })
    };
    let mut cards = crate::session::Cards::default();
    let mut counted = DueCounts::default();
    let vault = crate::scan_vault_each_with(
        global,
        &root,
        config,
        detail,
        |n, opts| {
            if !Vault::in_scope(&n.path, &scopes) {
                return Part::Counted(DueCounts::default());
            }
            let buried = buried_on(opts.today);
            if unlimited {
                return Part::Counted(note_due_counts(&n.note, &opts.when(), buried, &decks));
            }
            let mut cs =
                note_cards(&std::sync::Arc::new(n.path), &n.note, &opts.when(), Mode::Normal, &[], &decks);
            if !buried.is_empty() {
                cs.retain(|c| !buried.contains(&c.hash));
            }
            Part::Cards(cs)
        },
        |c| {
            match c {
                Part::Cards(c) => cards.append(c),
                Part::Counted(n) => counted.add(&n),
            }
            Ok(())
        },
    )?;
    if unlimited {
        return print(&counted, args.json, out);
    }
    let recall = &vault.config.recall;
    let (records, _) = crate::log::read(&vault.root)?;
    let (new_done, reviews_done) = done_today(&records, vault.today);
    let new_limit = recall.new_per_day.map(|n| n.saturating_sub(new_done));
    let review_limit = recall.reviews_per_day.map(|n| n.saturating_sub(reviews_done));
    // The limits keep the first cards of the review's order: the total and
    // the new count do not depend on which ones, so the sequential order
    // stands for the random ones (which split the review limit between
    // learning and review cards differently from session to session).
    let order = Order::from_plugin(vault.config.settings.flashcard_card_order);
    let order = match order {
        Order::NewFirstRandom => Order::NewFirstSequential,
        Order::DueFirstRandom | Order::EveryCardRandom => Order::DueFirstSequential,
        o => o,
    };
    let queue = queue::build(cards, order, false, 0, new_limit, review_limit);
    print(&crate::session::due::count(&queue), args.json, out)
}

fn print(counts: &DueCounts, json: bool, out: &mut dyn Write) -> Result<ExitCode, Error> {
    if json {
        writeln!(out, "{}", crate::json::to_string(counts).map_err(Error::json_out)?)
            .map_err(Error::stdout)?;
    } else {
        writeln!(out, "{}", counts.due).map_err(Error::stdout)?;
    }
    Ok(ExitCode::SUCCESS)
}
