//! What the session soaks (`soak.rs`, `soak_notes.rs`) share: the edits
//! made to a note between steps (text that keeps every question and every
//! review tag), and the twin vault's bookkeeping that says what an undo
//! must give back.

use std::path::{Path, PathBuf};

use proptest::prelude::*;

use crate::util::TestVault;

/// Where an edit puts its line: right below the front matter (at the top
/// when there is none), so every question below moves down; as the first
/// key of a YAML front matter (else as `Top`), so the `sr-` lines move
/// down; or at the end after a blank line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    Top,
    Head,
    End,
}

/// An edit of one note between steps: `note` indexes the soak's notes;
/// `tell` says the session is told (its `e`dit key), else the edit is an
/// outside one (a sync client) that the next write must find.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NoteEdit {
    pub note: usize,
    pub place: Place,
    pub tell: bool,
}

pub(crate) fn note_edit(notes: usize) -> impl Strategy<Value = NoteEdit> {
    (0..notes, prop_oneof![Just(Place::Top), Just(Place::Head), Just(Place::End)], any::<bool>())
        .prop_map(|(note, place, tell)| NoteEdit { note, place, tell })
}

/// `text` with a line of prose added at `place`, in the note's own line
/// terminator. The front matter, every question and every tag stay as
/// they are, so the edit commutes with a schedule's write.
pub(crate) fn edited(text: &str, place: Place) -> String {
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    match place {
        Place::Head if yaml_front_matter(text) => {
            let bom = if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
            let at = bom + text[bom..].find('\n').map_or(0, |i| i + 1);
            // A key of its own each time: a repeated key is no YAML.
            let n = text.matches("edited").count();
            format!("{}edited{n}: yes{eol}{}", &text[..at], &text[at..])
        }
        Place::Top | Place::Head => {
            let at = body_start(text);
            format!("{}Edited above.{eol}{eol}{}", &text[..at], &text[at..])
        }
        Place::End if text.ends_with('\n') => format!("{text}{eol}Appended below.{eol}"),
        Place::End => format!("{text}{eol}{eol}Appended below."),
    }
}

/// True when the note has a front matter in YAML (not JSON).
fn yaml_front_matter(text: &str) -> bool {
    let at = body_start(text);
    let bom = if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    at > bom && text[bom..at].lines().nth(1).is_some_and(|l| !l.trim_start().starts_with('{'))
}

/// The byte where the body starts: after the closing `---` line of a front
/// matter, else after a BOM.
fn body_start(text: &str) -> usize {
    let bom = if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    let mut lines = text[bom..].split_inclusive('\n');
    let mut at = bom;
    match lines.next() {
        Some(first) if first.trim_end() == "---" => at += first.len(),
        _ => return bom,
    }
    for l in lines {
        at += l.len();
        if l.trim_end() == "---" {
            return at;
        }
    }
    bom
}

/// The note files of a vault (`.md`), as text.
pub(crate) fn notes(root: &Path) -> Vec<(String, String)> {
    TestVault::snapshot_of(root)
        .into_iter()
        .filter(|(p, _)| Path::new(p).extension().is_some_and(|e| e == "md"))
        .map(|(p, b)| (p, String::from_utf8_lossy(&b).into_owned()))
        .collect()
}

/// The twin vault's history: the edits made so far and, for each answer the
/// session can still undo, the graded note's bytes before it and how many
/// edits had been made then. Undoing an answer must give that note back its
/// bytes with the later edits of it made again.
pub(crate) struct Twin {
    pub root: PathBuf,
    edits: Vec<(String, Place)>,
    answered: Vec<(String, String, usize)>,
}

impl Twin {
    pub(crate) fn new(root: &Path) -> Twin {
        Twin { root: root.to_owned(), edits: Vec::new(), answered: Vec::new() }
    }

    /// The twin's bytes of a note.
    pub(crate) fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.root.join(path)).expect("a twin note")
    }

    /// Makes the edit on the twin and on `other` (the session's vault).
    pub(crate) fn edit(&mut self, other: &Path, path: &str, place: Place) {
        for root in [self.root.as_path(), other] {
            let text = std::fs::read_to_string(root.join(path)).expect("a note");
            std::fs::write(root.join(path), edited(&text, place)).expect("edit a note");
        }
        self.edits.push((path.to_owned(), place));
    }

    /// Notes an answer of `path` that was written; `before` is the twin's
    /// bytes of it before the answer.
    pub(crate) fn answered(&mut self, path: &str, before: String) {
        self.answered.push((path.to_owned(), before, self.edits.len()));
    }

    /// True when an answer of `path` can still be undone.
    pub(crate) fn holds(&self, path: &str) -> bool {
        self.answered.iter().any(|(p, _, _)| p == path)
    }

    /// Undoes the last answer on the twin.
    pub(crate) fn undo(&mut self) {
        let (path, mut text, from) = self.answered.pop().expect("an answer to undo");
        for (p, place) in &self.edits[from..] {
            if *p == path {
                text = edited(&text, *place);
            }
        }
        std::fs::write(self.root.join(&path), text).expect("restore the twin");
    }

    /// `original` with every edit made again: what undoing every answer
    /// must give.
    pub(crate) fn original_edited(&self, original: &[(String, String)]) -> Vec<(String, String)> {
        original
            .iter()
            .map(|(p, t)| {
                let text =
                    self.edits.iter().filter(|(q, _)| q == p).fold(t.clone(), |t, (_, pl)| edited(&t, *pl));
                (p.clone(), text)
            })
            .collect()
    }
}

#[test]
fn an_edit_keeps_the_front_matter_and_the_line_ends() {
    let crlf = "\u{feff}---\r\ntags: [x]\r\n---\r\nBody.\r\n";
    assert_eq!(edited(crlf, Place::Top), "\u{feff}---\r\ntags: [x]\r\n---\r\nEdited above.\r\n\r\nBody.\r\n");
    assert_eq!(edited(crlf, Place::End), format!("{crlf}\r\nAppended below.\r\n"));
    assert_eq!(edited("#t\n\nQ::A", Place::Top), "Edited above.\n\n#t\n\nQ::A");
    assert_eq!(edited("#t\n\nQ::A", Place::End), "#t\n\nQ::A\n\nAppended below.");
    assert_eq!(edited(crlf, Place::Head), "\u{feff}---\r\nedited0: yes\r\ntags: [x]\r\n---\r\nBody.\r\n");
    let json = "---\n{\"tags\": [\"x\"]}\n---\nBody.\n";
    assert_eq!(edited(json, Place::Head), edited(json, Place::Top));
    assert_eq!(edited("Body.\n", Place::Head), "Edited above.\n\nBody.\n");
    // An unclosed front matter is no front matter.
    assert_eq!(edited("---\nx\n", Place::Top), "Edited above.\n\n---\nx\n");
}
