//! `recall stats`: a fixed vault and a fixed review log on a fixed day,
//! drawn (snapshot) and as JSON (checked against hand-computed numbers).
//!
//! The fixture (tests/fixtures/stats) on 2024-06-20 holds 11 cards:
//! Kafka/Producers.md  due today (ivl 25, ease 270), overdue since 06-18
//!                     (4, 230), a reversed pair due 06-22 (10, 250) and
//!                     07-15 (40, 290), a cloze pair: 06-25 (6, 250) and new;
//! Kafka/Brokers.md    08-30 (70, 310), a new multi-line card, a new cloze;
//! Exam.md             tomorrow (1, 130), and an unreadable date (3, 250).
//! Its log has 13 records and a torn last line: 8 answers count (an undone
//! one, a reset, a fix and a future one do not).

use crate::util::{TestVault, copy_dir, repo};

const TODAY: &str = "2024-06-20";

fn vault() -> TestVault {
    let v = TestVault::new();
    copy_dir(&repo().join("tests/fixtures/stats"), v.root());
    v
}

fn stats_json(v: &TestVault, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["stats", "--json"];
    all.extend_from_slice(args);
    v.run(TODAY, &all).json()
}

#[test]
fn drawn_stats_snapshot() {
    let v = vault();
    let run = v.run(TODAY, &["stats"]);
    insta::assert_snapshot!("stats_fixture", run.ok());
    assert!(run.stderr().contains("reviews.jsonl:14:"), "{}", run.stderr());
}

#[test]
fn drawn_stats_for_one_deck_over_a_week_snapshot() {
    let v = vault();
    insta::assert_snapshot!(
        "stats_kafka_7_days",
        v.run(TODAY, &["stats", "--deck", "flashcards/kafka", "--days", "7"]).ok()
    );
}

#[test]
fn card_numbers_by_hand() {
    let j = stats_json(&vault(), &[]);
    assert_eq!(j["today"], TODAY);
    assert_eq!(j["days"], 30);
    let c = &j["cards"];
    let counts = |v: &serde_json::Value| -> Vec<u64> {
        ["new", "due", "overdue", "scheduled", "invalid", "young", "mature", "total"]
            .iter()
            .map(|k| v[k].as_u64().expect("count"))
            .collect()
    };
    // new: cloze sibling 2, multi-line, cloze; due (today or earlier): acks,
    // idempotence; overdue (of those, before today): idempotence;
    // scheduled: ISR ×2, cloze 1, broker, retention; invalid: Broken.
    // young (< 21 d): 4, 10, 6, 1, 3; mature: 25, 40, 70.
    assert_eq!(counts(c), vec![3, 2, 1, 5, 1, 5, 3, 11]);
    let decks: Vec<(&str, u64, Vec<u64>)> = c["decks"]
        .as_array()
        .expect("decks")
        .iter()
        .map(|d| (d["deck"].as_str().expect("deck"), d["depth"].as_u64().expect("depth"), counts(d)))
        .collect();
    assert_eq!(
        decks,
        vec![
            ("flashcards", 0, vec![3, 2, 1, 5, 1, 5, 3, 11]),
            ("flashcards/exam", 1, vec![0, 0, 0, 1, 1, 2, 0, 2]),
            ("flashcards/kafka", 1, vec![3, 2, 1, 4, 0, 3, 3, 9]),
            ("flashcards/kafka/brokers", 2, vec![2, 0, 0, 1, 0, 0, 1, 3]),
            ("flashcards/kafka/producers", 2, vec![1, 2, 1, 3, 0, 3, 2, 6]),
        ]
    );
    // Forecast: today 1, 06-21 1, 06-22 1, 06-25 1, 07-15 1 (day 25); 08-30 is past day 29.
    let f = &j["forecast"];
    assert_eq!((f["overdue"].as_u64(), f["total"].as_u64()), (Some(1), Some(5)));
    let days = f["days"].as_array().expect("days");
    assert_eq!(days.len(), 30);
    assert_eq!(days[0]["date"], "2024-06-20");
    let due: Vec<(usize, u64)> = days
        .iter()
        .enumerate()
        .filter(|(_, d)| d["cards"] != 0)
        .map(|(i, d)| (i, d["cards"].as_u64().expect("cards")))
        .collect();
    assert_eq!(due, vec![(0, 1), (1, 1), (2, 1), (5, 1), (25, 1)]);
    // Intervals 25, 4, 10, 40, 6, 70, 1, 3: 159 / 8.
    let iv = &j["intervals"];
    assert_eq!((iv["count"].as_u64(), iv["average"].as_f64()), (Some(8), Some(19.875)));
    let buckets = |v: &serde_json::Value| -> Vec<(String, u64)> {
        v["buckets"]
            .as_array()
            .expect("buckets")
            .iter()
            .filter(|b| b["cards"] != 0)
            .map(|b| (b["label"].as_str().expect("label").to_owned(), b["cards"].as_u64().expect("cards")))
            .collect()
    };
    let want = [
        ("≤1 d", 1),
        ("2–3 d", 1),
        ("4–7 d", 2),
        ("1–2 wk", 1),
        ("3 wk–1 mo", 1),
        ("1–2 mo", 1),
        ("2–3 mo", 1),
    ];
    assert_eq!(buckets(iv), want.map(|(l, n)| (l.to_owned(), n)).to_vec());
    // Eases 270, 230, 250, 290, 250, 310, 130, 250: 1980 / 8.
    let ea = &j["eases"];
    assert_eq!(ea["average"].as_f64(), Some(247.5));
    let want = [("≤149", 1), ("230–249", 1), ("250–269", 3), ("270–289", 1), ("290–309", 1), ("310–329", 1)];
    assert_eq!(buckets(ea), want.map(|(l, n)| (l.to_owned(), n)).to_vec());
}

