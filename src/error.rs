//! Typed errors, their exit codes and hints.
//!
//! Exit codes (documented in the README and `--help`): 0 success, 1 an error
//! or problems found, 2 usage errors (clap's own and [`Error::Usage`]).
//! Every error that comes from a file carries its path ([`IoResultExt`]);
//! writing to standard output or the terminal has its own variant, so a
//! reader that went away ([`Error::is_broken_pipe`]) is told apart from a
//! real failure once, in `main`, for every command.

use std::io;
use std::path::{Path, PathBuf};

/// Where output that failed was going.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sink {
    Stdout,
    Stdin,
    Terminal,
}

impl std::fmt::Display for Sink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Sink::Stdout => "standard output",
            Sink::Stdin => "standard input",
            Sink::Terminal => "the terminal",
        })
    }
}

/// Everything that can stop a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file or folder.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// Writing to standard output or the terminal, or reading input.
    #[error("{sink}: {source}")]
    Output {
        sink: Sink,
        #[source]
        source: io::Error,
    },
    /// JSON that could not be read or written; `what` names it.
    #[error("{what}: {source}")]
    Json {
        what: String,
        #[source]
        source: serde_json::Error,
    },
    /// A file that is not UTF-8 where text is needed.
    #[error("{path}: not valid UTF-8")]
    NotUtf8 { path: PathBuf },
    /// A package (zip) that could not be read or written.
    #[error("{path}: {message}")]
    Package {
        path: PathBuf,
        message: String,
        #[source]
        source: Option<zip::result::ZipError>,
    },
    /// A database (an Anki collection) that could not be read or written.
    #[error("{path}: {message}")]
    Sqlite {
        path: PathBuf,
        message: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error("{path}: {message}")]
    Settings { path: PathBuf, message: String },
    #[error("{0}")]
    Usage(String),
    #[error("{message}")]
    Refused { message: String, hint: Option<String> },
    /// An Anki package that `recall import` cannot read.
    #[error("{path}: {error}")]
    Import { path: PathBuf, error: crate::anki::PackageError },
    /// `recall optimize` cannot fit (too little history, or the crate failed).
    #[error(transparent)]
    Optimize(#[from] crate::optimize::OptimizeError),
}

impl Error {
    /// An I/O error that names the file it happened to.
    #[must_use]
    pub fn io(path: &Path, source: io::Error) -> Error {
        Error::Io { path: path.to_path_buf(), source }
    }

    /// Writing to standard output failed (use as `.map_err(Error::stdout)`).
    #[must_use]
    pub fn stdout(source: io::Error) -> Error {
        Error::Output { sink: Sink::Stdout, source }
    }

    /// Reading standard input failed.
    #[must_use]
    pub fn stdin(source: io::Error) -> Error {
        Error::Output { sink: Sink::Stdin, source }
    }

    /// Drawing on or reading from the terminal failed.
    #[must_use]
    pub fn terminal(source: io::Error) -> Error {
        Error::Output { sink: Sink::Terminal, source }
    }

    /// JSON for standard output could not be written.
    #[must_use]
    pub fn json_out(source: serde_json::Error) -> Error {
        Error::Json { what: Sink::Stdout.to_string(), source }
    }

    /// True when the error is a reader that went away (a closed pipe), at
    /// any depth: the command then stops quietly with status 0.
    #[must_use]
    pub fn is_broken_pipe(&self) -> bool {
        let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(self);
        while let Some(e) = cur {
            if let Some(io) = e.downcast_ref::<io::Error>()
                && io.kind() == io::ErrorKind::BrokenPipe
            {
                return true;
            }
            if let Some(j) = e.downcast_ref::<serde_json::Error>()
                && j.io_error_kind() == Some(io::ErrorKind::BrokenPipe)
            {
                return true;
            }
            cur = e.source();
        }
        false
    }

    /// A hint printed after the message, when there is a useful one.
    #[must_use]
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::Settings { path, .. } if path.ends_with("data.json") => Some(
                "fix the file in Obsidian (Settings → Spaced Repetition) or delete it to use the plugin's defaults".into(),
            ),
            Error::Settings { .. } => Some("see `recall --help` for the keys of .recall/config.yaml".into()),
            Error::Refused { hint, .. } => hint.clone(),
            Error::Import { error, .. } => error.hint().map(str::to_owned),
            Error::Optimize(
                crate::optimize::OptimizeError::TooLittle { .. } | crate::optimize::OptimizeError::NoLongHistory,
            ) => Some(
                "a review counts when it comes on a later day than the card's previous answer; first answers, \
                 same-day repeats and cards already scheduled when the log began do not"
                    .into(),
            ),
            Error::Io { source, .. } if source.kind() == io::ErrorKind::PermissionDenied => {
                Some("check the file's permissions".into())
            }
            _ => None,
        }
    }

    /// The process exit code for this error.
    #[must_use]
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) => 2,
            _ => 1,
        }
    }
}

/// Attaches a path to I/O results: `fs::read(p).with_path(p)?`.
pub trait IoResultExt<T> {
    fn with_path(self, path: &Path) -> Result<T, Error>;
}

impl<T> IoResultExt<T> for io::Result<T> {
    fn with_path(self, path: &Path) -> Result<T, Error> {
        self.map_err(|e| Error::io(path, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_pipes_are_found_at_any_depth() {
        let pipe = || io::Error::new(io::ErrorKind::BrokenPipe, "closed");
        assert!(Error::stdout(pipe()).is_broken_pipe());
        assert!(Error::io(Path::new("x"), pipe()).is_broken_pipe());
        let json = serde_json::to_writer(BrokenWriter, &[1, 2, 3]).expect_err("fails");
        assert!(Error::json_out(json).is_broken_pipe());
        assert!(!Error::stdout(io::Error::other("full")).is_broken_pipe());
        assert!(!Error::Usage("x".into()).is_broken_pipe());
    }

    struct BrokenWriter;

    impl io::Write for BrokenWriter {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
}
