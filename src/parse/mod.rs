//! Markdown note → questions → cards, exactly as the plugin sees them.
//!
//! [`parse_note`] runs the plugin's line-by-line parser (spec §a.2) over the
//! note with its front matter blanked, then decomposes each question (§a.4),
//! reads its schedule comment (§b.1) and assigns its decks (§d). Nothing here
//! touches the disk. Every question keeps the byte range of its schedule
//! comment, or the place where a new one would be inserted, in the note's own
//! text: write-back replaces exactly those bytes.

mod build;
pub mod cloze;
pub mod comment;
mod decks;
pub mod frontmatter;
pub mod js;
pub mod line_no;
pub mod lines;
pub mod moment;
mod question;
mod question_hash;
mod split;
pub mod tags;

use chrono::{DateTime, NaiveDate, Utc};

use crate::clock::Zone;
use crate::settings::{Settings, tag_matches_any};
use build::build_question;
use cloze::Clozes;
use decks::assign_decks;
use frontmatter::{Found, FrontMatter};
use lines::{Line, split_lines};
use split::split_questions;
use tags::{FenceState, Tag, line_tags};

pub use decks::deck_of_tag;
pub use js::{cyrb53, cyrb53_pair, js_round};
pub use line_no::LineNo;
pub use question::{Anchor, CardSchedule, CardState, Question, QuestionKind, TextRef};
pub use question_hash::QuestionHash;
pub use split::has_inline_marker;

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
    /// [`Detail::Counts`], and each question's `text_line` and text without
    /// schedule (kept as a range of the note, as [`Detail::Full`] keeps it):
    /// what a review queue keeps of a card, its address and its question's
    /// hash ([`Question::hash_value`]). `Question::text` stays empty.
    Queue,
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
                s.date = moment::parse_moment_date(&s.due, opts.today);
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

#[cfg(test)]
mod tests;
