//! Anki's text import format: tab-separated, with the header lines that let
//! Anki import it without questions (separator, HTML, and which columns hold
//! the GUID, note type, deck and tags). Each row is one note of Anki's stock
//! note types (`Basic`, `Basic (and reversed card)`, `Cloze`), its fields as
//! HTML. Anki matches rows to notes by GUID and updates them.
//!
//! A field is quoted (`"…"`, inner quotes doubled) when it holds a tab, a
//! line break or a quote, or starts with `#` (Anki would read the line as a
//! header). Media cannot travel in a text file: cards name the files, which
//! the caller reports so they can be copied into Anki's media folder.

use std::io::{self, Write};

use super::anki::{NoteType, anki_note};
use super::markdown::Media;
use super::{ExportNote, anki_deck, anki_tags};

/// The header lines that begin the file.
pub const HEADER: &str = "#separator:tab\n#html:true\n#guid column:1\n#notetype column:2\n#deck column:3\n#tags column:6\n\
     #if matches:update current\n#columns:guid\tnotetype\tdeck\tFront / Text\tBack / Back Extra\ttags\n";

/// Writes `notes`; media references are resolved (and collected) through `media`.
pub fn write(notes: &[ExportNote], media: &mut dyn Media, out: &mut dyn Write) -> io::Result<()> {
    let mut text = String::from(HEADER);
    for n in notes {
        text.push_str(&line(n, media));
    }
    out.write_all(text.as_bytes())
}

/// One note's row, with its line break.
pub fn line(n: &ExportNote, media: &mut dyn Media) -> String {
    let a = anki_note(n, String::new(), media);
    let cols = [
        n.guid.clone(),
        NoteType::stock_name(a.note_type).to_owned(),
        anki_deck(&n.deck),
        a.fields.first().cloned().unwrap_or_default(),
        a.fields.get(1).cloned().unwrap_or_default(),
        anki_tags(&n.tags).join(" "),
    ];
    let cols: Vec<String> = cols.iter().map(|c| quote(c)).collect();
    let mut text = cols.join("\t");
    text.push('\n');
    text
}

/// A field as Anki's tab-separated reader needs it.
#[must_use]
pub fn quote(field: &str) -> String {
    if field.contains(['\t', '\n', '\r', '"']) || field.starts_with('#') {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_where_anki_needs_it() {
        assert_eq!(quote("plain text, with comma"), "plain text, with comma");
        assert_eq!(quote("#not a header"), "\"#not a header\"");
        assert_eq!(quote("a\tb"), "\"a\tb\"");
        assert_eq!(quote("<a href=\"x\">"), "\"<a href=\"\"x\"\">\"");
        assert_eq!(quote("line\nbreak"), "\"line\nbreak\"");
    }
}
