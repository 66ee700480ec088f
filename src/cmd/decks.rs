//! `recall decks`: the deck tree with new / due / overdue / total counts per
//! deck, parents counting their subdecks' cards (each card once per deck).
//!
//! The words are the ones `stats` uses: `due` cards are due today or
//! earlier (what a review shows today), `overdue` ones are those of them
//! that were due before today.

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;

use crate::cli::{DecksArgs, Global};
use crate::error::Error;
use crate::parse::CardState;
use crate::sanitize::one_line;

use std::sync::Arc;

use crate::vault::Vault;

/// One deck of the tree.
#[derive(Debug, Default, Serialize)]
pub struct DeckNode {
    pub name: String,
    pub path: String,
    pub new: usize,
    /// Due today or earlier.
    pub due: usize,
    /// Of the due cards, those due before today.
    pub overdue: usize,
    pub total: usize,
    pub subdecks: Vec<DeckNode>,
}

#[derive(Default)]
struct Counts {
    new: usize,
    due: usize,
    overdue: usize,
    total: usize,
}

/// Where a card stands today, for the counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    New,
    /// Due today.
    Due,
    /// Due before today (also counted as due).
    Overdue,
    Scheduled,
}

impl Standing {
    /// All standings, in the order of [`Standing::index`].
    pub const ALL: [Standing; 4] = [Standing::New, Standing::Due, Standing::Overdue, Standing::Scheduled];

