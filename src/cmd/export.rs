//! `recall export`: write the cards to an Anki package, Anki text, CSV or
//! JSON file.
//!
//! Export only reads the vault. The output is written atomically (a temp file
//! beside it, fsync, rename), and is refused where it would become part of
//! the vault's notes or settings: a `.md` file inside the vault, or anything
//! under one of its dot-folders (`.obsidian/`, `.recall/`).

use std::cell::OnceCell;
use std::fs;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::cli::{ExportArgs, ExportFormat, Global};
use crate::edit::apply::Scratch;
use crate::error::{Error, IoResultExt};
use crate::export::media::{Pack, VaultFiles};
use crate::export::{self, Selection, apkg};
use crate::sanitize::one_line;

pub fn run(global: &Global, args: &ExportArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let to_stdout = args.output.as_os_str() == "-";
    let format = match args.format {
        Some(f) => f,
        None => format_of(&args.output)?,
    };
    if args.with_scheduling && format == ExportFormat::AnkiTxt {
        return Err(Error::Usage(
            "--with-scheduling: Anki's text format cannot carry scheduling; use --format apkg".into(),
        ));
    }
    if to_stdout && format == ExportFormat::Apkg {
        return Err(Error::Usage(
            "-o -: an Anki package cannot go to standard output; give a file name".into(),
        ));
    }
    let first = args.paths.first().map(PathBuf::as_path);
    if format == ExportFormat::Apkg {
        let root = crate::vault::discover(global.vault.as_deref(), first)?;
        let scopes = crate::vault::scopes(&root, &args.paths)?;
        check_output(&root, &args.output)?;
        let decks = crate::resolve_decks(global, first, &args.deck)?;
        let files = DiskFiles { root: &root, all: OnceCell::new() };
        let mut pack = Pack::new(&files);
        let (cards, s) = write_apkg(global, args, &root, &Selection { scopes, decks }, &mut pack)?;
        let detail = format!(
            ", {} deck{}, {} media file{}{}",
            s.decks,
            plural(s.decks),
            s.media,
            plural(s.media),
            if args.with_scheduling {
                format!(", {} with scheduling", s.review_cards)
            } else {
                String::new()
            }
        );
        return report(args, format, &pack, cards, s.notes, &detail, out);
    }
    let root = crate::vault::discover(global.vault.as_deref(), first)?;
    let scopes = crate::vault::scopes(&root, &args.paths)?;
    if !to_stdout {
        check_output(&root, &args.output)?;
    }
    let decks = crate::resolve_decks(global, first, &args.deck)?;
    let sel = Selection { scopes, decks };
    let files = DiskFiles { root: &root, all: OnceCell::new() };
    let mut pack = Pack::new(&files);
    let (cards, notes) = write_text(global, args, format, &sel, &mut pack, out)?;
    report(args, format, &pack, cards, notes, "", out)
}

/// Writes a text export (CSV, JSON, Anki text) as the vault is read: each
/// note's questions are collected (and for CSV and JSON their rows
/// written) on the thread that parsed it, and go out in note order, so no
/// whole-vault list of cards is held. Returns the cards and notes written.
fn write_text(
    global: &Global,
    args: &ExportArgs,
    format: ExportFormat,
    sel: &Selection,
    pack: &mut Pack,
    out: &mut dyn Write,
) -> Result<(usize, usize), Error> {
    let first = args.paths.first().map(PathBuf::as_path);
    let root = crate::vault::discover(global.vault.as_deref(), first)?;
    let (config, params) = crate::settings_and_fsrs(global, &root)?;
    let path = args.output.as_path();
    let fail =
        |e: std::io::Error| if path.as_os_str() == "-" { Error::stdout(e) } else { Error::io(path, e) };
    emit_each(path, out, |w| {
        let (mut cards, mut notes, mut started) = (0usize, 0usize, false);
        match format {
            ExportFormat::Csv => w.write_all(&export::csv::header()).map_err(fail)?,
            ExportFormat::Json => w.write_all(b"[").map_err(fail)?,
            // The header waits for a first note: with none, nothing is written.
            ExportFormat::AnkiTxt | ExportFormat::Apkg => {}
        }
        crate::scan_vault_each_with(
            global,
            &root,
            config,
            crate::parse::Detail::Full,
            |n, popts| {
                let qs = export::note_questions(&n, sel, popts, &|n| file_mtime(&n.abs), true);
                let mut bytes = Vec::new();
                let written = match format {
                    ExportFormat::Csv => {
                        qs.iter().try_for_each(|q| export::csv::rows(q, &mut bytes)).map_err(Error::stdout)
                    }
                    ExportFormat::Json => qs
                        .iter()
                        .try_for_each(|q| export::json::elements(q, &params, popts.now, &mut bytes))
                        .map_err(Error::json_out),
                    ExportFormat::AnkiTxt | ExportFormat::Apkg => Ok(()),
                };
                written.map(|()| (qs, bytes))
            },
            |done| {
                let (qs, bytes) = done?;
                notes += qs.len();
                cards += qs.iter().map(|q| q.cards.len()).sum::<usize>();
                match format {
                    ExportFormat::Json if !bytes.is_empty() => {
                        // The very first element's comma is left out.
                        w.write_all(if started { &bytes[..] } else { &bytes[1..] }).map_err(fail)?;
                        started = true;
                    }
                    ExportFormat::Csv | ExportFormat::Json => w.write_all(&bytes).map_err(fail)?,
                    ExportFormat::AnkiTxt | ExportFormat::Apkg => {
                        for q in &qs {
                            if !started {
                                w.write_all(export::anki_txt::HEADER.as_bytes()).map_err(fail)?;
                                started = true;
                            }
                            w.write_all(export::anki_txt::line(q, &mut *pack).as_bytes()).map_err(fail)?;
                        }
                    }
                }
                Ok(())
            },
        )?;
        match format {
            ExportFormat::Json => w.write_all(if started { b"\n]\n" } else { b"]\n" }).map_err(fail)?,
            ExportFormat::AnkiTxt if notes == 0 => return Err(nothing_to_export()),
            _ => {}
        }
        Ok((cards, notes))
    })
}

