//! `recall review`: plain mode against `recall grade`, safe output, and a
//! real session in a pseudo-terminal.

use std::time::{Duration, Instant};

use crate::util::{TestVault, run_in};

const TODAY: &str = "2024-06-20";
const A: &str = "---\ntags: [flashcards/kafka]\n---\n# Producers\n\nacks=all::waits for the full ISR\n<!--SR:!2024-06-18,10,250-->\nlinger.ms:::how long a batch waits\r\n<!--SR:!2024-06-19,4,230!2024-06-30,9,250-->\n";
const B: &str = "#flashcards/kafka\r\n\r\nWhich topic stores offsets?\r\n?\r\n`__consumer_offsets`\r\n";

fn vault() -> TestVault {
    let v = TestVault::new();
    v.file("Kafka/a.md", A).file("Kafka/b.md", B);
    v
}

fn review_plain(v: &TestVault, script: &str) -> String {
    let run =
        run_in(v.root(), TODAY, &["review", "--plain", "--order", "due-first"], Some(script.as_bytes()), &[]);
    run.ok()
}

#[test]
fn plain_session_writes_what_grade_writes() {
    let session = vault();
    let out = review_plain(&session, "\n3\n\n1\n\n4\n\n2\n\n3\nquit\n");
    assert!(out.contains("[1/3] Kafka/a.md:6 · flashcards/kafka · review"), "{out}");
    assert!(out.contains("Q: acks=all"), "{out}");
    assert!(out.contains("1 again now · 2 hard 5d · 3 good 25d · 4 easy 1.1m"), "{out}");
    assert!(out.contains("Reviewed 4 cards"), "{out}");
    assert!(out.contains("Again 1 · Hard 1 · Good 1 · Easy 1"), "{out}");

    // The same answers, one `recall grade` at a time, on a second copy.
    let graded = vault();
    for (target, r) in [
        ("Kafka/a.md:6", "good"),
        ("Kafka/a.md:8", "again"),
        ("Kafka/b.md:3", "easy"),
        ("Kafka/a.md:8", "hard"),
    ] {
        run_in(graded.root(), TODAY, &["grade", target, r], None, &[]).ok();
    }
    for note in ["Kafka/a.md", "Kafka/b.md"] {
        assert_eq!(session.read_str(note), graded.read_str(note), "{note}");
    }
    assert_ne!(session.read_str("Kafka/a.md"), A);
    let log = session.read_str(".recall/reviews.jsonl");
    assert_eq!(log.lines().count(), 4);
    assert!(log.lines().all(|l| l.contains("\"op\":\"review\"")));
}

#[test]
fn plain_undo_skip_bury_and_eof() {
    let v = vault();
    let out = review_plain(&v, "\n3\nundo\nskip\nbury\n");
    assert!(out.contains("undid Good on Kafka/a.md:"), "{out}");
    assert_eq!(v.read_str("Kafka/a.md"), A, "the undone answer left no trace in the note");
    assert!(out.contains("Reviewed 0 cards"), "{out}");
    assert!(out.contains("skipped 1"), "{out}");
    assert!(out.contains("buried 1"), "{out}");
    let log = v.read_str(".recall/reviews.jsonl");
    assert!(log.contains("\"op\":\"undo\""));
    // The buried question stays out today; the skipped one is back.
    let again = review_plain(&v, "");
    assert!(again.contains("[1/2] Kafka/a.md:6"), "{again}");
    assert!(!again.contains("linger.ms"), "{again}");
}

