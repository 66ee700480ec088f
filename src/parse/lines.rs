//! Splitting a note into lines while keeping every byte accounted for.
//!
//! A [`Line`] knows where its content starts and ends and where its terminator
//! ends, so `text[line.start..line.end]` is the content and
//! `text[line.end..line.next]` the terminator (`\n`, `\r\n`, `\r` or nothing on
//! the last line). Lines are split on all three terminators, as the plugin sees
//! them after Obsidian's normalisation.

/// One line of a note, as byte offsets into the note's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    /// First byte of the content.
    pub start: usize,
    /// One past the last byte of the content (the terminator starts here).
    pub end: usize,
    /// One past the terminator: where the next line starts.
    pub next: usize,
}

impl Line {
    /// The line's terminator bytes (empty on a last line without newline).
    #[must_use]
    pub fn terminator<'a>(&self, text: &'a str) -> &'a str {
        &text[self.end..self.next]
    }
}

/// Splits `text` into lines. A text ending with a terminator has a final empty
/// line, as `"a\n".split('\n')` does in JavaScript; the plugin counts it.
#[must_use]
pub fn split_lines(text: &str) -> Vec<Line> {
    let bytes = text.as_bytes();
    let mut lines = Vec::with_capacity(bytes.len() / 32 + 1);
    let mut start = 0;
    // Most notes have LF endings only: one pass over the `\n`s suffices.
    if memchr::memchr(b'\r', bytes).is_none() {
        for i in memchr::memchr_iter(b'\n', bytes) {
            lines.push(Line { start, end: i, next: i + 1 });
            start = i + 1;
        }
        lines.push(Line { start, end: bytes.len(), next: bytes.len() });
        return lines;
    }
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                lines.push(Line { start, end: i, next: i + 1 });
                i += 1;
                start = i;
            }
            b'\r' => {
                let next = if bytes.get(i + 1) == Some(&b'\n') { i + 2 } else { i + 1 };
                lines.push(Line { start, end: i, next });
                i = next;
                start = i;
            }
            _ => {
                // Skip quickly to the next terminator.
                match memchr::memchr2(b'\n', b'\r', &bytes[i..]) {
                    Some(off) => i += off,
                    None => i = bytes.len(),
                }
            }
        }
    }
    lines.push(Line { start, end: bytes.len(), next: bytes.len() });
    lines
}

/// `hay.find(needle)`, faster for the short needles the parser uses
/// (`std`'s searcher pays a set-up cost on every call).
#[must_use]
pub fn find(hay: &str, needle: &str) -> Option<usize> {
    match needle.as_bytes() {
        [] => Some(0),
        [b] => memchr::memchr(*b, hay.as_bytes()),
        [first, rest @ ..] => {
            let h = hay.as_bytes();
            let mut from = 0;
            loop {
                // A candidate right after the last one (`:::` looked for
                // in `a::b`) needs no search.
                let at = if h.get(from) == Some(first) {
                    from
                } else {
                    from + memchr::memchr(*first, h.get(from..)?)?
                };
                if starts_with(&h[at + 1..], rest) {
                    return Some(at);
                }
                from = at + 1;
            }
        }
    }
}

/// [`find`] for a needle whose last byte is rare in the text searched and
/// whose first is not (`-->` after a payload full of dates): the search
/// runs on the last byte.
#[must_use]
pub fn find_by_last(hay: &str, needle: &str) -> Option<usize> {
    let Some((&last, head)) = needle.as_bytes().split_last() else {
        return Some(0);
    };
    let h = hay.as_bytes();
    let mut from = head.len();
    while let Some(i) = h.get(from..).and_then(|rest| memchr::memchr(last, rest)) {
        let end = from + i;
        if end >= head.len() && starts_with(&h[end - head.len()..end], head) {
            return Some(end - head.len());
        }
        from = end + 1;
    }
    None
}

