//! The plugin's `parse()` (spec §a.2): a note's lines split into raw
//! questions, each with the pieces of note text it was built from, and the
//! places where the plugin's quirks hide or swallow text.

use super::js::{js_trim, js_trim_end};
use super::{Detail, Note, ParseOptions, QuestionKind, Quirk, lines};

/// A piece of a question's text and where it came from in the note.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Piece {
    pub(super) text_start: usize,
    pub(super) len: usize,
    /// Byte offset in the note, `None` for the synthetic closing fence the
    /// plugin appends to an unclosed code block.
    pub(super) file_start: Option<usize>,
    pub(super) line: Option<usize>,
}

/// A question as the splitter emits it.
pub(super) struct RawQuestion<'a> {
    pub(super) kind: QuestionKind,
    pub(super) first_line: usize,
    pub(super) last_line: usize,
    /// Borrowed from the note when its lines are contiguous there (the
    /// common case: LF line endings, no trailing blanks, no fence rewrite).
    pub(super) text: std::borrow::Cow<'a, str>,
    /// Recorded for [`Detail::Full`] only.
    pub(super) pieces: Vec<Piece>,
    /// The note line the text starts with (its first piece's), whatever
    /// the detail.
    pub(super) text_line: Option<usize>,
}

/// The block being accumulated. Most blocks are prose that never becomes a
/// question, so only the parts are recorded; the text is built on emission.
struct Acc<'a> {
    parts: Vec<Part<'a>>,
    /// Byte length of the text so far.
    len: usize,
    /// UTF-16 length of the text so far, counted up to 2.
    short_len: usize,
}

struct Part<'a> {
    s: &'a str,
    newline_before: bool,
    file_start: Option<usize>,
    line: Option<usize>,
}

impl<'a> Acc<'a> {
    fn new() -> Acc<'a> {
        Acc { parts: Vec::with_capacity(8), len: 0, short_len: 0 }
    }

    /// The plugin's `cardText.length > 1` (UTF-16 length).
    fn longer_than_one(&self) -> bool {
        self.short_len > 1
    }

    fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn clear(&mut self) {
        self.parts.clear();
        self.len = 0;
        self.short_len = 0;
    }

    /// Appends `s` (a slice of the note at `file_start`, or synthetic),
    /// joined with `\n` when the text is not empty (or `force_newline`).
    #[expect(
        clippy::inline_always,
        reason = "called for every line; `#[inline]` left it a call, and inlining it saves ~3 % of `decks`' instructions"
    )]
    #[inline(always)]
    fn push(&mut self, s: &'a str, file_start: Option<usize>, line: Option<usize>, force_newline: bool) {
        let newline_before = self.len > 0 || force_newline;
        let add = usize::from(newline_before);
        self.len += add + s.len();
        if self.short_len < 2 {
            // Only whether the text reaches two units matters.
            let head = match s.as_bytes() {
                [a, b, ..] if a.is_ascii() && b.is_ascii() => 2,
                _ => s.chars().take(2).map(char::len_utf16).sum::<usize>(),
            };
            self.short_len += add + head;
        }
        self.parts.push(Part { s, newline_before, file_start, line });
    }

    /// Builds the text (trimmed at the end when `trim`) and its pieces. The
    /// text is borrowed from `note` when the parts lie back to back in it.
    fn take(&mut self, note: &'a str, trim: bool, detail: Detail) -> Taken<'a> {
        let text_line = self.parts.first().and_then(|p| p.line);
        let mut pieces = Vec::new();
        if detail == Detail::Full {
            pieces.reserve_exact(self.parts.len());
            let mut at = 0;
            for p in &self.parts {
                if p.newline_before {
                    at += 1;
                }
                pieces.push(Piece { text_start: at, len: p.s.len(), file_start: p.file_start, line: p.line });
                at += p.s.len();
            }
        }
        let contiguous = match self.parts.first() {
            Some(first) if !first.newline_before => self.parts.windows(2).all(|w| {
                matches!((w[0].file_start, w[1].file_start), (Some(a), Some(b))
                    if w[1].newline_before && b == a + w[0].s.len() + 1 && note.as_bytes().get(b - 1) == Some(&b'\n'))
            }) && first.file_start.is_some(),
            _ => false,
        };
        let mut text: std::borrow::Cow<'a, str> =
            if let (true, Some(first), Some(last)) = (contiguous, self.parts.first(), self.parts.last()) {
                let (a, b) = (first.file_start.unwrap_or(0), last.file_start.unwrap_or(0) + last.s.len());
                std::borrow::Cow::Borrowed(&note[a..b])
            } else {
                let mut t = String::with_capacity(self.len);
                for p in &self.parts {
                    if p.newline_before {
                        t.push('\n');
                    }
                    t.push_str(p.s);
                }
                std::borrow::Cow::Owned(t)
            };
        self.clear();
        if trim {
            let keep = js_trim_end(&text).len();
            match &mut text {
                std::borrow::Cow::Borrowed(b) => *b = &b[..keep],
                std::borrow::Cow::Owned(o) => o.truncate(keep),
            }
            for p in &mut pieces {
                if p.text_start >= keep {
                    p.len = 0;
                } else if p.text_start + p.len > keep {
                    p.len = keep - p.text_start;
                }
            }
            pieces.retain(|p| p.text_start <= keep);
        }
        Taken { text, pieces, text_line }
    }
}

