//! A site held in memory between builds: its configuration, templates and every parsed
//! source, with what the last build wrote. `build` turns it into a site; `refresh` and
//! `update` re-read what changed, so the next build re-parses and re-renders only that.

use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono_tz::Tz;

use crate::assets::Assets;
use crate::cache;
use crate::config::{CONFIG_FILE, Config};
use crate::diag::{Diagnostic, Diagnostics, shown};
use crate::model::{Archive, Selection};
use crate::output::{Emitted, Output, Records};
use crate::render::{self, RenderInput, Theme};
use crate::walk::{CONTENT_DIR, STATIC_DIR, TEMPLATES_DIR};
use crate::{BuildOptions, BuildSummary, Timings};
use build_cache::BuildCache;
use kept::KeptArchive;
use record::Record;
use sources::Sources;

mod build_cache;
mod kept;
mod record;
mod sources;

/// A site and what is known of it between builds.
pub struct Project {
    options: BuildOptions,
    config: Result<Config, Vec<Diagnostic>>,
    theme: Result<Theme, Vec<Diagnostic>>,
    /// Every file under `content/`, read and parsed.
    sources: Sources,
    /// The archive of the last build, while the sources changed since can patch it.
    kept: KeptArchive,
    /// What the last build wrote.
    record: Record,
    /// The build cache of builds into the output folder.
    cache: BuildCache,
    /// The process ends after this build (`build_once`): what a build made and needs no
    /// more is left for the system to take back with the process, not freed piece by piece.
    ends_with_the_process: bool,
    /// Stages of reading the sources since the last build (for its timings).
    read_stages: Vec<(&'static str, std::time::Duration, Option<u64>)>,
}

impl Project {
    /// Reads a site: configuration, templates, and every source (in parallel).
    pub fn open(options: BuildOptions) -> Project {
        let mut project = Project::new(options);
        project.rescan_content();
        project
    }

    /// A site's configuration and templates, with no source read yet.
    fn new(options: BuildOptions) -> Project {
        let config = Config::load(&options.site, options.base_url.as_ref());
        let theme = Theme::load(&options.site);
        let out = out_dir(&options);
        Project {
            sources: Sources::new(&options.site),
            kept: KeptArchive::default(),
            record: Record::default(),
            cache: BuildCache::new(&options.site, &out),
            options,
            config,
            theme,
            ends_with_the_process: false,
            read_stages: Vec::new(),
        }
    }

    /// Like `open`, but starts from the build cache left by the last build of this site:
    /// only sources whose size or modification time changed are read again, and the build
    /// writes only what changed since.
    pub fn open_cached(options: BuildOptions) -> Project {
        let mut project = Project::new(options);
        let started = Instant::now();
        project.record = project.cache.record_aside();
        let timezone = project.timezone();
        if let Some(snapshot) = project.cache.load(timezone) {
            project
                .sources
                .listed_in_cache(snapshot.index, snapshot.chunks, timezone);
            if let Some((archive, selection, edited)) = snapshot.archive {
                // Articles edited since the cache's archive was written: patched in
                // by the build, from what the cache holds of them.
                let chunks: Vec<usize> = edited.iter().map(|rel| cache::chunk_of(rel)).collect();
                project.kept = KeptArchive::from_cache(archive, selection, edited);
                project
                    .sources
                    .resolve(&chunks, timezone, &project.cache, &mut project.kept);
            }
        }
        project
            .read_stages
            .push(("cache", started.elapsed(), resident_memory()));
        project.rescan_content();
        project
    }

    /// Writes the build cache for the next `open_cached`.
    pub fn save_cache(&mut self) -> Result<(), Diagnostics> {
        let timezone = self.timezone();
        let new_header = !self.cache.is_current(timezone);
        if new_header {
            self.sources.resolve_all(timezone, &self.cache, &mut self.kept);
            self.sources.all_unsaved();
        }
        // The archive is written when it was built again, or when many edits since it was
        // written would have to be patched in by every build.
        let archive = self.kept.unsaved();
        let archive_written = archive.is_some();
        let (chunks, index) = self.sources.unsaved(archive_written);
        let changes = cache::Changes {
            chunks,
            archive: archive.map(|(archive, selection)| (archive, selection, index)),
            last: self.record.unsaved(),
            new_header,
        };
        self.cache.save(timezone, changes).map_err(|e| {
            Diagnostics::from(Diagnostic::file(
                self.cache.folder(),
                format!("cannot write the build cache: {e}"),
            ))
        })?;
        self.sources.saved();
        self.record.saved();
        if archive_written {
            self.kept.saved();
        }
        Ok(())
    }

