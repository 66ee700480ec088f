//! FSRS segments are never lost: answering one sibling of a question that
//! mixes an FSRS and an SM-2 segment leaves the other as the plugin would.

use crate::util::TestVault;

const NOTE: &str = "#flashcards/kafka\n\nISR:::in-sync replicas\n<!--SR:!fsrs,2026-11-28T09:00:00.000Z,5,5.3,5.1,2,3,0,0,2026-11-23T09:00:00.000Z!2026-11-20,4,250-->\n";
const FSRS_SEG: &str = "!fsrs,2026-11-28T09:00:00.000Z,5,5.3,5.1,2,3,0,0,2026-11-23T09:00:00.000Z";
const TODAY: &str = "2026-12-01";

fn vault(algorithm: &str) -> TestVault {
    let v = TestVault::new();
    v.file("n.md", NOTE);
    v.settings(&format!(r#"{{"algorithm": "{algorithm}"}}"#));
    v
}

fn comment(v: &TestVault) -> String {
    let text = v.read_str("n.md");
    text.lines().find(|l| l.starts_with("<!--SR:")).expect("comment").to_owned()
}

#[test]
fn sm2_vault_grading_the_sm2_sibling_keeps_the_fsrs_segment() {
    let v = vault("SM-2-OSR");
    v.run(TODAY, &["grade", "n.md:3#1", "good"]).ok();
    // Sibling 1 was due 2026-11-20 (11 days overdue, no credit): 4 × 2.5 = 10.
    assert_eq!(comment(&v), format!("<!--SR:{FSRS_SEG}!2026-12-11,10,250-->"));
}

#[test]
fn sm2_vault_grading_the_fsrs_sibling_writes_what_the_plugin_writes() {
    let v = vault("SM-2-OSR");
    v.run(TODAY, &["grade", "n.md:3#0", "good"]).ok();
    // Spec §j.3: the FSRS sibling's delay is now − due = 3 days 3 hours
    // (credit 3 days); its ease comes from the difficulty,
    // round(130 + 240 × (10 − 5.1) / 9) = 261; (5 + 3/2) × 2.61 = 16.97 → 17.
    // The SM-2 sibling keeps its segment.
    assert_eq!(comment(&v), "<!--SR:!2026-12-18,17,261!2026-11-20,4,250-->");
}

/// Under FSRS each sibling's answer gives the segment ts-fsrs 5.4.1 gives
/// (computed with the real package under node; spec §c.7) and leaves the
/// other sibling's segment as it was. The SM-2 sibling is converted first.
#[test]
fn fsrs_vault_grades_each_sibling_as_the_plugin_does_and_keeps_the_other() {
    let v = vault("FSRS");
    v.run(TODAY, &["grade", "n.md:3#0", "good"]).ok();
    assert_eq!(
        comment(&v),
        "<!--SR:!fsrs,2026-12-23T12:00:00.000Z,22,22.18264878,5.09012837,2,4,0,0,2026-12-01T12:00:00.000Z!2026-11-20,4,250-->"
    );
    let v = vault("FSRS");
    v.run(TODAY, &["grade", "n.md:3#1", "good"]).ok();
    assert_eq!(
        comment(&v),
        format!(
            "<!--SR:{FSRS_SEG}!fsrs,2026-12-26T12:00:00.000Z,25,24.840439,5.48972837,2,3,0,0,2026-12-01T12:00:00.000Z-->"
        )
    );
}

/// `fsrs-weights` in `.recall/config.yaml` (what `recall optimize --apply`
/// writes) makes recall schedule with the user's weights; without the key
/// it is the plugin's schedule again. Expected segments from ts-fsrs 5.4.1
/// under node with the same weights.
#[test]
fn fitted_weights_are_used_when_set_and_only_then() {
    let v = TestVault::new();
    v.settings(r#"{"algorithm": "FSRS"}"#);
    let note = "#flashcards\n\nQ::A\n";
    let own = "fsrs-weights: [0.6, 2.1, 4.2, 14.0, 5.8, 0.6, 2.2, 0.03, 1.5, 0.25, 1.1, 1.7, 0.09, 0.35, 1.2, 0.4, 2.4, 0.4, 0.2, 0.1, 0.28]\n";
    v.file(".recall/config.yaml", own);
    v.file("n.md", note);
    v.run(TODAY, &["grade", "n.md:3", "easy"]).ok();
    assert_eq!(
        v.read_str("n.md"),
        format!("{note}<!--SR:!fsrs,2026-12-15T12:00:00.000Z,14,14,1,2,1,0,0,2026-12-01T12:00:00.000Z-->\n")
    );
    v.file(".recall/config.yaml", "");
    v.file("n.md", note);
    v.run(TODAY, &["grade", "n.md:3", "easy"]).ok();
    assert_eq!(
        v.read_str("n.md"),
        format!(
            "{note}<!--SR:!fsrs,2026-12-09T12:00:00.000Z,8,8.2956,1,2,1,0,0,2026-12-01T12:00:00.000Z-->\n"
        )
    );
}

/// `cards --json` shows each FSRS card's memory and its retrievability at
/// `--now` (ts-fsrs 5.4.1's `get_retrievability`: 8 days 3 hours after the
/// last review at stability 5.3 → 0.86932428); SM-2 cards show nulls.
#[test]
fn cards_json_shows_fsrs_memory_and_retrievability() {
    let v = vault("FSRS");
    let out = v.run(TODAY, &["cards", "--json", "--now", "2026-12-01T12:00:00Z"]).json();
    let rows = out.as_array().expect("rows");
    assert_eq!(rows.len(), 2);
    let fsrs = &rows[0];
    assert_eq!(fsrs["stability"], 5.3);
    assert_eq!(fsrs["difficulty"], 5.1);
    assert_eq!(fsrs["retrievability"], 0.869_324_28);
    assert_eq!(fsrs["fsrs_state"], "review");
    let sm2 = &rows[1];
    for key in ["stability", "difficulty", "retrievability", "fsrs_state"] {
        assert!(sm2[key].is_null(), "{key}: {sm2}");
    }
    // The JSON export says the same.
    let export =
        v.run(TODAY, &["export", "--format", "json", "-o", "-", "--now", "2026-12-01T12:00:00Z"]).json();
    assert_eq!(export[0]["retrievability"], 0.869_324_28);
    assert!(export[1]["stability"].is_null());
}

/// `stats` shows the FSRS cards' stability and difficulty histograms and
/// their average retrievability now (the ts-fsrs value above).
#[test]
fn stats_show_the_fsrs_memory() {
    let v = vault("FSRS");
    let j = v.run(TODAY, &["stats", "--json", "--now", "2026-12-01T12:00:00Z"]).json();
    let m = &j["fsrs_memory"];
    assert_eq!(m["cards"], 1, "{m}");
    assert_eq!(m["average_retrievability"], 0.869_324_28);
    assert_eq!(m["stability"]["count"], 1);
    assert_eq!(m["stability"]["average"], 5.3);
    let bucket = |d: &serde_json::Value| {
        d["buckets"].as_array().expect("buckets").iter().find(|b| b["cards"] == 1).map(|b| b["label"].clone())
    };
    assert_eq!(bucket(&m["stability"]), Some("4–7 d".into()));
    assert_eq!(bucket(&m["difficulty"]), Some("5–6".into()));
    let text = v.run(TODAY, &["stats", "--now", "2026-12-01T12:00:00Z"]).ok();
    assert!(text.contains("FSRS memory (1 card): average retrievability now 86.9%"), "{text}");
    assert!(text.contains("Stability (1 reviewed card; average 5.3 days)"), "{text}");
    assert!(text.contains("Difficulty (1 reviewed card; average 5.1 of 10)"), "{text}");
    // Without FSRS cards there is no such section.
    let sm2 = crate::util::TestVault::new();
    sm2.file("n.md", "#flashcards\n\nQ::A\n<!--SR:!2026-11-20,4,250-->\n");
    assert!(sm2.run(TODAY, &["stats", "--json"]).json().get("fsrs_memory").is_none());
}

/// `reschedule` moves an FSRS card's due by whole days and keeps its
/// memory; `--reset` writes the plugin's FSRS Reset; rebalance and cap
/// leave FSRS cards and say why. Every change is logged and undone bytes
/// are never touched elsewhere.
#[test]
fn reschedule_moves_fsrs_dues_keeps_memory_and_resets_as_the_plugin() {
    let v = vault("FSRS");
    let before = v.read_str("n.md");
    let dry = v.run(TODAY, &["reschedule", "--shift", "2", "--now", "2026-12-01T12:00:00Z"]).ok();
    assert!(dry.contains("2 cards in 1 note would change"), "{dry}");
    assert_eq!(v.read_str("n.md"), before, "a dry run writes nothing");
    v.run(TODAY, &["reschedule", "--shift", "2", "--apply", "--now", "2026-12-01T12:00:00Z"]).ok();
    assert_eq!(
        comment(&v),
        "<!--SR:!fsrs,2026-11-30T09:00:00.000Z,5,5.3,5.1,2,3,0,0,2026-11-23T09:00:00.000Z!2026-11-22,4,250-->"
    );
    assert_eq!(
        v.read_str("n.md").replace(&comment(&v), ""),
        before.replace(&before.lines().nth(3).expect("comment line").to_owned(), "")
    );
    let log = v.read_str(".recall/reviews.jsonl");
    assert!(log.contains("\"op\":\"reschedule\"") && log.contains("2026-11-30T09:00:00.000Z"), "{log}");

    let rebalance = v.run(TODAY, &["reschedule", "--rebalance", "--apply"]);
    assert!(rebalance.stderr().contains("1 FSRS card(s) left alone by rebalance"), "{}", rebalance.stderr());

    v.run(TODAY, &["reschedule", "--reset", "--apply", "--now", "2026-12-01T12:00:00Z"]).ok();
    assert_eq!(comment(&v), "<!--SR:!fsrs,2026-12-01T12:00:00.000Z,0,0,0,0,0,0,0,-!2000-01-01,1,250-->");
    // A second reset changes nothing.
    let again = v.run(TODAY, &["reschedule", "--reset", "--apply", "--now", "2026-12-01T13:00:00Z"]).ok();
    assert!(again.contains("0 cards in 0 notes changed"), "{again}");
}
