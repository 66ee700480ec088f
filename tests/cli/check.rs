//! `recall check`: every diagnostic end to end, the user's own note, exit
//! codes, and `--fix` (dry run and `--apply`).

use std::collections::BTreeMap;

use crate::util::{TestVault, repo};

const TODAY: &str = "2024-06-20";
const SEED: &str = "projects/Dallas Confluent Practice/Notes/Producer Acknowledgement - 202405302231.md";

fn seed_bytes() -> Vec<u8> {
    std::fs::read(repo().join("tests/fixtures/seed/000_ad836c141ecf1ebe.txt")).expect("seed note")
}

/// `path → [code]` of a `check --json` run.
fn codes_by_path(json: &serde_json::Value) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in json["findings"].as_array().expect("findings") {
        out.entry(f["path"].as_str().expect("path").to_owned())
            .or_default()
            .push(f["code"].as_str().expect("code").to_owned());
    }
    out
}

fn check_json(v: &TestVault, args: &[&str]) -> (serde_json::Value, Option<i32>) {
    let mut all = vec!["check", "--json"];
    all.extend_from_slice(args);
    let run = v.run(TODAY, &all);
    let json = serde_json::from_str(&run.stdout()).expect("JSON on stdout");
    (json, run.code())
}

/// One minimal note per diagnostic, each triggering exactly its code.
const CATALOGUE: &[(&str, &str)] = &[
    ("comment-hides-line", "#flashcards\n\n<!-- a comment -->\nLost::card\n"),
    ("comment-hides-rest", "#flashcards\n\n<!-- starts here\nends here -->\n\nLost::card\n"),
    ("unclosed-fence", "#flashcards\n\n```\ncode\n  ```\n\nLost::card\n"),
    ("indented-schedule", "#flashcards\n\n- Card::answer\n  <!--SR:!2024-06-01,10,250-->\n"),
    ("separator-in-code", "#flashcards\n\n`a::b` c::d\n"),
    ("split-in-code", "#flashcards\n\n``code::x`` y::z\n"),
    ("swallowed-card", "#flashcards\n\nFront\n?\nBack\nstd::vector\n"),
    ("split-cloze", "#flashcards\n\nThe ==capital of\nFrance== is Paris\n"),
    ("misspelt-schedule", "#flashcards\n\nCard::answer\n<!-- SR:!2024-06-01,3,250-->\n"),
    ("orphan-schedule", "#flashcards\n\nCard::answer\n\n<!--SR:!2024-06-01,10,250-->\n"),
    ("invalid-date", "#flashcards\n\nQ::A\n<!--SR:!someday,3,250-->\n"),
    ("odd-date", "#flashcards\n\nQ::A\n<!--SR:!2024-02-30,3,250-->\n"),
    ("bad-number", "#flashcards\n\nQ::A\n<!--SR:!2024-06-18,x,250-->\n"),
    ("surplus-segments", "#flashcards\n\nQ::A\n<!--SR:!2024-06-10,10,250!2024-06-30,5,230-->\n"),
    (
        "second-schedule",
        "#flashcards\n\nFront\n?\nBack <!--SR:!2024-06-18,3,250-->\n<!--SR:!2024-06-30,5,250-->\n",
    ),
    ("legacy-schedule", "#flashcards\n\nQ::A\n<!--SR:2021-08-11,4,270-->\n"),
    ("bare-schedule", "#flashcards\n\nQ::looks like !2024-06-01,3,250 here\n"),
    ("no-deck", "## Flashcards\n\nQ::A\n"),
    ("near-miss", "#flashcards\n\nA::B\nTerm: definition\n"),
    ("empty-side", "#flashcards\n\n::answer\n"),
    ("duplicate", "#flashcards\n\nQ::A\n\nQ::A\n"),
    ("mojibake-tag", "#flashcards #caf\u{c3}\u{a9}\n\nQ::A\n"),
    ("front-matter", "---\ntags: [a\n---\nQ::A\n"),
    ("review-untagged", "---\nsr-due: 2024-06-16\nsr-interval: 10\nsr-ease: 270\n---\nA note.\n"),
    ("review-bad-date", "---\ntags: review\nsr-due: someday\nsr-interval: 10\nsr-ease: 270\n---\n"),
    ("review-bad-number", "---\ntags: review\nsr-due: 2024-06-16\nsr-interval: 10\nsr-ease: high\n---\n"),
    ("review-incomplete", "---\ntags: review\nsr-due: 2024-06-16\nsr-ease: 270\n---\n"),
];