/// Builds the package as the vault is read: each question is rendered on
/// the thread that parsed its note and goes into the collection in note
/// order; returns the cards (siblings) exported and what was written.
fn write_apkg(
    global: &Global,
    args: &ExportArgs,
    root: &Path,
    sel: &Selection,
    pack: &mut Pack,
) -> Result<(usize, apkg::Summary), Error> {
    let opts = apkg::Options {
        with_scheduling: args.with_scheduling,
        now_ms: now_ms(),
        vault_name: vault_name(root),
    };
    let first = args.paths.first().map(PathBuf::as_path);
    crate::edit::apply::write_file(&args.output, |f| {
        // The collection is built in a file beside the package, then
        // streamed into it: a large vault's collection never sits in memory.
        let scratch = Scratch::beside(&args.output)?;
        let collection = apkg::CollectionFile::create(scratch.path(), &args.output)?;
        let mut col = collection.collection(opts.now_ms)?;
        let mut cards = 0;
        let vault = crate::scan_vault_each(
            global,
            first,
            crate::parse::Detail::Full,
            |n, popts| {
                apkg::prepare(export::note_questions(&n, sel, popts, &|n| file_mtime(&n.abs), false), &opts)
            },
            |prepared| {
                for p in prepared {
                    let row = match p {
                        apkg::Prepared::Row(row) => row,
                        apkg::Prepared::Media(q) => apkg::render(&q, &opts, &mut *pack),
                    };
                    cards += row.siblings;
                    col.add(row)?;
                }
                Ok(())
            },
        )?;
        if col.notes() == 0 {
            return Err(nothing_to_export());
        }
        // The package's start is written while the last indexes are built.
        let (mut summary, early) = col.finish(vault.today, |committed| {
            apkg::package_early(&args.output, scratch.path(), committed, &mut *f)
        })?;
        collection.close()?;
        summary.media = pack.entries.len();
        let open = |rel: &str| -> Result<apkg::Opened, Error> {
            let p = root.join(rel);
            let file = fs::File::open(&p).with_path(&p)?;
            let size = file.metadata().with_path(&p)?.len();
            Ok((Box::new(file), size))
        };
        apkg::package(&args.output, scratch.path(), early.as_ref(), &pack.entries, &open, f)?;
        Ok((cards, summary))
    })
}

fn nothing_to_export() -> Error {
    Error::Refused {
        message: "nothing to export: no cards in the selected notes and decks; nothing was written".into(),
        hint: Some("`recall cards` lists the cards (with the same PATHs and --deck)".into()),
    }
}

