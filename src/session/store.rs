//! Where a session reads and writes: the vault on disk (through the
//! write-back engine and the review log) or memory (for tests).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::edit::{Edit, splice};
use crate::error::{Error, IoResultExt};
use crate::log::Record;
use crate::parse::QuestionHash;
use crate::writeback::{NoteWrite, write_and_log};

/// The session's side effects.
pub trait Store {
    /// The note's current text.
    fn read(&self, path: &str) -> Result<String, Error>;
    /// Applies `edits` planned on `original` (re-planned by `relocate` if
    /// the note changed), then logs `records`: the one write path. Returns
    /// the note's new text and, when the log could not be written, why.
    fn commit(
        &mut self,
        path: &str,
        original: &str,
        edits: &[Edit],
        relocate: &(dyn Fn(&str) -> Option<Vec<Edit>> + Sync),
        records: &[Record],
    ) -> Result<(String, Option<Error>), Error>;
    /// Appends records to the review log.
    fn log(&mut self, records: &[Record]) -> Result<(), Error>;
    /// Question hashes buried for `day`.
    fn buried(&self, day: NaiveDate) -> Vec<QuestionHash>;
    /// Replaces the buried questions of `day`.
    fn set_buried(&mut self, day: NaiveDate, hashes: &[QuestionHash]) -> Result<(), Error>;
    /// A card's answers in the log, oldest first.
    fn history(&self, path: &str, hash: &str, sibling: usize) -> Vec<Record>;
}

/// recall's per-day bury list (`.recall/buried.json`); the plugin's own
/// list in data.json is never touched.
pub const BURIED_PATH: &str = ".recall/buried.json";

#[derive(Debug, Default, Serialize, Deserialize)]
struct Buried {
    day: Option<NaiveDate>,
    questions: Vec<QuestionHash>,
}

/// The vault on disk.
#[derive(Debug, Clone)]
pub struct DiskStore {
    pub root: PathBuf,
}

impl DiskStore {
    fn abs(&self, path: &str) -> PathBuf {
        self.root.join(path)
    }
}

/// Reads the bury list of a vault for `day` (empty when stale or absent).
#[must_use]
pub fn read_buried(root: &Path, day: NaiveDate) -> Vec<QuestionHash> {
    match read_bury_list(root) {
        Some((d, questions)) if d == day => questions,
        _ => Vec::new(),
    }
}

/// The bury list as it is on disk: its day and its questions (`None` when
/// there is none, or it cannot be read, or it names no day).
#[must_use]
pub fn read_bury_list(root: &Path) -> Option<(NaiveDate, Vec<QuestionHash>)> {
    let text = std::fs::read_to_string(root.join(BURIED_PATH)).ok()?;
    let b = serde_json::from_str::<Buried>(&text).ok()?;
    Some((b.day?, b.questions))
}

impl Store for DiskStore {
    fn read(&self, path: &str) -> Result<String, Error> {
        let abs = self.abs(path);
        let bytes = std::fs::read(&abs).with_path(&abs)?;
        String::from_utf8(bytes).map_err(|_| Error::NotUtf8 { path: abs })
    }

    fn commit(
        &mut self,
        path: &str,
        original: &str,
        edits: &[Edit],
        relocate: &(dyn Fn(&str) -> Option<Vec<Edit>> + Sync),
        records: &[Record],
    ) -> Result<(String, Option<Error>), Error> {
        let abs = self.abs(path);
        let write = NoteWrite { path, abs: &abs, original, edits: edits.to_vec(), relocate };
        let w = write_and_log(&self.root, &write, records)?;
        Ok((w.text, w.log_error))
    }

    fn history(&self, path: &str, hash: &str, sibling: usize) -> Vec<Record> {
        let Ok((records, _)) = crate::log::read(&self.root) else { return Vec::new() };
        crate::log::card_history(&records, path, hash, sibling).into_iter().cloned().collect()
    }

    fn log(&mut self, records: &[Record]) -> Result<(), Error> {
        crate::log::append(&self.root, records)
    }

    fn buried(&self, day: NaiveDate) -> Vec<QuestionHash> {
        read_buried(&self.root, day)
    }

    fn set_buried(&mut self, day: NaiveDate, hashes: &[QuestionHash]) -> Result<(), Error> {
        let path = self.root.join(BURIED_PATH);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_path(dir)?;
        }
        let body = serde_json::to_string(&Buried { day: Some(day), questions: hashes.to_vec() })
            .map_err(|e| Error::Json { what: path.display().to_string(), source: e })?;
        crate::edit::apply::write_atomic(&path, body.as_bytes())
    }
}

/// Notes in memory, for tests.
#[derive(Debug, Clone, Default)]
pub struct MemStore {
    pub files: HashMap<String, String>,
    pub log: Vec<Record>,
    pub buried: Option<(NaiveDate, Vec<QuestionHash>)>,
}

impl Store for MemStore {
    fn read(&self, path: &str) -> Result<String, Error> {
        self.files
            .get(path)
            .cloned()
            .ok_or_else(|| Error::io(Path::new(path), std::io::ErrorKind::NotFound.into()))
    }

    fn commit(
        &mut self,
        path: &str,
        original: &str,
        edits: &[Edit],
        relocate: &(dyn Fn(&str) -> Option<Vec<Edit>> + Sync),
        records: &[Record],
    ) -> Result<(String, Option<Error>), Error> {
        let current = self.read(path)?;
        let new = if current == original {
            splice(original, edits)
        } else {
            let edits = relocate(&current).ok_or_else(|| Error::Refused {
                message: format!("{path}: the note changed on disk since it was read"),
                hint: None,
            })?;
            splice(&current, &edits)
        };
        self.files.insert(path.to_owned(), new.clone());
        self.log.extend_from_slice(records);
        Ok((new, None))
    }

    fn history(&self, path: &str, hash: &str, sibling: usize) -> Vec<Record> {
        crate::log::card_history(&self.log, path, hash, sibling).into_iter().cloned().collect()
    }

    fn log(&mut self, records: &[Record]) -> Result<(), Error> {
        self.log.extend_from_slice(records);
        Ok(())
    }

    fn buried(&self, day: NaiveDate) -> Vec<QuestionHash> {
        match &self.buried {
            Some((d, h)) if *d == day => h.clone(),
            _ => Vec::new(),
        }
    }

    fn set_buried(&mut self, day: NaiveDate, hashes: &[QuestionHash]) -> Result<(), Error> {
        self.buried = Some((day, hashes.to_vec()));
        Ok(())
    }
}
