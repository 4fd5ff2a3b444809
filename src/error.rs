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
    pub(crate) fn new(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> IoError {
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

/// An output folder a build will not write into, and why: named as the user gave it.
#[derive(Debug, thiserror::Error)]
#[error("refusing to use {} as the output folder: {reason}", folder.display())]
pub struct RefusedOutput {
    pub folder: PathBuf,
    pub reason: Refusal,
}

/// Why a build will not write into an output folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Replacing it would delete the site's own files.
    #[error("it holds the site itself; choose another folder with `-o OUT`")]
    HoldsTheSite,
    /// It holds files that no build wrote, which replacing it would delete.
    #[error(
        "it is not empty and holds no previous build (no index.html); empty it or choose another folder with `-o OUT`"
    )]
    NotABuild,
    #[error("it is a file, not a folder")]
    IsAFile,
    /// A path such as `..`, whose last part names no folder to stage the build beside.
    #[error("it needs a name of its own")]
    NoName,
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
    /// The output folder is one the build will not write into.
    #[error(transparent)]
    RefusedOutput(#[from] RefusedOutput),
    /// The system would not start the build's worker threads.
    #[error("cannot start worker threads: {0}")]
    Threads(#[from] rayon::ThreadPoolBuildError),
    /// The search engine (Pagefind) failed to index the articles.
    #[error("the search index could not be made: {0}")]
    Search(String),
    /// A build that failed while it moved its files into the output folder: some of them
    /// may be there.
    #[error("{0}")]
    PartlyPublished(Box<Error>),
    /// A build whose site was written, but whose record of published URLs (`urls.lock`)
    /// could not be.
    #[error("{0}")]
    RecordNotWritten(IoError),
    /// A build that failed (`failed`), whose build cache could not be saved either.
    #[error("{failed}\nwarning: {cache}")]
    CacheNotSaved { failed: Box<Error>, cache: CacheNotSaved },
}

impl Error {
    /// What the failed build left, as the last line of its report says it.
    pub(crate) fn outcome(&self) -> &'static str {
        match self {
            Error::Problems(_) | Error::Io(_) | Error::RefusedOutput(_) | Error::Threads(_) | Error::Search(_) => {
                "nothing was written"
            }
            Error::PartlyPublished(_) => "the output folder may be partly updated; the next build writes it all again",
            Error::RecordNotWritten(_) => {
                "the site was built, but urls.lock was not updated: build again to record what it published"
            }
            Error::CacheNotSaved { failed, .. } => failed.outcome(),
        }
    }

    /// Why the build failed, without what it left (`PartlyPublished`) nor the build cache
    /// it could not save (`CacheNotSaved`).
    pub(crate) fn cause(&self) -> &Error {
        match self {
            Error::PartlyPublished(e) => e.cause(),
            Error::CacheNotSaved { failed, .. } => failed.cause(),
            e => e,
        }
    }

    /// The problems of the site's files, if that is why the build failed.
    pub fn problems(&self) -> Option<&Diagnostics> {
        match self.cause() {
            Error::Problems(list) => Some(list),
            _ => None,
        }
    }

    /// The build cache the failed build could not save either, if it could not.
    pub fn cache_not_saved(&self) -> Option<&CacheNotSaved> {
        match self {
            Error::CacheNotSaved { cache, .. } => Some(cache),
            _ => None,
        }
    }
}

/// A build cache the build could not save: the build stands, but the next one reads and
/// writes everything again.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}; the next build will read and write everything again")]
pub struct CacheNotSaved(pub std::sync::Arc<Error>);

impl From<Error> for CacheNotSaved {
    fn from(e: Error) -> CacheNotSaved {
        CacheNotSaved(std::sync::Arc::new(e))
    }
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

/// An error and its causes on one line, `: `-separated, a cause left out when the message
/// says it already (reqwest's and object_store's messages leave theirs out).
pub fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let said = cause.to_string();
        if !text.contains(&said) {
            text.push_str(": ");
            text.push_str(&said);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(action: &'static str, path: &str) -> IoError {
        IoError::new(action, path, io::Error::from(io::ErrorKind::PermissionDenied))
    }

    #[test]
    fn a_failure_says_what_it_left() {
        let io = Error::Io(refused("write", "public/index.html"));
        assert_eq!(io.outcome(), "nothing was written");
        let problems = Error::from(Diagnostic::file("content/a.md", "missing `title`"));
        assert_eq!(problems.outcome(), "nothing was written");
        let not_a_build = Error::from(RefusedOutput {
            folder: PathBuf::from("docs"),
            reason: Refusal::NotABuild,
        });
        assert_eq!(not_a_build.outcome(), "nothing was written");
        let partly = Error::PartlyPublished(Box::new(Error::Io(refused("move", "public/a"))));
        assert!(partly.outcome().starts_with("the output folder may be partly updated"));
        assert!(matches!(partly.cause(), Error::Io(_)));
    }

    #[test]
    fn a_build_that_failed_keeps_its_problems_beside_the_cache_it_could_not_save() {
        let cache = CacheNotSaved::from(Error::Io(refused("write the build cache", ".dateline/cache/build-1")));
        let failed = Error::CacheNotSaved {
            failed: Box::new(Error::from(Diagnostic::file("content/a.md", "missing `title`"))),
            cache,
        };
        assert_eq!(failed.problems().map(|list| list.len()), Some(1));
        assert_eq!(failed.outcome(), "nothing was written");
        let shown = failed.to_string();
        assert!(
            shown.starts_with("content/a.md:1:1: error: missing `title`\n"),
            "{shown}"
        );
        assert!(
            shown.ends_with(
                "\nwarning: cannot write the build cache .dateline/cache/build-1: permission denied; \
                 the next build will read and write everything again"
            ),
            "{shown}"
        );
    }

    #[test]
    fn an_io_error_names_the_action_and_the_path_without_a_line() {
        let e = std::fs::read("/nonexistent/dateline.toml").at("read", Path::new("/nonexistent/dateline.toml"));
        let shown = e.unwrap_err().to_string();
        assert!(shown.starts_with("cannot read /nonexistent/dateline.toml: "), "{shown}");
        assert!(!shown.contains(":1:1"), "{shown}");
    }
}
