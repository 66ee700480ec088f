//! A vault-relative note path (`Kafka/Producer.md`, `/` separators, no
//! leading `/`): the one place that knows where its folder ends.
//!
//! [`NotePath`] derefs to `str`, prints and serializes as the bare path, so
//! holding one instead of a `String` changes no output. Code that only has
//! a `&str` asks [`folder`] and [`file_name`], the same rule.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Serialize};

/// A note's path relative to the vault root, with `/` separators.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct NotePath(String);

impl NotePath {
    /// The path as given (the caller makes it vault-relative with `/`).
    #[must_use]
    pub fn new(path: impl Into<String>) -> NotePath {
        NotePath(path.into())
    }

    /// The path as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The folder of the note (`Kafka` for `Kafka/Producer.md`), `None` at
    /// the vault's root.
    #[must_use]
    pub fn folder(&self) -> Option<&str> {
        folder(&self.0)
    }

    /// The file's name (`Producer.md` for `Kafka/Producer.md`).
    #[must_use]
    pub fn file_name(&self) -> &str {
        file_name(&self.0)
    }

    /// The path as a `String`.
    #[must_use]
    pub fn into_string(self) -> String {
        self.0
    }
}

/// The folder of a vault-relative path, `None` at the root.
#[must_use]
pub fn folder(path: &str) -> Option<&str> {
    path.rfind('/').map(|i| &path[..i])
}

/// The folder of a vault-relative path, `""` at the root.
#[must_use]
pub fn folder_or_root(path: &str) -> &str {
    folder(path).unwrap_or("")
}

/// The last part of a `/`-separated path.
#[must_use]
pub fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

impl Deref for NotePath {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for NotePath {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl AsRef<std::path::Path> for NotePath {
    fn as_ref(&self) -> &std::path::Path {
        std::path::Path::new(&self.0)
    }
}

impl Borrow<str> for NotePath {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for NotePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for NotePath {
    fn from(s: String) -> NotePath {
        NotePath(s)
    }
}

impl From<&str> for NotePath {
    fn from(s: &str) -> NotePath {
        NotePath(s.to_owned())
    }
}

impl From<NotePath> for String {
    fn from(p: NotePath) -> String {
        p.0
    }
}

impl PartialEq<str> for NotePath {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for NotePath {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for NotePath {
    fn eq(&self, other: &String) -> bool {
        &self.0 == other
    }
}

impl PartialEq<NotePath> for str {
    fn eq(&self, other: &NotePath) -> bool {
        self == other.0
    }
}

impl PartialEq<NotePath> for &str {
    fn eq(&self, other: &NotePath) -> bool {
        *self == other.0
    }
}

impl PartialEq<NotePath> for String {
    fn eq(&self, other: &NotePath) -> bool {
        *self == other.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_and_file_name() {
        let p = NotePath::new("Kafka/Streams/Producer.md");
        assert_eq!(p.folder(), Some("Kafka/Streams"));
        assert_eq!(p.file_name(), "Producer.md");
        let root = NotePath::new("Inbox.md");
        assert_eq!(root.folder(), None);
        assert_eq!(folder_or_root(&root), "");
        assert_eq!(root.file_name(), "Inbox.md");
    }

    #[test]
    fn prints_and_serializes_as_the_bare_path() {
        let p = NotePath::new("a b/ü.md");
        assert_eq!(p.to_string(), "a b/ü.md");
        assert_eq!(serde_json::to_string(&p).expect("json"), "\"a b/ü.md\"");
        let back: NotePath = serde_json::from_str("\"x/y.md\"").expect("json");
        assert_eq!(back, "x/y.md");
    }
}
