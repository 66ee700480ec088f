//! The question: one card block of a note, its kind, its siblings' sides
//! and schedules, and the texts it keeps as ranges into the note.

use std::ops::Range;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::cloze::Clozes;
use super::comment::{Segment, SegmentKind};
use super::js::{cyrb53_parts, js_trim};
use super::line_no::LineNo;
use super::lines;
use super::question_hash::QuestionHash;
use crate::clock::Zone;
use crate::schedule::{Ease, Interval, WholeEase, WholeInterval};
use crate::settings::Settings;

/// The plugin's question types (`question.ts` `CardType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum QuestionKind {
    /// `front::back`
    Basic,
    /// `front:::back`, two siblings.
    Reversed,
    /// front, a `?` line, back.
    Multiline,
    /// front, a `??` line, back; two siblings.
    MultilineReversed,
    /// `==deletions==`, one sibling per cloze card.
    Cloze,
}

impl QuestionKind {
    /// The name used in JSON and tables.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            QuestionKind::Basic => "basic",
            QuestionKind::Reversed => "reversed",
            QuestionKind::Multiline => "multiline",
            QuestionKind::MultilineReversed => "multiline-reversed",
            QuestionKind::Cloze => "cloze",
        }
    }

    pub(super) fn is_single_line(self) -> bool {
        matches!(self, QuestionKind::Basic | QuestionKind::Reversed)
    }
}

/// Where a new schedule comment would be inserted.
#[derive(Debug, Clone, PartialEq)]
pub struct Anchor {
    /// Index of the line after which a next-line comment goes.
    pub line: usize,
    /// Byte offset in the note where a same-line comment goes (` <!--SR…-->`
    /// is inserted here: after the text, before a trailing ` ^block-id`).
    pub same_line_at: usize,
}

/// A piece of text that is usually a slice of the note (stored as a range)
/// and owned only where the plugin's rebuilding makes it differ (CRLF files,
/// trailing blanks, canonical fences).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextRef {
    Span(u32, u32),
    Owned(Box<str>),
}

impl TextRef {
    /// Stores `s`, as a range when the note holds the same bytes at `hint`
    /// or anywhere within `window` of the note.
    pub(super) fn new(s: &str, note: &str, hint: Option<usize>, window: Range<usize>) -> TextRef {
        let span = |at: usize| TextRef::Span(at as u32, (at + s.len()) as u32);
        // Usually `s` is a slice of the note itself: no need to compare bytes.
        if let Some(at) = (s.as_ptr() as usize).checked_sub(note.as_ptr() as usize)
            && at + s.len() <= note.len()
            && note.is_char_boundary(at)
        {
            return span(at);
        }
        if let Some(at) = hint
            && note.get(at..at + s.len()) == Some(s)
        {
            return span(at);
        }
        if let Some(w) = note.get(window.clone())
            && let Some(at) = lines::find(w, s)
        {
            return span(window.start + at);
        }
        TextRef::Owned(s.into())
    }

    /// The text, given the note's text.
    #[must_use]
    pub fn get<'a>(&'a self, note: &'a str) -> &'a str {
        match self {
            TextRef::Span(a, b) => note.get(*a as usize..*b as usize).unwrap_or(""),
            TextRef::Owned(s) => s,
        }
    }
}

/// One question: a card block of the note with its siblings.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub kind: QuestionKind,
    /// The plugin's 0-based line range (comment included).
    pub first_line: usize,
    pub last_line: usize,
    /// The 0-based line where the question's own text starts. It is
    /// `first_line` but where the plugin's range starts early (a block right
    /// after a one-line card or a skipped one-line comment): the question's
    /// address (`PATH:LINE`) uses this line, so no two questions share one.
    pub text_line: usize,
    /// The question's text as the plugin builds it (lines joined with `\n`);
    /// see [`Question::text`].
    pub(super) text: TextRef,
    /// Byte range of the `<!--SR:…-->` comment in the note, if any.
    pub comment: Option<Range<usize>>,
    /// The schedule segments, in sibling order (may hold surplus ones); their
    /// `raw` ranges point into the note's text.
    pub segments: Vec<Segment>,
    /// A question-specific deck tag at the start of the text.
    pub topic_tag: Option<String>,
    /// The text without comment, topic tag and block id; see [`Question::actual`].
    pub(super) actual: TextRef,
    /// A trailing ` ^block-id`, without the space.
    pub block_id: Option<String>,
    /// Deck paths (`flashcards/kafka`), no `#`; shared by the questions of
    /// one deck group.
    pub decks: Arc<[String]>,
    /// Number of sibling cards.
    pub cards: usize,
    /// Where a new comment goes; `None` when the question ends in a
    /// synthetic fence (the plugin cannot write there either).
    pub anchor: Option<Anchor>,
}

