//! `check`'s diagnostics: what the plugin would silently miss or mangle in
//! a note, found by re-reading the note's text (pure; no I/O).
//!
//! [`check_note`] takes a note parsed with `all_questions` set (so notes
//! without a deck have their questions too) and returns its findings, each
//! with a 1-based line, a severity, a stable code, a message, a hint and,
//! for the repairs that cannot lose information, an [`Edit`]. Every rule
//! lives in one submodule; [`CODES`] lists them for `--help`.
//!
//! Card rules run on notes the plugin reads (they have a deck) and on notes
//! that look meant as flashcard notes (a schedule comment, or a heading
//! naming flashcards); other notes only get the tag and note-review checks,
//! so a vault full of prose and Dataview `key:: value` fields stays quiet.

pub mod cards;
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

/// `recall check --help`: severities, codes, fixes, JSON and exit status.
pub const HELP: &str = "\
Each finding is printed as `path:line: severity: message [code]`, with a
`hint:` line saying what to do, then a summary.

Severities:
  error    a card or a schedule is lost, hidden, or will be written wrongly
  warning  probably not what you meant (text that is no card, a garbled tag)
  info     harmless but worth knowing (legacy forms the plugin still reads)

Codes (usual severity):
  comment-hides-line   error    a one-line HTML comment at column 0 also hides
                                the next line, which holds a card
  comment-hides-rest   error    an HTML comment not closed on its first line
                                hides the rest of the note (warning if it
                                never closes: commented out in Obsidian too)
  unclosed-fence       error    a code fence the plugin never sees closed
                                swallows the cards after it
  indented-schedule    error    an indented schedule comment under a
                                single-line card is not read (fixable)
  swallowed-card       error    a `::` line inside a multi-line or cloze card
                                turns the block into a single-line card
  split-cloze          error    a cloze split over two lines is no cloze
                                (warning when the card has other clozes)
  misspelt-schedule    error    `<!-- SR:` or `<!--sr:` is not a schedule
  invalid-date         error    a date the plugin cannot read: the card never
                                comes due; later written as 0NaN-NaN-NaN
  bad-number           error    an interval or ease that is no number
                                (warning: decimals or extra fields)
  duplicate            error    the same question twice: the plugin writes
                                reviews to the first (warning while both
                                have a schedule comment)
  skipped-file         error    a file recall cannot read as a note: invalid
                                UTF-8, unreadable (warning: binary, too large)
  separator-in-code    warning  the first `::` is in inline code, so a later
                                `::` does not make a card
  split-in-code        warning  a card is split at a `::` inside inline code
  orphan-schedule      warning  a schedule comment that belongs to no card
  odd-date             warning  a date read as another day (2024-02-30 is
                                2030-02-20)
  surplus-segments     warning  more schedule segments than cards (fixable)
  second-schedule      warning  a second schedule comment is ignored
  bare-schedule        warning  `!2024-01-01,3,250` in a card's text is read
                                as its schedule
  no-deck              warning  a note with cards but no flashcard deck; the
                                hint names the tag or setting that would help
  near-miss            warning  a line among cards (in a paragraph with cards
                                or under a Flashcards heading) that uses one
                                `:` or `: :` instead of `::`
  empty-side           warning  a card with an empty front or back
  mojibake-tag         warning  a tag that is UTF-8 read as Mac Roman or
                                Windows-1252, with its repair (fixable)
  front-matter         warning  front matter not closed or not valid YAML
  review-front-matter  error    a note tagged for review whose front matter is
                                not valid YAML: its schedule cannot be written
  review-bad-date      error    an `sr-due` the plugin cannot read: the note
                                never comes due
  review-bad-number    error    an `sr-interval` or `sr-ease` that is no number
  review-incomplete    warning  a note schedule missing one of its three `sr-`
                                keys: the note is treated as new
  bad-fsrs             error    an FSRS segment with a field the plugin cannot
                                schedule (a number, the state, the last review)
  legacy-schedule      info     `<!--SR:date,ivl,ease-->` from before 2021
  review-untagged      info     `sr-` keys on a note without a review tag
  fsrs-under-sm2       info     an FSRS segment in a vault set to SM-2: its
                                next answer writes an SM-2 schedule

Card rules run on notes the plugin reads and on notes that look meant as
flashcard notes (a schedule comment or a heading naming flashcards); other
notes only get the tag and note-review checks.

--fix shows, as a unified diff, only the repairs that cannot lose
information: repairing mojibake tags, dropping surplus segments and
un-indenting a schedule comment. --fix --apply writes them (atomically,
through the same engine as grading) and logs each as a `fix` record.

--json prints one object:
  findings  [{path, line, severity, code, message, hint, fixable}]
            (line and hint may be null)
  fixes     [{path, line, code, summary, applied}] (with --fix)
  diffs     [{path, diff}] (with --fix, without --apply)
  summary   {notes, errors, warnings, info, fixable, fixed}

Exit status: 1 when an error-level finding remains (after --fix --apply,
the repaired ones no longer count), else 0; 2 for a usage error.";

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
        Finding { line: Some(line + 1), severity, code, message, hint: None, fix: None, question: None }
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

    pub const TODAY: NaiveDate = match NaiveDate::from_ymd_opt(2024, 6, 20) {
        Some(d) => d,
        None => panic!("date"),
    };

    /// Parses `text` as recall's `check` does and runs every rule.
    pub fn check_with(text: &str, settings: &Settings) -> Vec<Finding> {
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

    pub fn findings(text: &str) -> Vec<Finding> {
        check_with(text, &Settings::default())
    }

    /// `(line, code)` of every finding.
    pub fn codes(text: &str) -> Vec<(usize, &'static str)> {
        findings(text).iter().map(|f| (f.line.unwrap_or(0), f.code.name())).collect()
    }

    /// The findings with this code.
    pub fn only(text: &str, code: Code) -> Vec<Finding> {
        findings(text).into_iter().filter(|f| f.code == code).collect()
    }

    /// The note's text after applying every fix.
    pub fn fixed(text: &str) -> String {
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
        assert_eq!(seen.len(), 31);
    }

    #[test]
    fn help_names_every_code_with_its_severity() {
        for (c, sev, _) in CODES {
            let line = HELP.lines().find(|l| l.trim_start().starts_with(&format!("{} ", c.name())));
            let line = line.unwrap_or_else(|| panic!("{} is not in HELP", c.name()));
            assert!(line.contains(sev.name()), "{line}");
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
