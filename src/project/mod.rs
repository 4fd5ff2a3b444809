//! A site held in memory between builds: its configuration, templates and every parsed
//! source, with what the last build wrote. `build` turns it into a site; `refresh` and
//! `update` re-read what changed, so the next build re-parses and re-renders only that.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use chrono_tz::Tz;

use crate::assets::Assets;
use crate::cache;
use crate::config::{CONFIG_FILE, Config};
use crate::diag::{Diagnostic, Diagnostics, shown};
use crate::error::{Error, IoError};
use crate::model::{Archive, Selection};
use crate::publish::{UrlPolicy, urls};
use crate::render::theme::SEARCH_SCRIPT;
use crate::render::{self, RenderInput, Theme};
use crate::walk::{CONTENT_DIR, STATIC_DIR, TEMPLATES_DIR};
use crate::{BuildOptions, BuildSummary};
use build_cache::BuildCache;
use kept::{KeptArchive, Patched};
use publish::Publication;
use record::Record;
use sources::Sources;
use stopwatch::Stopwatch;

mod build_cache;
mod kept;
mod publish;
mod record;
mod sources;
pub(crate) mod stopwatch;

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
    read_stages: Vec<stopwatch::Stage>,
    /// Whether builds make the search index of the years that changed, or leave that to a
    /// build that follows (`serve`).
    search: crate::search::When,
    /// The record of published URLs as the last build read it.
    url_lock: urls::KeptLock,
    /// What the last comparison with `urls.lock` found, for builds that write no record.
    url_memo: urls::Memo,
    /// What the last build's plan listed, for the next build if its archive keeps the
    /// shape and the configuration stays (taken by every build; kept by one that succeeds).
    plan_memo: Option<render::PlanMemo>,
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
            search: crate::search::When::Now,
            url_lock: urls::KeptLock::default(),
            url_memo: urls::Memo::default(),
            plan_memo: None,
        }
    }

    /// Like `open`, but starts from the build cache left by the last build of this site:
    /// only sources whose size or modification time changed are read again, and the build
    /// writes only what changed since.
    pub fn open_cached(options: BuildOptions) -> Project {
        let mut project = Project::new(options);
        let started = Instant::now();
        project.record = project.cache.record_aside(project.options.verify_output);
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
        project.read_stages.push(stopwatch::stage("cache", started));
        project.rescan_content();
        project
    }

    /// Writes the build cache for the next `open_cached`.
    pub(crate) fn save_cache(&mut self) -> Result<(), Error> {
        if !crate::config::is_site(&self.options.site) {
            return Ok(());
        }
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
        self.cache.save(timezone, changes)?;
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
    pub(crate) fn set_now(&mut self, now: chrono::DateTime<chrono::FixedOffset>) {
        self.options.now = now;
    }

    /// Whether the next builds make the search index of the years whose articles changed
    /// (`Now`, the default), or keep the last build's index of a year that has one, as it is,
    /// for a build that follows to make (`Later`: `serve` shows an edit's pages first, and
    /// its search results a few seconds later at 100,000 articles). A build that kept an
    /// index out of date says so (`BuildSummary::search_indexed.pending`).
    pub fn set_search(&mut self, when: crate::search::When) {
        self.search = when;
    }

    /// The options builds use.
    pub(crate) fn options(&self) -> &BuildOptions {
        &self.options
    }

    fn timezone(&self) -> Tz {
        self.config.as_ref().map_or(Tz::UTC, |c| c.timezone)
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
        self.read_stages.push(stopwatch::stage("read", started));
        true
    }

    fn reload_config(&mut self) {
        self.plan_memo = None;
        self.config = Config::load(&self.options.site, self.options.base_url.as_ref());
    }

    /// Walks `content/` and reads the files that are new or changed.
    fn rescan_content(&mut self) {
        let started = Instant::now();
        self.sources.rescan(self.timezone(), &self.cache, &mut self.kept);
        self.read_stages.push(stopwatch::stage("read", started));
    }

    /// Builds the site. The first build, or one whose output folder changed, writes
    /// everything; later ones write only the files whose bytes changed.
    pub fn build(&mut self) -> Result<BuildSummary, Error> {
        let started = Instant::now();
        let plan_memo = self.plan_memo.take();
        let selection = self.selection();
        let patched = self.patch_kept_archive(&selection);
        let config = self.config.as_ref().map_err(|list| Diagnostics::from(list.clone()))?;
        let mut clock = Stopwatch::after(std::mem::take(&mut self.read_stages));
        let (theme, mut assets) = match checked(&self.theme, &self.sources, &self.options.site, config.search) {
            Ok(ready) => ready,
            Err(problems) => {
                self.kept.keep_patched(patched, selection);
                return Err(problems.into());
            }
        };
        let kept_shape = patched.is_some();
        let (archive, changed) = match patched {
            Some(patched) => (patched.archive, Some(patched.patch)),
            None => {
                let built = self
                    .kept
                    .build(&self.options.site, self.sources.build_input(), &selection)?;
                clock.mark("archive");
                (built, None)
            }
        };
        let site = &self.options.site;
        let lock = self.url_lock.read(&self.options.site)?;
        clock.mark("urls.lock read");
        let render_input = render_input(&self.options, config, &archive, theme, &mut assets)?;
        // The last build's plan holds for its archive patched to the same shape (with the
        // same configuration: a new one drops the memo); `changed` may name more articles
        // than changed since that build, never fewer.
        let mut plan = render::plan(&render_input, plan_memo, changed)?;
        clock.mark("plan");
        let (record, url_report) = match self.records_urls() {
            true => urls::record(site, &lock, &mut plan, &archive, self.options.urls)?,
            false => (
                None,
                urls::record_again(site, &lock, &mut plan, &archive, self.options.urls, &mut self.url_memo)?,
            ),
        };
        if !plan.assets_checked() {
            assets.check(site, plan.generated())?;
        }
        clock.mark("urls.lock");
        let out = self.out_dir();
        let pages = self.record.fingerprints(&plan, kept_shape, &out)?;
        clock.mark("fingerprints");
        let published = Publication {
            plan: &plan,
            pages,
            assets: &assets,
            out,
            options: &self.options,
            record: &mut self.record,
            cache: &self.cache,
            search: self.search,
            atomic: self.options.atomic || config.atomic_output,
        }
        .publish(&mut clock)?;
        if let Some(record) = record.filter(|_| self.records_urls()) {
            urls::write(&self.options.site, &record).map_err(Error::RecordNotWritten)?;
        }
        let mut summary = published.summary(&archive, &config.base_url, started, clock);
        summary.urls = url_report;
        summary.warnings = theme.warnings.clone();
        if !self.options.site.join(CONTENT_DIR).is_dir() {
            let content = shown(&self.options.site, Path::new(CONTENT_DIR));
            summary.warnings.push(
                Diagnostic::warning(content, 1, 1, "there is no content folder: the site has no articles")
                    .with_hint("put articles (.md or .txt) under it"),
            );
        }
        if self.ends_with_the_process {
            // Freeing the plan's cards and views of 100,000 articles takes ~40 ms, on one
            // core, at the very end of a build.
            std::mem::forget(plan);
        } else {
            self.plan_memo = Some(plan.into_memo());
        }
        self.kept.keep(archive, selection);
        Ok(summary)
    }

    /// Makes ready, while `serve` waits for the first edit, what the first rebuild would
    /// make otherwise: the map of the files of the full build before it (~100 ms at
    /// 100,000 articles, which the first edit's rebuild paid).
    pub(crate) fn ready_for_edits(&mut self) {
        self.record.settle();
    }

    /// Whether a build writes the record of published URLs: not under `check` or `serve`,
    /// nor with drafts or articles from the future, which are not published.
    fn records_urls(&self) -> bool {
        let o = &self.options;
        matches!(o.urls, UrlPolicy::Record | UrlPolicy::AcceptRemovals) && !o.drafts && !o.future
    }

    /// The articles a build publishes: drafts or articles dated later than "the present"
    /// only if asked.
    fn selection(&self) -> Selection {
        Selection {
            drafts: self.options.drafts,
            future: self.options.future,
            now: self.options.now,
        }
    }

    /// The kept archive patched with the articles edited since, if it can be (their pages
    /// are then compared with the record of the last build); or else every source read,
    /// to build it again.
    fn patch_kept_archive(&mut self, selection: &Selection) -> Option<Patched> {
        let started = Instant::now();
        let sources = &self.sources;
        let patched = self.kept.patch(selection, |rel| sources.article(rel));
        match &patched {
            Some(patched) => {
                self.record.patched(&patched.patch);
                self.read_stages.push(stopwatch::stage("patch", started));
            }
            None => {
                self.sources.resolve_all(self.timezone(), &self.cache, &mut self.kept);
                self.read_stages.push(stopwatch::stage("resolve", started));
            }
        }
        patched
    }

    /// The archive of the last build that got as far as making one (`dateline check`
    /// traces problems back to its articles' sources, and lints them).
    pub(crate) fn archive(&self) -> Option<&Archive> {
        self.kept.archive()
    }

    /// The site's folder, as the user named it.
    pub(crate) fn root(&self) -> &Path {
        &self.options.site
    }

    /// Says that the process ends after the next build (see `ends_with_the_process`).
    pub(crate) fn end_with_the_process(&mut self) {
        self.ends_with_the_process = true;
    }
}

