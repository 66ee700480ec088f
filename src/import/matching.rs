//! Which Anki card is which card of the vault.
//!
//! A note matches a question by the GUID `recall export` gives it, computed
//! again from the vault as it is now by the export's own [`crate::export::collect`]
//! (path, note type and the question's identity), and only when its note
//! type is one of recall's and the same family as the question (a note whose
//! type was changed in Anki has other cards). A card matches the sibling
//! whose index is its ordinal: the export numbers basic and reversed cards
//! by template and cloze `{{cN::…}}` by sibling (`c1` is sibling 0). Nothing
//! is guessed: notes from elsewhere, questions edited since the export (a
//! new GUID), ordinals the question no longer has and duplicates are
//! listed with the reason.

use std::collections::{HashMap, HashSet};

use crate::anki::Collection;
use crate::export::ExportNote;
use crate::export::anki::NoteType;
use crate::vault::Vault;

/// A card of the vault: note, question and sibling indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CardKey {
    pub note: usize,
    pub question: usize,
    pub sibling: usize,
}

/// An Anki card and the vault card it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Matched {
    /// Index into [`Collection::cards`].
    pub card: usize,
    pub key: CardKey,
}

/// Why an Anki note or card was not matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// Its note type is not one of recall's.
    NotRecall { note_type: String },
    /// No question of the vault has its GUID now.
    UnknownGuid,
    /// Another note of the package has the same GUID.
    DuplicateGuid,
    /// Its note type is recall's, but not the question's family.
    NoteTypeChanged { note_type: String, question: &'static str },
    /// The question has no sibling with this card's ordinal.
    NoSuchSibling { ord: i64, count: usize },
    /// Another card of the note has the same ordinal.
    DuplicateCard { ord: i64 },
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reason::NotRecall { note_type } => write!(f, "not exported by recall (note type `{note_type}`)"),
            Reason::UnknownGuid => f.write_str(
                "no question of the vault has its GUID: the question was edited (its front or cloze text), moved or deleted since the export, or it comes from another vault",
            ),
            Reason::DuplicateGuid => f.write_str("another note of the package has the same GUID"),
            Reason::NoteTypeChanged { note_type, question } => {
                write!(f, "its note type is now `{note_type}` but the question is a {question} card")
            }
            Reason::NoSuchSibling { ord, count } => {
                write!(f, "card {} of the note: the question has {count} card(s) now", ord + 1)
            }
            Reason::DuplicateCard { ord } => write!(f, "card {} of the note appears twice", ord + 1),
        }
    }
}

/// An Anki note (or one of its cards) left alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmatched {
    /// Index into [`Collection::notes`].
    pub note: usize,
    pub reason: Reason,
}

/// The outcome of matching.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Matching {
    /// Anki notes matched to a question.
    pub notes: usize,
    /// Matched cards, in collection order.
    pub cards: Vec<Matched>,
    pub unmatched: Vec<Unmatched>,
}

/// recall's note type of an Anki note type, by name (with any suffix Anki
/// adds to a renamed copy) or by recall's fixed id.
#[must_use]
pub fn recall_note_type(name: &str, id: i64) -> Option<NoteType> {
    // Longest names first: "recall Basic" is a prefix of the reversed one.
    [NoteType::Reversed, NoteType::Cloze, NoteType::Basic].into_iter().find(|t| {
        t.id() == id
            || name
                .strip_prefix(t.name())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['-', '+', ' ']))
    })
}

/// Matches the notes and cards of `col` to the questions of `vault`;
/// `exported` is [`crate::export::collect`] of the whole vault.
#[must_use]
pub fn match_cards(vault: &Vault, exported: &[ExportNote], col: &Collection) -> Matching {
    let by_guid: HashMap<&str, &ExportNote> = exported.iter().map(|n| (n.guid.as_str(), n)).collect();
    let path_index: HashMap<&str, usize> =
        vault.notes.iter().enumerate().map(|(i, n)| (n.path.as_str(), i)).collect();
    let mut out = Matching::default();
    // Anki note id → (vault note, question, card count).
    let mut notes: HashMap<i64, (usize, usize, usize)> = HashMap::new();
    let mut seen_guids: HashSet<&str> = HashSet::new();
    for (i, n) in col.notes.iter().enumerate() {
        let type_name = col.note_types.get(&n.mid).map_or("?", String::as_str);
        let Some(note_type) = recall_note_type(type_name, n.mid) else {
            out.unmatched
                .push(Unmatched { note: i, reason: Reason::NotRecall { note_type: type_name.to_owned() } });
            continue;
        };
        if !seen_guids.insert(n.guid.as_str()) {
            out.unmatched.push(Unmatched { note: i, reason: Reason::DuplicateGuid });
            continue;
        }
        let Some(e) = by_guid.get(n.guid.as_str()) else {
            out.unmatched.push(Unmatched { note: i, reason: Reason::UnknownGuid });
            continue;
        };
        if NoteType::of(&e.content) != note_type {
            out.unmatched.push(Unmatched {
                note: i,
                reason: Reason::NoteTypeChanged {
                    note_type: type_name.to_owned(),
                    question: e.content.class(),
                },
            });
            continue;
        }
        let found = path_index.get(e.path.as_str()).and_then(|&ni| {
            let qi = vault.notes[ni].note.questions.iter().position(|q| q.first_line_no().get() == e.line)?;
            Some((ni, qi, vault.notes[ni].note.questions[qi].card_count()))
        });
        let Some(found) = found else {
            out.unmatched.push(Unmatched { note: i, reason: Reason::UnknownGuid });
            continue;
        };
        notes.insert(n.id, found);
        out.notes += 1;
    }
    let note_index: HashMap<i64, usize> = col.notes.iter().enumerate().map(|(i, n)| (n.id, i)).collect();
    let mut seen_cards: HashSet<(i64, i64)> = HashSet::new();
    for (ci, c) in col.cards.iter().enumerate() {
        let (Some(&(note, question, count)), Some(&anki_note)) = (notes.get(&c.nid), note_index.get(&c.nid))
        else {
            continue;
        };
        if !seen_cards.insert((c.nid, c.ord)) {
            out.unmatched.push(Unmatched { note: anki_note, reason: Reason::DuplicateCard { ord: c.ord } });
            continue;
        }
        match usize::try_from(c.ord).ok().filter(|&o| o < count) {
            Some(sibling) => out.cards.push(Matched { card: ci, key: CardKey { note, question, sibling } }),
            None => out
                .unmatched
                .push(Unmatched { note: anki_note, reason: Reason::NoSuchSibling { ord: c.ord, count } }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn note_types_are_recognised_by_name_or_id() {
        assert_eq!(recall_note_type("recall Basic", 1), Some(NoteType::Basic));
        assert_eq!(recall_note_type("recall Basic (and reversed card)", 1), Some(NoteType::Reversed));
        assert_eq!(recall_note_type("recall Basic (and reversed card)-a1b2c", 1), Some(NoteType::Reversed));
        assert_eq!(recall_note_type("recall Cloze+", 1), Some(NoteType::Cloze));
        assert_eq!(recall_note_type("renamed", NoteType::Cloze.id()), Some(NoteType::Cloze));
        assert_eq!(recall_note_type("Basic", 1), None);
        assert_eq!(recall_note_type("recall Basics", 1), None);
    }
}
