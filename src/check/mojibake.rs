//! Mojibake repair: text whose UTF-8 bytes were decoded as Mac Roman or
//! Windows-1252 (and saved again as UTF-8).
//!
//! Repair re-encodes the text with the code page (every character must
//! exist in it) and decodes the bytes as UTF-8. A repair is reported only
//! when those bytes are valid UTF-8 and give a different text, so ordinary
//! accented text (`café`: `é` is a lone byte, never valid UTF-8) is left
//! alone. Text garbled twice is repaired twice.

/// The code page a text was wrongly decoded with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodePage {
    MacRoman,
    Windows1252,
}

impl CodePage {
    /// The name used in messages.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            CodePage::MacRoman => "Mac Roman",
            CodePage::Windows1252 => "Windows-1252",
        }
    }

    /// The characters of bytes 0x80..=0xFF in this code page.
    fn high_half(self) -> &'static [char; 128] {
        match self {
            CodePage::MacRoman => &MAC_ROMAN,
            CodePage::Windows1252 => &WINDOWS_1252,
        }
    }

    /// The byte that `c` is in this code page, if it has one.
    #[must_use]
    pub fn encode_char(self, c: char) -> Option<u8> {
        if c.is_ascii() {
            return Some(c as u8);
        }
        if let Some(i) = self.high_half().iter().position(|&h| h == c) {
            return Some(0x80 + i as u8);
        }
        match (self, c) {
            // Before 1998 Mac Roman had the currency sign where the euro is now.
            (CodePage::MacRoman, '\u{a4}') => Some(0xdb),
            _ => None,
        }
    }

    /// The text as bytes of this code page; `None` when a character has no byte.
    #[must_use]
    pub fn encode(self, s: &str) -> Option<Vec<u8>> {
        s.chars().map(|c| self.encode_char(c)).collect()
    }
}

/// Bytes 0x80..=0xFF of Mac Roman (Apple's mapping, with the euro at 0xDB).
const MAC_ROMAN: [char; 128] = [
    'Ä', 'Å', 'Ç', 'É', 'Ñ', 'Ö', 'Ü', 'á', 'à', 'â', 'ä', 'ã', 'å', 'ç', 'é', 'è', //
    'ê', 'ë', 'í', 'ì', 'î', 'ï', 'ñ', 'ó', 'ò', 'ô', 'ö', 'õ', 'ú', 'ù', 'û', 'ü', //
    '†', '°', '¢', '£', '§', '•', '¶', 'ß', '®', '©', '™', '´', '¨', '≠', 'Æ', 'Ø', //
    '∞', '±', '≤', '≥', '¥', 'µ', '∂', '∑', '∏', 'π', '∫', 'ª', 'º', 'Ω', 'æ', 'ø', //
    '¿', '¡', '¬', '√', 'ƒ', '≈', '∆', '«', '»', '…', '\u{a0}', 'À', 'Ã', 'Õ', 'Œ', 'œ', //
    '–', '—', '“', '”', '‘', '’', '÷', '◊', 'ÿ', 'Ÿ', '⁄', '€', '‹', '›', 'ﬁ', 'ﬂ', //
    '‡', '·', '‚', '„', '‰', 'Â', 'Ê', 'Á', 'Ë', 'È', 'Í', 'Î', 'Ï', 'Ì', 'Ó', 'Ô', //
    '\u{f8ff}', 'Ò', 'Ú', 'Û', 'Ù', 'ı', 'ˆ', '˜', '¯', '˘', '˙', '˚', '¸', '˝', '˛', 'ˇ', //
];

/// Bytes 0x80..=0xFF of Windows-1252. The five bytes it leaves undefined
/// map to the C1 controls of the same value, as browsers decode them.
const WINDOWS_1252: [char; 128] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}', //
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ', //
    '\u{a0}', '¡', '¢', '£', '¤', '¥', '¦', '§', '¨', '©', 'ª', '«', '¬', '\u{ad}', '®', '¯', //
    '°', '±', '²', '³', '´', 'µ', '¶', '·', '¸', '¹', 'º', '»', '¼', '½', '¾', '¿', //
    'À', 'Á', 'Â', 'Ã', 'Ä', 'Å', 'Æ', 'Ç', 'È', 'É', 'Ê', 'Ë', 'Ì', 'Í', 'Î', 'Ï', //
    'Ð', 'Ñ', 'Ò', 'Ó', 'Ô', 'Õ', 'Ö', '×', 'Ø', 'Ù', 'Ú', 'Û', 'Ü', 'Ý', 'Þ', 'ß', //
    'à', 'á', 'â', 'ã', 'ä', 'å', 'æ', 'ç', 'è', 'é', 'ê', 'ë', 'ì', 'í', 'î', 'ï', //
    'ð', 'ñ', 'ò', 'ó', 'ô', 'õ', 'ö', '÷', 'ø', 'ù', 'ú', 'û', 'ü', 'ý', 'þ', 'ÿ', //
];

