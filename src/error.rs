//! Why a command fails, besides the problems of the site's own files (`Diagnostic`):
//! what the file system refused, named with its path and what dateline was doing, as
//! ripgrep words its errors (`cannot write public/index.html: No space left on device`).

use std::io;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Diagnostics};

/// An operation on a file or folder that the file system refused.
#[derive(Debug, thiserror::Error)]
#[error("cannot {action} {}: {source}", path.display())]
pub struct IoError {
    /// What dateline was doing, as the verb of "cannot …": `write`, `read`, `create the
    /// folder`, `remove`.
    pub action: &'static str,
    /// The file or folder, as the user named it (relative to where they ran dateline).
    pub path: PathBuf,
    #[source]
    pub source: io::Error,
}

impl IoError {
    pub fn new(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> IoError {
        IoError {
            action,
            path: path.into(),
            source,
        }
    }
}

/// Names the path and the action of an I/O result's error: `fs::write(&p, b).at("write", &p)?`.
pub trait IoResultExt<T> {
    fn at(self, action: &'static str, path: &Path) -> Result<T, IoError>;
}

impl<T> IoResultExt<T> for io::Result<T> {
    fn at(self, action: &'static str, path: &Path) -> Result<T, IoError> {
        self.map_err(|e| IoError::new(action, path, e))
    }
}

/// Why a build (or a command that runs one) failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Problems in the site's own files (content, configuration, templates), each at its
    /// file, line and column; all of them, sorted.
    #[error("{0}")]
    Problems(Diagnostics),
    /// The file system refused what the build had to do.
    #[error(transparent)]
    Io(#[from] IoError),
}

impl From<Diagnostics> for Error {
    fn from(list: Diagnostics) -> Error {
        Error::Problems(list)
    }
}

impl From<Vec<Diagnostic>> for Error {
    fn from(list: Vec<Diagnostic>) -> Error {
        Error::Problems(Diagnostics::from(list))
    }
}

impl From<Diagnostic> for Error {
    fn from(d: Diagnostic) -> Error {
        Error::Problems(Diagnostics::from(d))
    }
}

/// Until every caller reports an `Error` (the build and `serve` report `Diagnostics`), an
/// I/O error they meet is one more problem, at its path.
impl From<IoError> for Diagnostic {
    fn from(e: IoError) -> Diagnostic {
        Diagnostic::file(e.path, format!("cannot {}: {}", e.action, e.source))
    }
}

impl From<IoError> for Diagnostics {
    fn from(e: IoError) -> Diagnostics {
        Diagnostics::from(Diagnostic::from(e))
    }
}

impl From<Error> for Diagnostics {
    fn from(e: Error) -> Diagnostics {
        match e {
            Error::Problems(list) => list,
            Error::Io(e) => e.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_io_error_names_the_action_and_the_path_without_a_line() {
        let e = std::fs::read("/nonexistent/dateline.toml").at("read", Path::new("/nonexistent/dateline.toml"));
        let shown = e.unwrap_err().to_string();
        assert!(shown.starts_with("cannot read /nonexistent/dateline.toml: "), "{shown}");
        assert!(!shown.contains(":1:1"), "{shown}");
    }
}
