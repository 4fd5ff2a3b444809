//! dateline: a static site generator for news archives.
//!
//! The pipeline reads top to bottom: walk the site's files, parse every source in
//! parallel, build the archive model, render every page in parallel, and swap the
//! finished output into place.

mod assets;
mod cache;
mod check;
pub mod cli;
mod config;
mod diag;
mod error;
#[doc(hidden)]
pub mod fuzzing;
mod headers;
mod html;
mod import;
mod lock;
mod model;
mod net;
mod output;
mod parse;
mod progress;
mod project;
mod publish;
mod render;
mod search;
mod serve;
mod slug;
mod walk;

#[cfg(test)]
mod testing;

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, FixedOffset};

pub use check::{CheckReport, check_output};
pub use config::BaseUrl;
pub use diag::{Diagnostic, Diagnostics, Severity};
pub use error::{CacheNotSaved, Error, IoError, Refusal, RefusedOutput};
pub use project::Project;
pub use publish::{Move, UrlPolicy, UrlReport};
pub use search::{Indexed as SearchIndexed, When as SearchWhen};

/// Pieces of dateline's stages, for the benchmarks, the measurements of
/// `examples/io_bounds.rs` and the tests that reach into a build cache: not an API.
#[doc(hidden)]
pub mod internals {
    pub use crate::cache::{cache_dir, output_intact};
    pub use crate::output::{FileRecord, Records, Written};
    pub use crate::parse::markdown::render as render_markdown;
    pub use crate::parse::{Format, ParseContext, parse_article};
    pub use crate::walk::{CONTENT_DIR, Stamp, Stamps, found_under, is_ignored};
}

/// What to build and how.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site folder (holds `dateline.toml`).
    pub site: PathBuf,
    /// The output folder; default `SITE/public`.
    pub out: Option<PathBuf>,
    /// Replaces `base_url` from the configuration.
    pub base_url: Option<BaseUrl>,
    /// Include drafts.
    pub drafts: bool,
    /// Include articles dated after `now`.
    pub future: bool,
    /// "The present" for scheduled articles.
    pub now: DateTime<FixedOffset>,
    /// Worker threads; default: one per core.
    pub jobs: Option<usize>,
    /// Stylesheets, scripts, images and fonts of the theme and `static/` are copied under a
    /// name of their bytes too (`style.3f2a9c1b.css`), which `asset_url` links, so caches
    /// may keep them for good. Off when serving: links then lead to the files themselves,
    /// and a stylesheet edit changes no page.
    pub versioned_assets: bool,
    /// Start from the build cache (`SITE/.dateline/cache`) so only what changed is read
    /// and written. The cache is written after every build either way.
    pub use_cache: bool,
    /// Show the progress of long builds on stderr (for a terminal).
    pub progress: bool,
    /// Say nothing on stderr but errors (not even that the build waits for another build
    /// of the site to finish).
    pub quiet: bool,
    /// What the build does with the record of published URLs (`urls.lock`).
    pub urls: UrlPolicy,
    /// Put the files that changed in the output folder all at once, as `[output] atomic`
    /// does.
    pub atomic: bool,
    /// Look up every file of the output folder that the last build recorded, rather than
    /// trust the folder by its stamp (`cache::out_stamp`): a file deleted or changed by
    /// hand deep in it is then found, and written again.
    pub verify_output: bool,
}

impl BuildOptions {
    /// Options to build `site` with everything else at its default.
    pub fn new(site: impl Into<PathBuf>, now: DateTime<FixedOffset>) -> BuildOptions {
        BuildOptions {
            site: site.into(),
            out: None,
            base_url: None,
            drafts: false,
            future: false,
            now,
            jobs: None,
            versioned_assets: true,
            use_cache: true,
            progress: false,
            quiet: false,
            urls: UrlPolicy::Record,
            atomic: false,
            verify_output: false,
        }
    }
}

