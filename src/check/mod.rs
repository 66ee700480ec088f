//! `check`'s diagnostics: what the plugin would silently miss or mangle in
//! a note, found by re-reading the note's text (pure; no I/O).
//!
//! [`check_note`] takes a note parsed with `all_questions` set (so notes
//! without a deck have their questions too) and returns its findings, each
//! with a 1-based line, a severity, a stable code, a message, a hint and,
//! for the repairs that cannot lose information, an [`Edit`]. Every rule
//! lives in one submodule; [`CODES`] lists them, and [`help`] builds
//! `--help`'s list from it. [`conflicts`] compares notes with each other
//! (sync-conflict copies), which the command does across the vault.
//!
//! Card rules run on notes the plugin reads (they have a deck) and on notes
//! that look meant as flashcard notes (a schedule comment at the start of a
//! line, or a card under a heading naming flashcards or beside a schedule
//! comment); other notes only get the tag, layout and note-review checks,
//! so a vault full of prose and Dataview `key:: value` fields, or a README
//! that quotes a schedule comment, stays quiet.

pub mod cards;
pub mod conflicts;
pub mod layout;
pub mod mojibake;
pub mod quirks;
pub mod review;
pub mod schedule;
pub mod tags;
pub mod text;

use serde::Serialize;

use crate::edit::Edit;
use crate::parse::Note;
use crate::parse::cloze::Clozes;
use crate::settings::Settings;

/// `recall check --help`, before the list of codes.
const HELP_INTRO: &str = "\
Each finding is printed as `path:line: severity: message [code]`, with a
`hint:` line saying what to do, then a summary.

Severities:
  error    a card or a schedule is lost, hidden, or will be written wrongly
  warning  probably not what you meant (text that is no card, a garbled tag)
  info     harmless but worth knowing (legacy forms the plugin still reads)

Codes (usual severity):";

/// `recall check --help`, after the list of codes.
const HELP_OUTRO: &str = "\
Card rules run on notes the plugin reads and on notes that look meant as
flashcard notes (a schedule comment at the start of a line, or a card under
a heading naming flashcards or beside a schedule comment); other notes only
get the tag, layout and note-review checks.

--fix shows, as a unified diff, only the repairs that cannot lose
information: repairing mojibake tags, dropping surplus segments,
un-indenting a schedule comment and removing blank lines above front
matter. --fix --apply writes them (atomically, through the same engine as
grading) and logs each as a `fix` record.

--json prints one object:
  findings  [{path, line, severity, code, message, hint, fixable}]
            (line and hint may be null)
  fixes     [{path, line, code, summary, applied}] (with --fix)
  diffs     [{path, diff}] (with --fix, without --apply)
  summary   {notes, errors, warnings, info, fixable, fixed}

Exit status: 1 when an error-level finding remains (after --fix --apply,
the repaired ones no longer count), else 0; 2 for a usage error.";

/// Characters before a code's description in [`help`].
const HELP_TEXT_COLUMN: usize = 32;
/// The width [`help`] wraps to.
const HELP_WIDTH: usize = 80;