/// Near misses of every rule: none may fire.
const CLEAN: &str = "---\ntags: [flashcards, café, 📖]\n---\n## Flashcards\n\n\
<!-- a comment, then a blank line -->\n\nKept::card\n\n\
```\ncode::inside\n```\n\nAfter the fence::card\n<!--SR:!2024-06-01,10,250-->\n\n\
`Map::get` is a method reference\n\n\
Front\n?\nBack `std::vector`\n\nA::B\n\n\
The ==capital== of\nFrance is ==Paris==\n\n\
A:::B\n<!--SR:!2024-06-10,10,250!2024-06-30,5,230-->\n\n\
Spaces::are tolerated\n<!--SR: !2024-06-19 , 3 , 250 -->\n\n\
Q::A\n\nQ::B\nat 12:30 see https://example.org\nExamples:\n";

#[test]
fn every_diagnostic_fires_on_its_minimal_note_and_only_there() {
    let v = TestVault::new();
    for (code, text) in CATALOGUE {
        v.file(&format!("{code}.md"), text);
    }
    v.file("skipped-file.md", b"#flashcards\n\nQ::A\ncaf\xe9::latin-1\n".as_slice());
    v.file("clean.md", CLEAN);
    let (json, code) = check_json(&v, &[]);
    let got = codes_by_path(&json);
    for (c, _) in CATALOGUE {
        assert_eq!(got.get(&format!("{c}.md")), Some(&vec![(*c).to_owned()]), "{c}: {got:#?}");
    }
    assert_eq!(got.get("skipped-file.md"), Some(&vec!["skipped-file".to_owned()]));
    assert_eq!(got.get("clean.md"), None, "{got:#?}");
    assert_eq!(got.len(), CATALOGUE.len() + 1);
    assert_eq!(code, Some(1));
    // Each finding names its line and has a hint.
    for f in json["findings"].as_array().expect("findings") {
        assert!(f["hint"].as_str().is_some_and(|h| !h.is_empty()), "{f}");
        if f["code"] != "skipped-file" {
            assert!(f["line"].as_u64().is_some(), "{f}");
        }
    }
    assert_eq!(json["summary"]["notes"], CATALOGUE.len() + 1);
}

#[test]
fn a_review_tag_in_broken_yaml_is_an_error() {
    let v = TestVault::new();
    v.file("n.md", "---\ntags: [review\n---\nbody\n");
    let (json, code) = check_json(&v, &[]);
    assert_eq!(codes_by_path(&json)["n.md"], vec!["review-front-matter", "front-matter"]);
    assert_eq!(code, Some(1));
    let out = v.run(TODAY, &["check"]).stdout();
    assert!(
        out.contains("n.md:1: error: this note is tagged for review, but its front matter is not valid YAML"),
        "{out}"
    );
}

