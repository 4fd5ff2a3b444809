//! A site held in memory between builds: its configuration, templates and every parsed
//! source, with what the last build wrote. `build` turns it into a site; `refresh` and
//! `update` re-read what changed, so the next build re-parses and re-renders only that.

use ahash::{AHashMap as HashMap, AHashSet as HashSet};
use std::borrow::Cow;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use chrono_tz::Tz;
use rayon::prelude::*;

use crate::assets::Assets;
use crate::cache::{self, CachedBuild, CachedEntry, CachedSource};
use crate::config::{CONFIG_FILE, Config};
use crate::diag::{Diagnostic, Diagnostics, shown};
use crate::model::{Archive, ArticleId, BuildInput, Edit, Selection};
use crate::output::{Emitted, Output, Records, Written};
use crate::parse::profile::AuthorProfile;
use crate::parse::{Format, ParseContext, ParsedArticle};
use crate::render::{self, RenderInput, Theme};
use crate::walk::{self, CONTENT_DIR, ContentKind, STATIC_DIR, Stamp, TEMPLATES_DIR};
use crate::{BuildOptions, BuildSummary, Timings};

/// A file under `content/`, read and parsed.
#[derive(Debug)]
enum Source {
    /// Boxed: the cache of 100,000 articles then moves pointers, not the fields.
    Article(Format, Result<Box<ParsedArticle>, Vec<Diagnostic>>),
    /// Boxed, as problems are: an entry is then a fifth of the size (56 bytes, not 168),
    /// and a full build fills its map of 100,000 on one core.
    Profile(Box<Result<AuthorProfile, Diagnostic>>),
    /// Any other file: copied as it is.
    Asset,
    Unreadable(Box<Diagnostic>),
    /// An article or a profile that parsed without problems, as the build cache holds it:
    /// read from there only when needed (`resolve`).
    Cached,
}

#[derive(Debug)]
struct Entry {
    stamp: Option<Stamp>,
    source: Source,
}

// A full build fills a map of one entry per source on one core: kept small (see `Source`).
#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<Entry>() <= 56);

/// The path of a file under `content/` relative to the site root, as the walk spells it:
/// hashed and compared as bytes (`Path` hashes itself component by component, several
/// times slower, and a site has hundreds of thousands of them), with the chunk of the
/// build cache that keeps it.
#[derive(Debug, Clone)]
struct SourcePath {
    path: PathBuf,
    chunk: u8,
}

impl SourcePath {
    fn new(path: PathBuf) -> SourcePath {
        let chunk = cache::chunk_of(&path) as u8;
        SourcePath { path, chunk }
    }

    /// The path the cache's index file `chunk` listed.
    fn listed_in(path: PathBuf, chunk: u8) -> SourcePath {
        debug_assert_eq!(
            cache::chunk_of(&path),
            chunk as usize,
            "{path:?} listed in another chunk"
        );
        SourcePath { path, chunk }
    }

    fn chunk(&self) -> usize {
        self.chunk as usize
    }
}

impl PartialEq for SourcePath {
    fn eq(&self, other: &Self) -> bool {
        self.path.as_os_str() == other.path.as_os_str()
    }
}

impl Eq for SourcePath {}

impl std::hash::Hash for SourcePath {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.path.as_os_str().hash(state);
    }
}

/// Looked up by the path's bytes (`Path::as_os_str`).
impl std::borrow::Borrow<OsStr> for SourcePath {
    fn borrow(&self) -> &OsStr {
        self.path.as_os_str()
    }
}

impl std::ops::Deref for SourcePath {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.path
    }
}

/// The archive of the last successful build, kept for the next one to patch, with the
/// selection it was built with and the article sources edited since, as they were then.
struct Kept {
    archive: Archive,
    selection: Selection,
    /// Edited article sources with their fields before, where known (not when the edit
    /// came before the build that read the archive from the cache).
    edited: HashMap<PathBuf, Option<Box<ParsedArticle>>>,
}

/// What the last successful build wrote, to write only what changes next time.
#[derive(Debug)]
pub struct LastBuild {
    out: PathBuf,
    /// Every file written, with its bytes' record and a page's fingerprint.
    files: Recorded,
    /// What its pages shared besides their articles (`Plan::page_globals`).
    page_globals: Option<u64>,
    /// The fingerprint of each of its pages, in the order of its plan (while the archive
    /// keeps its shape and `page_globals` holds, the next plan has the same pages in the
    /// same order).
    pages: Vec<u64>,
}

