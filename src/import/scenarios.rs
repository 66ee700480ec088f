//! Matching and planning on a real vault (a temp folder) and a collection
//! built by hand: one scenario per rule of the module docs.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate};

use super::plan::CardPlan;
use super::*;
use crate::anki::{Card, Format, Memory, Note, Review};
use crate::export::anki::NoteType;
use crate::export::{ExportNote, Selection, collect};
use crate::log::{Op, Record};
use crate::vault::{LoadOptions, Vault};

const NOTE: &str = "#flashcards\n\nWhat is ISR?::in-sync replicas\n<!--SR:!2026-11-20,13,230-->\n\n\
Broker:::a server\n\nA ==topic== has ==partitions==.\n";

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn ms(s: &str) -> i64 {
    DateTime::parse_from_rfc3339(s).expect("time").timestamp_millis()
}

struct World {
    _dir: tempfile::TempDir,
    vault: Vault,
    exported: Vec<ExportNote>,
}

fn world(text: &str, settings: Option<&str>) -> World {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("K.md"), text).expect("write");
    if let Some(s) = settings {
        let p = dir.path().join(".obsidian/plugins/obsidian-spaced-repetition");
        std::fs::create_dir_all(&p).expect("mkdir");
        std::fs::write(p.join("data.json"), format!("{{\"settings\": {s}}}")).expect("write");
    }
    let opts = LoadOptions { zone: crate::clock::Zone::utc(), ..LoadOptions::at_day(d("2026-12-03")) };
    let vault = crate::vault::load(dir.path(), &opts).expect("vault");
    let exported = collect(&vault, &Selection::default(), &|_| 0);
    World { _dir: dir, vault, exported }
}

fn note(id: i64, guid: &str, t: NoteType) -> Note {
    Note {
        id,
        guid: guid.to_owned(),
        mid: t.id(),
        fields: vec!["front".into(), String::new(), "K.md".into()],
    }
}

#[expect(clippy::too_many_arguments, reason = "a row of `cards`, in its column order")]
fn card(id: i64, nid: i64, ord: i64, kind: i64, queue: i64, due: i64, ivl: i64, factor: i64) -> Card {
    Card {
        id,
        nid,
        ord,
        kind,
        queue,
        due,
        ivl,
        factor,
        reps: 1,
        lapses: 0,
        left: 0,
        odue: 0,
        odid: 0,
        memory: None,
        last_review: None,
    }
}

fn review(id: i64, cid: i64, ease: i64, ivl: i64) -> Review {
    Review { id, cid, ease, ivl, last_ivl: 0, factor: 2500, time: 3000, kind: 1 }
}

/// A collection created 2026-12-01 (UTC) with recall's three notes.
fn collection(w: &World) -> Collection {
    let mut note_types = BTreeMap::new();
    for t in [NoteType::Basic, NoteType::Reversed, NoteType::Cloze] {
        note_types.insert(t.id(), t.name().to_owned());
    }
    note_types.insert(42, "Basic".to_owned());
    let g = |i: usize| w.exported[i].guid.clone();
    Collection {
        format: Format::Anki21b,
        schema: 18,
        crt: ms("2026-12-01T04:00:00Z") / 1000,
        creation_offset: Some(0),
        rollover: 4,
        fsrs: false,
        note_types,
        notes: vec![
            note(1, &g(0), NoteType::Basic),
            note(2, &g(1), NoteType::Reversed),
            note(3, &g(2), NoteType::Cloze),
        ],
        cards: Vec::new(),
        revlog: Vec::new(),
    }
}

fn run(w: &World, col: &Collection, records: &[Record], prefer: Prefer) -> Plan {
    let cal = Calendar::new(col, crate::clock::Zone::utc()).expect("calendar");
    let refs: Vec<&Record> = records.iter().collect();
    plan(&w.vault, col, match_cards(&w.vault, &w.exported, col), &refs, prefer, &cal)
}

fn outcome(p: &Plan, note: usize, question: usize, sibling: usize) -> &CardPlan {
    p.cards.iter().find(|c| c.key == CardKey { note, question, sibling }).expect("card planned")
}

