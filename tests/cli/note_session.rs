//! `recall review --notes`: the note session on real files, plain and in a
//! pseudo-terminal, compared byte for byte with `recall grade PATH RESPONSE`.

use serde_json::Value;

use crate::util::{TestVault, run_in};

const TODAY: &str = "2024-06-20";

/// Notes of every front-matter shape, in queue order once scanned: due
/// ones by date, then new ones (no links, so PageRank ties keep path order).
fn vault() -> TestVault {
    let v = TestVault::new();
    v.file("A/Due.md", "---\ntags: review # keep\nsr-due: 2024-06-10\nsr-interval: 5\nsr-ease: 250\n---\n# Due\n\nReread this.\n")
        .file("A/Crlf.md", "\u{feff}---\r\ntitle: 'Windows'\r\ntags: [review, x]\r\nsr-due: 2024-06-19\r\nsr-interval: 3\r\nsr-ease: 230\r\n---\r\nCRLF and BOM.\r\n")
        .file("B/Json.md", "---\n{\"tags\": [\"review\"], \"aliases\": [\"j\"]}\n---\nJSON front matter.\n")
        .file("B/None.md", "No front matter. #review\n\nSecond paragraph.")
        .file("B/Later.md", "---\ntags: review\nsr-due: 2024-07-30\nsr-interval: 40\nsr-ease: 250\n---\nNot yet.\n")
        .file("Other.md", "Not for review.\n");
    v
}

/// Runs recall with `input` on stdin; asserts success, returns stdout.
fn stdin_run(v: &TestVault, today: &str, args: &[&str], input: &str) -> String {
    run_in(v.root(), today, args, Some(input.as_bytes()), &[]).ok()
}

/// The note files (the `.recall` folder aside).
fn notes_of(v: &TestVault) -> Vec<(String, Vec<u8>)> {
    v.snapshot().into_iter().filter(|(p, _)| !p.starts_with(".recall")).collect()
}

/// The log's records without their ids and times.
fn log_of(v: &TestVault) -> Vec<Value> {
    let text = std::fs::read_to_string(v.path(".recall/reviews.jsonl")).unwrap_or_default();
    text.lines()
        .map(|l| {
            let mut r: Value = serde_json::from_str(l).expect("a JSON line");
            if let Some(o) = r.as_object_mut() {
                o.remove("id");
                o.remove("ts");
                o.remove("undoes");
            }
            r
        })
        .collect()
}

/// The same answers given one by one with `recall grade PATH RESPONSE`.
fn graded(answers: &[(&str, &str)]) -> TestVault {
    let g = vault();
    for (path, r) in answers {
        g.run(TODAY, &["grade", path, r]).ok();
    }
    g
}

const ANSWERS: [(&str, &str); 4] =
    [("A/Due.md", "good"), ("A/Crlf.md", "hard"), ("B/Json.md", "easy"), ("B/None.md", "good")];

#[test]
fn a_plain_note_session_writes_what_grade_writes() {
    let v = vault();
    let before = notes_of(&v);
    let out = stdin_run(&v, TODAY, &["review", "--notes", "--plain"], "2\n3\n1\n\n");
    assert!(out.contains("[1/4] A/Due.md · #review · due · due 2024-06-10, interval 5, ease 250"), "{out}");
    assert!(out.contains("   Reread this."), "{out}");
    assert!(out.contains("1 Easy "), "{out}");
    assert!(out.contains("[4/4] B/None.md · #review · new"), "{out}");
    assert!(out.contains("Reviewed 4 notes (easy 1, good 2, hard 1)."), "{out}");
    assert!(!out.contains("Later.md"), "{out}");
    let g = graded(&ANSWERS);
    assert_eq!(notes_of(&v), notes_of(&g), "the session and grade differ");
    assert_ne!(notes_of(&v), before);
    // Only the sr- keys changed: the other lines keep every byte.
    let crlf = v.read_str("A/Crlf.md");
    assert!(crlf.starts_with("\u{feff}---\r\ntitle: 'Windows'\r\ntags: [review, x]\r\nsr-due: "), "{crlf:?}");
    assert!(crlf.ends_with("\r\n---\r\nCRLF and BOM.\r\n"), "{crlf:?}");
    assert!(v.read_str("A/Due.md").starts_with("---\ntags: review # keep\nsr-due: "));
    assert!(
        v.read_str("B/Json.md")
            .starts_with("---\n{\"tags\": [\"review\"], \"aliases\": [\"j\"], \"sr-due\": \"")
    );
    assert!(v.read_str("B/None.md").ends_with("---\nNo front matter. #review\n\nSecond paragraph."));
    // Logged as grade logs a note review (the op aside: both are note reviews).
    assert_eq!(log_of(&v), log_of(&g));
    assert!(log_of(&v).iter().all(|r| r["op"] == "note-review"), "{:?}", log_of(&v));
}

#[test]
fn undo_restores_the_notes_bytes_and_skip_moves_on() {
    let v = vault();
    let before = notes_of(&v);
    let out = stdin_run(&v, TODAY, &["review", "--notes", "--plain"], "1\nundo\nskip\n3\nundo\nundo\nquit\n");
    assert!(out.contains("undid Easy on A/Due.md"), "{out}");
    assert!(out.contains("undid Hard on A/Crlf.md"), "{out}");
    assert!(out.contains("undid the skip of A/Due.md"), "{out}");
    assert_eq!(notes_of(&v), before);
    let ops: Vec<Value> = log_of(&v).iter().map(|r| r["op"].clone()).collect();
    assert_eq!(ops, ["note-review", "undo", "note-review", "undo"]);
}

