//! Fit and finish, second part (issue 13): settings, `check`, completions
//! and the man page, messages, and the reschedule chart; one test per point,
//! each named after what must hold.

use crate::util::{Recall, TestVault, skip_without};

const NOTE: &str = "#flashcards\n\nQ::A\n";
const DATA: &str = ".obsidian/plugins/obsidian-spaced-repetition/data.json";

/// Point 9. A wrong settings type was reported in Rust words without the
/// key (`expected f64`), `plugin: {baseease: 300}` was ignored in silence,
/// `baseEase: -5` was written into notes, `order: sideways` failed only when
/// `review` ran, and a corrupt bury list was ignored without a word.
#[test]
fn settings_are_checked_key_by_key_for_every_command() {
    let v = TestVault::new();
    v.file("n.md", NOTE);
    v.settings(r##"{"flashcardTags": "#flashcards"}"##);
    let run = v.run("2026-12-01", &["cards"]);
    assert_eq!(run.code(), Some(1), "{}", run.stderr());
    assert!(
        run.stderr().contains(&format!(
            "{DATA}: flashcardTags should be a list of tags such as [\"#flashcards\"], not a string"
        )),
        "{}",
        run.stderr()
    );
    std::fs::remove_file(v.path(DATA)).expect("rm");

    // Out of range: an error for every command, before anything is written.
    let commands: [&[&str]; 9] = [
        &["cards"],
        &["decks"],
        &["stats"],
        &["check"],
        &["notes"],
        &["grade", "n.md:3", "good"],
        &["review", "--plain"],
        &["reschedule", "--shift", "1", "--apply"],
        &["export", "-o", "-", "--format", "csv"],
    ];
    for (config, wanted) in [
        ("plugin: {baseEase: -5}\n", "plugin: baseEase should be a number from 130 up, not -5"),
        ("order: sideways\n", "order should be one of \"new-first\""),
        ("new-per-day: -3\n", "new-per-day should be a whole number from 0 up, not -3"),
        ("plugin: {startOfDay: 4am}\n", "plugin: startOfDay should be a time of day HH:MM:SS"),
        (
            "plugin: {algorithm: fsrs}\n",
            "plugin: algorithm should be one of \"SM-2-OSR\", \"FSRS\", not \"fsrs\"",
        ),
    ] {
        v.file(".recall/config.yaml", config);
        let before = v.snapshot();
        for args in commands {
            let run = v.run("2026-12-01", args);
            assert_eq!(run.code(), Some(1), "{config} {args:?}: {}", run.stderr());
            assert!(
                run.stderr().contains(&format!(".recall/config.yaml: {wanted}")),
                "{args:?}: {}",
                run.stderr()
            );
        }
        assert_eq!(v.snapshot(), before, "{config}");
    }

    // An unknown key is a warning with the closest key, said once; the
    // command goes on with the default.
    v.file(".recall/config.yaml", "plugin: {baseease: 300}\n");
    let run = v.run("2026-12-01", &["grade", "n.md:3", "good"]);
    assert_eq!(run.code(), Some(0), "{}", run.stderr());
    assert_eq!(
        run.stderr(),
        "warning: .recall/config.yaml: plugin: baseease is not a setting; did you mean baseEase?\n"
    );
    assert_eq!(v.read_str("n.md"), "#flashcards\n\nQ::A\n<!--SR:!2026-12-04,3,250-->\n");

    // A corrupt bury list is reported and set aside, not ignored.
    std::fs::remove_file(v.path(".recall/config.yaml")).expect("rm");
    v.file(".recall/buried.json", "{\"day\": \"2026-12-01\", \"questions\": [\"abc\"");
    let run = v.run("2026-12-01", &["cards"]);
    assert_eq!(run.code(), Some(0), "{}", run.stderr());
    assert!(
        run.stderr().contains(
            "warning: .recall/buried.json: cannot be read as a bury list; set aside as buried.json.corrupt-"
        ),
        "{}",
        run.stderr()
    );
    assert!(!v.path(".recall/buried.json").exists());
    let aside: Vec<String> = v
        .snapshot()
        .into_iter()
        .map(|(p, _)| p)
        .filter(|p| p.starts_with(".recall/buried.json.corrupt-"))
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert_eq!(v.read_str(&aside[0]), "{\"day\": \"2026-12-01\", \"questions\": [\"abc\"");
    let run = v.run("2026-12-01", &["cards"]);
    assert_eq!(run.stderr(), "", "said once");
}

/// Point 12. A note whose front matter starts on line 2 lost its tags and
/// all its cards while `check` said "no problems found"; a numbered cloze
/// of 9092 cards, sync-conflict copies and `unk#flashcards` went unnoticed;
/// a README titled "Flashcards" that quotes a schedule comment drew false
/// alarms.
#[test]
fn check_finds_late_front_matter_huge_clozes_conflict_copies_and_glued_tags() {
    let v = TestVault::new();
    let late = "\n---\ntags: [flashcards/kafka]\n---\nWhat is ISR?::in-sync replicas\nAcks?::all\n";
    v.file("Late.md", late);
    v.file("Port.md", "#flashcards\n\nKafka is a log.\nThe default port is ==9092;;a number==.\n");
    v.file("Glued.md", "unk#flashcards\n\nQ::A\n");
    let kafka = "#flashcards\n\nBroker?::a server\n<!--SR:!2026-12-10,9,250-->\nTopic?::a log\n<!--SR:!2026-12-04,3,250-->\n";
    v.file("Kafka/Broker.md", kafka);
    v.file(
        "Kafka/Broker.sync-conflict-20261130-101010-ABCDEFG.md",
        kafka.replace("2026-12-10,9,250", "2026-12-20,19,270"),
    );
    v.file("Kafka/Broker (Jane's conflicted copy 2026-11-30).md", kafka);
    v.file("Kafka/Broker 2.md", "#flashcards\n\nSomething else?::yes\n");
    v.file(
        "README.md",
        "# Flashcards\n\nCards look like `Q::A`; after a review the plugin writes a comment such as <!--SR:!2024-01-01,3,250--> after the card.\n\n## Usage\n\nNote: run it daily.\nInstall: cargo install it\n",
    );
    let run = v.run("2026-12-01", &["check"]);
    assert_eq!(run.code(), Some(1), "{}", run.stderr());
    let out = run.stdout();
    assert!(
        out.contains("Late.md:2: error: front matter must start on line 1, but this one follows 1 blank line, so Obsidian reads it as text: these tags are ignored (#flashcards/kafka); 2 cards have no deck [late-front-matter]"),
        "{out}"
    );
    assert!(out.contains("hint: remove the 1 blank line above the first `---`"), "{out}");
    assert!(out.contains("Port.md:4: warning: `==9092;;a number==` is a numbered cloze: its number makes 9092 cards of this question (recall makes the first 1000) [cloze-number]"), "{out}");
    assert!(out.contains("hint: did you mean `==9092;;…==` as an answer with a hint? a hint follows the answer: `==answer;;hint==`"), "{out}");
    assert!(out.contains("Glued.md:1: warning: `unk#flashcards` holds no tag: a `#` right after a letter starts no tag (Obsidian's rule)"), "{out}");
    assert!(out.contains("Kafka/Broker.sync-conflict-20261130-101010-ABCDEFG.md: warning: this looks like a sync-conflict copy (Syncthing) of Kafka/Broker.md, with the same 2 questions; 1 schedule differs"), "{out}");
    assert!(out.contains("Kafka/Broker (Jane's conflicted copy 2026-11-30).md: warning: this looks like a sync-conflict copy (Dropbox or Nextcloud) of Kafka/Broker.md, with the same 2 questions; their schedules are the same"), "{out}");
    assert!(!out.contains("Kafka/Broker 2.md"), "other questions: no copy\n{out}");
    assert!(!out.contains("README.md"), "a README is prose\n{out}");

    // The fix removes the blank line, and then the tags are read.
    v.run("2026-12-01", &["check", "--fix", "--apply", "Late.md"]).ok();
    assert_eq!(v.read_str("Late.md"), &late[1..]);
    let cards = v.run("2026-12-01", &["cards", "--json", "Late.md"]).json();
    let decks: Vec<&str> =
        cards.as_array().expect("array").iter().map(|c| c["decks"][0].as_str().expect("deck")).collect();
    assert_eq!(decks, ["flashcards/kafka", "flashcards/kafka"]);
    let again = v.run("2026-12-01", &["check", "Late.md"]);
    assert_eq!(again.stdout(), "no problems found in 1 note\n");

    // --help lists every code, from the same table the findings use.
    let help = Recall::new().args(["check", "--help"]).run().ok();
    for code in ["late-front-matter", "cloze-number", "sync-conflict", "glued-tag", "comment-hides-line"] {
        assert!(help.contains(&format!("\n  {code} ")), "{code}\n{help}");
    }
}

/// The visible commands, as `recall --help` lists them.
fn commands() -> Vec<String> {
    let help = Recall::new().args(["--help"]).run().ok();
    let list = help.split("Commands:\n").nth(1).expect("a command list").split("\n\n").next().unwrap_or("");
    list.lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_owned)
        .collect()
}

