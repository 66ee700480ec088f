//! `recall reschedule`: every operation on a temp vault, exact bytes.

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::util::{BIN, TestVault, copy_dir, run_in};

const TODAY: &str = "2024-06-20";

const A: &str = "#flashcards/kafka\n\nDue::card\n<!--SR:!2024-06-18,10,250-->\nNew::card\nPair:::half scheduled\n<!--SR:!2000-01-01,1,250!2024-06-25,4,230-->\nSame line::card <!--SR:!2024-07-01,40,250-->\n";
const B: &str = "#flashcards/other\r\n\r\nWindows::card\r\n<!--SR:!2024-06-10,3,250-->\r\n";

fn vault() -> TestVault {
    let v = TestVault::new();
    v.file("Kafka/a.md", A).file("Other/b.md", B);
    v
}

fn run(v: &TestVault, args: &[&str]) -> String {
    run_in(v.root(), TODAY, args, None, &[]).ok()
}

#[test]
fn shift_moves_every_scheduled_card_and_nothing_else() {
    let v = vault();
    let out = run(&v, &["reschedule", "--shift", "7", "--apply"]);
    assert!(out.contains("reschedule shift 7: 4 cards in 2 notes changed."), "{out}");
    assert_eq!(
        v.read_str("Kafka/a.md"),
        "#flashcards/kafka\n\nDue::card\n<!--SR:!2024-06-25,10,250-->\nNew::card\nPair:::half scheduled\n<!--SR:!2000-01-01,1,250!2024-07-02,4,230-->\nSame line::card <!--SR:!2024-07-08,40,250-->\n"
    );
    assert_eq!(
        v.read_str("Other/b.md"),
        "#flashcards/other\r\n\r\nWindows::card\r\n<!--SR:!2024-06-17,3,250-->\r\n"
    );
    let log = v.read_str(".recall/reviews.jsonl");
    assert_eq!(
        log.lines().filter(|l| l.contains("\"op\":\"reschedule\"")).count(),
        5,
        "4 cards and the completion"
    );
    // Negative shifts too.
    run(&v, &["reschedule", "--shift", "-7", "--apply"]);
    assert_eq!(v.read_str("Kafka/a.md"), A);
    assert_eq!(v.read_str("Other/b.md"), B);
}

#[test]
fn dry_run_writes_nothing_and_its_diff_is_what_apply_writes() {
    let v = vault();
    let before = v.snapshot();
    let diff = run(&v, &["reschedule", "--spread", "3", "--diff"]);
    assert_eq!(v.snapshot(), before, "a dry run writes nothing, not even the log");
    assert!(diff.contains("--- a/Kafka/a.md"), "{diff}");
    assert!(diff.contains("Dry run: nothing was written."), "{diff}");
    let patch_text: String = diff.split("\nreschedule spread").next().unwrap_or_default().to_owned() + "\n";
    let patched = tempfile::tempdir().expect("tempdir");
    copy_dir(v.root(), patched.path());
    let mut child = Command::new("patch")
        .args(["-p1", "--binary", "-s"])
        .current_dir(patched.path())
        .stdin(Stdio::piped())
        .spawn()
        .expect("patch");
    std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), patch_text.as_bytes()).expect("write");
    assert!(child.wait().expect("wait").success());
    run(&v, &["reschedule", "--spread", "3", "--apply"]);
    for note in ["Kafka/a.md", "Other/b.md"] {
        assert_eq!(std::fs::read(patched.path().join(note)).expect("read"), v.read(note), "{note}");
    }
}

#[test]
fn spread_puts_the_backlog_on_the_coming_days_once() {
    let v = TestVault::new();
    let mut text = String::from("#flashcards\n\n");
    for i in 0..9 {
        text.push_str(&format!("Q{i}::A\n<!--SR:!2024-06-{:02},5,250-->\n", 10 + i));
    }
    v.file("n.md", &text);
    let j: serde_json::Value =
        serde_json::from_str(&run(&v, &["reschedule", "--spread", "3", "--apply", "--json"])).expect("json");
    assert_eq!(j["cards"], 9);
    let days: Vec<(u64, u64)> = j["days"]
        .as_array()
        .expect("days")
        .iter()
        .take(3)
        .map(|d| (d["before"].as_u64().unwrap_or(0), d["after"].as_u64().unwrap_or(0)))
        .collect();
    // The nine overdue cards were all due today before the spread.
    assert_eq!(days, vec![(9, 3), (0, 3), (0, 3)]);
    let after = v.read_str("n.md");
    assert!(after.contains("Q0::A\n<!--SR:!2024-06-20,5,250-->"), "oldest first: {after}");
    assert!(after.contains("Q8::A\n<!--SR:!2024-06-22,5,250-->"), "{after}");
    let again = run(&v, &["reschedule", "--spread", "3", "--apply"]);
    assert!(again.contains("0 cards in 0 notes"), "{again}");
    assert_eq!(v.read_str("n.md"), after);
}

