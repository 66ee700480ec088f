//! The parser over arbitrary bytes and settings: no panic, and every span
//! the write-back relies on lies inside the text on character boundaries.
#![no_main]

use libfuzzer_sys::fuzz_target;
use recall::parse::{CardSchedule, Detail, Note, ParseOptions, Question, parse_note};
use recall_fuzz::{Case, check_note};

/// `a` and `b` give the same cards, decks and schedules.
fn same_cards(a: &Question, b: &Question) {
    assert_eq!((a.kind, a.first_line, a.last_line, a.cards), (b.kind, b.first_line, b.last_line, b.cards));
    assert_eq!((&a.decks, &a.topic_tag), (&b.decks, &b.topic_tag));
    for i in 0..b.card_count().min(64) {
        // An FSRS field that is missing or no number is a NaN, kept as
        // the plugin keeps it: equal to itself here, unlike `==`.
        let (x, y) = (a.schedule(i), b.schedule(i));
        let same = match (&x, &y) {
            (CardSchedule::Fsrs(p), CardSchedule::Fsrs(q)) => p.same_fields(q),
            _ => x == y,
        };
        assert!(same, "sibling {i}: {x:?} / {y:?}");
    }
}

fuzz_target!(|data: &[u8]| {
    let Some(case) = Case::decode(data) else { return };
    let note = case.parse(case.text.clone());
    assert_eq!(note.text, case.text, "the note keeps its text as read");
    check_note(&note, &case);
    let with = |detail: Detail| -> Note {
        parse_note(
            case.text.clone(),
            case.folder,
            &ParseOptions { detail, ..case.options() },
            case.all_questions,
        )
    };
    // The counting parse (`decks`) sees the same cards, decks and schedules.
    let counts = with(Detail::Counts);
    assert_eq!(counts.has_deck, note.has_deck);
    assert_eq!(counts.questions.len(), note.questions.len(), "question count");
    for (c, f) in counts.questions.iter().zip(&note.questions) {
        same_cards(c, f);
    }
    // The review queue's parse also gives each question the address and
    // hash the full parse gives it: the session finds a card by them.
    let queue = with(Detail::Queue);
    assert_eq!(queue.questions.len(), note.questions.len(), "question count");
    for (q, f) in queue.questions.iter().zip(&note.questions) {
        same_cards(q, f);
        assert_eq!(q.text_line, f.text_line, "text line");
        assert_eq!(q.actual(&queue.text), f.actual(&note.text), "text without schedule");
        assert_eq!(q.hash_value(&queue.text), f.hash_value(&note.text), "hash");
    }
});