/// Point 8. A terminal tool without shell completions or a man page: both
/// come from the clap definition the command line is parsed with.
#[test]
fn completions_and_the_man_page_cover_every_command() {
    let commands = commands();
    assert!(commands.len() >= 11 && commands.contains(&"completions".to_owned()), "{commands:?}");
    let bash = Recall::new().args(["completions", "bash"]).run().ok();
    assert!(bash.contains("_recall() {"), "{bash}");
    assert!(bash.contains("complete -F _recall"), "{bash}");
    for c in &commands {
        assert!(bash.contains(&format!("recall,{c})")), "{c} is not completed");
    }
    let mut sh = std::process::Command::new("bash")
        .arg("-n")
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("bash");
    std::io::Write::write_all(sh.stdin.as_mut().expect("stdin"), bash.as_bytes()).expect("write");
    drop(sh.stdin.take());
    assert!(sh.wait().expect("wait").success(), "the bash script does not parse");
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let script = Recall::new().args(["completions", shell]).run().ok();
        assert!(script.contains("reschedule") && script.contains("folders-as-decks"), "{shell}");
    }
    let run = Recall::new().args(["completions", "tcsh"]).run();
    assert_eq!(run.code(), Some(2), "{}", run.stderr());

    let page = Recall::new().args(["man"]).run().ok();
    assert!(page.contains("\n.TH recall 1 "), "{}", &page[..page.len().min(200)]);
    for c in &commands {
        assert!(page.contains(&format!(".SH \"RECALL {}\"", c.to_uppercase())), "{c} has no section");
    }
    assert!(page.is_ascii());

    // The page must read cleanly with the system's roff tools; they may be
    // missing on a developer's machine, never in CI.
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("recall.1");
    std::fs::write(&file, &page).expect("write");
    let groff = std::process::Command::new("groff").args(["-man", "-Tutf8", "-ww", "-z"]).arg(&file).output();
    match groff {
        Ok(out) => {
            assert!(out.status.success(), "groff failed");
            assert_eq!(String::from_utf8_lossy(&out.stderr), "", "groff warns");
        }
        Err(e) => {
            skip_without("groff, to check the page", &e.to_string());
        }
    }
    let man = std::process::Command::new("man")
        .arg("-l")
        .arg(&file)
        .env("MANPAGER", "cat")
        .env("MANWIDTH", "80")
        .output();
    match man {
        Ok(out) => {
            assert!(out.status.success(), "man -l failed: {}", String::from_utf8_lossy(&out.stderr));
            assert_eq!(String::from_utf8_lossy(&out.stderr), "", "man warns");
            let text = String::from_utf8_lossy(&out.stdout);
            for c in &commands {
                assert!(text.contains(&format!("RECALL {}", c.to_uppercase())), "{c}\n{text}");
            }
        }
        Err(e) => {
            skip_without("man, to check the page reads", &e.to_string());
        }
    }
}

