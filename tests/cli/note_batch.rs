//! Notes in `recall stats` (counted by hand) and `recall reschedule
//! --notes` (dry run, apply, a second run that changes nothing).

use serde_json::json;

use crate::util::TestVault;

const TODAY: &str = "2024-06-20";

fn vault() -> TestVault {
    let v = TestVault::new();
    v.file(
        "Due.md",
        "---\ntags: [review, study]\nsr-due: 2024-06-18\nsr-interval: 5\nsr-ease: 250\n---\nOverdue.\n",
    )
    .file(
        "Today.md",
        "---\ntags: review\nsr-due: 2024-06-20\nsr-interval: 3\nsr-ease: 250\n---\nDue today.\n",
    )
    .file(
        "Soon.md",
        "---\ntags: review\nsr-due: 2024-06-22\nsr-interval: 4\nsr-ease: 270\n---\nIn two days.\n",
    )
    .file("Far.md", "---\ntags: [study]\nsr-due: 2024-09-01\nsr-interval: 80\nsr-ease: 250\n---\nLater.\n")
    .file("New.md", "A new note. #review\n")
    .file("Ignored.md", "#review #ignore-me\n")
    .file("Cards.md", "#flashcards\n\nQ::A\n")
    .settings(r##"{"tagsToReview": ["#review", "#study"], "noteTagsToIgnore": ["#ignore-me"]}"##);
    v
}

#[test]
fn stats_count_notes_per_review_deck_with_a_forecast() {
    let v = vault();
    let s = v.run(TODAY, &["stats", "--json", "--days", "7"]).json();
    let n = &s["notes"];
    // By hand: Due (overdue, both decks), Today (due), Soon and Far
    // (scheduled), New; Ignored is out.
    assert_eq!(n["all"], json!({"total": 5, "new": 1, "due": 2, "scheduled": 2}));
    assert_eq!(
        n["decks"],
        json!([
            {"deck": "#review", "total": 4, "new": 1, "due": 2, "scheduled": 1},
            {"deck": "#study", "total": 2, "new": 0, "due": 1, "scheduled": 1},
        ])
    );
    assert_eq!(n["forecast"]["overdue"], 1);
    assert_eq!(n["forecast"]["total"], 2);
    let days: Vec<i64> =
        n["forecast"]["days"].as_array().expect("days").iter().filter_map(|d| d["notes"].as_i64()).collect();
    assert_eq!(days, [1, 0, 1, 0, 0, 0, 0]);
    // The card fields are still there, unchanged.
    assert_eq!(s["cards"]["new"], 1);
    let text = v.run(TODAY, &["stats", "--days", "7"]).ok();
    assert!(text.contains("Note review: 5 notes: 1 new, 2 due, 2 scheduled"), "{text}");
    assert!(text.contains("  #study   2 notes: 0 new, 1 due, 1 scheduled"), "{text}");
    assert!(text.contains("Note forecast, next 7 days: 2 notes, 0 tomorrow (+1 overdue)"), "{text}");
    // --deck keeps only the notes of review decks it names: a flashcard
    // deck has none.
    let s = v.run(TODAY, &["stats", "--json", "--deck", "flashcards"]).json();
    assert_eq!(s["notes"]["all"]["total"], 0);
    assert_eq!(s["cards"]["new"], 1);
}

#[test]
fn stats_without_review_notes_show_no_note_section() {
    let v = TestVault::new();
    v.file("Cards.md", "#flashcards\n\nQ::A\n");
    let text = v.run(TODAY, &["stats"]).ok();
    assert!(!text.contains("Note review"), "{text}");
    let s = v.run(TODAY, &["stats", "--json"]).json();
    assert_eq!(s["notes"]["all"], json!({"total": 0, "new": 0, "due": 0, "scheduled": 0}));
}
