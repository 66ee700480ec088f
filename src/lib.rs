//! recall: spaced repetition over Obsidian notes, compatible with the
//! Obsidian Spaced Repetition plugin (1.15.4).
//!
//! Functional core, thin shell: [`parse`], [`schedule`] and [`edit::plan`]
//! are pure; [`vault`], [`edit::apply`] and the commands in [`cmd`] touch the
//! disk and the terminal. `today` is always an argument below the commands.

pub mod check;
pub mod cli;
pub mod cmd;
pub mod edit;
pub mod error;
pub mod export;
pub mod log;
pub mod notes;
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
        Command::Review(a) => cmd::review::run(&cli.global, a, &mut out)?,
        Command::Grade(a) => cmd::grade::run(&cli.global, a, &mut out)?,
        Command::Notes(a) => cmd::notes::run(&cli.global, a, &mut out)?,
        Command::Reschedule(a) => cmd::reschedule::run(&cli.global, a, &mut out)?,
        Command::Export(a) => cmd::export::run(&cli.global, a, &mut out)?,
        Command::Check(a) => cmd::check::run(&cli.global, a, &mut out)?,
        Command::Stats(a) => cmd::stats::run(&cli.global, a, &mut out)?,
        Command::Schedule(_) => cmd::schedule::run(std::io::stdin().lock(), &mut out)?,
    };
    out.flush().map_err(|e| Error::Other(format!("writing output: {e}")))?;
    Ok(code)
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
    let root = vault::discover(global.vault.as_deref(), first_path)?;
    let (v, out) = vault::scan(&root, &LoadOptions { detail, ..load_options(global) }, f)?;
    print_warnings(&v);
    Ok((v, out))
}

/// The vault-loading options a command line asks for.
#[must_use]
pub fn load_options(global: &Global) -> LoadOptions {
    LoadOptions {
        today: global.today,
        overrides: CliOverrides { tags: global.tags.clone(), folders_as_decks: global.folders_as_decks },
        detail: parse::Detail::Full,
    }
}

fn print_warnings(v: &Vault) {
    let mut err = std::io::stderr().lock();
    for w in &v.warnings {
        let _ = writeln!(err, "warning: {}", sanitize::one_line(&w.to_string()));
    }
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
