//! The renderer's shortcut: markdown that no rule touches renders as
//! itself (its line breaks as `<br />`), and so do wikilinks of such text,
//! as their alias or target. Most fields are such text; the renderer gives
//! the same at many times the cost (the tests compare both on any text).

use super::{CLOSE, OPEN};
use crate::parse::lines::find;

/// True when `md` renders as itself, its line breaks as `<br />`: lines of
/// text that no markdown rule touches (no character that starts markup,
/// escapes or entities, no list marker or indent at a line's start, no
/// white space at either end of a line, no blank line), so the HTML is the
/// text (the renderer leaves `"` alone in text). With `tokens`, cloze tokens
/// may appear (they stand for deletions). Most answers are such text; the
/// renderer gives the same at many times the cost (the tests check it does).
pub(super) fn is_plain(md: &str, tokens: bool) -> bool {
    !md.is_empty() && !md.contains('\r') && md.split('\n').all(|line| plain_line(line, tokens))
}

fn plain_line(line: &str, tokens: bool) -> bool {
    let bytes = line.as_bytes();
    let (Some(first), Some(last)) = (line.chars().next(), line.chars().next_back()) else { return false };
    if first.is_whitespace() || last.is_whitespace() || matches!(first, '-' | '+') {
        return false;
    }
    // `1.` or `1)` at the start is an ordered list.
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits > 0 && matches!(bytes.get(digits), Some(b'.' | b')')) {
        return false;
    }
    // One pass: an ASCII byte must be one no rule reads; a line with other
    // characters must not hold a token (unless tokens may appear).
    let mut ascii = true;
    for &b in bytes {
        if b >= 0x80 {
            ascii = false;
        } else if !PLAIN_ASCII[b as usize] {
            return false;
        }
    }
    ascii || tokens || !line.contains([OPEN, CLOSE])
}

/// The ASCII characters that start no markup, escape or entity anywhere in
/// a line: letters, digits, the space and `.,;:'"?()/@%+-!^`.
const PLAIN_ASCII: [bool; 128] = {
    let mut t = [false; 128];
    let mut b = 0;
    while b < 128 {
        t[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    let punct = b" .,;:'\"?()/@%+-!^";
    let mut i = 0;
    while i < punct.len() {
        t[punct[i] as usize] = true;
        i += 1;
    }
    t
};

/// Plain text (see [`is_plain`]) as HTML: its line breaks become `<br />`.
pub(super) fn push_plain(out: &mut String, text: &str) {
    let mut lines = text.split('\n');
    if let Some(first) = lines.next() {
        out.push_str(first);
    }
    for line in lines {
        out.push_str("<br />\n");
        out.push_str(line);
    }
}

/// `md` as the renderer gives it when it is plain text (see [`is_plain`])
/// but for wikilinks `[[target]]`, `[[target|alias]]` or
/// `[[target\|alias]]` (as in a table) whose target and alias are plain
/// text too: a link shows its alias, or its target without one. `None` for
/// any other text, an embed (`![[…]]`) or a link followed by `(` or `[`.
pub(super) fn plain_with_links(md: &str) -> Option<String> {
    if md.is_empty() || md.contains('\r') || find(md, "[[").is_none() {
        return None;
    }
    let mut out = String::with_capacity(md.len());
    // Each line with its links as one plain character: the line's own rules
    // (ends, list markers) are checked on it.
    let mut masked = String::new();
    for (i, line) in md.split('\n').enumerate() {
        if i > 0 {
            out.push_str("<br />\n");
        }
        masked.clear();
        let mut rest = line;
        while let Some(at) = find(rest, "[[") {
            let (before, link) = rest.split_at(at);
            let close = find(&link[2..], "]]")?;
            let after = &link[2 + close + 2..];
            if before.ends_with('!') || after.starts_with(['(', '[']) {
                return None;
            }
            let shown = link_text(&link[2..2 + close])?;
            masked.push_str(before);
            masked.push('x');
            out.push_str(before);
            out.push_str(shown);
            rest = after;
        }
        masked.push_str(rest);
        out.push_str(rest);
        if !plain_line(&masked, false) {
            return None;
        }
    }
    Some(out)
}

/// What a wikilink between `[[` and `]]` shows, when its target and alias
/// are plain text.
fn link_text(inner: &str) -> Option<&str> {
    let (target, alias) = match inner.split_once('|') {
        Some((t, a)) => (t.strip_suffix('\\').unwrap_or(t), Some(a)),
        None => (inner, None),
    };
    let plain = |s: &str| plain_line(s, false);
    (plain(target) && alias.is_none_or(plain)).then_some(alias.unwrap_or(target))
}