#[test]
fn cram_ahead_reset_and_info_in_plain_mode() {
    let v = TestVault::new();
    let text = "#flashcards\n\nLater::in ten days\n<!--SR:!2024-06-30,10,250-->\nSoon::in two days\n<!--SR:!2024-06-22,10,250-->\n";
    v.file("n.md", text);
    let plain = |args: &[&str], script: &str| {
        let mut all = vec!["review", "--plain", "--order", "due-first"];
        all.extend_from_slice(args);
        run_in(v.root(), TODAY, &all, Some(script.as_bytes()), &[]).ok()
    };
    // Cram: every card, whatever its due date; nothing written, logged as cram.
    let out = plain(&["--cram"], "\n3\n\n1\n\n3\n");
    assert!(out.contains("[1/2] n.md:3"), "{out}");
    assert_eq!(v.read_str("n.md"), text, "cram writes nothing");
    let log = v.read_str(".recall/reviews.jsonl");
    assert_eq!(log.lines().count(), 3, "Good, Again, and Good on the card Again brought back: {log}");
    assert!(log.lines().all(|l| l.contains("\"op\":\"cram\"")), "{log}");
    // Ahead: the card due within 3 days comes, scheduled normally, with its history on `info`.
    let out = plain(&["--ahead", "3"], "info\n\n3\n");
    assert!(out.contains("[1/1] n.md:5"), "{out}");
    assert!(out.contains("SM-2: due 2024-06-22, interval 10, ease 250"), "{out}");
    let after = v.read_str("n.md");
    assert!(!after.contains("2024-06-22,10,250"), "answered and rescheduled:\n{after}");
    assert!(after.contains("<!--SR:!2024-06-30,10,250-->"), "{after}");
    // Reset writes what the plugin's Reset (and `recall grade … reset`) writes.
    v.file("n.md", text);
    let out = plain(&["--ahead", "3"], "reset\nq\n");
    assert!(out.contains("reset 1"), "{out}");
    let graded = TestVault::new();
    graded.file("n.md", text);
    run_in(graded.root(), TODAY, &["grade", "n.md:5", "reset"], None, &[]).ok();
    assert_eq!(v.read_str("n.md"), graded.read_str("n.md"));
    assert_ne!(v.read_str("n.md"), text);
}

#[test]
fn nothing_due_says_so() {
    let v = TestVault::new();
    v.file("n.md", "#flashcards\nQ::A\n<!--SR:!2024-06-25,5,250-->\n");
    let out = review_plain(&v, "");
    assert_eq!(out.trim(), "Nothing to review today. 1 card due in 5 days.");
}

#[test]
fn limits_and_decks() {
    let v = vault();
    v.file("Other/c.md", "#flashcards/other\n\nC1::new one\nC2::new two\n");
    let out = run_in(
        v.root(),
        TODAY,
        &["review", "--plain", "--order", "due-first", "--deck", "flashcards/other", "--new", "1"],
        Some(b""),
        &[],
    )
    .ok();
    assert!(out.contains("[1/1] Other/c.md:3"), "{out}");
    v.file(".recall/config.yaml", "new-per-day: 0\nreviews-per-day: 1\n");
    let out = review_plain(&v, "");
    assert!(out.contains("[1/1] Kafka/a.md:6"), "{out}");
}

#[test]
fn plain_mode_renders_markdown_wrapped_to_80_columns() {
    let v = TestVault::new();
    let words = "word ".repeat(40);
    v.file(
        "t.md",
        format!(
            "#flashcards\n\nA table?\n?\n| key | value |\n|---|--:|\n| acks | all |\n| linger.ms | 5 |\n\n{words}\n\nThe ==as;;leader== and ==h;;ISR== stay.\n"
        ),
    );
    let out = review_plain(&v, "\n3\n\nquit\n");
    for row in
        ["   key       │ value", "   ──────────┼──────", "   acks      │   all", "   linger.ms │     5"]
    {
        assert!(out.contains(&format!("{row}\n")), "{row:?} in:\n{out}");
    }
    assert!(out.lines().all(|l| l.chars().count() <= 80), "{out}");
    assert!(out.contains("Q: The [...] and ⟨hidden⟩ stay."), "{out}");
    assert!(out.contains("A: The leader and ⟨hidden⟩ stay."), "{out}");
}

#[test]
fn hostile_text_is_printed_safely_in_plain_mode() {
    let v = TestVault::new();
    let long = "y".repeat(10_000);
    v.file("evil.md", format!("#flashcards\n\nclear \u{1b}[2J bell \u{7}::{long}\n"));
    let out = run_in(v.root(), TODAY, &["review", "--plain"], Some(b"\nquit\n"), &[]).ok();
    assert!(out.contains("␛[2J"), "{out}");
    assert!(out.contains("␇"));
    // The long word is wrapped to 80 columns, every character of it kept.
    let ys: String =
        out.lines().map(str::trim).filter(|l| !l.is_empty() && l.chars().all(|c| c == 'y')).collect();
    assert_eq!(ys, long);
    assert!(out.lines().all(|l| l.chars().count() <= 80), "{out}");
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'));
}

