//! A raw question built into a [`Question`] (spec §a.4): its schedule
//! comment and segments mapped from the question's text to the note's bytes,
//! topic tag and block id stripped, its card count, and the anchor where a
//! new schedule comment would go.

use std::ops::Range;
use std::sync::Arc;

use super::cloze::Clozes;
use super::comment::{Segment, read_schedule};
use super::js::{js_trim_end, js_trim_start};
use super::split::{Piece, RawQuestion};
use super::{Anchor, Detail, ParseOptions, Question, QuestionKind, TextRef, lines};

/// The decks of a question before [`super::decks::assign_decks`] gives it
/// its own: one empty list per thread, shared, instead of an allocation
/// per question.
fn no_decks() -> Arc<[String]> {
    thread_local! {
        static NONE: Arc<[String]> = Arc::from(Vec::new());
    }
    NONE.with(Arc::clone)
}

fn map_offset(pieces: &[Piece], off: usize) -> Option<(usize, usize)> {
    pieces
        .iter()
        .find(|p| p.text_start <= off && off <= p.text_start + p.len)
        .and_then(|p| Some((p.file_start? + (off - p.text_start), p.line?)))
}

/// Removes every `<!--SR:.+-->` (greedy within a line), as the plugin's
/// `/<!--SR:.+-->/gm` replace does.
fn strip_sr_comments(text: &str) -> std::borrow::Cow<'_, str> {
    let Some(first) = lines::find(text, "<!--SR:") else {
        return std::borrow::Cow::Borrowed(text);
    };
    // Common case: one comment that ends the text (the question's last line).
    if !text[first..].contains('\n') {
        let body = first + 7;
        if let Some((w, _)) = text[body..].char_indices().nth(1)
            && text[body + w..].ends_with("-->")
        {
            return std::borrow::Cow::Borrowed(&text[..first]);
        }
    }
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let mut rest = line;
        // Each match runs from an opening to the *last* `-->` of the line.
        while let Some(open) = lines::find(rest, "<!--SR:") {
            let body = open + 7;
            let close = rest[body..]
                .char_indices()
                .nth(1)
                .and_then(|(w, _)| lines::rfind(&rest[body + w..], "-->").map(|c| body + w + c));
            match close {
                Some(c) => {
                    out.push_str(&rest[..open]);
                    rest = &rest[c + 3..];
                }
                None => break,
            }
        }
        out.push_str(rest);
    }
    std::borrow::Cow::Owned(out)
}

/// A leading `#tag` (the plugin's `/^#[^\s#]+/`): its length in bytes.
fn topic_tag_len(text: &str) -> Option<usize> {
    let rest = text.strip_prefix('#')?;
    let n = rest.find(|c: char| c.is_whitespace() || c == '#').unwrap_or(rest.len());
    (n > 0).then_some(n + 1)
}

/// A trailing ` ^block-id`: the id.
fn trailing_block_id(text: &str) -> Option<&str> {
    // The id runs to the end, so only the last `^` can start it.
    let caret = memchr::memrchr(b'^', text.as_bytes())?;
    if caret == 0 || text.as_bytes()[caret - 1] != b' ' {
        return None;
    }
    let id = &text[caret + 1..];
    (!id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')).then_some(id)
}

/// A question's text after the plugin's a.4 steps (schedule comments
/// already stripped): its leading topic tag, the rest without a trailing
/// block id, and that id.
struct Stripped<'t> {
    topic_tag: Option<&'t str>,
    actual: &'t str,
    block_id: Option<&'t str>,
}

fn strip_question(without_sr: &str) -> Stripped<'_> {
    let (topic_tag, rest) = split_topic_tag(without_sr);
    match trailing_block_id(rest) {
        Some(id) => Stripped { topic_tag, actual: &rest[..rest.len() - id.len() - 2], block_id: Some(id) },
        None => Stripped { topic_tag, actual: rest, block_id: None },
    }
}

/// The first of [`strip_question`]'s steps: the text trimmed at the end,
/// its leading topic tag and the rest.
fn split_topic_tag(without_sr: &str) -> (Option<&str>, &str) {
    let without_sr = js_trim_end(without_sr);
    let lead = without_sr.len() - js_trim_start(without_sr).len();
    match topic_tag_len(&without_sr[lead..]) {
        Some(n) => (Some(&without_sr[lead..lead + n]), js_trim_start(&without_sr[lead + n..])),
        None => (None, without_sr),
    }
}

fn card_count(kind: QuestionKind, actual: &str, clozes: &Clozes) -> usize {
    match kind {
        QuestionKind::Basic | QuestionKind::Multiline => 1,
        QuestionKind::Reversed | QuestionKind::MultilineReversed => 2,
        QuestionKind::Cloze => clozes.card_count(actual),
    }
}