#[expect(clippy::unnecessary_wraps, reason = "compared with `CardPlan::outcome`, a `Result`")]
fn sm2(due: &str, interval: f64, ease: f64) -> Result<Write, Keep> {
    Ok(Write::Sm2 { due: d(due), interval: Interval(interval), ease: Ease(ease) })
}

#[test]
fn notes_match_by_guid_and_cards_by_ordinal_nothing_else() {
    let w = world(NOTE, None);
    let mut col = collection(&w);
    col.notes.push(Note { id: 4, guid: "fromelsewhere".into(), mid: 42, fields: vec!["Capital?".into()] });
    col.notes.push(note(5, "edited-since", NoteType::Basic));
    col.notes.push(note(6, &w.exported[0].guid, NoteType::Basic));
    // The reversed question's GUID on a cloze note type: changed in Anki.
    col.notes[1].mid = NoteType::Cloze.id();
    col.cards = vec![
        card(10, 1, 0, 2, 2, 3, 5, 2500),
        card(11, 1, 1, 2, 2, 3, 5, 2500),
        card(12, 3, 1, 0, 0, 1, 0, 0),
        card(13, 3, 1, 0, 0, 1, 0, 0),
        card(14, 4, 0, 0, 0, 1, 0, 0),
    ];
    let m = match_cards(&w.vault, &w.exported, &col);
    assert_eq!(m.notes, 2);
    assert_eq!(
        m.cards,
        vec![
            matching::Matched { card: 0, key: CardKey { note: 0, question: 0, sibling: 0 } },
            matching::Matched { card: 2, key: CardKey { note: 0, question: 2, sibling: 1 } },
        ]
    );
    let reasons: Vec<String> = m.unmatched.iter().map(|u| u.reason.to_string()).collect();
    assert_eq!(reasons.len(), 6, "{reasons:#?}");
    assert!(reasons[0].contains("note type is now `recall Cloze` but the question is a reversed card"));
    assert!(reasons[1].contains("not exported by recall (note type `Basic`)"));
    assert!(reasons[2].contains("no question of the vault has its GUID"));
    assert!(reasons[3].contains("same GUID"));
    assert!(reasons[4].contains("card 2 of the note: the question has 1 card(s) now"));
    assert!(reasons[5].contains("card 2 of the note appears twice"));
}

#[test]
fn what_each_anki_state_writes() {
    let w = world(NOTE, None);
    let mut col = collection(&w);
    col.cards = vec![
        // Review card: due day 3 = 2026-12-04, 5 days, factor 2450.
        card(10, 1, 0, 2, 2, 3, 5, 2450),
        // Learning from new (factor 0), relearning (factor 2100).
        card(20, 2, 0, 1, 1, 1_796_200_000, 0, 0),
        card(21, 2, 1, 3, 1, 1_796_200_000, 1, 2100),
        // Suspended and buried after reviews; a new card with a manual row.
        card(30, 3, 0, 2, -1, 9, 9, 2500),
        card(31, 3, 1, 2, -3, 9, 9, 2500),
    ];
    let t = ms("2026-12-02T10:00:00Z");
    col.revlog = vec![
        review(t, 10, 3, 5),
        review(t, 20, 1, -60),
        review(t + 1, 21, 1, -600),
        review(t + 2, 30, 3, 9),
        review(t + 3, 31, 3, 9),
    ];
    let p = run(&w, &col, &[], Prefer::Latest);
    assert_eq!(outcome(&p, 0, 0, 0).outcome, sm2("2026-12-04", 5.0, 245.0));
    assert_eq!(
        outcome(&p, 0, 1, 0).outcome,
        sm2("2026-12-02", 0.0, 230.0),
        "the plugin's Again on a new card"
    );
    assert_eq!(outcome(&p, 0, 1, 1).outcome, sm2("2026-12-02", 0.0, 210.0), "Anki's lowered factor");
    assert_eq!(outcome(&p, 0, 2, 0).outcome, Err(Keep::Suspended));
    assert_eq!(outcome(&p, 0, 2, 1).outcome, Err(Keep::Buried));
    assert_eq!(p.reviews.len(), 5);
    assert!(p.conflicts.is_empty());

    // New in Anki, and untouched there.
    col.cards = vec![card(10, 1, 0, 0, 0, 1, 0, 0), card(20, 2, 0, 2, 2, 3, 5, 2500)];
    col.revlog = vec![Review { ease: 0, kind: 4, ivl: 0, ..review(t, 10, 0, 0) }];
    let p = run(&w, &col, &[], Prefer::Latest);
    assert_eq!(outcome(&p, 0, 0, 0).outcome, Err(Keep::NewInAnki));
    assert_eq!(outcome(&p, 0, 1, 0).outcome, Err(Keep::NoReviews));
    assert!(p.reviews.is_empty(), "a manual row is no answer");

    // A card in a filtered deck is due on its original day.
    col.cards = vec![Card { odid: 5, odue: 10, due: -100_000, ..card(10, 1, 0, 2, 2, 0, 7, 2500) }];
    col.revlog = vec![review(t, 10, 3, 7)];
    assert_eq!(outcome(&run(&w, &col, &[], Prefer::Latest), 0, 0, 0).outcome, sm2("2026-12-11", 7.0, 250.0));
}

