//! Finding a vault, walking it, and reading its notes.
//!
//! The walk skips dot-folders and dot-files (Obsidian does not index them),
//! non-`.md` files and the plugin's `noteFoldersToIgnore` (a plain prefix or a
//! glob). A file that cannot be read as a note (unreadable, not UTF-8, binary,
//! too large) and a symlink loop each give one warning and are never written
//! to. Notes are read and parsed in parallel ([`scan`]) and come in path
//! order.

mod scan;
mod walk;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

pub use scan::{scan, scan_each, scan_each_with};
pub use walk::files;

use chrono::{DateTime, NaiveDate, Utc};

use crate::clock::{Pin, When, Zone};
use crate::error::{Error, IoResultExt};
use crate::note_path::NotePath;
use crate::parse::cloze::Clozes;
use crate::parse::{Note, ParseOptions, parse_note};
use crate::settings::{CliOverrides, Config, Settings};

/// Notes larger than this are skipped with a warning.
pub const MAX_NOTE_BYTES: u64 = 64 * 1024 * 1024;

/// A problem with one file that does not stop the command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Vault-relative path with `/` separators.
    pub path: String,
    /// 1-based line, when the problem has one.
    pub line: Option<usize>,
    pub message: String,
    pub kind: WarningKind,
    /// True when the problem costs nothing outside `check` (front matter
    /// that cannot be read in a note with no tags, cards or schedules).
    pub harmless: bool,
}

/// What a warning is about, to group many of one kind into one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WarningKind {
    Folder,
    FileName,
    Unreadable,
    Link,
    Binary,
    NotUtf8,
    TooLarge,
    FrontMatterUnclosed,
    FrontMatterInvalid,
}

impl WarningKind {
    /// Many warnings of this kind in one line: `"{n} {summary}"`.
    #[must_use]
    pub fn summary(self) -> &'static str {
        match self {
            WarningKind::Folder => "folders cannot be read",
            WarningKind::FileName => "file names are not valid UTF-8 and were skipped",
            WarningKind::Unreadable => "files cannot be read",
            WarningKind::Link => "symbolic links are broken or loop and were skipped",
            WarningKind::Binary => "files named .md are binary and were skipped",
            WarningKind::NotUtf8 => "notes are not valid UTF-8 and were skipped",
            WarningKind::TooLarge => "notes are too large and were skipped",
            WarningKind::FrontMatterUnclosed => "notes have front matter that is never closed",
            WarningKind::FrontMatterInvalid => {
                "notes have front matter that is not valid YAML (their tags are ignored)"
            }
        }
    }
}

impl Warning {
    #[must_use]
    pub fn new(
        path: impl Into<String>,
        line: Option<usize>,
        kind: WarningKind,
        message: impl Into<String>,
    ) -> Warning {
        Warning { path: path.into(), line, message: message.into(), kind, harmless: false }
    }
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}: {}", self.path, l, self.message),
            None => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

/// One note of the vault.
#[derive(Debug, Clone)]
pub struct VaultNote {
    /// Vault-relative path with `/` separators.
    pub path: NotePath,
    /// Absolute path on disk.
    pub abs: PathBuf,
    pub note: Note,
}

impl VaultNote {
    /// The folder of the note in the vault, `None` at the root.
    #[must_use]
    pub fn folder(&self) -> Option<&str> {
        self.path.folder()
    }
}

/// A loaded vault.
#[derive(Debug)]
pub struct Vault {
    pub root: PathBuf,
    pub config: Config,
    pub clozes: Clozes,
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
    pub zone: Zone,
    /// Every note that could be read, sorted by path bytes.
    pub notes: Vec<VaultNote>,
    /// Markdown files the walk saw and `noteFoldersToIgnore` skips (files in
    /// folders that are skipped whole are not listed), sorted: Obsidian still
    /// resolves links to them.
    pub ignored_notes: Vec<String>,
    pub warnings: Vec<Warning>,
}

