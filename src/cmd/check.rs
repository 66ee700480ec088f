//! `recall check [PATH…] [--json] [--fix [--apply]]`: what the plugin would
//! silently miss or mangle, as `path:line: severity: message` with a hint.
//!
//! Every note is re-parsed with all its questions (also without a deck) and
//! run through [`crate::check::check_note`]; files the vault could not read
//! become findings too. `--fix` plans only the repairs that cannot lose
//! information; `--apply` writes them through [`apply_edits`] and appends a
//! `fix` record per repair to the review log.

use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;

use crate::check::text::may_need_card_rules;
use crate::check::{Code, Finding, Severity, check_note, conflicts, fix_edits, fix_plan};
use crate::cli::{CheckArgs, Global};
use crate::edit::{Edit, splice, unified_diff};
use crate::error::Error;
use crate::log::{CardRef, Record, Stamp};
use crate::parse::{ParseOptions, parse_note};
use crate::sanitize::{one_line, sanitize};
use crate::vault::{self, Vault, VaultNote, Warning, WarningKind};
use crate::writeback::{NoteWrite, write_and_log};

/// What one note gave.
struct NoteReport {
    path: crate::note_path::NotePath,
    abs: PathBuf,
    folder: Option<String>,
    findings: Vec<Finding>,
    /// The note's text, kept only when it has fixes.
    text: Option<String>,
    /// Per finding: the question's hash and decks, for the log of a fix.
    fix_meta: Vec<Option<(crate::parse::QuestionHash, Vec<String>)>>,
    /// The note's questions, to compare sync-conflict copies.
    questions: Vec<(u64, u64)>,
}

fn report(vn: VaultNote, opts: &ParseOptions) -> NoteReport {
    let folder = vn.folder().map(str::to_owned);
    let VaultNote { path, abs, note } = vn;
    // The vault reads questions only of notes with a deck; check wants them
    // wherever card rules may apply.
    let note = if note.has_deck || !may_need_card_rules(&note) {
        note
    } else {
        parse_note(note.text, folder.as_deref(), opts, true)
    };
    let findings = check_note(&note, opts.settings, opts.clozes);
    let fix_meta: Vec<Option<(crate::parse::QuestionHash, Vec<String>)>> = findings
        .iter()
        .map(|f| {
            f.fix.as_ref()?;
            Some(match f.question.and_then(|q| note.questions.get(q)) {
                Some(q) => (q.hash(&note.text), q.decks.to_vec()),
                None => (crate::parse::QuestionHash::default(), Vec::new()),
            })
        })
        .collect();
    let questions = conflicts::questions_of(&note);
    let text = fix_meta.iter().any(Option::is_some).then_some(note.text);
    NoteReport { path, abs, folder, findings, text, fix_meta, questions }
}

/// A vault warning as a finding, with the hint its kind calls for.
fn warning_finding(w: &Warning) -> Finding {
    let (code, severity, hint) = match w.kind {
        WarningKind::FrontMatterUnclosed => (
            Code::FrontMatter,
            Severity::Warning,
            "add a closing `---` line after the front matter (or remove the first `---` if it is a divider); until then the note's front-matter tags are ignored",
        ),
        WarningKind::FrontMatterInvalid => (
            Code::FrontMatter,
            Severity::Warning,
            "fix the YAML between the two `---` lines; until then the note's front-matter tags are ignored",
        ),
        WarningKind::NotUtf8 => {
            (Code::SkippedFile, Severity::Error, "save the note as UTF-8; until then recall skips its cards")
        }
        WarningKind::Unreadable | WarningKind::Folder => (
            Code::SkippedFile,
            Severity::Error,
            "check the permissions of the file or folder; until then recall skips its cards",
        ),
        WarningKind::Link if w.message.contains("loop") => (
            Code::SkippedFile,
            Severity::Warning,
            "the link points at itself or at a folder that holds it; remove it or point it elsewhere",
        ),
        WarningKind::Link => (
            Code::SkippedFile,
            Severity::Warning,
            "the link's target is gone; remove the link or restore its target",
        ),
        WarningKind::FileName => (
            Code::SkippedFile,
            Severity::Warning,
            "rename the file so its name is valid UTF-8; until then recall skips it",
        ),
        WarningKind::Binary | WarningKind::TooLarge => (
            Code::SkippedFile,
            Severity::Warning,
            "recall skips this file; if it is a note, check what it holds",
        ),
    };
    Finding {
        line: w.line,
        severity,
        code,
        message: w.message.clone(),
        hint: Some(hint.into()),
        fix: None,
        question: None,
    }
}

/// Sync-conflict copies that hold the same questions as their original.
fn conflict_findings(reports: &[NoteReport]) -> Vec<(String, Finding)> {
    let by_path: std::collections::HashMap<&str, &NoteReport> =
        reports.iter().map(|r| (r.path.as_str(), r)).collect();
    reports
        .iter()
        .filter_map(|r| {
            let (original, service) = conflicts::original_of(&r.path)?;
            let o = by_path.get(original.as_str())?;
            let differ = conflicts::differing_schedules(&r.questions, &o.questions)?;
            Some((r.path.to_string(), conflicts::finding(&original, service, r.questions.len(), differ)))
        })
        .collect()
}

