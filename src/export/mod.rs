//! Exporting cards: Anki package, Anki text, CSV and JSON.
//!
//! [`collect`] turns a loaded vault into [`ExportNote`]s, one per question,
//! with everything every format needs: the card texts, the chosen deck, the
//! note's tags, a stable GUID and each sibling's schedule. The writers in the
//! submodules take those values and an output. Nothing here touches the disk:
//! media is found through [`media::VaultFiles`] and read through a function
//! the command passes in.
//!
//! Rules every format shares:
//! - A question in several decks is exported once, to the first of its decks
//!   that `--deck` selects (the first deck when there is no `--deck`).
//! - The GUID is derived from the note's vault path, the Anki note type and the
//!   question's identity: its `^block-id` when it has one, else its front (the
//!   text before the separator) or, for a cloze, its text with the deletions
//!   blanked out. Editing an answer, a hint or the tags keeps the GUID, so a new
//!   export re-imported into Anki updates the note; a second question with the
//!   same identity in one note gets an occurrence number.

pub mod anki;
pub mod anki_txt;
pub mod apkg;
pub mod collection;
pub mod csv;
mod deflate;
mod embed;
mod html;
pub mod json;
pub mod markdown;
pub mod media;

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use chrono::NaiveDate;

use crate::deck::deck_matches;
use crate::parse::cloze::ClozeSpan;
use crate::parse::{CardSchedule, CardState, ParseOptions, QuestionKind, cyrb53_pair};
use crate::schedule::WholeEase;
use crate::vault::{Vault, VaultNote};

/// One question of the vault, ready for any export format.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportNote {
    /// Vault-relative path of the note, `/`-separated.
    pub path: crate::note_path::NotePath,
    /// 1-based first and last line of the question (the plugin's range).
    pub line: usize,
    pub end_line: usize,
    /// 1-based first line of the question's own text (its address).
    pub text_line: usize,
    pub kind: QuestionKind,
    /// Every deck of the question (recall's paths, `flashcards/kafka`).
    pub decks: Vec<String>,
    /// The deck it is exported to (see the module docs).
    pub deck: String,
    /// The note's tags as written, without `#`, in note order, once each.
    pub tags: Vec<String>,
    pub guid: String,
    /// When the note's file last changed (Unix seconds): Anki's note mtime,
    /// which decides whether a re-import updates the note.
    pub mtime: i64,
    pub content: Content,
    pub cards: Vec<ExportCard>,
}

/// What the question says, in markdown, shaped for Anki's note types.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    /// `::` and `?` questions: Anki's Basic.
    Basic { front: String, back: String },
    /// `:::` and `??` questions: Anki's Basic (and reversed card).
    Reversed { front: String, back: String },
    /// Cloze questions: the text and its deletions.
    Cloze { text: String, spans: Vec<ClozeSpan> },
}

impl Content {
    /// The Anki note type family: `basic`, `reversed` or `cloze`.
    #[must_use]
    pub fn class(&self) -> &'static str {
        match self {
            Content::Basic { .. } => "basic",
            Content::Reversed { .. } => "reversed",
            Content::Cloze { .. } => "cloze",
        }
    }
}

/// One sibling card of a question.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportCard {
    /// 0-based sibling index (Anki's card ordinal for these note types).
    pub sibling: usize,
    /// The card's sides as the plugin shows them (markdown).
    pub front: String,
    pub back: String,
    pub schedule: CardSchedule,
    /// The local day the card is due (`None` for new or unreadable).
    pub due: Option<NaiveDate>,
    pub state: CardState,
}

/// Which notes and cards to export.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Vault-relative note or folder prefixes (all notes when empty).
    pub scopes: Vec<String>,
    /// Deck filters (`flashcards/kafka` selects it and its subdecks).
    pub decks: Vec<String>,
}

/// Every question the selection covers, in path and line order.
/// `mtime` gives a note file's modification time in Unix seconds.
#[must_use]
pub fn collect(vault: &Vault, sel: &Selection, mtime: &dyn Fn(&VaultNote) -> i64) -> Vec<ExportNote> {
    let opts = vault.parse_options();
    vault.notes.iter().flat_map(|n| note_questions(n, sel, &opts, mtime, true)).collect()
}

