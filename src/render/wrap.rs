//! Blocks → rows of a given width: word wrapping by display width, code
//! frames, prefixes.
//!
//! Text breaks at spaces and around wide (CJK) characters; a word longer
//! than a row is split across rows. Code is never reflowed: a code line
//! longer than its frame continues on the next row after a dim `↪`.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::markdown::{Block, Kind, push_span};
use super::{Line, Look, Span, fit, table};

/// The marker that starts the continuation of a code line cut at the frame.
pub(super) const CONTINUED: &str = "↪";

/// Lays blocks out at `width`; returns the rows and the number of logical
/// lines.
pub(super) fn layout(blocks: &[Block], width: usize) -> (Vec<Line>, usize) {
    let mut out = Vec::new();
    let mut logical = 0;
    for b in blocks {
        let (first, rest) = (fit_prefix(&b.first, width), fit_prefix(&b.rest, width));
        let pw = spans_width(&first).max(spans_width(&rest));
        let avail = width.saturating_sub(pw).max(1);
        let (rows, count): (Vec<Row>, usize) = match &b.kind {
            Kind::Text(spans) => (
                wrap_at(spans, avail)
                    .into_iter()
                    .map(|(spans, start)| Row { spans, logical: 0, start, code: false })
                    .collect(),
                1,
            ),
            Kind::Blank => (vec![Row { spans: Vec::new(), logical: 0, start: 0, code: false }], 1),
            Kind::Rule => (
                vec![Row { spans: vec![Span::dim("─".repeat(avail))], logical: 0, start: 0, code: false }],
                1,
            ),
            Kind::Code { lang, lines } => (code(lang, lines, avail), lines.len() + 2),
            Kind::Table(t) => {
                let mut rows: Vec<Row> = Vec::new();
                for (spans, offset) in table::layout(t, avail) {
                    let start = rows.iter().rev().take_while(|r| r.logical == offset).count();
                    rows.push(Row { spans, logical: offset, start, code: false });
                }
                (rows, t.rows.len() + 1)
            }
        };
        for (i, row) in rows.into_iter().enumerate() {
            let mut spans = if i == 0 { first.clone() } else { rest.clone() };
            if row.spans.is_empty() {
                // An empty row shows no dangling prefix spaces.
                if let Some(last) = spans.last_mut() {
                    last.text = last.text.trim_end().to_owned();
                }
                spans.retain(|s| !s.text.is_empty());
            }
            for s in row.spans {
                push_span(&mut spans, &s.text, s.look);
            }
            out.push(Line { spans, code_block: row.code, logical: logical + row.logical, start: row.start });
        }
        logical += count;
    }
    (out, logical)
}

/// One row of a block before its prefix: its logical line (relative to
/// the block's first) and where in that line it starts.
struct Row {
    spans: Vec<Span>,
    logical: usize,
    start: usize,
    code: bool,
}

/// A prefix no wider than half the row: deep nesting gives way to the text
/// (its outer part is dropped first).
fn fit_prefix(prefix: &[Span], width: usize) -> Vec<Span> {
    let max = width / 2;
    let mut w = spans_width(prefix);
    if w <= max {
        return prefix.to_vec();
    }
    let mut out = Vec::new();
    for s in prefix {
        let mut text = String::new();
        for c in s.text.chars() {
            if w > max {
                w -= c.width().unwrap_or(0);
            } else {
                text.push(c);
            }
        }
        push_span(&mut out, &text, s.look);
    }
    out
}