#[test]
fn the_same_schedule_is_not_written_again_and_reviews_are_logged_once() {
    let w = world(NOTE, None);
    let mut col = collection(&w);
    // Anki holds exactly what the note says: 2026-11-20 is day −11.
    col.cards = vec![card(10, 1, 0, 2, 2, -11, 13, 2300)];
    let t = ms("2026-12-02T10:00:00Z");
    col.revlog = vec![review(t, 10, 3, 13), review(t + 5, 10, 2, 13)];
    let logged = Record {
        id: "x".into(),
        ts: "2026-12-03T09:00:00.000+00:00".into(),
        day: d("2026-12-03"),
        op: Op::Import,
        path: "K.md".into(),
        line: crate::parse::LineNo::new(3),
        hash: crate::parse::QuestionHash::default(),
        sibling: 0,
        response: None,
        before: None,
        after: None,
        ms: None,
        decks: Vec::new(),
        undoes: None,
        detail: Some(review_detail(t)),
    };
    let p = run(&w, &col, &[logged], Prefer::Latest);
    assert_eq!(outcome(&p, 0, 0, 0).outcome, Err(Keep::Same));
    assert_eq!((p.reviews.len(), p.already_logged), (1, 1));
    assert_eq!(p.reviews[0].anki_id, t + 5);
}

fn grade(ts: &str, day: &str, w: &World) -> Record {
    let n = &w.vault.notes[0];
    let q = &n.note.questions[0];
    Record {
        id: "g".into(),
        ts: ts.into(),
        day: d(day),
        op: Op::Grade,
        path: n.path.clone(),
        line: crate::parse::LineNo::new(3),
        hash: q.hash(&n.note.text),
        sibling: 0,
        response: Some(crate::schedule::Response::Good),
        before: None,
        after: None,
        ms: None,
        decks: Vec::new(),
        undoes: None,
        detail: None,
    }
}