/// What a build wrote, file by file.
#[derive(Debug)]
enum Recorded {
    /// To look files up in (shared with the check of the output folder).
    Mapped(Arc<Records>),
    /// As a build with no record to go by (a full build) made them: a one-shot build only
    /// saves it, and making it a map of 140,000 files would be most of the end of a full
    /// build that runs on one core. A later build in the same process maps it (`map`).
    Listed(Vec<(String, Written)>),
}

impl Recorded {
    /// Makes it a map, if it is not one yet.
    fn map(&mut self) {
        if let Recorded::Listed(list) = self {
            let map = std::mem::take(list)
                .into_iter()
                .map(|(rel, w)| (rel.into(), w))
                .collect();
            *self = Recorded::Mapped(Arc::new(map));
        }
    }

    /// The map, once `map` made it.
    fn mapped(&self) -> Option<&Records> {
        match self {
            Recorded::Mapped(map) => Some(map),
            Recorded::Listed(_) => None,
        }
    }

    /// Every file and what was written there, in no particular order, as the cache saves
    /// them.
    fn listed(&self) -> Vec<(Cow<'_, str>, Written)> {
        match self {
            Recorded::Mapped(map) => map.iter().map(|(rel, w)| (Cow::Borrowed(rel.as_ref()), *w)).collect(),
            Recorded::Listed(list) => list.iter().map(|(rel, w)| (Cow::Borrowed(rel.as_str()), *w)).collect(),
        }
    }
}

/// A site and what is known of it between builds.
pub struct Project {
    options: BuildOptions,
    config: Result<Config, Vec<Diagnostic>>,
    theme: Result<Theme, Vec<Diagnostic>>,
    /// Files under `content/`, by path relative to the site root.
    entries: HashMap<SourcePath, Entry>,
    walk_problems: Vec<Diagnostic>,
    /// The time zone the articles were parsed in (dates without offset depend on it).
    parsed_in: Option<Tz>,
    last: Option<LastBuild>,
    /// Which chunks of the build cache hold sources read since the cache was saved.
    dirty: Vec<bool>,
    /// Whether the record of the last build changed since the cache was saved.
    last_dirty: bool,
    /// What the last build wrote, as the build cache recorded it, if every file of it is
    /// still in the output folder: read and checked by threads of their own while the
    /// sources are read (`last` once the build needs it).
    pending_last: Option<(std::sync::mpsc::Receiver<LastBuild>, std::thread::JoinHandle<bool>)>,
    /// Articles patched since the build `last` records (their pages may differ from its
    /// record, the others' not while the archive keeps its shape).
    edits_since_record: HashSet<ArticleId>,
    /// The process ends after this build (`build_once`): what a build made and needs no
    /// more is left for the system to take back with the process, not freed piece by piece.
    ends_with_the_process: bool,
    /// Stages of reading the sources since the last build (for its timings).
    read_stages: Vec<(&'static str, std::time::Duration, Option<u64>)>,
    /// The archive of the last build, while the sources changed since can patch it.
    kept: Option<Kept>,
    /// Whether the kept archive was built since the cache was saved.
    archive_dirty: bool,
    /// Articles patched since the cache's archive was written.
    unsaved_edits: HashSet<ArticleId>,
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
        Project {
            options,
            config,
            theme,
            entries: HashMap::new(),
            walk_problems: Vec::new(),
            parsed_in: None,
            last: None,
            pending_last: None,
            edits_since_record: HashSet::new(),
            ends_with_the_process: false,
            read_stages: Vec::new(),
            dirty: vec![false; cache::CHUNKS],
            last_dirty: false,
            kept: None,
            archive_dirty: false,
            unsaved_edits: HashSet::new(),
        }
    }