/// A block's text as [`Acc::take`] builds it.
struct Taken<'a> {
    text: std::borrow::Cow<'a, str>,
    pieces: Vec<Piece>,
    text_line: Option<usize>,
}

/// The plugin's `parse()`: splits the note into questions (spec §a.2).
#[expect(
    clippy::too_many_lines,
    reason = "mirrors the plugin's `parse()` loop line for line, so the two can be compared side by side"
)]
pub(super) fn split_questions<'a>(
    note: &'a Note,
    body_from: usize,
    opts: &ParseOptions,
) -> (Vec<RawQuestion<'a>>, Vec<Quirk>) {
    let (s, clozes) = (opts.settings, opts.clozes);
    let n = note.lines.len();
    let line = |i: usize| -> &str { if i < body_from { "" } else { note.line(i) } };
    let start = |i: usize| note.lines[i].start;

    let mut inline: [(&str, QuestionKind); 2] = [
        (s.single_line_card_separator.as_str(), QuestionKind::Basic),
        (s.single_line_reversed_card_separator.as_str(), QuestionKind::Reversed),
    ];
    // Longest first; equal lengths keep the basic separator first.
    if inline[1].0.len() > inline[0].0.len() {
        inline.swap(0, 1);
    }
    let end_marker = s.multiline_card_end_marker.as_str();
    let inline_first_bytes =
        [inline[0].0.as_bytes().first().copied(), inline[1].0.as_bytes().first().copied()];

    // About one question in four lines in a note of flashcards: room for
    // them at once instead of growing the list question by question.
    let mut out = Vec::with_capacity(n.saturating_sub(body_from) / 4);
    let mut quirks = Vec::new();
    let mut acc = Acc::new();
    let mut kind: Option<QuestionKind> = None;
    let mut first = 0usize;
    let mut i = 0usize;
    while i < n {
        let l = line(i);
        let t = js_trim(l);
        if l.starts_with("<!--") && !l.starts_with("<!--SR:") {
            if lines::find_by_last(l, "-->").is_some() {
                quirks.push(Quirk::CommentSkipsNextLine { line: i });
                i += 2;
                continue;
            }
            quirks.push(Quirk::CommentHidesRest { line: i });
            break;
        }
        let empty = t.is_empty();
        let at_marker = !end_marker.is_empty() && t == end_marker;
        if (empty && (end_marker.is_empty() || kind.is_none())) || at_marker {
            if let Some(k) = kind.take() {
                let Taken { text, pieces, text_line } = acc.take(&note.text, true, opts.detail);
                out.push(RawQuestion {
                    kind: k,
                    first_line: first,
                    last_line: i.saturating_sub(1),
                    text,
                    pieces,
                    text_line,
                });
            }
            acc.clear();
            first = i + 1;
            i += 1;
            continue;
        }
        let trimmed = js_trim_end(l);
        if i >= body_from {
            acc.push(trimmed, Some(start(i)), Some(i), false);
        }

        // One search for the separators' first bytes rules most lines out.
        let maybe_inline = match inline_first_bytes {
            [Some(a), Some(b)] if a == b => memchr::memchr(a, l.as_bytes()).is_some(),
            [Some(a), Some(b)] => memchr::memchr2(a, b, l.as_bytes()).is_some(),
            [Some(a), None] | [None, Some(a)] => memchr::memchr(a, l.as_bytes()).is_some(),
            [None, None] => false,
        };
        if maybe_inline && let Some(&(_, k)) = inline.iter().find(|(sep, _)| has_inline_marker(l, sep)) {
            kind = Some(k);
        }
        if let Some(k) = kind.filter(|k| k.is_single_line()) {
            acc.clear();
            acc.push(l, Some(start(i)), Some(i), false);
            first = i;
            if i + 1 < n && line(i + 1).starts_with("<!--SR:") {
                i += 1;
                acc.push(line(i), Some(start(i)), Some(i), true);
            } else if i + 1 < n && line(i + 1).starts_with("> [!sr|card-metadata]") {
                while i + 1 < n {
                    i += 1;
                    acc.push(line(i), Some(start(i)), Some(i), true);
                    if lines::find(line(i), "<!--SR:").is_some() {
                        break;
                    }
                }
            }
            let Taken { text, pieces, text_line } = acc.take(&note.text, false, opts.detail);
            out.push(RawQuestion { kind: k, first_line: first, last_line: i, text, pieces, text_line });
            kind = None;
        } else if t == s.multiline_card_separator {
            if acc.longer_than_one() {
                kind = Some(QuestionKind::Multiline);
            }
        } else if t == s.multiline_reversed_card_separator {
            if acc.longer_than_one() {
                kind = Some(QuestionKind::MultilineReversed);
            }
        } else if l.starts_with("```") || l.starts_with("~~~") {
            let c = l.as_bytes()[0];
            let run = l.bytes().take_while(|&b| b == c).count();
            let fence = &l[..run];
            let open_line = i;
            while i + 1 < n && !line(i + 1).starts_with(fence) {
                i += 1;
                acc.push(line(i), Some(start(i)), Some(i), true);
            }
            if i + 1 < n {
                i += 1;
                acc.push(fence, Some(start(i)), Some(i), true);
            } else {
                quirks.push(Quirk::UnclosedFence { line: open_line });
                acc.push(fence, None, None, true);
                i += 1;
            }
        } else if kind.is_none() && clozes.is_cloze_line(l) {
            kind = Some(QuestionKind::Cloze);
        }
        i += 1;
    }
    if let Some(k) = kind
        && !acc.is_empty()
    {
        {
            let Taken { text, pieces, text_line } = acc.take(&note.text, true, opts.detail);
            out.push(RawQuestion {
                kind: k,
                first_line: first,
                last_line: n.saturating_sub(1),
                text,
                pieces,
                text_line,
            });
        }
    }
    (out, quirks)
}

/// The plugin's inline-marker test: the *first* occurrence of `sep`, rejected
/// when an odd number of backticks lies both before and after it.
#[must_use]
pub fn has_inline_marker(line: &str, sep: &str) -> bool {
    if sep.is_empty() {
        return false;
    }
    let Some(idx) = lines::find(line, sep) else {
        return false;
    };
    if memchr::memchr(b'`', line.as_bytes()).is_none() {
        return true;
    }
    let before = memchr::memchr_iter(b'`', &line.as_bytes()[..idx]).count();
    let after = memchr::memchr_iter(b'`', &line.as_bytes()[idx + sep.len()..]).count();
    !(before % 2 == 1 && after % 2 == 1)
}
