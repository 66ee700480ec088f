//! The bundled `notes/` vault: what the README's first command runs on.

use std::collections::BTreeSet;

use crate::util::{Recall, repo};

#[test]
fn the_sample_vault_has_every_card_kind_and_a_mix_of_states() {
    let vault = repo().join("notes");
    let cards = Recall::new().vault(&vault).today("2026-11-28").args(["cards", "--json"]).run().json();
    let cards = cards.as_array().expect("array");
    assert!(cards.len() >= 150, "only {} cards", cards.len());
    let notes: BTreeSet<&str> = cards.iter().filter_map(|c| c["path"].as_str()).collect();
    assert!(notes.len() >= 25, "only {} notes with cards", notes.len());
    let kinds: BTreeSet<&str> = cards.iter().filter_map(|c| c["kind"].as_str()).collect();
    assert_eq!(kinds, BTreeSet::from(["basic", "cloze", "multiline", "multiline-reversed", "reversed"]));
    let count = |s: &str| cards.iter().filter(|c| c["state"] == s).count();
    let (new, due, scheduled) = (count("new"), count("due"), count("scheduled"));
    assert!(new > 0 && due > 0 && scheduled > 0, "new {new}, due {due}, scheduled {scheduled}");
    let reviewed = due + scheduled;
    assert!(
        reviewed * 10 >= cards.len() * 3 && reviewed * 10 <= cards.len() * 7,
        "{reviewed} of {} scheduled",
        cards.len()
    );
    assert!(cards.iter().all(|c| {
        c["decks"]
            .as_array()
            .is_some_and(|d| d.iter().all(|d| d.as_str().is_some_and(|d| d.starts_with("flashcards/kafka"))))
    }));
}

#[test]
fn decks_of_the_sample_vault_form_one_tree() {
    let vault = repo().join("notes");
    let tree = Recall::new().vault(&vault).today("2026-11-28").args(["decks", "--json"]).run().json();
    let roots = tree.as_array().expect("array");
    assert_eq!(roots.len(), 1);
    assert_eq!(roots[0]["name"], "flashcards");
    let kafka = &roots[0]["subdecks"][0];
    assert_eq!(kafka["path"], "flashcards/kafka");
    let total: u64 = kafka["subdecks"]
        .as_array()
        .expect("subdecks")
        .iter()
        .map(|d| d["total"].as_u64().unwrap_or(0))
        .sum();
    assert!(total >= kafka["total"].as_u64().unwrap_or(0), "subdecks hold every card at least once");
    let text = Recall::new().vault(&vault).today("2026-11-28").args(["decks"]).run().ok();
    assert!(text.starts_with("deck"), "{text}");
    assert!(text.contains("\n  kafka"), "{text}");
}
