//! Making note text safe to print on a terminal.
//!
//! No control character or escape sequence from a note may reach the
//! terminal, and no invisible character may hide text or reorder it: C0
//! controls (except newline and tab) become their control pictures (`␛` for
//! ESC), DEL `␡`; C1 controls, the bidirectional marks, embeddings,
//! overrides and isolates, and the zero-width characters that join or
//! separate nothing visible (zero-width space, word joiner, BOM, the
//! invisible operators, line and paragraph separators) become `�`. The
//! zero-width joiner and non-joiner stay: emoji sequences and scripts such
//! as Persian need them. This is the one rule; everything that shows note
//! text goes through [`sanitize`].

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
            '\u{80}'..='\u{9f}'
            | '\u{061c}'
            | '\u{180e}'
            | '\u{200b}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}' => out.push('�'),
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

/// Cuts `s` to at most `width` terminal columns (a CJK character counts
/// two), with `…` when cut.
#[must_use]
pub fn truncate(s: &str, width: usize) -> String {
    crate::render::fit(s, width)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_become_visible() {
        assert_eq!(sanitize("a\u{1b}[2Jb\u{7}c\r"), "a␛[2Jb␇c␍");
        assert_eq!(sanitize("ok\n\tfine ✓"), "ok\n\tfine ✓");
        assert_eq!(sanitize("\u{9b}x\u{202e}"), "�x�");
        // Invisible characters that could hide or reorder text are shown.
        assert_eq!(sanitize("a\u{200b}b\u{2060}c\u{feff}d\u{200f}e\u{2066}f"), "a�b�c�d�e�f");
        // Joiners that emoji and scripts need stay.
        assert_eq!(sanitize("👩\u{200d}💻 می\u{200c}خواهم"), "👩\u{200d}💻 می\u{200c}خواهم");
    }

    #[test]
    fn one_line_and_truncate() {
        assert_eq!(one_line("a\nb"), "a ⏎ b");
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
        assert_eq!(truncate("漢字かな", 5), "漢字…");
    }
}
