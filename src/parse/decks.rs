//! Deck resolution (spec §d): which decks each question of a note belongs
//! to, from its topic tag, the tag line above it, the front matter, the
//! note's first flashcard tag, or its folder.

use std::sync::Arc;

use super::{Note, Question};
use crate::settings::Settings;

/// `#flashcards/kafka/x` → `flashcards/kafka/x` (empty parts dropped).
#[must_use]
pub fn deck_of_tag(tag: &str) -> String {
    let t = tag.trim_start_matches('#');
    if !t.starts_with('/') && !t.ends_with('/') && !t.contains("//") {
        return t.to_owned();
    }
    t.split('/').filter(|p| !p.is_empty()).collect::<Vec<_>>().join("/")
}

/// Which rule gave a question its decks (to share one deck list per group).
#[derive(Clone, PartialEq, Eq)]
enum DeckRule {
    Topic(String),
    Group(usize),
    FrontMatter,
    FirstTag,
}

/// Assigns decks to every question (spec §d).
pub(super) fn assign_decks(note: &Note, questions: &mut [Question], folder: Option<&str>, s: &Settings) {
    if s.convert_folders_to_decks {
        let deck: Arc<[String]> = folder.filter(|f| !f.is_empty()).map(str::to_owned).into_iter().collect();
        for q in questions.iter_mut() {
            q.decks = Arc::clone(&deck);
        }
        return;
    }
    // Tag lines outside every question, in line order.
    let in_question = |line: usize| questions.iter().any(|q| q.first_line <= line && line <= q.last_line);
    let mut groups: Vec<(usize, Vec<&str>)> = Vec::new();
    for t in &note.tags {
        if !s.is_flashcard_tag(&t.name) || in_question(t.line) {
            continue;
        }
        match groups.last_mut() {
            Some((line, names)) if *line == t.line => names.push(&t.name),
            _ => groups.push((t.line, vec![&t.name])),
        }
    }
    let fm_group = || {
        note.frontmatter
            .iter()
            .flat_map(|f| f.plugin_tags.iter())
            .map(String::as_str)
            .filter(|t| s.is_flashcard_tag(t))
    };
    let fm_first = fm_group().next();
    let first_tag: Option<&str> = fm_first
        .or_else(|| note.tags.iter().map(|t| t.name.as_str()).find(|t| s.is_flashcard_tag(t)))
        .or_else(|| {
            note.frontmatter
                .iter()
                .flat_map(|f| f.obsidian_tags.iter())
                .map(String::as_str)
                .find(|t| s.is_flashcard_tag(t))
        });
    let to_decks = |tags: &mut dyn Iterator<Item = &str>| -> Arc<[String]> {
        // One deck is the common case: it goes straight into its shared
        // list, without a list to gather more.
        let mut first: Option<String> = None;
        let mut more: Vec<String> = Vec::new();
        for t in tags {
            let d = deck_of_tag(t);
            if d.is_empty() || first.as_ref() == Some(&d) || more.contains(&d) {
                continue;
            }
            match first {
                None => first = Some(d),
                Some(_) => more.push(d),
            }
        }
        match first {
            Some(one) if more.is_empty() => Arc::new([one]),
            first => first.into_iter().chain(more).collect(),
        }
    };
    let mut last: Option<(DeckRule, Arc<[String]>)> = None;
    for q in questions.iter_mut() {
        let rule = if let Some(tag) = &q.topic_tag {
            DeckRule::Topic(tag.clone())
        } else if let Some(g) = groups.iter().rposition(|(line, _)| *line < q.first_line) {
            DeckRule::Group(g)
        } else if fm_first.is_some() {
            DeckRule::FrontMatter
        } else {
            DeckRule::FirstTag
        };
        let decks = match &last {
            Some((r, d)) if *r == rule => Arc::clone(d),
            _ => {
                let d = match &rule {
                    DeckRule::Topic(tag) => to_decks(&mut std::iter::once(tag.as_str())),
                    DeckRule::Group(g) => to_decks(&mut groups[*g].1.iter().copied()),
                    DeckRule::FrontMatter => to_decks(&mut fm_group()),
                    DeckRule::FirstTag => to_decks(&mut first_tag.into_iter()),
                };
                last = Some((rule, Arc::clone(&d)));
                d
            }
        };
        q.decks = decks;
    }
}
