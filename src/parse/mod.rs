//! Markdown note → questions → cards, exactly as the plugin sees them.
//!
//! [`parse_note`] runs the plugin's line-by-line parser (spec §a.2) over the
//! note with its front matter blanked, then decomposes each question (§a.4),
//! reads its schedule comment (§b.1) and assigns its decks (§d). Nothing here
//! touches the disk. Every question keeps the byte range of its schedule
//! comment, or the place where a new one would be inserted, in the note's own
//! text: write-back replaces exactly those bytes.

pub mod cloze;
pub mod comment;
pub mod frontmatter;
pub mod lines;
pub mod tags;

use std::ops::Range;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::clock::Zone;
use crate::settings::{Settings, tag_matches_any};
use cloze::Clozes;
use comment::{Segment, SegmentKind, js_trim, js_trim_end, js_trim_start, read_schedule};
use frontmatter::{Found, FrontMatter};
use lines::{Line, split_lines};
use tags::{FenceState, Tag, line_tags};

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

    fn is_single_line(self) -> bool {
        matches!(self, QuestionKind::Basic | QuestionKind::Reversed)
    }
}

/// Everything the parser needs besides the note's text.
#[derive(Debug, Clone)]
pub struct ParseOptions<'a> {
    pub settings: &'a Settings,
    pub clozes: &'a Clozes,
    /// The local calendar day (`--today`).
    pub today: NaiveDate,
    /// The instant used for FSRS due tests (12:00 of `today` when pinned).
    pub now: DateTime<Utc>,
    /// The zone local dates are read in.
    pub zone: Zone,
    pub detail: Detail,
}

impl<'a> ParseOptions<'a> {
    /// Options for a pinned day: "now" is 12:00 UTC of `today` (tests, and
    /// callers with no clock of their own), every detail recorded.
    #[must_use]
    pub fn at_noon(settings: &'a Settings, clozes: &'a Clozes, today: NaiveDate) -> ParseOptions<'a> {
        let zone = Zone::utc();
        let now = crate::clock::When::noon_of(today, zone).now;
        ParseOptions { settings, clozes, today, now, zone, detail: Detail::Full }
    }

    /// The moment the parse reads states at.
    #[must_use]
    pub fn when(&self) -> crate::clock::When {
        crate::clock::When { today: self.today, now: self.now, zone: self.zone }
    }
}

/// How much of each question the parser records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Detail {
    /// Everything: texts, byte ranges of comments and segments, anchors
    /// (what showing, editing and checking need).
    #[default]
    Full,
    /// Kind, card count, schedules, topic tag and decks only, which is all
    /// that counting commands (`decks`) read; the question's texts are
    /// empty, and its comment, segment ranges and anchor are not recorded.
    Counts,
}