/// Finds the vault: `--vault`, else the nearest folder holding `.obsidian/`
/// above `start` (a PATH of the command line, absolute or relative to the
/// current folder; the current folder when none), else `start`'s folder
/// itself, but never the file system's root or the home folder: a vault
/// without `.obsidian/` there is far more likely a mistake (a scan of the
/// whole disk) than a vault.
pub fn discover(vault: Option<&Path>, start: Option<&Path>) -> Result<PathBuf, Error> {
    if let Some(v) = vault {
        let meta = fs::metadata(v).map_err(|e| missing_path(v, e))?;
        if !meta.is_dir() {
            return Err(Error::Usage(format!("{}: --vault must be a folder", v.display())));
        }
        return Ok(v.to_path_buf());
    }
    let shown = start.map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let start = match start {
        Some(p) => p.to_path_buf(),
        None => std::env::current_dir().with_path(Path::new("."))?,
    };
    let start = fs::canonicalize(&start).map_err(|e| missing_path(&start, e))?;
    let base = if start.is_dir() {
        start.clone()
    } else {
        start.parent().map(Path::to_path_buf).unwrap_or(start.clone())
    };
    let mut dir = Some(base.as_path());
    while let Some(d) = dir {
        if d.join(".obsidian").is_dir() {
            return Ok(d.to_path_buf());
        }
        dir = d.parent();
    }
    let home = std::env::var_os("HOME").map(PathBuf::from).and_then(|h| fs::canonicalize(h).ok());
    if base.parent().is_none() || home.as_deref() == Some(base.as_path()) {
        return Err(Error::Usage(format!(
            "no vault found above {} (no folder with .obsidian/); pass --vault DIR",
            shown.display()
        )));
    }
    Ok(base)
}

/// A PATH of the command line that does not exist: a usage error, said once.
fn missing_path(p: &Path, e: std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::NotFound {
        Error::Usage(format!("{}: no such file or folder", p.display()))
    } else {
        Error::io(p, e)
    }
}

/// The plugin's `noteFoldersToIgnore`, compiled once: each entry ignores
/// paths that start with it (a plain prefix) or match it as a glob
/// (minimatch's `*`, `**`, `?`).
#[derive(Debug, Clone)]
pub struct IgnoreRules {
    rules: Vec<(String, Glob)>,
}

/// A compiled glob: a plain file-name suffix for the common `**/*.ext`
/// form, a regex for the rest.
#[derive(Debug, Clone)]
enum Glob {
    Suffix(String),
    Regex(regex::Regex),
    Invalid,
}

impl IgnoreRules {
    #[must_use]
    pub fn new(settings: &Settings) -> IgnoreRules {
        let rules = settings
            .note_folders_to_ignore
            .iter()
            .filter(|e| !e.is_empty())
            .map(|e| {
                let glob = match e.strip_prefix("**/*") {
                    Some(rest) if !rest.contains(['*', '?', '/', '[', '{']) => Glob::Suffix(rest.to_owned()),
                    _ => regex::Regex::new(&glob_to_regex(e)).map_or(Glob::Invalid, Glob::Regex),
                };
                (e.clone(), glob)
            })
            .collect();
        IgnoreRules { rules }
    }

    /// True when the plugin ignores `path` (vault-relative).
    #[must_use]
    pub fn is_ignored(&self, path: &str) -> bool {
        self.rules.iter().any(|(prefix, glob)| {
            path.starts_with(prefix.as_str())
                || match glob {
                    Glob::Suffix(s) => path.ends_with(s.as_str()),
                    Glob::Regex(r) => r.is_match(path),
                    Glob::Invalid => false,
                }
        })
    }
}

/// A minimatch-style glob as an anchored regex: `**/` matches zero or more
/// folders, `**` anything, `*` anything but `/`, `?` one character but `/`.
#[must_use]
pub fn glob_to_regex(glob: &str) -> String {
    let mut re = String::from("^");
    let chars: Vec<char> = glob.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '*' if chars.get(i + 1) == Some(&'*') => {
                if chars.get(i + 2) == Some(&'/') {
                    re.push_str("(?:.*/)?");
                    i += 3;
                } else {
                    re.push_str(".*");
                    i += 2;
                }
                continue;
            }
            '*' => re.push_str("[^/]*"),
            '?' => re.push_str("[^/]"),
            c => re.push_str(&regex::escape(&c.to_string())),
        }
        i += 1;
    }
    re.push('$');
    re
}

