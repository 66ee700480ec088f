//! A reader that goes away at once (`recall cards | head -0`) is not an
//! error: every command that prints stops quietly with status 0.

use std::path::Path;

use crate::util::{Recall, TestVault, copy_dir, repo};

/// A pipe whose reading end is already closed: every write to it fails
/// with EPIPE, however little the command prints.
fn closed_pipe() -> std::io::PipeWriter {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    writer
}

fn sample() -> TestVault {
    let v = TestVault::new();
    copy_dir(&repo().join("notes"), v.root());
    v
}

fn assert_quiet(root: &Path, args: &[&str], stdin: Option<&str>) {
    let mut r = Recall::new().vault(root).today("2026-11-28").args(args).stdout(closed_pipe());
    if let Some(input) = stdin {
        r = r.stdin(input);
    }
    let run = r.run();
    assert_eq!(run.code(), Some(0), "`recall {}`: stderr:\n{}", args.join(" "), run.stderr());
    assert_eq!(run.stderr(), "", "`recall {}`", args.join(" "));
}

#[test]
fn cards_into_a_closed_pipe() {
    let v = sample();
    assert_quiet(v.root(), &["cards"], None);
    assert_quiet(v.root(), &["cards", "--json"], None);
}

#[test]
fn decks_into_a_closed_pipe() {
    let v = sample();
    assert_quiet(v.root(), &["decks"], None);
    assert_quiet(v.root(), &["decks", "--json"], None);
    assert_quiet(v.root(), &["due"], None);
    assert_quiet(v.root(), &["due", "--json"], None);
}

#[test]
fn stats_into_a_closed_pipe() {
    let v = sample();
    assert_quiet(v.root(), &["stats"], None);
    assert_quiet(v.root(), &["stats", "--json"], None);
}

#[test]
fn check_into_a_closed_pipe() {
    let v = sample();
    assert_quiet(v.root(), &["check"], None);
    assert_quiet(v.root(), &["check", "--json"], None);
    assert_quiet(v.root(), &["check", "--fix"], None);
}

#[test]
fn reschedule_into_a_closed_pipe() {
    let v = sample();
    assert_quiet(v.root(), &["reschedule", "--spread", "7"], None);
    assert_quiet(v.root(), &["reschedule", "--spread", "7", "--json"], None);
    assert_quiet(v.root(), &["reschedule", "--shift", "1", "--diff"], None);
}

#[test]
fn export_to_stdout_into_a_closed_pipe() {
    let v = sample();
    for f in ["csv", "json", "anki-txt"] {
        assert_quiet(v.root(), &["export", "-o", "-", "--format", f], None);
    }
}

#[test]
fn grade_into_a_closed_pipe() {
    let v = sample();
    let before = v.snapshot();
    let cards = Recall::new().vault(v.root()).today("2026-11-28").args(["cards", "--json"]).run().json();
    let c = &cards[0];
    let target = format!("{}:{}", c["path"].as_str().expect("path"), c["line"]);
    assert_quiet(v.root(), &["grade", &target, "good", "--dry-run"], None);
    assert_eq!(v.snapshot(), before, "a dry run writes nothing");
}

#[test]
fn grade_json_into_a_closed_pipe() {
    let v = sample();
    let cards = Recall::new().vault(v.root()).today("2026-11-28").args(["cards", "--json"]).run().json();
    let c = &cards[0];
    let target = format!("{}:{}", c["path"].as_str().expect("path"), c["line"]);
    let path = c["path"].as_str().expect("path");
    let before = v.read(path);
    assert_quiet(v.root(), &["grade", &target, "good", "--json", "--dry-run"], None);
    assert_eq!(v.read(path), before, "a dry run writes nothing");
    // A real answer is written, then its report finds no reader.
    assert_quiet(v.root(), &["grade", &target, "good", "--json"], None);
    assert_ne!(v.read(path), before, "the answer is written");
}

#[test]
fn notes_into_a_closed_pipe() {
    let v = sample();
    v.file("Reading/Log compaction.md", "#review\n\nKafka keeps the last value per key.\n");
    let queue = Recall::new().vault(v.root()).today("2026-11-28").args(["notes", "--json"]).run().json();
    assert!(queue.as_array().is_some_and(|q| !q.is_empty()), "{queue}");
    assert_quiet(v.root(), &["notes"], None);
    assert_quiet(v.root(), &["notes", "--json"], None);
}

#[test]
fn import_dry_run_into_a_closed_pipe() {
    let v = sample();
    let out = tempfile::tempdir().expect("tempdir");
    let pkg = out.path().join("notes.apkg").to_string_lossy().into_owned();
    Recall::new()
        .vault(v.root())
        .today("2026-11-28")
        .args(["export", "-o", pkg.as_str(), "--with-scheduling"])
        .run()
        .ok();
    let before = v.snapshot();
    assert_quiet(v.root(), &["import", pkg.as_str()], None);
    assert_quiet(v.root(), &["import", pkg.as_str(), "--json"], None);
    assert_quiet(v.root(), &["import", pkg.as_str(), "--diff"], None);
    assert_eq!(v.snapshot(), before, "a dry run writes nothing");
}

#[test]
fn optimize_into_a_closed_pipe() {
    let v = crate::optimize::fsrs_vault(&crate::optimize::train_log());
    let today = crate::optimize::today();
    for args in [&["optimize"][..], &["optimize", "--json"]] {
        let run = Recall::new().vault(v.root()).today(&today).args(args).stdout(closed_pipe()).run();
        assert_eq!(run.code(), Some(0), "`recall {}`: stderr:\n{}", args.join(" "), run.stderr());
        assert_eq!(run.stderr(), "", "`recall {}`", args.join(" "));
    }
}

#[test]
fn review_plain_into_a_closed_pipe() {
    let v = sample();
    assert_quiet(v.root(), &["review", "--plain"], Some("\n3\n"));
}

#[test]
fn schedule_into_a_closed_pipe() {
    let v = sample();
    let line = r#"{"comment": null, "sibling": 0, "response": "good", "today": "2024-06-20"}"#;
    assert_quiet(v.root(), &["schedule", "--json"], Some(&format!("{line}\n")));
}

#[test]
fn help_and_version_into_a_closed_pipe() {
    let v = sample();
    assert_quiet(v.root(), &["--help"], None);
    assert_quiet(v.root(), &["--version"], None);
}

#[test]
fn completions_and_man_into_a_closed_pipe() {
    let v = sample();
    assert_quiet(v.root(), &["completions", "bash"], None);
    assert_quiet(v.root(), &["man"], None);
}
