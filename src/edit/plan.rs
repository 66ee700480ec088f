//! Planning the edit that writes a card's new schedule (pure).
//!
//! The comment text is exactly the plugin's (spec §b.2): one `!segment` per
//! sibling, placeholders for never-reviewed siblings, surplus segments
//! dropped, every readable SM-2 sibling re-serialised, FSRS siblings and
//! unreadable ones kept as they were. The placement is recall's minimal edit
//! (conformance README, *Grades*): an existing comment is replaced where it
//! stands; otherwise one is inserted after the question, in the line's own
//! terminator, or on the same line when `cardCommentOnSameLine` is set.

use super::Edit;
use crate::parse::comment::{PLACEHOLDER_DATE, SegmentKind, format_comment, format_sm2, js_trim};
use crate::parse::lines::first_terminator;
use crate::parse::{Note, Question, QuestionKind};
use crate::schedule::{Ease, Interval, Schedule};
use crate::settings::Settings;

/// Why an edit cannot be planned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error(
        "the card ends inside a code fence that is never closed, so its schedule cannot be written (the plugin cannot write it either)"
    )]
    UnclosedFence,
    #[error("sibling {sibling} does not exist: the question has {count} card(s)")]
    NoSuchSibling { sibling: usize, count: usize },
    #[error(
        "a schedule comment at the card (`<!--SR:`) does not end on its line, so a schedule written beside or below it would not be read (by recall or the plugin); end that comment with `-->` or remove it"
    )]
    BrokenComment,
}

/// The segment text for a sibling that keeps its schedule.
fn keep_segment(note: &str, q: &Question, i: usize, base_ease: f64) -> String {
    let placeholder = || format_sm2(PLACEHOLDER_DATE, Interval(1.0), Ease(base_ease));
    match q.segments.get(i) {
        None => placeholder(),
        Some(s) if s.is_placeholder() => placeholder(),
        Some(s) => {
            let mut raw = match &s.kind {
                SegmentKind::Sm2 { due: Some(due), interval: Some(ivl), ease: Some(ease) } => {
                    return format_sm2(*due, Interval::from(*ivl), Ease::from(*ease));
                }
                // FSRS siblings are written from their parsed numbers, as
                // the plugin writes them (a timestamp it cannot read is
                // kept as written).
                SegmentKind::Fsrs(f) => f.format()[1..].to_owned(),
                // Unreadable SM-2 segments are kept as read (the plugin would
                // write `!0NaN-NaN-NaN,…`).
                _ => q.segment_raw(i, note).unwrap_or_default().to_owned(),
            };
            // Less any `-->`: a payload may start with one
            // (`<!--SR:-->…-->`), which would close the new comment early.
            while raw.contains("-->") {
                raw = raw.replace("-->", "--");
            }
            format!("!{raw}")
        }
    }
}

/// The full comment after sibling `sibling` gets `segment`.
#[must_use]
pub fn comment_with(note: &str, q: &Question, sibling: usize, segment: &str, settings: &Settings) -> String {
    let segs: Vec<String> = (0..q.card_count())
        .map(|i| if i == sibling { segment.to_owned() } else { keep_segment(note, q, i, settings.base_ease) })
        .collect();
    format_comment(&segs)
}

/// Plans writing `schedule` for one sibling of question `q`.
pub fn plan_schedule(
    note: &Note,
    q: &Question,
    sibling: usize,
    schedule: &Schedule,
    settings: &Settings,
) -> Result<Edit, PlanError> {
    plan_comment(note, q, sibling, &schedule.segment(), settings)
}

/// Plans writing a formatted `!segment` for one sibling of question `q`.
pub fn plan_comment(
    note: &Note,
    q: &Question,
    sibling: usize,
    segment: &str,
    settings: &Settings,
) -> Result<Edit, PlanError> {
    if sibling >= q.card_count() {
        return Err(PlanError::NoSuchSibling { sibling, count: q.card_count() });
    }
    let comment = comment_with(&note.text, q, sibling, segment, settings);
    plan_replace(note, q, comment, settings)
}

