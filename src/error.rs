//! Typed errors, their exit codes and hints.
//!
//! Exit codes (documented in the README and `--help`): 0 success, 1 an error
//! or problems found, 2 usage errors (clap's own).

use std::io;
use std::path::{Path, PathBuf};

/// Everything that can stop a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{path}: {message}")]
    Settings { path: PathBuf, message: String },
    #[error("{0}")]
    Usage(String),
    #[error("{message}")]
    Refused { message: String, hint: Option<String> },
    /// The terminal could not be set up, read or drawn on.
    #[error("the terminal: {0}")]
    Terminal(#[source] io::Error),
    #[error("{0}")]
    Other(String),
}

impl Error {
    /// An I/O error that names the file it happened to.
    #[must_use]
    pub fn io(path: &Path, source: io::Error) -> Error {
        Error::Io { path: path.to_path_buf(), source }
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

/// Attaches a path to I/O results.
pub trait IoResultExt<T> {
    fn with_path(self, path: &Path) -> Result<T, Error>;
}

impl<T> IoResultExt<T> for io::Result<T> {
    fn with_path(self, path: &Path) -> Result<T, Error> {
        self.map_err(|e| Error::io(path, e))
    }
}
