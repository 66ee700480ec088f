//! Answering one card on disk: which card a `PATH:LINE[#SIBLING]` names,
//! where its note is, and how its answer is re-planned when the note changed
//! since it was read. `grade`, the review session and `import` share these;
//! the write itself is [`crate::writeback`].

use std::path::{Path, PathBuf};

use crate::clock::When;
use crate::edit::Edit;
use crate::edit::plan::{plan_comment, replan_comment};
use crate::error::{Error, IoResultExt};
use crate::log::{CardRef, Op, Record, Stamp};
use crate::parse::{CardSchedule, Note, ParseOptions, Question, parse_note};
use crate::schedule::{Answered, CardContext, Histogram, Response, Scheduler, note_ease};
use crate::writeback::{NoteWrite, Written, write_and_log};

/// A parsed `PATH:LINE[#SIBLING]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub path: String,
    /// 1-based line: any line of the question.
    pub line: usize,
    pub sibling: usize,
}

impl Target {
    /// Parses `PATH:LINE[#SIBLING]` (the path may itself hold `:` or `#`).
    pub fn parse(s: &str) -> Result<Target, Error> {
        let bad =
            || Error::Usage(format!("`{s}` is not PATH:LINE or PATH:LINE#SIBLING (LINE counts from 1)"));
        let (rest, sibling) = match s.rsplit_once('#') {
            Some((r, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => {
                (r, n.parse().map_err(|_| bad())?)
            }
            _ => (s, 0),
        };
        let (path, line) = rest.rsplit_once(':').ok_or_else(bad)?;
        let line: usize = line.parse().map_err(|_| bad())?;
        if line == 0 || path.is_empty() {
            return Err(bad());
        }
        Ok(Target { path: path.to_owned(), line, sibling })
    }

    /// True when `s` has the form of a card address (`…:LINE[#N]`).
    #[must_use]
    pub fn looks_like(s: &str) -> bool {
        Target::parse(s).is_ok()
    }
}

/// What a `recall grade` target names: a card (`PATH:LINE[#SIBLING]`) or a
/// whole note (`PATH`, note review).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Named {
    Card(Target),
    Note(String),
}

impl Named {
    /// A card when the target ends in `:LINE[#SIBLING]` and is not itself the
    /// name of an existing file (a note may have `:` in its name), else a
    /// note. The file is looked for from the current folder and in the vault.
    #[must_use]
    pub fn classify(vault: Option<&Path>, s: &str) -> Named {
        let in_vault = |root: &Path| root.join(s.trim_start_matches("./")).is_file();
        let exists = Path::new(s).is_file()
            || vault.is_some_and(in_vault)
            || (vault.is_none() && crate::vault::discover(None, None).is_ok_and(|r| in_vault(&r)));
        match Target::parse(s) {
            Ok(t) if !exists => Named::Card(t),
            _ => Named::Note(s.to_owned()),
        }
    }
}

/// The question a 1-based `line` names: the one whose own text starts
/// there, else the one whose own lines hold it, else (an address from an
/// older listing, the plugin's line) the last one whose plugin range holds
/// it. Every line names at most one question.
#[must_use]
pub fn question_at(note: &Note, line: usize) -> Option<usize> {
    let l = line.checked_sub(1)?;
    let qs = &note.questions;
    qs.iter()
        .position(|q| q.text_line == l)
        .or_else(|| qs.iter().position(|q| q.owns_line(l)))
        .or_else(|| qs.iter().rposition(|q| q.contains_line(l)))
}

/// Where a note named on the command line is: the vault's root and the
/// note's vault-relative path. `given` may be relative to the vault (with
/// `--vault`), or absolute or relative to the current folder; without
/// `--vault` the vault is found from the note, not from the current folder.
pub fn locate_note(vault: Option<&Path>, given: &str) -> Result<(PathBuf, String), Error> {
    let given_path = Path::new(given);
    let from_here = given_path.is_file().then(|| absolute_keeping_name(given_path)).transpose()?;
    let root = match (vault, &from_here) {
        (Some(v), _) => crate::vault::discover(Some(v), None)?,
        (None, Some(abs)) => crate::vault::discover(None, Some(abs))?,
        (None, None) => crate::vault::discover(None, None)?,
    };
    let rel = given.trim_start_matches("./").replace('\\', "/");
    if !given_path.is_absolute() && root.join(&rel).is_file() && (vault.is_some() || from_here.is_none()) {
        return Ok((root, rel));
    }
    if let Some(abs) = from_here {
        let canon_root = std::fs::canonicalize(&root).with_path(&root)?;
        if let Ok(r) = abs.strip_prefix(&canon_root) {
            return Ok((root, r.to_string_lossy().replace('\\', "/")));
        }
        return Err(Error::Usage(format!("{given}: not inside the vault {}", root.display())));
    }
    Err(Error::Usage(format!("{given}: no such note (in the vault {} or from here)", root.display())))
}

/// `p` made absolute with its folders resolved but its own name kept, so
/// a symlinked note keeps the path the vault lists it under.
fn absolute_keeping_name(p: &Path) -> Result<PathBuf, Error> {
    let name = p.file_name().ok_or_else(|| Error::Usage(format!("{}: not a note", p.display())))?;
    let parent = match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok(std::fs::canonicalize(&parent).with_path(&parent)?.join(name))
}

/// Re-plans writing `segment` for one sibling on a note's new text: the
/// question is found again by its text (see
/// [`crate::edit::plan::replan_comment`]); `None` refuses.
#[must_use]
pub fn relocate(
    opts: &ParseOptions<'_>,
    folder: Option<&str>,
    old: &Note,
    old_q: &Question,
    sibling: usize,
    segment: &str,
    text: &str,
) -> Option<Vec<Edit>> {
    let note = parse_note(text.to_owned(), folder, opts, true);
    replan_comment(&note, old, old_q, sibling, segment, opts.settings).map(|e| vec![e])
}

/// A planned answer to one card: what it was, what it becomes, the edit.
#[derive(Debug, Clone)]
pub struct Planned {
    pub before: CardSchedule,
    pub after: Answered,
    pub edit: Edit,
}

/// One card of a parsed note.
#[derive(Debug, Clone, Copy)]
pub struct CardAt<'a> {
    /// Vault-relative path of the note.
    pub path: &'a str,
    pub note: &'a Note,
    /// Index of the question in the note.
    pub question: usize,
    pub sibling: usize,
}