/// `recall check --help`: severities, every code of [`CODES`] with its
/// usual severity and meaning, fixes, JSON and exit status.
#[must_use]
pub fn help() -> String {
    let mut out = format!("{HELP_INTRO}\n");
    for (code, severity, text) in CODES {
        let mut line = format!("  {:<20} {:<8} ", code.name(), severity.name());
        let mut used = HELP_TEXT_COLUMN;
        for word in text.split(' ') {
            let w = word.chars().count();
            if used > HELP_TEXT_COLUMN && used + 1 + w > HELP_WIDTH {
                out.push_str(line.trim_end());
                out.push('\n');
                line = " ".repeat(HELP_TEXT_COLUMN);
                used = HELP_TEXT_COLUMN;
            }
            if used > HELP_TEXT_COLUMN {
                line.push(' ');
                used += 1;
            }
            line.push_str(word);
            used += w;
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.push('\n');
    out.push_str(HELP_OUTRO);
    out
}

/// How bad a finding is. `check` exits 1 when any finding is an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A card or a schedule is lost, hidden or will be written wrongly.
    Error,
    /// Probably not what was meant: a card that is not one, a garbled tag.
    Warning,
    /// Harmless but worth knowing: legacy forms the plugin still reads.
    Info,
}

impl Severity {
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// What a finding is about; the names are stable (JSON `code`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    CommentHidesLine,
    CommentHidesRest,
    UnclosedFence,
    IndentedSchedule,
    SeparatorInCode,
    SplitInCode,
    SwallowedCard,
    SplitCloze,
    MisspeltSchedule,
    OrphanSchedule,
    InvalidDate,
    OddDate,
    BadNumber,
    SurplusSegments,
    SecondSchedule,
    LegacySchedule,
    BareSchedule,
    NoDeck,
    NearMiss,
    EmptySide,
    Duplicate,
    MojibakeTag,
    SkippedFile,
    FrontMatter,
    ReviewFrontMatter,
    ReviewBadDate,
    ReviewBadNumber,
    ReviewIncomplete,
    ReviewUntagged,
    BadFsrs,
    FsrsUnderSm2,
    LateFrontMatter,
    ClozeNumber,
    SyncConflict,
    GluedTag,
}

/// Every code with its usual severity and what it means (for `--help` and
/// the README).
pub const CODES: &[(Code, Severity, &str)] = &[
    (
        Code::CommentHidesLine,
        Severity::Error,
        "a one-line HTML comment at the start of a line also hides the next line, which holds a card",
    ),
    (
        Code::CommentHidesRest,
        Severity::Error,
        "an HTML comment whose first line does not close it hides the rest of the note (warning when it never closes)",
    ),
    (
        Code::UnclosedFence,
        Severity::Error,
        "a code fence the plugin never sees closed swallows the cards after it",
    ),
    (
        Code::IndentedSchedule,
        Severity::Error,
        "an indented schedule comment under a single-line card is not read: the card looks new (fixable)",
    ),
    (
        Code::SeparatorInCode,
        Severity::Warning,
        "the first `::` of a line is inside inline code, so a later `::` does not make a card",
    ),
    (Code::SplitInCode, Severity::Warning, "a card is split at a `::` that lies inside inline code"),
    (
        Code::SwallowedCard,
        Severity::Error,
        "a `::` line inside a multi-line or cloze card turns the block into a single-line card; the other card is lost",
    ),
    (
        Code::SplitCloze,
        Severity::Error,
        "a cloze split over two lines is not a cloze (warning when the card has others)",
    ),
    (
        Code::MisspeltSchedule,
        Severity::Error,
        "a comment like `<!-- SR:` or `<!--sr:` is not read as a schedule",
    ),
    (Code::OrphanSchedule, Severity::Warning, "a schedule comment that belongs to no card"),
    (
        Code::InvalidDate,
        Severity::Error,
        "a schedule date the plugin cannot read: the card never comes due and is later written as `0NaN-NaN-NaN`",
    ),
    (
        Code::OddDate,
        Severity::Warning,
        "a schedule date the plugin reads as another day (`2024-02-30` is 2030-02-20)",
    ),
    (
        Code::BadNumber,
        Severity::Error,
        "an interval or ease that is not a number (error), has decimals or extra fields (warning)",
    ),
    (
        Code::SurplusSegments,
        Severity::Warning,
        "more schedule segments than the question has cards; the plugin drops them (fixable)",
    ),
    (Code::SecondSchedule, Severity::Warning, "a second schedule comment in one question is ignored"),
    (
        Code::LegacySchedule,
        Severity::Info,
        "a schedule in the pre-2021 form `<!--SR:date,ivl,ease-->`, still read",
    ),
    (
        Code::BareSchedule,
        Severity::Warning,
        "text such as `!2024-01-01,3,250` in a card is read as its schedule",
    ),
    (Code::NoDeck, Severity::Warning, "a note with cards but no flashcard deck: the plugin skips it"),
    (
        Code::NearMiss,
        Severity::Warning,
        "a line among cards that looks like a card but uses one `:` or `: :`, so it is text",
    ),
    (Code::EmptySide, Severity::Warning, "a card with an empty front or back"),
    (
        Code::Duplicate,
        Severity::Error,
        "the same question twice in a note: the plugin writes reviews to the first (warning while both have schedules)",
    ),
    (
        Code::MojibakeTag,
        Severity::Warning,
        "a tag that is UTF-8 read as Mac Roman or Windows-1252, with its repair (fixable)",
    ),
    (
        Code::SkippedFile,
        Severity::Error,
        "a file that cannot be read as a note (warning for binary or huge files)",
    ),
    (
        Code::FrontMatter,
        Severity::Warning,
        "front matter that is not closed or not valid YAML: its tags are ignored",
    ),
    (
        Code::ReviewFrontMatter,
        Severity::Error,
        "a note tagged for review whose front matter is not valid YAML: its schedule cannot be written",
    ),
    (Code::ReviewBadDate, Severity::Error, "an `sr-due` the plugin cannot read: the note never comes due"),
    (Code::ReviewBadNumber, Severity::Error, "an `sr-interval` or `sr-ease` that is not a number"),
    (
        Code::ReviewIncomplete,
        Severity::Warning,
        "a note schedule missing one of `sr-due`, `sr-interval`, `sr-ease`: the note is treated as new",
    ),
    (
        Code::ReviewUntagged,
        Severity::Info,
        "`sr-` keys on a note without a review tag: the plugin never shows it for review",
    ),
    (
        Code::BadFsrs,
        Severity::Error,
        "an FSRS segment with a field the plugin cannot schedule (a number, the state, the last review)",
    ),
    (
        Code::FsrsUnderSm2,
        Severity::Info,
        "an FSRS segment in a vault set to SM-2: its next answer turns it into an SM-2 schedule",
    ),
    (
        Code::LateFrontMatter,
        Severity::Error,
        "front matter below blank lines is read as text: its tags are ignored and the cards may have no deck (warning when no card loses its deck; fixable)",
    ),
    (
        Code::ClozeNumber,
        Severity::Warning,
        "a numbered cloze whose number makes more than 20 cards (`==9092;;a number==`): an answer with a hint read as a number",
    ),
    (
        Code::SyncConflict,
        Severity::Warning,
        "a sync-conflict copy (Syncthing, Dropbox, Nextcloud, OneDrive, iCloud) holding the same questions as its original, with how many schedules differ",
    ),
    (
        Code::GluedTag,
        Severity::Warning,
        "a flashcard tag right after a letter (`unk#flashcards`) is no tag: a `#` after letters starts none",
    ),
];

impl Code {
    /// The stable name (`near-miss`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Code::CommentHidesLine => "comment-hides-line",
            Code::CommentHidesRest => "comment-hides-rest",
            Code::UnclosedFence => "unclosed-fence",
            Code::IndentedSchedule => "indented-schedule",
            Code::SeparatorInCode => "separator-in-code",
            Code::SplitInCode => "split-in-code",
            Code::SwallowedCard => "swallowed-card",
            Code::SplitCloze => "split-cloze",
            Code::MisspeltSchedule => "misspelt-schedule",
            Code::OrphanSchedule => "orphan-schedule",
            Code::InvalidDate => "invalid-date",
            Code::OddDate => "odd-date",
            Code::BadNumber => "bad-number",
            Code::SurplusSegments => "surplus-segments",
            Code::SecondSchedule => "second-schedule",
            Code::LegacySchedule => "legacy-schedule",
            Code::BareSchedule => "bare-schedule",
            Code::NoDeck => "no-deck",
            Code::NearMiss => "near-miss",
            Code::EmptySide => "empty-side",
            Code::Duplicate => "duplicate",
            Code::MojibakeTag => "mojibake-tag",
            Code::SkippedFile => "skipped-file",
            Code::FrontMatter => "front-matter",
            Code::ReviewFrontMatter => "review-front-matter",
            Code::ReviewBadDate => "review-bad-date",
            Code::ReviewBadNumber => "review-bad-number",
            Code::ReviewIncomplete => "review-incomplete",
            Code::ReviewUntagged => "review-untagged",
            Code::BadFsrs => "bad-fsrs",
            Code::FsrsUnderSm2 => "fsrs-under-sm2",
            Code::LateFrontMatter => "late-front-matter",
            Code::ClozeNumber => "cloze-number",
            Code::SyncConflict => "sync-conflict",
            Code::GluedTag => "glued-tag",
        }
    }
}