#[test]
fn log_numbers_by_hand() {
    let j = stats_json(&vault(), &[]);
    let l = &j["log"];
    assert_eq!(l["present"], true);
    assert_eq!(l["answers"], 8);
    assert_eq!(l["bad_lines"], 1);
    assert_eq!(l["first_day"], "2024-05-01");
    // 06-20 (3), 06-19 (2), 06-18 (1), 06-15 (1); 05-01 is outside 30 days.
    assert_eq!(l["days_studied"], 4);
    let per_day = l["reviews_per_day"].as_array().expect("days");
    assert_eq!(per_day.len(), 30);
    assert_eq!(per_day[0]["date"], "2024-05-22");
    assert_eq!(
        per_day[29],
        serde_json::json!({"date": "2024-06-20", "reviews": 3, "new": 1, "again": 1, "ms": 13000})
    );
    let b = &l["buttons"];
    assert_eq!(b["new"], serde_json::json!({"again": 0, "hard": 0, "good": 2, "easy": 0}));
    assert_eq!(b["young"], serde_json::json!({"again": 1, "hard": 1, "good": 1, "easy": 0}));
    assert_eq!(b["mature"], serde_json::json!({"again": 1, "hard": 0, "good": 0, "easy": 1}));
    assert_eq!(b["total"], serde_json::json!({"again": 2, "hard": 1, "good": 3, "easy": 1}));
    // True retention: young 20 d Good, mature 25 d Again today; 3 d Hard,
    // 30 d Easy, 5 d Again this week; 22 d Good on 05-01.
    let r = |period: usize, kind: &str| -> (u64, u64) {
        let x = &l["retention"][period][kind];
        (x["passed"].as_u64().expect("passed"), x["failed"].as_u64().expect("failed"))
    };
    assert_eq!(l["retention"][0]["period"], "today");
    assert_eq!((r(0, "young"), r(0, "mature"), r(0, "total")), ((1, 0), (0, 1), (1, 1)));
    assert_eq!((r(1, "young"), r(1, "mature"), r(1, "total")), ((2, 1), (1, 1), (3, 2)));
    assert_eq!(l["retention"][1]["total"]["rate"].as_f64(), Some(0.6));
    assert_eq!(r(2, "total"), (3, 2));
    assert_eq!((r(3, "mature"), r(3, "total")), ((2, 1), (4, 2)));
    assert_eq!(l["retention"][4]["period"], "all");
    assert_eq!(l["retention"][4]["from"], "2024-05-01");
    // Timed answers in 30 days: 4000 + 9000 + 6000 + 2000 + 5000 + 7000.
    assert_eq!(l["answer_time"], serde_json::json!({"timed": 6, "total_ms": 33000, "average_ms": 5500.0}));
    assert_eq!(l["streak"], serde_json::json!({"current": 3, "longest": 3, "studied_today": true}));
    assert_eq!(l["heatmap"]["from"], "2024-04-01");
    assert_eq!(l["heatmap"]["days"].as_array().map(Vec::len), Some(81));
}

