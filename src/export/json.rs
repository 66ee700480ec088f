//! JSON: the `cards --json` rows (one object per card, in path, line and
//! sibling order) with the note's tags added.

use std::io::{self, Write};

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{ExportNote, due_string};
use crate::parse::{CardSchedule, CardState, QuestionKind};
use crate::schedule::fsrs::{MemoryView, Parameters};

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
    let rows: Vec<Row> = notes
        .iter()
        .flat_map(|n| {
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
                    memory: MemoryView::of(
                        match &c.schedule {
                            CardSchedule::Fsrs(f) => Some(f),
                            CardSchedule::New | CardSchedule::Sm2 { .. } => None,
                        },
                        params,
                        now,
                    ),
                    tags: &n.tags,
                }
            })
        })
        .collect();
    crate::json::to_writer_pretty(&mut *out, &rows)?;
    writeln!(out)
}
