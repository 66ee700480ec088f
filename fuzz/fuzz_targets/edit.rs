//! Parse → answer one card (SM-2-OSR or FSRS) → plan its edit → splice →
//! parse again, over arbitrary notes and settings: no panic, the edit
//! touches only its own range, the note keeps its questions, the graded
//! sibling reads back its new schedule and every other card keeps its own.
//! Then a second card, answered on the old text as by a second recall
//! process, is re-planned on the new text (`replan_comment`): both answers
//! must be in the note (no lost update). Some inputs also go through the
//! real applier (`apply_edits`, both the direct and the re-planning path) in
//! a temp folder.
//!
//! Input: selector (see the crate docs), question, sibling and answer (its
//! top bit: FSRS), second card, then the note.
#![no_main]

use libfuzzer_sys::fuzz_target;
use recall::edit::apply::{Outcome, apply_edits};
use recall::edit::plan::{PlanError, plan_schedule, replan_comment};
use recall::edit::splice;
use recall::parse::CardSchedule;
use recall::schedule::fsrs::{FsrsSegment, Parameters, Stamp};
use recall::schedule::scheduler::{Fsrs, Sm2Osr};
use recall::schedule::{
    CardContext, Histogram, Response, Schedule, Scheduler, WholeEase, WholeInterval, note_ease,
};
use recall_fuzz::{Case, check_note, when};

/// A card's schedule in a form that compares as the note holds it. SM-2
/// numbers as a JavaScript number holds them: beyond 2^53 the plugin's
/// parseInt rounds, and so does recall's f64 write-back (docs/fuzzing.md).
/// An FSRS segment as printed after one read-print round (the codec's fixed
/// point, which the `fsrs` target checks; its fields may be NaN, which no
/// `==` matches).
fn js(s: CardSchedule) -> String {
    let f = |v: Option<i64>| v.map(|v| v as f64 as i64);
    match s {
        CardSchedule::Sm2 { due, interval, ease } => {
            format!("{:?}", (due, f(interval.map(|i| i.0)), f(ease.map(|e| e.0))))
        }
        CardSchedule::Fsrs(seg) => fixed(&seg),
        CardSchedule::New => "new".to_owned(),
    }
}

/// print → parse → print of an FSRS segment.
fn fixed(seg: &FsrsSegment) -> String {
    let once = seg.format();
    FsrsSegment::parse(&once[1..]).map_or(once, |s| s.format())
}

/// What a written schedule reads back as, in [`js`]'s form.
fn written(s: &Schedule) -> String {
    match s {
        Schedule::Sm2(n) => js(CardSchedule::Sm2 {
            due: Some(n.due),
            interval: Some(WholeInterval(n.interval.0.trunc() as i64)),
            ease: Some(WholeEase(n.ease.0.trunc() as i64)),
        }),
        Schedule::Fsrs(seg) => fixed(seg),
    }
}

/// An FSRS sibling whose last review the plugin cannot read: kept as read,
/// and when it ends in white space the comment reader trims it as the
/// comment's last segment (docs/fuzzing.md, `fsrs`), so it may read back
/// otherwise.
fn trimmable(s: &CardSchedule) -> bool {
    matches!(s, CardSchedule::Fsrs(f) if matches!(f.last_review, Some(Stamp::Invalid(_))))
}

const RESPONSES: [Response; 5] =
    [Response::Again, Response::Hard, Response::Good, Response::Easy, Response::Reset];

