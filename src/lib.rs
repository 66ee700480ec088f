//! recall: spaced repetition over Obsidian notes, compatible with the
//! Obsidian Spaced Repetition plugin (1.15.4).
//!
//! Functional core, thin shell: [`parse`], [`schedule`] and [`edit::plan`]
//! are pure; [`vault`], [`edit::apply`] and the commands in [`cmd`] touch the
//! disk and the terminal. `today` is always an argument below the commands.

pub mod anki;
pub mod answer;
pub mod check;
pub mod cli;
pub mod clock;
pub mod cmd;
pub mod deck;
pub mod edit;
pub mod error;
pub mod export;
pub mod import;
pub mod json;
pub mod log;
pub mod note_path;
pub mod notes;
pub mod optimize;
pub mod parse;
pub mod render;
pub mod reschedule;
pub mod sanitize;
pub mod schedule;
pub mod session;
pub mod settings;
pub mod stats;
pub mod tui;
pub mod vault;
pub mod writeback;

use std::io::Write;
use std::process::ExitCode;

use cli::{Cli, Command, Global};
use error::Error;
use settings::CliOverrides;
use vault::{LoadOptions, Vault};

/// Runs a parsed command line; returns the exit code or the error to report.
pub fn run(cli: &Cli) -> Result<ExitCode, Error> {
    let mut out = std::io::stdout().lock();
    let code = match &cli.command {
        Command::Cards(a) => cmd::cards::run(&cli.global, a, &mut out)?,
        Command::Decks(a) => cmd::decks::run(&cli.global, a, &mut out)?,
        Command::Due(a) => cmd::due::run(&cli.global, a, &mut out)?,
        Command::Review(a) => cmd::review::run(&cli.global, a, &mut out)?,
        Command::Grade(a) => cmd::grade::run(&cli.global, a, &mut out)?,
        Command::Notes(a) => cmd::notes::run(&cli.global, a, &mut out)?,
        Command::Reschedule(a) => cmd::reschedule::run(&cli.global, a, &mut out)?,
        Command::Export(a) => cmd::export::run(&cli.global, a, &mut out)?,
        Command::Import(a) => cmd::import::run(&cli.global, a, &mut out)?,
        Command::Check(a) => cmd::check::run(&cli.global, a, &mut out)?,
        Command::Stats(a) => cmd::stats::run(&cli.global, a, &mut out)?,
        Command::Optimize(a) => cmd::optimize::run(&cli.global, a, &mut out)?,
        Command::Completions(a) => cmd::completions::run(a, &mut out)?,
        Command::Man => cmd::man::run(&mut out)?,
        Command::Schedule(_) => cmd::schedule::run(std::io::stdin().lock(), &mut out)?,
    };
    out.flush().map_err(Error::stdout)?;
    Ok(code)
}

/// Resolves `--deck` filters against the vault's decks (full paths or
/// unique tails; see [`deck::resolve`]): one counting pass over the vault,
/// only when there are filters.
pub fn resolve_decks(
    global: &Global,
    first_path: Option<&std::path::Path>,
    filters: &[String],
) -> Result<Vec<String>, Error> {
    if filters.is_empty() {
        return Ok(Vec::new());
    }
    let (known, _) = known_decks(global, first_path, false)?;
    deck::resolve(filters, &known)
}

/// [`resolve_decks`] for a command that also counts review notes: a filter
/// naming no flashcard deck may name a review deck (a note review tag that
/// some note carries). Returns the flashcard decks and, apart, the filters
/// that name only a review deck; a filter naming neither is refused as
/// [`resolve_decks`] refuses it.
pub fn resolve_card_and_note_decks(
    global: &Global,
    first_path: Option<&std::path::Path>,
    filters: &[String],
) -> Result<(Vec<String>, Vec<String>), Error> {
    if filters.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let (known, review) = known_decks(global, first_path, true)?;
    let (mut cards, mut notes) = (Vec::new(), Vec::new());
    for f in filters {
        match deck::resolve(std::slice::from_ref(f), &known) {
            Ok(d) => cards.extend(d),
            Err(_) if review.contains(f.trim_start_matches('#')) => {
                notes.push(f.trim_start_matches('#').to_owned());
            }
            Err(e) => return Err(e),
        }
    }
    Ok((cards, notes))
}