#[test]
fn set_due_today_and_a_seeded_range() {
    let v = vault();
    run(&v, &["reschedule", "--set-due", "0", "--apply", "Other"]);
    assert_eq!(v.read_str("Other/b.md"), B.replace("2024-06-10,3,250", "2024-06-20,3,250"));
    assert_eq!(v.read_str("Kafka/a.md"), A, "the PATH narrows the run");
    let a =
        run(&v, &["reschedule", "--set-due", "3-7!", "--seed", "4", "--json", "--deck", "flashcards/kafka"]);
    let b =
        run(&v, &["reschedule", "--set-due", "3-7!", "--seed", "4", "--json", "--deck", "flashcards/kafka"]);
    assert_eq!(a, b, "the same seed gives the same days");
    let j: serde_json::Value = serde_json::from_str(&a).expect("json");
    assert_eq!(j["cards"], 5, "new cards get a due date too");
    for c in j["changes"].as_array().expect("changes") {
        let due = chrono::NaiveDate::parse_from_str(c["after"]["due"].as_str().expect("due"), "%Y-%m-%d")
            .expect("date");
        let days = (due - chrono::NaiveDate::from_ymd_opt(2024, 6, 20).expect("today")).num_days();
        assert!((3..=7).contains(&days));
        assert_eq!(c["after"]["interval"].as_f64(), Some(days as f64));
    }
}

#[test]
fn reset_removes_comments_and_keeps_scheduled_siblings() {
    let v = vault();
    run(
        &v,
        &["reschedule", "--reset", "--apply", "--deck", "flashcards/kafka", "--due-before", "2024-06-30"],
    );
    assert_eq!(
        v.read_str("Kafka/a.md"),
        "#flashcards/kafka\n\nDue::card\nNew::card\nPair:::half scheduled\nSame line::card <!--SR:!2024-07-01,40,250-->\n"
    );
    run(&v, &["reschedule", "--reset", "--apply"]);
    assert_eq!(
        v.read_str("Kafka/a.md"),
        "#flashcards/kafka\n\nDue::card\nNew::card\nPair:::half scheduled\nSame line::card\n"
    );
    assert_eq!(v.read_str("Other/b.md"), "#flashcards/other\r\n\r\nWindows::card\r\n");
    let again = run(&v, &["reschedule", "--reset", "--apply"]);
    assert!(again.contains("0 cards in 0 notes"), "{again}");
}

#[test]
fn state_filter_and_cap() {
    let v = vault();
    v.settings("{\"maximumInterval\": 20}");
    let out = run(&v, &["reschedule", "--cap", "--state", "scheduled", "--apply"]);
    assert!(out.contains("1 card in 1 note changed."), "{out}");
    assert!(v.read_str("Kafka/a.md").contains("Same line::card <!--SR:!2024-06-11,20,250-->"));
}

#[test]
fn rebalance_moves_within_the_fuzz_range_only() {
    let v = TestVault::new();
    let mut text = String::from("#flashcards\n\n");
    for i in 0..12 {
        text.push_str(&format!("Q{i}::A\n<!--SR:!2024-07-20,30,250-->\n"));
    }
    v.file("n.md", &text);
    let j: serde_json::Value =
        serde_json::from_str(&run(&v, &["reschedule", "--rebalance", "--apply", "--json"])).expect("json");
    for c in j["changes"].as_array().expect("changes") {
        let due = c["after"]["due"].as_str().expect("due");
        assert!(due == "2024-07-19" || due == "2024-07-21", "{due}");
    }
    let counts = |text: &str| ["2024-07-19", "2024-07-20", "2024-07-21"].map(|d| text.matches(d).count());
    assert_eq!(counts(&v.read_str("n.md")), [4, 4, 4]);
}