/// True when the plugin ignores `path` (vault-relative) by `noteFoldersToIgnore`.
#[must_use]
pub fn is_ignored(path: &str, settings: &Settings) -> bool {
    IgnoreRules::new(settings).is_ignored(path)
}

/// Why a file cannot be read as a note.
pub fn decode_note(bytes: Vec<u8>) -> Result<String, (Option<usize>, WarningKind, String)> {
    if let Some(pos) = memchr::memchr(0, &bytes) {
        let line = bytes[..pos].iter().filter(|&&b| b == b'\n').count() + 1;
        return Err((Some(line), WarningKind::Binary, "binary file (contains a NUL byte); skipped".into()));
    }
    String::from_utf8(bytes).map_err(|e| {
        let pos = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = bytes[..pos].iter().filter(|&&b| b == b'\n').count() + 1;
        (Some(line), WarningKind::NotUtf8, format!("not valid UTF-8 (byte {pos}); skipped, never written"))
    })
}

/// Reads and parses one note file; a warning when it cannot be a note.
fn load_note(rel: &str, abs: &Path, opts: &ParseOptions) -> Result<VaultNote, Warning> {
    read_note(rel, abs, opts).map(|note| VaultNote { path: NotePath::new(rel), abs: abs.to_path_buf(), note })
}

/// [`load_note`]'s reading and parsing, for a caller that owns the paths
/// and moves them into the [`VaultNote`] (the scan).
fn read_note(rel: &str, abs: &Path, opts: &ParseOptions) -> Result<Note, Warning> {
    let warn = |line, kind, message: String| Warning::new(rel, line, kind, message);
    let file =
        fs::File::open(abs).map_err(|e| warn(None, WarningKind::Unreadable, format!("cannot read: {e}")))?;
    // Read at most one byte past the limit: no stat call needed to know the
    // size. The read goes to a buffer the thread keeps, and the note gets an
    // exact-size copy: a vault held in memory would otherwise keep every
    // note's spare read capacity, three times the text. A parse with less
    // than the full detail (counting, a review queue) never keeps its
    // notes, so it takes the buffer itself.
    thread_local! {
        static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let bytes = BUF.with_borrow_mut(|buf| {
        buf.clear();
        let r = std::io::Read::read_to_end(&mut std::io::Read::take(file, MAX_NOTE_BYTES + 1), buf);
        let bytes = if opts.detail == crate::parse::Detail::Full {
            buf.clone()
        } else {
            std::mem::replace(buf, Vec::with_capacity(8192))
        };
        if buf.capacity() > 1 << 20 {
            *buf = Vec::new();
        }
        r.map(|_| bytes)
    });
    let bytes = bytes.map_err(|e| warn(None, WarningKind::Unreadable, format!("cannot read: {e}")))?;
    if bytes.len() as u64 > MAX_NOTE_BYTES {
        return Err(warn(
            None,
            WarningKind::TooLarge,
            format!("note is over recall's limit of {} MiB; skipped", MAX_NOTE_BYTES / (1024 * 1024)),
        ));
    }
    let text = decode_note(bytes).map_err(|(line, kind, m)| warn(line, kind, m))?;
    let folder = crate::note_path::folder(rel);
    Ok(parse_note(text, folder, opts, false))
}

/// Options for loading a vault.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// `--today` / `--now` (or their variables).
    pub pin: Pin,
    /// The real clock's reading, used when nothing is pinned.
    pub clock_now: DateTime<Utc>,
    pub zone: Zone,
    pub overrides: CliOverrides,
    /// How much of each question to record (`scan` only; `load` keeps everything).
    pub detail: crate::parse::Detail,
    /// Check recall's own state files (see [`crate::settings::state`]) and
    /// set aside a corrupt one, with a warning in the settings' warnings;
    /// off for a second, internal pass over the same vault.
    pub check_state: bool,
}