/// `recall review --order due-first` at the test day in a terminal.
struct Pty;

impl Pty {
    fn spawn(vault: &std::path::Path) -> crate::pty::Pty {
        Pty::spawn_sized(vault, 24, 90)
    }

    fn spawn_sized(vault: &std::path::Path, rows: u16, cols: u16) -> crate::pty::Pty {
        Pty::spawn_with(vault, rows, cols, &[])
    }

    /// [`Pty::spawn_sized`] with more environment (`EDITOR`, `RECALL_NOW`).
    fn spawn_with(vault: &std::path::Path, rows: u16, cols: u16, env: &[(&str, &str)]) -> crate::pty::Pty {
        crate::pty::Pty::start(&["review", "--order", "due-first", "--today", TODAY], vault, rows, cols, env)
    }
}

#[test]
fn full_screen_session_in_a_pseudo_terminal() {
    let v = vault();
    let mut pty = Pty::spawn(v.root());
    let s = pty.wait_for("acks=all");
    assert!(s.contains("Kafka/a.md › Producers"), "{s}");
    assert!(s.contains("[space] show answer"), "{s}");
    pty.keys(" ");
    pty.wait_for("[3] Good 25d");
    pty.keys("3");
    pty.wait_for("linger.ms");
    pty.keys(" ");
    pty.wait_for("[4] Easy");
    pty.keys("4");
    pty.wait_for("Which topic stores offsets?");
    pty.keys("u");
    pty.wait_for("Undid Easy on Kafka/a.md:8");
    pty.wait_for("linger.ms");
    pty.keys(" ");
    pty.wait_for("[2] Hard");
    pty.keys("2");
    pty.wait_for("Which topic stores offsets?");
    pty.keys("q");
    let status = pty.child.wait().expect("wait");
    assert!(status.success(), "exit status {status:?}");

    // The notes hold exactly what the same answers give with `recall grade`.
    let graded = vault();
    for (target, r) in [("Kafka/a.md:6", "good"), ("Kafka/a.md:8", "hard")] {
        run_in(graded.root(), TODAY, &["grade", target, r], None, &[]).ok();
    }
    assert_eq!(v.read_str("Kafka/a.md"), graded.read_str("Kafka/a.md"));
    assert_eq!(v.read_str("Kafka/b.md"), B);
    let log: Vec<serde_json::Value> =
        v.read_str(".recall/reviews.jsonl").lines().map(|l| serde_json::from_str(l).expect("json")).collect();
    let ops: Vec<&str> = log.iter().map(|r| r["op"].as_str().unwrap_or("")).collect();
    assert_eq!(ops, vec!["review", "review", "undo", "review"]);
    assert_eq!(log[2]["undoes"], log[1]["id"]);
    assert!(log[0]["ms"].as_u64().is_some());
}

/// A card whose answer is 600 words long, the last one `finalword`.
fn long_vault() -> TestVault {
    let v = TestVault::new();
    let words = (0..599).fold(String::new(), |mut s, i| {
        s.push('w');
        s.push_str(&i.to_string());
        s.push(' ');
        s
    });
    v.file("long.md", format!("#flashcards\n\nHow long is it?\n?\nBeginning {words}finalword\n"));
    v
}

