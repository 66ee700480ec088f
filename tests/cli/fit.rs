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
