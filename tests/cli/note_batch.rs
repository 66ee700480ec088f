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

/// The note files (the `.recall` folder aside).
fn notes_of(v: &TestVault) -> Vec<(String, Vec<u8>)> {
    v.snapshot().into_iter().filter(|(p, _)| !p.starts_with(".recall")).collect()
}

#[test]
fn reschedule_notes_dry_run_diff_apply_and_a_second_run() {
    let v = vault();
    let before = notes_of(&v);
    let dry = v.run(TODAY, &["reschedule", "--notes", "--shift", "3", "--diff"]).ok();
    assert!(dry.contains("reschedule --notes shift 3: 4 notes would change."), "{dry}");
    // Only sr-due lines in the diff; a 4.5-day interval would stay as it is.
    let changed: Vec<&str> = dry
        .lines()
        .filter(|l| {
            (l.starts_with('+') || l.starts_with('-')) && !l.starts_with("+++") && !l.starts_with("---")
        })
        .collect();
    assert_eq!(changed.len(), 8, "{dry}");
    assert!(changed.iter().all(|l| l[1..].starts_with("sr-due: ")), "{changed:?}");
    assert!(dry.contains("+sr-due: 2024-06-21") && dry.contains("+sr-due: 2024-09-04"), "{dry}");
    assert_eq!(notes_of(&v), before, "a dry run writes nothing");
    assert!(!v.path(".recall/reviews.jsonl").exists());

    let applied = v.run(TODAY, &["reschedule", "--notes", "--shift", "3", "--apply"]).ok();
    assert!(applied.contains("4 of 4 notes written."), "{applied}");
    assert_eq!(
        v.read_str("Soon.md"),
        "---\ntags: review\nsr-due: 2024-06-25\nsr-interval: 4\nsr-ease: 270\n---\nIn two days.\n"
    );
    assert_eq!(v.read_str("New.md"), "A new note. #review\n", "a new note has no date to shift");
    let log = v.read_str(".recall/reviews.jsonl");
    assert_eq!(log.lines().filter(|l| l.contains("\"op\":\"reschedule\"")).count(), 5, "{log}");

    // After the shift all four are scheduled; the new note is not.
    let first =
        v.run(TODAY, &["reschedule", "--notes", "--set-due", "0", "--state", "scheduled", "--apply"]).ok();
    assert!(first.contains("4 of 4 notes written."), "{first}");
    let second = v.run(TODAY, &["reschedule", "--notes", "--set-due", "0", "--apply"]).ok();
    assert!(second.contains(": 1 note changed."), "{second}");
    assert!(v.read_str("New.md").starts_with("---\nsr-due: 2024-06-20\nsr-interval: 1\nsr-ease: 250\n---\n"));
    let settled = notes_of(&v);
    let third = v.run(TODAY, &["reschedule", "--notes", "--set-due", "0", "--apply"]).ok();
    assert!(third.contains(": 0 notes changed."), "{third}");
    assert_eq!(notes_of(&v), settled, "the second run changes nothing");
}

#[test]
fn reschedule_notes_reset_takes_the_keys_out_and_keeps_every_other_byte() {
    let v = TestVault::new();
    v.file("Yaml.md", "---\ntags: review # mine\nsr-due: 2024-06-18\nsr-interval: 5\ntitle: \"x\"\nsr-ease: 250\n---\nBody\n")
        .file("Crlf.md", "\u{feff}---\r\ntags: [review]\r\nsr-due: 2024-06-18\r\nsr-interval: 5\r\nsr-ease: 250\r\n---\r\nB\r\n")
        .file("Json.md", "---\n{\"tags\": [\"review\"], \"sr-due\": \"2024-06-19\", \"sr-interval\": 3, \"sr-ease\": 250}\n---\nJ\n")
        .file("New.md", "#review\n");
    let run =
        crate::util::run_in(v.root(), TODAY, &["reschedule", "--notes", "--reset", "--apply"], None, &[]);
    let out = run.ok();
    assert!(out.contains("2 of 2 notes written."), "{out}");
    assert!(run.stderr().contains("Json.md: the front matter is one-line JSON"), "{}", run.stderr());
    assert_eq!(v.read_str("Yaml.md"), "---\ntags: review # mine\ntitle: \"x\"\n---\nBody\n");
    assert_eq!(v.read_str("Crlf.md"), "\u{feff}---\r\ntags: [review]\r\n---\r\nB\r\n");
    assert!(v.read_str("Json.md").contains("\"sr-due\": \"2024-06-19\""));
    let notes = v.run(TODAY, &["notes", "--json"]).json();
    let new: Vec<&str> = notes
        .as_array()
        .expect("rows")
        .iter()
        .filter(|r| r["state"] == "new")
        .filter_map(|r| r["path"].as_str())
        .collect();
    assert_eq!(new.len(), 3, "{new:?}");
    let again = v.run(TODAY, &["reschedule", "--notes", "--reset", "--apply"]).ok();
    assert!(again.contains(": 0 notes changed."), "{again}");
}
