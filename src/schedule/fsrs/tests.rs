//! Golden sequences from ts-fsrs 5.4.1 (run with node), the spec's worked
//! examples, the plugin's SM-2 conversion and button texts.

// Exact comparisons are the point here: every value must equal JavaScript's
// bit for bit, so no comparison may have a margin.
#![expect(clippy::float_cmp, reason = "the scheduler must give ts-fsrs's numbers to the bit")]

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::*;
use crate::schedule::{Ease, Interval};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).expect("RFC 3339").with_timezone(&Utc)
}

fn segment(card: &Card) -> String {
    FsrsSegment::from_card(card).format()
}

/// Answers a new card created at `start` with `(rating, minutes later)`
/// steps, returning every segment written.
fn chain(params: &Parameters, start: &str, steps: &[(Rating, i64)]) -> Vec<String> {
    let mut now = at(start);
    let mut card = empty_card(now);
    let mut out = Vec::new();
    for &(r, minutes) in steps {
        now += Duration::minutes(minutes);
        card = next(params, &card, now, r).expect("schedulable");
        out.push(segment(&card));
    }
    out
}

use Rating::{Again as A, Easy as E, Good as G, Hard as H};

const DAY: i64 = 24 * 60;

#[test]
fn the_spec_examples() {
    let p = Parameters::plugin(0.9, 36525.0);
    let now = at("2024-01-05T09:00:00Z");
    let new_good = next(&p, &empty_card(now), now, G).expect("ok");
    assert_eq!(
        segment(&new_good),
        "!fsrs,2024-01-05T09:10:00.000Z,0,2.3065,2.11810397,1,1,0,1,2024-01-05T09:00:00.000Z"
    );
    // `!2024-01-01,10,250` (local midnight in UTC) → Good.
    let sm2 = from_sm2(at("2024-01-01T00:00:00Z"), Some(Interval(10.0)), Some(Ease(250.0)), now);
    assert_eq!(sm2.last_review, Some(at("2023-12-22T00:00:00Z")));
    assert_eq!((sm2.stability, sm2.difficulty, sm2.reps, sm2.elapsed_days), (10.0, 5.5, 3.0, 14.0));
    let good = next(&p, &sm2, now, G).expect("ok");
    assert_eq!(
        segment(&good),
        "!fsrs,2024-02-09T09:00:00.000Z,35,35.43659773,5.48972837,2,4,0,0,2024-01-05T09:00:00.000Z"
    );
    assert_eq!(segment(&reset_card(now)), "!fsrs,2024-01-05T09:00:00.000Z,0,0,0,0,0,0,0,-");
}

#[test]
fn a_long_short_term_sequence_matches_ts_fsrs() {
    let p = Parameters::plugin(0.9, 36525.0);
    let steps = [
        (G, 0),
        (G, 10),
        (G, 3 * DAY),
        (H, 10 * DAY),
        (A, 30 * DAY),
        (G, 10),
        (E, 2 * DAY),
        (G, 400 * DAY),
        (A, 1000 * DAY),
        (A, 1),
        (H, 5),
        (G, 10),
    ];
    let want = [
        "!fsrs,2024-01-05T09:10:00.000Z,0,2.3065,2.11810397,1,1,0,1,2024-01-05T09:00:00.000Z",
        "!fsrs,2024-01-07T09:10:00.000Z,2,2.3065,2.11121424,2,2,0,0,2024-01-05T09:10:00.000Z",
        "!fsrs,2024-01-22T09:10:00.000Z,14,13.8358397,2.1043314,2,3,0,0,2024-01-08T09:10:00.000Z",
        "!fsrs,2024-02-21T09:10:00.000Z,34,34.07452822,4.74371562,2,4,0,0,2024-01-18T09:10:00.000Z",
        "!fsrs,2024-02-17T09:20:00.000Z,0,2.42663407,8.25752343,3,5,1,0,2024-02-17T09:10:00.000Z",
        "!fsrs,2024-02-19T09:20:00.000Z,2,2.42663407,8.24449428,2,6,1,0,2024-02-17T09:20:00.000Z",
        "!fsrs,2024-02-26T09:20:00.000Z,7,7.48063281,7.64311445,2,7,1,0,2024-02-19T09:20:00.000Z",
        "!fsrs,2025-05-23T09:20:00.000Z,59,58.91932014,7.6306997,2,8,1,0,2025-03-25T09:20:00.000Z",
        "!fsrs,2027-12-20T09:30:00.000Z,0,4.56398621,9.20645547,3,9,2,0,2027-12-20T09:20:00.000Z",
        "!fsrs,2027-12-20T09:31:00.000Z,0,1.46634819,9.72439568,3,10,2,0,2027-12-20T09:21:00.000Z",
        "!fsrs,2027-12-20T09:41:00.000Z,0,1.46634819,9.80226938,3,11,2,0,2027-12-20T09:26:00.000Z",
        "!fsrs,2027-12-22T09:36:00.000Z,2,1.50240098,9.78769548,2,12,2,0,2027-12-20T09:36:00.000Z",
    ];
    assert_eq!(chain(&p, "2024-01-05T09:00:00Z", &steps), want);
}