pub(super) fn spans_width(spans: &[Span]) -> usize {
    spans.iter().map(|s| s.text.width()).sum()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum AtomKind {
    Space,
    Word,
    Wide,
}

/// An unbreakable run of characters (`flat[start..end]`).
struct Atom {
    kind: AtomKind,
    start: usize,
    end: usize,
    width: usize,
}

/// Wraps styled text to rows of at most `avail` columns (at least one row).
pub(super) fn wrap(spans: &[Span], avail: usize) -> Vec<Vec<Span>> {
    wrap_at(spans, avail).into_iter().map(|(r, _)| r).collect()
}

/// [`wrap`], with the character index in the text each row starts at.
fn wrap_at(spans: &[Span], avail: usize) -> Vec<(Vec<Span>, usize)> {
    let flat: Vec<(char, Look, usize)> =
        spans.iter().flat_map(|s| s.text.chars().map(move |c| (c, s.look, c.width().unwrap_or(0)))).collect();
    let mut atoms: Vec<Atom> = Vec::new();
    for (i, &(c, _, w)) in flat.iter().enumerate() {
        let kind = if c == ' ' {
            AtomKind::Space
        } else if w >= 2 {
            AtomKind::Wide
        } else {
            AtomKind::Word
        };
        match atoms.last_mut() {
            // Zero-width characters (combining marks) stay with what they follow.
            Some(a) if w == 0 && a.kind != AtomKind::Space => {
                a.end = i + 1;
            }
            Some(a) if a.kind == kind && kind != AtomKind::Wide => {
                a.end = i + 1;
                a.width += w;
            }
            _ => atoms.push(Atom { kind, start: i, end: i + 1, width: w }),
        }
    }
    let mut rows: Vec<Vec<usize>> = Vec::new();
    let mut cur: Vec<usize> = Vec::new();
    let mut cur_w = 0;
    let mut pending: Option<&Atom> = None;
    for a in &atoms {
        if a.kind == AtomKind::Space {
            if cur.is_empty() && !rows.is_empty() {
                continue;
            }
            pending = Some(a);
            continue;
        }
        let sw = pending.map_or(0, |p| p.width);
        if cur_w + sw + a.width <= avail {
            if let Some(p) = pending.take() {
                cur.extend(p.start..p.end);
                cur_w += p.width;
            }
            cur.extend(a.start..a.end);
            cur_w += a.width;
            continue;
        }
        let room = avail.saturating_sub(cur_w + sw);
        if a.width <= avail || room < (avail / 3).min(8) {
            if !cur.is_empty() {
                rows.push(std::mem::take(&mut cur));
                cur_w = 0;
            }
            pending = None;
        } else if let Some(p) = pending.take() {
            cur.extend(p.start..p.end);
            cur_w += p.width;
        }
        if a.width <= avail {
            cur.extend(a.start..a.end);
            cur_w += a.width;
            continue;
        }
        // Longer than a row: split it where the row ends.
        for (i, &(_, _, w)) in flat.iter().enumerate().take(a.end).skip(a.start) {
            if cur_w + w > avail && cur_w > 0 {
                rows.push(std::mem::take(&mut cur));
                cur_w = 0;
            }
            cur.push(i);
            cur_w += w;
        }
    }
    if !cur.is_empty() || rows.is_empty() {
        rows.push(cur);
    }
    rows.into_iter()
        .map(|r| {
            let start = r.first().copied().unwrap_or(0);
            let mut spans = Vec::new();
            for i in r {
                let (c, look, _) = flat[i];
                let mut b = [0u8; 4];
                push_span(&mut spans, c.encode_utf8(&mut b), look);
            }
            (spans, start)
        })
        .collect()
}

/// Cuts one code line into rows of at most `avail` columns, each with the
/// character index it starts at; the rows after the first start with
/// [`CONTINUED`].
fn cut(spans: &[Span], avail: usize) -> Vec<(Vec<Span>, usize)> {
    let marker = avail >= 2;
    let mut rows = Vec::new();
    let mut cur = Vec::new();
    let mut cur_w = 0;
    let mut start = 0;
    let mut at = 0;
    for s in spans {
        for c in s.text.chars() {
            let w = c.width().unwrap_or(0);
            if cur_w + w > avail && cur_w > 0 {
                rows.push((std::mem::take(&mut cur), start));
                start = at;
                cur_w = 0;
                if marker {
                    cur.push(Span::dim(CONTINUED));
                    cur_w = 1;
                }
            }
            let mut b = [0u8; 4];
            push_span(&mut cur, c.encode_utf8(&mut b), s.look);
            cur_w += w;
            at += 1;
        }
    }
    rows.push((cur, start));
    rows
}

/// A code block: a frame with the language in its top edge when there is
/// room, else the lines as they are; every line cut at the frame.
fn code(lang: &str, lines: &[Vec<Span>], avail: usize) -> Vec<Row> {
    let row = |spans, logical, start| Row { spans, logical, start, code: true };
    let mut out = Vec::new();
    if avail < 10 {
        if !lang.is_empty() {
            out.push(row(vec![Span::dim(fit(&format!("[{lang}]"), avail))], 0, 0));
        }
        for (k, l) in lines.iter().enumerate() {
            out.extend(cut(l, avail).into_iter().map(|(r, start)| row(r, k + 1, start)));
        }
        return out;
    }
    let content = lines.iter().map(|l| spans_width(l)).max().unwrap_or(0);
    let lang_w = lang.width();
    let fw = avail.min((content + 4).max(if lang.is_empty() { 4 } else { lang_w + 6 }));
    let inner = fw - 4;
    let top = if lang.is_empty() {
        format!("┌{}┐", "─".repeat(fw - 2))
    } else {
        let l = fit(lang, fw - 6);
        format!("┌─ {l} {}┐", "─".repeat(fw - 5 - l.width()))
    };
    out.push(row(vec![Span::dim(top)], 0, 0));
    for (k, l) in lines.iter().enumerate() {
        for (r, start) in cut(l, inner) {
            let pad = inner - spans_width(&r);
            let mut spans = vec![Span::dim("│ ")];
            spans.extend(r);
            spans.push(Span::new(" ".repeat(pad), Look::default()));
            spans.push(Span::dim(" │"));
            out.push(row(spans, k + 1, start));
        }
    }
    out.push(row(vec![Span::dim(format!("└{}┘", "─".repeat(fw - 2)))], lines.len() + 1, 0));
    out
}