/// A piece of a question's text and where it came from in the note.
#[derive(Debug, Clone, PartialEq)]
struct Piece {
    text_start: usize,
    len: usize,
    /// Byte offset in the note, `None` for the synthetic closing fence the
    /// plugin appends to an unclosed code block.
    file_start: Option<usize>,
    line: Option<usize>,
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
    fn new(s: &str, note: &str, hint: Option<usize>, window: Range<usize>) -> TextRef {
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
    text: TextRef,
    /// Byte range of the `<!--SR:…-->` comment in the note, if any.
    pub comment: Option<Range<usize>>,
    /// The schedule segments, in sibling order (may hold surplus ones); their
    /// `raw` ranges point into the note's text.
    pub segments: Vec<Segment>,
    /// A question-specific deck tag at the start of the text.
    pub topic_tag: Option<String>,
    /// The text without comment, topic tag and block id; see [`Question::actual`].
    actual: TextRef,
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
    Sm2 { due: Option<NaiveDate>, interval: Option<i64>, ease: Option<i64> },
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
    pub fn interval_ease(&self) -> (Option<i64>, Option<i64>) {
        match self {
            CardSchedule::New => (None, None),
            CardSchedule::Sm2 { interval, ease, .. } => (*interval, *ease),
            CardSchedule::Fsrs(s) => {
                let ease = crate::schedule::fsrs::difficulty_to_ease(s.difficulty);
                (s.interval.is_finite().then_some(s.interval as i64), ease.is_finite().then_some(ease as i64))
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
                    interval: *i as f64,
                    ease: *e as f64,
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
    pub fn hash(&self, note: &str) -> String {
        let mut key = String::new();
        if let Some(t) = &self.topic_tag {
            key.push_str(t);
            key.push(' ');
        }
        key.push_str(self.actual(note));
        format!("{:x}", cyrb53(&key, 0))
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

/// A place where a plugin quirk hides or swallows text (for `check`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Quirk {
    /// A one-line HTML comment at `line` also hides the next line.
    CommentSkipsNextLine { line: usize },
    /// An HTML comment at `line` hides the rest of the note.
    CommentHidesRest { line: usize },
    /// A code fence opened at `line` is never closed.
    UnclosedFence { line: usize },
}

/// A parsed note.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    /// The note's text, exactly as read.
    pub text: String,
    /// Line boundaries in `text`.
    pub lines: Vec<Line>,
    /// Byte length of a leading BOM (0 or 3).
    pub bom: usize,
    pub frontmatter: Option<FrontMatter>,
    /// The first line is `---` but the front matter is never closed.
    pub frontmatter_unclosed: bool,
    /// Body tags (Obsidian's reading).
    pub tags: Vec<Tag>,
    /// Decks that the note as a whole has: `false` means the plugin skips it.
    pub has_deck: bool,
    /// The note is excluded by `flashcardTagsToIgnore`.
    pub ignored_by_tag: bool,
    pub questions: Vec<Question>,
    pub quirks: Vec<Quirk>,
}

impl Note {
    /// Content of line `i` (without terminator; BOM excluded).
    #[must_use]
    pub fn line(&self, i: usize) -> &str {
        self.lines.get(i).map_or("", |l| &self.text[l.start..l.end])
    }

    /// All tags of the note: front matter (Obsidian's reading) and body.
    pub fn all_tags(&self) -> impl Iterator<Item = &str> {
        self.frontmatter
            .iter()
            .flat_map(|f| f.obsidian_tags.iter().map(String::as_str))
            .chain(self.tags.iter().map(|t| t.name.as_str()))
    }
}

/// Parses a note. `folder` is the note's folder in the vault (`None` at the
/// vault root), used for folder decks. Questions are only read when the note
/// has a deck, as the plugin does, unless `all_questions` is set.
#[must_use]
pub fn parse_note(text: String, folder: Option<&str>, opts: &ParseOptions, all_questions: bool) -> Note {
    let mut lines = split_lines(&text);
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    if let Some(first) = lines.first_mut() {
        first.start += bom;
    }
    let mut note = Note {
        text,
        lines,
        bom,
        frontmatter: None,
        frontmatter_unclosed: false,
        tags: Vec::new(),
        has_deck: false,
        ignored_by_tag: false,
        questions: Vec::new(),
        quirks: Vec::new(),
    };
    match frontmatter::find(|i| note.lines.get(i).map(|l| &note.text[l.start..l.end])) {
        Found::Closed(mut fm) => {
            if let Some(s) = &mut fm.note_schedule {
                s.date = comment::parse_moment_date(&s.due, opts.today);
            }
            note.frontmatter = Some(fm);
        }
        Found::Unclosed => note.frontmatter_unclosed = true,
        Found::None => {}
    }
    let body_from = note.frontmatter.as_ref().map_or(0, |f| f.end_line + 1);

    // Body tags, outside code. One pass finds every `#`; only their lines
    // are looked at, while the fence state follows every line.
    let mut fence = FenceState::default();
    let mut tags = Vec::new();
    let body_start = note.lines.get(body_from).map_or(note.text.len(), |l| l.start);
    let mut hashes =
        memchr::memchr_iter(b'#', &note.text.as_bytes()[body_start..]).map(|p| p + body_start).peekable();
    for i in body_from..note.lines.len() {
        let line = note.lines[i];
        let l = &note.text[line.start..line.end];
        let in_code = fence.in_code(l);
        let mut has_hash = false;
        while hashes.peek().is_some_and(|&p| p < line.next) {
            has_hash |= hashes.next().is_some_and(|p| p < line.end);
        }
        if has_hash && !in_code {
            line_tags(l, i, &mut tags);
        }
    }
    note.tags = tags;

    let s = opts.settings;
    let ignored = note.all_tags().any(|t| tag_matches_any(t, &s.flashcard_tags_to_ignore));
    let tagged = note.all_tags().any(|t| s.is_flashcard_tag(t));
    note.ignored_by_tag = ignored;
    note.has_deck =
        !ignored && if s.convert_folders_to_decks { folder.is_some_and(|f| !f.is_empty()) } else { tagged };
    if !note.has_deck && !all_questions {
        return note;
    }

    let (raw, quirks) = split_questions(&note, body_from, opts);
    let mut questions: Vec<Question> = raw.iter().map(|r| build_question(&note.text, r, opts)).collect();
    drop(raw);
    note.quirks = quirks;
    assign_decks(&note, &mut questions, folder, s);
    if note.has_deck {
        questions.retain(|q| !q.decks.is_empty() && q.cards > 0);
    }
    note.questions = questions;
    note
}

/// A question as the splitter emits it.
struct RawQuestion<'a> {
    kind: QuestionKind,
    first_line: usize,
    last_line: usize,
    /// Borrowed from the note when its lines are contiguous there (the
    /// common case: LF line endings, no trailing blanks, no fence rewrite).
    text: std::borrow::Cow<'a, str>,
    pieces: Vec<Piece>,
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
        Acc { parts: Vec::new(), len: 0, short_len: 0 }
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
    fn push(&mut self, s: &'a str, file_start: Option<usize>, line: Option<usize>, force_newline: bool) {
        let newline_before = self.len > 0 || force_newline;
        let add = usize::from(newline_before);
        self.len += add + s.len();
        if self.short_len < 2 {
            self.short_len += add + s.chars().take(2).map(char::len_utf16).sum::<usize>();
        }
        self.parts.push(Part { s, newline_before, file_start, line });
    }

    /// Builds the text (trimmed at the end when `trim`) and its pieces. The
    /// text is borrowed from `note` when the parts lie back to back in it.
    fn take(&mut self, note: &'a str, trim: bool, detail: Detail) -> (std::borrow::Cow<'a, str>, Vec<Piece>) {
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
        (text, pieces)
    }
}

/// The plugin's `parse()`: splits the note into questions (spec §a.2).
fn split_questions<'a>(
    note: &'a Note,
    body_from: usize,
    opts: &ParseOptions,
) -> (Vec<RawQuestion<'a>>, Vec<Quirk>) {
    let (s, clozes) = (opts.settings, opts.clozes);
    let n = note.lines.len();
    let line = |i: usize| -> &str { if i < body_from { "" } else { note.line(i) } };
    let start = |i: usize| note.lines[i].start;

    let mut inline: Vec<(&str, QuestionKind)> = vec![
        (s.single_line_card_separator.as_str(), QuestionKind::Basic),
        (s.single_line_reversed_card_separator.as_str(), QuestionKind::Reversed),
    ];
    // Longest first; equal lengths keep the basic separator first.
    inline.sort_by_key(|(sep, _)| std::cmp::Reverse(sep.len()));
    let end_marker = s.multiline_card_end_marker.as_str();
    let inline_first_bytes =
        [inline[0].0.as_bytes().first().copied(), inline[1].0.as_bytes().first().copied()];

    let mut out = Vec::new();
    let mut quirks = Vec::new();
    let mut acc = Acc::new();
    let mut kind: Option<QuestionKind> = None;
    let mut first = 0usize;
    let mut i = 0usize;
    while i < n {
        let l = line(i);
        let t = js_trim(l);
        if l.starts_with("<!--") && !l.starts_with("<!--SR:") {
            if lines::find(l, "-->").is_some() {
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
                let (text, pieces) = acc.take(&note.text, true, opts.detail);
                out.push(RawQuestion {
                    kind: k,
                    first_line: first,
                    last_line: i.saturating_sub(1),
                    text,
                    pieces,
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
            let (text, pieces) = acc.take(&note.text, false, opts.detail);
            out.push(RawQuestion { kind: k, first_line: first, last_line: i, text, pieces });
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
            let (text, pieces) = acc.take(&note.text, true, opts.detail);
            out.push(RawQuestion {
                kind: k,
                first_line: first,
                last_line: n.saturating_sub(1),
                text,
                pieces,
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
    let without_sr = js_trim_end(without_sr);
    let lead = without_sr.len() - js_trim_start(without_sr).len();
    let (topic_tag, rest) = match topic_tag_len(&without_sr[lead..]) {
        Some(n) => (Some(&without_sr[lead..lead + n]), js_trim_start(&without_sr[lead + n..])),
        None => (None, without_sr),
    };
    match trailing_block_id(rest) {
        Some(id) => Stripped { topic_tag, actual: &rest[..rest.len() - id.len() - 2], block_id: Some(id) },
        None => Stripped { topic_tag, actual: rest, block_id: None },
    }
}

fn card_count(kind: QuestionKind, actual: &str, clozes: &Clozes) -> usize {
    match kind {
        QuestionKind::Basic | QuestionKind::Multiline => 1,
        QuestionKind::Reversed | QuestionKind::MultilineReversed => 2,
        QuestionKind::Cloze => clozes.card_count(actual),
    }
}

fn build_question(note: &str, raw: &RawQuestion, opts: &ParseOptions) -> Question {
    let (comment_in_text, mut segments) = read_schedule(&raw.text, opts.today);
    for s in &mut segments {
        s.place(opts.zone);
    }
    if opts.detail == Detail::Counts {
        return build_counts(raw, comment_in_text.as_ref(), segments, opts);
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
        decks: Arc::from(Vec::new()),
        cards,
        anchor,
    }
}

/// [`build_question`] for [`Detail::Counts`]: what a question's cards and
/// decks need, none of its texts or ranges.
fn build_counts(
    raw: &RawQuestion,
    comment: Option<&Range<usize>>,
    mut segments: Vec<Segment>,
    opts: &ParseOptions,
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
    let st = strip_question(&without_sr);
    let (topic_tag, cards) = (st.topic_tag.map(str::to_owned), card_count(raw.kind, st.actual, opts.clozes));
    Question {
        kind: raw.kind,
        first_line: raw.first_line,
        last_line: raw.last_line,
        text_line: raw.first_line,
        text: TextRef::Span(0, 0),
        comment: None,
        segments,
        topic_tag,
        actual: TextRef::Span(0, 0),
        block_id: None,
        decks: Arc::from(Vec::new()),
        cards,
        anchor: None,
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

/// `#flashcards/kafka/x` → `flashcards/kafka/x` (empty parts dropped).
#[must_use]
pub fn deck_of_tag(tag: &str) -> String {
    let t = tag.trim_start_matches('#');
    if !t.starts_with('/') && !t.ends_with('/') && !t.contains("//") {
        return t.to_owned();
    }
    t.split('/').filter(|p| !p.is_empty()).collect::<Vec<_>>().join("/")
}

/// Which rule gave a question its decks (to share one deck list per group).
#[derive(Clone, PartialEq, Eq)]
enum DeckRule {
    Topic(String),
    Group(usize),
    FrontMatter,
    FirstTag,
}

/// Assigns decks to every question (spec §d).
fn assign_decks(note: &Note, questions: &mut [Question], folder: Option<&str>, s: &Settings) {
    if s.convert_folders_to_decks {
        let deck: Arc<[String]> = folder.filter(|f| !f.is_empty()).map(str::to_owned).into_iter().collect();
        for q in questions.iter_mut() {
            q.decks = Arc::clone(&deck);
        }
        return;
    }
    // Tag lines outside every question, in line order.
    let ranges: Vec<(usize, usize)> = questions.iter().map(|q| (q.first_line, q.last_line)).collect();
    let in_question = |line: usize| ranges.iter().any(|&(a, b)| a <= line && line <= b);
    let mut groups: Vec<(usize, Vec<&str>)> = Vec::new();
    for t in &note.tags {
        if !s.is_flashcard_tag(&t.name) || in_question(t.line) {
            continue;
        }
        match groups.last_mut() {
            Some((line, names)) if *line == t.line => names.push(&t.name),
            _ => groups.push((t.line, vec![&t.name])),
        }
    }
    let fm_group: Vec<&str> = note
        .frontmatter
        .iter()
        .flat_map(|f| f.plugin_tags.iter())
        .map(String::as_str)
        .filter(|t| s.is_flashcard_tag(t))
        .collect();
    let first_tag: Option<&str> = fm_group
        .first()
        .copied()
        .or_else(|| note.tags.iter().map(|t| t.name.as_str()).find(|t| s.is_flashcard_tag(t)))
        .or_else(|| {
            note.frontmatter
                .iter()
                .flat_map(|f| f.obsidian_tags.iter())
                .map(String::as_str)
                .find(|t| s.is_flashcard_tag(t))
        });
    let to_decks = |tags: &mut dyn Iterator<Item = &str>| -> Arc<[String]> {
        let mut decks: Vec<String> = Vec::new();
        for t in tags {
            let d = deck_of_tag(t);
            if !d.is_empty() && !decks.contains(&d) {
                decks.push(d);
            }
        }
        Arc::from(decks)
    };
    let mut last: Option<(DeckRule, Arc<[String]>)> = None;
    for q in questions.iter_mut() {
        let rule = if let Some(tag) = &q.topic_tag {
            DeckRule::Topic(tag.clone())
        } else if let Some(g) = groups.iter().rposition(|(line, _)| *line < q.first_line) {
            DeckRule::Group(g)
        } else if !fm_group.is_empty() {
            DeckRule::FrontMatter
        } else {
            DeckRule::FirstTag
        };
        let decks = match &last {
            Some((r, d)) if *r == rule => Arc::clone(d),
            _ => {
                let d = match &rule {
                    DeckRule::Topic(tag) => to_decks(&mut std::iter::once(tag.as_str())),
                    DeckRule::Group(g) => to_decks(&mut groups[*g].1.iter().copied()),
                    DeckRule::FrontMatter => to_decks(&mut fm_group.iter().copied()),
                    DeckRule::FirstTag => to_decks(&mut first_tag.into_iter()),
                };
                last = Some((rule, Arc::clone(&d)));
                d
            }
        };
        q.decks = decks;
    }
}

/// The plugin's `cyrb53` string hash (53-bit), over UTF-16 code units.
#[must_use]
pub fn cyrb53(s: &str, seed: u32) -> u64 {
    cyrb53_pair(s, seed, seed).0
}

/// [`cyrb53`] of `s` with two seeds, in one pass over the text.
#[must_use]
pub fn cyrb53_pair(s: &str, seed_a: u32, seed_b: u32) -> (u64, u64) {
    let mut a = [0xdead_beef ^ seed_a, 0x41c6_ce57 ^ seed_a];
    let mut b = [0xdead_beef ^ seed_b, 0x41c6_ce57 ^ seed_b];
    let mut mix = |c: u32| {
        a[0] = (a[0] ^ c).wrapping_mul(2_654_435_761);
        a[1] = (a[1] ^ c).wrapping_mul(1_597_334_677);
        b[0] = (b[0] ^ c).wrapping_mul(2_654_435_761);
        b[1] = (b[1] ^ c).wrapping_mul(1_597_334_677);
    };
    // JavaScript hashes UTF-16 code units; an ASCII byte is one.
    if s.is_ascii() {
        s.bytes().for_each(|c| mix(u32::from(c)));
    } else {
        s.encode_utf16().for_each(|c| mix(u32::from(c)));
    }
    let finish = |[mut h1, mut h2]: [u32; 2]| {
        h1 = (h1 ^ (h1 >> 16)).wrapping_mul(2_246_822_507) ^ (h2 ^ (h2 >> 13)).wrapping_mul(3_266_489_909);
        h2 = (h2 ^ (h2 >> 16)).wrapping_mul(2_246_822_507) ^ (h1 ^ (h1 >> 13)).wrapping_mul(3_266_489_909);
        4_294_967_296 * u64::from(h2 & 0x1f_ffff) + u64::from(h1)
    };
    (finish(a), finish(b))
}

/// JavaScript's `Math.round`: halves go up.
#[must_use]
pub fn js_round(x: f64) -> f64 {
    (x + 0.5).floor()
}

#[cfg(test)]
mod tests;