/// Re-plans a grade on a note that changed since it was read (another
/// program, or another recall answering a sibling or another card): the
/// question of `old` is found again by its text without the schedule
/// comment (its topic tag and text, [`Question::hash`]). Among identical
/// questions it keeps its rank; if their number changed, which one is the
/// card cannot be told and the answer is refused. The answer was computed
/// from the sibling's old schedule, so it is written only if that sibling
/// still has it (a compare-and-swap on the card); the other siblings keep
/// what the note holds now. `None`: refuse.
#[must_use]
pub fn replan_comment(
    fresh: &Note,
    old: &Note,
    old_q: &Question,
    sibling: usize,
    segment: &str,
    settings: &Settings,
) -> Option<Edit> {
    let hash = old_q.hash(&old.text);
    let twins = |n: &'_ Note| -> Vec<usize> {
        (0..n.questions.len())
            .filter(|&i| n.questions[i].kind == old_q.kind && n.questions[i].hash(&n.text) == hash)
            .collect()
    };
    let (was, now) = (twins(old), twins(fresh));
    if was.len() != now.len() {
        return None;
    }
    let rank = was.iter().position(|&i| old.questions[i].first_line == old_q.first_line)?;
    let q = &fresh.questions[now[rank]];
    if !q.schedule(sibling).same_as(&old_q.schedule(sibling)) {
        return None;
    }
    plan_comment(fresh, q, sibling, segment, settings).ok()
}

/// A batch's changes to a note (question index in `old` → its change)
/// keyed by where each question is in `fresh`, the note as it is on disk
/// now: each found again by its text, the nearest to where it was. `None`
/// when one is gone.
#[must_use]
pub fn find_questions_again<V: Clone>(
    old: &Note,
    fresh: &Note,
    changes: &std::collections::BTreeMap<usize, V>,
) -> Option<std::collections::BTreeMap<usize, V>> {
    let mut moved = std::collections::BTreeMap::new();
    for (&qi, change) in changes {
        let q = old.questions.get(qi)?;
        let (ni, _) = fresh
            .questions
            .iter()
            .enumerate()
            .filter(|(_, q2)| q2.text(&fresh.text) == q.text(&old.text))
            .min_by_key(|(_, q2)| q2.first_line.abs_diff(q.first_line))?;
        moved.insert(ni, change.clone());
    }
    Some(moved)
}

