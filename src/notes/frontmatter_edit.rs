//! The minimal edit that writes a note's schedule into its front matter
//! (conformance README, *Note review*), pure.
//!
//! Values: `sr-due: YYYY-MM-DD`, `sr-interval` and `sr-ease` as JavaScript
//! prints numbers. Three shapes:
//!
//! * YAML front matter (first line `---`, closed by the next `---` line):
//!   a top-level `sr-due:` / `sr-interval:` / `sr-ease:` line (with any
//!   indented continuation lines of its value) becomes `key: value`, its
//!   line terminator kept; missing keys are added in the order due,
//!   interval, ease just before the closing `---`, each ending with the
//!   opening line's terminator.
//! * One-line JSON front matter (`---`, one `{...}` line, `---`): existing
//!   values are replaced (`"2024-06-29"`, numbers bare); missing keys are
//!   appended after the last value as `, "sr-due": "…"` (no comma in an
//!   empty object).
//! * No front matter (or a first `---` line that opens none): `---`, the
//!   three lines and `---` go at the very start (after a BOM), in the file's
//!   first line terminator (`\n` when it has none).
//!
//! Nothing else changes: comments, quotes, flow lists, key order, CRLF. The
//! result is read back before it is returned: the edit is refused unless the
//! new front matter is valid and reads exactly the new schedule.

use std::ops::Range;

use crate::edit::{Edit, splice};
use crate::parse::comment::js_number;
use crate::parse::frontmatter::{self, Found};
use crate::parse::lines::{Line, first_terminator, split_lines};
use crate::schedule::Sm2;

/// The three keys, in the order the plugin adds them.
const KEYS: [&str; 3] = ["sr-due", "sr-interval", "sr-ease"];

/// Why no edit could be planned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// The front matter is not valid YAML: Obsidian cannot write it either.
    #[error("the front matter is not valid YAML ({0}); fix it first")]
    InvalidYaml(String),
    /// A `{ ... }` mapping over several lines: no minimal edit is known.
    #[error(
        "the front matter is a `{{...}}` mapping over several lines; recall only edits YAML keys or one-line JSON"
    )]
    FlowMapping,
    /// Keys are only taken out of YAML front matter.
    #[error("the front matter is one-line JSON; recall takes sr- keys out of YAML front matter only")]
    JsonClear,
    /// The edited front matter would not read back as the new schedule.
    #[error("the edited front matter would not read back as the new schedule; nothing was written")]
    NotReadBack,
}

/// The edits that record `next` in the note whose text is `text`.
pub fn plan_edit(text: &str, next: &Sm2) -> Result<Vec<Edit>, EditError> {
    let values =
        [next.due.format("%Y-%m-%d").to_string(), js_number(next.interval.0), js_number(next.ease.0)];
    let lines = note_lines(text);
    let edits = match front_matter(text, &lines)? {
        Some(2) if line(text, &lines[1]).trim_start().starts_with('{') => {
            json_edits(text, &lines[1], &values)?
        }
        Some(close) => yaml_edits(text, &lines, close, &values)?,
        None => vec![insert_front_matter(text, &lines, &values)],
    };
    read_back(text, &edits, &values)?;
    Ok(edits)
}

/// The edits that make a note new again: its top-level `sr-due`,
/// `sr-interval` and `sr-ease` lines (with any continuation lines and their
/// terminators) leave the YAML front matter; nothing else changes. A note
/// without those keys gets no edit.
pub fn plan_clear(text: &str) -> Result<Vec<Edit>, EditError> {
    let lines = note_lines(text);
    let Some(close) = front_matter(text, &lines)? else { return Ok(Vec::new()) };
    let body = &lines[1..close];
    let has_key = |l: &Line| KEYS.iter().any(|k| is_key_line(line(text, l), k));
    if close == 2 && line(text, &lines[1]).trim_start().starts_with('{') {
        let object = scan_object(line(text, &lines[1])).ok_or(EditError::FlowMapping)?;
        return if object.entries.iter().any(|(k, _)| KEYS.contains(&k.as_str())) {
            Err(EditError::JsonClear)
        } else {
            Ok(Vec::new())
        };
    }
    let mut edits = Vec::new();
    let mut k = 0;
    while k < body.len() {
        if !has_key(&body[k]) {
            k += 1;
            continue;
        }
        let more = body[k + 1..].iter().take_while(|l| line(text, l).starts_with([' ', '\t'])).count();
        let range = body[k].start..lines[k + more + 2].start;
        edits.push(Edit { old: text[range.clone()].to_owned(), range, new: String::new() });
        k += more + 1;
    }
    let new_text = splice(text, &edits);
    let new_lines = note_lines(&new_text);
    match frontmatter::find(|i| new_lines.get(i).map(|l| line(&new_text, l))) {
        Found::Closed(fm) if fm.error.is_none() && !fm.sr_keys.any() => Ok(edits),
        _ => Err(EditError::NotReadBack),
    }
}

