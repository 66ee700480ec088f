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
use std::sync::LazyLock;

use chrono::{Local, NaiveDate, NaiveDateTime};
use regex::Regex;
use serde::Serialize;

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
    /// The local time used for FSRS due tests (12:00 of `today` when pinned).
    pub now: NaiveDateTime,
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

/// One question: a card block of the note with its siblings.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub kind: QuestionKind,
    /// The plugin's 0-based line range (comment included).
    pub first_line: usize,
    pub last_line: usize,
    /// The question's text as the plugin builds it (lines joined with `\n`).
    pub text: String,
    pieces: Vec<Piece>,
    /// Byte range of the `<!--SR:…-->` comment in the note, if any.
    pub comment: Option<Range<usize>>,
    /// The schedule segments, in sibling order (may hold surplus ones).
    pub segments: Vec<Segment>,
    /// A question-specific deck tag at the start of the text.
    pub topic_tag: Option<String>,
    /// The text without comment, topic tag and block id.
    pub actual: String,
    /// A trailing ` ^block-id`, without the space.
    pub block_id: Option<String>,
    /// Deck paths (`flashcards/kafka`), no `#`.
    pub decks: Vec<String>,
    /// `(front, back)` of each sibling card.
    pub sides: Vec<(String, String)>,
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
    Sm2 {
        due: Option<NaiveDate>,
        interval: Option<i64>,
        ease: Option<i64>,
    },
    /// An FSRS schedule (read, not scheduled by recall yet).
    Fsrs {
        due: Option<NaiveDateTime>,
        interval: Option<i64>,
        ease: Option<i64>,
    },
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
    /// The calendar due date, if readable.
    #[must_use]
    pub fn due_date(&self) -> Option<NaiveDate> {
        match self {
            CardSchedule::New => None,
            CardSchedule::Sm2 { due, .. } => *due,
            CardSchedule::Fsrs { due, .. } => due.map(|d| d.date()),
        }
    }

    /// Interval and ease as shown (`None` for new cards and unreadable numbers).
    #[must_use]
    pub fn interval_ease(&self) -> (Option<i64>, Option<i64>) {
        match self {
            CardSchedule::New => (None, None),
            CardSchedule::Sm2 { interval, ease, .. } | CardSchedule::Fsrs { interval, ease, .. } => {
                (*interval, *ease)
            }
        }
    }

    /// New, due or scheduled on `today` (FSRS cards compare with `now`).
    #[must_use]
    pub fn state(&self, today: NaiveDate, now: NaiveDateTime) -> CardState {
        match self {
            CardSchedule::New => CardState::New,
            CardSchedule::Sm2 { due: Some(d), .. } if *d <= today => CardState::Due,
            CardSchedule::Fsrs { due: Some(d), .. } if *d <= now => CardState::Due,
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
                SegmentKind::Sm2 { due, interval, ease } => CardSchedule::Sm2 {
                    due: *due,
                    interval: *interval,
                    ease: *ease,
                },
                SegmentKind::Fsrs {
                    due,
                    interval,
                    difficulty,
                } => CardSchedule::Fsrs {
                    due: due.map(|d| d.with_timezone(&Local).naive_local()),
                    interval: *interval,
                    ease: difficulty.map(|d| {
                        let d = d.clamp(1.0, 10.0);
                        js_round(130.0 + 240.0 * (10.0 - d) / 9.0) as i64
                    }),
                },
            },
        }
    }

    /// Number of sibling cards.
    #[must_use]
    pub fn card_count(&self) -> usize {
        self.sides.len()
    }

    /// True when `line` (0-based) lies within the question's range.
    #[must_use]
    pub fn contains_line(&self, line: usize) -> bool {
        (self.first_line..=self.last_line).contains(&line)
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
        Found::Closed(fm) => note.frontmatter = Some(fm),
        Found::Unclosed => note.frontmatter_unclosed = true,
        Found::None => {}
    }
    let body_from = note.frontmatter.as_ref().map_or(0, |f| f.end_line + 1);

    // Body tags, outside code.
    let mut fence = FenceState::default();
    let mut tags = Vec::new();
    for i in body_from..note.lines.len() {
        let l = note.line(i);
        if fence.in_code(l) {
            continue;
        }
        line_tags(l, i, &mut tags);
    }
    note.tags = tags;

    let s = opts.settings;
    let ignored = note
        .all_tags()
        .any(|t| tag_matches_any(t, &s.flashcard_tags_to_ignore));
    let tagged = note.all_tags().any(|t| s.is_flashcard_tag(t));
    note.ignored_by_tag = ignored;
    note.has_deck = !ignored
        && if s.convert_folders_to_decks {
            folder.is_some_and(|f| !f.is_empty())
        } else {
            tagged
        };
    if !note.has_deck && !all_questions {
        return note;
    }

    let (raw, quirks) = split_questions(&note, body_from, s, opts.clozes);
    note.quirks = quirks;
    let mut questions: Vec<Question> = raw.into_iter().map(|r| build_question(&note, r, opts)).collect();
    assign_decks(&note, &mut questions, folder, s);
    if note.has_deck {
        questions.retain(|q| !q.decks.is_empty() && !q.sides.is_empty());
    }
    note.questions = questions;
    note
}

