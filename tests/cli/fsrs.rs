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

#[test]
fn fsrs_vault_never_turns_fsrs_state_into_sm2() {
    for target in ["n.md:3#0", "n.md:3#1"] {
        let v = vault("FSRS");
        let r = v.run(TODAY, &["grade", target, "good"]);
        assert_eq!(r.code(), Some(1), "{}", r.stderr());
        assert!(r.stderr().contains("FSRS"), "{}", r.stderr());
        assert_eq!(v.read_str("n.md"), NOTE);
    }
}