/// Runs recall in a pseudo-terminal and returns everything it printed.
#[cfg(unix)]
fn run_on_a_terminal(root: &std::path::Path, args: &[&str]) -> Vec<u8> {
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};
    let pair = native_pty_system()
        .openpty(PtySize { rows: 40, cols: 120, pixel_width: 0, pixel_height: 0 })
        .expect("openpty");
    let mut cmd = CommandBuilder::new(crate::util::BIN);
    cmd.args(args);
    cmd.args(["--today", "2026-12-01", "--vault"]);
    cmd.arg(root);
    cmd.env("TZ", "UTC");
    cmd.env("NO_COLOR", "1");
    let mut child = pair.slave.spawn_command(cmd).expect("spawn in pty");
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().expect("reader");
    let reading = std::thread::spawn(move || {
        let mut all = Vec::new();
        let mut buf = [0u8; 4096];
        while let Ok(n) = std::io::Read::read(&mut reader, &mut buf) {
            if n == 0 {
                break;
            }
            all.extend_from_slice(&buf[..n]);
        }
        all
    });
    let status = child.wait().expect("wait");
    drop(pair.master);
    let out = reading.join().expect("reader thread");
    assert!(status.success(), "{}", String::from_utf8_lossy(&out));
    out
}

/// Point 14. `export -o DIR/x.apkg` into a missing folder said "No such
/// file or directory (os error 2)"; hints of an unclosed front matter and a
/// symlink loop did not fit them; JSON kept C1 and bidi controls raw; and
/// CSV or JSON written to a terminal could drive it.
#[test]
fn messages_fit_json_escapes_invisible_controls_and_a_terminal_sees_them() {
    let v = TestVault::new();
    v.file("n.md", NOTE);
    let before = v.snapshot();
    for out in ["nowhere/x.apkg", "nowhere/deeper/x.csv"] {
        let target = v.path(out);
        let run = v.run("2026-12-01", &["export", "-o", &target.to_string_lossy()]);
        assert_eq!(run.code(), Some(1), "{}", run.stderr());
        let dir = target.parent().expect("parent").display().to_string();
        assert!(
            run.stderr().contains(&format!("error: {dir}: no such folder; create it first")),
            "{}",
            run.stderr()
        );
        assert!(run.stderr().contains(&format!("hint: mkdir -p {dir}")), "{}", run.stderr());
        assert_eq!(v.snapshot(), before, "nothing written");
    }

    // Each hint fits its finding.
    let h = TestVault::new();
    h.file("open.md", "---\ntags: [flashcards]\nQ::A\n");
    h.file("sub/inner.md", NOTE);
    #[cfg(unix)]
    std::os::unix::fs::symlink("..", h.path("sub/loop")).expect("symlink");
    let check = h.run("2026-12-01", &["check"]).stdout();
    let hint_after = |needle: &str| -> String {
        let mut lines = check.lines().skip_while(|l| !l.contains(needle));
        lines.next();
        lines.next().unwrap_or("").trim().to_owned()
    };
    assert!(hint_after("open.md:1:").starts_with("hint: add a closing `---` line"), "{check}");
    #[cfg(unix)]
    assert!(
        hint_after("sub/loop:").starts_with("hint: the link points at itself or at a folder that holds it"),
        "{check}"
    );

    // JSON escapes C1 and bidi controls in every command that prints it.
    let j = TestVault::new();
    let odd = "N\u{202e}ote.md";
    j.file(odd, "#flashcards/k\u{2066}x\n\nQ\u{9b}31m::\n<!--SR:!2026-11-20,3,250-->\n");
    j.file("r\u{202d}.md", "#review\n\nText.\n");
    let exported = j.path("out.json");
    let runs: [&[&str]; 8] = [
        &["cards", "--json"],
        &["decks", "--json"],
        &["stats", "--json"],
        &["check", "--json"],
        &["notes", "--json"],
        &["reschedule", "--shift", "1", "--json"],
        &["export", "-o", "-", "--format", "json"],
        &["export", "-o", &exported.to_string_lossy()],
    ];
    for args in runs {
        let run = j.run("2026-12-01", args);
        let to_file = args.last() == Some(&exported.to_string_lossy().as_ref());
        let text = if to_file { j.read_str("out.json") } else { run.stdout() };
        for c in ['\u{9b}', '\u{202e}', '\u{2066}', '\u{202d}'] {
            assert!(!text.contains(c), "{args:?} prints {c:?} raw:\n{text}");
        }
        assert!(text.contains("\\u"), "{args:?}:\n{text}");
        serde_json::from_str::<serde_json::Value>(&text).unwrap_or_else(|e| panic!("{args:?}: {e}\n{text}"));
    }

    // CSV and JSON on a terminal show controls; a pipe gets the exact text.
    let t = TestVault::new();
    t.file("n.md", "#flashcards\n\nRed \u{1b}[31mtext::back\u{7}\n");
    let piped = t.run("2026-12-01", &["export", "-o", "-", "--format", "csv"]).ok();
    assert!(piped.contains(",Red \u{1b}[31mtext,back\u{7},"), "{piped:?}");
    #[cfg(unix)]
    for (format, visible) in [("csv", "Red ␛[31mtext,back␇"), ("json", "Red \\u001b[31mtext")] {
        let shown = run_on_a_terminal(t.root(), &["export", "-o", "-", "--format", format]);
        let shown = String::from_utf8_lossy(&shown);
        assert!(!shown.contains('\u{1b}') && !shown.contains('\u{7}'), "{format}: {shown:?}");
        assert!(shown.contains(visible), "{format}: {shown:?}");
    }
}