impl LoadOptions {
    /// Options for a pinned day (12:00 of it in the local zone), default
    /// settings overrides, every detail.
    #[must_use]
    pub fn at_day(today: NaiveDate) -> LoadOptions {
        LoadOptions {
            pin: Pin { today: Some(today), now: None },
            clock_now: When::noon_of(today, Zone::Local).now,
            zone: Zone::Local,
            overrides: CliOverrides::default(),
            detail: crate::parse::Detail::Full,
            check_state: true,
        }
    }
}

/// Loads settings and every note of the vault at `root`.
pub fn load(root: &Path, load: &LoadOptions) -> Result<Vault, Error> {
    let (mut vault, notes) = scan(root, load, |n, _| n)?;
    vault.notes = notes;
    Ok(vault)
}

/// Maps `f` over `items` on all cores, keeping order.
pub fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get).min(16);
    if threads <= 1 || items.len() < 64 {
        return items.iter().map(&f).collect();
    }
    let next = AtomicUsize::new(0);
    let chunk = 16;
    let mut parts: Vec<Vec<(usize, R)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut local = Vec::new();
                    loop {
                        let start = next.fetch_add(chunk, Ordering::Relaxed);
                        if start >= items.len() {
                            break;
                        }
                        for (i, item) in items.iter().enumerate().skip(start).take(chunk) {
                            local.push((i, f(item)));
                        }
                    }
                    local
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))).collect()
    });
    let mut all: Vec<(usize, R)> = parts.drain(..).flatten().collect();
    all.sort_unstable_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, r)| r).collect()
}

impl Vault {
    /// Re-reads and re-parses one note from disk (after an edit).
    pub fn reload_note(&self, idx: usize) -> Result<Note, Warning> {
        let n = &self.notes[idx];
        let opts = self.parse_options();
        load_note(&n.path, &n.abs, &opts).map(|v| v.note)
    }

    /// Reads and parses the note at `rel` (found at `abs`) again: a second
    /// pass over a note a scan saw and let go.
    pub fn read_note(&self, rel: &str, abs: &Path) -> Result<VaultNote, Warning> {
        load_note(rel, abs, &self.parse_options())
    }

    /// A batch's changes of the note at `path`, as planned on `old`, planned
    /// again on its new text (`text`, read since): each question found again
    /// by its text, nearest to where it was ([`crate::edit::plan::find_questions_again`]),
    /// then `plan` on the new note. `None` when a question is gone or the
    /// plan fails.
    pub fn replan<V: Clone, E>(
        &self,
        path: &str,
        old: &Note,
        changes: &std::collections::BTreeMap<usize, V>,
        text: &str,
        plan: impl FnOnce(
            &Note,
            &std::collections::BTreeMap<usize, V>,
            &Settings,
        ) -> Result<Vec<crate::edit::Edit>, E>,
    ) -> Option<Vec<crate::edit::Edit>> {
        let fresh = parse_note(text.to_owned(), crate::note_path::folder(path), &self.parse_options(), true);
        let moved = crate::edit::plan::find_questions_again(old, &fresh, changes)?;
        plan(&fresh, &moved, &self.config.settings).ok()
    }