#[test]
fn deck_and_path_filters_apply_to_cards_and_log() {
    let v = vault();
    let j = stats_json(&v, &["--deck", "flashcards/kafka"]);
    assert_eq!(j["decks"], serde_json::json!(["flashcards/kafka"]));
    assert_eq!(j["cards"]["total"], 9);
    // r1, r2, r4, r5, r9, r10: the exam answers are left out.
    assert_eq!(j["log"]["answers"], 6);
    let names: Vec<&str> =
        j["cards"]["decks"].as_array().expect("decks").iter().filter_map(|d| d["deck"].as_str()).collect();
    assert_eq!(
        names,
        vec!["flashcards", "flashcards/kafka", "flashcards/kafka/brokers", "flashcards/kafka/producers"]
    );
    let exam = stats_json(&v, &[&v.path("Exam.md").to_string_lossy()]);
    assert_eq!(exam["cards"]["total"], 2);
    assert_eq!(exam["log"]["answers"], 2);
}

#[test]
fn without_a_log_the_card_statistics_still_show() {
    let v = vault();
    std::fs::remove_dir_all(v.path(".recall")).expect("remove log");
    let run = v.run(TODAY, &["stats"]);
    let out = run.ok();
    assert!(out.contains("Review history: no review log yet (.recall/reviews.jsonl)"), "{out}");
    assert!(out.contains("Due forecast, next 30 days: 5 cards"), "{out}");
    assert_eq!(run.stderr(), "");
    let j = stats_json(&v, &[]);
    assert_eq!(j["log"]["present"], false);
    assert_eq!(j["log"]["answers"], 0);
    assert_eq!(j["log"]["streak"]["current"], 0);
    assert_eq!(j["cards"]["total"], 11);
}

#[test]
fn an_empty_vault_says_why() {
    let v = TestVault::new();
    v.file("prose.md", "Just prose.\n");
    let out = v.run(TODAY, &["stats"]).ok();
    assert!(out.contains("no cards: no note has a flashcard tag (#flashcards)"), "{out}");
    assert!(out.contains("no review log yet"), "{out}");
}

#[test]
fn help_documents_codes_and_fields() {
    let run = |args: &[&str]| crate::util::run_in(std::path::Path::new("."), TODAY, args, None, &[]).stdout();
    insta::assert_snapshot!("check_help", run(&["check", "--help"]));
    insta::assert_snapshot!("stats_help", run(&["stats", "--help"]));
}

#[test]
fn a_review_deck_filter_counts_its_notes_and_no_cards() {
    let v = TestVault::new();
    v.file("cards.md", "#flashcards\nWhat is ISR?::in-sync replicas\n");
    v.file(
        "essay.md",
        "---\ntags: [review]\nsr-due: 2024-06-19\nsr-interval: 3\nsr-ease: 250\n---\nProse.\n",
    );
    v.file("draft.md", "#review\nA new note to review.\n");
    for filter in ["review", "#review"] {
        let j = stats_json(&v, &["--deck", filter]);
        assert_eq!(j["decks"], serde_json::json!(["review"]), "{filter}");
        assert_eq!(j["cards"]["total"], 0, "{filter}: a review deck holds no cards");
        assert_eq!(j["notes"]["all"]["total"], 2, "{filter}");
        assert_eq!(j["notes"]["all"]["new"], 1, "{filter}");
        assert_eq!(j["notes"]["all"]["due"], 1, "{filter}");
    }
    let drawn = v.run(TODAY, &["stats", "--deck", "review"]).ok();
    assert!(drawn.contains("no cards in review"), "{drawn}");
    // A flashcard deck filter leaves the review notes out, and a name that
    // is neither is refused as before.
    let cards = stats_json(&v, &["--deck", "flashcards"]);
    assert_eq!(cards["cards"]["total"], 1);
    assert_eq!(cards["notes"]["all"]["total"], 0);
    let nosuch = v.run(TODAY, &["stats", "--deck", "reviews"]);
    assert_eq!(nosuch.code(), Some(1), "{}", nosuch.stderr());
    assert!(nosuch.stderr().contains("--deck reviews: no such deck in the vault"), "{}", nosuch.stderr());
}