#[test]
fn the_long_term_scheduler_matches_ts_fsrs() {
    let p = Parameters { enable_short_term: false, ..Parameters::plugin(0.85, 36525.0) };
    let want = [
        "!fsrs,2024-01-09T09:00:00.000Z,4,2.3065,2.11810397,2,1,0,0,2024-01-05T09:00:00.000Z",
        "!fsrs,2024-01-09T09:00:00.000Z,1,0.63685069,7.39450274,2,2,1,0,2024-01-08T09:00:00.000Z",
        "!fsrs,2024-01-12T09:00:00.000Z,3,1.72524031,8.25557787,2,3,1,0,2024-01-09T09:00:00.000Z",
        "!fsrs,2024-03-02T09:00:00.000Z,33,17.07874508,7.65790166,2,4,1,0,2024-01-29T09:00:00.000Z",
    ];
    let got = chain(&p, "2024-01-05T09:00:00Z", &[(G, 0), (A, 3 * DAY), (H, DAY), (E, 20 * DAY)]);
    assert_eq!(got, want);
}

#[test]
fn maximum_interval_caps_hard_and_good_easy_overshoot_it() {
    let p = Parameters::plugin(0.9, 45.0);
    let card = Card {
        due: at("2024-04-08T09:00:00Z"),
        stability: 155.076_063_97,
        difficulty: 1.0,
        elapsed_days: 0.0,
        scheduled_days: 46.0,
        learning_steps: 0.0,
        reps: 3.0,
        lapses: 0.0,
        state: State::Review,
        last_review: Some(at("2024-02-22T09:00:00Z")),
    };
    let now = at("2024-04-12T09:00:00Z");
    let ivl = |r| next(&p, &card, now, r).expect("ok").scheduled_days;
    assert_eq!([ivl(A), ivl(H), ivl(G), ivl(E)], [0.0, 45.0, 46.0, 47.0]);
    let easy = next(&p, &card, now, E).expect("ok");
    assert_eq!(easy.due, at("2024-05-29T09:00:00Z"));
    assert_eq!(easy.stability, 428.615_439_04);
    let again = next(&p, &card, now, A).expect("ok");
    assert_eq!((again.state, again.lapses, again.due), (State::Relearning, 1.0, at("2024-04-12T09:10:00Z")));
    assert_eq!(retrievability(&p, &card, now), Ok(0.958_531_48));
    assert_eq!(retrievability(&p, &card, at("2024-02-23T08:59:59Z")), Ok(1.0));
    assert_eq!(retrievability(&p, &empty_card(now), now), Ok(0.0));
    let no_last = Card { last_review: None, ..card.clone() };
    assert_eq!(retrievability(&p, &no_last, now), Err(FsrsError::NoLastReview));
}

#[test]
fn a_last_review_on_a_later_utc_day_is_invalid_delta_t() {
    let p = Parameters::plugin(0.9, 36525.0);
    let now = at("2024-04-12T09:00:00Z");
    let card = from_sm2(at("2024-04-20T00:00:00Z"), Some(Interval(2.0)), Some(Ease(250.0)), now);
    assert_eq!(card.last_review, Some(at("2024-04-18T00:00:00Z")));
    for r in Rating::ALL {
        assert_eq!(next(&p, &card, now, r), Err(FsrsError::InvalidDeltaT { days: -6.0 }));
    }
    // Later the same UTC day is fine (0 days), the next day is not.
    let same_day = Card { last_review: Some(at("2024-04-12T23:59:00Z")), ..card.clone() };
    assert_eq!(next(&p, &same_day, now, G).expect("ok").stability, 2.007_748_8);
    let next_day = Card { last_review: Some(at("2024-04-13T00:00:00Z")), ..card };
    assert_eq!(next(&p, &next_day, now, G), Err(FsrsError::InvalidDeltaT { days: -1.0 }));
}

