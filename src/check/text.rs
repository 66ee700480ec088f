//! A per-line view of a note for the rules, and small text helpers.

use crate::parse::comment::js_trim;
use crate::parse::lines;
use crate::parse::tags::FenceState;
use crate::parse::{Note, has_inline_marker};
use crate::settings::Settings;

/// What the rules need to know about each line.
#[derive(Debug, Clone)]
pub struct LineView {
    /// First line after the front matter.
    pub body_from: usize,
    /// The line is in a fenced code block as Obsidian renders it (fences included).
    pub in_code: Vec<bool>,
    /// The last question whose line range holds the line.
    pub question: Vec<Option<usize>>,
    /// The line is among cards: under a heading naming flashcards, or in a
    /// paragraph that holds a card.
    pub among_cards: Vec<bool>,
    /// Card rules apply to this note (see the module docs of `check`).
    pub card_rules: bool,
}

impl LineView {
    #[must_use]
    pub fn new(note: &Note) -> LineView {
        let n = note.lines.len();
        let body_from = note.frontmatter.as_ref().map_or(0, |f| f.end_line + 1);
        let mut fence = FenceState::default();
        let in_code: Vec<bool> = (0..n).map(|i| i >= body_from && fence.in_code(note.line(i))).collect();
        let mut question = vec![None; n];
        for (qi, q) in note.questions.iter().enumerate() {
            for slot in question.iter_mut().take(q.last_line.min(n.saturating_sub(1)) + 1).skip(q.first_line)
            {
                *slot = Some(qi);
            }
        }
        // Paragraphs (runs of non-blank lines) that hold a card.
        let mut among_cards = vec![false; n];
        let mut i = body_from;
        while i < n {
            if js_trim(note.line(i)).is_empty() {
                i += 1;
                continue;
            }
            let start = i;
            while i < n && !js_trim(note.line(i)).is_empty() {
                i += 1;
            }
            if (start..i).any(|j| question[j].is_some()) {
                among_cards[start..i].fill(true);
            }
        }
        // Sections under a heading that names flashcards.
        let mut level_open: Option<usize> = None;
        let mut heading_named = false;
        for i in body_from..n {
            if in_code[i] {
                continue;
            }
            if let Some((level, title)) = heading(note.line(i)) {
                if level_open.is_none_or(|l| level <= l) {
                    level_open = names_flashcards(title).then_some(level);
                }
                heading_named |= names_flashcards(title);
                continue;
            }
            if level_open.is_some() {
                among_cards[i] = true;
            }
        }
        let has_schedule = (body_from..n).any(|i| lines::find(note.line(i), "<!--SR:").is_some());
        let card_rules = note.has_deck || (!note.ignored_by_tag && (has_schedule || heading_named));
        LineView { body_from, in_code, question, among_cards, card_rules }
    }
}

/// A quick, generous test of whether card rules may apply to a note without
/// a deck (a schedule comment or a heading naming flashcards anywhere), so
/// `check` re-reads the questions of such notes only.
#[must_use]
pub fn may_need_card_rules(note: &Note) -> bool {
    note.has_deck
        || (!note.ignored_by_tag
            && (lines::find(&note.text, "<!--SR:").is_some()
                || (0..note.lines.len())
                    .any(|i| heading(note.line(i)).is_some_and(|(_, t)| names_flashcards(t)))))
}

/// `(level, title)` of an ATX heading line.
#[must_use]
pub fn heading(line: &str) -> Option<(usize, &str)> {
    let level = line.bytes().take_while(|&b| b == b'#').count();
    if !(1..=6).contains(&level) {
        return None;
    }
    let rest = &line[level..];
    (rest.is_empty() || rest.starts_with([' ', '\t'])).then(|| (level, rest.trim()))
}

/// A heading such as `Flashcards`, `Cards`, `Review cards`.
fn names_flashcards(title: &str) -> bool {
    let t = title.to_lowercase();
    t.contains("flashcard")
        || t.split(|c: char| !c.is_alphanumeric()).any(|w| matches!(w, "card" | "cards" | "anki"))
}

pub use crate::parse::lines::{code_spans, inside};

/// True when the plugin would see something card-like on this line: an
/// inline separator, a multi-line separator, a cloze or a schedule comment.
#[must_use]
pub fn card_like(line: &str, settings: &Settings, clozes: &crate::parse::cloze::Clozes) -> bool {
    let t = js_trim(line);
    has_inline_marker(line, &settings.single_line_card_separator)
        || has_inline_marker(line, &settings.single_line_reversed_card_separator)
        || (!t.is_empty()
            && (t == settings.multiline_card_separator || t == settings.multiline_reversed_card_separator))
        || line.starts_with("<!--SR:")
        || clozes.is_cloze_line(line)
}

/// The 0-based line holding byte `at` of the note.
#[must_use]
pub fn line_of(note: &Note, at: usize) -> usize {
    note.lines.partition_point(|l| l.next <= at).min(note.lines.len().saturating_sub(1))
}

/// Shortens note text for a message: one line, at most `max` characters.
#[must_use]
pub fn excerpt(s: &str, max: usize) -> String {
    crate::sanitize::truncate(&crate::sanitize::one_line(s.trim()), max)
}

/// The character a separator such as `::` doubles, if it is one repeated
/// character.
#[must_use]
pub fn doubled_char(sep: &str) -> Option<char> {
    let mut chars = sep.chars();
    let c = chars.next()?;
    (sep.chars().count() >= 2 && chars.all(|d| d == c)).then_some(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_pair_runs_of_equal_length() {
        assert_eq!(code_spans("`a::b` c::d"), vec![0..6]);
        assert_eq!(code_spans("``code::x`` y::z"), vec![0..11]);
        assert!(code_spans("a ` b").is_empty());
        assert_eq!(code_spans("``a`b`` `c`"), vec![0..7, 8..11]);
    }

    #[test]
    fn headings_and_sections() {
        assert_eq!(heading("## Flashcards"), Some((2, "Flashcards")));
        assert_eq!(heading("#tag"), None);
        assert!(names_flashcards("Flashcards"));
        assert!(names_flashcards("Review cards"));
        assert!(!names_flashcards("Discards"));
    }

    #[test]
    fn doubled_separator_chars() {
        assert_eq!(doubled_char("::"), Some(':'));
        assert_eq!(doubled_char(";;"), Some(';'));
        assert_eq!(doubled_char(":"), None);
        assert_eq!(doubled_char("=>"), None);
    }
}