    /// The output folder: `-o OUT`, or `SITE/public`.
    fn out_dir(&self) -> PathBuf {
        out_dir(&self.options)
    }

    /// Sets "the present" for the next builds (a served site moves with the clock).
    pub fn set_now(&mut self, now: chrono::DateTime<chrono::FixedOffset>) {
        self.options.now = now;
    }

    /// The options builds use.
    pub fn options(&self) -> &BuildOptions {
        &self.options
    }

    fn timezone(&self) -> Tz {
        self.config.as_ref().map_or(Tz::UTC, |c| c.timezone)
    }

    /// Reads everything again that may have changed: configuration, templates, and the
    /// sources whose size or modification time changed.
    pub fn refresh(&mut self) {
        self.reload_config();
        self.theme = Theme::load(&self.options.site);
        self.rescan_content();
    }

    /// Reads again what changed at `paths` (absolute, or relative to the site root); for
    /// file-system events, which name the files that changed. Returns whether any of them
    /// is something a build reads (the configuration, or a file under `WATCHED`).
    pub fn update(&mut self, paths: &[PathBuf]) -> bool {
        let started = Instant::now();
        let root = self.options.site.clone();
        let root_abs = std::fs::canonicalize(&root).unwrap_or_else(|_| root.clone());
        let mut content: Vec<PathBuf> = Vec::new();
        let mut templates = false;
        let mut config = false;
        let mut statics = false;
        for path in paths {
            let rel = path
                .strip_prefix(&root_abs)
                .or_else(|_| path.strip_prefix(&root))
                .map(Path::to_path_buf)
                .unwrap_or_else(|_| path.clone());
            if rel == Path::new(CONFIG_FILE) {
                config = true;
            } else if rel.starts_with(TEMPLATES_DIR) {
                templates = true;
            } else if rel.starts_with(CONTENT_DIR) {
                content.push(rel);
            } else if rel.starts_with(STATIC_DIR) {
                // static/ is read by every build.
                statics = true;
            }
        }
        if !(config || templates || statics || !content.is_empty()) {
            return false;
        }
        if config {
            self.reload_config();
        }
        if templates {
            self.theme = Theme::load(&root);
        }
        let timezone = self.timezone();
        if self.sources.need_walk(&content, timezone) {
            self.rescan_content();
            return true;
        }
        self.sources.reread(content, timezone, &self.cache, &mut self.kept);
        self.read_stages.push(("read", started.elapsed(), resident_memory()));
        true
    }

    fn reload_config(&mut self) {
        self.config = Config::load(&self.options.site, self.options.base_url.as_ref());
    }

    /// Walks `content/` and reads the files that are new or changed.
    fn rescan_content(&mut self) {
        let started = Instant::now();
        self.sources.rescan(self.timezone(), &self.cache, &mut self.kept);
        self.read_stages.push(("read", started.elapsed(), resident_memory()));
    }

    /// Builds the site. The first build, or one whose output folder changed, writes
    /// everything; later ones write only the files whose bytes changed.
    pub fn build(&mut self) -> Result<BuildSummary, Diagnostics> {
        let started = Instant::now();
        let root = self.options.site.clone();
        let selection = Selection {
            drafts: self.options.drafts,
            future: self.options.future,
            now: self.options.now,
        };
        // The kept archive patched with the edits since; or else every parsed source, to
        // build it again.
        let lap = Instant::now();
        let sources = &self.sources;
        let patched = self.kept.patch(&selection, |rel| sources.article(rel));
        match &patched {
            Some(patched) => {
                self.record.patched(&patched.changed);
                self.read_stages.push(("patch", lap.elapsed(), resident_memory()));
            }
            None => {
                self.sources.resolve_all(self.timezone(), &self.cache, &mut self.kept);
                self.read_stages.push(("resolve", lap.elapsed(), resident_memory()));
            }
        }
        let config = self.config.as_ref().map_err(|list| Diagnostics::from(list.clone()))?;

        // Every problem of the sources and templates, together.
        let (mut problems, content_assets) = self.sources.problems_and_assets();
        if let Err(list) = &self.theme {
            problems.extend(list.iter().cloned());
        }
        let read_stages = std::mem::take(&mut self.read_stages);
        let read_time: std::time::Duration = read_stages.iter().map(|(_, d, _)| *d).sum();
        let mut timings = Timings(read_stages);
        let mut lap = Instant::now();
        let mut mark = |name: &'static str| {
            timings.0.push((name, lap.elapsed(), resident_memory()));
            lap = Instant::now();
        };
        let assets = Assets::collect(&root, &content_assets, &mut problems);
        let theme = match (&self.theme, problems.is_empty()) {
            (Ok(theme), true) => theme,
            _ => {
                if let Some(patched) = patched {
                    self.kept.keep(patched.archive, selection);
                }
                return Err(problems.into());
            }
        };
        let kept_shape = patched.is_some();
        let archive = match patched {
            Some(patched) => patched.archive,
            None => {
                let archive = Archive::build(&root, self.sources.build_input(), &selection)?;
                self.kept.rebuilt();
                mark("archive");
                archive
            }
        };
        let stylesheet = match self.options.versioned_assets {
            true => format!(
                "{}style.css?v={}",
                config.base_url.path(),
                assets.version(&root, "style.css")
            ),
            false => format!("{}style.css", config.base_url.path()),
        };
        let render_input = RenderInput {
            root: &root,
            config,
            archive: &archive,
            theme,
            stylesheet,
            now: self.options.now,
            assets: assets.targets().map(String::from).collect(),
        };
        let plan = render::plan(&render_input)?;
        assets.check(&root, plan.generated())?;
        mark("plan");
        let out_dir = self.out_dir();
        let pages = self.record.fingerprints(&plan, kept_shape, &out_dir)?;
        mark("fingerprints");

