//! `--help` of every command, snapshotted so interface changes show in review.

use crate::util::Recall;

#[test]
fn help_texts() {
    let run = |args: &[&str]| Recall::new().today("2024-06-20").args(args).run().ok();
    insta::assert_snapshot!("recall_help", run(&["--help"]));
    for cmd in [
        "review",
        "cards",
        "decks",
        "due",
        "grade",
        "notes",
        "reschedule",
        "export",
        "import",
        "optimize",
        "completions",
        "man",
    ] {
        insta::assert_snapshot!(format!("{cmd}_help"), run(&[cmd, "--help"]));
    }
    // The sentence about own weights is the one `stats` and the README say.
    let squeeze = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let note = recall::optimize::OWN_WEIGHTS_NOTE;
    assert!(squeeze(&run(&["optimize", "--help"])).contains(note));
    let readme = std::fs::read_to_string(crate::util::repo().join("README.md")).expect("README");
    assert!(squeeze(&readme).contains(note), "the README says: {note}");
    // The scheduler filter stays out of the list.
    assert!(!run(&["--help"]).contains("\n  schedule "));
}