/// A question as the splitter emits it.
struct RawQuestion {
    kind: QuestionKind,
    first_line: usize,
    last_line: usize,
    text: String,
    pieces: Vec<Piece>,
}

struct Acc {
    text: String,
    pieces: Vec<Piece>,
    chars: usize,
}

impl Acc {
    fn new() -> Acc {
        Acc {
            text: String::new(),
            pieces: Vec::new(),
            chars: 0,
        }
    }

    fn clear(&mut self) {
        self.text.clear();
        self.pieces.clear();
        self.chars = 0;
    }

    /// Appends `s` (a slice of the note at `file_start`, or synthetic),
    /// joined with `\n` when the text is not empty (or `force_newline`).
    fn push(&mut self, s: &str, file_start: Option<usize>, line: Option<usize>, force_newline: bool) {
        if !self.text.is_empty() || force_newline {
            self.text.push('\n');
            self.chars += 1;
        }
        self.pieces.push(Piece {
            text_start: self.text.len(),
            len: s.len(),
            file_start,
            line,
        });
        self.text.push_str(s);
        self.chars += s.chars().count();
    }

    fn take(&mut self, trim: bool) -> (String, Vec<Piece>) {
        let mut text = std::mem::take(&mut self.text);
        let mut pieces = std::mem::take(&mut self.pieces);
        self.chars = 0;
        if trim {
            let keep = js_trim_end(&text).len();
            text.truncate(keep);
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
fn split_questions(
    note: &Note,
    body_from: usize,
    s: &Settings,
    clozes: &Clozes,
) -> (Vec<RawQuestion>, Vec<Quirk>) {
    let n = note.lines.len();
    let line = |i: usize| -> &str { if i < body_from { "" } else { note.line(i) } };
    let start = |i: usize| note.lines[i].start;

    let mut inline: Vec<(&str, QuestionKind)> = vec![
        (s.single_line_card_separator.as_str(), QuestionKind::Basic),
        (
            s.single_line_reversed_card_separator.as_str(),
            QuestionKind::Reversed,
        ),
    ];
    // Longest first; equal lengths keep the basic separator first.
    inline.sort_by_key(|(sep, _)| std::cmp::Reverse(sep.len()));
    let end_marker = s.multiline_card_end_marker.as_str();

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
            if l.contains("-->") {
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
                let (text, pieces) = acc.take(true);
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

        if let Some(&(_, k)) = inline.iter().find(|(sep, _)| has_inline_marker(l, sep)) {
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
                    if line(i).contains("<!--SR:") {
                        break;
                    }
                }
            }
            let (text, pieces) = acc.take(false);
            out.push(RawQuestion {
                kind: k,
                first_line: first,
                last_line: i,
                text,
                pieces,
            });
            kind = None;
        } else if t == s.multiline_card_separator {
            if acc.chars > 1 {
                kind = Some(QuestionKind::Multiline);
            }
        } else if t == s.multiline_reversed_card_separator {
            if acc.chars > 1 {
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
        && !acc.text.is_empty()
    {
        {
            let (text, pieces) = acc.take(true);
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
    let Some(idx) = line.find(sep) else {
        return false;
    };
    let before = line[..idx].bytes().filter(|&b| b == b'`').count();
    let after = line[idx + sep.len()..].bytes().filter(|&b| b == b'`').count();
    !(before % 2 == 1 && after % 2 == 1)
}

static SR_ANY: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<!--SR:.+-->").expect("valid regex"));
static TOPIC: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^#[^\s#]+").expect("valid regex"));
static BLOCK_ID: LazyLock<Regex> = LazyLock::new(|| Regex::new(r" \^([A-Za-z0-9-]+)$").expect("valid regex"));

fn map_offset(pieces: &[Piece], off: usize) -> Option<(usize, usize)> {
    pieces
        .iter()
        .find(|p| p.text_start <= off && off <= p.text_start + p.len)
        .and_then(|p| Some((p.file_start? + (off - p.text_start), p.line?)))
}

fn build_question(note: &Note, raw: RawQuestion, opts: &ParseOptions) -> Question {
    let s = opts.settings;
    let (comment_in_text, segments) = read_schedule(&raw.text, opts.today);
    let comment = comment_in_text.and_then(|r| {
        let (a, la) = map_offset(&raw.pieces, r.start)?;
        let (b, lb) = map_offset(&raw.pieces, r.end)?;
        (la == lb).then_some(a..b)
    });

    // a.4: strip comments, topic tag, block id.
    let without_sr = SR_ANY.replace_all(&raw.text, "");
    let without_sr = js_trim_end(&without_sr);
    let lead = without_sr.len() - js_trim_start(without_sr).len();
    let (topic_tag, rest) = match TOPIC.find(&without_sr[lead..]) {
        Some(m) => {
            let after = &without_sr[lead + m.end()..];
            (Some(m.as_str().to_owned()), js_trim_start(after))
        }
        None => (None, without_sr),
    };
    let (actual, block_id) = match BLOCK_ID.captures(rest) {
        Some(c) => {
            let whole = c.get(0).map_or(0..0, |m| m.range());
            (
                rest[..whole.start].to_owned(),
                c.get(1).map(|m| m.as_str().to_owned()),
            )
        }
        None => (rest.to_owned(), None),
    };

    let sides = match raw.kind {
        QuestionKind::Basic => vec![split_once(&actual, &s.single_line_card_separator)],
        QuestionKind::Reversed => {
            let (a, b) = split_once(&actual, &s.single_line_reversed_card_separator);
            vec![(a.clone(), b.clone()), (b, a)]
        }
        QuestionKind::Multiline => vec![split_lines_at(&actual, &s.multiline_card_separator)],
        QuestionKind::MultilineReversed => {
            let (a, b) = split_lines_at(&actual, &s.multiline_reversed_card_separator);
            vec![(a.clone(), b.clone()), (b, a)]
        }
        QuestionKind::Cloze => opts.clozes.expand(&actual).1,
    };

    // Where a new comment would go: after the question's text, before a
    // trailing block id for same-line comments.
    let text_end = js_trim_end(&raw.text).len();
    let anchor = if comment.is_none() {
        let same_line_text = match &block_id {
            Some(id) if js_trim_end(&raw.text).ends_with(&format!(" ^{id}")) => text_end - id.len() - 2,
            _ => text_end,
        };
        match (
            map_offset(&raw.pieces, text_end),
            map_offset(&raw.pieces, same_line_text),
        ) {
            (Some((_, line)), Some((same_line_at, _))) => Some(Anchor { line, same_line_at }),
            _ => None,
        }
    } else {
        None
    };
    let _ = note;

    Question {
        kind: raw.kind,
        first_line: raw.first_line,
        last_line: raw.last_line,
        text: raw.text,
        pieces: raw.pieces,
        comment,
        segments,
        topic_tag,
        actual,
        block_id,
        decks: Vec::new(),
        sides,
        anchor,
    }
}

fn split_once(text: &str, sep: &str) -> (String, String) {
    match text.find(sep) {
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
    tag.trim_start_matches('#')
        .split('/')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("/")
}

/// Assigns decks to every question (spec §d).
fn assign_decks(note: &Note, questions: &mut [Question], folder: Option<&str>, s: &Settings) {
    if s.convert_folders_to_decks {
        let deck = folder.filter(|f| !f.is_empty()).map(str::to_owned);
        for q in questions.iter_mut() {
            q.decks = deck.iter().cloned().collect();
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
        .or_else(|| {
            note.tags
                .iter()
                .map(|t| t.name.as_str())
                .find(|t| s.is_flashcard_tag(t))
        })
        .or_else(|| {
            note.frontmatter
                .iter()
                .flat_map(|f| f.obsidian_tags.iter())
                .map(String::as_str)
                .find(|t| s.is_flashcard_tag(t))
        });

    for q in questions.iter_mut() {
        let mut decks: Vec<String> = if let Some(tag) = &q.topic_tag {
            vec![deck_of_tag(tag)]
        } else if let Some((_, names)) = groups.iter().rev().find(|(line, _)| *line < q.first_line) {
            names.iter().map(|t| deck_of_tag(t)).collect()
        } else if !fm_group.is_empty() {
            fm_group.iter().map(|t| deck_of_tag(t)).collect()
        } else {
            first_tag.map(deck_of_tag).into_iter().collect()
        };
        decks.retain(|d| !d.is_empty());
        let mut seen = Vec::with_capacity(decks.len());
        for d in decks {
            if !seen.contains(&d) {
                seen.push(d);
            }
        }
        q.decks = seen;
    }
}

/// JavaScript's `Math.round`: halves go up.
#[must_use]
pub fn js_round(x: f64) -> f64 {
    (x + 0.5).floor()
}

#[cfg(test)]
mod tests;