/// The vault's flashcard decks with their parents, and with `review` the
/// review decks its notes are in (tags without `#`): one counting pass.
fn known_decks(
    global: &Global,
    first_path: Option<&std::path::Path>,
    review: bool,
) -> Result<(std::collections::BTreeSet<String>, std::collections::BTreeSet<String>), Error> {
    let root = vault::discover(global.vault.as_deref(), first_path)?;
    let opts = LoadOptions { detail: parse::Detail::Counts, check_state: false, ..load_options(global) };
    let (_, per_note) = vault::scan(&root, &opts, |n, opts| {
        let review: Vec<String> = review
            .then(|| notes::queue_entry(&n.note, opts.settings))
            .flatten()
            .map(|(decks, _)| decks.iter().map(|d| d.trim_start_matches('#').to_owned()).collect())
            .unwrap_or_default();
        if !n.note.has_deck {
            return (Vec::new(), review);
        }
        let mut d: Vec<String> = n.note.questions.iter().flat_map(|q| q.decks.iter().cloned()).collect();
        d.sort_unstable();
        d.dedup();
        (d, review)
    })?;
    let known = deck::with_parents(per_note.iter().flat_map(|(d, _)| d).map(String::as_str));
    let review = per_note.into_iter().flat_map(|(_, r)| r).collect();
    Ok((known, review))
}

/// Finds the vault for a command and reads every note through `f`
/// (see [`vault::scan`]); prints the per-file warnings on stderr.
pub fn scan_vault<T: Send>(
    global: &Global,
    first_path: Option<&std::path::Path>,
    f: impl Fn(vault::VaultNote, &parse::ParseOptions) -> T + Sync,
) -> Result<(Vault, Vec<T>), Error> {
    scan_vault_with(global, first_path, parse::Detail::Full, f)
}

/// [`scan_vault`], recording only `detail` of each question.
pub fn scan_vault_with<T: Send>(
    global: &Global,
    first_path: Option<&std::path::Path>,
    detail: parse::Detail,
    f: impl Fn(vault::VaultNote, &parse::ParseOptions) -> T + Sync,
) -> Result<(Vault, Vec<T>), Error> {
    let (v, out) = scan_vault_quiet(global, first_path, detail, f)?;
    print_warnings(&v);
    Ok((v, out))
}

/// Finds the vault for a command and hands every note, mapped through `f`
/// on the worker threads, to `sink` in path order as soon as the notes
/// before it are done (see [`vault::scan_each`]); prints the per-file
/// warnings on stderr at the end. Nothing of the vault is kept.
pub fn scan_vault_each<T: Send>(
    global: &Global,
    first_path: Option<&std::path::Path>,
    detail: parse::Detail,
    f: impl Fn(vault::VaultNote, &parse::ParseOptions) -> T + Sync,
    sink: impl FnMut(T) -> Result<(), Error>,
) -> Result<Vault, Error> {
    let root = vault::discover(global.vault.as_deref(), first_path)?;
    let v = vault::scan_each(&root, &LoadOptions { detail, ..load_options(global) }, f, sink)?;
    print_warnings(&v);
    Ok(v)
}

/// [`scan_vault_each`] over the vault at `root` with its settings already
/// read (`config`, with the command line's overrides), for a command that
/// needs them before the scan.
pub fn scan_vault_each_with<T: Send>(
    global: &Global,
    root: &std::path::Path,
    config: settings::Config,
    detail: parse::Detail,
    f: impl Fn(vault::VaultNote, &parse::ParseOptions) -> T + Sync,
    sink: impl FnMut(T) -> Result<(), Error>,
) -> Result<Vault, Error> {
    let v = vault::scan_each_with(root, config, &LoadOptions { detail, ..load_options(global) }, f, sink)?;
    print_warnings(&v);
    Ok(v)
}

/// What the command line pins of the clock.
#[must_use]
pub fn pin(global: &Global) -> clock::Pin {
    clock::Pin { today: global.today, now: global.now }
}

