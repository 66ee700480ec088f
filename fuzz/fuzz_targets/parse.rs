//! The parser over arbitrary bytes and settings: no panic, and every span
//! the write-back relies on lies inside the text on character boundaries.
#![no_main]

use libfuzzer_sys::fuzz_target;
use recall::parse::{CardSchedule, Detail, ParseOptions, parse_note};
use recall_fuzz::{Case, check_note};

fuzz_target!(|data: &[u8]| {
    let Some(case) = Case::decode(data) else { return };
    let note = case.parse(case.text.clone());
    assert_eq!(note.text, case.text, "the note keeps its text as read");
    check_note(&note, &case);
    // The counting parse (`decks`) sees the same cards, decks and schedules.
    let counts = parse_note(
        case.text.clone(),
        case.folder,
        &ParseOptions { detail: Detail::Counts, ..case.options() },
        case.all_questions,
    );
    assert_eq!(counts.has_deck, note.has_deck);
    assert_eq!(counts.questions.len(), note.questions.len(), "question count");
    for (c, f) in counts.questions.iter().zip(&note.questions) {
        assert_eq!(
            (c.kind, c.first_line, c.last_line, c.cards),
            (f.kind, f.first_line, f.last_line, f.cards)
        );
        assert_eq!((&c.decks, &c.topic_tag), (&f.decks, &f.topic_tag));
        for i in 0..f.card_count().min(64) {
            // An FSRS field that is missing or no number is a NaN, kept as
            // the plugin keeps it: equal to itself here, unlike `==`.
            let (a, b) = (c.schedule(i), f.schedule(i));
            let same = match (&a, &b) {
                (CardSchedule::Fsrs(x), CardSchedule::Fsrs(y)) => x.same_fields(y),
                _ => a == b,
            };
            assert!(same, "sibling {i}: {a:?} / {b:?}");
        }
    }
});
