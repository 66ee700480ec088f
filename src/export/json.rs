//! JSON: the `cards --json` rows (one object per card, in path, line and
//! sibling order) with the note's tags added.

use std::io::{self, Write};

use serde::Serialize;

use super::{ExportNote, due_string};
use crate::parse::{CardState, QuestionKind};

/// One card: the `cards --json` schema plus `tags`.
#[derive(Debug, Serialize)]
struct Row<'a> {
    path: &'a str,
    line: usize,
    end_line: usize,
    address: String,
    kind: QuestionKind,
    sibling: usize,
    decks: &'a [String],
    front: &'a str,
    back: &'a str,
    due: Option<String>,
    interval: Option<i64>,
    ease: Option<i64>,
    state: CardState,
    tags: &'a [String],
}

/// Writes every card of `notes` as a pretty-printed JSON array.
pub fn write(notes: &[ExportNote], out: &mut dyn Write) -> io::Result<()> {
    let rows: Vec<Row> = notes.iter().flat_map(note_rows).collect();
    crate::json::to_writer_pretty(&mut *out, &rows)?;
    writeln!(out)
}

/// One question's cards as elements of the array [`write`] writes, each
/// after `,` and a line break and indented as inside the array: the bytes
/// [`write`] gives are `[`, these for every question with the very first
/// comma left out, then `\n]\n` (`[]\n` when there is none).
pub fn elements(n: &ExportNote, out: &mut Vec<u8>) -> serde_json::Result<()> {
    let mut one = Vec::new();
    for row in note_rows(n) {
        one.clear();
        crate::json::to_writer_pretty(&mut one, &row)?;
        out.extend_from_slice(b",\n");
        // A pretty JSON value has no line break inside a string: every
        // line is indented one level further inside the array.
        for (i, line) in one.split(|&b| b == b'\n').enumerate() {
            if i > 0 {
                out.push(b'\n');
            }
            out.extend_from_slice(b"  ");
            out.extend_from_slice(line);
        }
    }
    Ok(())
}

fn note_rows(n: &ExportNote) -> impl Iterator<Item = Row<'_>> {
    n.cards.iter().map(move |c| {
        let (interval, ease) = c.schedule.interval_ease();
        Row {
            path: &n.path,
            line: n.line,
            end_line: n.end_line,
            address: if c.sibling == 0 {
                format!("{}:{}", n.path, n.text_line)
            } else {
                format!("{}:{}#{}", n.path, n.text_line, c.sibling)
            },
            kind: n.kind,
            sibling: c.sibling,
            decks: &n.decks,
            front: &c.front,
            back: &c.back,
            due: due_string(c),
            interval,
            ease,
            state: c.state,
            tags: &n.tags,
        }
    })
}