#[test]
fn sm2_conversion_follows_the_plugin() {
    let now = at("2024-06-01T12:00:00Z");
    let due = at("2024-05-01T00:00:00Z");
    let c = from_sm2(due, Some(Interval(3.6)), Some(Ease(400.0)), now);
    assert_eq!((c.scheduled_days, c.stability, c.difficulty, c.reps), (4.0, 4.0, 1.0, 2.0));
    assert_eq!(c.last_review, Some(at("2024-04-27T00:00:00Z")));
    let c = from_sm2(due, Some(Interval(0.0)), Some(Ease(100.0)), now);
    assert_eq!((c.scheduled_days, c.stability, c.difficulty, c.reps), (1.0, 1.0, 10.0, 1.0));
    let c = from_sm2(due, None, None, now);
    assert_eq!((c.scheduled_days, c.difficulty), (1.0, 5.5));
    let c = from_sm2(due, Some(Interval(250.0)), Some(Ease(250.0)), now);
    assert_eq!((c.difficulty, c.reps), (5.5, 8.0));
    // parseInt's NaN stays NaN (moment then subtracts nothing).
    let c = from_sm2(due, Some(Interval(f64::NAN)), Some(Ease(f64::NAN)), now);
    assert!(c.stability.is_nan() && c.difficulty.is_nan() && c.reps.is_nan());
    assert_eq!(c.last_review, Some(due));
    assert_eq!(State::from_number(2.0), Some(State::Review));
    assert_eq!(State::from_number(-0.0), Some(State::New));
    assert_eq!(State::from_number(1.5), None);
}

#[test]
fn ease_shown_for_fsrs_cards() {
    assert_eq!(difficulty_to_ease(1.0), Ease(370.0));
    assert_eq!(difficulty_to_ease(10.0), Ease(130.0));
    assert_eq!(difficulty_to_ease(5.5), Ease(250.0));
    assert_eq!(difficulty_to_ease(2.118_103_97), Ease(340.0));
    assert_eq!(difficulty_to_ease(0.0), Ease(370.0));
    assert!(difficulty_to_ease(f64::NAN).0.is_nan());
}

#[test]
fn button_texts() {
    let p = Parameters::plugin(0.9, 36525.0);
    let now = at("2025-03-19T13:28:00Z");
    let new = empty_card(now);
    let texts: Vec<String> =
        Rating::ALL.map(|r| button_text(now, &next(&p, &new, now, r).expect("ok"))).into();
    assert_eq!(texts, ["1 min", "6 min", "10 min", "8 day(s)"]);
    let mut card = new.clone();
    card.scheduled_days = 0.0;
    card.due = now + Duration::seconds(61);
    assert_eq!(button_text(now, &card), "2 min");
    card.due = now + Duration::minutes(60);
    assert_eq!(button_text(now, &card), "1 hr");
    card.due = now + Duration::minutes(61);
    assert_eq!(button_text(now, &card), "2 hr");
    let days = |d: f64| button_text(now, &Card { scheduled_days: d, ..new.clone() });
    assert_eq!(days(1.0), "1 day(s)");
    assert_eq!(days(25.0), "25 day(s)");
    assert_eq!(days(30.0), "1 month(s)");
    assert_eq!(days(35.0), "1.1 month(s)");
    assert_eq!(days(365.0), "1 year(s)");
    assert_eq!(days(1580.0), "4.3 year(s)");
}