#[test]
fn conflicts_go_to_the_latest_side_unless_forced() {
    let w = world(NOTE, None);
    let mut col = collection(&w);
    col.cards = vec![card(10, 1, 0, 2, 2, 3, 5, 2500)];
    let (first, last) = (ms("2026-12-02T08:00:00Z"), ms("2026-12-02T20:00:00Z"));
    col.revlog = vec![review(first, 10, 1, -600), review(last, 10, 3, 5)];
    let anki = sm2("2026-12-04", 5.0, 250.0);

    // Graded in the vault after Anki's last review: the vault is newer.
    let late = [grade("2026-12-02T21:00:00.000+00:00", "2026-12-02", &w)];
    let p = run(&w, &col, &late, Prefer::Latest);
    assert_eq!(outcome(&p, 0, 0, 0).outcome, Err(Keep::Conflict));
    assert_eq!(p.conflicts.len(), 1);
    assert_eq!(
        (p.conflicts[0].vault, p.conflicts[0].vault_newer, p.conflicts[0].winner),
        (VaultChange::Logged(ms("2026-12-02T21:00:00Z")), true, Side::Vault)
    );
    assert_eq!(outcome(&run(&w, &col, &late, Prefer::Anki), 0, 0, 0).outcome, anki);

    // Graded between Anki's first and last review: both changed it, Anki last.
    let between = [grade("2026-12-02T12:00:00.000+00:00", "2026-12-02", &w)];
    let p = run(&w, &col, &between, Prefer::Latest);
    assert_eq!(outcome(&p, 0, 0, 0).outcome, anki);
    assert_eq!((p.conflicts.len(), p.conflicts[0].winner), (1, Side::Anki));
    assert_eq!(outcome(&run(&w, &col, &between, Prefer::Vault), 0, 0, 0).outcome, Err(Keep::Conflict));

    // Before Anki's first review (before the export): no conflict at all.
    let before = [grade("2026-12-01T12:00:00.000+00:00", "2026-12-01", &w)];
    let p = run(&w, &col, &before, Prefer::Vault);
    assert_eq!((outcome(&p, 0, 0, 0).outcome.clone(), p.conflicts.len()), (anki, 0));
}

#[test]
fn a_schedule_that_moved_without_a_log_line_is_a_conflict_only_on_a_later_day() {
    // The plugin graded it on 2026-12-03 (due 12-06, interval 3): after
    // Anki's review on 12-02.
    let w = world(&NOTE.replace("2026-11-20,13,230", "2026-12-06,3,250"), None);
    let mut col = collection(&w);
    col.cards = vec![card(10, 1, 0, 2, 2, 8, 6, 2500)];
    col.revlog = vec![review(ms("2026-12-02T20:00:00Z"), 10, 3, 6)];
    let p = run(&w, &col, &[], Prefer::Latest);
    assert_eq!(outcome(&p, 0, 0, 0).outcome, Err(Keep::Conflict));
    assert_eq!(p.conflicts[0].vault, VaultChange::Scheduled(d("2026-12-03")));
    // The same day as Anki's review: Anki's counts (the export came first).
    col.revlog = vec![review(ms("2026-12-03T20:00:00Z"), 10, 3, 6)];
    let p = run(&w, &col, &[], Prefer::Latest);
    assert_eq!((outcome(&p, 0, 0, 0).outcome.clone(), p.conflicts.len()), (sm2("2026-12-09", 6.0, 250.0), 0));
}

#[test]
fn fsrs_vaults_get_fsrs_state_when_anki_has_one() {
    let w =
        world(NOTE, Some("{\"algorithm\": \"FSRS\", \"clozePatterns\": [\"==[123;;]answer[;;hint]==\"]}"));
    let mut col = collection(&w);
    col.fsrs = true;
    col.cards = vec![
        Card {
            memory: Some(Memory { stability: 12.5, difficulty: 5.2 }),
            last_review: Some(1_796_220_000),
            ..card(10, 1, 0, 2, 2, 3, 5, 2500)
        },
        card(20, 2, 0, 2, 2, 4, 6, 2500),
    ];
    let t = ms("2026-12-02T10:00:00Z");
    col.revlog = vec![review(t, 10, 3, 5), review(t, 20, 3, 6)];
    let p = run(&w, &col, &[], Prefer::Latest);
    let Ok(Write::Fsrs(f)) = &outcome(&p, 0, 0, 0).outcome else { panic!("fsrs: {:?}", p.cards) };
    // Due on Anki's day (2026-12-04) at the time of the last review (lrt).
    assert_eq!(
        segment(&Write::Fsrs(f.clone())),
        "!fsrs,2026-12-04T14:00:00.000Z,5,12.5,5.2,2,1,0,0,2026-12-02T14:00:00.000Z"
    );
    assert_eq!(outcome(&p, 0, 1, 0).outcome, sm2("2026-12-05", 6.0, 250.0), "no memory state: SM-2");
}