pub(super) fn build_question(note: &str, raw: &RawQuestion, opts: &ParseOptions) -> Question {
    let (comment_in_text, mut segments) = read_schedule(&raw.text, opts.today);
    for s in &mut segments {
        s.place(opts.zone);
    }
    match opts.detail {
        Detail::Counts => return build_counts(raw, comment_in_text.as_ref(), segments, opts, None),
        Detail::Queue => return build_counts(raw, comment_in_text.as_ref(), segments, opts, Some(note)),
        Detail::Full => {}
    }
    let comment = comment_in_text.as_ref().and_then(|r| {
        let (a, la) = map_offset(&raw.pieces, r.start)?;
        let (b, lb) = map_offset(&raw.pieces, r.end)?;
        (la == lb).then_some(a..b)
    });
    // Segment ranges: from the question's text to the note's.
    let first = raw.pieces.first().and_then(|p| p.file_start).unwrap_or(0);
    let window = first..raw.pieces.iter().rev().find_map(|p| Some(p.file_start? + p.len)).unwrap_or(first);
    match (&comment_in_text, &comment) {
        (Some(in_text), Some(in_file)) => {
            for s in &mut segments {
                s.raw =
                    s.raw.start - in_text.start + in_file.start..s.raw.end - in_text.start + in_file.start;
            }
        }
        _ => {
            segments.retain_mut(|s| {
                let piece = &raw.text[s.raw.clone()];
                match note.get(window.clone()).and_then(|w| lines::find(w, piece)) {
                    Some(at) => {
                        s.raw = window.start + at..window.start + at + piece.len();
                        true
                    }
                    None => false,
                }
            });
        }
    }

    // a.4: strip comments, topic tag, block id.
    let without_sr = strip_sr_comments(&raw.text);
    let Stripped { topic_tag, actual, block_id } = strip_question(&without_sr);
    let (topic_tag, block_id) = (topic_tag.map(str::to_owned), block_id.map(str::to_owned));
    let cards = card_count(raw.kind, actual, opts.clozes);
    // `actual` is usually a slice of the question's text: map it to the note.
    let hint = (actual.as_ptr() as usize)
        .checked_sub(raw.text.as_ptr() as usize)
        .filter(|&off| off + actual.len() <= raw.text.len())
        .and_then(|off| map_offset(&raw.pieces, off))
        .map(|(at, _)| at);
    let actual = TextRef::new(actual, note, hint, window.clone());

    // Where a new comment would go: after the question's text, before a
    // trailing block id for same-line comments.
    let trimmed = js_trim_end(&raw.text);
    let text_end = trimmed.len();
    let anchor = if comment.is_none() {
        let same_line_text = match &block_id {
            Some(id) if trimmed.ends_with(id.as_str()) && trimmed[..text_end - id.len()].ends_with(" ^") => {
                text_end - id.len() - 2
            }
            _ => text_end,
        };
        match (map_offset(&raw.pieces, text_end), map_offset(&raw.pieces, same_line_text)) {
            (Some((_, line)), Some((same_line_at, _))) => Some(Anchor { line, same_line_at }),
            _ => None,
        }
    } else {
        None
    };

    let text = TextRef::new(&raw.text, note, Some(first), first..first);
    let text_line = raw.pieces.first().and_then(|p| p.line).unwrap_or(raw.first_line).max(raw.first_line);
    Question {
        kind: raw.kind,
        first_line: raw.first_line,
        last_line: raw.last_line,
        text_line,
        text,
        comment,
        segments,
        topic_tag,
        actual,
        block_id,
        decks: no_decks(),
        cards,
        anchor,
    }
}

/// [`build_question`] for [`Detail::Counts`]: what a question's cards and
/// decks need, none of its texts or ranges; with `queue_note` (the note,
/// for [`Detail::Queue`]) also the text line and the text without schedule,
/// topic tag and block id, taken as [`Detail::Full`] takes them, so that a
/// card's address and hash are the same in both.
fn build_counts(
    raw: &RawQuestion,
    comment: Option<&Range<usize>>,
    mut segments: Vec<Segment>,
    opts: &ParseOptions,
    queue_note: Option<&str>,
) -> Question {
    for s in &mut segments {
        s.raw = 0..0;
    }
    // A comment that ends the text is the only one the plugin's replace
    // removes: every `<!--SR:` before it has no `-->` on its line (or the
    // first comment would have started there).
    let without_sr = match comment {
        Some(c) if c.end == raw.text.len() => std::borrow::Cow::Borrowed(&raw.text[..c.start]),
        _ => strip_sr_comments(&raw.text),
    };
    // Only a cloze's count and the queue read the text without its block
    // id; the other counts need the topic tag alone.
    let st = if raw.kind == QuestionKind::Cloze || queue_note.is_some() {
        strip_question(&without_sr)
    } else {
        let (topic_tag, actual) = split_topic_tag(&without_sr);
        Stripped { topic_tag, actual, block_id: None }
    };
    let (topic_tag, cards) = (st.topic_tag.map(str::to_owned), card_count(raw.kind, st.actual, opts.clozes));
    let (text_line, actual) = match queue_note {
        // Usually a slice of the note (no search: `TextRef::new` sees it
        // by its address); else a copy.
        Some(note) => (
            raw.text_line.unwrap_or(raw.first_line).max(raw.first_line),
            TextRef::new(st.actual, note, None, 0..0),
        ),
        None => (raw.first_line, TextRef::Span(0, 0)),
    };
    Question {
        kind: raw.kind,
        first_line: raw.first_line,
        last_line: raw.last_line,
        text_line,
        text: TextRef::Span(0, 0),
        comment: None,
        segments,
        topic_tag,
        actual,
        block_id: None,
        decks: no_decks(),
        cards,
        anchor: None,
    }
}