/// The templates, and the files to copy, if neither they nor the sources have problems:
/// otherwise every problem of them together (a build with any writes nothing).
fn checked<'a>(
    theme: &'a Result<Theme, Vec<Diagnostic>>,
    sources: &Sources,
    root: &Path,
    search: bool,
) -> Result<(&'a Theme, Assets), Diagnostics> {
    let (mut problems, content_assets) = sources.problems_and_assets();
    if let Err(list) = theme {
        problems.extend(list.iter().cloned());
    }
    let assets = Assets::collect(root, &content_assets, search, &mut problems);
    match theme {
        Ok(theme) if problems.is_empty() => Ok((theme, assets)),
        _ => Err(problems.into()),
    }
}

/// What rendering the `archive` with `theme` needs: the links `asset_url` gives, to the
/// copies of the theme's and `static/`'s stylesheets, scripts, images and fonts named by
/// their bytes, which `assets` reads for their names; unless `options` say otherwise
/// (`serve`), then to the files themselves.
fn render_input<'a>(
    options: &'a BuildOptions,
    config: &'a Config,
    archive: &'a Archive,
    theme: &'a Theme,
    assets: &mut Assets,
) -> Result<RenderInput<'a>, IoError> {
    let root = &options.site;
    if options.versioned_assets {
        assets.name_by_content(root)?;
    }
    let asset_links: BTreeMap<String, String> = (assets.links())
        .map(|(file, to)| (file.to_string(), config.base_url.link(to)))
        .collect();
    let link = |file: &str| (asset_links.get(file).cloned()).unwrap_or_else(|| config.base_url.link(file));
    let stylesheet = link("style.css");
    let search_script = match config.search {
        true => link(SEARCH_SCRIPT),
        false => String::new(),
    };
    Ok(RenderInput {
        root,
        config,
        archive,
        theme,
        asset_links: Arc::new(asset_links),
        named_by_content: assets.hashed().map(|(_, copy)| copy.to_string()).collect(),
        stylesheet,
        search_script,
        now: options.now,
        assets: assets.targets().map(String::from).collect(),
    })
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
