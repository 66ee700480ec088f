//! Session soak: random action sequences (every button, reset, undo, bury,
//! skip, edits of a note between steps, time passing) through a card
//! session on a real temp vault (its `DiskStore`), under SM-2 and FSRS
//! settings. After each step every note must equal what the same answers
//! through `recall grade` (its command, in process, with the same `--now`)
//! give on a twin vault with the same edits, and undoing everything must
//! give back the original bytes with the edits. `SOAK_CASES` sets the
//! number of sequences (docs/crash-consistency.md records a long run);
//! `soak_notes.rs` does the same for note sessions.

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;
use recall::cli::{CardsArgs, Global, GradeArgs};
use recall::clock::{Clock, FixedClock};
use recall::schedule::{Histogram, Response, card_keys};
use recall::session::{
    Cards, Context, DiskStore, Mode, Order, Session, Undone, fingerprint, note_cards, queue,
};

use crate::soak_twin::{NoteEdit, Twin, note_edit, notes};
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

pub(crate) fn global(root: &Path, now: DateTime<Utc>) -> Global {
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
        let cards = note_cards(&Arc::new(n.path.clone()), &n.note, &opts.when(), Mode::Normal, &[], &[]);
        (keys, (!cards.is_empty()).then(|| ((n.path.clone(), fingerprint(&n.note.text)), cards)))
    })
    .expect("scan");
    let mut histogram = Histogram::default();
    let (mut unloaded, mut cards) = (Vec::new(), Cards::default());
    for (keys, keep) in per_note {
        for k in keys {
            histogram.increment(k);
        }
        if let Some((n, c)) = keep {
            unloaded.push(n);
            cards.append(c);
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

/// The line of the card on the twin, from `recall cards --json`: the card
/// of `path` with this sibling and front (the session's line may be one
/// from before an edit it was not told of).
fn twin_line(root: &Path, now: DateTime<Utc>, path: &str, sibling: usize, front: &str) -> usize {
    let args = CardsArgs { paths: Vec::new(), json: true, deck: Vec::new(), state: None };
    let mut out = Vec::new();
    recall::cmd::cards::run(&global(root, now), &args, &mut out).expect("cards");
    let cards: Vec<serde_json::Value> = serde_json::from_slice(&out).expect("cards --json");
    let found = cards.iter().find(|c| {
        c["path"] == path
            && c["sibling"] == sibling
            && c["front"].as_str().map(str::trim) == Some(front.trim())
    });
    let line = found.and_then(|c| c["line"].as_u64()).expect("the card on the twin");
    usize::try_from(line).expect("a line")
}

/// `recall grade TARGET RESPONSE --now NOW --json` on the twin vault:
/// whether it wrote the note (Reset on a new card changes nothing, and the
/// session keeps no undo step for it either).
pub(crate) fn grade(root: &Path, now: DateTime<Utc>, target: String, response: Response) -> bool {
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
    Edit(NoteEdit),
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
        1 => note_edit(NOTES.len()).prop_map(Action::Edit),
    ];
    // Minutes passing before the action: learning steps come due.
    (a, prop_oneof![Just(0u32), 1u32..15])
}

pub(crate) fn cases() -> u32 {
    std::env::var("SOAK_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(12)
}

fn soak(fsrs: bool, actions: &[(Action, u32)]) -> Result<(), TestCaseError> {
    let (v, twin_vault) = (vault(fsrs), vault(fsrs));
    let original = notes(v.root());
    let start = Utc.with_ymd_and_hms(2024, 6, 20, 12, 0, 0).single().expect("time");
    let clock = Arc::new(FixedClock::new(start));
    let mut s = session(v.root(), Arc::clone(&clock));
    let mut twin = Twin::new(twin_vault.root());
    for &(a, minutes) in actions {
        clock.advance(Duration::minutes(i64::from(minutes)));
        match a {
            Action::Answer(r) => {
                let Some(card) = s.view() else { continue };
                let line = twin_line(&twin.root, clock.now(), &card.path, card.sibling, &card.front);
                let before = twin.read(&card.path);
                s.answer(r).map_err(|e| TestCaseError::fail(format!("answer: {e}")))?;
                let target = format!("{}:{line}#{}", card.path, card.sibling);
                if grade(&twin.root, clock.now(), target, r) {
                    twin.answered(&card.path, before);
                }
            }
            Action::Undo => {
                if let Some(Undone::Answer { .. }) =
                    s.undo().map_err(|e| TestCaseError::fail(format!("undo: {e}")))?
                {
                    twin.undo();
                }
            }
            Action::Bury => {
                s.bury();
            }
            Action::Skip => s.skip(),
            Action::Edit(e) => {
                let path = NOTES[e.note].0;
                twin.edit(v.root(), path, e.place);
                // The session's edit key tells it of its card's note; any
                // other edit is one from outside.
                if e.tell && s.view().is_some_and(|c| c.path == path) {
                    s.note_changed(path);
                }
            }
        }
        prop_assert_eq!(notes(v.root()), notes(&twin.root), "after {:?}", a);
    }
    while let Some(u) = s.undo().map_err(|e| TestCaseError::fail(format!("undo: {e}")))? {
        if std::env::var("SOAK_DEBUG").is_ok() {
            eprintln!("undone {u:?}");
            for (p, t) in notes(v.root()) {
                eprintln!("  {p}: {t:?}");
            }
        }
    }
    prop_assert_eq!(notes(v.root()), twin.original_edited(&original), "everything undone");
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

/// The soak's first finding, shrunk: under FSRS, C2 (new) answered after an
/// outside edit above it, then again; undoing the first answer cut into the
/// note (the reverse went to the range planned before the store re-planned
/// the comment lower down).
#[test]
fn undoing_an_answer_the_store_relocated() -> Result<(), TestCaseError> {
    let edit = Action::Edit(NoteEdit { note: 2, place: crate::soak_twin::Place::Top, tell: false });
    let mut actions = vec![(Action::Answer(Response::Hard), 0), (Action::Bury, 0)];
    actions.extend(
        [Action::Answer(Response::Reset), Action::Answer(Response::Reset), Action::Bury, edit]
            .map(|a| (a, 0)),
    );
    actions.extend([(Action::Bury, 0), (Action::Bury, 0)]);
    actions.extend(std::iter::repeat_n((Action::Answer(Response::Again), 0), 5));
    soak(true, &actions)
}