#[test]
fn an_unfinished_run_is_finished_without_applying_anything_twice() {
    let v = vault();
    run(&v, &["reschedule", "--shift", "7", "--apply"]);
    let done_a = v.read_str("Kafka/a.md");
    // As if the run had been interrupted before b.md and before completing.
    v.file("Other/b.md", B);
    let log = v.read_str(".recall/reviews.jsonl");
    let kept: Vec<&str> =
        log.lines().filter(|l| !l.contains("complete") && !l.contains("Other/b.md")).collect();
    v.file(".recall/reviews.jsonl", kept.join("\n") + "\n");
    let out = run_in(v.root(), TODAY, &["reschedule", "--shift", "7", "--apply"], None, &[]);
    assert!(
        out.stderr().contains("finishing an interrupted run of `shift 7`: 3 card(s) were already done"),
        "{}",
        out.stderr()
    );
    assert!(out.ok().contains("1 card in 1 note changed."));
    assert_eq!(v.read_str("Kafka/a.md"), done_a, "a.md is not shifted twice");
    assert_eq!(v.read_str("Other/b.md"), B.replace("2024-06-10", "2024-06-17"));
    // Complete now: the same command shifts again, as a new run.
    let third = run(&v, &["reschedule", "--shift", "7"]);
    assert!(third.contains("4 cards in 2 notes would change"), "{third}");
}

#[test]
fn killed_part_way_every_note_is_old_or_new() {
    let v = TestVault::new();
    for i in 0..400 {
        v.file(&format!("n/{i:03}.md"), format!("#flashcards\n\nQ{i}::A\n<!--SR:!2024-06-1{},5,250-->\nR{i}::B\n<!--SR:!2024-06-20,3,250-->\n", i % 10));
    }
    let expected = tempfile::tempdir().expect("tempdir");
    copy_dir(v.root(), expected.path());
    run_in(expected.path(), TODAY, &["reschedule", "--shift", "3", "--apply"], None, &[]).ok();
    for delay_ms in [5u64, 40, 120] {
        let mut child = Command::new(BIN)
            .args(["reschedule", "--shift", "3", "--apply", "--today", TODAY, "--vault"])
            .arg(v.root())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let (mut old, mut new) = (0, 0);
        for i in 0..400 {
            let rel = format!("n/{i:03}.md");
            let now = v.read(&rel);
            let was = format!(
                "#flashcards\n\nQ{i}::A\n<!--SR:!2024-06-1{},5,250-->\nR{i}::B\n<!--SR:!2024-06-20,3,250-->\n",
                i % 10
            );
            let then = std::fs::read(expected.path().join(&rel)).expect("expected");
            if now == was.as_bytes() {
                old += 1;
            } else {
                assert_eq!(now, then, "{rel} is neither old nor new");
                new += 1;
            }
        }
        assert_eq!(old + new, 400);
        // Finish the rest: nothing is shifted twice.
        run_in(v.root(), TODAY, &["reschedule", "--shift", "3", "--apply"], None, &[]).ok();
        for i in 0..400 {
            let rel = format!("n/{i:03}.md");
            assert_eq!(v.read(&rel), std::fs::read(expected.path().join(&rel)).expect("expected"), "{rel}");
        }
        let leftovers: Vec<String> =
            v.snapshot().into_iter().map(|(p, _)| p).filter(|p| p.contains(".recall-")).collect();
        assert!(leftovers.is_empty() || delay_ms > 0, "{leftovers:?}");
        // Back to the start for the next round.
        for i in 0..400 {
            v.file(&format!("n/{i:03}.md"), format!("#flashcards\n\nQ{i}::A\n<!--SR:!2024-06-1{},5,250-->\nR{i}::B\n<!--SR:!2024-06-20,3,250-->\n", i % 10));
        }
        std::fs::remove_file(v.path(".recall/reviews.jsonl")).ok();
    }
}

#[test]
fn one_operation_is_required() {
    let v = vault();
    let out = run_in(v.root(), TODAY, &["reschedule"], None, &[]);
    assert_eq!(out.code(), Some(2));
    let out = run_in(v.root(), TODAY, &["reschedule", "--reset", "--cap"], None, &[]);
    assert_eq!(out.code(), Some(2));
}

/// Due dates (`YYYY-MM-DD`) of every schedule comment in `text`, FSRS ones by their day.
fn due_days(text: &str) -> Vec<String> {
    text.split('!')
        .skip(1)
        .filter_map(|seg| {
            let seg = seg.strip_prefix("fsrs,").unwrap_or(seg);
            seg.get(..10).filter(|d| d.as_bytes().get(4) == Some(&b'-')).map(str::to_owned)
        })
        .collect()
}

