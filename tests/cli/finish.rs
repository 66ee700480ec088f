//! Fit and finish, second part (issue 13): settings, `check`, completions
//! and the man page, messages, and the reschedule chart; one test per point,
//! each named after what must hold.

use crate::util::{Recall, TestVault};

const NOTE: &str = "#flashcards\n\nQ::A\n";
const DATA: &str = ".obsidian/plugins/obsidian-spaced-repetition/data.json";

/// Point 9. A wrong settings type was reported in Rust words without the
/// key (`expected f64`), `plugin: {baseease: 300}` was ignored in silence,
/// `baseEase: -5` was written into notes, `order: sideways` failed only when
/// `review` ran, and a corrupt bury list was ignored without a word.
#[test]
fn settings_are_checked_key_by_key_for_every_command() {
    let v = TestVault::new();
    v.file("n.md", NOTE);
    v.settings(r##"{"flashcardTags": "#flashcards"}"##);
    let run = v.run("2026-12-01", &["cards"]);
    assert_eq!(run.code(), Some(1), "{}", run.stderr());
    assert!(
        run.stderr().contains(&format!(
            "{DATA}: flashcardTags should be a list of tags such as [\"#flashcards\"], not a string"
        )),
        "{}",
        run.stderr()
    );
    std::fs::remove_file(v.path(DATA)).expect("rm");

    // Out of range: an error for every command, before anything is written.
    let commands: [&[&str]; 9] = [
        &["cards"],
        &["decks"],
        &["stats"],
        &["check"],
        &["notes"],
        &["grade", "n.md:3", "good"],
        &["review", "--plain"],
        &["reschedule", "--shift", "1", "--apply"],
        &["export", "-o", "-", "--format", "csv"],
    ];
    for (config, wanted) in [
        ("plugin: {baseEase: -5}\n", "plugin: baseEase should be a number from 130 up, not -5"),
        ("order: sideways\n", "order should be one of \"new-first\""),
        ("new-per-day: -3\n", "new-per-day should be a whole number from 0 up, not -3"),
        ("plugin: {startOfDay: 4am}\n", "plugin: startOfDay should be a time of day HH:MM:SS"),
        (
            "plugin: {algorithm: fsrs}\n",
            "plugin: algorithm should be one of \"SM-2-OSR\", \"FSRS\", not \"fsrs\"",
        ),
    ] {
        v.file(".recall/config.yaml", config);
        let before = v.snapshot();
        for args in commands {
            let run = v.run("2026-12-01", args);
            assert_eq!(run.code(), Some(1), "{config} {args:?}: {}", run.stderr());
            assert!(
                run.stderr().contains(&format!(".recall/config.yaml: {wanted}")),
                "{args:?}: {}",
                run.stderr()
            );
        }
        assert_eq!(v.snapshot(), before, "{config}");
    }

    // An unknown key is a warning with the closest key, said once; the
    // command goes on with the default.
    v.file(".recall/config.yaml", "plugin: {baseease: 300}\n");
    let run = v.run("2026-12-01", &["grade", "n.md:3", "good"]);
    assert_eq!(run.code(), Some(0), "{}", run.stderr());
    assert_eq!(
        run.stderr(),
        "warning: .recall/config.yaml: plugin: baseease is not a setting; did you mean baseEase?\n"
    );
    assert_eq!(v.read_str("n.md"), "#flashcards\n\nQ::A\n<!--SR:!2026-12-04,3,250-->\n");

    // A corrupt bury list is reported and set aside, not ignored.
    std::fs::remove_file(v.path(".recall/config.yaml")).expect("rm");
    v.file(".recall/buried.json", "{\"day\": \"2026-12-01\", \"questions\": [\"abc\"");
    let run = v.run("2026-12-01", &["cards"]);
    assert_eq!(run.code(), Some(0), "{}", run.stderr());
    assert!(
        run.stderr().contains(
            "warning: .recall/buried.json: cannot be read as a bury list; set aside as buried.json.corrupt-"
        ),
        "{}",
        run.stderr()
    );
    assert!(!v.path(".recall/buried.json").exists());
    let aside: Vec<String> = v
        .snapshot()
        .into_iter()
        .map(|(p, _)| p)
        .filter(|p| p.starts_with(".recall/buried.json.corrupt-"))
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert_eq!(v.read_str(&aside[0]), "{\"day\": \"2026-12-01\", \"questions\": [\"abc\"");
    let run = v.run("2026-12-01", &["cards"]);
    assert_eq!(run.stderr(), "", "said once");
}
