//! Body tags the way Obsidian's metadata cache finds them (spec §g.12, an
//! approximation): `#tag` at the start of a line or after white space, not in
//! fenced code blocks or inline code, made of letters, digits and `_-/` (and
//! any non-ASCII character), with at least one character that is not a digit.

/// A tag found in the body of a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// The tag with its leading `#`.
    pub name: String,
    /// 0-based line index.
    pub line: usize,
}

/// Tracks fenced code blocks while lines are fed in order.
#[derive(Debug, Default)]
pub struct FenceState {
    open: Option<(u8, usize)>,
}

impl FenceState {
    /// Feeds one line; returns true when the line is part of a code block
    /// (its fences included).
    #[inline]
    pub fn in_code(&mut self, line: &str) -> bool {
        // Fast path: a line that cannot be a fence keeps the state.
        let b = line.as_bytes();
        let first = b.iter().position(|&c| c != b' ').map(|i| (i, b[i]));
        if !matches!(first, Some((i, b'`' | b'~')) if i <= 3) {
            return self.open.is_some();
        }
        self.feed_fence(line)
    }

    /// [`FenceState::in_code`] for a line that may be a fence.
    fn feed_fence(&mut self, line: &str) -> bool {
        let indent = line.bytes().take_while(|&b| b == b' ').count();
        let rest = &line.as_bytes()[indent.min(line.len())..];
        let fence = if indent <= 3 {
            rest.first()
                .filter(|&&c| c == b'`' || c == b'~')
                .map(|&c| (c, rest.iter().take_while(|&&b| b == c).count()))
                .filter(|&(_, n)| n >= 3)
        } else {
            None
        };
        match (self.open, fence) {
            (None, Some(f)) => {
                self.open = Some(f);
                true
            }
            (Some((c, n)), Some((fc, fnum)))
                if c == fc && fnum >= n && rest.iter().skip(fnum).all(u8::is_ascii_whitespace) =>
            {
                self.open = None;
                true
            }
            (Some(_), _) => true,
            (None, None) => false,
        }
    }
}

/// Characters that end a tag (Obsidian's rule).
#[must_use]
pub fn ends_tag(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '!' | '"'
                | '#'
                | '$'
                | '%'
                | '&'
                | '\''
                | '('
                | ')'
                | '*'
                | '+'
                | ','
                | '.'
                | ':'
                | ';'
                | '<'
                | '='
                | '>'
                | '?'
                | '@'
                | '['
                | '\\'
                | ']'
                | '^'
                | '`'
                | '{'
                | '|'
                | '}'
                | '~'
        )
}

/// Appends the tags of one line (not inside a code block) to `out`.
pub fn line_tags(line: &str, line_no: usize, out: &mut Vec<Tag>) {
    if memchr::memchr(b'#', line.as_bytes()).is_none() {
        return;
    }
    if memchr::memchr(b'`', line.as_bytes()).is_none() {
        // No inline code: only the `#`s need looking at.
        for i in memchr::memchr_iter(b'#', line.as_bytes()) {
            if line[..i].chars().next_back().is_none_or(char::is_whitespace) {
                push_tag(line, i, line_no, out);
            }
        }
        return;
    }
    let mut in_code: Option<usize> = None; // length of the opening backtick run
    let mut prev_ws = true;
    let mut iter = line.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if c == '`' {
            let mut run = 1;
            while iter.peek().is_some_and(|&(_, c)| c == '`') {
                iter.next();
                run += 1;
            }
            in_code = match in_code {
                None if line[i + run..].contains(&"`".repeat(run)) => Some(run),
                Some(open) if open == run => None,
                other => other,
            };
            prev_ws = false;
            continue;
        }
        if in_code.is_none() && c == '#' && prev_ws {
            push_tag(line, i, line_no, out);
        }
        prev_ws = c.is_whitespace();
    }
}

/// Reads the tag whose `#` is at byte `i`, if it is one.
fn push_tag(line: &str, i: usize, line_no: usize, out: &mut Vec<Tag>) {
    let body_start = i + 1;
    let body_end = line[body_start..]
        .char_indices()
        .find(|&(_, ch)| ends_tag(ch))
        .map_or(line.len(), |(j, _)| body_start + j);
    let body = &line[body_start..body_end];
    if !body.is_empty() && !body.bytes().all(|b| b.is_ascii_digit()) {
        out.push(Tag { name: format!("#{body}"), line: line_no });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(line: &str) -> Vec<String> {
        let mut out = Vec::new();
        line_tags(line, 0, &mut out);
        out.into_iter().map(|t| t.name).collect()
    }

    #[test]
    fn finds_tags_like_obsidian() {
        assert_eq!(tags("#flashcards/kafka #exam"), vec!["#flashcards/kafka", "#exam"]);
        assert_eq!(tags("prose with a #flashcards/x tag"), vec!["#flashcards/x"]);
        assert_eq!(tags("# Heading"), Vec::<String>::new());
        assert_eq!(tags("## H2 #t"), vec!["#t"]);
        assert_eq!(tags("issue #123 and #1a"), vec!["#1a"]);
        assert_eq!(tags("a#b url/#x"), Vec::<String>::new());
        assert_eq!(tags("`#flashcards` inline::x"), Vec::<String>::new());
        assert_eq!(tags("end #tag."), vec!["#tag"]);
    }

    #[test]
    fn fences_hide_tags() {
        let mut f = FenceState::default();
        assert!(!f.in_code("text"));
        assert!(f.in_code("```"));
        assert!(f.in_code("#flashcards"));
        assert!(f.in_code("```"));
        assert!(!f.in_code("after"));
        assert!(f.in_code("~~~~"));
        assert!(f.in_code("~~~"));
        assert!(f.in_code("~~~~"));
        assert!(!f.in_code("x"));
    }
}
