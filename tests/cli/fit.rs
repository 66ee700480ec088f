//! Fit and finish: what a real vault and a real user tripped over (one test
//! per fault, each named after what must hold).

use crate::util::{Recall, TestVault};

const NOTE: &str = "#flashcards\n\nQ::A\n";

/// `--today 26-12-01` was read as the year 0026 and a grade wrote a date
/// 100 years away; every date and time argument is strict now, and a bad
/// one stops the command before anything is read or written.
#[test]
fn dates_need_four_digit_years_and_stop_before_anything_is_written() {
    let v = TestVault::new();
    v.file("n.md", NOTE);
    let before = v.snapshot();
    let bad = [
        vec!["--today", "26-12-01", "grade", "n.md:3", "good"],
        vec!["--today", "2026-12-1", "grade", "n.md:3", "good"],
        vec!["--now", "2026-12-01", "grade", "n.md:3", "good"],
        vec!["--now", "26-12-01T10:00:00Z", "grade", "n.md:3", "good"],
        vec!["reschedule", "--shift", "1", "--due-before", "26-12-01", "--apply"],
        vec!["reschedule", "--shift", "1", "--due-after", "2026/12/01", "--apply"],
    ];
    for args in bad {
        let run = Recall::new().vault(v.root()).args(&args).run();
        assert_eq!(run.code(), Some(2), "{args:?}: {}", run.stderr());
        assert!(
            run.stderr().contains("four-digit year") || run.stderr().contains("RFC 3339"),
            "{}",
            run.stderr()
        );
    }
    let run =
        Recall::new().vault(v.root()).env("RECALL_TODAY", "26-12-01").args(["grade", "n.md:3", "good"]).run();
    assert_eq!(run.code(), Some(2), "{}", run.stderr());
    let run =
        Recall::new().vault(v.root()).env("RECALL_NOW", "yesterday").args(["grade", "n.md:3", "good"]).run();
    assert_eq!(run.code(), Some(2), "{}", run.stderr());
    assert_eq!(v.snapshot(), before);
}

/// `--now` pins the moment; with `--today` it must name the same day.
#[test]
fn now_and_today_agree_or_the_command_stops() {
    let v = TestVault::new();
    v.file("n.md", NOTE);
    let run =
        Recall::new().vault(v.root()).today("2026-12-02").now("2026-12-01T10:00:00Z").args(["cards"]).run();
    assert_eq!(run.code(), Some(2), "{}", run.stderr());
    assert!(run.stderr().contains("not the local date"), "{}", run.stderr());
    Recall::new().vault(v.root()).now("2026-12-01T10:00:00Z").args(["grade", "n.md:3", "good"]).run().ok();
    assert_eq!(v.read_str("n.md"), "#flashcards\n\nQ::A\n<!--SR:!2026-12-04,3,250-->\n");
}

/// A note whose name is at the 255-byte limit: the temp file's name used to
/// grow with it ("File name too long"); it has a fixed length now.
#[test]
fn a_note_with_a_250_byte_cjk_name_can_be_graded_and_leaves_no_temp_file() {
    let v = TestVault::new();
    let name = format!("{}a.md", "漢".repeat(82));
    assert_eq!(name.len(), 250);
    v.file(&format!("Kafka/{name}"), NOTE);
    let target = format!("Kafka/{name}:3");
    v.run("2026-12-01", &["grade", &target, "good"]).ok();
    assert_eq!(v.read_str(&format!("Kafka/{name}")), "#flashcards\n\nQ::A\n<!--SR:!2026-12-04,3,250-->\n");
    let leftovers: Vec<String> =
        v.snapshot().into_iter().map(|(p, _)| p).filter(|p| p.contains(".tmp")).collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Grading a note that is a symbolic link used to replace the link with a
/// regular file and leave the real note unchanged; the answer now lands in
/// the real note and the link stays a link.
#[cfg(unix)]
#[test]
fn a_symlinked_note_is_written_through_the_link() {
    let v = TestVault::new();
    v.file("Real/n.md", NOTE);
    std::fs::create_dir_all(v.path("Links")).expect("mkdir");
    std::os::unix::fs::symlink(v.path("Real/n.md"), v.path("Links/n.md")).expect("symlink");
    // Only the link is in the vault's scope of this grade; both are notes.
    v.run("2026-12-01", &["grade", "Links/n.md:3", "good"]).ok();
    let meta = std::fs::symlink_metadata(v.path("Links/n.md")).expect("meta");
    assert!(meta.file_type().is_symlink(), "the link was replaced by a file");
    assert_eq!(v.read_str("Real/n.md"), "#flashcards\n\nQ::A\n<!--SR:!2026-12-04,3,250-->\n");
    let leftovers: Vec<String> =
        v.snapshot().into_iter().map(|(p, _)| p).filter(|p| p.contains(".tmp")).collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
