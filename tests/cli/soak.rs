//! Session soak: random action sequences (every button, reset, undo, bury,
//! skip, time passing) through a card session on a real temp vault (its
//! `DiskStore`), under SM-2 and FSRS settings. After each step every note
//! must equal what the same answers through `recall grade` (its command, in
//! process, with the same `--now`) give on a twin vault, and undoing
//! everything must give back the original bytes. `SOAK_CASES` sets the
//! number of sequences (docs/crash-consistency.md records a long run).

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;
use recall::cli::{Global, GradeArgs};
use recall::clock::{Clock, FixedClock};
use recall::schedule::{Histogram, Response, card_keys};
use recall::session::{Context, DiskStore, Mode, Order, Session, Undone, fingerprint, note_cards, queue};

use crate::util::TestVault;

const NOTES: [(&str, &str); 3] = [
    (
        "a.md",
        "#flashcards\n\nA1::one\n<!--SR:!2024-06-19,3,250-->\nA2::two\n\nA3:::three\n<!--SR:!2024-06-10,12,270!2024-06-18,4,230-->\n",
    ),
    ("b/b.md", "#flashcards\r\n\r\nB1\r\n?\r\nbee\r\n\r\nB2 ==c1== and ==c2==\r\n"),
    (
        "c.md",
        "---\ntags: [flashcards]\n---\nC1::x\n<!--SR:!fsrs,2024-06-19T09:00:00.000Z,3,3.2,5.1,2,3,0,0,2024-06-16T09:00:00.000Z-->\nC2::y\n",
    ),
];

fn vault(fsrs: bool) -> TestVault {
    let v = TestVault::new();
    v.file(".obsidian/app.json", "{}");
    if fsrs {
        v.settings(r#"{"algorithm": "FSRS"}"#);
    }
    for (p, t) in NOTES {
        v.file(p, t);
    }
    v
}

fn notes(root: &Path) -> Vec<(String, String)> {
    TestVault::snapshot_of(root)
        .into_iter()
        .filter(|(p, _)| std::path::Path::new(p).extension().is_some_and(|e| e == "md"))
        .map(|(p, b)| (p, String::from_utf8_lossy(&b).into_owned()))
        .collect()
}

fn global(root: &Path, now: DateTime<Utc>) -> Global {
    Global {
        vault: Some(root.to_owned()),
        today: None,
        now: Some(now),
        tags: Vec::new(),
        folders_as_decks: false,
    }
}

/// A session over the vault as `recall review` builds it.
fn session(root: &Path, clock: Arc<FixedClock>) -> Session<DiskStore> {
    let g = global(root, clock.now());
    let (vault, per_note) = recall::scan_vault_quiet(&g, None, recall::parse::Detail::Full, |n, opts| {
        let keys: Vec<i64> = card_keys(&n.note, opts.today, opts.now).collect();
        let cards = note_cards(&n.path, &n.note, &opts.when(), Mode::Normal, &[], &[]);
        (keys, (!cards.is_empty()).then(|| ((n.path.clone(), fingerprint(&n.note.text)), cards)))
    })
    .expect("scan");
    let mut histogram = Histogram::default();
    let (mut unloaded, mut cards) = (Vec::new(), Vec::new());
    for (keys, keep) in per_note {
        for k in keys {
            histogram.increment(k);
        }
        if let Some((n, c)) = keep {
            unloaded.push(n);
            cards.extend(c);
        }
    }
    let ctx = Context {
        settings: vault.config.settings.clone(),
        clozes: vault.clozes.clone(),
        zone: vault.zone,
        today: vault.today,
        scheduler: vault.scheduler(),
        fsrs: vault.fsrs_parameters(),
        mode: Mode::Normal,
    };
    let q = queue::build(cards, Order::DueFirstSequential, false, 1, None, None);
    let clock: Arc<dyn Clock> = clock;
    Session::new_lazy(ctx, clock, DiskStore { root: vault.root.clone() }, unloaded, q, histogram)
}

/// `recall grade PATH:LINE#SIBLING RESPONSE --now NOW --json` on the twin
/// vault: whether it wrote the note (Reset on a new card changes nothing,
/// and the session keeps no undo step for it either).
fn grade(root: &Path, now: DateTime<Utc>, target: String, response: Response) -> bool {
    let args = GradeArgs { target, response, json: true, dry_run: false };
    let mut out = Vec::new();
    recall::cmd::grade::run(&global(root, now), &args, &mut out).expect("grade");
    let j: serde_json::Value = serde_json::from_slice(&out).expect("grade --json");
    j["written"] == serde_json::Value::Bool(true)
}

#[derive(Debug, Clone, Copy)]
enum Action {
    Answer(Response),
    Undo,
    Bury,
    Skip,
}

fn action() -> impl Strategy<Value = (Action, u32)> {
    let a = prop_oneof![
        4 => prop_oneof![
            Just(Response::Again),
            Just(Response::Hard),
            Just(Response::Good),
            Just(Response::Easy),
            Just(Response::Reset)
        ]
        .prop_map(Action::Answer),
        2 => Just(Action::Undo),
        1 => Just(Action::Bury),
        1 => Just(Action::Skip),
    ];
    // Minutes passing before the action: learning steps come due.
    (a, prop_oneof![Just(0u32), 1u32..15])
}

fn cases() -> u32 {
    std::env::var("SOAK_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(12)
}

fn soak(fsrs: bool, actions: &[(Action, u32)]) -> Result<(), TestCaseError> {
    let (v, twin) = (vault(fsrs), vault(fsrs));
    let original = notes(v.root());
    let start = Utc.with_ymd_and_hms(2024, 6, 20, 12, 0, 0).single().expect("time");
    let clock = Arc::new(FixedClock::new(start));
    let mut s = session(v.root(), Arc::clone(&clock));
    // The twin's note bytes before each answer the session still holds.
    let mut answered: Vec<Vec<(String, String)>> = Vec::new();
    for &(a, minutes) in actions {
        clock.advance(Duration::minutes(i64::from(minutes)));
        match a {
            Action::Answer(r) => {
                let Some(card) = s.view() else { continue };
                let before = notes(twin.root());
                s.answer(r).map_err(|e| TestCaseError::fail(format!("answer: {e}")))?;
                let target = format!("{}:{}#{}", card.path, card.line, card.sibling);
                if grade(twin.root(), clock.now(), target, r) {
                    answered.push(before);
                }
            }
            Action::Undo => {
                if let Some(Undone::Answer { .. }) =
                    s.undo().map_err(|e| TestCaseError::fail(format!("undo: {e}")))?
                {
                    let before = answered.pop().expect("an answer to undo");
                    for (p, bytes) in before {
                        std::fs::write(twin.root().join(&p), bytes).expect("restore twin");
                    }
                }
            }
            Action::Bury => {
                s.bury();
            }
            Action::Skip => s.skip(),
        }
        prop_assert_eq!(notes(v.root()), notes(twin.root()), "after {:?}", a);
    }
    while let Some(u) = s.undo().map_err(|e| TestCaseError::fail(format!("undo: {e}")))? {
        let _ = u;
    }
    prop_assert_eq!(notes(v.root()), original, "everything undone");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn a_session_writes_what_grade_writes_and_undoes_to_the_original(
        fsrs in any::<bool>(),
        actions in proptest::collection::vec(action(), 1..40),
    ) {
        soak(fsrs, &actions)?;
    }
}
