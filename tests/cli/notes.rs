//! Note review: `recall notes` and `recall grade PATH easy|good|hard` on
//! real files (bytes compared; only the `sr-` lines may change).

use serde_json::{Value, json};

use recall::edit::apply::{Outcome, apply_edits};
use recall::notes::plan_edit;
use recall::schedule::{Ease, Interval, Sm2};

use crate::util::TestVault;

const TODAY: &str = "2024-06-20";

fn vault() -> TestVault {
    let v = TestVault::new();
    v.file("Topics/Raft.md", "---\ntags: review\nsr-due: 2024-06-16\nsr-interval: 10\nsr-ease: 270\n---\n# Raft\n\nSee [[Paxos]].\n")
        .file(
            "Topics/Paxos.md",
            "---\ntags:\n  - review\nsr-due: 2024-06-25\nsr-interval: 4.5\nsr-ease: 230\n---\n# Paxos\n",
        )
        .file("Topics/Consensus.md", "---\ntags: [review]\n---\nCompare [[Raft]] with [[Paxos|the paper]].\n")
        .file("Inbox/Idea.md", "An idea. #review\n")
        .file("Inbox/Study.md", "---\ntags: [study/deep]\n---\nDeep work.\n")
        .file("Plain.md", "No review tag, links to [[Raft]].\n");
    v
}

#[test]
fn notes_json_is_the_queue_with_json_types() {
    let v = vault();
    let got = v.run(TODAY, &["notes", "--json"]).json();
    let rows: Vec<Value> = got
        .as_array()
        .expect("array")
        .iter()
        .map(|n| json!([n["deck"], n["path"], n["state"], n["due"], n["interval"], n["ease"]]))
        .collect();
    assert_eq!(
        rows,
        vec![
            json!(["#review", "Topics/Raft.md", "due", "2024-06-16", 10, 270]),
            json!(["#review", "Topics/Consensus.md", "new", null, null, null]),
            json!(["#review", "Inbox/Idea.md", "new", null, null, null]),
            json!(["#review", "Topics/Paxos.md", "scheduled", "2024-06-25", 4.5, 230]),
        ]
    );
    // 10 is an integer, 4.5 a decimal: printed as JavaScript prints them.
    let text = v.run(TODAY, &["notes", "--json"]).ok();
    assert!(text.contains("\"interval\":10,") && text.contains("\"interval\":4.5,"), "{text}");
    assert!(got[0]["rank"].as_f64().is_some_and(|r| r > 0.0));
    assert_eq!(got[2]["rank"], json!(0));
}