    /// Like `open`, but starts from the build cache left by the last build of this site:
    /// only sources whose size or modification time changed are read again, and the build
    /// writes only what changed since.
    pub fn open_cached(options: BuildOptions) -> Project {
        let mut project = Project::new(options);
        let root = project.root().to_path_buf();
        let started = Instant::now();
        let out = project.out_dir();
        let (site, cache_of) = (root.clone(), out.clone());
        let (record, recorded) = std::sync::mpsc::sync_channel(1);
        let threads = rayon::current_num_threads();
        let check = std::thread::spawn(move || {
            let Some(loaded) = cache::load_record(&site, &cache_of) else {
                return false;
            };
            let files = Arc::new(loaded.files);
            let last = LastBuild {
                out: loaded.out,
                files: Recorded::Mapped(Arc::clone(&files)),
                page_globals: loaded.page_globals,
                pages: loaded.pages,
            };
            let out = last.out.clone();
            let _ = record.send(last);
            cache::output_intact(&out, &files, threads)
        });
        project.pending_last = Some((recorded, check));
        if let Some(snapshot) = cache::load(&root, &out, project.timezone().name()) {
            project.parsed_in = Some(project.timezone());
            project.entries = snapshot
                .index
                .into_iter()
                .zip(snapshot.chunks)
                .map(|(listed, chunk)| {
                    let source = if listed.parsed { Source::Cached } else { Source::Asset };
                    (
                        SourcePath::listed_in(PathBuf::from(listed.rel.into_owned()), chunk),
                        Entry {
                            stamp: Some(listed.stamp),
                            source,
                        },
                    )
                })
                .collect();
            if let Some((archive, selection, edited)) = snapshot.archive {
                // Articles edited since the cache's archive was written: patched in
                // by the build, from what the cache holds of them.
                let chunks: Vec<usize> = edited.iter().map(|rel| cache::chunk_of(rel)).collect();
                project.kept = Some(Kept {
                    archive,
                    selection,
                    edited: edited.into_iter().map(|rel| (rel, None)).collect(),
                });
                project.resolve(&chunks);
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
        let out = self.out_dir();
        let new_header = !cache::is_current(self.root(), &out, self.timezone().name());
        if new_header {
            self.resolve_all();
            self.dirty = vec![true; cache::CHUNKS];
        }
        // The archive is written when it was built again, or when many edits since it was
        // written would have to be patched in by every build.
        let archive = self
            .kept
            .as_ref()
            .filter(|k| k.edited.is_empty() && (self.archive_dirty || self.unsaved_edits.len() > UNSAVED_EDITS));
        let archive_written = archive.is_some();
        // The chunks to write, gathered in one pass (and the whole index for an archive).
        let mut chunks: Vec<(usize, Vec<cache::Listed<'_>>, Vec<CachedEntry<'_>>)> =
            (0..cache::CHUNKS).map(|n| (n, Vec::new(), Vec::new())).collect();
        let mut index = Vec::new();
        for (rel, entry) in &self.entries {
            let n = rel.chunk();
            if !self.dirty[n] && archive.is_none() {
                continue;
            }
            // The cache keeps paths as text: one that is not UTF-8 is not kept (read again
            // by every build).
            let Some(text) = rel.to_str() else {
                continue;
            };
            let Some(listed) = listed(text, entry) else {
                continue;
            };
            if self.dirty[n] {
                chunks[n].1.push(listed.clone());
                chunks[n].2.extend(cached_entry(text, entry));
            }
            if archive.is_some() {
                index.push(listed);
            }
        }
        chunks.retain(|(n, _, _)| self.dirty[*n]);
        let last = self.last.as_ref().filter(|_| self.last_dirty).map(|l| CachedBuild {
            out: l.out.to_string_lossy(),
            page_globals: l.page_globals,
            pages: &l.pages,
            files: l.files.listed(),
        });
        let changes = cache::Changes {
            chunks,
            archive: archive.map(|k| (&k.archive, &k.selection, index)),
            last,
            new_header,
        };
        cache::save(self.root(), &out, self.timezone().name(), changes)?;
        self.dirty = vec![false; cache::CHUNKS];
        self.last_dirty = false;
        if archive_written {
            self.archive_dirty = false;
            self.unsaved_edits.clear();
        }
        Ok(())
    }

    /// Reads the parsed sources of these chunks from the build cache, for the entries that
    /// are still `Cached`. Those it cannot read there (a chunk missing, or not the one the
    /// index listed) are read from their files; the kept archive is then built again.
    fn resolve(&mut self, chunks: &[usize]) {
        let mut wanted = [false; cache::CHUNKS];
        chunks.iter().for_each(|&n| wanted[n] = true);
        let mut cached = [false; cache::CHUNKS];
        for rel in self
            .entries
            .iter()
            .filter(|(_, e)| matches!(e.source, Source::Cached))
            .map(|(rel, _)| rel)
        {
            cached[rel.chunk()] |= wanted[rel.chunk()];
        }
        let chunks: Vec<usize> = (0..cache::CHUNKS).filter(|&n| cached[n]).collect();
        if chunks.is_empty() {
            return;
        }
        let (root, out) = (self.root().to_path_buf(), self.out_dir());
        let loaded: Vec<Vec<CachedEntry<'static>>> = chunks
            .par_iter()
            .map(|&n| cache::load_chunk(&root, &out, n).unwrap_or_default())
            .collect();
        for cached in loaded.into_iter().flatten() {
            let Some(entry) = self.entries.get_mut(OsStr::new(cached.rel.as_ref())) else {
                continue;
            };
            if !matches!(entry.source, Source::Cached) || entry.stamp != Some(cached.stamp) {
                continue;
            }
            entry.source = match cached.source {
                CachedSource::Article(format, article) => Source::Article(format, Ok(article.into_owned())),
                CachedSource::Profile(profile) => Source::Profile(Box::new(Ok(profile.into_owned()))),
                CachedSource::Asset => Source::Asset,
            };
        }
        let missing: Vec<PathBuf> = self
            .entries
            .iter()
            .filter(|(rel, e)| matches!(e.source, Source::Cached) && cached[rel.chunk()])
            .map(|(rel, _)| rel.path.clone())
            .collect();
        if missing.is_empty() {
            return;
        }
        self.kept = None;
        for (rel, entry) in self.read_files(missing) {
            self.set_entry(rel, Some(entry));
        }
    }

    /// Reads and parses the files at `rels` (relative to the site root), in parallel.
    fn read_files(&self, rels: Vec<PathBuf>) -> Vec<(PathBuf, Entry)> {
        let root = self.root();
        let cx = ParseContext {
            timezone: self.timezone(),
        };
        let site = walk::Folder::at(root);
        // No stamp: `read_entry` takes each file's from the file once open.
        rels.into_par_iter()
            .map(|rel| {
                let entry = read_entry(root, &site, &rel, None, &cx);
                (rel, entry)
            })
            .collect()
    }

    /// `resolve` for every chunk.
    fn resolve_all(&mut self) {
        self.resolve(&(0..cache::CHUNKS).collect::<Vec<_>>());
    }

    /// The output folder: `-o OUT`, or `SITE/public`.
    fn out_dir(&self) -> PathBuf {
        self.options
            .out
            .clone()
            .unwrap_or_else(|| shown(self.root(), Path::new("public")))
    }

    /// Sets "the present" for the next builds (a served site moves with the clock).
    pub fn set_now(&mut self, now: chrono::DateTime<chrono::FixedOffset>) {
        self.options.now = now;
    }

    /// The options builds use.
    pub fn options(&self) -> &BuildOptions {
        &self.options
    }

    fn root(&self) -> &Path {
        &self.options.site
    }

    fn timezone(&self) -> Tz {
        self.config.as_ref().map_or(Tz::UTC, |c| c.timezone)
    }

    /// Reads everything again that may have changed: configuration, templates, and the
    /// sources whose size or modification time changed.
    pub fn refresh(&mut self) {
        self.reload_config();
        self.theme = Theme::load(self.root());
        self.rescan_content();
    }

    /// Reads again what changed at `paths` (absolute, or relative to the site root); for
    /// file-system events, which name the files that changed. Returns whether any of them
    /// is something a build reads (the configuration, or a file under `WATCHED`).
    pub fn update(&mut self, paths: &[PathBuf]) -> bool {
        let started = Instant::now();
        let root = self.root().to_path_buf();
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
        if self.parsed_in != Some(self.timezone()) || content.iter().any(|rel| root.join(rel).is_dir()) {
            // A new time zone changes every date; a folder that appeared or moved is walked again.
            self.rescan_content();
            return true;
        }
        let mut to_read: Vec<PathBuf> = Vec::new();
        let mut gone: Vec<PathBuf> = Vec::new();
        for rel in content {
            if root.join(&rel).exists() {
                if !walk::is_ignored(&rel) {
                    to_read.push(rel);
                }
            } else {
                // A file, or a whole folder, is gone.
                gone.extend(
                    self.entries
                        .keys()
                        .filter(|known| known.starts_with(&rel))
                        .map(|known| known.path.clone()),
                );
            }
        }
        to_read.sort();
        to_read.dedup();
        let chunks: Vec<usize> = to_read.iter().chain(&gone).map(|rel| cache::chunk_of(rel)).collect();
        self.resolve(&chunks);
        for known in gone {
            self.set_entry(known, None);
        }
        for (rel, entry) in self.read_files(to_read) {
            self.set_entry(rel, Some(entry));
        }
        self.read_stages.push(("read", started.elapsed(), resident_memory()));
        true
    }

    /// Puts `entry` at `rel`, or removes what is there if `None`, noting what that means
    /// for the kept archive: edits of articles are kept to patch it; any other change of
    /// an article or a profile means building it again.
    fn set_entry(&mut self, rel: PathBuf, entry: Option<Entry>) {
        let after_ok = match entry.as_ref().map(|e| &e.source) {
            None | Some(Source::Asset) => None,
            Some(Source::Article(_, Ok(_))) => Some(true),
            Some(_) => Some(false),
        };
        let key = SourcePath::new(rel);
        self.dirty[key.chunk()] = true;
        // The path is wanted again only to patch a kept archive.
        let rel = self.kept.is_some().then(|| key.path.clone());
        let before = match entry {
            Some(entry) => self.entries.insert(key, entry),
            None => self.entries.remove(key.path.as_os_str()),
        };
        let (Some(kept), Some(rel)) = (&mut self.kept, rel) else {
            return;
        };
        match (before.map(|e| e.source), after_ok) {
            (None | Some(Source::Asset), None) => {}
            (Some(Source::Article(_, Ok(before))), Some(true)) => {
                kept.edited.entry(rel).or_insert(Some(before));
            }
            _ => self.kept = None,
        }
    }

    fn reload_config(&mut self) {
        self.config = Config::load(self.root(), self.options.base_url.as_ref());
    }

    /// Walks `content/` and reads the files that are new or changed.
    fn rescan_content(&mut self) {
        let started = Instant::now();
        let root = self.root().to_path_buf();
        let timezone = self.timezone();
        let reparse_all = self.parsed_in != Some(timezone);
        let mut problems = Vec::new();
        // Stamps tell which files changed since the sources known; with none known (a
        // full build), every file is read, and takes its stamp then.
        let stamps = match reparse_all || self.entries.is_empty() {
            true => walk::Stamps::Skipped,
            false => walk::Stamps::Taken,
        };
        let files = walk::found_under(&root, Path::new(CONTENT_DIR), &mut problems, stamps);
        let cx = ParseContext { timezone };
        // Sources already known and unchanged stay as they are; the others are read.
        let unchanged = |entries: &HashMap<SourcePath, Entry>, rel: &PathBuf, stamp: &Option<Stamp>| {
            !reparse_all && stamp.is_some() && entries.get(rel.as_os_str()).is_some_and(|e| e.stamp == *stamp)
        };
        let entries = &self.entries;
        let changed: Vec<usize> = (0..files.len())
            .into_par_iter()
            .filter(|&i| !unchanged(entries, &files[i].0, &files[i].1))
            .collect();
        let new = changed
            .iter()
            .filter(|&&i| !entries.contains_key(files[i].0.as_os_str()))
            .count();
        let gone: Vec<PathBuf> = match files.len() - new < entries.len() {
            true => {
                let found: HashSet<&OsStr> = files.iter().map(|(rel, _)| rel.as_os_str()).collect();
                entries
                    .keys()
                    .filter(|rel| !found.contains(rel.as_os_str()))
                    .map(|rel| rel.path.clone())
                    .collect()
            }
            false => Vec::new(),
        };
        if reparse_all {
            self.kept = None;
        } else {
            // What the cache holds of the sources that changed or went: their chunks are
            // written again, and an edit is compared with what it replaces.
            let chunks: Vec<usize> = changed
                .iter()
                .map(|&i| &files[i].0)
                .chain(&gone)
                .map(|rel| cache::chunk_of(rel))
                .collect();
            self.resolve(&chunks);
        }
        let entries = &self.entries;
        let site = walk::Folder::at(&root);
        let read: Vec<(PathBuf, Entry)> = changed
            .into_par_iter()
            .map(|i| &files[i])
            .filter(|(rel, stamp)| !unchanged(entries, rel, stamp))
            .map(|(rel, stamp)| (rel.clone(), read_entry(&root, &site, rel, *stamp, &cx)))
            .collect();
        for rel in gone {
            self.set_entry(rel, None);
        }
        // Room for the new sources at once: a full build would otherwise grow the map (an
        // entry holds its parsed source) some twenty times, copying it each time.
        self.entries.reserve(new);
        for (rel, entry) in read {
            self.set_entry(rel, Some(entry));
        }
        self.walk_problems = problems;
        self.parsed_in = Some(timezone);
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
        let patched = self.kept.take().and_then(|kept| self.patched(kept, &selection));
        match patched {
            Some((_, ref edits)) => {
                self.unsaved_edits.extend(edits);
                self.edits_since_record.extend(edits);
                self.read_stages.push(("patch", lap.elapsed(), resident_memory()));
            }
            None => {
                self.resolve_all();
                self.read_stages.push(("resolve", lap.elapsed(), resident_memory()));
            }
        }
        let config = self.config.as_ref().map_err(|list| Diagnostics::from(list.clone()))?;

        // Every problem of the sources and templates, together.
        let mut problems: Vec<Diagnostic> = self.walk_problems.clone();
        let mut content_assets: Vec<PathBuf> = Vec::new();
        for (rel, entry) in &self.entries {
            match &entry.source {
                Source::Article(_, Ok(_)) | Source::Cached => {}
                Source::Article(_, Err(list)) => problems.extend(list.iter().cloned()),
                Source::Profile(profile) => problems.extend(profile.as_ref().as_ref().err().cloned()),
                Source::Unreadable(d) => problems.push(Diagnostic::clone(d)),
                Source::Asset => content_assets.push(rel.path.clone()),
            }
        }
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
                if let Some((archive, _)) = patched {
                    self.kept = Some(Kept {
                        archive,
                        selection,
                        edited: HashMap::new(),
                    });
                }
                return Err(problems.into());
            }
        };
        let kept_shape = patched.is_some();
        let archive = match patched {
            Some((archive, _)) => archive,
            None => {
                let archive = Archive::build(&root, self.build_input(), &selection)?;
                self.archive_dirty = true;
                self.unsaved_edits.clear();
                mark("archive");
                archive
            }
        };
        let stylesheet = match self.options.versioned_assets {
            true => format!(
                "{}style.css?v={}",
                config.base_url.path(),
                assets.version(&root, "style.css")?
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
        // While the archive keeps its shape and pages share what they shared, the article
        // pages and listings that show no article edited since the last build keep the
        // fingerprints it recorded.
        if self.last.is_none()
            && let Some((recorded, _)) = &self.pending_last
        {
            self.last = recorded.recv().ok();
        }
        let page_globals = plan.page_globals();
        let unchanged_pages = self
            .last
            .as_ref()
            .filter(|l| {
                kept_shape
                    && l.out == out_dir
                    && l.page_globals == Some(page_globals)
                    && l.pages.len() == plan.pages().len()
            })
            .map(|l| {
                let edited: Vec<ArticleId> = self.edits_since_record.iter().copied().collect();
                (plan.pages_showing(&edited), &l.pages)
            });
        // Page `i` of this plan is page `i` of the last one (see `LastBuild::pages`).
        let known = |i: usize| -> Option<u64> {
            use render::Page;
            let (showing, pages) = unchanged_pages.as_ref()?;
            let page = plan.pages()[i];
            match page {
                Page::Authors | Page::Tags | Page::Sections | Page::NotFound | Page::Redirect(_) => None,
                _ if showing.contains(&page) => None,
                _ => Some(pages[i]),
            }
        };
        let render::Fingerprints {
            of: fingerprints,
            known: kept,
        } = plan.fingerprints(&known)?;
        let same_pages = unchanged_pages.is_some();
        mark("fingerprints");

        // Incremental when the last build wrote this same folder and it is still there.
        if let Some((_, check)) = self.pending_last.take()
            && !check.join().unwrap_or(false)
        {
            self.last = None;
        }
        if let Some(last) = self.last.as_mut() {
            last.files.map();
        }
        let last: Option<&Records> = self
            .last
            .as_ref()
            .filter(|l| l.out == out_dir && out_dir.join("index.html").is_file())
            .and_then(|l| l.files.mapped());
        let empty = HashMap::new();
        let (output, which, previous): (Output, Vec<usize>, &Records) = match last {
            Some(last) => {
                // A page whose fingerprint was known has the one `last` records: it is
                // looked up only if it was computed.
                let recorded = |i: usize| last.get(plan.page_files()[i].as_str()).and_then(|w| w.fingerprint);
                let changed = (0..fingerprints.len())
                    .filter(|&i| !kept[i] && recorded(i) != Some(fingerprints[i]))
                    .collect();
                (Output::patch(&out_dir, &root)?, changed, last)
            }
            None => (
                Output::create(&out_dir, &root)?,
                (0..fingerprints.len()).collect(),
                &empty,
            ),
        };
        let progress = self.options.progress.then(crate::progress::Progress::start);
        let mut emitted = Emitted::default();
        let generated = plan.generate(
            &output,
            &which,
            &fingerprints,
            previous,
            progress.as_deref(),
            &mut emitted,
        );
        if let Some(p) = &progress {
            p.finish();
        }
        generated?;
        mark("render");
        assets.copy(&root, &output, previous, &mut emitted)?;
        mark("assets");

        // Files the last build wrote and this one does not generate any more.
        let removed: Vec<String> = match last {
            Some(last) => {
                let emitted_now: HashSet<&str> = emitted.files.iter().map(|(f, _)| f.as_str()).collect();
                let plan_files = plan.files();
                let generated = |file: &str| plan_files.contains(file) || emitted_now.contains(file);
                let gone = || -> Vec<String> { last.keys().filter(|f| !generated(f)).map(|f| f.to_string()).collect() };
                // While pages keep their fingerprints (the archive kept its shape and pages
                // share what they shared), the plan lists the files of the last one: only
                // files it does not list (copied files, robots.txt, the parts of the
                // sitemap) can have gone, and none did if the record holds as many files as
                // the plan and those made now, and every one of those.
                let unlisted: Vec<&str> = emitted_now
                    .iter()
                    .copied()
                    .filter(|f| !plan_files.contains(*f))
                    .collect();
                let none_gone = same_pages
                    && last.len() == plan_files.len() + unlisted.len()
                    && unlisted.iter().all(|f| last.contains_key(*f));
                if none_gone {
                    debug_assert_eq!(gone(), Vec::<String>::new(), "files gone from a plan of the same pages");
                    Vec::new()
                } else {
                    gone()
                }
            }
            None => Vec::new(),
        };
        let rendered = which.len();
        cache::forget_output(&root, &out_dir)?;
        let written: Vec<&str> = emitted.written().collect();
        let written_count = written.len();
        let only_stylesheets_written = !written.is_empty() && written.iter().all(|f| f.ends_with(".css"));
        output.commit(&written, &removed)?;
        drop(written);

        // The new record: the last one, less the files no longer generated, with what this
        // build wrote (unchanged pages keep their records).
        // Pages come with their fingerprints (`Plan::generate`).
        let files = match last.is_some().then(|| self.last.take()).flatten().map(|l| l.files) {
            Some(Recorded::Mapped(last)) => {
                let mut files = Arc::try_unwrap(last).unwrap_or_else(|shared| (*shared).clone());
                for file in &removed {
                    files.remove(file.as_str());
                }
                for (rel, written) in emitted.files {
                    files.insert(rel.into(), written);
                }
                Recorded::Mapped(Arc::new(files))
            }
            // A full build (`last` was mapped if there was one).
            _ => Recorded::Listed(emitted.files),
        };
        mark("commit");

        self.last_dirty = true;
        self.last = Some(LastBuild {
            out: out_dir.clone(),
            files,
            page_globals: Some(page_globals),
            pages: fingerprints,
        });
        self.edits_since_record.clear();
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
        self.kept = Some(Kept {
            archive,
            selection,
            edited: HashMap::new(),
        });
        Ok(summary)
    }

    /// Says that the process ends after the next build (see `ends_with_the_process`).
    pub(crate) fn end_with_the_process(&mut self) {
        self.ends_with_the_process = true;
    }

    /// Every parsed source, for building the archive.
    fn build_input(&self) -> BuildInput<'_> {
        let mut input = BuildInput::default();
        for (rel, entry) in &self.entries {
            match &entry.source {
                Source::Article(format, Ok(article)) => input.articles.push((&rel.path, *format, article)),
                Source::Profile(profile) => {
                    if let Ok(profile) = profile.as_ref() {
                        input.profiles.push((&rel.path, profile));
                    }
                }
                _ => {}
            }
        }
        input
    }

    /// The kept archive, patched with the articles edited since it was built, and the
    /// articles it changed; `None` if it must be built again.
    fn patched(&self, mut kept: Kept, selection: &Selection) -> Option<(Archive, Vec<ArticleId>)> {
        if !kept.archive.holds_for(&kept.selection, selection) {
            return None;
        }
        let mut edits = Vec::with_capacity(kept.edited.len());
        for (rel, before) in &kept.edited {
            match self.entries.get(rel.as_os_str()).map(|e| &e.source) {
                Some(Source::Article(_, Ok(after))) => edits.push(Edit {
                    source: rel,
                    before: before.as_deref(),
                    after,
                }),
                _ => return None,
            }
        }
        let changed = kept.archive.patch(&edits, selection)?;
        Some((kept.archive, changed))
    }
}

/// An entry as the build cache keeps it (sources with problems are not kept).
fn cached_entry<'a>(rel: &'a str, entry: &'a Entry) -> Option<CachedEntry<'a>> {
    let stamp = entry.stamp?;
    let source = match &entry.source {
        Source::Article(format, Ok(article)) => CachedSource::Article(*format, Cow::Borrowed(article)),
        Source::Profile(profile) => CachedSource::Profile(Cow::Borrowed(profile.as_ref().as_ref().ok()?)),
        Source::Asset => CachedSource::Asset,
        _ => return None,
    };
    Some(CachedEntry {
        rel: Cow::Borrowed(rel),
        stamp,
        source,
    })
}

/// How the index of the build cache lists an entry (sources with problems are not kept).
fn listed<'a>(rel: &'a str, entry: &Entry) -> Option<cache::Listed<'a>> {
    let stamp = entry.stamp?;
    let parsed = match &entry.source {
        Source::Article(_, Ok(_)) | Source::Cached => true,
        Source::Profile(profile) if profile.is_ok() => true,
        Source::Asset => false,
        _ => return None,
    };
    Some(cache::Listed {
        rel: Cow::Borrowed(rel),
        stamp,
        parsed,
    })
}