#[derive(Serialize)]
struct FindingJson<'a> {
    path: &'a str,
    line: Option<usize>,
    severity: Severity,
    code: Code,
    message: &'a str,
    hint: Option<&'a str>,
    fixable: bool,
}

#[derive(Serialize)]
struct FixJson<'a> {
    path: &'a str,
    line: Option<usize>,
    code: Code,
    summary: &'a str,
    applied: bool,
}

#[derive(Serialize)]
struct DiffJson<'a> {
    path: &'a str,
    diff: String,
}

#[derive(Serialize, Default)]
struct Summary {
    notes: usize,
    errors: usize,
    warnings: usize,
    info: usize,
    fixable: usize,
    fixed: usize,
}

fn paint(s: &str, code: &str, color: bool) -> String {
    if color { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_owned() }
}

fn severity_color(s: Severity) -> &'static str {
    match s {
        Severity::Error => "1;31",
        Severity::Warning => "1;33",
        Severity::Info => "1;36",
    }
}

fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The `--fix` outcome: `fixed[r][i]` marks finding `i` of report `r`
/// repaired on disk.
struct Fixes<'a> {
    fixed: Vec<Vec<bool>>,
    json: Vec<FixJson<'a>>,
    diffs: Vec<DiffJson<'a>>,
    /// A note's fixes could not be written.
    failed: bool,
}

pub fn run(global: &Global, args: &CheckArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let first = args.paths.first().map(PathBuf::as_path);
    let root = vault::discover(global.vault.as_deref(), first)?;
    let scopes = vault::scopes(&root, &args.paths)?;
    let (vault, reports) = vault::scan(&root, &crate::load_options(global), |vn, opts| {
        Vault::in_scope(&vn.path, &scopes).then(|| report(vn, opts))
    })?;
    let reports: Vec<NoteReport> = reports.into_iter().flatten().collect();
    for w in &vault.config.warnings {
        eprintln!("warning: {}", one_line(w));
    }

    let mut fixes = Fixes {
        fixed: reports.iter().map(|r| vec![false; r.findings.len()]).collect(),
        json: Vec::new(),
        diffs: Vec::new(),
        failed: false,
    };
    if args.fix {
        for (ri, r) in reports.iter().enumerate() {
            fix_note(&vault, ri, r, args.apply, &mut fixes);
        }
    }

    // Every finding with its path and whether it was fixed, in path and line order.
    let mut file_findings: Vec<(String, Finding)> = vault
        .warnings
        .iter()
        .filter(|w| Vault::in_scope(&w.path, &scopes))
        .map(|w| (w.path.clone(), warning_finding(w)))
        .collect();
    file_findings.extend(conflict_findings(&reports));
    let mut all: Vec<(&str, &Finding, bool)> =
        file_findings.iter().map(|(p, f)| (p.as_str(), f, false)).collect();
    for (ri, r) in reports.iter().enumerate() {
        for (i, f) in r.findings.iter().enumerate() {
            all.push((&r.path, f, fixes.fixed[ri][i]));
        }
    }
    all.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()).then(a.1.line.cmp(&b.1.line)));

    let summary = summarize(reports.len(), &all);
    if args.json {
        print_json(out, args, &all, &summary, &fixes)?;
    } else {
        print_text(out, args, &all, &summary, &fixes)?;
    }
    Ok(if summary.errors > 0 || fixes.failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// Plans the fixes of report `r` (number `ri`) and, with `apply`, writes
/// them and logs a `fix` record per repair; without, keeps their diff.
fn fix_note<'a>(vault: &Vault, ri: usize, r: &'a NoteReport, apply: bool, fixes: &mut Fixes<'a>) {
    let Some(text) = &r.text else { return };
    let plan = fix_plan(&r.findings);
    let edits = fix_edits(&r.findings);
    // The records of this note's repairs, logged with its write.
    let note_records: Vec<Record> = plan
        .iter()
        .filter_map(|&i| {
            let f = &r.findings[i];
            let fix = f.fix.as_ref()?;
            let (hash, decks) = r.fix_meta.get(i).cloned().flatten().unwrap_or_default();
            let card = CardRef {
                path: r.path.clone(),
                line: crate::parse::LineNo::new(f.line.unwrap_or(0)),
                hash,
                sibling: 0,
                decks,
            };
            Some(Record::fix(
                Stamp::at(vault.now, vault.zone),
                vault.today,
                card,
                format!("{}: {}", f.code.name(), fix.summary),
            ))
        })
        .collect();
    let applied = if apply {
        let folder = r.folder.as_deref();
        let relocate = |now: &str| -> Option<Vec<Edit>> {
            let note = parse_note(now.to_owned(), folder, &vault.parse_options(), true);
            let e = fix_edits(&check_note(&note, &vault.config.settings, &vault.clozes));
            (!e.is_empty()).then_some(e)
        };
        let write = NoteWrite { path: &r.path, abs: &r.abs, original: text, edits, relocate: &relocate };
        match write_and_log(&vault.root, &write, &note_records) {
            Ok(w) => {
                if let Some(e) = w.log_error {
                    eprintln!("warning: the fixes were written but not logged: {e}");
                }
                true
            }
            Err(e) => {
                eprintln!("error: {}", one_line(&e.to_string()));
                if let Some(h) = e.hint() {
                    eprintln!("hint: {h}");
                }
                fixes.failed = true;
                false
            }
        }
    } else {
        fixes
            .diffs
            .push(DiffJson { path: &r.path, diff: unified_diff(&r.path, text, &splice(text, &edits)) });
        false
    };
    for i in plan {
        let f = &r.findings[i];
        let Some(fix) = &f.fix else { continue };
        fixes.json.push(FixJson {
            path: &r.path,
            line: f.line,
            code: f.code,
            summary: &fix.summary,
            applied,
        });
        if applied {
            fixes.fixed[ri][i] = true;
        }
    }
}

