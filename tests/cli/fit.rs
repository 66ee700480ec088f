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

/// `grade` took the current folder as the vault and knew only vault-relative
/// paths; an absolute path failed with "see the warning above" and no
/// warning. Every PATH may be absolute or relative to the current folder,
/// and the vault is found from the note.
#[test]
fn grade_takes_absolute_and_relative_paths_and_finds_the_vault_from_the_note() {
    let v = TestVault::new();
    std::fs::create_dir_all(v.path(".obsidian")).expect("mkdir");
    v.file("Kafka/n.md", NOTE);
    let abs = v.path("Kafka/n.md");
    let elsewhere = tempfile::tempdir().expect("tempdir");
    let expected = "#flashcards\n\nQ::A\n<!--SR:!2026-12-04,3,250-->\n";
    // From an unrelated folder, with an absolute path and no --vault.
    Recall::new()
        .today("2026-12-01")
        .current_dir(elsewhere.path())
        .args(["grade", &format!("{}:3", abs.display()), "good"])
        .run()
        .ok();
    assert_eq!(v.read_str("Kafka/n.md"), expected);
    // From inside a subfolder, relative to it; and vault-relative from the root.
    v.file("Kafka/n.md", NOTE);
    Recall::new()
        .today("2026-12-01")
        .current_dir(&v.path("Kafka"))
        .args(["grade", "n.md:3", "good"])
        .run()
        .ok();
    assert_eq!(v.read_str("Kafka/n.md"), expected);
    v.file("Kafka/n.md", NOTE);
    Recall::new()
        .today("2026-12-01")
        .current_dir(v.root())
        .args(["grade", "./Kafka/n.md:3", "good"])
        .run()
        .ok();
    assert_eq!(v.read_str("Kafka/n.md"), expected);
    // With --vault, a path relative to the vault.
    v.file("Kafka/n.md", NOTE);
    Recall::new()
        .vault(v.root())
        .today("2026-12-01")
        .current_dir(elsewhere.path())
        .args(["grade", "Kafka/n.md:3", "good"])
        .run()
        .ok();
    assert_eq!(v.read_str("Kafka/n.md"), expected);
}

/// Run from `/` (or the home folder) without a vault above, recall scanned
/// the whole file system; it refuses now and says what to do.
#[test]
fn the_root_and_home_folders_are_never_taken_as_a_vault() {
    let run = Recall::new().today("2026-12-01").current_dir(std::path::Path::new("/")).args(["cards"]).run();
    assert_eq!(run.code(), Some(2), "{}", run.stderr());
    assert!(run.stderr().contains("no vault found above"), "{}", run.stderr());
    assert!(run.stderr().contains("--vault"), "{}", run.stderr());
    let home = tempfile::tempdir().expect("tempdir");
    std::fs::write(home.path().join("n.md"), NOTE).expect("write");
    let run = Recall::new()
        .today("2026-12-01")
        .env("HOME", &home.path().to_string_lossy())
        .current_dir(home.path())
        .args(["cards"])
        .run();
    assert_eq!(run.code(), Some(2), "{}", run.stderr());
    assert!(run.stderr().contains("no vault found above"), "{}", run.stderr());
}

/// A missing PATH is a usage error said once; a file that is not a note says so.
#[test]
fn missing_paths_and_non_notes_are_usage_errors_said_once() {
    let v = TestVault::new();
    v.file("n.md", NOTE);
    v.file("notes.txt", "Q::A\n");
    let run = v.run("2026-12-01", &["cards", &v.path("nope.md").to_string_lossy()]);
    assert_eq!(run.code(), Some(2), "{}", run.stderr());
    assert_eq!(run.stderr().matches("no such file").count(), 1, "{}", run.stderr());
    let run = v.run("2026-12-01", &["cards", &v.path("notes.txt").to_string_lossy()]);
    assert_eq!(run.code(), Some(2), "{}", run.stderr());
    assert!(run.stderr().contains("not a note"), "{}", run.stderr());
}