/// The questions of one note that the selection covers, in line order
/// (what [`collect`] gives for this note). `opts` gives the settings, the
/// cloze patterns and the day; `mtime` is asked only when the note has a
/// question to export. Without `card_texts`, a cloze question's cards have
/// no front and back (a package renders the question, not its cards), which
/// spares expanding every deletion.
#[must_use]
pub fn note_questions(
    n: &VaultNote,
    sel: &Selection,
    opts: &ParseOptions,
    mtime: &dyn Fn(&VaultNote) -> i64,
    card_texts: bool,
) -> Vec<ExportNote> {
    let mut out = Vec::new();
    if !n.note.has_deck || !Vault::in_scope(&n.path, &sel.scopes) || n.note.questions.is_empty() {
        return out;
    }
    let (settings, clozes) = (opts.settings, opts.clozes);
    let tags = note_tags(n);
    let mut time = None;
    let mut seen: HashMap<(String, &'static str), usize> = HashMap::new();
    for q in &n.note.questions {
        let Some(deck) =
            q.decks.iter().find(|d| sel.decks.is_empty() || sel.decks.iter().any(|f| deck_matches(d, f)))
        else {
            continue;
        };
        let sides = if card_texts || q.kind != QuestionKind::Cloze {
            q.sides(&n.note.text, settings, clozes)
        } else {
            vec![(String::new(), String::new()); q.card_count()]
        };
        let content = match q.kind {
            QuestionKind::Basic | QuestionKind::Multiline => {
                let (front, back) = sides.first().cloned().unwrap_or_default();
                Content::Basic { front, back }
            }
            QuestionKind::Reversed | QuestionKind::MultilineReversed => {
                let (front, back) = sides.first().cloned().unwrap_or_default();
                Content::Reversed { front, back }
            }
            QuestionKind::Cloze => {
                let text = q.actual(&n.note.text).to_owned();
                let spans = clozes.spans(&text);
                Content::Cloze { text, spans }
            }
        };
        let key = match &q.block_id {
            Some(id) => format!("^{id}"),
            None => identity(&content),
        };
        let class = content.class();
        let occurrence = seen.entry((key.clone(), class)).or_insert(0);
        let guid = guid(&n.path, class, &key, *occurrence);
        *occurrence += 1;
        let cards = sides
            .into_iter()
            .enumerate()
            .map(|(i, (front, back))| {
                let schedule = q.schedule(i);
                let state = schedule.state(opts.today, opts.now);
                let due = schedule.due_date(opts.zone);
                ExportCard { sibling: i, front, back, schedule, due, state }
            })
            .collect();
        out.push(ExportNote {
            path: n.path.clone(),
            line: q.first_line_no().get(),
            end_line: q.last_line_no().get(),
            text_line: q.text_line_no().get(),
            kind: q.kind,
            decks: q.decks.to_vec(),
            deck: deck.clone(),
            tags: tags.clone(),
            guid,
            mtime: *time.get_or_insert_with(|| mtime(n)),
            content,
            cards,
        });
    }
    out
}

/// The note's tags (front matter, then body), without `#`, once each.
fn note_tags(n: &VaultNote) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for t in n.note.all_tags() {
        let t = t.trim().trim_start_matches('#');
        if !t.is_empty() && seen.insert(t.to_owned()) {
            out.push(t.to_owned());
        }
    }
    out
}

/// What identifies a question when it has no block id.
fn identity(content: &Content) -> String {
    match content {
        Content::Basic { front, .. } | Content::Reversed { front, .. } => front.trim().to_owned(),
        Content::Cloze { text, spans } => {
            let mut key = String::with_capacity(text.len());
            let mut pos = 0;
            for s in spans {
                key.push_str(&text[pos..s.range.start]);
                key.push('\u{2}');
                pos = s.range.end;
            }
            key.push_str(&text[pos..]);
            key.trim().to_owned()
        }
    }
}

/// A stable GUID: 64 bits of hash, in base 62 (no character that needs
/// quoting in any text format).
#[must_use]
pub fn guid(path: &str, class: &str, key: &str, occurrence: usize) -> String {
    // Pieces pushed, not `format!`: this runs once per exported note.
    let mut s = String::with_capacity(10 + path.len() + class.len() + key.len());
    for piece in ["recall", path, class, key] {
        if !s.is_empty() {
            s.push('\u{1f}');
        }
        s.push_str(piece);
    }
    if occurrence > 0 {
        let _ = write!(s, "\u{1f}{occurrence}");
    }
    let (a, b) = cyrb53_pair(&s, 0, 0x9e37_79b9);
    let mut v = (a << 11) ^ b;
    const DIGITS: &[u8; 62] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut out = Vec::with_capacity(11);
    for _ in 0..11 {
        out.push(DIGITS[(v % 62) as usize]);
        v /= 62;
    }
    out.reverse();
    String::from_utf8_lossy(&out).into_owned()
}

/// recall's deck path as an Anki deck name: `flashcards/kafka` →
/// `flashcards::kafka` (blank parts dropped).
#[must_use]
pub fn anki_deck(path: &str) -> String {
    let parts: Vec<&str> = path.split('/').map(str::trim).filter(|p| !p.is_empty()).collect();
    if parts.is_empty() { "Default".to_owned() } else { parts.join("::") }
}

/// An Obsidian tag as an Anki tag: no `#`, nesting `a/b` → `a::b`, white
/// space and control characters → `_`, and text that is UTF-8 read as
/// Windows-1252 (`cafÃ©`) repaired (`café`). `None` when nothing is left.
#[must_use]
pub fn anki_tag(tag: &str) -> Option<String> {
    let tag = repair_mojibake(tag.trim().trim_start_matches('#'));
    let parts: Vec<String> = tag
        .split('/')
        .map(|p| {
            p.chars()
                .filter(|&c| c != '"')
                .map(|c| if c.is_whitespace() || c.is_control() { '_' } else { c })
                .collect::<String>()
        })
        .map(|p| p.trim_matches(':').to_owned())
        .filter(|p| !p.is_empty() && p.chars().any(|c| c != '_'))
        .collect();
    (!parts.is_empty()).then(|| parts.join("::"))
}

