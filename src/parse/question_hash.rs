//! The question hash: the plugin's `cyrb53` of a question's text without its
//! schedule, in hex. It names a question across edits that move it (the
//! review log, the bury list, relocating a card after its note changed).
//!
//! [`QuestionHash`] derefs to `str`, prints and serializes as the bare hex,
//! so holding one instead of a `String` changes no output. A note review's
//! log record has the empty hash ([`QuestionHash::default`]).

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Serialize};

/// A question's hash, as [`super::Question::hash`] computes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct QuestionHash(String);

impl QuestionHash {
    /// A hash as written (in the log, the bury list, a test).
    #[must_use]
    pub fn new(hex: impl Into<String>) -> QuestionHash {
        QuestionHash(hex.into())
    }

    /// The hash of a question whose `cyrb53` is `value` (lowercase hex, as
    /// the plugin prints it).
    #[must_use]
    pub fn of_value(value: u64) -> QuestionHash {
        QuestionHash(format!("{value:x}"))
    }

    /// The value this hash was printed from by [`QuestionHash::of_value`];
    /// `None` for text it cannot print (upper case, a leading zero, not
    /// hex), which is no question's hash.
    #[must_use]
    pub fn value(&self) -> Option<u64> {
        let canonical = !self.0.is_empty()
            && (self.0 == "0" || !self.0.starts_with('0'))
            && self.0.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        canonical.then(|| u64::from_str_radix(&self.0, 16).ok()).flatten()
    }

    /// The hash as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for QuestionHash {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for QuestionHash {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for QuestionHash {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for QuestionHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for QuestionHash {
    fn from(s: String) -> QuestionHash {
        QuestionHash(s)
    }
}

impl From<&str> for QuestionHash {
    fn from(s: &str) -> QuestionHash {
        QuestionHash(s.to_owned())
    }
}

impl From<QuestionHash> for String {
    fn from(h: QuestionHash) -> String {
        h.0
    }
}

impl PartialEq<str> for QuestionHash {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for QuestionHash {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for QuestionHash {
    fn eq(&self, other: &String) -> bool {
        &self.0 == other
    }
}

impl PartialEq<QuestionHash> for str {
    fn eq(&self, other: &QuestionHash) -> bool {
        self == other.0
    }
}

impl PartialEq<QuestionHash> for &str {
    fn eq(&self, other: &QuestionHash) -> bool {
        *self == other.0
    }
}

impl PartialEq<QuestionHash> for String {
    fn eq(&self, other: &QuestionHash) -> bool {
        *self == other.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_and_serializes_as_the_bare_hex() {
        let h = QuestionHash::new("1a2b");
        assert_eq!(h.to_string(), "1a2b");
        assert_eq!(serde_json::to_string(&h).expect("json"), "\"1a2b\"");
        assert_eq!(h, "1a2b");
        assert!(QuestionHash::default().is_empty());
    }

    #[test]
    fn a_value_round_trips_and_other_text_has_none() {
        for v in [0, 1, 0xa, 0x1f_ffff_ffff_ffff, u64::MAX] {
            assert_eq!(QuestionHash::of_value(v).value(), Some(v), "{v:x}");
        }
        assert_eq!(QuestionHash::of_value(0x1a2b).as_str(), "1a2b");
        for text in ["", "01a", "1A2B", "xyz", "1a 2b", "+1a", "1_0000_0000_0000_0000"] {
            assert_eq!(QuestionHash::new(text).value(), None, "{text}");
        }
        assert_eq!(QuestionHash::new("10000000000000000").value(), None, "over 64 bits");
    }
}
