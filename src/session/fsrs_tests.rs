//! Sessions under FSRS, without a terminal: learning steps come back in the
//! same session when the clock reaches them, and undo restores the FSRS
//! segment's bytes. The expected segments are ts-fsrs 5.4.1's, computed
//! with the real package (`fsrs.next` with the plugin's parameters).

use chrono::Duration;

use super::tests::{clock, ctx, front, session_at};
use super::*;
use crate::settings::Algorithm;

fn fsrs() -> Settings {
    Settings { algorithm: Algorithm::Fsrs, ..Settings::default() }
}

const REVIEW: &str = "!fsrs,2024-06-19T09:00:00.000Z,5,5.3,5.1,2,3,0,0,2024-06-14T09:00:00.000Z";
const NOTE: &str = "#flashcards\n\nR1::review\n<!--SR:!fsrs,2024-06-19T09:00:00.000Z,5,5.3,5.1,2,3,0,0,2024-06-14T09:00:00.000Z-->\nN1::one\nN2::two\nN3::three\n";

/// The schedule comment under `front`'s line.
fn comment_after<'a>(text: &'a str, front: &str) -> Option<&'a str> {
    let mut lines = text.lines().skip_while(|l| !l.starts_with(front));
    lines.next()?;
    lines.next().filter(|l| l.starts_with("<!--SR:"))
}

#[test]
fn a_new_card_answered_good_comes_back_after_its_ten_minute_step_and_not_before() {
    let clock = clock();
    let mut s = session_at(&[("n.md", NOTE)], ctx(fsrs()), Arc::clone(&clock));
    assert_eq!(front(&s), "R1");
    // The buttons of a new card under FSRS: the learning steps in minutes.
    s.answer(Response::Good).expect("answer");
    assert_eq!(front(&s), "N1");
    let labels: Vec<Option<String>> =
        s.view().expect("card").intervals.iter().map(|(_, l)| l.clone()).collect();
    assert_eq!(labels, vec![Some("1m".into()), Some("6m".into()), Some("10m".into()), Some("8d".into())]);
    s.answer(Response::Good).expect("answer");
    let text = &s.store().files["n.md"];
    assert_eq!(
        comment_after(text, "N1"),
        Some("<!--SR:!fsrs,2024-06-20T12:10:00.000Z,0,2.3065,2.11810397,1,1,0,1,2024-06-20T12:00:00.000Z-->")
    );
    assert_eq!(s.progress().learning_left, 1);
    // Five minutes on, N1's step is not due: the queue goes on.
    clock.advance(Duration::minutes(5));
    assert_eq!(front(&s), "N2");
    s.answer(Response::Good).expect("answer");
    // N3 was put on screen at 12:05, before N1's step was due; at 12:10,
    // once N3 is skipped, N1 is the next card.
    assert_eq!(front(&s), "N3");
    clock.advance(Duration::minutes(5));
    s.skip();
    assert_eq!(front(&s), "N1", "the learning card whose step is due comes first");
    s.answer(Response::Good).expect("answer");
    assert_eq!(
        comment_after(&s.store().files["n.md"], "N1"),
        Some("<!--SR:!fsrs,2024-06-22T12:10:00.000Z,2,2.3065,2.11121424,2,2,0,0,2024-06-20T12:10:00.000Z-->")
    );
}

#[test]
fn with_nothing_else_left_a_learning_card_shows_with_its_wait() {
    let clock = clock();
    let note = "#flashcards\n\nN1::one\n";
    let mut s = session_at(&[("n.md", note)], ctx(fsrs()), Arc::clone(&clock));
    s.answer(Response::Good).expect("answer");
    clock.advance(Duration::minutes(4));
    let v = s.view().expect("the learning card, early");
    assert_eq!(v.front.trim(), "N1");
    assert_eq!(v.waiting, Some(Duration::minutes(6)));
}

#[test]
fn undo_restores_the_fsrs_segment_bytes() {
    let clock = clock();
    let mut s = session_at(&[("n.md", NOTE)], ctx(fsrs()), Arc::clone(&clock));
    s.answer(Response::Good).expect("answer");
    assert_eq!(
        comment_after(&s.store().files["n.md"], "R1"),
        Some(
            "<!--SR:!fsrs,2024-07-09T12:00:00.000Z,19,19.22550921,5.09012837,2,4,0,0,2024-06-20T12:00:00.000Z-->"
        )
    );
    s.answer(Response::Again).expect("answer");
    s.undo().expect("undo");
    s.undo().expect("undo");
    assert_eq!(s.store().files["n.md"], NOTE);
    assert!(NOTE.contains(REVIEW));
    assert_eq!(front(&s), "R1");
}
