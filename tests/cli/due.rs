//! `recall due`: the number a review would show now, after the daily limits.

use crate::util::TestVault;

const TODAY: &str = "2026-12-01";

fn vault() -> TestVault {
    let v = TestVault::new();
    v.file(
        "kafka/n.md",
        "#flashcards/kafka\n\nQ1::A\n<!--SR:!2026-11-20,4,250-->\nQ2::B\n<!--SR:!2026-12-01,4,250-->\nQ3::C\nQ4::D\n\
         Q5::E\n<!--SR:!2026-12-09,4,250-->\n",
    );
    v.file("other/m.md", "#flashcards/other\n\nO1::x\n<!--SR:!2026-11-30,4,250-->\n");
    v.file(".recall/config.yaml", "new-per-day: 1\n");
    v
}

/// The `[1/N]` a plain review starts with.
fn review_total(v: &TestVault, args: &[&str]) -> usize {
    let mut all = vec!["review", "--plain"];
    all.extend_from_slice(args);
    let out = crate::util::run_in(v.root(), TODAY, &all, Some(b"quit\n"), &[]).ok();
    let start = out.find("[1/").unwrap_or_else(|| panic!("no progress in:\n{out}")) + 3;
    out[start..].split(']').next().and_then(|n| n.parse().ok()).expect("a count")
}

#[test]
fn due_counts_what_a_review_would_show_after_the_limits() {
    let v = vault();
    assert_eq!(v.run(TODAY, &["due"]).ok(), "4\n");
    let j = v.run(TODAY, &["due", "--json"]).json();
    assert_eq!(j, serde_json::json!({"due": 4, "new": 1, "learning": 0, "review": 3}));
    assert_eq!(review_total(&v, &[]), 4);
    // A deck, and a path.
    assert_eq!(v.run(TODAY, &["due", "--deck", "flashcards/kafka"]).ok(), "3\n");
    assert_eq!(review_total(&v, &["--deck", "flashcards/kafka"]), 3);
    assert_eq!(v.run(TODAY, &["due", "other"]).ok(), "1\n");
    // A new card learned today uses up the day's new card.
    v.run(TODAY, &["grade", "kafka/n.md:7", "good"]).ok();
    assert_eq!(v.run(TODAY, &["due", "--json"]).json()["new"], 0);
    assert_eq!(v.run(TODAY, &["due"]).ok(), "3\n");
}

#[test]
fn buried_questions_are_not_counted() {
    let v = vault();
    // The plain review's first card is buried.
    crate::util::run_in(v.root(), TODAY, &["review", "--plain"], Some(b"bury\nquit\n"), &[]).ok();
    assert_eq!(v.run(TODAY, &["due"]).ok(), "3\n");
    assert_eq!(review_total(&v, &[]), 3);
    // Tomorrow the bury list no longer applies.
    assert_eq!(v.run("2026-12-02", &["due", "--json"]).json()["review"], 3);
}

#[test]
fn fsrs_learning_steps_count_as_learning() {
    let v = TestVault::new();
    v.settings(r#"{"algorithm": "FSRS"}"#);
    v.file(
        "n.md",
        "#flashcards\n\nL::x\n<!--SR:!fsrs,2026-12-01T09:05:00.000Z,0,2.3,2.1,1,1,0,1,2026-12-01T08:55:00.000Z-->\n\
         R::y\n<!--SR:!fsrs,2026-11-30T09:00:00.000Z,5,5.3,5.1,2,3,0,0,2026-11-25T09:00:00.000Z-->\n",
    );
    let j = v.run(TODAY, &["due", "--json", "--now", "2026-12-01T09:10:00Z"]).json();
    assert_eq!(j, serde_json::json!({"due": 2, "new": 0, "learning": 1, "review": 1}));
}

#[test]
fn without_daily_limits_every_due_card_counts_and_buried_ones_do_not() {
    let v = vault();
    v.file(".recall/config.yaml", "");
    let j = v.run(TODAY, &["due", "--json"]).json();
    assert_eq!(j, serde_json::json!({"due": 5, "new": 2, "learning": 0, "review": 3}));
    assert_eq!(review_total(&v, &[]), 5);
    assert_eq!(v.run(TODAY, &["due", "--deck", "other"]).ok(), "1\n");
    crate::util::run_in(v.root(), TODAY, &["review", "--plain"], Some(b"bury\nquit\n"), &[]).ok();
    assert_eq!(v.run(TODAY, &["due"]).ok(), "4\n");
    assert_eq!(review_total(&v, &[]), 4);
}