    /// Parse options for this vault.
    #[must_use]
    pub fn parse_options(&self) -> ParseOptions<'_> {
        ParseOptions {
            settings: &self.config.settings,
            clozes: &self.clozes,
            today: self.today,
            now: self.now,
            zone: self.zone,
            detail: crate::parse::Detail::Full,
        }
    }

    /// The flashcard scheduler the settings choose.
    #[must_use]
    pub fn scheduler(&self) -> Box<dyn crate::schedule::Scheduler> {
        crate::schedule::scheduler::for_settings(&self.config.settings, self.fsrs_parameters())
    }

    /// The FSRS parameters: the plugin's (`fsrsDesiredRetention`,
    /// `maximumInterval`), with the user's fitted weights when
    /// `.recall/config.yaml` has `fsrs-weights`.
    #[must_use]
    pub fn fsrs_parameters(&self) -> crate::schedule::fsrs::Parameters {
        crate::schedule::params::fsrs_parameters(&self.config.settings, &self.config.recall)
    }

    /// The moment the command works at.
    #[must_use]
    pub fn when(&self) -> When {
        When { today: self.today, now: self.now, zone: self.zone }
    }

    /// Index of the note with this vault-relative path.
    #[must_use]
    pub fn find(&self, rel: &str) -> Option<usize> {
        self.notes.binary_search_by(|n| n.path.as_bytes().cmp(rel.as_bytes())).ok()
    }

    /// Turns command-line PATHs into vault-relative prefixes (a note or a folder).
    pub fn scopes(&self, paths: &[PathBuf]) -> Result<Vec<String>, Error> {
        scopes(&self.root, paths)
    }

    /// True when the note at `path` is selected by `scopes` (all when empty).
    #[must_use]
    pub fn in_scope(path: &str, scopes: &[String]) -> bool {
        scopes.is_empty()
            || scopes.iter().any(|s| {
                s.is_empty()
                    || path == s
                    || (path.starts_with(s.as_str()) && path.as_bytes().get(s.len()) == Some(&b'/'))
            })
    }
}

/// Turns command-line PATHs into vault-relative prefixes (a note or a
/// folder) of the vault at `root`.
pub fn scopes(root: &Path, paths: &[PathBuf]) -> Result<Vec<String>, Error> {
    let canon_root = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let mut out = Vec::new();
    for p in paths {
        if p.extension().is_some_and(|e| e != "md") && fs::metadata(p).is_ok_and(|m| m.is_file()) {
            return Err(Error::Usage(format!(
                "{}: not a note (recall reads the vault's .md files)",
                p.display()
            )));
        }
        let rel = match fs::canonicalize(p) {
            Ok(abs) => match abs.strip_prefix(&canon_root) {
                Ok(r) => r.to_string_lossy().replace('\\', "/"),
                Err(_) => {
                    return Err(Error::Usage(format!(
                        "{}: not inside the vault {}",
                        p.display(),
                        root.display()
                    )));
                }
            },
            // Not a path from here: try it as vault-relative.
            Err(_) if root.join(p).exists() => p.to_string_lossy().replace('\\', "/"),
            Err(e) => return Err(missing_path(p, e)),
        };
        out.push(rel.trim_end_matches('/').to_owned());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_like_minimatch() {
        let m = |g: &str, p: &str| regex::Regex::new(&glob_to_regex(g)).expect("regex").is_match(p);
        assert!(m("**/*.excalidraw.md", "Sketches/flow.excalidraw.md"));
        assert!(m("**/*.excalidraw.md", "flow.excalidraw.md"));
        assert!(m("Templates/**", "Templates/card.md"));
        assert!(!m("Templates/*", "Templates/a/card.md"));
        assert!(!m("*.md", "a/b.md"));
        assert!(m("a?c.md", "abc.md"));
        assert!(!m("a.md", "aXmd"));
    }

    #[test]
    fn ignore_is_prefix_or_glob() {
        let s = Settings {
            note_folders_to_ignore: vec!["Archive".into(), "**/*.excalidraw.md".into()],
            ..Settings::default()
        };
        assert!(is_ignored("Archived notes.md", &s));
        assert!(is_ignored("Archive/old.md", &s));
        assert!(is_ignored("x/y.excalidraw.md", &s));
        assert!(!is_ignored("ok.md", &s));
    }

    #[test]
    fn decode_rejects_binary_and_bad_utf8() {
        assert!(decode_note(b"ok\n".to_vec()).is_ok());
        assert_eq!(decode_note(b"a\nb\0".to_vec()).err().map(|e| e.0), Some(Some(2)));
        assert_eq!(decode_note(b"a\n\n\xff".to_vec()).err().map(|e| e.0), Some(Some(3)));
    }

    #[test]
    fn scope_matching() {
        let s = vec!["Kafka".to_owned()];
        assert!(Vault::in_scope("Kafka/a.md", &s));
        assert!(!Vault::in_scope("Kafkaesque.md", &s));
        assert!(Vault::in_scope("x.md", &[]));
    }
}
