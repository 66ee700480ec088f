//! The fit's guards and number handling (the fit itself is tested on a
//! simulated learner in tests/cli/optimize.rs).

// Weights must come out exactly as written.
#![expect(
    clippy::float_cmp,
    reason = "fitted weights are compared with the file they were written to, exactly"
)]

use fsrs::FSRSReview;

use super::*;

fn item(pairs: &[(u32, u32)]) -> FSRSItem {
    FSRSItem { reviews: pairs.iter().map(|&(rating, delta_t)| FSRSReview { rating, delta_t }).collect() }
}

fn dataset(items: Vec<FSRSItem>) -> Dataset {
    let n = items.len();
    Dataset {
        card_ids: (0..n as i64).collect(),
        days: vec![chrono::NaiveDate::MIN; n],
        cards: n,
        reviews: 2 * n,
        items,
    }
}

#[test]
fn too_few_items_say_how_many_more() {
    let d = dataset(vec![item(&[(3, 0), (3, 2)]); 40]);
    assert_eq!(check_enough(&d), Err(OptimizeError::TooLittle { usable: 40, needed: 64, set_aside: 0 }));
    assert_eq!(
        check_enough(&d).expect_err("too few").to_string(),
        "too little review history to fit FSRS: 40 usable review(s), 64 needed (24 more)"
    );
    assert_eq!(fit(&d, None), Err(OptimizeError::TooLittle { usable: 40, needed: 64, set_aside: 0 }));
}

#[test]
fn the_crates_outlier_filter_is_counted() {
    // 70 items, but 10 of them share a first interval of 300 days, which
    // the crate sets aside (it keeps first intervals up to 100 days).
    let mut items = vec![item(&[(3, 0), (3, 2)]); 60];
    items.extend(vec![item(&[(3, 0), (3, 300)]); 10]);
    let e = check_enough(&dataset(items)).expect_err("too few after the filter");
    assert_eq!(e, OptimizeError::TooLittle { usable: 60, needed: 64, set_aside: 10 });
    assert!(
        e.to_string().ends_with("(4 more); the optimizer set aside 10 with unusual first intervals"),
        "{e}"
    );
}

#[test]
fn cards_answered_on_two_days_only_are_not_enough() {
    let d = dataset(vec![item(&[(3, 0), (3, 2)]); 100]);
    assert_eq!(check_enough(&d), Err(OptimizeError::NoLongHistory));
    let mut items = vec![item(&[(3, 0), (3, 2)]); 100];
    items.push(item(&[(3, 0), (3, 2), (3, 5)]));
    assert_eq!(check_enough(&dataset(items)), Ok(()));
}

#[test]
fn weights_keep_their_short_decimal_form() {
    assert_eq!(widen_one(0.212), 0.212);
    assert_eq!(widen_one(8.2956), 8.2956);
    let crate_defaults = widen(&fsrs::DEFAULT_PARAMETERS).expect("21 finite");
    assert_eq!(crate_defaults, crate::schedule::fsrs::DEFAULT_WEIGHTS);
    assert_eq!(widen(&[1.0; 20]), None);
    let mut nan = [1.0f32; 21];
    nan[3] = f32::NAN;
    assert_eq!(widen(&nan), None);
}

#[test]
fn the_defaults_are_evaluated_like_the_crates_defaults() {
    let items = vec![item(&[(3, 0), (3, 2)]), item(&[(3, 0), (3, 2), (1, 9)])];
    let ours = evaluate(&items, &[0, 0], &crate::schedule::fsrs::DEFAULT_WEIGHTS).expect("evaluates");
    let theirs = FSRS::default().evaluate(items, |_| true).expect("evaluates");
    assert_eq!(ours.log_loss, widen_one(theirs.log_loss));
    assert!(ours.log_loss > 0.0 && ours.rmse >= 0.0);
}
