//! `recall optimize [--json] [--apply]`: FSRS-6 weights fitted to the
//! vault's review log (the work is in [`crate::optimize`]); `--apply`
//! writes them to `.recall/config.yaml`.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use crate::cli::{Global, OptimizeArgs};
use crate::edit::apply::write_atomic;
use crate::error::Error;
use crate::log::{self, Record};
use crate::optimize::history::{dataset, histories};
use crate::optimize::report::{Apply, Context, Report, text};
use crate::optimize::{self, Fit, Progress, set_fsrs_weights};
use crate::settings::{self, Algorithm, CliOverrides, RECALL_CONFIG};
use crate::vault;

pub fn run(global: &Global, args: &OptimizeArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let root = vault::discover(global.vault.as_deref(), None)?;
    let overrides = CliOverrides { tags: global.tags.clone(), folders_as_decks: global.folders_as_decks };
    let config = settings::load(&root, &overrides)?;

    let (records, bad) = log::read(&root)?;
    for b in bad.iter().take(5) {
        eprintln!(
            "warning: {}:{}: {}; line left out",
            log::LOG_PATH,
            b.line,
            crate::sanitize::one_line(&b.message)
        );
    }
    if bad.len() > 5 {
        eprintln!("warning: {} more unreadable lines in {} left out", bad.len() - 5, log::LOG_PATH);
    }
    let effective: Vec<&Record> = log::effective(&records);
    let hist = histories(&effective);
    let data = dataset(&hist);
    optimize::check_enough(&data)?;

    let fit = fit_with_progress(&data)?;
    let report = Report::new(data.cards, data.reviews, &fit);

    let apply = if !args.apply {
        Apply::No
    } else if fit.improves() {
        let path = root.join(RECALL_CONFIG);
        let current = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(Error::io(&path, e)),
        };
        let edited = set_fsrs_weights(&current, &fit.parameters)
            .map_err(|e| Error::Settings { path: path.clone(), message: e.to_string() })?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        write_atomic(&path, edited.as_bytes())?;
        Apply::Written(RECALL_CONFIG.to_owned())
    } else {
        Apply::NotBetter
    };

    if args.json {
        crate::json::to_writer_pretty(&mut *out, &report).map_err(Error::json_out)?;
        writeln!(out).map_err(Error::stdout)?;
        match &apply {
            Apply::Written(p) => eprintln!("wrote fsrs-weights to {p}"),
            Apply::NotBetter => {
                eprintln!("not written: the fitted weights predict this history no better than the defaults");
            }
            Apply::No => {}
        }
        return Ok(ExitCode::SUCCESS);
    }
    let context = Context {
        predicted: data.items.len(),
        started_before_log: (hist.started_before_log, hist.started_before_log_answers),
        bad_lines: bad.len(),
        sm2_vault: config.settings.algorithm == Algorithm::Sm2Osr,
        apply,
    };
    out.write_all(text(&report, &context).as_bytes()).map_err(Error::stdout)?;
    Ok(ExitCode::SUCCESS)
}

/// Runs the fit on another thread while a progress bar (on a terminal,
/// on stderr) follows the crate's progress.
fn fit_with_progress(data: &optimize::history::Dataset) -> Result<Fit, Error> {
    if !std::io::stderr().is_terminal() {
        return Ok(optimize::fit(data, None)?);
    }
    let progress: Progress = fsrs::CombinedProgressState::new_shared();
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("fitting {bar:40} {percent:>3}%")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let result = std::thread::scope(|s| {
        let worker = s.spawn(|| optimize::fit(data, Some(progress.clone())));
        while !worker.is_finished() {
            if let Ok(p) = progress.lock() {
                bar.set_length(p.total().max(1) as u64);
                bar.set_position(p.current() as u64);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        worker.join()
    });
    bar.finish_and_clear();
    match result {
        Ok(fit) => Ok(fit?),
        Err(panic) => std::panic::resume_unwind(panic),
    }
}