/// Point 15. `reschedule`'s dry-run chart left overdue cards out of the
/// "before" load (0 before, 686 after on a real vault, so `--spread` looked
/// as if it added load), and `decks` and `stats` meant different cards by
/// "due".
#[test]
fn the_reschedule_chart_counts_overdue_cards_today_and_decks_and_stats_agree_on_due() {
    let v = TestVault::new();
    let mut text = String::from("#flashcards/kafka\n\n");
    for i in 0..6 {
        text.push_str(&format!("Old{i}::A\n<!--SR:!2026-11-{:02},5,250-->\n", 10 + i));
    }
    text.push_str("Today::A\n<!--SR:!2026-12-01,5,250-->\nLater::A\n<!--SR:!2026-12-03,5,250-->\nNew::A\n");
    v.file("n.md", &text);
    let j = v.run("2026-12-01", &["reschedule", "--spread", "3", "--json"]).json();
    let days: Vec<(u64, u64)> = j["days"]
        .as_array()
        .expect("days")
        .iter()
        .take(3)
        .map(|d| (d["before"].as_u64().expect("before"), d["after"].as_u64().expect("after")))
        .collect();
    // Before: six overdue and one due today, all today; one on day 2.
    assert_eq!(days, [(7, 3), (0, 3), (1, 2)]);
    let chart = v.run("2026-12-01", &["reschedule", "--spread", "3"]).ok();
    let today = chart.lines().find(|l| l.starts_with("Tue 01 Dec")).expect("today's row");
    assert!(today.split_whitespace().nth(3) == Some("7"), "{chart}");
    assert!(chart.contains("today counts the overdue cards too"), "{chart}");

    // The same words and numbers for due and overdue in decks and stats.
    let decks = v.run("2026-12-01", &["decks", "--json"]).json();
    let stats = v.run("2026-12-01", &["stats", "--json"]).json();
    let deck = &decks[0]["subdecks"][0];
    assert_eq!(deck["path"], "flashcards/kafka");
    let row = stats["cards"]["decks"]
        .as_array()
        .expect("decks")
        .iter()
        .find(|d| d["deck"] == "flashcards/kafka")
        .expect("the deck in stats");
    for key in ["new", "due", "overdue", "total"] {
        assert_eq!(deck[key], row[key], "{key}");
    }
    assert_eq!((deck["due"].as_u64(), deck["overdue"].as_u64()), (Some(7), Some(6)));
    let heading = |out: String| {
        out.lines()
            .find(|l| l.contains("new"))
            .unwrap_or("")
            .split_whitespace()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let d = heading(v.run("2026-12-01", &["decks"]).ok());
    let s = heading(v.run("2026-12-01", &["stats"]).ok());
    assert_eq!(d, ["deck", "new", "due", "overdue", "total"]);
    assert_eq!(&s[..4], ["deck", "new", "due", "overdue"]);
}