/// Plans answering `card` at `at` (`None`: nothing changes, Reset on a new
/// card). Errors name `path:line`.
pub fn plan_answer(
    card: CardAt<'_>,
    response: Response,
    at: &When,
    scheduler: &dyn Scheduler,
    histogram: Option<&Histogram>,
    opts: &ParseOptions<'_>,
) -> Result<Option<Planned>, Error> {
    let CardAt { path, note, question: qi, sibling } = card;
    let q = &note.questions[qi];
    let before = q.schedule(sibling);
    let ctx = CardContext { note_ease: note_ease(note, opts.settings), histogram };
    let refused =
        |e: String| Error::Refused { message: format!("{path}:{}: {e}", q.text_line_no()), hint: None };
    let Some(after) = scheduler.answer(&before, response, at, &ctx).map_err(|e| refused(e.to_string()))?
    else {
        return Ok(None);
    };
    let edit = plan_comment(note, q, sibling, &after.schedule.segment(), opts.settings)
        .map_err(|e| refused(e.to_string()))?;
    Ok(Some(Planned { before, after, edit }))
}

/// The card a record names.
#[must_use]
pub fn card_ref(path: &str, note: &Note, q: &Question, sibling: usize) -> CardRef {
    CardRef {
        path: path.into(),
        line: q.text_line_no(),
        hash: q.hash(&note.text),
        sibling,
        decks: q.decks.to_vec(),
    }
}

/// Writes a planned answer into the note at `abs` (re-planned by its text
/// if the note changed) and logs it: the one way an answer reaches disk.
pub fn commit(
    root: &Path,
    abs: &Path,
    card: CardAt<'_>,
    planned: &Planned,
    record: (Op, Response, Stamp, Option<u64>),
    opts: &ParseOptions<'_>,
) -> Result<Written, Error> {
    let CardAt { path, note, question: qi, sibling } = card;
    let q = &note.questions[qi];
    let folder = crate::note_path::folder(path);
    let segment = planned.after.schedule.segment();
    let reloc = |text: &str| relocate(opts, folder, note, q, sibling, &segment, text);
    let write =
        NoteWrite { path, abs, original: &note.text, edits: vec![planned.edit.clone()], relocate: &reloc };
    let (op, response, stamp, ms) = record;
    let rec = Record::answer(
        stamp,
        opts.today,
        op,
        card_ref(path, note, q, sibling),
        response,
        planned.before.to_schedule(),
        Some(planned.after.schedule.clone()),
        ms,
    );
    write_and_log(root, &write, &[rec])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse_from_the_right() {
        assert_eq!(
            Target::parse("Kafka/a:b.md:12#1").expect("ok"),
            Target { path: "Kafka/a:b.md".into(), line: 12, sibling: 1 }
        );
        assert_eq!(Target::parse("n.md:3").expect("ok").sibling, 0);
        assert_eq!(Target::parse("C#.md:3").expect("ok").path, "C#.md");
        assert!(Target::parse("n.md").is_err());
        assert!(Target::parse("n.md:0").is_err());
    }
}
