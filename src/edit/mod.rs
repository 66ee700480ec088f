//! Edits to notes: planned purely ([`plan`]), applied atomically ([`apply`]).

pub mod apply;
pub mod plan;

use std::ops::Range;

/// Replace `range` of a note's text (which held `old`) with `new`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub old: String,
    pub new: String,
}

/// Applies non-overlapping edits to `text` (in any order).
#[must_use]
pub fn splice(text: &str, edits: &[Edit]) -> String {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| e.range.start);
    let mut out = String::with_capacity(text.len() + 64 * edits.len());
    let mut pos = 0;
    for e in sorted {
        out.push_str(&text[pos..e.range.start]);
        out.push_str(&e.new);
        pos = e.range.end;
    }
    out.push_str(&text[pos..]);
    out
}

/// A unified diff of `old` → `new` for `path` (as `patch -p1` applies it).
#[must_use]
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}
