//! `recall decks`: the deck tree with new / due / total counts per deck,
//! parents counting their subdecks' cards (each card once per deck).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use serde::Serialize;

use crate::cli::{DecksArgs, Global};
use crate::error::Error;
use crate::parse::CardState;
use crate::sanitize::one_line;

use super::card_rows;

/// One deck of the tree.
#[derive(Debug, Default, Serialize)]
pub struct DeckNode {
    pub name: String,
    pub path: String,
    pub new: usize,
    pub due: usize,
    pub total: usize,
    pub subdecks: Vec<DeckNode>,
}

#[derive(Default)]
struct Counts {
    new: BTreeSet<usize>,
    due: BTreeSet<usize>,
    total: BTreeSet<usize>,
}

/// Builds the deck tree from `(card id, decks, state)`.
pub fn build_tree<'a>(cards: impl IntoIterator<Item = (usize, &'a [String], CardState)>) -> Vec<DeckNode> {
    let mut counts: BTreeMap<String, Counts> = BTreeMap::new();
    for (id, decks, state) in cards {
        for deck in decks {
            let parts: Vec<&str> = deck.split('/').collect();
            for depth in 1..=parts.len() {
                let c = counts.entry(parts[..depth].join("/")).or_default();
                c.total.insert(id);
                match state {
                    CardState::New => {
                        c.new.insert(id);
                    }
                    CardState::Due => {
                        c.due.insert(id);
                    }
                    CardState::Scheduled => {}
                }
            }
        }
    }
    fn children(prefix: &str, counts: &BTreeMap<String, Counts>) -> Vec<DeckNode> {
        counts
            .iter()
            .filter(|(path, _)| match prefix {
                "" => !path.contains('/'),
                p => path
                    .strip_prefix(p)
                    .and_then(|r| r.strip_prefix('/'))
                    .is_some_and(|r| !r.contains('/')),
            })
            .map(|(path, c)| DeckNode {
                name: path.rsplit('/').next().unwrap_or(path).to_owned(),
                path: path.clone(),
                new: c.new.len(),
                due: c.due.len(),
                total: c.total.len(),
                subdecks: children(path, counts),
            })
            .collect()
    }
    children("", &counts)
}

pub fn run(global: &Global, args: &DecksArgs, out: &mut dyn Write) -> Result<std::process::ExitCode, Error> {
    let vault = crate::load_vault(global, args.paths.first().map(std::path::PathBuf::as_path))?;
    let scopes = vault.scopes(&args.paths)?;
    let rows = card_rows(&vault, &scopes);
    let tree = build_tree(
        rows.iter()
            .enumerate()
            .map(|(i, r)| (i, r.decks.as_slice(), r.state)),
    );
    let io = |e: std::io::Error| Error::Io {
        path: "<stdout>".into(),
        source: e,
    };
    if args.json {
        serde_json::to_writer_pretty(&mut *out, &tree).map_err(|e| Error::Other(e.to_string()))?;
        writeln!(out).map_err(io)?;
        return Ok(std::process::ExitCode::SUCCESS);
    }
    if tree.is_empty() {
        writeln!(
            out,
            "no decks: no note has a flashcard tag ({})",
            vault.config.settings.flashcard_tags.join(", ")
        )
        .map_err(io)?;
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
    writeln!(out, "{:<w$}  {:>5}  {:>5}  {:>5}", "deck", "new", "due", "total").map_err(io)?;
    fn print(out: &mut dyn Write, nodes: &[DeckNode], depth: usize, w: usize) -> std::io::Result<()> {
        for n in nodes {
            let label = format!("{}{}", "  ".repeat(depth), one_line(&n.name));
            writeln!(out, "{label:<w$}  {:>5}  {:>5}  {:>5}", n.new, n.due, n.total)?;
            print(out, &n.subdecks, depth + 1, w)?;
        }
        Ok(())
    }
    print(out, &tree, 0, w).map_err(io)?;
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
            (0, a.as_slice(), CardState::Due),
            (1, b.as_slice(), CardState::New),
        ]);
        assert_eq!(tree.len(), 1);
        let f = &tree[0];
        assert_eq!((f.new, f.due, f.total), (1, 1, 2));
        assert_eq!(f.subdecks[0].name, "k");
        assert_eq!(f.subdecks[0].total, 1);
        assert_eq!(f.subdecks[0].subdecks.len(), 2);
    }
}
