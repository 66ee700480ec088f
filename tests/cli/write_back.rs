//! Write-back safety: minimal edits, conflicts, crashes, full disks,
//! read-only and vanished notes, dry runs.

use std::fs;
use std::process::Command;

use recall::answer::relocate;
use recall::edit::apply::apply_edits;
use recall::edit::plan::plan_schedule;
use recall::schedule::{Histogram, Response, schedule_card};
use recall::vault::{LoadOptions, load};

use crate::util::{BIN, Recall, TestVault};

const NOTE: &str = "#flashcards/kafka\r\n\r\nacks=all::the leader waits for the ISR\r\n\r\nLeader epoch\r\n?\r\nfences stale leaders\r\n";

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2024, 6, 20).expect("date")
}

fn temp_files(v: &TestVault) -> Vec<String> {
    v.snapshot().into_iter().map(|(p, _)| p).filter(|p| p.contains(".recall-")).collect()
}

#[cfg(unix)]
#[test]
fn grade_keeps_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let v = TestVault::new();
    v.file("n.md", NOTE);
    fs::set_permissions(v.path("n.md"), fs::Permissions::from_mode(0o640)).expect("chmod");
    v.run("2024-06-20", &["grade", "n.md:3", "good"]).ok();
    assert_eq!(fs::metadata(v.path("n.md")).expect("meta").permissions().mode() & 0o777, 0o640);
    assert_eq!(v.read_str("n.md"), NOTE.replace("ISR\r\n", "ISR\r\n<!--SR:!2024-06-23,3,250-->\r\n"));
}

/// Loads the vault, plans a grade of the question on `line`, then lets the
/// test change the file before the edit is applied.
fn grade_with_interference(
    v: &TestVault,
    line: usize,
    interfere: impl Fn(&TestVault),
) -> Result<String, String> {
    let vault = load(v.root(), &LoadOptions::at_day(today())).map_err(|e| e.to_string())?;
    let idx = vault.find("n.md").expect("note");
    let vn = &vault.notes[idx];
    let q = vn.note.questions.iter().find(|q| q.first_line + 1 == line).expect("question");
    let next = schedule_card(
        &q.schedule(0),
        Response::Good,
        &vault.when(),
        &vault.config.settings,
        None,
        Some(&Histogram::default()),
    )
    .expect("next");
    let edit = plan_schedule(&vn.note, q, 0, &next, &vault.config.settings).expect("plan");
    interfere(v);
    let segment = next.segment();
    let opts = vault.parse_options();
    apply_edits(&vn.abs, &vn.note.text, &[edit], &|text| {
        relocate(&opts, None, &vn.note, q, 0, &segment, text)
    })
    .map(|(_, text)| text)
    .map_err(|e| e.to_string())
}

#[test]
fn a_note_edited_mid_way_gets_the_edit_on_the_unchanged_question() {
    let v = TestVault::new();
    v.file("n.md", NOTE);
    let written = grade_with_interference(&v, 5, |v| {
        // Another program adds a card above while recall is working.
        let text = v.read_str("n.md").replace("\r\n\r\nacks", "\r\n\r\nNew::card from the phone\r\n\r\nacks");
        v.file("n.md", text);
    })
    .expect("relocated");
    let expected = "#flashcards/kafka\r\n\r\nNew::card from the phone\r\n\r\nacks=all::the leader waits for the ISR\r\n\r\nLeader epoch\r\n?\r\nfences stale leaders\r\n<!--SR:!2024-06-23,3,250-->\r\n";
    assert_eq!(written, expected);
    assert_eq!(v.read_str("n.md"), expected);
}

#[test]
fn a_note_whose_question_changed_mid_way_is_left_alone() {
    let v = TestVault::new();
    v.file("n.md", NOTE);
    let changed = NOTE.replace("fences stale leaders", "fences stale leaders and zombies");
    let err = grade_with_interference(&v, 5, |v| {
        v.file("n.md", &changed);
    })
    .expect_err("refused");
    assert!(err.contains("n.md") && err.contains("changed on disk"), "{err}");
    assert_eq!(v.read_str("n.md"), changed);
}

#[test]
fn a_note_deleted_mid_way_is_an_error() {
    let v = TestVault::new();
    v.file("n.md", NOTE);
    let err =
        grade_with_interference(&v, 3, |v| fs::remove_file(v.path("n.md")).expect("rm")).expect_err("gone");
    assert!(err.contains("n.md") && err.contains("deleted or moved"), "{err}");
    assert!(!v.path("n.md").exists());
}

#[test]
fn a_crash_between_temp_write_and_rename_leaves_the_old_note() {
    let v = TestVault::new();
    v.file("n.md", NOTE);
    let run = v.run_env("2024-06-20", &["grade", "n.md:3", "good"], &[("RECALL_FAILPOINT", "before-rename")]);
    assert!(!run.output.status.success(), "the failpoint aborts the process");
    assert_eq!(v.read_str("n.md"), NOTE, "the note is untouched");
    assert_eq!(temp_files(&v).len(), 1, "the crash left its temp file");
    // The next run writes the note and removes the stale temp file.
    v.run("2024-06-20", &["grade", "n.md:3", "good"]).ok();
    assert!(v.read_str("n.md").contains("<!--SR:!2024-06-23,3,250-->"));
    assert_eq!(temp_files(&v), Vec::<String>::new());
}