#[test]
fn exam_brings_every_card_before_the_exam_level_and_once() {
    let v = TestVault::new();
    let mut text = String::from("#flashcards/cert\n\n");
    for i in 0..10 {
        text.push_str(&format!("Q{i}::A\n<!--SR:!2024-07-{:02},30,250-->\n", 1 + i));
    }
    text.push_str("Soon::before the exam\n<!--SR:!2024-06-22,5,250-->\n");
    text.push_str("Memory::kept\n<!--SR:!fsrs,2024-08-01T09:30:00.000Z,42,40.5,5.25,2,6,1,0,2024-06-20T09:30:00.000Z-->\n");
    for i in 0..5 {
        text.push_str(&format!("New{i}::never seen\n"));
    }
    v.file("cert.md", &text);
    let other = "#flashcards/other\n\nElse::left alone\n<!--SR:!2024-07-05,30,250-->\n";
    v.file("other.md", other);
    let before = v.snapshot();
    let dry = run(&v, &["reschedule", "--exam", "2024-06-24", "--deck", "cert"]);
    assert_eq!(v.snapshot(), before, "a dry run writes nothing");
    assert!(dry.contains("reschedule exam 2024-06-24: 11 cards in 1 note would change."), "{dry}");
    assert!(
        dry.contains("Before the exam on 2024-06-24 (4 days, today included): learn 2 new cards a day to see all 5 new cards."),
        "{dry}"
    );
    let diff = run(&v, &["reschedule", "--exam", "2024-06-24", "--deck", "cert", "--diff"]);
    assert!(diff.contains("+<!--SR:!fsrs,2024-06-"), "{diff}");
    let j: serde_json::Value = serde_json::from_str(&run(
        &v,
        &["reschedule", "--exam", "2024-06-24", "--deck", "cert", "--apply", "--json"],
    ))
    .expect("json");
    assert_eq!((j["cards"].as_u64(), j["exam"]["new_per_day"].as_u64()), (Some(11), Some(2)));
    let after = v.read_str("cert.md");
    // No card of the selection is due on or after the exam.
    let days = due_days(&after);
    assert_eq!(days.len(), 12, "{after}");
    assert!(days.iter().all(|d| d.as_str() >= TODAY && d.as_str() < "2024-06-24"), "{days:?}\n{after}");
    assert_eq!(v.read_str("other.md"), other, "another deck is not selected");
    // The load is level: 12 cards over 4 days, 3 a day.
    let mut per_day = std::collections::BTreeMap::new();
    for d in &days {
        *per_day.entry(d.clone()).or_insert(0) += 1;
    }
    assert_eq!(per_day.values().copied().collect::<Vec<i32>>(), vec![3, 3, 3, 3], "{per_day:?}");
    // SM-2 keeps interval and ease; FSRS keeps its memory state and time of day.
    assert!(after.contains("Q0::A\n<!--SR:!2024-06-20,30,250-->"), "soonest first:\n{after}");
    assert!(after.contains("Soon::before the exam\n<!--SR:!2024-06-22,5,250-->"), "{after}");
    let fsrs = after.split("Memory::kept\n").nth(1).and_then(|s| s.lines().next()).expect("the FSRS card");
    assert!(fsrs.starts_with("<!--SR:!fsrs,2024-06-2"), "{fsrs}");
    assert!(fsrs.ends_with("T09:30:00.000Z,42,40.5,5.25,2,6,1,0,2024-06-20T09:30:00.000Z-->"), "{fsrs}");
    let log = v.read_str(".recall/reviews.jsonl");
    assert_eq!(
        log.lines().filter(|l| l.contains("exam 2024-06-24")).count(),
        12,
        "11 cards and the completion"
    );
    // A second run changes nothing.
    let again = run(&v, &["reschedule", "--exam", "2024-06-24", "--deck", "cert", "--apply"]);
    assert!(again.contains("0 cards in 0 notes"), "{again}");
    assert_eq!(v.read_str("cert.md"), after);
}

#[test]
fn an_exam_not_after_today_is_refused() {
    let v = vault();
    let out = run_in(v.root(), TODAY, &["reschedule", "--exam", TODAY], None, &[]);
    assert_eq!(out.code(), Some(2), "{}", out.stderr());
    assert!(out.stderr().contains("is not after today"), "{}", out.stderr());
}