/// The Anki tags of a note, once each, in order.
#[must_use]
pub fn anki_tags(tags: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in tags.iter().filter_map(|t| anki_tag(t)) {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(&t)) {
            out.push(t);
        }
    }
    out
}

/// Undoes the commonest mojibake: UTF-8 bytes decoded as Windows-1252 (or
/// Latin-1). Text that does not round-trip to valid, different UTF-8 is
/// returned as it is.
#[must_use]
pub fn repair_mojibake(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        return Cow::Borrowed(s);
    }
    let mut bytes = Vec::with_capacity(s.len());
    for c in s.chars() {
        match cp1252_byte(c) {
            Some(b) => bytes.push(b),
            None => return Cow::Borrowed(s),
        }
    }
    match String::from_utf8(bytes) {
        Ok(fixed) if fixed != s => Cow::Owned(fixed),
        _ => Cow::Borrowed(s),
    }
}

/// The Windows-1252 byte of `c` (C1 controls map to themselves, as Latin-1).
fn cp1252_byte(c: char) -> Option<u8> {
    let u = c as u32;
    if u < 0x80 || (0x80..=0xff).contains(&u) {
        return Some(u as u8);
    }
    const HIGH: [(char, u8); 27] = [
        ('€', 0x80),
        ('‚', 0x82),
        ('ƒ', 0x83),
        ('„', 0x84),
        ('…', 0x85),
        ('†', 0x86),
        ('‡', 0x87),
        ('ˆ', 0x88),
        ('‰', 0x89),
        ('Š', 0x8a),
        ('‹', 0x8b),
        ('Œ', 0x8c),
        ('Ž', 0x8e),
        ('‘', 0x91),
        ('’', 0x92),
        ('“', 0x93),
        ('”', 0x94),
        ('•', 0x95),
        ('–', 0x96),
        ('—', 0x97),
        ('˜', 0x98),
        ('™', 0x99),
        ('š', 0x9a),
        ('›', 0x9b),
        ('œ', 0x9c),
        ('ž', 0x9e),
        ('Ÿ', 0x9f),
    ];
    HIGH.iter().find(|(h, _)| *h == c).map(|&(_, b)| b)
}

/// Due date, interval and ease of a scheduled card, as Anki needs them:
/// `None` for new cards and for schedules whose date cannot be read.
#[must_use]
pub fn review_state(c: &ExportCard) -> Option<(NaiveDate, i64, i64)> {
    let (interval, ease) = c.schedule.interval_ease();
    let due = c.due?;
    Some((due, interval.map_or(1, |i| i.0).max(1), ease.map_or(250, |e| e.0).max(WholeEase::FLOOR.0)))
}

/// The day a card is due as `YYYY-MM-DD` (`None` for new cards).
#[must_use]
pub fn due_string(c: &ExportCard) -> Option<String> {
    c.due.map(|d| d.format("%Y-%m-%d").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decks_and_tags_become_anki_names() {
        assert_eq!(anki_deck("flashcards/kafka/producer"), "flashcards::kafka::producer");
        assert_eq!(anki_deck("a//b/ "), "a::b");
        assert_eq!(anki_tag("#study/kafka"), Some("study::kafka".into()));
        assert_eq!(anki_tag("cafÃ©"), Some("café".into()));
        assert_eq!(anki_tag("Ã¼ber/â€œquotesâ€\u{9d}"), Some("über::“quotes”".into()));
        assert_eq!(anki_tag("für"), Some("für".into()), "real Latin-1 text stays");
        assert_eq!(anki_tag("two words"), Some("two_words".into()));
        assert_eq!(anki_tag("#"), None);
        assert_eq!(anki_tag("\"\""), None);
        assert_eq!(anki_tags(&["a".into(), "A".into(), "#b/c".into()]), vec!["a", "b::c"]);
    }

    #[test]
    fn guids_are_stable_distinct_and_plain() {
        let g = guid("Kafka/Producer.md", "basic", "What is ISR?", 0);
        assert_eq!(g, guid("Kafka/Producer.md", "basic", "What is ISR?", 0));
        assert_eq!(g.len(), 11);
        assert!(g.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_ne!(g, guid("Kafka/Producer.md", "basic", "What is ISR?", 1));
        assert_ne!(g, guid("Kafka/Producer.md", "reversed", "What is ISR?", 0));
        assert_ne!(g, guid("Kafka/Other.md", "basic", "What is ISR?", 0));
    }

    #[test]
    fn cloze_identity_ignores_answers_and_hints() {
        let c = crate::parse::cloze::Clozes::new(&["==[123;;]answer[;;hint]==".to_owned()]);
        let id = |t: &str| identity(&Content::Cloze { text: t.to_owned(), spans: c.spans(t) });
        assert_eq!(id("A ==x;;h== is ==y=="), id("A ==changed== is ==y;;new hint=="));
        assert_ne!(id("A ==x== is ==y=="), id("B ==x== is ==y=="));
    }
}
