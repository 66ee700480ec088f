//! Making note text safe to print on a terminal.
//!
//! No control character or escape sequence from a note may reach the
//! terminal: C0 controls (except newline and tab), DEL, C1 controls and the
//! bidirectional overrides are replaced by visible symbols (`␛` for ESC).

/// Replaces control characters with visible stand-ins. Newlines and tabs stay.
#[must_use]
pub fn sanitize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\t' => out.push(c),
            '\u{1b}' => out.push('␛'),
            '\u{7f}' => out.push('␡'),
            c if (c as u32) < 0x20 => {
                out.push(char::from_u32(0x2400 + c as u32).unwrap_or('�'));
            }
            '\u{80}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => out.push('�'),
            c => out.push(c),
        }
    }
    out
}

/// Sanitises and puts everything on one line (newlines become ` ⏎ `).
#[must_use]
pub fn one_line(s: &str) -> String {
    sanitize(s).replace('\n', " ⏎ ").replace('\t', " ")
}

/// Cuts `s` to at most `width` terminal columns (wide CJK characters count two), with `…` when cut.
#[must_use]
pub fn truncate(s: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    if unicode_width::UnicodeWidthStr::width(s) <= width {
        return s.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_become_visible() {
        assert_eq!(sanitize("a\u{1b}[2Jb\u{7}c\r"), "a␛[2Jb␇c␍");
        assert_eq!(sanitize("ok\n\tfine ✓"), "ok\n\tfine ✓");
        assert_eq!(sanitize("\u{9b}x\u{202e}"), "�x�");
    }

    #[test]
    fn one_line_and_truncate() {
        assert_eq!(one_line("a\nb"), "a ⏎ b");
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
    }
}