#[test]
fn notes_by_deck_and_path_and_as_a_table() {
    let v = vault();
    v.settings(r##"{"tagsToReview": ["#review", "#study"]}"##);
    let got = v.run(TODAY, &["notes", "--json", "--deck", "study"]).json();
    assert_eq!(
        got,
        json!([{"deck": "#study", "path": "Inbox/Study.md", "due": null, "interval": null,
        "ease": null, "state": "new", "rank": 0}])
    );
    let got = v.run(TODAY, &["notes", "--json", "Inbox"]).json();
    let paths: Vec<&str> = got.as_array().expect("array").iter().filter_map(|n| n["path"].as_str()).collect();
    assert_eq!(paths, ["Inbox/Idea.md", "Inbox/Study.md"]);
    let table = v.run(TODAY, &["notes"]).ok();
    let first = table.lines().next().expect("a row");
    let cols: Vec<&str> = first.split_whitespace().collect();
    assert_eq!(&cols[..6], ["#review", "Topics/Raft.md", "due", "2024-06-16", "10", "270"], "{table}");
}

/// Grades `path` and asserts the note's new bytes; every other file stays.
fn graded(v: &TestVault, path: &str, response: &str, want: &str) {
    let before = v.snapshot();
    v.run(TODAY, &["grade", path, response]).ok();
    assert_eq!(v.read_str(path), want);
    for (p, bytes) in before {
        if p != path && !p.starts_with(".recall") {
            assert_eq!(v.read(&p), bytes, "{p} changed");
        }
    }
}

#[test]
fn a_new_yaml_note_gets_three_lines_before_the_closing_dashes() {
    let v = vault();
    // Links to Raft (270) and Paxos (230): ease 249 from their ranks.
    graded(
        &v,
        "Topics/Consensus.md",
        "good",
        "---\ntags: [review]\nsr-due: 2024-06-22\nsr-interval: 2\nsr-ease: 249\n---\nCompare [[Raft]] with [[Paxos|the paper]].\n",
    );
}

#[test]
fn an_overdue_note_is_rewritten_in_place() {
    let v = vault();
    graded(
        &v,
        "Topics/Raft.md",
        "good",
        "---\ntags: review\nsr-due: 2024-07-22\nsr-interval: 32\nsr-ease: 270\n---\n# Raft\n\nSee [[Paxos]].\n",
    );
    let log = v.read_str(".recall/reviews.jsonl");
    let r: Value = serde_json::from_str(log.lines().next().expect("record")).expect("json");
    assert_eq!(r["op"], "note-review");
    assert_eq!(r["path"], "Topics/Raft.md");
    assert_eq!(r["response"], "good");
    assert_eq!(r["before"], json!({"due": "2024-06-16", "interval": 10.0, "ease": 270.0}));
    assert_eq!(r["after"], json!({"due": "2024-07-22", "interval": 32.0, "ease": 270.0}));
    assert_eq!(r["decks"], json!(["#review"]));
}

#[test]
fn crlf_bom_comments_and_quotes_survive() {
    let v = TestVault::new();
    let text = "\u{feff}---\r\n# owner: me\r\ntags: review # inline\r\ntitle: 'Windows line endings'\r\naliases: [\"a\", b]\r\n---\r\nWritten on Windows.  \r\nNo final newline";
    v.file("w.md", text);
    graded(
        &v,
        "w.md",
        "hard",
        "\u{feff}---\r\n# owner: me\r\ntags: review # inline\r\ntitle: 'Windows line endings'\r\naliases: [\"a\", b]\r\nsr-due: 2024-06-21\r\nsr-interval: 1\r\nsr-ease: 230\r\n---\r\nWritten on Windows.  \r\nNo final newline",
    );
    // Reviewed a day late: (1 + 1) × 2.5 × 1.3 = 6.5 → 7; the three lines change where they stand.
    v.run("2024-06-22", &["grade", "w.md", "easy"]).ok();
    assert_eq!(
        v.read_str("w.md"),
        "\u{feff}---\r\n# owner: me\r\ntags: review # inline\r\ntitle: 'Windows line endings'\r\naliases: [\"a\", b]\r\nsr-due: 2024-06-29\r\nsr-interval: 7\r\nsr-ease: 250\r\n---\r\nWritten on Windows.  \r\nNo final newline"
    );
}

#[test]
fn one_line_json_front_matter_stays_json() {
    let v = TestVault::new();
    v.file("j.md", "---\n{\"tags\": [\"review\"], \"sr-due\": \"2024-06-19\", \"sr-interval\": 3, \"sr-ease\": 250}\n---\nJSON.\n");
    graded(
        &v,
        "j.md",
        "good",
        "---\n{\"tags\": [\"review\"], \"sr-due\": \"2024-06-29\", \"sr-interval\": 9, \"sr-ease\": 250}\n---\nJSON.\n",
    );
}

#[test]
fn a_note_without_front_matter_gets_one() {
    let v = TestVault::new();
    v.file("n.md", "Body #review\r\nsecond line\r\n");
    graded(
        &v,
        "n.md",
        "good",
        "---\r\nsr-due: 2024-06-23\r\nsr-interval: 3\r\nsr-ease: 250\r\n---\r\nBody #review\r\nsecond line\r\n",
    );
}

#[test]
fn a_note_with_a_colon_in_its_name_is_a_note_and_cards_still_take_lines() {
    let v = TestVault::new();
    v.file("Meeting 10:30.md", "#review #flashcards\n\nQ::A\n");
    v.run(TODAY, &["grade", "Meeting 10:30.md", "good"]).ok();
    assert!(v.read_str("Meeting 10:30.md").starts_with("---\nsr-due: 2024-06-23\n"));
    v.run(TODAY, &["grade", "Meeting 10:30.md:8", "good"]).ok();
    assert!(v.read_str("Meeting 10:30.md").ends_with("Q::A\n<!--SR:!2024-06-23,3,250-->\n"));
}

#[test]
fn dry_run_and_json() {
    let v = vault();
    let before = v.snapshot();
    let diff = v.run(TODAY, &["grade", "Inbox/Idea.md", "easy", "--dry-run"]).ok();
    assert!(diff.contains("+sr-ease: 270"), "{diff}");
    assert_eq!(v.snapshot(), before);
    let j = v.run(TODAY, &["grade", "Topics/Paxos.md", "easy", "--json"]).json();
    assert_eq!(
        j,
        json!({"path": "Topics/Paxos.md", "note": true, "response": "easy",
            "before": {"due": "2024-06-25", "interval": 4.5, "ease": 230},
            "after": {"due": "2024-07-05", "interval": 15, "ease": 250}, "written": true})
    );
}

#[test]
fn refusals_leave_the_vault_alone() {
    let v = vault();
    v.settings(r##"{"noteTagsToIgnore": ["#skip"], "noteFoldersToIgnore": ["Archive"]}"##);
    v.file("Skip.md", "#review #skip\n");
    v.file("Archive/Old.md", "#review\n");
    v.file("Broken.md", "---\ntags: [review\n---\n#review\n");
    let before = v.snapshot();
    for (path, response, code, says) in [
        ("Topics/Raft.md", "again", 2, "easy, good or hard"),
        ("Topics/Raft.md", "reset", 2, "easy, good or hard"),
        ("Plain.md", "good", 1, "no review tag"),
        ("Skip.md", "good", 1, "noteTagsToIgnore"),
        ("Archive/Old.md", "good", 1, "noteFoldersToIgnore"),
        ("Broken.md", "good", 1, "not valid YAML"),
        ("Nowhere.md", "good", 2, "no such note"),
    ] {
        let run = v.run(TODAY, &["grade", path, response]);
        assert_eq!(run.code(), Some(code), "{path} {response}: {}", run.stderr());
        assert!(run.stderr().contains(says), "{path}: {}", run.stderr());
    }
    assert_eq!(v.snapshot(), before);
    let hint = v.run(TODAY, &["grade", "Plain.md", "good"]).stderr();
    assert!(hint.contains("hint: add a review tag such as #review"), "{hint}");
}

#[test]
fn a_note_changed_on_disk_gets_the_edit_planned_again() {
    let v = TestVault::new();
    let original = "---\ntags: review\n---\nText.\n";
    v.file("n.md", original);
    let next = Sm2 {
        due: chrono::NaiveDate::from_ymd_opt(2024, 6, 23).expect("date"),
        interval: Interval(3.0),
        ease: Ease(250.0),
    };
    let edits = plan_edit(original, &next).expect("plan");
    // A sync client adds a key above while recall is working.
    v.file("n.md", "---\nup: x\ntags: review\n---\nText, edited.\n");
    let (outcome, _) =
        apply_edits(&v.path("n.md"), original, &edits, &|t| plan_edit(t, &next).ok()).expect("apply");
    assert_eq!(outcome, Outcome::Relocated);
    assert_eq!(
        v.read_str("n.md"),
        "---\nup: x\ntags: review\nsr-due: 2024-06-23\nsr-interval: 3\nsr-ease: 250\n---\nText, edited.\n"
    );
}
