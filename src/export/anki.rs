//! What Anki sees of a question: its note type, its fields as HTML, the
//! cards it has. Shared by the package and the text writers.
//!
//! A package carries recall's own note types (`recall Basic`, `recall Basic
//! (and reversed card)`, `recall Cloze`) with fixed ids, so a second import
//! finds them again and updates notes in place instead of adding a copy of
//! the note type; they have Anki's stock fields plus `Source`, a link back
//! to the note in Obsidian. The text format cannot carry note types, so it
//! names Anki's stock ones, which every collection has.

use super::markdown::{self, Media};
use super::{Content, ExportNote};

/// The three Anki note types cards map to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NoteType {
    Basic,
    Reversed,
    Cloze,
}

impl NoteType {
    /// recall's note type for this content.
    #[must_use]
    pub fn of(content: &Content) -> NoteType {
        match content {
            Content::Basic { .. } => NoteType::Basic,
            Content::Reversed { .. } => NoteType::Reversed,
            Content::Cloze { .. } => NoteType::Cloze,
        }
    }

    /// The name of Anki's stock note type with the same fields.
    #[must_use]
    pub fn stock_name(self) -> &'static str {
        match self {
            NoteType::Basic => "Basic",
            NoteType::Reversed => "Basic (and reversed card)",
            NoteType::Cloze => "Cloze",
        }
    }

    /// The name of recall's note type in a package.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            NoteType::Basic => "recall Basic",
            NoteType::Reversed => "recall Basic (and reversed card)",
            NoteType::Cloze => "recall Cloze",
        }
    }

    /// The fixed id of recall's note type. Never change it: a re-import
    /// matches notes to their note type by it.
    #[must_use]
    pub fn id(self) -> i64 {
        match self {
            NoteType::Basic => 1_700_000_000_101,
            NoteType::Reversed => 1_700_000_000_102,
            NoteType::Cloze => 1_700_000_000_103,
        }
    }

    /// Field names (the stock note type's, then `Source`).
    #[must_use]
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            NoteType::Basic | NoteType::Reversed => &["Front", "Back", "Source"],
            NoteType::Cloze => &["Text", "Back Extra", "Source"],
        }
    }

    /// Card templates: (name, question, answer).
    #[must_use]
    pub fn templates(self) -> Vec<(&'static str, String, String)> {
        const SOURCE: &str = "{{#Source}}<div class=\"recall-source\">{{Source}}</div>{{/Source}}";
        match self {
            NoteType::Basic => vec![(
                "Card 1",
                "{{Front}}".to_owned(),
                format!("{{{{FrontSide}}}}\n\n<hr id=answer>\n\n{{{{Back}}}}\n{SOURCE}"),
            )],
            NoteType::Reversed => vec![
                (
                    "Card 1",
                    "{{Front}}".to_owned(),
                    format!("{{{{FrontSide}}}}\n\n<hr id=answer>\n\n{{{{Back}}}}\n{SOURCE}"),
                ),
                (
                    "Card 2",
                    "{{Back}}".to_owned(),
                    format!("{{{{FrontSide}}}}\n\n<hr id=answer>\n\n{{{{Front}}}}\n{SOURCE}"),
                ),
            ],
            NoteType::Cloze => vec![(
                "Cloze",
                "{{cloze:Text}}".to_owned(),
                format!("{{{{cloze:Text}}}}<br>\n{{{{Back Extra}}}}\n{SOURCE}"),
            )],
        }
    }

    /// The styling of every recall note type.
    #[must_use]
    pub fn css() -> &'static str {
        ".card {
    font-family: arial;
    font-size: 20px;
    text-align: center;
    color: black;
    background-color: white;
}
.card pre, .card ul, .card ol, .card table, .card blockquote {
    text-align: left;
    display: inline-block;
}
.card pre {
    font-size: 16px;
    padding: 0.5em;
    background: rgba(127, 127, 127, 0.12);
}
.cloze {
    font-weight: bold;
    color: blue;
}
.nightMode .cloze {
    color: lightblue;
}
mark {
    background-color: #fff3a0;
}
.nightMode mark {
    background-color: #6b5e00;
    color: white;
}
.recall-source {
    margin-top: 1.5em;
    font-size: 12px;
    color: #888;
}
.recall-source a {
    color: #888;
}
"
    }
}

/// A question as an Anki note: type, field HTML, card ordinals.
#[derive(Debug, Clone, PartialEq)]
pub struct AnkiNote {
    pub note_type: NoteType,
    /// The fields in the order of [`NoteType::fields`].
    pub fields: Vec<String>,
    /// The card ordinals Anki has for these fields (sibling indexes).
    pub ords: Vec<usize>,
}

/// Renders `note` for Anki; `source` is the Source field's HTML.
pub fn anki_note(note: &ExportNote, source: String, media: &mut dyn Media) -> AnkiNote {
    let note_type = NoteType::of(&note.content);
    match &note.content {
        Content::Basic { front, back } | Content::Reversed { front, back } => {
            let front = markdown::field(front, &note.path, media);
            let back = markdown::field(back, &note.path, media);
            let ords =
                if note_type == NoteType::Reversed && !back.trim().is_empty() { vec![0, 1] } else { vec![0] };
            AnkiNote { note_type, fields: vec![front, back, source], ords }
        }
        Content::Cloze { text, spans } => {
            let html = markdown::cloze_field(text, spans, &note.path, media);
            let mut ords: Vec<usize> = spans.iter().flat_map(|s| s.cards.iter().copied()).collect();
            ords.sort_unstable();
            ords.dedup();
            AnkiNote { note_type, fields: vec![html, String::new(), source], ords }
        }
    }
}

/// The Source field: the note's path, linking to it in Obsidian.
#[must_use]
pub fn source_link(vault_name: &str, path: &str) -> String {
    format!(
        "<a href=\"obsidian://open?vault={}&amp;file={}\">{}</a>",
        url_component(vault_name),
        url_component(path),
        markdown::escape(path)
    )
}

/// Percent-encodes everything but unreserved characters.
fn url_component(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len() + s.len() / 4);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 15)] as char);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_links_open_the_note_in_obsidian() {
        assert_eq!(
            source_link("My Vault", "Kafka/Producer & Co.md"),
            "<a href=\"obsidian://open?vault=My%20Vault&amp;file=Kafka%2FProducer%20%26%20Co.md\">Kafka/Producer &amp; Co.md</a>"
        );
    }

    #[test]
    fn note_types_have_distinct_ids_and_stock_field_names_first() {
        let all = [NoteType::Basic, NoteType::Reversed, NoteType::Cloze];
        for t in all {
            assert_eq!(t.fields().len(), 3);
            assert_eq!(t.fields()[2], "Source");
            assert!(all.iter().filter(|o| o.id() == t.id()).count() == 1);
        }
        assert_eq!(NoteType::Reversed.templates().len(), 2);
    }
}