/// A block right after a one-line card (or a one-line HTML comment) was
/// listed at the earlier line, the plugin's stale line number, so
/// `grade PATH:LINE` reached the other card. Addresses name one question.
#[test]
fn every_question_has_its_own_address_and_grade_reaches_it() {
    let v = TestVault::new();
    let note = "#flashcards\n\nOne::line\nBlock front\n?\nBlock back\n\n<!-- a comment -->\nhidden line\nCloze ==x== here\n";
    v.file("n.md", note);
    let cards = v.run("2026-12-01", &["cards", "--json"]).json();
    let cards = cards.as_array().expect("array");
    let addr: Vec<(&str, &str, i64)> = cards
        .iter()
        .map(|c| {
            (
                c["front"].as_str().expect("front"),
                c["address"].as_str().expect("address"),
                c["line"].as_i64().expect("line"),
            )
        })
        .collect();
    // The plugin's lines stay (the corpus checks them); addresses are unique.
    assert_eq!(
        addr,
        vec![("One", "n.md:3", 3), ("Block front", "n.md:4", 3), ("Cloze [...] here", "n.md:10", 8)]
    );
    let table = v.run("2026-12-01", &["cards"]).ok();
    assert!(table.contains("n.md:3 ") && table.contains("n.md:4 "), "{table}");
    // Grading the block's address answers the block, not the one-line card.
    v.run("2026-12-01", &["grade", "n.md:4", "good"]).ok();
    assert_eq!(v.read_str("n.md"), note.replace("Block back\n", "Block back\n<!--SR:!2026-12-04,3,250-->\n"));
    // Any line inside the question names it too.
    v.file("n.md", note);
    v.run("2026-12-01", &["grade", "n.md:6", "good"]).ok();
    assert_eq!(v.read_str("n.md"), note.replace("Block back\n", "Block back\n<!--SR:!2026-12-04,3,250-->\n"));
}

/// `recall cards` cut `PATH:LINE` to ~40 characters even in a pipe, so most
/// rows lost the line number `grade` needs; outside a terminal nothing is cut.
#[test]
fn the_cards_table_never_cuts_an_address_and_cuts_nothing_in_a_pipe() {
    let v = TestVault::new();
    let long =
        format!("Kafka/{}/{}.md", "Very long folder name".repeat(3), "A note with a long name".repeat(2));
    let front = "A front that is much longer than any terminal is wide ".repeat(4);
    v.file(&long, format!("#flashcards/kafka/producers/idempotence\n\n{front}::back\n"));
    let table = v.run("2026-12-01", &["cards"]).ok();
    assert!(table.contains(&format!("{long}:3 ")), "{table}");
    assert!(table.contains("flashcards/kafka/producers/idempotence"), "{table}");
    assert!(table.contains(front.trim()), "{table}");
    assert!(!table.contains('…'), "{table}");
}

/// `--deck kafka` silently matched nothing (it had to be `flashcards/kafka`)
/// and `review --deck nosuch` said "Nothing to review today" with exit 0.
#[test]
fn deck_filters_take_unique_tails_and_unknown_or_ambiguous_ones_are_errors() {
    let v = TestVault::new();
    v.file("a.md", "#flashcards/kafka/producers\n\nAcks::all\n");
    v.file("b.md", "#flashcards/exam/producers\n\nExam acks::all\n");
    v.file("c.md", "#flashcards/kafka/consumers\n\nGroup::coordinator\n");
    let fronts = |deck: &str| -> Vec<String> {
        let j = v.run("2026-12-01", &["cards", "--json", "--deck", deck]).json();
        j.as_array().expect("array").iter().map(|c| c["front"].as_str().expect("front").to_owned()).collect()
    };
    assert_eq!(fronts("kafka"), ["Acks", "Group"]);
    assert_eq!(fronts("kafka/producers"), ["Acks"]);
    assert_eq!(fronts("consumers"), ["Group"]);
    assert_eq!(fronts("flashcards/exam"), ["Exam acks"]);
    for cmd in [
        &["cards"][..],
        &["review", "--plain"],
        &["stats"],
        &["reschedule", "--shift", "1"],
        &["export", "-o", "-", "--format", "csv"],
    ] {
        let mut args: Vec<&str> = cmd.to_vec();
        args.extend(["--deck", "kafak"]);
        let run = v.run("2026-12-01", &args);
        assert_eq!(run.code(), Some(1), "{args:?}: {}", run.stderr());
        assert!(run.stderr().contains("no such deck"), "{}", run.stderr());
        assert!(run.stderr().contains("flashcards/kafka"), "{}", run.stderr());
    }
    let run = v.run("2026-12-01", &["cards", "--deck", "producers"]);
    assert_eq!(run.code(), Some(1), "{}", run.stderr());
    assert!(
        run.stderr().contains("flashcards/exam/producers, flashcards/kafka/producers"),
        "{}",
        run.stderr()
    );
}

