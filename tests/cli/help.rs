//! `--help` of every command, snapshotted so interface changes show in review.

use crate::util::run_in;

#[test]
fn help_texts() {
    let run = |args: &[&str]| run_in(std::path::Path::new("."), "2024-06-20", args, None, &[]).ok();
    insta::assert_snapshot!("recall_help", run(&["--help"]));
    for cmd in ["review", "cards", "decks", "grade", "notes", "reschedule", "export", "completions", "man"] {
        insta::assert_snapshot!(format!("{cmd}_help"), run(&[cmd, "--help"]));
    }
    // The scheduler filter stays out of the list.
    assert!(!run(&["--help"]).contains("\n  schedule "));
}
