//! JSON: the `cards --json` rows (one object per card, in path, line and
//! sibling order) with the note's tags added.

use std::io::{self, Write};

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{ExportNote, due_string};
use crate::parse::{CardState, QuestionKind};
use crate::schedule::fsrs::{MemoryView, Parameters};
use crate::schedule::{WholeEase, WholeInterval};

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
    interval: Option<WholeInterval>,
    ease: Option<WholeEase>,
    state: CardState,
    #[serde(flatten)]
    memory: MemoryView,
    tags: &'a [String],
}

/// Writes every card of `notes` as a pretty-printed JSON array; FSRS cards
/// with their memory state and retrievability at `now` under `params`.
pub fn write(
    notes: &[ExportNote],
    params: &Parameters,
    now: DateTime<Utc>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let rows: Vec<Row> = notes.iter().flat_map(|n| note_rows(n, params, now)).collect();
    crate::json::to_writer_pretty(&mut *out, &rows)?;
    writeln!(out)
}

/// One question's cards as elements of the array [`write`] writes, each
/// after `,` and a line break and indented as inside the array: the bytes
/// [`write`] gives are `[`, these for every question with the very first
/// comma left out, then `\n]\n` (`[]\n` when there is none).
pub fn elements(
    n: &ExportNote,
    params: &Parameters,
    now: DateTime<Utc>,
    out: &mut Vec<u8>,
) -> serde_json::Result<()> {
    let mut one = Vec::new();
    for row in note_rows(n, params, now) {
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

fn note_rows<'a>(
    n: &'a ExportNote,
    params: &'a Parameters,
    now: DateTime<Utc>,
) -> impl Iterator<Item = Row<'a>> {
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
            memory: MemoryView::of(c.schedule.fsrs(), params, now),
            tags: &n.tags,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::{Selection, collect};

    fn params() -> Parameters {
        Parameters::plugin(0.9, 36500.0)
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_780_000_000, 0).expect("time")
    }

    #[test]
    fn elements_put_together_are_the_array_write_gives() {
        let dir = tempfile::tempdir().expect("tempdir");
        let notes = [
            (
                "a.md",
                "---\ntags: [x]\n---\n#flashcards\nq1::a1\nq2:::a2\n<!--SR:!2026-01-10,3,250!2026-01-20,5,270-->\n",
            ),
            ("b.md", "no cards here\n"),
            ("c/d.md", "#flashcards/deep\nA ==cloze== and ==\"two\"==\n\nmulti\nline\n?\nback \\ slash\n"),
        ];
        for (p, t) in notes {
            let p = dir.path().join(p);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(&p, t).expect("write");
        }
        let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 15).expect("date");
        let vault = crate::vault::load(dir.path(), &crate::vault::LoadOptions::at_day(day)).expect("load");
        let all = collect(&vault, &Selection { scopes: Vec::new(), decks: Vec::new() }, &|_| 0);
        assert!(all.len() >= 4, "{} questions", all.len());
        for some in [&all[..], &all[..1], &[]] {
            let mut whole = Vec::new();
            write(some, &params(), now(), &mut whole).expect("write");
            let mut parts = Vec::new();
            for n in some {
                elements(n, &params(), now(), &mut parts).expect("elements");
            }
            let streamed = if parts.is_empty() {
                b"[]\n".to_vec()
            } else {
                [&b"["[..], &parts[1..], &b"\n]\n"[..]].concat()
            };
            assert_eq!(String::from_utf8_lossy(&streamed), String::from_utf8_lossy(&whole));
        }
    }
}