#[test]
fn learning_steps_edge_cases() {
    let now = at("2024-01-05T09:00:00Z");
    // One learning step: Hard is 1.5 times it, Good graduates.
    let p = Parameters { learning_steps: vec![Step::minutes(10)], ..Parameters::plugin(0.9, 36525.0) };
    let hard = next(&p, &empty_card(now), now, H).expect("ok");
    assert_eq!((hard.state, hard.due), (State::Learning, now + Duration::minutes(15)));
    let good = next(&p, &empty_card(now), now, G).expect("ok");
    assert_eq!((good.state, good.scheduled_days), (State::Review, 2.0));
    // A step of a day or more is counted in days.
    let p = Parameters { learning_steps: vec![Step::minutes(1), Step::minutes(2880)], ..p };
    let good = next(&p, &empty_card(now), now, G).expect("ok");
    assert_eq!((good.state, good.scheduled_days, good.learning_steps), (State::Review, 2.0, 1.0));
    assert_eq!(good.due, now + Duration::days(2));
    // No relearning steps: Again on a review card stays in Review.
    let p = Parameters { relearning_steps: vec![], ..Parameters::plugin(0.9, 36525.0) };
    let card = from_sm2(at("2024-01-01T00:00:00Z"), Some(Interval(10.0)), Some(Ease(250.0)), now);
    let again = next(&p, &card, now, A).expect("ok");
    assert_eq!((again.state, again.lapses, again.scheduled_days), (State::Review, 1.0, 1.0));
    // A fractional step (never written by the plugin) fails as in ts-fsrs.
    let p = Parameters::plugin(0.9, 36525.0);
    let odd = Card { learning_steps: 0.5, ..card };
    assert_eq!(next(&p, &odd, now, G), Err(FsrsError::InvalidLearningStep(0.5)));
    assert_eq!("10m".parse::<Step>(), Ok(Step::minutes(10)));
    assert_eq!("2h".parse::<Step>(), Ok(Step::minutes(120)));
    assert_eq!("1d".parse::<Step>(), Ok(Step::minutes(1440)));
    assert!("10s".parse::<Step>().is_err());
    assert!("-1m".parse::<Step>().is_err());
}

#[test]
fn parameters_follow_ts_fsrs_defaults_and_clipping() {
    let p = Parameters::plugin(0.0, f64::NAN);
    assert_eq!((p.request_retention, p.maximum_interval), (0.9, 36500.0));
    let now = at("2024-01-05T09:00:00Z");
    let bad = Parameters::plugin(1.5, 100.0);
    assert_eq!(next(&bad, &empty_card(now), now, G), Err(FsrsError::InvalidRetention(1.5)));
    let mut w = DEFAULT_WEIGHTS;
    w[0] = 500.0;
    w[4] = f64::NAN;
    w[19] = 0.0;
    let clipped = Parameters::plugin(0.9, 100.0).with_weights(w);
    assert_eq!((clipped.w[0], clipped.w[4], clipped.w[19]), (100.0, 1.0, 0.01));
    assert_eq!(Parameters::plugin(0.9, 100.0).with_weights(DEFAULT_WEIGHTS).w, DEFAULT_WEIGHTS);
    // Two relearning steps lower the ceiling of w17 and w18.
    let two = Parameters {
        relearning_steps: vec![Step::minutes(10), Step::minutes(60)],
        ..Parameters::plugin(0.9, 100.0)
    };
    let mut w = DEFAULT_WEIGHTS;
    w[17] = 2.0;
    w[18] = 2.0;
    let clipped = two.with_weights(w);
    assert!(clipped.w[17] < 2.0 && clipped.w[17] == clipped.w[18]);
}

#[test]
fn nan_counts_flow_through_like_javascript() {
    let p = Parameters::plugin(0.9, 36525.0);
    let now = at("2024-01-05T09:00:00Z");
    let seg = FsrsSegment::parse(
        "fsrs,2024-01-05T09:10:00.000Z,0,2.3065,2.11810397,1,x,0,y,2024-01-05T09:00:00.000Z",
    )
    .expect("fsrs");
    let card = seg.to_card(now).expect("card");
    let again = next(&p, &card, now + Duration::minutes(10), A).expect("ok");
    assert_eq!(
        segment(&again),
        "!fsrs,2024-01-05T09:11:00.000Z,0,0.77508398,7.39450274,1,NaN,0,0,2024-01-05T09:10:00.000Z"
    );
    // A NaN stability cannot give a due date in days.
    let nan = Card {
        stability: f64::NAN,
        ..from_sm2(at("2024-01-01T00:00:00Z"), Some(Interval(3.0)), Some(Ease(250.0)), now)
    };
    assert_eq!(next(&p, &nan, now, G), Err(FsrsError::InvalidDate));
    let relearn = next(&p, &nan, now, A).expect("Again has a step in minutes");
    assert!(relearn.stability.is_nan());
    assert_eq!(
        next(
            &p,
            &Card {
                difficulty: 0.5,
                ..from_sm2(at("2024-01-01T00:00:00Z"), Some(Interval(3.0)), Some(Ease(250.0)), now)
            },
            now,
            G
        ),
        Err(FsrsError::InvalidMemoryState { difficulty: 0.5, stability: 3.0 })
    );
}

#[test]
fn the_segment_a_reset_card_round_trips() {
    let now = Utc.with_ymd_and_hms(2024, 12, 28, 19, 11, 0).single().expect("valid");
    let text = segment(&reset_card(now));
    let back = FsrsSegment::parse(&text[1..]).expect("fsrs").to_card(now).expect("card");
    assert_eq!(back, reset_card(now));
}