/// Reads and parses one file under `content/`.
/// `site` is the site's folder (`root`), to read the file from.
/// `stamp` is the one the walk found; without one, the file's own is taken as it is read.
fn read_entry(root: &Path, site: &walk::Folder, rel: &Path, stamp: Option<Stamp>, cx: &ParseContext) -> Entry {
    let path = shown(root, rel);
    let mut stamp = stamp;
    let mut read = || {
        match stamp {
            Some(known) => site.read_known(rel, known.len),
            None => site.read_stamped(rel).map(|(bytes, found)| {
                stamp = Some(found);
                bytes
            }),
        }
        .map_err(|e| Diagnostic::file(&path, format!("cannot read: {e}")))
    };
    let unreadable = |problem| Source::Unreadable(Box::new(problem));
    let source = match walk::classify(rel) {
        ContentKind::Asset => {
            stamp = stamp.or_else(|| Stamp::of(&root.join(rel)));
            Source::Asset
        }
        ContentKind::Profile => read().map_or_else(unreadable, |bytes| {
            Source::Profile(Box::new(crate::parse::profile::parse_profile(&path, &bytes)))
        }),
        ContentKind::Article(format) => read().map_or_else(unreadable, |bytes| {
            Source::Article(
                format,
                crate::parse::parse_article(&path, &bytes, format, cx).map(Box::new),
            )
        }),
    };
    Entry { stamp, source }
}

/// How many article sources may be edited since the build cache's archive was written
/// (each build patches them in again) before it is written anew.
const UNSAVED_EDITS: usize = 32;

/// Paths under these folders of a site are the ones a build reads.
pub const WATCHED: [&str; 3] = [CONTENT_DIR, TEMPLATES_DIR, STATIC_DIR];

/// The process's resident memory in bytes, where the system tells it (Linux).
fn resident_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}