/// A repaired text and the code page that garbled it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repair {
    pub text: String,
    pub code_page: CodePage,
}

/// One repair step over both code pages. When both give valid UTF-8 (rare:
/// `cafÃ©` is also Mac Roman for `caf` + a combining mark), the result with
/// fewer unlikely characters wins, then the shorter one.
fn repair_once(s: &str) -> Option<Repair> {
    if s.is_ascii() {
        return None;
    }
    [CodePage::MacRoman, CodePage::Windows1252]
        .into_iter()
        .filter_map(|cp| {
            let text = String::from_utf8(cp.encode(s)?).ok()?;
            (text != s).then_some(Repair { text, code_page: cp })
        })
        .min_by_key(|r| (unlikely(&r.text), r.text.chars().count()))
}

/// Characters that rarely appear in real text: combining marks, C1
/// controls, private use.
fn unlikely(s: &str) -> usize {
    s.chars()
        .filter(|&c| matches!(c, '\u{300}'..='\u{36f}' | '\u{80}'..='\u{9f}' | '\u{e000}'..='\u{f8ff}'))
        .count()
}

/// Repairs mojibake in `s`, or `None` when `s` is not mojibake.
#[must_use]
pub fn repair(s: &str) -> Option<Repair> {
    let mut best = repair_once(s)?;
    // Text garbled more than once: undo each layer (a few at most).
    for _ in 0..3 {
        match repair_once(&best.text) {
            Some(next) => best.text = next.text,
            None => break,
        }
    }
    Some(best)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Garbles `s` the way a wrong decoder does.
    fn garble(s: &str, cp: CodePage) -> String {
        s.bytes().map(|b| if b < 0x80 { b as char } else { cp.high_half()[usize::from(b - 0x80)] }).collect()
    }

    #[test]
    fn the_seed_tags_repair_to_emoji() {
        // The user's front matter: UTF-8 of 📖 and ♣️ decoded as Mac Roman.
        let book = "\u{f8ff}\u{fc}\u{ec}\u{f1}";
        assert_eq!(book, garble("📖", CodePage::MacRoman));
        let r = repair(book).expect("mojibake");
        assert_eq!(r.text, "📖");
        assert_eq!(r.code_page, CodePage::MacRoman);
        let club = "\u{201a}\u{f4}\u{a3}\u{d4}\u{220f}\u{e8}/kafka";
        assert_eq!(repair(club).map(|r| r.text), Some("♣️/kafka".to_owned()));
    }

    #[test]
    fn windows_1252_round_trips() {
        for s in ["café", "naïve résumé", "Straße", "日本語", "emoji 🎉", "“quotes” – dash"] {
            let g = garble(s, CodePage::Windows1252);
            assert_ne!(g, s);
            let r = repair(&g).expect("repairable");
            assert_eq!(r.text, s, "{g}");
        }
    }

    #[test]
    fn mac_roman_round_trips() {
        for s in ["café", "Grüße", "日本語", "♣️/kafka", "📖"] {
            let g = garble(s, CodePage::MacRoman);
            assert_eq!(repair(&g).map(|r| r.text).as_deref(), Some(s), "{g}");
        }
    }

    #[test]
    fn tables_are_bijective() {
        for cp in [CodePage::MacRoman, CodePage::Windows1252] {
            for b in 0x80u8..=0xff {
                let c = cp.high_half()[usize::from(b - 0x80)];
                assert_eq!(cp.encode_char(c), Some(b), "{cp:?} {b:#x}");
            }
        }
    }

    #[test]
    fn ordinary_text_is_not_mojibake() {
        for s in ["café", "naïve", "ascii/tag", "flashcards/日本語", "📖", "♣️/kafka", "Ölçü", "€5"]
        {
            assert_eq!(repair(s), None, "{s}");
        }
    }

    #[test]
    fn double_garbling_is_undone() {
        let once = garble("é", CodePage::Windows1252);
        let twice = garble(&once, CodePage::Windows1252);
        assert_eq!(repair(&twice).map(|r| r.text).as_deref(), Some("é"));
    }
}