/// A card's schedule as the plugin reads it.
#[derive(Debug, Clone, PartialEq)]
pub enum CardSchedule {
    /// Never reviewed (no segment, or the `2000-01-01` placeholder).
    New,
    /// An SM-2 schedule. `due` is `None` for a date the plugin cannot read.
    Sm2 { due: Option<NaiveDate>, interval: Option<WholeInterval>, ease: Option<WholeEase> },
    /// An FSRS schedule as read (its due may be a timestamp the plugin
    /// cannot read: the card is then neither new nor due).
    Fsrs(Box<crate::schedule::fsrs::FsrsSegment>),
}

/// The review state of a card on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CardState {
    New,
    Due,
    Scheduled,
}

impl CardState {
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            CardState::New => "new",
            CardState::Due => "due",
            CardState::Scheduled => "scheduled",
        }
    }
}

impl CardSchedule {
    /// The FSRS segment, if the card has one.
    #[must_use]
    pub fn fsrs(&self) -> Option<&crate::schedule::fsrs::FsrsSegment> {
        match self {
            CardSchedule::Fsrs(f) => Some(f),
            CardSchedule::New | CardSchedule::Sm2 { .. } => None,
        }
    }

    /// The same schedule as `other`, an FSRS field that reads as NaN
    /// equal to NaN (see [`FsrsSegment::same_fields`](crate::schedule::fsrs::FsrsSegment::same_fields)).
    #[must_use]
    pub fn same_as(&self, other: &CardSchedule) -> bool {
        match (self, other) {
            (CardSchedule::Fsrs(a), CardSchedule::Fsrs(b)) => a.same_fields(b),
            (a, b) => a == b,
        }
    }

    /// The local calendar due date, if readable.
    #[must_use]
    pub fn due_date(&self, zone: Zone) -> Option<NaiveDate> {
        match self {
            CardSchedule::New => None,
            CardSchedule::Sm2 { due, .. } => *due,
            CardSchedule::Fsrs(s) => s.due.instant().map(|d| zone.date(d)),
        }
    }

    /// Interval and ease as shown (`None` for new cards and unreadable numbers).
    #[must_use]
    pub fn interval_ease(&self) -> (Option<WholeInterval>, Option<WholeEase>) {
        match self {
            CardSchedule::New => (None, None),
            CardSchedule::Sm2 { interval, ease, .. } => (*interval, *ease),
            CardSchedule::Fsrs(s) => {
                let ease = crate::schedule::fsrs::difficulty_to_ease(s.difficulty);
                (Interval(s.interval).read_back(), ease.read_back())
            }
        }
    }

    /// The schedule as the one schedule value (`None` for a new card or
    /// an SM-2 segment that cannot be read whole).
    #[must_use]
    pub fn to_schedule(&self) -> Option<crate::schedule::Schedule> {
        match self {
            CardSchedule::Sm2 { due: Some(due), interval: Some(i), ease: Some(e) } => {
                Some(crate::schedule::Schedule::Sm2(crate::schedule::Sm2 {
                    due: *due,
                    interval: Interval::from(*i),
                    ease: Ease::from(*e),
                }))
            }
            CardSchedule::New | CardSchedule::Sm2 { .. } => None,
            CardSchedule::Fsrs(f) => Some(crate::schedule::Schedule::Fsrs(f.clone())),
        }
    }

    /// New, due or scheduled on `today` (FSRS cards compare with `now`).
    #[must_use]
    pub fn state(&self, today: NaiveDate, now: DateTime<Utc>) -> CardState {
        match self {
            CardSchedule::New => CardState::New,
            CardSchedule::Sm2 { due: Some(d), .. } if *d <= today => CardState::Due,
            CardSchedule::Fsrs(s) if s.due.instant().is_some_and(|d| d <= now) => CardState::Due,
            _ => CardState::Scheduled,
        }
    }
}

impl Question {
    /// The schedule of sibling `i`.
    #[must_use]
    pub fn schedule(&self, i: usize) -> CardSchedule {
        match self.segments.get(i) {
            None => CardSchedule::New,
            Some(s) if s.is_placeholder() => CardSchedule::New,
            Some(s) => match &s.kind {
                SegmentKind::Sm2 { due, interval, ease } => {
                    CardSchedule::Sm2 { due: *due, interval: *interval, ease: *ease }
                }
                SegmentKind::Fsrs(f) => CardSchedule::Fsrs(f.clone()),
                SegmentKind::Null => CardSchedule::New,
            },
        }
    }

    /// Number of sibling cards.
    #[must_use]
    pub fn card_count(&self) -> usize {
        self.cards
    }