/// One diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// 1-based line, when the finding has one.
    pub line: Option<usize>,
    pub severity: Severity,
    pub code: Code,
    /// What is wrong (may quote note text: sanitise before printing).
    pub message: String,
    pub hint: Option<String>,
    /// A repair that cannot lose information (`--fix`).
    pub fix: Option<Fix>,
    /// Index of the question the finding is about, if any.
    pub question: Option<usize>,
}

/// A safe repair: one edit of the note's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub edit: Edit,
    /// What the edit does, for the log and the report.
    pub summary: String,
}

impl Finding {
    fn new(line: usize, severity: Severity, code: Code, message: String) -> Finding {
        let line = Some(crate::parse::LineNo::of_index(line).get());
        Finding { line, severity, code, message, hint: None, fix: None, question: None }
    }

    fn hint(mut self, hint: impl Into<String>) -> Finding {
        self.hint = Some(hint.into());
        self
    }

    fn question(mut self, q: usize) -> Finding {
        self.question = Some(q);
        self
    }

    fn fix(mut self, edit: Edit, summary: impl Into<String>) -> Finding {
        self.fix = Some(Fix { edit, summary: summary.into() });
        self
    }
}

/// Everything a rule needs: the note, the settings and a per-line view.
pub struct Ctx<'a> {
    pub note: &'a Note,
    pub settings: &'a Settings,
    pub clozes: &'a Clozes,
    pub view: text::LineView,
}