#[test]
fn deck_today_and_an_empty_queue() {
    let v = vault();
    v.settings(r##"{"tagsToReview": ["#review", "#x"]}"##);
    let out = stdin_run(&v, TODAY, &["review", "--notes", "--plain", "--deck", "x"], "quit\n");
    assert!(out.contains("[1/1] A/Crlf.md · #x · due"), "{out}");
    // A month later the scheduled note is due too and comes first.
    let out = stdin_run(&v, "2024-08-01", &["review", "--notes", "--plain"], "quit\n");
    assert!(out.contains("[1/5] A/Due.md"), "{out}");
    assert!(out.contains("B/Later.md") || out.contains("5 notes left"), "{out}");
    // --now pins the day as --today does.
    let run = crate::util::Recall::new()
        .vault(v.root())
        .now("2024-08-01T09:00:00Z")
        .args(["review", "--notes", "--plain"])
        .stdin("quit\n")
        .run();
    assert!(run.ok().contains("[1/5] A/Due.md"), "{}", run.stdout());
    let empty = TestVault::new();
    empty.file("n.md", "Nothing to reread.\n");
    let out = empty.run(TODAY, &["review", "--notes", "--plain"]).ok();
    assert_eq!(out, "No notes to review today.\n");
}

#[test]
fn bury_sibling_cards_buries_the_reviewed_notes_flashcards_for_the_day() {
    let v = TestVault::new();
    v.file(
        "Kafka.md",
        "#review #flashcards\n\nWhat is acks?::The producer's durability setting\n\nISR?::In-sync replicas\n",
    )
    .settings(r#"{"burySiblingCards": true}"#);
    let cards = stdin_run(&v, TODAY, &["review", "--plain"], "quit\n");
    assert!(cards.contains("[1/2] Kafka.md:"), "{cards}");
    stdin_run(&v, TODAY, &["review", "--notes", "--plain"], "2\n");
    let buried: Value = serde_json::from_str(&v.read_str(".recall/buried.json")).expect("json");
    assert_eq!(buried["day"], TODAY);
    assert_eq!(buried["questions"].as_array().map(Vec::len), Some(2));
    let cards = stdin_run(&v, TODAY, &["review", "--plain"], "quit\n");
    assert!(cards.starts_with("Nothing to review today."), "{cards}");
    // The next day they are back.
    let cards = stdin_run(&v, "2024-06-21", &["review", "--plain"], "quit\n");
    assert!(cards.contains("[1/2] Kafka.md:"), "{cards}");
    // Without the setting nothing is buried.
    let w = TestVault::new();
    w.file("Kafka.md", "#review #flashcards\n\nWhat is acks?::durability\n");
    stdin_run(&w, TODAY, &["review", "--notes", "--plain"], "2\n");
    assert!(!w.path(".recall/buried.json").exists());
}

/// `recall review --notes` at the test day in a terminal.
fn pty(vault: &std::path::Path) -> crate::pty::Pty {
    crate::pty::Pty::start(&["review", "--notes", "--today", TODAY], vault, 20, 80, &[])
}

#[test]
fn full_screen_note_session_in_a_pseudo_terminal() {
    let v = vault();
    let long: String = (1..=40).map(|i| format!("Paragraph {i}.")).collect::<Vec<_>>().join("\n\n") + "\n\n";
    v.file("A/Due.md", format!("---\ntags: review # keep\nsr-due: 2024-06-10\nsr-interval: 5\nsr-ease: 250\n---\n# Due\n\n{long}The end.\n"));
    let mut pty = pty(v.root());
    // The key bar is drawn last: the whole first frame is there.
    pty.wait_for("q quit");
    let s = pty.wait_for("Paragraph 1.");
    assert!(s.contains("A/Due.md · #review · due"), "{s}");
    assert!(s.contains("[1] Easy") && s.contains("[2] Good") && s.contains("[3] Hard"), "{s}");
    assert!(!s.contains("The end."), "{s}");
    pty.keys("G");
    pty.wait_for("The end.");
    pty.keys("g");
    pty.wait_for("Paragraph 1.");
    pty.keys("1");
    pty.wait_for("CRLF and BOM.");
    pty.keys("u");
    pty.wait_for("Undid Easy on A/Due.md");
    pty.keys("2");
    pty.wait_for("CRLF and BOM.");
    pty.keys("3");
    pty.wait_for("JSON front matter.");
    pty.keys("q");
    let status = pty.child.wait().expect("wait");
    assert!(status.success(), "exit status {status:?}");
    let g = vault();
    g.file("A/Due.md", format!("---\ntags: review # keep\nsr-due: 2024-06-10\nsr-interval: 5\nsr-ease: 250\n---\n# Due\n\n{long}The end.\n"));
    for (path, r) in [("A/Due.md", "good"), ("A/Crlf.md", "hard")] {
        g.run(TODAY, &["grade", path, r]).ok();
    }
    assert_eq!(notes_of(&v), notes_of(&g));
}