/// The counts of the findings left and the fixes made.
fn summarize(notes: usize, all: &[(&str, &Finding, bool)]) -> Summary {
    let mut summary = Summary { notes, ..Summary::default() };
    for &(_, f, is_fixed) in all {
        if is_fixed {
            summary.fixed += 1;
            continue;
        }
        match f.severity {
            Severity::Error => summary.errors += 1,
            Severity::Warning => summary.warnings += 1,
            Severity::Info => summary.info += 1,
        }
        if f.fix.is_some() {
            summary.fixable += 1;
        }
    }
    summary
}

fn print_json(
    out: &mut dyn Write,
    args: &CheckArgs,
    all: &[(&str, &Finding, bool)],
    summary: &Summary,
    fixes: &Fixes,
) -> Result<(), Error> {
    let findings: Vec<FindingJson> = all
        .iter()
        .map(|&(p, f, _)| FindingJson {
            path: p,
            line: f.line,
            severity: f.severity,
            code: f.code,
            message: &f.message,
            hint: f.hint.as_deref(),
            fixable: f.fix.is_some(),
        })
        .collect();
    let mut j = serde_json::json!({ "findings": findings, "summary": summary });
    if args.fix {
        j["fixes"] = serde_json::to_value(&fixes.json).map_err(Error::json_out)?;
        if !args.apply {
            j["diffs"] = serde_json::to_value(&fixes.diffs).map_err(Error::json_out)?;
        }
    }
    crate::json::to_writer_pretty(&mut *out, &j).map_err(Error::json_out)?;
    writeln!(out).map_err(Error::stdout)
}

fn print_text(
    out: &mut dyn Write,
    args: &CheckArgs,
    all: &[(&str, &Finding, bool)],
    summary: &Summary,
    fixes: &Fixes,
) -> Result<(), Error> {
    let color = super::color_enabled();
    for &(p, f, is_fixed) in all {
        let loc = match f.line {
            Some(l) => format!("{p}:{l}"),
            None => p.to_owned(),
        };
        let sev = if is_fixed {
            paint("fixed", "1;32", color)
        } else {
            paint(f.severity.name(), severity_color(f.severity), color)
        };
        writeln!(out, "{}: {sev}: {} [{}]", one_line(&loc), one_line(&f.message), f.code.name())
            .map_err(Error::stdout)?;
        if let Some(h) = f.hint.as_ref().filter(|_| !is_fixed) {
            writeln!(out, "  {}", paint(&format!("hint: {}", one_line(h)), "2", color))
                .map_err(Error::stdout)?;
        }
    }
    if args.fix && !args.apply {
        for d in &fixes.diffs {
            write!(out, "{}", sanitize(&d.diff)).map_err(Error::stdout)?;
        }
    }
    let total = summary.errors + summary.warnings + summary.info;
    let notes = counted(summary.notes, "note", "notes");
    if total == 0 && summary.fixed == 0 {
        return writeln!(out, "no problems found in {notes}").map_err(Error::stdout);
    }
    let mut parts = vec![
        counted(summary.errors, "error", "errors"),
        counted(summary.warnings, "warning", "warnings"),
        format!("{} info", summary.info),
    ];
    if summary.fixed > 0 {
        parts.push(format!("{} fixed", summary.fixed));
    }
    let mut line = format!("{} in {notes}", parts.join(", "));
    if summary.fixable > 0 && args.fix && !args.apply {
        let _ = write!(
            line,
            "; {} fixable: the diff above is a dry run, add --apply to write it",
            summary.fixable
        );
    } else if summary.fixable > 0 {
        let _ = write!(line, "; {} fixable with `recall check --fix`", summary.fixable);
    }
    writeln!(out, "{line}").map_err(Error::stdout)
}