/// The clock a session runs on: fixed at the pinned moment when `--today`
/// or `--now` is given, else the real one.
#[must_use]
pub fn session_clock(global: &Global, when: &clock::When) -> std::sync::Arc<dyn clock::Clock> {
    if pin(global).is_pinned() {
        std::sync::Arc::new(clock::FixedClock::new(when.now))
    } else {
        std::sync::Arc::new(clock::SystemClock)
    }
}

/// [`scan_vault_with`] without printing the warnings: the caller shows
/// them (the full-screen review, whose alternate screen would hide them).
pub fn scan_vault_quiet<T: Send>(
    global: &Global,
    first_path: Option<&std::path::Path>,
    detail: parse::Detail,
    f: impl Fn(vault::VaultNote, &parse::ParseOptions) -> T + Sync,
) -> Result<(Vault, Vec<T>), Error> {
    let root = vault::discover(global.vault.as_deref(), first_path)?;
    vault::scan(&root, &LoadOptions { detail, ..load_options(global) }, f)
}

/// The settings of the vault at `root` (with the command line's overrides)
/// and its FSRS parameters, read once for a command that needs the
/// parameters before the scan and hands the settings on to it
/// ([`scan_vault_each_with`]).
pub fn settings_and_fsrs(
    global: &Global,
    root: &std::path::Path,
) -> Result<(settings::Config, schedule::fsrs::Parameters), Error> {
    let config = settings::load(root, &load_options(global).overrides)?;
    let params = schedule::params::fsrs_parameters(&config.settings, &config.recall);
    Ok((config, params))
}

/// The vault-loading options a command line asks for.
#[must_use]
pub fn load_options(global: &Global) -> LoadOptions {
    use clock::Clock;
    LoadOptions {
        pin: pin(global),
        clock_now: clock::SystemClock.now(),
        zone: clock::Zone::Local,
        overrides: CliOverrides { tags: global.tags.clone(), folders_as_decks: global.folders_as_decks },
        detail: parse::Detail::Full,
        check_state: true,
    }
}

/// Prints the settings' warnings, then the vault's per-file warnings, on stderr.
pub fn print_warnings(v: &Vault) {
    let mut err = std::io::stderr().lock();
    for line in vault_warning_lines(v) {
        let _ = writeln!(err, "warning: {}", sanitize::one_line(&line));
    }
}

/// Every warning of a loaded vault worth showing: its settings' and its
/// files' (see [`warning_lines`]).
#[must_use]
pub fn vault_warning_lines(v: &Vault) -> Vec<String> {
    v.config.warnings.iter().cloned().chain(warning_lines(&v.warnings)).collect()
}

/// The warnings worth printing outside `check`, said once: harmless ones
/// are left out, and more than five of one kind become one line.
#[must_use]
pub fn warning_lines(warnings: &[vault::Warning]) -> Vec<String> {
    const MAX_OF_A_KIND: usize = 5;
    let mut by_kind: std::collections::BTreeMap<vault::WarningKind, Vec<&vault::Warning>> =
        std::collections::BTreeMap::new();
    for w in warnings.iter().filter(|w| !w.harmless) {
        by_kind.entry(w.kind).or_default().push(w);
    }
    let mut out = Vec::new();
    for (kind, ws) in by_kind {
        if ws.len() > MAX_OF_A_KIND {
            out.push(format!("{} {}; `recall check` lists them", ws.len(), kind.summary()));
        } else {
            out.extend(ws.iter().map(ToString::to_string));
        }
    }
    out
}

/// Loads the vault for a command: discovery, settings, notes; prints the
/// per-file warnings on stderr.
///
/// The vault lives until the process exits: freeing a large vault's many
/// small allocations at exit costs more than a tenth of the whole run
/// (docs/performance.md), and the OS reclaims it anyway.
pub fn load_vault(global: &Global, first_path: Option<&std::path::Path>) -> Result<&'static Vault, Error> {
    let root = vault::discover(global.vault.as_deref(), first_path)?;
    let v = vault::load(&root, &load_options(global))?;
    print_warnings(&v);
    Ok(Box::leak(Box::new(v)))
}