#[test]
fn the_users_note_shows_the_near_miss_and_both_mojibake_tags() {
    let v = TestVault::new();
    v.file(SEED, seed_bytes());
    let run = v.run(TODAY, &["check"]);
    let out = run.stdout();
    assert_eq!(run.code(), Some(0), "warnings only: {out}");
    let near = format!("{SEED}:25: warning: this line among cards looks like a card but has a single `:`");
    assert!(out.contains(&near), "{out}");
    assert!(out.contains("hint: write `acks=all:: …` to make it a card"), "{out}");
    assert!(out.contains("(UTF-8 read as Mac Roman): it should be `#📖` [mojibake-tag]"), "{out}");
    assert!(out.contains("(UTF-8 read as Mac Roman): it should be `#♣️/kafka` [mojibake-tag]"), "{out}");
    // The prose lines `acks=0: …` above the Flashcards heading are not cards and not reported.
    assert!(!out.contains(&format!("{SEED}:9:")), "{out}");
    // Default settings: the note has no #flashcards tag, and check says so.
    assert!(
        out.contains(&format!("{SEED}:19: warning: 5 cards in this note, but it has no flashcard deck")),
        "{out}"
    );
    let (json, _) = check_json(&v, &[]);
    let lines: Vec<(u64, &str)> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| (f["line"].as_u64().unwrap_or(0), f["code"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(lines, vec![(2, "mojibake-tag"), (2, "mojibake-tag"), (19, "no-deck"), (25, "near-miss")]);
}

#[test]
fn with_the_garbled_tag_as_flashcard_tag_check_warns_before_repairing_it() {
    let bytes = seed_bytes();
    let club = "\u{201a}\u{f4}\u{a3}\u{d4}\u{220f}\u{e8}/kafka";
    let v = TestVault::new();
    v.file(SEED, &bytes).settings(&serde_json::json!({ "flashcardTags": [format!("#{club}")] }).to_string());
    let (json, code) = check_json(&v, &[]);
    assert_eq!(code, Some(0));
    let got = codes_by_path(&json);
    assert_eq!(got[SEED], vec!["mojibake-tag", "mojibake-tag", "near-miss"]);
    let hint = json["findings"][1]["hint"].as_str().expect("hint");
    assert!(hint.contains("or the note leaves its deck"), "{hint}");
}

#[test]
fn fix_is_a_dry_run_until_apply() {
    let bytes = seed_bytes();
    let v = TestVault::new();
    v.file(SEED, &bytes);
    let run = v.run(TODAY, &["check", "--fix"]);
    let out = run.stdout();
    assert!(out.contains("-{\"dg-publish\""), "{out}");
    assert!(out.contains("\"tags\":[\"📖\",\"♣️/kafka\"]"), "{out}");
    assert!(out.contains("add --apply to write it"), "{out}");
    assert_eq!(v.read(SEED), bytes, "a dry run writes nothing");
    let (json, _) = check_json(&v, &["--fix"]);
    assert_eq!(json["diffs"][0]["path"], SEED);
    assert!(json["diffs"][0]["diff"].as_str().is_some_and(|d| d.contains("+{\"dg-publish\"")));
    let applied: Vec<&serde_json::Value> =
        json["fixes"].as_array().expect("fixes").iter().map(|f| &f["applied"]).collect();
    assert_eq!(applied, vec![&serde_json::json!(false), &serde_json::json!(false)]);
    assert_eq!(v.read(SEED), bytes);
    assert!(!v.path(".recall/reviews.jsonl").exists());

    let run = v.run(TODAY, &["check", "--fix", "--apply"]);
    let out = run.ok();
    assert!(out.contains(":2: fixed: the tag"), "{out}");
    let before = String::from_utf8(bytes).expect("utf-8");
    let expected = before.replacen("\u{f8ff}\u{fc}\u{ec}\u{f1}", "📖", 1).replacen(
        "\u{201a}\u{f4}\u{a3}\u{d4}\u{220f}\u{e8}/kafka",
        "♣️/kafka",
        1,
    );
    assert_ne!(expected, before);
    assert_eq!(v.read_str(SEED), expected, "only the two tags change");
    let log = v.read_str(".recall/reviews.jsonl");
    let records: Vec<serde_json::Value> =
        log.lines().map(|l| serde_json::from_str(l).expect("record")).collect();
    assert_eq!(records.len(), 2);
    assert!(records.iter().all(|r| r["op"] == "fix" && r["path"] == SEED && r["line"] == 2));
    assert!(records[1]["detail"].as_str().is_some_and(|d| d.starts_with("mojibake-tag: repaired")));
    // Nothing left to repair.
    let (json, _) = check_json(&v, &[]);
    assert_eq!(codes_by_path(&json)[SEED], vec!["no-deck", "near-miss"]);
}

#[test]
fn fix_drops_surplus_segments_and_unindents_comments_nothing_else() {
    let v = TestVault::new();
    let text = "#flashcards\r\n\r\n- Card::answer\r\n  <!--SR:!2024-06-01,10,250-->\r\nQ::A\r\n<!--SR:!2024-06-10,10,250!2024-06-30,5,230-->\r\nBad::date\r\n<!--SR:!someday,3,250-->";
    v.file("n.md", text);
    let (json, code) = check_json(&v, &["--fix", "--apply"]);
    assert_eq!(code, Some(1), "the invalid date is an error --fix cannot repair");
    assert_eq!(json["summary"]["fixed"], 2);
    assert_eq!(json["summary"]["errors"], 1);
    let fixes: Vec<&str> =
        json["fixes"].as_array().expect("fixes").iter().map(|f| f["code"].as_str().unwrap_or("")).collect();
    assert_eq!(fixes, vec!["indented-schedule", "surplus-segments"]);
    assert_eq!(
        v.read_str("n.md"),
        "#flashcards\r\n\r\n- Card::answer\r\n<!--SR:!2024-06-01,10,250-->\r\nQ::A\r\n<!--SR:!2024-06-10,10,250-->\r\nBad::date\r\n<!--SR:!someday,3,250-->"
    );
    let log = v.read_str(".recall/reviews.jsonl");
    assert_eq!(log.lines().count(), 2);
    assert!(log.contains("\"hash\":\""), "{log}");
    // The repaired card is read with its schedule now.
    let cards = v.run(TODAY, &["cards", "--json"]).json();
    assert_eq!(cards[0]["due"], "2024-06-01");
}

#[test]
fn exit_status_follows_the_worst_finding() {
    let v = TestVault::new();
    v.file("ok.md", "#flashcards\n\nQ::A\n");
    let run = v.run(TODAY, &["check"]);
    assert_eq!(run.code(), Some(0));
    assert_eq!(run.stdout(), "no problems found in 1 note\n");
    v.file("warn.md", "#flashcards\n\n::answer\n");
    assert_eq!(v.run(TODAY, &["check"]).code(), Some(0));
    v.file("bad.md", "#flashcards\n\nQ::A\n<!--SR:!someday,3,250-->\n");
    let run = v.run(TODAY, &["check"]);
    assert_eq!(run.code(), Some(1));
    let out = run.stdout();
    assert!(out.contains("bad.md:4: error: the plugin cannot read the date `someday`"), "{out}");
    assert!(out.ends_with("1 error, 1 warning, 0 info in 3 notes\n"), "{out}");
    // PATHs narrow the check.
    assert_eq!(v.run(TODAY, &["check", &v.path("ok.md").to_string_lossy()]).code(), Some(0));
    // --apply needs --fix.
    assert_eq!(v.run(TODAY, &["check", "--apply"]).code(), Some(2));
}

#[test]
fn note_text_in_messages_is_sanitised() {
    let v = TestVault::new();
    v.file("n.md", "#flashcards\n\n``x::\u{1b}[2J`` y::z\n<!--SR:!\u{1b}[31m,3,250-->\n");
    let out = v.run(TODAY, &["check"]).stdout();
    assert!(!out.contains('\u{1b}'), "{out:?}");
    assert!(out.contains("␛[2J"), "{out}");
}

#[test]
fn unreadable_files_are_findings_not_stderr_warnings() {
    let v = TestVault::new();
    v.file("good.md", "#flashcards\n\nQ::A\n");
    v.file("bad.md", b"#flashcards\n\nQ::A\ncaf\xe9::latin-1\n".as_slice());
    v.file("image.md", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".as_slice());
    let run = v.run(TODAY, &["check"]);
    let out = run.stdout();
    assert!(out.contains("bad.md:4: error: not valid UTF-8"), "{out}");
    assert!(out.contains("image.md:3: warning: binary file"), "{out}");
    assert_eq!(run.stderr(), "");
    assert_eq!(run.code(), Some(1));
}