/// Lines with the first one starting after a BOM, as the parser sees them.
fn note_lines(text: &str) -> Vec<Line> {
    let mut lines = split_lines(text);
    if text.starts_with('\u{feff}')
        && let Some(first) = lines.first_mut()
    {
        first.start += '\u{feff}'.len_utf8();
    }
    lines
}

fn line<'a>(text: &'a str, l: &Line) -> &'a str {
    &text[l.start..l.end]
}

/// The index of the closing `---` line when the note has front matter.
fn front_matter(text: &str, lines: &[Line]) -> Result<Option<usize>, EditError> {
    match frontmatter::find(|i| lines.get(i).map(|l| line(text, l))) {
        Found::Closed(fm) => match fm.error {
            Some(e) => Err(EditError::InvalidYaml(e)),
            None => Ok(Some(fm.end_line)),
        },
        Found::None | Found::Unclosed => Ok(None),
    }
}

/// `key: value` for each key, as YAML lines.
fn yaml_edits(
    text: &str,
    lines: &[Line],
    close: usize,
    values: &[String; 3],
) -> Result<Vec<Edit>, EditError> {
    let body = &lines[1..close];
    if body
        .iter()
        .map(|l| line(text, l))
        .find(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .is_some_and(|l| l.starts_with('{'))
    {
        return Err(EditError::FlowMapping);
    }
    let mut edits = Vec::new();
    let mut missing = String::new();
    let terminator = lines[0].terminator(text);
    for (key, value) in KEYS.iter().zip(values) {
        let new = format!("{key}: {value}");
        if let Some(k) = body.iter().position(|l| is_key_line(line(text, l), key)) {
            // The value may go on over indented lines.
            let last = body[k + 1..].iter().take_while(|l| line(text, l).starts_with([' ', '\t'])).count();
            let range = body[k].start..body[k + last].end;
            edits.push(Edit { old: text[range.clone()].to_owned(), range, new });
        } else {
            missing.push_str(&new);
            missing.push_str(terminator);
        }
    }
    if !missing.is_empty() {
        let at = lines[close].start;
        edits.push(Edit { range: at..at, old: String::new(), new: missing });
    }
    Ok(edits)
}

/// A top-level `key:` line (the key plain or quoted).
fn is_key_line(l: &str, key: &str) -> bool {
    let rest = [key.to_owned(), format!("\"{key}\""), format!("'{key}'")]
        .iter()
        .find_map(|k| l.strip_prefix(k.as_str()).map(str::to_owned));
    let Some(rest) = rest else { return false };
    let rest = rest.trim_start_matches([' ', '\t']);
    rest.strip_prefix(':').is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t']))
}

/// Values replaced or appended in a one-line JSON object.
fn json_edits(text: &str, l: &Line, values: &[String; 3]) -> Result<Vec<Edit>, EditError> {
    let s = line(text, l);
    let object = scan_object(s).ok_or(EditError::FlowMapping)?;
    let json_value = |i: usize, v: &str| if i == 0 { format!("\"{v}\"") } else { v.to_owned() };
    let mut edits = Vec::new();
    let mut missing = String::new();
    let mut first = object.entries.is_empty();
    for (i, (key, value)) in KEYS.iter().zip(values).enumerate() {
        if let Some((_, r)) = object.entries.iter().find(|(k, _)| k == key) {
            let range = l.start + r.start..l.start + r.end;
            edits.push(Edit { old: text[range.clone()].to_owned(), range, new: json_value(i, value) });
        } else {
            if !first {
                missing.push_str(", ");
            }
            first = false;
            missing.push_str(&format!("\"{key}\": {}", json_value(i, value)));
        }
    }
    if !missing.is_empty() {
        let at = l.start + object.append_at;
        edits.push(Edit { range: at..at, old: String::new(), new: missing });
    }
    Ok(edits)
}

/// The top-level entries of a one-line `{...}` object: each key (unquoted)
/// with the byte range of its value, and where new entries go.
struct Object {
    entries: Vec<(String, Range<usize>)>,
    append_at: usize,
}

fn scan_object(s: &str) -> Option<Object> {
    let b = s.as_bytes();
    let skip_ws = |mut i: usize| {
        while b.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        i
    };
    let mut i = skip_ws(0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    let mut append_at = i + 1;
    let mut entries = Vec::new();
    i += 1;
    loop {
        i = skip_ws(i);
        match b.get(i)? {
            b'}' => break,
            b',' if !entries.is_empty() => {
                i = skip_ws(i + 1);
            }
            _ if !entries.is_empty() => return None,
            _ => {}
        }
        if b.get(i) == Some(&b'}') {
            break;
        }
        let (key, after_key) = if let q @ (b'"' | b'\'') = *b.get(i)? {
            let end = quoted_end(b, i, q)?;
            // Keys with escapes never equal ours; no need to decode them.
            (s[i + 1..end - 1].to_owned(), end)
        } else {
            let end = i + s[i..].find(':')?;
            (s[i..end].trim().to_owned(), end)
        };
        i = skip_ws(after_key);
        if b.get(i) != Some(&b':') {
            return None;
        }
        i = skip_ws(i + 1);
        let start = i;
        let mut depth = 0usize;
        while let Some(&c) = b.get(i) {
            match c {
                b'"' | b'\'' => {
                    i = quoted_end(b, i, c)?;
                    continue;
                }
                b'[' | b'{' => depth += 1,
                b']' | b'}' if depth > 0 => depth -= 1,
                b',' | b'}' if depth == 0 => break,
                _ => {}
            }
            i += 1;
        }
        let mut end = i;
        while end > start && b[end - 1].is_ascii_whitespace() {
            end -= 1;
        }
        if end == start {
            return None;
        }
        entries.push((key, start..end));
        append_at = end;
    }
    // Only white space may follow the object.
    s[i + 1..].trim().is_empty().then_some(Object { entries, append_at })
}

/// One past the closing quote of the string opening at `at`.
fn quoted_end(b: &[u8], at: usize, quote: u8) -> Option<usize> {
    let mut i = at + 1;
    while let Some(&c) = b.get(i) {
        if c == b'\\' && quote == b'"' {
            i += 2;
            continue;
        }
        if c == quote {
            return Some(i + 1);
        }
        i += 1;
    }
    None
}

/// New front matter at the start of a note that has none.
fn insert_front_matter(text: &str, lines: &[Line], values: &[String; 3]) -> Edit {
    let t = first_terminator(text, lines);
    let mut new = format!("---{t}");
    for (key, value) in KEYS.iter().zip(values) {
        new.push_str(&format!("{key}: {value}{t}"));
    }
    new.push_str(&format!("---{t}"));
    let at = lines.first().map_or(0, |l| l.start);
    Edit { range: at..at, old: String::new(), new }
}

/// Refuses edits whose result does not read back as `values`.
fn read_back(text: &str, edits: &[Edit], values: &[String; 3]) -> Result<(), EditError> {
    let new_text = splice(text, edits);
    let lines = note_lines(&new_text);
    let Found::Closed(fm) = frontmatter::find(|i| lines.get(i).map(|l| line(&new_text, l))) else {
        return Err(EditError::NotReadBack);
    };
    let keys = &fm.sr_keys;
    let got = [keys.due.as_deref(), keys.interval.as_deref(), keys.ease.as_deref()];
    let want = values.each_ref().map(|v| Some(v.as_str()));
    if fm.error.is_some() || got != want {
        return Err(EditError::NotReadBack);
    }
    Ok(())
}

#[cfg(test)]
mod tests;