#[cfg(unix)]
#[test]
fn a_full_disk_leaves_the_note_intact() {
    let v = TestVault::new();
    let mut text = NOTE.to_owned();
    text.push_str(&"Padding prose line to make the note bigger than the file-size limit.\r\n".repeat(40));
    v.file("n.md", &text);
    // `ulimit -f 1` makes every write past 512 bytes fail (EFBIG), as a full disk would.
    let mut sh = Command::new("sh");
    sh.arg("-c").arg(format!("trap '' XFSZ; ulimit -f 1; exec '{BIN}' \"$@\"")).arg("sh");
    let run = Recall::through(sh).args(["grade", "n.md:3", "good"]).vault(v.root()).today("2024-06-20").run();
    assert_eq!(run.code(), Some(1));
    let err = run.stderr();
    assert!(err.contains("n.md") && err.contains("too large"), "{err}");
    assert_eq!(v.read_str("n.md"), text);
    assert_eq!(temp_files(&v), Vec::<String>::new());
}

#[test]
fn a_read_only_note_is_not_written() {
    let v = TestVault::new();
    v.file("n.md", NOTE);
    let mut perm = fs::metadata(v.path("n.md")).expect("meta").permissions();
    perm.set_readonly(true);
    fs::set_permissions(v.path("n.md"), perm).expect("chmod");
    let writable = fs::OpenOptions::new().write(true).open(v.path("n.md")).is_ok();
    let run = v.run("2024-06-20", &["grade", "n.md:3", "good"]);
    if writable {
        // Root may write a file without write bits, as any editor would: the
        // grade lands and the mode stays (a read-only mount is in faults.rs).
        run.ok();
        assert_ne!(v.read_str("n.md"), NOTE);
        assert!(fs::metadata(v.path("n.md")).expect("meta").permissions().readonly());
    } else {
        assert_eq!(run.code(), Some(1));
        assert!(run.stderr().contains("n.md: the note is read-only"), "{}", run.stderr());
        assert_eq!(v.read_str("n.md"), NOTE);
    }
}

#[test]
fn dry_run_prints_a_diff_that_patch_applies_and_writes_nothing() {
    let v = TestVault::new();
    v.file("Kafka/n.md", NOTE);
    let before = v.snapshot();
    let diff = v.run("2024-06-20", &["grade", "Kafka/n.md:6", "easy", "--dry-run"]).ok();
    assert_eq!(v.snapshot(), before);
    assert!(diff.starts_with("--- a/Kafka/n.md\n+++ b/Kafka/n.md\n"), "{diff}");
    assert!(diff.contains("+<!--SR:!2024-06-24,4,270-->"), "{diff}");
    let patched = tempfile::tempdir().expect("tempdir");
    crate::util::copy_dir(v.root(), patched.path());
    let mut child = Command::new("patch")
        .args(["-p1", "--binary", "-s"])
        .current_dir(patched.path())
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("patch");
    use std::io::Write;
    child.stdin.take().expect("stdin").write_all(diff.as_bytes()).expect("write");
    assert!(child.wait().expect("wait").success());
    v.run("2024-06-20", &["grade", "Kafka/n.md:6", "easy"]).ok();
    assert_eq!(fs::read(patched.path().join("Kafka/n.md")).expect("read"), v.read("Kafka/n.md"));
}

#[test]
fn grade_json_reports_before_and_after() {
    let v = TestVault::new();
    v.file("n.md", "#flashcards\nQ::A\n<!--SR:!2024-06-18,10,250-->\n");
    let j = v.run("2024-06-20", &["grade", "n.md:3", "hard", "--json"]).json();
    assert_eq!(j["before"], serde_json::json!({"due": "2024-06-18", "interval": 10.0, "ease": 250.0}));
    assert_eq!(j["after"], serde_json::json!({"due": "2024-06-25", "interval": 5.0, "ease": 230.0}));
    assert_eq!(j["written"], true);
    assert_eq!(v.read_str("n.md"), "#flashcards\nQ::A\n<!--SR:!2024-06-25,5,230-->\n");
}

#[test]
fn grade_refuses_lines_without_cards_and_missing_siblings() {
    let v = TestVault::new();
    v.file("n.md", "#flashcards\n\nprose\n\nQ::A\n");
    let run = v.run("2024-06-20", &["grade", "n.md:3", "good"]);
    assert_eq!(run.code(), Some(1));
    assert!(run.stderr().contains("n.md:3: no card on this line"), "{}", run.stderr());
    assert!(run.stderr().contains("hint: cards start on lines 5"), "{}", run.stderr());
    let run = v.run("2024-06-20", &["grade", "n.md:5#1", "good"]);
    assert_eq!(run.code(), Some(1));
    assert!(run.stderr().contains("1 card(s)"), "{}", run.stderr());
    assert_eq!(v.read_str("n.md"), "#flashcards\n\nprose\n\nQ::A\n");
}

#[test]
fn grade_appends_to_the_review_log() {
    let v = TestVault::new();
    v.file("n.md", "#flashcards\nQ::A\n<!--SR:!2024-06-18,10,250-->\n");
    v.run("2024-06-20", &["grade", "n.md:2", "good"]).ok();
    let log = v.read_str(".recall/reviews.jsonl");
    let lines: Vec<serde_json::Value> = log.lines().map(|l| serde_json::from_str(l).expect("json")).collect();
    assert_eq!(lines.len(), 1);
    let r = &lines[0];
    assert_eq!(r["op"], "grade");
    assert_eq!(r["path"], "n.md");
    assert_eq!(r["line"], 2);
    assert_eq!(r["response"], "good");
    assert_eq!(r["day"], "2024-06-20");
    assert_eq!(r["before"], serde_json::json!({"due": "2024-06-18", "interval": 10.0, "ease": 250.0}));
    assert_eq!(r["after"], serde_json::json!({"due": "2024-07-15", "interval": 25.0, "ease": 250.0}));
    // A dry run logs nothing.
    v.run("2024-06-20", &["grade", "n.md:2", "good", "--dry-run"]).ok();
    assert_eq!(v.read_str(".recall/reviews.jsonl").lines().count(), 1);
}