        // Incremental when the last build wrote this same folder and it is still there.
        let last = self.record.trusted(&out_dir);
        let empty = Records::default();
        let (output, which, previous): (Output, Vec<usize>, &Records) = match last {
            Some(last) => {
                // A page whose fingerprint was known has the one `last` records: it is
                // looked up only if it was computed.
                let recorded = |i: usize| last.get(plan.page_files()[i].as_str()).and_then(|w| w.fingerprint);
                let changed = (0..pages.of.len())
                    .filter(|&i| !pages.known[i] && recorded(i) != Some(pages.of[i]))
                    .collect();
                (Output::patch(&out_dir, &root)?, changed, last)
            }
            None => (Output::create(&out_dir, &root)?, (0..pages.of.len()).collect(), &empty),
        };
        let progress = self.options.progress.then(crate::progress::Progress::start);
        if let Some(p) = &progress {
            p.stage("Rendering pages", which.len());
        }
        let step = || {
            if let Some(p) = &progress {
                p.step();
            }
        };
        let mut emitted = Emitted::default();
        let generated = plan.generate(&output, &which, &pages.of, previous, &step, &mut emitted);
        drop(progress);
        generated?;
        mark("render");
        assets.copy(&root, &output, previous, &mut emitted)?;
        mark("assets");

        // Files the last build wrote and this one does not generate any more.
        let removed = match last {
            Some(last) => record::files_gone(last, &plan.files(), &emitted.files, pages.same_pages),
            None => Vec::new(),
        };
        let rendered = which.len();
        self.cache
            .forget_output()
            .map_err(|e| Diagnostic::file(self.cache.folder(), format!("cannot update the build cache: {e}")))?;
        let written: Vec<&str> = emitted.written().collect();
        let written_count = written.len();
        let only_stylesheets_written = !written.is_empty() && written.iter().all(|f| f.ends_with(".css"));
        output.commit(&written, &removed)?;
        drop(written);

        let patched_output = last.is_some();
        self.record
            .replace(out_dir.clone(), patched_output, &removed, emitted.files, pages);
        mark("commit");

        let summary = BuildSummary {
            articles: archive.articles.len(),
            authors: archive.authors.len(),
            pages: plan.page_count(),
            rendered,
            written: written_count,
            only_stylesheets_written,
            removed: removed.len(),
            copied: assets.len(),
            output: out_dir,
            base_url: config.base_url.clone(),
            elapsed: read_time + started.elapsed(),
            timings,
        };
        if self.ends_with_the_process {
            // Freeing the plan's cards and views of 100,000 articles takes ~40 ms, on one
            // core, at the very end of a build.
            std::mem::forget(plan);
        }
        self.kept.keep(archive, selection);
        Ok(summary)
    }

    /// Says that the process ends after the next build (see `ends_with_the_process`).
    pub(crate) fn end_with_the_process(&mut self) {
        self.ends_with_the_process = true;
    }
}

/// The output folder of builds with `options`: `-o OUT`, or `SITE/public`.
fn out_dir(options: &BuildOptions) -> PathBuf {
    options
        .out
        .clone()
        .unwrap_or_else(|| shown(&options.site, Path::new("public")))
}

/// Paths under these folders of a site are the ones a build reads.
pub const WATCHED: [&str; 3] = [CONTENT_DIR, TEMPLATES_DIR, STATIC_DIR];

/// The process's resident memory in bytes, where the system tells it (Linux).
fn resident_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}
