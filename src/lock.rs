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
use crate::error::{IoError, IoResultExt};

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
    pub fn for_build(options: &BuildOptions) -> Result<SiteLock, IoError> {
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
    pub fn take(site: &Path, waiting: impl FnOnce()) -> Result<SiteLock, IoError> {
        let none = SiteLock { _file: None };
        if !crate::config::is_site(site) {
            return Ok(none);
        }
        let path = crate::diag::shown(site, Path::new(LOCK_FILE));
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).at("create the folder", dir)?;
        }
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .at("lock", &path)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                waiting();
                file.lock().at("lock", &path)?;
            }
            Err(TryLockError::Error(e)) if e.kind() == ErrorKind::Unsupported => return Ok(none),
            Err(TryLockError::Error(e)) => return Err(IoError::new("lock", path, e)),
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

    /// A lock that cannot be taken is an error naming the lock file, at no line of it.
    #[test]
    fn a_lock_that_cannot_be_taken_names_its_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(crate::config::CONFIG_FILE), "").unwrap();
        // A folder where the lock file goes.
        std::fs::create_dir_all(dir.path().join(LOCK_FILE)).unwrap();
        let error = SiteLock::take(dir.path(), || {}).unwrap_err().to_string();
        let shown = format!("cannot lock {}: ", dir.path().join(LOCK_FILE).display());
        assert!(error.starts_with(&shown), "{error}");
    }
}