    /// The question's text as the plugin builds it (lines joined with `\n`,
    /// each trimmed at the end), given the note's text.
    #[must_use]
    pub fn text<'a>(&'a self, note: &'a str) -> &'a str {
        self.text.get(note)
    }

    /// The text without schedule comment, topic tag and block id.
    #[must_use]
    pub fn actual<'a>(&'a self, note: &'a str) -> &'a str {
        self.actual.get(note)
    }

    /// The raw text of segment `i` (without `!`), given the note's text.
    #[must_use]
    pub fn segment_raw<'a>(&self, i: usize, note: &'a str) -> Option<&'a str> {
        self.segments.get(i).and_then(|s| note.get(s.raw.clone()))
    }

    /// `(front, back)` of each sibling card (spec §a.4), computed on demand.
    #[must_use]
    pub fn sides(&self, note: &str, settings: &Settings, clozes: &Clozes) -> Vec<(String, String)> {
        let actual = self.actual(note);
        match self.kind {
            QuestionKind::Basic => vec![split_once(actual, &settings.single_line_card_separator)],
            QuestionKind::Reversed => {
                let (a, b) = split_once(actual, &settings.single_line_reversed_card_separator);
                vec![(a.clone(), b.clone()), (b, a)]
            }
            QuestionKind::Multiline => vec![split_lines_at(actual, &settings.multiline_card_separator)],
            QuestionKind::MultilineReversed => {
                let (a, b) = split_lines_at(actual, &settings.multiline_reversed_card_separator);
                vec![(a.clone(), b.clone()), (b, a)]
            }
            QuestionKind::Cloze => clozes.expand(actual).1,
        }
    }

    /// Like [`Question::sides`], with cloze deletions wrapped in the
    /// renderer's highlight marks.
    #[must_use]
    pub fn sides_marked(&self, note: &str, settings: &Settings, clozes: &Clozes) -> Vec<(String, String)> {
        if self.kind == QuestionKind::Cloze {
            use crate::render::{CLOZE_CLOSE, CLOZE_HIDDEN_CLOSE, CLOZE_HIDDEN_OPEN, CLOZE_OPEN};
            clozes.expand_marked(
                self.actual(note),
                (CLOZE_OPEN, CLOZE_CLOSE),
                (CLOZE_HIDDEN_OPEN, CLOZE_HIDDEN_CLOSE),
            )
        } else {
            self.sides(note, settings, clozes)
        }
    }

    /// A stable hash of the question's text without its schedule: the
    /// plugin's `cyrb53(tag + actualQuestion)` in hex (its bury-list key).
    #[must_use]
    pub fn hash(&self, note: &str) -> QuestionHash {
        QuestionHash::of_value(self.hash_value(note))
    }

    /// The number [`Question::hash`] prints, with nothing allocated (a
    /// review queue keeps one per card).
    #[must_use]
    pub fn hash_value(&self, note: &str) -> u64 {
        match &self.topic_tag {
            Some(t) => cyrb53_parts(&[t, " ", self.actual(note)], 0),
            None => cyrb53_parts(&[self.actual(note)], 0),
        }
    }

    /// The number of the question's first line (the plugin's range).
    #[must_use]
    pub fn first_line_no(&self) -> LineNo {
        LineNo::of_index(self.first_line)
    }

    /// The number of the question's last line.
    #[must_use]
    pub fn last_line_no(&self) -> LineNo {
        LineNo::of_index(self.last_line)
    }

    /// The number of the line the question's address names (`PATH:LINE`).
    #[must_use]
    pub fn text_line_no(&self) -> LineNo {
        LineNo::of_index(self.text_line)
    }

    /// True when `line` (0-based) lies within the question's range.
    #[must_use]
    pub fn contains_line(&self, line: usize) -> bool {
        (self.first_line..=self.last_line).contains(&line)
    }

    /// True when `line` (0-based) lies within the question's own lines,
    /// from its first text line to its last line.
    #[must_use]
    pub fn owns_line(&self, line: usize) -> bool {
        (self.text_line..=self.last_line).contains(&line)
    }
}

fn split_once(text: &str, sep: &str) -> (String, String) {
    match lines::find(text, sep) {
        Some(i) if !sep.is_empty() => (text[..i].to_owned(), text[i + sep.len()..].to_owned()),
        _ => (text.to_owned(), String::new()),
    }
}

fn split_lines_at(text: &str, sep: &str) -> (String, String) {
    let lines: Vec<&str> = text.split('\n').collect();
    match lines.iter().position(|l| js_trim(l) == sep) {
        Some(i) => (lines[..i].join("\n"), lines[i + 1..].join("\n")),
        None => (text.to_owned(), String::new()),
    }
}
