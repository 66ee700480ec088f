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
        // A note with no deck gets card rules only when something in it is
        // plainly meant for the plugin: a schedule comment at the start of a
        // line, or a card under a flashcards heading or near a schedule
        // comment. A README titled "Flashcards" that quotes a comment
        // mid-sentence is prose.
        let col0_schedule = (body_from..n).any(|i| !in_code[i] && note.line(i).starts_with("<!--SR:"));
        let has_schedule = (body_from..n).any(|i| lines::find(note.line(i), "<!--SR:").is_some());
        let has_card = note.questions.iter().any(|q| q.cards > 0);
        let card_rules = note.has_deck
            || (!note.ignored_by_tag && (col0_schedule || ((has_schedule || heading_named) && has_card)));
        LineView { body_from, in_code, question, among_cards, card_rules }
    }
}

/// A quick, generous test of whether a note without a deck needs its
/// questions read for `check` (a schedule comment or a heading naming
/// flashcards anywhere, or front matter below blank lines, whose cards
/// are counted), so `check` re-reads the questions of such notes only.
#[must_use]
pub fn may_need_card_rules(note: &Note) -> bool {
    note.has_deck
        || (!note.ignored_by_tag
            && (lines::find(&note.text, "<!--SR:").is_some()
                || late_front_matter(note).is_some()
                || (0..note.lines.len())
                    .any(|i| heading(note.line(i)).is_some_and(|(_, t)| names_flashcards(t)))))
}

/// Front matter below blank lines: `(first, close)`, the 0-based lines of
/// its opening and closing `---`, when the note's first lines are blank,
/// then `---`, and the block up to the next `---` holds a `tags:` or
/// `tag:` key. Obsidian reads front matter only from line 1, so such a
/// block is text.
#[must_use]
pub fn late_front_matter(note: &Note) -> Option<(usize, usize)> {
    if note.frontmatter.is_some() || note.frontmatter_unclosed {
        return None;
    }
    let n = note.lines.len();
    let first = (0..n).find(|&i| !js_trim(note.line(i)).is_empty())?;
    if first == 0 || note.line(first).trim_end() != "---" {
        return None;
    }
    let close = (first + 1..n).find(|&i| note.line(i).trim_end() == "---")?;
    let tagged = (first + 1..close).any(|i| {
        let l = note.line(i);
        l.starts_with("tags:") || l.starts_with("tag:")
    });
    tagged.then_some((first, close))
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
