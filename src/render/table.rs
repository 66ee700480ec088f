//! Tables → aligned grids with a header separator.
//!
//! Columns get their natural width when the table fits; otherwise the
//! narrow columns keep theirs and the wide ones share what is left, their
//! cells wrapped. When even that leaves a column fewer than a few columns
//! wide, each row is shown as a record instead (`header: value` lines), so
//! no cell is ever cut.

use pulldown_cmark::Alignment;

use super::markdown::{Table, push_span};
use super::wrap::{spans_width, wrap};
use super::{Look, Span};

const SEP: &str = " │ ";
const SEP_W: usize = 3;
/// Below this many columns a wrapped cell is unreadable: records instead.
const MIN_COL: usize = 4;

/// The table's rows at `avail` columns, each with its logical offset: a
/// row's index, counting the header separator as one after the header.
pub(super) fn layout(t: &Table, avail: usize) -> Vec<(Vec<Span>, usize)> {
    let n = t.rows.iter().map(Vec::len).max().unwrap_or(0);
    if n == 0 {
        return Vec::new();
    }
    let natural: Vec<usize> = (0..n)
        .map(|c| {
            t.rows.iter().filter_map(|r| r.get(c)).map(|cell| spans_width(cell)).max().unwrap_or(0).max(1)
        })
        .collect();
    let seps = SEP_W * (n - 1);
    let widths = if natural.iter().sum::<usize>() + seps <= avail {
        natural
    } else {
        let mut widths = vec![0; n];
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by_key(|&c| natural[c]);
        let mut left = avail.saturating_sub(seps);
        for (k, &c) in order.iter().enumerate() {
            let share = left / (n - k);
            widths[c] = natural[c].min(share);
            left -= widths[c];
        }
        if widths.iter().zip(&natural).any(|(&w, &nat)| w < nat.min(MIN_COL)) {
            return records(t, avail);
        }
        widths
    };
    let mut out = Vec::new();
    for (ri, row) in t.rows.iter().enumerate() {
        let head = ri < t.head;
        let cells: Vec<Vec<Vec<Span>>> = (0..n)
            .map(|c| {
                let cell = row.get(c).map_or(&[][..], Vec::as_slice);
                let cell = if head { bolden(cell) } else { cell.to_vec() };
                wrap(&cell, widths[c])
            })
            .collect();
        let height = cells.iter().map(Vec::len).max().unwrap_or(1);
        let offset = if ri < t.head { ri } else { ri + 1 };
        for r in 0..height {
            let mut spans = Vec::new();
            for c in 0..n {
                if c > 0 {
                    spans.push(Span::dim(SEP));
                }
                let part = cells[c].get(r).map_or(&[][..], Vec::as_slice);
                let pad = widths[c].saturating_sub(spans_width(part));
                let (before, after) = match t.aligns.get(c) {
                    Some(Alignment::Right) => (pad, 0),
                    Some(Alignment::Center) => (pad / 2, pad - pad / 2),
                    _ => (0, pad),
                };
                push_span(&mut spans, &" ".repeat(before), Look::default());
                for s in part {
                    push_span(&mut spans, &s.text, s.look);
                }
                push_span(&mut spans, &" ".repeat(after), Look::default());
            }
            out.push((spans, offset));
        }
        if ri + 1 == t.head {
            let rule: Vec<String> = widths.iter().map(|&w| "─".repeat(w)).collect();
            out.push((vec![Span::dim(rule.join("─┼─"))], t.head));
        }
    }
    out
}

fn bolden(cell: &[Span]) -> Vec<Span> {
    cell.iter().map(|s| Span::new(s.text.clone(), Look { bold: true, ..s.look })).collect()
}

/// Each body row as `header: value` lines, rows parted by a rule.
fn records(t: &Table, avail: usize) -> Vec<(Vec<Span>, usize)> {
    let header: Vec<String> = t
        .rows
        .get(..t.head)
        .and_then(<[_]>::last)
        .map(|r| r.iter().map(|c| c.iter().map(|s| s.text.as_str()).collect::<String>()).collect())
        .unwrap_or_default();
    let mut out = Vec::new();
    let body: Vec<(usize, &Vec<Vec<Span>>)> = t.rows.iter().enumerate().skip(t.head).collect::<Vec<_>>();
    if body.is_empty() {
        for (ri, row) in t.rows.iter().enumerate() {
            for cell in row {
                out.extend(wrap(&bolden(cell), avail).into_iter().map(|r| (r, ri)));
            }
        }
        return out;
    }
    for (k, (ri, row)) in body.into_iter().enumerate() {
        if k > 0 {
            out.push((vec![Span::dim("─".repeat(avail.min(20)))], ri + 1));
        }
        for (c, cell) in row.iter().enumerate() {
            let label = header
                .get(c)
                .filter(|h| !h.trim().is_empty())
                .cloned()
                .unwrap_or_else(|| format!("{}", c + 1));
            let mut spans =
                vec![Span::new(format!("{}: ", label.trim()), Look { bold: true, ..Look::default() })];
            spans.extend(cell.iter().cloned());
            out.extend(wrap(&spans, avail).into_iter().map(|r| (r, ri + 1)));
        }
    }
    out
}
