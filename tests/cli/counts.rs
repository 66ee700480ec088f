//! The counting parse that `decks` uses (`Detail::Counts`) sees exactly the
//! cards, decks and schedules of the full parse, on every conformance vault
//! and on `notes/`.

use std::path::{Path, PathBuf};

use recall::parse::{CardSchedule, Detail, QuestionKind};
use recall::vault::{LoadOptions, VaultNote, load, scan};

type Summary =
    (String, bool, Vec<(QuestionKind, usize, usize, Vec<String>, Option<String>, Vec<CardSchedule>)>);

fn summary(n: &VaultNote) -> Summary {
    let qs = n
        .note
        .questions
        .iter()
        .map(|q| {
            (
                q.kind,
                q.first_line,
                q.cards,
                q.decks.to_vec(),
                q.topic_tag.clone(),
                (0..q.card_count()).map(|i| q.schedule(i)).collect(),
            )
        })
        .collect();
    (n.path.to_string(), n.note.has_deck, qs)
}

fn vaults() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = vec![root.join("notes")];
    let cases = root.join("tests/conformance/cases");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&cases)
        .expect("conformance cases")
        .flatten()
        .map(|e| e.path().join("vault"))
        .collect();
    dirs.sort();
    out.extend(dirs.into_iter().filter(|d| d.is_dir()));
    out
}

#[test]
fn counting_parse_agrees_with_the_full_parse() {
    let today = chrono::NaiveDate::from_ymd_opt(2024, 6, 20).expect("date");
    let mut questions = 0;
    for dir in vaults() {
        let opts = |detail| LoadOptions { detail, ..LoadOptions::at_day(today) };
        let full = load(&dir, &opts(Detail::Full)).expect("load");
        let full: Vec<Summary> = full.notes.iter().map(summary).collect();
        let (_, counts) = scan(&dir, &opts(Detail::Counts), |n, _| summary(&n)).expect("scan");
        assert_eq!(counts, full, "{}", dir.display());
        questions += full.iter().map(|s| s.2.len()).sum::<usize>();
    }
    // The comparison covered real questions, not empty vaults.
    assert!(questions > 300, "{questions} questions compared");
}
