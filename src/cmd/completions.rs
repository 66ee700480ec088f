//! `recall completions SHELL`: the shell completion script, from the same
//! clap definition the command line is parsed with, so it cannot drift.

use std::io::Write;
use std::process::ExitCode;

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::error::Error;

/// The completion script for `shell`.
#[must_use]
pub fn script(shell: clap_complete::Shell) -> Vec<u8> {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    // Into memory first: the generator panics on a failed write, and a
    // closed pipe is no failure.
    clap_complete::generate(shell, &mut cmd, "recall", &mut buf);
    buf
}

pub fn run(args: &CompletionsArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    out.write_all(&script(args.shell)).map_err(Error::stdout)?;
    Ok(ExitCode::SUCCESS)
}
