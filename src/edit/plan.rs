//! Planning the edit that writes a card's new schedule (pure).
//!
//! The comment text is exactly the plugin's (spec §b.2): one `!segment` per
//! sibling, placeholders for never-reviewed siblings, surplus segments
//! dropped, every readable SM-2 sibling re-serialised, FSRS siblings and
//! unreadable ones kept as they were. The placement is recall's minimal edit
//! (conformance README, *Grades*): an existing comment is replaced where it
//! stands; otherwise one is inserted after the question, in the line's own
//! terminator, or on the same line when `cardCommentOnSameLine` is set.

use chrono::NaiveDate;

use super::Edit;
use crate::parse::comment::{PLACEHOLDER_DATE, SegmentKind, format_comment, format_sm2};
use crate::parse::lines::first_terminator;
use crate::parse::{Note, Question};
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
}

/// The segment text for a sibling that keeps its schedule.
fn keep_segment(note: &str, q: &Question, i: usize, base_ease: f64) -> String {
    let placeholder = || format_sm2(PLACEHOLDER_DATE, 1.0, base_ease);
    match q.segments.get(i) {
        None => placeholder(),
        Some(s) if s.is_placeholder() => placeholder(),
        Some(s) => match s.kind {
            SegmentKind::Sm2 { due: Some(due), interval: Some(ivl), ease: Some(ease) } => {
                format_sm2(due, ivl as f64, ease as f64)
            }
            // FSRS segments are written back as read; unreadable ones too
            // (the plugin would write `!0NaN-NaN-NaN,…`).
            _ => format!("!{}", q.segment_raw(i, note).unwrap_or_default()),
        },
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

/// Plans writing `due, interval, ease` for one sibling of question `q`.
pub fn plan_schedule(
    note: &Note,
    q: &Question,
    sibling: usize,
    due: NaiveDate,
    interval: f64,
    ease: f64,
    settings: &Settings,
) -> Result<Edit, PlanError> {
    plan_comment(note, q, sibling, &format_sm2(due, interval, ease), settings)
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
    let ends_with_fence = q.actual(text).ends_with("```");
    if settings.card_comment_on_same_line && !ends_with_fence {
        let at = anchor.same_line_at;
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
            Some(SiblingChange::New) => segs.push(format_sm2(PLACEHOLDER_DATE, 1.0, settings.base_ease)),
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
