//! `recall optimize` on simulated learners (tests/cli/learner.rs): the
//! fitted weights predict held-out reviews better than the defaults, two
//! runs give the same weights, `--apply` edits only its line, and short,
//! damaged or SM-2 logs get clear messages.
//!
//! Sizes (for CI time): 500 cards introduced over 240 days and reviewed for
//! a year, about 6,000 answers; the fit sees the first 270 days (about 5,000
//! answers, 3,300 predicted reviews), and the 700-odd reviews of the last 95
//! days are held out. A fit takes well under a second.

use chrono::{Duration, NaiveDate};
use recall::log::{self, LOG_PATH, Record};
use recall::optimize::{self, history};

use crate::learner::{Learner, Scheduler, TRUE_WEIGHTS, log_text, simulate, start_day};
use crate::util::TestVault;

const LEARNER: Learner =
    Learner { cards: 500, new_days: 240, days: 365, seed: 7, scheduler: Scheduler::Fsrs };
const TRAIN_DAYS: i64 = 270;

/// A vault whose review log holds `records`, scheduled with FSRS.
pub(crate) fn fsrs_vault(records: &[Record]) -> TestVault {
    let v = TestVault::new();
    v.settings(r#"{"algorithm": "FSRS"}"#);
    v.file(LOG_PATH, log_text(records));
    v
}

/// The day after the simulated learner's last answer.
pub(crate) fn today() -> String {
    (start_day() + Duration::days(LEARNER.days)).to_string()
}

fn weights(json: &serde_json::Value) -> [f64; 21] {
    let list: Vec<f64> = json["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect();
    list.try_into().expect("21 weights")
}

fn dataset(records: &[Record]) -> history::Dataset {
    history::dataset(&history::histories(&log::effective(records)))
}

#[test]
fn fitted_weights_predict_held_out_reviews_better_and_the_fit_is_repeatable() {
    let all = simulate(&LEARNER);
    let cutoff: NaiveDate = start_day() + Duration::days(TRAIN_DAYS);
    let train: Vec<Record> = all.iter().filter(|r| r.day < cutoff).cloned().collect();
    let v = fsrs_vault(&train);

    let first = v.run(&today(), &["optimize", "--json"]);
    let json = first.json();
    let second = v.run(&today(), &["optimize", "--json"]).json();
    // Bit for bit: the JSON numbers are the shortest decimal forms, equal
    // only when the f64s are equal. (RMSE can differ in its last bits: the
    // crate sums its bins in hash-map order.)
    assert_eq!(json["parameters"], second["parameters"]);
    assert_eq!(json["fitted"]["log_loss"], second["fitted"]["log_loss"]);
    assert_eq!(json["default"]["log_loss"], second["default"]["log_loss"]);
    let keys: Vec<&str> = json.as_object().expect("object").keys().map(String::as_str).collect();
    assert_eq!(keys.len(), 5, "{json}");
    let ds = dataset(&train);
    assert_eq!(json["cards"], ds.cards);
    assert_eq!(json["reviews"], ds.reviews);
    assert_eq!(ds.cards, LEARNER.cards);
    assert!(ds.items.len() > 2500, "{} items", ds.items.len());

    // In sample, as the command reports it.
    let fitted_in = json["fitted"]["log_loss"].as_f64().expect("number");
    let default_in = json["default"]["log_loss"].as_f64().expect("number");
    assert!(fitted_in < default_in, "{json}");

    // Held out: the answers after the cutoff, with their whole history.
    let (held, cards) = dataset(&all).from_day(cutoff);
    eprintln!("{} held-out reviews; in sample {json}", held.len());
    assert!(held.len() > 500, "{} held-out reviews", held.len());
    let fitted = weights(&json);
    let on_held = |w: &[f64; 21]| optimize::evaluate(&held, &cards, w).expect("evaluates");
    let (d, f, t) =
        (on_held(&recall::schedule::fsrs::DEFAULT_WEIGHTS), on_held(&fitted), on_held(&TRUE_WEIGHTS));
    eprintln!("held-out log loss: default {}, fitted {}, true {}", d.log_loss, f.log_loss, t.log_loss);
    assert!(f.log_loss < d.log_loss, "fitted {f:?} vs default {d:?}");
}

/// The learner's first `TRAIN_DAYS` of answers: enough for a fit.
pub(crate) fn train_log() -> Vec<Record> {
    let cutoff = start_day() + Duration::days(TRAIN_DAYS);
    simulate(&LEARNER).into_iter().filter(|r| r.day < cutoff).collect()
}

/// `s` with every run of whitespace made one space.
fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn apply_writes_only_its_line_and_says_what_changes() {
    let v = fsrs_vault(&train_log());
    let config = "# my settings\nnew-per-day: 20\nplugin:\n  baseEase: 270\n";
    v.file(".recall/config.yaml", config);
    let json = v.run(&today(), &["optimize", "--json"]).json();
    let line = optimize::weights_line(&weights(&json));

    let run = v.run(&today(), &["optimize", "--apply"]);
    let out = run.ok();
    assert_eq!(v.read_str(".recall/config.yaml"), format!("{config}{line}\n"));
    assert!(out.contains("Wrote fsrs-weights to .recall/config.yaml."), "{out}");
    assert!(squeeze(&out).contains(optimize::OWN_WEIGHTS_NOTE), "{out}");
    // The text shows the line it writes.
    assert!(out.contains(&format!("\n{line}\n")), "{out}");

    // Applying again replaces the line in place: the same bytes.
    v.run(&today(), &["optimize", "--apply", "--json"]).ok();
    assert_eq!(v.read_str(".recall/config.yaml"), format!("{config}{line}\n"));

    // The settings load with the key, and stats say what it means.
    let stats = v.run(&today(), &["stats"]).ok();
    assert!(squeeze(&stats).contains(optimize::OWN_WEIGHTS_NOTE), "{stats}");
    let stats = v.run(&today(), &["stats", "--json"]).json();
    assert_eq!(stats["fsrs"]["own_weights"], true, "{stats}");

    // Removing the line returns to the plugin's weights.
    v.file(".recall/config.yaml", config);
    let stats = v.run(&today(), &["stats"]).ok();
    assert!(!stats.contains("your own weights"), "{stats}");
}

#[test]
fn too_little_history_says_how_many_more_reviews_are_needed() {
    // No log at all.
    let v = TestVault::new();
    v.settings(r#"{"algorithm": "FSRS"}"#);
    let run = v.run("2024-06-20", &["optimize"]);
    assert_eq!(run.code(), Some(1));
    assert_eq!(run.stdout(), "");
    assert!(
        run.stderr().starts_with(
            "error: too little review history to fit FSRS: 0 usable review(s), 64 needed (64 more)\nhint: a review counts when it comes on a later day"
        ),
        "{}",
        run.stderr()
    );

    // A few real answers, written by `recall grade` on three days.
    let v = TestVault::new();
    for note in ["a", "b", "c"] {
        v.file(&format!("{note}.md"), format!("#flashcards\n\nQ{note}::A{note}\n"));
    }
    for (day, response) in [("2024-06-01", "good"), ("2024-06-02", "again"), ("2024-06-05", "good")] {
        for note in ["a", "b", "c"] {
            v.run(day, &["grade", &format!("{note}.md:3"), response]).ok();
        }
    }
    let run = v.run("2024-06-20", &["optimize", "--json"]);
    assert_eq!(run.code(), Some(1));
    assert_eq!(run.stdout(), "", "no JSON object without a fit");
    // Each card: a first answer, then two on later days.
    assert!(
        run.stderr().starts_with(
            "error: too little review history to fit FSRS: 6 usable review(s), 64 needed (58 more)\n"
        ),
        "{}",
        run.stderr()
    );
}

#[test]
fn an_sm2_log_with_unreadable_lines_is_used_and_says_so() {
    let sm2 = Learner { scheduler: Scheduler::Sm2, ..LEARNER };
    let cutoff = start_day() + Duration::days(TRAIN_DAYS);
    let records: Vec<Record> = simulate(&sm2).into_iter().filter(|r| r.day < cutoff).collect();
    let mut text = log_text(&records);
    let first = text.find('\n').expect("a line") + 1;
    text.insert_str(first, "not json\n");
    text.push_str("{\"torn\": ");
    // No data.json: the plugin's default algorithm, SM-2-OSR.
    let v = TestVault::new();
    v.file(LOG_PATH, text);
    let run = v.run(&today(), &["optimize"]);
    let out = run.ok();
    let err = run.stderr();
    assert!(err.contains(&format!("warning: {LOG_PATH}:2: ")), "{err}");
    assert!(err.contains(&format!("warning: {LOG_PATH}:{}: ", records.len() + 2)), "{err}");
    assert!(out.contains("Left out: 2 lines of the log that could not be read."), "{out}");
    assert!(out.contains("This vault schedules with SM-2 (algorithm SM-2-OSR)."), "{out}");
    assert!(out.contains(&format!("Fitted FSRS-6 weights to {} cards", sm2.cards)), "{out}");
    assert!(out.contains("\nfsrs-weights: ["), "{out}");
}
