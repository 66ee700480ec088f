//! JSON as recall writes it, for every `--json` command and the JSON
//! export: serde_json's output with the invisible characters that could
//! hide or reorder text escaped as `\uXXXX`.
//!
//! serde_json escapes only what JSON requires (`"`, `\` and C0 controls),
//! so a card holding a C1 control (`U+009B`, a terminal's CSI) or a
//! bidirectional override (`U+202E`) came out raw: harmless to a parser,
//! but a trap for anyone who reads the JSON on a terminal or in an editor.
//! The escapes change no value: every JSON reader reads the same string.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};

/// True for the characters written as `\uXXXX`: C1 controls, the
/// bidirectional marks, embeddings, overrides and isolates, and the line
/// and paragraph separators.
#[must_use]
pub fn needs_escape(c: char) -> bool {
    matches!(
        c,
        '\u{80}'..='\u{9f}'
            | '\u{061c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
    )
}

/// A formatter that escapes [`needs_escape`] characters and leaves the
/// layout to `F`.
struct Escaping<F>(F);

impl<F: Formatter> Formatter for Escaping<F> {
    fn write_string_fragment<W: ?Sized + Write>(&mut self, w: &mut W, fragment: &str) -> io::Result<()> {
        let mut from = 0;
        for (i, c) in fragment.char_indices() {
            if needs_escape(c) {
                w.write_all(&fragment.as_bytes()[from..i])?;
                write!(w, "\\u{:04x}", c as u32)?;
                from = i + c.len_utf8();
            }
        }
        w.write_all(&fragment.as_bytes()[from..])
    }

    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }

    fn end_object_key<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_key(w)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// Writes `value` as compact JSON (one line).
pub fn to_writer<W: Write, T: ?Sized + Serialize>(w: W, value: &T) -> serde_json::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(w, Escaping(CompactFormatter));
    value.serialize(&mut ser)
}

/// Writes `value` as indented JSON (two spaces, serde_json's pretty layout).
pub fn to_writer_pretty<W: Write, T: ?Sized + Serialize>(w: W, value: &T) -> serde_json::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(w, Escaping(PrettyFormatter::new()));
    value.serialize(&mut ser)
}

/// `value` as compact JSON text.
pub fn to_string<T: ?Sized + Serialize>(value: &T) -> serde_json::Result<String> {
    let mut buf = Vec::new();
    to_writer(&mut buf, value)?;
    // Only valid UTF-8 goes in, and every escape is ASCII.
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn c1_and_bidi_controls_are_escaped_and_read_back_the_same() {
        let v =
            json!({"front": "a\u{9b}31mb\u{202e}c\u{2066}d\u{200f}e", "ok": "日本語 👩\u{200d}💻 \"q\"\n"});
        let s = to_string(&v).expect("json");
        assert_eq!(s, r#"{"front":"a\u009b31mb\u202ec\u2066d\u200fe","ok":"日本語 👩‍💻 \"q\"\n"}"#);
        assert_eq!(serde_json::from_str::<serde_json::Value>(&s).expect("parses"), v);
        for c in [
            '\u{80}', '\u{9f}', '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{2067}', '\u{2068}',
            '\u{2069}',
        ] {
            let s = to_string(&c.to_string()).expect("json");
            assert!(s.is_ascii(), "{c:?}: {s}");
        }
    }

    #[test]
    fn the_pretty_layout_is_serde_jsons() {
        let v = json!({"a": [1, {"b": "x\u{202e}"}], "c": {}});
        let mut ours = Vec::new();
        to_writer_pretty(&mut ours, &v).expect("json");
        let theirs = serde_json::to_string_pretty(&v).expect("json").replace('\u{202e}', "\\u202e");
        assert_eq!(String::from_utf8(ours).expect("utf-8"), theirs);
    }
}
