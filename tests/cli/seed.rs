//! The user's own note (tests/fixtures/seed, byte for byte from the vault).

use crate::util::{TestVault, repo};

const NOTE: &str = "projects/Dallas Confluent Practice/Notes/Producer Acknowledgement - 202405302231.md";

fn seed_bytes() -> Vec<u8> {
    std::fs::read(repo().join("tests/fixtures/seed/000_ad836c141ecf1ebe.txt")).expect("seed note")
}

/// The note's second front-matter tag (mojibake for `♣️/kafka`), read from
/// its JSON front matter.
fn deck_tag(bytes: &[u8]) -> String {
    let text = String::from_utf8(bytes.to_vec()).expect("utf-8");
    let json_line = text.lines().nth(1).expect("front matter line");
    let fm: serde_json::Value = serde_json::from_str(json_line).expect("JSON front matter");
    fm["tags"][1].as_str().expect("tag").to_owned()
}

#[test]
fn the_users_note_gives_three_questions_and_five_cards() {
    let bytes = seed_bytes();
    let tag = deck_tag(&bytes);
    assert!(tag.ends_with("/kafka"));
    let v = TestVault::new();
    v.file(NOTE, &bytes).settings(&serde_json::json!({ "flashcardTags": [format!("#{tag}")] }).to_string());
    let cards = v.run("2024-06-20", &["cards", "--json"]).json();
    let cards = cards.as_array().expect("array");
    let got: Vec<(u64, &str, u64, &str, u64, u64, &str)> = cards
        .iter()
        .map(|c| {
            (
                c["line"].as_u64().expect("line"),
                c["kind"].as_str().expect("kind"),
                c["sibling"].as_u64().expect("sibling"),
                c["due"].as_str().expect("due"),
                c["interval"].as_u64().expect("interval"),
                c["ease"].as_u64().expect("ease"),
                c["state"].as_str().expect("state"),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (19, "basic", 0, "2024-06-18", 13, 290, "due"),
            (21, "reversed", 0, "2024-06-18", 13, 290, "due"),
            (21, "reversed", 1, "2024-06-21", 16, 290, "scheduled"),
            (23, "reversed", 0, "2024-06-20", 15, 290, "due"),
            (23, "reversed", 1, "2024-06-20", 15, 290, "due"),
        ]
    );
    let questions: std::collections::BTreeSet<u64> = got.iter().map(|c| c.0).collect();
    assert_eq!(questions.len(), 3);
    // Sibling 1 is due tomorrow: the plugin credits the early review ((16 + 1/2) × 2.9 = 47.85 → 48).
    // The `acks=all:` line (25) has one colon: prose, not a card.
    assert!(cards.iter().all(|c| !c["front"].as_str().unwrap_or("").starts_with("acks=all")));
    let deck = format!("{}/kafka", tag.trim_end_matches("/kafka"));
    assert!(cards.iter().all(|c| c["decks"] == serde_json::json!([deck])));
    assert_eq!(
        cards[1]["back"].as_str().map(str::trim),
        Some(
            "[[projects/Dallas Confluent Practice/Notes/Producer - 202405302120\\|Producer]] won't wait for acknowledgement (possible data loss)"
        )
    );
}

#[test]
fn with_default_settings_the_plugin_skips_the_note() {
    let v = TestVault::new();
    v.file(NOTE, seed_bytes());
    let cards = v.run("2024-06-20", &["cards", "--json"]).json();
    assert_eq!(cards, serde_json::json!([]));
}

#[test]
fn grading_the_seed_changes_only_the_schedule_comment() {
    let bytes = seed_bytes();
    let tag = deck_tag(&bytes);
    let v = TestVault::new();
    v.file(NOTE, &bytes).settings(&serde_json::json!({ "flashcardTags": [format!("#{tag}")] }).to_string());
    v.run("2024-06-20", &["grade", &format!("{NOTE}:21#1"), "good"]).ok();
    let after = v.read(NOTE);
    let before = String::from_utf8(bytes).expect("utf-8");
    let expected = before.replace(
        "<!--SR:!2024-06-18,13,290!2024-06-21,16,290-->",
        "<!--SR:!2024-06-18,13,290!2024-08-07,48,290-->",
    );
    assert_ne!(before, expected);
    assert_eq!(String::from_utf8(after).expect("utf-8"), expected);
}