/// Plans putting `comment` (a whole `<!--SR:…-->`) on question `q`.
pub fn plan_replace(
    note: &Note,
    q: &Question,
    comment: String,
    settings: &Settings,
) -> Result<Edit, PlanError> {
    let text = &note.text;
    if let Some(span) = &q.comment {
        return Ok(Edit { range: span.clone(), old: text[span.clone()].to_owned(), new: comment });
    }
    let anchor = q.anchor.as_ref().ok_or(PlanError::UnclosedFence)?;
    // A single-line card takes the next line when it starts `<!--SR:` (or
    // the callout lines up to one holding it). When that comment never
    // closes, a comment inserted below it is not part of the card, and the
    // answer would be written where no one reads it.
    if matches!(q.kind, QuestionKind::Basic | QuestionKind::Reversed)
        && q.last_line > q.first_line
        && q.text(text).rsplit('\n').next().is_some_and(|l| l.contains("<!--SR:"))
    {
        return Err(PlanError::BrokenComment);
    }
    // On a closing fence line a comment is not part of the question (the
    // parser keeps only the fence), for `~~~` as for the plugin's ```` ``` ````.
    let ends_with_fence = q.actual(text).ends_with("```") || q.actual(text).ends_with("~~~");
    let at = anchor.same_line_at;
    let line_start = text[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    // A question that ends on its `?` line (an empty back) would stop being
    // a question with a comment after the `?`: the comment goes below.
    let last = js_trim(&text[line_start..at]);
    let on_separator =
        last == settings.multiline_card_separator || last == settings.multiline_reversed_card_separator;
    if settings.card_comment_on_same_line && !ends_with_fence && !on_separator {
        // After an unclosed `<!--SR:` on the same line, the new comment
        // would be read as the end of that one.
        if text[line_start..at].contains("<!--SR:") {
            return Err(PlanError::BrokenComment);
        }
        return Ok(Edit { range: at..at, old: String::new(), new: format!(" {comment}") });
    }
    let line = note.lines[anchor.line];
    let term = match line.terminator(text) {
        "" => first_terminator(text, &note.lines),
        t => t,
    };
    let new =
        if settings.use_callouts_for_scheduling_comments && !q.text(text).contains("> [!sr|card-metadata]") {
            format!("{term}> [!sr|card-metadata] {term}>  {comment}")
        } else {
            format!("{term}{comment}")
        };
    Ok(Edit { range: line.end..line.end, old: String::new(), new })
}

/// A new schedule for one sibling in a batch change.
#[derive(Debug, Clone, PartialEq)]
pub enum SiblingChange {
    /// This `!segment` (as [`format_sm2`] writes it).
    Set(String),
    /// Back to new (the placeholder segment).
    New,
}

/// Plans one edit for a question whose siblings change together (batch
/// re-scheduling). When no sibling keeps a schedule, the comment is
/// removed (its whole line when it stands alone). `None` when nothing
/// changes.
pub fn plan_siblings(
    note: &Note,
    q: &Question,
    changes: &[(usize, SiblingChange)],
    settings: &Settings,
) -> Result<Option<Edit>, PlanError> {
    let text = &note.text;
    let mut any_scheduled = false;
    let mut segs = Vec::with_capacity(q.card_count());
    for i in 0..q.card_count() {
        match changes.iter().find(|(s, _)| *s == i).map(|(_, c)| c) {
            Some(SiblingChange::Set(seg)) => {
                any_scheduled = true;
                segs.push(seg.clone());
            }
            Some(SiblingChange::New) => {
                segs.push(format_sm2(PLACEHOLDER_DATE, Interval(1.0), Ease(settings.base_ease)));
            }
            None => {
                any_scheduled |= !matches!(q.schedule(i), crate::parse::CardSchedule::New);
                segs.push(keep_segment(text, q, i, settings.base_ease));
            }
        }
    }
    if !any_scheduled {
        return Ok(q.comment.as_ref().map(|span| remove_comment(note, span.clone())));
    }
    let comment = format_comment(&segs);
    if q.comment.as_ref().is_some_and(|span| text[span.clone()] == comment) {
        return Ok(None);
    }
    plan_replace(note, q, comment, settings).map(Some)
}

/// Removes a comment: its whole line when nothing else is on it, else the
/// comment and the blanks before it.
fn remove_comment(note: &Note, span: std::ops::Range<usize>) -> Edit {
    let text = &note.text;
    let idx = note.lines.partition_point(|l| l.next <= span.start).min(note.lines.len().saturating_sub(1));
    let line = note.lines[idx];
    let alone = text[line.start..span.start].trim().is_empty() && text[span.end..line.end].trim().is_empty();
    let range = if alone {
        if line.next > line.end {
            line.start..line.next
        } else if idx > 0 {
            // The last line has no terminator: take the one before it instead.
            note.lines[idx - 1].end..line.end
        } else {
            line.start..line.end
        }
    } else {
        let before = text[..span.start].trim_end_matches([' ', '\t']).len();
        before..span.end
    };
    Edit { range: range.clone(), old: text[range].to_owned(), new: String::new() }
}

#[cfg(test)]
mod tests {

    use chrono::NaiveDate;

    use super::*;

    fn sm2(due: chrono::NaiveDate, interval: f64, ease: f64) -> Schedule {
        Schedule::Sm2(crate::schedule::Sm2 { due, interval: Interval(interval), ease: Ease(ease) })
    }
    use crate::parse::cloze::Clozes;
    use crate::parse::{CardSchedule, ParseOptions, parse_note};
    use crate::schedule::{WholeEase, WholeInterval};

    fn parse(text: &str, settings: &Settings) -> Note {
        let clozes = Clozes::new(&settings.cloze_patterns);
        let today = NaiveDate::from_ymd_opt(2024, 6, 20).expect("date");
        let zone = crate::clock::Zone::utc();
        let now = crate::clock::When::noon_of(today, zone).now;
        parse_note(
            text.to_owned(),
            None,
            &ParseOptions { settings, clozes: &clozes, today, now, zone, detail: crate::parse::Detail::Full },
            false,
        )
    }

    fn due(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    /// Found by fuzzing (fuzz target edit): the comment used to be inserted
    /// below the unclosed one, outside the card, so the grade was lost.
    #[test]
    fn a_card_followed_by_an_unclosed_comment_is_refused() {
        let s = Settings::default();
        for text in [
            "#flashcards\nQ::A\n<!--SR:!2024-06-23,3\nmore::text -->\n",
            "#flashcards\nQ:::A\n> [!sr|card-metadata]\n> <!--SR:!2024-06-23\n",
        ] {
            let note = parse(text, &s);
            let q = &note.questions[0];
            assert_eq!(q.comment, None, "{text:?}");
            let got = plan_schedule(&note, q, 0, &sm2(due(2024, 6, 23), 3.0, 250.0), &s);
            assert_eq!(got, Err(PlanError::BrokenComment), "{text:?}");
        }
        // With same-line comments, an unclosed one on the card's own line.
        let same_line = Settings { card_comment_on_same_line: true, ..Settings::default() };
        let note = parse("#flashcards\nQ::A <!--SR:!2024-06-23,x\n", &same_line);
        let got = plan_schedule(&note, &note.questions[0], 0, &sm2(due(2024, 6, 23), 3.0, 250.0), &same_line);
        assert_eq!(got, Err(PlanError::BrokenComment));
    }

    /// Found by fuzzing (fuzz target edit), with cardCommentOnSameLine: a
    /// multi-line question with an empty back ends on its `?` line, and a
    /// comment after the `?` made it no question at all; one ending in a
    /// `~~~` fence lost a comment put on the fence line.
    #[test]
    fn a_same_line_comment_never_goes_on_a_separator_line() {
        let s = Settings { card_comment_on_same_line: true, ..Settings::default() };
        for text in [
            "#flashcards\n\nFront\n?",
            "#flashcards\n\nFront\n??\n\nmore",
            // Found by fuzzing too: after a `~~~` fence the comment was lost.
            "#flashcards\n\nFront\n?\n~~~\ncode\n~~~\n",
        ] {
            let note = parse(text, &s);
            let q = &note.questions[0];
            let edit = plan_schedule(&note, q, 0, &sm2(due(2024, 6, 23), 3.0, 250.0), &s).expect("planned");
            assert!(edit.new.starts_with("\n<!--SR:"), "{:?}", edit.new);
            let after = parse(&crate::edit::splice(text, &[edit]), &s);
            assert_eq!(after.questions.len(), note.questions.len(), "{text:?}");
            assert_eq!(
                after.questions[0].schedule(0),
                CardSchedule::Sm2 {
                    due: Some(due(2024, 6, 23)),
                    interval: Some(WholeInterval(3)),
                    ease: Some(WholeEase(250))
                },
                "{text:?}"
            );
        }
    }

    #[test]
    fn cards_followed_by_callout_lines_or_a_closed_comment_are_written() {
        let s = Settings::default();
        for text in [
            "#flashcards\nQ::A\n> [!sr|card-metadata]\n> no comment yet",
            "#flashcards\nQ::A <!--SR:open\n\n",
        ] {
            let note = parse(text, &s);
            let q = &note.questions[0];
            let edit = plan_schedule(&note, q, 0, &sm2(due(2024, 6, 23), 3.0, 250.0), &s).expect("planned");
            let after = parse(&crate::edit::splice(text, &[edit]), &s);
            assert_eq!(
                after.questions[0].schedule(0),
                CardSchedule::Sm2 {
                    due: Some(due(2024, 6, 23)),
                    interval: Some(WholeInterval(3)),
                    ease: Some(WholeEase(250))
                },
                "{text:?}"
            );
        }
    }

    /// `text`'s first question answered by another writer (due 06-22), then
    /// its second (due 06-23) re-planned on that new text from the old
    /// parse: the two questions' first schedules after both.
    fn answer_first_then_replan_second(text: &str) -> (CardSchedule, CardSchedule) {
        let s = Settings::default();
        let old = parse(text, &s);
        let first =
            plan_schedule(&old, &old.questions[0], 0, &sm2(due(2024, 6, 22), 2.0, 230.0), &s).expect("plan");
        let fresh = parse(&crate::edit::splice(text, &[first]), &s);
        let next = sm2(due(2024, 6, 23), 3.0, 250.0).segment();
        let edit = replan_comment(&fresh, &old, &old.questions[1], 0, &next, &s).expect("replanned");
        let both = parse(&crate::edit::splice(&fresh.text, &[edit]), &s);
        (both.questions[0].schedule(0), both.questions[1].schedule(0))
    }

    fn whole_sm2(d: NaiveDate, i: i64, e: i64) -> CardSchedule {
        CardSchedule::Sm2 { due: Some(d), interval: Some(WholeInterval(i)), ease: Some(WholeEase(e)) }
    }

    /// Found by fuzzing (fuzz target edit): with two identical questions,
    /// the answer to the second, re-planned after another writer answered
    /// the first, went looking nearest its old line and picked the first.
    #[test]
    fn replanning_keeps_the_rank_among_identical_questions() {
        let (first, second) = answer_first_then_replan_second("#flashcards\nQ::A\nQ::A\n");
        assert_eq!(first, whole_sm2(due(2024, 6, 22), 2, 230));
        assert_eq!(second, whole_sm2(due(2024, 6, 23), 3, 250));
    }

    /// Found by fuzzing (fuzz target edit): a card whose FSRS segment lacks
    /// a field (read as NaN, as the plugin reads it) never compared equal to
    /// itself, so after another recall answered another card of the note
    /// its answer was refused as if the card had changed.
    #[test]
    fn replanning_an_fsrs_card_with_a_missing_field_lands() {
        let text = "#flashcards\nP::B\nQ::A\n<!--SR:!fsrs,2024-06-18T09:15:00.000Z,2,3.2,4,2,1,0-->\n";
        let old = parse(text, &Settings::default());
        assert!(old.questions[1].schedule(0).fsrs().is_some_and(|f| f.learning_steps.is_nan()));
        let (first, second) = answer_first_then_replan_second(text);
        assert_eq!(first, whole_sm2(due(2024, 6, 22), 2, 230));
        assert_eq!(second, whole_sm2(due(2024, 6, 23), 3, 250));
    }

    /// Found by fuzzing (fuzz target edit): in `<!--SR:-->-->` the payload
    /// is `-->`; written back as it was, it closed the new comment, and the
    /// answer ended up as text after it.
    #[test]
    fn a_kept_segment_never_closes_the_comment() {
        let s = Settings::default();
        let text = "#flashcards\nQ:::A\n<!--SR:-->-->\n";
        let note = parse(text, &s);
        let q = &note.questions[0];
        assert_eq!(q.segments.len(), 1);
        let edit = plan_schedule(&note, q, 1, &sm2(due(2024, 6, 23), 3.0, 250.0), &s).expect("plan");
        assert_eq!(edit.new, "<!--SR:!--!2024-06-23,3,250-->");
        let after = parse(&crate::edit::splice(text, &[edit]), &s);
        assert_eq!(after.questions[0].schedule(0), q.schedule(0));
        assert_eq!(
            after.questions[0].schedule(1),
            CardSchedule::Sm2 {
                due: Some(due(2024, 6, 23)),
                interval: Some(WholeInterval(3)),
                ease: Some(WholeEase(250))
            }
        );
    }

    /// Found by fuzzing (fuzz target edit): when one of two identical
    /// questions changed elsewhere, the answer to it went to its twin.
    #[test]
    fn replanning_refuses_when_identical_questions_come_or_go() {
        let s = Settings::default();
        let old = parse("#flashcards\nQ::A\nQ::A\n", &s);
        let next = sm2(due(2024, 6, 23), 3.0, 250.0).segment();
        for changed in ["#flashcards\nQ::A, edited\nQ::A\n", "#flashcards\nQ::A\nQ::A\nQ::A\n"] {
            let fresh = parse(changed, &s);
            assert_eq!(replan_comment(&fresh, &old, &old.questions[0], 0, &next, &s), None, "{changed:?}");
        }
    }
}