#[test]
fn a_long_answer_scrolls_to_its_last_word_at_60_by_15() {
    let v = long_vault();
    let mut pty = Pty::spawn_sized(v.root(), 15, 60);
    pty.wait_for("How long is it?");
    pty.keys(" ");
    // The answer starts on screen, and the screen says there is more.
    let s = pty.wait_for("Beginning");
    assert!(s.contains("more"), "{s}");
    assert!(!s.contains("finalword"), "{s}");
    // The mouse wheel scrolls (SGR reports, as xterm sends them).
    pty.keys("\x1b[<65;10;5M\x1b[<65;10;5M\x1b[<65;10;5M");
    pty.wait_until("the wheel to scroll", |s| !s.contents().contains("Beginning"));
    pty.keys("\x1b[<64;10;5M\x1b[<64;10;5M\x1b[<64;10;5M");
    pty.wait_for("Beginning");
    // Page by page (PgDn) to the end: the last word shows.
    for _ in 0..60 {
        pty.keys("\x1b[6~");
        if pty.screen().contains("finalword") {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let s = pty.wait_for("finalword");
    assert!(s.contains("w598 finalword"), "{s}");
    // Home goes back to the question, End to the last word again.
    pty.keys("\x1b[H");
    pty.wait_for("How long is it?");
    pty.keys("\x1b[F");
    pty.wait_for("finalword");
    pty.keys("q");
    assert!(pty.child.wait().expect("wait").success());
    assert_eq!(v.read_str("long.md").matches("<!--SR:").count(), 0, "nothing was answered");
}

#[test]
fn sigterm_gives_the_terminal_back() {
    terminal_given_back_on("-TERM");
}

#[test]
fn sighup_gives_the_terminal_back() {
    terminal_given_back_on("-HUP");
}

fn terminal_given_back_on(signal: &str) {
    let v = vault();
    let pty = Pty::spawn(v.root());
    pty.wait_for("acks=all");
    pty.wait_until("the alternate screen, no cursor, mouse on", |s| {
        s.alternate_screen() && s.hide_cursor() && s.mouse_protocol_mode() != vt100::MouseProtocolMode::None
    });
    pty.signal(signal);
    let mut child = pty.child;
    let status = child.wait().expect("wait");
    assert!(!status.success(), "killed by the signal: {status:?}");
    let parser = pty.parser;
    let start = Instant::now();
    loop {
        let (alt, hidden, mouse) = {
            let p = parser.lock().expect("parser");
            let s = p.screen();
            (s.alternate_screen(), s.hide_cursor(), s.mouse_protocol_mode())
        };
        if !alt && !hidden && mouse == vt100::MouseProtocolMode::None {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "alternate {alt}, cursor hidden {hidden}, mouse {mouse:?}"
        );
        std::thread::sleep(Duration::from_millis(30));
    }
    assert_eq!(v.read_str("Kafka/a.md"), A, "nothing was written");
}

#[test]
fn ctrl_z_suspends_and_sigcont_comes_back() {
    let v = vault();
    let mut pty = Pty::spawn(v.root());
    pty.wait_for("acks=all");
    pty.keys("\x1a");
    pty.wait_until("the main screen while stopped", |s| !s.alternate_screen() && !s.hide_cursor());
    pty.signal("-CONT");
    pty.wait_until("the review again", |s| s.alternate_screen() && s.contents().contains("acks=all"));
    pty.keys(" ");
    pty.wait_for("[3] Good 25d");
    pty.keys("q");
    assert!(pty.child.wait().expect("wait").success());
}

#[test]
fn warnings_are_shown_and_printed_after_quitting() {
    let v = vault();
    std::fs::write(v.root().join("broken.md"), b"#flashcards\nQ::\xff\xfe\n").expect("write");
    let mut pty = Pty::spawn(v.root());
    let s = pty.wait_for("acks=all");
    assert!(s.contains("warning: broken.md"), "on the status line:\n{s}");
    pty.keys("q");
    assert!(pty.child.wait().expect("wait").success());
    pty.wait_until("the main screen", |s| !s.alternate_screen());
    let s = pty.wait_for("Reviewed 0 cards");
    assert!(s.contains("warning: broken.md"), "printed after the screen is left:\n{s}");
}

/// Under FSRS the buttons of a new card show its learning steps in minutes;
/// Good puts it on its 10-minute step, it comes back in the same session
/// (early, saying when it is due, since nothing else is left), and the
/// note holds the segment ts-fsrs gives.
#[test]
fn an_fsrs_session_in_a_pseudo_terminal_shows_minutes() {
    let v = TestVault::new();
    v.file("k.md", "#flashcards\n\nISR::in-sync replicas\n");
    v.settings(r#"{"algorithm": "FSRS"}"#);
    let mut pty = Pty::spawn_with(v.root(), 24, 90, &[("RECALL_NOW", "2024-06-20T12:00:00Z")]);
    pty.wait_for("ISR");
    pty.keys(" ");
    let s = pty.wait_for("[3] Good 10m");
    assert!(s.contains("[1] Again 1m"), "{s}");
    assert!(s.contains("[2] Hard 6m"), "{s}");
    pty.keys("3");
    pty.wait_for("learning, due in 10m");
    pty.keys("q");
    let status = pty.child.wait().expect("wait");
    assert!(status.success(), "exit status {status:?}");
    assert_eq!(
        v.read_str("k.md"),
        "#flashcards\n\nISR::in-sync replicas\n<!--SR:!fsrs,2024-06-20T12:10:00.000Z,0,2.3065,2.11810397,1,1,0,1,2024-06-20T12:00:00.000Z-->\n"
    );
}

#[test]
fn an_edit_keeps_the_card_and_good_lands_under_the_edited_front() {
    let v = vault();
    let editor = v.root().join(".edit.sh");
    // The editor is called as `EDITOR +LINE PATH`: it changes the card's front.
    std::fs::write(&editor, "#!/bin/sh\nsed -i 's/^acks=all::/acks=all (edited)::/' \"$2\"\n")
        .expect("script");
    let chmod = std::process::Command::new("chmod").arg("+x").arg(&editor).status().expect("chmod");
    assert!(chmod.success());
    let editor = editor.to_string_lossy().into_owned();
    let mut pty =
        Pty::spawn_with(v.root(), 24, 90, &[("EDITOR", editor.as_str()), ("VISUAL", editor.as_str())]);
    pty.wait_for("acks=all");
    pty.keys("e");
    let s = pty.wait_for("acks=all (edited)");
    assert!(!s.contains("left the session"), "{s}");
    pty.keys(" ");
    pty.wait_for("[3] Good 25d");
    pty.keys("3");
    pty.wait_for("linger.ms");
    pty.keys("q");
    assert!(pty.child.wait().expect("wait").success());
    // The same edit, then `recall grade` on the edited card: the same bytes.
    let graded = vault();
    graded.file("Kafka/a.md", A.replace("acks=all::", "acks=all (edited)::"));
    run_in(graded.root(), TODAY, &["grade", "Kafka/a.md:6", "good"], None, &[]).ok();
    assert_eq!(v.read_str("Kafka/a.md"), graded.read_str("Kafka/a.md"));
    assert!(
        v.read_str("Kafka/a.md")
            .contains("acks=all (edited)::waits for the full ISR\n<!--SR:!2024-07-15,25,250-->")
    );
}

#[test]
fn a_bury_is_undone_in_the_full_screen() {
    let v = vault();
    let mut pty = Pty::spawn(v.root());
    pty.wait_for("acks=all");
    pty.keys("b");
    pty.wait_for("Buried until tomorrow: 1 card");
    pty.wait_for("linger.ms");
    let buried: serde_json::Value = serde_json::from_str(&v.read_str(".recall/buried.json")).expect("json");
    assert_eq!(buried["questions"].as_array().map(Vec::len), Some(1), "{buried}");
    pty.keys("u");
    pty.wait_for("Undid the bury of Kafka/a.md:6 (1 card)");
    pty.wait_for("acks=all");
    pty.keys("q");
    assert!(pty.child.wait().expect("wait").success());
    let after: serde_json::Value = serde_json::from_str(&v.read_str(".recall/buried.json")).expect("json");
    assert_eq!(after["questions"], serde_json::json!([]), "no question is buried any more: {after}");
    // A new session shows the card again.
    let out = review_plain(&v, "q\n");
    assert!(out.contains("acks=all"), "{out}");
    assert_eq!(v.read_str("Kafka/a.md"), A);
}

#[test]
fn the_start_screen_chooses_a_deck() {
    let v = vault();
    v.file("Sql/s.md", "#flashcards/sql\n\nSELECT without FROM?::a constant row\n");
    let mut pty = Pty::spawn(v.root());
    let s = pty.wait_for("All decks");
    assert!(s.contains("› All decks"), "{s}");
    assert!(s.contains("kafka"), "{s}");
    // End chooses the last deck (sql); Enter starts it.
    pty.keys("\x1b[F");
    pty.wait_for("›   sql");
    pty.keys("\r");
    pty.wait_for("SELECT without FROM?");
    pty.keys(" ");
    pty.wait_for("[3] Good");
    pty.keys("3");
    pty.wait_for("Session complete");
    pty.keys("q");
    assert!(pty.child.wait().expect("wait").success());
    assert!(v.read_str("Sql/s.md").contains("<!--SR:!"), "the sql card was answered");
    assert_eq!(v.read_str("Kafka/a.md"), A, "the kafka deck was not reviewed");
    assert_eq!(v.read_str("Kafka/b.md"), B);
}
