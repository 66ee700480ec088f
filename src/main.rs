//! The `recall` binary: parse arguments, run, map the result to an exit code.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = recall::cli::Cli::parse();
    match recall::run(&cli) {
        Ok(code) => code,
        // A reader that went away (`recall cards | head`) is not a failure.
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "error: {}", recall::sanitize::one_line(&e.to_string()));
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                let _ = writeln!(err, "caused by: {s}");
                source = s.source();
            }
            if let Some(h) = e.hint() {
                let _ = writeln!(err, "hint: {h}");
            }
            ExitCode::from(e.exit_code())
        }
    }
}

// Parsing a vault allocates many small strings on every core; mimalloc's
// per-thread free lists beat the system allocator's arena locking and
// mprotect growth (see docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
