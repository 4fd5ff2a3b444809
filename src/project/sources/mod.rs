//! The sources of a site: every file under `content/`, read and parsed, kept between
//! builds so that the next one reads again only the files that changed (`read`), and
//! saved in the build cache so that the next process does not read the others either
//! (`cached`).

mod cached;
mod read;

use ahash::AHashMap as HashMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use chrono_tz::Tz;

use super::kept::{KeptArchive, Role};
use crate::cache;
use crate::diag::Diagnostic;
use crate::model::BuildInput;
use crate::parse::profile::AuthorProfile;
use crate::parse::{Format, ParsedArticle};
use crate::walk::Stamp;

/// A file under `content/`, read and parsed.
#[derive(Debug)]
pub(super) enum Source {
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

/// A source with the size and modification time of its file when it was read.
#[derive(Debug)]
pub(super) struct Entry {
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

/// Every file under `content/` of a site, read and parsed, and which of them changed
/// since the build cache was saved.
pub(super) struct Sources {
    /// The site's folder, as the user named it.
    root: PathBuf,
    /// Files under `content/`, by path relative to the site root.
    entries: HashMap<SourcePath, Entry>,
    /// What the walk of `content/` could not read.
    walk_problems: Vec<Diagnostic>,
    /// The time zone the articles were parsed in (dates without offset depend on it).
    parsed_in: Option<Tz>,
    /// Which chunks of the build cache hold sources read since the cache was saved.
    unsaved: Vec<bool>,
}

impl Sources {
    /// The sources of the site at `root`, none read yet.
    pub(super) fn new(root: &Path) -> Sources {
        Sources {
            root: root.to_path_buf(),
            entries: HashMap::new(),
            walk_problems: Vec::new(),
            parsed_in: None,
            unsaved: vec![false; cache::CHUNKS],
        }
    }

    /// Whether the articles were parsed in `timezone` (if not, each is parsed again).
    pub(super) fn parsed_in(&self, timezone: Tz) -> bool {
        self.parsed_in == Some(timezone)
    }

    /// Puts `entry` at `rel`, or removes what is there if `None`, and tells `kept` (which
    /// keeps edits of articles to patch its archive with, and lets it go on any other
    /// change of an article or a profile).
    fn set(&mut self, rel: PathBuf, entry: Option<Entry>, kept: &mut KeptArchive) {
        let role = Role::of(entry.as_ref().map(|e| &e.source));
        let key = SourcePath::new(rel);
        self.unsaved[key.chunk()] = true;
        // The path is wanted again only to patch a kept archive.
        let rel = kept.is_kept().then(|| key.path.clone());
        let before = match entry {
            Some(entry) => self.entries.insert(key, entry),
            None => self.entries.remove(key.path.as_os_str()),
        };
        if let Some(rel) = rel {
            kept.note(rel, before.map(|e| e.source), role);
        }
    }

    /// Every problem of the sources (and of the walk that found them), and the files
    /// under `content/` that are copied as they are.
    pub(super) fn problems_and_assets(&self) -> (Vec<Diagnostic>, Vec<PathBuf>) {
        let mut problems: Vec<Diagnostic> = self.walk_problems.clone();
        let mut assets: Vec<PathBuf> = Vec::new();
        for (rel, entry) in &self.entries {
            match &entry.source {
                Source::Article(_, Ok(_)) | Source::Cached => {}
                Source::Article(_, Err(list)) => problems.extend(list.iter().cloned()),
                Source::Profile(profile) => problems.extend(profile.as_ref().as_ref().err().cloned()),
                Source::Unreadable(d) => problems.push(Diagnostic::clone(d)),
                Source::Asset => assets.push(rel.path.clone()),
            }
        }
        (problems, assets)
    }

    /// Every parsed source, for building the archive.
    pub(super) fn build_input(&self) -> BuildInput<'_> {
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

    /// The article at `rel`, if it parsed without problems.
    pub(super) fn article(&self, rel: &Path) -> Option<&ParsedArticle> {
        match self.entries.get(rel.as_os_str()).map(|e| &e.source) {
            Some(Source::Article(_, Ok(article))) => Some(article),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests;
