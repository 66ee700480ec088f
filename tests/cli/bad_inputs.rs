//! Bad inputs: each gives a clear message naming the file, the rest of the
//! vault is still read, and the exit status is the documented one.

use std::fs;

use crate::util::{Recall, TestVault};

fn good_vault() -> TestVault {
    let v = TestVault::new();
    v.file("good.md", "#flashcards\n\nGood::card\n");
    v
}

fn fronts(v: &TestVault) -> (Vec<String>, String) {
    let run = v.run("2024-06-20", &["cards", "--json"]);
    let json = run.json();
    let fronts = json
        .as_array()
        .expect("array")
        .iter()
        .map(|c| format!("{}:{}", c["path"].as_str().unwrap_or(""), c["front"].as_str().unwrap_or("")))
        .collect();
    (fronts, run.stderr())
}

#[test]
fn invalid_utf8_note_is_skipped_with_its_line() {
    let v = good_vault();
    v.file("bad.md", b"#flashcards\n\nQ::A\ncaf\xe9::latin-1\n".as_slice());
    let before = v.read("bad.md");
    let (fronts, err) = fronts(&v);
    assert_eq!(fronts, vec!["good.md:Good"]);
    assert!(err.contains("warning: bad.md:4: not valid UTF-8"), "{err}");
    assert_eq!(v.read("bad.md"), before);
}

#[test]
fn binary_file_named_md_is_skipped() {
    let v = good_vault();
    v.file("image.md", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".as_slice());
    let (fronts, err) = fronts(&v);
    assert_eq!(fronts, vec!["good.md:Good"]);
    assert!(err.contains("warning: image.md:"), "{err}");
    assert!(err.contains("binary file"), "{err}");
}

#[test]
fn a_twenty_megabyte_note_is_read_whole() {
    let v = good_vault();
    let mut big = String::from("#flashcards\n\nFirst::card of the big note\n\n");
    let prose = "Kafka stores records in partitions, appended to the active segment of a log.\n";
    while big.len() < 20 * 1024 * 1024 {
        big.push_str(prose);
    }
    big.push_str("\nLast::card at the very end\n");
    v.file("big.md", &big);
    let (fronts, err) = fronts(&v);
    assert_eq!(fronts, vec!["big.md:First", "big.md:Last", "good.md:Good"]);
    assert!(!err.contains("big.md"), "{err}");
}

#[test]
fn unclosed_front_matter_is_read_as_text_with_a_warning() {
    let v = good_vault();
    v.file("open.md", "---\ntags: [flashcards]\nQ::A\n");
    let (fronts, err) = fronts(&v);
    // No front matter, so no tag: the plugin skips the note too.
    assert_eq!(fronts, vec!["good.md:Good"]);
    assert!(err.contains("warning: open.md:1: front matter is never closed"), "{err}");
}

#[test]
fn malformed_data_json_is_an_error_naming_the_file() {
    let v = good_vault();
    v.file(".obsidian/plugins/obsidian-spaced-repetition/data.json", "{\"settings\": {\"baseEase\": 250,,}}");
    let run = v.run("2024-06-20", &["cards"]);
    assert_eq!(run.code(), Some(1));
    let err = run.stderr();
    assert!(
        err.contains("error: ") && err.contains("obsidian-spaced-repetition/data.json: not valid JSON"),
        "{err}"
    );
    assert!(err.contains("line 1 column"), "{err}");
    assert!(err.contains("hint:"), "{err}");
    let wrong_type = TestVault::new();
    wrong_type.settings("{\"flashcardTags\": \"#flashcards\"}");
    let run = wrong_type.run("2024-06-20", &["decks"]);
    assert_eq!(run.code(), Some(1));
    assert!(
        run.stderr().contains(
            "data.json: flashcardTags should be a list of tags such as [\"#flashcards\"], not a string"
        ),
        "{}",
        run.stderr()
    );
}

#[test]
fn malformed_recall_config_is_an_error_naming_the_file() {
    let v = good_vault();
    v.file(".recall/config.yaml", "new-per-day: [oops\n");
    let run = v.run("2024-06-20", &["cards"]);
    assert_eq!(run.code(), Some(1));
    assert!(run.stderr().contains(".recall/config.yaml"), "{}", run.stderr());
    // An unknown key is a warning (the command goes on), with the closest key.
    v.file(".recall/config.yaml", "new-per-dya: 1\n");
    let run = v.run("2024-06-20", &["cards"]);
    assert_eq!(run.code(), Some(0), "{}", run.stderr());
    assert!(
        run.stderr().contains(
            "warning: .recall/config.yaml: new-per-dya is not a setting; did you mean new-per-day?"
        ),
        "{}",
        run.stderr()
    );
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_reported_once_and_skipped() {
    let v = good_vault();
    v.file("sub/inner.md", "#flashcards\nInner::card\n");
    std::os::unix::fs::symlink("..", v.path("sub/loop")).expect("symlink");
    std::os::unix::fs::symlink("self", v.path("self")).expect("symlink");
    let (fronts, err) = fronts(&v);
    assert_eq!(fronts, vec!["good.md:Good", "sub/inner.md:Inner"]);
    assert_eq!(err.matches("symlink loop").count(), 2, "{err}");
    assert!(err.contains("warning: sub/loop: symlink loop"), "{err}");
}

#[test]
fn a_missing_vault_is_an_error() {
    let v = TestVault::new();
    let missing = v.path("nope");
    let run = Recall::new().vault(&missing).today("2024-06-20").args(["cards"]).run();
    // A PATH that does not exist is a usage error, said once.
    assert_eq!(run.code(), Some(2));
    assert!(run.stderr().contains("nope: no such file or folder"), "{}", run.stderr());
    assert!(!run.stderr().contains("caused by"), "{}", run.stderr());
    let _ = fs::remove_dir_all(v.path("nope"));
}

#[test]
fn usage_errors_exit_2() {
    let v = good_vault();
    // A PATH alone is a note review, which has no Again.
    let run = v.run("2024-06-20", &["grade", "good.md", "again"]);
    assert_eq!(run.code(), Some(2), "{}", run.stderr());
    let run = v.run("2024-06-20", &["grade", "good.md:3", "maybe"]);
    assert_eq!(run.code(), Some(2), "{}", run.stderr());
    let run = v.run("not-a-date", &["cards"]);
    assert_eq!(run.code(), Some(2), "{}", run.stderr());
}