impl Ctx<'_> {
    /// Content of line `i` (empty inside front matter).
    #[must_use]
    pub fn line(&self, i: usize) -> &str {
        if i < self.view.body_from { "" } else { self.note.line(i) }
    }

    /// Number of lines.
    #[must_use]
    pub fn len(&self) -> usize {
        self.note.lines.len()
    }

    /// True when the note has no lines (never: an empty note has one).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.note.lines.is_empty()
    }
}

/// Checks one note. `note` must have been parsed with `all_questions` set
/// (unless [`text::may_need_card_rules`] is false for it). Findings are in
/// line order.
#[must_use]
pub fn check_note(note: &Note, settings: &Settings, clozes: &Clozes) -> Vec<Finding> {
    let view = text::LineView::new(note);
    let ctx = Ctx { note, settings, clozes, view };
    let mut out = Vec::new();
    tags::check(&ctx, &mut out);
    layout::check(&ctx, &mut out);
    review::check(&ctx, &mut out);
    if ctx.view.card_rules {
        quirks::check(&ctx, &mut out);
        schedule::check(&ctx, &mut out);
        cards::check(&ctx, &mut out);
    }
    out.sort_by(|a, b| a.line.cmp(&b.line).then(a.code.cmp(&b.code)));
    out
}

/// Indices of the findings whose fixes to apply: non-overlapping edits in
/// text order (a fix overlapping an earlier one is left for the next run).
#[must_use]
pub fn fix_plan(findings: &[Finding]) -> Vec<usize> {
    let mut all: Vec<(usize, &Fix)> =
        findings.iter().enumerate().filter_map(|(i, f)| f.fix.as_ref().map(|x| (i, x))).collect();
    all.sort_by_key(|(_, f)| (f.edit.range.start, f.edit.range.end));
    let mut out: Vec<usize> = Vec::new();
    let mut end = 0;
    for (i, f) in all {
        if out.is_empty() || end <= f.edit.range.start {
            end = f.edit.range.end;
            out.push(i);
        }
    }
    out
}

/// The edits of [`fix_plan`].
#[must_use]
pub fn fix_edits(findings: &[Finding]) -> Vec<Edit> {
    fix_plan(findings).into_iter().filter_map(|i| findings[i].fix.as_ref().map(|f| f.edit.clone())).collect()
}

#[cfg(test)]
pub(crate) mod testutil {
    use chrono::NaiveDate;

    use super::*;
    use crate::parse::{ParseOptions, parse_note};

    pub(crate) const TODAY: NaiveDate = match NaiveDate::from_ymd_opt(2024, 6, 20) {
        Some(d) => d,
        None => panic!("date"),
    };

