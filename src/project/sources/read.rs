//! Reading the sources: a walk of `content/` that reads only the files that are new or
//! changed since they were read, or the files that file-system events name.

use ahash::{AHashMap as HashMap, AHashSet as HashSet};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use rayon::prelude::*;

use super::{Entry, Source, SourcePath, Sources};
use crate::cache;
use crate::diag::{Diagnostic, shown};
use crate::parse::ParseContext;
use crate::project::build_cache::BuildCache;
use crate::project::kept::KeptArchive;
use crate::walk::{self, CONTENT_DIR, ContentKind, Stamp};

impl Sources {
    /// Walks `content/` and reads the files that are new or changed (all of them if the
    /// articles were parsed in another `timezone`), forgetting those that are gone.
    pub(in crate::project) fn rescan(&mut self, timezone: Tz, cache: &BuildCache, kept: &mut KeptArchive) {
        let root = self.root.clone();
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
            kept.forget();
        } else {
            // What the cache holds of the sources that changed or went: their chunks are
            // written again, and an edit is compared with what it replaces.
            let chunks: Vec<usize> = changed
                .iter()
                .map(|&i| &files[i].0)
                .chain(&gone)
                .map(|rel| cache::chunk_of(rel))
                .collect();
            self.resolve(&chunks, timezone, cache, kept);
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
            self.set(rel, None, kept);
        }
        // Room for the new sources at once: a full build would otherwise grow the map (an
        // entry holds its parsed source) some twenty times, copying it each time.
        self.entries.reserve(new);
        for (rel, entry) in read {
            self.set(rel, Some(entry), kept);
        }
        self.walk_problems = problems;
        self.parsed_in = Some(timezone);
    }

    /// Whether the changes at `content` (paths under `content/`, relative to the site
    /// root) need a walk of `content/` (`rescan`), rather than reading them
    /// (`reread`): a new time zone changes every date; a folder that appeared or moved is
    /// walked again.
    pub(in crate::project) fn need_walk(&self, content: &[PathBuf], timezone: Tz) -> bool {
        !self.parsed_in(timezone) || content.iter().any(|rel| self.root.join(rel).is_dir())
    }

    /// Reads again the files at `content` (paths under `content/`, relative to the site
    /// root, as file-system events name them), forgetting those that are gone, and every
    /// source under a folder that is gone.
    pub(in crate::project) fn reread(
        &mut self,
        content: Vec<PathBuf>,
        timezone: Tz,
        cache: &BuildCache,
        kept: &mut KeptArchive,
    ) {
        let mut to_read: Vec<PathBuf> = Vec::new();
        let mut gone: Vec<PathBuf> = Vec::new();
        for rel in content {
            if self.root.join(&rel).exists() {
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
        self.resolve(&chunks, timezone, cache, kept);
        for known in gone {
            self.set(known, None, kept);
        }
        for (rel, entry) in self.read_files(to_read, timezone) {
            self.set(rel, Some(entry), kept);
        }
    }

    /// Reads and parses the files at `rels` (relative to the site root), in parallel.
    pub(super) fn read_files(&self, rels: Vec<PathBuf>, timezone: Tz) -> Vec<(PathBuf, Entry)> {
        let root = &self.root;
        let cx = ParseContext { timezone };
        let site = walk::Folder::at(root);
        // No stamp: `read_entry` takes each file's from the file once open.
        rels.into_par_iter()
            .map(|rel| {
                let entry = read_entry(root, &site, &rel, None, &cx);
                (rel, entry)
            })
            .collect()
    }
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
