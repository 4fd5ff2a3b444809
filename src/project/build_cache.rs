//! The build cache of a project: where its files are (`SITE/.dateline/cache/build-…`, one
//! folder per output folder), and what the project reads from and writes to them
//! (`crate::cache` holds their format).

use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use rayon::prelude::*;

use super::record::Record;
use crate::cache::{self, CachedEntry, Changes, Loaded};
use crate::error::IoError;

/// The build cache of builds of a site into an output folder.
pub(super) struct BuildCache {
    site: PathBuf,
    out: PathBuf,
}

impl BuildCache {
    /// The cache of builds of `site` into `out`.
    pub(super) fn new(site: &Path, out: &Path) -> BuildCache {
        BuildCache {
            site: site.to_path_buf(),
            out: out.to_path_buf(),
        }
    }

    /// The index of the sources parsed in `timezone` and the archive, if the cache holds
    /// them.
    pub(super) fn load(&self, timezone: Tz) -> Option<Loaded> {
        cache::load(&self.site, &self.out, timezone.name())
    }

    /// The record of the last build, read and checked against the output folder beside
    /// the reading of the sources (`Record::read_aside`).
    pub(super) fn record_aside(&self, verify: bool) -> Record {
        Record::read_aside(
            self.site.clone(),
            self.out.clone(),
            rayon::current_num_threads(),
            verify,
        )
    }

    /// The parsed sources of these chunks, read in parallel (none of a chunk that cannot
    /// be read).
    pub(super) fn sources(&self, chunks: &[usize]) -> Vec<Vec<CachedEntry<'static>>> {
        chunks
            .par_iter()
            .map(|&n| cache::load_chunk(&self.site, &self.out, n).unwrap_or_default())
            .collect()
    }

    /// Whether the cache holds sources parsed by this version of dateline in `timezone`.
    pub(super) fn is_current(&self, timezone: Tz) -> bool {
        cache::is_current(&self.site, &self.out, timezone.name())
    }

    /// Writes `changes` (for sources parsed in `timezone`).
    pub(super) fn save(&self, timezone: Tz, changes: Changes<'_>) -> Result<(), IoError> {
        cache::save(&self.site, &self.out, timezone.name(), changes)
    }

    /// Forgets what the last build wrote, before a build changes the output folder:
    /// should the build stop before the cache records what it wrote, the next one does
    /// not trust a record that no longer tells what is there.
    pub(super) fn forget_output(&self) -> Result<(), IoError> {
        cache::forget_output(&self.site, &self.out)
    }
}