    /// A card's standing on `today`.
    #[must_use]
    pub fn of(s: &crate::parse::CardSchedule, opts: &crate::parse::ParseOptions) -> Standing {
        match s.state(opts.today, opts.now) {
            CardState::New => Standing::New,
            CardState::Scheduled => Standing::Scheduled,
            CardState::Due if s.due_date(opts.zone).is_some_and(|d| d < opts.today) => Standing::Overdue,
            CardState::Due => Standing::Due,
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Builds the deck tree from `(number of cards, decks, standing)`; a card
/// counts once in every deck that holds it directly or through a subdeck.
pub fn build_tree<'a>(cards: impl IntoIterator<Item = (usize, &'a [String], Standing)>) -> Vec<DeckNode> {
    let mut counts: BTreeMap<String, Counts> = BTreeMap::new();
    let mut nodes: Vec<&str> = Vec::new();
    for (weight, decks, state) in cards {
        if weight == 0 {
            continue;
        }
        nodes.clear();
        for deck in decks {
            let mut end = 0;
            loop {
                let next = deck[end..].find('/').map(|i| end + i);
                let prefix = &deck[..next.unwrap_or(deck.len())];
                if !nodes.contains(&prefix) {
                    nodes.push(prefix);
                }
                match next {
                    Some(i) => end = i + 1,
                    None => break,
                }
            }
        }
        for node in &nodes {
            let c = match counts.get_mut(*node) {
                Some(c) => c,
                None => counts.entry((*node).to_owned()).or_default(),
            };
            c.total += weight;
            match state {
                Standing::New => c.new += weight,
                Standing::Due => c.due += weight,
                Standing::Overdue => {
                    c.due += weight;
                    c.overdue += weight;
                }
                Standing::Scheduled => {}
            }
        }
    }
    fn children(prefix: &str, counts: &BTreeMap<String, Counts>) -> Vec<DeckNode> {
        counts
            .iter()
            .filter(|(path, _)| match prefix {
                "" => !path.contains('/'),
                p => path.strip_prefix(p).and_then(|r| r.strip_prefix('/')).is_some_and(|r| !r.contains('/')),
            })
            .map(|(path, c)| DeckNode {
                name: path.rsplit('/').next().unwrap_or(path).to_owned(),
                path: path.clone(),
                new: c.new,
                due: c.due,
                overdue: c.overdue,
                total: c.total,
                subdecks: children(path, counts),
            })
            .collect()
    }
    children("", &counts)
}

pub fn run(global: &Global, args: &DecksArgs, out: &mut dyn Write) -> Result<std::process::ExitCode, Error> {
    let root =
        crate::vault::discover(global.vault.as_deref(), args.paths.first().map(std::path::PathBuf::as_path))?;
    let scopes = crate::vault::scopes(&root, &args.paths)?;
    // Each note is summarised to its cards' decks and states on the worker
    // threads, and added up here as it comes.
    let mut groups: std::collections::HashMap<Arc<[String]>, [usize; 4]> = std::collections::HashMap::new();
    let vault = crate::scan_vault_each(
        global,
        args.paths.first().map(std::path::PathBuf::as_path),
        crate::parse::Detail::Counts,
        |n, opts| {
            // Cards of one deck group share one Arc: count them together.
            let mut groups: Vec<(Arc<[String]>, [usize; 4])> = Vec::new();
            if n.note.has_deck && Vault::in_scope(&n.path, &scopes) {
                for q in &n.note.questions {
                    let at = if let Some(i) = groups.iter().position(|(d, _)| Arc::ptr_eq(d, &q.decks)) {
                        i
                    } else {
                        groups.push((Arc::clone(&q.decks), [0; 4]));
                        groups.len() - 1
                    };
                    for i in 0..q.card_count() {
                        groups[at].1[Standing::of(&q.schedule(i), opts).index()] += 1;
                    }
                }
            }
            groups
        },
        |note_groups| {
            for (decks, counts) in note_groups {
                let e = groups.entry(decks).or_insert([0; 4]);
                for (sum, n) in e.iter_mut().zip(counts) {
                    *sum += n;
                }
            }
            Ok(())
        },
    )?;
    let tree = build_tree(groups.iter().flat_map(|(decks, counts)| {
        Standing::ALL.into_iter().zip(counts.iter().copied()).map(move |(s, n)| (n, &decks[..], s))
    }));
    if args.json {
        crate::json::to_writer_pretty(&mut *out, &tree).map_err(Error::json_out)?;
        writeln!(out).map_err(Error::stdout)?;
        return Ok(std::process::ExitCode::SUCCESS);
    }
    if tree.is_empty() {
        writeln!(
            out,
            "no decks: no note has a flashcard tag ({})",
            vault.config.settings.flashcard_tags.join(", ")
        )
        .map_err(Error::stdout)?;
        return Ok(std::process::ExitCode::SUCCESS);
    }
    fn width(nodes: &[DeckNode], depth: usize) -> usize {
        nodes
            .iter()
            .map(|n| (depth * 2 + n.name.chars().count()).max(width(&n.subdecks, depth + 1)))
            .max()
            .unwrap_or(0)
    }
    let w = width(&tree, 0).max(4);
    writeln!(out, "{:<w$}  {:>5}  {:>5}  {:>7}  {:>5}", "deck", "new", "due", "overdue", "total")
        .map_err(Error::stdout)?;
    fn print(out: &mut dyn Write, nodes: &[DeckNode], depth: usize, w: usize) -> std::io::Result<()> {
        for n in nodes {
            let label = format!("{}{}", "  ".repeat(depth), one_line(&n.name));
            writeln!(out, "{label:<w$}  {:>5}  {:>5}  {:>7}  {:>5}", n.new, n.due, n.overdue, n.total)?;
            print(out, &n.subdecks, depth + 1, w)?;
        }
        Ok(())
    }
    print(out, &tree, 0, w).map_err(Error::stdout)?;
    Ok(std::process::ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parents_count_each_card_once() {
        let a = vec!["f/k/p".to_owned(), "f/k/c".to_owned()];
        let b = vec!["f/x".to_owned()];
        let tree = build_tree([
            (1, a.as_slice(), Standing::Overdue),
            (1, b.as_slice(), Standing::New),
            (2, b.as_slice(), Standing::Due),
        ]);
        assert_eq!(tree.len(), 1);
        let f = &tree[0];
        assert_eq!((f.new, f.due, f.overdue, f.total), (1, 3, 1, 4));
        assert_eq!(f.subdecks[0].name, "k");
        assert_eq!((f.subdecks[0].total, f.subdecks[0].overdue), (1, 1));
        assert_eq!(f.subdecks[0].subdecks.len(), 2);
    }
}