/// The parameters of a fixture line (see `scripts/gen-fsrs-fixture.mjs`).
fn fixture_params(p: &serde_json::Value) -> Parameters {
    let steps = |key: &str, default: Vec<Step>| match p[key].as_array() {
        Some(list) => list.iter().map(|s| s.as_str().unwrap_or("").parse::<Step>().expect("step")).collect(),
        None => default,
    };
    let base = Parameters::plugin(p["r"].as_f64().expect("r"), p["m"].as_f64().expect("m"));
    let params = Parameters {
        enable_short_term: p["st"].as_bool().expect("st"),
        learning_steps: steps("ls", base.learning_steps.clone()),
        relearning_steps: steps("rs", base.relearning_steps.clone()),
        ..base
    };
    match p["w"].as_array() {
        Some(w) => {
            let w: Vec<f64> = w.iter().map(|x| x.as_f64().expect("weight")).collect();
            params.with_weights(w.try_into().expect("21 weights"))
        }
        None => params,
    }
}

/// What ts-fsrs's exception says, to compare with the fixture.
fn ts_fsrs_message(e: &FsrsError) -> String {
    match e {
        FsrsError::InvalidDeltaT { days } => format!("Invalid delta_t \"{}\"", js_number_string(*days)),
        other => other.to_string(),
    }
}

/// Every sequence ts-fsrs and moment produced in node
/// (`tests/fixtures/fsrs/ts-fsrs-random.jsonl`), replayed step by step
/// through the segment codec and the scheduler: every written segment,
/// error and button label must be identical.
#[test]
fn replays_every_ts_fsrs_sequence() {
    let text = include_str!("../../../tests/fixtures/fsrs/ts-fsrs-random.jsonl");
    let mut failures = Vec::new();
    let mut steps_checked = 0;
    for (n, line) in text.lines().enumerate() {
        let v: serde_json::Value = serde_json::from_str(line).expect("fixture JSON");
        let params = fixture_params(&v["p"]);
        let start = &v["start"];
        let mut segment = start["fsrs"].as_str().map(str::to_owned);
        let mut fresh = start["new"].as_bool() == Some(true);
        let sm2 = start["sm2"].as_array().map(|a| {
            let date =
                chrono::NaiveDate::parse_from_str(a[0].as_str().expect("date"), "%Y-%m-%d").expect("date");
            (date.and_hms_opt(0, 0, 0).expect("midnight").and_utc(), a[1].as_f64(), a[2].as_f64())
        });
        for step in v["steps"].as_array().expect("steps") {
            let now = at(step[0].as_str().expect("now"));
            let rating = Rating::ALL[step[1].as_u64().expect("rating") as usize - 1];
            let card = if fresh {
                Ok(empty_card(now))
            } else if let Some(seg) = &segment {
                FsrsSegment::parse(seg).expect("an FSRS segment").to_card(now)
            } else {
                let (due, interval, ease) = sm2.expect("an SM-2 start");
                Ok(from_sm2(due, interval.map(Interval), ease.map(Ease), now))
            };
            let card = match card {
                Ok(c) => c,
                Err(e) => {
                    failures.push(format!("line {}: cannot read the card: {e}", n + 1));
                    break;
                }
            };
            let got = match next(&params, &card, now, rating) {
                Ok(after) => {
                    let text = FsrsSegment::from_card(&after).format();
                    segment = Some(text[1..].to_owned());
                    fresh = false;
                    text
                }
                Err(e) => format!("error: {}", ts_fsrs_message(&e)),
            };
            steps_checked += 1;
            if got != step[2].as_str().unwrap_or_default() {
                failures.push(format!("line {} at {}: expected {}, got {got}", n + 1, step[0], step[2]));
            }
            if let Some(want) = step.get(3) {
                let buttons: Result<Vec<String>, FsrsError> = Rating::ALL
                    .iter()
                    .map(|&r| next(&params, &card, now, r).map(|c| button_text(now, &c)))
                    .collect();
                let buttons = buttons.map(|b| b.join("|")).ok();
                if buttons.as_deref() != want.as_str() {
                    failures.push(format!("line {} buttons: expected {want}, got {buttons:?}", n + 1));
                }
            }
        }
    }
    assert!(steps_checked > 5000, "only {steps_checked} steps");
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures[..failures.len().min(30)].join("\n")
    );
}