fuzz_target!(|data: &[u8]| {
    let [selector, pick, choice, second, rest @ ..] = data else { return };
    let mut bytes = Vec::with_capacity(rest.len() + 1);
    bytes.push(*selector);
    bytes.extend_from_slice(rest);
    let Some(case) = Case::decode(&bytes) else { return };
    let note = case.parse(case.text.clone());
    if note.questions.is_empty() {
        return;
    }
    let text = note.text.as_str();
    let qi = usize::from(*pick) % note.questions.len();
    let q = &note.questions[qi];
    let sibling = usize::from(choice & 15) % q.card_count().max(1);
    let response = RESPONSES[usize::from((choice >> 4) & 7) % RESPONSES.len()];
    let settings = &case.settings;
    let at = when();
    let sm2 = Sm2Osr { settings: settings.clone() };
    let fsrs = Fsrs { params: Parameters::plugin(0.9, 36500.0) };
    let scheduler: &dyn Scheduler = if choice & 0x80 != 0 { &fsrs } else { &sm2 };
    let histogram = Histogram::default();
    let ctx = CardContext { note_ease: note_ease(&note, settings), histogram: Some(&histogram) };

    let before = q.schedule(sibling);
    let next = match scheduler.answer(&before, response, &at, &ctx) {
        Ok(Some(a)) => a.schedule,
        Ok(None) => {
            // FSRS takes an SM-2 segment it cannot read whole as new (spec
            // README), so Reset leaves that one alone too.
            let new_to_fsrs = choice & 0x80 != 0
                && matches!(before, CardSchedule::Sm2 { .. })
                && before.to_schedule().is_none();
            assert!(
                response == Response::Reset && (before == CardSchedule::New || new_to_fsrs),
                "only Reset on a new card changes nothing: {before:?}"
            );
            return;
        }
        // An FSRS state ts-fsrs cannot schedule (NaN, an unreadable due).
        Err(_) => return,
    };
    let edit = match plan_schedule(&note, q, sibling, &next, settings) {
        Ok(e) => e,
        Err(PlanError::UnclosedFence) => {
            assert!(q.comment.is_none() && q.anchor.is_none(), "refused with a place to write");
            return;
        }
        Err(PlanError::NoSuchSibling { .. }) => {
            assert_eq!(q.card_count(), 0, "sibling {sibling} refused");
            return;
        }
        Err(PlanError::BrokenComment) => {
            assert!(
                q.comment.is_none() && q.text(text).contains("<!--SR:"),
                "refused a card without a broken comment"
            );
            return;
        }
    };

    // The edit replaces the comment it read, or inserts at one place.
    assert_eq!(text.get(edit.range.clone()), Some(edit.old.as_str()), "edit {edit:?}");
    match &q.comment {
        Some(c) => assert_eq!(&edit.range, c),
        None => assert!(edit.range.is_empty(), "an insertion: {edit:?}"),
    }
    // One comment, closed only at its end (a kept segment may hold `<!--SR:`).
    assert!(edit.new.contains("<!--SR:") && edit.new.ends_with("-->"), "a comment: {:?}", edit.new);
    assert_eq!(edit.new.matches("-->").count(), 1, "closed once: {:?}", edit.new);
    if !text.contains('\r') {
        assert!(!edit.new.contains('\r'), "no CR in an LF note: {:?}", edit.new);
    }
    let new_text = splice(text, std::slice::from_ref(&edit));
    let end = edit.range.start + edit.new.len();
    assert_eq!(&new_text[..edit.range.start], &text[..edit.range.start]);
    assert_eq!(&new_text[end..], &text[edit.range.end..]);

    // A card made by its own schedule comment (`<!--SR::-->` is a `::`
    // card, `<!--SR:== ==-->` a cloze line) stops being one when the
    // comment is replaced, in the plugin too: nothing more to compare.
    let seps = [&settings.single_line_card_separator, &settings.single_line_reversed_card_separator];
    // (Or a note made a deck by a tag inside the comment.)
    let makes_card = |old: &str| {
        seps.iter().any(|sep| !sep.is_empty() && old.contains(sep.as_str()))
            || case.clozes.is_cloze_line(old)
            || old.contains('#')
    };
    if makes_card(&edit.old) {
        return;
    }

    // Parsed again: the same questions, the new schedule on the graded
    // sibling, every other card as it was.
    let after = case.parse(new_text.clone());
    check_note(&after, &case);
    // A callout's lines become part of the question's text, as in the
    // plugin (conformance case 31: `answer\n> [!sr|card-metadata] \n>`):
    // a trailing block id stops being trailing, and a cloze pattern that
    // matches `>` or `[` may count other deletions. A same-line comment
    // before a ` ^block-id` leaves the text a trailing blank (case 30's
    // `answer <!--SR:…--> ^blk-7`). Either changes the question's hash.
    let callout = edit.range.is_empty() && edit.new.contains("> [!sr|card-metadata] ");
    let same_line = edit.new.starts_with(' ');
    let kinds = |n: &recall::parse::Note| n.questions.iter().map(|q| q.kind).collect::<Vec<_>>();
    assert_eq!(kinds(&after), kinds(&note), "questions changed: {new_text:?}");
    for (i, (q0, q1)) in note.questions.iter().zip(&after.questions).enumerate() {
        if callout && i == qi {
            assert!(q1.actual(&after.text).contains("[!sr|card-metadata]"), "{new_text:?}");
            if q0.kind == recall::parse::QuestionKind::Cloze && q1.card_count() != q0.card_count() {
                continue;
            }
        } else if same_line && i == qi {
            assert_eq!(
                q0.actual(text),
                q1.actual(&after.text).trim_end(),
                "question {i}'s text in {new_text:?}"
            );
            // The bare `answer` cloze pattern makes the new blank a card.
            if q0.kind == recall::parse::QuestionKind::Cloze && q1.card_count() != q0.card_count() {
                continue;
            }
        } else {
            assert_eq!(q0.actual(text), q1.actual(&after.text), "question {i}'s text in {new_text:?}");
        }
        assert_eq!(q0.card_count(), q1.card_count(), "question {i}'s cards in {new_text:?}");
        for k in 0..q0.card_count() {
            let got = q1.schedule(k);
            if i == qi && k == sibling {
                assert_eq!(js(got), written(&next), "the graded card in {new_text:?}");
            } else if !trimmable(&q0.schedule(k)) {
                assert_eq!(js(got), js(q0.schedule(k)), "question {i} sibling {k} in {new_text:?}");
            }
        }
    }

    // A second card answered on the old text, re-planned on the new one.
    let qj = usize::from(second & 0x7f) % note.questions.len();
    let qb = &note.questions[qj];
    let sb = usize::from(second >> 7) % qb.card_count().max(1);
    let second_write = if (qj, sb) == (qi, sibling) || qb.card_count() == 0 {
        None
    } else {
        let before_b = qb.schedule(sb);
        let ctx_b = CardContext { histogram: None, ..ctx };
        let next_b = scheduler.answer(&before_b, response, &at, &ctx_b).ok().flatten().map(|a| a.schedule);
        let planned_b = next_b.and_then(|n| plan_schedule(&note, qb, sb, &n, settings).ok().map(|e| (n, e)));
        planned_b.map(|(next_b, edit_b)| {
            let replanned = replan_comment(&after, &note, qb, sb, &next_b.segment(), settings);
            (next_b, edit_b, replanned)
        })
    };
    if let Some((next_b, _, replanned)) = &second_write {
        match replanned {
            // Found again by the question's hash (and rank among identical
            // ones): refused only when the first answer changed a hash
            // (above), that of the same question or of an identical one.
            // Or when the first answer rewrote the second card's segment to
            // a different number (beyond 2^53, see js() above).
            None => assert!(
                after.questions[qi].hash(&after.text) != q.hash(text)
                    || (qj == qi && !after.questions[qi].schedule(sb).same_as(&q.schedule(sb))),
                "the second answer was refused on {new_text:?}"
            ),
            Some(edit_b) if makes_card(&edit_b.old) => {}
            Some(edit_b) => {
                let both = splice(&new_text, std::slice::from_ref(edit_b));
                let last = case.parse(both.clone());
                assert_eq!(kinds(&last), kinds(&note), "questions changed: {both:?}");
                assert_eq!(
                    js(last.questions[qi].schedule(sibling)),
                    written(&next),
                    "first answer lost: {both:?}"
                );
                assert_eq!(
                    js(last.questions[qj].schedule(sb)),
                    written(next_b),
                    "second answer lost: {both:?}"
                );
                for (i, (q0, q1)) in note.questions.iter().zip(&last.questions).enumerate() {
                    for k in 0..q0.card_count().min(q1.card_count()) {
                        if (i, k) != (qi, sibling) && (i, k) != (qj, sb) && !trimmable(&q0.schedule(k)) {
                            assert_eq!(
                                js(q1.schedule(k)),
                                js(q0.schedule(k)),
                                "question {i} sibling {k} in {both:?}"
                            );
                        }
                    }
                }
            }
        }
    }

    // Sometimes through the real applier, on a memory-backed folder if any.
    if pick & 0x80 != 0 && choice & 0x08 != 0 {
        let base = std::path::Path::new("/dev/shm");
        let dir = if base.is_dir() { tempfile::tempdir_in(base) } else { tempfile::tempdir() };
        let dir = dir.expect("temp dir");
        let path = dir.path().join("n.md");
        std::fs::write(&path, text).expect("write the note");
        let (outcome, written) =
            apply_edits(&path, text, std::slice::from_ref(&edit), &|_| None).expect("apply");
        assert_eq!(outcome, Outcome::Written);
        assert_eq!(written, new_text);
        assert_eq!(std::fs::read(&path).expect("read back"), new_text.as_bytes());
        // The second answer, planned on the old text, lands through the
        // applier's re-planning path.
        if let Some((next_b, edit_b, Some(replanned))) = &second_write {
            let qb = &note.questions[qj];
            let relocate = |current: &str| {
                let fresh = case.parse(current.to_owned());
                replan_comment(&fresh, &note, qb, sb, &next_b.segment(), settings).map(|e| vec![e])
            };
            let (outcome, written) =
                apply_edits(&path, text, std::slice::from_ref(edit_b), &relocate).expect("apply relocated");
            assert_eq!(outcome, Outcome::Relocated);
            assert_eq!(written, splice(&new_text, std::slice::from_ref(replanned)));
        }
    }
});
