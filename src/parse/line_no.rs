//! Line numbers as people read them. The parser counts lines from 0 (an
//! index into [`super::Note::lines`]); addresses (`PATH:LINE`), messages and
//! JSON count from 1. [`LineNo`] is the 1-based kind, so the `+ 1` between
//! them is written here once.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A 1-based line number (`Kafka/Producer.md:12`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LineNo(usize);

impl LineNo {
    /// The number of the line at 0-based `index`.
    #[must_use]
    pub fn of_index(index: usize) -> LineNo {
        LineNo(index + 1)
    }

    /// A line number as written (1-based; 0 is kept as given, for records
    /// that have no line).
    #[must_use]
    pub fn new(number: usize) -> LineNo {
        LineNo(number)
    }

    /// The number, 1-based.
    #[must_use]
    pub fn get(self) -> usize {
        self.0
    }

    /// The 0-based index of the line (line 0, which names no line, gives 0).
    #[must_use]
    pub fn index(self) -> usize {
        self.0.saturating_sub(1)
    }
}

impl fmt::Display for LineNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl From<LineNo> for usize {
    fn from(l: LineNo) -> usize {
        l.0
    }
}

impl PartialEq<usize> for LineNo {
    fn eq(&self, other: &usize) -> bool {
        self.0 == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_and_number_meet_here() {
        let l = LineNo::of_index(11);
        assert_eq!(l.get(), 12);
        assert_eq!(l.index(), 11);
        assert_eq!(format!("n.md:{l}"), "n.md:12");
        assert_eq!(serde_json::to_string(&l).expect("json"), "12");
        assert_eq!(LineNo::new(0).index(), 0);
        assert_eq!(LineNo::new(1).index(), 0);
    }
}