/// What a successful build did.
#[derive(Debug, Clone)]
pub struct BuildSummary {
    pub articles: usize,
    pub authors: usize,
    /// Pages of the site.
    pub pages: usize,
    /// Pages rendered by this build (all of them, unless it was incremental).
    pub rendered: usize,
    /// Files whose bytes changed, and so were written.
    pub written: usize,
    /// Whether those were stylesheets alone (a page can take them without a reload).
    pub only_stylesheets_written: bool,
    /// Files of the previous build that no longer exist, and were deleted.
    pub removed: usize,
    /// Static files and content assets.
    pub copied: usize,
    /// The years whose search index this build made, and those it kept.
    pub search_indexed: SearchIndexed,
    pub output: PathBuf,
    /// The base URL the site was built for.
    pub base_url: BaseUrl,
    pub elapsed: Duration,
    /// How long each stage took.
    pub timings: Timings,
    /// The build cache, if it could not be saved (the next build then reads and writes
    /// everything again).
    pub cache_not_saved: Option<CacheNotSaved>,
    /// What the record of published URLs says of the build.
    pub urls: UrlReport,
    /// What the build found worth saying but not worth failing for: a site template that
    /// looks mistyped, a site without a `content/` folder.
    pub warnings: Vec<Diagnostic>,
    /// Whether the output folder no longer held what the last build recorded (changed by
    /// hand, or by another tool): every file was compared, and those that differed
    /// written again.
    pub output_changed: bool,
}

/// The time each stage of a build took, in order, and the process's resident memory
/// after it (where the system tells it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Timings(pub Vec<(&'static str, Duration, Option<u64>)>);

impl std::fmt::Display for Timings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, (name, d, memory)) in self.0.iter().enumerate() {
            write!(f, "{}{name} {} ms", if i > 0 { ", " } else { "" }, d.as_millis())?;
            if let Some(bytes) = memory {
                write!(f, " ({} MB)", bytes / 1_000_000)?;
            }
        }
        Ok(())
    }
}

/// Builds a site, or reports every problem found (writing nothing), or what the file
/// system refused. One build of a site runs at a time: a build waits while another holds
/// the site's lock (`lock`).
pub fn build(options: &BuildOptions) -> Result<BuildSummary, Error> {
    let _lock = lock::SiteLock::for_build(options)?;
    with_threads(options.jobs, || {
        build_project(options, false).map(|(summary, _)| summary)
    })
}

/// `build` for a process that ends right after it: the memory of the parsed site is
/// left for the system to take back, which is faster than freeing it piece by piece.
/// `then` runs on the result, with the project built (its archive: `dateline check`
/// reports problems at the sources that made them), while the site's lock is still held,
/// so that no other build replaces the output under it (`dateline check` reads it).
pub(crate) fn build_once<T: Send>(
    options: &BuildOptions,
    then: impl FnOnce(&BuildSummary, &Project) -> T + Send,
) -> Result<(BuildSummary, T), Error> {
    let _lock = lock::SiteLock::for_build(options)?;
    with_threads(options.jobs, || {
        build_project(options, true).map(|(summary, project)| {
            let after = then(&summary, &project);
            std::mem::forget(project);
            (summary, after)
        })
    })
}

/// Builds the site; the caller holds its lock.
/// `once`: the process ends after it (`build_once`).
fn build_project(options: &BuildOptions, once: bool) -> Result<(BuildSummary, Project), Error> {
    let mut project = if options.use_cache {
        Project::open_cached(options.clone())
    } else {
        Project::open(options.clone())
    };
    if once {
        project.end_with_the_process();
    }
    let result = project.build();
    // The parsed sources are worth keeping even when the build failed. What the build
    // did stands either way: a cache that cannot be saved is told beside it.
    let unsaved = project.save_cache().err().map(CacheNotSaved::from);
    match (result, unsaved) {
        (Ok(summary), cache_not_saved) => Ok((
            BuildSummary {
                cache_not_saved,
                ..summary
            },
            project,
        )),
        (Err(failed), Some(cache)) => Err(Error::CacheNotSaved {
            failed: Box::new(failed),
            cache,
        }),
        (Err(failed), None) => Err(failed),
    }
}

/// Runs `work` on a pool of `jobs` threads (default: one per core).
pub(crate) fn with_threads<T: Send>(
    jobs: Option<usize>,
    work: impl FnOnce() -> Result<T, Error> + Send,
) -> Result<T, Error> {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs.unwrap_or(0)).build()?;
    pool.install(work)
}