/// `hay.starts_with(prefix)` for the few bytes of a needle's rest, compared
/// in place: `[u8]::starts_with` calls the C library's `memcmp` for them,
/// and the call costs more than the compare.
#[inline]
fn starts_with(hay: &[u8], prefix: &[u8]) -> bool {
    hay.len() >= prefix.len() && hay.iter().zip(prefix).all(|(a, b)| a == b)
}

/// `hay.rfind(needle)` with the same speed-up.
#[must_use]
pub fn rfind(hay: &str, needle: &str) -> Option<usize> {
    match needle.as_bytes() {
        [] => Some(hay.len()),
        [first, rest @ ..] => {
            let h = hay.as_bytes();
            let mut end = h.len();
            while let Some(at) = memchr::memrchr(*first, &h[..end]) {
                if starts_with(&h[at + 1..], rest) {
                    return Some(at);
                }
                end = at;
            }
            None
        }
    }
}

/// The first line terminator used in `text`, or `"\n"` when it has none.
#[must_use]
pub fn first_terminator(text: &str, lines: &[Line]) -> &'static str {
    match lines.first().map(|l| l.terminator(text)) {
        Some("\r\n") => "\r\n",
        Some("\r") => "\r",
        _ => "\n",
    }
}

/// Byte ranges of the inline code spans of a line, CommonMark's way: a run
/// of n backticks up to the next run of exactly n.
#[must_use]
pub fn code_spans(line: &str) -> Vec<std::ops::Range<usize>> {
    let b = line.as_bytes();
    let runs: Vec<(usize, usize)> = {
        let mut v = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'`' {
                let start = i;
                while i < b.len() && b[i] == b'`' {
                    i += 1;
                }
                v.push((start, i - start));
            } else {
                i += 1;
            }
        }
        v
    };
    let mut spans = Vec::new();
    let mut k = 0;
    while k < runs.len() {
        let (start, len) = runs[k];
        match runs[k + 1..].iter().position(|&(_, l)| l == len) {
            Some(off) => {
                let (close, _) = runs[k + 1 + off];
                spans.push(start..close + len);
                k += off + 2;
            }
            None => k += 1,
        }
    }
    spans
}

/// True when byte `at` lies inside one of `spans`.
#[must_use]
pub fn inside(spans: &[std::ops::Range<usize>], at: usize) -> bool {
    spans.iter().any(|s| s.contains(&at))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contents(text: &str) -> Vec<(&str, &str)> {
        split_lines(text).iter().map(|l| (&text[l.start..l.end], l.terminator(text))).collect()
    }

    #[test]
    fn splits_on_every_terminator_and_keeps_them() {
        assert_eq!(contents("a\r\nb\nc\rd"), vec![("a", "\r\n"), ("b", "\n"), ("c", "\r"), ("d", "")]);
        assert_eq!(contents("a\n"), vec![("a", "\n"), ("", "")]);
        assert_eq!(contents(""), vec![("", "")]);
        assert_eq!(contents("\r\n\r\n"), vec![("", "\r\n"), ("", "\r\n"), ("", "")]);
    }

    #[test]
    fn find_and_rfind_agree_with_std() {
        for hay in [
            "",
            "a::b::c",
            "<!--SR:x-->-->",
            "éé::é",
            ":",
            "::",
            ">-->",
            "->",
            "2026-01-03,67-->",
            "x---->",
            ":::",
            "a:::b",
            "a::b:::c",
            "::::",
        ] {
            for needle in ["::", ":::", ":", "-->", "<!--SR:", "é", "x"] {
                assert_eq!(find(hay, needle), hay.find(needle), "{hay:?} {needle:?}");
                assert_eq!(rfind(hay, needle), hay.rfind(needle), "{hay:?} {needle:?}");
                assert_eq!(find_by_last(hay, needle), hay.find(needle), "{hay:?} {needle:?}");
            }
        }
    }

    #[test]
    fn lines_cover_every_byte() {
        let text = "x\r\n\ry\n\nz";
        let lines = split_lines(text);
        let mut pos = 0;
        for l in &lines {
            assert_eq!(l.start, pos);
            pos = l.next;
        }
        assert_eq!(pos, text.len());
    }
}
