//! One build of a site at a time. A build reads and replaces its build cache and its
//! output folder, and keeps the site's caches pruned: two at once (a scheduled build and
//! one by hand, or `dateline serve` beside `dateline build`) could leave an output folder
//! of one with the cache of the other, which the next build would trust. So every build
//! holds an exclusive lock on `SITE/.dateline/lock` from reading the cache to writing it,
//! and one that finds it held waits for it.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::ErrorKind;
use std::path::Path;

use crate::BuildOptions;
use crate::diag::Diagnostic;

/// The lock file, relative to the site.
pub const LOCK_FILE: &str = ".dateline/lock";

/// The site's build lock while it is held (released when dropped, or when the process
/// ends however it ends).
#[derive(Debug)]
pub struct SiteLock {
    _file: Option<File>,
}

impl SiteLock {
    /// The lock of the site `options` builds, for the build: taken as `take` does, and
    /// said on stderr (unless `quiet`) when it waits for another build.
    pub fn for_build(options: &BuildOptions) -> Result<SiteLock, Diagnostic> {
        SiteLock::take(&options.site, || {
            if !options.quiet {
                eprintln!("Waiting for another build of {} to finish…", options.site.display());
            }
        })
    }

    /// Takes the build lock of `site`, waiting while another process holds it, after
    /// calling `waiting` once. A folder that is not a site (no `dateline.toml`) gets no
    /// lock, and no `.dateline` folder: the build says what is wrong. Nor does a site on
    /// a file system without locks.
    pub fn take(site: &Path, waiting: impl FnOnce()) -> Result<SiteLock, Diagnostic> {
        let none = SiteLock { _file: None };
        if !site.join(crate::config::CONFIG_FILE).is_file() {
            return Ok(none);
        }
        let path = site.join(LOCK_FILE);
        let problem = |e: std::io::Error| Diagnostic::file(&path, format!("cannot take the build lock: {e}"));
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(problem)?;
        }
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(problem)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                waiting();
                file.lock().map_err(problem)?;
            }
            Err(TryLockError::Error(e)) if e.kind() == ErrorKind::Unsupported => return Ok(none),
            Err(TryLockError::Error(e)) => return Err(problem(e)),
        }
        Ok(SiteLock { _file: Some(file) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lock is held until dropped; a folder without `dateline.toml` is left as it is.
    #[test]
    fn held_until_dropped_and_only_in_a_site() {
        let dir = tempfile::tempdir().unwrap();
        assert!(
            SiteLock::take(dir.path(), || panic!("nothing holds it"))
                .unwrap()
                ._file
                .is_none()
        );
        assert!(!dir.path().join(".dateline").exists());

        std::fs::write(dir.path().join(crate::config::CONFIG_FILE), "").unwrap();
        let held = SiteLock::take(dir.path(), || panic!("nothing holds it")).unwrap();
        let other = File::open(dir.path().join(LOCK_FILE)).unwrap();
        assert!(matches!(other.try_lock(), Err(TryLockError::WouldBlock)));
        drop(held);
        other.try_lock().unwrap();
    }
}