/// The warnings about media, then the line saying what was written.
fn report(
    args: &ExportArgs,
    format: ExportFormat,
    pack: &Pack,
    cards: usize,
    notes: usize,
    detail: &str,
    out: &mut dyn Write,
) -> Result<ExitCode, Error> {
    let mut err = std::io::stderr().lock();
    for m in &pack.missing {
        let _ = writeln!(
            err,
            "warning: {}: `{}` is not a file of the vault; the card shows it as missing",
            one_line(&m.note),
            one_line(&m.link)
        );
    }
    if format == ExportFormat::AnkiTxt && !pack.entries.is_empty() {
        let _ = writeln!(
            err,
            "warning: a text file cannot carry media; copy these {} file{} into Anki's collection.media folder (or export --format apkg):",
            pack.entries.len(),
            plural(pack.entries.len())
        );
        for e in &pack.entries {
            let _ = writeln!(err, "  {} as {}", one_line(&e.path), one_line(&e.name));
        }
    }
    if args.output.as_os_str() != "-" {
        let line = format!(
            "exported {cards} card{} ({} note{}{detail}) to {}",
            plural(cards),
            notes,
            plural(notes),
            args.output.display()
        );
        writeln!(out, "{}", one_line(&line)).map_err(Error::stdout)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The format a file name asks for.
fn format_of(path: &Path) -> Result<ExportFormat, Error> {
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("apkg") => Ok(ExportFormat::Apkg),
        Some("txt" | "tsv") => Ok(ExportFormat::AnkiTxt),
        Some("csv") => Ok(ExportFormat::Csv),
        Some("json") => Ok(ExportFormat::Json),
        _ => Err(Error::Usage(format!(
            "{}: cannot tell the format from the file name; pass --format apkg|anki-txt|csv|json",
            path.display()
        ))),
    }
}

/// Refuses an output that would land among the vault's notes or settings.
fn check_output(root: &Path, output: &Path) -> Result<(), Error> {
    if output.is_dir() {
        return Err(Error::Usage(format!("{}: is a folder; give a file name", output.display())));
    }
    let Some(name) = output.file_name() else {
        return Err(Error::Usage(format!("{}: not a file name", output.display())));
    };
    let parent = match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let root = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let target = real_path(parent).join(name);
    if let Ok(rel) = target.strip_prefix(&root) {
        let is_note = rel.extension().is_some_and(|e| e.eq_ignore_ascii_case("md"));
        let in_dot_folder = rel
            .parent()
            .is_some_and(|p| p.components().any(|c| c.as_os_str().to_string_lossy().starts_with('.')));
        if is_note || in_dot_folder {
            return Err(Error::Refused {
                message: format!(
                    "{}: would be {} inside the vault; export never writes notes or settings, nothing was written",
                    output.display(),
                    if is_note { "a note" } else { "a settings file" }
                ),
                hint: Some("write the export outside the vault, or give it another name".into()),
            });
        }
    }
    if !parent.is_dir() {
        return Err(Error::Refused {
            message: format!("{}: no such folder; create it first (nothing was written)", parent.display()),
            hint: Some(format!("mkdir -p {}", parent.display())),
        });
    }
    Ok(())
}

/// `path` made absolute with its existing part's links resolved, so that a
/// folder not created yet is still seen to lie inside the vault.
fn real_path(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = abs.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(p), Some(name)) => {
                rest.push(name);
                existing = p;
            }
            _ => break,
        }
    }
    let mut out = fs::canonicalize(existing).unwrap_or_else(|_| existing.to_path_buf());
    out.extend(rest.iter().rev());
    out
}

/// Writes to standard output or, atomically, to the file. On a terminal
/// the text is shown with its control characters made visible
/// ([`for_terminal`]); a pipe or a file gets the exact bytes.
/// Writes through `write` to the file at `path` (atomically: an error
/// leaves it as it was) or to standard output for `-`, made safe for a
/// terminal when it is one.
fn emit_each<T>(
    path: &Path,
    out: &mut dyn Write,
    write: impl FnOnce(&mut dyn Write) -> Result<T, Error>,
) -> Result<T, Error> {
    if path.as_os_str() == "-" {
        if std::io::stdout().is_terminal() {
            let mut buf = Vec::new();
            let t = write(&mut buf)?;
            out.write_all(for_terminal(&buf).as_bytes()).map_err(Error::stdout)?;
            return Ok(t);
        }
        return write(out);
    }
    crate::edit::apply::write_file(path, |f| {
        let mut w = BufWriter::new(f);
        let t = write(&mut w)?;
        w.flush().with_path(path)?;
        Ok(t)
    })
}

/// Export text for a terminal: line ends as the terminal shows them and
/// every control character visible (`␛` for ESC), so a note's bytes cannot
/// drive the terminal.
#[must_use]
pub fn for_terminal(bytes: &[u8]) -> String {
    crate::sanitize::sanitize(&String::from_utf8_lossy(bytes).replace("\r\n", "\n"))
}

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

/// A note file's modification time (Unix seconds); now when unknown.
fn file_mtime(path: &Path) -> i64 {
    fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(now_ms() / 1000, |d| d.as_secs() as i64)
}

fn vault_name(root: &Path) -> String {
    let canon = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    canon.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// The vault's files on disk; the full list is walked once, on first need.
struct DiskFiles<'a> {
    root: &'a Path,
    all: OnceCell<Vec<String>>,
}

impl VaultFiles for DiskFiles<'_> {
    fn is_file(&self, rel: &str) -> bool {
        self.root.join(rel).is_file()
    }

    fn ending_with(&self, suffix: &str) -> Vec<String> {
        let all = self.all.get_or_init(|| crate::vault::files(self.root));
        let tail = format!("/{suffix}");
        all.iter().filter(|p| *p == suffix || p.ends_with(&tail)).cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_text_shows_controls() {
        assert_eq!(for_terminal(b"a,\x1b[31mb\r\nc\x9b\r\n"), "a,␛[31mb\nc\u{fffd}\n");
        assert_eq!(for_terminal("x\u{202e}y\tz\n".as_bytes()), "x�y\tz\n");
    }
}