    /// Parses `text` as recall's `check` does and runs every rule.
    pub(crate) fn check_with(text: &str, settings: &Settings) -> Vec<Finding> {
        let clozes = Clozes::new(&settings.cloze_patterns);
        let opts = ParseOptions {
            settings,
            clozes: &clozes,
            today: TODAY,
            now: crate::clock::When::noon_of(TODAY, crate::clock::Zone::utc()).now,
            zone: crate::clock::Zone::utc(),
            detail: crate::parse::Detail::Full,
        };
        let note = parse_note(text.to_owned(), Some("f"), &opts, true);
        check_note(&note, settings, &clozes)
    }

    pub(crate) fn findings(text: &str) -> Vec<Finding> {
        check_with(text, &Settings::default())
    }

    /// `(line, code)` of every finding.
    pub(crate) fn codes(text: &str) -> Vec<(usize, &'static str)> {
        findings(text).iter().map(|f| (f.line.unwrap_or(0), f.code.name())).collect()
    }

    /// The findings with this code.
    pub(crate) fn only(text: &str, code: Code) -> Vec<Finding> {
        findings(text).into_iter().filter(|f| f.code == code).collect()
    }

    /// The note's text after applying every fix.
    pub(crate) fn fixed(text: &str) -> String {
        crate::edit::splice(text, &fix_edits(&findings(text)))
    }
}

#[cfg(test)]
mod tests {
    use super::testutil::*;
    use super::*;

    #[test]
    fn a_clean_note_has_no_findings() {
        let text = "---\ntags: [flashcards/kafka]\n---\n## Flashcards\n\nWhat is ISR?::in-sync replicas\n<!--SR:!2024-06-18,13,290-->\nA producer is ==idempotent== with `enable.idempotence=true`.\n\nFront\n?\nBack\n";
        assert_eq!(codes(text), vec![]);
    }

    #[test]
    fn prose_notes_without_decks_stay_quiet() {
        // Dataview fields and prose colons in a note that is not a flashcard note.
        let text = "status:: draft\nauthor:: me\n\nNote: this is prose.\n<!-- comment -->\nx::y\n";
        assert_eq!(codes(text), vec![]);
    }

    #[test]
    fn every_code_is_documented_once() {
        let mut seen = std::collections::HashSet::new();
        for (c, _, text) in CODES {
            assert!(seen.insert(c.name()), "{}", c.name());
            assert!(!text.is_empty());
        }
        assert_eq!(seen.len(), 35);
        // `name` and the serialised code agree.
        for (c, _, _) in CODES {
            assert_eq!(serde_json::to_value(c).expect("json"), serde_json::json!(c.name()));
        }
    }

    #[test]
    fn help_names_every_code_with_its_severity_and_meaning() {
        let help = help();
        for (c, sev, text) in CODES {
            let line = help.lines().find(|l| l.trim_start().starts_with(&format!("{} ", c.name())));
            let line = line.unwrap_or_else(|| panic!("{} is not in the help", c.name()));
            assert!(line.contains(sev.name()), "{line}");
            let first_word = text.split(' ').next().unwrap_or("");
            assert!(line.contains(first_word), "{line}");
        }
        assert!(help.lines().all(|l| l.chars().count() <= HELP_WIDTH || !l.contains(' ')), "{help}");
        // The descriptions, joined again, are CODES' texts.
        let flat = help.split_whitespace().collect::<Vec<_>>().join(" ");
        for (_, _, text) in CODES {
            assert!(flat.contains(text), "{text}");
        }
    }

    #[test]
    fn overlapping_fixes_keep_the_first() {
        let f = |a, b| Finding {
            line: Some(1),
            severity: Severity::Warning,
            code: Code::MojibakeTag,
            message: String::new(),
            hint: None,
            fix: Some(Fix {
                edit: Edit { range: a..b, old: String::new(), new: String::new() },
                summary: String::new(),
            }),
            question: None,
        };
        let all = [f(5, 9), f(0, 3), f(2, 4), f(9, 9)];
        let got: Vec<_> = fix_edits(&all).iter().map(|e| e.range.clone()).collect();
        assert_eq!(got, vec![0..3, 5..9, 9..9]);
    }
}
