//! The note index on real note texts: case 42's queue and schedules, the
//! note histogram, refusals, unreadable values, and recording answers.

use chrono::NaiveDate;

use super::*;
use crate::parse::cloze::Clozes;
use crate::parse::{ParseOptions, parse_note};
use crate::schedule::{Ease, Interval, Sm2};

/// Bit-for-bit equality (the values must be exactly the plugin's).
fn same(got: f64, want: f64) {
    assert_eq!(got.to_bits(), want.to_bits(), "got {got}, want {want}");
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

const TODAY: &str = "2024-06-20";

/// Facts of `(path, text)` notes parsed as the vault parses them.
fn build(notes: &[(&str, &str)], settings: &Settings) -> NoteIndex {
    let clozes = Clozes::new(&settings.cloze_patterns);
    let today = d(TODAY);
    let opts = ParseOptions::at_noon(settings, &clozes, today);
    let facts = notes
        .iter()
        .map(|(path, text)| {
            let folder = crate::note_path::folder(path);
            facts(path, &parse_note((*text).to_owned(), folder, &opts, false), settings)
        })
        .collect();
    index(facts, &[], settings, today)
}

/// Case 42's vault (conformance corpus).
fn case_42() -> Vec<(&'static str, &'static str)> {
    vec![
        ("Plain.md", "Not for review, but it links to [[Raft]].\n"),
        (
            "Inbox/Half scheduled.md",
            "---\ntags: review\nsr-due: 2024-06-10\nsr-ease: 290\n---\nThis note lost its interval.\n",
        ),
        (
            "Inbox/Json new.md",
            "---\n{\"tags\": [\"review\"], \"aliases\": [\"jn\"]}\n---\nA new note with JSON front matter.\n",
        ),
        (
            "Inbox/Json note.md",
            "---\n{\"tags\": [\"review\"], \"sr-due\": \"2024-06-19\", \"sr-interval\": 3, \"sr-ease\": 250}\n---\nx\n",
        ),
        ("Inbox/Quick idea.md", "Partition keys should follow the access pattern. #review\n"),
        (
            "Inbox/Windows old.md",
            "---\r\ntags: review\r\nsr-due: 2024-06-20\r\nsr-interval: 2\r\nsr-ease: 250\r\n---\r\nDue today, CRLF.\r\n",
        ),
        (
            "Inbox/Windows.md",
            "---\r\n# owner: me\r\ntags: review\r\ntitle: 'Windows line endings'\r\n---\r\nWritten on Windows.\r\n",
        ),
        (
            "Topics/Consensus.md",
            "---\ntags: [review]\n---\n# Consensus\n\nCompare [[Raft]] with [[Paxos|the Paxos paper]].\n",
        ),
        (
            "Topics/Paxos.md",
            "---\ntags:\n  - review\nsr-due: 2024-06-25\nsr-interval: 4.5\nsr-ease: 230\n---\n# Paxos\n",
        ),
        (
            "Topics/Raft.md",
            "---\ntags: review\nsr-due: 2024-06-16\nsr-interval: 10\nsr-ease: 270\n---\n# Raft\n\nSee [[Paxos]].\n",
        ),
    ]
}

fn answer(ix: &NoteIndex, path: &str, r: Response) -> Sm2 {
    ix.schedule(path, r, &Settings::default()).expect("schedule")
}

#[test]
fn the_queue_of_case_42() {
    let ix = build(&case_42(), &Settings::default());
    let q: Vec<(String, NoteState)> = queue(&ix).into_iter().map(|n| (n.path, n.state)).collect();
    let want = [
        ("Topics/Raft.md", NoteState::Due),
        ("Inbox/Json note.md", NoteState::Due),
        ("Inbox/Windows old.md", NoteState::Due),
        ("Topics/Consensus.md", NoteState::New),
        ("Inbox/Half scheduled.md", NoteState::New),
        ("Inbox/Json new.md", NoteState::New),
        ("Inbox/Quick idea.md", NoteState::New),
        ("Inbox/Windows.md", NoteState::New),
        ("Topics/Paxos.md", NoteState::Scheduled),
    ];
    assert_eq!(q, want.map(|(p, s)| (p.to_owned(), s)).to_vec());
    let paxos = queue(&ix).into_iter().find(|n| n.path == "Topics/Paxos.md").expect("paxos");
    assert_eq!((paxos.due, paxos.interval, paxos.ease), (Some(d("2024-06-25")), Some(4.5), Some(230.0)));
    same(ix.rank("Topics/Paxos.md"), 4_399.869_810_626_518);
    same(ix.rank("Inbox/Windows.md"), 0.0);
}

#[test]
fn a_new_note_takes_the_ease_of_the_notes_it_links() {
    let ix = build(&case_42(), &Settings::default());
    let stat = ix.link_stat("Topics/Consensus.md");
    assert_eq!(stat.count, 2);
    same(ix.new_note_ease("Topics/Consensus.md", &Settings::default()), 249.0);
    assert_eq!(
        answer(&ix, "Topics/Consensus.md", Response::Good),
        Sm2 { due: d("2024-06-22"), interval: Interval(2.0), ease: Ease(249.0) }
    );
    assert_eq!(
        answer(&ix, "Topics/Consensus.md", Response::Easy),
        Sm2 { due: d("2024-06-23"), interval: Interval(3.0), ease: Ease(269.0) }
    );
    assert_eq!(
        answer(&ix, "Topics/Consensus.md", Response::Hard),
        Sm2 { due: d("2024-06-21"), interval: Interval(1.0), ease: Ease(229.0) }
    );
    // No links to notes with an entry: baseEase.
    assert_eq!(
        answer(&ix, "Inbox/Quick idea.md", Response::Good),
        Sm2 { due: d("2024-06-23"), interval: Interval(3.0), ease: Ease(250.0) }
    );
}

#[test]
fn overdue_notes_get_credit_early_ones_none() {
    let ix = build(&case_42(), &Settings::default());
    // Due 4 days ago, interval 10, ease 270: (10 + 4/2) × 2.7 = 32.4 → 32.
    assert_eq!(
        answer(&ix, "Topics/Raft.md", Response::Good),
        Sm2 { due: d("2024-07-22"), interval: Interval(32.0), ease: Ease(270.0) }
    );
    // Due in 5 days: no bonus. (4.5 × 2.5 × 1.3 = 14.6 → 15.)
    assert_eq!(
        answer(&ix, "Topics/Paxos.md", Response::Easy),
        Sm2 { due: d("2024-07-05"), interval: Interval(15.0), ease: Ease(250.0) }
    );
    assert_eq!(
        answer(&ix, "Topics/Paxos.md", Response::Hard),
        Sm2 { due: d("2024-06-22"), interval: Interval(2.0), ease: Ease(210.0) }
    );
}

#[test]
fn a_note_missing_a_key_is_new() {
    let ix = build(&case_42(), &Settings::default());
    assert_eq!(ix.get("Inbox/Half scheduled.md").and_then(|n| n.schedule), None);
    same(answer(&ix, "Inbox/Half scheduled.md", Response::Good).ease.0, 250.0);
}

#[test]
fn without_load_balancing_intervals_keep_a_decimal() {
    let s = Settings { load_balance: false, ..Settings::default() };
    let ix = build(&case_42(), &s);
    let n = ix.schedule("Topics/Raft.md", Response::Good, &s).expect("schedule");
    assert_eq!((n.interval, n.due), (Interval(32.4), d("2024-07-22")));
    let n = ix.schedule("Topics/Consensus.md", Response::Good, &s).expect("schedule");
    assert_eq!((n.interval, n.due), (Interval(2.5), d("2024-06-23")));
}

#[test]
fn the_note_histogram_counts_a_note_once_per_deck() {
    let s = Settings { tags_to_review: vec!["#review".into(), "#study".into()], ..Settings::default() };
    let notes = [
        ("a.md", "---\ntags: [review, study/deep]\nsr-due: 2024-07-11\nsr-interval: 21\nsr-ease: 250\n---\n"),
        ("b.md", "---\ntags: review\nsr-due: 2024-07-10\nsr-interval: 20\nsr-ease: 250\n---\n"),
        ("c.md", "---\ntags: review\nsr-due: 2024-07-09\nsr-interval: 19\nsr-ease: 250\n---\n"),
        ("e.md", "---\ntags: review\nsr-due: 2024-07-12\nsr-interval: 22\nsr-ease: 250\n---\n"),
        ("f.md", "---\ntags: review\nsr-due: 2024-06-19\nsr-interval: 8\nsr-ease: 250\n---\n"),
        ("untagged.md", "---\nsr-due: 2024-07-11\nsr-interval: 8\nsr-ease: 250\n---\n"),
    ];
    let ix = build(&notes, &s);
    assert_eq!(ix.histogram().sorted(), vec![(-1, 1), (19, 1), (20, 1), (21, 2), (22, 1)]);
    // Good: (8 + 1/2) × 2.5 = 21.25 → 21, radius 1. Day 21 holds a.md twice,
    // so day 20 (one note) is less used; with a.md counted once it would stay 21.
    same(ix.schedule("f.md", Response::Good, &s).expect("schedule").interval.0, 20.0);
    let q = queue(&ix);
    assert_eq!(
        q.iter().filter(|n| n.path == "a.md").map(|n| n.deck.as_str()).collect::<Vec<_>>(),
        ["#review", "#study"]
    );
    assert!(q.iter().all(|n| n.path != "untagged.md"));
}

#[test]
fn refusals() {
    let s = Settings { note_tags_to_ignore: vec!["#skip".into()], ..Settings::default() };
    let notes =
        [("plain.md", "no tag\n"), ("skip.md", "---\ntags: [review, skip/x]\n---\n"), ("r.md", "#review\n")];
    let ix = build(&notes, &s);
    assert!(matches!(ix.schedule("plain.md", Response::Good, &s), Err(NoteError::NotTagged(_))));
    assert_eq!(ix.schedule("skip.md", Response::Good, &s), Err(NoteError::IgnoredTag("#skip/x".into())));
    assert_eq!(ix.schedule("nowhere.md", Response::Good, &s), Err(NoteError::Unknown));
    assert_eq!(ix.schedule("r.md", Response::Again, &s), Err(NoteError::Response(Response::Again)));
    assert_eq!(ix.schedule("r.md", Response::Reset, &s), Err(NoteError::Response(Response::Reset)));
    assert!(queue(&ix).iter().all(|n| n.path == "r.md"));
}

#[test]
fn unreadable_values() {
    let notes = [
        ("bad-date.md", "---\ntags: review\nsr-due: someday\nsr-interval: 10\nsr-ease: 250\n---\n"),
        ("bad-number.md", "---\ntags: review\nsr-due: 2024-06-01\nsr-interval: ten\nsr-ease: 250\n---\n"),
        ("late.md", "---\ntags: review\nsr-due: 2024-06-30\nsr-interval: 10\nsr-ease: 250\n---\n"),
    ];
    let ix = build(&notes, &Settings::default());
    let q = queue(&ix);
    let order: Vec<(&str, NoteState, Option<f64>)> =
        q.iter().map(|n| (n.path.as_str(), n.state, n.interval)).collect();
    assert_eq!(
        order,
        vec![
            ("bad-number.md", NoteState::Due, None),
            ("late.md", NoteState::Scheduled, Some(10.0)),
            ("bad-date.md", NoteState::Scheduled, Some(10.0)),
        ]
    );
    // No credit without a date: (10 + 0) × 2.5.
    same(answer(&ix, "bad-date.md", Response::Good).interval.0, 25.0);
    // No interval: answered as a new note.
    same(answer(&ix, "bad-number.md", Response::Good).interval.0, 3.0);
}

#[test]
fn recording_an_answer_moves_the_note_in_queue_and_histogram() {
    let mut ix = build(&case_42(), &Settings::default());
    let before = ix.histogram().get(2);
    let n = answer(&ix, "Topics/Consensus.md", Response::Good);
    ix.record("Topics/Consensus.md", &n);
    assert_eq!(ix.histogram().get(2), Some(before.unwrap_or(0) + 1));
    let entry = queue(&ix).into_iter().find(|q| q.path == "Topics/Consensus.md").expect("queued");
    assert_eq!((entry.state, entry.due), (NoteState::Scheduled, Some(d("2024-06-22"))));
    // A new note gets no ease entry from its first review (the plugin's rule).
    assert_eq!(ix.get("Topics/Consensus.md").and_then(|f| f.ease_entry), None);
    let r = answer(&ix, "Topics/Raft.md", Response::Hard);
    ix.record("Topics/Raft.md", &r);
    assert_eq!(ix.get("Topics/Raft.md").and_then(|f| f.ease_entry), Some(250.0));
}

#[test]
fn links_to_ignored_files_still_count_in_the_graph() {
    let s = Settings::default();
    let clozes = Clozes::new(&s.cloze_patterns);
    let today = d(TODAY);
    let opts = ParseOptions::at_noon(&s, &clozes, today);
    let n = parse_note("#review [[flow.excalidraw]] [[Missing]]\n".to_owned(), None, &opts, false);
    let f = facts("a.md", &n, &s);
    let ix = index(vec![f], &["Sketch/flow.excalidraw.md".to_owned()], &s, today);
    assert!(ix.rank("Sketch/flow.excalidraw.md") > ix.rank("a.md"));
    assert!(ix.rank("a.md") > 0.0);
}