/// Spec §j.2: one unreadable card ease makes the plugin's card average NaN,
/// and the note's `sr-ease` alone seeds its new cards.
#[test]
fn an_unreadable_card_ease_leaves_the_note_ease_to_sr_ease() {
    let v = TestVault::new();
    let note = "---\nsr-due: 2026-12-10\nsr-interval: 5\nsr-ease: 310\ntags: [flashcards]\n---\nA::a\n<!--SR:!2026-12-20,10,250-->\n\nB::b\n<!--SR:!2024-06-01,x,y-->\n\nC::c\n";
    v.file("n.md", note);
    v.run("2026-12-01", &["grade", "n.md:13", "good"]).ok();
    // 1 × 3.10 = 3.1 → 3 days at ease 310 (not the mix 280 of 250 and 310).
    assert_eq!(v.read_str("n.md"), note.replace("C::c\n", "C::c\n<!--SR:!2026-12-04,3,310-->\n"));
}

/// Spec §j.1: with `==` and `**` clozes nested, the inner one is a card of
/// its own and shown answers lose both patterns' markers.
#[test]
fn nested_clozes_of_two_patterns_read_as_the_plugin_reads_them() {
    let v = TestVault::new();
    v.settings(r#"{"clozePatterns": ["==[123;;]answer[;;hint]==", "**[123;;]answer[;;hint]**"]}"#);
    v.file("n.md", "#flashcards\n\nA **b** C ==d **e**== F\n");
    let cards = v.run("2026-12-01", &["cards", "--json"]).json();
    let sides: Vec<(&str, &str)> = cards
        .as_array()
        .expect("array")
        .iter()
        .map(|c| (c["front"].as_str().expect("front"), c["back"].as_str().expect("back")))
        .collect();
    assert_eq!(
        sides,
        [
            ("A b C [...] F", "A b C d e F"),
            ("A [...] C d e F", "A b C d e F"),
            ("A b C d [...] F", "A b C d e F")
        ]
    );
}

/// 80 reference-manager notes with odd YAML but no tags and no cards
/// printed 80 warnings before every command. Harmless ones are quiet now,
/// more than five of a kind are one line, and `check` still lists each.
#[test]
fn warnings_that_cost_nothing_are_quiet_and_many_of_a_kind_are_one_line() {
    let v = TestVault::new();
    v.file("Cards.md", NOTE);
    for i in 0..80 {
        v.file(
            &format!("Zotero/paper {i}.md"),
            "---\ntitle: [unclosed\nauthors: {a: b\n---\nSome abstract.\n",
        );
    }
    let run = v.run("2026-12-01", &["cards"]);
    run.ok();
    assert_eq!(run.stderr(), "", "harmless front matter says nothing");
    for i in 0..7 {
        v.file(&format!("Broken/{i}.md"), "---\ntags: [flashcards\n---\nQ::A\n");
    }
    let run = v.run("2026-12-01", &["cards"]);
    run.ok();
    let stderr = run.stderr();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].contains("7 notes have front matter that is not valid YAML"), "{}", lines[0]);
    assert!(lines[0].contains("recall check"), "{}", lines[0]);
    let check = v.run("2026-12-01", &["check"]);
    let out = check.stdout();
    for i in 0..7 {
        assert!(out.contains(&format!("Broken/{i}.md")), "{out}");
    }
    // Up to five of a kind are each named.
    for i in 2..7 {
        std::fs::remove_file(v.path(&format!("Broken/{i}.md"))).expect("rm");
    }
    let run = v.run("2026-12-01", &["cards"]);
    assert_eq!(run.stderr().lines().count(), 2, "{}", run.stderr());
    assert!(run.stderr().contains("Broken/0.md:2:"), "{}", run.stderr());
}
